"""The sentence encoder on onnxruntime gives the numpy path's vectors."""
import logging

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = ["Flood forces 300 from homes in Marlow. The river burst its banks overnight.",
         "Rebels seized the town", "",
         "Parliament passed the budget on Wednesday after a long debate. " * 40]  # > 256 pieces


@pytest.fixture(scope="module")
def encs(tmp_path_factory):
    import os

    from newsdesk.link.embed import Encoder
    old = os.environ.get("NEWSDESK_CACHE")
    os.environ["NEWSDESK_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    try:
        yield Encoder(backend="numpy"), Encoder(backend="ort")
    finally:
        os.environ.pop("NEWSDESK_CACHE") if old is None else os.environ.update(NEWSDESK_CACHE=old)


def test_ort_vectors_equal_numpy(encs):
    num, ort = encs
    assert (num.backend, ort.backend) == ("numpy", "ort")
    for max_tokens in (256, 128, 5):
        a, b = num.encode(TEXTS, max_tokens), ort.encode(TEXTS, max_tokens)
        assert a.dtype == b.dtype == np.float32
        assert np.abs(a - b).max() < 1e-4
        assert not np.allclose(b[0], b[1], atol=1e-2)   # not a constant output


def test_ort_span_vectors_equal_numpy(encs):
    num, ort = encs
    sents = [["Rebels", "seized", "the", "town", "on", "Monday", "."],
             ["Police", "said", "three", "people", "were", "arrested", "after", "the", "riot", "."]]
    spans = [[(1, 2), (5, 6)], [(1, 2), (5, 6), (8, 9), (0, 0)]]
    (sa, ta), (sb, tb) = num.encode_words(sents, spans), ort.encode_words(sents, spans)
    assert np.abs(sa - sb).max() < 1e-4
    for x, y in zip(ta, tb):
        assert x.shape == y.shape and np.abs(x - y).max() < 1e-4
    assert np.linalg.norm(tb[0][0]) > 0.99 and not tb[1][3].any()   # an empty span stays 0


def test_other_graph_spellings_agree(encs):
    from newsdesk.link import onnx_bert
    num, _ = encs
    ids = np.asarray(num.tok.encode(TEXTS[0]).ids, dtype=np.int64)[None]
    ref = num._forward(ids, np.ones(ids.shape, dtype=np.float32))
    for ops in onnx_bert.OPS_ALL:
        out = onnx_bert.OrtForward(num, ops)(ids)
        assert out.shape == ref.shape and np.abs(out - ref).max() < 1e-4


def test_the_built_graph_is_cached_and_read_back(encs, monkeypatch, tmp_path):
    from newsdesk.link import onnx_bert
    num, ort = encs
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    first = onnx_bert.model_bytes(num)
    kept = list(tmp_path.glob("minilm-*.onnx"))
    assert len(kept) == 1 and kept[0].read_bytes() == first

    def no_build(*a, **k):
        raise AssertionError("built again")
    monkeypatch.setattr(onnx_bert, "build", no_build)
    fwd = onnx_bert.OrtForward(num)          # from the cache: no build
    ids = np.asarray(num.tok.encode(TEXTS[1]).ids, dtype=np.int64)[None]
    assert np.abs(fwd(ids) - ort._ort(ids)).max() < 1e-6
    kept[0].write_bytes(first[:1000])        # damaged (a full disk): built again
    monkeypatch.undo()
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    fwd = onnx_bert.OrtForward(num)
    assert np.abs(fwd(ids) - ort._ort(ids)).max() < 1e-6
    assert kept[0].read_bytes() == first
    monkeypatch.setattr(onnx_bert, "build", no_build)
    monkeypatch.setenv("NEWSDESK_CACHE", "off")
    assert onnx_bert.cache_dir() is None
    with pytest.raises(AssertionError):
        onnx_bert.OrtForward(num)


def test_states_and_padded_batches_run_on_numpy(encs):
    _, ort = encs
    ids = np.asarray(ort.tok.encode("Rebels seized the town").ids, dtype=np.int64)[None]
    states = []
    last = ort._forward(ids, np.ones(ids.shape, dtype=np.float32), states)
    assert len(states) == ort.layers + 1 and np.array_equal(states[-1], last)
    fast = ort._forward(ids, np.ones(ids.shape, dtype=np.float32))
    assert np.abs(fast - last).max() < 1e-4


def test_without_onnxruntime_the_encoder_falls_back_to_numpy(monkeypatch, caplog):
    import builtins

    from newsdesk.link import embed
    real = builtins.__import__

    def no_ort(name, *a, **k):
        if name.startswith("onnxruntime") or name == "onnx":
            raise ImportError(f"No module named {name!r}")
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_ort)
    with caplog.at_level(logging.WARNING, logger="newsdesk.link.embed"):
        enc = embed.Encoder(backend="ort")
    assert enc.backend == "numpy" and enc._ort is None
    assert "onnxruntime" in caplog.text and "numpy" in caplog.text
    assert enc.encode(["Rebels seized the town"]).shape == (1, enc.dim)


def test_backend_from_environment_and_unknown_ones(monkeypatch):
    from newsdesk.link import embed
    monkeypatch.setenv("NEWSDESK_ENCODER", "numpy")
    assert embed.Encoder().backend == "numpy"
    with pytest.raises(ValueError):
        embed.Encoder(backend="gpu")


@pytest.fixture(scope="module")
def int8(tmp_path_factory):
    import os

    from newsdesk.link.embed import Encoder
    old = os.environ.get("NEWSDESK_CACHE")
    os.environ["NEWSDESK_CACHE"] = str(tmp_path_factory.mktemp("cache8"))
    try:
        yield Encoder(backend="ort-int8")
    finally:
        os.environ.pop("NEWSDESK_CACHE") if old is None else os.environ.update(NEWSDESK_CACHE=old)


def test_int8_is_an_option_near_the_float_vectors(encs, int8, monkeypatch):
    from newsdesk.link import embed
    monkeypatch.delenv("NEWSDESK_ENCODER", raising=False)
    w = f"+w{embed.EVENT_WINDOW}"                 # the event sentences' window
    assert embed.family("ort") == "float" + w   # MiniLM's float vectors (DEFAULT: static-lead)
    monkeypatch.setenv("NEWSDESK_ENCODER", "ort-int8")
    assert embed.family() == "int8" + w and embed.family("numpy") == "float" + w
    _, flt = encs
    assert (int8.backend, int8.family, flt.family) == ("ort-int8", "int8" + w, "float" + w)
    a, b = flt.encode(TEXTS), int8.encode(TEXTS)
    cos = (a * b).sum(1)
    assert cos.min() > 0.97                       # per-channel weights: near float
    assert np.abs(a - b).max() > 1e-3             # but quantised: not the float vectors
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_do_not_depend_on_batch_or_process(int8):
    """The activations' int8 scale is per tensor: a text run with others would share theirs.
    Each text runs alone, so its vector is the same bit for bit in any batch or process."""
    import os
    import subprocess
    import sys
    alone = np.vstack([int8.encode([t]) for t in TEXTS])
    assert np.array_equal(int8.encode(TEXTS[::-1])[::-1], alone)
    code = ("import sys, numpy as np\n"
            "from newsdesk.link.embed import Encoder\n"
            f"v = Encoder(backend='ort-int8').encode({TEXTS[:2]!r})\n"
            "sys.stdout.write(v.tobytes().hex())\n")
    env = {**os.environ, "NEWSDESK_CACHE": os.environ.get("NEWSDESK_CACHE", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert bytes.fromhex(out) == alone[:2].tobytes()


def test_the_int8_graph_is_built_from_the_weights_and_cached_apart(int8, monkeypatch, tmp_path):
    from newsdesk.link import onnx_bert
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    q = onnx_bert.model_bytes(int8, int8=True)
    f = onnx_bert.model_bytes(int8)
    kept = sorted(p.name for p in tmp_path.glob("minilm-*.onnx"))
    digest = onnx_bert._weights_hash(int8.path / "model.safetensors")
    assert kept == sorted([f"minilm-v{onnx_bert.GRAPH_VERSION}-{digest}-plain.onnx",
                           f"minilm-v{onnx_bert.GRAPH_VERSION}-{digest}-plain-{onnx_bert.INT8}.onnx"])
    assert len(q) < len(f) / 2                    # int8 weights: a quarter of the bytes, about
    monkeypatch.setattr(onnx_bert, "build", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    ids = np.asarray(int8.tok.encode(TEXTS[0]).ids, dtype=np.int64)[None]
    assert np.array_equal(onnx_bert.OrtForward(int8, int8=True)(ids), int8._ort(ids))


def test_kept_vectors_of_the_other_family_are_computed_again(encs, int8):
    """Stored inputs carry their vectors' family: read back under the other encoder, they
    are recomputed from the kept lead and sentences (rows kept before families: float)."""
    import json

    from newsdesk.link.inputs import Inputs, embed_events, embed_lead
    from test_link_encoder_static import one_event
    _, flt = encs
    x = one_event(TEXTS[0])
    embed_lead(x, flt)
    embed_events(x, flt)
    assert x.vectors_of == flt.family and flt.family.startswith("float")
    meta, vecs = x.to_row()
    same = Inputs.from_row(meta, vecs, enc=flt)
    assert same.vectors_of == flt.family and np.array_equal(same.lead_vec, x.lead_vec)
    other = Inputs.from_row(meta, vecs, enc=int8)
    assert other.vectors_of == int8.family and int8.family.startswith("int8")
    fresh = Inputs(**{**x.__dict__, "lead_vec": None, "trigger_vecs": None, "sent_vecs": None,
                      "vectors_of": ""})
    embed_lead(fresh, int8)
    embed_events(fresh, int8)
    for v in ("lead_vec", "trigger_vecs", "sent_vecs"):
        assert np.array_equal(getattr(other, v), getattr(fresh, v))
        assert not np.array_equal(getattr(other, v), getattr(x, v))
    old = json.loads(meta)
    del old["vectors_of"]                         # a row kept before families
    assert Inputs.from_row(json.dumps(old), vecs, enc=int8).vectors_of == int8.family
    assert Inputs.from_row(json.dumps(old), vecs, enc=flt).lead_vec.tobytes() == x.lead_vec.tobytes()
