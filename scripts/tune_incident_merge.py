"""Choose link.incident_merge.CUT: 5-fold cross-validation by topic over the ECB+ training
topics (never the dev topics), as scripts/train_incident_scorer.py chooses the scorer's
cuts: train the pair scorer on four folds' topics, replay the linker on the fifth
(bench/linking.py ``link_mentions``, its merge step at each merge cut; "none": no merges,
the anchor) and average the CoNLL F1. The within-document cut is the shipped one; the join
cut is searched with the merge cut (a merge step may want a stricter join). Prints the
grid; the caller ships the best merge cut by hand in link/incident_merge.py.

    python scripts/tune_incident_merge.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

import coref_metrics as cm  # noqa: E402
from linking import link_mentions  # noqa: E402
from train_incident_scorer import FOLDS, by_document, pairs, training_groups, unit_mentions  # noqa: E402

from newsdesk.link.incidents import train, unit_scorer  # noqa: E402

MERGE_CUTS = (None, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
JOIN_CUTS = (0.25, 0.275, 0.3, 0.325, 0.35)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--join-cuts", default=",".join(map(str, JOIN_CUTS)))
    ap.add_argument("--merge-cuts", default=",".join("none" if c is None else str(c)
                                                     for c in MERGE_CUTS))
    ap.add_argument("--join-rule", choices=("mean", "max"), default="mean",
                    help="max: a unit joins by its likeliest single pair (the alternative "
                         "to the shipped mean; CV only)")
    args = ap.parse_args()
    if args.join_rule == "max":
        import newsdesk.link.incidents as incidents

        def max_chance(unit, others, model):
            return float(max(model.prob(incidents.features_to_many(m, others)).max()
                             for m in unit))
        incidents.join_chance = max_chance
    joins = [float(c) for c in args.join_cuts.split(",")]
    cuts = [None if c == "none" else float(c) for c in args.merge_cuts.split(",")]
    t0 = time.perf_counter()
    docs, gold, index, groups = training_groups(args.data)
    story_of = index.assignments()
    topic_of = {d.name: d.topic for d in docs}
    topics = sorted(set(topic_of.values()))
    static = unit_mentions(docs)
    doc_cut = unit_scorer().doc_threshold   # the shipped within-document step, as the linker
    scores = {(j, c): 0.0 for j in joins for c in cuts}
    for k in range(FOLDS):
        held = set(topics[k::FOLDS])
        fit = [g for g in groups.values() if topic_of[g[0].doc] not in held]
        test = [m for g in groups.values() if topic_of[g[0].doc] in held for m in g]
        fold_docs = {m.doc for m in test}
        arrivals = {d: s for d, s in index.near.items() if d in fold_docs}
        model = train(*pairs(fit, gold))
        unit = train(*pairs(by_document(static[m.key] for ms in fit for m in ms), gold))
        unit.doc_threshold = doc_cut
        g = {m.key: gold[m.key] for m in test}
        for j in joins:
            model.threshold = j
            for c in cuts:
                pred = link_mentions(test, arrivals, story_of, model=model, merge_cut=c,
                                     unit_mentions=static, unit_model=unit)
                scores[j, c] += cm.conll_f1(g, pred)["conll"] / FOLDS
        print(f"fold {k + 1}/{FOLDS} done ({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"{len(docs)} training documents, {len(topics)} topics; within-document cut {doc_cut}"
          f"; join rule {args.join_rule}")
    print("join \\ merge " + "".join(f"{'none' if c is None else c:>8}" for c in cuts))
    for j in joins:
        print(f"{j:<13}" + "".join(f"{scores[j, c]:>8.4f}" for c in cuts))
    best = max(scores, key=lambda k: (round(scores[k], 6), k[1] is None))
    print(f"best: join {best[0]}, merge {best[1]}: CV CoNLL F1 {scores[best]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
