"""A fixture news site on loopback for the watcher's tests (test code only, never shipped).

``NewsSite(host)`` serves, from a thread: a homepage announcing RSS, Atom and JSON feeds;
robots.txt (a Disallow, a Crawl-delay, a Sitemap line); a sitemap index over a gzipped
Google News sitemap and a plain one; article pages; a redirect; a 503 with Retry-After; an
oversized page; a redirect to another (private) address. Feeds and sitemaps answer
conditional requests with 304. Every request is logged with its time and headers.
"""
from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("harbour council minister union strike talks village river bridge convoy election "
         "ceasefire drought grain port border court budget protest vote").split()


def article_html(n: int, title: str, dated: bool = True, canonical: str | None = None) -> str:
    """A plain article page; the text differs per ``n`` so every page is its own article."""
    paras = []
    for p in range(5):
        words = [WORDS[(n * 7 + p * 3 + i * i) % len(WORDS)] for i in range(18)]
        paras.append(f"<p>Reporters in district {n} said on day {p + 1} that the " + " ".join(words)
                     + f" issue number {n * 10 + p} was discussed at length by officials and residents.</p>")
    date = f'<meta property="article:published_time" content="2024-05-{n % 28 + 1:02d}T10:00:00Z">' if dated else ""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<!doctype html><html><head><title>{title}</title>{date}{canon}</head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{''.join(paras)}</article>"
            f"<footer>Fixture News</footer></body></html>")


class NewsSite:
    """One site. ``articles``: {path: (title, dated)}; the feeds and sitemaps list them."""

    def __init__(self, host: str = "127.0.0.1", name: str = "a", crawl_delay: float | None = 0.3,
                 feeds: bool = True, slow: float = 0.0, n_articles: int = 7, private_target: str | None = None):
        self.name, self.crawl_delay, self.feeds, self.slow = name, crawl_delay, feeds, slow
        self.private_target = private_target
        self.log: list[dict] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.n_articles = n_articles
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.server.daemon_threads = True
        self.host, self.port = self.server.server_address[:2]
        self.base = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # -- content -------------------------------------------------------------------
    def article_paths(self) -> list[str]:
        return [f"/news/{self.name}{i}" for i in range(1, self.n_articles + 1)]

    def expected_urls(self) -> set[str]:
        """Every article URL the watcher should store, in its clean final form."""
        urls = {self.base + p for p in self.article_paths()}
        if self.feeds:
            urls |= {self.base + "/news/moved", self.base + "/flaky"}
        return urls

    def routes(self) -> dict:
        b, name = self.base, self.name
        paths = self.article_paths()
        r = {}
        for i, p in enumerate(paths, 1):
            # The last article's page has no date: the feed or sitemap says it.
            r[p] = ("text/html", article_html(i + (100 if name == "b" else 0), f"Story {name}{i}",
                                              dated=i != len(paths)))
        robots = "User-agent: *\nDisallow: /private/\n"
        if self.crawl_delay is not None:
            robots += f"Crawl-delay: {self.crawl_delay}\n"
        if self.feeds:
            robots += f"Sitemap: {b}/sitemap_index.xml\n"
            r["/"] = ("text/html", f"""<!doctype html><html><head><title>Fixture {name}</title>
                <link rel="alternate" type="application/rss+xml" href="/feed.rss">
                <link rel="alternate" type="application/atom+xml" href="{b}/atom.xml">
                <link rel="alternate" type="application/feed+json" href="/feed.json">
                </head><body><p>Home</p></body></html>""")
            half = len(paths) // 2
            items = "".join(f"<item><title>Story {name}{i}</title><link>{b}{p}?utm_source=rss&amp;utm_medium=feed</link>"
                            f"<pubDate>Tue, 07 May 2024 0{i % 9}:00:00 GMT</pubDate></item>"
                            for i, p in enumerate(paths[:half], 1))
            items += (f"<item><title>Secret</title><link>{b}/private/secret</link></item>"
                      f"<item><title>Moved</title><link>{b}/old/moved</link></item>")
            r["/feed.rss"] = ("application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>'
                                                     f"<title>Fixture {name}</title>{items}</channel></rss>")
            entries = "".join(f'<entry><title>Story {name}{i}</title><link href="{b}{p}#top"/>'
                              f"<id>{b}{p}</id><updated>2024-05-08T10:00:00Z</updated></entry>"
                              for i, p in enumerate(paths[:half + 1], 1))
            r["/atom.xml"] = ("application/atom+xml", f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                                                      f"<title>Fixture {name}</title>{entries}</feed>")
            r["/feed.json"] = ("application/feed+json", json.dumps({
                "version": "https://jsonfeed.org/version/1.1", "title": f"Fixture {name}",
                "items": [{"id": paths[-1], "url": b + paths[-1], "title": f"Story {name}{len(paths)}",
                           "date_published": "2024-05-09T08:30:00Z",
                           "authors": [{"name": "Dana Fixture"}]}]}))
            r["/sitemap_index.xml"] = ("application/xml", f"""<?xml version="1.0"?>
                <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <sitemap><loc>{b}/sitemap-news.xml.gz</loc></sitemap>
                <sitemap><loc>{b}/sitemap-pages.xml</loc></sitemap></sitemapindex>""")
            news = "".join(f"""<url><loc>{b}{p}</loc><news:news><news:publication>
                <news:name>Fixture</news:name><news:language>en</news:language></news:publication>
                <news:publication_date>2024-05-10T09:00:00Z</news:publication_date>
                <news:title>Story {name}{i}</news:title></news:news></url>"""
                           for i, p in enumerate(paths, 1) if i > half)
            r["/sitemap-news.xml.gz"] = ("application/gzip", gzip.compress(
                (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                 f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}</urlset>').encode()))
            r["/sitemap-pages.xml"] = ("application/xml", f"""<?xml version="1.0"?>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <url><loc>{b}/flaky</loc><lastmod>2024-05-11</lastmod></url>
                <url><loc>{b}/big</loc><lastmod>2024-05-11</lastmod></url>
                <url><loc>{b}/private/also-secret</loc></url></urlset>""")
            r["/news/moved"] = ("text/html", article_html(50 + (100 if name == "b" else 0), f"Moved {name}"))
            r["/flaky"] = ("text/html", article_html(60 + (100 if name == "b" else 0), f"Flaky {name}"))
        else:
            robots += f"Sitemap: {b}/sitemap.xml\n"
            r["/"] = ("text/html", f"<html><head><title>Fixture {name}</title></head><body><p>Home</p></body></html>")
            r["/sitemap.xml"] = ("application/xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                                 'schemas/sitemap/0.9">' + "".join(f"<url><loc>{b}{p}</loc></url>" for p in paths)
                                 + "</urlset>")
        r["/robots.txt"] = ("text/plain", robots)
        return r

    # -- serving -------------------------------------------------------------------
    def requests(self, since: int = 0) -> list[dict]:
        with self.lock:
            return list(self.log[since:])

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.log.append({"t": time.monotonic(), "path": path, "raw": self.path,
                                     "headers": {k.lower(): v for k, v in self.headers.items()}})
                    site.hits[path] = n = site.hits.get(path, 0) + 1
                if site.slow and path.startswith("/news/"):
                    time.sleep(site.slow)
                if path == "/old/moved":
                    return self._send(301, {"Location": "/news/moved?utm_source=rss"}, b"")
                if path == "/flaky" and n == 1:
                    return self._send(503, {"Retry-After": "1"}, b"busy")
                if path == "/big":
                    return self._big()
                if path == "/stall":  # answers after the client's read timeout
                    time.sleep(1.5)
                    return self._send(200, {"Content-Type": "text/html"}, b"<p>late</p>")
                if path == "/busy":  # asks for a wait no watcher should sit through
                    return self._send(503, {"Retry-After": "3600"}, b"busy")
                if path.startswith("/loop/"):  # an endless chain of redirects
                    return self._send(302, {"Location": f"/loop/{int(path[6:] or 0) + 1}"}, b"")
                if path == "/evil" and site.private_target:
                    return self._send(302, {"Location": site.private_target}, b"")
                routes = site.routes()
                if path not in routes:
                    return self._send(404, {}, b"not found")
                ctype, body = routes[path]
                body = body.encode() if isinstance(body, str) else body
                etag = f'"{site.name}-{len(body)}"'
                if path != "/" and not path.startswith("/news/") and self.headers.get("If-None-Match") == etag:
                    return self._send(304, {"ETag": etag}, b"")
                return self._send(200, {"Content-Type": ctype, "ETag": etag}, body)

            def _send(self, status, headers, body):
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _big(self):
                # No Content-Length: the fetcher must count while streaming.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"padding " * 8000 + b"</p>"
                try:
                    self.wfile.write(b"<html><body>")
                    for _ in range(11 * 1024 * 1024 // len(chunk) + 2):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler
