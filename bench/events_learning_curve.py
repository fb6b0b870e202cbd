"""Learning curve of the PLOVER event-type classifier, and "learned first" vs "patterns first".

The shipped classifier (``scripts/train_event_classifier.py``: logistic regression over
``event_classifier.features``, 150 Adam iterations, L2 1e-3, temperature fitted on held-out
synthetic headline templates) is retrained here on 25/50/75/100 % of the NGEC synthetic
stories (a seeded sample of the training templates' stories), then on all of them plus the
studied folds (0, 2) of ``plover-gsr-dev`` (repeated ``--gsr-repeat`` times). For each model:

  * ``clf``: the classifier alone, its top type per record (held-out folds 1, 3 of
    plover-gsr-dev, and the studied folds for the ngec-only models);
  * ``fallback``: the pipeline's top-event type accuracy with that model as the fallback of
    sentences the patterns leave untyped (what ships: ``events.CLASSIFIER_MIN_P``);
  * ``learned>=p``: the same with "learned first" (``events.LEARNED_MIN_P = p``): when the
    classifier is that confident, its type goes before the patterns'.

Only the held-out columns are targets; the threshold of "learned first" may be chosen on the
studied column only. Parsed features are cached in ``$TMPDIR`` (``--no-cache`` to reparse).

    python bench/events_learning_curve.py [--iters 150] [--gsr-repeat 1] [--thresholds 0.5,0.7]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(HERE))

import train_event_classifier as tec  # noqa: E402
from _shared import HELDOUT_FOLDS, STUDIED_FOLDS, fold_of, shared_dir  # noqa: E402


def load_gsr(shared: Path) -> list[dict]:
    data = json.loads((shared / "bench" / "plover-gsr-dev" / "records.json").read_text(encoding="utf-8"))
    return data["records"] if isinstance(data, dict) else data


def cached_parse(stories, extra_texts, use_cache: bool) -> None:
    """Fill ``tec._FEATS`` for the stories' examples and the gold records' texts."""
    from newsdesk.enrich.event_classifier import VERSION
    path = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / f"newsdesk-event-feats-v{VERSION}.pkl"
    if use_cache and path.exists():
        tec._FEATS.update(pickle.loads(path.read_bytes()))
    tec.parse_all(stories + [(list(extra_texts), "", "")])
    if use_cache:
        path.write_bytes(pickle.dumps(tec._FEATS))


def fit_model(stories, held, classes, iters):
    """Train as the shipping script does (temperature from the held-out templates), then refit
    on ``stories`` plus the held-out templates' stories; returns (W, b) divided by the temperature."""
    X, y = tec.to_xy(stories, classes)
    Xh, yh = tec.to_xy(held, classes)
    W, b = tec.train(X, y, len(classes), iters=iters)
    logits = np.stack([W[x].sum(axis=0) + b for x in Xh])
    temps = np.linspace(0.05, 1.5, 59)

    def nll(t):
        lg = logits / t
        lg = lg - lg.max(axis=1, keepdims=True)
        return -(lg[np.arange(len(yh)), yh] - np.log(np.exp(lg).sum(axis=1))).mean()

    temp = float(temps[int(np.argmin([nll(t) for t in temps]))])
    Xa, ya = tec.to_xy(stories + held, classes)
    W, b = tec.train(Xa, ya, len(classes), iters=iters)
    return W / temp, b / temp


def pipeline_top_types(records, learned_min_p: float) -> list[str | None]:
    from newsdesk import model as nd_model
    from newsdesk.enrich import Enricher, events
    events.LEARNED_MIN_P = learned_min_p
    try:
        arts = [nd_model.Article(id=str(i), text=r["text"], published=r.get("date") or None, outlet=None)
                for i, r in enumerate(records)]
        return [a.events[0].type if a.events else None for a in Enricher().enrich_many(arts)]
    finally:
        events.LEARNED_MIN_P = 0.0


def evaluate(records, gold, classes, W, b, thresholds) -> dict[str, dict[str, float]]:
    """Accuracy per column, on the studied and held-out folds."""
    from newsdesk.enrich import event_classifier
    event_classifier.model.cache_clear()
    saved = event_classifier.model
    event_classifier.model = lambda: (classes, W.astype(np.float32), b.astype(np.float32))  # noqa: E731
    try:
        cols: dict[str, list] = {"clf": [classes[int(np.argmax(W[tec._FEATS[r["text"]]].sum(axis=0) + b))]
                                        for r in records]}
        cols["fallback"] = pipeline_top_types(records, 0.0)
        for t in thresholds:
            cols[f"learned>={t:g}"] = pipeline_top_types(records, t)
    finally:
        event_classifier.model = saved
        event_classifier.model.cache_clear()
    out = {}
    for name, pred in cols.items():
        out[name] = {}
        for part, folds in (("studied", STUDIED_FOLDS), ("heldout", HELDOUT_FOLDS)):
            idx = [i for i in range(len(records)) if fold_of(i) in folds]
            out[name][part] = round(sum(pred[i] == gold[i] for i in idx) / len(idx), 4)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iters", type=int, default=150)
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1.0")
    ap.add_argument("--gsr-repeat", type=int, default=1,
                    help="copies of each studied gold record added to the training data")
    ap.add_argument("--thresholds", default="0.5,0.7,0.9", help="LEARNED_MIN_P values to score")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    shared = shared_dir()
    zip_path = (shared / "bench" / "ngec-synthetic" / "synthetic-events.csv.zip") if shared else None
    if zip_path is None or not zip_path.exists() or not (shared / "bench" / "plover-gsr-dev").exists():
        print("shared/bench ngec-synthetic or plover-gsr-dev absent: learning curve skipped")
        return 0
    sys.path.insert(0, str(HERE))
    from events import FOLD  # bench/events.py: the older draft's types folded to the 16
    from newsdesk.model import PLOVER_TYPES
    records = load_gsr(shared)
    gold = [FOLD.get(r["event"], r["event"]) for r in records]
    stories = tec.load_stories(zip_path)
    cached_parse(stories, [r["text"] for r in records], not args.no_cache)
    classes = list(PLOVER_TYPES)
    templates = sorted({t for _, _, t in stories})
    rng = np.random.default_rng(1)
    held_t = set(rng.permutation(templates)[: max(1, len(templates) // 10)])   # as the shipping script
    held = [s for s in stories if s[2] in held_t]
    fit = [s for s in stories if s[2] not in held_t]
    order = np.random.default_rng(2).permutation(len(fit))
    thresholds = [float(x) for x in args.thresholds.split(",") if x]
    studied_gsr = [([r["text"]], g, "gsr") for i, (r, g) in enumerate(zip(records, gold))
                   if fold_of(i) in STUDIED_FOLDS and g in classes] * args.gsr_repeat
    runs = [(f"ngec {float(f):.0%}", [fit[i] for i in order[: int(round(float(f) * len(fit)))]])
            for f in args.fractions.split(",")]
    runs.append((f"ngec 100% + gsr studied x{args.gsr_repeat}", fit + studied_gsr))
    results = {}
    for name, train_set in runs:
        print(f"{name}: {sum(len(e) for e, _, _ in train_set)} training examples", flush=True)
        W, b = fit_model(train_set, held, classes, args.iters)
        results[name] = evaluate(records, gold, classes, W, b, thresholds)
    # the shipped weights, as the anchor of the same run
    from newsdesk.enrich import event_classifier
    cls_, W0, b0 = event_classifier.model()
    results["shipped weights"] = evaluate(records, gold, cls_, W0, b0, thresholds)
    cols = list(next(iter(results.values())))
    print(f"\n{'model':<34}" + "".join(f"{c:>22}" for c in cols))
    print(f"{'':<34}" + "".join(f"{'studied  held-out':>22}" for _ in cols))
    for name, res in results.items():
        print(f"{name:<34}" + "".join(f"{res[c]['studied']:>12.3f}{res[c]['heldout']:>10.3f}" for c in cols))
    print("(the gsr-trained row's studied column is its own training data: read only held-out)")
    if args.json:
        print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
