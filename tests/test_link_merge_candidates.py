"""link.story_merge's candidates after an article joins (``merge_candidates``): taken from
what the article's ``StoryIndex.choose`` found (``StoryIndex.merge_pool``: no second
candidate look-up, the centroid cosines as one product within their rounding bound) they
must be those of asking ``candidates`` again with every cosine one by one (``reuse=False``),
in the same order: in memory and in the stored linker (SQLite, PostgreSQL), with float32
and float64 vectors, window edges, unparsed times, keyless articles, ties, merges, and the
RECENT list overflowing (a story made by the article pushes the oldest out)."""
import numpy as np
import pytest

from newsdesk.cli import main
from newsdesk.link import stories as stories_mod
from newsdesk.link import story_merge
from newsdesk.link.stories import StoryIndex
from newsdesk.store import link_index
from newsdesk.store import links as store_links
from newsdesk.store import open_store
from newsdesk.store.links import link_new

from _pg_server import engine_url  # tests/_pg_server.py
from test_link_story_merges_store import full_snapshot, link_in_runs, merge_articles
from test_link_store import PG_CTL, PG_SKIP

if PG_CTL:
    from pytest_postgresql import factories

    pg_proc_mc = factories.postgresql_proc(executable=PG_CTL, port=None, user="postgres")
    pg_db_mc = factories.postgresql("pg_proc_mc", dbname="newsdesk_merge_candidates_test")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return engine_url(request, tmp_path, "mc.db", "pg_db_mc", PG_CTL, PG_SKIP)


def _unit(v):
    return v / np.linalg.norm(v)


class Checker:
    """``story_merge.merge_candidates`` that computes both paths and requires one answer;
    counts how often the reused path answered (``merge_pool`` not None), how often it
    left out the story the RECENT list dropped, and how many cosines it spared."""

    def __init__(self, hards=(story_merge.HARD,)):
        self.orig = story_merge.merge_candidates
        self.hards = hards
        self.calls = self.reused = self.dropped = self.pooled = self.plain = 0

    def __call__(self, index, sid, keys, hard=story_merge.HARD, time=None, reuse=True):
        self.calls += 1
        after = index._after
        for h in sorted({hard, *self.hards}):
            pool = index.merge_pool(sid, keys, time, h)
            new = self.orig(index, sid, keys, h, time)
            old = self.orig(index, sid, keys, h, time, reuse=False)
            assert new == old, (sid, h)
            if pool is not None and h == hard:
                self.reused += 1
                self.pooled += len(pool)
                full = [t for t in index.candidates(keys) if t != sid
                        and index.stories[t].vecs and index.window_test(time)(index.stories[t])]
                self.plain += len(full)
                drop = after[5]
                self.dropped += drop is not None and drop in after[4][0] and drop not in full
        return self.orig(index, sid, keys, hard, time)


@pytest.mark.parametrize("seed,recent,dtype", [(0, 200, np.float32), (1, 6, np.float32),
                                               (2, 3, np.float64), (3, 12, np.float32)])
def test_reused_candidates_match_plain_in_memory(monkeypatch, seed, recent, dtype):
    monkeypatch.setattr(stories_mod, "RECENT", recent)
    check = Checker(hards=(1, 3, 10))
    monkeypatch.setattr(story_merge, "merge_candidates", check)
    rng = np.random.default_rng(seed)
    d = 24
    models = [_unit(rng.normal(size=d)) for _ in range(10)]
    names = [f"name {i}" for i in range(40)] + [str(2000 + i) for i in range(6)]
    idx = StoryIndex()
    merges = 0
    twins = []
    for i in range(260):
        r = rng.random()
        if twins and r < 0.1:   # the same lead again (ties between centroids)
            vec = twins[int(rng.integers(len(twins)))]
        else:
            vec = _unit(models[rng.integers(len(models))] + rng.normal(size=d) * rng.uniform(0.05, 0.9))
            vec = vec.astype(dtype)
            twins.append(vec)
        keys = set(rng.choice(names, size=rng.integers(0, 5), replace=False).tolist())
        if rng.random() < 0.4:
            keys.add(f"own {i}")
        t = rng.random()
        # whole days apart, out of order: many gaps are exactly the window (14 days)
        time = (None if t < 0.05 else "not a date" if t < 0.08
                else f"2026-01-{1 + int(rng.integers(0, 31)):02d}T06:00:00")
        sid = idx.add(f"a{i}", vec, keys, time)
        if story_merge.merge_step(idx, sid, keys, cut=0.05, time=time) != sid:
            merges += 1
        if i % 11 == 0 and idx.stories:   # a centroid set from outside, between two adds
            s = idx.stories[sorted(idx.stories)[int(rng.integers(len(idx.stories)))]]
            s.centroid = _unit(s.centroid + rng.normal(size=d) * 0.3).astype(dtype)
    assert check.calls == 260 and check.reused == 260
    assert merges > 5
    if recent < 50:   # the RECENT list overflows: its dropped story was a candidate of choose's
        assert check.dropped > 10
    # the bound spares most cosines when candidates are many
    if recent >= 12:
        assert check.plain > 10 * check.reused and check.pooled < check.plain / 2


def test_merge_pool_only_right_after_its_add():
    """After anything else changed the index (another article put, a merge, other keys or
    time), ``merge_pool`` answers None and the candidates are asked again."""
    rng = np.random.default_rng(5)
    idx = StoryIndex()
    for i in range(20):
        idx.add(f"a{i}", _unit(rng.normal(size=8)), {f"k{i % 3}"}, "2026-01-02T00:00:00")
    sid = idx.add("b", _unit(rng.normal(size=8)), {"k1"}, "2026-01-02T00:00:00")
    assert idx.merge_pool(sid, {"k1"}, "2026-01-02T00:00:00", 3) is not None
    assert idx.merge_pool(sid, {"k2"}, "2026-01-02T00:00:00", 3) is None
    assert idx.merge_pool(sid, {"k1"}, "2026-01-03T00:00:00", 3) is None
    other = next(s for s in idx.stories if s != sid)
    story_merge.merge_stories(idx, sid, other)
    for s in (sid, other):
        assert idx.merge_pool(s, {"k1"}, "2026-01-02T00:00:00", 3) is None
    sid = idx.add("c", _unit(rng.normal(size=8)), {"k0"}, None)
    idx.put("d", sid, _unit(rng.normal(size=8)), {"k0"})
    assert idx.merge_pool(sid, {"k0"}, None, 3) is None


@pytest.mark.parametrize("recent", [200, 2])
def test_reused_candidates_match_plain_in_the_linker(monkeypatch, recent):
    """Real-ish articles through link.Linker (the packaged encoder's float32 vectors)."""
    from newsdesk.link.linker import Linker
    monkeypatch.setattr(stories_mod, "RECENT", recent)
    check = Checker(hards=(1, 3, 8))
    monkeypatch.setattr(story_merge, "merge_candidates", check)
    linker = Linker()
    for a in merge_articles(40, 2):
        linker.add_many([a])
    assert check.calls == check.reused > 30
    assert linker.stories.merged


@pytest.mark.parametrize("recent", [200, 2])
def test_reused_candidates_match_plain_in_the_stored_linker(url, monkeypatch, recent):
    """The stored linker (its candidates a store query): linked in runs, new processes and
    one, the two paths agree at every step, and the tables are those of a rebuild (with a
    short RECENT list: many stories made in one run, some merged away)."""
    for mod in (stories_mod, link_index):
        monkeypatch.setattr(mod, "RECENT", recent)
    check = Checker(hards=(1, 3, 8))
    monkeypatch.setattr(story_merge, "merge_candidates", check)
    arts = merge_articles(36, 4)
    with open_store(url) as store:
        link_in_runs(store, arts, (5, 3, 16, 12), (True, True, False, True))
        incremental = full_snapshot(store)
    assert check.calls == check.reused > 25 and incremental["merges"]
    if recent < 10:
        assert check.dropped > 0
    store_links._LINKERS.clear()
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert full_snapshot(store) == incremental


def test_the_stored_recent_list_skips_merged_away_stories_made_here(tmp_path, monkeypatch):
    """The RECENT most recent stories of a stored linker are those a Linker holding
    everything has: the last ones not merged away, also when those made in this run
    were merged (a list of the last RECENT made alone would leave older made ones out
    and take stored ones instead)."""
    from newsdesk.link.story_merge import merge_stories
    for mod in (stories_mod, link_index):
        monkeypatch.setattr(mod, "RECENT", 2)
    url = str(tmp_path / "recent.db")
    with open_store(url) as store:
        for a in merge_articles(6, 1):
            store.add(a)
        link_new(store)
        linker = link_index.StoredLinker(store)
        st = linker.stories
        rng = np.random.default_rng(0)
        for i in range(4):
            st.put(f"x{i}", f"s{i}", _unit(rng.normal(size=384)).astype(np.float32), {f"k{i}"})
        merge_stories(st, "s2", "s3")   # s3 goes: the last two left are s1 and s2
        assert sorted(linker.story_candidates(set())) == ["s1", "s2"]
        assert st._head == "s1"
