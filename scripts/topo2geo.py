#!/usr/bin/env python3
"""Convert world-atlas's TopoJSON country shapes to the GeoJSON file the web page ships.

The basemap data is Natural Earth (public domain), as packaged by the npm package
world-atlas (https://github.com/topojson/world-atlas). Run once when updating it:

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python scripts/topo2geo.py /tmp/package/countries-110m.json \
        src/newsdesk/web/static/countries-110m.geojson

Coordinates are rounded to two decimals (about 1 km, plenty for a 110m-scale map). Shapes
crossing the antimeridian are unwrapped (longitudes may exceed ±180) and drawn twice, so a
flat (equirectangular) projection needs no clipping logic.
"""
from __future__ import annotations

import json
import sys


def decode_arcs(topo: dict) -> list[list[list[float]]]:
    """Absolute lon/lat coordinates of every arc (undoing quantisation and delta coding)."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append([x * sx + tx, y * sy + ty])
        else:
            points = [list(p[:2]) for p in arc]
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """Stitch arcs into one ring; a negative index ~i means arc i reversed."""
    out: list[list[float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points if not out else points[1:])  # arcs share their end points
    return [[round(x, 2), round(y, 2)] for x, y in out]


def unwrap(ring: list[list[float]]) -> list[list[float]]:
    """Make a ring's longitudes continuous where it crosses the antimeridian (Fiji, Chukotka):
    179 → -179 becomes 179 → 181, so a flat projection draws no line across the map."""
    out, shift = [ring[0]], 0.0
    for (x0, _), (x, y) in zip(ring, ring[1:]):
        if x - x0 > 180:
            shift -= 360
        elif x0 - x > 180:
            shift += 360
        out.append([round(x + shift, 2), y])
    return out


def polygons(rings: list[list[list[float]]]) -> list[list[list[list[float]]]]:
    """One polygon, or two when it crosses the antimeridian: the unwrapped shape and its copy
    a turn away, so each side of the map shows its part. A ring around a pole (Antarctica)
    does not close when unwrapped and is kept as it is."""
    unwrapped = [unwrap(r) for r in rings]
    if any(abs(r[0][0] - r[-1][0]) > 1e-6 for r in unwrapped):
        return [rings]
    xs = [x for r in unwrapped for x, _ in r]
    if max(xs) <= 180 and min(xs) >= -180:
        return [rings]
    turn = -360 if max(xs) > 180 else 360
    copy = [[[round(x + turn, 2), y] for x, y in r] for r in unwrapped]
    return [unwrapped, copy]


def geometry(geom: dict, arcs) -> dict | None:
    kind = geom.get("type")
    if kind == "Polygon":
        polys = [[ring(r, arcs) for r in geom["arcs"]]]
    elif kind == "MultiPolygon":
        polys = [[ring(r, arcs) for r in poly] for poly in geom["arcs"]]
    else:
        return None  # null geometries and anything else carry no shape
    out = [p for poly in polys for p in polygons(poly)]
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def convert(topo: dict, layer: str = "countries") -> dict:
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"][layer]["geometries"]:
        shape = geometry(geom, arcs)
        if shape is None:
            continue
        features.append({"type": "Feature", "id": geom.get("id"),
                         "properties": {"name": (geom.get("properties") or {}).get("name")},
                         "geometry": shape})
    return {"type": "FeatureCollection",
            "source": "Natural Earth 1:110m countries via world-atlas 2 (public domain)",
            "features": features}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        topo = json.load(fh)
    with open(argv[2], "w", encoding="utf-8") as fh:
        json.dump(convert(topo), fh, ensure_ascii=False, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
