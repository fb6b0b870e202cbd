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
- The loader sessions compress TOAST values with LZ4 and skip the trigger-run foreign-key
  checks of the annotation rows where the role may (``_LOAD_SETTINGS``).
- ``defer_indexes``: the secondary indexes of the articles and annotation tables (the GIN
  full-text ones and the B-trees, ``deferred_indexes``) are dropped (committed) before
  the load and built after it: the main GIN index alone on one connection, the others and
  ``ANALYZE`` of the annotation tables on the other connections meanwhile. Should the load
  fail they are built all the same before the error is raised; should the process die,
  ``PostgresStore`` builds missing ones when a store is next opened (``ensure_indexes``).
  Searching while they are missing gives the same answers, slower.
- Commits stay synchronous (the server's setting): a batch reported to ``progress`` has
  reached the disk, at one WAL flush per batch (100 for 100,000 articles at the bench's
  1,000 a batch), too few to be worth weakening that.

Unlike the one-connection ``defer_indexes`` load, this one is not a single transaction: a
load stopped midway keeps the batches it committed (a rerun skips them).
"""
from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Iterable

from ..model import Article, PageError
from .sqlite import ANNOTATIONS

__all__ = ["parallel_load", "deferred_indexes", "ensure_indexes"]

MAIN_FULLTEXT = "articles_tsv"  # the longest build by far (a GIN index over every article)

# Memory of each index build (a bound, used as needed): the main GIN index of 100,000
# search-bench articles collects ~30 million postings; with less it writes them out in
# several passes.
MAINTENANCE_WORK_MEM = "512MB"


@functools.cache
def deferred_indexes() -> tuple[tuple[str, str], ...]:
    """The secondary indexes of ``articles`` and the annotation tables as the migrations
    leave them, (name, ``CREATE INDEX IF NOT EXISTS`` sql), the main full-text index first:
    what a bulk load drops and builds after its rows. Read from the migrations so that an
    index a later schema version adds is deferred (and repaired) too."""
    import re

    from .postgres import MIGRATIONS
    tables = {"articles", *ANNOTATIONS}
    found: dict[str, str] = {}
    for migration in MIGRATIONS:
        for stmt in migration():
            stmt = " ".join(stmt.split())
            drop = re.match(r"DROP INDEX (?:IF EXISTS )?(\w+)$", stmt)
            if drop:
                found.pop(drop.group(1), None)
                continue
            made = re.match(r"CREATE INDEX (?:IF NOT EXISTS )?(\w+) ON (\w+) (.*)$", stmt)
            if made and made.group(2) in tables:
                name, table, rest = made.groups()
                found[name] = f"CREATE INDEX IF NOT EXISTS {name} ON {table} {rest}"
    return tuple(sorted(found.items(), key=lambda item: item[0] != MAIN_FULLTEXT))



def _plain_url(url: str) -> str:
    """psycopg's spelling of a store URL (``postgresql+psycopg://`` is SQLAlchemy's)."""
    return "postgresql://" + url.partition("://")[2] if url.startswith("postgresql+") else url


def ensure_indexes(conn) -> list[str]:
    """Build the deferred indexes the tables lack (a parallel load killed before it rebuilt
    them); returns their names. One catalog read when none is missing."""
    wanted = deferred_indexes()
    rows = conn.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s) "
                        "AND relnamespace = current_schema()::regnamespace",
                        ([n for n, _ in wanted],)).fetchall()
    have = {r["relname"] if isinstance(r, dict) else r[0] for r in rows}
    missing = [(n, sql) for n, sql in wanted if n not in have]
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


def _finish(url: str, workers: int, rebuild: list[tuple[str, str]], analyze: bool) -> None:
    """Build the dropped indexes and (``analyze``) refresh the planner's statistics over up
    to ``workers`` connections: the main full-text index alone on one (the longest build),
    the other indexes and ANALYZE of the annotation tables on the others, side by side
    (CREATE INDEX of one table on several connections at once does not wait)."""
    import psycopg
    lanes: list[list[str]] = [[] for _ in range(max(1, min(workers, len(rebuild) or 1)))]
    rest = lanes[1:] or lanes
    k = 0
    for name, sql in rebuild:
        if name == MAIN_FULLTEXT:
            lanes[0].append(sql)
        else:
            rest[k % len(rest)].append(sql)
            k += 1
    if analyze:  # each after its table's indexes when they share a lane
        for j, table in enumerate(ANNOTATIONS):
            rest[(k + j) % len(rest)].append(f"ANALYZE {table}")

    def lane(stmts):
        def run():
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                for s in stmts:
                    conn.execute(s)
        return run

    _run_all([lane(j) for j in lanes if j])
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
    rebuild: list[tuple[str, str]] = []
    try:
        for s in loaders:
            _load_session(s.conn)
        if defer_indexes:
            for name, sql in deferred_indexes():
                store.conn.execute(f"DROP INDEX IF EXISTS {name}")
                rebuild.append((name, sql))
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
