"""Enrichment step after events: how far to trust each event and statement.

Every ``Event`` and ``Statement`` gets ``confidence``, an estimate of the probability that the
record is right, from a logistic model over a few plain features of the record (how it was
found, whether it has a named actor, what the sentence classifier thinks of its type...).
The weights ship in ``data/confidence.json``:

- events: fitted by ``scripts/fit_confidence.py`` on the PLOVER gold records (CC BY-SA 4.0;
  "right" = the event's type is the gold type of its sentence);
- statements: typed by the developers (PolNeAR, the only attribution gold set at hand, has no
  licence allowing shipped weights); ``bench/calibration.py`` measures how well both hold on
  records no weight was chosen on and prints the reliability table.

Statements gain ``method`` too ("pattern": the cue lexicon and the dependency rules).
The component is ``newsdesk_confidence``; it only reads the records and the parse.
"""
from __future__ import annotations

import functools
import json
import logging
import math

import numpy as np
from spacy.language import Language

from ..model import Event, Statement

log = logging.getLogger(__name__)

EVENT_FEATURES = ("bias", "classifier", "not_first_in_sentence", "no_actor", "no_target",
                  "not_asserted", "noun_trigger", "attributed", "type_prob", "type_is_top")
STATEMENT_FEATURES = ("bias", "direct", "no_source", "pronoun_source", "say_or_tell",
                      "short_content")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that"}


def event_features(ev: Event, doc=None, earlier_in_sentence: bool = False,
                   probs: dict[str, float] | None = None) -> list[float]:
    """The feature vector of ``ev`` (see EVENT_FEATURES); ``probs``: the sentence classifier's
    probabilities by type for its sentence."""
    noun = False
    if doc is not None:
        span = doc.char_span(ev.start, ev.end, alignment_mode="expand")
        noun = bool(span is not None and len(span) and span.root.pos_ in ("NOUN", "PROPN"))
    probs = probs or {}
    top = max(probs, key=probs.get) if probs else None
    return [1.0, float(ev.method == "classifier"), float(earlier_in_sentence),
            float(not ev.actors), float(not ev.targets), float(ev.factuality != "asserted"),
            float(noun), float(ev.attributed_to is not None), float(probs.get(ev.type, 0.0)),
            float(top == ev.type)]


def statement_features(st: Statement) -> list[float]:
    """The feature vector of ``st`` (see STATEMENT_FEATURES)."""
    source = (st.source or "").strip().lower()
    cue = st.cue.strip().lower()
    return [1.0, float(st.kind == "direct"), float(not source), float(source in _PRONOUNS),
            float(cue.split()[0] in {"said", "says", "say", "told", "tells", "tell"} if cue else 0.0),
            float(len(st.content.split()) < 5)]


def logistic(x: list[float], weights: list[float]) -> float:
    z = sum(a * b for a, b in zip(x, weights))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fit_logistic(X, y, l2: float = 1.0, steps: int = 3000, lr: float = 0.5) -> list[float]:
    """L2-regularised logistic regression by gradient descent (the bias is not penalised);
    small enough for a few hundred records and a dozen features."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1])
    penalty = np.full(X.shape[1], l2)
    penalty[0] = 0.0
    n = max(1, len(y))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        grad = X.T @ (p - y) / n + penalty * w / n
        w -= lr * grad
    return [round(float(v), 4) for v in w]


@functools.lru_cache(maxsize=1)
def weights() -> dict[str, list[float]]:
    """{"events": [...], "statements": [...]} from data/confidence.json, in feature order."""
    from .resolve import data_path
    data = json.loads(data_path("confidence.json").read_text(encoding="utf-8"))
    out = {}
    for kind, names in (("events", EVENT_FEATURES), ("statements", STATEMENT_FEATURES)):
        table = data[kind]["weights"]
        out[kind] = [float(table.get(name, 0.0)) for name in names]
    return out


def sentence_probs(doc, ev: Event, cache: dict) -> dict[str, float]:
    """The sentence classifier's probabilities for the sentence of ``ev`` (cached per sentence)."""
    from .event_classifier import classify
    key = (ev.sentence_start, ev.sentence_end)
    if key not in cache:
        span = None
        if ev.sentence_start is not None and ev.sentence_end is not None:
            span = doc.char_span(ev.sentence_start, ev.sentence_end, alignment_mode="expand")
        if span is None:
            span = doc.char_span(ev.start, ev.end, alignment_mode="expand")
            span = span.sent if span is not None else None
        cache[key] = dict(classify(span)) if span is not None and span.text.strip() else {}
    return cache[key]


def score_doc(doc) -> None:
    """Set ``confidence`` (and statements' ``method``) on the records of a parsed doc."""
    w = weights()
    seen: set[tuple] = set()
    cache: dict = {}
    for ev in doc._.nd_events or []:
        key = (ev.sentence_start, ev.sentence_end)
        probs = sentence_probs(doc, ev, cache)
        x = event_features(ev, doc, earlier_in_sentence=key in seen, probs=probs)
        seen.add(key)
        ev.confidence = round(logistic(x, w["events"]), 3)
    for st in doc._.nd_statements or []:
        st.method = "pattern"
        st.confidence = round(logistic(statement_features(st), w["statements"]), 3)


@Language.component("newsdesk_confidence")
def confidence_component(doc):
    try:
        score_doc(doc)
    except Exception:  # a record without a score is still a record
        log.exception("confidence: failed on a document")
    return doc
