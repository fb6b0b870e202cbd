"""Story splits in the product path (link.story_split run by link.Linker), on both engines:
a split moves the stored articles of the moved half, their incidents and the index rows
in the article's transaction; linking in runs ends with the same tables as
``link --rebuild``; linking again adds nothing and duplicates nothing."""
import json

import pytest

from newsdesk.link.inputs import prepare
from newsdesk.link.keys import entity_key
from newsdesk.link.linker import Linker
from newsdesk.store import link_counts
from newsdesk.store import links as store_links
from newsdesk.store import open_store
from newsdesk.store.links import _fetch, link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_story_merges_store import full_snapshot, link_in_runs, rebuild_then_ingest_again
from test_link_story_split import quake_articles
from test_link_store import PG_CTL, PG_SKIP

# synthetic articles laid out on MiniLM's lead geometry (conftest.minilm_leads)
pytestmark = pytest.mark.usefixtures("minilm_leads")

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc6 = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db6 = factories.postgresql("pg_proc6", dbname="newsdesk_story_split_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "split.db", "pg_db6", PG_CTL, PG_SKIP)


def splits_of(arts) -> list[tuple[int, str, str, list[str]]]:
    """(position of the article whose step split, story, new story, the earlier articles
    moved to it), from a Linker holding everything (what ``link --rebuild`` computes)."""
    linker, out = Linker(), []
    for i, a in enumerate(arts):
        linker.clean()
        before = set(linker.stories.stories)
        linker.add_many([a])
        for new in sorted(set(linker.stories.stories) - before - {a.id}):
            old = sorted(linker.split_stories)[0]
            out.append((i, old, new, [m for m in linker.stories.stories[new].members if m != a.id]))
    return out


def consistent(store) -> None:
    """The story rows agree with article_links: one row per story holding articles, its
    count and its articles those of article_links; link_counts those of the tables."""
    rows = lambda sql, *a: _fetch(store, sql, a)  # noqa: E731
    members: dict[str, set] = {}
    for r in rows("SELECT article_id, story_id FROM article_links"):
        members.setdefault(r["story_id"], set()).add(r["article_id"])
    stored = {r["id"]: json.loads(r["record"]) for r in rows("SELECT id, record FROM stories")}
    assert set(stored) == set(members)
    for sid, rec in stored.items():
        assert set(rec["articles"]) == members[sid] and rec["article_count"] == len(members[sid])
    assert store_links.counts(store)["stories"] == len(members)
    assert {r["story_id"] for r in rows("SELECT story_id FROM link_stories")} == set(members)
    for t in ("story_keys", "link_keys"):
        assert {r["story_id"] for r in rows(f"SELECT story_id FROM {t}")} <= set(members), t
    n = [len(rows(f"SELECT 1 FROM {t}")) for t in ("articles", "link_inputs")]
    assert link_counts.read(store.conn)[:2] == tuple(n)


@pytest.mark.parametrize("seed,chunks,fresh", [(2, (5, 4, 6, 15), True),
                                               (4, (7, 1, 9, 13), False),
                                               (5, (1,) * 30, True)])
def test_runs_with_splits_equal_a_rebuild(url, seed, chunks, fresh):
    arts = quake_articles(sum(chunks), seed)
    assert splits_of(arts)
    with open_store(url) as store:
        link_in_runs(store, arts, chunks, fresh)
        assert link_new(store)["articles"] == 0
        incremental = full_snapshot(store)
        consistent(store)
    assert any("~" in s for s in incremental["ranks"])
    rebuild_then_ingest_again(url, arts, incremental, check=consistent)


def test_a_split_moves_stored_articles_incidents_and_index_rows(url, monkeypatch):
    # the two quakes read alike to the event scorer: incident merges (link.incident_merge)
    # would fold the moved articles' incidents into the older quake's before the split
    from newsdesk.link import incident_merge
    monkeypatch.setattr(incident_merge, "CUT", None)
    arts = quake_articles(30, 2)
    i, old, new, moved = splits_of(arts)[0]
    assert moved and set(moved) < {a.id for a in arts[:i]}   # stored by the first run
    with open_store(url) as store:
        for a in arts[:i]:
            store.add(a)
        link_new(store)
        one = lambda sql, *args: _fetch(store, sql, args)  # noqa: E731
        assert {r["story_id"] for r in one(
            f"SELECT story_id FROM article_links WHERE article_id IN ({', '.join('?' * len(moved))})",
            *moved)} == {old}
        started = {r["id"] for r in one("SELECT id FROM incidents WHERE story_id = ?", old)
                   if r["id"].split(":")[0] in moved}
        assert started
        store_links._LINKERS.clear()   # a new process splits from the stored indexes
        store.add(arts[i])
        link_new(store)
        now = {r["article_id"]: r["story_id"] for r in one("SELECT article_id, story_id "
                                                           "FROM article_links")}
        assert {now[a] for a in moved} == {new}
        assert {s for a, s in now.items() if a not in moved and a != arts[i].id} == {old}
        assert {r["story_id"] for r in one(f"SELECT story_id FROM incidents WHERE id IN "
                                           f"({', '.join('?' * len(started))})", *started)} == {new}
        # the Selby quake's key left the kept story's index rows, and is the new story's
        selby = entity_key("Selby")
        assert not one("SELECT * FROM link_keys WHERE story_id = ? AND key = ?", old, selby)
        assert one("SELECT * FROM link_keys WHERE story_id = ? AND key = ?", new, selby)
        record = json.loads(one("SELECT record FROM stories WHERE id = ?", new)[0]["record"])
        assert set(record["articles"]) >= set(moved)
        assert "Selby" in record["label"] and "Selby" not in json.loads(
            one("SELECT record FROM stories WHERE id = ?", old)[0]["record"])["label"]
        consistent(store)
        # linking again: nothing new, the split made once
        before = full_snapshot(store)
        assert link_new(store)["articles"] == 0
        assert full_snapshot(store) == before
        assert not one("SELECT * FROM story_merges WHERE story_id = ?", new)


def test_a_split_kept_story_is_no_candidate_for_the_keys_it_lost(url, monkeypatch):
    """Before the run writes, the stored index rows still give the kept story the moved
    half's keys: the stored linker takes a story it holds from its own key index."""
    from newsdesk.store import link_index
    arts = quake_articles(30, 2)
    i, old, new, _moved = splits_of(arts)[0]
    with open_store(url) as store:
        for a in arts[:i]:
            store.add(a)
        link_new(store)
        linker = link_index.StoredLinker(store)
        linker.apply(prepare([arts[i]], leads=False)[0])
        assert new in linker.stories.stories and old in linker.stories.stories
        selby = entity_key("Selby")
        assert _fetch(store, "SELECT * FROM link_keys WHERE story_id = ? AND key = ?", (old, selby))
        monkeypatch.setattr(link_index, "RECENT", 1)   # the newest story only, ``new``
        assert linker.story_candidates({selby}) == {new}
        store.conn.rollback()
