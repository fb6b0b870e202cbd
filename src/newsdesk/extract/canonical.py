"""The URL an HTML page gives for itself: ``<link rel="canonical">``, else ``og:url``.

Used when the page came without a URL (a saved file): the article then keeps its address, and
its id is the URL's (so the same story saved twice is one article). A syndicated copy points
its canonical URL at the original on another site ("Danube Courier" carrying an Eastline Post
story): that URL is not the copy's own, so ``names_site`` refuses it when the page's site name
does not match the URL's host.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .templates import host_of


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


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def names_site(outlet: str | None, url: str | None) -> bool:
    """True unless ``outlet`` clearly names another site than ``url``'s host: the host's
    main label must hold the name's letters, be held in them, or start with its initials
    ("The Harbor Ledger" ~ harborledger.example, "New York Times" ~ nytimes.com)."""
    host = host_of(url)
    if not outlet or not host:
        return True
    parts = [p for p in host.split(".") if p not in ("m", "amp", "edition", "news")]
    label = parts[-3] if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "gov", "ac") \
        else parts[-2] if len(parts) >= 2 else parts[0]
    words = [w for w in re.findall(r"[A-Za-z0-9]+", outlet) if w.lower() != "the"]
    name = _letters("".join(words))
    initials = "".join(w[0] for w in words).lower()
    return bool(name) and (label in name or name in label or (len(initials) >= 2 and label.startswith(initials)))
