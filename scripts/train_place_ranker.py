"""Train the places step's candidate ranker (``newsdesk.enrich.place_ranker``).

Data: GeoWebNews (``shared/bench/geowebnews/GWN.xml``, CC BY-SA), the STUDIED folds only
(articles whose index % 4 is 0 or 2, see bench/_shared.py); the held-out folds are never
read here: bench/places.py scores them.

Each studied article goes through newsdesk's own 'entities' + 'places' steps with
``place_ranker.TRACE`` on, which records every choice the step makes between a mention's
gazetteer candidates, with the candidates' feature rows. A choice whose mention overlaps a
gold toponym with coordinates is a training group; its candidates within 161 km of the gold
point are the positives (groups with no positive or a single candidate teach nothing).

Model: conditional logit (softmax over one mention's candidates, the likelihood of the
positives), full-batch Adam (400 steps) from the hand-set prior weights (``PRIOR``:
population, countries and own names first, a qualifier as strong evidence) with L2 1e-4
towards them, NumPy only. Centring on the prior and the L2 were chosen on the fold-0 <->
fold-2 figures printed below (mean choice accuracy over the ambiguous mentions: 0.943 at
L2 1e-4, 0.937-0.941 at 1e-3 to 0.3, 0.941 for the prior alone; centred on zero 0.939):
with about 440 ambiguous mentions the learned weights are within noise of the prior. The script first reports, for choosing
settings, each studied fold scored by a model trained on the other one (fold 0 <-> fold 2)
with a learning curve (a quarter, half, all of the training fold), beside the population
prior alone; then fits on both studied folds and writes ``src/newsdesk/data/place_ranker.json``.

    .venv/bin/python scripts/train_place_ranker.py [--no-ship]
"""
from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _shared import STUDIED_FOLDS, clean_article, fold_of, shared_dir  # noqa: E402
from newsdesk.enrich import place_ranker  # noqa: E402
from newsdesk.enrich.gazetteer import haversine_km  # noqa: E402

OUT = ROOT / "src" / "newsdesk" / "data" / "place_ranker.json"
L2 = 1e-4
ITERS = 400
# The hand-set weights of the tie breaks the learned model replaces (the old score, in the
# features' scale): the tracing model and the centre the fit is pulled towards.
PRIOR = {"log_pop": 7.0, "country": 4.0, "city": 0.5, "admin1": -0.5, "primary": 2.5,
         "ctx_country": 2.0, "ctx_country_seen": 1.5, "qual_country": 8.0, "qual_admin1": 4.0,
         "ctx_admin1": 2.0, "small_town": -1.0}


def trace(docs: list[dict]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Per article, its training groups: (feature rows, positive mask)."""
    from newsdesk.enrich import Enricher

    prior = tuple(PRIOR.get(n, 0.0) for n in place_ranker.FEATURES)
    place_ranker.weights = lambda: prior   # the shipped file may not exist yet
    enr = Enricher(steps=["entities", "places"], batch_size=1)
    out = []
    arts = (clean_article(d["text"], d["id"]) for d in docs)
    for d, _art in zip(docs, _traced(enr, arts)):
        groups = []
        for start, end, cands, rows in _art:
            gold = [g for g in d["gold"] if g["lat"] is not None and g["start"] < end and start < g["end"]]
            if not gold or len(cands) < 2:
                continue
            g = gold[0]
            pos = np.array([c.lat is not None and haversine_km(float(c.lat), float(c.lon), g["lat"], g["lon"]) <= 161
                            for c in cands])
            if pos.any():
                groups.append((np.array(rows, dtype=np.float64), pos))
        out.append(groups)
    return out


def _traced(enr, arts):
    for art in arts:
        place_ranker.TRACE = []
        next(enr.enrich_many([art]))
        yield place_ranker.TRACE
    place_ranker.TRACE = None


def fit(groups: list[tuple[np.ndarray, np.ndarray]], iters: int = ITERS, l2: float = L2,
        centre: np.ndarray | None = None) -> np.ndarray:
    """Conditional-logit weights; the L2 penalty pulls them towards ``centre`` (zero, or the
    hand-set prior weights, so that evidence rare in training keeps its prior strength)."""
    X = np.concatenate([g[0] for g in groups])
    pos = np.concatenate([g[1] for g in groups]).astype(np.float64)
    starts = np.cumsum([0] + [len(g[0]) for g in groups])[:-1]
    gid = np.repeat(np.arange(len(groups)), [len(g[0]) for g in groups])
    c = np.zeros(X.shape[1]) if centre is None else np.asarray(centre, dtype=np.float64)
    w = c.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, iters + 1):
        s = X @ w
        s = s - np.maximum.reduceat(s, starts)[gid]
        e = np.exp(s)
        p_all = e / np.add.reduceat(e, starts)[gid]          # softmax over the group
        ep = e * pos
        p_pos = ep / np.add.reduceat(ep, starts)[gid]         # posterior over the positives
        grad = X.T @ (p_all - p_pos) / len(groups) + l2 * (w - c)
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad ** 2
        w -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
    return w


def accuracy(groups, w: np.ndarray) -> float:
    ok = sum(bool(g[1][int(np.argmax(g[0] @ w))]) for g in groups)
    return ok / len(groups) if groups else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-ship", action="store_true", help="report only, do not write the weights")
    ap.add_argument("--traces", type=Path, help="pickle of the traced groups: read if it exists, "
                    "else written (saves re-running the pipeline while trying settings)")
    ap.add_argument("--l2", type=float, default=L2, help=f"L2 towards the prior weights (default {L2})")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "geowebnews" / "GWN.xml").exists():
        print("shared/bench/geowebnews absent: nothing to train on")
        return 1
    import places as places_bench   # bench/places.py: the same reader as the benchmark
    docs = places_bench.load(shared)
    by_fold = {f: [d for i, d in enumerate(docs) if fold_of(i) == f] for f in STUDIED_FOLDS}
    if args.traces and args.traces.exists():
        traced = pickle.loads(args.traces.read_bytes())
    else:
        traced = {f: trace(ds) for f, ds in by_fold.items()}
        if args.traces:
            args.traces.write_bytes(pickle.dumps(traced))
    prior = np.array([PRIOR.get(n, 0.0) for n in place_ranker.FEATURES])
    print("groups (ambiguous mentions with a right candidate): "
          + ", ".join(f"fold {f}: {sum(map(len, t))}" for f, t in traced.items()))
    print(f"{'train':<8}{'test':<6}{'share':>6}{'groups':>8}{'learned':>9}{'prior':>8}")
    a, b = STUDIED_FOLDS
    for train, test in ((a, b), (b, a)):
        test_groups = [g for gs in traced[test] for g in gs]
        for share in (0.25, 0.5, 1.0):
            n = max(1, math.ceil(len(traced[train]) * share))
            tr = [g for gs in traced[train][:n] for g in gs]
            w = fit(tr, l2=args.l2, centre=prior)
            print(f"fold {train:<3}fold {test:<1}{share:>6.2f}{len(tr):>8}{accuracy(test_groups, w):>9.3f}"
                  f"{accuracy(test_groups, prior):>8.3f}")
    all_groups = [g for t in traced.values() for gs in t for g in gs]
    w = fit(all_groups, l2=args.l2, centre=prior)
    print("weights:", ", ".join(f"{n} {x:+.2f}" for n, x in zip(place_ranker.FEATURES, w)))
    if not args.no_ship:
        OUT.write_text(json.dumps({
            "version": place_ranker.VERSION,
            "trained_on": "GeoWebNews studied folds (article index % 4 in {0, 2}), "
                          f"{len(all_groups)} ambiguous mentions; scripts/train_place_ranker.py",
            "features": list(place_ranker.FEATURES),
            "weights": [round(float(x), 4) for x in w],
        }, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
