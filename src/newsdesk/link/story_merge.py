"""Story merges: two stories the online clustering kept apart join once they prove alike.

An article joins one story or starts one when it arrives, so the first articles of a
happening can start two stories that only later read as one (a story grows keys and
members the first article could not be compared with). After an article joins, its story
is scored against the nearest stories the index offers for the article's keys (``HARD``
by centroid cosine) by a learned story-to-story scorer (logistic regression over
``MERGE_FEATURES``: centroid cosine, IDF key overlap both ways weighted by the share of
members carrying each key, the rarest shared key, figure overlap, both sizes, the closest
member pair's cosine and key overlap); above its cut the two merge and the older story's
id survives (``StoryIndex.merged`` keeps gone -> survivor).

Weights and cut: ``scripts/train_story_merge.py`` on the ECB+ training topics (rows from
the shipped article scorer's own online runs, labelled by whether the two stories' gold
majority subtopics agree; the cut by cross-validation over those topics and several
arrival orders), shipped in data/story_merge_scorer.json and loaded once per process.
Run by ``link.Linker`` after each scored article (the stored linker too: store.links and
store.link_index write a merge with the article) and by ``bench/linking.py``.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .stories import _FIGURE, Story, StoryIndex, StoryScorer

HARD = 3   # stories scored per merge step: the nearest by centroid cosine
MERGE_FEATURES = ("cos_centroids", "key_share_ab", "key_share_ba", "rarest_shared",
                  "figure_share", "log_size_small", "log_size_big", "cos_nearest_pair",
                  "key_overlap_pair")


class MergeScorer(StoryScorer):
    """Logistic regression over standardised MERGE_FEATURES of two stories."""

    FEATURES = MERGE_FEATURES
    FILE, SCRIPT = "story_merge_scorer.json", "scripts/train_story_merge.py"


@functools.lru_cache(maxsize=1)
def merge_scorer() -> MergeScorer:
    """The shipped scorer, loaded once per process."""
    return MergeScorer.shipped()


def merge_features(index: StoryIndex, a: str, b: str) -> list[float]:
    """MERGE_FEATURES of stories ``a`` and ``b`` (symmetric but for the two key shares)."""
    return pair_features(index, index.stories[a], index.stories[b])


def pair_features(index: StoryIndex, A: Story, B: Story) -> list[float]:
    """MERGE_FEATURES of two Story objects, the key weights read from ``index`` (the
    stories need not be in it: link.story_split scores a story's two halves)."""
    na, nb = len(A.vecs), len(B.vecs)
    idf = {k: index.idf(k) for k in set(A.keys) | set(B.keys)}
    # each story's keys weigh by the share of its members carrying them
    wa = {k: c / na * idf[k] for k, c in A.keys.items()}
    wb = {k: c / nb * idf[k] for k, c in B.keys.items()}
    shared = [k for k in A.keys if k in B.keys]
    ta, tb = sum(wa.values()), sum(wb.values())
    share_ab = sum(wa[k] for k in shared) / ta if ta else math.nan
    share_ba = sum(wb[k] for k in shared) / tb if tb else math.nan
    rarest = max((idf[k] for k in shared), default=0.0) / math.log(2.0 + index.seen)
    figs = [k for k in idf if _FIGURE.search(k)]
    fig_total = sum(idf[k] * ((k in A.keys) + (k in B.keys)) for k in figs)
    fig_share = (sum(2 * idf[k] for k in figs if k in A.keys and k in B.keys) / fig_total
                 if fig_total else 0.0)
    pair_cos = float((A.matrix() @ B.matrix().T).max())
    overlap = 0.0
    for ka in A.key_sets:
        for kb in B.key_sets:
            union = ka | kb
            if union:
                overlap = max(overlap, sum(idf[k] for k in ka & kb) / sum(idf[k] for k in union))
    return [float(A.centroid @ B.centroid), share_ab, share_ba, rarest, fig_share,
            math.log(1.0 + min(na, nb)), math.log(1.0 + max(na, nb)), pair_cos, overlap]


def merge_candidates(index: StoryIndex, sid: str, keys: set[str], hard: int = HARD,
                     time: str | None = None, reuse: bool = True) -> list[str]:
    """The ``hard`` stories nearest to ``sid`` by centroid among the index's candidates
    for the joining article's keys (an inverted-index look-up, never every story) that lie
    in the time window of the article (``time``), as the stories it could have joined.
    Right after ``index.add`` put the article in ``sid``, the candidates and a superset of
    the nearest come from what its ``choose`` found (``StoryIndex.merge_pool``: no second
    look-up, the cosines as one product); ``reuse=False`` asks ``candidates`` again and
    takes every cosine one by one (the plain path tests compare with). Same answer."""
    story = index.stories[sid]
    out = index.merge_pool(sid, keys, time, hard) if reuse else None
    if out is None:
        inside = index.window_test(time)
        out = [t for t in index.candidates(keys, time) if t != sid and t in index.stories
               and index.stories[t].vecs and inside(index.stories[t])]
    out.sort(key=lambda t: -float(index.stories[t].centroid @ story.centroid))
    return out[:hard]


def merge_stories(index: StoryIndex, a: str, b: str) -> str:
    """Merge two stories; the older (first started) survives. Returns its id."""
    keep, gone = (a, b) if index._rank[a] <= index._rank[b] else (b, a)
    K, G = index.stories[keep], index.stories.pop(gone)
    n, m = len(K.vecs), len(G.vecs)
    c = K.centroid * n + G.centroid * m
    K.centroid = c / max(np.linalg.norm(c), 1e-12)
    for k, cnt in G.keys.items():
        K.keys[k] = K.keys.get(k, 0) + cnt
        index.by_key[k].discard(gone)
        index.by_key[k].add(keep)
    K.members += G.members
    K.vecs += G.vecs
    K.key_sets += G.key_sets
    for t in (G.first, G.last):
        if t:
            K.first = min(K.first or t, t)
            K.last = max(K.last or t, t)
    for aid in G.members:
        index.of[aid] = keep
    index._order.remove(gone)
    index.merged[gone] = keep
    return keep


def merge_step(index: StoryIndex, sid: str, keys: set[str], model: MergeScorer | None = None,
               cut: float | None = None, rows: list | None = None, time: str | None = None) -> str:
    """After an article with ``keys`` (published at ``time``) joined ``sid``: merge it
    with its likeliest candidate if that passes the cut. Returns the story the article is
    now in.
    ``rows``: a list the scored (features, story, other story) rows are appended to
    (training); a ``cut`` above 1 scores nothing and merges nothing."""
    cands = merge_candidates(index, sid, set(keys), time=time)
    if not cands or (rows is None and cut is not None and cut > 1.0):
        return sid
    F = [merge_features(index, sid, t) for t in cands]
    if rows is not None:
        rows.extend((f, sid, t) for f, t in zip(F, cands))
    if cut is not None and cut > 1.0:
        return sid   # no chance passes: merges off (the training's replays)
    model = model or merge_scorer()
    cut = model.threshold if cut is None else cut
    p = model.prob(np.array(F))
    j = int(np.argmax(p))
    if p[j] < cut:
        return sid
    return merge_stories(index, sid, cands[j])
