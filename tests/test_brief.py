"""The daily brief's ranking, templating, periods and renderers (newsdesk.brief), on story
records written here, and the families of store.story_claims."""
import json
from datetime import datetime, timezone

import pytest

from newsdesk import brief
from newsdesk.store.story_claims import families


def claim(aid, outlet, quote, published="2024-05-02T10:00", source=None, factuality="asserted"):
    return {"article_id": aid, "outlet": outlet, "quote": quote, "published": published,
            "url": f"https://{outlet.lower().replace(' ', '')}.example/{aid}", "source": source,
            # the trigger: the quote's first word
            "factuality": factuality, "start": 0, "end": len(quote.split()[0]), "quote_start": 0,
            "quote_end": len(quote)}


def incident(iid, status, outlets, claims, type="PROTEST", actors=(), targets=(), place=None, time=None):
    return {"id": iid, "type": type, "status": status, "why": "why " + status, "outlets": outlets,
            "first_report": "2024-05-02", "claims": claims,
            "summary": {"actors": tuple(actors), "targets": tuple(targets),
                        "place": {"name": place} if place else None, "time": time}}


def story(sid, outlets, incidents, last="2024-05-02T10:00"):
    return {"id": sid, "label": f"story {sid}", "first_seen": "2024-05-01", "last_seen": last,
            "article_count": len(outlets), "independent_outlets": outlets, "outlets": outlets,
            "incidents": incidents}


def one(iid="i", outlet="A"):
    return incident(iid, "single-source", [outlet], [claim("a1", outlet, "Crowds marched.")])


def test_rank_by_independent_outlets_then_incidents_then_latest():
    s1 = story("s1", ["A"], [one(), one("j")])
    s2 = story("s2", ["A", "B", "C"], [one()])
    s3 = story("s3", ["A", "B"], [one()])
    s4 = story("s4", ["A", "B"], [one(), one("j"), one("k")])
    s5 = story("s5", ["A", "B"], [one()], last="2024-05-03")
    assert [s["id"] for s in brief.rank([s1, s2, s3, s4, s5])] == ["s2", "s4", "s5", "s3", "s1"]


def test_sentence_is_filled_from_the_record_only():
    inc = incident("i", "corroborated", ["A", "B"], [], type="ASSAULT", actors=["Army"],
                   targets=["Rebels", "Militia"], place="Gao", time="2024-03-10")
    assert brief.sentence(inc) == "Army attacked Rebels and Militia in Gao (2024-03-10)."
    inc = incident("i", "single-source", ["A"], [], type="PROTEST", actors=["Students"])
    assert brief.sentence(inc) == "Students protested."
    inc = incident("i", "single-source", ["A"], [], type="SANCTION")
    assert brief.sentence(inc) == "A sanction event was reported."
    # a place already named as the target is not said twice
    inc = incident("i", "corroborated", ["A", "B"], [], type="ASSAULT", actors=["Drones"],
                   targets=["Kharkiv"], place="Kharkiv")
    assert brief.sentence(inc) == "Drones attacked Kharkiv."


def test_facts_cite_every_claim_and_contested_ones_show_both_sides():
    figures = incident("c", "contested", ["A", "B"], [
        claim("a1", "A", "Eleven people were hurt, officials said.", source="officials"),
        claim("b1", "B", "Thirty people were hurt, the mayor said.", source="the mayor")], type="ASSAULT",
        actors=["Drones"], place="Kharkiv")
    denied = incident("d", "contested", ["A", "B"], [
        claim("a2", "A", "Troops fired on the crowd."),
        claim("b2", "B", "The ministry denied troops fired.", factuality="negated")], type="ASSAULT",
        actors=["Troops"])
    f = brief.fact(figures)
    assert [c["outlet"] for c in f["citations"]] == ["A", "B"]
    assert [s["side"] for s in f["sides"]] == ["A", "B"]
    assert f["sides"][1]["citations"][0]["quote"] == "Thirty people were hurt, the mayor said."
    sides = brief.fact(denied)["sides"]
    assert {s["side"] for s in sides} == {"says it happened", "says it did not happen"}
    assert "sides" not in brief.fact(one())


def test_pick_incidents_prefers_outlets_and_drops_sentences_told_twice():
    wide = incident("w", "corroborated", ["A", "B", "C"], [claim("a", "A", "x")], actors=["Crowd"])
    twin = incident("t", "single-source", ["A"], [claim("a", "A", "y")], actors=["Crowd"])
    other = [incident(f"o{n}", "single-source", ["A"], [claim("a", "A", "z")], actors=[f"Group {n}"])
             for n in range(4)]
    picked = brief.pick_incidents(story("s", ["A"], other + [twin, wide]))
    assert picked[0]["id"] == "w" and "t" not in [i["id"] for i in picked]
    assert len(picked) == brief.FACTS_PER_STORY


def test_parse_since():
    now = datetime(2024, 5, 3, 12, 0, tzinfo=timezone.utc)
    assert brief.parse_since("24h", now) == "2024-05-02T12:00+00:00"
    assert brief.parse_since("30d", now) == "2024-04-03T12:00+00:00"
    assert brief.parse_since("2w", now) == "2024-04-19T12:00+00:00"
    assert brief.parse_since("24h", "2024-01-22T07:45") == "2024-01-21T07:45"  # naive stays naive
    assert brief.parse_since("2024-05-01") == "2024-05-01"
    with pytest.raises(ValueError, match="24h, 30d"):
        brief.parse_since("yesterday")
    with pytest.raises(ValueError, match="before year 1"):
        brief.parse_since("99999999999d", now)
    assert brief.parse_until("2024-01-31") == "2024-01-31T23:59:59"  # the whole day
    assert brief.parse_until("2024-01-31T08:00") == "2024-01-31T08:00"


def test_anchor_is_the_newest_report_when_the_store_ends_before_now():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert brief.anchor("2024-01-22T07:45", now) == datetime(2024, 1, 22, 7, 45)
    assert brief.anchor("2027-01-01T00:00+00:00", now) == now
    assert brief.anchor(None, now) == now


def test_renderers_cite_and_stay_self_contained():
    s = story("s", ["A", "B"], [incident("c", "contested", ["A", "B"], [
        claim("a1", "A", "Eleven <b>hurt</b>.", source="officials"), claim("b1", "B", "Thirty hurt.")],
        type="ASSAULT", actors=["Drones"])])
    b = brief.build([s], since="2024-05-01", generated="2024-05-03T00:00")
    md = brief.render(b, "md")
    assert "**contested**" in md and "[A, 2024-05-02T10:00](https://a.example/a1) officials: “**Eleven** <b>hurt</b>.”" in md
    html = brief.render(b, "html")
    assert "<mark>Eleven</mark> &lt;b&gt;hurt&lt;/b&gt;." in html and "<b>hurt" not in html
    assert "@media print" in html
    for external in ("<script", "<link", "<img", "src=", "@import", "url("):
        assert external not in html
    assert json.loads(brief.render(b, "json"))["stories"][0]["facts"][0]["status"] == "contested"


def test_families_fold_copies_under_their_first_carrier():
    arts = [{"id": "1", "outlet": "Wire", "duplicate_of": None},
            {"id": "2", "outlet": "Paper", "duplicate_of": "1"},
            {"id": "3", "outlet": "Other", "duplicate_of": None},
            {"id": "4", "outlet": "Wire", "duplicate_of": "1"}]
    fams = families(arts)
    assert [f["article"]["id"] for f in fams] == ["1", "3"]
    assert [c["id"] for c in fams[0]["copies"]] == ["2", "4"]
    assert fams[0]["also_carried_by"] == ["Paper"]


@pytest.mark.parametrize("value, words", [
    ("2024-01-16TNI", "2024-01-16, night"), ("2023-FA", "autumn 2023"), ("2024-W42", "week 42 of 2024"),
    ("2024-Q3", "Q3 2024"), ("2024-01-16T07:15", "2024-01-16 07:15"), ("2024-01-16", "2024-01-16"),
    ("PAST_REF", "earlier"), ("P3D", None), ("XXXX-WXX-1", None), (None, None)])
def test_timex_values_read_as_words(value, words):
    assert brief.timex_words(value) == words


def test_a_duration_puts_no_date_in_the_sentence():
    inc = {"type": "PROTEST", "summary": {"actors": ["Farmers"], "time": "P3D"}}
    assert "(" not in brief.sentence(inc)


def test_excerpt_marks_the_trigger_and_keeps_it_past_the_cut():
    said = "The ministry denied that its forces had attacked homes, saying its drones had struck depots."
    hit = said.index("struck")
    c = dict(claim("a1", "A", said), start=hit, end=hit + len("struck"))
    text, mark = brief.excerpt(c)
    assert text == said and text[mark[0]:mark[1]] == "struck"
    # a sentence longer than the cut, its trigger near the end: the excerpt ends near it
    long = "Officials said " + "that the talks went on, " * 20 + "and the army shelled the port."
    hit = long.index("shelled")
    text, mark = brief.excerpt(dict(claim("a1", "A", long), start=hit, end=hit + 7))
    assert len(text) <= brief.QUOTE_CHARS and text.startswith("… ") and text[mark[0]:mark[1]] == "shelled"
    # offsets that do not fall in the quote mark nothing
    assert brief.excerpt(dict(claim("a1", "A", said), start=500, end=506))[1] is None
