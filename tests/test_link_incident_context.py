"""The incident scorer's time, place and type inputs: which values count, and how the ECB+
bench gives its gold mentions the ones the pipeline's events carry."""
import importlib.util
import sys
from pathlib import Path

import numpy as np

from newsdesk.link.incidents import Mention, pair_features, FEATURES

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(name):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"nd_{name}", BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod     # dataclasses look their module up while built
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(BENCH))


def _m(time=None, place=None, type=None):
    v = np.ones(4, dtype=np.float32) / 2
    return Mention(key=object(), doc="d", lemma="strike", vec=v, sent_vec=v, time=time,
                   place=place, type=type)


def _feature(a, b, name):
    return float(pair_features(a, b)[FEATURES.index(name)])


def test_calendar_times_agree_when_one_contains_the_other():
    assert _feature(_m("2024-05-03"), _m("2024-05"), "time_agree") == 1.0
    assert _feature(_m("2024-05-03"), _m("2024-05-04"), "time_agree") == -1.0


def test_vague_or_unanchored_times_say_nothing():
    # "now" and a weekday with no date to anchor it cannot tell two days apart
    for vague in ("PRESENT_REF", "XXXX-WXX-4", "XXXX-XX-XXTNI"):
        assert _feature(_m(vague), _m("2024-05-03"), "time_agree") == 0.0
        assert _feature(_m(vague), _m(vague), "time_agree") == 0.0
    assert _feature(_m(None), _m("2024-05-03"), "time_agree") == 0.0


def test_place_and_type_agreement():
    assert _feature(_m(place="kharkiv"), _m(place="kharkiv"), "place_agree") == 1.0
    assert _feature(_m(place="kharkiv"), _m(place="odesa"), "place_agree") == -1.0
    assert _feature(_m(type="ASSAULT"), _m(type="PROTEST"), "type_agree") == -1.0
    assert _feature(_m(type="ASSAULT"), _m(), "type_agree") == 0.0


def _doc(sentences, mentions):
    ecb = _bench("ecbplus_data")
    d = ecb.Doc(name="1_1ecb", topic=1, subtopic="1_ecb", sentences=dict(enumerate(sentences)))
    for i, (s, start, end) in enumerate(mentions):
        d.mentions.append(ecb.Mention(doc=d.name, m_id=str(i), sentence=s, start=start, end=end,
                                      words=sentences[s][start:end], kind="ACTION_OCCURRENCE",
                                      gold=str(i)))
    return d


def test_detokenised_text_keeps_each_words_span():
    feats = _bench("linking_features")
    words = ["Posted", "May", "2", ",", "2013", "(", "AP", ")"]
    d = _doc([words, ["He", "did", "n't", "go", "."]], [])
    text, spans = feats._detok(d)
    assert text.split("\n")[0] == "Posted May 2, 2013 (AP)"
    for k, ws in d.sentences.items():
        assert [text[s:e] for s, e in spans[k]] == ws


def test_gold_mentions_get_the_place_and_date_the_pipeline_reads():
    feats = _bench("linking_features")
    d = _doc([["Posted", "May", "2", ",", "2013"],
              ["Police", "arrested", "a", "man", "in", "Paris", "on", "Tuesday", "."],
              ["The", "weather", "was", "fine", "."]],
             [(1, 1, 2), (2, 2, 3)])
    ctx = feats.context([d])
    time, place = ctx[(d.name, "0")][:2]
    assert place == "paris"
    # the header's date anchors "Tuesday": the Tuesday before Thursday 2 May 2013
    assert time == "2013-04-30"
    assert ctx[(d.name, "1")][:2] == (None, None)


def test_gold_mentions_get_who_did_it_and_to_whom():
    feats = _bench("linking_features")
    d = _doc([["Posted", "May", "2", ",", "2013"],
              ["Lindsay", "Lohan", "checked", "into", "the", "Betty", "Ford", "Center", "on",
               "Thursday", ",", "her", "lawyer", "Mark", "Heller", "said", "."]],
             [(1, 2, 3)])
    args = feats.context([d])[(d.name, "0")][3]
    # the one who checked in and where: not the lawyer the sentence also names
    assert "lindsay lohan" in args and "betty ford center" in args
    assert "mark heller" not in args
