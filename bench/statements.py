"""Attribution (statements) on the PolNeAR dev split, read in place from shared/.

Each PolNeAR article text (``polnear-dev/text/*.txt``) goes through newsdesk's
'entities' + 'statements' steps; the predicted statements' source, cue and content spans
are compared with the gold brat annotations (``polnear-dev/attributions/*.ann``: ``Source``,
``Cue`` and ``Content`` text-bound spans; discontinuous spans count piece by piece).
Articles annotated twice are scored once per annotation file.

Two measures per role (source, cue, content), both micro-averaged over the corpus:

  * token-overlap F1: the ``\\w+`` tokens covered by predicted spans against the tokens
    covered by gold spans (precision = shared / predicted, recall = shared / gold);
  * exact-span F1: a predicted span is right when a gold span of the same role has the same
    boundaries, after trimming whitespace, quote marks and edge punctuation (,.;:) from both.
    PolNeAR puts quote marks and a leading "that" inside Content; newsdesk keeps the marks
    out and drops the complementizer, so exact content figures are strict for us. A third
    content figure ("exact, no that") also drops a leading "that" from both sides.

No public tool publishes figures on this set (see shared/bench/README.md).

    python bench/statements.py          # table
    python bench/statements.py --json   # also the metrics as JSON
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

ROLES = ("source", "cue", "content")
TRIM = " \t\r\n\u00a0\"'“”‘’«»,.;:"


def shared_dir() -> Path | None:
    env = os.environ.get("NEWSDESK_SHARED")
    path = Path(env) if env else ROOT.parent / "shared"
    return path if path.is_dir() else None


def read_ann(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Gold spans per role from a brat .ann file."""
    spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        kind, _, offsets = parts[1].partition(" ")
        role = kind.lower()
        if role not in spans:
            continue
        for piece in offsets.split(";"):
            a, b = piece.split()
            spans[role].append((int(a), int(b)))
    return spans


def trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    a, b = span
    while a < b and text[a] in TRIM:
        a += 1
    while b > a and text[b - 1] in TRIM:
        b -= 1
    return a, b


def drop_that(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Convention-neutral start: without a leading complementizer 'that'."""
    a, b = span
    m = re.match(r"that\s+", text[a:b], re.I)
    return (a + m.end(), b) if m else span


def tokens(text: str, spans) -> set[int]:
    """Start offsets of the \\w+ tokens that lie inside any of the spans."""
    out: set[int] = set()
    for m in re.finditer(r"\w+", text):
        for a, b in spans:
            if a <= m.start() and m.end() <= b:
                out.add(m.start())
                break
    return out


def predicted(article) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for s in article.statements:
        if s.source_start is not None:
            spans["source"].append((s.source_start, s.source_end))
        spans["cue"].append((s.cue_start, s.cue_end))
        spans["content"].append((s.content_start, s.content_end))
    for r in ROLES:
        spans[r] = sorted(set(spans[r]))
    return spans


def f1(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(shared: Path, limit: int | None = None) -> dict[str, float]:
    from newsdesk import model
    from newsdesk.enrich import Enricher

    base = shared / "bench" / "polnear-dev"
    anns = sorted((base / "attributions").glob("*.ann"))
    if limit:
        anns = anns[:limit]
    texts: dict[str, str] = {}
    for ann in anns:
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        texts.setdefault(name, (base / "text" / f"{name}.txt").read_text(encoding="utf-8"))
    enricher = Enricher(steps=("entities", "statements"))
    arts = [model.Article(id=name, text=text) for name, text in texts.items()]
    t0 = time.perf_counter()
    preds = {a.id: predicted(a) for a in enricher.enrich_many(arts)}
    elapsed = time.perf_counter() - t0

    counts = {r: {"tok": [0, 0, 0], "exact": [0, 0, 0], "exactnt": [0, 0, 0]} for r in ROLES}
    for ann in anns:
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        text = texts[name]
        gold = read_ann(ann)
        pred = preds[name]
        for r in ROLES:
            g = {trim(text, s) for s in gold[r]}
            p = {trim(text, s) for s in pred[r]}
            g.discard(None)
            c = counts[r]["exact"]
            c[0] += len(g & p)
            c[1] += len(p)
            c[2] += len(g)
            gn = {drop_that(text, x) for x in g}
            pn = {drop_that(text, x) for x in p}
            c = counts[r]["exactnt"]
            c[0] += len(gn & pn)
            c[1] += len(pn)
            c[2] += len(gn)
            gt, pt = tokens(text, g), tokens(text, p)
            c = counts[r]["tok"]
            c[0] += len(gt & pt)
            c[1] += len(pt)
            c[2] += len(gt)
    metrics: dict[str, float] = {}
    for r in ROLES:
        for kind in ("tok", "exact", "exactnt"):
            if kind == "exactnt" and r != "content":
                continue
            p, rec, f = f1(*counts[r][kind])
            metrics[f"statements_{r}_{kind}_p"] = round(p, 4)
            metrics[f"statements_{r}_{kind}_r"] = round(rec, 4)
            metrics[f"statements_{r}_{kind}_f1"] = round(f, 4)
    metrics["statements_docs"] = float(len(anns))
    metrics["statements_seconds"] = round(elapsed, 2)
    return metrics


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "polnear-dev").is_dir():
        print("shared/bench/polnear-dev absent: statements benchmark skipped")
        return 0
    m = run(shared)
    print(f"PolNeAR dev, {int(m['statements_docs'])} annotation files, {m['statements_seconds']} s")
    print(f"{'role':<8} {'measure':<14} {'P':>6} {'R':>6} {'F1':>6}")
    for r in ROLES:
        for kind, label in (("tok", "token-overlap"), ("exact", "exact-span")):
            print(f"{r:<8} {label:<14} {m[f'statements_{r}_{kind}_p']:>6.3f} "
                  f"{m[f'statements_{r}_{kind}_r']:>6.3f} {m[f'statements_{r}_{kind}_f1']:>6.3f}")
    print(f"{'content':<8} {'exact, no that':<14} {m['statements_content_exactnt_p']:>6.3f} "
          f"{m['statements_content_exactnt_r']:>6.3f} {m['statements_content_exactnt_f1']:>6.3f}")
    print("anchor: none published for a public tool on this set")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
