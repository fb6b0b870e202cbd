"""newsdesk link --rebuild on both engines (a real SQLite file, a throwaway PostgreSQL
server): copies, stories, incidents, status."""
import json

import pytest

from newsdesk.cli import main
from newsdesk.model import Article, Event
from newsdesk.store import open_store
from newsdesk.store.links import _fetch

from _pg_server import engine_url, pg_executable  # tests/_pg_server.py

PG_CTL, PG_SKIP = pg_executable()
if PG_CTL:
    from pytest_postgresql import factories

    pg_proc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db = factories.postgresql("pg_proc", dbname="newsdesk_link_test")

FLOOD = ("The river burst its banks on Tuesday night, flooding the lower town of Marlow. "
         "Emergency crews evacuated about 300 residents from houses near the old mill. "
         "The mayor said pumps had been brought in from neighbouring districts overnight.")
FLOOD2 = ("Floodwater swept through Marlow's lower town after the river burst its banks late on "
          "Tuesday. Rescuers moved some 300 people out of homes near the mill, officials said.")
BUDGET = ("Parliament passed the budget on Wednesday after a long debate. The opposition voted "
          "against it, saying fuel taxes would rise.")


def art(aid, outlet, text, title, published, trigger):
    i = text.index(trigger)
    end = text.index(".", i) + 1
    ev = Event(type="ASSAULT", trigger=trigger, start=i, end=i + len(trigger),
               sentence_start=0 if i < text.index(".") else text.rindex(". ", 0, i) + 2,
               sentence_end=end)
    return Article(id=aid, text=text, outlet=outlet, title=title, published=published,
                   url=f"https://{outlet.lower().replace(' ', '')}.example/{aid}", events=[ev])


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    path = engine_url(request, tmp_path, "links.db", "pg_db", PG_CTL, PG_SKIP)
    with open_store(path) as store:
        store.add(art("a1", "Marlow Post", FLOOD, "River floods Marlow", "2024-03-05T08:00", "flooding"))
        # a wire copy on another site, headline changed: same family
        store.add(art("a2", "Valley Times", FLOOD, "Marlow under water", "2024-03-05T09:00", "flooding"))
        store.add(art("a3", "County Echo", FLOOD2, "Marlow evacuated as river floods", "2024-03-05T10:00",
                      "swept"))
        store.add(art("a4", "Capital News", BUDGET, "Budget passes", "2024-03-06T10:00", "passed"))
    return path


def test_rebuild_links_families_and_stories(db, capsys):
    assert main(["link", "--rebuild", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1 copies in 1 families" in out
    with open_store(db) as store:
        rows = {r["article_id"]: (r["duplicate_of"], r["story_id"]) for r in _fetch(
            store, "SELECT article_id, duplicate_of, story_id FROM article_links")}
    assert rows["a2"][0] == "a1" and rows["a1"][0] is None
    assert rows["a1"][1] == rows["a2"][1] == rows["a3"][1] != rows["a4"][1]
    assert main(["stories", "--db", db, "--json", "--min-outlets", "3"]) == 0
    stories = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(stories) == 1 and stories[0]["article_count"] == 3
    # rebuilding again gives the same, nothing duplicated
    assert main(["link", "--rebuild", "--db", db]) == 0
    with open_store(db) as store:
        assert _fetch(store, "SELECT count(*) AS n FROM article_links")[0]["n"] == 4


def test_incidents_fold_copies(db, capsys):
    main(["link", "--rebuild", "--db", db])
    capsys.readouterr()
    assert main(["incidents", "--db", db, "--json"]) == 0
    incs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    flood = [i for i in incs if any(r["article_id"] == "a1" for r in i["reports"])]
    assert flood
    # the copy never counts as a second outlet
    assert "Valley Times" not in flood[0]["outlets"]
    for i in incs:
        assert i["status"] in ("single-source", "corroborated", "contested")
        for r in i["reports"]:
            assert r["end"] > r["start"]


def test_api_stories_and_incidents(db):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    main(["link", "--rebuild", "--db", db])
    client = TestClient(create_app(db))
    r = client.get("/api/stories", params={"min_outlets": 3})
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 1 and set(items[0]["outlets"]) >= {"Marlow Post", "County Echo"}
    assert client.get("/api/stories", params={"q": "budget"}).json()["items"][0]["article_count"] == 1
    one = client.get(f"/api/stories/{items[0]['id']}").json()
    assert {a["id"]: a["duplicate_of"] for a in one["articles"]}["a2"] == "a1"
    assert one["incidents"]
    assert client.get("/api/stories/nope").status_code == 404
    r = client.get("/api/incidents", params={"status": "single-source"})
    assert r.status_code == 200
    assert all(i["status"] == "single-source" for i in r.json()["items"])
    assert client.get("/api/incidents", params={"status": "bogus"}).status_code == 422


def test_export_stories_and_incidents(db, tmp_path):
    main(["link", "--rebuild", "--db", db])
    out = tmp_path / "stories.jsonl"
    assert main(["export", "--db", db, "--what", "stories", "-o", str(out)]) == 0
    stories = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(s["article_count"] for s in stories) == [1, 3]
    out = tmp_path / "incidents.jsonl"
    assert main(["export", "--db", db, "--what", "incidents", "-o", str(out)]) == 0
    assert all("status" in json.loads(x) for x in out.read_text().splitlines())
    assert main(["export", "--db", db, "--what", "stories", "--format", "csv"]) == 2


def test_link_reports_counts_by_status(db, capsys):
    assert main(["link", "--rebuild", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "stories told by 3 or more outlets: 1" in out
    assert "incidents by status: " in out


def test_sqlite_upgrade_to_link_tables_keeps_articles(tmp_path):
    import sqlite3

    from newsdesk.store.sqlite import MIGRATIONS, SCHEMA_VERSION, _schema_v10, migrate
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, upto=MIGRATIONS.index(_schema_v10))   # the schema before the link tables
    conn.execute("""INSERT INTO articles (id, text, title, ingested_at, record, fts_rid)
                    VALUES ('old1', 'Walrus seen', 'Old', '2024',
                            '{"id": "old1", "text": "Walrus seen"}', 1)""")
    conn.commit()
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stories'").fetchall()
    conn.close()
    with open_store(str(path)) as s:   # upgraded: nothing lost, the link tables there
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "old1" in s
        assert s.conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 0
