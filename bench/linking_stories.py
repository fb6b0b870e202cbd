"""The story scorer's training and its threshold's choice, on ECB+ documents.

Training rows come from replaying the documents in a shuffled arrival order with the gold
stories (subtopics) as the index's state: each document is scored against the HARD
candidates the index offers that are nearest to it by centroid cosine, labelled 1 for its
own subtopic's story, then put in that story. Only the nearest: the far candidates (other
topics) are easy negatives that swamp the rows and teach the model nothing about the
choice it has to make, a same-topic story of another happening (cross-validated on the
training topics: B3 F1 0.903 with every candidate, 0.916 with the nearest 3, 0.911 with 5).
The threshold is chosen by cross-validation over topics: fit on half the topics, cluster
the other half online, for several arrival orders; the cut with the best mean B3 F1.

Shared by bench/linking.py (``--tune-stories``) and scripts/train_story_scorer.py. Only
ever given the training topics.
"""
from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np

import coref_metrics as cm

SHUFFLES = 3                       # arrival orders replayed for training rows
HARD = 3                           # candidates per document kept as rows, nearest first
ORDERS = (14, 15, 16)              # arrival orders the threshold is judged on
CUTS = tuple(round(x, 2) for x in np.arange(0.05, 0.65, 0.05))


def rows(names, subtopics, vecs, keys, shuffles: int = SHUFFLES, hard: int = HARD):
    """Feature rows and labels from replaying the documents with the gold stories: per
    document its ``hard`` candidates nearest by centroid cosine (FEATURES[0])."""
    from newsdesk.link.stories import StoryIndex
    X, y = [], []
    for r in range(shuffles):
        order = list(range(len(names)))
        random.Random(100 + r).shuffle(order)
        index = StoryIndex()
        for i in order:
            scored = [(index.features(index.stories[sid], vecs[i], keys[i]), float(sid == subtopics[i]))
                      for sid in index.candidates(keys[i])]
            scored.sort(key=lambda t: -t[0][0])
            for f, label in scored[:hard]:
                X.append(f)
                y.append(label)
            index.put(names[i], subtopics[i], vecs[i], keys[i])
    return np.array(X), np.array(y)


def fit(X, y, l2: float = 1e-3, epochs: int = 500, lr: float = 0.5, threshold: float = 0.5,
        kind=None):
    """Logistic regression by full-batch gradient descent on standardised features
    (``kind``: the scorer class made, StoryScorer unless given)."""
    from newsdesk.link.stories import StoryScorer
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    mean, std = np.nanmean(X, 0), np.nanstd(X, 0) + 1e-6
    Z = np.nan_to_num((X - mean) / std)       # unmeasured features at the mean
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        g = 1.0 / (1.0 + np.exp(-(Z @ w + b))) - y
        w -= lr * (Z.T @ g / len(y) + l2 * w)
        b -= lr * float(g.mean())
    return (kind or StoryScorer)(w, b, mean, std, threshold)


def cluster(names, vecs, keys, model, threshold, seed: int, merge_model=None,
            merge_cut: float = math.inf, merge_rows: list | None = None,
            split_cut: float = -math.inf) -> dict[str, str]:
    """Online clustering in one arrival order; with ``merge_cut`` at most 1, the merge step
    (link.story_merge) after each article; ``merge_rows`` collects its scored pairs; with
    ``split_cut`` above 0, then the split step (link.story_split, ``merge_model`` scoring
    the halves)."""
    from newsdesk.link.stories import StoryIndex
    from newsdesk.link.story_merge import merge_step
    from newsdesk.link.story_split import split_step
    index = StoryIndex(threshold=threshold, model=model)
    order = list(range(len(names)))
    random.Random(seed).shuffle(order)
    for i in order:
        sid = index.add(names[i], vecs[i], keys[i])
        if merge_cut <= 1.0 or merge_rows is not None:
            sid = merge_step(index, sid, keys[i], merge_model, merge_cut, merge_rows)
        if split_cut > 0.0:
            split_step(index, sid, model=merge_model, cut=split_cut)
    return index.assignments()


def topic_folds(docs, vecs, keys):
    """The two topic folds, each as (fit part, held-out part), a part being its documents'
    (names, subtopics, vectors, keys)."""
    topics = sorted({d.topic for d in docs})

    def part(idx):
        return ([docs[i].name for i in idx], [docs[i].subtopic for i in idx],
                [vecs[i] for i in idx], [keys[i] for i in idx])
    for fold in (topics[0::2], topics[1::2]):
        yield (part([i for i, d in enumerate(docs) if d.topic in fold]),
               part([i for i, d in enumerate(docs) if d.topic not in fold]))


def cross_validate(docs, vecs, keys, cuts=CUTS, orders=ORDERS) -> dict[float, np.ndarray]:
    """Cut -> mean (P, R, F1) of B3 over two topic folds and several arrival orders."""
    scores: dict[float, list] = {c: [] for c in cuts}
    for (na, sa, va, ka), (nb, sb, vb, kb) in topic_folds(docs, vecs, keys):
        model = fit(*rows(na, sa, va, ka))
        gold = dict(zip(nb, sb))
        for c in cuts:
            for seed in orders:
                pred = cluster(nb, vb, kb, model, c, seed)
                scores[c].append(cm.b_cubed(gold, pred))
    return {c: np.mean(s, axis=0) for c, s in scores.items()}


# ---- story merges (link.story_merge) ---------------------------------------------------

MERGE_SEEDS = (200, 201, 202)      # arrival orders replayed for merge rows
MERGE_CUTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def merge_rows(names, subtopics, vecs, keys, model, threshold, seeds=MERGE_SEEDS):
    """(story, story) rows from the article scorer's own online runs (merges off): each
    scored pair labelled 1 when the two stories' majority gold subtopics agree."""
    from newsdesk.link.stories import StoryIndex
    from newsdesk.link.story_merge import merge_step
    gold = dict(zip(names, subtopics))
    X, y = [], []
    for seed in seeds:
        got: list = []
        index = StoryIndex(threshold=threshold, model=model)
        order = list(range(len(names)))
        random.Random(seed).shuffle(order)
        for i in order:
            sid = index.add(names[i], vecs[i], keys[i])
            start = len(got)
            merge_step(index, sid, keys[i], cut=math.inf, rows=got)
            for f, a, b in got[start:]:
                maj = [Counter(gold[m] for m in index.stories[s].members).most_common(1)[0][0]
                       for s in (a, b)]
                X.append(f)
                y.append(float(maj[0] == maj[1]))
    return np.array(X), np.array(y)


def fit_merges(X, y, threshold: float = 0.5):
    from newsdesk.link.story_merge import MergeScorer
    return fit(X, y, threshold=threshold, kind=MergeScorer)


def cross_validate_merges(docs, vecs, keys, cuts=MERGE_CUTS, orders=ORDERS) -> dict[float, np.ndarray]:
    """Merge cut -> mean (P, R, F1) of B3 over two topic folds and several arrival orders,
    the article scorer and its cut as ``cross_validate`` fits them on each fold (its best
    cut given); ``math.inf`` (no merges) is in the curve as the anchor."""
    from newsdesk.link.stories import scorer
    cut0 = scorer().threshold
    cuts = (math.inf,) + tuple(cuts)
    scores: dict[float, list] = {c: [] for c in cuts}
    for (na, sa, va, ka), (nb, sb, vb, kb) in topic_folds(docs, vecs, keys):
        model = fit(*rows(na, sa, va, ka))
        merger = fit_merges(*merge_rows(na, sa, va, ka, model, cut0))
        gold = dict(zip(nb, sb))
        for c in cuts:
            for seed in orders:
                pred = cluster(nb, vb, kb, model, cut0, seed, merger, c)
                scores[c].append(cm.b_cubed(gold, pred))
    return {c: np.mean(s, axis=0) for c, s in scores.items()}


# ---- story splits (link.story_split) ---------------------------------------------------

SPLIT_CUTS = tuple(round(x, 2) for x in np.arange(0.05, 0.65, 0.05))


def cross_validate_splits(docs, vecs, keys, cuts=SPLIT_CUTS, orders=ORDERS) -> dict[float, np.ndarray]:
    """Split cut -> mean (P, R, F1) of B3 over two topic folds and several arrival orders:
    on each fold the article scorer and the merge scorer fitted as ``cross_validate_merges``
    fits them (their shipped cuts), the merge scorer judging the halves too; ``-math.inf``
    (no splits, merges on) is in the curve as the anchor."""
    from newsdesk.link.stories import scorer
    from newsdesk.link.story_merge import merge_scorer
    cut0, merge_cut = scorer().threshold, merge_scorer().threshold
    cuts = (-math.inf,) + tuple(cuts)
    scores: dict[float, list] = {c: [] for c in cuts}
    for (na, sa, va, ka), (nb, sb, vb, kb) in topic_folds(docs, vecs, keys):
        model = fit(*rows(na, sa, va, ka))
        merger = fit_merges(*merge_rows(na, sa, va, ka, model, cut0), threshold=merge_cut)
        gold = dict(zip(nb, sb))
        for c in cuts:
            for seed in orders:
                pred = cluster(nb, vb, kb, model, cut0, seed, merger, merge_cut, split_cut=c)
                scores[c].append(cm.b_cubed(gold, pred))
    return {c: np.mean(s, axis=0) for c, s in scores.items()}
