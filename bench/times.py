"""Temporal expressions on TimeBank 1.2 (TempEval-3 release), read in place from shared/.

Each .tml document's TEXT is run through newsdesk's 'times' step with the document creation
time (the TIMEX3 with functionInDocument="CREATION_TIME") as ``published``; predicted
TimeRefs are compared with the gold TIMEX3s, TempEval-3 style:

  * extent strict P/R/F1: identical character span;
  * extent relaxed P/R/F1: overlapping spans (one-to-one);
  * value F1: relaxed matches whose TIMEX3 value is identical;
  * type accuracy: share of relaxed matches with the right type.

HeidelTime's TempEval-3 figures (strict 0.813, relaxed 0.903, value 0.776) are printed beside.

    python bench/times.py            # table
    python bench/times.py --json     # also the metrics as JSON
    python bench/times.py --errors   # also the misses on the studied folds (0 and 2)

Every figure is also given on the held-out folds (``times_heldout_*``: documents whose rank
in file-name order % 4 is 1 or 3), on which nothing is studied (see bench/_shared.py).
"""
from __future__ import annotations

import json
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

PUBLISHED = {"times_strict_f1": 0.813, "times_relaxed_f1": 0.903, "times_value_f1": 0.776}


sys.path.insert(0, str(HERE))
from _shared import HELDOUT_FOLDS, STUDIED_FOLDS, clean_article, in_folds, shared_dir  # noqa: E402


def parse_tml(path: Path) -> dict:
    """Plain TEXT, gold TIMEX3 spans (char offsets into it) and the creation time."""
    root = ET.parse(path).getroot()
    dct = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            dct = t.get("value")
            break
    text_el = root.find("TEXT")
    parts: list[str] = []
    gold: list[dict] = []

    def walk(el, pos: int) -> int:
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            start = pos
            pos = walk(child, pos)
            if child.tag == "TIMEX3":
                gold.append({"start": start, "end": pos, "value": child.get("value"),
                             "type": child.get("type")})
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        return pos

    walk(text_el, 0)
    text = "".join(parts)
    # trim surrounding whitespace of gold extents
    for g in gold:
        seg = text[g["start"]:g["end"]]
        g["start"] += len(seg) - len(seg.lstrip())
        g["end"] -= len(seg) - len(seg.rstrip())
    return {"id": path.stem, "text": text, "dct": dct, "gold": gold}


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)




def run(shared: Path, limit: int | None = None) -> dict[str, float]:
    """Metrics over all documents and over the held-out folds (``times_heldout_*``)."""
    docs, arts = enrich(shared, limit)
    m = score(docs, arts)
    held = score(in_folds(docs, HELDOUT_FOLDS), in_folds(arts, HELDOUT_FOLDS))
    m.update({k.replace("times_", "times_heldout_", 1): v for k, v in held.items()})
    studied = score(in_folds(docs, STUDIED_FOLDS), in_folds(arts, STUDIED_FOLDS))
    m.update({k.replace("times_", "times_studied_", 1): v for k, v in studied.items()})
    return m


def enrich(shared: Path, limit: int | None = None):
    """(gold documents, enriched Articles), documents in file-name order."""
    from newsdesk.enrich import Enricher

    files = sorted((shared / "bench" / "timebank").glob("*.tml"))[:limit]
    docs = [parse_tml(f) for f in files]
    enr = Enricher(steps=["times"])
    arts = list(enr.enrich_many([clean_article(d["text"], d["id"], d["dct"]) for d in docs]))
    return docs, arts


def score(docs: list[dict], arts: list, errors: list | None = None) -> dict[str, float]:
    """TempEval-3-style figures of ``arts`` against ``docs``; misses appended to ``errors``
    as (doc id, gold or None, predicted or None)."""
    n_pred = n_gold = strict = relaxed = value_ok = type_ok = 0
    for d, art in zip(docs, arts):
        pred = art.times
        gold = d["gold"]
        n_pred += len(pred)
        n_gold += len(gold)
        exact = {(g["start"], g["end"]) for g in gold}
        strict += sum(1 for p in pred if (p.start, p.end) in exact)
        used: set[int] = set()
        for p in pred:
            best, best_ov = None, 0
            for i, g in enumerate(gold):
                if i in used:
                    continue
                ov = min(p.end, g["end"]) - max(p.start, g["start"])
                if ov > best_ov:
                    best, best_ov = i, ov
            if best is None:
                if errors is not None:
                    errors.append((d["id"], None, p, d["text"]))
                continue
            used.add(best)
            relaxed += 1
            g = gold[best]
            value_ok += p.value == g["value"]
            type_ok += p.type == g["type"]
            if errors is not None and p.value != g["value"]:
                errors.append((d["id"], g, p, d["text"]))
        if errors is not None:
            errors.extend((d["id"], g, None, d["text"]) for i, g in enumerate(gold) if i not in used)
    sp, sr, sf = _f1(strict, n_pred, n_gold)
    rp, rr, rf = _f1(relaxed, n_pred, n_gold)
    vp, vr, vf = _f1(value_ok, n_pred, n_gold)
    return {
        "times_strict_p": sp, "times_strict_r": sr, "times_strict_f1": sf,
        "times_relaxed_p": rp, "times_relaxed_r": rr, "times_relaxed_f1": rf,
        "times_value_p": vp, "times_value_r": vr, "times_value_f1": vf,
        "times_type_acc": type_ok / relaxed if relaxed else 0.0,
        "times_gold": float(n_gold),
    }


def error_class(g: dict | None, p) -> str:
    """A coarse kind for a miss: missed / spurious extent, or the kind of wrong value."""
    if p is None:
        return "missed extent"
    if g is None:
        return "spurious extent"
    v, text = g["value"], p.text.lower()
    if "Q" in v or "quarter" in text or "period" in text or "year-ago" in text or "year earlier" in text \
            or "year ago" in text:
        return "quarter / year-ago convention"
    if v.endswith("_REF"):
        return "PAST/PRESENT/FUTURE_REF"
    if g["type"] != p.type:
        return "type (DATE/DURATION/SET) differs"
    if g["type"] == "DURATION":
        return "duration value"
    if g["type"] == "SET":
        return "set value"
    if "W" in v or any(w in text for w in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                            "saturday", "sunday", "week")):
        return "weekday / week anchoring"
    if "T" in v:
        return "clock time"
    return "other date anchoring"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "timebank").is_dir():
        print("shared/bench/timebank absent: times benchmark skipped")
        return 0
    t = time.perf_counter()
    m = run(shared)
    secs = time.perf_counter() - t
    print(f"TimeBank 1.2 temporal expressions ({int(m['times_gold'])} gold TIMEX3, "
          f"{int(m['times_heldout_gold'])} in the held-out folds, {secs:.0f} s)")
    print(f"{'metric':<20}{'newsdesk':>10}{'held-out':>10}{'HeidelTime':>12}{'studied':>9}")
    for k, v in m.items():
        if k == "times_gold" or "_heldout_" in k or "_studied_" in k:
            continue
        ref = PUBLISHED.get(k)
        h = m[k.replace("times_", "times_heldout_", 1)]
        st = m[k.replace("times_", "times_studied_", 1)]
        print(f"{k:<20}{v:>10.3f}{h:>10.3f}{(f'{ref:.3f}' if ref is not None else '-'):>12}{st:>9.3f}")
    print(f"held-out: folds {HELDOUT_FOLDS} (documents whose file-name rank % 4 is 1 or 3)")
    if "--json" in argv:
        print(json.dumps(m, indent=2))
    if "--errors" in argv:   # the studied folds only: the held-out folds stay unread
        docs, arts = enrich(shared)
        errs: list = []
        score(in_folds(docs, STUDIED_FOLDS), in_folds(arts, STUDIED_FOLDS), errs)
        classes: dict[str, int] = {}
        for _doc, g, p, _text in errs:
            c = error_class(g, p)
            classes[c] = classes.get(c, 0) + 1
        print("error classes on the studied folds:", ", ".join(
            f"{k} {v}" for k, v in sorted(classes.items(), key=lambda kv: -kv[1])))
        for doc_id, g, p, text in errs:
            where = (g or {}).get("start", p.start if p else 0)
            ctx = text[max(0, where - 50):where + 60].replace("\n", " ")
            print(f"{doc_id}\tgold {g and (text[g['start']:g['end']], g['value'], g['type'])}"
                  f"\tpred {p and (p.text, p.value, p.type)}\t...{ctx}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
