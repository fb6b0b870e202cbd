"""One name per outlet: a site name read from the pages wins over a name made from the host.

A page that names its site (``og:site_name``, JSON-LD publisher, a copyright line) gives its
outlet as the site calls itself ("Meridian Wire"); a page that does not (a feed's bare text)
falls back on its host ("meridianwire.example"). ``OutletBook`` learns, per host, the names
read from pages and renames the host-named articles of that host, so one outlet is not
listed twice. Events and statements attributed to the old name follow.
"""
from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator

from ..model import Article, PageError
from .templates import host_of

HOLD = 256  # records held back, at most, behind an article waiting for its host's site name


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_host_name(outlet: str | None, url: str | None) -> bool:
    """True when ``outlet`` is only the URL's host ("meridianwire.example", "www.x.org")."""
    host = host_of(url)
    if not outlet or not host:
        return not outlet
    name = outlet.strip().lower().removeprefix("www.")
    return name == host or _letters(name) == _letters(host)


class OutletBook:
    """Site names by host, learned from the articles going through."""

    def __init__(self):
        self.names: dict[str, Counter] = {}

    def learn(self, article: Article) -> None:
        host = host_of(article.url)
        if host and article.outlet and not is_host_name(article.outlet, article.url):
            self.names.setdefault(host, Counter())[article.outlet] += 1

    def name_for(self, url: str | None) -> str | None:
        names = self.names.get(host_of(url) or "")
        return max(names, key=lambda n: (names[n], n)) if names else None

    def resolve(self, article: Article) -> bool:
        """Give a host-named article its host's site name; True when it was renamed."""
        if not is_host_name(article.outlet, article.url):
            return False
        name = self.name_for(article.url)
        if not name:
            return False
        old, article.outlet = article.outlet, name
        if old:
            for ev in article.events:
                if ev.attributed_to == old:
                    ev.attributed_to = name
            for st in article.statements:
                if st.source == old:
                    st.source = name
        return True

    def _waiting(self, rec) -> bool:
        """A host-named article whose host has no site name yet (renamed now if it has)."""
        return (isinstance(rec, Article) and bool(host_of(rec.url))
                and is_host_name(rec.outlet, rec.url) and not self.resolve(rec))

    def unify(self, records: Iterable[Article | PageError]) -> Iterator[Article | PageError]:
        """The records in their order, host-named articles renamed. From an article whose
        host has no site name yet, records are held back (at most HOLD) until its name is
        read or the stream ends, so the order of the pages does not decide the name."""
        buffer: deque = deque()
        for rec in records:
            if isinstance(rec, Article):
                self.learn(rec)
            buffer.append(rec)
            while buffer and (len(buffer) > HOLD or not self._waiting(buffer[0])):
                yield buffer.popleft()
        yield from buffer
