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

Development split: the annotation files, sorted by name, are cut into two fixed halves,
A (even positions: 0, 2, ...) and B (odd positions). Errors are studied on A only, and the
data-derived cue lemmas in ``data/speech_cues.tsv`` come from A only; B is the held-out
check. Token-overlap figures are printed for each half as well as the total. Two articles
are annotated six times each and have three files in each half, so B also gets a strict
figure ("B-only") over the files whose article has no file in A.

Direct quotes, against textacy in the same run: the gold attributions whose Content opens
with a quote mark (after an optional "that") form the direct-quote subset; newsdesk's
``kind == "direct"`` statements and textacy 0.13's ``extract.triples.direct_quotations``
(speaker, cue, content) on the same spaCy model are scored against that subset with the
token-overlap measure (``statements_direct_*`` and ``textacy_direct_*``). Skipped when
textacy is not installed.

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


OPEN_MARKS = "\"“‘'«„"


def read_direct(path: Path, text: str) -> dict[str, list[tuple[int, int]]]:
    """Gold spans per role of the attributions whose content is a direct quote."""
    tb: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            tb[parts[0]] = (kind.lower(), [tuple(map(int, x.split())) for x in offsets.split(";")])
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(x.split(":", 1) for x in parts[1].split() if ":" in x))
    spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
    for rel in rels:
        content = tb.get(rel.get("Content", ""))
        if not content:
            continue
        a, b = content[1][0]
        head = re.sub(r"^\s*(?:that\s+)?", "", text[a:b], flags=re.I)
        if not head[:1] or head[0] not in OPEN_MARKS:
            continue
        for role in ROLES:
            t = tb.get(rel.get(role.capitalize(), ""))
            if t:
                spans[role].extend(t[1])
    return spans


def textacy_direct(texts: dict[str, str]) -> dict[str, dict[str, list[tuple[int, int]]]] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    import spacy
    from newsdesk.enrich import nlp as nd_nlp
    model = spacy.load(nd_nlp.MODEL)
    def collect(doc, offset, spans):
        for q in direct_quotations(doc):
            spans["source"].extend((offset + t.idx, offset + t.idx + len(t)) for t in q.speaker)
            spans["cue"].extend((offset + t.idx, offset + t.idx + len(t)) for t in q.cue)
            spans["content"].append((offset + q.content.start_char, offset + q.content.end_char))

    out = {}
    for name, doc in zip(texts, model.pipe(texts.values())):
        spans: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        try:
            collect(doc, 0, spans)
        except ValueError:
            # textacy bails out on an odd number of quote marks in the document; give it
            # its best chance: paragraph by paragraph, skipping only the odd paragraphs
            spans = {r: [] for r in ROLES}
            paras = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", doc.text)]
            for (off, _), pdoc in zip(paras, model.pipe(p for _, p in paras)):
                try:
                    collect(pdoc, off, spans)
                except ValueError:
                    pass
        out[name] = spans
    return out


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
    done = list(enricher.enrich_many(arts))
    preds = {a.id: predicted(a) for a in done}
    elapsed = time.perf_counter() - t0
    direct_preds = {a.id: predicted(model.Article(id=a.id, text=a.text,
                                                  statements=[s for s in a.statements if s.kind == "direct"]))
                    for a in done}
    tx = textacy_direct(texts)
    dcounts = {sys_: {r: [0, 0, 0] for r in ROLES} for sys_ in ("statements", "textacy")}

    counts = {r: {"tok": [0, 0, 0], "exact": [0, 0, 0], "exactnt": [0, 0, 0]} for r in ROLES}
    # two fixed halves for honest development: annotation files sorted by name, even
    # positions (0, 2, ...) form half A (the one errors were studied on), odd positions
    # half B (held out); token-overlap counts per half
    halves = {h: {r: [0, 0, 0] for r in ROLES} for h in ("A", "B", "Bonly")}
    names_a = {re.sub(r"_[0-9a-f]{4}$", "", a.stem) for a in anns[0::2]}
    for idx, ann in enumerate(anns):
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem)
        text = texts[name]
        gold = read_ann(ann)
        pred = preds[name]
        hs = [halves["A"]] if idx % 2 == 0 else [halves["B"]] + ([halves["Bonly"]] if name not in names_a else [])
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
            for c in [counts[r]["tok"]] + [h[r] for h in hs]:
                c[0] += len(gt & pt)
                c[1] += len(pt)
                c[2] += len(gt)
        gold_d = read_direct(ann, text)
        for sys_, pr in (("statements", direct_preds[name]), ("textacy", tx[name] if tx else None)):
            if pr is None:
                continue
            for r in ROLES:
                gt = tokens(text, [trim(text, x) for x in gold_d[r]])
                pt = tokens(text, [trim(text, x) for x in pr[r]])
                c = dcounts[sys_][r]
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
    for sys_ in ("statements",) + (("textacy",) if tx else ()):
        for r in ROLES:
            p, rec, f = f1(*dcounts[sys_][r])
            metrics[f"{sys_}_direct_{r}_p"] = round(p, 4)
            metrics[f"{sys_}_direct_{r}_r"] = round(rec, 4)
            metrics[f"{sys_}_direct_{r}_f1"] = round(f, 4)
    for h, hc in halves.items():
        for r in ROLES:
            p, rec, f = f1(*hc[r])
            metrics[f"statements_half{h}_{r}_tok_p"] = round(p, 4)
            metrics[f"statements_half{h}_{r}_tok_r"] = round(rec, 4)
            metrics[f"statements_half{h}_{r}_tok_f1"] = round(f, 4)
    # the held-out figure the gate holds: B-only, the odd-position files of articles that
    # have no file among the studied ones (held out by document)
    for r in ROLES:
        metrics[f"statements_heldout_{r}_tok_f1"] = metrics[f"statements_halfBonly_{r}_tok_f1"]
    metrics["statements_halfA_docs"] = float(len(anns[0::2]))
    metrics["statements_halfB_docs"] = float(len(anns[1::2]))
    metrics["statements_halfBonly_docs"] = float(sum(
        1 for a in anns[1::2] if re.sub(r"_[0-9a-f]{4}$", "", a.stem) not in names_a))
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
    print(f"token-overlap by half (annotation files sorted by name; A = even positions, "
          f"studied, {int(m['statements_halfA_docs'])} files; B = odd positions, held out, "
          f"{int(m['statements_halfB_docs'])} files; B-only = B without the articles "
          f"that also have a file in A, {int(m['statements_halfBonly_docs'])} files):")
    print(f"{'role':<8} {'half':<14} {'P':>6} {'R':>6} {'F1':>6}")
    for r in ROLES:
        for h in ("A", "B", "Bonly"):
            print(f"{r:<8} {h.replace('Bonly', 'B-only'):<14} {m[f'statements_half{h}_{r}_tok_p']:>6.3f} "
                  f"{m[f'statements_half{h}_{r}_tok_r']:>6.3f} {m[f'statements_half{h}_{r}_tok_f1']:>6.3f}")
    print("direct quotes only (gold content opens with a quote mark), token-overlap:")
    for sys_ in ("statements", "textacy"):
        if f"{sys_}_direct_cue_f1" not in m:
            print(f"  {sys_}: not installed, skipped")
            continue
        for r in ROLES:
            print(f"{r:<8} {sys_:<14} {m[f'{sys_}_direct_{r}_p']:>6.3f} "
                  f"{m[f'{sys_}_direct_{r}_r']:>6.3f} {m[f'{sys_}_direct_{r}_f1']:>6.3f}")
    if "--json" in argv:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
