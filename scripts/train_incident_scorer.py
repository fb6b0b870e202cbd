"""Build src/newsdesk/data/incident_scorer.npz: the pairwise event-coreference scorer.

Weights: logistic regression on mention pairs of the ECB+ training topics
(every topic on disk except the standard dev topics), pairs taken inside each gold
subtopic (taking them inside whole topics, across the two similar subtopics, scored lower
on dev: 0.730 against 0.743). Threshold: the cut of the
average-linkage clustering that gives the best CoNLL F1 on the dev topics, clustering
inside the stories the system finds itself. ECB+ annotation is CC BY 3.0.

    python scripts/train_incident_scorer.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import coref_metrics as cm  # noqa: E402
import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
from linking import cluster_mentions, cluster_stories  # noqa: E402
from newsdesk.link.incidents import feature_matrix, train  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "incident_scorer.npz"


def pairs(mentions, gold, group_of):
    X, y = [], []
    groups = defaultdict(list)
    for m in mentions:
        groups[group_of[m.doc]].append(m)
    for ms in groups.values():
        if len(ms) < 2:
            continue
        F = feature_matrix(ms)
        iu = np.triu_indices(len(ms), 1)
        X.append(F[iu])
        labels = np.array([gold[m.key] for m in ms], dtype=object)
        y.append((labels[:, None] == labels[None, :])[iu].astype(np.float32))
    return np.concatenate(X), np.concatenate(y)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    available = ecb.available_topics(args.data)
    train_docs = ecb.read(args.data, ecb.parse_topics("train", available))
    gold = {(m.doc, m.m_id): m.gold for d in train_docs for m in d.mentions}
    ms = feats.mentions(train_docs)
    X, y = pairs(ms, gold, {d.name: d.subtopic for d in train_docs})
    print(f"training pairs: {len(y)} ({int(y.sum())} coreferent)")
    model = train(X, y)

    dev_docs = ecb.read(args.data, ecb.parse_topics("dev", available))
    dev_gold = {(m.doc, m.m_id): m.gold for d in dev_docs for m in d.mentions}
    vecs, keys = feats.story_inputs(dev_docs)
    story_of = cluster_stories(dev_docs, vecs, keys)
    dev_ms = feats.mentions(dev_docs)
    import newsdesk.link.incidents as inc
    best = (0.0, 0.5)
    for th in np.arange(0.05, 0.95, 0.02):
        model.threshold = float(th)
        inc.scorer.cache_clear()
        pred = cluster_mentions(dev_ms, story_of, model=model)
        f = cm.conll_f1(dev_gold, pred)["conll"]
        best = max(best, (f, float(th)))
    model.threshold = best[1]
    model.save(args.out)
    print(f"threshold {best[1]:.3f} (dev CoNLL F1 {best[0]:.4f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(inc.FEATURES, model.weights)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
