"""link.stories.KEY_CAP: a key that more stories in the time window carry than the cap
pulls no candidates; counted alike in memory and from the store (new processes linking
in chunks from the stored indexes give the links of a rebuild, which holds everything)."""
import json
import random

import numpy as np

from newsdesk.cli import main
from newsdesk.model import Entity
from newsdesk.link import stories as stories_mod
from newsdesk.link.stories import StoryIndex
from newsdesk.store import link_index
from newsdesk.store import open_store

from test_link_incremental import snapshot
from test_link_index import index_snapshot, link_in_batches, url  # noqa: F401 (fixtures)
from test_link_store import PG_CTL

if PG_CTL:
    from test_link_index import pg_db3, pg_proc3  # noqa: F401
from test_link_store import art


TOPICS = ("harbor election festival vaccine orchestra drought satellite merger tennis volcano "
          "museum strike bridge lottery wildfire pension telescope chess parade glacier "
          "airline tariff cathedral marathon reactor vineyard submarine senate bakery comet "
          "railway opera mining referendum zoo casino robot ferry hurricane library").split()


def _index(n_common: int, days: list[int]) -> StoryIndex:
    index = StoryIndex()
    rng = np.random.default_rng(0)
    for i, d in enumerate(days):
        v = rng.standard_normal(8)
        keys = {"common", f"own{i}"} if i < n_common else {f"own{i}"}
        index.put(f"a{i}", f"s{i}", v / np.linalg.norm(v), keys, f"2024-03-{d:02d}T10:00")
    return index


def test_a_key_over_the_cap_in_the_window_pulls_no_candidates(monkeypatch):
    monkeypatch.setattr(stories_mod, "KEY_CAP", 2)
    monkeypatch.setattr(stories_mod, "RECENT", 1)
    # three stories carry "common" within the window of the 10th: over the cap
    index = _index(3, [8, 9, 10, 11])
    assert index.candidates({"common", "own0"}, "2024-03-10T12:00") == ["s0", "s3"]
    assert index._pulled == ["own0"]
    # 20 days later two of them are out of the window (in_window's test): under the cap
    index = _index(3, [1, 2, 25, 26])
    assert index.candidates({"common"}, "2024-03-20T12:00") == ["s0", "s1", "s2", "s3"]
    # at the cap exactly: pulls, and ``add`` does not reuse the candidates for the merge
    index = _index(2, [8, 9, 10])
    assert index.candidates({"common"}, "2024-03-10T12:00") == ["s0", "s1", "s2"]
    assert index._brink


def test_stored_and_in_memory_linkers_cap_alike(url, monkeypatch):  # noqa: F811
    for mod in (stories_mod, link_index):
        monkeypatch.setattr(mod, "RECENT", 2)
        monkeypatch.setattr(mod, "KEY_CAP", 1)
    rng = random.Random(12)
    words = [f"w{i}" for i in range(400)]
    capped = []
    pull = StoryIndex.pull
    monkeypatch.setattr(StoryIndex, "pull", lambda self, counts: capped.extend(
        k for k, c in counts.items() if c > 1) or pull(self, counts))
    arts = []
    for i in range(32):   # texts and names of their own, and one name every one carries
        text = (" ".join(rng.sample(TOPICS, 12)).capitalize() + " passed the gate. "
                + " ".join(rng.choice(words) for _ in range(60)) + ".")
        a = art(f"c{i:03d}", f"Outlet {i % 5}", text, " ".join(rng.sample(TOPICS, 4)),
                f"2024-03-{1 + i // 2:02d}T{8 + i % 10:02d}:00", "passed")
        a.entities = [Entity(text=n, label="ORG", start=0, end=4, canonical=n)
                      for n in ("Common Board", f"Board {i}")]
        arts.append(a)
    incremental, index = link_in_batches(url, arts, ((6, True), (9, True), (7, False), (10, False)))
    links = [json.loads(r) for r in incremental["links"]]
    assert "common board" in capped
    assert len({x["story_id"] for x in links}) > 2   # "Common Board" on more stories than the cap
    assert main(["link", "--rebuild", "--db", url]) == 0
    with open_store(url) as store:
        assert snapshot(store) == incremental
        assert index_snapshot(store) == index
