"""Story splits: a story the online clustering over-merged is cut in two.

Two happenings of one kind (two earthquakes, two arrests) read alike, so articles of the
second can join the first's story one by one, each close enough to the members it joined.
After an article joins a story of ``MIN_SIZE`` to ``MAX_SIZE`` scored members (members
with a lead vector of their own), the step runs 2-means on the members' lead vectors
(cosine; started from the farthest pair, so the same members always give the same
halves) and asks link.story_merge's learned scorer whether the two halves, as two stories,
would merge: if its chance is below ``SPLIT_CUT`` they become two stories. Each half is
tried again (``MAX_DEPTH`` levels at most). Copies (members without a vector of their own)
go with their head.

Ids: the half holding the story's first member keeps the story's id; the other is named
after its first member and its rank (the index's creation number), ``<first>~<rank>``:
the same articles in the same order give the same ids, and no id is made twice. A half's
centroid, keys and times are its scored members' replayed in their order, as a store
loading the story gives them back.

``SPLIT_CUT``: ``scripts/train_story_split.py`` (cross-validation over the ECB+ training
topics; the dev topics are not read). Run by ``link.Linker`` after the merge step (the
stored linker too; store.links writes the moved articles) and by ``bench/linking.py``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .stories import Story, StoryIndex, _blas
from .story_merge import MergeScorer, merge_scorer, pair_features

MIN_SIZE, MAX_SIZE = 8, 64   # scored members of a story the step tries to split
MIN_HALF = 2                 # a half of fewer scored members is no story of its own
MAX_DEPTH = 2                # levels of splitting per step (at most 2 ** MAX_DEPTH parts)
SPLIT_CUT = 0.35             # split when the merge scorer's chance for the halves is below (CV)
ITERATIONS = 20


def two_means(M: np.ndarray) -> np.ndarray:
    """0/1 per row of the unit vectors ``M``: 2-means by cosine, started from the farthest
    pair (the first such pair in row order), ties to half 0. Deterministic. The products
    are small: on one BLAS thread (threads only contend, as in ``StoryIndex.choose``)."""
    with _blas().limit(limits=1, user_api="blas"):
        return _two_means(M)


def _two_means(M: np.ndarray) -> np.ndarray:
    S = M @ M.T
    n = len(M)
    iu = np.triu_indices(n, 1)
    k = int(np.argmin(S[iu]))
    centres = np.stack([M[iu[0][k]], M[iu[1][k]]])
    side = None
    for _ in range(ITERATIONS):
        sims = M @ centres.T
        new = (sims[:, 1] > sims[:, 0]).astype(np.int8)
        if side is not None and np.array_equal(new, side):
            break
        side = new
        if side.all() or not side.any():
            break
        for h in (0, 1):
            c = M[side == h].sum(axis=0)
            centres[h] = c / max(np.linalg.norm(c), 1e-12)
    return side


def _half(sid: str, scored: list[str], story: Story, rows: np.ndarray, time_of) -> Story:
    """A story of the scored members at ``rows`` (in their order), replayed."""
    out = Story(sid, np.zeros_like(story.centroid))
    for i in rows:
        out.add(scored[i], story.vecs[i], set(story.key_sets[i]), time_of(scored[i]))
    return out


def split_step(index: StoryIndex, sid: str, unscored: set[str] | frozenset = frozenset(),
               time_of: Callable[[str], str | None] = lambda a: None,
               head_of: Callable[[str], str | None] = lambda a: None,
               model: MergeScorer | None = None, cut: float = SPLIT_CUT,
               depth: int = 0) -> list[tuple[str, str, list[str]]]:
    """Split ``sid`` if its halves would not merge (see the module's docstring). Returns
    the splits made, (story, new story, the members moved to it) each, in order.
    ``unscored``: the members without a vector of their own (copies), each following
    ``head_of(member)``'s half; ``time_of``: a member's time."""
    story = index.stories.get(sid)
    if story is None or not MIN_SIZE <= len(story.vecs) <= MAX_SIZE:
        return []
    scored = [a for a in story.members if a not in unscored]
    if len(scored) != len(story.vecs):
        return []   # members and vectors out of step: nothing to split safely
    side = two_means(story.matrix().astype(np.float64))
    first = side[0]   # the half of the story's first scored member keeps the id
    keep = np.flatnonzero(side == first)
    move = np.flatnonzero(side != first)
    if min(len(keep), len(move)) < MIN_HALF:
        return []
    rank = index.peek_rank()
    new = f"{scored[move[0]]}~{rank}"
    A = _half(sid, scored, story, keep, time_of)
    B = _half(new, scored, story, move, time_of)
    model = model or merge_scorer()
    if float(model.prob(np.array([pair_features(index, A, B)]))[0]) >= cut:
        return []
    moved_scored = {scored[i] for i in move}
    in_b = lambda a: a in moved_scored or (a in unscored and head_of(a) in moved_scored)  # noqa: E731
    A.members = [a for a in story.members if not in_b(a)]
    B.members = [a for a in story.members if in_b(a)]
    index.replace(sid, A)
    index.start(new, B)
    out = [(sid, new, list(B.members))]
    if depth + 1 < MAX_DEPTH:
        for s in (sid, new):
            out += split_step(index, s, unscored, time_of, head_of, model, cut, depth + 1)
    return out
