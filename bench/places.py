"""Toponym resolution on GeoWebNews (Gritta et al. 2019), read in place from shared/.

For each of the 200 articles, newsdesk's 'entities' + 'places' steps run on the article text
and the places are compared with the gold toponyms that carry a GeoNames id:

  * recall: gold toponyms (with geonamesID) overlapped by a predicted place;
  * precision: predicted places overlapping a gold toponym (a place type, or any toponym
    with a geonamesID); F1 from the two;
  * acc161: share of matched gold toponyms whose predicted coordinates lie within 161 km
    (100 miles) of the gold's; exact: share whose predicted GeoNames id equals the gold's;
  * unresolved: share of predicted GPE/LOC/FAC entities the gazetteer could not resolve
    (``run`` returns its complement, ``places_resolved``, so that higher is better); it counts
    the model's false toponyms (streets, buildings, names mislabelled GPE) too;
  * unresolved (gold): share of gold toponyms with a GeoNames id that newsdesk recognised as
    a GPE/LOC/FAC entity but could not resolve, among those it recognised (``run`` returns
    the complement, ``places_gold_resolved``).

Mordecai 3's published figures (accuracy within 161 km 94.1 %, exact GeoNames match 90.1 %)
are printed beside ours for comparison; they are measured on resolved toponyms as here.

    python bench/places.py            # table
    python bench/places.py --json     # also the metrics as JSON
    python bench/places.py --half odd # only the articles of odd index (1, 3, ...; or "even")
    python bench/places.py --errors   # also the misses on the studied folds (0 and 2)

Beside the full set, every figure is also given on the held-out folds (articles whose index
% 4 is 1 or 3; ``places_heldout_*``), on which nothing is studied (see bench/_shared.py).
"""
from __future__ import annotations

import json
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

PLACE_TYPES = {"Literal", "Metonymic", "Mixed", "Literal_Modifier", "Non_Literal_Modifier",
               "Embedded_Literal", "Embedded_Non_Lit", "Coercion"}
PUBLISHED = {"places_acc161": 0.941, "places_exact": 0.901}


sys.path.insert(0, str(HERE))
from _shared import HELDOUT_FOLDS, STUDIED_FOLDS, clean_article, in_folds, shared_dir  # noqa: E402


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def load(shared: Path) -> list[dict]:
    root = ET.parse(shared / "bench" / "geowebnews" / "GWN.xml").getroot()
    docs = []
    for art in root.findall("article"):
        gold = []
        for tp in art.find("toponyms") or []:
            gid = tp.findtext("geonamesID")
            lat, lon = tp.findtext("latitude"), tp.findtext("longitude")
            gold.append({
                "start": int(tp.findtext("start")), "end": int(tp.findtext("end")),
                "type": tp.findtext("type"), "name": tp.findtext("extractedName"),
                "geonameid": int(gid) if gid else None,
                "lat": float(lat) if lat else None, "lon": float(lon) if lon else None,
            })
        docs.append({"id": art.get("file"), "text": art.findtext("text") or "", "gold": gold})
    return docs




def run(shared: Path, limit: int | None = None, half: str | None = None) -> dict[str, float]:
    """Metrics over the first ``limit`` articles, or over the articles of odd or even index
    (``half`` = "odd" / "even", counting from 0 in GWN.xml order), and the same figures on
    the held-out folds (``places_heldout_*``, see bench/_shared.py)."""
    docs, arts = enrich(shared, limit, half)
    m = score(docs, arts)
    if half is None:
        held = score(in_folds(docs, HELDOUT_FOLDS), in_folds(arts, HELDOUT_FOLDS))
        m.update({k.replace("places_", "places_heldout_", 1): v for k, v in held.items()
                  if k in HELDOUT_KEYS})
        studied = score(in_folds(docs, STUDIED_FOLDS), in_folds(arts, STUDIED_FOLDS))
        m.update({k.replace("places_", "places_studied_", 1): v for k, v in studied.items()
                  if k in HELDOUT_KEYS})
    return m


HELDOUT_KEYS = ("places_recall", "places_precision", "places_f1", "places_acc161", "places_exact",
                "places_resolved", "places_gold_resolved", "places_gold_toponyms")


def enrich(shared: Path, limit: int | None = None, half: str | None = None):
    """(gold documents, enriched Articles) in GWN.xml order."""
    from newsdesk.enrich import Enricher

    docs = load(shared)[:limit]
    if half is not None:
        if half not in ("odd", "even"):
            raise ValueError(f"half must be 'odd' or 'even', not {half!r}")
        docs = docs[1 if half == "odd" else 0::2]
    enr = Enricher(steps=["entities", "places"])
    arts = list(enr.enrich_many([clean_article(d["text"], d["id"]) for d in docs]))
    return docs, arts


def score(docs: list[dict], arts: list, errors: list | None = None) -> dict[str, float]:
    """The metrics of enriched ``arts`` against ``docs``; misses appended to ``errors``."""
    n_gold = n_found = n_pred = n_pred_ok = 0
    n_close = n_exact = n_with_coords = 0
    errors_km: list[float] = []
    n_topo_ents = n_unresolved = 0
    n_gold_unresolved = 0   # gold toponyms recognised as GPE/LOC/FAC but left unresolved
    for d, art in zip(docs, arts):
        gold = [g for g in d["gold"] if g["geonameid"]]
        any_topo = [g for g in d["gold"] if g["geonameid"] or g["type"] in PLACE_TYPES]
        places = art.places
        for p in places:
            n_pred += 1
            if any(p.start < g["end"] and g["start"] < p.end for g in any_topo):
                n_pred_ok += 1
        for g in gold:
            n_gold += 1
            hit = [p for p in places if p.start < g["end"] and g["start"] < p.end]
            if not hit:
                if any(e.label in ("GPE", "LOC", "FAC") and e.start < g["end"] and g["start"] < e.end
                       for e in art.entities):
                    n_gold_unresolved += 1
                    if errors is not None:
                        errors.append((d["id"], g, None, None))
                continue
            n_found += 1
            p = max(hit, key=lambda p: min(p.end, g["end"]) - max(p.start, g["start"]))
            if p.geonameid == g["geonameid"]:
                n_exact += 1
            if p.lat is not None and g["lat"] is not None:
                n_with_coords += 1
                km = haversine_km(p.lat, p.lon, g["lat"], g["lon"])
                errors_km.append(km)
                if km <= 161:
                    n_close += 1
                elif errors is not None:
                    errors.append((d["id"], g, p, km))
        resolved = {(p.start, p.end) for p in places}
        for e in art.entities:
            if e.label in ("GPE", "LOC", "FAC"):
                n_topo_ents += 1
                if (e.start, e.end) not in resolved:
                    n_unresolved += 1
    rec = n_found / n_gold if n_gold else 0.0
    prec = n_pred_ok / n_pred if n_pred else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "places_recall": rec,
        "places_precision": prec,
        "places_f1": f1,
        "places_acc161": n_close / n_found if n_found else 0.0,
        "places_exact": n_exact / n_found if n_found else 0.0,
        # share of GPE/LOC/FAC entities the gazetteer resolved (1 - the unresolved share;
        # returned this way round so that, like every gated metric, higher is better)
        "places_resolved": 1 - n_unresolved / n_topo_ents if n_topo_ents else 0.0,
        # over gold toponyms (with a GeoNames id) that newsdesk recognised as a place
        # entity: the share it resolved to coordinates
        "places_gold_resolved": (n_found / (n_found + n_gold_unresolved)
                                 if n_found + n_gold_unresolved else 0.0),
        "places_gold_toponyms": float(n_gold),
        # error distance over matched toponyms with coordinates (km; lower is better, not gated)
        "places_mean_km": statistics.fmean(errors_km) if errors_km else 0.0,
        "places_median_km": statistics.median(errors_km) if errors_km else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "geowebnews" / "GWN.xml").exists():
        print("shared/bench/geowebnews absent: places benchmark skipped")
        return 0
    half = argv[argv.index("--half") + 1] if "--half" in argv else None
    t = time.perf_counter()
    m = run(shared, half=half)
    secs = time.perf_counter() - t
    print(f"GeoWebNews toponym resolution ({int(m['places_gold_toponyms'])} gold toponyms "
          f"with a GeoNames id{', ' + half + ' articles' if half else ''}, {secs:.0f} s)")
    held = "places_heldout_acc161" in m
    print(f"{'metric':<22}{'newsdesk':>10}{'held-out':>10}{'Mordecai 3':>12}{'studied':>9}")
    for k, v in m.items():
        if k in ("places_gold_toponyms", "places_mean_km", "places_median_km") \
                or "_heldout_" in k or "_studied_" in k:
            continue
        ref = PUBLISHED.get(k)
        h = m.get(k.replace("places_", "places_heldout_", 1)) if held else None
        st = m.get(k.replace("places_", "places_studied_", 1))
        print(f"{k:<22}{v:>10.3f}{(f'{h:.3f}' if h is not None else '-'):>10}"
              f"{(f'{ref:.3f}' if ref is not None else '-'):>12}{(f'{st:.3f}' if st is not None else '-'):>9}")
    print(f"{'mean error (km)':<22}{m['places_mean_km']:>10.1f}{'-':>10}{'-':>12}")
    print(f"{'median error (km)':<22}{m['places_median_km']:>10.1f}{'-':>10}{'-':>12}")
    for label, key in (("unresolved share", "resolved"), ("unresolved (gold)", "gold_resolved")):
        h = f"{1 - m['places_heldout_' + key]:.3f}" if held else "-"
        print(f"{label:<22}{1 - m['places_' + key]:>10.3f}{h:>10}{'-':>12}")
    if held:
        print(f"held-out: folds {HELDOUT_FOLDS} of {int(m['places_heldout_gold_toponyms'])} gold toponyms "
              "(articles whose GWN.xml index % 4 is 1 or 3)")
    if "--json" in argv:
        print(json.dumps(m, indent=2))
    if "--errors" in argv:   # the studied folds only: the held-out folds stay unread
        docs, arts = enrich(shared)
        errs: list = []
        score(in_folds(docs, STUDIED_FOLDS), in_folds(arts, STUDIED_FOLDS), errs)
        for doc_id, g, p, km in errs:
            got = "unresolved" if p is None else f"{p.name} ({p.country}, {p.kind}, {km:.0f} km)"
            print(f"{doc_id}\t{g['name']}\t{g['geonameid']}\t{got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
