"""Feeds: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed 1.0/1.1, and feed discovery.

``parse_feed`` turns a feed document into ``Link``s carrying the feed's hints (title,
publication date, author); ``discover_feeds`` finds the feeds a homepage announces with
``<link rel="alternate">``. Both only read bytes: fetching is ``sources.fetch``'s job.
"""
from __future__ import annotations

import io
import json
import time
from calendar import timegm
from datetime import datetime, timezone

from .urls import Link, resolve

__all__ = ["parse_feed", "discover_feeds", "looks_like_feed", "FEED_TYPES"]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/feed+json", "application/json")


def looks_like_feed(data: bytes) -> str | None:
    """"json", "xml" (RSS, RDF or Atom) or None, from the first bytes of a document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") and b"jsonfeed.org" in data[:4096]:
        return "json"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "xml"
    return None


def parse_feed(data: bytes, base_url: str) -> list[Link]:
    """Article links of a feed, in feed order; links that are not web URLs are dropped."""
    if looks_like_feed(data) == "json":
        return _json_feed(data, base_url)
    import feedparser
    # A stream, never a str: feedparser would fetch a str that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url})
    links = []
    for entry in parsed.entries:
        url = resolve(base_url, entry.get("link") or _alternate(entry))
        if url is None:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(Link(url=url, title=_clean(entry.get("title")), published=_iso(stamp),
                          author=_clean(entry.get("author"))))
    return links


def _alternate(entry) -> str | None:
    for link in entry.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _iso(stamp: time.struct_time | None) -> str | None:
    if not stamp:
        return None
    try:
        return datetime.fromtimestamp(timegm(stamp), timezone.utc).isoformat(timespec="seconds")
    except (OverflowError, ValueError):
        return None


def _clean(value) -> str | None:
    return " ".join(str(value).split()) or None if value else None


def _json_feed(data: bytes, base_url: str) -> list[Link]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return []
    items = doc.get("items") if isinstance(doc, dict) else None
    links = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        url = resolve(base_url, _str(item.get("url")) or _str(item.get("external_url")))
        if url is None:
            continue
        # 1.1 has "authors", 1.0 had one "author".
        people = item.get("authors") or doc.get("authors") or [item.get("author") or doc.get("author")]
        names = [_str(p.get("name")) for p in people if isinstance(p, dict)]
        links.append(Link(url=url, title=_clean(_str(item.get("title"))),
                          published=_str(item.get("date_published")) or _str(item.get("date_modified")),
                          author=", ".join(n for n in names if n) or None))
    return links


def _str(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs a page announces (``<link rel="alternate" type="application/rss+xml" ...>``)."""
    from lxml import html as lhtml
    try:
        doc = lhtml.document_fromstring(html)
    except Exception:  # lxml raises several kinds on empty or broken markup
        return []
    found = []
    for el in doc.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        kind = (el.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = resolve(base_url, el.get("href"))
            if url and url not in found:
                found.append(url)
    return found
