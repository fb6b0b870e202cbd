"""``newsdesk watch``: follow sites, feeds and sitemaps, storing each new article once.

A pass visits every watched source (conditionally: ETag, Last-Modified), files the article
URLs it lists in the store's frontier, then fetches the queued URLs politely (sources.fetch),
extracts and annotates them (the Pipeline) and stores each article in the same transaction
as its frontier row. A pass stopped at any moment (kill -9) loses nothing stored, and the
next pass starts from the frontier: stored URLs are never fetched again.
"""
from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import Article, PageError, RawPage
from .feeds import discover_feeds, looks_like_feed, parse_feed
from .fetch import FEED_TYPES, HTML_TYPES, USER_AGENT, Fetcher, FetchError
from .sitemaps import looks_like_sitemap, parse_sitemap
from .urls import Link, host_of, normalise, origin, resolve

__all__ = ["Watcher", "WatchReport", "parse_interval", "canonical_url"]


def _now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_interval(value: str) -> float:
    """"15m", "90s", "2h", "1d" or plain seconds -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value).lower())
    if not m:
        raise ValueError(f"not a duration: {value!r} (e.g. 15m, 90s, 2h)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


_CANONICAL = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>", re.I)
_HREF = re.compile(rb"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)


def canonical_url(html: bytes, page_url: str) -> str | None:
    """The page's ``<link rel="canonical">``, if it names a page on the same host."""
    m = _CANONICAL.search(html[:200_000])
    if not m:
        return None
    h = _HREF.search(m.group(0))
    if not h:
        return None
    href = next(g for g in h.groups() if g is not None).decode("utf-8", "replace")
    url = resolve(page_url, href)
    # Another host's "canonical" is a syndication claim, not this page's address.
    return url if url and host_of(url) == host_of(page_url) else None


@dataclass
class WatchReport:
    """What one pass did. ``requests``: HTTP requests sent; ``not_modified``: sources that
    answered 304; ``fetched``: article pages fetched."""

    sources: int = 0
    not_modified: int = 0
    requests: int = 0
    found: int = 0           # new article URLs filed in the frontier
    queued: int = 0          # waiting in the frontier when the fetching started
    fetched: int = 0
    added: int = 0
    skipped: int = 0         # the page's article was stored already (another URL of it)
    blocked: int = 0         # robots.txt said no
    waiting: int = 0         # sources left out while they back off after errors
    errors: int = 0
    error_messages: list[str] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        waiting = f", {self.waiting} backing off" if self.waiting else ""
        return (f"sources {self.sources} ({self.not_modified} unchanged{waiting}), new URLs {self.found}, "
                f"fetched {self.fetched}, added {self.added}, skipped {self.skipped}, "
                f"blocked {self.blocked}, errors {self.errors}, requests {self.requests}")


class Watcher:
    """Watch ``urls`` (added to the store's sources) and the sources stored before.

    ``on_progress(report, event)`` is called as things happen (event: a short message or
    None for a counter change). Fetcher options (``delay``, ``allow_private``, ``resolve``,
    ``refuse``, ``max_bytes``, ...) go to sources.fetch.Fetcher.
    """

    def __init__(self, store, urls: Iterable[str] = (), steps=None, max_pages: int | None = None,
                 since: str | None = None, interval: float = 900.0, batch_size: int = 8,
                 templates: bool = True,
                 on_progress: Callable[[WatchReport, str | None], None] | None = None, **fetch_options):
        from ..store.sources import SourceBook
        self.store = store
        self.book = SourceBook(store)
        self.max_pages = max_pages
        self.since = since
        self.interval = interval
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.fetch_options = {"user_agent": USER_AGENT, **fetch_options}
        self.steps = steps
        self.templates = templates
        self._pipeline = None
        bad = [u for u in urls if normalise(u) is None]
        if bad:
            raise ValueError(f"not an http or https URL: {bad[0]}")
        for url in urls:
            self.book.add_source(normalise(url))
        self.book.commit()

    @property
    def pipeline(self):
        """Made on first use: discovery alone loads no model."""
        if self._pipeline is None:
            from ..extract.templates import TemplateBook
            from ..pipeline import STEPS, Pipeline
            # Site templates as ingest learns them: each host's recurring lines, stored.
            book = TemplateBook.from_dicts(self.store.templates()) if self.templates else None
            self._pipeline = Pipeline(self.steps or STEPS, batch_size=self.batch_size, templates=book)
        return self._pipeline

    # -- running -------------------------------------------------------------------
    def run_once(self, respect_backoff: bool = False) -> WatchReport:
        """One pass over every source. ``respect_backoff``: a source that failed last time is
        left out until its backoff is over (the repeating watch does this)."""
        return asyncio.run(self._pass(respect_backoff=respect_backoff))

    def discover(self) -> WatchReport:
        """Visit the sources and file their article URLs, fetching no article page."""
        return asyncio.run(self._pass(fetch_articles=False))

    def run_forever(self, passes: int | None = None) -> None:
        """A pass every ``interval`` seconds (measured from each pass's start)."""
        n = 0
        while passes is None or n < passes:
            start = time.monotonic()
            self.run_once(respect_backoff=True)
            n += 1
            if passes is None or n < passes:
                time.sleep(max(0.0, self.interval - (time.monotonic() - start)))

    def _tell(self, report: WatchReport, event: str | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(report, event)

    async def _pass(self, fetch_articles: bool = True, respect_backoff: bool = False) -> WatchReport:
        report = WatchReport()
        self._respect_backoff = respect_backoff

        def counted(method, url, status):
            report.requests += 1
            self._tell(report)

        async with Fetcher(on_request=counted, **self.fetch_options) as fetcher:
            visited: set[str] = set()
            await asyncio.gather(*(self._visit(fetcher, row["url"], report, visited)
                                   for row in self.book.watched()))
            self.book.commit()
            if fetch_articles:
                await self._fetch_articles(fetcher, report)
        self._tell(report, f"pass done: {report}")
        return report

    # -- sources -------------------------------------------------------------------
    async def _visit(self, fetcher: Fetcher, url: str, report: WatchReport, visited: set[str]) -> None:
        """Fetch one source conditionally, file what it lists, then visit what was found under it."""
        if url in visited:
            return
        visited.add(url)
        row = self.book.source(url) or {}
        if getattr(self, "_respect_backoff", False) and row.get("errors") and (row.get("next_due") or "") > _now():
            report.waiting += 1  # failed last time: left alone until its backoff is over
            return
        report.sources += 1
        try:
            resp = await fetcher.get(url, accept=FEED_TYPES + HTML_TYPES, etag=row.get("etag"),
                                     last_modified=row.get("last_modified"))
        except FetchError as exc:
            self.book.failed(url, exc.reason, exc.status, self.interval)
            self.book.commit()
            report.errors += 1
            report.error_messages.append(f"{url}: {exc.reason}")
            self._tell(report, f"source {url}: {exc.reason}")
            return
        if resp.not_modified:
            report.not_modified += 1
            self.book.fetched(url, 304, interval=self.interval)
        else:
            kind = await self._read_source(fetcher, url, resp, report)
            self.book.set_kind(url, kind)
            self.book.fetched(url, resp.status, resp.headers.get("etag"),
                              resp.headers.get("last-modified"), self.interval)
        self.book.commit()
        self._tell(report)
        await asyncio.gather(*(self._visit(fetcher, kid["url"], report, visited)
                               for kid in self.book.children(url)))

    async def _read_source(self, fetcher: Fetcher, url: str, resp, report: WatchReport) -> str:
        data = resp.content
        if looks_like_feed(data):
            self._file(parse_feed(data, resp.url), url, report)
            return "feed"
        if resp.content_type not in HTML_TYPES and looks_like_sitemap(data):
            try:
                sitemap = parse_sitemap(data, resp.url)
            except ValueError as exc:  # over the size a sitemap may have
                report.errors += 1
                report.error_messages.append(f"{url}: {exc}")
                return "sitemap"
            self._file(sitemap.links, url, report)
            for child in sitemap.sitemaps:
                self.book.add_source(child, "sitemap", parent=url)
            return "sitemap"
        # A homepage: the feeds it announces and the sitemaps its robots.txt names.
        for feed in discover_feeds(data, resp.url):
            self.book.add_source(feed, "feed", parent=url)
        robots = await fetcher.robots(resp.url)
        for sm in robots.sitemaps():
            sm = normalise(sm)
            if sm:
                self.book.add_source(sm, "sitemap", parent=url)
        return "site"

    def _file(self, links: list[Link], source: str, report: WatchReport) -> None:
        for link in links:
            when = link.published or link.lastmod
            if self.since and when and when[:10] < self.since[:10]:
                continue
            if self.book.enqueue(link.url, source, link.hints()):
                report.found += 1

    # -- articles ------------------------------------------------------------------
    async def _fetch_articles(self, fetcher: Fetcher, report: WatchReport) -> None:
        rows = self.book.queued(self.max_pages)
        self.book.commit()  # ends the read (PostgreSQL): the writer thread takes over
        report.queued = len(rows)
        self._tell(report)
        by_site: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_site[origin(row["url"])].append(row)
        queue: asyncio.Queue = asyncio.Queue(maxsize=4 * self.batch_size)

        async def fetch_site(site_rows):
            for row in site_rows:
                await queue.put(await self._fetch_page(fetcher, row, report))

        async def consume():
            while True:
                item = await queue.get()
                if item is None:
                    return
                batch = [item]
                while len(batch) < self.batch_size and not queue.empty():
                    nxt = queue.get_nowait()
                    if nxt is None:
                        await asyncio.to_thread(self._store_batch, batch, report)
                        return
                    batch.append(nxt)
                await asyncio.to_thread(self._store_batch, batch, report)

        consumer = asyncio.create_task(consume())
        try:
            await asyncio.gather(*(fetch_site(r) for r in by_site.values()))
            await queue.put(None)
            await consumer
        finally:
            if not consumer.done():
                consumer.cancel()

    async def _fetch_page(self, fetcher: Fetcher, row: dict, report: WatchReport):
        url = row["url"]
        try:
            resp = await fetcher.get(url, accept=HTML_TYPES)
        except FetchError as exc:
            if not exc.sent and "robots.txt" in exc.reason:
                return ("blocked", row, exc.reason)
            if exc.transient:
                return ("retry", row, exc.reason)
            return ("error", row, PageError(source=url, reason=exc.reason, step="fetch", url=url))
        report.fetched += 1
        self._tell(report)
        final = resp.url
        canonical = canonical_url(resp.content, final)
        page = RawPage(content=resp.content, source=url, format="html", url=canonical or final,
                       hints=row["hints"] or None, fetched=resp.fetched)
        also = [u for u in {final, canonical, *resp.redirects} if u and u != url]
        return ("page", row, page, also)

    def _store_batch(self, batch: list[tuple], report: WatchReport) -> None:
        """Extract, annotate and store a batch; each article commits with its frontier row."""
        pages = [item[2] for item in batch if item[0] == "page"]
        results = iter(self.pipeline.process(pages))
        for item in batch:
            kind, row = item[0], item[1]
            url = row["url"]
            if kind == "blocked":
                self.book.settle(url, "blocked", reason=item[2])
                report.blocked += 1
            elif kind == "retry":
                self.book.retry_later(url, item[2])
                report.errors += 1
                report.error_messages.append(f"{url}: {item[2]}")
                self._tell(report, f"error {url}: {item[2]} (will retry)")
            elif kind == "error":
                self.store.add(item[2], commit=False)
                self.book.settle(url, "failed", reason=item[2].reason)
                report.errors += 1
                report.error_messages.append(f"{url}: {item[2].reason}")
                self._tell(report, f"error {url}: {item[2].reason}")
            else:
                rec = next(results)
                status = self.store.add(rec, commit=False)
                if isinstance(rec, Article):
                    self.book.settle(url, "stored", final_url=rec.url, article_id=rec.id)
                    for other in item[3]:
                        self.book.also_stored(other, row["source"], rec.id)
                    report.added += status == "added"
                    report.skipped += status == "skipped"
                    if status == "added":
                        self._tell(report, f"new {rec.url}  {rec.title or ''}".rstrip())
                else:
                    self.book.settle(url, "failed", final_url=item[2].url, reason=rec.reason)
                    report.errors += 1
                    report.error_messages.append(f"{url}: {rec.reason}")
                    self._tell(report, f"error {url}: {rec.reason}")
            self.book.commit()
            self._tell(report)
        book = self.pipeline.templates
        if book is not None and book.changed:
            self.store.save_templates(book.to_dicts(book.changed))
            book.changed.clear()
