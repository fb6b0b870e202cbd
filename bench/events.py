"""PLOVER events on the PLOVER gold-standard records (dev half), read in place from shared/.

Each record is one news sentence with its gold event type, source actors and target actors.
The sentence goes through newsdesk's full enrichment (entities, places, times, statements,
events) and is scored on:

  * ``events_type_accuracy`` (event-type accuracy, the headline figure): per sentence, the
    gold type equals the type of our TOP event -- the first of ``Article.events``, which
    ``enrich/events`` (ranking) orders sentence by sentence with the main event first (the trigger
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
(before issue 6). In issue 6 only half A's misses were read; the entries added then follow
the PLOVER modes that had none (explosives, firearms, fight/clash of the older draft,
access, martial law, alert, phone calls), but some of them also fit half-A sentences, so
half A is optimistic: half B is the figure to trust. In issue 6's second round only half A
was read again; the changes followed the PLOVER codebook's modes (phone calls, visits, allow,
extradite, closing media, taking to the streets), the classifier fallback (its threshold
chosen on held-out synthetic stories) and country names (``resolve.country_of_demonym`` now
also folds "U.S."/"America"/"Britain" and "Belarus's" to the gazetteer's country name, which
``norm`` below uses). In issue 6's third round the rules followed invented sentences of general
constructions (appositions renaming a target, "came under attack from", the "of" of nominal
events, purpose clauses, unnamed conjuncts, fights between conjoined sides), a few of them
suggested by half A's misses; the classifier gained PLOVER cues from the trigger lexicon,
chosen on held-out synthetic stories only. Half B was scored, never read.
In issue 6's fourth round (third session) the lexicon gained codebook wordings found by
listing lemmas that lead NGEC synthetic stories of one type (legal accusations, warnings,
concessions, cyber operations, walkouts), and an untagged proper-noun subject became an actor
as written (one half-A miss, a misspelt country, suggested it). Half B was scored, never read.
In issue 16 only half A was read: a stand-in actor ("he", "it", "they", a bare "the state")
takes the salient named actor of its governing clause or of the two sentences before (no
record here has two sentences: invented multi-sentence tests hold it), a weapon that is shot
down or intercepted is the target in the active voice as in the passive, and a possessed name
acts rather than its possessor ("Osama bin Laden's al-Qaeda"); a half-A miss suggested the
last. Tried and dropped on half A: a national capital standing for its country (source F1
fell), conjoined subjects of symmetric types all kept as sources (rises on both halves, but
the project's convention, in the seed's gold and the tests, puts the partner in targets: left
to the lead). Half B was scored, never read.

    python bench/events.py          # table
    python bench/events.py --json   # also the metrics as JSON
    python bench/events.py --errors # also the misses of half A (the half open to study)

The records are split into two fixed halves by index: A (even: 0, 2, ...) and B (odd).
Since issue 6, errors are studied on half A only; both halves and the total are reported
(``events_half_a_*``, ``events_half_b_*``), so that a gain on A that does not carry to B
shows up as fitting the dev set.
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
    # demonyms are folded before lower-casing: country_of_demonym reads "US" as the country
    # and "us" as the pronoun
    n = re.sub(r"^[Tt]he\s+", "", name.strip().replace("’", "'"))
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


HALF_KEYS = ("events_type_accuracy", "events_source_f1", "events_target_f1", "events_records")


def score_record(rec: dict, art, plover_types) -> dict:
    """One record's outcome: type hits and actor match counts."""
    gold_type = FOLD.get(rec["event"], rec["event"])
    types = [e.type for e in art.events]
    chosen = next((e for e in art.events if e.type == gold_type), art.events[0] if art.events else None)
    row = {"covered": bool(types), "any": gold_type in types,
           "first": bool(types) and types[0] == gold_type,
           "core": rec["event"] in plover_types, "gold_type": gold_type,
           "types": types, "chosen": chosen}
    row["src"] = match_counts(chosen.actors if chosen else [], actor_texts(rec.get("source")))
    row["tgt"] = match_counts(chosen.targets if chosen else [], actor_texts(rec.get("target")))
    return row


def summarise(rows: list[dict]) -> dict[str, float]:
    n = len(rows)
    core = [r for r in rows if r["core"]]
    m: dict[str, float] = {
        "events_type_accuracy": round(sum(r["first"] for r in rows) / n, 4) if n else 0.0,
        "events_type_any": round(sum(r["any"] for r in rows) / n, 4) if n else 0.0,
        "events_type_first": round(sum(r["first"] for r in rows) / n, 4) if n else 0.0,
        "events_type_any_core": round(sum(r["any"] for r in core) / len(core), 4) if core else 0.0,
        "events_coverage": round(sum(r["covered"] for r in rows) / n, 4) if n else 0.0,
    }
    for name in ("src", "tgt"):
        p, r, f = prf(*(sum(row[name][i] for row in rows) for i in range(3)))
        label = "source" if name == "src" else "target"
        m[f"events_{label}_p"] = round(p, 4)
        m[f"events_{label}_r"] = round(r, 4)
        m[f"events_{label}_f1"] = round(f, 4)
    m["events_records"] = float(n)
    return m


def run(shared: Path, limit: int | None = None, rows_out: list | None = None) -> dict[str, float]:
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

    rows = [score_record(rec, art, model.PLOVER_TYPES) for rec, art in zip(records, done)]
    if rows_out is not None:
        rows_out.extend(dict(r, record=rec, index=i) for i, (r, rec) in enumerate(zip(rows, records)))
    m = summarise(rows)
    # two fixed halves by record index: A = even (0, 2, ...), where errors may be studied;
    # B = odd, only ever scored, never read
    for half, sub in (("a", rows[0::2]), ("b", rows[1::2])):
        for k, v in summarise(sub).items():
            if k in HALF_KEYS:
                m[f"events_half_{half}_{k[len('events_'):]}"] = v
    # half B is the held-out folds 1 and 3 of bench/_shared.py (record index % 4): the
    # figure the gate holds beside the full set's
    for k in HALF_KEYS:
        m["events_heldout_" + k[len("events_"):]] = m["events_half_b_" + k[len("events_"):]]
    n = len(records)
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
    rows: list[dict] = []
    m = run(shared, rows_out=rows)
    print(f"PLOVER gold-standard records (dev), {int(m['events_records'])} sentences, {m['events_seconds']} s")
    print(f"{'metric':<28} {'value':>6}")
    for k in ("events_type_accuracy", "events_type_any", "events_type_any_core", "events_coverage"):
        print(f"{k:<28} {m[k]:>6.3f}")
    print(f"{'actors':<10} {'P':>6} {'R':>6} {'F1':>6}")
    for name in ("source", "target"):
        print(f"{name:<10} {m[f'events_{name}_p']:>6.3f} {m[f'events_{name}_r']:>6.3f} {m[f'events_{name}_f1']:>6.3f}")
    print(f"{'split':<10} {'n':>4} {'type':>6} {'src F1':>7} {'tgt F1':>7}")
    for label, pre in (("A (even)", "events_half_a_"), ("B (odd)", "events_half_b_"), ("total", "events_")):
        print(f"{label:<10} {int(m[pre + 'records']):>4} {m[pre + 'type_accuracy']:>6.3f} "
              f"{m[pre + 'source_f1']:>7.3f} {m[pre + 'target_f1']:>7.3f}")
    print("anchor: none published; event-type accuracy and actor F1 reported as measured")
    if "events_factuality_macro_f1" in m:
        print(f"factuality (bench/data/factuality.tsv): macro F1 {m['events_factuality_macro_f1']:.3f}, "
              f"accuracy {m['events_factuality_accuracy']:.3f}; held-out macro F1 "
              f"{m.get('events_factuality_heldout_macro_f1', float('nan')):.3f}")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    if "--errors" in argv:  # half A only: half B stays unread
        for r in rows[0::2]:
            rec, e = r["record"], r["chosen"]
            if r["first"] and r["src"][0] == r["src"][2] == r["src"][1] and r["tgt"][0] == r["tgt"][2] == r["tgt"][1]:
                continue
            print(f"\n#{r['index']} gold {r['gold_type']} src {actor_texts(rec.get('source'))} "
                  f"tgt {actor_texts(rec.get('target'))}\n  {rec['text']}\n  pred {r['types']}"
                  + (f" chosen {e.type} '{e.trigger}' actors {e.actors} targets {e.targets}" if e else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
