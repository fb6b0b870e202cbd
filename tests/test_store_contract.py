"""The store contract (newsdesk.store.base) on real engines: SQLite (a temporary file) and
PostgreSQL (a throwaway server started by pytest-postgresql, see tests/_pg_server.py for how it is
found and how it runs when the tests run as root). Every test runs on both; the PostgreSQL
ones skip, saying why, when the server binaries are not installed."""
from __future__ import annotations

import sqlite3

import pytest

from newsdesk.model import Article, Entity, Event, PageError, Place, Statement, TimeRef
from newsdesk.store import open_store
from newsdesk.store.base import Filters as F
from newsdesk.store.base import Page

from _pg_server import pg_executable  # tests/_pg_server.py

PG_CTL, PG_SKIP = pg_executable()

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db = factories.postgresql("pg_proc", dbname="newsdesk_test")


def pg_url(conn) -> str:
    i = conn.info
    return f"postgresql://{i.user}@{i.host}:{i.port}/{i.dbname}"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """(engine, URL) of an empty database."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "nd.db")
    if not PG_CTL:
        pytest.fail(f"PostgreSQL is needed here: {PG_SKIP}", pytrace=False)
    return "postgresql", pg_url(request.getfixturevalue("pg_db"))


@pytest.fixture
def store(target):
    s = open_store(target[1])
    yield s
    s.close()


# -- a small corpus where every filter picks a known set -------------------------------

def mk(id_, text, published, outlet, title, **kw):
    return Article(id=id_, text=text, published=published, outlet=outlet, title=title,
                   url=f"https://example.org/{id_}", source=f"{id_}.html", **kw)


def span(text, word, n=0):
    i = -1
    for _ in range(n + 1):
        i = text.index(word, i + 1)
    return i, i + len(word)


def corpus() -> list[Article]:
    arts = []
    t1 = ("Fishermen in Tromsø protested on Monday against new quotas. \"We will not accept "
          "this,\" said Ingrid Dahl, who leads the union in Tromsø. R&D <b>money</b> was cut.")
    arts.append(mk("a1", t1, "2024-05-06T10:00", "Nordlys", "Fishermen protest quotas in Tromsø",
        entities=[Entity("Ingrid Dahl", "PERSON", *span(t1, "Ingrid Dahl"), "Ingrid Dahl"),
                  Entity("Tromsø", "GPE", *span(t1, "Tromsø"), "Tromsø")],
        places=[Place("Tromsø", *span(t1, "Tromsø"), "Tromsø", "NO", 69.65, 18.96, 3133880, "city"),
                Place("Tromsø", *span(t1, "Tromsø", 1), "Tromsø", "NO", 69.65, 18.96, 3133880, "city")],
        times=[TimeRef("Monday", *span(t1, "Monday"), "2024-05-06")],
        statements=[Statement("Ingrid Dahl", *span(t1, "Ingrid Dahl"), "said", *span(t1, "said"),
                              "We will not accept this", *span(t1, "We will not accept this"), "direct",
                              confidence=0.95)],
        events=[Event("PROTEST", "protested", *span(t1, "protested"), actors=["Fishermen"],
                      targets=["quotas"], place="Tromsø", time="2024-05-06",
                      attributed_to="Ingrid Dahl", confidence=0.9)]))
    t2 = ("The ministry rejected the demands. The harbour in Bergen stays open, the Fisheries "
          "Ministry said, and it has not rejected further talks.")
    arts.append(mk("a2", t2, "2024-05-07", "Aftenposten", "Government rejects fishing quota demands",
        entities=[Entity("Fisheries Ministry", "ORG", *span(t2, "Fisheries Ministry"), "Fisheries Ministry"),
                  Entity("Bergen", "GPE", *span(t2, "Bergen"), "Bergen")],
        places=[Place("Bergen", *span(t2, "Bergen"), "Bergen", "NO", 60.39, 5.32, 3161732, "city")],
        statements=[Statement("Fisheries Ministry", *span(t2, "Fisheries Ministry"), "said",
                              *span(t2, "said"), "The harbour in Bergen stays open",
                              *span(t2, "The harbour in Bergen stays open"), "reported",
                              confidence=0.5)],
        events=[Event("REJECT", "rejected", *span(t2, "rejected"), actors=["The ministry"],
                      factuality="asserted", attributed_to="Fisheries Ministry", confidence=0.4),
                Event("REJECT", "rejected", *span(t2, "rejected", 1), actors=["Fisheries Ministry"],
                      factuality="negated", attributed_to="Fisheries Ministry", confidence=0.7)]))
    t3 = ("Norway and Russia will hold talks in Oslo next month, Ingrid Dahl said. "
          "Sergei Ivanov said the talks would be hard.")
    arts.append(mk("a3", t3, "2024-06-01", "Nordlys", "Talks planned next month",
        entities=[Entity("Ingrid Dahl", "PERSON", *span(t3, "Ingrid Dahl"), "Ingrid Dahl"),
                  Entity("Sergei Ivanov", "PERSON", *span(t3, "Sergei Ivanov"), "Sergei Ivanov")],
        places=[Place("Oslo", *span(t3, "Oslo"), "Oslo", "NO", 59.91, 10.75, 3143244, "city")],
        statements=[Statement("Ingrid Dahl", *span(t3, "Ingrid Dahl"), "said", *span(t3, "said"),
                              "Norway and Russia will hold talks", 0, 33, "reported"),
                    Statement("Sergei Ivanov", *span(t3, "Sergei Ivanov"), "said", *span(t3, "said", 1),
                              "the talks would be hard", *span(t3, "the talks would be hard"), "reported")],
        events=[Event("CONSULT", "talks", *span(t3, "talks"), actors=["Norway"], targets=["Russia"],
                      place="Oslo", time="2024-07-01", factuality="planned")]))
    arts.append(mk("a4", "A storm closed the harbour overnight; no one was hurt.", None, None,
                   "Storm closes harbour"))
    t5 = ("Dockers plan to protest in Bergen next spring over pay. "
          "The protest in Bergen would be the first in years.")
    arts.append(mk("a5", t5, "2024-06-01", "Aftenposten", "Dockers plan Bergen protest",
        entities=[Entity("Bergen", "GPE", *span(t5, "Bergen"), "Bergen")],
        places=[Place("Bergen", *span(t5, "Bergen"), "Bergen", None, None, None, None, None),
                Place("Bergen", *span(t5, "Bergen", 1), "Bergen", "NO", 60.39, 5.32, 3161732, "city")],
        events=[Event("PROTEST", "protest", *span(t5, "protest"), actors=["Dockers"], place="Bergen",
                      time="2025-SP", factuality="planned", confidence=0.85),
                Event("PROTEST", "protest", *span(t5, "protest", 1), actors=["Dockers"],
                      place="Nowhere", factuality="hypothetical", method="classifier",
                      confidence=0.2)]))
    t6 = "Quota rules change at new year, Ingrid Dahl wrote in a letter."
    arts.append(mk("a6", t6, "2023-12-31T23:59", "Nordlys", "New quota rules",
        entities=[Entity("Ingrid Dahl", "PERSON", *span(t6, "Ingrid Dahl"), "Ingrid Dahl")]))
    return arts


@pytest.fixture
def full(store):
    for a in corpus():
        assert store.add(a) == "added"
    return store


def ids(page: Page) -> list[str]:
    return [r["id"] for r in page.items]


ALL = ["a3", "a5", "a2", "a1", "a6", "a4"]  # newest first, ties by id, undated last


# -- writing ----------------------------------------------------------------------------

def test_add_is_idempotent_and_roundtrips(store):
    arts = corpus()
    assert [store.add(a) for a in arts] == ["added"] * 6
    assert [store.add(a) for a in corpus()] == ["skipped"] * 6  # fresh objects, same ids
    assert list(store.add_many(corpus())) == ["skipped"] * 6
    c = store.counts()
    assert (c["articles"], c["entities"], c["places"], c["statements"], c["events"]) == (6, 8, 6, 4, 6)
    assert c["events_by_type"] == {"PROTEST": 3, "REJECT": 2, "CONSULT": 1}
    for a in arts:
        assert store.get(a.id) == a  # every field and annotation survives
    assert store.articles(F()).total == 6


def test_add_many_mixes_articles_and_errors(store):
    recs = [PageError(source="a1.html", reason="timeout"), PageError(source="x.html", reason="empty page"),
            *corpus()[:2], PageError(source="x.html", reason="empty page")]
    assert list(store.add_many(recs)) == ["error", "error", "added", "added", "error"]
    # the same error is stored once; a1.html succeeded after failing, so its error is settled
    assert [e["source"] for e in store.errors()] == ["x.html"]
    assert store.counts()["errors"] == 1


def test_add_refuses_other_objects(store):
    with pytest.raises(TypeError):
        store.add({"id": "x", "text": "y"})


def test_get_by_id_and_unique_prefix(full):
    assert full.get("a1").title == "Fishermen protest quotas in Tromsø"
    assert full.get("missing") is None
    assert full.get("") is None


def test_text_with_nul_and_odd_characters(store):
    a = mk("odd", "Zero\x00byte and emoji 😀 and quotes ' \" and backslash \\ here.", "2024-01-01",
           "O'Reilly \"Daily\"", "Odd 'title'")
    assert store.add(a) == "added"
    assert store.articles(F(outlet="O'Reilly \"Daily\"")).total == 1
    assert store.articles(F(q="emoji")).total == 1
    assert store.get("odd").title == "Odd 'title'"


def test_empty_store_answers_everything(store):
    f = F(q="quota", outlet="x", since="2024-01-01", until="2024-12-31", entity="e", place="p",
          event_type="PROTEST", factuality="asserted", source="s")
    for flt in (F(), f):
        for method in (store.articles, store.events, store.statements, store.entities, store.places):
            page = method(flt)
            assert page.items == [] and page.total == 0
        assert store.timeline(flt) == []
        assert store.facets(flt) == {"outlet": [], "event_type": [], "factuality": [],
                                     "is_estimate": False}
    assert store.counts()["articles"] == 0 and store.list() == [] and store.search("x") == []


# -- articles and every filter ------------------------------------------------------------

def test_articles_newest_first_then_id_undated_last(full):
    page = full.articles(F())
    assert ids(page) == ALL and page.total == 6
    item = page.items[0]
    assert {"id", "url", "outlet", "title", "published", "snippet"} <= set(item)
    assert item["snippet"].startswith("Norway and Russia will hold talks")


@pytest.mark.parametrize("flt, expected", [
    (F(q="protest"), ["a5", "a1"]),                    # "protested" stems to protest
    (F(q="quotas"), ["a2", "a1", "a6"]),               # title and body, any inflection
    (F(q="Bergen harbour"), ["a2"]),                   # words are ANDed
    (F(q='"harbour in Bergen"'), ["a2"]),              # phrase
    (F(q='"Bergen in harbour"'), []),                  # phrase order matters
    (F(q="Troms*"), ["a1"]),                           # prefix
    (F(q="nonexistentword"), []),
    (F(outlet="Nordlys"), ["a3", "a1", "a6"]),
    (F(outlet="nordlys"), []),                         # exact name
    (F(since="2024-05-07"), ["a3", "a5", "a2"]),
    (F(until="2024-05-06"), ["a1", "a6"]),             # inclusive: 2024-05-06T10:00 is in
    (F(since="2024-05", until="2024-05"), ["a2", "a1"]),  # a month prefix
    (F(since="2024-05-06T11:00"), ["a3", "a5", "a2"]),
    (F(until="2023-12-31T23:59"), ["a6"]),
    (F(entity="Ingrid Dahl"), ["a3", "a1", "a6"]),
    (F(entity="Bergen"), ["a5", "a2"]),
    (F(place="Bergen"), ["a5", "a2"]),
    (F(place="Oslo"), ["a3"]),
    (F(event_type="PROTEST"), ["a5", "a1"]),
    (F(event_type="PROTEST", factuality="planned"), ["a5"]),
    (F(event_type="CONSULT", factuality="asserted"), []),  # both on the same event
    (F(factuality="negated"), ["a2"]),
    (F(method="classifier"), ["a5"]),
    (F(event_type="PROTEST", method="pattern"), ["a5", "a1"]),
    (F(factuality="hypothetical", method="pattern"), []),  # both on the same event
    (F(source="Fisheries Ministry"), ["a2"]),
    (F(source="Ingrid Dahl"), ["a3", "a1"]),           # a statement (a3) or an event (a1)
    (F(source="Sergei Ivanov"), ["a3"]),
    (F(q="quota", outlet="Nordlys", since="2024-01-01"), ["a1"]),
    (F(entity="Ingrid Dahl", place="Tromsø", event_type="PROTEST", source="Ingrid Dahl"), ["a1"]),
])
def test_article_filters(full, flt, expected):
    page = full.articles(flt)
    assert ids(page) == expected
    assert page.total == len(expected)


def test_snippets_highlight_and_escape(full):
    item = full.articles(F(q="money")).items[0]
    assert item["id"] == "a1"
    assert "[money]" in item["snippet"]  # plain text (PostgreSQL's ts_headline drops tags)
    assert "<mark>money</mark>" in item["snippet_html"]
    assert "R&amp;D" in item["snippet_html"]
    assert "<b>" not in item["snippet_html"]


def test_pagination_is_stable_and_complete(full):
    for flt in (F(), F(q="quota"), F(outlet="Nordlys")):
        whole = ids(full.articles(flt, limit=100))
        pages = [full.articles(flt, limit=2, offset=o) for o in range(0, 8, 2)]
        assert sum((ids(p) for p in pages), []) == whole
        assert {p.total for p in pages} == {len(whole)}
        assert ids(full.articles(flt, limit=2, offset=1)) == whole[1:3]
        assert ids(full.articles(flt, limit=2, offset=1)) == whole[1:3]  # same again
    page = full.articles(F(), limit=0)
    assert page.items == [] and page.total == 6
    with pytest.raises(ValueError):
        full.articles(F(), limit=-1)
    with pytest.raises(ValueError):
        full.events(F(), offset=-5)


HOSTILE = ['"', '""', "'", "(", ")", "AND", "OR", "NOT", "quota AND", "OR OR", "*", "**", "^quota",
           "title:quota", "NEAR(quota", "-quota", "+", "{x}", "%_", "%s", "?", "\\", "\x00",
           "   ", "'; drop table articles; --", "quota\" OR \"x", "😀", "col:umn*", "a<->b", "!x",
           "x & y | z", "::", "'quota':*", "$1", "\u202e", "quota" * 200]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_are_text(full, q):
    for method in (full.articles, full.events, full.statements, full.entities, full.places):
        page = method(F(q=q, outlet=q, entity=q, place=q, source=q))
        assert isinstance(page, Page) and page.total == len(page.items) == 0
        assert isinstance(method(F(q=q)), Page)
    assert isinstance(full.timeline(F(q=q)), list)
    assert isinstance(full.facets(F(q=q)), dict)
    assert isinstance(full.search(q), list)
    assert full.articles(F()).total == 6  # nothing was dropped or broken


def test_hostile_query_words_still_match(full):
    # Operators and quotes in the input are taken as plain words.
    assert ids(full.articles(F(q='quota"'))) == ["a2", "a1", "a6"]
    assert ids(full.articles(F(q="(quota)"))) == ["a2", "a1", "a6"]
    assert ids(full.articles(F(q="quota -Bergen"))) == ["a2"]  # "-Bergen" is the word Bergen


# -- records ----------------------------------------------------------------------------------

def test_events_items_order_and_coordinates(full):
    page = full.events(F())
    assert page.total == 6
    order = [(e["article_id"], e["start"]) for e in page.items]
    assert [o[0] for o in order] == ["a3", "a5", "a5", "a2", "a2", "a1"]
    assert order[1][1] < order[2][1] and order[3][1] < order[4][1]
    consult = page.items[0]
    assert consult["type"] == "CONSULT" and consult["targets"] == ["Russia"]
    assert (consult["lat"], consult["lon"], consult["country"]) == (pytest.approx(59.91), pytest.approx(10.75), "NO")
    assert consult["title"] == "Talks planned next month" and consult["published"] == "2024-06-01"
    # a5 mentions Bergen first without coordinates: the mention with coordinates is used
    assert page.items[1]["lat"] == pytest.approx(60.39)
    assert page.items[2]["place"] == "Nowhere" and page.items[2]["lat"] is None
    assert page.items[3]["lat"] is None  # REJECT has no place
    assert [e["precision"] for e in page.items[:4]] == ["city", "city", None, None]
    fields = {"type", "trigger", "start", "end", "actors", "targets", "place", "time", "factuality",
              "attributed_to", "mode", "method", "confidence", "sentence_start", "sentence_end", "article_id", "outlet",
              "title", "published", "lat", "lon", "country", "precision"}
    assert fields <= set(page.items[0])


@pytest.mark.parametrize("flt, expected", [
    (F(event_type="PROTEST"), [("a5", "planned"), ("a5", "hypothetical"), ("a1", "asserted")]),
    (F(factuality="negated"), [("a2", "negated")]),
    (F(source="Fisheries Ministry"), [("a2", "asserted"), ("a2", "negated")]),
    (F(place="Bergen"), [("a5", "planned")]),          # the event's own place
    (F(outlet="Nordlys"), [("a3", "planned"), ("a1", "asserted")]),
    (F(q="dockers"), [("a5", "planned"), ("a5", "hypothetical")]),
    (F(entity="Ingrid Dahl", since="2024-06-01"), [("a3", "planned")]),
    (F(event_type="ASSAULT"), []),
    (F(method="classifier"), [("a5", "hypothetical")]),
    (F(event_type="PROTEST", method="pattern"), [("a5", "planned"), ("a1", "asserted")]),
    # a3's CONSULT is unscored (confidence None): kept
    (F(min_confidence=0.8), [("a3", "planned"), ("a5", "planned"), ("a1", "asserted")]),
    (F(min_confidence=0.7, source="Fisheries Ministry"), [("a2", "negated")]),
    (F(min_confidence=0.0), [("a3", "planned"), ("a5", "planned"), ("a5", "hypothetical"),
                             ("a2", "asserted"), ("a2", "negated"), ("a1", "asserted")]),
])
def test_event_filters(full, flt, expected):
    page = full.events(flt)
    assert [(e["article_id"], e["factuality"]) for e in page.items] == expected
    assert page.total == len(expected)


def test_events_pagination(full):
    whole = full.events(F()).items
    assert full.events(F(), limit=2, offset=2).items == whole[2:4]
    assert full.events(F(), limit=4, offset=4).items == whole[4:]


def test_statements(full):
    page = full.statements(F())
    assert [(s["article_id"], s["source"]) for s in page.items] == [
        ("a3", "Ingrid Dahl"), ("a3", "Sergei Ivanov"), ("a2", "Fisheries Ministry"), ("a1", "Ingrid Dahl")]
    assert page.items[1]["content"] == "the talks would be hard" and page.items[1]["kind"] == "reported"
    assert page.items[1]["title"] == "Talks planned next month"
    by_source = full.statements(F(source="Ingrid Dahl"))  # the statement's own source
    assert [(s["article_id"], s["source"]) for s in by_source.items] == [("a3", "Ingrid Dahl"), ("a1", "Ingrid Dahl")]
    assert full.statements(F(event_type="REJECT")).total == 1
    assert full.statements(F(q="talks")).total == 3  # a3's two and a2's one
    assert [s["source"] for s in full.statements(F(), limit=1, offset=1).items] == ["Sergei Ivanov"]
    assert {s["method"] for s in page.items} == {"pattern"}
    assert page.items[3]["confidence"] == pytest.approx(0.95) and page.items[0]["confidence"] is None
    trusted = full.statements(F(min_confidence=0.9))  # the unscored a3 ones are kept
    assert [(s["article_id"], s["source"]) for s in trusted.items] == [
        ("a3", "Ingrid Dahl"), ("a3", "Sergei Ivanov"), ("a1", "Ingrid Dahl")]
    # a record filter: the articles are not restricted
    assert full.articles(F(min_confidence=0.99)).total == full.articles(F()).total


def test_entities_and_places(full):
    page = full.entities(F())
    top = [(e["canonical"], e["label"], e["mentions"], e["articles"]) for e in page.items]
    assert top[0] == ("Ingrid Dahl", "PERSON", 3, 3)
    assert ("Bergen", "GPE", 2, 2) in top
    assert page.total == 5
    nord = full.entities(F(outlet="Nordlys"))
    assert {e["canonical"] for e in nord.items} == {"Ingrid Dahl", "Sergei Ivanov", "Tromsø"}
    assert full.entities(F(), limit=2, offset=1).items == page.items[1:3]

    places = full.places(F())
    first = places.items[0]
    assert (first["name"], first["country"], first["mentions"], first["articles"]) == ("Bergen", "NO", 2, 2)
    assert first["lat"] == pytest.approx(60.39) and first["geonameid"] == 3161732
    assert [(p["name"], p["mentions"]) for p in full.places(F(q="fishermen")).items] == [("Tromsø", 2)]


def test_timeline(full):
    rows = full.timeline(F())
    assert rows == [
        {"date": "2024-05-06", "type": "PROTEST", "count": 1},   # the event's own date
        {"date": "2024-05-07", "type": "REJECT", "count": 2},    # no time: published date
        {"date": "2024-06-01", "type": "PROTEST", "count": 2},   # "2025-SP" is no day
        {"date": "2024-07-01", "type": "CONSULT", "count": 1},
    ]
    assert full.timeline(F(factuality="negated")) == [{"date": "2024-05-07", "type": "REJECT", "count": 1}]
    assert full.timeline(F(outlet="Nordlys")) == [rows[0], rows[3]]


def test_facets(full):
    fc = full.facets(F())
    assert fc["outlet"] == [{"value": "Nordlys", "count": 3}, {"value": "Aftenposten", "count": 2}]
    assert fc["event_type"] == [{"value": "PROTEST", "count": 2}, {"value": "CONSULT", "count": 1},
                                {"value": "REJECT", "count": 1}]
    assert {r["value"]: r["count"] for r in fc["factuality"]} == {
        "asserted": 2, "planned": 2, "negated": 1, "hypothetical": 1}
    fq = full.facets(F(q="quota"))
    assert fq["outlet"] == [{"value": "Nordlys", "count": 2}, {"value": "Aftenposten", "count": 1}]
    assert fq["event_type"] == [{"value": "PROTEST", "count": 1}, {"value": "REJECT", "count": 1}]
    assert full.facets(F(event_type="REJECT"))["factuality"] == [
        {"value": "asserted", "count": 1}, {"value": "negated", "count": 1}]


def test_cli_helpers_still_work(full):
    listed = [r["id"] for r in full.list()]
    assert set(listed[:2]) == {"a3", "a5"} and listed[2:] == ALL[2:]  # ties: newest ingest first
    assert [r["id"] for r in full.list(outlet="Aftenposten")] == ["a5", "a2"]
    hits = full.search("quota")
    assert {h[0] for h in hits} == {"a1", "a2", "a6"}
    assert any("[quota" in h[2].lower() for h in hits)
    assert full.search('"harbour in Bergen"')[0][0] == "a2"
    assert "a1" in full and "zz" not in full


# -- schema ----------------------------------------------------------------------------------

def _old_database(engine, url):
    """A database at schema version 1 holding one article, written as version 1 did."""
    rec = corpus()[0]
    import json
    row = (rec.id, rec.url, rec.outlet, rec.title, rec.published, "[]", None, rec.text, "[]",
           rec.source, "2024-01-01T00:00:00+00:00", json.dumps(rec.to_dict()))
    ent = rec.entities[0]
    if engine == "sqlite":
        from newsdesk.store import sqlite as mod
        conn = sqlite3.connect(url)
        assert mod.migrate(conn, upto=1) == 1
        conn.execute("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", row)
        conn.execute("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?)",
                     (rec.id, 0, ent.text, ent.label, ent.start, ent.end, ent.canonical, None))
        conn.commit()
        conn.close()
    else:
        import psycopg

        from newsdesk.store import postgres as mod
        with psycopg.connect(url) as conn:
            assert mod.migrate(conn, upto=1) == 1
            conn.execute("INSERT INTO articles VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", row)
            conn.execute("INSERT INTO entities VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                         (rec.id, 0, ent.text, ent.label, ent.start, ent.end, ent.canonical, None))
    return mod


def _version(engine, store):
    if engine == "sqlite":
        return store.conn.execute("PRAGMA user_version").fetchone()[0]
    return store.schema_version()


def test_old_schema_is_upgraded_in_place(target):
    engine, url = target
    mod = _old_database(engine, url)
    with open_store(url) as s:
        assert _version(engine, s) == mod.SCHEMA_VERSION
        assert ids(s.articles(F(q="protested"))) == ["a1"]  # old rows are searchable
        assert ids(s.articles(F(entity="Ingrid Dahl"))) == ["a1"]
        assert s.add(corpus()[2]) == "added"
        assert ids(s.articles(F(q="talks"))) == ["a3"]
        assert s.articles(F(q="talks")).items[0]["snippet"].count("[talks]") >= 1
    with open_store(url) as s:  # reopening changes nothing
        assert _version(engine, s) == mod.SCHEMA_VERSION and s.articles(F()).total == 2


def _execute(engine: str, url: str, sql: str) -> None:
    """Run one statement on the store's database behind newsdesk's back, and commit."""
    if engine == "sqlite":
        conn = sqlite3.connect(url)
        conn.execute(sql)
        conn.commit()
        conn.close()
    else:
        import psycopg
        with psycopg.connect(url) as conn:
            conn.execute(sql)


def test_newer_schema_is_refused(target):
    engine, url = target
    open_store(url).close()
    _execute(engine, url, "PRAGMA user_version = 99" if engine == "sqlite"
             else "UPDATE schema_version SET version = 99")
    with pytest.raises(RuntimeError, match="newer"):
        open_store(url)


def test_postgres_url_opens_postgres_store(request):
    if not PG_CTL:
        pytest.fail(f"PostgreSQL is needed here: {PG_SKIP}", pytrace=False)
    url = pg_url(request.getfixturevalue("pg_db"))
    from newsdesk.store.postgres import PostgresStore
    with open_store(url.replace("postgresql://", "postgres://", 1)) as s:
        assert isinstance(s, PostgresStore)
    with open_store(url.replace("postgresql://", "postgresql+psycopg://", 1)) as s:
        assert isinstance(s, PostgresStore)


def test_schema_before_confidence_is_upgraded(target):
    """A database from before records carried confidence (and statements a method) gets
    the columns; its old statements are pattern ones, its records unscored and kept."""
    engine, url = target
    with open_store(url) as s:
        s.add(corpus()[0])
    for sql in ("DROP INDEX IF EXISTS events_confidence", "DROP INDEX IF EXISTS statements_confidence",
                "ALTER TABLE events DROP COLUMN confidence", "ALTER TABLE statements DROP COLUMN method",
                "ALTER TABLE statements DROP COLUMN confidence",
                "PRAGMA user_version = 6" if engine == "sqlite" else "UPDATE schema_version SET version = 5"):
        _execute(engine, url, sql)
    with open_store(url) as s:
        st = s.statements(F()).items
        assert [(x["method"], x["confidence"]) for x in st] == [("pattern", None)]
        assert [e["confidence"] for e in s.events(F(min_confidence=0.99)).items] == [None]
        assert s.add(corpus()[1]) == "added"
        assert [e["confidence"] for e in s.events(F(min_confidence=0.5)).items] == [0.7, None]


def test_model_fields_added_later_become_columns(target):
    """A database made before a model field existed gets the column when opened."""
    engine, url = target
    with open_store(url) as s:
        s.add(corpus()[0])
    _execute(engine, url, "ALTER TABLE events DROP COLUMN mode")
    with open_store(url) as s:
        assert s.events(F()).items[0]["mode"] is None  # old row: NULL in the new column
        a = corpus()[4]
        a.events[0].mode = "aerial"
        assert s.add(a) == "added"
        assert [e["mode"] for e in s.events(F(outlet="Aftenposten")).items] == ["aerial", None]
        assert s.get("a1") == corpus()[0]


def test_count_cap_gives_an_estimate_and_keeps_paging(full):
    exact = full.articles(F(outlet="Nordlys"), limit=100)
    ev = full.events(F(), limit=100)
    assert not exact.total_is_estimate and exact.total >= 2 and ev.total >= 2
    full.count_cap = 1
    try:
        capped = full.articles(F(outlet="Nordlys"), limit=1, offset=1)
        assert capped.total == 1 and capped.total_is_estimate
        assert ids(capped) == ids(exact)[1:2]  # pages past the cap still answer
        cev = full.events(F(), limit=1, offset=1)
        assert cev.total == 1 and cev.total_is_estimate and len(cev.items) == 1
        st = full.statements(F(), limit=100)
        assert st.total <= 1
    finally:
        full.count_cap = None
    assert full.articles(F(outlet="Nordlys"), limit=100).total == exact.total


def test_template_profiles_round_trip_and_replace(store):
    from newsdesk.extract.templates import TemplateProfile
    assert store.templates() == {}
    prof = TemplateProfile("harbour.example", min_pages=2)
    prof.update(["A standing line about the paper and its owners here.\nFirst story text that is unique.",
                 "A standing line about the paper and its owners here.\nSecond story text, also unique."])
    store.save_templates({"harbour.example": prof.to_dict(), "other.example": TemplateProfile("other.example").to_dict()})
    got = store.templates()
    assert set(got) == {"harbour.example", "other.example"}
    again = TemplateProfile.from_dict(got["harbour.example"])
    assert again.is_template("A standing line about the paper and its owners here.")
    assert set(store.templates(["other.example", "missing.example"])) == {"other.example"}
    store.save_templates({"harbour.example": TemplateProfile("harbour.example").to_dict()})   # replaced
    assert TemplateProfile.from_dict(store.templates()["harbour.example"]).pages == 0
    assert len(store.templates()) == 2


# -- many matches: estimated facets, phrases (issue #7) ---------------------------------

OUTLETS3 = ("Nordlys", "Aftenposten", "iTromsø")
TYPES = ("PROTEST", "CONSULT", "REJECT", "AID")


def many(n: int) -> list[Article]:
    """n articles matching "harbour"; every 3rd holds the phrase "harbour report", the
    others hold both words apart ("report ... harbour"). Outlets, dates and events vary
    with i in patterns that no hash of the id follows."""
    arts = []
    for i in range(n):
        if i % 3 == 0:
            text = f"Harbour report number{i}: the quay is busy. Boats came in."
        else:
            text = f"A report number{i} came in; the harbour was quiet. Boats stayed."
        k = (i * 7919) % 1000
        evs = [Event(TYPES[k % 4], "came", 0, 4, factuality=("asserted", "planned")[k % 5 == 0])]
        if k % 3 == 0:
            evs.append(Event(TYPES[(k // 3) % 4], "came", 5, 9, place="Bergen"))
        arts.append(mk(f"m{i:05d}", text, f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}T{k % 24:02d}:00",
                       OUTLETS3[k % 3 if k % 10 else 0], f"Harbour {i}", events=evs))
    return arts


def _counts(facets, name):
    return {r["value"]: r["count"] for r in facets[name]}


@pytest.fixture
def crowded(store):
    list(store.add_many(many(900), commit_every=300))
    return store



def _assert_estimate(est, exact, total_rel, value_rel):
    """Estimated facets: flagged, the same values as the exact ones, counts within a tolerance."""
    assert est["is_estimate"] is True
    assert sum(_counts(est, "outlet").values()) == pytest.approx(sum(_counts(exact, "outlet").values()),
                                                                  rel=total_rel)
    for name in ("outlet", "event_type", "factuality"):
        want, got = _counts(exact, name), _counts(est, name)
        assert got.keys() == want.keys(), name
        assert all(abs(got[v] - want[v]) <= value_rel * want[v] for v in want), (name, got, want)


def test_facets_of_many_matches_are_estimated_from_a_sample(crowded):
    s = crowded
    exact = s.facets(F(q="harbour"))
    assert exact["is_estimate"] is False and sum(_counts(exact, "outlet").values()) == 900
    s.count_cap, s.facet_sample, s.facet_event_sample = 10_000, 300, 200  # as the API, small samples
    bucket = getattr(s, "FACET_BUCKET_SHARE", None)
    if bucket is not None:  # PostgreSQL: the bottom-k sample of every match (not the sample index)
        s.FACET_BUCKET_SHARE = 1e9
    try:
        est = s.facets(F(q="harbour"))
        _assert_estimate(est, exact, total_rel=0.15, value_rel=0.3)
        for name in ("outlet", "event_type", "factuality"):
            assert [r["count"] for r in est[name]] == sorted((r["count"] for r in est[name]), reverse=True)
        assert s.facets(F(q="harbour")) == est  # the same sample every time
        # At most facet_sample matches: exact, whatever the other filters.
        s.facet_sample = 5000
        for flt in (dict(q="harbour"), dict(q="quay"), dict(q="harbour", outlet="Nordlys"),
                    dict(q="harbour", event_type="AID"), dict(q="boats", place="Bergen"),
                    dict(q="harbour", factuality="planned", since="2024-03"),
                    dict(q="harbour", source="Nobody")):
            got = s.facets(F(**flt))
            s.count_cap = None
            want = s.facets(F(**flt))
            s.count_cap = 10_000
            assert got == want, flt
        assert s.facets(F(outlet="Nordlys"))["is_estimate"] is False  # no q: never sampled
        if bucket is not None:
            # PostgreSQL, many matches: the matches in the sample index (1 article in 8,
            # here ~110) are counted and scaled; far fewer, so a looser tolerance.
            s.FACET_BUCKET_SHARE, s.facet_sample = bucket, 300
            _assert_estimate(s.facets(F(q="harbour")), exact, total_rel=0.25, value_rel=0.5)
            s.facet_sample = 5000  # the sample index holds fewer than 1,250: every match read
            assert s.facets(F(q="harbour")) == exact
    finally:
        s.count_cap, s.facet_sample = None, 5000
        if bucket is not None:
            s.FACET_BUCKET_SHARE = bucket


def test_phrase_results_are_the_exact_phrase_matches(crowded):
    s = crowded
    arts = many(900)
    newest = sorted(arts, key=lambda a: a.id)
    newest.sort(key=lambda a: a.published, reverse=True)
    want = [a.id for a in newest if "Harbour report" in a.text]
    assert len(want) == 300
    for cap in (None, 10_000):
        s.count_cap = cap
        try:
            got = [r["id"] for off in range(0, 320, 40)
                   for r in s.articles(F(q='"harbour report"'), limit=40, offset=off).items]
            page = s.articles(F(q='"harbour report"'), limit=40, offset=80)
            assert got == want and page.total == 300 and not page.total_is_estimate
            assert "[Harbour report]" in page.items[0]["snippet"] or "[Harbour] [report]" in page.items[0]["snippet"]
            assert s.articles(F(q='"harbour report" quay')).total == 300
            assert s.articles(F(q='"report harbour"')).total == 0
            assert s.articles(F(q="report harbour")).total == 900
        finally:
            s.count_cap = None
    if hasattr(s, "PHRASE_COUNT_CAP"):  # PostgreSQL counts a phrase's matches up to it
        s.count_cap, s.PHRASE_COUNT_CAP = 10_000, 50
        try:
            page = s.articles(F(q='"harbour report"'), limit=40, offset=80)
            assert page.total == 50 and page.total_is_estimate
            assert [r["id"] for r in page.items] == want[80:120]
            assert s.articles(F(q="harbour")).total == 900  # words alone: up to count_cap
        finally:
            s.count_cap = None
            del s.PHRASE_COUNT_CAP


def test_place_precision():
    from newsdesk.model import place_precision
    assert [place_precision(k, 1.0) for k in ("country", "admin1", "city", "region", None)] == [
        "country", "division", "city", "region", "point"]
    assert place_precision(None, None) is None


def test_places_carry_their_precision(full):
    items = full.places(F()).items
    assert {p["name"]: p["precision"] for p in items if p["lat"] is not None} == {
        "Tromsø": "city", "Bergen": "city", "Oslo": "city"}
