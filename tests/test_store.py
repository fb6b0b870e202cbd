"""SQLite store: idempotent adds, listing, full-text search, counts, schema version."""
import sqlite3

import pytest

from newsdesk.model import Article, Entity, Event, PageError, Place, Quantity, Statement, TimeRef
from newsdesk.store import Filters, StoreError, open_store
from newsdesk.store.sqlite import SCHEMA_VERSION, fts_query

TEXT = ("Fishermen in Tromsø protested on Monday against new quotas. "
        "\"We will not accept this,\" said Ingrid Dahl, who leads the local union.")


def article(i=1, published="2024-05-06", outlet="Nordlys", text=TEXT, title=None, **kw):
    return Article(id=f"art{i:04d}", text=text, title=title or f"Quota protest {i}",
                   published=published, outlet=outlet, url=f"https://example.org/{i}",
                   source=f"page{i}.html", **kw)


def rich_article():
    t = TEXT
    return article(
        1,
        byline=["K. Berg"],
        entities=[Entity("Ingrid Dahl", "PERSON", t.index("Ingrid"), t.index("Ingrid") + 11, "Ingrid Dahl")],
        places=[Place("Tromsø", 13, 19, "Tromsø", "NO", 69.65, 18.96, 3133880, "city")],
        times=[TimeRef("Monday", 33, 39, "2024-05-06")],
        quantities=[Quantity("two", 0, 3, 2.0)],
        statements=[Statement("Ingrid Dahl", 0, 1, "said", 2, 3, "We will not accept this", 4, 5, "direct")],
        events=[Event("PROTEST", "protested", 20, 29, actors=["Fishermen"], targets=["government"],
                      place="Tromsø", time="2024-05-06")],
    )


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "nd.db"))
    yield s
    s.close()


def test_add_is_idempotent_and_roundtrips(store):
    a = rich_article()
    assert store.add(a) == "added"
    assert store.add(a) == "skipped"
    assert store.add(rich_article()) == "skipped"  # same id, fresh object
    c = store.counts()
    assert (c["articles"], c["entities"], c["places"], c["times"], c["statements"], c["events"]) == (1, 1, 1, 1, 1, 1)
    assert c["events_by_type"] == {"PROTEST": 1}
    back = store.get(a.id)
    assert back == a  # every field, every annotation, through the JSON record
    assert back.events[0].actors == ["Fishermen"]


def test_annotation_tables_hold_model_fields(store):
    store.add(rich_article())
    row = store.conn.execute('SELECT actors, targets, place, "end" FROM events').fetchone()
    assert tuple(row) == ('["Fishermen"]', '["government"]', "Tromsø", 29)
    assert store.conn.execute("SELECT lat FROM places").fetchone()[0] == pytest.approx(69.65)


def test_errors_are_stored_once_and_settled_by_success(store):
    e = PageError(source="page1.html", reason="binary input", step="extract")
    assert store.add(e) == "error"
    assert store.add(PageError(source="page1.html", reason="binary input", step="extract")) == "error"
    store.add(PageError(source="other.html", reason="empty page"))
    assert store.counts()["errors"] == 2
    store.add(article(1))  # page1.html now processed: its old error goes
    assert [r["source"] for r in store.errors()] == ["other.html"]


def test_list_newest_first_stable_and_by_outlet(store):
    store.add(article(1, published="2024-01-01"))
    store.add(article(2, published=None, text="undated " + TEXT))
    store.add(article(3, published="2024-06-01", outlet="Aftenposten", text="b " + TEXT))
    store.add(article(4, published="2024-06-01", text="a " + TEXT))
    ids = [r["id"] for r in store.list()]
    assert ids == ["art0003", "art0004", "art0001", "art0002"] or ids == ["art0004", "art0003", "art0001", "art0002"]
    assert ids == [r["id"] for r in store.list()]  # same order every time
    assert [r["id"] for r in store.list(limit=2, offset=1)] == ids[1:3]
    assert [r["id"] for r in store.list(outlet="Aftenposten")] == ["art0003"]


def test_search_finds_words_ranks_title_and_snippets(store):
    store.add(article(1, text="The harbour in Bergen was closed by the storm.", title="Storm news"))
    store.add(article(2, text=TEXT, title="Quota protest"))
    store.add(article(3, text="Quotas again. " * 3 + "Nothing else.", title="Fishing quotas explained"))
    hits = store.search("quota")
    assert {h[0] for h in hits} == {"art0002", "art0003"}  # "quotas" stems to "quota"
    assert hits[0][0] == "art0003"  # in the title and thrice in the text
    assert "[" in hits[0][2] and "]" in hits[0][2]
    assert store.search("Bergen harbour")[0][0] == "art0001"
    assert store.search('"harbour in Bergen"')[0][0] == "art0001"
    assert store.search('"Bergen in harbour"') == []  # phrase order matters
    assert store.search("Tromsø")[0][0] == "art0002"
    assert store.search("Troms*")[0][0] == "art0002"
    assert store.search("nonexistentword") == []


@pytest.mark.parametrize("query", [
    '"', '""', "'", "a\"b", "quota)", "(quota", "NOT", "quota AND", "OR OR", "*", "^quota",
    "quota:", "title:quota", "NEAR(quota", "-quota", "+", "{x}", "%_", "\\", "\x00", "   ", "",
    "quota\" OR \"x", "😀", "col:umn*",
])
def test_search_with_odd_input_does_not_crash(store, query):
    store.add(article(1))
    assert isinstance(store.search(query), list)


def test_fts_query_quotes_everything():
    assert fts_query('storm "harbour in Bergen" troms* NOT (x)') == \
        '"storm" "harbour in Bergen" "troms"* "NOT" "(x)"'
    assert fts_query('!! "" *') == ""


def test_schema_version_and_reopen(tmp_path):
    path = tmp_path / "nd.db"
    with open_store(str(path)) as s:
        s.add(article(1))
    with open_store(f"sqlite:///{path}") as s:  # URL form, existing file: no re-migration
        assert s.counts()["articles"] == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "entities", "places", "times", "statements", "events", "errors",
            "articles_fts"} <= tables


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "nd.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        open_store(str(path))


def test_store_urls(tmp_path):
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is needed here: pip install -e '.[test]'", pytrace=False)
    with pytest.raises(StoreError, match="cannot open PostgreSQL store") as err:  # tried, refused
        open_store("postgresql://user:secret@127.0.0.1:1/newsdesk?connect_timeout=2")
    assert "secret" not in str(err.value) and "user:***@127.0.0.1:1" in str(err.value)
    with pytest.raises(StoreError):
        open_store("mysql://localhost/x")
    s = open_store(str(tmp_path / "sub" / "dir" / "nd.db"))  # parent directories created
    s.close()


def test_get_by_unique_prefix(store):
    store.add(article(1))
    store.add(article(2, text="other " + TEXT))
    assert store.get("art0002").id == "art0002"
    assert store.get("art") is None  # ambiguous
    assert store.get("missing") is None


def bulk(n, start=0):
    return [article(i, text=f"Harbour report number{i} about quotas. " + TEXT,
                    outlet=("Nordlys", "Aftenposten", "iTromsø")[i % 3],
                    events=[Event(("PROTEST", "CONSULT")[i % 2], "protested", 0, 7)])
            for i in range(start, start + n)]


def test_bulk_add_then_readd_leaves_n_rows(tmp_path):
    path = tmp_path / "nd.db"
    with open_store(str(path)) as s:
        assert list(s.add_many(bulk(250), commit_every=100)) == ["added"] * 250
        assert list(s.add_many(bulk(250), commit_every=7)) == ["skipped"] * 250
        # Half old, half new, in one batch.
        assert list(s.add_many(bulk(250, start=125))).count("added") == 125
        assert s.counts()["articles"] == s.counts()["events"] == 375
    conn = sqlite3.connect(path)  # another connection: every committed article is indexed once
    n_fts, n_map, n_rid = conn.execute(
        "SELECT (SELECT count(*) FROM articles_fts), (SELECT count(*) FROM fts_map), "
        "(SELECT count(DISTINCT fts_rid) FROM articles)").fetchone()
    assert n_fts == n_map == n_rid == 375
    assert conn.execute("SELECT count(*) FROM articles a JOIN fts_map m ON m.rid = a.fts_rid "
                        "AND m.id = a.id").fetchone()[0] == 375
    conn.close()
    with open_store(str(path)) as s:
        assert [h[0] for h in s.search("number7")] == ["art0007"]
        assert [h[0] for h in s.search("number374")] == ["art0374"]
        assert s.articles(Filters(q="harbour")).total == 375
        assert {r["value"]: r["count"] for r in s.facets(Filters(q="harbour"))["outlet"]} == {
            "Nordlys": 125, "Aftenposten": 125, "iTromsø": 125}


def test_uncommitted_adds_are_searchable_and_commit_with_their_index(tmp_path):
    path = tmp_path / "nd.db"
    s = open_store(str(path))
    assert s.add(article(1, text="Walrus sighted. " + TEXT), commit=False) == "added"
    assert [h[0] for h in s.search("walrus")] == ["art0001"]  # same connection
    assert s.articles(Filters(q="walrus")).total == 1
    s.add(article(2, text="Walrus again. " + TEXT), commit=False)
    s.commit()
    other = open_store(str(path))
    assert [r["id"] for r in other.articles(Filters(q="walrus")).items] == ["art0002", "art0001"][::-1] \
        or other.articles(Filters(q="walrus")).total == 2
    s.add(article(3, text="Walrus three. " + TEXT), commit=False)
    s.close()  # closed without commit: the article and its index row go together
    assert other.articles(Filters(q="walrus")).total == 2 and "art0003" not in other
    other.close()


def test_upgrade_from_version_4_keeps_search_and_indexes_new_articles(tmp_path):
    from newsdesk.store.sqlite import migrate
    path = tmp_path / "nd.db"
    conn = sqlite3.connect(path)
    migrate(conn, upto=4)
    conn.close()
    with open_store(str(path)) as s:  # written as version 4 did (insert trigger) ...
        s.conn.execute("PRAGMA user_version = 4")
        s.conn.executescript("""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, id, title, text) VALUES (new.fts_rid, new.id, new.title, new.text);
            INSERT INTO fts_map (rid, id) VALUES (last_insert_rowid(), new.id); END""")
        s.conn.execute("""INSERT INTO articles (id, text, title, ingested_at, record, fts_rid)
                          VALUES ('old1', 'Walrus seen', 'Old', '2024', '{"id": "old1", "text": "Walrus seen"}', 1)""")
        s.conn.commit()
    with open_store(str(path)) as s:  # ... and upgraded to 5
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts_insert'").fetchall()
        assert list(s.add_many([article(1, text="Walrus again. " + TEXT)])) == ["added"]
        assert sorted(r["id"] for r in s.articles(Filters(q="walrus")).items) == ["art0001", "old1"]


def test_facets_of_many_matches_are_estimated_from_a_sample(store):
    list(store.add_many(bulk(300)))
    exact = store.facets(Filters(q="harbour"))
    assert exact["is_estimate"] is False
    store.count_cap, store.facet_sample = 10_000, 40  # as the API, with a small sample
    est = store.facets(Filters(q="harbour"))
    assert est["is_estimate"] is True
    assert sum(r["count"] for r in est["outlet"]) == pytest.approx(300, abs=3)
    for name in ("outlet", "event_type"):
        want = {r["value"]: r["count"] for r in exact[name]}
        got = {r["value"]: r["count"] for r in est[name]}
        assert got.keys() == want.keys()
        assert all(abs(got[v] - want[v]) <= 0.25 * want[v] for v in want)
    assert store.facets(Filters(q="number7"))["is_estimate"] is False  # few matches: exact
    assert store.facets(Filters(outlet="Nordlys")) == {  # no q: never sampled
        **store.facets(Filters(outlet="Nordlys")), "is_estimate": False}
