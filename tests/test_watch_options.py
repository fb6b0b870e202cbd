"""Watcher options in process: --since, --max-pages, backing off a failing source."""
from newsdesk.sources.watch import Watcher
from newsdesk.store import open_store

from _site import NewsSite


def watcher(store, urls, **kw):
    return Watcher(store, urls, steps="extract", delay=0.0, allow_private=True, backoff=0.05, **kw)


def test_since_skips_links_dated_before(tmp_path):
    with NewsSite("127.0.0.1", "s", crawl_delay=None) as site, open_store(str(tmp_path / "w.db")) as store:
        report = watcher(store, [site.base + "/"], since="2024-05-10").run_once()
        urls = {r["url"] for r in store.list(limit=100)}
    # a1-a3 are dated 2024-05-07/08 by the RSS and Atom feeds only; a4-a7 are in the news
    # sitemap dated 2024-05-10; undated links (the moved page) are kept
    assert not {site.base + f"/news/s{i}" for i in (1, 2, 3)} & urls
    assert {site.base + f"/news/s{i}" for i in (4, 5, 6, 7)} <= urls
    assert site.base + "/news/moved" in urls and report.added == len(urls)


def test_max_pages_caps_a_pass_and_the_next_goes_on(tmp_path):
    with NewsSite("127.0.0.1", "m", crawl_delay=None, feeds=False) as site, \
            open_store(str(tmp_path / "w.db")) as store:
        w = watcher(store, [site.base + "/"], max_pages=3)
        first = w.run_once()
        second = w.run_once()
        third = w.run_once()
        urls = [r["url"] for r in store.list(limit=100)]
    assert (first.fetched, second.fetched, third.fetched) == (3, 3, 1)
    assert sorted(urls) == sorted(site.expected_urls())


def test_a_failing_source_backs_off_in_the_repeating_watch(tmp_path):
    with NewsSite("127.0.0.1", "f", crawl_delay=None) as site, open_store(str(tmp_path / "w.db")) as store:
        w = watcher(store, [site.base + "/missing-feed.xml"])
        first = w.run_once(respect_backoff=True)
        again = w.run_once(respect_backoff=True)
        once = w.run_once()  # --once visits every source, backing off or not
        [health] = w.book.health()
    assert first.errors == 1 and "HTTP 404" in health["last_error"]
    assert again.waiting == 1 and again.requests == 0
    assert once.sources == 1 and health["errors"] == 2 and not health["healthy"]
