"""A small learned PLOVER event-type classifier for one sentence, beside the trigger patterns.

A multinomial logistic regression over hashed features of the sentence's parse, trained by
``scripts/train_event_classifier.py`` on the NGEC synthetic stories (training data only).
NumPy only: no extra dependency. The weights ship in ``data/event_classifier.npz`` (float16).

Features (``features(span)``): lemma unigrams with named entities folded to their label (the
synthetic stories fill in country names at random, so names must not carry the type); the
main predicate's lemma (below a speech verb: "said it would withdraw" -> "withdraw"), its
object nouns, its prepositional partners ("verb on X"), its complement verbs ("threatened to
strike") and its negation; every verb lemma of the sentence; and (version 3) PLOVER cues from
the trigger lexicon ``data/plover_triggers.tsv``: the types any verb or noun of the sentence
can trigger ("cv:ASSAULT" for "shelled"), those of the main predicate ("mc:") and those of its
object, complement or prepositional partner heads ("oc:": "launched an offensive"). The cues
let the model generalise past the verbs of its training stories: on unseen synthetic headline
templates they raised accuracy from 0.35 to 0.43 (grouped 5-fold: 0.44 to 0.50). (Tried and
dropped, no gain on unseen templates: lemma bigrams, verb character n-grams, 5-letter stems,
dependency triples, sentences past the lead, an ensemble of those models.) Version-2 weights
(no cues) are refused.

    from newsdesk.enrich.event_classifier import classify
    classify("Police arrested dozens of protesters.")   # [("COERCE", 0.81), ...]
    classify(doc[sent.start:sent.end])                 # a parsed span: no second parse

``enrich/events`` uses it to type a sentence whose patterns found nothing, when the classifier
is confident and the sentence's main verb has a named actor.
"""
from __future__ import annotations

import functools
import zlib

import numpy as np

DIM = 1 << 15
VERSION = 3
STOP = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "at", "by", "with", "from",
        "that", "this", "its", "their", "his", "her", "be", "have", "as", "it", "or", "which",
        "who", "say", "tell", "s", "'s", "do", "will", "would", "also", "they", "he", "she", "we"}
SPEECH = {"say", "tell", "announce", "report", "add", "claim", "state", "declare", "insist",
          "note", "confirm", "explain", "write"}
NAMES = {"PERSON", "NORP", "GPE", "LOC", "FAC", "ORG", "DATE", "TIME", "CARDINAL", "MONEY",
         "PERCENT", "QUANTITY", "ORDINAL", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "LANGUAGE"}


def _h(feat: str) -> int:
    return zlib.crc32(feat.encode("utf-8")) & (DIM - 1)


def word(tok) -> str:
    """A token as a feature word: its entity label, else its lower-cased lemma."""
    if tok.ent_type_ in NAMES:
        return "@" + tok.ent_type_
    if tok.like_num:
        return "0"
    return tok.lemma_.lower()


def main_predicate(span):
    """The sentence's main verb, under a speech verb when it reports a clause."""
    v = span.root
    for _ in range(3):
        if v.lemma_.lower() in SPEECH:
            comps = [c for c in v.children if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX")]
            if comps:
                v = comps[0]
                continue
        break
    return v


def feature_names(span) -> set[str]:
    toks = [t for t in span if not (t.is_punct or t.is_space)]
    words = [word(t) for t in toks]
    feats = {"u:" + w for w, t in zip(words, toks) if w not in STOP and not t.is_stop}
    feats |= {"av:" + t.lemma_.lower() for t in toks if t.pos_ == "VERB"}
    v = main_predicate(span)
    lv = v.lemma_.lower()
    feats.add("v:" + lv)
    for c in v.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr"):
            feats.add("vo:" + lv + "_" + word(c))
            feats.add("o:" + word(c))
            for m in c.children:
                if m.dep_ in ("compound", "amod"):
                    feats.add("om:" + word(m))
        elif c.dep_ == "prep":
            for p in c.children:
                if p.dep_ == "pobj":
                    feats.add("vp:" + lv + "_" + c.lower_ + "_" + word(p))
                    feats.add("p:" + c.lower_ + "_" + word(p))
        elif c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB":
            lx = c.lemma_.lower()
            feats.add("vx:" + lv + "_" + lx)
            feats.add("x:" + lx)
            for o in c.children:
                if o.dep_ == "dobj":
                    feats.add("xo:" + lx + "_" + word(o))
        elif c.dep_ in ("nsubj", "csubj"):
            feats.add("s:" + word(c))
        elif c.dep_ == "neg":
            feats.add("neg")
        elif c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll", "shall"):
            feats.add("future")
        elif c.dep_ == "prt":
            feats.add("vt:" + lv + "_" + c.lower_)
    feats |= cue_features(span, v)
    feats.add("bias")
    return feats


@functools.lru_cache(maxsize=1)
def _cue_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """lemma -> the PLOVER types the trigger lexicon lists it under (verbs, nouns)."""
    from .events import lexicon   # events imports this module: import late
    lex = lexicon()
    verbs = {k: tuple(sorted({t.type for t in v})) for k, v in lex.verbs.items()}
    nouns = {k: tuple(sorted({t.type for t in v})) for k, v in lex.nouns.items()}
    return verbs, nouns


def cue_features(span, v) -> set[str]:
    """PLOVER cues: the types the trigger lexicon gives the sentence's verbs and nouns ("cv:",
    "cn:"), its main predicate ("mc:") and the heads of its objects and partners ("oc:"),
    regardless of the lexicon's argument constraints."""
    vt, nt = _cue_tables()
    feats = set()
    for t in span:
        lem = t.lemma_.lower()
        if t.pos_ == "VERB" and lem in vt:
            feats |= {"cv:" + x for x in vt[lem]}
        elif t.pos_ in ("NOUN", "PROPN") and lem in nt:
            feats |= {"cn:" + x for x in nt[lem]}
    lv = v.lemma_.lower()
    feats |= {"mc:" + x for x in (vt.get(lv, ()) if v.pos_ == "VERB" else nt.get(lv, ()))}
    for c in v.children:
        if c.dep_ == "prep":
            heads = [p for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ in ("dobj", "nsubjpass", "attr", "xcomp", "ccomp"):
            heads = [c]
        else:
            continue
        for h in heads:
            hl = h.lemma_.lower()
            feats |= {"oc:" + x for x in nt.get(hl, ()) + (vt.get(hl, ()) if h.pos_ == "VERB" else ())}
    return feats


def features(span) -> np.ndarray:
    """Sorted unique hashed feature indices of a parsed span (a Doc or a sentence Span)."""
    return np.array(sorted({_h(f) for f in feature_names(span)}), dtype=np.int64)


@functools.lru_cache(maxsize=1)
def _parser():
    import spacy
    from .nlp import MODEL
    return spacy.load(MODEL)


@functools.lru_cache(maxsize=None)
def model():
    """(classes, weights [DIM x K] float32, bias [K]) or None when the weights are absent."""
    from .resolve import data_path
    path = data_path("event_classifier.npz")
    try:
        with path.open("rb") as fh:
            z = np.load(fh, allow_pickle=False)
            if "version" not in z.files or int(z["version"]) != VERSION:
                return None   # weights of another feature set
            classes = [str(c) for c in z["classes"]]
            return classes, z["W"].astype(np.float32), z["b"].astype(np.float32)
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return None


def classify(text_or_span) -> list[tuple[str, float]]:
    """PLOVER types with probabilities, best first; [] when no model ships. Takes a parsed
    span (no second parse) or a string (parsed here)."""
    m = model()
    if m is None:
        return []
    span = _parser()(text_or_span)[:] if isinstance(text_or_span, str) else text_or_span
    if not len(span):
        return []
    classes, W, b = m
    logits = W[features(span)].sum(axis=0) + b
    p = np.exp(logits - logits.max())
    p /= p.sum()
    order = np.argsort(-p)
    return [(classes[i], float(p[i])) for i in order]
