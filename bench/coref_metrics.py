"""Coreference scores: MUC, B-cubed, CEAF-e and their mean (CoNLL F1), singletons included.

A clustering is a dict {mention: cluster label}; gold and response must cover the same
mentions (a mention missing from the response counts as its own singleton there).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np


def clusters_of(labels: dict) -> list[set]:
    groups: dict = defaultdict(set)
    for m, c in labels.items():
        groups[c].add(m)
    return list(groups.values())


def _prf(p_num, p_den, r_num, r_den):
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _complete(gold: dict, resp: dict) -> dict:
    out = dict(resp)
    for m in gold:
        if m not in out:
            out[m] = ("__missing__", m)
    return {m: out[m] for m in gold}


def muc(gold: dict, resp: dict) -> tuple[float, float, float]:
    """Vilain et al. 1995: links needed to join each key cluster, as partitioned by the other."""
    resp = _complete(gold, resp)

    def side(key, other):
        num = den = 0
        for cl in clusters_of(key):
            parts = {other[m] for m in cl}
            num += len(cl) - len(parts)
            den += len(cl) - 1
        return num, den

    r_num, r_den = side(gold, resp)
    p_num, p_den = side(resp, gold)
    return _prf(p_num, p_den, r_num, r_den)


def b_cubed(gold: dict, resp: dict) -> tuple[float, float, float]:
    """Bagga and Baldwin 1998: per mention, the share of its cluster the other side agrees on."""
    resp = _complete(gold, resp)
    g_cl = {c: cl for c, cl in ((gold[next(iter(cl))], cl) for cl in clusters_of(gold))}
    r_cl = {c: cl for c, cl in ((resp[next(iter(cl))], cl) for cl in clusters_of(resp))}
    p = r = 0.0
    for m in gold:
        inter = len(g_cl[gold[m]] & r_cl[resp[m]])
        p += inter / len(r_cl[resp[m]])
        r += inter / len(g_cl[gold[m]])
    n = len(gold)
    return _prf(p, n, r, n)


def ceaf_e(gold: dict, resp: dict) -> tuple[float, float, float]:
    """Luo 2005, entity-based: the best one-to-one alignment of clusters under
    phi4 = 2|K n R| / (|K| + |R|)."""
    from scipy.optimize import linear_sum_assignment
    resp = _complete(gold, resp)
    keys, resps = clusters_of(gold), clusters_of(resp)
    if not keys or not resps:
        return 0.0, 0.0, 0.0
    sim = np.zeros((len(keys), len(resps)))
    index = defaultdict(list)
    for j, cl in enumerate(resps):
        for m in cl:
            index[m].append(j)
    for i, k in enumerate(keys):
        for j in {j for m in k for j in index[m]}:
            sim[i, j] = 2 * len(k & resps[j]) / (len(k) + len(resps[j]))
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    return _prf(total, len(resps), total, len(keys))


def conll_f1(gold: dict, resp: dict) -> dict[str, float]:
    """{"muc", "b3", "ceafe", "conll"} F1 values."""
    m, b, c = muc(gold, resp)[2], b_cubed(gold, resp)[2], ceaf_e(gold, resp)[2]
    return {"muc": m, "b3": b, "ceafe": c, "conll": (m + b + c) / 3}


def pairwise_f1(gold: dict, resp: dict) -> tuple[float, float, float]:
    """Precision/recall/F1 over the mention pairs put together (duplicate families)."""
    resp = _complete(gold, resp)

    def pairs(labels):
        out = set()
        for cl in clusters_of(labels):
            s = sorted(cl, key=str)
            out.update((a, b) for i, a in enumerate(s) for b in s[i + 1:])
        return out

    g, r = pairs(gold), pairs(resp)
    tp = len(g & r)
    return _prf(tp, len(r), tp, len(g))
