"""Several writers on one store (issue 17, problems 1 and 6): schema creation by two processes
at once, short write transactions, concurrent ingests and API posts into one SQLite file, the
same under PostgreSQL, and idempotence at read time (stored pages skipped before extraction)."""
from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsdesk.model import Article, PageError, RawPage
from newsdesk.store import open_store
from newsdesk.store.sqlite import SCHEMA_VERSION

from test_store_contract import PG_CTL, PG_SKIP, pg_url, target  # noqa: F401  (fixtures)

if PG_CTL:
    from test_store_contract import pg_db, pg_proc  # noqa: F401

BIN = Path(sys.executable).parent / "newsdesk"

BODY = ("The harbour board met on {day} to discuss the new quay. Its chair, {name}, said the "
        "work would start in spring and cost {n} million crowns. Fishermen at the meeting asked "
        "for a second slipway; the board promised to study the request before the summer. ")


def art(i: int, tag: str = "a") -> Article:
    text = BODY.format(day="Monday", name=f"Chair {tag}{i}", n=i) * 2
    return Article(id=f"{tag}{i:05d}", text=text, title=f"Quay {tag}{i}", published="2024-05-06",
                   outlet="Harbour Times", url=f"https://harbour.example/{tag}/{i}",
                   source=f"{tag}{i}.html")


# -- schema creation ------------------------------------------------------------------

def _open_at(path: str, barrier, out) -> None:
    try:
        barrier.wait(10)
        s = open_store(path)
        s.add(art(os.getpid() % 100000, "p"))
        s.close()
        out.put("ok")
    except Exception as exc:  # reported to the parent
        out.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_create_a_new_store_at_once(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_ in range(4):
        path = str(tmp_path / f"new{round_}.db")
        n = 4
        barrier, out = ctx.Barrier(n), ctx.Queue()
        procs = [ctx.Process(target=_open_at, args=(path, barrier, out)) for _ in range(n)]
        for p in procs:
            p.start()
        results = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert results == ["ok"] * n, results
        s = open_store(path)
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s.counts()["articles"] == n
        s.close()


# -- short write transactions ---------------------------------------------------------

def test_processing_holds_no_write_lock(tmp_path):
    """While one writer is busy processing pages (a slow record stream), another connection
    writes at once: the ingest holds the write lock only while it writes a batch."""
    path = str(tmp_path / "nd.db")
    open_store(path).close()
    started = threading.Event()

    def slow_records():
        for i in range(6):
            yield art(i)
            started.set()
            time.sleep(0.5)  # "processing" the next page

    def ingest():
        with open_store(path) as s:
            list(s.add_many(slow_records()))

    t = threading.Thread(target=ingest)
    t.start()
    started.wait(10)
    time.sleep(0.3)
    with open_store(path) as other:
        other.conn.execute("PRAGMA busy_timeout = 1000")
        t0 = time.monotonic()
        assert other.add(art(1, "b")) == "added"
        waited = time.monotonic() - t0
    t.join(30)
    assert waited < 1.0
    with open_store(path) as s:
        assert s.counts()["articles"] == 7


def test_busy_writer_retries_instead_of_failing(tmp_path):
    """A batch meeting a locked database (another connection mid-write, past the busy
    timeout) backs off and retries; nothing is lost."""
    path = str(tmp_path / "nd.db")
    with open_store(path) as s:
        s.conn.execute("PRAGMA busy_timeout = 50")
        blocker = open_store(path)
        blocker.conn.execute("BEGIN IMMEDIATE")
        threading.Timer(0.8, blocker.conn.rollback).start()
        statuses = list(s.add_many([art(1), art(2)]))
        blocker.close()
        assert statuses == ["added", "added"]
        assert s.counts()["articles"] == 2


def test_interrupted_stream_commits_what_was_finished(tmp_path):
    path = str(tmp_path / "nd.db")

    def records():
        yield art(1)
        yield art(2)
        raise KeyboardInterrupt

    with open_store(path) as s:
        with pytest.raises(KeyboardInterrupt):
            list(s.add_many(records()))
    with open_store(path) as s:
        assert s.counts()["articles"] == 2


# -- whole ingests and the API on one file --------------------------------------------

def _pages(folder: Path, tag: str, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"{tag}{i:03d}.txt").write_text(
            f"{tag.upper()} report {i}\n\n" + BODY.format(day="Tuesday", name=f"{tag} {i}", n=i * 7) * 3,
            encoding="utf-8")
    return folder


def test_two_ingests_and_api_posts_share_one_sqlite_file(tmp_path):
    """Two `newsdesk ingest` runs started together on a new database, while the API posts
    pages into it: every page of each ends stored."""
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    db = str(tmp_path / "shared.db")
    a, b = _pages(tmp_path / "a", "alpha", 25), _pages(tmp_path / "b", "beta", 25)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    procs = [subprocess.Popen([str(BIN), "ingest", str(folder), "--db", db, "--steps", "extract",
                               "--input-format", "clean"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for folder in (a, b)]
    time.sleep(1.0)
    posted = 0
    with TestClient(create_app(db, token="t")) as client:
        for i in range(6):
            r = client.post("/api/pages?steps=extract", headers={"Authorization": "Bearer t"},
                            json={"text": BODY.format(day="Friday", name=f"api {i}", n=i) * 3,
                                  "format": "clean", "url": f"https://api.example/{i}"})
            assert r.status_code == 200, r.text
            posted += r.json()["added"]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "added 25" in out, out + err
    assert posted == 6
    with open_store(db) as s:
        assert s.counts()["articles"] == 56
        assert s.counts()["errors"] == 0


# -- idempotence at read time ---------------------------------------------------------

def test_rerun_skips_stored_pages_before_extraction(tmp_path, monkeypatch):
    import newsdesk
    from newsdesk import pipeline as pipeline_mod

    folder = _pages(tmp_path / "in", "page", 6)
    db = str(tmp_path / "nd.db")
    first = newsdesk.ingest([str(folder)], db=db, steps="extract", input_format="clean")
    assert (first.added, first.skipped, first.errors) == (6, 0, 0)
    seen = []
    real = pipeline_mod.Pipeline.extract

    def counting(self, page, profile=None):
        seen.append(page.source)
        return real(self, page, profile)

    monkeypatch.setattr(pipeline_mod.Pipeline, "extract", counting)
    (folder / "page900.txt").write_text("A new page.\n\n" + BODY.format(day="Sunday", name="new", n=9) * 3)
    again = newsdesk.ingest([str(folder)], db=db, steps="extract", input_format="clean")
    assert (again.added, again.skipped, again.errors) == (1, 6, 0)
    assert seen == [str(folder / "page900.txt")]  # the six stored pages were never extracted


def test_error_for_a_stored_page_is_never_added(target):
    """A page stored as an article that fails on a later run (the site template learned
    since ate it) adds no error record; an error is replaced when its page later succeeds.
    SQLite and PostgreSQL."""
    from newsdesk.resume import page_key

    page = RawPage(content="Some text " * 20, source="in.jsonl:3", format="clean", url="https://x.example/3")
    key = page_key(page)
    with open_store(target[1]) as s:
        err = PageError(source="in.jsonl:3", reason="no article text found", step="extract", id="abc")
        assert list(s.add_many([err], keys=[key])) == ["error"]
        assert s.counts()["errors"] == 1
        a = art(3)
        a.source = "in.jsonl:3"
        assert list(s.add_many([a], keys=[key])) == ["added"]
        assert s.counts()["errors"] == 0  # replaced by the article
        assert s.stored_pages([key, "other"]) == {key}
        assert list(s.add_many([err], keys=[key])) == ["skipped"]
        assert s.counts()["errors"] == 0


# -- PostgreSQL under concurrent writers -----------------------------------------------

def test_postgres_concurrent_writers_same_pages(request):
    if not PG_CTL:
        pytest.skip(PG_SKIP)
    url = pg_url(request.getfixturevalue("pg_db"))
    open_store(url).close()
    records = [art(i) for i in range(40)]
    failures = []

    def writer(order):
        try:
            with open_store(url) as s:
                list(s.add_many(order, commit_every=8))
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(records,)),
               threading.Thread(target=writer, args=(records[::-1],)),
               threading.Thread(target=writer, args=(records[10:] + records[:10],))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    with open_store(url) as s:
        assert s.counts()["articles"] == 40
