"""Web archives: WARC and ARC files, gzipped or not (warcio), as pages.

An HTML ``response`` record with status 200 becomes a RawPage with the record's target URI
and capture date (``fetched``: when it was archived, not when it was published). Other
records (requests, metadata, revisits, warcinfo, resources, non-HTML or non-200
responses) are skipped and counted, never errors; an unreadable archive gives one error
record and ends that file.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

from ..model import PageError, RawPage
from .urls import normalise

__all__ = ["read_warc", "is_archive_name", "WARC_SUFFIXES"]

log = logging.getLogger("newsdesk.sources")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML = re.compile(r"^\s*(text/html|application/xhtml\+xml)\b", re.I)


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def read_warc(fh: BinaryIO, source: str, max_bytes: int, counts: Counter | None = None
              ) -> Iterator[RawPage | PageError]:
    """Pages of the archive open in ``fh`` (binary, gzipped or not); ``counts`` gets one
    count per record kind: "page", or the reason a record was skipped."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    total = Counter() if counts is None else counts
    counts = Counter()  # this pass's; added to ``total`` at the end
    n = 0
    try:
        for record in ArchiveIterator(fh, arc2warc=True):
            n += 1
            kind = _skip_reason(record)
            if kind:
                counts[kind] += 1
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            url = normalise(uri) or uri or None
            where = f"{source}#{n}"
            data = record.content_stream().read(max_bytes + 1)
            if len(data) <= max_bytes and getattr(record.raw_stream, "limit", 0) > 0:
                # the block ends before its Content-Length: the archive is cut short
                yield PageError(source=where, reason=f"truncated record: {record.raw_stream.limit:,} "
                                                     "bytes missing", step="read", url=url)
                counts["truncated"] += 1
                continue
            if len(data) > max_bytes:
                counts["too large"] += 1
                yield PageError(source=where, reason=f"page too large (over {max_bytes:,} bytes)",
                                step="read", url=url)
                continue
            counts["page"] += 1
            yield RawPage(content=data, source=where, format="html", url=url,
                          fetched=record.rec_headers.get_header("WARC-Date"))
    except ArchiveLoadFailed as exc:
        if not counts["page"] and _rewind_gzip(fh):
            # gzipped as one stream, not record by record: read it through gzip instead
            import gzip
            yield from read_warc(gzip.GzipFile(fileobj=fh, mode="rb"), source, max_bytes, total)
            return
        yield PageError(source=source, reason=f"cannot read archive after {n} records: {exc}".strip(),
                        step="read")
    except (ValueError, EOFError, OSError) as exc:
        yield PageError(source=source, reason=f"cannot read archive after {n} records: {exc}".strip(),
                        step="read")
    total.update(counts)
    skipped = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()) if k != "page")
    log.info("%s: %d records, %d pages%s", source, n, counts["page"], f"; skipped {skipped}" if skipped else "")


def _rewind_gzip(fh) -> bool:
    """Back to the start of a seekable gzip stream; False if ``fh`` is not one."""
    try:
        fh.seek(0)
        magic = fh.read(2)
        fh.seek(0)
    except (OSError, AttributeError, ValueError):
        return False
    return magic == b"\x1f\x8b"


def _skip_reason(record) -> str | None:
    if record.rec_type != "response":
        return record.rec_type or "unknown record"
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP {status}"
    if not _HTML.match(record.http_headers.get_header("Content-Type") or ""):
        return "non-HTML"
    return None
