"""StoryIndex.choose (a bound skips candidates that cannot reach the cut) must decide as
the plain path: the same chosen story and the same stories above the cut (which
incidents.neighbour_stories gives too)."""
import numpy as np
import pytest

from newsdesk.link.incidents import neighbour_stories
from newsdesk.link.stories import StoryIndex


def _unit(v):
    return v / np.linalg.norm(v)


def _plain(idx, vec, keys, cut, time):
    ids, ps = idx.scored(vec, keys, time)
    passed = [sid for sid, q in zip(ids, ps) if q >= cut]
    return (ids[int(np.argmax(ps))] if passed else None), passed


@pytest.mark.parametrize("seed", range(4))
def test_choose_matches_plain_scoring(seed):
    rng = np.random.default_rng(seed)
    models = [_unit(rng.normal(size=16)) for _ in range(12)]
    names = [f"name {i}" for i in range(60)] + [str(1990 + i) for i in range(10)]
    idx = StoryIndex()
    cut = idx.model_or_default().threshold
    joined = checked = full = total = 0
    plain_features = idx.features

    def counted(*a, **k):
        nonlocal full
        full += 1
        return plain_features(*a, **k)
    for i in range(400):
        vec = _unit(models[rng.integers(len(models))] + rng.normal(size=16) * rng.uniform(0.05, 0.6))
        keys = set(rng.choice(names, size=rng.integers(0, 6), replace=False).tolist())
        if rng.random() < 0.5:
            keys.add(f"own {i}")
        time = f"2026-01-{1 + i // 20:02d}T00:00:00"
        want = _plain(idx, vec, keys, cut, time)
        idx.features = counted
        got = idx.choose(vec, keys, cut, time)
        idx.features = plain_features
        total += len(idx.scored(vec, keys, time)[0])
        assert got == want
        # the neighbourhood of a copy (no story chosen) is found by the same bound
        assert neighbour_stories(idx, vec, keys, time) == set(want[1])
        checked += len(want[1])
        sid = idx.add(f"a{i}", vec, keys, time)
        assert idx.passed == want[1]
        assert sid == (want[0] or f"a{i}")
        joined += want[0] is not None
    # the case must exercise both joining and starting stories, and several passing ones
    assert 50 < joined < 350 and checked > joined
    # and the bound must actually spare candidates their full scoring
    assert full < total / 2


def test_story_key_count_follows_adds_and_merges():
    """The running key count the first bound reads is the key counts' sum, also after a
    merge (link.story_merge grows a story's keys behind ``Story.add``)."""
    from newsdesk.link.story_merge import merge_stories
    rng = np.random.default_rng(7)
    idx = StoryIndex()
    for i, keys in enumerate([{"a", "b"}, {"b", "c", "d"}, {"e"}, {"a", "e", "f"}]):
        idx.put(f"x{i}", f"s{i % 2}", _unit(rng.normal(size=8)), keys)
        for s in idx.stories.values():
            assert s.key_count() == sum(s.keys.values())
    assert idx.stories["s0"].key_count() == 3 and idx.stories["s1"].key_count() == 6
    kept = merge_stories(idx, "s0", "s1")
    assert idx.stories[kept].key_count() == 9 == sum(idx.stories[kept].keys.values())


@pytest.mark.parametrize("seed", range(3))
def test_choose_matches_plain_with_merges_window_edges_and_float32(seed):
    """The vectorised bound reads a table of the stories kept up to date as they change:
    also when link.story_merge grows one behind the index's back. Float32 vectors (as the
    linker's), gaps of exactly the window, unparsed and missing times, keyless articles,
    merges at a low cut so that they happen, centroids replaced: the same decisions as the
    plain path."""
    from newsdesk.link.story_merge import merge_step
    rng = np.random.default_rng(100 + seed)
    models = [_unit(rng.normal(size=24)) for _ in range(10)]
    names = [f"name {i}" for i in range(40)] + [str(2000 + i) for i in range(6)]
    idx = StoryIndex()
    cut = idx.model_or_default().threshold
    merges = edges = 0
    for i in range(300):
        vec = _unit(models[rng.integers(len(models))] + rng.normal(size=24) * rng.uniform(0.05, 0.5))
        vec = vec.astype(np.float32)
        keys = set(rng.choice(names, size=rng.integers(0, 5), replace=False).tolist())
        r = rng.random()
        # whole days apart, out of order: many gaps are exactly the window (14 days)
        time = (None if r < 0.05 else "not a date" if r < 0.08
                else f"2026-01-{1 + int(rng.integers(0, 31)):02d}T06:00:00")
        want = _plain(idx, vec, keys, cut, time)
        assert idx.choose(vec, keys, cut, time) == want
        if time and time[0] == "2":
            at = int(time[8:10])
            edges += any(abs(at - int(s.first[8:10])) == 14 for s in idx.stories.values()
                         if s.first and s.first[0] == "2")
        sid = idx.add(f"a{i}", vec, keys, time)
        assert sid == (want[0] or f"a{i}")
        if merge_step(idx, sid, keys, cut=0.05) != sid:
            merges += 1
        if i % 7 == 0:   # a centroid set from outside (as a loader of a merge's blend does)
            s = idx.stories[sorted(idx.stories)[int(rng.integers(len(idx.stories)))]]
            s.centroid = _unit(s.centroid + rng.normal(size=24) * 0.3).astype(np.float32)
    assert merges > 5 and edges > 20


def test_table_add_many_writes_what_sync_writes():
    """Stories added in one go (``_Table.add_many``, as ``choose`` does for candidates it
    has not seen) give the rows, member rows and key postings ``sync`` gives one by one,
    mixed float16 and float32 vectors included (the table widens to both)."""
    from newsdesk.link.stories import Story, _Table
    rng = np.random.default_rng(7)
    stories = []
    for i in range(60):
        dt = np.float16 if i % 7 == 3 else np.float32
        vecs = [_unit(rng.normal(size=16)).astype(dt) for _ in range(i % 4)]
        keys = {f"k{int(rng.integers(0, 40))}": int(rng.integers(1, 4)) for _ in range(5)}
        stories.append(Story(f"s{i}", _unit(rng.normal(size=16)).astype(dt), keys=keys,
                             vecs=vecs, first=None if i % 5 == 0 else f"2026-01-{1 + i % 9:02d}",
                             last=None if i % 5 == 0 else f"2026-02-{1 + i % 9:02d}"))
    one, many = _Table(), _Table()
    cached = sorted(stories[0].keys)   # posting arrays cached that later stories must drop
    one.sync(stories[0].id, stories[0])
    many.sync(stories[0].id, stories[0])
    for k in cached:
        assert one.postings(k) is not None and many.postings(k) is not None
    for s in stories[1:]:
        one.sync(s.id, s)
    got = many.add_many([(s.id, s) for s in stories[1:21]]) + many.add_many(
        [(s.id, s) for s in stories[21:]])
    assert got == list(range(1, 60))
    assert one.slot == many.slot and one.n == many.n and one.m == many.m
    assert one.C.dtype == many.C.dtype == np.float32
    np.testing.assert_array_equal(one.C[:one.n], many.C[:many.n])
    np.testing.assert_array_equal(one.F[:one.n], many.F[:many.n])
    np.testing.assert_array_equal(one.M[:one.m], many.M[:many.m])
    np.testing.assert_array_equal(one.mn[:one.m], many.mn[:many.m])
    np.testing.assert_array_equal(one.rslot[:one.m], many.rslot[:many.m])
    assert one.post == many.post and one.ver == many.ver
    for k in one.post:
        for a, b in zip(one.postings(k), many.postings(k)):
            np.testing.assert_array_equal(a, b)
