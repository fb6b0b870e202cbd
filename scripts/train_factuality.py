"""Build src/newsdesk/data/factuality.json, the event factuality classifier's weights.

Training data (nothing held out is read):
  * bench/data/factuality.tsv and scripts/data/factuality_train.tsv: original sentences
    written for newsdesk, six classes. Each sentence is enriched; the event of the expected
    type (else the first) gives the features newsdesk computes at run time for it;
  * ECB+ training topics (not the dev topics, never 36-45): NEG_ACTION markables are
    "negated", ACTION markables "asserted". ECB+ marks polarity only, so an ACTION mention
    the rules read as planned, predicted, hypothetical or uncertain is left out rather than
    taught as asserted. The ECB+ examples together weigh as much as our sentences.
Not TimeBank, not PolNeAR, not bench/data/factuality_heldout.tsv.

The fit is deterministic (full-batch gradient descent from zero weights), so the same data
gives the same file.

    python scripts/train_factuality.py                 # write the weights
    python scripts/train_factuality.py --fraction 0.5  # a deterministic half (learning curve)
    python scripts/train_factuality.py --out /tmp/f.json --no-ecb
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

OWN = [ROOT / "bench" / "data" / "factuality.tsv", ROOT / "scripts" / "data" / "factuality_train.tsv"]
OUT = ROOT / "src" / "newsdesk" / "data" / "factuality.json"
ECB_KEPT = {"asserted", "negated"}


def load_tsv(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, etype, fact = (c.strip() for c in line.split("\t")[:3])
            rows.append((text, etype, fact))
    return rows


def own_examples(rows) -> tuple[list[set[str]], list[str]]:
    """Features of the event newsdesk finds in each sentence (as bench/factuality.py picks it)."""
    from newsdesk import model
    from newsdesk.enrich import Enricher, factuality as fm
    from newsdesk.enrich.events import context as events

    seen: dict[tuple[str, int], set[str]] = {}

    def record(tok, verb):
        decision = fm.rule(tok, verb)
        seen[(tok.doc.text, tok.idx)] = fm.feature_names(tok, verb, decision)
        return decision

    saved = events.classify_factuality
    events.classify_factuality = record   # the rules decide while we record what they saw
    try:
        arts = [model.Article(id=str(i), text=t, published="2024-05-02", outlet="Test Outlet")
                for i, (t, _, _) in enumerate(rows)]
        X, y = [], []
        for (text, etype, fact), art in zip(rows, Enricher().enrich_many(arts)):
            evs = [e for e in art.events if e.type == etype] or art.events
            if not evs:
                continue
            ev = evs[0]
            feats = next((f for (t, i), f in seen.items() if t == art.text and ev.start <= i < max(ev.end, ev.start + 1)),
                         None)
            if feats is not None:
                X.append(feats)
                y.append(fact)
    finally:
        events.classify_factuality = saved
    return X, y


def ecb_examples(shared: Path) -> tuple[list[set[str]], list[str]]:
    import factuality_gold
    from ecbplus_data import DEV_TOPICS, available_topics
    from newsdesk.enrich import factuality as fm

    data = shared / "bench" / "ecbplus"
    topics = [t for t in available_topics(data) if t not in DEV_TOPICS and t <= 35]
    mentions, _ = factuality_gold.ecbplus(shared, topics)
    X, y = [], []
    for m in mentions:
        tok = m.parsed[m.head]
        verb = fm.anchor_verb(tok)
        decision = fm.rule(tok, verb)
        if m.gold == "asserted" and decision not in ECB_KEPT:
            continue
        X.append(fm.feature_names(tok, verb, decision))
        y.append(m.gold)
    return X, y


def subsample(X, y, fraction: float):
    """A deterministic share of the examples, spread evenly over their order."""
    if fraction >= 1:
        return X, y
    keep = [i for i in range(len(X)) if int((i + 1) * fraction) > int(i * fraction)]
    return [X[i] for i in keep], [y[i] for i in keep]


def build(own_rows, shared: Path | None, fraction: float = 1.0) -> dict:
    from newsdesk.enrich import factuality as fm

    X, y = subsample(*own_examples(own_rows), fraction)
    w = [1.0] * len(X)
    if shared is not None:
        ex, ey = subsample(*ecb_examples(shared), fraction)
        if ex:
            X += ex
            y += ey
            w += [len(w) / len(ex)] * len(ex)
    weights = fm.fit(X, y, sample_weight=w)
    weights["trained_on"] = {"examples": len(X), "fraction": fraction}
    return weights


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--fraction", type=float, default=1.0)
    ap.add_argument("--no-ecb", action="store_true", help="our sentences only")
    args = ap.parse_args(argv)
    from _shared import shared_dir

    shared = None if args.no_ecb else shared_dir()
    if shared is not None and not (shared / "bench" / "ecbplus").is_dir():
        shared = None
    rows = [r for p in OWN for r in load_tsv(p)]
    weights = build(rows, shared, args.fraction)
    args.out.write_text(json.dumps(weights, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(weights['features'])} features x {len(weights['classes'])} classes, "
          f"{weights['trained_on']['examples']} examples" + ("" if shared else " (no ECB+)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
