"""Incident merges: two incidents of one story neighbourhood join once an article bridges them.

The linker decides each unit once (incidents.best_incident) and never revisits: the first
reports of one happening may start two incidents that only a later article's mentions show
to be one. After an article's units joined or started their incidents, ``merges`` checks
the incidents it touched against the other incidents of its story neighbourhood (the
stories best_incident considered) by the mean pair chance over their mentions (average
linkage, as the offline ``incidents.cluster``), and merges the likeliest pair at or above
``CUT`` again and again until none passes. Only pairs with a touched incident are scored
(what did not change was decided before), and never two incidents holding only the new
article's mentions (its units decided those). The older incident keeps its id. A copy
(link.families) merges nothing: its head stands for it. Run by ``link.Linker`` (the stored
linker too: store.links rewrites the survivor and drops the gone incident's rows) and by
bench/linking.py ``link_mentions``.

``CUT`` is chosen by 5-fold cross-validation by topic over the ECB+ training topics
(scripts/tune_incident_merge.py, replaying the linker with bench/linking.py
``link_mentions``; CoNLL F1 0.7596 without merges -> 0.7656 at 0.35, the join cut
unchanged); None: incidents never merge.
"""
from __future__ import annotations

import numpy as np

from .incidents import Mention, Scorer, features_to_many, scorer

CUT: float | None = 0.35


def _row_sums(a: list[Mention], pool: list[Mention], ends: np.ndarray, model: Scorer) -> np.ndarray:
    """The pair chances of ``a``'s mentions with every mention of ``pool`` (the incidents'
    mentions one after another, each incident ending at ``ends``), summed per incident:
    one feature pass per mention of ``a``, however many incidents."""
    total = np.zeros(len(pool))
    for m in a:
        total += model.prob(features_to_many(m, pool))
    return np.add.reduceat(total, np.r_[0, ends[:-1]])


def merges(incidents: dict, touched: set, fresh: set, model: Scorer | None = None,
           cut: float | None = ...) -> list[tuple[str, str]]:
    """The merges after an article linked. ``incidents``: id -> the mentions that stand for
    it, oldest incident first; ``touched``: the ids the article's units joined or started;
    ``fresh``: those holding only its mentions. (gone, survivor) pairs in the order made;
    a survivor is the older of the two (or what it merged into before)."""
    cut = CUT if cut is ... else cut
    if cut is None or not touched:
        return []
    model = model or scorer()
    ids = [i for i in incidents if incidents[i]]
    age = {i: n for n, i in enumerate(ids)}
    part = {i: [i] for i in ids}         # alive incident -> the incidents it holds
    size = {i: len(incidents[i]) for i in ids}
    hot = {i for i in touched if i in age}
    new = {i for i in fresh if i in age}
    pool = [m for i in ids for m in incidents[i]]
    ends = np.cumsum([len(incidents[i]) for i in ids])
    rows: dict[str, np.ndarray] = {}   # incident -> its pair sums with each incident

    def pair_sum(a: str, b: str) -> float:
        if a not in rows and b in rows:
            a, b = b, a
        if a not in rows:
            rows[a] = _row_sums(incidents[a], pool, ends, model)
        return float(rows[a][age[b]])

    out = []
    while True:
        best, best_p = None, cut
        for t in sorted(hot, key=age.__getitem__):
            for o in sorted(part, key=age.__getitem__):
                if o == t or (o in hot and age[o] < age[t]) or (t in new and o in new):
                    continue   # each pair once; the article's own incidents as its units left them
                s = sum(pair_sum(a, b) for a in part[t] for b in part[o])
                p = s / (size[t] * size[o])
                if p >= best_p and (best is None or p > best_p):
                    best, best_p = (t, o), p
        if best is None:
            return out
        keep, gone = sorted(best, key=age.__getitem__)
        part[keep] += part.pop(gone)
        size[keep] += size.pop(gone)
        if gone in hot:
            hot.discard(gone)
        hot.add(keep)
        if not (keep in new and gone in new):
            new.discard(keep)
        new.discard(gone)
        out.append((gone, keep))
