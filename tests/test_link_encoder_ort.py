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
