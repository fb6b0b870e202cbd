"""Site templates learned across pages: what recurs on a host's pages is its boilerplate.

One page alone cannot always tell a site's standing blurb ("The Harbour Times is owned by
its readers ...") from reporting: both are well-formed prose inside the article markup. Across
several pages of the same host the difference is plain: reporting changes, the template
does not. A ``TemplateProfile`` counts, per line fingerprint, on how many distinct pages of
one host the line appears; a line seen on ``min_pages`` pages or more is template, and
``extract(page, profile=...)`` drops it from the body.

    profiles = learn(pages)                        # {host: TemplateProfile}
    art = extract(page, profile=profiles.get(host_of(page.url)))
    saved = profile.to_dict()                      # plain JSON-serialisable dict
    profile = TemplateProfile.from_dict(saved)

Lines are fingerprinted (the line with its whitespace normalised, hashed), so a profile holds
no page text and stays small; storing it is the caller's business. Only a line that recurs
verbatim is template: a daily report whose pages differ only in their figures ("Russia has
lost 1,040 troops") is reporting, every page of it. And a template never eats an article:
it is not applied to a page where it would remove the only substantial paragraphs or more
than ``MAX_STRIP_SHARE`` of the text (``TemplateSet.apply`` says so in a warning).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..model import RawPage

__all__ = ["TemplateProfile", "TemplateSet", "TemplateBook", "learn", "host_of", "fingerprint", "page_lines"]

VERSION = 2            # 2: verbatim lines (version 1 folded digits, eating daily figure reports)
MIN_PAGES = 3          # a line on this many distinct pages of a host is template ...
MIN_SHARE = 0.1        # ... and on this share of them: background paragraphs that a few
                       # stories of one host repeat (a war's start date) are reporting, not chrome
MAX_LINES = 50_000     # fingerprints kept per host (the rarest are forgotten first)
MAX_SEEN = 2_000       # page digests remembered, so that a page learned twice counts once
MAX_STRIP_SHARE = 2 / 3  # a template removing more of a page's text than this is not applied
SUBSTANTIAL_WORDS = 10  # a paragraph this long is reporting a template must leave some of
_WORD = re.compile(r"\w")


def host_of(url: str | None) -> str | None:
    """'https://www.Example.org/a' -> 'example.org' (None without a usable host)."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    host = host.removeprefix("www.")
    return host or None


def fingerprint(line: str) -> str | None:
    """A line's identity across pages: the line verbatim, whitespace normalised, hashed
    ('12 comments' and '3 comments' are two lines). None for a line without words."""
    if not _WORD.search(line):
        return None
    norm = " ".join(line.split())
    return hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def page_lines(page: RawPage | str | bytes) -> list[str]:
    """A page's visible lines, as extraction sees them: one per block element for HTML,
    one per line for text."""
    from . import sniff_format
    from .guard import decode

    content = page.content if isinstance(page, RawPage) else page
    fmt = (page.format if isinstance(page, RawPage) else None) or "auto"
    if isinstance(content, bytes):
        head = content[:5000].decode("latin-1").lower()
        text = decode(content, html=fmt == "html" or "<html" in head or "<body" in head or "<meta" in head)
    else:
        text = content
    if fmt == "auto":
        fmt = sniff_format(text)
    if fmt == "html":
        from .html import _html_to_lines, _parse
        tree = _parse(text)
        text = _html_to_lines(tree) if tree is not None else ""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _substantial(para: str) -> bool:
    return len(para.split()) >= SUBSTANTIAL_WORDS


def apply_template(body: str, is_template, sep: str = "\n\n") -> tuple[str, int, str | None]:
    """(body without its template paragraphs, how many were dropped, a warning or None).

    The template is not applied (body unchanged, a warning saying why) when it would leave
    no substantial paragraph of a page that had one, or remove more than MAX_STRIP_SHARE of
    the text: a site's chrome is a small part of its pages, so such a match is the page's
    own reporting recurring (a daily report's set phrasing)."""
    paras = body.split(sep) if body else []
    kept = [p for p in paras if not is_template(p)]
    if len(kept) == len(paras):
        return body, 0, None
    removed = sum(len(p) for p in paras) - sum(len(p) for p in kept)
    total = max(1, sum(len(p) for p in paras))
    if not any(map(_substantial, kept)) and any(map(_substantial, paras)):
        why = "it would leave no substantial paragraph"
    elif removed > MAX_STRIP_SHARE * total:
        why = f"it would remove {removed / total:.0%} of the text"
    else:
        return sep.join(kept), len(paras) - len(kept), None
    return body, 0, f"site template not applied: {why}"


def _strip(body: str, is_template, sep: str) -> tuple[str, int]:
    text, dropped, _warning = apply_template(body, is_template, sep)
    return text, dropped


class TemplateProfile:
    """Per-host counts of line fingerprints over distinct pages."""

    def __init__(self, host: str | None = None, min_pages: int = MIN_PAGES):
        if min_pages < 2:
            raise ValueError("min_pages must be at least 2: a line on one page is that page's own")
        self.host = host
        self.min_pages = min_pages
        self.pages = 0
        self.counts: dict[str, int] = {}
        self._seen: list[str] = []

    # -- learning ------------------------------------------------------------------------
    def update(self, pages: Iterable[RawPage | str | bytes]) -> int:
        """Learn from a batch of pages of this host; returns how many were new. Pages of
        another host (by URL) and pages already learned are skipped; a page that cannot be
        read (binary, undecodable) is skipped too."""
        from .guard import ExtractionError

        learned = 0
        for page in pages:
            if isinstance(page, RawPage) and self.host and page.url and host_of(page.url) != self.host:
                continue
            try:
                lines = page_lines(page)
            except ExtractionError:
                continue
            fps = {fp for fp in map(fingerprint, lines) if fp}
            if not fps:
                continue
            # The page's identity is its exact text (digits folded only in line fingerprints).
            digest = hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            if digest in self._seen:
                continue
            self._seen.append(digest)
            del self._seen[:-MAX_SEEN]
            for fp in fps:
                self.counts[fp] = self.counts.get(fp, 0) + 1
            self.pages += 1
            learned += 1
        if len(self.counts) > MAX_LINES:
            keep = sorted(self.counts.items(), key=lambda kv: -kv[1])[:MAX_LINES]
            self.counts = dict(keep)
        return learned

    # -- use -----------------------------------------------------------------------------
    def is_template(self, line: str) -> bool:
        fp = fingerprint(line)
        return fp is not None and self._template_count(self.counts.get(fp, 0))

    def _template_count(self, count: int) -> bool:
        return count >= self.min_pages and count >= MIN_SHARE * self.pages

    def frozen(self) -> "TemplateSet":
        """The template fingerprints alone: small, read-only, cheap to send to a worker."""
        return TemplateSet(self.host, frozenset(fp for fp, c in self.counts.items() if self._template_count(c)))

    def strip(self, body: str, sep: str = "\n\n") -> tuple[str, int]:
        """(body without its template paragraphs, how many were dropped)."""
        return _strip(body, self.is_template, sep)

    def apply(self, body: str, sep: str = "\n\n") -> tuple[str, int, str | None]:
        """See ``apply_template``."""
        return apply_template(body, self.is_template, sep)

    @property
    def template_lines(self) -> int:
        return sum(1 for c in self.counts.values() if self._template_count(c))

    # -- storage -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"version": VERSION, "host": self.host, "min_pages": self.min_pages, "pages": self.pages,
                "lines": dict(self.counts), "seen": list(self._seen)}

    @classmethod
    def from_dict(cls, data: dict) -> "TemplateProfile":
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError(f"not a template profile of version {VERSION}")
        prof = cls(data.get("host"), int(data.get("min_pages", MIN_PAGES)))
        prof.pages = int(data.get("pages", 0))
        prof.counts = {str(k): int(v) for k, v in (data.get("lines") or {}).items()}
        prof._seen = [str(x) for x in (data.get("seen") or [])][-MAX_SEEN:]
        return prof

    def __repr__(self) -> str:
        return (f"TemplateProfile(host={self.host!r}, pages={self.pages}, "
                f"template_lines={self.template_lines}, min_pages={self.min_pages})")


def learn(pages: Iterable[RawPage], min_pages: int = MIN_PAGES,
          profiles: dict[str, TemplateProfile] | None = None) -> dict[str, TemplateProfile]:
    """Profiles per host from a batch of pages (pages without a URL host are skipped);
    pass earlier ``profiles`` to update them in place."""
    profiles = {} if profiles is None else profiles
    by_host: dict[str, list[RawPage]] = {}
    for page in pages:
        host = host_of(page.url)
        if host:
            by_host.setdefault(host, []).append(page)
    for host, batch in by_host.items():
        prof = profiles.get(host)
        if prof is None:
            prof = profiles[host] = TemplateProfile(host, min_pages)
        prof.update(batch)
    return profiles


class TemplateSet:
    """A profile's template lines, frozen: what extraction needs, nothing it does not."""

    __slots__ = ("host", "fingerprints")

    def __init__(self, host: str | None, fingerprints: frozenset[str]):
        self.host = host
        self.fingerprints = fingerprints

    def is_template(self, line: str) -> bool:
        return fingerprint(line) in self.fingerprints

    def strip(self, body: str, sep: str = "\n\n") -> tuple[str, int]:
        """(body without its template paragraphs, how many were dropped)."""
        return _strip(body, self.is_template, sep)

    def apply(self, body: str, sep: str = "\n\n") -> tuple[str, int, str | None]:
        """See ``apply_template``."""
        return apply_template(body, self.is_template, sep)

    def __len__(self) -> int:
        return len(self.fingerprints)

    def __repr__(self) -> str:
        return f"TemplateSet(host={self.host!r}, lines={len(self.fingerprints)})"


class TemplateBook:
    """Profiles of every host seen, learned page by page as a stream goes through.

    ``observe(page)`` learns from a page before it is extracted; ``for_page(page)`` gives the
    frozen template lines of its host (None until a line qualifies). ``changed`` names the
    hosts learned since the book was loaded, so a store saves only those.
    """

    def __init__(self, profiles: dict[str, TemplateProfile] | None = None, min_pages: int = MIN_PAGES):
        self.profiles: dict[str, TemplateProfile] = dict(profiles or {})
        self.min_pages = min_pages
        self.changed: set[str] = set()
        self._frozen: dict[str, TemplateSet] = {}

    def observe(self, page: RawPage) -> bool:
        """Learn from one page; False when it has no host or was learned before."""
        host = host_of(page.url) if isinstance(page, RawPage) else None
        if not host:
            return False
        prof = self.profiles.get(host)
        if prof is None:
            prof = self.profiles[host] = TemplateProfile(host, self.min_pages)
        if not prof.update([page]):
            return False
        self.changed.add(host)
        self._frozen.pop(host, None)
        return True

    def for_host(self, host: str | None) -> TemplateSet | None:
        if not host or host not in self.profiles:
            return None
        frozen = self._frozen.get(host)
        if frozen is None:
            frozen = self._frozen[host] = self.profiles[host].frozen()
        return frozen or None

    def for_page(self, page: RawPage) -> TemplateSet | None:
        return self.for_host(host_of(page.url)) if isinstance(page, RawPage) else None

    def to_dicts(self, hosts: Iterable[str] | None = None) -> dict[str, dict]:
        """{host: profile dict} for ``hosts`` (default: all), for a store to save."""
        hosts = self.profiles if hosts is None else hosts
        return {h: self.profiles[h].to_dict() for h in hosts if h in self.profiles}

    @classmethod
    def from_dicts(cls, data: dict[str, dict], min_pages: int = MIN_PAGES) -> "TemplateBook":
        """A book from stored profile dicts; a profile of another version is dropped (relearned)."""
        profiles = {}
        for host, d in (data or {}).items():
            try:
                profiles[host] = TemplateProfile.from_dict(d)
            except (ValueError, TypeError):
                continue
        return cls(profiles, min_pages)

    def __len__(self) -> int:
        return len(self.profiles)

    def __repr__(self) -> str:
        return f"TemplateBook(hosts={len(self.profiles)}, changed={len(self.changed)})"
