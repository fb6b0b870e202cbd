"""Story claims and the brief read back from both engines (a real SQLite file, a throwaway
PostgreSQL server): `newsdesk brief`, GET /api/brief and the claims of GET /api/stories/{id}."""
import json

from newsdesk.cli import main
from newsdesk.store import open_store
from newsdesk.store.links import article_links
from newsdesk.store.story_claims import latest_report, story_with_claims

from test_link_store import PG_CTL, db  # noqa: F401  (the two-engine store fixture)

if PG_CTL:
    from test_link_store import pg_db, pg_proc  # noqa: F401


def flood_story(store):
    return story_with_claims(store, article_links(store, "a1")["story_id"])


def test_story_claims_quote_the_articles(db):  # noqa: F811
    assert main(["link", "--rebuild", "--db", db]) == 0
    with open_store(db) as store:
        s = flood_story(store)
        assert latest_report(store) == "2024-03-06T10:00"
        texts = {a: store.get(a).text for a in ("a1", "a2", "a3")}
    assert s["independent_outlets"] == ["County Echo", "Marlow Post"]
    fam = next(f for f in s["families"] if f["article"]["id"] == "a1")
    assert [c["id"] for c in fam["copies"]] == ["a2"] and fam["also_carried_by"] == ["Valley Times"]
    claims = [c for i in s["incidents"] for c in i["claims"]]
    assert claims
    for c in claims:
        text = texts[c["article_id"]]
        assert c["quote"] == text[c["quote_start"]:c["quote_end"]].strip()
        assert c["trigger"] == text[c["start"]:c["end"]]
        assert c["url"].endswith("/" + c["article_id"]) and c["published"].startswith("2024-03-05")
        assert c["event"]["type"] == "ASSAULT"


def test_brief_command_and_api(db, tmp_path, capsys):  # noqa: F811
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    main(["link", "--rebuild", "--db", db])
    capsys.readouterr()
    # relative periods count back from the newest report when the store ends before now
    assert main(["brief", "--since", "30d", "--format", "json", "--db", db]) == 0
    b = json.loads(capsys.readouterr().out)
    assert [len(s["outlets"]) for s in b["stories"]] == [2, 1]
    top = b["stories"][0]
    assert top["outlets"] == ["County Echo", "Marlow Post"] and top["article_count"] == 3
    for f in top["facts"]:
        assert f["citations"] and all(c["quote"] and c["outlet"] for c in f["citations"])
    assert main(["brief", "--since", "2h", "--format", "json", "--db", db]) == 0
    assert [s["story_id"] for s in json.loads(capsys.readouterr().out)["stories"]] == [b["stories"][1]["story_id"]]
    assert main(["brief", "--since", "yesterday", "--db", db]) == 2
    out = tmp_path / "brief.md"
    assert main(["brief", "--since", "30d", "--q", "marlow", "-o", str(out), "--db", db]) == 0
    md = out.read_text()
    assert md.count("\n## ") == 1 and "[Marlow Post, 2024-03-05T08:00](https://marlowpost.example/a1)" in md

    client = TestClient(create_app(db))
    r = client.get("/api/brief", params={"since": "30d"})
    assert r.status_code == 200 and r.json()["stories"][0]["story_id"] == top["story_id"]
    assert client.get("/api/brief", params={"since": "soon"}).status_code == 422
    linked = client.get("/api/articles/a2/story").json()
    assert linked["duplicate_of"] == "a1" and linked["story"]["id"] == top["story_id"]
    assert "articles" not in linked["story"]
    assert client.get("/api/articles/nope/story").json()["story"] is None
    one = client.get(f"/api/stories/{top['story_id']}").json()
    assert all(i["sentence"].endswith(".") and i["claims"] for i in one["incidents"])
