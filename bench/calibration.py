"""Is ``confidence`` a probability? Reliability of the events' and statements' confidence.

Records are scored right or wrong against gold read in place from shared/:

- events, on the PLOVER gold records (``plover-gsr-dev``, one sentence each): an event is
  right when its type is the sentence's gold type (older-draft types folded as in
  bench/events.py). A sentence telling two events has one gold type, so the second event
  counts as wrong even when it is true: the figures are a lower bound.
- statements, on PolNeAR dev (first annotation file of each article): a statement is right
  when its cue lies on a gold cue and at least half of its content's words lie in gold
  content.

Two figures per kind, each on records no weight was chosen on:

- ``folds``: the model of ``enrich/confidence.py`` refitted on 4 of 5 folds (events: record
  index mod 5; statements: by article) and applied to the fifth; the held-out predictions
  of the five folds are pooled. This is how well the fitting recipe calibrates.
- ``shipped``: the weights in ``data/confidence.json`` as they ship. For statements they
  were typed by hand (PolNeAR's licence forbids shipping fitted weights) and PolNeAR is
  unseen by them; for events they were fitted on all PLOVER records (in-sample, printed for
  reference only: the folds figure is the honest one).

Anchor, measured in the same run: a constant confidence equal to the training folds' share
of right records (what a system without per-record confidence could say). Printed: Brier
score and expected calibration error (ECE, 5 equal-width bins) for both, the reliability
table, and the share right among records with confidence above 0.8 (target: >= 80 %).
Caution: parts of the trigger lexicon were written after reading half A of the PLOVER
records (bench/events.py), so the events' "right" rate is optimistic there.

    python bench/calibration.py [--json]
"""
from __future__ import annotations

import json
import re
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from _shared import shared_dir  # noqa: E402

FOLDS = 5
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)
HIGH = 0.8


def event_rows(shared: Path) -> list[dict]:
    """One row per predicted event: features, right (0/1), fold."""
    from newsdesk import model
    from newsdesk.enrich import Enricher
    from newsdesk.enrich.confidence import event_features, sentence_probs
    from events import FOLD  # bench/events.py

    data = json.loads((shared / "bench" / "plover-gsr-dev" / "records.json").read_text(encoding="utf-8"))
    records = data["records"] if isinstance(data, dict) else data
    arts = [model.Article(id=str(i), text=r["text"], published=r.get("date") or None)
            for i, r in enumerate(records)]
    enricher = Enricher()
    nlp = enricher.nlp
    rows = []
    for i, (rec, art) in enumerate(zip(records, enricher.enrich_many(arts))):
        gold = FOLD.get(rec["event"], rec["event"])
        doc = _parsed(nlp, art.text)
        seen, cache = set(), {}
        for ev in art.events:
            key = (ev.sentence_start, ev.sentence_end)
            x = event_features(ev, doc, key in seen, sentence_probs(doc, ev, cache))
            seen.add(key)
            rows.append({"x": x, "y": int(ev.type == gold), "fold": i % FOLDS,
                         "shipped": ev.confidence, "half": "A" if i % 2 == 0 else "B"})
    return rows


def _parsed(nlp, text: str):
    """The text parsed by the model's own components (no newsdesk step): the features read
    token tags and the sentence classifier reads the parse."""
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p.startswith("newsdesk_")
                                   and p != "newsdesk_segment"]):
        return nlp(text)


def statement_rows(shared: Path) -> list[dict]:
    from newsdesk import model
    from newsdesk.enrich import Enricher
    from newsdesk.enrich.confidence import statement_features
    from statements import read_ann, tokens, trim  # bench/statements.py

    base = shared / "bench" / "polnear-dev"
    gold_by_name: dict[str, dict] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        if name not in gold_by_name:
            gold_by_name[name] = read_ann(ann)
    names = sorted(gold_by_name)
    texts = {n: (base / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names}
    enricher = Enricher(steps=("entities", "statements"))
    arts = [model.Article(id=n, text=texts[n]) for n in names]
    rows = []
    for art in enricher.enrich_many(arts):
        text, gold = art.text, gold_by_name[art.id]
        g_cue = tokens(text, [trim(text, s) for s in gold["cue"]])
        g_content = tokens(text, [trim(text, s) for s in gold["content"]])
        for st in art.statements:
            cue = tokens(text, [(st.cue_start, st.cue_end)])
            content = tokens(text, [trim(text, (st.content_start, st.content_end))])
            right = bool(cue & g_cue) and bool(content) and len(content & g_content) >= len(content) / 2
            rows.append({"x": statement_features(st), "y": int(right), "shipped": st.confidence,
                         "fold": zlib.crc32(art.id.encode()) % FOLDS})
    return rows


def cross_fit(rows: list[dict]) -> tuple[list[float], list[float]]:
    """Held-out predictions of the fold-refitted model and of the base-rate anchor."""
    from newsdesk.enrich.confidence import fit_logistic, logistic
    pred, anchor = [0.0] * len(rows), [0.0] * len(rows)
    for k in range(FOLDS):
        train = [r for r in rows if r["fold"] != k]
        if not train:
            continue
        w = fit_logistic([r["x"] for r in train], [r["y"] for r in train])
        base = sum(r["y"] for r in train) / len(train)
        for i, r in enumerate(rows):
            if r["fold"] == k:
                pred[i], anchor[i] = logistic(r["x"], w), base
    return pred, anchor


def reliability(p: list[float], y: list[int]) -> list[tuple[str, int, float, float]]:
    out = []
    for lo, hi in zip(BINS, BINS[1:]):
        idx = [i for i, v in enumerate(p) if lo <= v < hi]
        if idx:
            out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(idx), sum(p[i] for i in idx) / len(idx),
                        sum(y[i] for i in idx) / len(idx)))
        else:
            out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", 0, float("nan"), float("nan")))
    return out


def summary(p: list[float], y: list[int]) -> dict[str, float]:
    n = len(y)
    brier = sum((a - b) ** 2 for a, b in zip(p, y)) / n if n else float("nan")
    ece = sum(cnt * abs(conf - acc) for _, cnt, conf, acc in reliability(p, y) if cnt) / n if n else float("nan")
    high = [i for i, v in enumerate(p) if v > HIGH]
    return {"n": float(n), "brier": round(brier, 4), "ece": round(ece, 4),
            "high_n": float(len(high)),
            "high_right": round(sum(y[i] for i in high) / len(high), 4) if high else float("nan"),
            "right": round(sum(y) / n, 4) if n else float("nan")}


def run(shared: Path) -> dict[str, float]:
    return measure(shared)[0]


def measure(shared: Path) -> tuple[dict[str, float], dict[str, list]]:
    """(metrics, reliability tables by "kind_system")."""
    metrics: dict[str, float] = {}
    tables: dict[str, list] = {}
    for kind, rows in (("events", event_rows(shared)), ("statements", statement_rows(shared))):
        y = [r["y"] for r in rows]
        pred, anchor = cross_fit(rows)
        shipped = [r["shipped"] if r["shipped"] is not None else 0.0 for r in rows]
        for name, p in (("folds", pred), ("anchor", anchor), ("shipped", shipped)):
            for k, v in summary(p, y).items():
                metrics[f"calibration_{kind}_{name}_{k}"] = v
            tables[f"{kind}_{name}"] = reliability(p, y)
        if kind == "events":  # half B: the PLOVER half never read while writing rules
            idx = [i for i, r in enumerate(rows) if r["half"] == "B"]
            for k, v in summary([pred[i] for i in idx], [y[i] for i in idx]).items():
                metrics[f"calibration_events_folds_halfB_{k}"] = v
    return metrics, tables


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "plover-gsr-dev").is_dir() \
            or not (shared / "bench" / "polnear-dev").is_dir():
        print("shared/bench (plover-gsr-dev, polnear-dev) absent: calibration benchmark skipped")
        return 0
    m, tables = measure(shared)
    for kind, gold in (("events", "PLOVER gold records"), ("statements", "PolNeAR dev")):
        print(f"\n{kind} on {gold}: {int(m[f'calibration_{kind}_folds_n'])} records, "
              f"{m[f'calibration_{kind}_folds_right']:.1%} right")
        print(f"{'system':<26} {'Brier':>6} {'ECE':>6} {'n>0.8':>6} {'right>0.8':>10}")
        for name, label in (("folds", "newsdesk (5-fold held-out)"), ("anchor", "anchor: base rate"),
                            ("shipped", "newsdesk shipped weights")):
            pre = f"calibration_{kind}_{name}_"
            print(f"{label:<26} {m[pre + 'brier']:>6.3f} {m[pre + 'ece']:>6.3f} "
                  f"{int(m[pre + 'high_n']):>6} {m[pre + 'high_right']:>10.1%}")
        for name, label in (("folds", "5-fold held-out"), ("shipped", "shipped weights")):
            print(f"reliability, {label}:  bin | n | mean confidence | share right")
            for bin_, cnt, conf, acc in tables[f"{kind}_{name}"]:
                print(f"  {bin_} | {cnt:>4} | {conf:.3f} | {acc:.3f}" if cnt else f"  {bin_} |    0 |   -   |   -")
        if kind == "events":
            pre = "calibration_events_folds_halfB_"
            print(f"half B only (never read), 5-fold held-out: Brier {m[pre + 'brier']:.3f}, "
                  f"{int(m[pre + 'high_n'])} above 0.8, {m[pre + 'high_right']:.1%} right")
        if kind == "events":
            print("note: the shipped event weights were fitted on all of these records (in-sample)")
        else:
            print("note: the shipped statement weights were typed by hand; PolNeAR is unseen by them")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
