"""The URL an HTML page gives for itself: ``<link rel="canonical">``, else ``og:url``.

Used when the page came without a URL (a saved file): the article then keeps its address, and
its id is the URL's (so the same story saved twice is one article).
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit


def _absolute(href: str | None, base: str | None) -> str | None:
    href = (href or "").strip()
    if not href:
        return None
    if base:
        href = urljoin(base, href)
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in href):
        return None  # relative without a base, javascript:, a typo: no URL rather than a wrong one
    return href


def canonical_url(tree, meta: dict[str, str], base: str | None = None) -> str | None:
    """The page's canonical http(s) URL (relative ones resolved against ``base``), or None."""
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            url = _absolute(link.get("href"), base)
            if url:
                return url
    return _absolute(meta.get("og:url"), base)
