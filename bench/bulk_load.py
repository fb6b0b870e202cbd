"""Bulk-load benchmark: storing the search benchmark's synthetic corpus (bench/search.py,
100,000 articles) the old way and through ``newsdesk.store.bulk``, both engines, one run.

    python bench/bulk_load.py                  # 100,000 articles, SQLite and PostgreSQL
    python bench/bulk_load.py --n 10000 --engines sqlite
    python bench/bulk_load.py --n 5000,20000,100000 --engines postgresql

The articles are generated once (not timed; the generation time is printed) into a pickle
file, and every load reads them from it, so all loads pay the same reading cost. Timed,
each into an empty store:

- SQLite, old: ``store.add_many`` (the ingest path; what bench/search.py used), a commit per
  5,000 articles, on a store of schema v12 (the full-text table holding its own copy of
  every text), as the code before this bench ran it.
- SQLite, ``bulk_load`` on schema v12: the new loader alone (what the schema adds is the
  difference with the next row).
- SQLite, new: ``bulk_load(defer_indexes=True)`` on the current schema (v13: the full-text
  index reads the texts from ``articles``); ``executemany`` per table per 2,000 articles,
  secondary indexes and full-text rows built once at the end, one transaction.
  The v12 store is then upgraded (timed) and must answer as before.
- PostgreSQL, old: ``store.add_many`` (row by row), and the COPY loader bench/search.py
  used before ``bulk_load`` (COPY per table, GIN indexes built after): both shown.
- PostgreSQL, ``bulk_load(defer_indexes=True)`` on one connection (COPY, GIN indexes
  rebuilt after, one transaction): the loader before ``workers``.
- PostgreSQL, new: ``bulk_load(defer_indexes=True, workers=W)`` (``--workers``, default
  the cores): W loader connections committing a batch each in turn, LZ4 TOAST compression
  and no trigger-run foreign-key checks in their sessions, the GIN indexes built after on
  one connection each beside ANALYZE (``store.pg_bulk``); its time is also shown split at
  the last batch's commit (rows, then indexes and ANALYZE).

``--n 5000,20000,100000`` runs every size in one invocation, each loaded every way.

Each load prints wall and CPU seconds of this process and, on the throwaway server, the
server's CPU seconds (its processes', where to_tsvector runs; --pg-url: not measured).

Then the search bench's queries (full text, phrase, outlet + dates, event type, entity,
facets, timeline) are run on the old and the new store of each engine: their answers must
be identical (search figures unchanged). PostgreSQL runs on a throwaway server
(bench/search.py's ``TempPostgres``) unless --pg-url names a server (a database per load is made there).
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import pickle
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import search  # noqa: E402  bench/search.py: the corpus and the queries
from newsdesk.store import open_store  # noqa: E402
from newsdesk.store import sqlite as sqlite_store  # noqa: E402
from newsdesk.store.bulk import bulk_load  # noqa: E402

OLD_SQLITE_SCHEMA = 12  # before the full-text index read its texts from articles


@contextlib.contextmanager
def sqlite_schema(version: int | None):
    """Stores opened inside stay at schema ``version`` (None: the current one)."""
    if version is None:
        yield
        return
    orig = sqlite_store.migrate

    def migrate(conn, upto=version):
        orig(conn, upto=version)
        sqlite_store.add_model_columns(conn)
        return version

    sqlite_store.migrate = migrate
    try:
        yield
    finally:
        sqlite_store.migrate = orig


def generate(path: str, n: int, seed: int) -> float:
    t = time.perf_counter()
    with open(path, "wb") as fh:
        arts = search.make_articles(n, seed)
        while chunk := list(itertools.islice(arts, 1000)):
            pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return time.perf_counter() - t


def articles(path: str):
    with open(path, "rb") as fh:
        while True:
            try:
                yield from pickle.load(fh)
            except EOFError:
                return


def load_old_copy(url: str, path: str) -> None:
    """The COPY loader bench/search.py had before store.bulk (kept here as the anchor)."""
    from newsdesk.store.postgres import SAMPLE_INDEX
    from newsdesk.store.sqlite import ANNOTATIONS, _columns
    with open_store(url) as store:
        conn = store.conn
        conn.execute("DROP INDEX IF EXISTS articles_tsv")
        conn.execute("DROP INDEX IF EXISTS articles_tsv_sample")
        conn.commit()
        acols = ["id", "url", "outlet", "title", "published", "byline", "language", "text",
                 "warnings", "source", "ingested_at", "record"]
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        arts = articles(path)
        while chunk := list(itertools.islice(arts, 2000)):
            with conn.transaction():
                with conn.cursor().copy(f"COPY articles ({', '.join(acols)}) FROM STDIN") as cp:
                    for a in chunk:
                        cp.write_row([search._pg_value(v) for v in (
                            a.id, a.url, a.outlet, a.title, a.published, a.byline, a.language,
                            a.text, a.warnings, a.source, now, a.to_dict())])
                for table, kind in ANNOTATIONS.items():
                    cols = _columns(kind)
                    qcols = ", ".join('"' + c + '"' for c in cols)
                    with conn.cursor().copy(f"COPY {table} (article_id, n, {qcols}) FROM STDIN") as cp:
                        for a in chunk:
                            for k, r in enumerate(getattr(a, table)):
                                cp.write_row([a.id, k, *(search._pg_value(getattr(r, c)) for c in cols)])
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("CREATE INDEX articles_tsv ON articles USING GIN (tsv)")
        conn.execute(SAMPLE_INDEX)
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()


def timed(fn) -> float:
    return timed_cpu(fn)[0]


def server_cpu(pg) -> float | None:
    """CPU seconds used so far by a throwaway server's processes, the exited ones included
    (the postmaster's reaped children), or None for a server not started here."""
    if pg is None:
        return None
    try:
        with open(os.path.join(pg.data, "postmaster.pid")) as fh:
            pid = int(fh.readline())
        kids = [pid]
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as fh:
                        if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                            kids.append(int(p))
                except (OSError, ValueError, IndexError):
                    pass
        total = 0
        for k in kids:
            with open(f"/proc/{k}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if k == pid else 0)
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return None


def timed_cpu(fn) -> tuple[float, float]:
    """Wall and CPU seconds (this process) of ``fn()``."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def old_add_many(url: str, path: str) -> None:
    with open_store(url) as store:
        for _ in store.add_many(articles(path), commit_every=5000):
            pass


def new_bulk(url: str, path: str) -> None:
    with open_store(url) as store:
        bulk_load(store, articles(path), batch_size=2000, defer_indexes=True)


WORKERS = [os.cpu_count() or 2]
# The server of the current load, and when (wall clock, server CPU) its last batch was
# committed: the new load's time splits there into rows and what follows (indexes, ANALYZE).
PG: list = [None]
ROWS_DONE: dict = {}


def parallel_bulk(url: str, path: str, n: int) -> None:
    def progress(done):
        if done >= n:
            ROWS_DONE["at"] = (time.perf_counter(), server_cpu(PG[0]))
    with open_store(url) as store:
        bulk_load(store, articles(path), batch_size=1000, defer_indexes=True,
                  workers=WORKERS[0], progress=progress)


def answers(url: str, seed: int) -> list:
    """What the search bench's queries return (items and totals), same parameters each time."""
    rng = random.Random(seed)
    out = []
    with open_store(url) as store:
        store.count_cap = search.COUNT_CAP
        for name, fn in search.queries(rng, store):
            for _ in range(5):
                r = fn()
                out.append((name, r if isinstance(r, (list, dict)) else (r.items, r.total)))
    return out


PG_LOADS = ("rowwise", "oldcopy", "onecon", "new")


def run_size(n: int, args, engines: list[str], tmp: str) -> tuple[list, list]:
    """Generate n articles, load them every way into empty stores, compare the answers."""
    rows, checks = [], []
    path = os.path.join(tmp, f"articles-{n}.pickle")
    print(f"generating {n} articles ...", flush=True)
    gen = generate(path, n, args.seed)
    print(f"  {gen:.0f} s (not part of any load)", flush=True)
    read = timed(lambda: sum(1 for _ in articles(path)))
    print(f"reading them back: {read:.1f} s (part of every load)", flush=True)
    pg = None
    try:
        for engine in engines:
            if engine == "sqlite":
                urls = {k: os.path.join(tmp, f"{k}-{n}.db") for k in ("old", "v12bulk", "new")}
                plan = [("old: store.add_many, schema v12", "old", old_add_many, OLD_SQLITE_SCHEMA),
                        ("bulk_load, schema v12", "v12bulk", new_bulk, OLD_SQLITE_SCHEMA),
                        ("new: bulk_load, schema v13", "new", new_bulk, None)]
            else:
                import psycopg
                if args.pg_url:
                    base = args.pg_url
                else:
                    pg = search.TempPostgres()
                    base = pg.start()
                    with psycopg.connect(base, autocommit=True) as c:
                        # every load analyzes what it loaded; autovacuum, running at times
                        # of its own, would charge its work to whichever load came next
                        c.execute("ALTER SYSTEM SET autovacuum = off")
                        c.execute("SELECT pg_reload_conf()")
                PG[0] = pg
                with psycopg.connect(base, autocommit=True) as c:
                    for k in PG_LOADS:
                        c.execute(f"DROP DATABASE IF EXISTS bulk_{k}")
                        c.execute(f"CREATE DATABASE bulk_{k}")
                root = base.rsplit("/", 1)[0]
                urls = {k: f"{root}/bulk_{k}" for k in PG_LOADS}
                urls["old"] = urls["oldcopy"]
                plan = [("old: store.add_many", "rowwise", old_add_many, None),
                        ("old: COPY loader of bench/search.py", "oldcopy", load_old_copy, None),
                        ("bulk_load, 1 connection (COPY, GIN after)", "onecon", new_bulk, None),
                        (f"new: bulk_load, {WORKERS[0]} connections", "new",
                         lambda url, path: parallel_bulk(url, path, n), None)]
                plan = [p for p in plan if p[1] in args.loads
                        and (p[1] != "rowwise" or n <= args.rowwise_upto)]
            for label, key, fn, version in plan:
                with sqlite_schema(version):
                    open_store(urls[key]).close()  # schema made outside the timing
                    print(f"[{engine} {n}] {label} ...", flush=True)
                    ROWS_DONE.clear()
                    s0 = server_cpu(pg)
                    t0 = time.perf_counter()
                    t, cpu = timed_cpu(lambda: fn(urls[key], path))
                    time.sleep(0.5)  # the server's exited backends reaped
                    s1 = server_cpu(pg)
                srv = s1 - s0 if s0 is not None and s1 is not None else None
                print(f"  {t:.1f} s wall, {cpu:.1f} s CPU"
                      + (f", server {srv:.1f} s CPU" if srv is not None else ""), flush=True)
                if "at" in ROWS_DONE:
                    at, s_rows = ROWS_DONE["at"]
                    print(f"  rows {at - t0:.1f} s wall"
                          + (f", server {s_rows - s0:.1f} s CPU" if srv is not None else "")
                          + f"; then indexes and ANALYZE {t0 + t - at:.1f} s wall"
                          + (f", server {s1 - s_rows:.1f} s CPU" if srv is not None else ""),
                          flush=True)
                rows.append((n, engine, label, t, cpu, srv))
            if engine == "sqlite" or {"oldcopy", "new"} <= args.loads:
                with sqlite_schema(OLD_SQLITE_SCHEMA if engine == "sqlite" else None):
                    before = answers(urls["old"], args.seed)
                same = before == answers(urls["new"], args.seed)
                checks.append((n, engine, same))
                print(f"[{engine} {n}] search answers identical (old vs new store): {same}",
                      flush=True)
            if engine == "sqlite":
                size = {k: os.path.getsize(u) for k, u in urls.items()}
                print("[sqlite] file sizes (MB): " + ", ".join(
                    f"{k} {v / 1e6:.0f}" for k, v in size.items()), flush=True)
                t = timed(lambda: open_store(urls["old"]).close())
                up = answers(urls["old"], args.seed) == before
                checks.append((n, "sqlite upgrade v12 -> v13", up))
                print(f"[sqlite] upgrade of the v12 store to v13: {t:.1f} s; "
                      f"search answers unchanged: {up}", flush=True)
            if pg is not None:
                pg.stop()
                pg = PG[0] = None
            elif engine != "sqlite":
                import psycopg
                with psycopg.connect(args.pg_url, autocommit=True) as c:
                    for k in PG_LOADS:
                        c.execute(f"DROP DATABASE IF EXISTS bulk_{k}")
    finally:
        if pg is not None:
            pg.stop()
        os.remove(path)
    print(f"\nbulk load of {n} articles (generated in {gen:.0f} s beforehand; "
          f"reading them back, {read:.1f} s, is in every load)")
    print(f"{'engine':<12}{'load':<44}{'wall s':>8}{'CPU s':>8}{'server':>8}{'articles/s':>12}"
          f"{'speed-up':>10}{'CPU ratio':>10}")
    for engine in engines:
        mine = [r for r in rows if r[1] == engine]
        new = next((r for r in mine if r[2].startswith("new")), None)
        for _, e, label, t, cpu, srv in mine:
            # CPU ratio: this process and, where measured, the server together
            both = cpu + (srv or 0)
            ratio = (f"{t / new[3]:>10.2f}x{both / max(new[4] + (new[5] or 0), 1e-9):>9.2f}x"
                     if new else "")
            print(f"{e:<12}{label:<44}{t:>8.1f}{cpu:>8.1f}"
                  f"{(f'{srv:.1f}' if srv is not None else '-'):>8}{n / t:>12.0f}{ratio}")
    for _, engine, same in checks:
        print(f"{engine}: search answers of the old and the new store identical: {same}")
    print(flush=True)
    return rows, checks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="100000",
                    help="articles; several sizes comma-separated (5000,20000,100000), "
                         "each loaded every way in this run")
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--pg-url", help="a PostgreSQL server URL (its postgres database); "
                                     "default: a throwaway server")
    ap.add_argument("--loads", default=",".join(PG_LOADS),
                    help="PostgreSQL loads to run, of " + ", ".join(PG_LOADS))
    ap.add_argument("--no-pg-rowwise", action="store_true",
                    help="skip PostgreSQL add_many (row by row: the slowest load)")
    ap.add_argument("--rowwise-upto", type=int, default=10 ** 9, metavar="N",
                    help="PostgreSQL add_many only for sizes up to N (it takes longest)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=WORKERS[0],
                    help=f"loader connections of the new PostgreSQL load (default: the "
                         f"cores, {WORKERS[0]})")
    args = ap.parse_args(argv)
    WORKERS[0] = args.workers
    args.loads = {k.strip() for k in args.loads.split(",") if k.strip()}
    if args.no_pg_rowwise:
        args.loads.discard("rowwise")
    search.SEED[0] = args.seed
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    tmp = tempfile.mkdtemp(prefix="newsdesk-bulk-bench-")
    checks = []
    try:
        for n in (int(x) for x in args.n.split(",")):
            checks += run_size(n, args, engines, tmp)[1]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(s for *_, s in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
