"""Sitemaps: ``urlset`` (with ``lastmod`` and Google News ``news:`` fields), nested
``sitemapindex``, gzipped or not. Only reads bytes; fetching is ``sources.fetch``'s job."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from .urls import Link, resolve

__all__ = ["Sitemap", "parse_sitemap", "looks_like_sitemap", "gunzip", "MAX_SITEMAP_BYTES"]

# The sitemaps protocol caps a file at 50 MB uncompressed.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass
class Sitemap:
    links: list[Link] = field(default_factory=list)      # pages (urlset)
    sitemaps: list[str] = field(default_factory=list)    # nested sitemaps (sitemapindex)


def gunzip(data: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """``data`` decompressed if it is gzip (by its magic number), at most ``limit`` bytes."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit + 1)
    if len(out) > limit:
        raise ValueError(f"gzipped sitemap over {limit:,} bytes once decompressed")
    return out


def looks_like_sitemap(data: bytes) -> bool:
    head = gunzip(data[:65536]) if not data.startswith(b"\x1f\x8b") else gunzip(data)[:4096]
    return b"<urlset" in head[:4096] or b"<sitemapindex" in head[:4096]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(data: bytes, base_url: str) -> Sitemap:
    """Pages and nested sitemaps of a sitemap document (gzipped or not)."""
    from lxml import etree
    data = gunzip(data)
    # No entities, no network, no huge trees: a sitemap is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return Sitemap()
    out = Sitemap()
    if root is None:
        return out
    kind = _local(root.tag)
    for entry in root:
        fields: dict[str, str] = {}
        for child in entry.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date", "title") and child.text and name not in fields:
                fields[name] = child.text.strip()
        url = resolve(base_url, fields.get("loc"))
        if url is None:
            continue
        if kind == "sitemapindex":
            out.sitemaps.append(url)
        elif kind == "urlset":
            out.links.append(Link(url=url, title=fields.get("title"),
                                  published=fields.get("publication_date"), lastmod=fields.get("lastmod")))
    return out
