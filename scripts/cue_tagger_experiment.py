"""EXPERIMENT (nothing shipped): can a small learned cue tagger add recall to the rules?

Trains a token-level cue detector on PolNeAR dev half A and scores it on half B, with the
halves and the token-overlap cue metric of ``bench/statements.py`` (its functions are
imported, the file is not changed): annotation files sorted by name, A = even positions,
B = odd positions; cue P/R/F1 are micro-averaged over the ``\\w+`` tokens covered by
predicted and by gold cue spans.

Unit: each ``\\w+`` token of the text (the metric's unit), described by the spaCy token that
holds it: word, lemma, POS, tag, dependency, head and its lemma/dependency, the children's
dependencies (ccomp, xcomp, nsubj, ...), neighbours at +-2, whether it sits inside a quote,
the cue lexicon's class for it and its head, and what newsdesk's rule system already says
(token inside a rule cue / source / content span; head or neighbour a rule cue). Model:
scikit-learn LogisticRegression over one-hot features (DictVectorizer). Predicted tokens
form the cue spans (for a token-overlap metric the token set is all that counts).

Two systems are scored on B, next to the rules alone:
  * learned alone: tokens whose probability reaches threshold t_alone;
  * combined: the rules' cue tokens plus learned tokens whose probability reaches t_comb.
Every choice (regularisation C, feature set, both thresholds) is made by grouped 5-fold
cross-validation inside half A (folds by article, so the re-annotated articles never sit on
both sides of a fold). Half B is touched once, at the end, for the chosen configuration;
only aggregate B figures are printed. Because two articles are annotated in both halves,
B is also reported as "B-only" (files whose article has no file in A: the model has never
seen those texts).

The rules were themselves developed on A (errors studied there, data-derived cue lemmas
from A), so the rule features look somewhat better on A than they will on B; the model may
trust them a little too much. That bias works against the learned part, not for it.

Outcome of the one B run (2026-11-25; chosen in A: C=0.03, all features, t=0.25 for both):
cue token-overlap on B, P/R/F1 -- rules alone 0.780/0.513/0.619 (bench/statements.py's
figure), learned alone 0.751/0.560/0.641, rules + learned 0.742/0.561/0.639. About +0.02
F1, bought with precision; the learned part mostly re-learns the rules, and the missed cues
are a long tail of one-off predicates that 43 training articles cannot teach.

Needs scikit-learn (not a newsdesk dependency; textacy, the bench's baseline, brings it).

    .venv/bin/python scripts/cue_tagger_experiment.py            # A cross-validation, then B
    .venv/bin/python scripts/cue_tagger_experiment.py --a-only   # A cross-validation only
    .venv/bin/python scripts/cue_tagger_experiment.py --curve    # also a learning curve in A

Needs shared/bench/polnear-dev (found as bench/statements.py finds it: $NEWSDESK_SHARED or
../shared); without it the script prints a message and exits 0.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_spec = importlib.util.spec_from_file_location("bench_statements", ROOT / "bench" / "statements.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

WORD = re.compile(r"\w+")
QUOTE_CHARS = set("\"“”‘’«»'")
CS = (0.01, 0.03, 0.1, 0.3, 1.0)
NO_RULES = ("r.", "h.rcue", "sub.rcue", "rcue")  # feature prefixes that read the rule output
FOLDS = 5


def article_name(ann: Path) -> str:
    return re.sub(r"_[0-9a-f]{4}$", "", ann.stem)


# -- features ------------------------------------------------------------------------------
def doc_rows(doc):
    """Per \\w+ token of doc.text: (start offset, feature dict, rule-cue flag)."""
    from newsdesk.enrich.statements import cue_lemma, cue_lexicon, find_quotes

    text = doc.text
    lex = cue_lexicon()
    pred = bench.predicted(SimpleNamespace(statements=doc._.nd_statements or []))
    rule = {r: bench.tokens(text, [bench.trim(text, s) for s in pred[r]]) for r in bench.ROLES}
    quotes = find_quotes(text)
    in_quote = [False] * (len(text) + 1)
    for a, b in quotes:
        for i in range(a, b):
            in_quote[i] = True
    tok_at = [None] * (len(text) + 1)
    for t in doc:
        for i in range(t.idx, t.idx + len(t)):
            tok_at[i] = t.i
    # per spaCy token: is it a rule cue (any of its characters' word tokens)
    rule_cue_tok = set()
    for s in rule["cue"]:
        if tok_at[s] is not None:
            rule_cue_tok.add(tok_at[s])

    def lem(t):
        return cue_lemma(t)

    def cls(t):
        return lex.get(cue_lemma(t), "-")

    rows = []
    for m in WORD.finditer(text):
        s = m.start()
        ti = tok_at[s]
        if ti is None:
            continue
        t = doc[ti]
        h = t.head
        f = {
            "w=" + t.lower_: 1, "l=" + lem(t): 1, "pos=" + t.pos_: 1, "tag=" + t.tag_: 1,
            "dep=" + t.dep_: 1, "cls=" + cls(t): 1,
            "h.l=" + lem(h): 1, "h.pos=" + h.pos_: 1, "h.dep=" + h.dep_: 1, "h.cls=" + cls(h): 1,
            "dep|h.l=" + t.dep_ + "|" + lem(h): 1, "dep|h.cls=" + t.dep_ + "|" + cls(h): 1,
            "l|dep=" + lem(t) + "|" + t.dep_: 1, "cls|pos=" + cls(t) + "|" + t.pos_: 1,
            "root": int(h is t), "title": int(t.is_title),
            "quote": int(in_quote[s]),
            "r.cue": int(s in rule["cue"]), "r.src": int(s in rule["source"]),
            "r.con": int(s in rule["content"]),
            "r.cue|pos=" + str(int(s in rule["cue"])) + t.pos_: 1,
            "h.rcue": int(h.i in rule_cue_tok and h is not t),
            "h.rcue|dep=" + t.dep_: int(h.i in rule_cue_tok and h is not t),
            "sub.rcue": int(any(c.i in rule_cue_tok for c in t.children)),
        }
        deps = Counter(c.dep_ for c in t.children)
        for d in deps:
            f["cd=" + d] = 1
            f["cd|cls=" + d + "|" + cls(t)] = 1
        for d in ("ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "agent", "advcl", "prep", "aux"):
            if d in deps:
                f["cd|pos=" + d + "|" + t.pos_] = 1
        if any(c.dep_ in ("ccomp", "xcomp", "parataxis") and any(x.text in QUOTE_CHARS for x in c.subtree)
               for c in t.children):
            f["comp_has_quote"] = 1
        if any(c.dep_ == "punct" and c.text in QUOTE_CHARS for c in t.children):
            f["quote_child"] = 1
        # nearest ancestors: a lexicon cue two levels up, the head's head
        hh = h.head
        f["hh.l=" + lem(hh)] = 1
        f["hh.cls=" + cls(hh)] = 1
        for k in (-2, -1, 1, 2):
            j = t.i + k
            if 0 <= j < len(doc):
                n = doc[j]
                f[f"l{k}=" + lem(n)] = 1
                f[f"pos{k}=" + n.pos_] = 1
                f[f"cls{k}=" + cls(n)] = 1
                f[f"rcue{k}"] = int(j in rule_cue_tok)
            else:
                f[f"l{k}=<edge>"] = 1
        rows.append((s, f, s in rule["cue"]))
    return rows


# -- scoring -------------------------------------------------------------------------------
def score(files, probs, thr, with_rules):
    """Micro token-overlap cue P/R/F1 over files; probs[i] aligned with files[i]['rows']."""
    tp = n_pred = n_gold = 0
    for f, pr in zip(files, probs):
        pred = {s for (s, _, _), p in zip(f["rows"], pr) if thr is not None and p >= thr}
        if with_rules:
            pred |= f["rule_cue"]
        gold = f["gold"]
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    return bench.f1(tp, n_pred, n_gold)


def best_threshold(files, probs, with_rules):
    grid = [round(x * 0.025, 3) for x in range(4, 39)]
    return max(((score(files, probs, t, with_rules)[2], t) for t in grid))[::-1]


# -- model ---------------------------------------------------------------------------------
def fit(files, C, drop=()):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y = [], []
    for f in files:
        for s, feats, _ in f["rows"]:
            X.append(_drop(feats, drop))
            y.append(int(s in f["gold"]))
    vec = DictVectorizer()
    clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=0)
    clf.fit(_int32(vec.fit_transform(X)), y)
    return vec, clf


def _int32(X):
    """liblinear takes 32-bit sparse indices only."""
    X = X.tocsr()
    X.indices = X.indices.astype("int32")
    X.indptr = X.indptr.astype("int32")
    return X


def _drop(feats, drop):
    if not drop:
        return feats
    return {k: v for k, v in feats.items() if not k.startswith(drop)}


def predict(model, files, drop=()):
    vec, clf = model
    out = []
    for f in files:
        if not f["rows"]:
            out.append([])
            continue
        X = _int32(vec.transform([_drop(feats, drop) for _, feats, _ in f["rows"]]))
        out.append(list(clf.predict_proba(X)[:, 1]))
    return out


def cross_val(files, C, drop=()):
    """Out-of-fold probabilities on half A, folds grouped by article."""
    names = sorted({f["name"] for f in files})
    fold_of = {n: i % FOLDS for i, n in enumerate(names)}
    probs = [None] * len(files)
    for k in range(FOLDS):
        train = [f for f in files if fold_of[f["name"]] != k]
        test_idx = [i for i, f in enumerate(files) if fold_of[f["name"]] == k]
        model = fit(train, C, drop)
        for i, p in zip(test_idx, predict(model, [files[i] for i in test_idx], drop)):
            probs[i] = p
    return probs


def learning_curve(files, C):
    """Within-A cross-validated F1 when each fold trains on a fraction of its articles."""
    import random

    names = sorted({f["name"] for f in files})
    fold_of = {n: i % FOLDS for i, n in enumerate(names)}
    print("learning curve inside A (same folds; each fold trains on a share of its training articles):")
    for drop, label in (((), "all features"), (NO_RULES, "no rule features")):
        for frac in (0.25, 0.5, 1.0):
            probs = [None] * len(files)
            n_train = 0
            for k in range(FOLDS):
                train = sorted({f["name"] for f in files if fold_of[f["name"]] != k})
                random.Random(k).shuffle(train)
                keep = set(train[:max(1, int(len(train) * frac))])
                n_train += len(keep)
                model = fit([f for f in files if f["name"] in keep], C, drop)
                test_idx = [i for i, f in enumerate(files) if fold_of[f["name"]] == k]
                for i, p in zip(test_idx, predict(model, [files[i] for i in test_idx], drop)):
                    probs[i] = p
            t, f_alone = best_threshold(files, probs, False)
            p, r, _ = score(files, probs, t, False)
            print(f"  {label:<17} ~{n_train / FOLDS:>4.0f} training articles: learned alone "
                  f"t={t:.3f} P {p:.3f} R {r:.3f} F1 {f_alone:.3f}")


# -- main ----------------------------------------------------------------------------------
def main() -> int:
    shared = bench.shared_dir()
    if shared is None or not (shared / "bench" / "polnear-dev").is_dir():
        print("shared/bench/polnear-dev absent: cue tagger experiment skipped")
        return 0
    from newsdesk.enrich.nlp import load_nlp

    t0 = time.perf_counter()
    base = shared / "bench" / "polnear-dev"
    anns = sorted((base / "attributions").glob("*.ann"))
    half_a, half_b = anns[0::2], anns[1::2]
    nlp = load_nlp(("entities", "statements"))
    cache: dict[str, tuple[str, list]] = {}

    def load(ann_list):
        """Parse each article once (cached); one record per annotation file."""
        todo = []
        for ann in ann_list:
            name = article_name(ann)
            if name not in cache and name not in todo:
                todo.append(name)
        texts = [(base / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in todo]
        for name, text, doc in zip(todo, texts, nlp.pipe(nlp.make_doc(t) for t in texts)):
            rows = doc_rows(doc)
            cache[name] = (text, rows)
        out = []
        for ann in ann_list:
            name = article_name(ann)
            text, rows = cache[name]
            gold = bench.read_ann(ann)
            out.append({
                "name": name, "rows": rows,
                "gold": bench.tokens(text, [bench.trim(text, s) for s in gold["cue"]]),
                "rule_cue": {s for s, _, r in rows if r},
            })
        return out

    # ---- half A only: choose C, feature set and thresholds by grouped cross-validation
    A = load(half_a)
    print(f"half A: {len(A)} annotation files, {len({f['name'] for f in A})} articles, "
          f"{sum(len(f['gold']) for f in A)} gold cue tokens; parsed in {time.perf_counter() - t0:.0f} s")
    none = [[0.0] * len(f["rows"]) for f in A]
    print("within-A cross-validation (5 folds grouped by article), cue token-overlap:")
    print(f"  rules alone on A{'':<31} P {score(A, none, None, True)[0]:.3f} "
          f"R {score(A, none, None, True)[1]:.3f} F1 {score(A, none, None, True)[2]:.3f}")
    configs = [(C, ()) for C in CS] + [(None, NO_RULES)]
    results = []
    for C, drop in configs:
        if C is None:  # the no-rule-features variant at the best C so far
            C = max(results, key=lambda r: r["f_comb"])["C"]
        probs = cross_val(A, C, drop)
        t_alone, f_alone = best_threshold(A, probs, False)
        t_comb, f_comb = best_threshold(A, probs, True)
        pa, ra, _ = score(A, probs, t_alone, False)
        pc, rc, _ = score(A, probs, t_comb, True)
        label = f"C={C}" + (" no rule features" if drop else "")
        print(f"  {label:<22} learned alone  t={t_alone:.3f} P {pa:.3f} R {ra:.3f} F1 {f_alone:.3f}"
              f" | combined t={t_comb:.3f} P {pc:.3f} R {rc:.3f} F1 {f_comb:.3f}")
        results.append({"C": C, "drop": drop, "t_alone": t_alone, "f_alone": f_alone,
                        "t_comb": t_comb, "f_comb": f_comb})
    # one configuration for the B run: the best combined F1 within A (ties: the smaller C)
    best = max(results, key=lambda r: (round(r["f_comb"], 4), -r["C"]))
    print(f"chosen in A: C={best['C']}, {'no rule features' if best['drop'] else 'all features'}, "
          f"t_alone={best['t_alone']}, t_comb={best['t_comb']}")

    if "--curve" in sys.argv:
        learning_curve(A, best["C"])
    if "--a-only" in sys.argv:
        print("--a-only: half B not loaded")
        return 0

    # ---- half B, once: train on all of A with the chosen settings, score
    model = fit(A, best["C"], best["drop"])
    B = load(half_b)
    names_a = {f["name"] for f in A}
    probs_b = predict(model, B, best["drop"])
    b_only = [i for i, f in enumerate(B) if f["name"] not in names_a]
    print(f"\nhalf B (held out): {len(B)} annotation files; B-only: {len(b_only)} files "
          f"whose article has no file in A")
    print(f"{'system':<34} {'P':>6} {'R':>6} {'F1':>6}   {'B-only P':>8} {'R':>6} {'F1':>6}")
    Bo = [B[i] for i in b_only]
    po = [probs_b[i] for i in b_only]
    zero = [[0.0] * len(f["rows"]) for f in B]
    zero_o = [zero[i] for i in b_only]
    for label, pr, pro, thr, rules in (
            ("rules alone", zero, zero_o, None, True),
            (f"learned alone (t={best['t_alone']})", probs_b, po, best["t_alone"], False),
            (f"rules + learned (t={best['t_comb']})", probs_b, po, best["t_comb"], True)):
        p, r, f = score(B, pr, thr, rules)
        p2, r2, f2 = score(Bo, pro, thr, rules)
        print(f"{label:<34} {p:>6.3f} {r:>6.3f} {f:>6.3f}   {p2:>8.3f} {r2:>6.3f} {f2:>6.3f}")
    print(f"\n{time.perf_counter() - t0:.0f} s. Experiment only: nothing is written or shipped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
