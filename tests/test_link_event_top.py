"""The tuned event layers (embed ``event_top``): trigger vectors from them, everything else
from the model as it ships; read once, deterministic, no torch at run time."""
import os
import subprocess
import sys

import numpy as np
import pytest

SENTS = [["Rebels", "seized", "the", "town", "on", "Monday", "."],
         ["Police", "said", "three", "people", "were", "arrested", "after", "the", "riot", "."]]
SPANS = [[(1, 2), (5, 6)], [(1, 2), (5, 6), (8, 9), (0, 0)]]


@pytest.fixture(scope="module")
def own_top(tmp_path_factory):
    """A top file holding the model's own last layer (float16, dense weights (in, out)):
    the tuned path must then give the frozen vectors, up to float16's rounding."""
    from safetensors.numpy import save_file

    from newsdesk.link.embed import Encoder
    enc = Encoder(backend="numpy")
    last = enc.layers - 1
    f = tmp_path_factory.mktemp("top") / "top.safetensors"
    save_file({k: v.astype(np.float16) for k, v in enc.w.items()
               if k.startswith(f"encoder.layer.{last}.")}, str(f))
    return f


def _with_top(path, backend, monkeypatch, tmp_path):
    from newsdesk.link import embed
    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    monkeypatch.setattr(embed, "event_top_path", lambda: path)
    return embed.Encoder(backend=backend)


@pytest.mark.parametrize("backend", ["numpy", "ort"])
def test_the_model_s_own_layer_as_top_gives_the_frozen_vectors(own_top, backend, monkeypatch,
                                                               tmp_path):
    if backend == "ort":
        pytest.importorskip("onnxruntime")
        pytest.importorskip("onnx")
    frozen = _with_top(None, backend, monkeypatch, tmp_path)
    tuned = _with_top(own_top, backend, monkeypatch, tmp_path)
    assert frozen.event_top is None and tuned.event_top[0] == tuned.layers - 1
    assert tuned.family != frozen.family and tuned.family.startswith(frozen.family + "+ev")
    (s0, t0), (s1, t1) = frozen.encode_words(SENTS, SPANS), tuned.encode_words(SENTS, SPANS)
    assert np.array_equal(s0, s1)                        # sentence vectors: untouched
    assert np.array_equal(frozen.encode(["Rebels seized the town"]),
                          tuned.encode(["Rebels seized the town"]))
    for a, b in zip(t0, t1):
        assert a.shape == b.shape == (len(a), 384)
        assert 0 < np.abs(a - b).max() < 1e-3            # float16 weights: near, not equal
    assert not t1[1][3].any() and abs(np.linalg.norm(t1[0][0]) - 1) < 1e-5


def test_tuned_vectors_are_deterministic_and_read_once(own_top, monkeypatch, tmp_path):
    import safetensors.numpy
    enc = _with_top(own_top, "numpy", monkeypatch, tmp_path)
    first = enc.encode_words(SENTS, SPANS)
    # the weights are read with the Encoder: encoding reads no file again
    monkeypatch.setattr(safetensors.numpy, "load_file",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("read again")))
    again = enc.encode_words(SENTS[::-1], SPANS[::-1])
    assert np.array_equal(first[0], again[0][::-1])
    for a, b in zip(first[1], again[1][::-1]):
        assert np.array_equal(a, b)                      # any batch: the same bits


def test_a_top_that_is_not_the_model_s_top_is_refused(own_top, tmp_path):
    from safetensors.numpy import load_file, save_file

    from newsdesk.link.embed import Encoder
    w = {k.replace("layer.5.", "layer.3."): v for k, v in load_file(str(own_top)).items()}
    bad = tmp_path / "bad.safetensors"
    save_file(w, str(bad))
    enc = Encoder(backend="numpy")
    with pytest.raises(ValueError, match="not a top"):
        enc._event_top(bad)


def test_no_torch_at_run_time():
    """Encoding event sentences (with the packaged top, when it ships) imports no torch."""
    code = ("import sys\n"
            "from newsdesk.link.embed import encoder\n"
            f"encoder().encode_words({SENTS!r}, {SPANS!r})\n"
            "print('torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout
    assert out.strip() == "False"
