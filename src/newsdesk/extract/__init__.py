"""Extraction: a raw page (HTML, scraped text, clean text) becomes an Article."""
from __future__ import annotations

from ..model import Article, RawPage, article_id


def extract(page: RawPage) -> Article:
    """Turn one raw page into an Article (placeholder: text passes through)."""
    text = page.content.decode("utf-8", "replace") if isinstance(page.content, bytes) else page.content
    return Article(id=article_id(page.url, text), text=text, url=page.url,
                   published=page.date, source=page.source)
