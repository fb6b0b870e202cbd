"""Story splits (link.story_split): a story made of two clear groups splits in two along
them, a coherent one does not, and the ids are the same on every run."""
import random
from collections import Counter

import numpy as np
import pytest

from newsdesk.link.linker import Linker
from newsdesk.link.stories import StoryIndex
from newsdesk.link.story_split import MIN_SIZE, split_step, two_means
from newsdesk.model import Entity

from test_link_store import art

# synthetic articles laid out on MiniLM's lead geometry (conftest.minilm_leads)
pytestmark = pytest.mark.usefixtures("minilm_leads")

LEADS = ["A strong earthquake shook {p} on {d}, officials said, and {n} people were injured.",
         "An earthquake struck {p} on {d}, bringing down a bridge; {n} people were hurt.",
         "{n} people were injured when a quake hit {p} on {d}, the Red Cross said."]
WORDS = [f"w{i}" for i in range(300)]


def quake_articles(n: int = 30, seed: int = 2):
    """Two earthquakes (Arden, even ids; Selby, odd ids) told alike, articles alternating:
    the online clustering puts the first articles of both in one story (they read alike
    and share the Red Cross), which the split step cuts once it has grown (seeds 2, 4, 5
    and 6: the tests check that it does)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place, day, hurt = (("Arden", "Friday", "12"), ("Selby", "Monday", "40"))[i % 2]
        text = (rng.choice(LEADS).format(p=place, d=day, n=hurt) + " "
                + " ".join(rng.choice(WORDS) for _ in range(60)) + ".")
        a = art(f"q{i:03d}", f"Outlet {rng.randrange(6)}", text, f"Quake hits {place}",
                f"2024-03-{5 + i // 10:02d}T{8 + i % 10:02d}:00", "people")
        names = [place] + rng.sample(["Red Cross"], rng.randrange(2))
        a.entities = [Entity(text=x, label="GPE", start=0, end=4, canonical=x) for x in names]
        out.append(a)
    return out


def groups(linker) -> dict[str, set[int]]:
    """Story -> the quakes (0 Arden, 1 Selby) of its articles."""
    out: dict[str, set[int]] = {}
    for a, s in linker.stories.of.items():
        out.setdefault(s, set()).add(int(a[1:]) % 2)
    return out


def _unit(v):
    return v / np.linalg.norm(v)


def index_of(vecs, keys, sid="s0") -> StoryIndex:
    """One story holding every vector, as the online clustering could have made it."""
    index = StoryIndex()
    for i, (v, k) in enumerate(zip(vecs, keys)):
        index.put(f"a{i:02d}", sid, v.astype(np.float32), k)
    return index


def two_groups(n=12, seed=0):
    rng = np.random.default_rng(seed)
    base = [_unit(rng.normal(size=64)), _unit(rng.normal(size=64))]
    vecs = [_unit(base[i % 2] + 0.15 * rng.normal(size=64)) for i in range(n)]
    keys = [{"Arden", "12"} if i % 2 == 0 else {"Selby", "40"} for i in range(n)]
    return vecs, keys


def test_two_means_is_deterministic_and_finds_the_groups():
    vecs, _ = two_groups()
    side = two_means(np.stack(vecs))
    assert [int(s) for s in side] == [int(side[0]) ^ (i % 2) for i in range(len(vecs))]
    assert np.array_equal(side, two_means(np.stack(vecs)))


def test_a_story_of_two_clear_groups_splits_along_them():
    vecs, keys = two_groups(12)
    index = index_of(vecs, keys)
    splits = split_step(index, "s0")
    assert len(splits) == 1
    old, new, moved = splits[0]
    # the half with the first member keeps the id; the other is its first member's + rank
    assert old == "s0" and new == "a01~1" and moved == [f"a{i:02d}" for i in range(1, 12, 2)]
    assert index.stories["s0"].members == [f"a{i:02d}" for i in range(0, 12, 2)]
    assert {index.of[a] for a in moved} == {new}
    assert set(index.stories["s0"].keys) == {"Arden", "12"}
    assert set(index.stories[new].keys) == {"Selby", "40"}
    assert "s0" not in index.by_key["Selby"] and new in index.by_key["Selby"]
    # the halves are their members replayed: the centroid is their (running) mean
    half = index_of([vecs[i] for i in range(1, 12, 2)], [keys[i] for i in range(1, 12, 2)])
    assert np.allclose(index.stories[new].centroid, half.stories["s0"].centroid)
    # each half is one group now: nothing more to split, on this run or the next
    assert split_step(index, "s0") == [] and split_step(index, new) == []


def test_a_coherent_story_does_not_split():
    rng = np.random.default_rng(1)
    base = _unit(rng.normal(size=64))
    vecs = [_unit(base + 0.15 * rng.normal(size=64)) for _ in range(16)]
    index = index_of(vecs, [{"Arden", "12"}] * 16)
    assert split_step(index, "s0") == []
    assert len(index.stories) == 1 and len(index.stories["s0"].members) == 16


def test_too_small_or_too_large_stories_are_left_alone():
    vecs, keys = two_groups(MIN_SIZE - 1)
    assert split_step(index_of(vecs, keys), "s0") == []
    vecs, keys = two_groups(70)
    assert split_step(index_of(vecs, keys), "s0") == []


def test_the_linker_splits_an_over_merged_story_with_stable_ids():
    arts = quake_articles(30, 2)
    plain = Linker(splits=False)
    plain.add_many(arts)
    assert groups(plain) == {"q000": {0, 1}}   # one story of both quakes without splits
    runs = []
    for _ in range(2):
        linker = Linker()
        links = linker.add_many(arts)
        runs.append(([lk.story_id for lk in links], dict(linker.stories.of)))
        assert sorted(groups(linker).values(), key=min) == [{0}, {1}]
        # the incidents follow the articles that started them; the mentions their article
        for sid, iids in linker.story_incidents.items():
            for iid in iids:
                inc = linker.incidents[iid]
                assert inc.story == sid == linker.stories.of[inc.mentions[0].doc]
        for aid, ms in linker.mentions_of.items():
            assert all(m.story == linker.stories.of[aid] for m in ms)
    assert runs[0] == runs[1]
    assert Counter(runs[0][1].values()) == {"q000": 15, "q001~2": 15}
