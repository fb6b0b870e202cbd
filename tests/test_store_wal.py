"""SQLite store: the write-ahead log is copied back by the store's checkpoint thread, not
in the writers' commits (store.wal)."""
import os
import sqlite3
import threading
import time

from newsdesk.store import open_store
from newsdesk.store import wal
from newsdesk.store.wal import BOUND_PAGES
from test_store import article


def _threads() -> int:
    return sum(t.name == "newsdesk-wal-checkpoint" for t in threading.enumerate())


def test_commits_leave_the_log_to_the_checkpoint_thread(tmp_path, monkeypatch):
    db = tmp_path / "nd.db"
    before = _threads()
    monkeypatch.setattr(wal, "INTERVAL", 3600.0)   # the thread held off: the commits alone
    store = open_store(str(db))
    try:
        assert _threads() == before + 1
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BOUND_PAGES
        size0 = os.path.getsize(db)
        list(store.add_many(article(i, text=" ".join(f"w{i}x{j}" for j in range(500)))
                            for i in range(1, 301)))
        log = os.path.getsize(f"{db}-wal")
        # over 1,000 log pages, past SQLite's default threshold (1,000): a writer's own
        # checkpoint would have copied them into the file
        assert log > 1000 * 4096
        assert os.path.getsize(db) == size0
    finally:
        store.close()
    assert _threads() == before
    # the last connection to close copied the log back and removed it
    assert not os.path.exists(f"{db}-wal")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 300


def test_the_thread_copies_the_log_into_the_file(tmp_path):
    db = tmp_path / "nd.db"
    store = open_store(str(db))
    try:
        size0 = os.path.getsize(db)
        list(store.add_many(article(i) for i in range(1, 51)))
        deadline = time.monotonic() + 10
        while os.path.getsize(db) == size0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.getsize(db) > size0
        # readers on other connections see every row meanwhile
        with sqlite3.connect(db) as other:
            assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 50
    finally:
        store.close()


def test_a_store_in_memory_has_no_thread():
    before = _threads()
    store = open_store(":memory:")
    try:
        assert _threads() == before
    finally:
        store.close()


def _child_writes(path: str, out) -> None:
    try:
        s = open_store(path)
        s.add(article(os.getpid() % 10000))
        s.close()
        out.put("ok")
    except Exception as exc:  # reported to the parent
        out.put(f"{type(exc).__name__}: {exc}")


def test_a_fork_waits_for_the_checkpoint_under_way(tmp_path, monkeypatch):
    """A child forked while the thread is inside SQLite would inherit its locks held and
    hang opening a store of its own; with the thread checkpointing all the time, children
    made by fork all finish."""
    import multiprocessing
    monkeypatch.setattr(wal, "INTERVAL", 0.0)
    store = open_store(str(tmp_path / "busy.db"))
    try:
        list(store.add_many(article(i) for i in range(1, 21)))
        ctx = multiprocessing.get_context("fork")
        out = ctx.Queue()
        for k in range(30):
            p = ctx.Process(target=_child_writes, args=(str(tmp_path / f"child{k}.db"), out))
            p.start()
            p.join(30)
            hung = p.is_alive()
            if hung:
                p.kill()
            assert not hung, f"child {k} hung"
            assert out.get(timeout=5) == "ok"
    finally:
        store.close()


def test_stores_on_one_file_share_one_thread(tmp_path):
    before = _threads()
    a = open_store(str(tmp_path / "nd.db"))
    b = open_store(f"sqlite:///{tmp_path}/./nd.db")   # the same file by another name
    other = open_store(str(tmp_path / "other.db"))
    try:
        assert a._checkpointer is b._checkpointer is not other._checkpointer
        assert _threads() == before + 2
        a.close()
        assert _threads() == before + 2   # b still writes to it
        b.add(article(1))
    finally:
        b.close()
        other.close()
    assert _threads() == before
