"""Story merges (link.story_merge): the learned story-to-story step on made-up vectors."""
import numpy as np
import pytest

from newsdesk.link.stories import StoryIndex
from newsdesk.link.story_merge import (MERGE_FEATURES, MergeScorer, merge_features,
                                       merge_scorer, merge_step, merge_stories)


def _unit(rng, near=None, cos=0.8):
    n = rng.normal(size=384)
    if near is None:
        return n / np.linalg.norm(n)
    n -= (n @ near) * near
    return cos * near + np.sqrt(1 - cos ** 2) * n / np.linalg.norm(n)


def _index(rng):
    idx = StoryIndex()
    for i in range(6):   # other news, so that the happenings' keys are rare
        idx.put(f"x{i}", f"x{i}", _unit(rng), {f"other{i}", "police"})
    return idx


def test_two_halves_of_one_happening_merge_and_the_older_id_survives():
    rng = np.random.default_rng(1)
    idx = _index(rng)
    v = _unit(rng)
    keys = {"arden", "2013", "6.1"}
    idx.put("a1", "s1", _unit(rng, v, 0.9), keys)
    idx.put("a2", "s1", _unit(rng, v, 0.9), keys)
    idx.put("b1", "s2", _unit(rng, v, 0.9), keys)   # started apart (as arrival order can)
    p = merge_scorer().prob([merge_features(idx, "s2", "s1")])[0]
    assert p >= merge_scorer().threshold
    assert merge_step(idx, "s2", keys) == "s1"
    assert "s2" not in idx.stories and idx.merged == {"s2": "s1"}
    assert idx.assignments()["b1"] == "s1" and idx.stories["s1"].keys["arden"] == 3
    assert "s2" not in idx.by_key["arden"] and "s2" not in idx._order
    assert abs(np.linalg.norm(idx.stories["s1"].centroid) - 1) < 1e-9


def test_a_like_story_of_another_happening_stays_apart():
    rng = np.random.default_rng(2)
    idx = _index(rng)
    v = _unit(rng)
    idx.put("a1", "s1", _unit(rng, v), {"arden", "2013", "6.1"})
    idx.put("a2", "s1", _unit(rng, v), {"arden", "2013", "6.1"})
    idx.put("b1", "s2", _unit(rng, v), {"marlow", "2009", "5.4", "police"})
    assert merge_step(idx, "s2", {"marlow", "2009", "5.4", "police"}) == "s2"
    assert set(idx.stories) >= {"s1", "s2"} and idx.merged == {}


def test_merge_keeps_members_times_and_the_newer_side_can_be_either():
    rng = np.random.default_rng(3)
    idx = StoryIndex()
    idx.put("a", "old", _unit(rng), {"k"}, "2024-01-02T00:00:00")
    idx.put("b", "new", _unit(rng), {"k", "j"}, "2024-01-05T00:00:00")
    assert merge_stories(idx, "new", "old") == "old"
    s = idx.stories["old"]
    assert s.members == ["a", "b"] and s.keys == {"k": 2, "j": 1}
    assert (s.first, s.last) == ("2024-01-02T00:00:00", "2024-01-05T00:00:00")


def test_scorer_round_trips_and_refuses_other_features():
    m = merge_scorer()
    again = MergeScorer.from_json(m.to_json())
    x = np.zeros((1, len(MERGE_FEATURES)))
    assert np.allclose(again.prob(x), m.prob(x), atol=1e-5) and 0.5 < m.threshold <= 1.0
    bad = m.to_json().replace('"cos_centroids"', '"other"')
    with pytest.raises(ValueError):
        MergeScorer.from_json(bad)
