"""Event factuality: hand-written rules over the parse plus a learned multinomial classifier.

``rule`` reads negation, conditionals, plans, predictions and hedges around the trigger and
gives one of ``model.FACTUALITY``. ``factuality`` is what events use: a multinomial logistic
regression (NumPy) over features of the trigger's context (negation in scope up the head
chain, modal and future auxiliaries, conditional markers, hedges, report and plan verbs
governing the clause, tense and aspect) with the rule's decision as one feature group.
Its weights (src/newsdesk/data/factuality.json) are built by scripts/train_factuality.py and
loaded once per process; without them the rule's decision is returned.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from ..model import FACTUALITY

WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "factuality.json"


def lemma(tok) -> str:
    from .events import lemma as event_lemma   # events imports this module: resolve at call time
    return event_lemma(tok)


NEG_DETS = {"no", "neither", "nor"}
NEG_GOVERNORS = {"fail", "refuse", "decline", "cancel", "abandon", "avoid", "stop", "halt", "deny"}
IF_MARKS = {"if", "unless", "whether"}
HEDGES = {"reportedly", "allegedly", "possibly", "perhaps", "maybe", "apparently", "purportedly",
          "supposedly", "presumably", "seemingly", "probably"}
PREDICT_HEDGES = {"likely", "probably", "certainly", "surely", "expectedly"}
PREDICT_GOVERNORS = {"expect", "likely", "anticipate", "forecast", "predict", "poise", "bind",
                     "prepare", "ready", "unlikely", "project", "brace"}
PLAN_GOVERNORS = {"plan", "intend", "set", "schedule", "aim", "decide", "promise", "pledge",
                  "vow", "agree", "want", "seek", "go", "mean", "propose", "hope", "threaten",
                  "prepare", "consider", "order", "due", "plan", "intention", "decision",
                  "proposal", "scheme"}
REQUEST_GOVERNORS = {"urge", "ask", "call", "demand", "request", "appeal", "press", "encourage",
                     "invite", "implore", "beg", "want", "wish", "need"}
UNCERTAIN_GOVERNORS = {"say", "believe", "think", "rumor", "rumour", "report", "allege",
                       "appear", "seem", "suspect", "understand"}
CCOMP_GOVERNORS = {"expect", "anticipate", "forecast", "predict", "deny", "project"}
PLAN_NOUNS = {"plan", "intention", "decision", "proposal", "scheme", "pledge", "promise", "bid"}
INVERTED_IF = {"had", "should", "were"}
UNSURE_WORDS = {"unconfirmed", "unverified", "rumor", "rumour", "rumors", "rumours", "speculation"}
FUTURE_AUX = {"will", "shall", "would", "'ll", "wo"}
UNCERTAIN_AUX = {"may", "might", "could"}


def chain(tok, verb):
    """The trigger and the verbs governing it up to its clause (not past a speech cue)."""
    out = [tok]
    v = verb if verb is not None else tok
    if v.i != tok.i:
        out.append(v)
    for _ in range(6):
        if v.head.i == v.i:
            break
        if v.dep_ in ("xcomp",) or (v.dep_ in ("pobj", "pcomp") and v.head.dep_ == "prep"):
            v = v.head if v.dep_ == "xcomp" else v.head.head
            out.append(v)
            continue
        if v.dep_ in ("acomp",) and v.head.pos_ in ("AUX", "VERB"):
            v = v.head
            out.append(v)
            continue
        # "expect that X will ...", "denied that its soldiers had shelled ..."
        if v.dep_ == "ccomp" and lemma(v.head) in CCOMP_GOVERNORS:
            v = v.head
            out.append(v)
            continue
        # "announced plans to withdraw": the plan noun governs the event
        if v.dep_ in ("acl", "relcl") and v.dep_ == "acl" and lemma(v.head) in PLAN_NOUNS:
            v = v.head
            out.append(v)
            continue
        break
    return out

def rule(tok, verb) -> str:
    """The hand-written decision: one of model.FACTUALITY (also the model's strongest feature)."""
    ch = chain(tok, verb)
    kids = [c for t in ch for c in t.children]
    aux = {c.lower_ for c in kids if c.dep_ in ("aux", "auxpass")}
    advs = {c.lower_ for c in kids if c.dep_ == "advmod"}
    lemmas = {lemma(t) for t in ch[1:]}
    # hypothetical: inside an if-clause ("Had the army withdrawn ...", "if the troops do
    # not leave": a condition, negated or not, says nothing of what happened)
    def conditional(clause) -> bool:
        if any(c.dep_ == "mark" and c.lower_ in IF_MARKS for c in clause.children):
            return True
        first = clause.left_edge
        return (first.lower_ in INVERTED_IF and first.head.i == clause.i and first.dep_ in ("aux", "auxpass")
                and any(c.dep_ in ("nsubj", "nsubjpass") and c.i > first.i for c in clause.children))
    t = tok
    for _ in range(8):
        if t.dep_ in ("advcl", "ccomp") and conditional(t):
            return "hypothetical"
        if t.head.i == t.i:
            break
        t = t.head
    # negation: "did not", "have not been sent", "never", "no troops were sent",
    # "failed to reach an agreement"
    if any(c.dep_ == "neg" for c in kids) or advs & {"never"}:
        return "negated"
    if lemmas & NEG_GOVERNORS:
        return "negated"
    for t in ch:
        for arg in t.children:
            if arg.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
                    d.dep_ == "det" and d.lower_ in NEG_DETS for d in arg.children):
                return "negated"
    if any(c.dep_ == "det" and c.lower_ in NEG_DETS for c in tok.children):
        return "negated"
    # or a modal main clause with an if-clause ("..., Israel would strike")
    for t in ch:
        if any(c.dep_ == "advcl" and conditional(c) for c in t.children) and aux & (FUTURE_AUX | UNCERTAIN_AUX):
            return "hypothetical"
    # counterfactual: "could have arrested", "would have sent"
    if aux & {"would", "could", "might", "should"} and "have" in aux and tok.tag_ == "VBN" and not advs & HEDGES:
        if aux & {"would", "could"}:
            return "hypothetical"
    # predicted / planned / uncertain
    hedged_future = bool(aux & FUTURE_AUX) and bool(advs & PREDICT_HEDGES)
    governed_by = lambda words: bool(lemmas & words) or any(  # noqa: E731
        lemma(c) in words and c.dep_ == "acomp" for c in kids)
    if hedged_future or governed_by(PREDICT_GOVERNORS - {"prepare"}) or (
            "prepare" in lemmas and tok.pos_ == "NOUN"):
        return "predicted"
    if "prepare" in lemmas:
        return "predicted"
    if aux & UNCERTAIN_AUX or advs & HEDGES:
        return "uncertain"
    # "according to unconfirmed reports"
    for c in kids:
        if c.dep_ == "prep" and c.lower_ == "according" and any(
                w.lower_ in UNSURE_WORDS for w in c.subtree):
            return "uncertain"
    if any(lemma(t) in UNCERTAIN_GOVERNORS and t.tag_ == "VBN" and any(
            c.dep_ == "auxpass" for c in t.children) for t in ch[1:]):
        return "uncertain"
    if aux & FUTURE_AUX or governed_by(PLAN_GOVERNORS):
        return "planned"
    return "asserted"


# -- features ---------------------------------------------------------------------------
NEG_WORDS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without"}
AUX_FORMS = {"'ll": "will", "wo": "will", "'d": "would", "ca": "can", "sha": "shall"}
# classes of governing words: a class feature generalises where a single lemma is rare
GOVERNOR_CLASSES = {
    "neg": NEG_GOVERNORS, "predict": PREDICT_GOVERNORS, "plan": PLAN_GOVERNORS,
    "request": REQUEST_GOVERNORS, "report": UNCERTAIN_GOVERNORS, "plan_noun": PLAN_NOUNS,
}


def _aux(c) -> str:
    return AUX_FORMS.get(c.lower_, c.lower_)


def _classes(lem: str) -> list[str]:
    return [name for name, words in GOVERNOR_CLASSES.items() if lem in words]


def feature_names(tok, verb, decision: str | None = None) -> set[str]:
    """Named features of the trigger ``tok`` (anchored on ``verb`` when a noun's verb carries it)."""
    decision = decision or rule(tok, verb)
    ch = chain(tok, verb)
    f = {"bias", f"rule={decision}", f"pos={tok.pos_}"}
    kids = [c for t in ch for c in t.children]
    head = next((t for t in ch if t.pos_ in ("VERB", "AUX")), ch[-1])
    auxes = [c for c in kids if c.dep_ in ("aux", "auxpass")]
    for c in auxes:
        f.add(f"aux={_aux(c)}")
    if any(c.dep_ == "auxpass" for c in auxes):
        f.add("passive")
    aux_lemmas = {c.lemma_.lower() for c in auxes}
    if "have" in aux_lemmas:
        f.add("perfect")
    if "be" in aux_lemmas and head.tag_ == "VBG":
        f.add("progressive")
    f.add(f"tag={head.tag_}")
    f.add(f"trigger_tag={tok.tag_}")
    if auxes:
        f.add(f"first_aux_tag={min(auxes, key=lambda c: c.i).tag_}")
    for c in kids:
        if c.dep_ == "neg":
            f.add("neg")
        elif c.dep_ == "advmod":
            f.add(f"adv={c.lower_}")
        elif c.dep_ == "mark":
            f.add(f"mark={c.lower_}")
        elif c.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
                d.dep_ == "det" and d.lower_ in NEG_DETS for d in c.children):
            f.add("neg_det_arg")
    if any(c.dep_ == "det" and c.lower_ in NEG_DETS for c in tok.children):
        f.add("neg_det")
    for t in ch[1:]:
        lem = lemma(t)
        f.add(f"gov={lem}")
        f.update(f"gov_class={c}" for c in _classes(lem))
    # "going to" + verb
    if any(lemma(t) == "go" and t.tag_ == "VBG" for t in ch[1:]):
        f.add("going_to")
    # negation cue just before the trigger
    doc = tok.doc
    if any(doc[j].lower_ in NEG_WORDS for j in range(max(tok.i - 3, tok.sent.start), tok.i)):
        f.add("neg_window")
    # up the head chain past the clause: negated, conditional or reported governors
    t = ch[-1]
    for depth in range(1, 5):
        if t.head.i == t.i:
            break
        below, rel, t = t, t.dep_, t.head
        where = "near" if depth == 1 else "far"
        f.add(f"up_dep={rel}")
        for c in t.children:
            if c.dep_ == "neg":
                f.add(f"up_neg_{where}")
            elif c.dep_ in ("aux", "auxpass") and _aux(c) in FUTURE_AUX | UNCERTAIN_AUX | {"will", "would", "can", "should", "must"}:
                f.add(f"up_aux={_aux(c)}")
        if rel in ("advcl", "ccomp") and any(
                c.dep_ == "mark" and c.lower_ in IF_MARKS for c in below.children):
            f.add("in_condition")
        lem = lemma(t)
        f.update(f"up_class={c}" for c in _classes(lem))
        if t.pos_ == "VERB":
            f.add(f"up_lemma={lem}")
    sent_words = {w.lower_ for w in tok.sent}
    if sent_words & UNSURE_WORDS:
        f.add("unsure_word")
    if sent_words & {"if", "unless"}:
        f.add("if_in_sentence")
    return f


# -- model ------------------------------------------------------------------------------
@functools.cache
def weights() -> dict | None:
    """The shipped weights, read once per process (None when absent: the rule decides)."""
    if not WEIGHTS.exists():
        return None
    raw = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    index = {name: i for i, name in enumerate(raw["features"])}
    return {"classes": raw["classes"], "index": index, "W": np.array(raw["W"], dtype=float)}


def scores(names: set[str], w: dict) -> np.ndarray:
    idx = [w["index"][n] for n in names if n in w["index"]]
    return w["W"][idx].sum(axis=0)


def factuality(tok, verb) -> str:
    """The factuality of the event triggered at ``tok`` (one of model.FACTUALITY)."""
    decision = rule(tok, verb)
    w = weights()
    if w is None:
        return decision
    return w["classes"][int(np.argmax(scores(feature_names(tok, verb, decision), w)))]


def fit(rows: list[set[str]], labels: list[str], sample_weight=None, l2: float = 0.001,
        steps: int = 1500, lr: float = 1.0, min_count: int = 2, prune: float = 0.1) -> dict:
    """Multinomial logistic regression by full-batch gradient descent (deterministic).

    Features seen fewer than ``min_count`` times are dropped before the fit (bias and rule
    are always kept), and those whose weights all stay under ``prune`` after it: the
    shipped file stays a few kB."""
    counts: dict[str, int] = {}
    for r in rows:
        for n in r:
            counts[n] = counts.get(n, 0) + 1
    names = sorted(n for n, c in counts.items() if c >= min_count or n == "bias" or n.startswith("rule="))
    index = {n: i for i, n in enumerate(names)}
    classes = list(FACTUALITY)
    X = np.zeros((len(rows), len(names)))
    for i, r in enumerate(rows):
        for n in r:
            if n in index:
                X[i, index[n]] = 1.0
    Y = np.zeros((len(rows), len(classes)))
    for i, lab in enumerate(labels):
        Y[i, classes.index(lab)] = 1.0
    sw = np.ones(len(rows)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    sw = sw / sw.sum()
    W = np.zeros((len(names), len(classes)))
    for _ in range(steps):
        Z = X @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        grad = X.T @ ((P - Y) * sw[:, None]) + l2 * W
        W -= lr * grad
    keep = [i for i, n in enumerate(names) if n == "bias" or np.abs(W[i]).max() >= prune]
    return {"classes": classes, "features": [names[i] for i in keep],
            "W": np.round(W[keep], 2).tolist()}


def anchor_verb(tok):
    """The verb a gold mention hangs on when no event rule chose one: the trigger itself when
    verbal, else the verb a subject or object noun belongs to ("did not launch an attack")."""
    if tok.pos_ in ("VERB", "AUX"):
        return tok
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and tok.head.pos_ in ("VERB", "AUX"):
        return tok.head
    return None
