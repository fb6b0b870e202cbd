"""Worker processes never outlive their ingest, and Ctrl-C keeps finished work (issue 17,
problem 5). Real processes: `newsdesk ingest --workers 2` killed with SIGKILL or SIGINT."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "newsdesk"
PARA = ("The harbour board met on Monday to discuss the new quay, page {i}. Its chair said the "
        "work would start in spring and cost {i} million crowns, and fishermen asked for a slipway.")

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        html = ("<!DOCTYPE html><html><head><title>Quay {i}</title></head><body><article>"
                + "".join(f"<p>{PARA.format(i=i * 10 + k)}</p>" for k in range(6))
                + "</article></body></html>").format(i=i)
        (folder / f"p{i:05d}.html").write_text(html, encoding="utf-8")
    return folder


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in out:
                out.add(child)
                todo.append(child)
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            st = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        if st.rsplit(")", 1)[1].split()[0] != "Z":
            alive.add(p)
    return alive


def _start(tmp_path, n):
    folder = _corpus(tmp_path / "in", n)
    db = tmp_path / "nd.db"
    proc = subprocess.Popen([str(BIN), "ingest", str(folder), "--db", str(db), "--workers", "2",
                             "--steps", "extract", "--no-templates"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_ctrl_c)
    return proc, db


def _default_ctrl_c():
    # A test run started in the background (`cmd &`, nohup) ignores SIGINT, and a child
    # inherits that: the ingest would never see the Ctrl-C these tests send it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(cond, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def test_kill_9_of_a_multi_worker_ingest_leaves_no_process(tmp_path):
    proc, _db = _start(tmp_path, 1500)
    try:
        assert _wait_for(lambda: len(_children(proc.pid)) >= 3, 120), "workers never started"
        kids = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert _wait_for(lambda: not _alive(kids), 15), f"left behind: {_alive(kids)}"
    finally:
        for p in _alive(_children(proc.pid)):
            os.kill(p, signal.SIGKILL)


def _articles(db) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _blocks_ctrl_c(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


def test_ctrl_c_commits_finished_work_and_stops(tmp_path):
    proc, db = _start(tmp_path, 1500)
    try:
        assert _wait_for(lambda: _articles(db) > 0, 180), "nothing stored"
        kids = _children(proc.pid)
        # the workers are spawned with Ctrl-C blocked (one still starting up printed a
        # traceback): the parent stops them
        workers = [k for k in kids if "spawn_main" in _cmdline(k)]
        assert workers and all(_blocks_ctrl_c(k) for k in workers), workers
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        stored = _articles(db)
        assert 0 < stored < 1500
        assert _wait_for(lambda: not _alive(kids), 15), f"left behind: {_alive(kids)}"
    finally:
        if proc.poll() is None:
            proc.kill()
