"""Incremental linking (newsdesk.store.links.link_new, run by ingest) on both engines: runs
that each link the articles stored since the last one end with the same tables as
``link --rebuild`` over the same articles; articles carry story_id and duplicate_of in the
API and exports; stories filter by entity and place."""
import json

import pytest

from newsdesk.cli import main
from newsdesk.model import Entity, Place
from newsdesk.store import open_store
from newsdesk.store.links import _fetch, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_store import BUDGET, FLOOD, FLOOD2, PG_CTL, PG_SKIP, art

# synthetic articles laid out on MiniLM's lead geometry (conftest.minilm_leads)
pytestmark = pytest.mark.usefixtures("minilm_leads")

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc2 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db2 = factories.postgresql("pg_proc2", dbname="newsdesk_link_incr_test")

QUAKE = ("A strong earthquake shook the coastal city of Arden on Friday morning. Buildings "
         "swayed and a bridge collapsed, officials said, and 12 people were injured.")
QUAKE2 = ("Twelve people were hurt when an earthquake struck Arden on Friday, bringing down a "
          "bridge over the harbour, the city's officials said.")


def articles():
    a = [art("a1", "Marlow Post", FLOOD, "River floods Marlow", "2024-03-05T08:00", "flooding"),
         art("a2", "Valley Times", FLOOD, "Marlow under water", "2024-03-05T09:00", "flooding"),
         art("a3", "County Echo", FLOOD2, "Marlow evacuated as river floods", "2024-03-05T10:00",
             "swept"),
         art("a4", "Capital News", BUDGET, "Budget passes", "2024-03-06T10:00", "passed"),
         art("a5", "Coast Herald", QUAKE, "Quake hits Arden", "2024-03-08T09:00", "shook"),
         art("a6", "Valley Times", QUAKE2, "Arden bridge falls in quake", "2024-03-08T11:00",
             "struck"),
         art("a7", "Marlow Post", QUAKE, "Arden quake: 12 hurt", "2024-03-08T12:00", "shook")]
    a[0].places = [Place(text="Marlow", start=0, end=6, name="Marlow")]
    a[3].entities = [Entity(text="the Parliament", label="ORG", start=0, end=10,
                            canonical="The Parliament")]
    return a


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "incr.db", "pg_db2", PG_CTL, PG_SKIP)


def snapshot(store) -> dict:
    def rows(sql):
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in _fetch(store, sql))
    return {"links": rows("SELECT article_id, duplicate_of, story_id FROM article_links"),
            "stories": rows("SELECT id, label, article_count, outlet_count, record FROM stories"),
            "keys": rows("SELECT story_id, kind, key FROM story_keys"),
            "incidents": rows("SELECT id, story_id, status, outlet_count, record FROM incidents"),
            "reports": rows("SELECT incident_id, article_id, n, start_char FROM incident_reports"),
            "inputs": rows("SELECT article_id, seq, length(vectors) AS bytes FROM link_inputs")}


def test_runs_in_turn_equal_a_rebuild(url):
    arts = articles()
    with open_store(url) as store:
        for chunk in (arts[:2], arts[2:3], arts[3:6], arts[6:]):
            for a in chunk:
                store.add(a)
            n = link_new(store)
            assert n["articles"] == len(chunk)
        assert link_new(store)["articles"] == 0      # nothing new: nothing done
        incremental = snapshot(store)
    assert len(json.loads(incremental["links"][0])) == 3 and len(incremental["links"]) == 7
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        rebuilt = snapshot(store)
    assert rebuilt == incremental
    # recomputing the kept inputs too changes no link on this small set
    assert main(["link", "--rebuild", "--re-embed", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store)["links"] == incremental["links"]
    links = {json.loads(r)["article_id"]: json.loads(r) for r in incremental["links"]}
    size = {json.loads(r)["article_id"]: json.loads(r)["bytes"] for r in incremental["inputs"]}
    # event vectors only where another article's event was a candidate: a1's were computed
    # in a later run than its own (when a3 joined its story), the budget's never
    assert size["a4"] == 384 * 2 and size["a1"] > 384 * 2 and size["a3"] > 384 * 2
    assert links["a2"]["duplicate_of"] == "a1" and links["a7"]["duplicate_of"] == "a5"
    assert links["a1"]["story_id"] == links["a3"]["story_id"] != links["a5"]["story_id"]


def test_a_process_reuses_its_indexes_only_while_the_kept_inputs_are_its_own(url):
    from newsdesk.store import links as store_links
    arts = articles()
    with open_store(url) as store:
        phases: list[dict] = []
        for chunk in (arts[:2], arts[2:4], arts[4:5]):
            for a in chunk:
                store.add(a)
            phases.append({})
            link_new(store, timings=phases[-1])
        assert [p["cached"] for p in phases] == [False, True, True]
        # another process linked an article meanwhile: its kept inputs are not ours
        store_links._LINKERS.clear()
        store.add(arts[5])
        link_new(store)
        store.conn.execute("DELETE FROM link_inputs WHERE article_id = 'a6'")
        store.conn.execute("DELETE FROM article_links WHERE article_id = 'a6'")
        store.conn.commit()
        store.add(arts[6])
        t: dict = {}
        assert link_new(store, timings=t)["articles"] == 2 and not t["cached"]
        incremental = snapshot(store)
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental


def test_articles_carry_story_and_duplicate_of(url, tmp_path):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    with open_store(url) as store:
        for a in articles()[:4]:
            store.add(a)
    client = TestClient(create_app(url))
    assert client.get("/api/articles/a2").json()["duplicate_of"] is None   # not linked yet
    assert main(["link", "--db", url]) == 0
    one = client.get("/api/articles/a2").json()
    assert one["duplicate_of"] == "a1" and one["story_id"]
    assert one["text"] == FLOOD
    items = {i["id"]: i for i in client.get("/api/articles", params={"limit": 10}).json()["items"]}
    assert items["a2"]["duplicate_of"] == "a1" and items["a1"]["duplicate_of"] is None
    assert items["a3"]["story_id"] == one["story_id"] != items["a4"]["story_id"]
    out = tmp_path / "a.csv"
    assert main(["export", "--db", url, "--format", "csv", "-o", str(out)]) == 0
    header, *lines = out.read_text().splitlines()
    assert "story_id" in header and "duplicate_of" in header
    # stories by entity and place: normalised like the keys ('The Parliament' = 'parliament')
    r = client.get("/api/stories", params={"entity": "parliament"}).json()["items"]
    assert [s["article_count"] for s in r] == [1] and "a4" in r[0]["articles"]
    r = client.get("/api/stories", params={"place": "Marlow"}).json()["items"]
    assert len(r) == 1 and r[0]["id"] == one["story_id"]
    assert client.get("/api/stories", params={"place": "Nowhere"}).json()["items"] == []


def test_ingest_links_unless_told_not_to(tmp_path):
    import newsdesk
    d = tmp_path / "pages"
    d.mkdir()
    (d / "one.txt").write_text("River floods Marlow\n\n" + FLOOD)
    (d / "two.txt").write_text("Marlow under water\n\n" + FLOOD
                               + " Schools in the town will stay closed on Wednesday.")
    db = str(tmp_path / "ingest.db")
    report = newsdesk.ingest([str(d / "one.txt")], db=db, steps="extract", link=False)
    assert report.linked is None
    report = newsdesk.ingest([str(d)], db=db, steps="extract")
    # the article stored unlinked before is linked now too, first: it heads the family
    assert report.linked["articles"] == 2 and report.linked["copies"] == 1
    with open_store(db) as store:
        rows = _fetch(store, "SELECT duplicate_of FROM article_links ORDER BY duplicate_of")
    assert sum(r["duplicate_of"] is not None for r in rows) == 1
