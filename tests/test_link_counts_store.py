"""``link_counts`` (store.link_counts) on both engines: the counts of articles and kept link
inputs that link_new reads instead of count(*) equal the real counts after every kind of
write (ingest, bulk load, linking, rebuild, deletes, a rollback, a migration), and the
guards they serve still hold: an article stored without linking before the last linked
one (crossing ingests) is linked, and kept inputs changed by another process are not
taken for those of the Linker this process keeps."""
import dataclasses

import pytest

from newsdesk.cli import main
from newsdesk.store import open_store
from newsdesk.store import links as store_links
from newsdesk.store.links import _fetch, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_incremental import articles, snapshot
from test_link_store import PG_CTL, PG_SKIP

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc4 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db4 = factories.postgresql("pg_proc4", dbname="newsdesk_link_counts_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "counts.db", "pg_db4", PG_CTL, PG_SKIP)


def kept(store) -> tuple[int, int]:
    from newsdesk.store import link_counts
    a, i, _ = link_counts.read(store.conn)
    return a, i


def real(store) -> tuple[int, int]:
    r = _fetch(store, "SELECT (SELECT count(*) FROM articles) AS a, "
                      "(SELECT count(*) FROM link_inputs) AS i")[0]
    return r["a"], r["i"]


def more(n: int, prefix: str = "b"):
    """n articles of their own (copies of the test articles under other ids)."""
    base = articles()
    return [dataclasses.replace(base[k % len(base)], id=f"{prefix}{k}", url=None)
            for k in range(n)]


def test_counts_follow_every_writer(url):
    from newsdesk.store.bulk import bulk_load
    with open_store(url) as store:
        assert kept(store) == real(store) == (0, 0)
        for a in articles()[:3]:
            store.add(a)
        assert kept(store) == real(store) == (3, 0)
        store.add(articles()[0])                 # stored already: nothing added
        assert kept(store) == (3, 0)
        link_new(store)
        assert kept(store) == real(store) == (3, 3)
        bulk_load(store, more(40), batch_size=16)
        bulk_load(store, more(40) + more(5, "c"), batch_size=16, defer_indexes=True)
        assert kept(store) == real(store) == (48, 3)
        link_new(store)
        assert kept(store) == real(store) == (48, 48)
        store.conn.execute("DELETE FROM link_inputs WHERE article_id IN ('b1', 'b2')")
        store.conn.execute("DELETE FROM articles WHERE id LIKE 'c%'")
        store.conn.commit()
        assert kept(store) == real(store) == (43, 46)
        store.conn.execute("DELETE FROM articles WHERE id = 'b3'")
        store.conn.rollback()                    # rolled back: so are the counts
        assert kept(store) == real(store) == (43, 46)
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert kept(store) == real(store) == (43, 43)
        if url.startswith("postgresql"):         # TRUNCATE fires no DELETE trigger
            store.conn.execute("TRUNCATE link_inputs")
            store.conn.commit()
            assert kept(store) == real(store) == (43, 0)


@pytest.mark.parametrize("url", ["postgresql"], indirect=True)   # PostgreSQL only
def test_postgres_parallel_loaders_are_counted(url, monkeypatch):
    """The parallel loaders' sessions skip ordinary triggers (session_replication_role):
    the counting ones fire there too, and concurrent loaders do not wait on one another."""
    from newsdesk.store import link_counts
    from newsdesk.store.bulk import bulk_load
    sql = "SELECT count(*) AS n FROM link_counts"
    count = lambda: store.conn.execute(sql).fetchone()["n"]  # noqa: E731
    with open_store(url) as store:
        got = bulk_load(store, more(300), batch_size=20, workers=3)
        assert got["added"] == 300
        assert kept(store) == real(store) == (300, 0)
        rows = count()
        assert rows > 1                          # a row per statement, folded by link_new
        link_new(store)
        assert kept(store) == real(store) == (300, 300)
        assert count() == rows + 1               # the 300 kept inputs: one statement
        monkeypatch.setattr(link_counts, "COMPACT_AT", rows)
        assert link_new(store)["articles"] == 0  # the next run folds the rows once past it
        assert store.conn.execute("SELECT count(*) AS n FROM link_counts").fetchone()["n"] == 1
        assert kept(store) == real(store) == (300, 300)


def test_an_article_stored_before_the_last_linked_one_is_linked(url):
    """Two ingests whose rows crossed: one stored an article, the other stored and linked
    a later one first; the next run links the earlier one too."""
    arts = articles()
    with open_store(url) as store:
        for a in arts[:3]:
            store.add(a)
        link_new(store)
        store.add(arts[3])
        store.add(arts[4])
        # a4 was stored first by an ingest that has not linked yet: set it back in time
        store.conn.execute("UPDATE articles SET ingested_at = '2000-01-01T00:00:00+00:00' "
                           "WHERE id = 'a4'")
        store.conn.commit()
        store_links._LINKERS.clear()
        assert link_new(store)["articles"] == 2   # a5 from the index, a4 from the counts
        for a in arts[5:]:
            store.add(a)
        assert link_new(store)["articles"] == 2
        assert link_new(store)["articles"] == 0
        linked = {r["article_id"] for r in _fetch(store, "SELECT article_id FROM link_inputs")}
        assert linked == {a.id for a in arts}
        incremental = snapshot(store)
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental


def test_another_process_linking_meanwhile_is_seen(url):
    """A process keeps its Linker; another links an article meanwhile: the first does not
    take the kept inputs for its own and ends with the tables a rebuild gives."""
    arts = articles()
    with open_store(url) as store:
        for a in arts[:4]:
            store.add(a)
        t: dict = {}
        link_new(store)
        mine = dict(store_links._LINKERS)        # this process's Linker
        store_links._LINKERS.clear()
        with open_store(url) as other:           # the other process
            other.add(arts[4])
            assert link_new(other)["articles"] == 1
        store_links._LINKERS.clear()
        store_links._LINKERS.update(mine)
        store.add(arts[5])
        assert link_new(store, timings=t)["articles"] == 1 and not t["cached"]
        store.add(arts[6])
        t = {}
        assert link_new(store, timings=t)["articles"] == 1 and t["cached"]
        incremental = snapshot(store)
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental


def test_sqlite_upgrade_counts_what_is_stored(tmp_path):
    import sqlite3

    from newsdesk.store.sqlite import SCHEMA_VERSION, migrate
    path = str(tmp_path / "old.db")
    with open_store(path) as store:
        for a in articles()[:5]:
            store.add(a)
        link_new(store)
        store.add(articles()[5])
    store_links._LINKERS.clear()
    conn = sqlite3.connect(path)               # back to version 17: no link_counts
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'link_counts%'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE link_counts")
    conn.execute("PRAGMA user_version = 17")
    conn.commit()
    conn.execute("INSERT INTO link_inputs SELECT 'zz', 99, meta, vectors FROM link_inputs "
                 "WHERE article_id = 'a1'")   # a row the old schema had no counter for
    conn.commit()
    conn.execute("DELETE FROM link_inputs WHERE article_id = 'zz'")
    conn.commit()
    assert migrate(conn, upto=17) == 17
    conn.close()
    with open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 20
        assert kept(store) == real(store) == (6, 5)
        assert link_new(store)["articles"] == 1
        assert kept(store) == real(store) == (6, 6)


@pytest.mark.parametrize("url", ["postgresql"], indirect=True)   # PostgreSQL only
def test_postgres_upgrade_counts_what_is_stored(url):
    from newsdesk.store.postgres import SCHEMA_VERSION
    with open_store(url) as store:
        for a in articles()[:5]:
            store.add(a)
        link_new(store)
        # back to version 15: no link_counts, then rows it would not have counted
        for table in ("articles", "link_inputs"):
            for ev in ("insert", "delete", "truncate"):
                store.conn.execute(f"DROP TRIGGER link_counts_{table}_{ev} ON {table}")
        store.conn.execute("DROP TABLE link_counts")
        store.conn.execute("UPDATE schema_version SET version = 15")
        store.conn.commit()
        store.add(articles()[5])
        store.add(articles()[6])
    store_links._LINKERS.clear()
    with open_store(url) as store:
        assert store.schema_version() == SCHEMA_VERSION == 18
        assert kept(store) == real(store) == (7, 5)
        assert link_new(store)["articles"] == 2
        assert kept(store) == real(store) == (7, 7)
