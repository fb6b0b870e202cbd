"""Stories: articles about the same developing news, clustered online.

An article is a unit vector of its title and lead (link.embed) plus a set of keys (its
entities' canonical names, its places, dates, years and figures: link.keys). Candidate
stories come from an inverted index over keys plus the most recent stories, never from
every story (a key on more than ``KEY_CAP`` stories in the time window pulls none); a
candidate whose articles all lie outside the time window is skipped. A
learned scorer (logistic regression, ``FEATURES``) gives the chance that the article
belongs to each candidate; the article joins the most likely one if that chance passes
the scorer's threshold, else it starts a story of its own. ``add`` scores in full only the
candidates whose bound on the chance can reach that threshold (``StoryIndex.choose``): the
same decisions at a fraction of the cost when candidates are many.

The features weigh specific evidence beside topical likeness, because two happenings of
the same kind (two earthquakes, two arrests) read alike: keys count by their rarity among
the articles seen so far (IDF), figures (years, counts) count on their own, and the
article is compared with the story's nearest members as well as its centroid. Stories
that started apart can merge later through link.story_merge (a learned story-to-story
scorer that link.Linker runs after an article joins); merging by centroid alone was where
two such happenings were joined. A story that joined two anyway can split again through
link.story_split (its two halves by 2-means, judged by the merge scorer).

Weights and threshold: ``scripts/train_story_scorer.py`` on the ECB+ training topics, each
document's rows its 3 candidates nearest by centroid cosine (the choice that goes wrong is
between near stories; far ones are easy negatives that swamp the rows), the threshold by
cross-validation over those topics; ``bench/linking.py --tune-stories``
prints the curve; shipped in data/story_scorer.json and loaded once per process.
"""
from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

import numpy as np

WINDOW_DAYS = 14.0
RECENT = 200          # the most recent stories are always candidates (no shared key needed)
# a key more stories in the time window carry than this pulls no candidates ("2019",
# "PRESENT_REF" on ~1,400 in a 100,000 store): it selects less than recency does, which
# gives RECENT candidates with no shared key at all. Its IDF still counts in the features.
KEY_CAP = RECENT
# with no keys on one side the scorer has no specific evidence to weigh: the article
# joins on likeness alone, at the cut of the earlier hand-tuned rule (0.7 cos + 0.3 key
# overlap >= 0.6, chosen on the ECB+ training topics) with no key overlap
KEYLESS_COS = 0.6 / 0.7
NEAREST = 8           # members whose keys are compared one by one (the nearest by vector)
FEATURES = ("cos_centroid", "cos_nearest", "key_share", "story_key_share",
            "nearest_key_overlap", "rarest_shared", "figure_share", "log_size")
_FIGURE = re.compile(r"\d")


@functools.lru_cache(maxsize=65536)
def _when(t: str) -> datetime | None:
    # parsed once per distinct time: every candidate story's times are compared per article
    try:
        return datetime.fromisoformat(t[:19].replace("Z", ""))
    except ValueError:
        return None


def day(t: str | None) -> float | None:
    """Days since 1970 of a story time (None: none or unparsed); ``KEY_CAP``'s window
    count reads these, in memory as from the store's spans (store.link_index)."""
    d = _when(t) if t else None
    return None if d is None else (d - _EPOCH).total_seconds() / 86400.0


@functools.lru_cache(maxsize=65536)
def _span_of(first: str | None, last: str | None) -> tuple[float | None, float | None]:
    a, b = day(first), day(last)
    if a is None or b is None:
        return None, None
    return min(a, b), max(a, b)


def span_days(story: "Story") -> tuple[float | None, float | None]:
    """The story's span in days, (None, None) if an end is unparsed: what the store keeps
    for it (store.link_index's ``lo_day``, ``hi_day``)."""
    return _span_of(story.first, story.last)


def cap_inside(a: float | None, b: float | None, at: float | None, window: float) -> bool:
    """Whether a story of span days (a, b) counts as in the window of an article at day
    ``at`` for ``KEY_CAP``: as ``StoryIndex.in_window``, on day values (a span with an
    unparsed end, as the store keeps it, and an article without a time count in)."""
    if at is None or a is None or b is None:
        return True
    return abs(a - at) <= window or abs(b - at) <= window


def _days(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    da, db = _when(a), _when(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


@dataclass
class StoryScorer:
    """Logistic regression over standardised FEATURES of (article, story)."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    std: np.ndarray
    threshold: float = 0.5

    FEATURES = FEATURES                      # what the weights read, in order
    FILE, SCRIPT = "story_scorer.json", "scripts/train_story_scorer.py"

    def prob(self, feats) -> np.ndarray:
        """NaN features (unmeasured) take the training mean: they add no evidence."""
        x = np.asarray(feats, dtype=np.float64)
        x = np.where(np.isnan(x), self.mean, x)
        z = ((x - self.mean) / self.std) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> str:
        r = lambda v: [round(float(x), 6) for x in v]  # noqa: E731
        return json.dumps({"features": list(self.FEATURES), "weights": r(self.weights),
                           "bias": round(self.bias, 6), "mean": r(self.mean), "std": r(self.std),
                           "threshold": round(self.threshold, 4)}, indent=1)

    @classmethod
    def from_json(cls, text: str):
        d = json.loads(text)
        if tuple(d["features"]) != cls.FEATURES:
            raise ValueError(f"{cls.FILE}: trained on other features; rerun {cls.SCRIPT}")
        return cls(np.array(d["weights"]), float(d["bias"]), np.array(d["mean"]),
                   np.array(d["std"]), float(d["threshold"]))

    @classmethod
    def shipped(cls):
        return cls.from_json((resources.files("newsdesk") / "data" / cls.FILE)
                             .read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _blas():
    """The process's thread pools, found once: the bound's products run on one BLAS
    thread (a few thousand rows: threads only contend, badly so on a busy machine)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


@functools.lru_cache(maxsize=1)
def scorer() -> StoryScorer:
    """The shipped scorer, loaded once per process."""
    return StoryScorer.shipped()


@dataclass
class Story:
    id: str
    centroid: np.ndarray
    keys: dict[str, int] = field(default_factory=dict)   # key -> number of articles with it
    members: list[str] = field(default_factory=list)     # every article, wire copies too
    first: str | None = None
    last: str | None = None
    vecs: list[np.ndarray] = field(default_factory=list)  # the scored members' vectors ...
    key_sets: list[frozenset] = field(default_factory=list)  # ... and keys (copies excluded)
    _matrix: np.ndarray | None = None
    _count: tuple[int, int] = (-1, 0)   # (len(vecs) when counted, sum of the key counts)

    def matrix(self) -> np.ndarray:
        if self._matrix is None or len(self._matrix) != len(self.vecs):
            self._matrix = np.stack(self.vecs)
        return self._matrix

    def key_count(self) -> int:
        """The sum of the key counts (keys over its scored members, with repeats), counted
        again only when members came in (``add`` or link.story_merge, which both grow
        ``vecs``, as ``matrix`` assumes too)."""
        if self._count[0] != len(self.vecs):
            self._count = (len(self.vecs), sum(self.keys.values()))
        return self._count[1]

    def add(self, article_id: str, vec: np.ndarray, keys: set[str], time: str | None) -> None:
        n = len(self.vecs)
        c = self.centroid * n + vec
        self.centroid = c / max(np.linalg.norm(c), 1e-12)
        for k in keys:
            self.keys[k] = self.keys.get(k, 0) + 1
        self.members.append(article_id)
        self.vecs.append(vec)
        self.key_sets.append(frozenset(keys))
        if time:
            self.first = min(self.first or time, time)
            self.last = max(self.last or time, time)


_EPOCH = datetime(1970, 1, 1)
_UNSET = object()   # ``StoryIndex._head`` before a ``candidates`` that says it


def _secs(t: str | None) -> float:
    """Seconds since 1970 of a story time as ``_when`` parses it (NaN: none or unparsed)."""
    d = _when(t) if t else None
    return math.nan if d is None else (d - _EPOCH).total_seconds()


@functools.lru_cache(maxsize=None)
def _eps(dtype) -> float:
    return float(np.finfo(dtype).eps)


def _dot(A: np.ndarray, used: int, rows: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``A[rows] @ v``: the product of every used row then taken when the rows are most
    of them (no copy of the rows), else of the rows taken."""
    if 2 * len(rows) > used:
        return (A[:used] @ v)[rows]
    return A[rows] @ v


_CN, _SIZE, _KC, _NKEYS, _T0, _T1 = range(6)   # the columns of ``_Table.F``


class _Table:
    """What ``StoryIndex.choose``'s bound reads of each story, as arrays, so that the bound
    of every candidate is a few array operations: centroids and their norms, the scored
    members' vectors (rows of one matrix) and norms, sizes, key counts, time spans, and a
    key -> {slot: count} index (a sparse key-by-story matrix by rows).

    A story's row is brought up to date when it is read and its scored members or its
    centroid changed (``Story.add`` and link.story_merge both grow ``vecs``, which, like
    ``matrix`` and ``key_count``, this takes as append-only, and both set a new centroid
    array, as does a loader that sets one), so the stories need not report changes."""

    def __init__(self):
        self.slot: dict[str, int] = {}
        self.obj: list[Story] = []
        self.ver: list[int] = []              # len(vecs) when the row was written ...
        self.cen: list[np.ndarray] = []       # ... and the centroid array it was written from
        self.n = self.m = 0
        self.C = self.M = None
        # per slot: centroid norm, size (scored members), key count, number of keys, and
        # the first and last times in seconds (NaN: none)
        self.F = np.zeros((0, 6))
        self.mn = np.zeros(0)                 # M's row norms
        self.rslot = np.zeros(0, dtype=np.intp)   # M's row -> its story's slot
        self.eps = 0.0                        # the least precise vectors' machine epsilon
        self._types: set = set()
        self.post: dict[str, dict[int, int]] = {}
        self._arr: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @staticmethod
    def _grow(a: np.ndarray, n: int, dtype=None) -> np.ndarray:
        if n <= len(a) and (dtype is None or a.dtype == dtype):
            return a
        out = np.zeros((max(n, 2 * len(a), 64),) + a.shape[1:], dtype=dtype or a.dtype)
        out[:len(a)] = a
        return out

    def _dtype(self, vs) -> np.dtype:
        types = {v.dtype for v in vs}
        if self.C is not None and types <= self._types:
            return self.C.dtype
        self._types |= types
        self.eps = max([self.eps] + [_eps(t) for t in types])
        return np.result_type(self.C.dtype if self.C is not None else np.float16, *types)

    def sync(self, sid: str, story: Story) -> int:
        """The story's slot, its row written from the story as it is now."""
        j = self.slot.get(sid)
        if j is None or self.obj[j] is not story:
            j = self.slot[sid] = self.n
            self.n += 1
            self.obj.append(story)
            self.ver.append(0)
            self.cen.append(None)
            if self.C is None:
                d = len(story.centroid)
                self.C = np.zeros((0, d), dtype=story.centroid.dtype)
                self.M = np.zeros((0, d), dtype=story.centroid.dtype)
            if self.n > len(self.F):
                self.F = self._grow(self.F, self.n)
        new = story.vecs[self.ver[j]:]
        dt = self._dtype([story.centroid, *new])
        if self.n > len(self.C) or dt != self.C.dtype:
            self.C = self._grow(self.C, self.n, dt)
        c = self.C[j]
        c[:] = story.centroid
        if new:
            self._append_members(new, j, dt)
        self._stats(j, c, story)
        post, arr = self.post, self._arr
        for k, n in story.keys.items():
            p = post.get(k)
            if p is None:
                p = post[k] = {}
            if p.get(j) != n:
                p[j] = n
                arr.pop(k, None)
        self.ver[j] = len(story.vecs)
        self.cen[j] = story.centroid
        return j

    def add_many(self, items: list[tuple[str, "Story"]]) -> list[int]:
        """New slots for stories the table does not hold (or holds another object of):
        the rows ``sync`` would write for each in turn, the arrays written once for all
        (a new article brings tens of stories first read from the store)."""
        if not items:
            return []
        first = items[0][1].centroid
        if self.C is None:
            self.C = np.zeros((0, len(first)), dtype=first.dtype)
            self.M = np.zeros((0, len(first)), dtype=first.dtype)
        j0 = self.n
        js = list(range(j0, j0 + len(items)))
        self.n += len(items)
        if self.n > len(self.F):
            self.F = self._grow(self.F, self.n)
        vecs = [v for _, story in items for v in story.vecs]
        dt = self._dtype([story.centroid for _, story in items] + vecs)
        if self.n > len(self.C) or dt != self.C.dtype:
            self.C = self._grow(self.C, self.n, dt)
        C = self.C[j0:self.n]
        C[:] = np.stack([story.centroid for _, story in items])
        if vecs:
            self._append_members(np.stack(vecs), np.repeat(js, [len(st.vecs) for _, st in items]),
                                 dt)
        post, arr = self.post, self._arr
        for (sid, story), j, c in zip(items, js, C):
            self.slot[sid] = j
            self.obj.append(story)
            self.ver.append(len(story.vecs))
            self.cen.append(story.centroid)
            self._stats(j, c, story)
            for k, n in story.keys.items():   # a new slot: in no posting yet
                p = post.get(k)
                if p is None:
                    post[k] = {j: n}
                else:
                    p[j] = n
            for k in story.keys.keys() & arr.keys():
                del arr[k]
        return js

    def _append_members(self, vecs, slots, dt) -> None:
        """Scored members' vectors as new rows of M, with their norms and their stories'
        slots."""
        a, b = self.m, self.m + len(vecs)
        if b > len(self.M) or dt != self.M.dtype:
            self.M = self._grow(self.M, b, dt)
            self.mn = self._grow(self.mn, b)
            self.rslot = self._grow(self.rslot, b)
        self.rslot[a:b] = slots
        V = self.M[a:b]
        V[:] = vecs
        self.mn[a:b] = np.sqrt(np.einsum("ij,ij->i", V, V, dtype=np.float64))
        self.m = b

    def _stats(self, j: int, c: np.ndarray, story: "Story") -> None:
        """Slot ``j``'s row of F from its centroid row ``c`` and the story."""
        self.F[j] = (math.sqrt(np.dot(c, c)), len(story.vecs), story.key_count(),
                     len(story.keys), _secs(story.first), _secs(story.last))

    def postings(self, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The slots whose story carries ``key`` and its count in each (orphaned slots of
        merged or replaced stories too: only candidates' slots are read)."""
        a = self._arr.get(key)
        if a is None:
            p = self.post.get(key)
            if not p:
                return None
            a = self._arr[key] = (np.fromiter(p.keys(), np.intp, len(p)),
                                  np.fromiter(p.values(), np.float64, len(p)))
        return a


class StoryIndex:
    """Online story clustering; ``add`` articles in arrival order."""

    def __init__(self, threshold: float | None = None, window_days: float = WINDOW_DAYS,
                 model: StoryScorer | None = None):
        self.model = model
        self.threshold, self.window = threshold, window_days
        self.stories: dict[str, Story] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.df: dict[str, int] = defaultdict(int)   # key -> articles seen with it
        self.seen = 0                                  # articles seen (scored ones)
        self.of: dict[str, str] = {}          # article id -> story id
        self.merged: dict[str, str] = {}      # merged-away story id -> survivor (link.story_merge)
        self._order: list[str] = []
        self._rank: dict[str, int] = {}       # story id -> when it started
        self.passed: list[str] = []           # the stories the last ``add`` found above the cut
        self._table = _Table()                # the bound's arrays (``choose``)
        # ``candidates`` sets the oldest of the RECENT list it read (None: not full); the
        # last ``choose``'s candidates in the window and their table slots; what the last
        # ``add`` leaves for ``merge_pool`` (link.story_merge's candidates after it)
        self._head: str | None | object = _UNSET
        self._pool: tuple[list[str], np.ndarray] | None = None
        self._after: tuple | None = None
        # the last ``candidates``' keys that pulled, and whether one was at KEY_CAP
        self._pulled: list[str] = []
        self._brink = False

    def model_or_default(self) -> StoryScorer:
        return self.model or scorer()

    def idf(self, key: str) -> float:
        return math.log(1.0 + (self.seen + 1) / (self.df.get(key, 0) + 1))

    def in_window(self, story: Story, time: str | None) -> bool:
        gaps = [g for g in (_days(time, story.last), _days(time, story.first)) if g is not None]
        return not gaps or min(gaps) <= self.window

    def window_test(self, time: str | None):
        """``in_window`` with the article's time parsed once, for many stories."""
        at = _when(time) if time else None
        if at is None:
            return lambda story: True
        window = self.window

        def inside(story: Story) -> bool:
            seen = False
            for t in (story.last, story.first):
                when = _when(t) if t else None
                if when is not None:
                    if abs((at - when).total_seconds()) / 86400.0 <= window:   # as _days
                        return True
                    seen = True
            return not seen
        return inside

    def features(self, story: Story, vec: np.ndarray, keys: set[str],
                 memo: dict | None = None) -> list[float]:
        """FEATURES of the article (vec, keys) against the story. ``memo``: key -> IDF,
        shared by the candidates of one article (the same values, computed once)."""
        memo = {} if memo is None else memo
        for ks in (keys, story.keys):   # every key read below (members' keys are the story's)
            for k in ks:
                if k not in memo:
                    memo[k] = self.idf(k)
        idf_of = memo.__getitem__
        idf = {k: memo[k] for k in keys}
        total = sum(idf.values())
        shared = [k for k in keys if k in story.keys]
        key_share = sum(idf[k] for k in shared) / total if total else 0.0
        n = len(story.vecs)
        # the story's keys weigh by the share of its articles that carry them
        sw = {k: c / n * idf_of(k) for k, c in story.keys.items()}
        sw_total = sum(sw.values())
        story_share = sum(sw[k] for k in shared) / sw_total if sw_total else 0.0
        sims = story.matrix() @ vec
        near = np.argsort(-sims)[:NEAREST]
        overlap = 0.0
        for j in near:
            other = story.key_sets[j]
            union = keys | other
            if union:
                overlap = max(overlap, sum(map(idf_of, keys & other)) / sum(map(idf_of, union)))
        rarest = max((idf[k] for k in shared), default=0.0) / math.log(2.0 + self.seen)
        figures = [k for k in keys if _FIGURE.search(k)]
        fig_total = sum(idf[k] for k in figures)
        fig_share = sum(idf[k] for k in figures if k in story.keys) / fig_total if fig_total else 0.0
        if not keys or not story.keys:
            # no keys on one side (enrichment found none): key evidence is missing, not
            # against (StoryIndex.best then decides on KEYLESS_COS)
            key_share = story_share = overlap = rarest = fig_share = math.nan
        return [float(story.centroid @ vec), float(sims[near[0]]), key_share, story_share,
                overlap, rarest, fig_share, math.log(1.0 + n)]

    def window_count(self, n: int, ids, at: float | None) -> int:
        """The number of stories carrying a key in the window of an article at day ``at``
        (``cap_inside``), ``n`` of them counted already and ``ids`` (stories held here)
        to count; exact up to ``KEY_CAP`` + 1, where it stops (above: more, or less when
        the upper bound ``n + len(ids)`` is under ``KEY_CAP``)."""
        if n + len(ids) < KEY_CAP:
            return n + len(ids)
        stories, w = self.stories, self.window
        for sid in ids:
            s = stories.get(sid)
            if s is not None and cap_inside(*span_days(s), at, w):
                n += 1
                if n > KEY_CAP:
                    break
        return n

    def pull(self, counts: dict[str, int]) -> list[str]:
        """The keys (with their ``window_count``) that pull candidates, sorted; notes
        whether one is at the cap exactly (``add``: a story joined or made then can take
        it over)."""
        self._pulled = sorted(k for k, c in counts.items() if c <= KEY_CAP)
        self._brink = any(counts[k] == KEY_CAP for k in self._pulled)
        return self._pulled

    def candidates(self, keys: set[str], time: str | None = None) -> list[str]:
        """The stories sharing a key that no more than ``KEY_CAP`` stories in the window
        carry, and the most recent ones, oldest first: a fixed order (not a set's, which
        follows the process's string hashing), so ties go the same way in every process."""
        at = day(time)
        pulled = self.pull({k: self.window_count(0, self.by_key.get(k, ()), at) for k in keys})
        out = {s for k in pulled for s in self.by_key.get(k, ())}
        recent = self._order[-RECENT:]
        out.update(recent)
        self._head = recent[0] if len(recent) >= RECENT else None
        return sorted(out, key=self._rank.__getitem__)

    def scored(self, vec: np.ndarray, keys: set[str], time: str | None = None
               ) -> tuple[list[str], np.ndarray]:
        """Every candidate story in the time window and the scorer's chance for each."""
        model = self.model_or_default()
        ids, rows, memo = [], [], {}
        for sid in self.candidates(keys, time):
            story = self.stories[sid]
            if story.vecs and self.in_window(story, time):
                ids.append(sid)
                rows.append(self.features(story, vec, keys, memo))
        if not ids:
            return [], np.zeros(0)
        F = np.array(rows)
        p = model.prob(F)
        keyless = np.isnan(F[:, 2])   # no keys on one side: likeness alone decides
        p[keyless] = (F[keyless, 0] >= KEYLESS_COS).astype(float)
        return ids, p

    def choose(self, vec: np.ndarray, keys: set[str], cut: float, time: str | None = None
               ) -> tuple[str | None, list[str]]:
        """The likeliest candidate at or above ``cut`` (None if none) and every candidate
        at or above it, in candidate order: what ``scored`` would give, but a candidate
        whose score cannot reach the cut is never scored in full.

        Its bound: every feature but the nearest members' key overlap is measured, for all
        candidates at once from the story table's arrays (``_Table``: centroid and member
        dot products as matrix products, the shared keys' sums over the key index's rows);
        the overlap is at most the key share (the keys an article shares with a member are
        among those it shares with the story, over at least its own keys), and the story
        key share at most its value with every unshared key of the story at the IDF floor;
        the scorer weighs both positively. The dot products are raised by their rounding
        error's bound, so the bound holds whatever order the sums run in. A candidate that
        cannot reach the cut can neither pass nor be the chosen one (the chosen one must
        pass)."""
        model = self.model_or_default()
        w = model.weights
        self._pool, self._head = None, _UNSET
        # the bounds need positive weights on the two features they bound from above
        if min(w[FEATURES.index("nearest_key_overlap")], w[FEATURES.index("story_key_share")]) < 0:
            ids, ps = self.scored(vec, keys, time)
            passed = [sid for sid, q in zip(ids, ps) if q >= cut]
            return (ids[int(np.argmax(ps))] if passed else None), passed
        tab, stories = self._table, self.stories
        sids, slots = [], []
        slot_of, ver, obj, cen = tab.slot, tab.ver, tab.obj, tab.cen
        fresh: list[tuple[int, str, Story]] = []   # not in the table: added in one go
        for sid in self.candidates(keys, time):
            story = stories[sid]
            nv = len(story.vecs)
            if not nv:
                continue
            j = slot_of.get(sid)
            if j is None or obj[j] is not story:
                fresh.append((len(sids), sid, story))
            elif ver[j] != nv or cen[j] is not story.centroid:
                j = tab.sync(sid, story)
            sids.append(sid)
            slots.append(j)
        if fresh:
            for (i, _, _), j in zip(fresh, tab.add_many([(sid, st) for _, sid, st in fresh])):
                slots[i] = j
        if not sids:
            self._pool = ([], np.zeros(0, dtype=np.intp))
            return None, []
        S = np.array(slots, dtype=np.intp)
        at = _when(time) if time else None
        if at is not None:
            # the window as ``window_test``, in seconds; a gap within a hair of the edge
            # (float rounding) is tested exactly
            a = (at - _EPOCH).total_seconds()
            with np.errstate(invalid="ignore"):
                g0 = np.abs(tab.F[S, _T0] - a) / 86400.0
                g1 = np.abs(tab.F[S, _T1] - a) / 86400.0
            seen = ~(np.isnan(g0) & np.isnan(g1))
            inside = (g0 <= self.window) | (g1 <= self.window) | ~seen
            edge = np.flatnonzero((np.abs(g0 - self.window) < 1e-6) | (np.abs(g1 - self.window) < 1e-6))
            if len(edge):
                test = self.window_test(time)
                for i in edge:
                    inside[i] = test(stories[sids[i]])
            if not inside.all():
                keep = np.flatnonzero(inside)
                sids = [sids[i] for i in keep]
                S = S[keep]
                if not sids:
                    self._pool = ([], S)
                    return None, []
        self._pool = (sids, S)
        # the cosines as ``features`` computes them, one story at a time, differ from these
        # by at most their two rounding errors' bound (gamma_d |a| |b| each, gamma_d =
        # d u / (1 - d u), u half the least precise vectors' machine epsilon)
        du = len(vec) * max(tab.eps, _eps(vec.dtype)) / 2
        slack = (2 * du / (1 - du) if du < 0.5 else math.inf) * float(np.linalg.norm(vec)) * 1.001
        vt = vec.astype(np.result_type(vec, tab.C), copy=False)
        with _blas().limit(limits=1, user_api="blas"):
            cos_c = _dot(tab.C, tab.n, S, vt)
        marg_c = slack * tab.F[S, _CN] + 1e-12
        n = len(sids)
        p = np.full(n, math.nan)
        if not keys:
            keyless = np.ones(n, dtype=bool)
        else:
            keyless = tab.F[S, _NKEYS] == 0
        if keyless.any():   # likeness alone decides (as in ``scored``)
            for i in np.flatnonzero(keyless):
                c = cos_c[i]
                if c - marg_c[i] >= KEYLESS_COS:
                    p[i] = 1.0
                elif c + marg_c[i] < KEYLESS_COS:
                    p[i] = 0.0
                else:
                    p[i] = 1.0 if float(stories[sids[i]].centroid @ vec) >= KEYLESS_COS else 0.0
        bi = np.flatnonzero(~keyless)
        if len(bi):
            memo: dict[str, float] = {k: self.idf(k) for k in keys}
            total = sum(memo[k] for k in keys)
            figures = {k for k in keys if _FIGURE.search(k)}
            fig_total = sum(memo[k] for k in figures)
            with _blas().limit(limits=1, user_api="blas"):
                B = self._bounds(vec, vt, keys, memo, figures, S[bi], slack)
            B[:, 0] = cos_c[bi] + marg_c[bi]
            B[:, 2] /= total
            B[:, 4] = B[:, 2]
            B[:, 5] /= math.log(2.0 + self.seen)
            B[:, 6] = B[:, 6] / fig_total if fig_total else 0.0
            # a hair of slack: the bound's sums run in another order than ``features``'
            keep = np.flatnonzero(model.prob(B) + 1e-9 >= cut)
            # the survivors' story share exactly (its key sum over all the story's keys,
            # the costly part): a tighter bound, and the full features only where it holds
            share = FEATURES.index("story_key_share")
            for j in keep:
                if B[j, share] > 0.0:
                    B[j, share] = self._story_share(stories[sids[bi[j]]], keys, memo)
            keep = keep[model.prob(B[keep]) + 1e-9 >= cut] if len(keep) else keep
            todo = [int(bi[j]) for j in keep]
            if todo:
                rows = [self.features(stories[sids[i]], vec, keys, memo) for i in todo]
                p[todo] = model.prob(np.array(rows))
        with np.errstate(invalid="ignore"):
            passed_at = np.flatnonzero(p >= cut).tolist()   # NaN (skipped) never passes
        if not passed_at:
            return None, []
        best = max(passed_at, key=lambda i: (p[i], -i))   # the first of equals, as argmax
        return sids[best], [sids[i] for i in passed_at]

    def _bounds(self, vec, vt, keys, memo, figures, S, slack) -> np.ndarray:
        """The bound's rows for the keyed candidates' slots ``S``: FEATURES with the key
        share, rarest key and figure share not yet divided by their totals (``choose``
        does), the overlap column unset, the cosines raised by their rounding slack."""
        tab = self._table
        n = tab.n
        num, shared, counts, rare, fig = (np.zeros(n) for _ in range(5))
        # keys in rising IDF: the rarest shared key's IDF is the last one written
        for k in sorted(keys, key=lambda k: (memo[k], k)):
            post = tab.postings(k)
            if post is None:
                continue
            s, c = post
            v = memo[k]
            num[s] += c * v
            shared[s] += v
            counts[s] += c
            rare[s] = v
            if k in figures:
                fig[s] += v
        B = np.empty((len(S), len(FEATURES)))
        num, counts = num[S], counts[S]
        # the story's weighted key sum (over all its keys) at its least: the shared keys'
        # part exactly, every other key at the IDF floor (log 2: no key is on more
        # articles than were seen)
        den = num + (tab.F[S, _KC] - counts) * math.log(2.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            B[:, 3] = np.where(den > 0, num / den, 0.0)
        B[:, 2] = shared[S]
        B[:, 5] = rare[S]
        B[:, 6] = fig[S]
        B[:, 7] = np.log(1.0 + tab.F[S, _SIZE])
        # the nearest member: every candidate member's cosine (raised by its slack), the
        # largest per story
        want = np.zeros(n, dtype=bool)
        want[S] = True
        rows = np.flatnonzero(want[tab.rslot[:tab.m]])
        sims = _dot(tab.M, tab.m, rows, vt) + (slack * tab.mn[rows] + 1e-12)
        best = np.full(n, -np.inf)
        np.maximum.at(best, tab.rslot[rows], sims)
        B[:, 1] = best[S]
        return B

    def _story_share(self, story: Story, keys: set[str], memo: dict) -> float:
        """The story key share of ``features`` (IDFs filled into ``memo``)."""
        skeys, den = story.keys, 0.0
        for k, c in skeys.items():
            v = memo.get(k)
            if v is None:
                v = memo[k] = self.idf(k)
            den += c * v
        num = sum(skeys[k] * memo[k] for k in keys if k in skeys)
        return num / den if den else 0.0

    def best(self, vec: np.ndarray, keys: set[str], time: str | None = None) -> tuple[str | None, float]:
        """The most likely candidate story and its chance (None, 0 without candidates)."""
        ids, p = self.scored(vec, keys, time)
        if not ids:
            return None, 0.0
        j = int(np.argmax(p))
        return ids[j], float(p[j])

    def add(self, article_id: str, vec: np.ndarray, keys: set[str], time: str | None = None,
            story_id: str | None = None) -> str:
        """The story the article joins (a new one named ``story_id`` or the article's id)."""
        if article_id in self.of:
            return self.of[article_id]
        keys = set(keys)
        cut = self.model_or_default().threshold if self.threshold is None else self.threshold
        # the stories passing the cut, for a caller that needs them (link.linker's
        # neighbourhood) without scoring the candidates again
        best, self.passed = self.choose(vec, keys, cut, time)
        pool, head = self._pool, self._head
        if best is None:
            best = story_id or article_id
        new = best not in self.stories
        self.put(article_id, best, vec, keys, time)
        self._after = None
        if pool is not None and head is not _UNSET and not self._brink:
            # a story made here pushes the oldest RECENT one out of the list: it is no
            # candidate any more unless it shares a key that pulls (joining one changes
            # no candidate; a key at KEY_CAP could go over it, then no reuse)
            drop = (head if new and head is not None
                    and not any(head in self.by_key.get(k, ()) for k in self._pulled)
                    else None)
            self._after = (best, frozenset(keys), time, self._state(), pool, drop)
        return best

    def _state(self) -> tuple:
        """What changes when the candidates or their window may (``merge_pool``'s check)."""
        return self.seen, len(self.merged), len(self.stories), len(self._order)

    def merge_pool(self, sid: str, keys: set[str], time: str | None, hard: int) -> list[str] | None:
        """Right after ``add`` put an article with ``keys`` (at ``time``) in ``sid``, nothing
        changed since: the candidates in the window other than ``sid`` (``candidates``
        again, less what the article changed: ``choose``'s, less the story a new story
        pushed out of RECENT), in candidate order, narrowed to those that can be among
        the ``hard`` nearest to ``sid`` by centroid cosine (link.story_merge sorts these
        by the exact cosines and takes ``hard``: the same as sorting them all). None
        when the last ``add`` was not that (another article put, a merge or a load since:
        ``_state``; a centroid set from outside in between is not seen), or ``choose``
        scored the plain way.

        The cosines are one product with the table's centroid rows, each within its
        rounding error's bound (as ``choose``'s) of the one-by-one value; a candidate
        whose upper bound is under the ``hard``-th largest lower bound has ``hard``
        others surely nearer."""
        m = self._after
        if (m is None or m[0] != sid or m[2] != time or m[3] != self._state()
                or m[1] != frozenset(keys)):
            return None
        (sids, S), drop = m[4], m[5]
        stories, tab = self.stories, self._table
        keep = np.ones(len(sids), dtype=bool)
        for t in (sid, drop):   # ``candidates`` holds each story once
            if t is not None and t in stories:
                try:
                    keep[sids.index(t)] = False
                except ValueError:
                    pass
        keep = np.flatnonzero(keep)
        if len(keep) <= hard:
            return [sids[i] for i in keep]
        # the other candidates' rows are as ``choose`` wrote them: only ``sid`` changed
        c = stories[sid].centroid
        rows = S[keep]
        du = len(c) * max(tab.eps, _eps(c.dtype)) / 2
        slack = (2 * du / (1 - du) if du < 0.5 else math.inf) * float(np.linalg.norm(c)) * 1.001
        with _blas().limit(limits=1, user_api="blas"):
            cos = _dot(tab.C, tab.n, rows, c.astype(np.result_type(c, tab.C), copy=False))
        marg = slack * tab.F[rows, _CN] + 1e-12
        if not (np.isfinite(cos).all() and np.isfinite(marg).all()):
            return [sids[i] for i in keep]
        lo = cos - marg
        floor = np.partition(lo, len(lo) - hard)[len(lo) - hard]   # the hard-th largest
        return [sids[keep[i]] for i in np.flatnonzero(cos + marg >= floor)]

    def put(self, article_id: str, story_id: str, vec: np.ndarray, keys: set[str],
            time: str | None = None) -> None:
        """Put the article in that story (made if new), unscored: ``add`` once it has
        chosen, and the scorer's training with the gold stories."""
        if story_id not in self.stories:
            self.start(story_id, Story(story_id, np.zeros_like(vec)))
        self.stories[story_id].add(article_id, vec, keys, time)
        for k in keys:
            self.by_key[k].add(story_id)
            self.df[k] += 1
        self.seen += 1
        self.of[article_id] = story_id

    def peek_rank(self) -> int:
        """The rank the next story started gets (its creation number)."""
        return len(self._rank)

    def start(self, story_id: str, story: Story) -> None:
        """A new story (``put``'s, or a half of link.story_split's), its members and keys
        indexed, at the next rank."""
        self.stories[story_id] = story
        self._order.append(story_id)
        self._rank[story_id] = self.peek_rank()
        for k in story.keys:
            self.by_key[k].add(story_id)
        for aid in story.members:
            self.of[aid] = story_id

    def replace(self, story_id: str, story: Story) -> None:
        """Put ``story`` in the place of the story of that id (link.story_split's kept
        half: a new object, so ``_Table`` writes it a new row): keys it no longer has stop
        pointing at it."""
        for k in self.stories[story_id].keys:
            if k not in story.keys:
                self.by_key[k].discard(story_id)
        self.stories[story_id] = story
        for aid in story.members:
            self.of[aid] = story_id

    def assignments(self) -> dict[str, str]:
        return dict(self.of)
