"""Build src/newsdesk/data/static_encoder.npz: a static word-piece table distilled from the
packaged all-MiniLM-L6-v2 (Apache-2.0), read by link.embed's ``static`` backend.

Every word piece of the model's vocabulary goes through the model alone, as "[CLS] piece
[SEP]" (onnxruntime, float graph: the same bits whatever the batch); its row is the mean of
those three output states (``--pool mean``, as the model pools a sentence) or the piece's
own state (``--pool piece``). The rows are centred and reduced by PCA (numpy SVD, each
component's sign fixed so its largest loading is positive) to ``--dim`` components, then
scaled by a frequency prior: BERT's vocabulary is roughly in order of frequency, so a
piece's rank is its index past the unused and character slots, and ``--weight zipf``
multiplies by log(1 + rank) (rare pieces say more), ``sif`` by a / (a + p(rank)) with p
Zipf's law, ``none`` leaves the rows. Special and unused pieces are zeroed. The table is
stored float16 with the settings it was built with; the same settings give the same file.

    python scripts/distill_static_encoder.py [--dim 128] [--pool piece] [--weight none]
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "newsdesk" / "data" / "static_encoder.npz"
FIRST_WORD = 1996    # "the": BERT's word pieces start their frequency order here
SIF_A = 1e-3


def piece_states(cache: Path | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(mean of the three states, the piece's state, the vocabulary), one row per piece;
    ``cache``: a .npz to read them from or write them to (an hour's work on numpy, a minute
    or two on onnxruntime)."""
    from newsdesk.link.embed import Encoder
    enc = Encoder(backend="ort")
    vocab = sorted(enc.tok.get_vocab().items(), key=lambda kv: kv[1])
    names = [k for k, _ in vocab]
    if cache is not None and cache.is_file():
        z = np.load(cache)
        return z["mean"], z["piece"], names
    cls, sep = enc.tok.token_to_id("[CLS]"), enc.tok.token_to_id("[SEP]")
    mean = np.zeros((len(names), enc.dim), dtype=np.float32)
    piece = np.zeros_like(mean)
    t0 = time.perf_counter()
    for i, x in enc._states([[cls, i, sep] for i in range(len(names))]):
        mean[i] = x.mean(0)
        piece[i] = x[1]
    print(f"{len(names)} pieces through the model in {time.perf_counter() - t0:.0f} s",
          file=sys.stderr)
    if cache is not None:
        np.savez(cache, mean=mean, piece=piece)
    return mean, piece, names


def useless(names: list[str]) -> np.ndarray:
    """Pieces a text never reads as words: [PAD], [unusedN], [CLS], [SEP], [MASK], [UNK]."""
    return np.array([n.startswith("[") and n.endswith("]") for n in names])


def table(states: np.ndarray, names: list[str], dim: int, weight: str) -> np.ndarray:
    """PCA to ``dim`` components over the readable pieces, then the frequency prior."""
    keep = ~useless(names)
    x = states[keep].astype(np.float64)
    x -= x.mean(0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    comp = vt[:dim]
    comp *= np.sign(comp[np.arange(dim), np.abs(comp).argmax(1)])[:, None]
    out = np.zeros((len(names), dim))
    out[keep] = x @ comp.T
    rank = np.maximum(np.arange(len(names)) - FIRST_WORD + 1, 1).astype(np.float64)
    rank[:FIRST_WORD] = 1.0   # characters and punctuation: frequent
    if weight == "zipf":
        out *= np.log1p(rank)[:, None]
    elif weight == "sif":
        p = 1.0 / rank
        p /= p.sum()
        out *= (SIF_A / (SIF_A + p))[:, None]
    elif weight != "none":
        raise ValueError(weight)
    return out.astype(np.float16)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--pool", choices=("mean", "piece"), default="piece")
    ap.add_argument("--weight", choices=("zipf", "sif", "none"), default="none")
    ap.add_argument("--cache", type=Path, help="a .npz keeping the model's piece states")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    mean, piece, names = piece_states(args.cache)
    t = table(mean if args.pool == "mean" else piece, names, args.dim, args.weight)
    settings = f"minilm-l6 pool={args.pool} dim={args.dim} weight={args.weight}"
    np.savez_compressed(args.out, table=t, settings=np.array(settings))
    digest = hashlib.sha256(t.tobytes()).hexdigest()[:8]
    print(f"wrote {args.out}: {t.shape[0]} x {t.shape[1]} float16, "
          f"{args.out.stat().st_size / 1e6:.1f} MB, {settings}, table {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
