"""Choose ``SPLIT_CUT`` of link/story_split.py: the merge scorer's chance for a story's two
halves below which the story is split.

Cross-validation over the ECB+ training topics (every topic on disk except the standard
dev topics; the dev topics are not read): two topic folds, the article and merge scorers
fitted on one (bench/linking_stories.py ``cross_validate_splits``), the other clustered
online with merges and splits at each cut, in three arrival orders; the mean story B3 is
printed per cut, "off" being merges without splits (the anchor). The cut with the best
F1 is printed beside the shipped one; the shipped value is a constant in
link/story_split.py (no weights are trained: the halves are judged by the shipped merge
scorer). ECB+ annotation is CC BY 3.0.

    python scripts/train_story_split.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
import linking_stories as ls  # noqa: E402
from newsdesk.link.story_split import SPLIT_CUT  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    args = ap.parse_args()
    t0 = time.perf_counter()
    docs = ecb.train_docs(args.data)
    vecs, keys = feats.story_inputs(docs)
    print(f"ECB+ training topics: {len(docs)} documents, "
          f"{len({d.topic for d in docs})} topics (two folds, orders {ls.ORDERS})")
    curve = ls.cross_validate_splits(docs, vecs, keys)
    for c, (p, r, f) in curve.items():
        print(f"  split cut {'off' if math.isinf(c) else f'{c:.2f}'}: B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    best = max(curve, key=lambda c: (curve[c][2], -c))
    off = curve[-math.inf][2]
    if math.isinf(best):
        print(f"no split cut beats no splits (F1 {off:.3f})")
        return 1
    print(f"best cut {best:.2f}: cross-validated B3 F1 {curve[best][2]:.3f} (no splits {off:.3f}); "
          f"shipped SPLIT_CUT {SPLIT_CUT:.2f}: {curve.get(SPLIT_CUT, (math.nan,) * 3)[2]:.3f} "
          f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
