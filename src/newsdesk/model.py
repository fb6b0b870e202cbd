"""The one data model every step reads and writes.

Spans are character offsets into ``Article.text`` (``start`` inclusive, ``end``
exclusive), so ``article.text[e.start:e.end] == e.text`` holds for every record.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

INPUT_FORMATS = ("auto", "html", "text", "dated-text", "jsonl", "clean")
FACTUALITY = ("asserted", "negated", "planned", "predicted", "hypothetical", "uncertain")
# how an event was found (Event.method)
EVENT_METHODS = ("pattern", "classifier")
# how a statement was found (Statement.method): cue lexicon and dependency rules
STATEMENT_METHODS = ("pattern",)
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)


@dataclass
class RawPage:
    """One page as a source read it, before extraction."""

    content: str | bytes
    source: str = "-"            # where it came from: a path, "path:line", a URL
    format: str = "auto"         # one of INPUT_FORMATS (never "jsonl": sources unpack those)
    url: str | None = None
    date: str | None = None      # publication date given by the corpus (overrides the page)
    title: str | None = None     # headline given by the corpus (a feed's title field)
    # what a feed or sitemap said (title, published, author): used only where the page is silent
    hints: dict[str, str] | None = None
    fetched: str | None = None   # when it was fetched or archived (ISO 8601), not its publication


@dataclass
class Entity:
    text: str
    label: str
    start: int
    end: int
    canonical: str
    role: str | None = None


@dataclass
class Place:
    text: str
    start: int
    end: int
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    kind: str | None = None      # "country", "city", "admin1", "region"


# How precisely a place is located (the API's ``precision``): a map shades a country or a
# first-level division as an area, marks a city or a finer point, and does not draw a region
# (a world region or a union of countries has no point of its own).
PRECISIONS = ("point", "city", "division", "country", "region")
_PRECISION_OF_KIND = {"country": "country", "admin1": "division", "city": "city", "region": "region"}


def place_precision(kind: str | None, lat: float | None = None) -> str | None:
    """The precision of a place of this ``kind`` (Place.kind); "point" for a located place of
    no known kind, None for an unlocated one."""
    if kind in _PRECISION_OF_KIND:
        return _PRECISION_OF_KIND[kind]
    return "point" if lat is not None else None


@dataclass
class TimeRef:
    text: str
    start: int
    end: int
    value: str                   # TIMEX3 value: 2022-12-15, 2023-SP, 2000, P3D
    type: str = "DATE"           # TIMEX3 type: DATE, TIME, DURATION, SET


@dataclass
class Quantity:
    text: str
    start: int
    end: int
    value: float
    unit: str | None = None
    approximate: bool = False


@dataclass
class Statement:
    source: str | None
    source_start: int | None
    source_end: int | None
    cue: str
    cue_start: int
    cue_end: int
    content: str
    content_start: int
    content_end: int
    kind: str                    # "direct" or "reported"
    date: str | None = None      # TIMEX3 value of when it was said
    venue: str | None = None     # "The Economist" in "in an interview with The Economist"
    method: str = "pattern"
    # estimated probability that the record is right, in [0, 1] (enrich.confidence); None:
    # not scored (a record stored before confidence existed)
    confidence: float | None = None


@dataclass
class Event:
    type: str                    # PLOVER event type
    trigger: str
    start: int
    end: int
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    place: str | None = None
    time: str | None = None      # TIMEX3 value
    time_inferred: bool = False  # True when time is the publication date, not a date in the text
    factuality: str = "asserted"
    attributed_to: str | None = None
    mode: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    # "pattern": a trigger of the PLOVER lexicon with its dependency rules; "classifier": a
    # sentence no pattern covered, typed by the learned classifier (less precise: filter on it)
    method: str = "pattern"
    confidence: float | None = None  # as Statement.confidence
    # the trigger's head lemma ("struck" -> "strike", "will meet" -> "meet"): what linking
    # compares across articles (None in records made before it: the trigger's last word)
    lemma: str | None = None


@dataclass
class Article:
    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None     # ISO 8601
    byline: list[str] = field(default_factory=list)
    language: str | None = None
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str | None = None        # where the page was read from

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        d = dict(d)
        for key, kind, names in _parts():
            d[key] = [kind(**{k: v for k, v in r.items() if k in names}) for r in d.get(key) or []]
        names = _field_names(cls)
        return cls(**{k: v for k, v in d.items() if k in names})


_NAMES: dict[type, frozenset] = {}


def _field_names(kind: type) -> frozenset:
    """A dataclass's field names, found once per class (``from_dict`` runs per stored
    article a linking run reads)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = frozenset(f.name for f in dataclasses.fields(kind))
    return names


def _parts() -> list[tuple[str, type, frozenset]]:
    return [(key, kind, _field_names(kind)) for key, kind in (
        ("entities", Entity), ("places", Place), ("times", TimeRef), ("quantities", Quantity),
        ("statements", Statement), ("events", Event))]


@dataclass
class PageError:
    """A page that could not be processed: kept, with the reason, so nothing is lost."""

    source: str
    reason: str
    step: str = "extract"
    id: str = ""
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def article_id(url: str | None, text: str) -> str:
    """Stable id: the same page (same URL, or same body when no URL) always gets the same id."""
    key = ("url:" + url.strip()) if url else ("text:" + " ".join(text.split()))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
