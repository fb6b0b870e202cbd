"""The MiniLM forward pass of ``embed.Encoder`` as an ONNX graph, run by onnxruntime.

The graph is built in-process from the weights the Encoder already holds (no export, no
torch, nothing fetched): word-piece ids (B, T) and an attention bias (B, 1, 1, T: 0 on a
text's own pieces, -1e9 on padding) in, every token's last-layer state (B, T, 384) out, the
same operations as ``Encoder._forward``. ``ops`` spells a layer:

- "plain" (the default, fastest here): standard ONNX operators (opset 17), which the
  session's optimiser fuses where it can (matmul + scale, bias + GELU);
- "contrib": onnxruntime's own BERT kernels (``com.microsoft`` Attention,
  SkipLayerNormalization, BiasGelu);
- "hybrid": plain attention, contrib residual + LayerNorm and GELU.

All three give the numpy vectors within ~3e-7; ``bench/encoder_speed.py`` times them.
Building takes ~1-2 s (importing onnx is most of it), so the serialised graph is kept in a
cache directory (``NEWSDESK_CACHE``, else ``$XDG_CACHE_HOME/newsdesk`` or
``~/.cache/newsdesk``; ``NEWSDESK_CACHE=off``: none), named by the weights file's SHA-256
and the graph's spelling: a new process then only reads it. A session runs on ``threads``
intra-op threads: 1 by default, since executors run one process per core.

``OrtForward.many`` runs several texts in padded batches (``groups``: sorted by length, cut
where one more row would cost more padding than a call of its own): each call has a fixed
cost (~1.2 ms, and ~0.4 ms a row) and a longer matrix uses the kernels better, so six
36-piece texts take 23 ms in one call against 33 ms alone; an article's event sentences, of
mixed lengths, ~10 % less (docs/scale.md Run R). A text's states do not change: its rows
are the same bits as when it runs alone (tested: masked keys weigh exactly 0 in softmax and
add exact zeros to the sums), so a vector still does not depend on its batch. Not for int8
(its activation scale is per tensor: per batch) nor the "contrib" Attention (no bias
input): one text per call.
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

OPSET = 17  # LayerNormalization is standard from 17 on
OPS = "plain"
OPS_ALL = ("plain", "contrib", "hybrid")
GRAPH_VERSION = 2  # bump when build() changes: cached graphs of other versions are not read
# the cost of one batch in ms (fitted on a 1-thread session): per call, per row, per piece,
# per piece x length (attention); only their ratios choose ``groups``
COST = (1.16, 0.39, 0.081, 0.00021)
MAX_ROWS = 16   # per batch: past ~8 a piece costs no less


def build(enc, ops: str = OPS, tap: int | None = None):
    """The ONNX model of ``enc``'s forward pass (an ``onnx.ModelProto``); with ``tap``, a
    second output "tap": the input of layer ``tap`` (what embed's tuned event layers read).
    Batched (ids (B, T) and "attn_bias") unless ``ops`` is "contrib" (ids (1, T) alone)."""
    batched = ops != "contrib"
    from onnx import TensorProto, helper, numpy_helper

    w, dim, heads, eps = enc.w, enc.dim, enc.heads, float(enc.eps)
    d = dim // heads
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op, ins, outs, domain="", **attrs):
        nodes.append(helper.make_node(op, ins, outs, domain=domain, name=outs[0], **attrs))
        return outs[0]

    # embeddings: word + position[:T] + token type 0, then LayerNorm (the numpy order)
    const("word_emb", w["embeddings.word_embeddings.weight"])
    const("pos_emb", w["embeddings.position_embeddings.weight"])
    const("type0", w["embeddings.token_type_embeddings.weight"][0])
    const("i0", np.array([0], dtype=np.int64))
    const("i1", np.array([1], dtype=np.int64))
    node("Shape", ["input_ids"], ["ids_shape"])
    const("i2", np.array([2], dtype=np.int64))
    node("Slice", ["ids_shape", "i1", "i2", "i0"], ["seq_len"])
    node("Slice", ["pos_emb", "i0", "seq_len", "i0"], ["pos"])
    node("Gather", ["word_emb", "input_ids"], ["emb_word"])
    node("Add", ["emb_word", "pos"], ["emb_wp"])
    node("Add", ["emb_wp", "type0"], ["emb_sum"])
    x = node("LayerNormalization", ["emb_sum", const("emb_ln_w", w["embeddings.LayerNorm.weight"]),
                                    const("emb_ln_b", w["embeddings.LayerNorm.bias"])],
             ["emb"], axis=-1, epsilon=eps)
    const("qkv_shape", np.array([0, 0, 3, heads, d], dtype=np.int64))
    const("flat_shape", np.array([0, 0, dim], dtype=np.int64))
    const("scale", np.array(np.sqrt(d), dtype=np.float32))
    const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    const("one", np.array(1.0, dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    ms = "com.microsoft"
    for i, (qkv, qkv_b, ow, ob, ln1w, ln1b, iw, ib, fw, fb, ln2w, ln2b) in enumerate(enc._layers):
        p = f"l{i}_"
        if i == tap:
            nodes.append(helper.make_node("Identity", [x], ["tap"], name="tap"))
        n = {k: const(p + k, v) for k, v in dict(
            qkv=qkv, qkv_b=qkv_b, ow=ow, ob=ob, ln1w=ln1w, ln1b=ln1b, iw=iw, ib=ib,
            fw=fw, fb=fb, ln2w=ln2w, ln2b=ln2b).items()}
        if ops == "contrib":
            a = node("Attention", [x, n["qkv"], n["qkv_b"]], [p + "att"], domain=ms, num_heads=heads)
        else:
            z = node("MatMul", [x, n["qkv"]], [p + "qkv_mm"])
            z = node("Add", [z, n["qkv_b"]], [p + "qkv_z"])
            z = node("Reshape", [z, "qkv_shape"], [p + "qkv_r"])
            z = node("Transpose", [z], [p + "qkv_t"], perm=[2, 0, 3, 1, 4])  # (3, B, h, T, d)
            q, k, v = (node("Squeeze", [node("Gather", [z, c], [p + c + "_g"]), "i0"], [p + c + "_s"])
                       for c in ("i0", "i1", "i2"))
            kt = node("Transpose", [k], [p + "kt"], perm=[0, 1, 3, 2])
            s = node("MatMul", [q, kt], [p + "scores"])
            s = node("Div", [s, "scale"], [p + "scaled"])
            if batched:   # + 0 on a text's pieces changes no bit
                s = node("Add", [s, "attn_bias"], [p + "masked"])
            s = node("Softmax", [s], [p + "probs"], axis=-1)
            a = node("MatMul", [s, v], [p + "ctx"])
            a = node("Transpose", [a], [p + "ctx_t"], perm=[0, 2, 1, 3])
            a = node("Reshape", [a, "flat_shape"], [p + "att"])
        o = node("MatMul", [a, n["ow"]], [p + "att_mm"])
        if ops == "plain":
            o = node("Add", [o, n["ob"]], [p + "att_b"])
            o = node("Add", [o, x], [p + "att_res"])
            x1 = node("LayerNormalization", [o, n["ln1w"], n["ln1b"]], [p + "ln1"], axis=-1, epsilon=eps)
            f = node("MatMul", [x1, n["iw"]], [p + "inter_mm"])
            f = node("Add", [f, n["ib"]], [p + "inter"])
            g = node("Div", [f, "sqrt2"], [p + "g_div"])
            g = node("Erf", [g], [p + "g_erf"])
            g = node("Add", [g, "one"], [p + "g_add"])
            g = node("Mul", [f, g], [p + "g_mul"])
            g = node("Mul", [g, "half"], [p + "gelu"])
            f2 = node("MatMul", [g, n["fw"]], [p + "ffn_mm"])
            f2 = node("Add", [f2, n["fb"]], [p + "ffn_b"])
            f2 = node("Add", [f2, x1], [p + "ffn_res"])
            x = node("LayerNormalization", [f2, n["ln2w"], n["ln2b"]], [p + "out"], axis=-1, epsilon=eps)
        else:
            x1 = node("SkipLayerNormalization", [o, x, n["ln1w"], n["ln1b"], n["ob"]], [p + "ln1"],
                      domain=ms, epsilon=eps)
            f = node("MatMul", [x1, n["iw"]], [p + "inter"])
            g = node("BiasGelu", [f, n["ib"]], [p + "gelu"], domain=ms)
            f2 = node("MatMul", [g, n["fw"]], [p + "ffn"])
            x = node("SkipLayerNormalization", [f2, x1, n["ln2w"], n["ln2b"], n["fb"]], [p + "out"],
                     domain=ms, epsilon=eps)
    nodes.append(helper.make_node("Identity", [x], ["states"], name="states"))
    b = "B" if batched else 1
    outs = [helper.make_tensor_value_info("states", TensorProto.FLOAT, [b, "T", dim])]
    if tap is not None:
        outs.append(helper.make_tensor_value_info("tap", TensorProto.FLOAT, [b, "T", dim]))
    ins = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [b, "T"])]
    if batched:
        ins.append(helper.make_tensor_value_info("attn_bias", TensorProto.FLOAT, [b, 1, 1, "T"]))
    graph = helper.make_graph(nodes, "minilm", ins, outs, initializer=inits)
    opsets = [helper.make_opsetid("", OPSET)]
    if ops != "plain":
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    # IR 10 (onnx 1.16): read by every onnxruntime from 1.17 on
    return helper.make_model(graph, opset_imports=opsets, producer_name="newsdesk", ir_version=10)


def threads() -> int:
    """Intra-op threads per session: ``NEWSDESK_ORT_THREADS``, else 1 (one process per
    core is how the executors run; more threads would only contend)."""
    try:
        return max(1, int(os.environ.get("NEWSDESK_ORT_THREADS", "1")))
    except ValueError:
        return 1


def session(model_bytes: bytes, n_threads: int | None = None):
    """An onnxruntime CPU session over a serialised model, all graph optimisations on."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = n_threads or threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


INT8 = "int8pc7"  # the quantisation's spelling, in the cached graph's name


def quantised(model) -> bytes:
    """``model`` with dynamic int8 quantisation of its matmuls (``embed``'s "ort-int8"):
    weights per output channel on 7 bits (``reduce_range``), activations on 8 bits per
    tensor, quantised per text at run time. Per channel keeps the vectors near the float
    ones (cosine ~0.99 where per-tensor weights gave ~0.96). 7 bits because x86 without VNNI
    (AVX2, AVX-512F) multiplies u8 by s8 in pairs summed into int16 (VPMADDUBSW), which
    saturates with 8-bit weights where VNNI does not: with 7 the integer sums are exact on
    every kernel, so a text's vector does not depend on which one the CPU has; the float
    steps between (scales, softmax, LayerNorm) still differ across CPUs in the last bits,
    as the float graph's do."""
    import tempfile

    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "q.onnx"
        # the contrib operators' outputs have no inferred type: they are float
        quantize_dynamic(model, out, weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
        return out.read_bytes()


def cache_dir() -> Path | None:
    """Where built graphs are kept (None: nowhere)."""
    v = os.environ.get("NEWSDESK_CACHE")
    if v:
        return None if v.lower() in ("off", "0", "none") else Path(v)
    from ..cache import cache_root
    return cache_root()


def _weights_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()[:20]


def model_bytes(enc, ops: str = OPS, int8: bool = False, fresh: bool = False,
                tap: int | None = None) -> bytes:
    """The serialised graph of ``enc`` (``tap``: see build): from the cache when built
    before (unless ``fresh``), else built (and kept, when the cache directory can be
    written)."""
    d = cache_dir()
    f = None
    if d is not None and getattr(enc, "path", None) is not None:
        key = (f"{_weights_hash(enc.path / 'model.safetensors')}-{ops}"
               f"{'-' + INT8 if int8 else ''}{'' if tap is None else f'-tap{tap}'}")
        f = d / f"minilm-v{GRAPH_VERSION}-{key}.onnx"
        if f.is_file() and not fresh:
            return f.read_bytes()
    model = build(enc, ops, tap)
    data = quantised(model) if int8 else model.SerializeToString()
    if f is not None:
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, f)  # whole or absent: another process may be reading
        except OSError as exc:
            log.info("encoder graph not cached (%s): built again by each process", exc)
    return data


class OrtForward:
    """``Encoder._forward`` on onnxruntime: one unpadded text, or several (``many``); with
    ``tap`` (a layer), ``tapped`` also returns that layer's input from the same pass."""

    def __init__(self, enc, ops: str = OPS, int8: bool = False, n_threads: int | None = None,
                 tap: int | None = None):
        import onnxruntime  # noqa: F401  (missing: ImportError before any building)
        self.tap = tap
        self.bias = ops != "contrib"          # the graph takes "attn_bias"
        self.batches = self.bias and not int8   # int8: a batch would change its scales
        try:
            self.sess = session(model_bytes(enc, ops, int8, tap=tap), n_threads)
        except Exception as exc:  # a damaged cached file (a full disk): build it again
            log.warning("cached encoder graph unreadable (%s): building it again", exc)
            self.sess = session(model_bytes(enc, ops, int8, fresh=True, tap=tap), n_threads)

    def _feed(self, ids: np.ndarray, bias: np.ndarray | None = None) -> dict:
        if not self.bias:
            return {"input_ids": ids}
        if bias is None:
            bias = np.zeros((ids.shape[0], 1, 1, ids.shape[1]), dtype=np.float32)
        return {"input_ids": ids, "attn_bias": bias}

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        return self.sess.run(["states"], self._feed(ids))[0]

    def tapped(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The last layer's states and the input of layer ``tap``, (1, T, dim) each."""
        last, below = self.sess.run(["states", "tap"], self._feed(ids))
        return last, below

    def many(self, seqs: list[np.ndarray], tapped: bool = False):
        """Per id sequence (1-D, not empty), in ``groups``' order: (its index, its states
        (T, dim)[, its input of layer ``tap``]), each the same as it alone gives."""
        outs = ["states", "tap"] if tapped else ["states"]
        for group in (groups([len(x) for x in seqs]) if self.batches
                      else [[i] for i in range(len(seqs))]):
            t = max(len(seqs[i]) for i in group)
            ids = np.zeros((len(group), t), dtype=np.int64)
            bias = np.zeros((len(group), 1, 1, t), dtype=np.float32)
            for r, i in enumerate(group):
                ids[r, :len(seqs[i])] = seqs[i]
                bias[r, ..., len(seqs[i]):] = -1e9
            res = self.sess.run(outs, self._feed(ids, bias))
            for r, i in enumerate(group):
                yield (i,) + tuple(x[r, :len(seqs[i])] for x in res)


def groups(lengths: list[int]) -> list[list[int]]:
    """Indices of ``lengths`` in batches for ``OrtForward.many``: sorted longest first, cut
    where the summed ``COST`` is least (each batch padded to its first, at most MAX_ROWS)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    call, row, piece, att = COST
    best, cut = [0.0] + [np.inf] * len(order), [0] * (len(order) + 1)
    for j in range(1, len(order) + 1):
        for i in range(max(0, j - MAX_ROWS), j):
            t, b = lengths[order[i]], j - i
            c = best[i] + call + b * (row + piece * t + att * t * t)
            if c < best[j]:
                best[j], cut[j] = c, i
    out, j = [], len(order)
    while j:
        out.append(order[cut[j]:j])
        j = cut[j]
    return out[::-1]
