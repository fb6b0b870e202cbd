"""The polite fetcher and ``newsdesk watch`` against fixture sites served on loopback by the
tests themselves (tests/_site.py): nothing here reaches the internet."""
import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.sources.fetch import HTML_TYPES, Fetcher, FetchError, address_refusal

from _site import NewsSite

NEWSDESK = [sys.executable, "-m", "newsdesk"]


def run(coro):
    return asyncio.run(coro)


async def fetch(url, **kw):
    opts = {"delay": 0.0, "allow_private": True, "backoff": 0.1} | kw
    async with Fetcher(**opts) as f:
        return await f.get(url)


@pytest.fixture
def site():
    with NewsSite("127.0.0.1", "a") as s:
        yield s


@pytest.fixture
def site_b():
    with NewsSite("127.0.0.2", "b", crawl_delay=None, feeds=False) as s:
        yield s


# -- the fetcher -------------------------------------------------------------------------
def test_loopback_is_refused_without_a_request(site):
    with pytest.raises(FetchError) as err:
        run(fetch(site.base + "/news/a1", allow_private=False))
    assert "loopback" in err.value.reason and "--allow-private" in err.value.reason
    assert not err.value.sent and site.requests() == []


def test_redirect_to_a_private_address_is_checked_again(site_b):
    # The first host passes as public (a test policy); its redirect leads to 127.0.0.2.
    with NewsSite("127.0.0.1", "a", private_target=site_b.base + "/news/b1") as a:
        public_here = lambda ip: None if ip == "127.0.0.1" else address_refusal(ip)  # noqa: E731
        with pytest.raises(FetchError) as err:
            run(fetch(a.base + "/evil", allow_private=False, refuse=public_here))
        assert "127.0.0.2" in err.value.reason and "refused" in err.value.reason
        assert [r["path"] for r in a.requests()] == ["/robots.txt", "/evil"]
    assert site_b.requests() == []  # no request reached the private address


def test_connects_to_the_address_it_checked_with_the_name_as_host(site):
    names = {"news-a.test": ["127.0.0.1"]}
    resp = run(fetch(f"http://news-a.test:{site.port}/news/a1", allow_private=False,
                     resolve=lambda host: names[host], refuse=lambda ip: None))
    assert resp.status == 200 and b"Story a1" in resp.content
    page = site.requests()[-1]
    assert page["headers"]["host"] == f"news-a.test:{site.port}"
    assert page["headers"]["user-agent"].startswith("newsdesk/")


def test_retry_after_is_honoured(site):
    resp = run(fetch(site.base + "/flaky"))
    hits = [r for r in site.requests() if r["path"] == "/flaky"]
    assert resp.status == 200 and len(hits) == 2
    assert hits[1]["t"] - hits[0]["t"] >= 0.95  # Retry-After: 1


def test_size_cap_is_streamed_and_names_the_size(site):
    with pytest.raises(FetchError) as err:
        run(fetch(site.base + "/big", max_bytes=1_000_000))
    assert "too large" in err.value.reason and "1,000,000" in err.value.reason


def test_at_most_five_redirects(site):
    with pytest.raises(FetchError, match="more than 5 redirects"):
        run(fetch(site.base + "/loop/0"))
    assert len([r for r in site.requests() if r["path"].startswith("/loop/")]) == 6


def test_content_type_and_robots_are_checked(site):
    with pytest.raises(FetchError, match="unexpected content type text/plain"):
        run(fetch(site.base + "/robots.txt"))
    with pytest.raises(FetchError, match="robots.txt") as err:
        run(fetch(site.base + "/private/secret"))
    assert not err.value.sent
    assert all(not r["path"].startswith("/private/") for r in site.requests())


def test_timeouts_are_retried_then_reported(site):
    with pytest.raises(FetchError, match="ReadTimeout") as err:
        run(fetch(site.base + "/stall", read_timeout=0.3, retries=1))
    assert err.value.transient
    assert len([r for r in site.requests() if r["path"] == "/stall"]) == 2


def test_a_retry_after_too_long_is_not_waited_for(site):
    t = time.monotonic()
    with pytest.raises(FetchError, match="Retry-After 3600 s"):
        run(fetch(site.base + "/busy", max_wait=60))
    assert time.monotonic() - t < 10


def test_one_request_at_a_time_per_host_many_hosts_in_parallel(site_b):
    with NewsSite("127.0.0.1", "a", crawl_delay=None, slow=0.3) as a:
        async def both():
            async with Fetcher(delay=0.0, allow_private=True) as f:
                urls = [s.base + p for s in (a, site_b) for p in s.article_paths()[:3]]
                return await asyncio.gather(*(f.get(u) for u in urls))
        t = time.monotonic()
        site_b.slow = 0.3
        assert all(r.status == 200 for r in run(both()))
        took = time.monotonic() - t
        for s in (a, site_b):
            pages = [r["t"] for r in s.requests() if r["path"].startswith("/news/")]
            assert len(pages) == 3 and min(y - x for x, y in zip(pages, pages[1:])) >= 0.29  # serial per host
    assert took < 6 * 0.3  # the two hosts were fetched side by side


def test_conditional_get_answers_304(site):
    async def twice():
        async with Fetcher(delay=0.0, allow_private=True) as f:
            first = await f.get(site.base + "/feed.rss", accept=("xml",))
            again = await f.get(site.base + "/feed.rss", accept=("xml",), etag=first.headers["etag"])
            return first, again
    first, again = run(twice())
    assert first.status == 200 and again.not_modified and again.content == b""


# -- newsdesk watch ----------------------------------------------------------------------
def watch(db, *urls, extra=(), timeout=180):
    cmd = [*NEWSDESK, "watch", *urls, "--once", "--steps", "extract", "--delay", "0.05", "--db", str(db), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def stored_urls(db) -> list[str]:
    with sqlite3.connect(db) as c:
        return [u for (u,) in c.execute("SELECT url FROM articles")]


def test_watch_once_stores_every_article_once_politely(tmp_path, site, site_b):
    db = tmp_path / "w.db"
    r = watch(db, site.base + "/", site_b.base, extra=["--allow-private"])
    assert r.returncode == 0, r.stderr
    urls = stored_urls(db)
    # every article of the feeds and sitemaps, once, under its clean final URL
    assert sorted(urls) == sorted(site.expected_urls() | site_b.expected_urls())
    assert not any("utm_" in u or "#" in u for u in urls)
    seen = [r["path"] for r in site.requests()]
    assert not any(p.startswith("/private/") for p in seen)  # robots.txt obeyed
    assert seen[0] == "/robots.txt"
    # the crawl delay (0.3 s from robots.txt) between requests to site A
    times = [r["t"] for r in site.requests()]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.29
    # the oversized page left an error record naming the size
    with sqlite3.connect(db) as c:
        errors = c.execute("SELECT source, reason FROM errors").fetchall()
        by_state = dict(c.execute("SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
    assert [(s, "10,485,760" in why) for s, why in errors] == [(site.base + "/big", True)]
    assert by_state["blocked"] == 2 and by_state["failed"] == 1
    # the JSON Feed's date and author filled in what the undated page left out
    from newsdesk.store import open_store
    with open_store(str(db)) as store:
        last = [store.get(i) for i in store.list(limit=100) for i in [i["id"]]]
        undated = next(a for a in last if a.url == site.base + "/news/a7")
        assert undated.published.startswith("2024-05-09") and undated.byline == ["Dana Fixture"]
    assert "added 16" in r.stdout

    # A second pass: conditional requests only, no article page fetched.
    n = len(site.requests())
    r = watch(db, site.base + "/", site_b.base, extra=["--allow-private"])
    assert r.returncode == 0, r.stderr
    again = site.requests(n)
    assert again and not any(x["path"].startswith(("/news/", "/flaky", "/big")) for x in again)
    feeds = [x for x in again if x["path"] not in ("/robots.txt", "/")]
    assert feeds and all("if-none-match" in x["headers"] for x in feeds)
    assert sorted(stored_urls(db)) == sorted(urls)
    assert "unchanged" in r.stdout and "added 0" in r.stdout

    # The sources are in the store, with their health.
    r = subprocess.run([*NEWSDESK, "sources", "list", "--json", "--db", str(db)], capture_output=True, text=True)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    a = next(x for x in rows if x["url"] == site.base + "/")
    assert a["kind"] == "site" and a["healthy"] and a["articles"] == len(site.expected_urls())
    assert {k["kind"] for k in a["found"]} == {"feed", "sitemap"}


def test_watch_without_allow_private_sends_nothing_to_loopback(tmp_path, site):
    r = watch(tmp_path / "w.db", site.base + "/")
    assert r.returncode == 0
    assert site.requests() == []
    assert "loopback" in r.stderr and "errors 1" in r.stdout


def test_kill_9_mid_pass_then_rerun_loses_and_repeats_nothing(tmp_path):
    db = tmp_path / "w.db"
    with NewsSite("127.0.0.1", "k", crawl_delay=None, feeds=False, n_articles=12, slow=0.25) as site:
        cmd = [*NEWSDESK, "watch", site.base + "/", "--once", "--steps", "extract", "--delay", "0.05",
               "--allow-private", "--db", str(db)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        before: list[str] = []
        while time.monotonic() < deadline and len(before) < 3:
            time.sleep(0.1)
            try:
                before = stored_urls(db)
            except sqlite3.Error:
                before = []
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert 3 <= len(before) < 12, "the pass ended before it could be killed"
        killed_at = len(site.requests())
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stderr
        after = stored_urls(db)
        assert sorted(after) == sorted(site.expected_urls()) and len(after) == len(set(after))
        refetched = {site.base + x["path"] for x in site.requests(killed_at) if x["path"].startswith("/news/")}
        assert not refetched & set(before)  # what was stored is never fetched again


def test_sources_add_list_remove_and_api(tmp_path):
    db = str(tmp_path / "s.db")
    out = subprocess.run([*NEWSDESK, "sources", "add", "https://News.example/feed.xml?utm_source=x",
                          "--db", db], capture_output=True, text=True)
    assert out.returncode == 0 and "added: https://news.example/feed.xml" in out.stdout
    bad = subprocess.run([*NEWSDESK, "sources", "add", "file:///etc/passwd", "--db", db],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not an http" in bad.stderr
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    with TestClient(create_app(db)) as client:
        [src] = client.get("/api/sources").json()
        page = client.get("/").text
        script = client.get("/static/sources.js")
    assert src["url"] == "https://news.example/feed.xml" and not src["healthy"] and src["articles"] == 0
    assert 'id="sources-panel"' in page and script.status_code == 200 and "/api/sources" in script.text
    out = subprocess.run([*NEWSDESK, "sources", "remove", "https://news.example/feed.xml", "--db", db],
                         capture_output=True, text=True)
    assert out.returncode == 0
    listed = subprocess.run([*NEWSDESK, "sources", "list", "--db", db], capture_output=True, text=True)
    assert "news.example" not in listed.stdout


def test_progress_is_a_live_line_on_a_terminal_and_log_lines_otherwise(tmp_path):
    import fcntl
    import pty
    import struct
    import termios
    with NewsSite("127.0.0.1", "t", crawl_delay=None, feeds=False, n_articles=3) as site:
        args = [site.base + "/", "--once", "--allow-private", "--steps", "extract", "--delay", "0.05"]
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        proc = subprocess.Popen([*NEWSDESK, "watch", *args, "--db", str(tmp_path / "tty.db")],
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        out, _ = proc.communicate(timeout=120)
        os.close(master)
        tty = b"".join(chunks).decode("utf-8", "replace")
        assert "\r" in tty and "watch" in tty and "new 3" in tty  # the live line
        assert "added 3" in out.decode()
        plain = watch(tmp_path / "plain.db", *args[:1], extra=["--allow-private"])
        lines = plain.stderr.splitlines()
        assert "\r" not in plain.stderr and sum(" new http" in x for x in lines) == 3
        quiet = watch(tmp_path / "quiet.db", *args[:1], extra=["--allow-private", "--quiet"])
        assert quiet.stderr == "" and "added 3" in quiet.stdout


def test_robots_txt_is_read_once_per_host(site):
    async def many():
        async with Fetcher(delay=0.0, allow_private=True) as f:
            return await asyncio.gather(*(f.get(site.base + p) for p in site.article_paths()[:4]))
    run(many())
    assert [r["path"] for r in site.requests()].count("/robots.txt") == 1
