"""Event factuality on newsdesk's own test set (bench/data/factuality.tsv).

The set holds original sentences written for this project (no corpus text), 18 per class
across the six ``model.FACTUALITY`` classes, each with the PLOVER type of its event.
Each sentence is enriched on its own; the prediction is the factuality of the first event
of the expected type, else of the sentence's top (first) event, or "none" when no event is
found at all (a miss for the gold class, never a hit for another class). Whether the
expected type was found is scored apart (``factuality_type_found``).

Metrics (returned by ``run``, also merged into bench/events.py's as ``events_factuality_*``):
  * ``factuality_macro_f1``: mean over the six classes of per-class F1;
  * ``factuality_accuracy``: share of sentences whose predicted factuality is the gold one;
  * ``factuality_type_found``: share of sentences with an event of the expected type;
  * ``factuality_f1_<class>``: per-class F1.

The set does not depend on shared/: it always runs.

``--news`` scores gold event mentions of news corpora instead (bench/factuality_gold.py):
ECB+ dev topics (negated vs asserted) and TimeBank (asserted, negated, future, uncertain; our
planned/predicted count as future, hypothetical/uncertain as uncertain). Per corpus it prints
macro F1 (over the gold classes) on all documents and on the held-out folds (1, 3) for three
deciders in the same run: a negation-cue anchor ("not/no/never/n't" within 3 tokens before
the trigger -> negated, else asserted), the hand-written rules alone, and the classifier
newsdesk uses. ``--errors`` with ``--news`` lists the classifier's errors on the studied folds
(0, 2) only. ``run`` (the gate, no enricher given) adds ``factuality_news_*`` metrics.

    python bench/factuality.py            # table, per class
    python bench/factuality.py --errors   # also the misses
    python bench/factuality.py --heldout  # the held-out set (bench/data/factuality_heldout.tsv)
    python bench/factuality.py --news [--errors]   # ECB+ dev and TimeBank gold mentions
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = HERE / "data" / "factuality.tsv"
HELDOUT = HERE / "data" / "factuality_heldout.tsv"   # never used to change the code


def load(path: Path = DATA) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, etype, fact = line.split("\t")[:3]
        rows.append((text.strip(), etype.strip(), fact.strip()))
    return rows


def predict(rows, enricher=None) -> list[tuple[str, str, list]]:
    """(predicted factuality or 'none', predicted type of the first event, events) per row."""
    from newsdesk import model
    from newsdesk.enrich import Enricher

    enricher = enricher or Enricher()
    arts = [model.Article(id=str(i), text=t, published="2024-05-02", outlet="Test Outlet")
            for i, (t, _, _) in enumerate(rows)]
    out = []
    for (text, etype, _), art in zip(rows, enricher.enrich_many(arts)):
        evs = [e for e in art.events if e.type == etype]
        chosen = evs[0] if evs else (art.events[0] if art.events else None)
        out.append((chosen.factuality if chosen else "none", evs[0].type if evs else "-",
                    art.events))
    return out


def score(rows, preds) -> dict[str, float]:
    from newsdesk.model import FACTUALITY

    m: dict[str, float] = {}
    f1s = []
    for cls in FACTUALITY:
        tp = sum(1 for (_, _, g), (p, _, _) in zip(rows, preds) if g == cls and p == cls)
        npred = sum(1 for (p, _, _) in preds if p == cls)
        ngold = sum(1 for (_, _, g) in rows if g == cls)
        pr = tp / npred if npred else 0.0
        rc = tp / ngold if ngold else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        f1s.append(f1)
        m[f"factuality_p_{cls}"] = round(pr, 4)
        m[f"factuality_r_{cls}"] = round(rc, 4)
        m[f"factuality_f1_{cls}"] = round(f1, 4)
    n = len(rows)
    m["factuality_macro_f1"] = round(sum(f1s) / len(f1s), 4)
    m["factuality_accuracy"] = round(sum(1 for (_, _, g), (p, _, _) in zip(rows, preds) if g == p) / n, 4)
    m["factuality_type_found"] = round(sum(1 for (_, t, _) in preds if t != "-") / n, 4)
    m["factuality_sentences"] = float(n)
    return m


ANCHOR_CUES = {"not", "no", "never", "n't"}


def decide(mention, how: str) -> str:
    """The 4-class decision at a gold mention: "anchor", "rule" or "model"."""
    from factuality_gold import TO_FOUR
    from newsdesk.enrich import factuality as fm

    tok = mention.parsed[mention.head]
    if how == "anchor":
        before = mention.parsed[max(tok.sent.start, tok.i - 3):tok.i]
        return "negated" if any(t.lower_ in ANCHOR_CUES for t in before) else "asserted"
    verb = fm.anchor_verb(tok)
    return TO_FOUR[fm.rule(tok, verb) if how == "rule" else fm.factuality(tok, verb)]


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for cls in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, pred) if g == cls and p == cls)
        npred, ngold = pred.count(cls), gold.count(cls)
        pr, rc = (tp / npred if npred else 0.0), tp / ngold
        f1s.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def news_corpora(shared: Path) -> dict[str, tuple[list, list[str]]]:
    """name -> (gold mentions, document names in fold order)."""
    import factuality_gold
    from ecbplus_data import DEV_TOPICS, available_topics

    out = {}
    if (shared / "bench" / "ecbplus").is_dir():
        topics = [t for t in available_topics(shared / "bench" / "ecbplus") if t in DEV_TOPICS]
        out["ecb_dev"] = factuality_gold.ecbplus(shared, topics)
    if (shared / "bench" / "timebank").is_dir():
        out["timebank"] = factuality_gold.timebank(shared)
    return out


def score_news(shared: Path, errors: bool = False, out=None) -> dict[str, float]:
    from _shared import HELDOUT_FOLDS, STUDIED_FOLDS, fold_of

    m: dict[str, float] = {}
    for name, (mentions, docs) in news_corpora(shared).items():
        fold = {d: fold_of(i) for i, d in enumerate(docs)}
        gold = [x.gold for x in mentions]
        held = [i for i, x in enumerate(mentions) if fold[x.doc] in HELDOUT_FOLDS]
        preds = {how: [decide(x, how) for x in mentions] for how in ("anchor", "rule", "model")}
        for how, pred in preds.items():
            m[f"factuality_news_{name}_{how}_macro_f1"] = round(macro_f1(gold, pred), 4)
            m[f"factuality_news_{name}_{how}_heldout_macro_f1"] = round(
                macro_f1([gold[i] for i in held], [pred[i] for i in held]), 4)
        if out is not None:
            print(f"{name}: {len(mentions)} gold mentions in {len(docs)} documents, "
                  f"{len(held)} held out; classes " +
                  ", ".join(f"{c} {gold.count(c)}" for c in sorted(set(gold))), file=out)
            for how in preds:
                print(f"  {how:<7} macro F1 all {m[f'factuality_news_{name}_{how}_macro_f1']:.3f}"
                      f"  held-out {m[f'factuality_news_{name}_{how}_heldout_macro_f1']:.3f}", file=out)
            if errors:
                confusion: dict[tuple[str, str], int] = {}
                for i, x in enumerate(mentions):
                    p = preds["model"][i]
                    if fold[x.doc] in STUDIED_FOLDS and p != x.gold:
                        confusion[(x.gold, p)] = confusion.get((x.gold, p), 0) + 1
                        tok = x.parsed[x.head]
                        print(f"    [{x.gold} -> {p}] {x.doc}: ...{tok.sent.text.strip()[:160]}  "
                              f"(trigger '{tok.text}')", file=out)
                print("  studied-fold errors (gold -> predicted): " + ", ".join(
                    f"{g}->{p} {n}" for (g, p), n in sorted(confusion.items(), key=lambda kv: -kv[1])),
                    file=out)
    for name in ("ecb_dev", "timebank"):   # the gate's short names: the classifier's figures
        if f"factuality_news_{name}_model_macro_f1" in m:
            m[f"factuality_news_{name}_macro_f1"] = m[f"factuality_news_{name}_model_macro_f1"]
            m[f"factuality_news_{name}_heldout_macro_f1"] = m[f"factuality_news_{name}_model_heldout_macro_f1"]
    return m


def run(shared: Path | None = None, enricher=None) -> dict[str, float]:
    """Our own sets; with ``shared`` and no enricher (the gate) also the news corpora."""
    rows = load()
    m = score(rows, predict(rows, enricher))
    if shared is not None and enricher is None:
        m.update(score_news(Path(shared)))
    if HELDOUT.exists():
        held = load(HELDOUT)
        hm = score(held, predict(held, enricher))
        m["factuality_heldout_macro_f1"] = hm["factuality_macro_f1"]
        m["factuality_heldout_accuracy"] = hm["factuality_accuracy"]
    return m


def main(argv: list[str] | None = None) -> int:
    from newsdesk.model import FACTUALITY

    argv = sys.argv[1:] if argv is None else argv
    if "--news" in argv:
        from _shared import shared_dir

        shared = shared_dir()
        if shared is None:
            print("shared/ not found: the news factuality bench is skipped")
            return 0
        score_news(shared, errors="--errors" in argv, out=sys.stdout)
        return 0
    path = HELDOUT if "--heldout" in argv else DATA
    rows = load(path)
    preds = predict(rows)
    m = score(rows, preds)
    print(f"Factuality set ({path.relative_to(ROOT)}), {len(rows)} original sentences")
    print(f"{'class':<14} {'P':>6} {'R':>6} {'F1':>6}")
    for cls in FACTUALITY:
        print(f"{cls:<14} {m[f'factuality_p_{cls}']:>6.3f} {m[f'factuality_r_{cls}']:>6.3f} "
              f"{m[f'factuality_f1_{cls}']:>6.3f}")
    print(f"{'macro F1':<14} {'':>6} {'':>6} {m['factuality_macro_f1']:>6.3f}")
    print(f"accuracy {m['factuality_accuracy']:.3f}; event of the expected type found "
          f"{m['factuality_type_found']:.3f}")
    if "--errors" in argv:
        for (text, etype, gold), (pred, first, evs) in zip(rows, preds):
            if pred != gold:
                got = "; ".join(f"{e.type}/{e.factuality}({e.trigger})" for e in evs) or "no events"
                print(f"  [{gold} -> {pred}] {etype}: {text}\n      got: {got}")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
