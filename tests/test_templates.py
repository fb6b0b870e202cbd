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


def test_incremental_update_and_verbatim_lines():
    prof = TemplateProfile("x.example", min_pages=2)
    prof.update(["Counter: 12 comments on this story so far\nSign up for our newsletter today, it is free.\n"
                 "A unique sentence about the first harbour report here."])
    prof.update(["Counter: 3 comments on this story so far\nSign up for our  newsletter today, it is free.\n"
                 "A different sentence about a second report entirely."])
    assert prof.is_template("Sign up for our newsletter today, it is free.")
    # Only verbatim recurrence is template: lines differing in a figure are each page's own.
    assert not prof.is_template("Counter: 7 comments on this story so far")
    assert not prof.is_template("A unique sentence about the first harbour report here.")
    assert fingerprint("  ") is None and host_of("https://WWW.X.example/a?b=1") == "x.example"


def test_profile_that_would_drop_everything_is_not_applied(pages):
    prof = TemplateProfile("harbourtimes.example", min_pages=2)
    prof.update([pages[0], RawPage(content=pages[0].content.replace("Story about", "Story on"), format="html",
                                   url=pages[0].url)])
    art = extract(pages[0], profile=prof)
    assert art.text == extract(pages[0]).text  # kept whole, and said so
    assert any(w.startswith("site template not applied") for w in art.warnings)


def _daily(day: int, killed: int, tanks: int, total: int) -> RawPage:
    """A daily figures report: the same phrasing every day, only the numbers change."""
    paras = [f"Russia has lost {killed:,} troops in Ukraine over the past day, bringing its total "
             f"losses since the full-scale invasion began to {total:,}, the General Staff reported on "
             f"March {day}.",
             f"According to the report, Russia has also lost {tanks} tanks, {tanks * 2} armoured "
             f"fighting vehicles, {tanks + 7} artillery systems and {tanks // 2 + 1} air defence systems.",
             "The figures cannot be verified independently. Ukraine does not publish its own losses."]
    html = ("<!DOCTYPE html><html><head><title>Russia's losses</title></head><body><article>"
            f"<h1>General Staff: Russia has lost {total:,} troops</h1>"
            + "".join(f"<p>{p}</p>" for p in paras) + "</article></body></html>")
    return RawPage(content=html, format="html", url=f"https://daily.example/news/losses-{day}")


def test_daily_figure_reports_are_never_eaten():
    """Six pages of one host whose text differs only in its numbers: each keeps its figures."""
    from newsdesk.extract.templates import TemplateBook
    from newsdesk.pipeline import Pipeline

    pages = [_daily(d, 700 + 37 * d, 5 + d, 150_000 + 800 * d) for d in range(1, 7)]
    book = TemplateBook()
    out = list(Pipeline("extract", templates=book).process(pages))
    assert [type(a).__name__ for a in out] == ["Article"] * 6, [getattr(a, "reason", "") for a in out]
    for d, a in zip(range(1, 7), out):
        assert f"{700 + 37 * d:,} troops" in a.text and f"{5 + d} tanks" in a.text


def test_template_never_takes_more_than_a_bounded_share():
    from newsdesk.extract.templates import MAX_STRIP_SHARE, apply_template

    chrome = ("Read more stories like this one in our weekly digest, sent every Friday morning to "
              "every subscriber who asked for it on our website or at the front desk of our office.")
    own = "Ships left the harbour at dawn after the gale had passed over the islands late on Sunday."
    body = "\n\n".join([chrome, chrome + " Again.", own])
    text, dropped, warning = apply_template(body, lambda p: p.startswith("Read more"))
    assert text == body and dropped == 0 and "remove" in warning
    assert MAX_STRIP_SHARE < 1
    short = "\n\n".join(["Ships left at dawn.", chrome])
    text, dropped, warning = apply_template(short, lambda p: p == "Ships left at dawn.")
    assert dropped == 1 and warning is None and text == chrome


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


# -- learning in the stream: pipeline and executors ------------------------------------------
def _stream():
    extra = {"quay": ["Repairs to the old quay wall began on Monday and will close the slipway to boats for a month.",
                      "The harbour master said the wall had moved several centimetres since the winter storms."]}
    return [page(slug, paras) for slug, paras in {**STORIES, **extra}.items()]


def test_pipeline_learns_templates_as_pages_stream_through():
    from newsdesk.extract.templates import TemplateBook
    from newsdesk.pipeline import Pipeline

    book = TemplateBook()
    arts = list(Pipeline("extract", templates=book).process(_stream()))
    # The blurb is template once the third page of the host has been seen, not before.
    assert [BLURB in a.text for a in arts] == [True, True, False, False]
    assert book.changed == {"harbourtimes.example"} and book.profiles["harbourtimes.example"].pages == 4
    # Without a book nothing is learned: every page keeps its blurb.
    assert all(BLURB in a.text for a in Pipeline("extract").process(_stream()))


def test_stored_book_strips_from_the_first_page_of_the_next_run():
    from newsdesk.extract.templates import TemplateBook
    from newsdesk.pipeline import Pipeline

    first = TemplateBook()
    list(Pipeline("extract", templates=first).process(_stream()))
    saved = json.loads(json.dumps(first.to_dicts(first.changed)))
    again = TemplateBook.from_dicts(saved)
    arts = list(Pipeline("extract", templates=again).process(_stream()[:1]))
    assert BLURB not in arts[0].text and arts[0].text == "\n\n".join(STORIES["ferry"])
    assert again.changed == set()                 # a page learned before is not learned again
    assert TemplateBook.from_dicts({"x.example": {"version": 99}}).profiles == {}


def test_background_paragraph_on_a_few_of_many_pages_is_kept():
    from newsdesk.extract.templates import TemplateBook

    background = "The port was first dredged in 1902, when the railway reached the town and trade grew quickly."
    book = TemplateBook()
    for i in range(40):
        paras = [f"Story number {i} about harbour business reports a change of {i} boats this week in the port."]
        if i < 3:
            paras.append(background)          # three stories repeat it: 3 of 40 pages
        book.observe(page(f"s{i}", paras))
    frozen = book.for_host("harbourtimes.example")
    assert frozen.is_template(BLURB) and not frozen.is_template(background)


def test_process_executor_strips_like_the_local_one():
    from newsdesk.executor import LocalExecutor, ProcessExecutor
    from newsdesk.extract.templates import TemplateBook

    local = [a.text for a in LocalExecutor("extract", templates=TemplateBook()).run(_stream())]
    pool = ProcessExecutor("extract", workers=2, chunk_size=1, templates=TemplateBook())
    assert [a.text for a in pool.run(_stream())] == local


def test_ingest_stores_profiles_and_uses_them_on_the_next_run(tmp_path):
    import newsdesk

    stream = _stream()
    db = str(tmp_path / "nd.db")

    def jsonl(pages, name):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"url": p.url, "html": p.content}) + "\n" for p in pages))
        return str(path)

    report = newsdesk.ingest([jsonl(stream[:2], "a.jsonl")], db=db, steps="extract")
    assert report.added == 2
    with newsdesk.open_store(db) as store:
        stored = store.templates()
        assert set(stored) == {"harbourtimes.example"} and stored["harbourtimes.example"]["pages"] == 2
        assert all(BLURB in store.get(a["id"]).text for a in store.list())
    # Next run: the third page of the host makes the blurb template for it and the page after.
    newsdesk.ingest([jsonl(stream[2:], "b.jsonl")], db=db, steps="extract")
    with newsdesk.open_store(db) as store:
        texts = {store.get(a["id"]).url.rsplit("/", 1)[1]: store.get(a["id"]).text for a in store.list()}
        assert BLURB in texts["ferry"] and BLURB not in texts["school"] and BLURB not in texts["quay"]
        assert store.templates()["harbourtimes.example"]["pages"] == 4
    # Off: nothing learned, nothing stripped.
    db2 = str(tmp_path / "off.db")
    newsdesk.ingest([jsonl(stream, "c.jsonl")], db=db2, steps="extract", templates=False)
    with newsdesk.open_store(db2) as store:
        assert store.templates() == {} and all(BLURB in store.get(a["id"]).text for a in store.list())
