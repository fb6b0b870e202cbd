"""A small non-linear incident scorer: one hidden layer over the standardised pair features
(incidents.FEATURES) and a learned low-rank projection of the two trigger vectors
(siamese: the same projection P of both, giving P·a * P·b and |P·a - P·b|, symmetric in
the pair), so trigger pairs with different lemmas can be told apart beyond their cosine.
Numpy only, at runtime and in training (``train_net``: Adam over minibatches of pairs
given as indices into one table of vectors, so the pair set never holds the vectors)."""
from __future__ import annotations

import numpy as np

from .incidents import FEATURES, Mention, features_to_many, feature_matrix


def _relu(x):
    return np.maximum(x, 0.0)


class PairNet:
    """Same interface as incidents.Scorer (prob_matrix, prob_many, the two cuts)."""

    def __init__(self, mean, std, P, W1, b1, w2, b2, threshold=0.5, doc_threshold=None):
        f = lambda x: np.asarray(x, dtype=np.float32)  # noqa: E731
        self.mean, self.std, self.P, self.W1, self.b1, self.w2 = map(f, (mean, std, P, W1, b1, w2))
        self.b2 = float(b2)
        self.threshold = float(threshold)
        self.doc_threshold = None if doc_threshold is None else float(doc_threshold)

    def _out(self, Z, pa, pb):
        X = np.concatenate([Z, pa * pb, np.abs(pa - pb)], axis=-1)
        z = _relu(X @ self.W1 + self.b1) @ self.w2 + self.b2
        return 1.0 / (1.0 + np.exp(-z))

    def prob_matrix(self, ms: list[Mention]) -> np.ndarray:
        Z = (feature_matrix(ms) - self.mean) / self.std
        Q = np.stack([m.vec for m in ms]) @ self.P
        return self._out(Z, Q[:, None, :], Q[None, :, :])

    def prob_many(self, a: Mention, others: list[Mention]) -> np.ndarray:
        Z = (features_to_many(a, others) - self.mean) / self.std
        Q = np.stack([b.vec for b in others]) @ self.P
        return self._out(Z, (a.vec @ self.P)[None, :], Q)

    def save(self, path) -> None:
        np.savez(path, kind="net", mean=self.mean, std=self.std, P=self.P, W1=self.W1,
                 b1=self.b1, w2=self.w2, b2=np.float32(self.b2),
                 threshold=np.float32(self.threshold), features=np.array(FEATURES),
                 doc_threshold=np.float32(np.nan if self.doc_threshold is None else self.doc_threshold))

    @classmethod
    def from_npz(cls, z) -> "PairNet":
        doc = float(z["doc_threshold"])
        return cls(z["mean"], z["std"], z["P"], z["W1"], z["b1"], z["w2"], float(z["b2"]),
                   float(z["threshold"]), None if np.isnan(doc) else doc)


def train_net(F, I, J, V, y, rank: int = 16, hidden: int = 32, epochs: int = 8,
              batch: int = 1024, lr: float = 3e-3, l2: float = 1e-4, seed: int = 0) -> PairNet:
    """Fit a PairNet on pairs: ``F`` their features, ``I``/``J`` rows of ``V`` (the trigger
    vectors), ``y`` 1 for coreferent. Plain (unweighted) log loss, as incidents.train."""
    rng = np.random.default_rng(seed)
    mean, std = F.mean(0), F.std(0) + 1e-6
    Z = ((F - mean) / std).astype(np.float32)
    k, d = Z.shape[1], V.shape[1]
    params = {
        "P": rng.normal(0, 1.0, (d, rank)).astype(np.float32),
        "W1": rng.normal(0, np.sqrt(2.0 / (k + 2 * rank)), (k + 2 * rank, hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.normal(0, np.sqrt(1.0 / hidden), hidden).astype(np.float32),
        "b2": np.array(np.log(max(y.mean(), 1e-3) / (1 - y.mean())), np.float32),
    }
    m1 = {n: np.zeros_like(p) for n, p in params.items()}
    m2 = {n: np.zeros_like(p) for n, p in params.items()}
    t = 0
    n = len(y)
    for _ in range(epochs):
        for s in np.array_split(rng.permutation(n), max(n // batch, 1)):
            P, W1, b1, w2, b2 = (params[x] for x in ("P", "W1", "b1", "w2", "b2"))
            va, vb = V[I[s]], V[J[s]]
            pa, pb = va @ P, vb @ P
            diff = pa - pb
            X = np.concatenate([Z[s], pa * pb, np.abs(diff)], axis=1)
            H = X @ W1 + b1
            A = _relu(H)
            p = 1.0 / (1.0 + np.exp(-(A @ w2 + b2)))
            gz = (p - y[s]) / len(s)
            gH = np.outer(gz, w2) * (H > 0)
            gX = gH @ W1.T
            gm, ga = gX[:, k:k + rank], gX[:, k + rank:] * np.sign(diff)
            grads = {"w2": A.T @ gz + l2 * w2, "b2": np.array(gz.sum(), np.float32),
                     "W1": X.T @ gH + l2 * W1, "b1": gH.sum(0),
                     "P": va.T @ (gm * pb + ga) + vb.T @ (gm * pa - ga) + l2 * P}
            t += 1
            for x, g in grads.items():
                m1[x] = 0.9 * m1[x] + 0.1 * g
                m2[x] = 0.999 * m2[x] + 0.001 * g * g
                step = lr * (m1[x] / (1 - 0.9 ** t)) / (np.sqrt(m2[x] / (1 - 0.999 ** t)) + 1e-8)
                params[x] = (params[x] - step).astype(np.float32)
    return PairNet(mean, std, params["P"], params["W1"], params["b1"], params["w2"],
                   float(params["b2"]))
