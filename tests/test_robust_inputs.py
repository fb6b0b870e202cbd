"""Inputs that must not lose a page or hang a run (issue 17, problems 3 and 4): stray bytes,
NULs, FIFOs and symlink loops in input folders, a per-page time budget, deep nesting."""
from __future__ import annotations

import os
import time

import pytest

from newsdesk.extract import ExtractionError, extract
from newsdesk.model import Article, PageError, RawPage

PARA = ("“We will not move the fleet before the spring,” the harbour master said on Monday, "
        "adding that the storm had damaged two of the four berths and the crane on the north quay. ")
PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Storm damage</title></head><body>"
        "<article><h1>Storm damages quay</h1>" + f"<p>{PARA}</p>" * 6 + "</article></body></html>")


# -- decoding ---------------------------------------------------------------------------

def test_one_stray_byte_is_replaced_not_fatal():
    data = PAGE.encode("utf-8")
    i = data.index(b"storm had")
    data = data[:i] + b"\xff" + data[i:]
    a = extract(RawPage(content=data, format="html"))
    assert "“We will not move the fleet" in a.text          # decoded as UTF-8, quotes intact
    assert "\ufffdstorm had" in a.text
    assert any(w.startswith("1 undecodable byte replaced") for w in a.warnings)


def test_a_few_nul_bytes_are_stripped():
    data = PAGE.encode("utf-8").replace(b"two of the four", b"two\x00 of the\x00 four\x00", 1)
    for fmt in ("html", "auto"):
        a = extract(RawPage(content=data, format=fmt))
        assert "\x00" not in a.text and "two of the four" in a.text
        assert any("3 NUL or control characters removed" in w for w in a.warnings)
    text = ("The board met on Monday.\x01 " + PARA) * 3
    a = extract(RawPage(content=text, format="text"))
    assert "\x01" not in a.text


def test_a_mostly_undecodable_page_is_still_rejected():
    data = b"Harbour news " + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d, 0xc3]) * 200
    with pytest.raises(ExtractionError, match="undecodable"):
        extract(RawPage(content=data, format="text"))


# -- input files --------------------------------------------------------------------------

def _good(folder, name="good.txt"):
    (folder / name).write_text("Storm damages quay\n\n" + PARA * 4, encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_socket_and_symlink_loop_in_a_folder_are_skipped(tmp_path):
    import socket
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path / "in"
    folder.mkdir()
    _good(folder)
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "loop-a", folder / "loop-b")
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder, folder / "self")  # a link back up: not followed
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    db = str(tmp_path / "nd.db")
    bin_ = Path(sys.executable).parent / "newsdesk"
    r = subprocess.run([str(bin_), "ingest", str(folder), str(folder / "pipe.txt"), "--db", db,
                        "--steps", "extract"], capture_output=True, text=True, timeout=120)
    sock.close()
    assert r.returncode == 0, r.stderr
    assert "added 1," in r.stdout and "errors 0" in r.stdout
    assert "pipe.txt: a FIFO" in r.stderr and "sock.txt: a socket" in r.stderr
    assert "loop-a" in r.stderr


def test_page_past_its_time_budget_is_an_error_naming_the_step():
    from newsdesk.pipeline import Pipeline

    page = RawPage(content=PAGE, format="html", source="slow.html")
    out = list(Pipeline("extract", page_timeout=1e-6).process([page, page]))
    assert all(isinstance(x, PageError) for x in out)
    assert out[0].step == "extract" and "time budget" in out[0].reason
    # The budget is per page: a normal budget lets the same page through.
    assert isinstance(next(iter(Pipeline("extract", page_timeout=30).process([page]))), Article)


def test_page_past_its_enrichment_budget_is_an_error_naming_the_step():
    from newsdesk.enrich import Enricher
    from newsdesk.pipeline import Pipeline

    class Stalling(Enricher):
        """A real enricher that stalls on one marked article."""

        def _run(self, nlp, batch):
            if any("STALL" in a.text for a in batch):
                time.sleep(30)
            return super()._run(nlp, batch)

    pipe = Pipeline(("extract", "entities"), batch_size=4, enrich_timeout=2)
    pipe.enricher = Stalling(("entities",), batch_size=4)
    pipe.warm_up()
    texts = ["Anna met Boris in Riga.", "STALL here, Clara said.", "Dan flew to Lima."]
    pages = [RawPage(content=t, source=f"s{i}", format="clean") for i, t in enumerate(texts)]
    t0 = time.monotonic()
    out = list(pipe.process(pages))
    assert time.monotonic() - t0 < 25
    assert [type(x) for x in out] == [Article, PageError, Article]
    assert out[1].step == "enrich" and "time budget" in out[1].reason


def test_regex_backtracking_is_stopped_by_the_budget():
    import re

    from newsdesk.budget import PageTimeout, time_budget

    t0 = time.monotonic()
    with pytest.raises(PageTimeout):
        with time_budget(0.5):
            re.match(r"(a+)+b", "a" * 64)
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("depth", [300, 3000])
def test_deep_nesting_keeps_its_text(depth):
    html = ("<!DOCTYPE html><html><head><title>Deep</title></head><body>" + "<div>" * depth
            + f"<p>{PARA}</p><p>{PARA.replace('Monday', 'Tuesday')}</p>" + "</div>" * depth
            + "</body></html>")
    a = extract(RawPage(content=html, format="html"))
    assert "said on Monday" in a.text and "said on Tuesday" in a.text


def test_a_lone_page_past_its_enrichment_budget_spends_it_once():
    """A batch of one page that runs out of time is not retried: the page is already the
    culprit, and a retry would double the time the batch can take."""
    from newsdesk.enrich import Enricher
    from newsdesk.pipeline import Pipeline

    class Stalling(Enricher):
        def _run(self, nlp, batch):
            time.sleep(30)
            return super()._run(nlp, batch)

    pipe = Pipeline(("extract", "entities"), batch_size=1, enrich_timeout=2)
    pipe.enricher = Stalling(("entities",), batch_size=1)
    pipe.warm_up()
    t0 = time.monotonic()
    out = list(pipe.process([RawPage(content="Anna met Boris in Riga.", source="s", format="clean")]))
    assert time.monotonic() - t0 < 3.8  # a retry would take 4 s or more
    assert isinstance(out[0], PageError) and "time budget" in out[0].reason
