"""Sources: URL discovery, WARC reading speed, and extraction from a WARC.

1. Discovery: a generated multi-host news site served on loopback (each host announcing
   RSS, Atom and JSON feeds on its homepage and a sitemap index over a gzipped Google News
   sitemap and a plain one in robots.txt; some articles only in feeds, some only in
   sitemaps). Recall of its article URLs and wall time: newsdesk's watcher (discovery only,
   no article page fetched) beside trafilatura's ``feeds.find_feed_urls`` plus
   ``sitemaps.sitemap_search``, in the same run.
2. WARC reading: the AEB pages written into a WARC in a temporary directory (several
   copies, for timing); records/s of ``newsdesk.sources.read_pages`` beside warcio's
   ArchiveIterator alone reading the same payloads.
3. Extraction F1 of the AEB pages read from that WARC equals reading them as files.

    python bench/sources.py             # prints the figures
    run(shared_path) -> dict            # figures for bench/gate.py
"""
from __future__ import annotations

import gzip
import io
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
from _shared import shared_dir  # noqa: E402

# Names for the loopback servers (trafilatura takes no IP-address URL): this process
# resolves them itself (``_resolve_fixture_names``), for both systems alike.
HOSTS = {"news-one.example.com": "127.0.0.11", "news-two.example.com": "127.0.0.12",
         "news-three.example.org": "127.0.0.13", "news-four.example.net": "127.0.0.14"}
PER_HOST = 120
WARC_COPIES = 5


# -- 1. discovery ------------------------------------------------------------------------
def site_routes(base: str, n: int) -> dict[str, tuple[str, bytes]]:
    """One host: articles 0..n-1; a quarter only in the RSS feed, a quarter only in the
    news sitemap, the rest spread over Atom, JSON Feed and the plain sitemap."""
    arts = [f"{base}/{2024 + i % 2}/{i % 12 + 1:02d}/story-{i}" for i in range(n)]
    rss = [a for i, a in enumerate(arts) if i % 4 == 0]
    news = [a for i, a in enumerate(arts) if i % 4 == 1]
    atom = [a for i, a in enumerate(arts) if i % 4 == 2 and i % 8 != 6]
    jsonf = [a for i, a in enumerate(arts) if i % 8 == 6]
    plain = [a for i, a in enumerate(arts) if i % 4 == 3]
    r = {"/": ("text/html", """<html><head><title>Site</title>
        <link rel="alternate" type="application/rss+xml" href="/rss.xml">
        <link rel="alternate" type="application/atom+xml" href="/atom.xml">
        <link rel="alternate" type="application/feed+json" href="/feed.json"></head>
        <body><p>Front page</p></body></html>"""),
         "/robots.txt": ("text/plain", f"User-agent: *\nDisallow: /admin/\nSitemap: {base}/sitemap_index.xml\n"),
         "/rss.xml": ("application/rss+xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>'
                      + "".join(f"<item><title>T</title><link>{a}</link></item>" for a in rss) + "</channel></rss>"),
         "/atom.xml": ("application/atom+xml", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                       + "".join(f'<entry><title>T</title><id>{a}</id><link href="{a}"/></entry>' for a in atom)
                       + "</feed>"),
         "/feed.json": ("application/feed+json", json.dumps({"version": "https://jsonfeed.org/version/1.1",
                                                           "items": [{"id": a, "url": a} for a in jsonf]})),
         "/sitemap_index.xml": ("application/xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
                                f'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{base}/news.xml.gz</loc></sitemap>'
                                f"<sitemap><loc>{base}/pages.xml</loc></sitemap></sitemapindex>"),
         "/news.xml.gz": ("application/gzip", gzip.compress((
             '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
             + "".join(f"<url><loc>{a}</loc><news:news><news:publication_date>2024-05-01</news:publication_date>"
                       f"<news:title>T</news:title></news:news></url>" for a in news) + "</urlset>").encode())),
         "/pages.xml": ("application/xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                        'schemas/sitemap/0.9">' + "".join(f"<url><loc>{a}</loc><lastmod>2024-05-01</lastmod></url>"
                                                        for a in plain) + "</urlset>")}
    return {k: (t, v.encode() if isinstance(v, str) else v) for k, (t, v) in r.items()} | {"_articles": arts}


def _resolve_fixture_names():
    """Make socket.getaddrinfo answer the fixture names with their loopback addresses."""
    import socket
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kw):
        return real(HOSTS.get(host, host), *args, **kw)
    socket.getaddrinfo = getaddrinfo
    return lambda: setattr(socket, "getaddrinfo", real)


def serve(name: str, n: int):
    host = HOSTS[name]
    routes: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_HEAD(self):
            self.do_GET(head=True)

        def do_GET(self, head: bool = False):
            path = self.path.split("?", 1)[0]
            ctype, body = routes.get(path, ("text/html", None))
            if body is None:
                body = b"<html><body><p>article</p></body></html>" if path.count("/") >= 3 else None
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    base = f"http://{name}:{server.server_address[1]}"
    r = site_routes(base, n)
    articles = r.pop("_articles")
    routes.update(r)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base, articles


def discover_newsdesk(bases: list[str]) -> tuple[set[str], float]:
    """URLs the watcher files in a new store's frontier, and the time the pass took (making
    the empty store is setup, not discovery)."""
    from newsdesk.sources.watch import Watcher
    from newsdesk.store import open_store
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "d.db")) as store:
        w = Watcher(store, [b + "/" for b in bases], steps="extract", delay=0.0, allow_private=True)
        t0 = time.perf_counter()
        w.discover()
        took = time.perf_counter() - t0
        rows = store.conn.execute("SELECT url FROM frontier").fetchall()
    return {r[0] for r in rows}, took


def discover_trafilatura(bases: list[str]) -> tuple[set[str], float]:
    t0 = time.perf_counter()
    found = _trafilatura_urls(bases)
    return found, time.perf_counter() - t0


def _trafilatura_urls(bases: list[str]) -> set[str]:
    from trafilatura import feeds, sitemaps
    from trafilatura.settings import use_config
    config = use_config()
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"  # the fixture lives on loopback, as newsdesk's allow_private
    found: set[str] = set()
    for b in bases:
        found.update(feeds.find_feed_urls(b + "/", sleep_time=0, config=config))
        found.update(sitemaps.sitemap_search(b + "/", sleep_time=0, config=config))
    return found


def discovery() -> dict[str, float]:
    servers = [serve(h, PER_HOST) for h in HOSTS]
    restore = _resolve_fixture_names()
    try:
        bases = [b for _s, b, _a in servers]
        truth = {a for _s, _b, arts in servers for a in arts}
        out = {}
        systems = {"newsdesk": discover_newsdesk, "trafilatura": discover_trafilatura}
        for fn in systems.values():
            fn(bases[:1])  # warm-up: imports and first connections are not discovery
        runs = {name: [] for name in systems}
        for _ in range(3):  # alternated, best of three: the machine is shared
            for name, fn in systems.items():
                runs[name].append(fn(bases))
        for name, results in runs.items():
            found = results[0][0]
            out[f"{name}_recall"] = len(found & truth) / len(truth)
            out[f"{name}_s"] = min(t for _f, t in results)
            out[f"{name}_extra"] = len(found - truth)
        out["articles"] = len(truth)
        return out
    finally:
        restore()
        for s, _b, _a in servers:
            s.shutdown()
            s.server_close()


# -- 2 and 3. WARC -----------------------------------------------------------------------
def write_warc(path: Path, pages: list[tuple[str, str | None, bytes]], copies: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    n = 0
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=True)
        for c in range(copies):
            for pid, url, data in pages:
                uri = url or f"https://aeb.example/{pid}"
                if c:
                    uri += f"?copy={c}"
                req = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
                w.write_record(w.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=req))
                head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(data), http_headers=head))
                n += 2
    return n


def warc_speed(path: Path, records: int) -> dict[str, float]:
    from warcio.archiveiterator import ArchiveIterator

    from newsdesk.sources import read_pages
    times = {"newsdesk": [], "warcio": []}
    for _ in range(3):  # alternated, best of three: the machine is shared
        t0 = time.perf_counter()
        n_nd = sum(1 for _ in read_pages([str(path)]))
        times["newsdesk"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            n_w = sum(1 for rec in ArchiveIterator(fh) if rec.rec_type == "response" and rec.content_stream().read())
        times["warcio"].append(time.perf_counter() - t0)
    assert n_nd == n_w, (n_nd, n_w)
    nd, wa = records / min(times["newsdesk"]), records / min(times["warcio"])
    return {"warc_newsdesk_records_per_s": nd, "warc_warcio_records_per_s": wa, "warc_speed_ratio": nd / wa}


def warc_f1(shared: Path, tmp: Path) -> dict[str, float]:
    import extraction as aeb  # bench/extraction.py: the same metric
    from newsdesk.extract import extract
    from newsdesk.model import RawPage
    from newsdesk.sources import read_pages
    pages = aeb.load(shared)
    path = tmp / "aeb.warc.gz"
    write_warc(path, [(pid, url, data) for pid, url, data, _g in pages], copies=1)
    gold = {(url or f"https://aeb.example/{pid}"): g for pid, url, _d, g in pages}
    from newsdesk.sources.urls import normalise
    gold = {normalise(u) or u: g for u, g in gold.items()}

    def text(page):
        try:
            return extract(page).text
        except Exception:
            return ""
    from_files = [aeb.page_score(text(RawPage(content=d, format="html", url=u)), g) for _p, u, d, g in pages]
    from_warc = [aeb.page_score(text(p), gold[p.url]) for p in read_pages([str(path)])]
    f = aeb._figures(*zip(*from_files))["f1"]
    w = aeb._figures(*zip(*from_warc))["f1"]
    return {"warc_aeb_f1": w, "files_aeb_f1": f, "warc_f1_equal": float(abs(w - f) < 1e-12),
            "warc_pages": len(from_warc)}


def run(shared: Path | None = None) -> dict[str, float]:
    shared = shared or shared_dir()
    out = {f"sources_discovery_{k}": v for k, v in discovery().items()}
    if shared is not None and (shared / "bench" / "aeb").is_dir():
        import extraction as aeb
        pages = aeb.load(shared)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "speed.warc.gz"
            records = write_warc(path, [(p, u, d) for p, u, d, _g in pages], WARC_COPIES)
            out |= {f"sources_{k}": v for k, v in warc_speed(path, records).items()}
            out |= {f"sources_{k}": v for k, v in warc_f1(shared, Path(tmp)).items()}
    return out


def main() -> None:
    figures = run()
    d = {k.removeprefix("sources_"): v for k, v in figures.items()}
    print(f"URL discovery on a generated site: {len(HOSTS)} hosts, {int(d['discovery_articles'])} article URLs")
    print(f"  {'system':<34}{'recall':>8}{'time s':>9}{'extra':>7}")
    for name, label in (("newsdesk", "newsdesk watch (discovery only)"),
                        ("trafilatura", "trafilatura feeds + sitemaps")):
        print(f"  {label:<34}{d[f'discovery_{name}_recall']:>8.3f}{d[f'discovery_{name}_s']:>9.2f}"
              f"{int(d[f'discovery_{name}_extra']):>7}")
    if "warc_speed_ratio" in d:
        print(f"\nWARC reading (AEB pages x{WARC_COPIES}, requests and responses), records/s:")
        print(f"  newsdesk read_pages {d['warc_newsdesk_records_per_s']:>10,.0f}")
        print(f"  warcio alone        {d['warc_warcio_records_per_s']:>10,.0f}")
        print(f"  ratio               {d['warc_speed_ratio']:>10.2f}")
        print(f"\nAEB extraction F1: from a WARC {d['warc_aeb_f1']:.4f}, from the files {d['files_aeb_f1']:.4f} "
              f"({int(d['warc_pages'])} pages; equal: {bool(d['warc_f1_equal'])})")
    else:
        print("\n../shared/bench/aeb absent: WARC figures skipped")


if __name__ == "__main__":
    main()
