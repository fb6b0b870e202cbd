"""SQLite store: one file holding articles, their annotations, errors and a full-text index."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from ..model import Article, Entity, Event, PageError, Place, Quantity, Statement, TimeRef
from .query import HL_START, HL_STOP, QueryMixin, WriteMixin
from . import wal

SCHEMA_VERSION = 20

# Annotation table -> model record. Columns are the model's fields, so the tables
# follow the model; list fields (event actors/targets) are stored as JSON.
ANNOTATIONS = {
    "entities": Entity, "places": Place, "times": TimeRef, "quantities": Quantity,
    "statements": Statement, "events": Event,
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(kind) -> list[str]:
    return [f.name for f in dataclasses.fields(kind)]


def _schema_v1() -> list[str]:
    stmts = [
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT, outlet TEXT, title TEXT, published TEXT,
            byline TEXT,          -- JSON list
            language TEXT,
            text TEXT NOT NULL,
            warnings TEXT,        -- JSON list
            source TEXT,
            ingested_at TEXT NOT NULL,
            record TEXT NOT NULL  -- the full Article dict, JSON
        )""",
        "CREATE INDEX articles_newest ON articles (published DESC, ingested_at DESC, id)",
        "CREATE INDEX articles_outlet ON articles (outlet)",
        "CREATE INDEX articles_url ON articles (url)",
        """CREATE TABLE errors (
            id TEXT PRIMARY KEY, source TEXT NOT NULL, step TEXT, reason TEXT NOT NULL,
            url TEXT, at TEXT NOT NULL
        )""",
        "CREATE INDEX errors_source ON errors (source)",
        # A plain FTS5 table keyed by the article id: an external-content table would
        # hang on articles' implicit rowid, which VACUUM may renumber.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            id UNINDEXED, title, text, tokenize = 'porter unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            DELETE FROM articles_fts WHERE id = old.id;
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            DELETE FROM articles_fts WHERE id = old.id;
            INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
        END""",
    ]
    for table, kind in ANNOTATIONS.items():
        cols = ", ".join(_q(c) for c in _columns(kind))
        stmts.append(f"""CREATE TABLE {table} (
            article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            n INTEGER NOT NULL, {cols},
            PRIMARY KEY (article_id, n)
        )""")
    stmts.append("CREATE INDEX events_type ON events (type)")
    stmts.append("CREATE INDEX entities_canonical ON entities (canonical)")
    stmts.append("CREATE INDEX places_name ON places (name)")
    return stmts


def _schema_v2() -> list[str]:
    """Indexes for the query contract (store.base) and a map from article id to FTS rowid.

    ``fts_map`` lets a query read matching ids and snippets without touching the FTS
    content table (the id column of articles_fts is UNINDEXED). FTS5 rowids are explicit
    and survive VACUUM.
    """
    return [
        "CREATE TABLE fts_map (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)",
        "INSERT INTO fts_map (rid, id) SELECT rowid, id FROM articles_fts",
        "DROP TRIGGER articles_fts_insert",
        "DROP TRIGGER articles_fts_delete",
        "DROP TRIGGER articles_fts_update",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
            INSERT INTO fts_map (rid, id) VALUES (last_insert_rowid(), new.id);
        END""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            DELETE FROM articles_fts WHERE rowid = (SELECT rid FROM fts_map WHERE id = old.id);
            DELETE FROM fts_map WHERE id = old.id;
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            DELETE FROM articles_fts WHERE rowid = (SELECT rid FROM fts_map WHERE id = old.id);
            DELETE FROM fts_map WHERE id = old.id;
            INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
            INSERT INTO fts_map (rid, id) VALUES (last_insert_rowid(), new.id);
        END""",
        # Newest first, then id: the order of every query; per outlet too.
        "CREATE INDEX articles_published_id ON articles (published DESC, id)",
        "DROP INDEX articles_outlet",
        "CREATE INDEX articles_outlet ON articles (outlet, published DESC, id)",
        # Filters read article ids from the annotation tables by value.
        "DROP INDEX events_type",
        "DROP INDEX entities_canonical",
        "DROP INDEX places_name",
        "CREATE INDEX events_type ON events (type, factuality, article_id)",
        "CREATE INDEX events_factuality ON events (factuality, article_id)",
        "CREATE INDEX events_attributed_to ON events (attributed_to, article_id)",
        "CREATE INDEX entities_canonical ON entities (canonical, article_id)",
        "CREATE INDEX places_name ON places (name, article_id)",
        "CREATE INDEX statements_source ON statements (source, article_id)",
    ]


def _schema_v3() -> list[str]:
    """``articles.fts_rid``: the article's FTS rowid, in the newest-first indexes, so a
    full-text filter is a test on the index while scanning newest first (the set of
    matching rowids comes straight from the FTS index). New articles get their FTS rowid
    on insert (max + 1 of fts_map) and the trigger indexes them under it."""
    return [
        "ALTER TABLE articles ADD COLUMN fts_rid INTEGER",
        "UPDATE articles SET fts_rid = (SELECT rid FROM fts_map WHERE fts_map.id = articles.id)",
        "DROP INDEX articles_published_id",
        "DROP INDEX articles_outlet",
        "CREATE INDEX articles_published_id ON articles (published DESC, id, fts_rid)",
        "CREATE INDEX articles_outlet ON articles (outlet, published DESC, id, fts_rid)",
        "DROP TRIGGER articles_fts_insert",
        "DROP TRIGGER articles_fts_update",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, id, title, text)
                VALUES (new.fts_rid, new.id, new.title, new.text);
            INSERT INTO fts_map (rid, id) VALUES (last_insert_rowid(), new.id);
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            DELETE FROM articles_fts WHERE rowid = (SELECT rid FROM fts_map WHERE id = old.id);
            DELETE FROM fts_map WHERE id = old.id;
            INSERT INTO articles_fts (rowid, id, title, text)
                VALUES (new.fts_rid, new.id, new.title, new.text);
            INSERT INTO fts_map (rid, id) VALUES (last_insert_rowid(), new.id);
        END""",
    ]


def _schema_v4() -> list[str]:
    """Counts and facets start from the matching set (an FTS rowid, an article id) rather
    than scanning every article: fts_rid gets an index; event facets and the timeline read
    events by article from an index alone."""
    return [
        "CREATE INDEX IF NOT EXISTS articles_fts_rid ON articles (fts_rid)",
        "CREATE INDEX IF NOT EXISTS events_by_article ON events (article_id, type, factuality, time)",
        "ANALYZE",  # statistics for the new indexes
    ]


def _schema_v5() -> list[str]:
    """New articles reach the full-text index from the store, a batch per statement
    (``SQLiteStore._index_pending``), not from a per-row trigger: FTS5 writes its pending
    terms out as a new segment at every statement savepoint, so one row per statement
    left one tiny segment per article to merge (loading slowed from 19 s to 62 s per
    5,000 articles by 20,000).

    Covering indexes, so facets and the timeline read no table rows: full-text matches
    to id and outlet; events by type with their article and time; an article's day by id.
    """
    return [
        "DROP TRIGGER IF EXISTS articles_fts_insert",
        "DROP INDEX IF EXISTS articles_fts_rid",
        "CREATE INDEX articles_fts_rid ON articles (fts_rid, id, outlet)",
        "DROP INDEX IF EXISTS events_type",
        "CREATE INDEX events_type ON events (type, factuality, article_id, time)",
        "CREATE INDEX IF NOT EXISTS articles_id_published ON articles (id, published)",
        "ANALYZE",
    ]


# Migration i+1 takes a database from version i to version i+1.
def _schema_v6() -> list[str]:
    """Site template profiles learned by ingest (extract.templates), one row per host."""
    return ["""CREATE TABLE IF NOT EXISTS templates (
            host TEXT PRIMARY KEY,
            profile TEXT NOT NULL,
            updated_at TEXT NOT NULL)"""]


def _schema_v7() -> list[str]:
    """Watched sources (feeds, sitemaps, sites) with their fetch state and health, and the
    frontier of article URLs seen (store.sources.SourceBook reads and writes them)."""
    return [
        """CREATE TABLE IF NOT EXISTS sources (
            url TEXT PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'auto',
            parent TEXT,
            added_at TEXT NOT NULL,
            etag TEXT, last_modified TEXT,
            last_fetch TEXT, last_success TEXT, next_due TEXT,
            last_status INTEGER,
            errors INTEGER NOT NULL DEFAULT 0,
            backoff REAL NOT NULL DEFAULT 0,
            last_error TEXT)""",
        "CREATE INDEX IF NOT EXISTS sources_parent ON sources (parent)",
        """CREATE TABLE IF NOT EXISTS frontier (
            url TEXT PRIMARY KEY,
            source TEXT,
            state TEXT NOT NULL,
            hints TEXT,
            first_seen TEXT NOT NULL,
            fetched_at TEXT,
            final_url TEXT,
            article_id TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT)""",
        "CREATE INDEX IF NOT EXISTS frontier_state ON frontier (state, first_seen)",
        "CREATE INDEX IF NOT EXISTS frontier_source ON frontier (source, state)",
    ]


def _schema_v8(conn: sqlite3.Connection) -> list[str]:
    """Trust on every record (enrich.confidence): events and statements carry ``confidence``,
    statements their ``method``; indexes for the minimum-confidence filter. Records stored
    before keep a NULL confidence (unscored); their statements were all found by pattern.
    Takes the connection: a database made by this version already has the columns."""
    have = {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in ("events", "statements")}
    stmts = [f"ALTER TABLE {t} ADD COLUMN {c} {kind}"
             for t, c, kind in (("events", "confidence", "REAL"), ("statements", "method", "TEXT"),
                                ("statements", "confidence", "REAL")) if c not in have[t]]
    return stmts + [
        "UPDATE statements SET method = 'pattern' WHERE method IS NULL",
        "CREATE INDEX IF NOT EXISTS events_confidence ON events (confidence, article_id)",
        "CREATE INDEX IF NOT EXISTS statements_confidence ON statements (confidence, article_id)",
    ]


def _schema_v9() -> list[str]:
    """Pages already stored, by their key (``newsdesk.resume.page_key``): a rerun skips them
    before extraction, and a later failure of a stored page adds no error record."""
    return ["""CREATE TABLE IF NOT EXISTS stored_pages (
            key TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            at TEXT NOT NULL) WITHOUT ROWID"""]


def _schema_v10() -> list[str]:
    """Links (newsdesk.link): an article's duplicate_of and story_id, stories, incidents
    and their reports (provenance spans). New tables only: no stored row changes; they are
    filled by ``newsdesk link --rebuild`` (store.links) and by ingest."""
    return [
        """CREATE TABLE IF NOT EXISTS article_links (
            article_id TEXT PRIMARY KEY, duplicate_of TEXT, story_id TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS article_links_story ON article_links (story_id)",
        "CREATE INDEX IF NOT EXISTS article_links_duplicate ON article_links (duplicate_of)",
        """CREATE TABLE IF NOT EXISTS stories (
            id TEXT PRIMARY KEY, label TEXT NOT NULL, first_seen TEXT, last_seen TEXT,
            article_count INTEGER NOT NULL, outlet_count INTEGER NOT NULL, record TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS stories_last ON stories (last_seen)",
        """CREATE TABLE IF NOT EXISTS incidents (
            id TEXT PRIMARY KEY, story_id TEXT NOT NULL, type TEXT, status TEXT NOT NULL,
            why TEXT, first_report TEXT, outlet_count INTEGER NOT NULL, record TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, story_id)",
        "CREATE INDEX IF NOT EXISTS incidents_story ON incidents (story_id)",
        """CREATE TABLE IF NOT EXISTS incident_reports (
            incident_id TEXT NOT NULL, article_id TEXT NOT NULL, n INTEGER NOT NULL,
            start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, factuality TEXT,
            source TEXT, PRIMARY KEY (incident_id, article_id, n))""",
        "CREATE INDEX IF NOT EXISTS incident_reports_article ON incident_reports (article_id)",
    ]


def _schema_v11() -> list[str]:
    """Input partitions whose records are all stored (store.bulk): a rerun skips them."""
    return ["""CREATE TABLE IF NOT EXISTS partitions (
            id TEXT PRIMARY KEY, source TEXT, pages INTEGER, added INTEGER, errors INTEGER,
            finished_at TEXT NOT NULL)"""]


def _schema_v12() -> list[str]:
    """Links kept for incremental linking: ``link_inputs`` (each linked article's text
    hash, MinHash sketch, keys, report fields as JSON and its vectors as float16 bytes, in
    linking order) and ``story_keys`` (a story's names and places, for the entity and place
    filters). New tables only: a store linked before is relinked by ``link --rebuild`` (or
    by the next ingest, which links every article without inputs)."""
    return [
        """CREATE TABLE IF NOT EXISTS link_inputs (
            article_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, meta TEXT NOT NULL,
            vectors BLOB NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS link_inputs_seq ON link_inputs (seq)",
        """CREATE TABLE IF NOT EXISTS story_keys (
            story_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (story_id, kind, key))""",
        "CREATE INDEX IF NOT EXISTS story_keys_key ON story_keys (kind, key)",
    ]


def _schema_v13() -> list[str]:
    """The full-text index reads title and text from ``articles`` (FTS5 external content,
    keyed by ``fts_rid``, an explicit column VACUUM leaves alone) instead of holding a
    second copy of every text: a smaller file, and a bulk load writes each text once.
    The index is rebuilt from the stored articles (same tokenizer, same rowids, so every
    search answers as before). A deleted or edited article leaves the index through the
    'delete' command, which needs the old values the triggers pass."""
    return [
        "DROP TRIGGER IF EXISTS articles_fts_delete",
        "DROP TRIGGER IF EXISTS articles_fts_update",
        "DROP TABLE articles_fts",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            id UNINDEXED, title, text, content = 'articles', content_rowid = 'fts_rid',
            tokenize = 'porter unicode61 remove_diacritics 2'
        )""",
        # Only the articles indexed before (fts_map): the index holds what it held.
        """INSERT INTO articles_fts (rowid, id, title, text)
           SELECT a.fts_rid, a.id, a.title, a.text FROM articles a
           JOIN fts_map m ON m.rid = a.fts_rid ORDER BY a.fts_rid""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, id, title, text)
                SELECT 'delete', old.fts_rid, old.id, old.title, old.text
                WHERE EXISTS (SELECT 1 FROM fts_map WHERE rid = old.fts_rid);
            DELETE FROM fts_map WHERE id = old.id;
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, id, title, text)
                SELECT 'delete', old.fts_rid, old.id, old.title, old.text
                WHERE EXISTS (SELECT 1 FROM fts_map WHERE rid = old.fts_rid);
            INSERT INTO articles_fts (rowid, id, title, text)
                SELECT new.fts_rid, new.id, new.title, new.text
                WHERE EXISTS (SELECT 1 FROM fts_map WHERE rid = new.fts_rid);
        END""",
    ]


def _schema_v14() -> list[str]:
    """Articles in stored order: linking finds the ones stored since the last linked one
    without reading every article (store.links.link_new). An index only: no row changes."""
    return ["CREATE INDEX IF NOT EXISTS articles_ingested ON articles (ingested_at, id)"]


def _schema_v15(conn: sqlite3.Connection) -> list[str]:
    """The link indexes kept in the store (store.link_index): new linking queries only a
    new article's candidates. New tables and a column; the first link run after the
    upgrade fills them from the kept inputs (a full restore, once)."""
    from .link_index import schema
    have = {r[1] for r in conn.execute("PRAGMA table_info(incident_reports)")}
    return schema("BLOB", add_column="event_index" not in have)


def _schema_v16(conn: sqlite3.Connection) -> list[str]:
    """Each ``link_keys`` row carries its story's time span, indexed by key then span: a new
    article's candidate stories are an index range per key (store.link_index). The spans
    are copied from ``link_stories``; no other row changes."""
    from .link_index import schema_spans
    have = {r[1] for r in conn.execute("PRAGMA table_info(link_keys)")}
    return schema_spans(add_columns="hi_day" not in have)


def _schema_v17(conn: sqlite3.Connection) -> list[str]:
    """Story merges: a merge survivor's centroid in ``link_stories`` and the merged-away
    stories' survivors (``story_merges``; store.link_index.schema_merges). No row changes:
    stories linked before merges stay as they were until ``newsdesk link --rebuild``."""
    from .link_index import schema_merges
    have = {r[1] for r in conn.execute("PRAGMA table_info(link_stories)")}
    return schema_merges("BLOB", add_column="centroid" not in have)


def _schema_v18() -> list[str]:
    """``link_counts``: the rows of ``articles`` and ``link_inputs``, kept by triggers, so
    linking reads them instead of counting (store.link_counts). Initialised from the real
    counts under the migration's write lock; no other row changes."""
    from .link_counts import sqlite_schema
    return sqlite_schema()


def _schema_v19() -> list[str]:
    """``incident_merges``: where a merged-away incident went (store.link_index). A new
    table only; incidents merged before it have no row (``newsdesk link --rebuild`` fills
    it)."""
    from .link_index import schema_incident_merges
    return schema_incident_merges()


def _schema_v20() -> list[str]:
    """``link_keys`` keyed by its span index alone (store.link_index.schema_keys_by_span):
    the table is copied without its (key, story) primary key. No row changes."""
    from .link_index import schema_keys_by_span
    return schema_keys_by_span("sqlite")


MIGRATIONS = [_schema_v1, _schema_v2, _schema_v3, _schema_v4, _schema_v5, _schema_v6, _schema_v7,
              _schema_v8, _schema_v9, _schema_v10, _schema_v11, _schema_v12,
              _schema_v13, _schema_v14, _schema_v15, _schema_v16, _schema_v17, _schema_v18,
              _schema_v19, _schema_v20]


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Bring the schema up to SCHEMA_VERSION (recorded in PRAGMA user_version).
    ``upto`` stops earlier (tests build old databases with it).

    Each migration is one transaction that takes the write lock first (BEGIN IMMEDIATE)
    and reads the version under it, so processes opening a new file at once apply each
    migration once: the others wait, then see it done."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {version} is newer than this newsdesk "
                           f"({SCHEMA_VERSION}); upgrade newsdesk")
    while version < upto:
        with conn:
            retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= upto:
                break
            step = MIGRATIONS[version]
            for stmt in (step(conn) if step.__code__.co_argcount else step()):
                conn.execute(stmt)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
    if upto == SCHEMA_VERSION:
        add_model_columns(conn)
    return version


def add_model_columns(conn: sqlite3.Connection) -> list[str]:
    """Add a column for each model field the annotation tables lack (a field added to
    the model after the database was made); older rows get NULL there, their JSON record
    stays the full truth. Returns the columns added, as "table.column"."""
    added = []
    for table, kind in ANNOTATIONS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing = [c for c in _columns(kind) if c not in have]
        if not missing:
            continue
        with conn:  # under the write lock, looked at again: another process may have added them
            retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            for col in missing:
                if col not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {_q(col)}")
                    added.append(f"{table}.{col}")
    return added


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock; worth a retry."""
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) in (5, 6, 261, 517, 262)
        or "locked" in str(exc) or "busy" in str(exc))


def retry_busy(fn, deadline: float = 600.0, on_retry=None):
    """Call ``fn`` until it gets past SQLITE_BUSY: backoff from 20 ms doubling to 1 s, with
    jitter so writers that met do not meet again, for up to ``deadline`` seconds.
    ``on_retry`` runs before each new try (a rollback)."""
    import random
    import time
    start, delay = time.monotonic(), 0.02
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() - start > deadline:
                raise
        if on_retry is not None:
            on_retry()
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 1.0)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def error_id(error: PageError) -> str:
    """The same failure of the same page always gets the same id."""
    key = "\x1f".join([error.source, error.step or "", error.reason, error.id or ""])
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()


_HASH_P = 4294967291  # a prime below 2**32


def _sample_sql(col: str, stride: int) -> str:
    """Keeps about 1 in ``stride`` rows by a hash of integer ``col`` (an FTS rowid: the
    sample is drawn before any article is read). Hashed, not every k-th, so a pattern
    in ingest order cannot line up with the stride."""
    return f"({col} * 2654435761) % {_HASH_P} < {_HASH_P // max(1, int(stride))}"


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(query: str) -> str:
    """Turn a user query into a safe FTS5 query: every word or "quoted phrase" becomes a
    quoted term (so FTS5 syntax in the input is just text), terms are ANDed, and a
    trailing ``*`` keeps prefix search."""
    terms = []
    for phrase, word in _TOKEN.findall(query):
        token, prefix = (phrase, False) if phrase else (word, word.endswith("*") and len(word) > 1)
        if prefix:
            token = token.rstrip("*")
        token = token.replace('"', "")
        if not re.search(r"\w", token):
            continue  # pure punctuation: nothing to match
        terms.append('"' + token + '"' + ("*" if prefix else ""))
    return " ".join(terms)


class SQLiteStore(WriteMixin, QueryMixin):
    """Articles and errors in one SQLite file. Adding is idempotent: the same article
    (same id) or the same error is stored once, however often it is ingested.

    Queries follow ``store.base.Store`` (see ``store.query`` for how filters apply). The
    connection may be used from another thread than the one that opened it (a web
    server's worker threads), one call at a time.

    Writing: an added article gets the next FTS rowid (``fts_rid``); its full-text row is
    written with the other pending ones in one statement before each commit and before
    any read on this connection, so committed data is always indexed.
    """

    # Page cache while ``add_many`` runs (KiB): the indexes of a large load stay in memory.
    LOAD_CACHE_KIB = 256 * 1024

    def __init__(self, path: str | Path = "newsdesk.db"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            # Readers do not block the writers; switching a new file to WAL takes its lock.
            retry_busy(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            # Safe with WAL (a power cut may lose the last commits, never corrupts) and
            # no fsync per commit.
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self._fts_pending = False
        migrate(self.conn)
        # the log copied back by the process's thread for this file (store.wal), not in a commit
        self._checkpointer = None if self.path == ":memory:" else wal.attach(self.conn, self.path)

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        if self._checkpointer is not None:
            wal.detach(self._checkpointer)
            self._checkpointer = None
        self.conn.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- writing -------------------------------------------------------------------
    def commit(self) -> None:
        self._index_pending()
        self.conn.commit()

    def _index_pending(self) -> None:
        """Write the full-text rows of the articles added since the last call: those whose
        fts_rid is above the highest one indexed (fts_map), in one statement each."""
        if not self._fts_pending:
            return
        lo = self.conn.execute("SELECT coalesce(max(rid), 0) FROM fts_map").fetchone()[0]
        self.conn.execute("""INSERT INTO articles_fts (rowid, id, title, text)
                             SELECT fts_rid, id, title, text FROM articles WHERE fts_rid > ?
                             ORDER BY fts_rid""", (lo,))
        self.conn.execute("INSERT INTO fts_map (rid, id) SELECT fts_rid, id FROM articles "
                          "WHERE fts_rid > ?", (lo,))
        self._fts_pending = False

    def add_many(self, records, commit_every: int = 100, **kw):
        """Store records in short transactions of ``commit_every`` (see ``WriteMixin.add_many``),
        with a large page cache for the duration."""
        old = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{self.LOAD_CACHE_KIB}")
        try:
            yield from super().add_many(records, commit_every, **kw)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {old}")

    def _settle_errors(self, source: str) -> None:
        self.conn.execute("DELETE FROM errors WHERE source = ?", (source,))

    def _is_open(self) -> bool:
        return True

    def _after_load(self, added: int) -> None:
        try:  # planner statistics: the query plans depend on them
            self.conn.execute("ANALYZE" if added >= 1000 else "PRAGMA optimize")
            self.conn.commit()
        except sqlite3.Error:
            pass

    def _write_transaction(self, write):
        """Run ``write()`` in one short write transaction, taking the lock first (BEGIN
        IMMEDIATE: a deferred one could fail to upgrade when another writer went first);
        SQLITE_BUSY past the busy timeout rolls back and retries with backoff."""
        def attempt():
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN IMMEDIATE")
            out = write()
            self.commit()
            return out

        def rollback():
            self.conn.rollback()
            self._fts_pending = False

        return retry_busy(attempt, on_retry=rollback)

    def stored_pages(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` (``newsdesk.resume.page_key``) whose page is stored as an article."""
        keys = list(dict.fromkeys(k for k in keys if k))
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT key FROM stored_pages WHERE key IN ({', '.join('?' * len(part))})", part))
        return found

    def _mark_page(self, key: str, article_id: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO stored_pages (key, article_id, at) VALUES (?, ?, ?)",
                          (key, article_id, _now()))

    def _add_article(self, a: Article) -> bool:
        cur = self.conn.execute(
            """INSERT OR IGNORE INTO articles (id, url, outlet, title, published, byline, language,
                   text, warnings, source, ingested_at, record, fts_rid)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                       (SELECT coalesce(max(fts_rid), 0) + 1 FROM articles))""",
            (a.id, a.url, a.outlet, a.title, a.published, _json(a.byline), a.language, a.text,
             _json(a.warnings), a.source, _now(), _json(a.to_dict())))
        if cur.rowcount == 0:
            return False
        self._fts_pending = True
        for table, kind in ANNOTATIONS.items():
            rows = getattr(a, table)
            if not rows:
                continue
            cols = _columns(kind)
            sql = (f"INSERT INTO {table} (article_id, n, {', '.join(_q(c) for c in cols)}) "
                   f"VALUES ({', '.join('?' * (len(cols) + 2))})")
            self.conn.executemany(sql, [
                (a.id, n, *(_json(v) if isinstance(v, (list, dict)) else v
                            for v in (getattr(r, c) for c in cols)))
                for n, r in enumerate(rows)])
        return True

    def _add_error(self, e: PageError) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO errors (id, source, step, reason, url, at) VALUES (?, ?, ?, ?, ?, ?)",
            (error_id(e), e.source, e.step, e.reason, e.url, _now()))
        return cur.rowcount > 0

    # -- reading -------------------------------------------------------------------
    def list(self, limit: int = 20, offset: int = 0, outlet: str | None = None) -> list[dict[str, Any]]:
        """Articles newest first (undated last), as dicts of id, published, outlet, title, url."""
        where, args = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
        rows = self.conn.execute(
            f"""SELECT id, published, outlet, title, url, source FROM articles {where}
                ORDER BY published IS NULL, published DESC, ingested_at DESC, id
                LIMIT ? OFFSET ?""", (*args, limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def get(self, article_id: str) -> Article | None:
        """The article with this id (or unique id prefix), or None."""
        row = self.conn.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None and article_id and len(article_id) >= 4:
            like = article_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self.conn.execute("SELECT record FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                     (like,)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return Article.from_dict(json.loads(row["record"])) if row else None

    def __contains__(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def search(self, query: str, limit: int = 10) -> list[tuple[str, str | None, str]]:
        """Full-text search over title and text, best first: (id, title, snippet) tuples.

        Any user input is safe: words are matched as quoted terms, never as FTS5 syntax.
        """
        match = fts_query(query)
        if not match:
            return []
        self._index_pending()
        rows = self.conn.execute(
            """SELECT id, title, snippet(articles_fts, 2, '[', ']', '…', 16) AS snippet
               FROM articles_fts WHERE articles_fts MATCH ?
               ORDER BY bm25(articles_fts, 0.0, 5.0, 1.0), id LIMIT ?""", (match, limit)).fetchall()
        return [(r["id"], r["title"], r["snippet"]) for r in rows]

    def errors(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM errors ORDER BY at DESC, source LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    # -- site templates ------------------------------------------------------------
    def templates(self, hosts: Iterable[str] | None = None) -> dict[str, dict]:
        """Stored template profiles, {host: profile dict} (all hosts, or those given)."""
        rows = self.conn.execute("SELECT host, profile FROM templates").fetchall()
        wanted = None if hosts is None else set(hosts)
        return {r["host"]: json.loads(r["profile"]) for r in rows if wanted is None or r["host"] in wanted}

    def save_templates(self, profiles: dict[str, dict]) -> None:
        """Store (replace) the given hosts' template profiles and commit."""
        now = _now()
        self.conn.executemany(
            "INSERT INTO templates (host, profile, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (host) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
            [(h, json.dumps(p, separators=(",", ":")), now) for h, p in profiles.items()])
        self.commit()

    def counts(self) -> dict[str, Any]:
        """Row counts: articles, errors, each annotation table, and events by type."""
        out: dict[str, Any] = {}
        for table in ("articles", "errors", *ANNOTATIONS):
            out[table] = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["events_by_type"] = {r[0]: r[1] for r in self.conn.execute(
            "SELECT type, count(*) FROM events GROUP BY type ORDER BY count(*) DESC, type")}
        return out

    # -- query contract hooks (store.query) -----------------------------------------
    SET = "+"

    def _records_from(self, table: str, alias: str) -> str:
        # Articles newest first, then their records: a page stops early (CROSS JOIN fixes
        # the loop order in SQLite).
        return f"articles a CROSS JOIN {table} {alias} ON {alias}.article_id = a.id"

    def _count_articles(self, f) -> int | None:
        if f.q and f.q.strip() and not any((f.outlet, f.since, f.until, f.entity, f.place,
                                             f.event_type, f.factuality, f.source)):
            match = fts_query(f.q)
            if match:  # every FTS row is one article
                self._index_pending()
                return self.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                                         (match,)).fetchone()[0]
        return None

    def _rows(self, sql: str, args=()) -> list[dict[str, Any]]:
        self._index_pending()  # reads on this connection see its own uncommitted adds
        return [dict(r) for r in self.conn.execute(sql, tuple(args))]

    def _fts(self, q: str, ordered: bool = True, stride: int = 1):
        match = fts_query(q)
        if not match:
            return None
        plus = self.SET if ordered else ""
        sample = f" AND {_sample_sql('rowid', stride)}" if stride > 1 else ""
        return (f"{plus}a.fts_rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
                f"{sample})", [match])

    def _fts_count(self, q: str, stride: int = 1) -> int | None:
        match = fts_query(q)
        if not match:
            return 0
        self._index_pending()
        sample = f" AND {_sample_sql('rowid', stride)}" if stride > 1 else ""
        return self.conn.execute(f"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
                                 f"{sample}", (match,)).fetchone()[0]

    def _full_date(self, col: str) -> str:
        return f"{col} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"

    def _article_snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        match = fts_query(q)
        self._index_pending()
        out = {}
        for id_ in ids:
            row = self.conn.execute(
                f"""SELECT snippet(articles_fts, 2, '{HL_START}', '{HL_STOP}', '…', 24)
                    FROM articles_fts WHERE articles_fts MATCH ?
                    AND rowid = (SELECT rid FROM fts_map WHERE id = ?)""", (match, id_)).fetchone()
            if row is not None and row[0]:
                out[id_] = row[0]
        return out
