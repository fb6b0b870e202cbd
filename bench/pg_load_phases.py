"""Where a PostgreSQL bulk load's server time goes: the phases of one load timed apart, on
one connection, with the server's CPU (a throwaway server; bench/bulk_load.py's corpus).

    python bench/pg_load_phases.py --n 20000
    python bench/pg_load_phases.py --n 100000 --mwm 512MB,2GB

Into an empty store, the full-text indexes dropped (as every bulk loader here does):

1. COPY of the articles: the server computes the generated ``tsv`` column (to_tsvector of
   title and text), compresses the long values (LZ4) and fills the B-trees.
2. to_tsvector alone: the same expression computed again over the stored rows (read back),
   and the ``simple`` configuration beside it (the parser without the English stemmer).
3. COPY of the annotation rows with the foreign-key checks (a trigger per row), then the
   same rows into copies of those tables without foreign keys (the checks' cost is the
   difference).
4. The main GIN index built, once per ``--mwm`` (maintenance_work_mem), and the partial one.
5. ANALYZE of the articles and of the annotation tables.

These are the parts every loader of this schema pays (the old ones too): the bound of a
load on C cores is the larger of (their sum + the client's share) / C and the longest part
that cannot be split (one GIN build is one process in PostgreSQL 15).
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import bulk_load as bench  # noqa: E402  the corpus, its pickle and server_cpu
import search  # noqa: E402  TempPostgres
from newsdesk.store import open_store  # noqa: E402
from newsdesk.store.bulk import _annotation_rows, _article_row, _pg_value, ARTICLE_COLS  # noqa: E402
from newsdesk.store.postgres import SAMPLE_INDEX, TS_CONFIG  # noqa: E402
from newsdesk.store.sqlite import ANNOTATIONS, _columns, _now, _q  # noqa: E402

TSV = (f"setweight(to_tsvector('{TS_CONFIG}', coalesce(title, '')), 'A') || "
       f"setweight(to_tsvector('{TS_CONFIG}', text), 'B')")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mwm", default="512MB",
                    help="maintenance_work_mem values to build the main GIN index with")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="newsdesk-pg-phases-")
    pg = search.TempPostgres()
    rows = []
    try:
        path = os.path.join(tmp, "articles.pickle")
        print(f"generating {args.n} articles ...", flush=True)
        bench.generate(path, args.n, args.seed)
        import psycopg
        base = pg.start()
        with psycopg.connect(base, autocommit=True) as c:
            c.execute("ALTER SYSTEM SET autovacuum = off")
            c.execute("SELECT pg_reload_conf()")
        open_store(base).close()
        conn = psycopg.connect(base, autocommit=True)
        conn.execute("SET default_toast_compression = 'lz4'")
        conn.execute("SET jit = off")
        conn.execute("DROP INDEX articles_tsv")
        conn.execute("DROP INDEX articles_tsv_sample")

        def phase(label, fn):
            s0, t, c = bench.server_cpu(pg), time.perf_counter(), time.process_time()
            fn()
            wall, client = time.perf_counter() - t, time.process_time() - c
            time.sleep(0.3)  # exited backends reaped
            server = bench.server_cpu(pg) - s0
            rows.append((label, wall, client, server))
            print(f"  {label:<46} wall {wall:6.1f} s  client {client:5.1f} s  server {server:6.1f} s",
                  flush=True)

        now = _now()

        def copy_articles():
            arts = bench.articles(path)
            while chunk := list(itertools.islice(arts, 2000)):
                with conn.transaction(), conn.cursor().copy(
                        f"COPY articles ({', '.join(ARTICLE_COLS)}) FROM STDIN") as cp:
                    for a in chunk:
                        cp.write_row([_pg_value(v) for v in _article_row(a, now)])

        def copy_annotations(suffix=""):
            def run():
                arts = bench.articles(path)
                while chunk := list(itertools.islice(arts, 2000)):
                    with conn.transaction():
                        for table, kind in ANNOTATIONS.items():
                            cols = ", ".join(_q(c) for c in _columns(kind))
                            with conn.cursor().copy(
                                    f"COPY {table}{suffix} (article_id, n, {cols}) FROM STDIN") as cp:
                                for a in chunk:
                                    for row in _annotation_rows(a, table):
                                        cp.write_row([_pg_value(v) for v in row])
            return run

        phase("1. COPY articles (tsv computed, LZ4, B-trees)", copy_articles)
        phase("2. to_tsvector alone (english, title + text)",
              lambda: conn.execute(f"SELECT sum(length({TSV})) FROM articles").fetchone())
        phase("   to_tsvector('simple', text): the parser",
              lambda: conn.execute("SELECT sum(length(to_tsvector('simple', text))) "
                                   "FROM articles").fetchone())
        phase("   reading the texts back (the part of both above)",
              lambda: conn.execute("SELECT sum(length(text) + length(coalesce(title, ''))) "
                                   "FROM articles").fetchone())
        phase("3. COPY annotations, foreign keys checked", copy_annotations())
        for table in ANNOTATIONS:
            conn.execute(f"CREATE TABLE {table}_nofk (LIKE {table} INCLUDING ALL)")
        phase("   COPY annotations, no foreign keys", copy_annotations("_nofk"))
        for table in ANNOTATIONS:
            conn.execute(f"DROP TABLE {table}_nofk")
        for k, mwm in enumerate(m.strip() for m in args.mwm.split(",")):
            if k:
                conn.execute("DROP INDEX articles_tsv")
            conn.execute(f"SET maintenance_work_mem = '{mwm}'")
            phase(f"4. main GIN index, maintenance_work_mem {mwm}",
                  lambda: conn.execute("CREATE INDEX articles_tsv ON articles USING GIN (tsv)"))
        phase("   partial GIN index (one article in 8)", lambda: conn.execute(SAMPLE_INDEX))
        phase("5. ANALYZE articles", lambda: conn.execute("ANALYZE articles"))
        phase("   ANALYZE annotation tables",
              lambda: [conn.execute(f"ANALYZE {t}") for t in ANNOTATIONS])
        conn.close()
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{args.n} articles, one connection: server CPU per phase")
    for label, wall, client, server in rows:
        print(f"{label:<48}{server:>8.1f} s{1000 * server / args.n:>8.2f} ms/article"
              f"   (client {client:.1f} s, wall {wall:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
