"""Pipeline, executors and the Python API, end to end on real files and SQLite stores."""
import gzip
import json
import sqlite3

import pytest

import newsdesk
from newsdesk.enrich import Enricher
from newsdesk.executor import LocalExecutor, ProcessExecutor
from newsdesk.model import Article, PageError, RawPage
from newsdesk.pipeline import STEPS, Pipeline, parse_steps

PAGE_A = """date 2024-04-11 Ferry crews strike in Oslo

Ferry crews in Oslo stopped work on Thursday after talks over pay broke down.
The union said the strike would continue until the operator returned to the table.
"We have waited two years for a fair offer," said Marit Solberg, the union's leader.
Commuters crowded onto buses as the morning crossings were cancelled.
"""

PAGE_B = """date 2024-04-12 Operator offers new talks

The ferry operator invited the union to new talks in Bergen on Friday.
A spokesman said the company hoped to restore services before the weekend.
Passengers were advised to check the timetable before travelling.
"""


def table_counts(db):
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "errors", "entities", "events", "articles_fts")}
    finally:
        conn.close()


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "pages"
    d.mkdir()
    (d / "a.txt").write_text(PAGE_A, encoding="utf-8")
    (d / "b.txt.gz").write_bytes(gzip.compress(PAGE_B.encode("utf-8")))
    return d


def test_ingest_twice_gives_same_rows(corpus, tmp_path):
    db = str(tmp_path / "nd.db")
    first = newsdesk.ingest([str(corpus)], db=db, steps="extract")
    assert (first.added, first.skipped, first.errors) == (2, 0, 0)
    before = table_counts(db)
    second = newsdesk.ingest([str(corpus)], db=db, steps="extract")
    assert (second.added, second.skipped, second.errors) == (0, 2, 0)
    assert table_counts(db) == before
    assert before["articles"] == before["articles_fts"] == 2


def test_bad_pages_become_errors_and_good_pages_are_stored(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    (d / "01-good.txt").write_text(PAGE_A, encoding="utf-8")
    (d / "02-binary.bin").write_bytes(bytes(range(256)) * 40)
    (d / "03-empty.html").write_bytes(b"")
    # cp1252 bytes that are not valid UTF-8: decodable with a fallback, or an error, never a crash.
    (d / "04-cp1252.txt").write_bytes(
        "Caf\xe9 owners in Lyon called the rules \x93unfair\x94.\n\n"
        "They said the new rules would cost jobs in every district of the city.\n".encode("latin-1"))
    with open(d / "05-huge.html", "wb") as fh:  # 50 MB of markup
        fh.write(b"<html><body>")
        chunk = b"<div><p>filler paragraph text</p></div>\n" * 25_000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
        fh.write(b"</body></html>")
    (d / "06-corpus.jsonl").write_text(
        json.dumps({"url": "https://example.org/b", "text": PAGE_B.split("\n", 1)[1],
                    "date": "2024-04-12"}) + "\n"
        + '{"url": "https://example.org/broken", "text": \n', encoding="utf-8")

    db = str(tmp_path / "nd.db")
    report = newsdesk.ingest([str(d)], db=db, steps="extract")
    assert report.added >= 2 and report.errors >= 4
    assert report.added + report.errors == 7  # one record per page (the JSONL holds 2), nothing lost

    store = newsdesk.open_store(db)
    failed = {r["source"]: r for r in store.errors()}
    assert str(d / "02-binary.bin") in failed
    assert str(d / "03-empty.html") in failed
    assert "too large" in failed[str(d / "05-huge.html")]["reason"]
    assert "invalid JSON" in failed[f"{d / '06-corpus.jsonl'}:2"]["reason"]
    sources = {r["source"] for r in store.list(limit=10)}
    assert {str(d / "01-good.txt"), f"{d / '06-corpus.jsonl'}:1"} <= sources
    assert store.search("ferry")  # good pages are searchable
    store.close()

    again = newsdesk.ingest([str(d)], db=db, steps="extract")  # errors are not duplicated
    assert table_counts(db)["errors"] == report.errors and again.added == 0


def test_dated_text_corpus_with_two_pages_gives_two_articles(tmp_path):
    f = tmp_path / "corpus.txt"
    f.write_text(PAGE_A + PAGE_B, encoding="utf-8")
    out = list(newsdesk.extract_files([str(f)], steps="extract"))
    assert all(isinstance(a, Article) for a in out)
    assert [a.source for a in out] == [f"{f}#1", f"{f}#2"]
    assert [a.published[:10] for a in out] == ["2024-04-11", "2024-04-12"]
    assert "Oslo" in out[0].text + (out[0].title or "") and "Bergen" in out[1].text


def test_gzip_page_is_extracted(corpus):
    a = newsdesk.extract_file(str(corpus / "b.txt.gz"), steps="extract")
    assert "Bergen" in a.text and a.published.startswith("2024-04-12")


def test_extract_file_raises_for_a_bad_page(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(newsdesk.NewsdeskError) as info:
        newsdesk.extract_file(str(f), steps="extract")
    assert info.value.error.source == str(f)


def test_process_keeps_input_order_with_errors_between(tmp_path):
    pages = []
    for i in range(7):
        pages.append(RawPage(content=f"Page number {i} reports on harbour {i}.\n\nMore about harbour {i} "
                                     f"and its workers, who met on day {i}.", source=f"p{i}", format="clean"))
        pages.append(RawPage(content=b"\x00\x01\x02binary", source=f"bad{i}"))
    out = list(Pipeline("extract", batch_size=3).process(pages))
    assert [x.source for x in out] == [p.source for p in pages]
    assert [type(x) for x in out] == [Article, PageError] * 7
    assert all(x.step == "extract" for x in out[1::2])


class PickyEnricher(Enricher):
    """A real enricher that fails on one marked article, to exercise batch retry."""

    def _run(self, nlp, batch):
        if any("POISON" in a.text for a in batch):
            raise RuntimeError("component crashed")
        return super()._run(nlp, batch)


def test_failed_enrich_batch_isolates_the_bad_article():
    pipe = Pipeline(("extract", "entities"), batch_size=4)
    pipe.enricher = PickyEnricher(("entities",), batch_size=4)
    texts = ["Anna met Boris in Riga.", "POISON pill text here.", "Clara flew to Lima.", "Dan stayed."]
    pages = [RawPage(content=t, source=f"s{i}", format="clean") for i, t in enumerate(texts)]
    out = list(pipe.process(pages))
    assert [x.source for x in out] == ["s0", "s1", "s2", "s3"]
    assert [type(x) for x in out] == [Article, PageError, Article, Article]
    assert out[1].step == "enrich" and "component crashed" in out[1].reason and out[1].id


def test_process_executor_matches_local(corpus, tmp_path):
    extra = tmp_path / "more.txt"
    extra.write_text(PAGE_A.replace("Oslo", "Tromsø") + PAGE_B.replace("Bergen", "Narvik"))
    paths = [str(corpus), str(extra)]
    from newsdesk.sources import read_pages
    local = list(LocalExecutor("extract").run(read_pages(paths)))
    multi = list(ProcessExecutor("extract", workers=2, chunk_size=1).run(read_pages(paths)))
    assert [a.id for a in multi] == [a.id for a in local] and len(local) == 4


def test_parse_steps():
    assert parse_steps("events,extract") == ("extract", "events")
    assert parse_steps("") == ("extract",)
    assert parse_steps(None) == STEPS
    with pytest.raises(ValueError, match="bogus"):
        parse_steps("extract,bogus")


def test_steps_extract_gives_no_annotations_and_full_steps_keep_offsets():
    text = PAGE_A.split("\n", 2)[2]
    bare = newsdesk.extract_text(text, input_format="clean", steps="extract", published="2024-04-11")
    assert bare.entities == bare.places == bare.times == bare.statements == bare.events == []
    full = newsdesk.extract_text(text, input_format="clean", published="2024-04-11")
    assert full.text == bare.text and full.id == bare.id
    for kind in (full.entities, full.places, full.times, full.quantities):
        for span in kind:
            assert full.text[span.start:span.end] == span.text
    for s in full.statements:
        assert full.text[s.content_start:s.content_end] == s.content


def test_page_without_article_text_becomes_an_error_record(tmp_path):
    # extract() returns such a page as an empty Article with a warning; the pipeline must
    # not pass it on (nothing empty is stored): it is an error record with the reason.
    pages = [RawPage(content=b"<html><head><title>Frames</title></head><frameset><frame src='a.html'></frameset></html>",
                     source="frames.html", format="auto"),
             RawPage(content="<html><body><nav><a href='/'>Home</a></nav></body></html>", source="nav.html"),
             RawPage(content=PAGE_A, source="good.txt")]
    out = list(Pipeline("extract").process(pages))
    assert [type(x) for x in out] == [PageError, PageError, Article]
    assert all(x.step == "extract" and "no article text" in x.reason for x in out[:2])
    assert "frameset" in out[0].reason
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty-body.html").write_bytes(b"<html><head><title>x</title></head><body></body></html>")
    (d / "good.txt").write_text(PAGE_A, encoding="utf-8")
    db = str(tmp_path / "nd.db")
    report = newsdesk.ingest([str(d)], db=db, steps="extract")
    assert (report.added, report.errors) == (1, 1)
    store = newsdesk.open_store(db)
    assert "no article text" in {r["source"]: r for r in store.errors()}[str(d / "empty-body.html")]["reason"]
    store.close()
