"""newsdesk export / newsdesk.export(): every format, filters, paging, errors."""
from __future__ import annotations

import csv
import io
import json

import pytest

import newsdesk
from newsdesk.cli import main
from newsdesk.store import Filters, open_store
from newsdesk.store import export as export_mod
from newsdesk.store.export import ExportError, export
from test_store_contract import ALL, corpus  # the contract tests' small corpus


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "nd.db")
    with open_store(path) as s:
        for a in corpus():
            s.add(a)
    return path


@pytest.fixture
def store(db):
    with open_store(db) as s:
        yield s


def test_jsonl_articles_are_full_records_newest_first(store):
    out = io.StringIO()
    assert export(store, out) == 6
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in recs] == ALL
    a1 = next(r for r in recs if r["id"] == "a1")
    assert a1["entities"][0]["canonical"] == "Ingrid Dahl" and a1["events"][0]["type"] == "PROTEST"
    assert newsdesk.Article.from_dict(a1) == corpus()[0]


def test_jsonl_events_and_statements_with_filters(store):
    out = io.StringIO()
    assert export(store, out, what="events", filters=Filters(event_type="PROTEST")) == 3
    evs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["article_id"], e["factuality"]) for e in evs] == [
        ("a5", "planned"), ("a5", "hypothetical"), ("a1", "asserted")]
    out = io.StringIO()
    assert export(store, out, what="statements", filters=Filters(source="Ingrid Dahl")) == 2


def test_paging_exports_everything_once(store, monkeypatch):
    monkeypatch.setattr(export_mod, "PAGE", 2)
    out = io.StringIO()
    assert export(store, out, what="events") == 6
    assert len(out.getvalue().splitlines()) == 6
    out = io.StringIO()
    assert export(store, out) == 6
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ALL


def test_csv_articles_and_events(store):
    out = io.StringIO()
    assert export(store, out, format="csv") == 6
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["id", "url", "outlet", "title", "published", "language", "byline", "text",
                             "story_id", "duplicate_of"]
    a1 = next(r for r in rows if r["id"] == "a1")
    assert a1["text"] == corpus()[0].text  # quotes and all, round-trip
    assert rows[-1]["published"] == "" and rows[-1]["id"] == "a4"
    out = io.StringIO()
    assert export(store, out, format="csv", what="events", filters=Filters(outlet="Nordlys")) == 2
    evs = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert json.loads(evs[0]["targets"]) == ["Russia"] and evs[0]["country"] == "NO"
    assert float(evs[0]["lat"]) == pytest.approx(59.91)


def test_geojson_points_for_events_with_coordinates(store):
    out = io.StringIO()
    assert export(store, out, format="geojson", what="events") == 3
    fc = json.loads(out.getvalue())
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    first = fc["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [pytest.approx(10.75), pytest.approx(59.91)]}
    assert first["properties"]["type"] == "CONSULT" and "lat" not in first["properties"]
    assert {f["properties"]["place"] for f in fc["features"]} == {"Oslo", "Bergen", "Tromsø"}
    out = io.StringIO()
    assert export(store, out, format="geojson", what="events", filters=Filters(q="nothingmatches")) == 0
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_parquet_typed_columns(store, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "events.parquet"
    assert export(store, str(path), format="parquet", what="events") == 6
    table = pq.read_table(path)
    assert table.num_rows == 6
    assert str(table.schema.field("start").type) == "int64"
    assert str(table.schema.field("lat").type) == "double"
    assert str(table.schema.field("actors").type).startswith("list")
    rows = table.to_pylist()
    assert rows[0]["targets"] == ["Russia"] and rows[0]["lat"] == pytest.approx(59.91)
    path = tmp_path / "articles.parquet"
    assert export(store, str(path), format="parquet", filters=Filters(outlet="Nordlys")) == 3
    assert pq.read_table(path).column("id").to_pylist() == ["a3", "a1", "a6"]
    empty = tmp_path / "none.parquet"
    assert export(store, str(empty), format="parquet", what="statements", filters=Filters(q="zzz")) == 0
    assert pq.read_table(empty).num_rows == 0


def test_export_errors(store):
    with pytest.raises(ExportError, match="geojson"):
        export(store, io.StringIO(), format="geojson", what="articles")
    with pytest.raises(ExportError, match="format"):
        export(store, io.StringIO(), format="xml")
    with pytest.raises(ExportError):
        export(store, io.StringIO(), what="places")


def test_cli_export_every_format(db, tmp_path, capsys):
    out = tmp_path / "a.jsonl"
    assert main(["export", "--db", db, "-o", str(out), "--outlet", "Aftenposten", "--since", "2024-06-01"]) == 0
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ["a5"]
    assert "exported 1 articles" in capsys.readouterr().err
    assert main(["export", "--db", db, "--format", "csv", "--what", "statements", "--q", "talks"]) == 0
    captured = capsys.readouterr()
    assert len(list(csv.DictReader(io.StringIO(captured.out)))) == 3
    assert main(["export", "--db", db, "--format", "geojson", "--event-type", "PROTEST",
                 "--factuality", "planned"]) == 0  # --what defaults to events
    fc = json.loads(capsys.readouterr().out)
    assert [f["properties"]["place"] for f in fc["features"]] == ["Bergen"]
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "s.parquet"
    assert main(["export", "--db", db, "--format", "parquet", "--what", "statements",
                 "--entity", "Sergei Ivanov", "-o", str(out)]) == 0
    assert pq.read_table(out).num_rows == 2
    assert main(["export", "--db", db, "--format", "geojson", "--what", "articles"]) == 2
    assert "geojson" in capsys.readouterr().err


def test_cli_export_needs_an_existing_store(tmp_path):
    with pytest.raises(SystemExit, match="no store"):
        main(["export", "--db", str(tmp_path / "missing.db")])


def test_python_api_mirrors_the_cli(db, tmp_path):
    out = tmp_path / "e.geojson"
    assert newsdesk.export(str(out), db=db, format="geojson", place="Bergen") == 1
    assert json.loads(out.read_text())["features"][0]["properties"]["article_id"] == "a5"
    out = tmp_path / "a.csv"
    assert newsdesk.export(out, db=db, format="csv", entity="Ingrid Dahl") == 3


def test_cli_export_events_by_method(db, capsys):
    assert main(["export", "--db", db, "--what", "events", "--method", "classifier"]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [(r["article_id"], r["method"]) for r in rows] == [("a5", "classifier")]
    assert main(["export", "--db", db, "--what", "events", "--method", "pattern"]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert rows and all(r["method"] == "pattern" for r in rows)


def test_cli_export_by_min_confidence(db, capsys):
    assert main(["export", "--db", db, "--what", "events", "--min-confidence", "0.8"]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    # a3's event is unscored (kept); a2's 0.4 and 0.7 and a5's 0.2 are not
    assert [(r["article_id"], r["confidence"]) for r in rows] == [("a3", None), ("a5", 0.85), ("a1", 0.9)]
    assert main(["export", "--db", db, "--what", "statements", "--format", "csv",
                 "--min-confidence", "0.9"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["article_id"], r["method"], r["confidence"]) for r in rows] == [
        ("a3", "pattern", ""), ("a3", "pattern", ""), ("a1", "pattern", "0.95")]
    with pytest.raises(SystemExit):
        main(["export", "--db", db, "--what", "events", "--min-confidence", "2"])
