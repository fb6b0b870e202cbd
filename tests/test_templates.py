"""Site templates learned across pages: lines recurring on a host's pages are boilerplate."""
from __future__ import annotations

import json

import pytest

from newsdesk.extract import NO_TEXT, extract
from newsdesk.extract.templates import TemplateProfile, fingerprint, host_of, learn
from newsdesk.model import RawPage

HOST = "https://www.harbourtimes.example"
# Chrome that the single-page rules keep: well-formed prose inside the article markup.
BLURB = ("The Harbour Times has reported on the northern coast since 1898 and is owned by a trust "
         "that reinvests every penny in local journalism.")
TIPS = "Our reporters cover every harbour town on the coast, and they read every message that readers send them."
STORIES = {
    "ferry": ["The island ferry resumed its crossings on Saturday after gales had kept it in port for three days.",
              "Around 240 passengers boarded the first sailing, many of them islanders stranded since Wednesday.",
              "The operator said a second vessel would join the route next week to clear the backlog of lorries."],
    "pier": ["The harbour board approved plans for a new fishing pier on Tuesday after a long public consultation.",
             "Fishermen had asked for deeper berths for years, saying larger boats could not land at low tide.",
             "Construction is expected to start in the spring and take about eighteen months, the board said."],
    "school": ["A primary school in the old town will close for a week while engineers repair its storm-damaged roof.",
               "Pupils will be taught in the community hall, and parents were told to expect changes to bus times.",
               "The council said the repairs would cost about 80,000 pounds and be finished before the holidays."],
}


def page(slug: str, paras: list[str]) -> RawPage:
    body = "".join(f"<p>{p}</p>" for p in paras)
    html = (f"<!DOCTYPE html><html lang='en'><head><title>{slug} | The Harbour Times</title></head><body>"
            f"<nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
            f"<article><h1>Story about the {slug}</h1>{body}<p>{BLURB}</p><p>{TIPS}</p></article>"
            f"<footer><p>Harbour Times, 4 Quay Street</p></footer></body></html>")
    return RawPage(content=html, format="html", url=f"{HOST}/news/{slug}")


@pytest.fixture(scope="module")
def pages():
    return [page(slug, paras) for slug, paras in STORIES.items()]


def test_single_page_rules_keep_the_template_prose(pages):
    art = extract(pages[0])
    assert BLURB in art.text and TIPS in art.text


def test_learned_profile_drops_recurring_lines_only(pages):
    profiles = learn(pages)
    assert set(profiles) == {"harbourtimes.example"}
    prof = profiles["harbourtimes.example"]
    assert prof.pages == 3 and prof.is_template(BLURB) and prof.is_template(TIPS)
    for p, (slug, paras) in zip(pages, STORIES.items()):
        art = extract(p, profile=prof)
        assert art.text == "\n\n".join(paras), slug
        assert BLURB not in art.text and TIPS not in art.text


def test_two_pages_are_not_enough_by_default(pages):
    prof = TemplateProfile("harbourtimes.example")
    prof.update(pages[:2])
    assert not prof.is_template(BLURB)
    low = TemplateProfile("harbourtimes.example", min_pages=2)
    low.update(pages[:2])
    assert low.is_template(BLURB)
    assert extract(pages[2], profile=low).text == "\n\n".join(STORIES["school"])


def test_same_page_twice_counts_once_and_other_hosts_are_skipped(pages):
    prof = TemplateProfile("harbourtimes.example")
    assert prof.update([pages[0], pages[0], pages[1]]) == 2
    other = RawPage(content=pages[2].content, format="html", url="https://elsewhere.example/x")
    assert prof.update([other]) == 0
    assert prof.pages == 2 and not prof.is_template(BLURB)


def test_profile_round_trips_through_json(pages):
    prof = learn(pages)["harbourtimes.example"]
    data = json.loads(json.dumps(prof.to_dict()))
    again = TemplateProfile.from_dict(data)
    assert again.to_dict() == prof.to_dict()
    assert BLURB not in json.dumps(data)           # fingerprints only, no page text
    assert extract(pages[1], profile=data).text == "\n\n".join(STORIES["pier"])   # a dict works too
    with pytest.raises(ValueError):
        TemplateProfile.from_dict({"version": 99})


def test_incremental_update_and_digit_folding():
    prof = TemplateProfile("x.example", min_pages=2)
    prof.update(["Counter: 12 comments on this story so far\nA unique sentence about the first harbour report here."])
    prof.update(["Counter: 3 comments on this story so far\nA different sentence about a second report entirely."])
    assert prof.is_template("Counter: 7 comments on this story so far")
    assert not prof.is_template("A unique sentence about the first harbour report here.")
    assert fingerprint("  ") is None and host_of("https://WWW.X.example/a?b=1") == "x.example"


def test_profile_dropping_everything_gives_the_empty_article(pages):
    prof = TemplateProfile("harbourtimes.example", min_pages=2)
    prof.update([pages[0], RawPage(content=pages[0].content.replace("Story about", "Story on"), format="html",
                                   url=pages[0].url)])
    art = extract(pages[0], profile=prof)
    assert art.text == "" and art.warnings[0] == NO_TEXT


def test_scraped_text_pages_use_profiles_too():
    chrome = "Every story on this site is checked by two editors before it is published, as our charter says."
    towns = ("Ashby", "Brill", "Corfe")
    texts = [f"{t} votes on harbour wall\nBy Ann Lee\nThe council of {t} met on Monday and voted to repair the harbour wall.\n"
             f"Officials in {t} said the work would start next month and last until the spring.\n{chrome}\n"
             for t in towns]
    pages = [RawPage(content=t, format="text", url=f"https://ledger.example/s{i}") for i, t in enumerate(texts)]
    assert chrome in extract(pages[0]).text
    prof = learn(pages)["ledger.example"]
    art = extract(pages[0], profile=prof)
    assert chrome not in art.text and art.text.startswith("The council of Ashby met")
