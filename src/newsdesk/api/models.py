"""Request and response models of the HTTP API (they make /openapi.json and /docs useful).

List items follow the store contract (``newsdesk.store.base``); unknown extra keys a store
adds are passed through rather than dropped.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..model import EVENT_METHODS, FACTUALITY, PLOVER_TYPES, PRECISIONS

COUNT_CAP = 10_000  # the API counts at most this many matches (total_is_estimate beyond)

PAGE_FORMATS = ("auto", "html", "text", "dated-text", "clean")

EventType = Literal[PLOVER_TYPES]  # type: ignore[valid-type]
Factuality = Literal[FACTUALITY]  # type: ignore[valid-type]
EventMethod = Literal[EVENT_METHODS]  # type: ignore[valid-type]
PageFormat = Literal[PAGE_FORMATS]  # type: ignore[valid-type]
Precision = Literal[PRECISIONS]  # type: ignore[valid-type]
_PRECISION = ("how precisely the place is located: point, city, division (first-level), "
              "country or region (a world region or a union: no point of its own)")


_CONFIDENCE = ("estimated probability that the record is right (calibrated on the gold sets, "
               "bench/calibration.py); null: stored before records were scored")


class _Item(BaseModel):
    model_config = ConfigDict(extra="allow")


class ArticleItem(_Item):
    id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = Field(None, description="publication date, ISO 8601")
    snippet: str | None = Field(None, description="an excerpt, plain text; the query's words "
                                                  "in [brackets] when q is given")
    snippet_html: str | None = Field(None, description="the excerpt HTML-escaped, the query's "
                                                       "words in <mark>")
    story_id: str | None = Field(None, description="its story (null until linked)")
    duplicate_of: str | None = Field(None, description="the first-seen article it copies "
                                                       "(null for an original)")


class FacetValue(BaseModel):
    value: str | None
    count: int


class Facets(_Item):
    outlet: list[FacetValue] = []
    event_type: list[FacetValue] = []
    factuality: list[FacetValue] = []


class _Page(BaseModel):
    total: int = Field(description="matching records over all pages (at least this many "
                                   "when total_is_estimate)")
    total_is_estimate: bool = Field(False, description="counting stopped at the server's cap "
                                                       f"({COUNT_CAP} matches)")
    limit: int
    offset: int


class ArticlesPage(_Page):
    items: list[ArticleItem]
    facets: Facets | None = Field(None, description="counts of matching articles by outlet, event "
                                                    "type and factuality (with facets=true)")


class _FromArticle(_Item):
    article_id: str
    outlet: str | None = None
    title: str | None = None
    published: str | None = None


class EventItem(_FromArticle):
    type: str = Field(description="PLOVER event type")
    trigger: str
    start: int = Field(description="char offset of the trigger in the article text")
    end: int
    actors: list[str] = []
    targets: list[str] = []
    place: str | None = None
    time: str | None = Field(None, description="TIMEX3 value")
    factuality: str = "asserted"
    attributed_to: str | None = None
    mode: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    method: str = Field("pattern", description="pattern (trigger lexicon) or classifier (a sentence "
                                               "no pattern covered, typed by the learned classifier)")
    confidence: float | None = Field(None, ge=0.0, le=1.0, description=_CONFIDENCE)
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    precision: Precision | None = Field(None, description=_PRECISION)


class EventsPage(_Page):
    items: list[EventItem]


class StatementItem(_FromArticle):
    source: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue: str
    cue_start: int
    cue_end: int
    content: str
    content_start: int
    content_end: int
    kind: str = Field(description='"direct" or "reported"')
    date: str | None = None
    venue: str | None = None
    method: str = Field("pattern", description="pattern (cue lexicon and dependency rules)")
    confidence: float | None = Field(None, ge=0.0, le=1.0, description=_CONFIDENCE)


class StatementsPage(_Page):
    items: list[StatementItem]


class EntityItem(_Item):
    canonical: str
    label: str | None = None
    mentions: int
    articles: int


class EntitiesPage(_Page):
    items: list[EntityItem]


class PlaceItem(_Item):
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    kind: str | None = Field(None, description="country, admin1, city or region (gazetteer kind)")
    precision: Precision | None = Field(None, description=_PRECISION)
    mentions: int
    articles: int


class PlacesPage(_Page):
    items: list[PlaceItem]


class TimelineItem(_Item):
    date: str = Field(description="day, YYYY-MM-DD")
    type: str = Field(description="PLOVER event type")
    count: int


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[lon, lat]", min_length=2, max_length=2)


class EventFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: PointGeometry
    properties: EventItem


class EventCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[EventFeature]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    store: str = Field(description="backend: sqlite or postgresql")
    writable: bool = Field(description="whether POST /api/pages is enabled (a token is configured)")
    open_reads: bool
    counts: dict[str, int] | None = Field(None, description="row counts (omitted when reads need a token)")


class PageIn(BaseModel):
    """One page to ingest: like a line of a JSONL corpus."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=4096, description="the page's URL")
    html: str | None = Field(None, description="the page as HTML")
    text: str | None = Field(None, description="the page as text (scraped, clean or dated)")
    date: str | None = Field(None, max_length=40,
                             description="publication date, ISO 8601 (overrides the page's)")
    format: PageFormat | None = Field(None, description="how to read the page (default: html for "
                                                        "html, auto for text)")

    @field_validator("date")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            (date if len(value) == 10 else datetime).fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date: {value!r} (e.g. 2024-03-05)") from None
        return value

    @model_validator(mode="after")
    def _one_body(self) -> "PageIn":
        if (self.html is None) == (self.text is None):
            raise ValueError("give exactly one of 'html' or 'text'")
        return self


class PageResult(BaseModel):
    source: str
    status: Literal["added", "skipped", "error"]
    id: str | None = None
    url: str | None = None
    title: str | None = None
    step: str | None = Field(None, description="the step that failed (errors only)")
    reason: str | None = Field(None, description="why the page failed (errors only)")


class IngestResult(BaseModel):
    added: int
    skipped: int
    errors: int
    results: list[PageResult]


class ErrorOut(BaseModel):
    detail: str | list | dict
