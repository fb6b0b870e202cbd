"""Hypothesis strategies that mutate real pages (the example corpus) the way the web and
scrapers break them: truncation, byte flips, tag soup, deep nesting, huge attributes, mixed
encodings, stray NULs. Shared by tests/test_fuzz_pages.py and bench/fuzz.py."""
from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


def seed_pages() -> list[tuple[str, bytes]]:
    """(format, bytes) of the example corpus's HTML and scraped-text pages."""
    out = []
    for path in sorted((CORPUS / "html").iterdir()):
        data = path.read_bytes()
        out.append(("html", gzip.decompress(data) if path.suffix == ".gz" else data))
    for path in sorted((CORPUS / "scraped").iterdir()):
        out.append(("auto", path.read_bytes()))
    return out


SEEDS = seed_pages()
SOUP = ["<div>", "</div>", "<p>", "</p>", "<b>", "</i>", "<table><tr><td>", "</table>", "<script>",
        "</script>", "<!--", "-->", "<![CDATA[", "<svg><path d='", "<br/>", "&amp;", "&#x0;", "&#99999999;",
        "<meta charset='utf-16'>", "<html>", "<body>", "</body></html>", "<", ">", "\"", "'", "<article>",
        "<nav>", "<h1>", "<style>p{}", "<iframe src=x>", "<a href='javascript:x'>", "\u202e", "\ufeff"]


@st.composite
def _truncate(draw, data: bytes) -> bytes:
    return data[:draw(st.integers(0, len(data)))]


@st.composite
def _flip(draw, data: bytes) -> bytes:
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 40))):
        i = draw(st.integers(0, len(buf) - 1))
        buf[i] ^= draw(st.integers(1, 255))
    return bytes(buf)


@st.composite
def _soup(draw, data: bytes) -> bytes:
    bits = draw(st.lists(st.sampled_from(SOUP), min_size=1, max_size=60))
    at = draw(st.integers(0, len(data)))
    return data[:at] + "".join(bits).encode("utf-8") + data[at:]


@st.composite
def _nest(draw, data: bytes) -> bytes:
    depth = draw(st.sampled_from([50, 255, 256, 300, 1000, 5000]))
    tag = draw(st.sampled_from(["div", "span", "b", "table", "section"]))
    a = draw(st.integers(0, len(data)))
    b = draw(st.integers(a, len(data)))
    return data[:a] + f"<{tag}>".encode() * depth + data[a:b] + f"</{tag}>".encode() * depth + data[b:]


@st.composite
def _huge_attribute(draw, data: bytes) -> bytes:
    size = draw(st.sampled_from([10_000, 200_000, 2_000_000]))
    at = draw(st.integers(0, len(data)))
    filler = draw(st.sampled_from([b"a", b"\"", b"<", b" x=", b"\xe2\x80\x9c"]))
    return data[:at] + b'<div data-x="' + filler * (size // len(filler)) + b'">' + data[at:]


@st.composite
def _mixed_encoding(draw, data: bytes) -> bytes:
    a = draw(st.integers(0, len(data)))
    b = draw(st.integers(a, min(len(data), a + 5000)))
    enc = draw(st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-16-le", "koi8-r", "shift_jis"]))
    part = data[a:b].decode("utf-8", "replace").encode(enc, "replace")
    return data[:a] + part + data[b:]


@st.composite
def _nuls(draw, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 12))):
        buf.insert(draw(st.integers(0, len(buf))), draw(st.sampled_from([0, 1, 7, 27, 127])))
    return bytes(buf)


MUTATIONS = [_truncate, _flip, _soup, _nest, _huge_attribute, _mixed_encoding, _nuls]


@st.composite
def mutated_pages(draw) -> tuple[str, bytes]:
    """(format, bytes): a seed page after one to three mutations."""
    fmt, data = draw(st.sampled_from(SEEDS))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        data = draw(mutation(data))
    return draw(st.sampled_from([fmt, "auto"])), data


@st.composite
def _few_nuls(draw, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        buf.insert(draw(st.integers(0, len(buf))), draw(st.sampled_from([0, 1, 27])))
    return bytes(buf)


@st.composite
def _wrap_deep(draw, data: bytes) -> bytes:
    """The whole body nested deep, as some generated pages are."""
    depth = draw(st.sampled_from([100, 300, 1000, 4000]))
    tag = draw(st.sampled_from(["div", "span", "section"]))
    lower = data.lower()
    a, b = lower.find(b"<body"), lower.rfind(b"</body>")
    if a < 0 or b < a:
        return data
    a = data.index(b">", a) + 1
    return data[:a] + f"<{tag}>".encode() * depth + data[a:b] + f"</{tag}>".encode() * depth + data[b:]


@st.composite
def mildly_damaged_pages(draw) -> tuple[bytes, bytes]:
    """(original, damaged): an HTML seed page with damage that leaves its article readable
    (a few stray control bytes, deep nesting)."""
    _fmt, data = draw(st.sampled_from([s for s in SEEDS if s[0] == "html"]))
    damaged = data
    for mutation in draw(st.lists(st.sampled_from([_few_nuls, _wrap_deep]), min_size=1, max_size=2)):
        damaged = draw(mutation(damaged))
    return data, damaged
