"""store.bulk on real engines (a SQLite file, a throwaway PostgreSQL server): a batch write
stores what ``add`` stores, is idempotent, settles errors, and a bulk load with deferred
indexes leaves the store as searchable as one loaded row by row."""
from __future__ import annotations

import pytest

from newsdesk.model import PageError
from newsdesk.store import open_store
from newsdesk.store.base import Filters as F
from newsdesk.store.bulk import bulk_load, finished_partitions, mark_partition, write_batch

from _pg_server import engine_url, pg_executable  # tests/_pg_server.py
from test_store_contract import corpus

PG_CTL, PG_SKIP = pg_executable()

if PG_CTL:
    from pytest_postgresql import factories

    bulk_pg_proc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    bulk_pg_db = factories.postgresql("bulk_pg_proc", dbname="newsdesk_bulk")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "nd.db", "bulk_pg_db", PG_CTL, PG_SKIP)


def snapshot(store) -> tuple:
    arts = store.articles(F(), limit=100).items
    return (store.counts(), [store.get(a["id"]) for a in arts],
            [a["id"] for a in store.articles(F(q="protest"), limit=100).items],
            sorted((e["source"], e["reason"]) for e in store.errors()))


def test_batch_stores_what_add_stores(url, tmp_path):
    recs = [PageError(source="a1.html", reason="timeout"), *corpus(),
            PageError(source="x.html", reason="empty page"), corpus()[0]]
    with open_store(url) as store:
        statuses = write_batch(store, recs)
        assert statuses == ["error"] + ["added"] * 6 + ["error", "skipped"]
        got = snapshot(store)
        assert write_batch(store, recs) == ["error"] + ["skipped"] * 6 + ["error", "skipped"]
        assert snapshot(store) == got  # a rerun stores nothing twice
    with open_store(str(tmp_path / "one-by-one.db")) as ref:
        list(ref.add_many(recs))
        want = snapshot(ref)
    assert got[1:] == want[1:] and got[0] == want[0]
    assert ("a1.html", "timeout") not in got[3]  # settled: a1.html is stored now


def indexes(store) -> set[str]:
    if url_is_sqlite(store):
        return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    return {r["indexname"] for r in store.conn.execute("SELECT indexname FROM pg_indexes")}


def url_is_sqlite(store) -> bool:
    from newsdesk.store import SQLiteStore
    return isinstance(store, SQLiteStore)


def test_bulk_load_with_deferred_indexes(url):
    with open_store(url) as store:
        write_batch(store, corpus()[:2])
        before = indexes(store)
        counts = bulk_load(store, corpus(), batch_size=4, defer_indexes=True)
        assert indexes(store) == before
        assert counts == {"added": 4, "skipped": 2, "error": 0}
        want = [a for a in corpus() if "protest" in (a.title + " " + a.text).lower()]
        assert want and store.articles(F(q="protest")).total == len(want)
        assert store.counts()["articles"] == 6


def test_partitions_are_recorded_with_the_commit(url):
    with open_store(url) as store:
        assert finished_partitions(store) == set()
        write_batch(store, corpus()[:1], commit=False)
        mark_partition(store, "p1", "a.jsonl[0:10]", 1, 1, 0)
        store.commit()
    with open_store(url) as store:
        assert finished_partitions(store) == {"p1"}
        assert store.counts()["articles"] == 1


def test_record_dict_is_to_dict():
    from newsdesk.store.bulk import record_dict
    for a in corpus():
        assert record_dict(a) == a.to_dict()


def test_a_deferred_load_that_fails_leaves_the_store_as_it_was(url):
    def boom():
        yield from corpus()[2:4]
        raise RuntimeError("the source broke")
    with open_store(url) as store:
        write_batch(store, corpus()[:2])
        before = (indexes(store), store.counts())
        with pytest.raises(RuntimeError):
            bulk_load(store, boom(), batch_size=1, defer_indexes=True)
        assert (indexes(store), store.counts()) == before
        assert store.articles(F(q="protest")).total >= 0


@pytest.fixture(params=["postgresql"])
def pg_url(request, tmp_path):
    """Several loader connections are PostgreSQL's (SQLite has one writer)."""
    return engine_url(request, tmp_path, "nd.db", "bulk_pg_db", PG_CTL, PG_SKIP)


def test_a_parallel_load_stores_what_one_connection_stores(pg_url, tmp_path):
    recs = [*corpus(), PageError(source="x.html", reason="empty page"), *corpus()]
    seen = []
    with open_store(pg_url) as store:
        before = indexes(store)
        counts = bulk_load(store, recs, batch_size=2, defer_indexes=True, workers=3,
                           progress=seen.append)
        assert counts == {"added": 6, "skipped": 6, "error": 1}
        assert indexes(store) == before  # the full-text indexes dropped are built again
        assert seen == sorted(seen) and seen[-1] == len(recs)
        got = snapshot(store)
        compression = {r["c"] for r in store.conn.execute(
            "SELECT pg_column_compression(record) AS c FROM articles")}
    with open_store(str(tmp_path / "one-by-one.db")) as ref:
        list(ref.add_many(recs))
        want = snapshot(ref)
    assert got == want
    assert compression <= {"lz4", None}  # the loaders' sessions compress with LZ4


def test_a_parallel_load_that_fails_keeps_what_it_reported_and_its_indexes(pg_url):

    def boom():
        yield from corpus()[:4]
        raise RuntimeError("the source broke")
    seen = []
    with open_store(pg_url) as store:
        before = indexes(store)
        with pytest.raises(RuntimeError):
            bulk_load(store, boom(), batch_size=2, defer_indexes=True, workers=2,
                      progress=seen.append)
        assert indexes(store) == before
        assert store.counts()["articles"] >= (seen[-1] if seen else 0)


def test_missing_deferred_indexes_are_built_when_the_store_opens(pg_url):
    from newsdesk.store.pg_bulk import deferred_indexes
    with open_store(pg_url) as store:
        write_batch(store, corpus())
        before = indexes(store)
        dropped = [name for name, _ in deferred_indexes()]
        assert {"articles_tsv", "articles_tsv_sample", "events_type", "articles_url"} <= set(dropped)
        tables = ["articles", "entities", "places", "times", "quantities", "statements", "events"]
        secondary = {r["indexname"] for r in store.conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT LIKE '%%_pkey'", (tables,))}
        assert set(dropped) == secondary  # read from the migrations: every one of them
        for name in dropped:  # as a parallel load killed midway
            store.conn.execute(f"DROP INDEX {name}")
        store.commit()
        assert not set(dropped) & indexes(store)
    with open_store(pg_url) as store:
        assert indexes(store) == before
        assert store.articles(F(q="protest")).total > 0


def test_a_parallel_load_keeps_the_annotation_rows_tied_to_their_articles(pg_url):
    """The loader sessions skip the trigger-run foreign-key checks (superuser here): every
    annotation row still belongs to a stored article, the constraint is still there and
    deleting an article still removes its rows."""
    from newsdesk.store.pg_bulk import _load_session
    with open_store(pg_url) as store:
        assert "session_replication_role" in _load_session(store.conn)  # the tests' superuser
        store.conn.execute("RESET session_replication_role")
        store.commit()
        bulk_load(store, corpus(), batch_size=2, defer_indexes=True, workers=2)
        conn = store.conn
        rows = {t: conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]
                for t in ("entities", "events", "places", "times", "statements", "quantities")}
        assert sum(rows.values()) > 0
        for t in rows:
            orphans = conn.execute(f"SELECT count(*) AS n FROM {t} x LEFT JOIN articles a "
                                   "ON a.id = x.article_id WHERE a.id IS NULL").fetchone()["n"]
            assert orphans == 0
        fks = conn.execute("SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f' "
                           "AND confrelid = 'articles'::regclass").fetchone()["n"]
        assert fks == len(rows)
        victim = next(a for a in corpus() if a.entities)
        conn.execute("DELETE FROM articles WHERE id = %s", (victim.id,))
        assert conn.execute("SELECT count(*) AS n FROM entities WHERE article_id = %s",
                            (victim.id,)).fetchone()["n"] == 0
        store.conn.rollback()
