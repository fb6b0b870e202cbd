"""PLOVER events on the PLOVER gold-standard records (dev half), read in place from shared/.

Each record is one news sentence with its gold event type, source actors and target actors.
The sentence goes through newsdesk's full enrichment (entities, places, times, statements,
events) and is scored on:

  * ``events_type_accuracy`` (event-type accuracy, the headline figure): per sentence, the
    gold type equals the type of our TOP event -- the first of ``Article.events``, which
    ``enrich/events.py`` orders sentence by sentence with the main event first (the trigger
    highest in the parse, then text order);
    a sentence with no event counts as wrong;
  * ``events_type_first``: the same figure under its older name (kept for the floors);
  * ``events_type_any``: the gold type is among the predicted events' types (lenient);
  * ``events_coverage``: at least one event is predicted;
  * ``events_source_f1`` / ``events_target_f1``: micro F1 of actor names, comparing the gold
    ``actorText`` list with the actors (targets) of the predicted event of the gold type
    (else the first event). Names match leniently: case-insensitive, a leading "the" and a
    trailing "'s" dropped, demonyms folded to countries ("Hungarian" = "Hungary"), and one
    name containing the other as words ("Romanian officials" ~ "Romania").

The gold set uses an older PLOVER draft with four types outside newsdesk's 16
(``model.PLOVER_TYPES``). They are folded as POLECAT did: DEMAND -> REQUEST,
DISAPPROVE -> ACCUSE, INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT. ``events_type_any_core``
scores only the records whose gold type is one of the 16 as such.

No public tool publishes figures on this set (see shared/bench/README.md).

The factuality set of bench/factuality.py (our own original sentences, no shared/ needed)
is scored in the same run and reported as ``events_factuality_macro_f1`` (macro F1 over the
six classes), ``events_factuality_accuracy`` and the held-out set's
``events_factuality_heldout_macro_f1``.

CAUTION: parts of the trigger lexicon were added after reading this dev set's misses
(before issue 6); since then no lexicon entry was added by reading them.

    python bench/events.py          # table
    python bench/events.py --json   # also the metrics as JSON
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

FOLD = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


def shared_dir() -> Path | None:
    env = os.environ.get("NEWSDESK_SHARED")
    path = Path(env) if env else ROOT.parent / "shared"
    return path if path.is_dir() else None


def actor_texts(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        return [value]
    return [a.get("actorText", "") for a in value if isinstance(a, dict) and a.get("actorText")]


def norm(name: str) -> str:
    from newsdesk.enrich.resolve import country_of_demonym
    n = re.sub(r"^the\s+", "", name.strip().lower().replace("’", "'"))
    n = re.sub(r"'s$", "", n)
    words = [country_of_demonym(w) or w for w in n.split()]
    return " ".join(w.lower() for w in words)


def same(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b:
        return True
    aw, bw = f" {a} ", f" {b} "
    return aw in bw or bw in aw


def match_counts(pred: list[str], gold: list[str]) -> tuple[int, int, int]:
    used: set[int] = set()
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if i not in used and same(p, g):
                used.add(i)
                tp += 1
                break
    return tp, len(pred), len(gold)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(shared: Path, limit: int | None = None) -> dict[str, float]:
    from newsdesk import model
    from newsdesk.enrich import Enricher

    data = json.loads((shared / "bench" / "plover-gsr-dev" / "records.json").read_text(encoding="utf-8"))
    records = data["records"] if isinstance(data, dict) else data
    if limit:
        records = records[:limit]
    arts = [model.Article(id=r.get("id", str(i)), text=r["text"],
                          published=r.get("date") or None, outlet=None)
            for i, r in enumerate(records)]
    enricher = Enricher()
    t0 = time.perf_counter()
    done = list(enricher.enrich_many(arts))
    elapsed = time.perf_counter() - t0

    n = len(records)
    any_ok = first_ok = covered = 0
    core_n = core_ok = 0
    src = [0, 0, 0]
    tgt = [0, 0, 0]
    for rec, art in zip(records, done):
        gold_type = FOLD.get(rec["event"], rec["event"])
        types = [e.type for e in art.events]
        covered += bool(types)
        any_ok += gold_type in types
        first_ok += bool(types) and types[0] == gold_type
        if rec["event"] in model.PLOVER_TYPES:
            core_n += 1
            core_ok += gold_type in types
        chosen = next((e for e in art.events if e.type == gold_type), art.events[0] if art.events else None)
        pred_src = chosen.actors if chosen else []
        pred_tgt = chosen.targets if chosen else []
        for acc, pred, gold in ((src, pred_src, actor_texts(rec.get("source"))),
                                (tgt, pred_tgt, actor_texts(rec.get("target")))):
            tp, npred, ngold = match_counts(pred, gold)
            acc[0] += tp
            acc[1] += npred
            acc[2] += ngold
    m: dict[str, float] = {
        "events_type_accuracy": round(first_ok / n, 4) if n else 0.0,
        "events_type_any": round(any_ok / n, 4) if n else 0.0,
        "events_type_first": round(first_ok / n, 4) if n else 0.0,
        "events_type_any_core": round(core_ok / core_n, 4) if core_n else 0.0,
        "events_coverage": round(covered / n, 4) if n else 0.0,
    }
    for name, acc in (("source", src), ("target", tgt)):
        p, r, f = prf(*acc)
        m[f"events_{name}_p"] = round(p, 4)
        m[f"events_{name}_r"] = round(r, 4)
        m[f"events_{name}_f1"] = round(f, 4)
    m["events_records"] = float(n)
    m["events_seconds"] = round(elapsed, 2)
    try:  # our own factuality set, same enricher
        sys.path.insert(0, str(HERE))
        import factuality  # type: ignore
        for k, v in factuality.run(shared, enricher).items():
            if k in ("factuality_macro_f1", "factuality_accuracy", "factuality_type_found",
                     "factuality_heldout_macro_f1", "factuality_heldout_accuracy") or k.startswith("factuality_f1_"):
                m["events_" + k] = v
    except Exception as exc:  # the PLOVER figures stand on their own
        print(f"factuality set failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return m


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "plover-gsr-dev" / "records.json").exists():
        print("shared/bench/plover-gsr-dev absent: events benchmark skipped")
        return 0
    m = run(shared)
    print(f"PLOVER gold-standard records (dev), {int(m['events_records'])} sentences, {m['events_seconds']} s")
    print(f"{'metric':<28} {'value':>6}")
    for k in ("events_type_accuracy", "events_type_any", "events_type_any_core", "events_coverage"):
        print(f"{k:<28} {m[k]:>6.3f}")
    print(f"{'actors':<10} {'P':>6} {'R':>6} {'F1':>6}")
    for name in ("source", "target"):
        print(f"{name:<10} {m[f'events_{name}_p']:>6.3f} {m[f'events_{name}_r']:>6.3f} {m[f'events_{name}_f1']:>6.3f}")
    print("anchor: none published; event-type accuracy and actor F1 reported as measured")
    if "events_factuality_macro_f1" in m:
        print(f"factuality (bench/data/factuality.tsv): macro F1 {m['events_factuality_macro_f1']:.3f}, "
              f"accuracy {m['events_factuality_accuracy']:.3f}; held-out macro F1 "
              f"{m.get('events_factuality_heldout_macro_f1', float('nan')):.3f}")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
