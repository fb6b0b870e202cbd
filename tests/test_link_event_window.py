"""Event sentences are read in a window of word pieces around their triggers
(embed.EVENT_WINDOW): a long sentence is cut, a short one read whole, and vectors kept from
whole sentences (another family) are computed again, never compared with windowed ones."""
import json

import numpy as np

from newsdesk.link import embed
from newsdesk.link.embed import _window

LONG = ("After three days of talks in the capital , the two parties finally signed the "
        "agreement that ends the strike at the port , which had stopped most exports since "
        "the spring and cost the region an estimated two billion in lost trade").split()


def test_window_keeps_the_pieces_around_the_triggers_between_cls_and_sep():
    ids = [101] + list(range(1000, 1030)) + [102]
    words = [None] + list(range(30)) + [None]
    x, w = _window(ids, words, [(10, 11), (14, 15)], 3)
    assert x == [101] + list(range(1007, 1018)) + [102]     # 3 before word 10, 3 after 14
    assert w == [None] + list(range(7, 18)) + [None]
    assert _window(ids, words, [(1, 2)], 3)[0] == [101] + list(range(1000, 1005)) + [102]
    assert _window(ids, words, [(10, 11)], None) == (ids, words)
    assert _window(ids, words, [(0, 0)], 3) == (ids, words)  # no piece: the whole sentence


def test_a_long_sentence_is_read_in_its_window_a_short_one_whole():
    enc = embed.encoder()
    short = "Rebels seized the town on Monday .".split()
    spans = [[(12, 13)], [(1, 2)]]
    sv, tv = enc.encode_words([LONG, short], spans)
    sv0, tv0 = enc.encode_words([LONG, short], spans, window=None)
    assert embed.EVENT_WINDOW is not None and len(LONG) > 2 * embed.EVENT_WINDOW + 1
    assert not np.allclose(sv[0], sv0[0], atol=1e-3) and not np.allclose(tv[0], tv0[0], atol=1e-3)
    assert np.array_equal(sv[1], sv0[1]) and np.array_equal(tv[1], tv0[1])
    assert (sv[0] @ sv0[0]) > 0.5 and (tv[0][0] @ tv0[0][0]) > 0.5   # the same sentence still


def test_whole_sentence_vectors_kept_before_are_computed_again():
    from newsdesk.link.inputs import EventInput, Inputs, embed_events, embed_lead
    enc = embed.Encoder(backend="ort")   # one model for lead and events: one width
    x = Inputs(id="a", hash="h", sig=b"\0" * 8, nshingles=1, keys=[], title="t", outlet=None,
               published=None, names=[], places=[], first_words="", lead="Port strike ends",
               sentences=[LONG], spans=[[(12, 13)]])
    x.events = [EventInput(index=0, lemma="sign", args=[], time=None, place=None, type=None,
                           start=0, end=1, sentence_start=0, sentence_end=1,
                           factuality="asserted", source=None, numbers=[])]
    embed_lead(x, enc)
    embed_events(x, enc)
    meta, vecs = x.to_row()
    old = json.loads(meta)
    old["vectors_of"] = "float"                   # kept when sentences were read whole
    v = np.frombuffer(vecs, dtype=np.float16).reshape(-1, enc.dim).copy()
    whole, _ = enc.encode_words([LONG], [[(12, 13)]], window=None)
    v[2] = whole[0]                               # lead, trigger, then the sentence
    back = Inputs.from_row(json.dumps(old), v.tobytes(), enc=enc)
    assert back.vectors_of == enc.family != "float"
    assert np.array_equal(back.sent_vecs, x.sent_vecs)
    assert np.array_equal(back.trigger_vecs, x.trigger_vecs)


def test_a_kept_lead_stays_when_only_the_window_differs():
    from newsdesk.link.inputs import Inputs, embed_lead
    enc = embed.Encoder(backend="ort")   # one model for lead and events: one width

    class Counting:
        family, dim, calls = enc.family, enc.dim, 0

        def encode(self, *a, **k):
            Counting.calls += 1
            return enc.encode(*a, **k)
    x = Inputs(id="b", hash="h", sig=b"\0" * 8, nshingles=1, keys=[], title="t", outlet=None,
               published=None, names=[], places=[], first_words="", lead="Port strike ends")
    embed_lead(x, enc)
    meta, vecs = x.to_row()
    old = json.loads(meta)
    old["vectors_of"] = "float"                   # no event vectors: only relabelled
    back = Inputs.from_row(json.dumps(old), vecs, enc=Counting())
    assert Counting.calls == 0 and back.vectors_of == enc.family
    assert np.array_equal(back.lead_vec, x.lead_vec)
    old["vectors_of"] = "int8"                    # another backend: the lead again
    back = Inputs.from_row(json.dumps(old), vecs, enc=Counting())
    assert Counting.calls == 1 and np.array_equal(back.lead_vec, x.lead_vec)
