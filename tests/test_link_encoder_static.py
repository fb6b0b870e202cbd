"""The static encoder backend (link.embed.StaticEncoder): a word-piece table, no model pass.

A small random table stands in for the distilled one (NEWSDESK_STATIC_TABLE), so these
tests hold whichever table ships.
"""
import numpy as np
import pytest

TEXTS = ["Rebels seized the town of Kidal on Sunday.", "An earthquake of magnitude 6.1 hit.",
         "", "The central bank raised rates by a quarter point."]


def one_event(lead: str = TEXTS[0]):
    """Link inputs of one lead and one event sentence."""
    from newsdesk.link.inputs import EventInput, Inputs
    x = Inputs(id="a", hash="h", sig=b"\0" * 8, nshingles=1, keys=[], title="t", outlet=None,
               published=None, names=[], places=[], first_words="", lead=lead,
               sentences=[["Rebels", "seized", "the", "town"]], spans=[[(1, 2)]])
    x.events = [EventInput(index=0, lemma="seize", args=[], time=None, place=None, type=None,
                           start=7, end=13, sentence_start=0, sentence_end=22,
                           factuality="asserted", source=None, numbers=[])]
    return x


@pytest.fixture()
def table(tmp_path, monkeypatch):
    from newsdesk.link import embed
    rng = np.random.default_rng(7)
    p = tmp_path / "static.npz"
    np.savez(p, table=rng.normal(size=(30522, 32)).astype(np.float16), settings=np.array("test"))
    monkeypatch.setenv("NEWSDESK_STATIC_TABLE", str(p))
    embed._family.cache_clear()
    yield p
    embed._family.cache_clear()


def test_static_vectors_are_deterministic_normalised_and_batch_free(table):
    from newsdesk.link.embed import Encoder, StaticEncoder
    enc = Encoder(backend="static")
    assert isinstance(enc, StaticEncoder) and enc.dim == 32
    v = enc.encode(TEXTS)
    assert v.shape == (4, 32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([enc.encode([t]) for t in TEXTS])
    assert np.array_equal(v, alone) and np.array_equal(enc.encode(TEXTS[::-1])[::-1], alone)
    assert np.array_equal(Encoder(backend="static").encode(TEXTS), v)
    # the lead's cut at max_tokens reads only those pieces
    assert not np.array_equal(enc.encode([TEXTS[0]], max_tokens=4), v[:1])
    sents = [["Rebels", "seized", "the", "town"], ["An", "earthquake", "hit", "Chile"]]
    spans = [[(1, 2), (3, 4)], [(1, 2)]]
    s, t = enc.encode_words(sents, spans)
    assert s.shape == (2, 32) and [x.shape for x in t] == [(2, 32), (1, 32)]
    assert np.allclose(np.linalg.norm(t[0], axis=1), 1.0, atol=1e-5)
    s1, t1 = enc.encode_words(sents[1:], spans[1:])
    assert np.array_equal(s1, s[1:]) and np.array_equal(t1[0], t[1])


def test_static_family_differs_and_follows_the_table(table, tmp_path, monkeypatch):
    from newsdesk.link import embed
    fam = embed.family("static")
    assert fam.startswith("static") and fam != embed.family("ort")
    assert embed.family("static-lead").startswith(fam.split("+")[0] + "-lead")
    monkeypatch.setenv("NEWSDESK_ENCODER", "static")
    assert embed.family() == fam and embed.Encoder().family == fam
    other = tmp_path / "other.npz"
    np.savez(other, table=np.ones((30522, 32), dtype=np.float16))
    monkeypatch.setenv("NEWSDESK_STATIC_TABLE", str(other))
    embed._family.cache_clear()
    assert embed.family("static") != fam          # another table: other vectors


def test_kept_static_vectors_read_back_and_are_recomputed_under_the_model(table):
    """Rows keep their width (a static table's is not 384) and family: read back under
    the model they are computed again; ``static-lead`` keeps the table's lead beside the
    model's 384-d event rows."""
    from newsdesk.link.embed import Encoder
    from newsdesk.link.inputs import Inputs, embed_events, embed_lead
    x = one_event()
    st, mixed = Encoder(backend="static"), Encoder(backend="static-lead")
    for enc, ev_dim in ((st, 32), (mixed, 384)):
        y = Inputs(**{**x.__dict__})
        embed_lead(y, enc)
        embed_events(y, enc)
        meta, vecs = y.to_row()
        back = Inputs.from_row(meta, vecs, enc=enc)
        assert back.vectors_of == enc.family
        assert np.array_equal(back.lead_vec, y.lead_vec) and back.lead_vec.shape == (32,)
        assert np.array_equal(back.trigger_vecs, y.trigger_vecs)
        assert back.sent_vecs.shape == (1, ev_dim)
    model = mixed.model
    again = Inputs.from_row(meta, vecs, enc=model)
    assert again.vectors_of == model.family and again.lead_vec.shape == (384,)


def test_event_vectors_take_their_own_width_through_a_wrapped_encoder(table):
    """An encoder wrapped by a caller (a timer, as bench/linking_overhead's) that shows only
    ``encode``, ``encode_words``, ``dim`` and ``family``: static-lead's event rows still
    come out at the model's width, not the lead's."""
    from newsdesk.link.embed import Encoder
    from newsdesk.link.inputs import embed_events
    mixed = Encoder(backend="static-lead")

    class Wrapped:
        dim, family = mixed.dim, mixed.family
        encode, encode_words = mixed.encode, mixed.encode_words
    x = one_event()
    embed_events(x, Wrapped())
    assert mixed.dim == 32 and x.sent_vecs.shape == (1, 384) and x.trigger_vecs.shape == (1, 384)


def test_word_pieces_are_the_tokenizers_own_split_of_pre_tokenised_sentences():
    """WordPieces (each word split once per process) gives what the tokenizer gives for the
    whole sentence: the same pieces and words, [CLS]/[SEP], the cut at MAX_TOKENS; and again
    after its cache starts over."""
    from newsdesk.link import embed
    tok = embed._tokenizer(embed.model_dir())
    sents = [s.split() for s in TEXTS if s] + [
        ["Ñandú", "déjà", "vu", "北京", "\u200b", "x" * 300, "don", "'", "t"], ["_"], [],
        ["troops"] * 300, ["Rebels", "seized", "Kidal", ",", "a", "town", "."]]
    want = [(e.ids, e.word_ids) for e in tok.encode_batch(sents, is_pretokenized=True)]
    pieces = embed.WordPieces(tok)
    assert pieces(sents) == want
    assert pieces(sents[::-1]) == want[::-1]     # from the cache
    assert len(want[-2][0]) == embed.MAX_TOKENS  # the long one was cut
    pieces.LIMIT = 5
    assert pieces(sents) == want and len(pieces.words) <= len({w for s in sents for w in s})
