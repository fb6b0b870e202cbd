"""Build src/newsdesk/data/incident_scorer.npz: the pairwise event-coreference scorer.

Everything is chosen on the ECB+ training topics (every topic on disk except the standard
dev topics, which stay the figure nothing was chosen on). The documents are clustered into
stories as the system does (bench/linking.py), mentions grouped by story neighbourhood
(link.incidents.neighbourhoods), and the logistic regression is trained on the mention
pairs inside each group, so it sees pairs from two neighbouring stories as the linker
does. Its two cuts, the within-document one (incidents.units; "none" keeps each event
apart) and the one an article's unit must pass to join an incident, are the pair with the
best mean CoNLL F1 over a 5-fold cross-validation by topic (train on four folds' topics,
replay the linker's decisions on the fifth: bench/linking.py ``link_mentions``, incident
merges included: bench/README.md says what that changes).
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
from linking import incident_groups, link_mentions, place_mentions, story_index  # noqa: E402
from newsdesk.link.incidents import FEATURES, feature_matrix, train  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "incident_scorer.npz"
CUTS = np.round(np.arange(0.25, 0.451, 0.025), 3)
DOC_CUTS = (None, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)   # None: no within-document step
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


def cross_validate(groups: dict, topic_of: dict, gold: dict, near: dict,
                   story_of: dict) -> dict:
    """Mean CoNLL F1 per (within-document cut, cut) over folds of topics: train on the
    pairs of the groups whose first mention is outside the fold, replay the fold's
    articles (each group belongs to one topic's docs or, when a neighbourhood spans
    topics, to its first mention's)."""
    topics = sorted(set(topic_of.values()))
    scores: dict = defaultdict(float)
    for k in range(FOLDS):
        held = set(topics[k::FOLDS])
        fit = [ms for ms in groups.values() if topic_of[ms[0].doc] not in held]
        test = [m for ms in groups.values() if topic_of[ms[0].doc] in held for m in ms]
        docs = {m.doc for m in test}
        arrivals = {d: s for d, s in near.items() if d in docs}
        model = train(*pairs(fit, gold))
        g = {m.key: gold[m.key] for m in test}
        for doc_cut in DOC_CUTS:
            for cut in CUTS:
                model.doc_threshold, model.threshold = doc_cut, float(cut)
                pred = link_mentions(test, arrivals, story_of, model=model)
                scores[doc_cut, float(cut)] += cm.conll_f1(g, pred)["conll"] / FOLDS
    return dict(scores)


def training_groups(data: Path):
    """The training topics' documents, gold clusters by mention key, the stories the linker
    makes of them, and their mentions grouped by story neighbourhood (the pairs a scorer
    learns from and the linker replays)."""
    docs = ecb.train_docs(data)
    gold = {(m.doc, m.m_id): m.gold for d in docs for m in d.mentions}
    vecs, keys = feats.story_inputs(docs)
    # the stories the linker makes (merges and splits on): with the event window's vectors
    # this build had the best CV of the four tried (bench/README.md)
    index = story_index(docs, vecs, keys, merges=True, splits=True)
    ms = feats.mentions(docs)
    place_mentions(ms, docs, vecs, index.assignments())
    return docs, gold, index, grouped(ms, incident_groups(docs, vecs, keys, index))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    docs, gold, index, groups = training_groups(args.data)
    story_of = index.assignments()
    scores = cross_validate(groups, {d.name: d.topic for d in docs}, gold, index.near, story_of)
    best = max(scores, key=lambda k: (scores[k], k[0] is None))
    X, y = pairs(groups.values(), gold)
    print(f"training pairs: {len(y)} ({int(y.sum())} coreferent)")
    model = train(X, y)
    model.doc_threshold, model.threshold = best
    model.save(args.out)
    for doc_cut in DOC_CUTS:
        print(f"cross-validated CoNLL F1, within-document cut {doc_cut or 'none'}: "
              + ", ".join(f"{c:.3f} {scores[doc_cut, float(c)]:.4f}" for c in CUTS))
    print(f"cuts: within-document {model.doc_threshold}, join {model.threshold:.3f} "
          f"(CV CoNLL F1 {scores[best]:.4f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
