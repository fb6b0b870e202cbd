"""Reruns that skip what is stored: a page's key, and a page stream without the stored pages.

A page is stored once it became an article; the store remembers its key
(``stored_pages``). A rerun after a crash, or over a folder that grew, looks the keys up
before extraction, so stored pages cost a hash, not a pass through the pipeline. Pages
that failed are not remembered: they are tried again.
"""
from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from .model import PageError, RawPage

__all__ = ["page_key", "Unstored"]


def page_key(page: RawPage) -> str:
    """What makes a page the same page: its bytes and what the input says about it (format,
    URL, date, title), since each of those can change the article made from it."""
    h = hashlib.sha1()
    for part in (page.format or "", page.url or "", page.date or "", page.title or ""):
        h.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
    content = page.content
    h.update(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return h.hexdigest()


class Unstored:
    """Iterate ``pages`` without those ``store`` holds already; ``keys`` then gives, in step
    with the pipeline's records (one per page, in order), the key of each page let through.

        unstored = Unstored(pages, store)
        records = executor.run(unstored)
        store.add_many(records, keys=unstored.keys())
        unstored.skipped  # pages skipped as stored
    """

    def __init__(self, pages: Iterable[RawPage | PageError], store, lookahead: int = 32):
        self.pages = iter(pages)
        self.store = store
        self.lookahead = lookahead
        self.skipped = 0
        self._keys: deque[str | None] = deque()

    def __iter__(self) -> Iterator[RawPage | PageError]:
        while chunk := list(islice(self.pages, self.lookahead)):
            keys = [page_key(p) if isinstance(p, RawPage) else None for p in chunk]
            stored = self.store.stored_pages([k for k in keys if k])
            for page, key in zip(chunk, keys):
                if key is not None and key in stored:
                    self.skipped += 1
                    continue
                self._keys.append(key)
                yield page

    def keys(self) -> Iterator[str | None]:
        while True:
            yield self._keys.popleft() if self._keys else None
