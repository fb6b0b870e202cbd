"""Build src/newsdesk/data/story_scorer.json: the article-to-story scorer of link/stories.py.

Logistic regression on (document, candidate story) rows of the ECB+ training topics
(every topic on disk except the standard dev topics; bench/linking_stories.py), the
threshold chosen by cross-validation over those same topics. The dev topics are not read.
ECB+ annotation is CC BY 3.0.

    python scripts/train_story_scorer.py --data ../shared/bench/ecbplus
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ecbplus_data as ecb  # noqa: E402
import linking_features as feats  # noqa: E402
import linking_stories as ls  # noqa: E402
from newsdesk.link.stories import FEATURES  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "story_scorer.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    docs = ecb.train_docs(args.data)
    vecs, keys = feats.story_inputs(docs)
    curve = ls.cross_validate(docs, vecs, keys)
    for c, (p, r, f) in curve.items():
        print(f"  cut {c:.2f}: B3 P {p:.3f} R {r:.3f} F1 {f:.3f}")
    cut = max(curve, key=lambda c: curve[c][2])
    X, y = ls.rows([d.name for d in docs], [d.subtopic for d in docs], vecs, keys)
    model = ls.fit(X, y, threshold=cut)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{len(y)} rows ({int(y.sum())} same story); threshold {cut:.2f} "
          f"(cross-validated B3 F1 {curve[cut][2]:.3f}); weights "
          + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.weights)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
