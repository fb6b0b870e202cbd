"""The link indexes kept in the store (newsdesk.store.link_index), on both engines: a process
that has not linked the store before links new articles from the stored indexes (no full
restore) and ends with the same tables, links and indexes as one that held everything and
as ``link --rebuild``; a store linked before the index existed gets it on its next run."""
import json
import random

import pytest

from newsdesk.cli import main
from newsdesk.model import Entity, Place
from newsdesk.store import links as store_links
from newsdesk.store import open_store
from newsdesk.store.links import _fetch, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_incremental import articles, snapshot
from test_link_store import BUDGET, FLOOD, FLOOD2, PG_CTL, PG_SKIP, art

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc3 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db3 = factories.postgresql("pg_proc3", dbname="newsdesk_link_index_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "index.db", "pg_db3", PG_CTL, PG_SKIP)


def link_in_batches(url: str, arts, batches) -> tuple[dict, dict]:
    """Store and link ``arts`` in ``batches`` of (size, in a new process: the linker kept
    in memory dropped first); the link tables' and the stored index's snapshots then."""
    with open_store(url) as store:
        start = 0
        for size, fresh in batches:
            for a in arts[start:start + size]:
                store.add(a)
            start += size
            if fresh:
                store_links._LINKERS.clear()
            link_new(store)
        return snapshot(store), index_snapshot(store)


def index_snapshot(store) -> dict:
    def rows(sql):
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in _fetch(store, sql))
    return {"families": rows("SELECT article_id, hash, head, nshingles FROM link_families"),
            "bands": rows("SELECT bucket, article_id FROM link_bands"),
            "stories": rows("SELECT story_id, first_seen, last_seen FROM link_stories"),
            "keys": rows("SELECT key, story_id, lo_day, hi_day FROM link_keys"),
            "df": rows("SELECT key, n FROM link_key_df"),
            "events": rows("SELECT incident_id, article_id, n, event_index FROM incident_reports"),
            "seen": rows("SELECT seen FROM link_index_state")}


def many_articles(n: int = 40, seed: int = 3):
    """Articles on a few subjects told by several outlets (copies, near-copies, other
    wordings), so families, shared stories and shared incidents all occur."""
    rng = random.Random(seed)
    texts = [("flooding", FLOOD), ("swept", FLOOD2), ("passed", BUDGET)]
    out = []
    for i in range(n):
        trig, text = texts[rng.randrange(len(texts))]
        if rng.random() < 0.5:
            text = text + f" Reporter {rng.randrange(5)} added a line about day {i % 4}."
        day = 5 + i // 10
        a = art(f"m{i:03d}", f"Outlet {rng.randrange(6)}", text, f"Title {rng.randrange(4)}",
                f"2024-03-{day:02d}T{8 + i % 10:02d}:00", trig)
        if rng.random() < 0.7:   # keys: a few names and places shared across subjects
            name = rng.choice(["Marlow", "Parliament", "Ann Reed", "Red Cross"])
            a.entities = [Entity(text=name, label="ORG", start=0, end=4, canonical=name)]
            a.places = [Place(text="x", start=0, end=1, name=rng.choice(["Marlow", "Arden"]))]
        out.append(a)
    return out


@pytest.mark.parametrize("chunks", [(2, 1, 3, 1), (5, 7, 9, 19)])
def test_a_new_process_links_from_the_stored_indexes_alike(url, chunks):
    arts = articles() if sum(chunks) == 7 else many_articles(sum(chunks))
    with open_store(url) as store:
        start, phases = 0, []
        for size in chunks:
            for a in arts[start:start + size]:
                store.add(a)
            start += size
            store_links._LINKERS.clear()   # as a new process would
            phases.append({})
            assert link_new(store, timings=phases[-1])["articles"] == size
        incremental, index = snapshot(store), index_snapshot(store)
    # the first run restores nothing; each later one queries the stored indexes
    assert [p["full"] for p in phases] == [True] + [False] * (len(chunks) - 1)
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental
        assert index_snapshot(store) == index
    links = [json.loads(r) for r in incremental["links"]]
    assert any(x["duplicate_of"] for x in links)
    assert len({x["story_id"] for x in links}) < len(links)


def test_the_cached_and_the_stored_linker_agree(url):
    arts = many_articles(30, seed=5)
    tables = []
    for fresh in (False, True):
        with open_store(url) as store:
            for t in store_links.LINK_TABLES + ("link_families", "link_bands", "link_stories",
                                                "link_keys", "link_key_df", "link_index_state",
                                                "articles"):
                store.conn.execute(f"DELETE FROM {t}")
            store.conn.commit()
            store_links._LINKERS.clear()
            for s in range(0, 30, 6):
                for a in arts[s:s + 6]:
                    store.add(a)
                if fresh:
                    store_links._LINKERS.clear()
                link_new(store)
            tables.append((snapshot(store), index_snapshot(store)))
    assert tables[0] == tables[1]


def test_a_store_linked_before_the_index_gets_it(tmp_path):
    """An upgraded store (link tables, no index rows) restores once, then queries."""
    db = str(tmp_path / "old.db")
    arts = articles()
    with open_store(db) as store:
        for a in arts[:4]:
            store.add(a)
        link_new(store)
        for t in ("link_families", "link_bands", "link_stories", "link_keys", "link_key_df",
                  "link_index_state"):
            store.conn.execute(f"DELETE FROM {t}")
        store.conn.execute("UPDATE incident_reports SET event_index = NULL")
        store.conn.commit()
        store_links._LINKERS.clear()
        for a in arts[4:6]:
            store.add(a)
        t1: dict = {}
        link_new(store, timings=t1)
        store_links._LINKERS.clear()
        store.add(arts[6])
        t2: dict = {}
        link_new(store, timings=t2)
        assert t1["full"] and not t2["full"]
        assert _fetch(store, "SELECT count(*) AS n FROM incident_reports "
                             "WHERE event_index IS NULL")[0]["n"] == 0
        incremental = snapshot(store)
    assert main(["link", "--rebuild", "--db", db]) == 0
    with open_store(db) as store:
        assert snapshot(store) == incremental


def test_the_encoder_runs_in_float32_and_a_text_alone_or_batched_is_the_same():
    """A float64 constant in the forward pass once turned everything after it into float64
    (twice the time); a text's rows in a batch are those it gets alone, so batching changes
    no bit."""
    import numpy as np

    from newsdesk.link import embed
    enc = embed.Encoder(backend="ort")
    seen = []
    states = enc._states

    def spy(ids):
        for i, x in states(ids):
            seen.append(x.dtype)
            yield i, x
    enc._states = spy
    try:
        texts = [FLOOD, BUDGET, "Short one."]
        both = enc.encode(texts)
        alone = np.vstack([enc.encode([t]) for t in texts])
    finally:
        del enc._states
    assert set(seen) == {np.dtype(np.float32)}
    assert np.array_equal(both, alone)
    assert np.allclose(np.linalg.norm(both, axis=1), 1.0, atol=1e-6)


def test_sqlite_upgrade_gives_the_keys_their_spans(tmp_path):
    """A store linked under version 15 (link_keys without spans) keeps its rows; the
    upgrade copies each story's span to its keys, and linking goes on from the index."""
    import sqlite3

    from newsdesk.store.sqlite import SCHEMA_VERSION, migrate
    db = str(tmp_path / "v15.db")
    arts = many_articles(16, seed=7)
    with open_store(db) as store:
        for a in arts[:12]:
            store.add(a)
        link_new(store)
        want = index_snapshot(store)
        before = snapshot(store)
    # the version 15 shape: link_keys without the span columns and their index
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX link_keys_span")
    conn.execute("ALTER TABLE link_keys DROP COLUMN lo_day")
    conn.execute("ALTER TABLE link_keys DROP COLUMN hi_day")
    conn.execute("PRAGMA user_version = 15")
    conn.commit()
    assert migrate(conn, upto=15) == 15
    conn.close()
    store_links._LINKERS.clear()
    with open_store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert snapshot(store) == before and index_snapshot(store) == want
        assert _fetch(store, "SELECT count(*) AS n FROM link_keys WHERE hi_day IS NULL")[0]["n"] == 0
        _link_rest_equals_rebuild(store, db, arts[12:])


def _link_rest_equals_rebuild(store, url, arts) -> None:
    """Link the later articles from the (upgraded) indexes, not in full, and check that
    ``link --rebuild`` gives the same links and indexes."""
    for a in arts:
        store.add(a)
    t: dict = {}
    link_new(store, timings=t)
    assert not t["full"]
    incremental, index = snapshot(store), index_snapshot(store)
    store.close()
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as again:
        assert snapshot(again) == incremental and index_snapshot(again) == index


@pytest.fixture(params=["postgresql"])
def pg_url(request, tmp_path):
    return engine_url(request, tmp_path, "x.db", "pg_db3", PG_CTL, PG_SKIP)


def _linked_first(store, arts, url: str) -> dict:
    """``arts`` stored and linked in a store emptied first (a PostgreSQL test database
    outlives its test); the index tables then."""
    if url.startswith("postgresql"):
        for t in store_links.LINK_TABLES + ("link_families", "link_bands", "link_stories",
                                            "link_keys", "link_key_df", "link_index_state",
                                            "articles"):
            store.conn.execute(f"DELETE FROM {t}")
    store_links._LINKERS.clear()
    for a in arts:
        store.add(a)
    link_new(store)
    return index_snapshot(store)


def test_postgres_upgrade_gives_the_keys_their_spans(pg_url):
    """As in SQLite: a version 13 store's link_keys rows get their stories' spans."""
    url = pg_url
    arts = many_articles(16, seed=7)
    with open_store(url) as store:
        want = _linked_first(store, arts[:12], url)
        store.conn.execute("DROP INDEX link_keys_span")
        store.conn.execute("ALTER TABLE link_keys DROP COLUMN lo_day, DROP COLUMN hi_day")
        store.conn.execute("UPDATE schema_version SET version = 13")
        store.conn.commit()
    store_links._LINKERS.clear()
    with open_store(url) as store:
        from newsdesk.store.postgres import SCHEMA_VERSION
        assert store.schema_version() == SCHEMA_VERSION
        assert index_snapshot(store) == want
        _link_rest_equals_rebuild(store, url, arts[12:])


def _key_indexes(store, url: str) -> list[str]:
    if url.startswith("postgresql"):
        return sorted(r["indexname"] for r in _fetch(
            store, "SELECT indexname FROM pg_indexes WHERE tablename = 'link_keys'"))
    return sorted(r[1] for r in store.conn.execute("PRAGMA index_list(link_keys)"))


def test_upgrade_keys_link_keys_by_their_span_index_alone(url):
    """A store whose link_keys still has its (key, story) primary key (SQLite version 19,
    PostgreSQL 17) keeps every row through the upgrade, is left with the span index
    alone, and links on from its indexes as ``link --rebuild`` would."""
    import sqlite3
    arts = many_articles(16, seed=11)
    with open_store(url) as store:
        want = _linked_first(store, arts[:12], url)
        if url.startswith("postgresql"):   # the version 17 shape
            store.conn.execute("ALTER TABLE link_keys ADD PRIMARY KEY (key, story_id)")
            store.conn.execute("UPDATE schema_version SET version = 17")
            store.conn.commit()
            assert _key_indexes(store, url) == ["link_keys_pkey", "link_keys_span"]
    if not url.startswith("postgresql"):   # the version 19 shape
        conn = sqlite3.connect(url)
        conn.executescript(
            "CREATE TABLE k19 (key TEXT NOT NULL, story_id TEXT NOT NULL, lo_day DOUBLE "
            "PRECISION, hi_day DOUBLE PRECISION, PRIMARY KEY (key, story_id));"
            "INSERT INTO k19 SELECT * FROM link_keys; DROP TABLE link_keys;"
            "ALTER TABLE k19 RENAME TO link_keys;"
            "CREATE INDEX link_keys_span ON link_keys (key, hi_day, lo_day, story_id);"
            "PRAGMA user_version = 19;")
        conn.close()
    store_links._LINKERS.clear()
    with open_store(url) as store:
        assert _key_indexes(store, url) == ["link_keys_span"]
        assert index_snapshot(store) == want
        _link_rest_equals_rebuild(store, url, arts[12:])


def test_stories_out_of_the_window_and_out_of_order_alike(url, monkeypatch):
    """Articles 20 days apart (the stored stories sharing a key are mostly outside the
    window), some without a time (a story without a span is always a candidate), one
    older than those linked before it (its window lies before the key spans read so far):
    linked in chunks by new processes and by one, the links are those of a rebuild."""
    from datetime import datetime, timedelta

    from newsdesk.link import stories as stories_mod
    from newsdesk.store import link_index
    for mod in (stories_mod, link_index):   # few recent ones: candidates come by key
        monkeypatch.setattr(mod, "RECENT", 2)
    rng = random.Random(11)
    words = [f"w{i}" for i in range(400)]
    t0 = datetime(2024, 1, 1)
    arts = []
    for i in range(36):   # texts of their own (no copies): every article is scored
        trig, text = [("flooding", FLOOD), ("swept", FLOOD2), ("passed", BUDGET)][i % 3]
        text = text + " " + " ".join(rng.choice(words) for _ in range(80)) + "."
        when = None if i % 9 == 4 else (t0 + timedelta(days=20 * i)).isoformat()
        a = art(f"t{i:03d}", f"Outlet {i % 5}", text, f"Title {i}", when, trig)
        names = rng.sample(["Marlow", "Parliament", "Ann Reed", "Red Cross", "Arden"], 2)
        if i in (4, 22, 31):   # a subject of their own, the first without a time
            a.text = "The zebra herd passed the gate. " + " ".join(rng.choice(words) for _ in range(80))
            a.events[0].start, a.events[0].end = 15, 21
            a.events[0].sentence_start, a.events[0].sentence_end = 0, 31
            names = ["Zoo Board"]
        a.entities = [Entity(text=n, label="ORG", start=0, end=4, canonical=n) for n in names]
        arts.append(a)
    arts[30].published = (t0 + timedelta(days=23)).isoformat()   # late news, 3 days after the second
    incremental, index = link_in_batches(url, arts, ((8, True), (10, True), (6, False), (12, False)))
    with open_store(url) as store:
        spans = _fetch(store, "SELECT story_id, lo_day, hi_day FROM link_stories")
    assert any(r["lo_day"] is None for r in spans)
    links = [json.loads(r) for r in incremental["links"]]
    assert not any(x["duplicate_of"] for x in links)
    # several stories, most within a window: the stored ones sharing a key mostly lie outside
    assert sum(1 for r in spans if r["lo_day"] is not None and r["hi_day"] - r["lo_day"] < 14) > 5
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental
        assert index_snapshot(store) == index
