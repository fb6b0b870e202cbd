"""URLs as the watcher stores them: one spelling per page, and what a source said about it.

``normalise`` makes the spelling: scheme and host lower-case, default port, fragment and
tracking parameters (``utm_*``, ``fbclid``, ``gclid`` ...) dropped, the other query
parameters kept in their order. Two links to one page then meet in the frontier.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["Link", "normalise", "origin", "host_of", "resolve", "TRACKING"]

# Query parameters that say who sent the reader, not which page it is.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|"
                      r"_ga|_gl|igshid|ref_src|cmpid|ocid)$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class Link:
    """An article URL as a feed or sitemap gives it, with its hints (None: not said)."""

    url: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    lastmod: str | None = None

    def hints(self) -> dict[str, str]:
        return {k: v for k, v in (("title", self.title), ("published", self.published),
                                  ("author", self.author)) if v}


def normalise(url: str) -> str | None:
    """The one spelling of ``url`` (http or https only), or None if it is not a web URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING.match(k)], doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def resolve(base: str, href: str | None) -> str | None:
    """``href`` as found on the page at ``base``, made absolute and normalised."""
    if not href or not href.strip():
        return None
    return normalise(urljoin(base, href.strip()))


def origin(url: str) -> str:
    """scheme://host[:port]: what robots.txt and politeness are kept per."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
