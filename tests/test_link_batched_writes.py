"""The link writers' batched statements (store.link_index ``insert``/``delete_in``) on both
engines: they write the rows one INSERT per row wrote (SQLite executemany; PostgreSQL
multi-row VALUES in chunks, COPY for long runs, ON CONFLICT clauses kept), linking in runs
ends with the same tables through them as through row-by-row statements, link_counts
still counts what they wrote, and a story merge removes exactly the merged-away story's
link_keys rows."""
import json

import pytest

from newsdesk.link.linker import Linker
from newsdesk.store import link_index, open_store
from newsdesk.store import links as store_links
from newsdesk.store.links import _fetch, _param, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_incremental import snapshot
from test_link_store import PG_CTL, PG_SKIP
from test_link_story_merges_store import full_snapshot, link_in_runs, merge_articles, merges_of

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc6 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db6 = factories.postgresql("pg_proc6", dbname="newsdesk_batched_writes_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "batched.db", "pg_db6", PG_CTL, PG_SKIP)


def row_by_row(conn, p, into, rows, tail=""):
    """The writers before batching: one INSERT statement per row."""
    for r in rows:
        conn.execute(f"INSERT INTO {into} VALUES ({', '.join([p] * len(r))}){tail}", tuple(r))


def story_rows(n: int) -> list[tuple]:
    # NULL spans and centroids, bytes, floats, ranks past 32 bits, text beyond ASCII
    return [(f"s{i:05d}-é", 2**40 + i, f"2024-03-{1 + i % 28:02d}T08:00", None if i % 3 else
             "2024-04-01T00:00", None if i % 5 == 0 else i / 7.0, None if i % 5 == 0 else i / 3.0,
             None if i % 2 else bytes([i % 256, 0, 255]) * 4) for i in range(n)]


def table(store, sql: str) -> list[str]:
    return sorted(json.dumps([bytes(v).hex() if isinstance(v, (bytes, memoryview)) else v
                              for v in r.values()], default=str) for r in _fetch(store, sql))


@pytest.mark.parametrize("n", [1, 7, 2500])   # 2,500: PostgreSQL's COPY path
def test_insert_writes_the_rows_of_one_insert_per_row(url, n, monkeypatch):
    # small chunks, so PostgreSQL's multi-row VALUES splits even the small runs
    monkeypatch.setattr(link_index, "_PG_PARAMS", 21)
    with open_store(url) as store:
        conn, p = store.conn, _param(store)
        into = "link_stories (story_id, rank, first_seen, last_seen, lo_day, hi_day, centroid)"
        sql = "SELECT * FROM link_stories"
        row_by_row(conn, p, into, story_rows(n))
        before = table(store, sql)
        conn.execute("DELETE FROM link_stories")
        link_index.insert(conn, p, into, story_rows(n))
        assert table(store, sql) == before and len(before) == n
        # an ON CONFLICT clause applies per row as it did (df counts add up)
        df = [(f"k{i}", i) for i in range(n)]
        got = []
        for write in (row_by_row, link_index.insert):
            conn.execute("DELETE FROM link_key_df")
            for part in (df, df[::3]):   # the second adds to a third of the counts
                write(conn, p, "link_key_df (key, n)", part,
                      " ON CONFLICT (key) DO UPDATE SET n = link_key_df.n + excluded.n")
            got.append(table(store, "SELECT key, n FROM link_key_df"))
        assert got[0] == got[1] and len(got[0]) == n
        conn.commit()


def test_link_counts_count_batched_rows(url):
    from newsdesk.store import link_counts
    with open_store(url) as store:
        conn, p = store.conn, _param(store)
        many = [(f"x{i}", i, "{}", b"\x00" * i) for i in range(1, 2600)]   # COPY on PostgreSQL
        for rows in ([("x0", 0, "{}", b"")], many):
            link_index.insert(conn, p, "link_inputs (article_id, seq, meta, vectors)", rows)
            conn.commit()
            real = _fetch(store, "SELECT count(*) AS n FROM link_inputs")[0]["n"]
            assert link_counts.read(conn)[1] == real
        link_index.delete_in(conn, p, "link_inputs", "article_id",
                             [f"x{i}" for i in range(0, 2600, 2)])
        conn.commit()
        assert link_counts.read(conn)[1] == 1300 == _fetch(
            store, "SELECT count(*) AS n FROM link_inputs")[0]["n"]


def test_runs_write_the_same_rows_batched_or_row_by_row(url, tmp_path, monkeypatch):
    arts = merge_articles(30, 3)   # families, stories with keys, merges
    tables = {}
    for how in ("batched", "row by row"):
        if how == "row by row":
            monkeypatch.setattr(link_index, "insert", row_by_row)
        u = str(tmp_path / f"{how}.db")
        if url.startswith("postgresql"):   # a second database of the same server
            u = url if how == "batched" else _other_database(url, "newsdesk_row_by_row")
        with open_store(u) as store:
            for chunk in (arts[:5], arts[5:6], arts[6:17], arts[17:]):
                for a in chunk:
                    store.add(a)
                store_links._LINKERS.clear()
                assert link_new(store)["articles"] == len(chunk)
            tables[how] = snapshot(store), full_snapshot(store)
    assert tables["batched"] == tables["row by row"]
    links, index = tables["batched"]
    assert links["keys"] and index["keys"] and index["merges"] and index["bands"]


def keyed_before(arts) -> set[str]:
    """The stories with keys once ``arts`` are linked."""
    linker = Linker()
    linker.add_many(arts)
    return {sid for sid, story in linker.stories.stories.items() if story.keys}


def _other_database(url: str, name: str) -> str:
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def test_a_merge_removes_exactly_the_merged_storys_link_keys(url):
    arts = merge_articles(30, 4)
    # a merge whose merged-away story, stored by an earlier run, has keys, as another
    # story not in the merge has
    i, gone, keep = next((i, g, s) for i, g, s in merges_of(arts) if int(g[1:]) < i
                         and (k := keyed_before(arts[:i])) and g in k and k - {g, s})
    with open_store(url) as store:
        link_in_runs(store, arts, (i,), True)
        sql = "SELECT key, story_id, lo_day, hi_day FROM link_keys"
        rows = lambda: {(r["key"], r["story_id"]): (r["lo_day"], r["hi_day"])  # noqa: E731
                        for r in _fetch(store, sql)}
        before = rows()
        assert any(s == gone for _, s in before) and any(s == keep for _, s in before)
        link_in_runs(store, arts[i:], (1,), True)   # a new process merges from the index
        after = rows()
        joined = store_links.article_links(store, arts[i].id)["story_id"]
        # the gone story's rows, and only those, are gone; the survivor's are rewritten
        # (its span and keys grew); every other story's rows are as they were
        assert not any(s == gone for _, s in after)
        assert set(before) - set(after) == {k for k in before if k[1] == gone}
        untouched = {k: v for k, v in before.items() if k[1] not in (gone, keep, joined)}
        assert untouched and all(after[k] == v for k, v in untouched.items())
        assert {k for k in after if k[1] == keep} >= {(k, keep) for k, s in before if s == gone}
        incremental = full_snapshot(store)
    from newsdesk.cli import main
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert full_snapshot(store)["keys"] == incremental["keys"]
