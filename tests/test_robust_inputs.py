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
