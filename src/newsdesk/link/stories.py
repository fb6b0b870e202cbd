"""Stories: articles about the same developing news, clustered online.

An article is a unit vector of its title and lead (link.embed) plus a set of keys (its
entities' canonical names and its places). It joins the most similar story whose last
article is within the time window and whose similarity passes THRESHOLD, or starts a new
story; when a story's centroid comes to pass the threshold with another story, the two
merge (the older id survives). Candidates come from an inverted index over keys plus the
most recent stories, never from every story.

The weights and threshold were chosen on the ECB+ training topics with
``bench/linking.py --data ../shared/bench/ecbplus --topics train --tune-stories``.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

VEC_WEIGHT = 0.7
KEY_WEIGHT = 0.3
THRESHOLD = 0.6
WINDOW_DAYS = 14.0
RECENT = 200          # the most recent stories are always candidates (no shared key needed)


@functools.lru_cache(maxsize=65536)
def _when(t: str) -> datetime | None:
    # parsed once per distinct time: every candidate story's times are compared per article
    try:
        return datetime.fromisoformat(t[:19].replace("Z", ""))
    except ValueError:
        return None


def _days(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    da, db = _when(a), _when(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


@dataclass
class Story:
    id: str
    centroid: np.ndarray
    keys: dict[str, int] = field(default_factory=dict)   # key -> number of articles with it
    members: list[str] = field(default_factory=list)
    first: str | None = None
    last: str | None = None

    def key_overlap(self, keys: set[str]) -> float:
        if not keys or not self.keys:
            return 0.0
        n = len(self.members)
        # a key counts by the share of the story's articles that carry it
        shared = sum(self.keys[k] / n for k in keys if k in self.keys)
        return shared / min(len(keys), len(self.keys))

    def add(self, article_id: str, vec: np.ndarray, keys: set[str], time: str | None) -> None:
        n = len(self.members)
        c = self.centroid * n + vec
        self.centroid = c / max(np.linalg.norm(c), 1e-12)
        for k in keys:
            self.keys[k] = self.keys.get(k, 0) + 1
        self.members.append(article_id)
        if time:
            self.first = min(self.first or time, time)
            self.last = max(self.last or time, time)


class StoryIndex:
    """Online story clustering; ``add`` articles in arrival order."""

    def __init__(self, threshold: float = THRESHOLD, vec_weight: float = VEC_WEIGHT,
                 key_weight: float = KEY_WEIGHT, window_days: float = WINDOW_DAYS):
        self.threshold, self.vw, self.kw, self.window = threshold, vec_weight, key_weight, window_days
        self.stories: dict[str, Story] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.of: dict[str, str] = {}          # article id -> story id
        self.merged: dict[str, str] = {}      # merged-away story id -> surviving id
        self._order: list[str] = []
        self._rank: dict[str, int] = {}       # story id -> when it started

    def similarity(self, story: Story, vec: np.ndarray, keys: set[str], time: str | None) -> float:
        gap = _days(time, story.last)
        if gap is not None and gap > self.window:
            gap2 = _days(time, story.first)
            if gap2 is None or gap2 > self.window:
                return -1.0
        return self.vw * float(story.centroid @ vec) + self.kw * story.key_overlap(keys)

    def candidates(self, keys: set[str]) -> list[str]:
        """The stories sharing a key, and the most recent ones, oldest first: a fixed order
        (not a set's, which follows the process's string hashing), so ties and merges go
        the same way in every process."""
        out = {s for k in keys for s in self.by_key.get(k, ())}
        out.update(self._order[-RECENT:])
        return sorted({self.resolve(s) for s in out}, key=self._rank.__getitem__)

    def resolve(self, story_id: str) -> str:
        while story_id in self.merged:
            story_id = self.merged[story_id]
        return story_id

    def add(self, article_id: str, vec: np.ndarray, keys: set[str], time: str | None = None,
            story_id: str | None = None) -> str:
        """The story the article joins (a new one named ``story_id`` or the article's id)."""
        if article_id in self.of:
            return self.resolve(self.of[article_id])
        best, best_sim = None, self.threshold
        for sid in self.candidates(keys):
            sim = self.similarity(self.stories[sid], vec, keys, time)
            if sim >= best_sim:
                best, best_sim = sid, sim
        if best is None:
            best = story_id or article_id
            self.stories[best] = Story(best, np.zeros_like(vec))
            self._order.append(best)
            self._rank[best] = len(self._rank)
        story = self.stories[best]
        story.add(article_id, vec, keys, time)
        for k in keys:
            self.by_key[k].add(best)
        self.of[article_id] = best
        if len(story.members) > 1:
            self._merge_from(best)
        return self.resolve(best)

    def _merge_from(self, sid: str) -> None:
        """Merge the story with the oldest other one past the threshold, if any (oldest
        and most similar were even on the ECB+ training topics; oldest is the rule
        this had when candidates came in a set's order)."""
        story = self.stories[sid]
        # the keys at least half its articles carry
        main = {k for k, c in story.keys.items() if c * 2 >= len(story.members)}
        for other_id in self.candidates(set(story.keys)):
            other = self.stories.get(other_id)
            if other is None or other_id == sid:
                continue
            sim = self.vw * float(story.centroid @ other.centroid) + self.kw * other.key_overlap(main)
            if sim >= self.threshold and self.similarity(other, story.centroid, set(), story.last) >= 0:
                self._merge(sid, other_id)
                return

    def _merge(self, a: str, b: str) -> None:
        """Merge story b into a (or a into b: the one seen first survives)."""
        keep, gone = (a, b) if self._rank[a] < self._rank[b] else (b, a)
        k, g = self.stories[keep], self.stories.pop(gone)
        n, m = len(k.members), len(g.members)
        c = k.centroid * n + g.centroid * m
        k.centroid = c / max(np.linalg.norm(c), 1e-12)
        for key, cnt in g.keys.items():
            k.keys[key] = k.keys.get(key, 0) + cnt
            self.by_key[key].discard(gone)
            self.by_key[key].add(keep)
        k.members += g.members
        for t in (g.first, g.last):
            if t:
                k.first = min(k.first or t, t)
                k.last = max(k.last or t, t)
        self.merged[gone] = keep
        self._order.remove(gone)

    def assignments(self) -> dict[str, str]:
        return {a: self.resolve(s) for a, s in self.of.items()}
