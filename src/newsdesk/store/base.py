"""The contract every store (SQLite, PostgreSQL) meets; the API, web page and exports use only this."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Article, PageError


@dataclass
class Filters:
    """Filters shared by the API, the web page and ``newsdesk export``. None means "any".

    q: full-text query over title and body; outlet: exact outlet name; since/until:
    ISO dates on the publication date (inclusive); entity: canonical entity name;
    place: place name; event_type: PLOVER type; factuality: event factuality;
    source: statement source or event ``attributed_to`` (canonical name); method: how events
    were found ("pattern" or "classifier": ``pattern`` keeps only trigger-lexicon events);
    min_confidence: events and statements whose ``confidence`` is at least this (records
    stored unscored, confidence NULL, are kept); it filters records, not articles.
    """

    q: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    entity: str | None = None
    place: str | None = None
    event_type: str | None = None
    factuality: str | None = None
    source: str | None = None
    method: str | None = None
    min_confidence: float | None = None


@dataclass
class Page:
    """One page of results: ``items`` sorted stably, ``total`` over all pages.

    ``total_is_estimate``: the store stopped counting at its ``count_cap`` (a store opened
    by the API counts at most that many matches; others count exactly): there are at least
    ``total`` matches, and pages past it may still hold some."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    total_is_estimate: bool = False


class Store(Protocol):
    """Write once, read many; every method is safe to call on an empty store."""

    def add(self, record: Article | PageError, commit: bool = True) -> str: ...
    def add_many(self, records: Iterable[Article | PageError]) -> Iterator[str]: ...
    def get(self, article_id: str) -> Article | None: ...
    def counts(self) -> dict[str, Any]: ...
    def errors(self, limit: int = 50) -> list[dict[str, Any]]: ...
    def templates(self, hosts: Iterable[str] | None = None) -> dict[str, dict]:
        """Stored site-template profiles by host (extract.templates.TemplateProfile dicts)."""
    def save_templates(self, profiles: dict[str, dict]) -> None:
        """Store (replace) site-template profiles by host."""

    # Queries. Articles: newest first, then id. Records: by article (newest first), then offset.
    def articles(self, f: Filters, limit: int = 20, offset: int = 0) -> Page:
        """Items: id, url, outlet, title, published, snippet (a highlighted excerpt when f.q)."""
    def events(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: the Event fields plus article_id, outlet, title, published, lat, lon, country."""
    def statements(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: the Statement fields plus article_id, outlet, title, published."""
    def entities(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: canonical, label, mentions, articles; most mentioned first."""
    def places(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: name, country, lat, lon, geonameid, mentions, articles; most mentioned first."""
    def timeline(self, f: Filters) -> list[dict[str, Any]]:
        """Event counts per day and type: [{date, type, count}], by date then type."""
    def facets(self, f: Filters) -> dict[str, Any]:
        """Counts of matching articles by outlet, event_type and factuality: {name: [{value,
        count}]}, and ``is_estimate`` (True: counts estimated from a sample, as a store with
        ``count_cap`` set does for many matches)."""
