"""Checkpoints of a SQLite store's write-ahead log, off the writers' path.

SQLite copies the log back into the database file (a checkpoint) in the commit that finds
the log past ``wal_autocheckpoint`` pages, and that commit waits for the copy and its two
fsyncs. ``Checkpointer`` does the copy from a thread with a connection of its own, as
SQLite's documentation suggests for applications that must not stall a writer: every
``INTERVAL`` seconds a PASSIVE checkpoint (it takes no lock a reader or the writer
waits on; one with nothing new to copy returns at once). The writer's own automatic
checkpoint stays as a bound, raised to ``BOUND_PAGES``, for a log this thread falls far
behind on (a bulk load). A process forking waits for a checkpoint under way: a child
made while a thread is inside SQLite would inherit its locks held, and hang on them.
"""
from __future__ import annotations

import os
import sqlite3
import threading

BOUND_PAGES = 16384        # the writer's own checkpoint past 64 MiB of log (4 KiB pages)
LOG_LIMIT = 64 * 2**20     # bytes a log file is cut back to when it restarts
INTERVAL = 0.5             # seconds between checkpoints

# held by a checkpoint in SQLite, and by a fork from before to after (both sides)
_IN_SQLITE = threading.Lock()
_SHARED: dict[str, list] = {}   # database file -> [its Checkpointer, stores using it]
_SHARED_LOCK = threading.Lock()


def _forked() -> None:
    """In a child: the parent's threads are not there; its stores start their own."""
    global _SHARED_LOCK
    _IN_SQLITE.release()
    _SHARED.clear()
    _SHARED_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_IN_SQLITE.acquire, after_in_parent=_IN_SQLITE.release,
                        after_in_child=_forked)


def attach(conn: sqlite3.Connection, path: str) -> "Checkpointer":
    """The process's checkpointer of the database at ``path`` (one thread however many
    stores are open on it: an API server keeps one per worker thread), ``conn`` set up
    to leave it the checkpoints. ``detach`` when the store closes."""
    conn.execute(f"PRAGMA wal_autocheckpoint = {BOUND_PAGES}")
    conn.execute(f"PRAGMA journal_size_limit = {LOG_LIMIT}")
    key = os.path.realpath(path)
    with _SHARED_LOCK:
        entry = _SHARED.get(key)
        if entry is None:
            entry = _SHARED[key] = [Checkpointer(key), 0]
        entry[1] += 1
        return entry[0]


def detach(cp: "Checkpointer") -> None:
    """A store on ``cp``'s database closes; the last one stops the thread."""
    with _SHARED_LOCK:
        entry = _SHARED.get(cp.path)
        if entry is None or entry[0] is not cp:   # made before a fork: no thread here
            return
        entry[1] -= 1
        if entry[1]:
            return
        del _SHARED[cp.path]
    cp.stop()


class Checkpointer:
    """A daemon thread checkpointing the WAL of the database at ``path``; ``stop()`` ends
    it (its connection closed). Stores get theirs from ``attach``."""

    def __init__(self, path: str):
        self.path = path
        self.interval = INTERVAL
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="newsdesk-wal-checkpoint")
        self._thread.start()

    def _run(self) -> None:
        with _IN_SQLITE:
            conn = sqlite3.connect(self.path, timeout=1.0)
        try:
            while not self._stop.wait(self.interval):
                self.checkpoint(conn)
            self.checkpoint(conn)   # what the last commits wrote
        finally:
            with _IN_SQLITE:
                conn.close()

    @staticmethod
    def checkpoint(conn: sqlite3.Connection) -> None:
        with _IN_SQLITE:
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:   # another checkpoint holds the lock, the file went: next time
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
