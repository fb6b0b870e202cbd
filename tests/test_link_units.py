"""Within-document first (link.incidents.units) and cluster-level joining
(link.incidents.best_incident) as the Linker uses them."""
import numpy as np
import pytest

from newsdesk.link.families import shingles, signature, text_hash
from newsdesk.link.incidents import (Mention, best_incident, features_to_many, join_chance, scorer,
                                     unit_scorer, units)
from newsdesk.link.inputs import EventInput, Inputs
from newsdesk.link.linker import Linker


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


BASE = unit(np.arange(1, 385) % 7 + 1.0)
OTHER = unit(np.where(np.arange(384) % 2, 1.0, -1.0) * (np.arange(384) % 5 + 1.0))
LEAD = unit(np.ones(384))


# each event in a sentence of its own: two reports of one happening in an article rarely
# share a sentence (the unit scorer weighs a shared sentence against coreference)
_SENT_WORDS = (("near", "the", "river", "early"), ("officials", "said", "on", "Monday"),
               ("witnesses", "told", "reporters", "later"))


def sentence_vec(vec, i) -> np.ndarray:
    shift = np.roll(OTHER, 7 * (i + 1)) * (0.6 if i % 2 else -0.6)
    return unit(vec + shift)


def mention(doc, lemma, vec, i=0, story="s"):
    return Mention(key=(doc, i), doc=doc, lemma=lemma, vec=vec, sent_vec=sentence_vec(vec, i),
                   doc_vec=LEAD, story=story)


def test_units_group_an_articles_own_account_and_keep_apart_what_differs():
    ms = [mention("a", "strike", BASE, 0), mention("a", "vote", OTHER, 1),
          mention("a", "strike", BASE, 2)]
    model = unit_scorer()
    assert model.doc_threshold is not None   # the shipped unit scorer has a within-document cut
    assert units(ms, model) == [[0, 2], [1]]
    assert units(ms, model, cut=1.01) == [[0], [1], [2]]   # nothing passes: each on its own
    assert units(ms[:1], model) == [[0]]


def test_join_chance_is_the_mean_over_every_pair():
    model = scorer()
    unit_ = [mention("b", "strike", BASE, 0), mention("b", "vote", OTHER, 1)]
    others = [mention("a", "strike", BASE, 0), mention("c", "strike", BASE, 0)]
    by_hand = np.mean([model.prob(features_to_many(m, others)) for m in unit_])
    assert join_chance(unit_, others, model) == pytest.approx(by_hand)
    # the unit that is the same happening joins; the one that is not starts an incident
    cands = [("i1", others), ("i2", [mention("c", "vote", OTHER, 1)])]
    assert best_incident(unit_[:1], cands, model) == "i1"
    assert best_incident([mention("b", "elect", unit(BASE + 3 * OTHER))], cands[:1], model) is None


def inputs(aid, events, vecs):
    text = f"text of {aid} " * 20
    evs = [EventInput(index=i, lemma=lem, args=[], time=None, place=None, type=None, start=0,
                      end=1, sentence_start=None, sentence_end=None, factuality="asserted",
                      source=None, numbers=[], sentence=i) for i, lem in enumerate(events)]
    return Inputs(id=aid, hash=text_hash(text), sig=signature(text), nshingles=len(shingles(text)),
                  keys=["arden"], title=aid, outlet=f"outlet {aid}", published=None, names=[],
                  places=[], first_words=text[:80], events=evs,
                  sentences=[[lem, *_SENT_WORDS[i % 3]] for i, lem in enumerate(events)],
                  spans=[[(0, 1)] for _ in events], lead=text, lead_vec=LEAD,
                  trigger_vecs=np.stack(vecs),
                  sent_vecs=np.stack([sentence_vec(v, i) for i, v in enumerate(vecs)]))


def test_the_linker_links_an_articles_events_as_units(monkeypatch):
    link = Linker(encoder=object())   # every vector is given: nothing may be encoded
    first = link.apply(inputs("a", ["strike", "vote", "strike"], [BASE, OTHER, BASE]))
    assert first.incidents[0] == first.incidents[2] != first.incidents[1]
    second = link.apply(inputs("b", ["strike"], [BASE]))
    assert second.incidents == [first.incidents[0]]
    assert [m.doc for m in link.incidents[first.incidents[0]].mentions] == ["a", "a", "b"]
    # without the within-document step an article's events never share an incident
    monkeypatch.setattr(unit_scorer(), "doc_threshold", None)
    alone = Linker(encoder=object()).apply(inputs("a", ["strike", "vote", "strike"],
                                                  [BASE, OTHER, BASE]))
    assert len(set(alone.incidents)) == 3


class NoModel:
    """An encoder that must not run: the within-document step reads the static table."""

    family = "float"

    def encode_words(self, *a, **k):
        raise AssertionError("the model ran for an article with nothing to compare")

    encode = encode_words


def test_an_articles_own_events_are_grouped_without_the_model():
    x = inputs("a", ["strike", "vote", "strike"], [BASE, OTHER, BASE])
    x.trigger_vecs = x.sent_vecs = None          # never embedded
    link = Linker(encoder=NoModel())
    first = link.apply(x)
    assert first.incidents[0] == first.incidents[2] != first.incidents[1]
    assert not x.embedded and link.embedded == set()
    # the next article's event has those incidents to compare with: both are embedded then
    calls = []

    class Counting(NoModel):
        def encode_words(self, sentences, spans, window=None):
            calls.append(len(sentences))
            return (np.stack([BASE] * len(sentences)), [np.stack([BASE] * len(s)) for s in spans])

    link._enc = Counting()
    y = inputs("b", ["strike"], [BASE])
    y.trigger_vecs = y.sent_vecs = None
    second = link.apply(y)
    assert calls and second.incidents == [first.incidents[0]] and x.embedded
