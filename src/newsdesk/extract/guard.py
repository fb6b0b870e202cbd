"""Input checks and decoding: reject what is not a processable page before any parsing."""
from __future__ import annotations

import codecs
import itertools
import re

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class ExtractionError(Exception):
    """The input is not a processable page; the message says why, for the error record."""


# Magic numbers of formats that are never a news page in text form.
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
# C0 controls other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAGLIKE = re.compile(r"<[A-Za-z!/][^<>]{0,200}>")
_NONLETTER = re.compile(r"[\W\d_]+")


def check_size(content: str | bytes, limit: int) -> None:
    """Fail fast on oversized input: O(1), before decoding or parsing anything."""
    size = len(content)
    if size > limit:
        unit = "bytes" if isinstance(content, bytes) else "characters"
        raise ExtractionError(f"page too large: {size:,} {unit} (limit {limit:,})")


# A few stray NULs or control characters in a good page are damage to strip; past this many
# (and this share) the input is binary.
MAX_STRAY_NUL, MAX_NUL_SHARE = 8, 0.01
MAX_STRAY_CONTROLS, MAX_CONTROL_SHARE = 8, 0.05
# A page is rejected as undecodable only when most of it is.
MAX_UNDECODABLE_SHARE = 0.5


def _too_many(count: int, n: int, stray: int, share: float) -> bool:
    # A tenth of the input is too many however short it is.
    return count > max(stray, share * n) or count > 0.1 * n


def _sniff_binary(head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ExtractionError(f"binary input: looks like {what}, not a text or HTML page")
    # UTF-16/32 text has NULs too, but it announces itself with a BOM (handled by decode).
    if (not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            and _too_many(head.count(b"\x00"), len(head), MAX_STRAY_NUL, MAX_NUL_SHARE)):
        raise ExtractionError("binary input: contains NUL bytes")


def declared_charset(head: bytes) -> str | None:
    """Charset declared by an HTML meta tag or XML prolog in the first bytes, if any."""
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_bytes(content: bytes, html: bool) -> tuple[str, str, int]:
    """(text, encoding, bytes replaced): the BOM's encoding, else the first of the declared
    charset (HTML), UTF-8 and cp1252 that decodes cleanly, else the one that needs the fewest
    replacements (a stray 0xFF in a UTF-8 page costs one U+FFFD, not the page)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            text = content.decode(enc, "replace")
            return text, enc, text.count("\ufffd")
    candidates = []
    if html:
        declared = declared_charset(content[:8192])
        if declared:
            candidates.append(declared)
    candidates = list(dict.fromkeys(candidates + ["utf-8", "cp1252"]))
    for enc in candidates:
        try:
            return content.decode(enc), enc, 0
        except (UnicodeDecodeError, LookupError):
            continue
    best = None
    for enc in candidates:
        try:
            text = content.decode(enc, "replace")
        except LookupError:
            continue
        bad = text.count("\ufffd")
        if best is None or bad < best[2]:
            best = (text, enc, bad)
    return best


def decode_report(content: str | bytes, html: bool = False) -> tuple[str, list[str]]:
    """Bytes -> str, and warnings on what was repaired: undecodable bytes replaced (U+FFFD),
    NUL and other C0 control characters removed.

    Raises ExtractionError for binary input, or when most of it is undecodable.
    """
    notes = []
    if isinstance(content, str):
        text = content
    else:
        _sniff_binary(content[:8192])
        text, enc, bad = _decode_bytes(content, html)
        if bad:
            if bad > MAX_UNDECODABLE_SHARE * len(text):
                raise ExtractionError(f"undecodable input: {bad} of {len(text)} characters are not "
                                      f"valid in its declared charset, UTF-8 or cp1252")
            notes.append(f"{bad} undecodable byte{'s' if bad > 1 else ''} replaced (decoded as {enc})")
    check_text(text)
    if _CONTROL.search(text):
        n = len(_CONTROL.findall(text))
        text = _CONTROL.sub("", text)
        notes.append(f"{n} NUL or control character{'s' if n > 1 else ''} removed")
    return text, notes


def decode(content: str | bytes, html: bool = False) -> str:
    """Bytes -> str (see ``decode_report``, whose warnings this drops)."""
    return decode_report(content, html)[0]


def check_text(text: str) -> None:
    """Reject empty, binary-looking or mostly broken text (after decoding)."""
    if not text or text.isspace():
        raise ExtractionError("empty page: no text (only whitespace)" if text else "empty page")
    sample = text[:65536]
    n = len(sample)
    if "\x00" in sample and _too_many(sample.count("\x00"), n, MAX_STRAY_NUL, MAX_NUL_SHARE):
        raise ExtractionError("binary input: contains NUL characters")
    if sample.lstrip().startswith("%PDF-"):
        raise ExtractionError("binary input: looks like a PDF document, not a text or HTML page")
    # search() first: clean text (nearly every page) has none of these, and counting is slower.
    controls = len(_CONTROL.findall(sample)) if _CONTROL.search(sample) else 0
    if _too_many(controls, n, MAX_STRAY_CONTROLS, MAX_CONTROL_SHARE):
        raise ExtractionError(f"binary input: {controls} control characters in the first {n} characters")
    bad = sample.count("\ufffd") + (len(_SURROGATE.findall(sample)) if _SURROGATE.search(sample) else 0)
    if bad > MAX_UNDECODABLE_SHARE * n:
        raise ExtractionError(f"undecodable input: {bad} replacement or invalid characters in the first {n} characters")
    head = _CONTROL.sub("", sample[:16384])
    if sum(1 for _ in itertools.islice(_TAGLIKE.finditer(head), 5)) >= 5:
        return  # markup: inline data (SVG paths, JSON) may be mostly non-letters; the extractor judges
    letters = len(_NONLETTER.sub("", head))
    if len(head) >= 200 and letters < 0.2 * len(head):
        raise ExtractionError(f"not a text page: only {letters} letters in the first {len(head)} characters")
