"""Bulk writes: many records into a store in one transaction, as few statements as possible.

``write_batch(store, records)`` stores a batch of Articles and PageErrors with the same
result as ``store.add`` on each (idempotent: an article already stored is skipped, an
error stored once, errors of a page settled when its article is stored) but:

- SQLite: one transaction, one ``executemany`` per table, full-text rows written once for
  the batch (the store's ``_index_pending``).
- PostgreSQL: ``COPY`` of the articles not stored yet (should another writer store one
  meanwhile: ``COPY`` into a temporary table and ``INSERT ... ON CONFLICT DO NOTHING`` from
  it), then ``COPY`` of the new articles' annotation rows.

``bulk_load(store, records)`` streams any number of records through ``write_batch``.
With ``defer_indexes=True`` the indexes are dropped and built once after the load, inside
one transaction (a load stopped midway leaves the store as it was, indexes included):
worth it when the store holds little compared with the load. On PostgreSQL,
``workers=N`` loads over N connections, a committed transaction per batch
(``store.pg_bulk``): the server's work (``to_tsvector``, TOAST compression, index builds)
spread over N server processes.

The executors use ``write_batch`` for their results; finished input partitions are
recorded with ``mark_partition`` in the same commit (the ``partitions`` table).
"""
from __future__ import annotations

import dataclasses
import itertools
import operator
from collections.abc import Iterable, Iterator

from ..model import Article, PageError
from .sqlite import ANNOTATIONS, SQLiteStore, _columns, _json, _now, _q, error_id

__all__ = ["write_batch", "bulk_load", "finished_partitions", "mark_partition"]

ARTICLE_COLS = ("id", "url", "outlet", "title", "published", "byline", "language", "text",
                "warnings", "source", "ingested_at", "record")


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_ARTICLE_GET = operator.attrgetter(*_ARTICLE_FIELDS)
_RECORD_FIELDS = {table: tuple(f.name for f in dataclasses.fields(kind)) for table, kind in ANNOTATIONS.items()}


def record_dict(a: Article) -> dict:
    """``a.to_dict()`` without ``dataclasses.asdict``'s deep copies (several times faster;
    the annotation records hold plain values and lists of strings): the dict is serialised
    right away, so sharing those lists is safe."""
    d = dict(zip(_ARTICLE_FIELDS, _ARTICLE_GET(a)))
    for table, names in _RECORD_FIELDS.items():
        get = _GETTERS[table][0]
        d[table] = [dict(zip(names, get(r))) for r in d[table]]
    return d


def _article_row(a: Article, now: str) -> tuple:
    return (a.id, a.url, a.outlet, a.title, a.published, _json(a.byline), a.language, a.text,
            _json(a.warnings), a.source, now, _json(record_dict(a)))


def _structured(kind) -> frozenset[int]:
    """Positions of the fields declared as lists or dicts (stored as JSON): only those
    values are looked at per row; the scalar fields go to the driver as they are."""
    return frozenset(i for i, f in enumerate(dataclasses.fields(kind))
                     if any(w in str(f.type) for w in ("list", "dict", "Any")))


# Per annotation table: a getter of all its fields at once, and the JSON positions.
_GETTERS = {table: (operator.attrgetter(*_columns(kind)), _structured(kind))
            for table, kind in ANNOTATIONS.items()}


def _annotation_rows(a: Article, table: str) -> Iterator[tuple]:
    get, structured = _GETTERS[table]
    if not structured:
        for n, r in enumerate(getattr(a, table)):
            yield (a.id, n, *get(r))
        return
    for n, r in enumerate(getattr(a, table)):
        yield (a.id, n, *(_json(v) if i in structured and isinstance(v, (list, dict)) else v
                          for i, v in enumerate(get(r))))


def _statuses(records: list, new_ids: set[str]) -> list[str]:
    out, seen = [], set()
    for r in records:
        if isinstance(r, PageError):
            out.append("error")
        else:
            out.append("added" if r.id in new_ids and r.id not in seen else "skipped")
            seen.add(r.id)
    return out


def write_batch(store, records: Iterable[Article | PageError], commit: bool = True) -> list[str]:
    """Store a batch; returns each record's status ("added", "skipped", "error") in order."""
    records = list(records)
    for r in records:
        if not isinstance(r, (Article, PageError)):
            raise TypeError(f"cannot store {type(r).__name__}")
    if isinstance(store, SQLiteStore):
        new_ids = _sqlite_batch(store, records)
    else:
        new_ids = _pg_batch(store, records)
    if commit:
        store.commit()
    return _statuses(records, new_ids)


def _unique_articles(records: list) -> list[Article]:
    seen, out = set(), []
    for r in records:
        if isinstance(r, Article) and r.id not in seen:
            seen.add(r.id)
            out.append(r)
    return out


def _sqlite_batch(store: SQLiteStore, records: list) -> set[str]:
    conn = store.conn
    arts = _unique_articles(records)
    have: set[str] = set()
    ids = [a.id for a in arts]
    for i in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        part = ids[i:i + 500]
        have.update(r[0] for r in conn.execute(
            f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(part))})", part))
    new = [a for a in arts if a.id not in have]
    now = _now()
    if new:
        base = conn.execute("SELECT coalesce(max(fts_rid), 0) FROM articles").fetchone()[0]
        conn.executemany(
            f"INSERT INTO articles ({', '.join(ARTICLE_COLS)}, fts_rid) "
            f"VALUES ({', '.join('?' * (len(ARTICLE_COLS) + 1))})",
            [(*_article_row(a, now), base + k) for k, a in enumerate(new, 1)])
        for table, kind in ANNOTATIONS.items():
            cols = _columns(kind)
            conn.executemany(
                f"INSERT INTO {table} (article_id, n, {', '.join(_q(c) for c in cols)}) "
                f"VALUES ({', '.join('?' * (len(cols) + 2))})",
                itertools.chain.from_iterable(_annotation_rows(a, table) for a in new))
        store._fts_pending = True
    errors = [r for r in records if isinstance(r, PageError)]
    if errors:
        conn.executemany("INSERT OR IGNORE INTO errors (id, source, step, reason, url, at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(error_id(e), e.source, e.step, e.reason, e.url, now) for e in errors])
    # Settled as add() settles them: a page stored now clears its earlier failures.
    sources = sorted({a.source for a in arts if a.source})
    if sources:
        conn.executemany("DELETE FROM errors WHERE source = ?", [(s,) for s in sources])
    return {a.id for a in new}


def _pg_value(v):
    """PostgreSQL text holds no NUL character: drop them (as the store does)."""
    if type(v) is str:
        return v.replace("\x00", "") if "\x00" in v else v
    if isinstance(v, (list, dict)):
        return _json(v).replace("\x00", "")
    return v


def _copy_articles(cur, table: str, arts: list[Article], now: str) -> None:
    with cur.copy(f"COPY {table} ({', '.join(ARTICLE_COLS)}) FROM STDIN") as cp:
        for a in arts:
            cp.write_row([_pg_value(v) for v in _article_row(a, now)])


def _pg_new_articles(conn, cur, arts: list[Article], now: str) -> set[str]:
    """Insert the articles not stored yet; returns their ids. Those absent a moment ago are
    copied straight into ``articles``; should another writer store one of them meanwhile
    (a unique violation), the batch goes through a staging table with ON CONFLICT instead."""
    import psycopg
    absent = {a.id for a in arts}
    absent -= {r["id"] if isinstance(r, dict) else r[0] for r in cur.execute(
        "SELECT id FROM articles WHERE id = ANY(%s)", ([a.id for a in arts],)).fetchall()}
    if not absent:
        return set()
    try:
        with conn.transaction():  # a savepoint
            _copy_articles(cur, "articles", [a for a in arts if a.id in absent], now)
        return absent
    except psycopg.errors.UniqueViolation:
        pass
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS bulk_articles "
                f"({', '.join(c + ' TEXT' for c in ARTICLE_COLS)}) ON COMMIT DELETE ROWS")
    cur.execute("TRUNCATE bulk_articles")
    _copy_articles(cur, "bulk_articles", arts, now)
    cur.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLS)}) "
                f"SELECT {', '.join(ARTICLE_COLS)} FROM bulk_articles "
                "ON CONFLICT (id) DO NOTHING RETURNING id")
    return {row["id"] if isinstance(row, dict) else row[0] for row in cur.fetchall()}


def _pg_batch(store, records: list) -> set[str]:
    conn = store.conn
    store._mark_written()
    arts = _unique_articles(records)
    now = _now()
    new_ids: set[str] = set()
    with conn.cursor() as cur:
        if arts:
            new_ids = _pg_new_articles(conn, cur, arts, now)
            new = [a for a in arts if a.id in new_ids]
            for table, kind in ANNOTATIONS.items():
                cols = _columns(kind)
                if not any(getattr(a, table) for a in new):
                    continue
                with cur.copy(f"COPY {table} (article_id, n, {', '.join(_q(c) for c in cols)}) "
                              "FROM STDIN") as cp:
                    for a in new:
                        for row in _annotation_rows(a, table):
                            cp.write_row([_pg_value(v) for v in row])
        errors = [r for r in records if isinstance(r, PageError)]
        if errors:
            cur.executemany("INSERT INTO errors (id, source, step, reason, url, at) "
                            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                            [tuple(map(_pg_value, (error_id(e), e.source, e.step, e.reason,
                                                   e.url, now))) for e in errors])
        sources = sorted({a.source for a in arts if a.source})
        if sources:
            cur.execute("DELETE FROM errors WHERE source = ANY(%s)", ([_pg_value(s) for s in sources],))
    return new_ids


def _sqlite_indexes(conn) -> list[tuple[str, str]]:
    """The secondary indexes of the article and annotation tables: (name, CREATE sql)."""
    tables = ("articles", *ANNOTATIONS)
    return [(r[0], r[1]) for r in conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(tables))}) ORDER BY name", tables)]


def bulk_load(store, records: Iterable[Article | PageError], batch_size: int = 2000,
              defer_indexes: bool = False, progress=None, workers: int = 1) -> dict[str, int]:
    """Store any number of records, ``batch_size`` per statement group; returns counts of
    added / skipped / error. ``progress(n_done)`` is called after each batch.

    By default each batch is committed (a load stopped midway keeps what was committed).
    ``defer_indexes``: the whole load is one transaction in which the indexes are dropped
    first and built once at the end (SQLite: the secondary indexes of the article and
    annotation tables, and the full-text rows written in one statement; PostgreSQL: the
    secondary indexes of the same tables, GIN and B-tree, ``pg_bulk.deferred_indexes``) --
    faster when the load is large beside what the store holds; a load
    stopped midway leaves the store as it was.

    ``workers`` > 1, PostgreSQL: that many loader connections, each batch committed on its
    own (``store.pg_bulk``); SQLite has one writer and ignores it."""
    if workers > 1 and not isinstance(store, SQLiteStore):
        from .pg_bulk import parallel_load
        return parallel_load(store, records, batch_size, workers, defer_indexes, progress)
    counts = {"added": 0, "skipped": 0, "error": 0}
    it = iter(records)
    conn = store.conn
    pg = not isinstance(store, SQLiteStore)
    rebuild: list[str] = []
    if defer_indexes and pg:
        from .pg_bulk import MAINTENANCE_WORK_MEM, deferred_indexes
        conn.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        for name, sql in deferred_indexes():
            conn.execute(f"DROP INDEX IF EXISTS {name}")
            rebuild.append(sql)
    cache = None
    if not pg:
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{store.LOAD_CACHE_KIB}")
        if defer_indexes:
            store.commit()
            conn.execute("BEGIN")  # DDL would commit by itself outside a transaction
            for name, sql in _sqlite_indexes(conn):
                conn.execute(f'DROP INDEX "{name}"')
                rebuild.append(sql)
    done = 0
    try:
        while batch := list(itertools.islice(it, batch_size)):
            for status in write_batch(store, batch, commit=not defer_indexes):
                counts[status] += 1
            done += len(batch)
            if progress is not None:
                progress(done)
        for sql in rebuild:
            conn.execute(sql)
        store.commit()  # SQLite: the full-text rows of the whole load, then the commit
    except BaseException:
        if defer_indexes:
            conn.rollback()
        raise
    finally:
        if cache is not None:
            conn.execute(f"PRAGMA cache_size = {cache}")
    store._after_load(counts["added"])
    return counts


# -- finished input partitions (executors resume from them) -------------------------------

def finished_partitions(store) -> set[str]:
    """Ids of the input partitions whose records are all stored."""
    rows = store.conn.execute("SELECT id FROM partitions").fetchall()
    if not isinstance(store, SQLiteStore):
        store._end_read()
    return {r["id"] if not isinstance(r, tuple) else r[0] for r in rows}


def mark_partition(store, partition_id: str, source: str, pages: int, added: int, errors: int) -> None:
    """Record a partition as finished (not committed: the caller commits with its records)."""
    if isinstance(store, SQLiteStore):
        store.conn.execute("INSERT OR REPLACE INTO partitions (id, source, pages, added, errors, "
                           "finished_at) VALUES (?, ?, ?, ?, ?, ?)",
                           (partition_id, source, pages, added, errors, _now()))
    else:
        store._mark_written()
        store.conn.execute("INSERT INTO partitions (id, source, pages, added, errors, finished_at) "
                           "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                           "finished_at = EXCLUDED.finished_at",
                           (partition_id, _pg_value(source), pages, added, errors, _now()))
