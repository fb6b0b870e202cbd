"""A PostgreSQL bulk load over several connections (``bulk_load(..., workers=N)``).

Where the time of a PostgreSQL load goes (5,000 search-bench articles, one connection):
the server computes the generated ``tsv`` column (``to_tsvector`` of every title and text)
on COPY, compresses the long values (text, record, tsv) into TOAST, and builds the GIN
full-text indexes; the client's share is a sixth. One connection is one server process:
one core. So here:

- ``workers`` loader connections (threads of this process; each its own server process)
  take batches from the input in turn; each batch is one transaction (``write_batch``,
  retried on a deadlock between loaders storing the same id), committed before it is
  counted or reported to ``progress``: what was reported is stored.
- TOAST values are compressed with LZ4 in the loader sessions
  (``default_toast_compression``; PostgreSQL 14+ built with LZ4, else left as it is):
  several times cheaper than the default pglz, read back transparently.
- ``defer_indexes``: the GIN full-text indexes are dropped (committed) before the load
  and built after it, one connection each, beside ``ANALYZE`` of the annotation tables.
  Should the load fail they are built all the same before the error is raised; should
  the process die, ``PostgresStore`` rebuilds missing ones when a store is next opened
  (``ensure_fulltext_indexes``). Searching while they are missing gives the same answers,
  slower.

Unlike the one-connection ``defer_indexes`` load, this one is not a single transaction: a
load stopped midway keeps the batches it committed (a rerun skips them).
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable

from ..model import Article, PageError
from .sqlite import ANNOTATIONS

__all__ = ["parallel_load", "ensure_fulltext_indexes"]


def _fulltext_indexes() -> list[tuple[str, str]]:
    from .bulk import _pg_fulltext_indexes
    return _pg_fulltext_indexes()


def _plain_url(url: str) -> str:
    """psycopg's spelling of a store URL (``postgresql+psycopg://`` is SQLAlchemy's)."""
    return "postgresql://" + url.partition("://")[2] if url.startswith("postgresql+") else url


def ensure_fulltext_indexes(conn) -> list[str]:
    """Build the full-text indexes the articles table lacks (a parallel load killed before
    it rebuilt them); returns their names. A catalog read when none is missing."""
    names = [name for name, _ in _fulltext_indexes()]
    rows = conn.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s) "
                        "AND relnamespace = current_schema()::regnamespace", (names,)).fetchall()
    have = {r["relname"] if isinstance(r, dict) else r[0] for r in rows}
    missing = [(n, sql) for n, sql in _fulltext_indexes() if n not in have]
    for _, sql in missing:
        conn.execute(sql)
    return [n for n, _ in missing]


def _load_session(conn) -> list[str]:
    """Settings of a loader connection (session-wide, committed); returns those the server
    took. Each is tried on its own: a refused one leaves the server's default."""
    import psycopg
    took = []
    for name, value in _LOAD_SETTINGS:
        try:
            conn.execute(f"SET {name} = {value}")
            conn.commit()  # a later refusal's rollback must not undo this one
            took.append(name)
        except psycopg.Error:
            conn.rollback()
    return took


# - default_toast_compression: LZ4 (PostgreSQL 14+ built with it) is several times cheaper
#   than pglz on the long values (text, record, tsv), read back transparently.
# - session_replication_role = replica: the loader's sessions skip the triggers, which on
#   these tables are the foreign-key checks of the annotation rows (one lookup of the
#   article per row: 1.9 million at 100,000 articles). Those checks cannot fail here:
#   write_batch copies annotation rows only for the articles it inserted in the same
#   transaction, which no other session can delete before it commits. Superusers only (a
#   plain role keeps the checks); ON DELETE CASCADE still runs in the sessions that delete.
_LOAD_SETTINGS = (("default_toast_compression", "'lz4'"),
                  ("session_replication_role", "replica"))


def _run_all(jobs) -> None:
    """Run the callables in threads; raise the first error any raised."""
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(j,), daemon=True) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _finish(url: str, workers: int, rebuild: list[str], analyze: bool) -> None:
    """Build the dropped indexes and (``analyze``) refresh the planner's statistics, spread
    over up to ``workers`` connections (CREATE INDEX and ANALYZE of other tables side by side)."""
    import psycopg
    jobs: list[list[str]] = [[sql] for sql in rebuild]
    tables = [f"ANALYZE {t}" for t in ANNOTATIONS] if analyze else []
    lanes = max(1, min(workers, len(jobs) or 1))
    while len(jobs) < lanes:
        jobs.append([])
    for k, stmt in enumerate(tables):  # the annotation tables beside the index builds
        jobs[(len(jobs) - 1 - k) % len(jobs)].append(stmt)

    def lane(stmts):
        def run():
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '512MB'")
                for s in stmts:
                    conn.execute(s)
        return run

    _run_all([lane(j) for j in jobs if j])
    if analyze:  # after the index builds (ANALYZE would wait for them anyway)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE articles")


def parallel_load(store, records: Iterable[Article | PageError], batch_size: int, workers: int,
                  defer_indexes: bool, progress=None) -> dict[str, int]:
    """``bulk_load`` on PostgreSQL over ``workers`` connections (see the module's doc)."""
    from .bulk import write_batch
    from .postgres import PostgresStore

    store.commit()  # loaders on other connections must not wait for this one
    url = _plain_url(store.url)
    loaders = [PostgresStore(url) for _ in range(workers)]  # opened before any index is dropped
    counts = {"added": 0, "skipped": 0, "error": 0}
    lock = threading.Lock()
    it = iter(records)
    done = [0]
    failed = threading.Event()
    rebuild: list[str] = []
    try:
        for s in loaders:
            _load_session(s.conn)
        if defer_indexes:
            for name, sql in _fulltext_indexes():
                store.conn.execute(f"DROP INDEX IF EXISTS {name}")
                rebuild.append(sql)
            store.commit()

        def loader(s):
            def run():
                try:
                    while not failed.is_set():
                        with lock:  # the input is read by one thread at a time
                            batch = list(itertools.islice(it, batch_size))
                        if not batch:
                            return
                        statuses = s._write_transaction(lambda: write_batch(s, batch, commit=False))
                        with lock:  # committed: now it counts
                            for status in statuses:
                                counts[status] += 1
                            done[0] += len(batch)
                            if progress is not None:
                                progress(done[0])
                except BaseException:
                    failed.set()  # the other loaders stop after their current batch
                    s.conn.rollback()
                    s._dirty = False
                    raise
            return run

        _run_all([loader(s) for s in loaders])
    except BaseException:
        for s in loaders:
            s.close()
        try:  # built even when the load failed: the store does not stay without them
            _finish(url, workers, rebuild, analyze=False)
        except Exception:  # noqa: BLE001 - the load's own error is the one to report
            pass
        raise
    for s in loaders:
        s.close()
    _finish(url, workers, rebuild, analyze=counts["added"] >= 1000)  # as _after_load
    return counts
