"""The HTTP API over a real SQLite store built by ingesting small original pages."""
import json
import warnings

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from newsdesk import ingest
from newsdesk.api import create_app
from newsdesk.model import FACTUALITY, PLOVER_TYPES

from _pages import STORIES, html_page  # tests/_pages.py

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "s3cret-token"


PAGES = STORIES


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    corpus = root / "pages.jsonl"
    corpus.write_text("".join(json.dumps(p) + "\n" for p in PAGES), encoding="utf-8")
    path = str(root / "news.db")
    report = ingest([str(corpus)], db=path)
    assert report.added == 3, (report, report.error_records)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture
def writer(tmp_path):
    """A writable app over its own (empty) store."""
    with TestClient(create_app(str(tmp_path / "w.db"), token=TOKEN)) as c:
        yield c


def ok(response, status=200):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(("application/json", "application/geo+json"))
    return response.json()


def all_items(client, path, **params):
    out, offset = [], 0
    while True:
        page = ok(client.get(path, params={**params, "limit": 200, "offset": offset}))
        out += page["items"]
        offset += 200
        if offset >= page["total"]:
            return out


# -- reading -------------------------------------------------------------------------

def test_health(client):
    h = ok(client.get("/api/health"))
    assert h["status"] == "ok" and h["store"] == "sqlite"
    assert h["writable"] is False and h["open_reads"] is True
    assert h["counts"]["articles"] == 3 and h["counts"]["events"] > 0


def test_articles_newest_first_with_facets(client):
    page = ok(client.get("/api/articles", params={"facets": "true"}))
    assert page["total"] == 3 and page["limit"] == 20 and page["offset"] == 0
    assert [a["published"][:10] for a in page["items"]] == ["2024-03-09", "2024-03-06", "2024-03-04"]
    first = page["items"][0]
    assert first["title"] == "Drone strike hits Kharkiv power station"
    assert first["outlet"] == "Eastern Wire" and first["url"].startswith("https://")
    assert first["snippet"]
    facets = page["facets"]
    assert {f["value"] for f in facets["outlet"]} == {"Alpine Herald", "Caucasus Post", "Eastern Wire"}
    assert all(f["value"] in PLOVER_TYPES and f["count"] >= 1 for f in facets["event_type"])
    assert all(f["value"] in FACTUALITY for f in facets["factuality"])
    assert facets["event_type"], "the stories hold events"


def test_articles_facets_only_when_asked(client):
    assert ok(client.get("/api/articles"))["facets"] is None
    assert ok(client.get("/api/articles", params={"facets": "false"}))["facets"] is None


def test_articles_pagination(client):
    ids = []
    for offset in range(3):
        page = ok(client.get("/api/articles", params={"limit": 1, "offset": offset}))
        assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == offset
        assert len(page["items"]) == 1
        ids.append(page["items"][0]["id"])
    assert len(set(ids)) == 3
    assert ids == [a["id"] for a in ok(client.get("/api/articles"))["items"]]
    past = ok(client.get("/api/articles", params={"offset": 50}))
    assert past["total"] == 3 and past["items"] == []


def test_articles_full_text(client):
    page = ok(client.get("/api/articles", params={"q": "Kharkiv"}))
    assert page["total"] == 1
    assert "[Kharkiv]" in page["items"][0]["snippet"]
    assert ok(client.get("/api/articles", params={"q": "protesters media"}))["total"] == 1
    assert ok(client.get("/api/articles", params={"q": "zzzyzzx"}))["total"] == 0
    # Query syntax is just text: never an error.
    for q in ['"unclosed', "a AND (b", "NEAR(", "*", "'; DROP TABLE articles; --", "ünïcödé ☃"]:
        ok(client.get("/api/articles", params={"q": q}))
    # Facets follow the query.
    facets = ok(client.get("/api/articles", params={"q": "Kharkiv", "facets": 1}))["facets"]
    assert [f["value"] for f in facets["outlet"]] == ["Eastern Wire"]


def test_articles_outlet_and_dates(client):
    assert ok(client.get("/api/articles", params={"outlet": "Caucasus Post"}))["total"] == 1
    assert ok(client.get("/api/articles", params={"outlet": "Nowhere Times"}))["total"] == 0
    assert ok(client.get("/api/articles", params={"since": "2024-03-05"}))["total"] == 2
    assert ok(client.get("/api/articles", params={"until": "2024-03-05"}))["total"] == 1
    day = ok(client.get("/api/articles", params={"since": "2024-03-06", "until": "2024-03-06"}))
    assert [a["outlet"] for a in day["items"]] == ["Caucasus Post"]


def test_articles_entity_place_filters(client):
    entities = all_items(client, "/api/entities")
    assert entities and all({"canonical", "label", "mentions", "articles"} <= set(e) for e in entities)
    assert entities == sorted(entities, key=lambda e: -e["mentions"])
    for e in entities[:5]:
        page = ok(client.get("/api/articles", params={"entity": e["canonical"]}))
        assert page["total"] >= 1
    places = all_items(client, "/api/places")
    names = {p["name"] for p in places}
    assert "Kharkiv" in names
    kharkiv = next(p for p in places if p["name"] == "Kharkiv")
    assert 49 < kharkiv["lat"] < 51 and 35 < kharkiv["lon"] < 37
    page = ok(client.get("/api/articles", params={"place": "Kharkiv"}))
    assert [a["outlet"] for a in page["items"]] == ["Eastern Wire"]


def test_events_and_their_filters(client):
    events = all_items(client, "/api/events")
    assert events
    required = {"type", "trigger", "start", "end", "actors", "targets", "factuality",
                "article_id", "outlet", "title", "published", "lat", "lon"}
    assert all(required <= set(e) for e in events)
    assert any(e["type"] == "ASSAULT" and e["place"] == "Kharkiv" for e in events)
    facets = ok(client.get("/api/articles", params={"facets": 1}))["facets"]
    for f in facets["event_type"]:
        typed = all_items(client, "/api/events", event_type=f["value"])
        assert typed and all(e["type"] == f["value"] for e in typed)
        arts = ok(client.get("/api/articles", params={"event_type": f["value"]}))
        assert arts["total"] == f["count"]
    for f in facets["factuality"]:
        typed = all_items(client, "/api/events", factuality=f["value"])
        assert typed and all(e["factuality"] == f["value"] for e in typed)
    # Events by how they were found: the two kinds partition the events.
    by_method = {m: all_items(client, "/api/events", method=m) for m in ("pattern", "classifier")}
    assert all(e["method"] == m for m, items in by_method.items() for e in items)
    assert len(by_method["pattern"]) + len(by_method["classifier"]) == len(events)
    assert client.get("/api/events", params={"method": "guess"}).status_code == 422
    # Filters combine with the article filters.
    eastern = all_items(client, "/api/events", outlet="Eastern Wire")
    assert eastern and all(e["outlet"] == "Eastern Wire" for e in eastern)
    assert all_items(client, "/api/events", since="2030-01-01") == []
    # Pagination is stable.
    one = [ok(client.get("/api/events", params={"limit": 1, "offset": i}))["items"][0]
           for i in range(len(events))]
    assert one == events


def test_event_spans_point_into_the_article(client):
    for e in all_items(client, "/api/events"):
        article = ok(client.get(f"/api/articles/{e['article_id']}"))
        assert article["text"][e["start"]:e["end"]] == e["trigger"]


def test_events_geojson(client):
    r = client.get("/api/events.geojson")
    fc = ok(r)
    assert r.headers["content-type"].startswith("application/geo+json")
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for f in fc["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert (lon, lat) == (f["properties"]["lon"], f["properties"]["lat"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    located = [e for e in all_items(client, "/api/events") if e["lat"] is not None]
    assert len(fc["features"]) == len(located)
    assert len(ok(client.get("/api/events.geojson", params={"limit": 1}))["features"]) == 1
    none = ok(client.get("/api/events.geojson", params={"q": "zzzyzzx"}))
    assert none == {"type": "FeatureCollection", "features": []}


def test_statements_and_source_filter(client):
    statements = all_items(client, "/api/statements")
    assert statements
    for s in statements:
        article = ok(client.get(f"/api/articles/{s['article_id']}"))
        assert article["text"][s["cue_start"]:s["cue_end"]] == s["cue"]
        assert article["text"][s["content_start"]:s["content_end"]] == s["content"]
    sources = {s["source"] for s in statements if s["source"]}
    assert sources
    for source in sources:
        picked = all_items(client, "/api/statements", source=source)
        assert picked and all(s["source"] == source for s in picked)
        assert ok(client.get("/api/articles", params={"source": source}))["total"] >= 1


def test_timeline(client):
    rows = ok(client.get("/api/timeline"))
    assert rows and all({"date", "type", "count"} <= set(r) for r in rows)
    assert rows == sorted(rows, key=lambda r: (r["date"], r["type"]))
    assert all(len(r["date"]) == 10 and r["type"] in PLOVER_TYPES and r["count"] > 0 for r in rows)
    total = ok(client.get("/api/events"))["total"]
    assert sum(r["count"] for r in rows) <= total
    assert ok(client.get("/api/timeline", params={"event_type": "ASSAULT"}))
    assert all(r["type"] == "ASSAULT"
               for r in ok(client.get("/api/timeline", params={"event_type": "ASSAULT"})))
    assert ok(client.get("/api/timeline", params={"q": "zzzyzzx"})) == []


def test_entities_places_pagination(client):
    for path in ("/api/entities", "/api/places", "/api/statements", "/api/events"):
        everything = all_items(client, path)
        page = ok(client.get(path, params={"limit": 2, "offset": 1}))
        assert page["total"] == len(everything) and page["items"] == everything[1:3]


def test_article_detail(client):
    listed = ok(client.get("/api/articles", params={"q": "Tbilisi"}))["items"][0]
    a = ok(client.get(f"/api/articles/{listed['id']}"))
    assert a["id"] == listed["id"] and a["title"] == listed["title"]
    for key in ("text", "entities", "places", "times", "quantities", "statements", "events",
                "byline", "warnings", "url", "outlet", "published"):
        assert key in a
    for kind in ("entities", "places", "times"):
        for r in a[kind]:
            assert a["text"][r["start"]:r["end"]] == r["text"]
    # A unique prefix works too.
    assert ok(client.get(f"/api/articles/{listed['id'][:8]}"))["id"] == listed["id"]


def test_not_found(client):
    r = client.get("/api/articles/0000000000000000")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert "no article" in r.json()["detail"]
    assert client.get("/api/nothing-here").status_code == 404


@pytest.mark.parametrize("path,params", [
    ("/api/articles", {"since": "yesterday"}),
    ("/api/articles", {"since": "2024-13-45"}),
    ("/api/articles", {"until": "2024-02-30"}),
    ("/api/articles", {"since": "2024-03-09", "until": "2024-03-01"}),
    ("/api/articles", {"limit": 0}),
    ("/api/articles", {"limit": 201}),
    ("/api/articles", {"limit": "ten"}),
    ("/api/articles", {"offset": -1}),
    ("/api/articles", {"offset": 10 ** 30}),
    ("/api/events", {"event_type": "PARTY"}),
    ("/api/events", {"factuality": "maybe"}),
    ("/api/events.geojson", {"limit": 0}),
    ("/api/statements", {"q": "x" * 501}),
    ("/api/articles", {"q": "war\x00peace"}),  # NUL: SQLite's full-text parser rejects it
    ("/api/timeline", {"since": "2024/03/01"}),
    ("/api/entities", {"limit": -5}),
    ("/api/places", {"until": "soon"}),
])
def test_invalid_parameters_are_422(client, path, params):
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert "detail" in r.json()


def test_openapi_and_docs(client):
    spec = ok(client.get("/openapi.json"))
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/events",
                 "/api/events.geojson", "/api/statements", "/api/entities", "/api/places",
                 "/api/timeline", "/api/health", "/api/pages"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/articles"]["get"]["parameters"]}
    assert {"q", "outlet", "since", "until", "entity", "place", "event_type", "factuality",
            "source", "limit", "offset"} <= params
    assert "ArticlesPage" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_web_page_is_served(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"></script>' in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "innerHTML" not in js.text.replace("assigns\n * innerHTML", "")
    assert client.get("/static/app.css").status_code == 200
    world = client.get("/static/countries-110m.geojson").json()
    assert world["type"] == "FeatureCollection" and len(world["features"]) > 150


def test_concurrent_reads(client):
    from concurrent.futures import ThreadPoolExecutor
    paths = ["/api/articles", "/api/events", "/api/timeline", "/api/places", "/api/statements"] * 6
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda p: client.get(p).status_code, paths))
    assert codes == [200] * len(paths)


# -- writing and access rules --------------------------------------------------------

def test_writing_disabled_without_token(client):
    r = client.post("/api/pages", json=PAGES[0])
    assert r.status_code == 403 and "disabled" in r.json()["detail"]
    r = client.post("/api/pages", json=PAGES[0], headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403


def test_writing_needs_the_token(writer):
    assert ok(writer.get("/api/health"))["writable"] is True
    r = writer.post("/api/pages", json=PAGES[0])
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = writer.post("/api/pages", json=PAGES[0], headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    r = writer.post("/api/pages", json=PAGES[0], headers={"Authorization": f"Basic {TOKEN}"})
    assert r.status_code == 401
    assert ok(writer.get("/api/articles"))["total"] == 0  # nothing was written


def test_post_then_get(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    page = {"url": "https://lakeside.example/ferry", "date": "2024-04-02",
            "html": html_page("Lakeside Times", "Ferry workers strike in Lausanne", [
                "Ferry workers in Lausanne went on strike on Tuesday over pay, the union said.",
                "Police arrested two men who attacked a picket line near the harbour."])}
    out = ok(writer.post("/api/pages", json=page, headers=auth))
    assert (out["added"], out["skipped"], out["errors"]) == (1, 0, 0)
    result = out["results"][0]
    assert result["status"] == "added" and result["title"] == "Ferry workers strike in Lausanne"
    article = ok(writer.get(f"/api/articles/{result['id']}"))
    assert article["url"] == page["url"] and article["published"].startswith("2024-04-02")
    assert article["outlet"] == "Lakeside Times" and "Lausanne" in article["text"]
    assert article["events"], "the full pipeline ran"
    listed = ok(writer.get("/api/articles", params={"q": "ferry"}))
    assert [a["id"] for a in listed["items"]] == [result["id"]]
    assert ok(writer.get("/api/events", params={"q": "ferry"}))["total"] >= 1
    # Idempotent.
    again = ok(writer.post("/api/pages", json=page, headers=auth))
    assert (again["added"], again["skipped"]) == (0, 1)
    assert again["results"][0]["id"] == result["id"]


def test_uploads_learn_the_site_template(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    blurb = ("The Lakeside Times has covered the shore towns since 1921 and belongs to a reader "
             "trust that puts every penny back into local reporting.")
    stories = ["The lake ferry resumed sailing on Monday after three days of storms kept it in port.",
               "The council voted to repair the old pier, saying the work will start in the spring.",
               "A school by the harbour will close for a week while its storm-damaged roof is mended.",
               "Fishermen asked for deeper berths, saying larger boats could not land at low tide."]
    ids = []
    for i, story in enumerate(stories):
        page = {"url": f"https://lakeside.example/s{i}", "html": html_page("Lakeside Times", f"Story {i}", [story, blurb])}
        out = ok(writer.post("/api/pages", json=page, headers=auth, params={"steps": "extract"}))
        ids.append(out["results"][0]["id"])
    texts = [ok(writer.get(f"/api/articles/{i}"))["text"] for i in ids]
    # Learned across uploads: template from the third page of the host on.
    assert [blurb in t for t in texts] == [True, True, False, False]
    assert all(s in t for s, t in zip(stories, texts))


def test_post_a_list_with_a_bad_page(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    pages = [
        {"text": "Harbour talks end without a deal\n\nNegotiators in Gdansk failed to agree on "
                 "port fees on Friday, the city council said in a statement.",
         "format": "clean", "date": "2024-05-10"},
        {"url": "https://empty.example/", "html": ""},
    ]
    out = ok(writer.post("/api/pages", json=pages, headers=auth, params={"steps": "extract"}))
    assert (out["added"], out["errors"]) == (1, 1)
    bad = out["results"][1]
    assert bad["status"] == "error" and bad["reason"] and bad["url"] == "https://empty.example/"
    good = ok(writer.get(f"/api/articles/{out['results'][0]['id']}"))
    assert good["events"] == [] and good["entities"] == []  # only extract ran
    assert ok(writer.get("/api/health"))["counts"]["errors"] == 1


@pytest.mark.parametrize("body", [
    {"url": "https://x.example/"},                                    # no html nor text
    {"html": "<p>a</p>", "text": "a"},                                # both
    {"text": "Some text", "date": "last Tuesday"},                    # bad date
    {"text": "Some text", "format": "pdf"},                           # unknown format
    {"text": "Some text", "colour": "blue"},                          # unknown field
    {"text": 42},
    [],
    [{"text": "x"}] * 101,
    "just a string",
])
def test_post_invalid_bodies_are_422(writer, body):
    r = writer.post("/api/pages", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422, r.text


def test_post_bad_steps_and_bad_json(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writer.post("/api/pages", json={"text": "x"}, headers=auth, params={"steps": "magic"})
    assert r.status_code == 422 and "magic" in r.json()["detail"]
    r = writer.post("/api/pages", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 422


def test_private_reads(tmp_path, db):
    with pytest.raises(ValueError):
        create_app(db, token=None, open_reads=False)
    with TestClient(create_app(db, token=TOKEN, open_reads=False)) as c:
        for path in ("/api/articles", "/api/events", "/api/events.geojson", "/api/statements",
                     "/api/entities", "/api/places", "/api/timeline", "/api/articles/abcd"):
            r = c.get(path)
            assert r.status_code == 401, path
            assert c.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert ok(c.get("/api/articles", headers=auth))["total"] == 3
        assert ok(c.get("/api/timeline", headers=auth))
        health = ok(c.get("/api/health"))  # liveness stays open, without the counts
        assert health["open_reads"] is False and health["counts"] is None


def test_serve_command_parses():
    from newsdesk.cli import build_parser
    args = build_parser().parse_args(["serve", "--db", "x.db", "--port", "9999", "--token", "t"])
    assert (args.db, args.port, args.token, args.host) == ("x.db", 9999, "t", "127.0.0.1")


# -- the same API over PostgreSQL (skips, saying why, without the server binaries) -----

from _pg_server import pg_executable  # noqa: E402  tests/_pg_server.py

PG_CTL, PG_SKIP = pg_executable()
if PG_CTL:
    from pytest_postgresql import factories

    api_pg_proc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    api_pg_db = factories.postgresql("api_pg_proc", dbname="newsdesk_api")


@pytest.fixture
def pg_url(request):
    if not PG_CTL:
        pytest.fail(f"PostgreSQL is needed here: {PG_SKIP}", pytrace=False)
    i = request.getfixturevalue("api_pg_db").info
    return f"postgresql://{i.user}@{i.host}:{i.port}/{i.dbname}"


def test_api_over_postgresql(pg_url, db):
    from newsdesk.store import open_store
    # The same three articles, copied from the SQLite store.
    with open_store(db) as src, open_store(pg_url) as dst:
        for row in src.list(limit=10):
            dst.add(src.get(row["id"]))
    with TestClient(create_app(pg_url, token=TOKEN)) as c, TestClient(create_app(db)) as lite:
        assert ok(c.get("/api/health"))["store"] == "postgresql"
        for path, params in [("/api/articles", {}), ("/api/articles", {"q": "Kharkiv"}),
                             ("/api/articles", {"since": "2024-03-05", "limit": 1, "offset": 1}),
                             ("/api/events", {}), ("/api/events", {"event_type": "ASSAULT"}),
                             ("/api/statements", {}), ("/api/timeline", {}),
                             ("/api/events.geojson", {})]:
            pg, sq = ok(c.get(path, params=params)), ok(lite.get(path, params=params))
            if isinstance(pg, dict) and "total" in pg:
                assert pg["total"] == sq["total"], path
                assert [x.get("id", x.get("article_id")) for x in pg["items"]] == \
                       [x.get("id", x.get("article_id")) for x in sq["items"]], path
            else:
                assert len(pg if isinstance(pg, list) else pg["features"]) == \
                       len(sq if isinstance(sq, list) else sq["features"]), path
        aid = ok(c.get("/api/articles"))["items"][0]["id"]
        assert ok(c.get(f"/api/articles/{aid}"))["id"] == aid
        assert c.get("/api/articles/ffffffffffffffff").status_code == 404
        out = ok(c.post("/api/pages", json={"text": "Talks in Oslo\n\nNorway and Sweden met in "
                                                    "Oslo on Friday, officials said.",
                                            "format": "clean", "date": "2024-03-15"},
                        headers={"Authorization": f"Bearer {TOKEN}"}, params={"steps": "extract"}))
        assert out["added"] == 1
        assert ok(c.get("/api/articles"))["total"] == 4
        # Concurrent reads share the app's one connection safely.
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(lambda p: c.get(p).status_code,
                                  ["/api/articles", "/api/events", "/api/timeline"] * 5))
        assert codes == [200] * 15


def test_serve_refuses_what_it_cannot_serve(tmp_path, monkeypatch):
    from newsdesk.cli import main
    monkeypatch.delenv("NEWSDESK_TOKEN", raising=False)
    monkeypatch.delenv("NEWSDESK_PRIVATE", raising=False)
    missing = str(tmp_path / "missing.db")
    with pytest.raises(SystemExit, match="no store"):  # read only: never a new empty store
        main(["serve", "--db", missing])
    monkeypatch.setenv("NEWSDESK_PRIVATE", "1")
    with pytest.raises(SystemExit, match="needs a token"):
        main(["serve", "--db", missing])
    assert not (tmp_path / "missing.db").exists()


def test_every_record_carries_confidence_and_method(client):
    """Trust on every record: a confidence in [0, 1] and the method that found it, and a
    minimum-confidence filter that keeps exactly the records at or above it."""
    events = all_items(client, "/api/events")
    statements = all_items(client, "/api/statements")
    assert events and statements
    for r in events + statements:
        assert 0.0 <= r["confidence"] <= 1.0 and r["method"] in ("pattern", "classifier")
    for path, items in (("/api/events", events), ("/api/statements", statements)):
        cut = sorted(r["confidence"] for r in items)[len(items) // 2]
        kept = all_items(client, path, min_confidence=cut)
        assert kept and len(kept) == sum(r["confidence"] >= cut for r in items)
        assert all(r["confidence"] >= cut for r in kept)
        assert client.get(path, params={"min_confidence": 1.5}).status_code == 422


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_are_served_from_installed_files(client, page):
    """No CDN: every script, stylesheet and icon of /docs and /redoc is served here."""
    import re
    r = client.get(page)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert not re.search(r"https?://", r.text)
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text) + re.findall(r"(?:src|href)='([^']+)'", r.text)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts and all(a.startswith("/docs/assets/") for a in assets if a != "/openapi.json")
    for a in assets:
        if a.startswith("/docs/assets/"):
            assert client.get(a).status_code == 200, a
