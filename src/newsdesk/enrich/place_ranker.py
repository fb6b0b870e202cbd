"""Learned choice among a toponym's gazetteer candidates (the 'places' step's ranker).

Each candidate of a mention gets a feature vector (``features``): its population, kind and
whether the name is its own or an alternate one; what the rest of the article says
(countries and first-level divisions it names, the country it names most, how far the
candidate lies from the article's unambiguous places); an adjacent qualifier ("Paris,
Texas"); how ambiguous the name is; the entity label. A linear model scores the vectors and
the mention takes the best candidate (a conditional logit: softmax over one mention's
candidates). The weights are fitted by ``scripts/train_place_ranker.py`` on the studied folds
of GeoWebNews and shipped as ``newsdesk/data/place_ranker.json`` (a few hundred bytes),
loaded once per process.

``TRACE``: when a list, every choice appends ``(start, end, candidates, feature rows)`` to
it (the training script reads the decisions the production code makes).
"""
from __future__ import annotations

import functools
import json
import math
import re
from typing import NamedTuple

from .gazetteer import GazEntry, Gazetteer, haversine_km, norm
from .resolve import data_path

VERSION = 1
FEATURES = (
    "log_pop", "country", "region", "admin1", "city", "primary", "exact_name",
    "ctx_country", "ctx_country_seen", "main_country", "ctx_admin1",
    "qual_country", "qual_admin1", "near_km", "no_anchor", "within_161",
    "small_town", "tiny_town", "largest", "ambiguous_city",
    "loc_region", "loc_city", "fac_city", "abbr_state",
)
_INDEX = {n: i for i, n in enumerate(FEATURES)}
_ABBR = re.compile(r"(?:[A-Z]\.){1,3}|[A-Z]{2,4}")

TRACE: list | None = None


class DocContext(NamedTuple):
    """What the rest of the article says about where it is."""
    countries: dict[str, int]             # ISO2 -> mentions (names, demonyms, unique cities)
    admin1: dict[str, int]                # "CC.A1" -> mentions of the division
    main_country: str | None              # the country named most
    anchors: dict[str, tuple[float, float]]  # norm(name) -> point of an unambiguous place


def doc_context(gaz: Gazetteer, ents) -> DocContext:
    counts: dict[str, int] = {}
    admin1: dict[str, int] = {}
    anchors: dict[str, tuple[float, float]] = {}
    for e in ents:
        iso = None
        if e.label in ("GPE", "LOC"):
            cands = gaz.lookup(e.text)
            prim = [c for c in cands if c.primary]
            if cands and cands[0].kind == "country":
                iso = cands[0].country
            elif len(cands) == 1 and cands[0].country:
                iso = cands[0].country
            if e.label == "GPE" and cands and cands[0].kind == "admin1" and cands[0].admin1:
                key = f"{cands[0].country}.{cands[0].admin1}"
                admin1[key] = admin1.get(key, 0) + 1
            # a place the name leaves no doubt about: one own-name candidate, or a country
            one = prim[0] if len(prim) == 1 else (cands[0] if cands and cands[0].kind == "country" else None)
            if one is not None and one.lat is not None and one.kind != "region":
                anchors[norm(e.text)] = (float(one.lat), float(one.lon))
        elif e.label == "NORP":
            iso = gaz.iso_of_demonym(e.text)
        if iso:
            counts[iso] = counts.get(iso, 0) + 1
    main = max(counts, key=lambda k: counts[k]) if counts else None
    return DocContext(counts, admin1, main, anchors)


def features(c: GazEntry, cands: list[GazEntry], ctx: DocContext, qual: set[str], text: str,
             label: str) -> list[float]:
    f = [0.0] * len(FEATURES)

    def put(name: str, value: float = 1.0) -> None:
        f[_INDEX[name]] = value

    put("log_pop", math.log10(c.population + 10) / 7)
    put(c.kind)
    put("primary", float(c.primary))
    put("exact_name", float(norm(c.name) == norm(text)))
    n = ctx.countries.get(c.country or "", 0)
    put("ctx_country", min(n, 4) / 4)
    put("ctx_country_seen", float(n > 0))
    put("main_country", float(c.country is not None and c.country == ctx.main_country))
    if c.admin1 and c.kind == "city":
        put("ctx_admin1", float(ctx.admin1.get(f"{c.country}.{c.admin1}", 0) > 0))
        put("qual_admin1", float(f"{c.country}.{c.admin1}" in qual))
    put("qual_country", float(bool(c.country) and c.country in qual))
    own = norm(text)
    pts = [p for k, p in ctx.anchors.items() if k != own]
    if pts and c.lat is not None:
        km = min(haversine_km(float(c.lat), float(c.lon), a, b) for a, b in pts)
        put("near_km", math.log1p(km) / 10)
        put("within_161", float(km <= 161))
    else:
        put("no_anchor")
    if c.kind == "city":
        put("small_town", float(c.population < 15_000))
        put("tiny_town", float(c.population < 5_000))
        put("ambiguous_city", math.log(sum(1 for x in cands if x.kind == "city")) / 3)
    put("largest", float(c.population >= max(x.population for x in cands)))
    if label == "LOC":
        put("loc_region", float(c.kind == "region"))
        put("loc_city", float(c.kind == "city"))
    if label == "FAC":
        put("fac_city", float(c.kind == "city"))
    if _ABBR.fullmatch(text.strip()):
        put("abbr_state", float(c.kind in ("country", "admin1")))
    return f


@functools.lru_cache(maxsize=None)
def weights() -> tuple[float, ...]:
    """The shipped weights, in FEATURES order (loaded once per process)."""
    data = json.loads(data_path("place_ranker.json").read_text(encoding="utf-8"))
    if data.get("version") != VERSION or tuple(data["features"]) != FEATURES:
        raise RuntimeError("newsdesk/data/place_ranker.json does not match place_ranker.FEATURES: "
                           "rebuild it with scripts/train_place_ranker.py")
    return tuple(float(w) for w in data["weights"])


def choose(cands: list[GazEntry], ctx: DocContext, qual: set[str], text: str, label: str,
           start: int = -1, end: int = -1) -> GazEntry:
    """The best of a mention's candidates under the learned model."""
    rows = [features(c, cands, ctx, qual, text, label) for c in cands]
    if TRACE is not None:
        TRACE.append((start, end, list(cands), rows))
    w = weights()
    best_i = max(range(len(cands)), key=lambda i: sum(a * b for a, b in zip(w, rows[i])))
    return cands[best_i]
