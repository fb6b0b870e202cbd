"""The event factuality classifier (enrich/factuality.py) and its training script."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from newsdesk import model
from newsdesk.enrich import factuality as fm

ROOT = Path(__file__).resolve().parents[1]

# sentences written for this test, not in any training or bench file
CASES = [
    ("Border guards shot two smugglers near the river crossing.", "shot", "asserted"),
    ("Demonstrators burned tyres outside the governor's office.", "burned", "asserted"),
    ("The coastguard did not arrest the fishermen.", "arrest", "negated"),
    ("Investigators have never arrested the former minister.", "arrested", "negated"),
    ("The mayor will meet the striking bus drivers on Tuesday.", "meet", "planned"),
    ("Kenya plans to deploy police officers to the coast.", "deploy", "planned"),
    ("Analysts expect the junta to expel the French ambassador.", "expel", "predicted"),
    ("Rebels are likely to attack the airport after Friday prayers.", "attack", "predicted"),
    ("If the ceasefire collapses, the militia will shell the airport.", "shell", "hypothetical"),
    ("Police would arrest the strike leaders if the walkout spread.", "arrest", "hypothetical"),
    ("Paramilitaries reportedly abducted a local journalist.", "abducted", "uncertain"),
    ("The navy may have attacked a smuggling vessel.", "attacked", "uncertain"),
]


def enrich(enricher, text: str) -> model.Article:
    return enricher(model.Article(id="t", text=text, published="2024-03-10", outlet="Test Outlet"))


@pytest.mark.parametrize("text,trigger,gold", CASES)
def test_classifier_reads_each_class(enricher, text, trigger, gold):
    art = enrich(enricher, text)
    evs = [e for e in art.events if trigger in e.trigger]
    assert evs, f"no event on {trigger!r}: {art.events}"
    assert evs[0].factuality == gold, evs


def test_weights_ship_and_load_once():
    assert fm.WEIGHTS.exists() and fm.WEIGHTS.stat().st_size < 20_000
    fm.weights.cache_clear()
    first = fm.weights()
    assert first is fm.weights()          # one parse per process
    assert fm.weights.cache_info().misses == 1
    assert first["classes"] == list(model.FACTUALITY)
    assert first["W"].shape == (len(first["index"]), len(model.FACTUALITY))


def _trainer():
    spec = importlib.util.spec_from_file_location("train_factuality", ROOT / "scripts" / "train_factuality.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_training_is_reproducible_on_a_tiny_set(enricher):
    tiny = [(t, "ASSAULT", g) for t, _, g in CASES]
    tr = _trainer()
    a = tr.build(tiny, shared=None)
    b = tr.build(tiny, shared=None)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert a["classes"] == list(model.FACTUALITY) and "bias" in a["features"]
    assert any(f.startswith("rule=") for f in a["features"])


def test_fit_learns_a_separable_toy_problem():
    rows = [{"bias", "neg"}] * 5 + [{"bias", "aux=will"}] * 5 + [{"bias"}] * 5
    labels = ["negated"] * 5 + ["planned"] * 5 + ["asserted"] * 5
    w = fm.fit(rows, labels, min_count=1)
    index = {n: i for i, n in enumerate(w["features"])}
    weights = {"classes": w["classes"], "index": index, "W": np.array(w["W"])}
    for r, lab in zip(rows, labels):
        assert w["classes"][int(fm.scores(r, weights).argmax())] == lab
