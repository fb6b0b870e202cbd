"""Sources: paths, stdin and corpora become a stream of RawPage (or PageError).

A source only reads and splits; judging and decoding a page is ``extract``'s job
(pages go on as bytes). Two container formats hold several pages:

- JSON Lines (``.jsonl``, ``.ndjson``, or ``input_format="jsonl"``): one page per
  line, ``{"url", "html" | "text", "date"?, "title"?, "outlet"?, "author"?, "format"?}``; a bad line becomes a
  PageError with source ``path:lineno``.
- dated text (``input_format="dated-text"`` or sniffed): each page starts with a
  line ``date YYYY-MM-DD``, its text possibly continuing on that same line. Pages
  keep their date line (extract reads it); several pages get sources ``path#N``.

Gzip files are decompressed; the name without ``.gz`` decides the type. Nothing
larger than ``max_bytes`` is read whole: it becomes a PageError.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import INPUT_FORMATS, PageError, RawPage

__all__ = ["read_pages", "pages_from_bytes", "split_dated", "MAX_PAGE_BYTES", "content_hash"]

log = logging.getLogger("newsdesk.sources")

# Bigger than any real article page; past this, extraction would only burn time and memory.
MAX_PAGE_BYTES = 16 * 1024 * 1024

JSONL_SUFFIXES = (".jsonl", ".ndjson")
# A dated-text page starts with a line "date YYYY-MM-DD" (maybe a time after it), the
# page's text possibly continuing on the same line.
_DATE_LINE = re.compile(r"^[ \t]*date[ \t]+\d{4}-\d\d-\d\d(?![\d-])", re.M)
_DATE_LINE_B = re.compile(_DATE_LINE.pattern.encode(), re.M)
_PAGE_FORMATS = tuple(f for f in INPUT_FORMATS if f != "jsonl")


def content_hash(content: str | bytes) -> str:
    """Short content fingerprint, used to tell one failing page from another."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return hashlib.sha1(data).hexdigest()[:16]


def read_pages(paths: Iterable[str], input_format: str = "auto", url: str | None = None,
               published: str | None = None, max_bytes: int = MAX_PAGE_BYTES,
               ) -> Iterator[RawPage | PageError]:
    """Yield one RawPage per page found in ``paths`` ("-" is stdin), in order.

    Directories are walked recursively in sorted order, hidden files skipped.
    Anything that cannot be read becomes a PageError instead of stopping the stream.
    ``url`` and ``published`` override what the corpus or page says.
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {input_format!r} (one of {', '.join(INPUT_FORMATS)})")
    for path in paths:
        if path == "-":
            yield from _read_stream(sys.stdin.buffer, "-", "", input_format, url, published, max_bytes)
            continue
        p = Path(path)
        if p.is_dir():
            for f in _walk(p):
                yield from _read_file(f, input_format, url, published, max_bytes)
        elif _regular_or_missing(p):
            yield from _read_file(p, input_format, url, published, max_bytes)


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _regular_or_missing(p: Path) -> bool:
    """Only regular files are read: a FIFO would block the run forever, a device never ends.
    Anything else is skipped with a warning; a path that cannot be looked at (missing, a
    symlink loop) goes on, to become an error record saying why."""
    try:
        mode = os.stat(p).st_mode
    except OSError:
        return True
    if stat.S_ISREG(mode):
        return True
    log.warning("newsdesk: skipped %s: %s, not a regular file", p, _kind(mode))
    return False


# A corpus folder's own documentation is not a page; named on the command line it still is.
_CORPUS_DOCS = re.compile(r"^(readme|license|licence|copying|changelog)(\.[\w.]*)?$|\.(md|rst)$", re.I)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root``, recursively, sorted, skipping hidden files and folder docs."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and not _CORPUS_DOCS.search(name):
                path = Path(dirpath) / name
                try:
                    mode = os.stat(path).st_mode
                except OSError as exc:  # a symlink loop or a dangling link: nothing to read
                    log.warning("newsdesk: skipped %s: %s", path, exc.strerror or exc)
                    continue
                if stat.S_ISREG(mode):
                    yield path
                else:
                    log.warning("newsdesk: skipped %s: %s, not a regular file", path, _kind(mode))


def _read_file(p: Path, input_format, url, published, max_bytes) -> Iterator[RawPage | PageError]:
    source = str(p)
    try:
        # Opened without blocking, then checked: a FIFO swapped in after the stat cannot hang us.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(f"{_kind(os.stat(p).st_mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with open(fd, "rb") as raw:
            if input_format == "auto" and _is_archive(p):
                from .warc import read_warc  # web archives: sources/warc.py
                yield from read_warc(raw, source, max_bytes)
                return
            # Gzip is recognised by its magic number too, whatever the file is called.
            if raw.read(2) == b"\x1f\x8b" or p.suffix.lower() == ".gz":
                raw.seek(0)
                name = p.stem if p.suffix.lower() == ".gz" else p.name
                with gzip.GzipFile(fileobj=raw, mode="rb") as fh:
                    yield from _read_stream(fh, source, name, input_format, url, published, max_bytes)
            else:
                raw.seek(0)
                yield from _read_stream(raw, source, p.name, input_format, url, published, max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        # Missing, unreadable, a special file, a truncated or corrupt gzip: report, go on.
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        yield PageError(source=source, reason=f"cannot read: {detail}", step="read", url=url)


def _is_archive(p: Path) -> bool:
    """A WARC or ARC file: by its name, or a plain file starting with a WARC header."""
    from .warc import is_archive_name
    if is_archive_name(p.name):
        return True
    if not p.is_file():  # a pipe or device is read once, by the normal path
        return False
    with open(p, "rb") as fh:
        return fh.read(5) == b"WARC/"


def _read_stream(fh, source, name, input_format, url, published, max_bytes):
    if input_format == "jsonl" or (input_format == "auto" and name.lower().endswith(JSONL_SUFFIXES)):
        # Line by line, so a corpus of any size streams.
        yield from _jsonl_pages(_bounded_lines(fh, max_bytes), source, url, published, max_bytes)
        return
    data = fh.read(max_bytes + 1)
    if input_format == "auto" and not name and _looks_like_jsonl(data):
        yield from _jsonl_pages(data.splitlines(keepends=True), source, url, published, max_bytes)
        return
    yield from pages_from_bytes(data, source, input_format, url, published, max_bytes)


def _bounded_lines(fh, max_bytes: int, end: int | None = None) -> Iterator[bytes]:
    """Lines of a binary stream (up to byte offset ``end``, if given); an over-long line is cut
    at ``max_bytes + 1`` and the rest skipped."""
    while end is None or fh.tell() < end:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := fh.readline(max_bytes)) and not rest.endswith(b"\n"):
                pass
        yield line


def pages_from_bytes(data: bytes | str, source: str = "-", input_format: str = "auto",
                     url: str | None = None, published: str | None = None,
                     max_bytes: int = MAX_PAGE_BYTES) -> Iterator[RawPage | PageError]:
    """Pages held in one blob (a file's content, stdin, a string)."""
    if input_format == "jsonl":
        lines = data.splitlines(keepends=True)
        yield from _jsonl_pages(lines, source, url, published, max_bytes)
        return
    if len(data) > max_bytes:
        yield _too_large(source, url, data, max_bytes)
        return
    if input_format in ("dated-text", "auto"):
        chunks = split_dated(data)
        if chunks:
            many = len(chunks) > 1
            for n, chunk in enumerate(chunks, 1):
                # Each page keeps its "date ..." line: extract reads the date (and time) from it.
                yield RawPage(content=chunk, source=f"{source}#{n}" if many else source,
                              format="dated-text", url=url, date=published)
            return
    # Empty, binary or undecodable content is for extract to judge and report.
    yield RawPage(content=data, source=source, format=input_format, url=url, date=published)


def _too_large(source: str, url: str | None, data, max_bytes: int) -> PageError:
    return PageError(source=source, reason=f"page too large (over {max_bytes:,} bytes)",
                     step="read", url=url, id=content_hash(data[:max_bytes]))


def split_dated(data: bytes | str) -> list[bytes | str]:
    """Split a dated-text corpus into pages, each starting with its date line.

    Returns [] unless the first non-blank line is a date line. Works on bytes, since
    the date lines are ASCII in any encoding a scraper writes (UTF-8, cp1252, ...).
    """
    is_bytes = isinstance(data, bytes)
    pattern = _DATE_LINE_B if is_bytes else _DATE_LINE
    bom = b"\xef\xbb\xbf" if is_bytes else "\ufeff"
    head = data[len(bom):] if data.startswith(bom) else data
    if not pattern.match(head.lstrip()):
        return []
    starts = [m.start() for m in pattern.finditer(data)]
    starts[0] = 0  # anything before the first date line (a BOM, blank lines) stays with it
    return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]


def _looks_like_jsonl(data: bytes) -> bool:
    """Stdin has no name: treat it as JSON Lines if its first line is a page object."""
    first = data.lstrip()[:1]
    if first != b"{":
        return False
    line = data.lstrip().split(b"\n", 1)[0]
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    return isinstance(obj, dict) and ("html" in obj or "text" in obj)


def _jsonl_pages(lines, source, url, published, max_bytes) -> Iterator[RawPage | PageError]:
    for lineno, line in enumerate(lines, 1):
        where = f"{source}:{lineno}"
        if len(line) > max_bytes:
            yield _too_large(where, url, line, max_bytes)
            continue
        if not line.strip():
            continue  # blank lines separate nothing: not an error
        page, reason = _jsonl_page(line, where, url, published)
        yield page if page is not None else PageError(source=where, reason=reason, step="read",
                                                      url=url, id=content_hash(line))


def _jsonl_page(line, where, url, published) -> tuple[RawPage | None, str]:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"invalid JSON: {exc}"
    if not isinstance(obj, dict):
        return None, "a JSONL line must be an object with 'html' or 'text'"
    html, text = obj.get("html"), obj.get("text")
    content = html if html is not None else text
    if not isinstance(content, str):
        return None, "missing 'html' or 'text' string"
    fmt = obj.get("format") or ("html" if html is not None else "auto")
    if fmt not in _PAGE_FORMATS:
        return None, f"unknown format {fmt!r} (one of {', '.join(_PAGE_FORMATS)})"
    for key in ("url", "date", "title", "outlet", "author"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return None, f"'{key}' must be a string"
    # The corpus's outlet and author fill in only where the page names none (extract).
    hints = {k: obj[k] for k in ("outlet", "author") if obj.get(k)} or None
    return RawPage(content=content, source=where, format=fmt, url=url or obj.get("url"),
                   date=published or obj.get("date"), title=obj.get("title") or None,
                   hints=hints), ""
