"""Story merges in the product path (link.story_merge run by link.Linker), on both engines:
linking in runs (new processes or one) with merges ends with the same tables as
``link --rebuild``; a merge moves the merged-away story's articles, incidents and index
rows to the survivor in the article's transaction; the API leads a merged-away story's
id on to its survivor."""
import json
import random

import pytest

from newsdesk.cli import main
from newsdesk.link.linker import Linker
from newsdesk.model import Entity
from newsdesk.store import links as store_links
from newsdesk.store import open_store
from newsdesk.store.links import _fetch, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_incremental import QUAKE, QUAKE2, snapshot
from test_link_index import index_snapshot
from test_link_store import BUDGET, FLOOD, FLOOD2, PG_CTL, PG_SKIP, art

# synthetic articles laid out on MiniLM's lead geometry (conftest.minilm_leads)
pytestmark = pytest.mark.usefixtures("minilm_leads")

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc5 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db5 = factories.postgresql("pg_proc5", dbname="newsdesk_story_merge_test")

WORDS = [f"w{i}" for i in range(300)]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "merge.db", "pg_db5", PG_CTL, PG_SKIP)


def merge_articles(n: int = 30, seed: int = 1):
    """Articles of five wordings (two of a quake, two of a flood, a budget) with texts of
    their own (no copies: every article is scored) and names shared across subjects: the
    first articles start stories apart that later ones show alike, so the shipped merge
    scorer merges some (the tests check that it does)."""
    rng = random.Random(seed)
    forms = [(QUAKE2, "struck", "Arden"), (QUAKE, "shook", "Arden"), (FLOOD2, "swept", "Marlow"),
             (FLOOD, "flooding", "Marlow"), (BUDGET, "passed", "Parliament")]
    out = []
    for i in range(n):
        text, trig, key = forms[rng.randrange(len(forms))]
        text = text + " " + " ".join(rng.choice(WORDS) for _ in range(60)) + "."
        a = art(f"g{i:03d}", f"Outlet {rng.randrange(6)}", text, f"Title {rng.randrange(9)}",
                f"2024-03-{5 + i // 10:02d}T{8 + i % 10:02d}:00", trig)
        names = rng.sample([key, "Ann Reed", "Red Cross", "Civil Guard"], rng.randrange(3))
        a.entities = [Entity(text=n, label="ORG", start=0, end=4, canonical=n) for n in names]
        out.append(a)
    return out


def merges_of(arts) -> list[tuple[int, str, str]]:
    """(position of the article whose step merged, gone story, survivor), from a Linker
    holding everything (what ``link --rebuild`` computes)."""
    linker, out = Linker(), []
    for i, a in enumerate(arts):
        before = dict(linker.stories.merged)
        linker.add_many([a])
        out += [(i, g, s) for g, s in linker.stories.merged.items() if g not in before]
    return out


def link_in_runs(store, arts, chunks, fresh) -> None:
    """Store ``arts`` in runs of ``chunks`` sizes and link after each; ``fresh`` is a bool
    for all runs or one per run: drop the kept Linker first, as a new process would."""
    start = 0
    for i, size in enumerate(chunks):
        for a in arts[start:start + size]:
            store.add(a)
        start += size
        if fresh if isinstance(fresh, bool) else fresh[i]:
            store_links._LINKERS.clear()
        assert link_new(store)["articles"] == size


def full_snapshot(store) -> dict:
    def rows(sql):
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in _fetch(store, sql))
    out = snapshot(store) | index_snapshot(store)
    out["merges"] = rows("SELECT story_id, survivor FROM story_merges")
    out["incident_merges"] = rows("SELECT incident_id, survivor FROM incident_merges")
    # a survivor's centroid is stored (bit for bit what the merge made), the others' not
    out["centroids"] = sorted((r["story_id"], bytes(r["centroid"]).hex()) for r in _fetch(
        store, "SELECT story_id, centroid FROM link_stories WHERE centroid IS NOT NULL"))
    out["ranks"] = rows("SELECT story_id, rank FROM link_stories")
    return out


def rebuild_then_ingest_again(url, arts, incremental, check=None) -> None:
    """``link --rebuild`` gives back the tables ``incremental`` holds; storing ``arts``
    again (an ingest of the same files) links nothing new and duplicates nothing.
    ``check(store)``: more to assert at the end."""
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert full_snapshot(store) == incremental
        for a in arts:
            store.add(a)
        assert link_new(store)["articles"] == 0
        assert full_snapshot(store) == incremental
        if check is not None:
            check(store)


@pytest.mark.parametrize("seed,chunks,fresh", [(1, (4, 3, 5, 8, 10), True),
                                               (3, (7, 1, 9, 13), False),
                                               (1, (1,) * 30, True)])
def test_runs_with_merges_equal_a_rebuild(url, seed, chunks, fresh):
    arts = merge_articles(sum(chunks), seed)
    merges = merges_of(arts)
    assert len(merges) >= 2
    with open_store(url) as store:
        link_in_runs(store, arts, chunks, fresh)
        assert link_new(store)["articles"] == 0
        incremental = full_snapshot(store)
    assert len(incremental["merges"]) == len(merges) and incremental["centroids"]
    rebuild_then_ingest_again(url, arts, incremental)


def test_a_merge_moves_articles_incidents_and_index_rows(url):
    arts = merge_articles(30, 1)
    # a merge whose merged-away story was stored by an earlier run
    i, gone, keep = next((i, g, s) for i, g, s in merges_of(arts) if int(g[1:]) < i)
    with open_store(url) as store:
        for a in arts[:i]:
            store.add(a)
        link_new(store)
        one = lambda sql, *args: _fetch(store, sql, args)  # noqa: E731
        moved = {r["article_id"] for r in one("SELECT article_id FROM article_links "
                                              "WHERE story_id = ?", gone)}
        incs = {r["id"] for r in one("SELECT id FROM incidents WHERE story_id = ?", gone)}
        kept = {r["article_id"] for r in one("SELECT article_id FROM article_links "
                                             "WHERE story_id = ?", keep)}
        assert moved and incs and kept and one("SELECT id FROM stories WHERE id = ?", gone)
        store_links._LINKERS.clear()   # a new process merges from the stored indexes
        for a in arts[i:i + 1]:
            store.add(a)
        link_new(store)
        now = {r["article_id"]: r["story_id"] for r in one("SELECT article_id, story_id "
                                                           "FROM article_links")}
        assert {now[a] for a in moved | kept} == {keep}
        assert {r["story_id"] for r in one(f"SELECT story_id FROM incidents WHERE id IN "
                                           f"({', '.join('?' * len(incs))})", *incs)} == {keep}
        for table, col in (("stories", "id"), ("story_keys", "story_id"),
                           ("link_stories", "story_id"), ("link_keys", "story_id"),
                           ("incidents", "story_id")):
            assert not one(f"SELECT * FROM {table} WHERE {col} = ?", gone), table
        record = json.loads(one("SELECT record FROM stories WHERE id = ?", keep)[0]["record"])
        assert set(record["articles"]) >= moved | kept
        assert record["article_count"] == sum(1 for s in now.values() if s == keep)
        assert one("SELECT survivor FROM story_merges WHERE story_id = ?", gone) == [{"survivor": keep}]
        story = store_links.story(store, keep)
        assert {x["id"] for x in story["incidents"]} >= incs


def test_a_kill_mid_write_leaves_the_store_as_it_was(url):
    """The merge is written in the article's transaction: a process killed (SIGKILL) once
    every row of its run is written but before the commit leaves the store as before, and
    the next run links the article as a rebuild would."""
    import os
    import signal
    import subprocess
    import sys
    arts = merge_articles(30, 1)
    i = next(i for i, g, _s in merges_of(arts) if int(g[1:]) < i)
    with open_store(url) as store:
        for a in arts[:i]:
            store.add(a)
        link_new(store)
        before = full_snapshot(store)
        store.add(arts[i])
    script = (
        "import os, signal\n"
        "from newsdesk.store import link_index, open_store\n"
        "from newsdesk.store.links import link_new\n"
        "real = link_index.write_changes\n"
        "def die(*args, **kwargs):\n"
        "    real(*args, **kwargs)\n"   # the merge's rows are written, not committed
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "link_index.write_changes = die\n"
        f"with open_store({url!r}) as store:\n"
        "    link_new(store)\n")
    r = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), timeout=300)
    assert r.returncode == -signal.SIGKILL
    store_links._LINKERS.clear()
    with open_store(url) as store:
        assert full_snapshot(store) == before
        for a in arts[i + 1:]:
            store.add(a)
        link_new(store)
        incremental = full_snapshot(store)
    assert len(incremental["merges"]) >= 1
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert full_snapshot(store) == incremental


def first_merge(url: str, table: str, id_column: str) -> tuple[str, str]:
    """``merge_articles(30, 1)`` stored and linked; the first (gone, survivor) pair of the
    merges ``table`` (story_merges, incident_merges) by ``id_column``."""
    with open_store(url) as store:
        for a in merge_articles(30, 1):
            store.add(a)
        link_new(store)
        return next((r[id_column], r["survivor"]) for r in _fetch(
            store, f"SELECT {id_column}, survivor FROM {table} ORDER BY {id_column}"))


def test_the_api_leads_a_merged_away_story_to_its_survivor(url):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    gone, keep = first_merge(url, "story_merges", "story_id")
    client = TestClient(create_app(url))
    r = client.get(f"/api/stories/{gone}", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/api/stories/{keep}"
    r = client.get(f"/api/stories/{gone}")
    assert r.status_code == 200 and r.json()["id"] == keep
    assert r.json()["articles"] and gone in {a["id"] for a in r.json()["articles"]}
    listed = {s["id"] for s in client.get("/api/stories", params={"limit": 500}).json()["items"]}
    assert keep in listed and gone not in listed
    assert client.get(f"/api/articles/{gone}/story").json()["story"]["id"] == keep
    assert client.get("/api/stories/no-such-story").status_code == 404
