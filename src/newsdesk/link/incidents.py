"""Incidents: event mentions from different articles that describe one real happening.

A pairwise scorer (logistic regression, weights built by scripts/train_incident_scorer.py
from the ECB+ training topics and shipped in data/incident_scorer.npz) gives the chance
that two mentions corefer. The linker groups a new article's own events first
(``units``: average linkage at the within-document cut, by a scorer of its own,
data/unit_scorer.npz, on the static table's vectors: no model pass for an article whose
events have nothing to compare with elsewhere), then each group joins the incident of its
story or of a story the article nearly joined with the best mean chance over its pairs
(``best_incident``), or starts one; both cuts are chosen by cross-validation over the
training topics. ``cluster`` (average linkage over a whole story neighbourhood, see
``neighbourhoods``) is the offline comparison the bench prints. Two of the features say
whether the two articles are in the same story and how alike their leads are, so mentions
of two neighbouring stories merge only on strong evidence.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

FEATURES = ("same_lemma", "trigger_cos", "sentence_cos", "args_jaccard", "same_doc",
            "time_agree", "place_agree", "type_agree", "trigger_cos_sq", "same_lemma_x_cos",
            "doc_cos", "same_story", "same_story_x_cos", "same_story_x_lemma",
            "same_lemma_x_doc_cos")


@dataclass
class Mention:
    """What the scorer knows of one event mention."""

    key: object                 # caller's id for the mention
    doc: str
    lemma: str                  # head lemma of the trigger
    vec: np.ndarray             # trigger in context (unit vector)
    sent_vec: np.ndarray        # its sentence (unit vector)
    args: frozenset = field(default_factory=frozenset)  # actors, targets, names around it
    time: str | None = None     # TIMEX3 value
    place: str | None = None
    type: str | None = None     # PLOVER type
    doc_vec: np.ndarray | None = None   # the article's lead (unit vector)
    story: str | None = None    # the article's story


def _doc_vec(m: Mention) -> np.ndarray:
    return m.vec * 0.0 if m.doc_vec is None else m.doc_vec


def _agree(a, b) -> float:
    """+1 same, -1 different, 0 when either is unknown."""
    if not a or not b:
        return 0.0
    return 1.0 if a == b else -1.0


def _time_agree(a: str | None, b: str | None) -> float:
    # TIMEX3 values agree when one contains the other (2023-01 contains 2023-01-05); only
    # calendar values count: "PRESENT_REF" or an unanchored "XXXX-WXX-4" says nothing of
    # whether two reports are of one day
    if not a or not b or not a[:1].isdigit() or not b[:1].isdigit():
        return 0.0
    return 1.0 if a.startswith(b) or b.startswith(a) else -1.0


def pair_features(a: Mention, b: Mention) -> np.ndarray:
    same = float(a.lemma == b.lemma)
    tcos = float(a.vec @ b.vec)
    union = a.args | b.args
    jac = len(a.args & b.args) / len(union) if union else 0.0
    dcos = float(_doc_vec(a) @ _doc_vec(b))
    ss = float(a.story == b.story)
    return np.array([same, tcos, float(a.sent_vec @ b.sent_vec), jac, float(a.doc == b.doc),
                     _time_agree(a.time, b.time), _agree(a.place, b.place), _agree(a.type, b.type),
                     tcos * tcos, same * tcos, dcos, ss, ss * tcos, ss * same, same * dcos],
                    dtype=np.float32)


def features_to_many(a: Mention, others: list[Mention]) -> np.ndarray:
    """``pair_features(a, b)`` for every b of ``others`` as one (len(others), k) array."""
    V = np.stack([b.vec for b in others])
    S = np.stack([b.sent_vec for b in others])
    tcos = V @ a.vec
    same = np.array([a.lemma == b.lemma for b in others], dtype=np.float32)
    jac = np.array([len(a.args & b.args) / len(a.args | b.args) if (a.args | b.args) else 0.0
                    for b in others], dtype=np.float32)
    rest = np.array([(float(a.doc == b.doc), _time_agree(a.time, b.time), _agree(a.place, b.place),
                      _agree(a.type, b.type)) for b in others], dtype=np.float32).reshape(-1, 4)
    dcos = np.stack([_doc_vec(b) for b in others]) @ _doc_vec(a)
    ss = np.array([a.story == b.story for b in others], dtype=np.float32)
    return np.column_stack([same, tcos, S @ a.sent_vec, jac, rest, tcos * tcos, same * tcos,
                            dcos, ss, ss * tcos, ss * same, same * dcos]).astype(np.float32)


def feature_matrix(ms: list[Mention]) -> np.ndarray:
    """All pairwise features of a group as an (n, n, k) array, vectorised."""
    n = len(ms)
    V = np.stack([m.vec for m in ms])
    S = np.stack([m.sent_vec for m in ms])
    lem = np.array([m.lemma for m in ms], dtype=object)
    same = (lem[:, None] == lem[None, :]).astype(np.float32)
    tcos = V @ V.T
    jac = np.zeros((n, n), dtype=np.float32)
    tim = np.zeros((n, n), dtype=np.float32)
    pla = np.zeros((n, n), dtype=np.float32)
    typ = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = ms[i], ms[j]
            union = a.args | b.args
            if union:
                jac[i, j] = jac[j, i] = len(a.args & b.args) / len(union)
            tim[i, j] = tim[j, i] = _time_agree(a.time, b.time)
            pla[i, j] = pla[j, i] = _agree(a.place, b.place)
            typ[i, j] = typ[j, i] = _agree(a.type, b.type)
    doc = np.array([m.doc for m in ms], dtype=object)
    same_doc = (doc[:, None] == doc[None, :]).astype(np.float32)
    D = np.stack([_doc_vec(m) for m in ms])
    dcos = D @ D.T
    sto = np.array([m.story for m in ms], dtype=object)
    ss = (sto[:, None] == sto[None, :]).astype(np.float32)
    return np.stack([same, tcos, S @ S.T, jac, same_doc, tim, pla, typ, tcos * tcos, same * tcos,
                     dcos, ss, ss * tcos, ss * same, same * dcos], axis=-1).astype(np.float32)


class Scorer:
    """Logistic regression over standardised pair features."""

    def __init__(self, weights: np.ndarray, bias: float, mean: np.ndarray, std: np.ndarray,
                 threshold: float = 0.5, doc_threshold: float | None = None):
        self.weights, self.bias = np.asarray(weights, dtype=np.float32), float(bias)
        self.mean, self.std = np.asarray(mean, dtype=np.float32), np.asarray(std, dtype=np.float32)
        self.threshold = float(threshold)
        # the cut of the within-document step (``units``); None: each event on its own
        self.doc_threshold = None if doc_threshold is None else float(doc_threshold)

    def prob(self, feats: np.ndarray) -> np.ndarray:
        z = ((feats - self.mean) / self.std) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path) -> None:
        np.savez(path, weights=self.weights, bias=np.float32(self.bias), mean=self.mean,
                 std=self.std, threshold=np.float32(self.threshold), features=np.array(FEATURES),
                 doc_threshold=np.float32(np.nan if self.doc_threshold is None else self.doc_threshold))

    @classmethod
    def load(cls, path) -> "Scorer":
        with np.load(path) as z:
            if tuple(str(f) for f in z["features"]) != FEATURES:
                raise ValueError(f"{path}: trained on other features; rerun the training script")
            doc = float(z["doc_threshold"]) if "doc_threshold" in z.files else float("nan")
            return cls(z["weights"], float(z["bias"]), z["mean"], z["std"], float(z["threshold"]),
                       None if np.isnan(doc) else doc)


def train(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, epochs: int = 300,
          lr: float = 0.5, balanced: bool = False) -> Scorer:
    """Logistic regression by full-batch gradient descent (``balanced`` weighs the classes
    equally; plain gave the better dev clustering: the cut is chosen there anyway)."""
    mean, std = X.mean(0), X.std(0) + 1e-6
    Z = (X - mean) / std
    pos = max(y.sum(), 1)
    neg = max(len(y) - y.sum(), 1)
    sw = (np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg)) if balanced
          else np.ones(len(y))).astype(np.float32)
    w = np.zeros(X.shape[1], dtype=np.float32)
    b = 0.0
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(Z @ w + b)))
        g = (p - y) * sw
        w -= lr * (Z.T @ g / len(y) + l2 * w)
        b -= lr * float(g.mean())
    return Scorer(w, b, mean, std)


@functools.lru_cache(maxsize=1)
def scorer() -> Scorer:
    """The shipped scorer, loaded once per process."""
    path = resources.files("newsdesk") / "data" / "incident_scorer.npz"
    with resources.as_file(path) as p:
        return Scorer.load(p)


@functools.lru_cache(maxsize=1)
def unit_scorer() -> Scorer:
    """The shipped within-document scorer (``units``, its cut ``doc_threshold``): the same
    features on the static table's vectors, learned from one article's own event pairs
    (scripts/train_incident_scorer.py); loaded once per process."""
    path = resources.files("newsdesk") / "data" / "unit_scorer.npz"
    with resources.as_file(path) as p:
        return Scorer.load(p)


def neighbourhoods(stories, docs) -> dict[str, str]:
    """Groups of stories whose mentions are clustered together: a story joins another's
    group when one of its articles passes the story threshold with that other story too
    (the article could have joined either). ``stories`` is a link.stories.StoryIndex;
    ``docs`` gives (article id, lead vector, keys, time) per article. Article id -> group."""
    of = stories.assignments()
    parent = {s: s for s in set(of.values())}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc, vec, keys, time in docs:
        mine = of[doc]
        for sid in neighbour_stories(stories, vec, keys, time) - {mine}:
            parent[find(sid)] = find(mine)
    return {d: find(s) for d, s in of.items()}


def neighbour_stories(stories, vec, keys, time) -> set[str]:
    """The stories an article with this lead, keys and time would pass the story scorer's
    cut with (link.stories.StoryIndex.best keeps only the likeliest of them). Found by
    ``StoryIndex.choose``: a candidate whose bound cannot reach the cut is not scored in
    full (the same stories as scoring every candidate)."""
    model = stories.model_or_default()
    cut = model.threshold if stories.threshold is None else stories.threshold
    return set(stories.choose(vec, set(keys), cut, time)[1])


def cluster(ms: list[Mention], model: Scorer | None = None,
            threshold: float | None = None) -> list[int]:
    """Average-linkage clusters of one group of mentions: a label per mention."""
    if len(ms) < 2:
        return [0] * len(ms)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    model = model or scorer()
    cut = model.threshold if threshold is None else threshold
    P = model.prob(feature_matrix(ms))
    D = 1.0 - (P + P.T) / 2
    np.fill_diagonal(D, 0.0)
    Z = linkage(squareform(D, checks=False), "average")
    return [int(x) - 1 for x in fcluster(Z, 1.0 - cut, "distance")]


def units(ms: list[Mention], model: Scorer | None = None, cut: float | None = None) -> list[list[int]]:
    """Within-document first: one article's event mentions clustered by average linkage at
    the within-document cut (``model.doc_threshold``; None keeps each event apart), so the
    article's own account of one happening joins or starts an incident as one unit. Index
    lists, each sorted, in the order of their first member."""
    model = model or scorer()
    cut = model.doc_threshold if cut is None else cut
    if cut is None or len(ms) < 2:
        return [[i] for i in range(len(ms))]
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(cluster(ms, model, cut)):
        groups.setdefault(lab, []).append(i)
    return sorted(groups.values())


def join_chance(unit: list[Mention], others: list[Mention], model: Scorer) -> float:
    """A unit's chance of joining an incident: the mean pair chance over every (member of
    the unit, mention of the incident) pair, a cluster-level decision, not one link."""
    return float(np.mean(np.concatenate([model.prob(features_to_many(m, others)) for m in unit])))


def best_incident(unit: list[Mention], candidates, model: Scorer | None = None):
    """The candidate (``(key, its mentions)`` pairs, in order) the unit joins: the likeliest
    at or above the cut, the later of equals; None when none passes (a new incident)."""
    model = model or scorer()
    best, best_p = None, model.threshold
    for key, others in candidates:
        if others:
            p = join_chance(unit, others, model)
            if p >= best_p:
                best, best_p = key, p
    return best


def assign(ms: list[Mention], candidates, model: Scorer | None = None,
           groups: list[list[int]] | None = None) -> list[tuple[list[int], str | None]]:
    """The linker's decision for one article's new mentions: each unit (``groups``, else
    ``units`` by ``model``) with the candidate incident it joins (``best_incident``), None
    where it starts one."""
    model = model or scorer()
    groups = units(ms, model) if groups is None else groups
    return [(u, best_incident([ms[j] for j in u], candidates, model)) for u in groups]
