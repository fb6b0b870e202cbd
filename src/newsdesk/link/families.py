"""Duplicate families: the same story text carried by several outlets.

Exact copies share a hash of the normalised text; near-copies (another headline, other
chrome, a paragraph added or cut) are found with MinHash over word shingles and an LSH
index (datasketch), then confirmed by their estimated Jaccard similarity. The first-seen
article heads its family; a later copy's ``duplicate_of`` is that head.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
SHINGLE = 5             # words per shingle
THRESHOLD = 0.5         # LSH candidate threshold (Jaccard of the shingle sets)
SCHEME = "affine32"     # datasketch's permutation scheme (32-bit values): kept sketches need it
CONTAINMENT = 0.7       # share of the shorter text's shingles found in the other to confirm

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def text_hash(text: str = "", tokens: list[str] | None = None) -> str:
    """Hash of the words alone: spacing, case and punctuation do not make a new text.
    ``tokens``: the text's ``words`` when the caller has them."""
    w = words(text) if tokens is None else tokens
    return hashlib.sha1(" ".join(w).encode("utf-8")).hexdigest()


def shingles(text: str = "", k: int = SHINGLE, tokens: list[str] | None = None) -> set[str]:
    w = words(text) if tokens is None else tokens
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}


@functools.lru_cache(maxsize=1)
def _permutations():
    """The sketches' permutations, drawn once (datasketch draws them for every MinHash)."""
    from datasketch import MinHash
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def minhash(text: str = "", shingled: set[str] | None = None):
    from datasketch import MinHash
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    m.update_batch([s.encode("utf-8") for s in (shingles(text) if shingled is None else shingled)])
    return m


def signature(text: str = "", shingled: set[str] | None = None) -> bytes:
    """The MinHash values as bytes (kept beside the article to rebuild the index);
    ``shingled``: the text's ``shingles`` when the caller has them."""
    return np.asarray(minhash(text, shingled).hashvalues, dtype=np.uint32).tobytes()


@functools.lru_cache(maxsize=8)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold, found once per process (its search
    integrates for every candidate: tens of milliseconds per index made)."""
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def from_signature(blob: bytes):
    from datasketch import MinHash
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations(),
                   hashvalues=np.frombuffer(blob, dtype=np.uint32).copy())


@dataclass
class Member:
    id: str
    head: str           # the family head's id (itself for a head)
    hash: str
    similarity: float   # estimated Jaccard to the head (1.0 for a head or an exact copy)


class FamilyIndex:
    """Online duplicate finder: ``add`` each article in the order seen."""

    def __init__(self, threshold: float = THRESHOLD, containment: float = CONTAINMENT):
        from datasketch import MinHashLSH
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM,
                              params=_lsh_params(threshold, NUM_PERM))
        self.containment = containment
        self.by_hash: dict[str, str] = {}
        self.head: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.sketches: dict[str, object] = {}

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.head

    def add(self, article_id: str, text: str, sig: bytes | None = None) -> Member:
        if article_id in self.head:
            return Member(article_id, self.head[article_id], "", 1.0)
        return self.add_sketch(article_id, text_hash(text), sig or signature(text),
                               len(shingles(text)))

    def add_sketch(self, article_id: str, digest: str, sig: bytes, n: int) -> Member:
        """``add`` from what is kept of a text: its hash, MinHash values and shingle count."""
        if article_id in self.head:
            return Member(article_id, self.head[article_id], "", 1.0)
        if digest in self.by_hash:
            head = self.head[self.by_hash[digest]]
            self.head[article_id] = head
            return Member(article_id, head, digest, 1.0)
        m = from_signature(sig)
        best, best_sim = None, 0.0
        for cand in sorted(self.lsh.query(m)):
            jac = m.jaccard(self.sketches[cand])
            # Jaccard to containment: a copy with a paragraph cut keeps most of its shingles
            # inside the longer text even when the union grows.
            small = min(n, self.sizes[cand]) or 1
            inter = jac * (n + self.sizes[cand]) / (1 + jac)
            if inter / small >= self.containment and jac > best_sim:
                best, best_sim = cand, jac
        self.by_hash[digest] = article_id
        self.sketches[article_id] = m
        self.sizes[article_id] = n
        self.lsh.insert(article_id, m)
        head = self.head[best] if best else article_id
        self.head[article_id] = head
        return Member(article_id, head, digest, best_sim if best else 1.0)
