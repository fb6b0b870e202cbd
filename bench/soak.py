"""Soak: the API under 32 concurrent readers while two `newsdesk ingest` runs write the same
SQLite file (issue 17).

    python bench/soak.py [--clients 32] [--duration 120] [--steps extract,entities]

Input: the AEB pages (shared/bench/aeb/html, 181 gzipped news pages), split in two halves,
one per writer. A `newsdesk serve` process answers readers (articles, full-text search,
events, entities, timeline, one article) from the first second of the writers' run until
both writers are done (or --duration passes). Reports: requests, errors (status >= 500,
refused or dropped connections: must be 0), p50/p95 latency, and each writer's stored
records (articles + error records) against its input pages. Anchor, same run: the same
readers for the same time on the finished store with no writer (p95 idle), and the ratio.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import shared_dir  # noqa: E402

BIN = Path(sys.executable).parent / "newsdesk"
QUERIES = ["government", "police", "said", "election", "war", "market", "city council", "the"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _paths(base: str, ids: list[str]) -> list[str]:
    q = random.choice(QUERIES)
    paths = ["/api/articles", f"/api/articles?q={q}", "/api/events?limit=50", "/api/entities",
             "/api/timeline", f"/api/articles?q={q}&facets=true", "/api/health"]
    if ids:
        paths.append(f"/api/articles/{random.choice(ids)}")
    return [base + random.choice(paths)]


def readers(base: str, clients: int, stop: threading.Event, until: float) -> dict:
    import httpx

    lat: list[float] = []
    errors: list[str] = []
    ids: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rnd = random.Random(n)
        with httpx.Client(timeout=60) as http:
            while not stop.is_set() and time.monotonic() < until:
                url = _paths(base, ids)[0]
                t0 = time.monotonic()
                try:
                    r = http.get(url)
                    ok = r.status_code < 400
                    if url.endswith("/api/articles") and r.status_code == 200:
                        with lock:
                            ids[:] = [it["id"] for it in r.json()["items"]][:20] or ids
                except Exception as exc:  # refused, reset, timed out
                    ok, r = False, None
                    err = type(exc).__name__
                dt = time.monotonic() - t0
                with lock:
                    lat.append(dt)
                    if not ok:
                        errors.append(err if r is None else f"{r.status_code} {url}")
                time.sleep(rnd.random() * 0.05)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")  # noqa: E731
    return {"requests": len(lat), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "p50": pct(0.50), "p95": pct(0.95)}


def _report_counts(out: str) -> tuple[int, int, int]:
    m = re.search(r"added (\d+), skipped (\d+) \(already stored\), errors (\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0, 0, 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=300, help="longest soak, seconds (default 300)")
    ap.add_argument("--steps", default="extract,entities", help="writers' steps (default extract,entities)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "aeb" / "html").is_dir():
        print("soak: ../shared/bench/aeb absent; nothing to do")
        return 0
    pages = sorted(str(p) for p in (shared / "bench" / "aeb" / "html").iterdir())
    halves = [pages[0::2], pages[1::2]]
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-soak-"))
    db = str(tmp / "soak.db")
    subprocess.run([str(BIN), "ingest", "--db", db, "--steps", "extract", halves[0][0]],
                   check=True, capture_output=True)  # the server needs a store to open
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN), "serve", "--db", db, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import httpx
        for _ in range(100):
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        stop = threading.Event()
        result: dict = {}
        t0 = time.monotonic()
        soak = threading.Thread(target=lambda: result.update(
            readers(base, args.clients, stop, time.monotonic() + args.duration)))
        soak.start()
        writers = [subprocess.Popen([str(BIN), "ingest", "--db", db, "--steps", args.steps, *half],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for half in halves]
        outs = [w.communicate() for w in writers]
        stop.set()
        soak.join()
        busy = time.monotonic() - t0
        idle = readers(base, args.clients, threading.Event(), time.monotonic() + min(busy, 60))
    finally:
        server.terminate()
        server.wait(30)
    with sqlite_connect(db) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        errs = conn.execute("SELECT count(*) FROM errors").fetchone()[0]
    figures = {
        "soak_requests": result["requests"], "soak_errors": result["errors"],
        "soak_p50_s": round(result["p50"], 3), "soak_p95_s": round(result["p95"], 3),
        "idle_p95_s": round(idle["p95"], 3), "idle_requests": idle["requests"],
        "p95_ratio": round(result["p95"] / idle["p95"], 2) if idle["p95"] else None,
        "seconds": round(busy, 1),
        "writers": [{"inputs": len(h), "exit": w.returncode,
                     "added_skipped_errors": _report_counts(o[0])} for h, w, o in zip(halves, writers, outs)],
        "store_articles": articles, "store_errors": errs, "inputs": len(pages),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"soak: {args.clients} readers for {busy:.0f} s while 2 writers ingested {len(pages)} AEB pages "
              f"(steps {args.steps})")
        print(f"  newsdesk under writers: {result['requests']} requests, {result['errors']} errors "
              f"{result['error_kinds'] or ''}, p50 {result['p50']:.3f} s, p95 {result['p95']:.3f} s")
        print(f"  anchor, no writer:      {idle['requests']} requests, {idle['errors']} errors, "
              f"p95 {idle['p95']:.3f} s  (p95 ratio {figures['p95_ratio']})")
        for i, w in enumerate(figures["writers"], 1):
            a, s, e = w["added_skipped_errors"]
            print(f"  writer {i}: exit {w['exit']}, {w['inputs']} input pages -> added {a}, skipped {s}, "
                  f"errors {e} ({a + s + e}/{w['inputs']} accounted for)")
        print(f"  store: {articles} articles + {errs} error records = {articles + errs} of {len(pages)} pages")
        for w, o in zip(writers, outs):
            if w.returncode:
                print("  writer stderr:", o[1][-500:])
    ok = (result["errors"] == 0 and all(w.returncode == 0 for w in writers)
          and articles + errs >= len(pages))
    return 0 if ok else 1


def sqlite_connect(db: str):
    import sqlite3
    return sqlite3.connect(db, timeout=30)


if __name__ == "__main__":
    sys.exit(main())
