"""Web archives: a WARC (or ARC) file read through read_pages gives the same articles as the
same pages given as files; other records are skipped and counted, not errors."""
import gzip
import io
import logging
from collections import Counter
from pathlib import Path

import pytest

from newsdesk.model import PageError, RawPage
from newsdesk.sources import read_pages
from newsdesk.sources.warc import read_warc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "html"


def html_pages() -> list[tuple[str, bytes]]:
    out = []
    for f in sorted(EXAMPLES.iterdir()):
        data = f.read_bytes()
        out.append((f.name, gzip.decompress(data) if f.suffix == ".gz" else data))
    return out


def write_warc(path: Path, pages, gz: bool = True, extras: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "newsdesk tests"}))
        for name, data in pages:
            url = f"https://archive.example/{name.split('.')[0]}"
            if extras:
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "archive.example")], is_http_request=True)
                w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=head))
        if extras:
            for status, ctype in (("404 Not Found", "text/html"), ("200 OK", "image/png")):
                head = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record("https://archive.example/x", "response",
                                                    payload=io.BytesIO(b"\x89PNG"), http_headers=head))
            w.write_record(w.create_warc_record("https://archive.example/m", "metadata",
                                                payload=io.BytesIO(b"k: v"), warc_content_type="text/plain"))


@pytest.mark.parametrize("gz", [True, False])
def test_warc_records_become_pages_and_others_are_counted(tmp_path, gz):
    pages = html_pages()
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, pages, gz=gz)
    counts = Counter()
    with open(path, "rb") as fh:
        got = list(read_warc(fh, str(path), 16 * 1024 * 1024, counts))
    assert all(isinstance(p, RawPage) for p in got) and len(got) == len(pages)
    assert [p.content for p in got] == [d for _, d in pages]
    assert got[0].url.startswith("https://archive.example/") and got[0].fetched
    assert counts == Counter(page=len(pages), request=len(pages), warcinfo=1, metadata=1,
                             **{"HTTP 404": 1, "non-HTML": 1})


def test_truncated_archive_gives_one_error_after_its_pages(tmp_path):
    path = tmp_path / "cut.warc"
    write_warc(path, html_pages()[:2], gz=False, extras=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    got = list(read_pages([str(path)]))
    assert isinstance(got[0], RawPage) and isinstance(got[-1], PageError) and len(got) == 2
    assert "truncated record" in got[-1].reason


def test_ingest_of_a_warc_stores_the_same_articles_as_the_files(tmp_path, caplog):
    import newsdesk
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, html_pages())
    with caplog.at_level(logging.INFO, logger="newsdesk.sources"):
        from_warc = newsdesk.ingest([str(path)], db=str(tmp_path / "w.db"), steps="extract", templates=False)
    from_files = newsdesk.ingest([str(EXAMPLES)], db=str(tmp_path / "f.db"), steps="extract", templates=False)
    assert from_warc.added == from_files.added == len(html_pages()) and from_warc.errors == 0
    assert "skipped" in caplog.text and "request" in caplog.text

    def texts(db):
        with newsdesk.open_store(db) as store:
            return sorted((a.title, a.text, a.published) for a in
                          (store.get(r["id"]) for r in store.list(limit=100)))
    assert texts(str(tmp_path / "w.db")) == texts(str(tmp_path / "f.db"))


def test_arc_files_gzipped_or_not(tmp_path):
    # ARC version 1: a filedesc record, then one header line and an HTTP response per record.
    vb = b"1 0 newsdesk-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    data = b"filedesc://t.arc 0.0.0.0 20240501120000 text/plain %d\n" % len(vb) + vb + b"\n"
    for url, ctype, body in ((b"http://example.org/a?utm_source=x", b"text/html", b"<html><p>Hello arc</p></html>"),
                             (b"http://example.org/i.png", b"image/png", b"PNG")):
        http = b"HTTP/1.0 200 OK\r\nContent-Type: " + ctype + b"\r\n\r\n" + body
        data += b"%s 93.184.216.34 20240501120000 %s %d\n" % (url, ctype, len(http)) + http + b"\n"
    (tmp_path / "a.arc").write_bytes(data)
    (tmp_path / "a.arc.gz").write_bytes(gzip.compress(data))  # one stream, not record by record
    for name in ("a.arc", "a.arc.gz"):
        [page] = read_pages([str(tmp_path / name)])
        assert page.url == "http://example.org/a" and page.content.endswith(b"Hello arc</p></html>")
        assert page.fetched.startswith("2024-05-01")
