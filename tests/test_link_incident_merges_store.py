"""Incident merges (link.incident_merge run by link.Linker) in memory and in the store, on
both engines: the older incident keeps its id and takes the gone one's mentions, the step
is deterministic, and linking in runs (new processes or one) with merges ends with the same
tables as ``link --rebuild`` and as the in-memory Linker's incidents. The tests set a low
cut so that the small synthetic articles merge."""
import json

import pytest

from newsdesk.link import incident_merge
from newsdesk.link.linker import Linker
from newsdesk.store import links as store_links
from newsdesk.store import open_store
from newsdesk.store.links import _fetch, incident_row, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_story_merges_store import (first_merge, full_snapshot, link_in_runs, merge_articles,
                                          rebuild_then_ingest_again)
from test_link_store import PG_CTL, PG_SKIP

# synthetic articles laid out on MiniLM's lead geometry (conftest.minilm_leads)
pytestmark = pytest.mark.usefixtures("minilm_leads")

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc7 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db7 = factories.postgresql("pg_proc7", dbname="newsdesk_incident_merge_test")

CUT = 0.05   # low: the synthetic articles' incidents merge (the shipped cut is ECB+'s)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "imerge.db", "pg_db7", PG_CTL, PG_SKIP)


@pytest.fixture(autouse=True)
def low_cut(monkeypatch):
    monkeypatch.setattr(incident_merge, "CUT", CUT)


def linked(arts):
    """A Linker holding ``arts`` and its merges: (position of the article, gone, survivor)."""
    linker, out = Linker(), []
    real = linker._merge_incident

    def record(gone, keep):
        out.append((len(linker.articles) - 1, gone, keep))
        real(gone, keep)

    linker._merge_incident = record
    for a in arts:
        linker.add_many([a])
    return linker, out


def test_the_older_incident_keeps_its_id_and_every_mention():
    arts = merge_articles(30, 1)
    linker, merges = linked(arts)
    assert len(merges) >= 2
    again, merges2 = linked(arts)
    assert merges2 == merges   # deterministic
    for _i, gone, keep in merges:
        assert gone not in linker.incidents
        # ids are "<article>:<event>": the survivor's article was linked first
        assert int(keep.split(":")[0][1:]) < int(gone.split(":")[0][1:])
    held = {}
    for iid, inc in linker.incidents.items():
        assert iid in linker.story_incidents[inc.story]
        seqs = [linker.seq_of[m.doc] for m in inc.mentions]
        assert seqs == sorted(seqs) and len(inc.mentions) == len(inc.reports)
        for m in inc.mentions:
            held[m.doc, m.key[1]] = iid
    assert held == linker.incident_of
    assert not {g for _i, g, _k in merges} & {i for ids in linker.story_incidents.values()
                                              for i in ids}


def test_no_cut_no_merges(monkeypatch):
    monkeypatch.setattr(incident_merge, "CUT", None)
    assert linked(merge_articles(30, 1))[1] == []


@pytest.mark.parametrize("chunks,fresh", [((4, 3, 5, 8, 10), True), ((7, 1, 9, 13), False),
                                          ((1,) * 30, True)])
def test_runs_with_incident_merges_equal_a_rebuild_and_the_linker(url, chunks, fresh):
    arts = merge_articles(sum(chunks), 1)
    linker, merges = linked(arts)
    assert len(merges) >= 2
    with open_store(url) as store:
        link_in_runs(store, arts, chunks, fresh)
        assert link_new(store)["articles"] == 0
        incremental = full_snapshot(store)
        stored = {r["id"]: json.loads(r["record"]) for r in _fetch(store, "SELECT id, record FROM incidents")}
    # the in-memory Linker's incidents, rows and all (status and outlets recomputed)
    assert stored == {iid: json.loads(json.dumps(incident_row(linker, inc)))
                      for iid, inc in linker.incidents.items()}
    # every merged-away id leads to the incident it is part of now
    assert {json.loads(r)["incident_id"]: json.loads(r)["survivor"]
            for r in incremental["incident_merges"]} == {
        g: linker.incident_survivor(g) for g in linker.incidents_merged}
    rebuild_then_ingest_again(url, arts, incremental)


def test_a_merge_removes_the_gone_incident_rows(url):
    arts = merge_articles(30, 1)
    _linker, merges = linked(arts)
    # a merge whose gone incident was stored by an earlier run
    i, gone, keep = next((i, g, k) for i, g, k in merges if int(g.split(":")[0][1:]) < i)
    with open_store(url) as store:
        for a in arts[:i]:
            store.add(a)
        link_new(store)
        one = lambda sql, *args: _fetch(store, sql, args)  # noqa: E731
        before = {r["article_id"] for r in one("SELECT article_id FROM incident_reports "
                                               "WHERE incident_id IN (?, ?)", gone, keep)}
        assert one("SELECT id FROM incidents WHERE id = ?", gone)
        store_links._LINKERS.clear()   # a new process merges from the stored rows
        store.add(arts[i])
        link_new(store)
        assert not one("SELECT id FROM incidents WHERE id = ?", gone)
        assert not one("SELECT * FROM incident_reports WHERE incident_id = ?", gone)
        after = {r["article_id"] for r in one("SELECT article_id FROM incident_reports "
                                              "WHERE incident_id = ?", keep)}
        assert after >= before
        rec = json.loads(one("SELECT record FROM incidents WHERE id = ?", keep)[0]["record"])
        assert {r["article_id"] for r in rec["reports"]} == after


def test_a_merged_away_incident_leads_to_its_survivor(url, capsys):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    from newsdesk.cli import main
    gone, keep = first_merge(url, "incident_merges", "incident_id")
    with open_store(url) as store:
        reports = {r["article_id"] for r in _fetch(
            store, "SELECT article_id FROM incident_reports WHERE incident_id = ?", (keep,))}
    client = TestClient(create_app(url))
    r = client.get(f"/api/incidents/{gone}", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/api/incidents/{keep}"
    body = client.get(f"/api/incidents/{gone}").json()
    assert body["id"] == keep and {c["article_id"] for c in body["claims"]} == reports
    # each claim quotes its article's text at the stored span
    for c in body["claims"]:
        text = client.get(f"/api/articles/{c['article_id']}").json()["text"]
        assert c["quote"] and c["quote"] == text[c["quote_start"]:c["quote_end"]].strip()
    assert body["story"]["id"] == body["story_id"] and body["sentence"]
    assert client.get("/api/incidents/no-such-incident").status_code == 404
    capsys.readouterr()
    assert main(["incident", gone, "--db", url, "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["id"] == keep and f"merged into {keep}" in out.err
    with pytest.raises(SystemExit, match="no incident"):
        main(["incident", "no-such-incident", "--db", url])


def test_the_link_report_counts_incidents_as_stored(url):
    # a merged-away incident is no incident: the report says what the table holds
    arts = merge_articles(30, 1)
    _linker, merges = linked(arts)
    assert merges
    with open_store(url) as store:
        for a in arts:
            store.add(a)
        report = store_links.relink(store)
        stored = _fetch(store, "SELECT COUNT(*) AS n FROM incidents", ())[0]["n"]
    assert report["incidents"] == stored
