"""Build src/newsdesk/data/story_merge_scorer.json: the story-to-story scorer of
link/story_merge.py.

Logistic regression on (story, story) rows from the shipped article scorer's own online
runs over the ECB+ training topics (every topic on disk except the standard dev topics;
bench/linking_stories.py ``merge_rows``), the cut chosen by two-fold cross-validation over
those topics and three arrival orders (``cross_validate_merges``; the curve's "off" row is
the anchor without merges). The dev topics are not read. ECB+ annotation is CC BY 3.0.

    python scripts/train_story_merge.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
import linking_stories as ls  # noqa: E402
from newsdesk.link.stories import scorer  # noqa: E402
from newsdesk.link.story_merge import MERGE_FEATURES  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "story_merge_scorer.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    docs = ecb.train_docs(args.data)
    vecs, keys = feats.story_inputs(docs)
    curve = ls.cross_validate_merges(docs, vecs, keys)
    for c, (p, r, f) in curve.items():
        print(f"  merge cut {'off' if math.isinf(c) else f'{c:.2f}'}: B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    cut = max(curve, key=lambda c: curve[c][2])
    if math.isinf(cut):
        print("no merge cut beats no merges: nothing written")
        return 1
    model = scorer()
    X, y = ls.merge_rows([d.name for d in docs], [d.subtopic for d in docs], vecs, keys,
                         model, model.threshold)
    merger = ls.fit_merges(X, y, threshold=cut)
    args.out.write_text(merger.to_json() + "\n", encoding="utf-8")
    print(f"{len(y)} rows ({int(y.sum())} same story); cut {cut:.2f} (cross-validated B3 F1 "
          f"{curve[cut][2]:.3f}, no merges {curve[math.inf][2]:.3f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(MERGE_FEATURES, merger.weights)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
