"""Input partitions: a corpus cut into pieces a worker reads by itself.

A partition names its input, never holds it: a group of small files, or a byte range of a
large uncompressed JSON Lines file (cut at line starts). Planning reads only file sizes
and, for a cut JSONL file, a few bytes at each cut; a worker reads its partition alone.
A partition's id depends on its files (path, size, modification time) and range, so the
same input planned again gives the same ids (a rerun knows what is finished).

Pages of a partition carry the sources one process would give them: a JSONL range is
told the number of lines before it (``first_line``), counted by the workers
(``count_lines``) before the pages are read.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import PageError, RawPage
from ..sources import JSONL_SUFFIXES, MAX_PAGE_BYTES, _jsonl_pages, _walk, read_pages

__all__ = ["Partition", "plan_partitions", "read_partition", "count_lines"]

FILES_PER_PARTITION = 8
PARTITION_BYTES = 64 * 1024 * 1024  # a JSONL file larger than this is cut into ranges


@dataclass(frozen=True)
class Partition:
    """Files read whole (``files``), or one JSONL file's bytes ``[start, end)``."""

    id: str
    files: tuple[str, ...]
    start: int | None = None
    end: int | None = None
    first_line: int = 0         # lines of the file before ``start`` (set before reading)
    index: int = field(default=0, compare=False)  # position in the plan

    @property
    def is_range(self) -> bool:
        return self.start is not None

    @property
    def label(self) -> str:
        if self.is_range:
            return f"{self.files[0]}[{self.start}:{self.end}]"
        return self.files[0] if len(self.files) == 1 else f"{self.files[0]} (+{len(self.files) - 1} files)"


def _ident(files: list[str], start=None, end=None) -> str:
    h = hashlib.sha1()
    for f in files:
        try:
            st = os.stat(f)
            stamp = f"{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            stamp = "missing"
        h.update(f"{os.path.abspath(f)}\x1f{stamp}\x1e".encode("utf-8", "surrogateescape"))
    h.update(f"{start}:{end}".encode())
    return h.hexdigest()[:20]


def _is_plain_jsonl(path: str, input_format: str) -> bool:
    if input_format not in ("auto", "jsonl"):
        return False
    if input_format == "auto" and not path.lower().endswith(JSONL_SUFFIXES):
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(2) != b"\x1f\x8b"  # gzip cannot be cut
    except OSError:
        return False


def _line_start(fh, pos: int) -> int:
    """The first line start at or after ``pos``."""
    if pos == 0:
        return 0
    fh.seek(pos - 1)
    if fh.read(1) == b"\n":
        return pos
    fh.readline()
    return fh.tell()


def _cuts(path: str, size: int, part_bytes: int) -> list[tuple[int, int]]:
    with open(path, "rb") as fh:
        starts = sorted({_line_start(fh, p) for p in range(0, size, part_bytes)})
    starts = [s for s in starts if s < size] or [0]
    return list(zip(starts, starts[1:] + [size]))


def plan_partitions(paths: list[str], input_format: str = "auto",
                    files_per_partition: int = FILES_PER_PARTITION,
                    partition_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """Partitions of ``paths`` (files, directories walked as ``read_pages`` walks them), in
    input order. Consecutive small files are grouped; a large plain JSONL file is cut."""
    out: list[Partition] = []
    group: list[str] = []

    def flush():
        if group:
            out.append(Partition(_ident(group), tuple(group)))
            group.clear()

    for path in paths:
        if path == "-":
            raise ValueError("stdin cannot be partitioned: give files or directories")
        p = Path(path)
        files = [str(f) for f in _walk(p)] if p.is_dir() else [str(p)]
        for f in files:
            try:
                size = os.path.getsize(f)
            except OSError:
                size = 0
            if size > partition_bytes and _is_plain_jsonl(f, input_format):
                flush()
                for a, b in _cuts(f, size, partition_bytes):
                    out.append(Partition(_ident([f], a, b), (f,), a, b))
                continue
            group.append(f)
            if len(group) >= files_per_partition:
                flush()
    flush()
    return [replace(p, index=i) for i, p in enumerate(out)]


def count_lines(part: Partition) -> int:
    """Lines in a JSONL range (0 for a partition of whole files)."""
    if not part.is_range:
        return 0
    n, left = 0, part.end - part.start
    with open(part.files[0], "rb") as fh:
        fh.seek(part.start)
        while left > 0:
            block = fh.read(min(left, 1 << 20))
            if not block:
                break
            n += block.count(b"\n")
            left -= len(block)
    return n


def _range_lines(path: str, start: int, end: int, max_bytes: int) -> Iterator[bytes]:
    from ..sources import _bounded_lines
    with open(path, "rb") as fh:
        fh.seek(start)
        yield from _bounded_lines(fh, max_bytes, end)


def read_partition(part: Partition, input_format: str = "auto", url: str | None = None,
                   published: str | None = None,
                   max_bytes: int = MAX_PAGE_BYTES) -> Iterator[RawPage | PageError]:
    """The pages of a partition, as ``read_pages`` gives them for the same input."""
    if not part.is_range:
        yield from read_pages(list(part.files), input_format=input_format, url=url,
                              published=published, max_bytes=max_bytes)
        return
    path = part.files[0]
    pages = _jsonl_pages(_range_lines(path, part.start, part.end, max_bytes), path, url,
                         published, max_bytes)
    for page in pages:
        # _jsonl_pages numbers lines from 1 within the range: shift to the file's numbering.
        head, _, num = page.source.rpartition(":")
        if head == path and num.isdigit():
            page.source = f"{path}:{int(num) + part.first_line}"
        yield page
