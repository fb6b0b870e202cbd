"""Export what a store holds, filtered like the API: ``newsdesk export`` and ``newsdesk.export()``.

what: articles (full records: text and every annotation in JSON Lines; the article fields
in CSV and Parquet), events, or statements (the store contract's items). Formats:

- jsonl: one JSON object per line.
- csv: one row per record, a header first; lists (actors, targets, byline) as JSON.
- geojson: events only, a FeatureCollection of Point features ([lon, lat]) for the events
  whose place has coordinates; the other fields are the feature's properties.
- parquet: one row per record, typed columns, lists as list<string>; needs pyarrow
  (``pip install 'newsdesk[parquet]'``).

Records come out in the store's order (newest article first), read page by page.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from ..model import Event, Statement
from .base import Filters
from .links import article_links_many

FORMATS = ("jsonl", "csv", "geojson", "parquet")
WHAT = ("articles", "events", "statements")
# the link stage's records (store.links), as JSON Lines only; article filters do not apply
LINK_WHAT = ("stories", "incidents")
PAGE = 500

ARTICLE_FIELDS = [("id", "str"), ("url", "str"), ("outlet", "str"), ("title", "str"),
                  ("published", "str"), ("language", "str"), ("byline", "list"), ("text", "str"),
                  ("story_id", "str"), ("duplicate_of", "str")]
FROM_ARTICLE = [("article_id", "str"), ("outlet", "str"), ("title", "str"), ("published", "str")]


class ExportError(Exception):
    """An export that cannot be made (unknown format, geojson of articles, no pyarrow)."""


def _kind(annotation: str) -> str:
    a = str(annotation)
    for key in ("list", "float", "bool", "int"):
        if a.startswith(key) or (key != "list" and key in a):
            return key
    return "str"


def fields_of(what: str) -> list[tuple[str, str]]:
    """(name, kind) of the columns of an export; kind is str, int, float, bool or list."""
    if what == "articles":
        return ARTICLE_FIELDS
    model = Event if what == "events" else Statement
    cols = [(f.name, _kind(f.type)) for f in dataclasses.fields(model)] + FROM_ARTICLE
    if what == "events":
        cols += [("lat", "float"), ("lon", "float"), ("country", "str"), ("precision", "str")]
    return cols


def records(store, what: str, f: Filters, full: bool = False) -> Iterator[dict[str, Any]]:
    """Every record matching f, page by page. Articles are full Article dicts when ``full``."""
    if what not in WHAT:
        raise ExportError(f"cannot export {what!r}: choose one of {', '.join(WHAT)}")
    method = getattr(store, what)
    offset = 0
    while True:
        page = method(f, limit=PAGE, offset=offset)
        linked = article_links_many(store, [i["id"] for i in page.items]) if what == "articles" else {}
        for item in page.items:
            if what == "articles":
                article = store.get(item["id"])
                if article is None:  # deleted meanwhile
                    continue
                d = article.to_dict() | linked[item["id"]]
                yield d if full else {k: d.get(k) for k, _ in ARTICLE_FIELDS}
            else:
                yield item
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def _csv_value(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _feature(event: dict[str, Any]) -> dict[str, Any] | None:
    if event.get("lat") is None or event.get("lon") is None:
        return None
    props = {k: v for k, v in event.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [event["lon"], event["lat"]]},
            "properties": props}


def _parquet_table(rows: list[dict[str, Any]], what: str):
    try:
        import pyarrow as pa
    except ImportError:
        raise ExportError("parquet export needs pyarrow: pip install 'newsdesk[parquet]'") from None
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "list": pa.list_(pa.string())}
    cols = fields_of(what)
    schema = pa.schema([(name, types[kind]) for name, kind in cols])
    data = {}
    for name, kind in cols:
        values = [r.get(name) for r in rows]
        if kind == "bool":
            values = [None if v is None else bool(v) for v in values]
        data[name] = values
    return pa.table(data, schema=schema)


def export(store, out: IO | str | None = None, format: str = "jsonl", what: str = "articles",
           filters: Filters | None = None) -> int:
    """Write the records of ``store`` matching ``filters`` to ``out`` (a path, a file
    object, or None for stdout); returns how many were written (geojson: features)."""
    f = filters or Filters()
    if format not in FORMATS:
        raise ExportError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
    if what not in WHAT + LINK_WHAT:
        raise ExportError(f"cannot export {what!r}: choose one of {', '.join(WHAT + LINK_WHAT)}")
    if what in LINK_WHAT and format != "jsonl":
        raise ExportError(f"{what} export as jsonl only")
    if format == "geojson" and what != "events":
        raise ExportError("geojson holds events (points on a map): use --what events")
    if format == "parquet":
        try:  # fail before reading anything
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise ExportError("parquet export needs pyarrow: pip install 'newsdesk[parquet]'") from None
    binary = format == "parquet"
    close = False
    if out is None or out == "-":
        fh = sys.stdout.buffer if binary else sys.stdout
    elif isinstance(out, (str, bytes)) or hasattr(out, "__fspath__"):
        fh = open(out, "wb" if binary else "w", encoding=None if binary else "utf-8",
                  newline=None if binary else "")
        close = True
    else:
        fh = out
    try:
        return _write(store, fh, format, what, f)
    finally:
        if close:
            fh.close()


def _link_records(store, what: str) -> Iterator[dict[str, Any]]:
    from . import links
    read = links.stories if what == "stories" else links.incidents
    offset = 0
    while True:
        page = read(store, limit=500, offset=offset)
        yield from page
        if len(page) < 500:
            return
        offset += 500


def _write(store, fh, format: str, what: str, f: Filters) -> int:
    n = 0
    if what in LINK_WHAT:
        for rec in _link_records(store, what):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    elif format == "jsonl":
        for rec in records(store, what, f, full=True):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    elif format == "csv":
        names = [name for name, _ in fields_of(what)]
        writer = csv.DictWriter(fh, fieldnames=names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for rec in records(store, what, f):
            writer.writerow({k: _csv_value(rec.get(k)) for k in names})
            n += 1
    elif format == "geojson":
        # Streamed: the collection is written feature by feature, never held whole.
        fh.write('{"type": "FeatureCollection", "features": [')
        for rec in records(store, what, f):
            feature = _feature(rec)
            if feature is not None:
                fh.write(("\n" if n == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
                n += 1
        fh.write("\n]}\n")
    else:  # parquet
        import pyarrow.parquet as pq
        rows = list(records(store, what, f))
        table = _parquet_table(rows, what)
        if hasattr(fh, "seek") and hasattr(fh, "fileno") and fh not in (sys.stdout.buffer,):
            pq.write_table(table, fh)
        else:
            buf = io.BytesIO()
            pq.write_table(table, buf)
            fh.write(buf.getvalue())
        n = len(rows)
    if hasattr(fh, "flush"):
        fh.flush()
    return n
