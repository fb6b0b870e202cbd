"""Sources: files, directories, stdin, gzip, JSONL and dated-text corpora become pages."""
import gzip
import io
import json
import os
import sys

import pytest

from newsdesk.model import PageError, RawPage
from newsdesk.sources import pages_from_bytes, read_pages, split_dated

DATED = (
    "  date 2024-03-02 Harbour workers in Varna walked out on Saturday.\n"
    "The union said the strike would last two days.\n"
    "date 2024-03-03\n"
    "The port authority in Varna said talks would resume on Monday.\n"
)


def pages(paths, **kw):
    return list(read_pages([str(p) for p in paths], **kw))


def test_dated_text_corpus_splits_into_pages_keeping_date_lines(tmp_path):
    f = tmp_path / "corpus.txt"
    f.write_text(DATED, encoding="utf-8")
    out = pages([f])
    assert [p.source for p in out] == [f"{f}#1", f"{f}#2"]
    assert all(isinstance(p, RawPage) and p.format == "dated-text" for p in out)
    first, second = (p.content.decode() for p in out)
    # Leading whitespace and text on the date line stay: extract reads them.
    assert first.startswith("  date 2024-03-02 Harbour workers")
    assert "two days" in first and "port authority" not in first
    assert second.startswith("date 2024-03-03\nThe port authority")


def test_single_dated_page_keeps_plain_source(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text("date 2024-03-02 Only one page here.\n", encoding="utf-8")
    [page] = pages([f])
    assert page.source == str(f) and page.format == "dated-text"


def test_date_word_inside_a_line_does_not_split():
    text = "date 2024-03-02 Talks.\nThe date 2024-03-05 was set for a vote.\n"
    assert len(split_dated(text)) == 1
    assert split_dated("No date line first.\ndate 2024-03-02 x") == []


def test_plain_file_passes_as_bytes_with_auto_format(tmp_path):
    f = tmp_path / "page.html"
    f.write_bytes(b"<html><body><p>Hello</p></body></html>")
    [page] = pages([f])
    assert page.content == f.read_bytes() and page.format == "auto" and page.source == str(f)


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "b" / "1.txt").write_text("one")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / ".git" / "config").write_text("git")
    names = [os.path.relpath(p.source, tmp_path) for p in pages([tmp_path])]
    assert names == ["a.txt", os.path.join("b", "1.txt"), os.path.join("b", "2.txt")]


def test_directory_skips_corpus_docs_but_not_when_named(tmp_path):
    (tmp_path / "README.md").write_text("# About this corpus")
    (tmp_path / "LICENSE").write_text("terms")
    (tmp_path / "page.txt").write_text("A page.")
    names = [os.path.basename(p.source) for p in pages([tmp_path])]
    assert names == ["page.txt"]
    assert [os.path.basename(p.source) for p in pages([tmp_path / "README.md"])] == ["README.md"]


def test_gzip_decompressed_and_inner_name_decides_type(tmp_path):
    f = tmp_path / "corpus.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "https://example.org/a", "text": "Alpha."}) + "\n")
        fh.write(json.dumps({"url": "https://example.org/b", "html": "<p>Beta</p>"}) + "\n")
    out = pages([f])
    assert [p.url for p in out] == ["https://example.org/a", "https://example.org/b"]
    assert [p.format for p in out] == ["auto", "html"]
    assert out[0].source == f"{f}:1"

    g = tmp_path / "page.txt.gz"
    g.write_bytes(gzip.compress(DATED.encode()))
    assert [p.format for p in pages([g])] == ["dated-text", "dated-text"]


def test_gzip_recognised_without_suffix(tmp_path):
    f = tmp_path / "page.bin"
    f.write_bytes(gzip.compress(b"plain words"))
    [page] = pages([f])
    assert page.content == b"plain words"


def test_corrupt_gzip_and_missing_file_are_errors(tmp_path):
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(gzip.compress(b"<p>text</p>" * 100)[:30])
    missing = tmp_path / "nope.html"
    out = pages([bad, missing, tmp_path / "bad.html.gz"])
    assert [type(x) for x in out] == [PageError, PageError, PageError]
    assert out[1].source == str(missing) and "cannot read" in out[1].reason


def test_jsonl_bad_lines_become_errors_and_the_rest_continue(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text("\n".join([
        json.dumps({"url": "u1", "text": "One.", "date": "2024-01-01"}),
        '{"url": "u2", "text": ',                       # broken JSON
        "",                                             # blank: ignored
        json.dumps({"url": "u3"}),                      # no body
        json.dumps({"url": "u4", "text": "Four.", "format": "pdf"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"url": "u7", "text": "Seven.", "format": "clean"}),
    ]) + "\n", encoding="utf-8")
    out = pages([f])
    assert [x.source for x in out] == [f"{f}:{n}" for n in (1, 2, 4, 5, 6, 7)]
    kinds = [type(x).__name__ for x in out]
    assert kinds == ["RawPage", "PageError", "PageError", "PageError", "PageError", "RawPage"]
    assert out[0].date == "2024-01-01" and out[0].content == "One."
    assert "invalid JSON" in out[1].reason
    assert "pdf" in out[3].reason
    assert out[5].format == "clean"


def test_overrides_apply_to_every_page(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"url": "u1", "text": "One.", "date": "2024-01-01"}) + "\n")
    [page] = pages([f], url="https://override.example/x", published="2020-02-02")
    assert (page.url, page.date) == ("https://override.example/x", "2020-02-02")


def test_input_format_forces_jsonl_and_rejects_unknown(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text(json.dumps({"text": "x"}) + "\n")
    [page] = pages([f], input_format="jsonl")
    assert page.content == "x" and page.source == f"{f}:1"
    with pytest.raises(ValueError):
        pages([f], input_format="pdf")


def test_oversized_page_is_an_error_without_reading_it_whole(tmp_path):
    f = tmp_path / "big.html"
    f.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    [err] = pages([f], max_bytes=1000)
    assert isinstance(err, PageError) and "too large" in err.reason


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DATED.encode())))
    out = list(read_pages(["-"]))
    assert [p.source for p in out] == ["-#1", "-#2"]

    line = json.dumps({"url": "u", "text": "from a pipe"}).encode() + b"\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line * 2)))
    out = list(read_pages(["-"]))
    assert [p.content for p in out] == ["from a pipe"] * 2


def test_pages_from_text_string():
    [page] = list(pages_from_bytes("Just a sentence.", "<text>", "clean"))
    assert page.content == "Just a sentence." and page.format == "clean"


def test_jsonl_title_is_the_corpus_headline(tmp_path):
    from newsdesk.extract import extract
    f = tmp_path / "c.jsonl"
    body = "Port workers in Valparaíso stopped work on Monday over unpaid overtime, their union said."
    f.write_text("\n".join([
        json.dumps({"url": "https://a.example/1", "title": "Port workers strike in Valparaíso",
                    "text": body, "format": "clean"}),
        json.dumps({"url": "https://a.example/2", "title": 7, "text": body}),   # not a string
    ]) + "\n", encoding="utf-8")
    page, bad = pages([f])
    assert page.title == "Port workers strike in Valparaíso"
    assert isinstance(bad, PageError) and "title" in bad.reason
    art = extract(page)
    assert art.title == "Port workers strike in Valparaíso"
    assert art.text == body   # clean text stays byte for byte: the title is not in it


def test_jsonl_outlet_and_author_fill_in_only_where_the_page_is_silent(tmp_path):
    from newsdesk.extract import extract
    body = "<p>" + "The council met on Tuesday to discuss the budget for the coming year. " * 8 + "</p>"
    html = ("<html><head><meta property='og:site_name' content='Harbor Ledger'><title>Budget</title>"
            f"</head><body><article><h1>Budget</h1>{body}</article></body></html>")
    rows = [{"url": "https://a.example/x", "format": "clean", "title": "Budget talks",
             "text": "The council met on Tuesday to discuss the budget. " * 8,
             "outlet": "Prut Observer", "author": "Ana Rusu"},
            {"url": "https://b.example/y", "html": html, "outlet": "Corpus Name"},
            {"url": "https://c.example/z", "text": "Some text.", "outlet": 5}]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    a, b, bad = list(read_pages([str(path)]))
    a, b = extract(a), extract(b)
    assert (a.outlet, a.byline) == ("Prut Observer", ["Ana Rusu"])
    assert b.outlet == "Harbor Ledger"      # the page names itself: the corpus's name does not override it
    assert isinstance(bad, PageError) and "'outlet' must be a string" in bad.reason
