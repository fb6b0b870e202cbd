"""Dask benchmark: ``newsdesk ingest`` in one process beside the same command on a Dask
cluster of single-threaded workers on 127.0.0.1, on the AEB pages (181 HTML pages).

    python bench/dask_ingest.py                  # 2 workers, then a kill -9 run and a rerun
    python bench/dask_ingest.py --workers 3 --no-kill

Every run is the CLI as a user types it, in its own process, timed from start to exit
(interpreter and model loading included), each into a fresh SQLite store:

1. in process: ``newsdesk ingest AEB --db a.db`` (the anchor);
2. Dask, cold: ``--executor dask --scheduler ADDR`` on freshly started workers (``dask worker
   --nthreads 1 --no-nanny``), which load the pipeline during the run;
3. with --warm, Dask again into another store, the workers' pipelines already loaded;
4. Dask with one worker killed by SIGKILL as soon as it runs a partition (the run goes on
   with the others), then a rerun of it, which must add nothing.

Articles (full records), errors and template profiles are compared with the in-process
store. Prints wall times, their ratio to the in-process run (target <= 0.75 with 2 workers),
pages/s, and each worker's peak resident memory. The machine's other load is not
controlled: the figures are of one run, on whatever cores were free.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _shared import shared_dir  # noqa: E402

BIN = Path(sys.executable).parent


def dump(db: str) -> tuple:
    c = sqlite3.connect(db)
    try:
        arts = {r[0]: json.loads(r[1]) for r in c.execute("SELECT id, record FROM articles")}
        errs = sorted(c.execute("SELECT source, step, reason FROM errors"))
        tpl = {r[0]: json.loads(r[1]) for r in c.execute("SELECT host, profile FROM templates")}
    finally:
        c.close()
    return arts, errs, tpl


def links(db: str) -> tuple:
    """Duplicate families and stories (as sets of articles) of a store."""
    c = sqlite3.connect(db)
    try:
        dup = dict(c.execute("SELECT article_id, duplicate_of FROM article_links"))
        groups: dict = {}
        for aid, sid in c.execute("SELECT article_id, story_id FROM article_links"):
            groups.setdefault(sid, set()).add(aid)
        n_inc = c.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        c.close()
    return dup, sorted(sorted(m) for m in groups.values()), n_inc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, tmp: str, workers: int):
        self.tmp, self.procs = tmp, {}
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port",
                                  self.address.rsplit(":", 1)[1], "--no-dashboard"])
        self.names = [f"w{i}" for i in range(1, workers + 1)]
        for name in self.names:
            self._spawn(name, ["worker", self.address, "--name", name, "--nthreads", "1",
                               "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"])
        self.workers = self.wait()

    def _spawn(self, name, args):
        log = open(os.path.join(self.tmp, f"{name}.log"), "wb")
        self.procs[name] = subprocess.Popen([str(BIN / "dask"), *args], stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.tmp)

    def wait(self, timeout=180) -> dict[str, str]:
        from distributed import Client
        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=60) as client:
            while time.monotonic() < deadline:
                have = {w["name"]: a for a, w in client.scheduler_info(n_workers=-1)["workers"].items()}
                if set(self.names) <= set(have):
                    return have
                time.sleep(0.3)
        raise SystemExit(f"workers did not join (logs in {self.tmp})")

    def cpu_s(self) -> float:
        """CPU seconds the workers have used so far (all of them)."""
        from distributed import Client

        def cpu():
            import resource
            r = resource.getrusage(resource.RUSAGE_SELF)
            return r.ru_utime + r.ru_stime
        with Client(self.address, timeout=60) as client:
            return sum(client.run(cpu).values())

    def peak_rss_mb(self) -> dict[str, float]:
        from distributed import Client

        def peak():
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with Client(self.address, timeout=60) as client:
            by_addr = client.run(peak)
        names = {a: n for n, a in self.workers.items()}
        return {names.get(a, a): v for a, v in by_addr.items()}

    def close(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


CPU = {"last": 0.0}  # CPU seconds of the last ingest's client process


def _children_cpu() -> float:
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ingest(paths: list[str], db: str, *extra: str) -> tuple[float, str]:
    t, c = time.perf_counter(), _children_cpu()
    res = subprocess.run([str(BIN / "newsdesk"), "ingest", *paths, "--db", db, *extra],
                         capture_output=True, text=True)
    wall = time.perf_counter() - t
    CPU["last"] = _children_cpu() - c
    if res.returncode != 0:
        raise SystemExit(f"ingest failed ({res.returncode}): {res.stderr[-2000:]}")
    return wall, res.stdout.strip().splitlines()[-1]


def killed_run(paths, db, cluster: Cluster, victim: str) -> tuple[float, str, bool]:
    """The Dask run with ``victim`` killed (SIGKILL) once it is running a partition."""
    from distributed import Client
    out: dict = {}
    th = threading.Thread(target=lambda: out.update(r=ingest(paths, db, "--executor", "dask",
                                                            "--scheduler", cluster.address)))
    th.start()
    addr, killed = cluster.workers[victim], False
    with Client(cluster.address, timeout=60) as client:
        while th.is_alive() and not killed:
            busy = client.processing(workers=[addr]).get(addr, [])
            if any(str(k).startswith("partition-") for k in busy):
                cluster.procs[victim].send_signal(signal.SIGKILL)
                cluster.procs[victim].wait()
                killed = True
            time.sleep(0.05)
    th.join()
    return *out["r"], killed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2, help="single-threaded Dask workers (default: 2)")
    ap.add_argument("--no-kill", action="store_true", help="skip the kill -9 run and its rerun")
    ap.add_argument("--warm", action="store_true", help="also time a run on workers whose "
                                                        "pipelines are loaded already")
    ap.add_argument("--corpus", help="pages to ingest (default: shared/bench/aeb/html)")
    args = ap.parse_args(argv)
    shared = shared_dir()
    corpus = args.corpus or (str(shared / "bench" / "aeb" / "html") if shared else None)
    if not corpus or not os.path.exists(corpus):
        print("shared/ absent: dask bench skipped")
        return 0
    paths = [corpus]
    pages = sum(1 for _ in Path(corpus).rglob("*") if _.is_file()) if os.path.isdir(corpus) else 1
    tmp = tempfile.mkdtemp(prefix="newsdesk-dask-bench-")
    cluster = None
    try:
        db = {k: os.path.join(tmp, f"{k}.db") for k in ("local", "cold", "warm", "killed")}
        print(f"in process: {pages} pages ...", flush=True)
        t_local, line_local = ingest(paths, db["local"])
        cpu_local = CPU["last"]
        print(f"  {t_local:.1f} s  ({cpu_local:.1f} s CPU)  {line_local}", flush=True)
        cluster = Cluster(tmp, args.workers)
        dask_args = ("--executor", "dask", "--scheduler", cluster.address)
        print(f"dask, {args.workers} cold workers ...", flush=True)
        w0 = cluster.cpu_s()
        t_cold, line_cold = ingest(paths, db["cold"], *dask_args)
        cpu_client, cpu_workers = CPU["last"], cluster.cpu_s() - w0
        print(f"  {t_cold:.1f} s  (CPU: client {cpu_client:.1f} s, workers {cpu_workers:.1f} s)  "
              f"{line_cold}", flush=True)
        same_links = links(db["cold"]) == links(db["local"])
        t_warm = None
        if args.warm:
            print(f"dask, {args.workers} warm workers ...", flush=True)
            t_warm, line_warm = ingest(paths, db["warm"], *dask_args)
            print(f"  {t_warm:.1f} s  {line_warm}", flush=True)
        rss = cluster.peak_rss_mb()
        ref = dump(db["local"])
        same = {k: dump(db[k]) == ref for k in (("cold", "warm") if args.warm else ("cold",))}
        kill = None
        if not args.no_kill and args.workers >= 2:
            print(f"dask, kill -9 of {cluster.names[-1]} midway ...", flush=True)
            t_kill, line_kill, killed = killed_run(paths, db["killed"], cluster, cluster.names[-1])
            print(f"  {t_kill:.1f} s  {line_kill}  (killed: {killed})", flush=True)
            same_kill = dump(db["killed"]) == ref
            t_re, line_re = ingest(paths, db["killed"], *dask_args)
            print(f"rerun: {t_re:.1f} s  {line_re}", flush=True)
            kill = (t_kill, killed, same_kill, line_re, dump(db["killed"]) == ref)
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(tmp, ignore_errors=True)

    n = len(ref[0])
    print(f"\nAEB: {pages} pages, {n} articles, {len(ref[1])} errors; "
          f"{args.workers} single-thread Dask workers on 127.0.0.1, {os.cpu_count()} cores")
    print(f"{'run':<26}{'wall s':>8}{'pages/s':>9}{'ratio':>7}  same articles as in process")
    print(f"{'in process (anchor)':<26}{t_local:>8.1f}{pages / t_local:>9.2f}{1:>7.2f}  -")
    print(f"{'dask, cold workers':<26}{t_cold:>8.1f}{pages / t_cold:>9.2f}{t_cold / t_local:>7.2f}  {same['cold']}")
    print(f"CPU: in process {cpu_local:.1f} s; dask client {cpu_client:.1f} s + workers "
          f"{cpu_workers:.1f} s (ratio {(cpu_client + cpu_workers) / max(cpu_local, 1e-9):.2f}; "
          f"client alone {cpu_client / max(cpu_local, 1e-9):.2f}); "
          f"same links (families, stories) as in process: {same_links}")
    if t_warm is not None:
        print(f"{'dask, warm workers':<26}{t_warm:>8.1f}{pages / t_warm:>9.2f}{t_warm / t_local:>7.2f}  {same['warm']}")
    if kill:
        t_kill, killed, same_kill, line_re, same_re = kill
        print(f"{'dask, 1 worker kill -9':<26}{t_kill:>8.1f}{pages / t_kill:>9.2f}{t_kill / t_local:>7.2f}  "
              f"{same_kill} (killed midway: {killed})")
        print(f"rerun after it: {line_re}; store unchanged: {same_re}")
    print("peak memory per worker (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(rss.items())))
    return 0 if all(same.values()) and same_links and (kill is None or (kill[2] and kill[4])) else 1


if __name__ == "__main__":
    sys.exit(main())
