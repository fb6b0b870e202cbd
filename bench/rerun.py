"""Rerun after a crash: `kill -9` of an ingest halfway, then the same ingest again (issue 17).

    python bench/rerun.py [--steps extract,entities]

On the AEB pages (shared/bench/aeb/html, 181 gzipped news pages): a clean run into a new
store (the anchor, timed), then a run into a second store killed with SIGKILL once half the
pages are stored, then the rerun, timed. Stored pages are skipped before extraction, so the
rerun should cost about the unstored share of the clean run, not all of it (before: 4:33
for a rerun against 3:59 for a clean run). Also checks the rerun's store equals the clean
one (same article ids, same error records).
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402

BIN = Path(sys.executable).parent / "newsdesk"


def _count(db: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def _state(db: str) -> tuple[set, set]:
    with sqlite3.connect(db) as conn:
        return ({r[0] for r in conn.execute("SELECT id FROM articles")},
                {(r[0], r[1]) for r in conn.execute("SELECT source, reason FROM errors")})


def _ingest(pages: list[str], db: str, steps: str) -> tuple[float, str]:
    t0 = time.monotonic()
    r = subprocess.run([str(BIN), "ingest", "--db", db, "--steps", steps, *pages],
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"ingest failed: {r.stderr[-500:]}")
    return time.monotonic() - t0, r.stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", default="extract,entities")
    ap.add_argument("--share", type=float, default=0.5, help="stored share at the kill (default 0.5)")
    args = ap.parse_args()
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "aeb" / "html").is_dir():
        print("rerun: ../shared/bench/aeb absent; nothing to do")
        return 0
    pages = sorted(str(p) for p in (shared / "bench" / "aeb" / "html").iterdir())
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-rerun-"))
    clean_db, crash_db = str(tmp / "clean.db"), str(tmp / "crash.db")

    t_clean, clean_report = _ingest(pages, clean_db, args.steps)
    n_clean = _count(clean_db)

    proc = subprocess.Popen([str(BIN), "ingest", "--db", crash_db, "--steps", args.steps, *pages],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and _count(crash_db) < args.share * n_clean:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = _count(crash_db)
    t_rerun, rerun_report = _ingest(pages, crash_db, args.steps)

    same = _state(clean_db) == _state(crash_db)
    print(f"rerun after kill -9: {len(pages)} AEB pages, steps {args.steps}")
    print(f"  anchor, clean run:  {t_clean:6.1f} s  ({clean_report})")
    print(f"  killed at {at_kill} articles stored; rerun: {t_rerun:6.1f} s  ({rerun_report})")
    print(f"  rerun / clean = {t_rerun / t_clean:.2f} (stored share skipped at kill: {at_kill / max(1, n_clean):.2f}); "
          f"store equals the clean run's: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
