"""Build src/newsdesk/data/incident_scorer.npz: the pairwise event-coreference scorer.

Everything is chosen on the ECB+ training topics (every topic on disk except the standard
dev topics, which stay the figure nothing was chosen on). The documents are clustered into
stories as the system does (bench/linking.py), mentions grouped by story neighbourhood
(link.incidents.neighbourhoods), and the logistic regression is trained on the mention
pairs inside each group, so it sees pairs from two neighbouring stories as the linker
does. The cut of the average-linkage clustering is the one with the best mean CoNLL F1
over a 5-fold cross-validation by topic (train on four folds' topics, cluster the fifth).
ECB+ annotation is CC BY 3.0.

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
from linking import cluster_mentions, incident_groups, place_mentions, story_index  # noqa: E402
from newsdesk.link.incidents import FEATURES, feature_matrix, train  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "incident_scorer.npz"
CUTS = np.round(np.arange(0.2, 0.8, 0.025), 3)
FOLDS = 5


def grouped(mentions, group_of):
    groups = defaultdict(list)
    for m in mentions:
        groups[group_of[m.doc]].append(m)
    return groups


def pairs(groups, gold):
    """Features and labels of every mention pair inside each group."""
    X, y = [], []
    for ms in groups:
        if len(ms) < 2:
            continue
        iu = np.triu_indices(len(ms), 1)
        X.append(feature_matrix(ms)[iu])
        labels = np.array([gold[m.key] for m in ms], dtype=object)
        y.append((labels[:, None] == labels[None, :])[iu].astype(np.float32))
    return np.concatenate(X), np.concatenate(y)


def cross_validate(groups: dict, topic_of: dict, gold: dict) -> np.ndarray:
    """Mean CoNLL F1 per cut over folds of topics (each group belongs to one topic's docs
    or, when a neighbourhood spans topics, to its first mention's)."""
    topics = sorted(set(topic_of.values()))
    scores = np.zeros(len(CUTS))
    for k in range(FOLDS):
        held = set(topics[k::FOLDS])
        fit = [ms for ms in groups.values() if topic_of[ms[0].doc] not in held]
        test = [m for ms in groups.values() if topic_of[ms[0].doc] in held for m in ms]
        group_of = {m.doc: g for g, ms in groups.items() for m in ms}
        model = train(*pairs(fit, gold))
        g = {m.key: gold[m.key] for m in test}
        for i, cut in enumerate(CUTS):
            scores[i] += cm.conll_f1(g, cluster_mentions(test, group_of, threshold=cut,
                                                         model=model))["conll"] / FOLDS
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    docs = ecb.read(args.data, ecb.parse_topics("train", ecb.available_topics(args.data)))
    gold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    vecs, keys = feats.story_inputs(docs)
    index = story_index(docs, vecs, keys)
    ms = feats.mentions(docs)
    place_mentions(ms, docs, vecs, index.assignments())
    groups = grouped(ms, incident_groups(docs, vecs, keys, index))
    scores = cross_validate(groups, {d.name: d.topic for d in docs}, gold)
    best = int(np.argmax(scores))
    X, y = pairs(groups.values(), gold)
    print(f"training pairs: {len(y)} ({int(y.sum())} coreferent)")
    model = train(X, y)
    model.threshold = float(CUTS[best])
    model.save(args.out)
    print("cross-validated CoNLL F1 by cut: "
          + ", ".join(f"{c:.3f} {s:.4f}" for c, s in zip(CUTS, scores)))
    print(f"threshold {model.threshold:.3f} (CV CoNLL F1 {scores[best]:.4f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
