"""A small learned PLOVER event-type classifier for one sentence, beside the trigger patterns.

A multinomial logistic regression over hashed bag-of-words features (lower-cased word
unigrams and bigrams, numbers folded to "0"), trained by ``scripts/train_event_classifier.py``
on the NGEC synthetic stories (training data only). NumPy only: no extra dependency.
The weights ship in ``data/event_classifier.npz`` (float16, about 1 MB).

    from newsdesk.enrich.event_classifier import classify
    classify("Police arrested dozens of protesters.")   # [("COERCE", 0.81), ...]

``events.py`` uses it to type a sentence whose patterns found nothing, when the classifier
is confident and the sentence's main verb has a named actor.
"""
from __future__ import annotations

import functools
import re
import zlib

import numpy as np

DIM = 1 << 15
TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
STOP = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "at", "by", "with", "from",
        "that", "this", "its", "their", "his", "her", "was", "were", "is", "are", "be", "been",
        "has", "have", "had", "as", "it", "or", "which", "who", "said", "says", "told", "s"}


def tokens(text: str) -> list[str]:
    return ["0" if t.isdigit() else t for t in TOKEN.findall(text.lower().replace("’", "'"))]


def _h(feat: str) -> int:
    return zlib.crc32(feat.encode("utf-8")) & (DIM - 1)


def features(text: str) -> np.ndarray:
    """Sorted unique hashed feature indices of a text (binary bag of words and bigrams)."""
    toks = tokens(text)
    feats = {"u:" + t for t in toks if t not in STOP}
    feats |= {"b:" + a + "_" + b for a, b in zip(toks, toks[1:])}
    feats.add("bias")
    return np.array(sorted({_h(f) for f in feats}), dtype=np.int64)


@functools.lru_cache(maxsize=None)
def model():
    """(classes, weights [DIM x K] float32, bias [K]) or None when the weights are absent."""
    from .resolve import data_path
    path = data_path("event_classifier.npz")
    try:
        with path.open("rb") as fh:
            z = np.load(fh, allow_pickle=False)
            classes = [str(c) for c in z["classes"]]
            return classes, z["W"].astype(np.float32), z["b"].astype(np.float32)
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return None


def classify(text: str) -> list[tuple[str, float]]:
    """PLOVER types with probabilities, best first; [] when no model ships."""
    m = model()
    if m is None:
        return []
    classes, W, b = m
    logits = W[features(text)].sum(axis=0) + b
    p = np.exp(logits - logits.max())
    p /= p.sum()
    order = np.argsort(-p)
    return [(classes[i], float(p[i])) for i in order]
