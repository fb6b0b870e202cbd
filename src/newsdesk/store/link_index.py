"""The link indexes kept in the store, so a run links new articles without restoring all.

A new article's links depend only on its candidates: the family with its text hash or a
shared MinHash band, the stories sharing one of its keys or among the most recent, and
those stories' incidents. The tables below answer those look-ups through indexes:

- ``link_families``: each article that entered the MinHash index (not an exact copy):
  its text hash, family head, shingle count and sketch; ``link_bands``: its LSH band
  buckets (one 64-bit hash per band), so ``datasketch``'s candidates come from one query;
- ``link_stories``: each story's rank (creation order) and time span (for the window),
  and a story merge survivor's centroid (the merge's blend, which replaying its members
  would not give back; NULL for the others);
- ``link_keys``: key -> the stories whose scored articles carry it, each with the story's
  time span (kept in step with ``link_stories``), so that the stories sharing a key within
  the time window come from one range of an index, without reading the key's older
  stories (a common name's run over a year of stories). That index is its only one: the
  writers know each stored story's rows (``stored_keys``), so a key costs one index
  entry, not two, and a story's unchanged rows are not written again; ``link_key_df``: key ->
  how many scored articles carry it (the scorer's IDF); ``link_index_state``: the articles
  seen, the next rank and which kept inputs the index reflects;
- ``incident_reports.event_index``: which event of the article each report is.

``StoredLinker`` is a ``link.Linker`` that, before linking an article, loads into its
in-memory indexes exactly what the article can touch (its family candidates, its candidate
stories with all their members and incidents, the key counts those stories' features
read), then links it with the unchanged in-memory code: the links are those of a Linker
holding everything. A story merged away in memory is never loaded again (its stored rows
are stale until the run writes). ``write_all`` / ``write_changes`` keep the tables in step.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict

import numpy as np

from ..link.corroboration import Report
from ..link.incidents import Mention
from ..link.linker import Incident, Linker
from ..link.stories import KEY_CAP, RECENT, Story, StoryIndex, day, span_days

INDEX_TABLES = ("link_families", "link_bands", "link_stories", "link_keys", "link_key_df",
                "link_index_state")
_MARGIN = 1e-3   # days: the window prefilter keeps a story this near the edge (exact test after)


def schema(blob: str = "BLOB", add_column: bool = True) -> list[str]:
    """The tables (``blob``: BLOB in SQLite, BYTEA in PostgreSQL), new and empty: the
    first ``link_new`` after the migration fills them from one full restore.
    ``add_column``: False when incident_reports has event_index already."""
    return [
        f"""CREATE TABLE IF NOT EXISTS link_families (
            article_id TEXT PRIMARY KEY, hash TEXT NOT NULL, head TEXT NOT NULL,
            nshingles INTEGER NOT NULL, sig {blob} NOT NULL, seq BIGINT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS link_families_hash ON link_families (hash)",
        """CREATE TABLE IF NOT EXISTS link_bands (
            bucket BIGINT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (bucket, article_id))""",
        """CREATE TABLE IF NOT EXISTS link_stories (
            story_id TEXT PRIMARY KEY, rank BIGINT NOT NULL, first_seen TEXT, last_seen TEXT,
            lo_day DOUBLE PRECISION, hi_day DOUBLE PRECISION)""",
        "CREATE INDEX IF NOT EXISTS link_stories_rank ON link_stories (rank)",
        """CREATE TABLE IF NOT EXISTS link_keys (
            key TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (key, story_id))""",
        "CREATE TABLE IF NOT EXISTS link_key_df (key TEXT PRIMARY KEY, n BIGINT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS link_index_state (
            id INTEGER PRIMARY KEY, articles BIGINT NOT NULL, seq BIGINT NOT NULL,
            article_id TEXT, seen BIGINT NOT NULL, next_rank BIGINT NOT NULL)""",
    ] + (["ALTER TABLE incident_reports ADD COLUMN event_index INTEGER"] if add_column else [])


def schema_merges(blob: str = "BLOB", add_column: bool = True, if_not_exists: str = "") -> list[str]:
    """Story merges (link.story_merge): ``link_stories`` keeps a merge survivor's centroid
    (NULL for the others, whose centroid their members give back), and ``story_merges``
    maps each merged-away story to the story it is now part of (the API redirects).
    ``add_column``: False when the column is there already."""
    add = ([f"ALTER TABLE link_stories ADD COLUMN {if_not_exists}centroid {blob}"]
           if add_column else [])
    return add + [
        """CREATE TABLE IF NOT EXISTS story_merges (
            story_id TEXT PRIMARY KEY, survivor TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS story_merges_survivor ON story_merges (survivor)",
    ]


def schema_incident_merges() -> list[str]:
    """``incident_merges``: each merged-away incident (link.incident_merge) -> the incident
    it is now part of, so a saved address leads on (the API redirects)."""
    return [
        """CREATE TABLE IF NOT EXISTS incident_merges (
            incident_id TEXT PRIMARY KEY, survivor TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS incident_merges_survivor ON incident_merges (survivor)",
    ]


def schema_spans(add_columns: bool = True, if_not_exists: str = "") -> list[str]:
    """``link_keys`` gains its story's span (``lo_day``, ``hi_day``, copied from
    ``link_stories``) and an index by key then span: the window's stories sharing a key are
    one index range. ``add_columns``: False when the columns are there already."""
    add = [f"ALTER TABLE link_keys ADD COLUMN {if_not_exists}{c} DOUBLE PRECISION"
           for c in ("lo_day", "hi_day")] if add_columns else []
    return add + [
        "UPDATE link_keys SET lo_day = (SELECT s.lo_day FROM link_stories s WHERE "
        "s.story_id = link_keys.story_id), hi_day = (SELECT s.hi_day FROM link_stories s "
        "WHERE s.story_id = link_keys.story_id)",
        "CREATE INDEX IF NOT EXISTS link_keys_span ON link_keys (key, hi_day, lo_day, story_id)",
    ]


def schema_keys_by_span(engine: str) -> list[str]:
    """``link_keys`` without its (key, story) primary key: the span index alone serves the
    reads and the writes (``write_changes`` knows each stored story's rows), so each key a
    story gains is one index entry instead of two. No row changes."""
    if engine == "postgresql":
        return ["ALTER TABLE link_keys DROP CONSTRAINT IF EXISTS link_keys_pkey"]
    # SQLite cannot drop a primary key: the table is made again (its index goes with it)
    return [
        """CREATE TABLE link_keys_v (key TEXT NOT NULL, story_id TEXT NOT NULL,
            lo_day DOUBLE PRECISION, hi_day DOUBLE PRECISION)""",
        "INSERT INTO link_keys_v SELECT key, story_id, lo_day, hi_day FROM link_keys "
        "ORDER BY key, hi_day, lo_day, story_id",
        "DROP TABLE link_keys",
        "ALTER TABLE link_keys_v RENAME TO link_keys",
        "CREATE INDEX link_keys_span ON link_keys (key, hi_day, lo_day, story_id)",
    ]


def _ranges():
    from ..link.families import NUM_PERM, THRESHOLD
    from datasketch import MinHashLSH
    return MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM).hashranges


_RANGES = None


def buckets(sig: bytes) -> list[int]:
    """One signed 64-bit hash per LSH band of a sketch: two sketches share a bucket exactly
    when they share that band (as ``datasketch``'s tables key them)."""
    global _RANGES
    if _RANGES is None:
        _RANGES = _ranges()
    v = np.frombuffer(sig, dtype=np.uint32)
    out = []
    for i, (a, b) in enumerate(_RANGES):
        h = hashlib.blake2b(v[a:b].tobytes(), digest_size=8, person=b"band%04d" % i).digest()
        out.append(int.from_bytes(h, "little", signed=True))
    return out


def _fetch(conn, p: str, sql: str, args=()) -> list[tuple]:
    """The rows as plain tuples, made so by the driver (the store's own row type, a dict
    or sqlite3.Row, costs a conversion per row on the linker's many-row look-ups)."""
    sql = sql.replace("?", p)
    if p == "?":   # sqlite3
        cur = conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, tuple(args)).fetchall()
    from psycopg.rows import tuple_row
    # binary results: a bytea column (the kept sketches and vectors) comes as its bytes,
    # not as hex text to decode; text, integers and doubles come as the same values
    with conn.cursor(row_factory=tuple_row, binary=True) as cur:
        return cur.execute(sql, tuple(args)).fetchall()


def _chunks(seq, n: int = 500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


# ---- writing ---------------------------------------------------------------------------

_PG_PARAMS = 30000   # parameters per multi-row statement (psycopg binds at most 65,535)
# rows from which PostgreSQL gets them by COPY (no ON CONFLICT clause): psycopg converts a
# multi-row statement's placeholders in Python, anew for each long one; at ~500 rows (a
# new article's keys and bands) COPY took half the time (docs/scale.md Run AE)
_COPY_AT = 200


def insert(conn, p: str, into: str, rows, tail: str = "") -> None:
    """``rows`` (tuples, all of one length) into ``into`` ("table (col, ...)") in as few
    statements as each driver allows: SQLite one prepared statement run over them
    (executemany); PostgreSQL a multi-row VALUES per _PG_PARAMS parameters, or COPY for
    a long run without ``tail`` (an ON CONFLICT clause). Row by row, PostgreSQL paid a
    round trip per row and link_counts' statement trigger ran once per row."""
    rows = list(rows)
    if not rows:
        return
    one = "(" + ", ".join([p] * len(rows[0])) + ")"
    if p == "?":
        conn.executemany(f"INSERT INTO {into} VALUES {one}{tail}", rows)
        return
    with conn.cursor() as cur:
        if len(rows) >= _COPY_AT and not tail:
            with cur.copy(f"COPY {into} FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
            return
        step = max(1, _PG_PARAMS // len(rows[0]))
        for i in range(0, len(rows), step):
            chunk = rows[i:i + step]
            cur.execute(f"INSERT INTO {into} VALUES {', '.join([one] * len(chunk))}{tail}",
                        [v for r in chunk for v in r])


def delete_in(conn, p: str, table: str, col: str, ids, where: str = "", args=()) -> None:
    """DELETE the rows whose ``col`` is one of ``ids`` (and ``where``, with ``args``), a
    statement per 500 ids rather than one per id."""
    for chunk in _chunks(ids):
        conn.execute(f"DELETE FROM {table} WHERE {col} IN ({', '.join([p] * len(chunk))}){where}",
                     tuple(chunk) + tuple(args))


def _family_rows(linker, ids_seq: list[tuple[str, int]]):
    fam, rows, bands = linker.families, [], []
    for aid, seq in ids_seq:
        x = linker.articles[aid]
        rows.append((aid, x.hash, fam.head[aid], x.nshingles, x.sig, seq))
        bands += [(b, aid) for b in buckets(x.sig)]
    return rows, bands


def _story_row(linker, sid: str) -> tuple:
    """A ``link_stories`` row; the centroid only for a merge survivor (``Linker.blended``:
    the others' is their members' replay, as ``StoredLinker`` loads them)."""
    st = linker.stories.stories[sid]
    lo, hi = span_days(st)
    c = st.centroid.tobytes() if sid in linker.blended else None
    return (sid, linker.stories._rank[sid], st.first, st.last, lo, hi, c)


_FAMILIES = "link_families (article_id, hash, head, nshingles, sig, seq)"
_BANDS = "link_bands (bucket, article_id)"
_STORIES = "link_stories (story_id, rank, first_seen, last_seen, lo_day, hi_day, centroid)"
_KEYS = "link_keys (key, story_id, lo_day, hi_day)"
_DF = "link_key_df (key, n)"


def _put_state(conn, p: str, kept: tuple, seen: int, next_rank: int) -> None:
    conn.execute("DELETE FROM link_index_state")
    conn.execute(f"INSERT INTO link_index_state (id, articles, seq, article_id, seen, next_rank) "
                 f"VALUES (1, {p}, {p}, {p}, {p}, {p})", (kept[0], kept[1], kept[2], seen, next_rank))


def _in_lsh(linker, x) -> bool:
    return linker.families.by_hash.get(x.hash) == x.id


def write_all(conn, linker, links: list, p: str) -> None:
    """Replace the index tables with a whole Linker's state (``links``: in linking order)."""
    for t in INDEX_TABLES:
        conn.execute(f"DELETE FROM {t}")
    fams = [(lk.article_id, seq) for seq, lk in enumerate(links)
            if _in_lsh(linker, linker.articles[lk.article_id])]
    rows, bands = _family_rows(linker, fams)
    insert(conn, p, _FAMILIES, rows)
    insert(conn, p, _BANDS, bands)
    st = linker.stories
    insert(conn, p, _STORIES, [_story_row(linker, sid) for sid in st.stories])
    insert(conn, p, _KEYS, [(k, sid) + span_days(s) for sid, s in st.stories.items() for k in s.keys])
    linker.stored_keys = {sid: (span_days(s), frozenset(s.keys)) for sid, s in st.stories.items()}
    insert(conn, p, _DF, list(st.df.items()))
    kept = (len(links), len(links) - 1, links[-1].article_id if links else None)
    _put_state(conn, p, kept, st.seen, max(st._rank.values(), default=-1) + 1)


def write_changes(conn, linker, links: list, first_seq: int, p: str, kept: tuple) -> None:
    """Add what linking ``links`` (the new articles, from ``first_seq``) changed; ``kept``:
    the kept inputs' state once they are written (``links._kept_state``)."""
    fams = [(lk.article_id, seq) for seq, lk in enumerate(links, first_seq)
            if _in_lsh(linker, linker.articles[lk.article_id])]
    rows, bands = _family_rows(linker, fams)
    insert(conn, p, _FAMILIES, rows)
    insert(conn, p, _BANDS, bands)
    st = linker.stories
    df = Counter()
    for lk in links:
        if lk.duplicate_of is None:   # a scored article (a copy adds no key)
            df.update(set(linker.articles[lk.article_id].keys))
    dirty = sorted(s for s in linker.dirty_stories if s in st.stories)
    gone = sorted(s for s in linker.dirty_stories if s not in st.stories)
    _write_keys(conn, p, linker, dirty, gone)
    delete_in(conn, p, "link_stories", "story_id", gone + dirty)
    insert(conn, p, _DF, sorted(df.items()),
           " ON CONFLICT (key) DO UPDATE SET n = link_key_df.n + excluded.n")
    insert(conn, p, _STORIES, [_story_row(linker, sid) for sid in dirty])
    _put_state(conn, p, kept, st.seen, max(st._rank.values(), default=-1) + 1
               if not isinstance(st, StoredStoryIndex) else st.next_rank)


def _write_keys(conn, p: str, linker, dirty: list[str], gone: list[str]) -> None:
    """``link_keys`` in step with the changed stories (``dirty``) and those merged away
    (``gone``), from what each stored story's rows are (``linker.stored_keys``: story ->
    (span, keys) as last written or as read; a story missing there has none): a gone
    story's rows go, a changed one's rows move to its new span only when it moved, and
    only its new keys are added. Each row is found through the one index, key then
    span then story. A split (link.story_split, rare), or a linker that kept no record,
    has its stories' rows deleted by story (a scan) and written anew."""
    st = linker.stories
    rec = getattr(linker, "stored_keys", None)
    scan = set(linker.split_stories)
    if rec is None:
        rec = linker.stored_keys = {}
        scan |= set(dirty) | set(gone)
    scan = sorted(scan)
    delete_in(conn, p, "link_keys", "story_id", scan)
    for sid in scan:
        rec.pop(sid, None)
    from .links import _update_many
    drop, moved, add = [], [], []   # (key, story, stored span, what to set)
    for sid in gone:
        if sid in rec:
            span, keys = rec.pop(sid)
            drop += [(k, sid, span, ()) for k in sorted(keys)]
    for sid in dirty:
        span, keys = span_days(st.stories[sid]), frozenset(st.stories[sid].keys)
        was, had = rec.get(sid, (None, frozenset()))
        if had and was != span:
            moved += [(k, sid, was, span) for k in sorted(had)]
        add += [(k, sid) + span for k in sorted(keys - had)]
        rec[sid] = (span, keys)
    for head, rows in (("DELETE FROM link_keys", drop),
                       (f"UPDATE link_keys SET lo_day = {p}, hi_day = {p}", moved)):
        for nulls in (False, True):   # a span with an unparsed end is kept as NULLs
            part = [r for r in rows if (r[2][1] is None) == nulls]
            if nulls:
                _update_many(conn, f"{head} WHERE key = {p} AND hi_day IS NULL AND lo_day IS "
                                   f"NULL AND story_id = {p}", [r[3] + r[:2] for r in part])
            else:
                _update_many(conn, f"{head} WHERE key = {p} AND hi_day = {p} AND lo_day = {p} "
                                   f"AND story_id = {p}",
                             [r[3] + (r[0], r[2][1], r[2][0], r[1]) for r in part])
    insert(conn, p, _KEYS, add)


def state(conn, p: str) -> tuple | None:
    """(kept inputs' state, seen, next rank) the index reflects, None without one."""
    rows = _fetch(conn, p, "SELECT articles, seq, article_id, seen, next_rank "
                           "FROM link_index_state WHERE id = 1")
    if not rows:
        return None
    r = rows[0]
    return (r[0], r[1], r[2]), r[3], r[4]


# ---- reading ---------------------------------------------------------------------------

class StoredStoryIndex(StoryIndex):
    """A StoryIndex holding the stories loaded so far; ``candidates`` asks the store for the
    others (the in-memory part is complete for every story it holds)."""

    def __init__(self, owner: "StoredLinker", seen: int, next_rank: int):
        super().__init__()
        self.owner = owner
        self.seen = seen
        self.next_rank = next_rank
        self.df_known: set[str] = set()
        self.made: list[str] = []   # the stories made here, in order

    def peek_rank(self) -> int:
        return self.next_rank   # ranks continue the stored ones

    def start(self, story_id, story) -> None:
        super().start(story_id, story)
        self.next_rank += 1
        self.made.append(story_id)

    def candidates(self, keys: set[str], time: str | None = None) -> list[str]:
        ids = self.owner.story_candidates(keys, time)
        return sorted(ids, key=self._rank.__getitem__)


class _StoryIncidents(defaultdict):
    """``Linker.story_incidents`` that loads a stored story's incidents when first read:
    only the story an article joins needs them, not every candidate scored."""

    def __init__(self, owner: "StoredLinker"):
        super().__init__(list)
        self.owner = owner

    def get(self, sid, default=None):
        self.owner.incidents_of(sid)
        return super().get(sid, default)

    def __getitem__(self, sid):
        self.owner.incidents_of(sid)
        return super().__getitem__(sid)


class StoredLinker(Linker):
    """A Linker whose indexes are loaded from the store as articles need them (see the
    module's docstring). ``bind`` it to the open store before each run."""

    def __init__(self, store, encoder=None):
        super().__init__(encoder)
        from .links import _param
        self.bind(store)
        st = state(store.conn, _param(store))
        if st is None:
            raise RuntimeError("no stored link index")
        self.stories = StoredStoryIndex(self, st[1], st[2])
        self.next_seq = st[0][1] + 1   # linking positions continue the kept inputs' ones
        self.story_incidents = _StoryIncidents(self)
        self._pending: set[str] = set()   # loaded stories whose incidents are not yet
        self._where: dict[str, tuple] = {}   # loaded article -> (seq, story, duplicate_of)
        self._made: dict[str, tuple] = {}    # loaded article -> its mentions, reports
        self._time: str | None = None
        self.loaded_stories: set[str] = set()
        self._key_spans: dict[str, tuple] = {}   # key -> stored stories read (``_keyed``)
        self._changed: set[str] = set()   # stories changed in earlier runs (``clean``)
        self.stored_keys: dict[str, tuple] = {}   # story -> its link_keys rows (``_write_keys``)
        self.query_s = 0.0

    def clean(self) -> None:
        # the stories a run changed stay held, their stored rows (and ``_keyed``'s copies
        # of them, read before the run wrote) no guide to their keys and spans
        self._changed = getattr(self, "_changed", set()) | getattr(self, "dirty_stories", set())
        super().clean()

    def bind(self, store) -> None:
        from .links import _param
        self.conn, self.p = store.conn, _param(store)
        self._recent_rows: tuple[int, list] | None = None   # ``_recent``'s, per run

    def q(self, sql: str, args=()) -> list[tuple]:
        return _fetch(self.conn, self.p, sql, args)

    def _in(self, n: int) -> str:
        return ", ".join([self.p] * n)

    # -- families
    def _load_family(self, x) -> None:
        """The stored family candidates of ``x``, in one query: the article with its text
        hash (then ``x`` is its copy, nothing else is needed), else those sharing a
        MinHash band with it, whose sketches go into the in-memory LSH."""
        fam = self.families
        if x.hash in fam.by_hash:
            return
        bs = buckets(x.sig)
        rows = self.q(f"SELECT article_id, hash, head, nshingles, sig FROM link_families "
                      f"WHERE hash = ? UNION ALL SELECT f.article_id, f.hash, f.head, f.nshingles, "
                      f"f.sig FROM link_bands b JOIN link_families f ON f.article_id = "
                      f"b.article_id WHERE b.bucket IN ({self._in(len(bs))})", [x.hash] + bs)
        same = sorted(r for r in rows if r[1] == x.hash)
        if same:
            fam.by_hash[x.hash] = same[0][0]
            fam.head[same[0][0]] = same[0][2]
            return
        from ..link.families import from_signature
        for aid, h, head, n, sig in sorted(rows):
            if aid in fam.sketches:
                continue
            m = from_signature(bytes(sig))
            fam.sketches[aid], fam.sizes[aid], fam.head[aid] = m, n, head
            fam.by_hash.setdefault(h, aid)
            fam.lsh.insert(aid, m)

    # -- stories
    def story_candidates(self, keys: set[str], when: str | None = None) -> set[str]:
        """Every story sharing a key that pulls (link.stories.KEY_CAP) or among the RECENT
        most recent, less stored ones that lie surely outside the time window of an
        article at ``when`` (default: the one being linked); the stored ones are loaded."""
        st = self.stories
        if when is None:
            when = self._time
        # the RECENT most recent: among the stored ones and those made since (ranks grow, so
        # no other story held in memory can be among them); stories merged away here are
        # none (their stored rows go when this run writes)
        gone = st.merged
        # the last RECENT made here not merged away (merges can take any of them, so all
        # made are kept: a list of the last RECENT made would leave older ones out)
        ranked: dict[str, int] = {}
        for sid in reversed(st.made):
            if len(ranked) >= RECENT:
                break
            if sid not in gone:
                ranked[sid] = st._rank[sid]
        for sid, rank in self._recent(RECENT + len(gone)):
            if sid not in gone:
                ranked.setdefault(sid, rank)
        recent = sorted(ranked, key=ranked.__getitem__)[-RECENT:]
        out = set(recent)
        st._head = recent[0] if len(recent) >= RECENT else None   # as StoryIndex.candidates
        t0 = time.perf_counter()
        at = day(when)
        if at is None:
            got: dict[str, list] = {k: [] for k in keys}
            for chunk in _chunks(sorted(keys)):
                for k, sid in self.q(f"SELECT key, story_id FROM link_keys WHERE key IN "
                                     f"({self._in(len(chunk))})", chunk):
                    got[k].append(sid)
            nan = np.zeros(0)
            stored = {k: (np.array(v, dtype=object), nan, nan) for k, v in got.items()}
        else:
            stored = self._keyed(keys, at - st.window - _MARGIN, at + st.window + _MARGIN)
        # a story held in memory answers for its keys itself (a split here took some of
        # them away; the stored rows still list them until the run writes), one merged
        # away here for none
        held, w = st.stories, st.window
        found: set[str] = set()
        for ids, _a, _b in stored.values():
            found.update(ids)
        found = {s for s in found if s not in held and s not in gone}
        # KEY_CAP's count: a stored row counts for its story unless this linker changed
        # the story (then held, the stored row maybe stale): those count from memory
        changed = self._changed | self.dirty_stories
        counts = {}
        for k, (ids, a, b) in stored.items():
            mem = st.by_key.get(k, ())
            n = len(ids) + len(mem)
            if n >= KEY_CAP:   # else surely not over it
                if at is not None and len(ids):
                    with np.errstate(invalid="ignore"):
                        ids = ids[np.isnan(a) | np.isnan(b) | (np.abs(a - at) <= w)
                                  | (np.abs(b - at) <= w)]
                n = st.window_count(len(ids) - len(changed.intersection(ids)),
                                    changed.intersection(mem), at)
            counts[k] = n
        for k in st.pull(counts):
            out.update(st.by_key.get(k, ()))
            out.update(found.intersection(stored[k][0]))
        out.difference_update(gone)
        # the stories of the keys that do not pull are loaded too, though no candidates:
        # the window's stories, read in one go (a later article's keys that pull reach
        # many of them; read then, a few per article, they cost more per story)
        self._load_stories(sorted(found | {s for s in out if s not in held}))
        self.query_s += time.perf_counter() - t0
        return out

    def _recent(self, n: int) -> list[tuple]:
        """The ``n`` stored stories of the highest ranks, (id, rank), highest first: read
        once per run (``bind``) and again only when more are asked for. This run's writes
        come after its last article; the stories it makes or merges away are in memory
        (``story_candidates`` puts them in and takes them out), so the rows read at its
        start answer all its articles."""
        if self._recent_rows is None or self._recent_rows[0] < n:
            self._recent_rows = (n, self.q(f"SELECT story_id, rank FROM link_stories "
                                           f"ORDER BY rank DESC LIMIT {int(n)}"))
        return self._recent_rows[1][:n]

    def _keyed(self, keys, lo: float, hi: float) -> dict[str, tuple]:
        """Per key of ``keys``, the stored stories carrying it whose span meets [lo, hi]
        (or has none): (ids, span starts, span ends; NaN: none). Each key's stories ending at or after ``lo`` are read once and kept: the
        stored rows do not change while this linker lives (another writer's run makes
        ``link_new`` start a new one), the stories it changes itself are in memory, and
        news comes in time order, so a later article's window is read from them."""
        cache = self._key_spans
        todo = sorted(k for k in keys if k not in cache or cache[k][0] > lo)
        got: dict[str, list] = {k: [] for k in todo}
        for chunk in _chunks(todo):
            ins = self._in(len(chunk))
            # spans are both set or both NULL (``_span``); NULL: always a candidate
            for k, sid, a, b in self.q(
                    f"SELECT key, story_id, lo_day, hi_day FROM link_keys WHERE key IN ({ins}) "
                    f"AND hi_day >= ? UNION ALL SELECT key, story_id, lo_day, hi_day FROM "
                    f"link_keys WHERE key IN ({ins}) AND hi_day IS NULL",
                    list(chunk) + [lo] + list(chunk)):
                got[k].append((sid, a, b))
        for k, rows in got.items():
            ids = np.array([r[0] for r in rows], dtype=object)
            spans = np.array([(np.nan, np.nan) if r[1] is None else r[1:] for r in rows],
                             dtype=np.float64).reshape(-1, 2)
            cache[k] = (lo, ids, spans[:, 0], spans[:, 1])
        out: dict[str, tuple] = {}
        for k in keys:
            _, ids, a, b = cache[k]
            if len(ids):
                with np.errstate(invalid="ignore"):
                    m = np.isnan(b) | ((b >= lo) & (a <= hi))
                out[k] = (ids[m], a[m], b[m])
            else:
                out[k] = (ids, a, b)
        return out

    def _load_stories(self, sids: list[str]) -> None:
        """Put whole stored stories in memory: their articles (replayed in linking order
        into the story) and the key counts they read; their incidents once one is asked
        for (``incidents_of``)."""
        st = self.stories
        sids = [s for s in sids if s not in st.merged]   # their stored rows are stale
        if not sids:
            return
        rows = self._article_rows("al.story_id", sids)
        centroids, spans = {}, {}
        for chunk in _chunks(sids):
            for sid, rank, c, lo, hi in self.q(
                    f"SELECT story_id, rank, centroid, lo_day, hi_day FROM link_stories "
                    f"WHERE story_id IN ({self._in(len(chunk))})", chunk):
                st._rank[sid] = rank
                spans[sid] = (lo, hi)
                if c is not None:
                    centroids[sid] = bytes(c)
        rows.sort(key=lambda r: r[1])
        keys: set[str] = set()
        for row in rows:
            aid, dup, sid = row[0], row[4], row[5]
            x = self._take(row)
            if sid not in st.stories:   # its first article is never a copy
                st.stories[sid] = Story(sid, np.zeros_like(x.lead_vec))
                st._order.append(sid)
            st.of[aid] = sid
            if dup:
                st.stories[sid].members.append(aid)
                self.unscored.add(aid)
                self.head_of[aid] = dup
            else:
                ks = set(x.keys)
                st.stories[sid].add(aid, x.lead_vec, ks, x.published)
                for k in ks:
                    st.by_key[k].add(sid)
                keys |= ks
        # its link_keys rows: its keys (all its scored members', as written) at its span
        for sid, span in spans.items():
            if sid in st.stories:
                self.stored_keys[sid] = (span, frozenset(st.stories[sid].keys))
        # a merge survivor's centroid is the merge's, not its members' replay: kept
        for sid, c in centroids.items():
            story = st.stories[sid]
            story.centroid = np.frombuffer(c, dtype=story.centroid.dtype).copy()
            self.blended.add(sid)
        self._load_df(keys)
        self._pending.update(sids)
        self.loaded_stories.update(sids)

    _ARTICLES = ("SELECT li.article_id, li.seq, li.meta, li.vectors, al.duplicate_of, al.story_id "
                 "FROM article_links al JOIN link_inputs li ON li.article_id = al.article_id "
                 "WHERE {col} IN ({args})")

    def _article_rows(self, col: str, ids) -> list[tuple]:
        rows = []
        for chunk in _chunks(sorted(ids)):
            rows += self.q(self._ARTICLES.format(col=col, args=self._in(len(chunk))), chunk)
        return rows

    def _take(self, row: tuple):
        """Remember a stored article: its inputs (kept if already in memory), linking
        position, story and head."""
        from ..link.inputs import Inputs, remember
        aid, seq, meta, vecs, dup, sid = row
        self._where[aid] = (seq, sid, dup)
        self.seq_of[aid] = seq
        x = self.articles.get(aid)
        if x is None:
            x = self.articles[aid] = Inputs.from_row(meta, vecs)
            remember(x, self.sentences)
        return x

    def incidents_of(self, sid: str) -> None:
        """Load a loaded story's incidents and mentions (``story_incidents`` asks)."""
        if sid in self._pending:
            self._pending.discard(sid)
            self._load_incidents([sid])

    def _load_df(self, keys) -> None:
        st = self.stories
        todo = sorted(set(keys) - st.df_known)
        for chunk in _chunks(todo):
            for k, n in self.q(f"SELECT key, n FROM link_key_df WHERE key IN "
                               f"({self._in(len(chunk))})", chunk):
                st.df[k] = n
        st.df_known.update(todo)

    def _reports_of(self, aid: str) -> tuple[dict, dict]:
        """The article's mentions and reports by event index, made once (an incident of a
        neighbour story may hold some of them): as ``Linker._link_events`` made them."""
        made = self._made.get(aid)
        if made is not None:
            return made
        x = self.articles[aid]
        _seq, sid, dup = self._where[aid]
        lead = x.lead_vec if x.lead_vec is not None or not dup else self.articles[dup].lead_vec
        ms, rs = self.mentions_of.setdefault(aid, []), {}
        by_ev = {}
        for j, e in enumerate(x.events):
            m = Mention(key=(aid, e.index), doc=aid, lemma=e.lemma,
                        vec=None if x.trigger_vecs is None else x.trigger_vecs[j],
                        sent_vec=None if x.sent_vecs is None else x.sent_vecs[e.sentence],
                        args=frozenset(e.args), time=e.time, place=e.place, type=e.type,
                        doc_vec=lead, story=sid)
            ms.append(m)
            by_ev[e.index] = m
            rs[e.index] = Report(article_id=aid, outlet=x.outlet, family=dup or aid,
                                 published=x.published, start=e.start, end=e.end,
                                 sentence_start=e.sentence_start, sentence_end=e.sentence_end,
                                 factuality=e.factuality, source=e.source,
                                 numbers=list(e.numbers))
        self._made[aid] = by_ev, rs
        return by_ev, rs

    def _load_incidents(self, sids: list[str]) -> None:
        """The stories' incidents with every report, whichever story its article is in
        (an article's events may join an incident of a neighbour story), in the order the
        incidents were made."""
        rows = []
        for chunk in _chunks(sids):
            rows += self.q(f"SELECT r.incident_id, r.article_id, r.n, r.event_index, i.story_id, "
                           f"i.type FROM incident_reports r JOIN incidents i ON i.id = r.incident_id "
                           f"WHERE i.story_id IN ({self._in(len(chunk))})", chunk)
        # articles of other stories, then the heads whose lead a copy among them reads
        # (membership tests, not sets of every article loaded: those grow with the run)
        where, arts = self._where, self.articles
        for _ in range(2):
            ids = {r[1] for r in rows}
            need = {a for a in ids if a not in where}
            need |= {where[a][2] for a in ids if a in where and where[a][2]
                     and arts[a].lead_vec is None and where[a][2] not in arts}
            for row in self._article_rows("al.article_id", need):
                self._take(row)
        members: dict[str, list] = defaultdict(list)
        meta: dict[str, tuple] = {}
        for iid, aid, n, ev, sid, typ in rows:
            members[iid].append((n, aid, ev))
            meta[iid] = (sid, typ)
        first = {iid: min(ms)[1:] for iid, ms in members.items()}
        for iid in sorted(members, key=lambda i: (self._where[first[i][0]][0], first[i][1])):
            sid, typ = meta[iid]
            inc = Incident(iid, sid, typ)
            for _n, aid, ev in sorted(members[iid]):
                ms, rs = self._reports_of(aid)
                inc.mentions.append(ms[ev])
                inc.reports.append(rs[ev])
                self.incident_of[(aid, ev)] = iid
            self.incidents[iid] = inc
            self.story_incidents[sid].append(iid)

    def _incident_of_event(self, article_id: str, index: int) -> str | None:
        """As Linker's, the stored incident loaded first (with its story's others)."""
        if (article_id, index) not in self.incident_of:
            t0 = time.perf_counter()
            for (sid,) in self.q("SELECT DISTINCT i.story_id FROM incident_reports r JOIN "
                                 "incidents i ON i.id = r.incident_id WHERE r.article_id = ?",
                                 (article_id,)):
                sid = self.survivor(sid)   # merged away in this run, not yet written
                if sid not in self.stories.stories:
                    self._load_stories([sid])
                self.incidents_of(sid)
            self.query_s += time.perf_counter() - t0
        return super()._incident_of_event(article_id, index)

    def _moved(self, article_id: str, story: str) -> None:
        if article_id in self._where:   # its mentions, made later, read their story here
            seq, _sid, dup = self._where[article_id]
            self._where[article_id] = (seq, story, dup)

    def apply(self, x):
        """Load what ``x`` can touch, then link it as a whole Linker would."""
        t0 = time.perf_counter()
        self._load_family(x)
        fam = self.families.add_sketch(x.id, x.hash, x.sig, x.nshingles)
        if fam.head != x.id and fam.head not in self.stories.of:
            sid = self.q("SELECT story_id FROM article_links WHERE article_id = ?", (fam.head,))
            if sid:
                self._load_stories([sid[0][0]])
        self._time = x.published
        if fam.head == x.id:
            self._load_df(x.keys)
        self.query_s += time.perf_counter() - t0
        return super().apply(x)
