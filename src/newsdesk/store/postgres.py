"""PostgreSQL store: the SQLite store's tables and query contract on a server.

``open_store("postgresql://user@host/db")`` returns a PostgresStore. psycopg 3 is imported
when one is opened, so SQLite users never need it (``pip install 'newsdesk[postgres]'``).

- Same tables and columns as the SQLite store (``articles``, ``entities``, ``places``,
  ``times``, ``quantities``, ``statements``, ``events``, ``errors``). Text columns use
  the "C" collation, so ids and ISO dates sort byte-wise as in SQLite whatever the
  database's locale.
- Full text: ``articles.tsv``, a generated tsvector column (title weighted A, body B,
  ``english`` configuration) with a GIN index; queries go through websearch_to_tsquery,
  snippets through ts_headline.
- Facets of a common word are estimated from a second, partial GIN index over one
  article in 8 (by a hash of its id; schema version 5), see ``PostgresStore.facets``.
- Migrations: ``schema_version`` holds the version; opening a store applies the missing
  migrations, each in one transaction, under an advisory lock (two processes opening the
  same new database do not race).
- Adding is idempotent (``ON CONFLICT DO NOTHING``), as in SQLite.
"""
from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from typing import Any

from ..model import Article, PageError
from .base import Filters
from .query import EXCERPT_CHARS, HL_START, HL_STOP, QueryMixin, WriteMixin
from .sqlite import ANNOTATIONS, _columns, _json, _now, _q, _TOKEN, error_id

SCHEMA_VERSION = 18
_HASH_END = 2 ** 31  # facet samples: hashtext(id) & 0x7fffffff lies in [0, _HASH_END)
TS_CONFIG = "english"
_LOCK_KEY = 0x6E657773  # "news": advisory lock held while migrating


def _sql_type(annotation: str) -> str:
    """Column type for a model field's annotation string ("float | None", "list[str]", ...)."""
    a = str(annotation)
    if a.startswith("list") or a.startswith("dict"):
        return "TEXT"  # JSON, as in SQLite
    if "float" in a:
        return "DOUBLE PRECISION"
    if "bool" in a:
        return "BOOLEAN"
    if "int" in a:
        return "BIGINT"
    return 'TEXT COLLATE "C"'


def _schema_v1() -> list[str]:
    import dataclasses
    stmts = [
        """CREATE TABLE articles (
            id TEXT COLLATE "C" PRIMARY KEY,
            url TEXT, outlet TEXT COLLATE "C", title TEXT, published TEXT COLLATE "C",
            byline TEXT, language TEXT, text TEXT NOT NULL, warnings TEXT, source TEXT,
            ingested_at TEXT NOT NULL, record TEXT NOT NULL
        )""",
        "CREATE INDEX articles_newest ON articles (published DESC, ingested_at DESC, id)",
        "CREATE INDEX articles_outlet ON articles (outlet)",
        "CREATE INDEX articles_url ON articles (url)",
        """CREATE TABLE errors (
            id TEXT PRIMARY KEY, source TEXT NOT NULL, step TEXT, reason TEXT NOT NULL,
            url TEXT, at TEXT NOT NULL
        )""",
        "CREATE INDEX errors_source ON errors (source)",
    ]
    for table, kind in ANNOTATIONS.items():
        cols = ", ".join(f"{_q(f.name)} {_sql_type(f.type)}" for f in dataclasses.fields(kind))
        stmts.append(f"""CREATE TABLE {table} (
            article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            n INTEGER NOT NULL, {cols},
            PRIMARY KEY (article_id, n)
        )""")
    stmts += [
        "CREATE INDEX events_type ON events (type)",
        "CREATE INDEX entities_canonical ON entities (canonical)",
        "CREATE INDEX places_name ON places (name)",
    ]
    return stmts


def _schema_v2() -> list[str]:
    """Full-text search and the indexes of the query contract (as SQLite's version 2)."""
    return [
        f"""ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('{TS_CONFIG}', coalesce(title, '')), 'A') ||
            setweight(to_tsvector('{TS_CONFIG}', text), 'B')) STORED""",
        "CREATE INDEX articles_tsv ON articles USING GIN (tsv)",
        "CREATE INDEX articles_published_id ON articles (published DESC NULLS LAST, id)",
        "DROP INDEX articles_outlet",
        "CREATE INDEX articles_outlet ON articles (outlet, published DESC NULLS LAST, id)",
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
    """Events by type carry their time: the timeline reads them from the index alone."""
    return [
        "DROP INDEX events_type",
        "CREATE INDEX events_type ON events (type, factuality, article_id) INCLUDE (time)",
    ]


def _schema_v4() -> list[str]:
    """Site template profiles learned by ingest (extract.templates), one row per host."""
    return ["""CREATE TABLE IF NOT EXISTS templates (
            host TEXT PRIMARY KEY,
            profile JSONB NOT NULL,
            updated_at TEXT NOT NULL)"""]


# One article in SAMPLE_BUCKETS (by a hash of its id) is also in a second, partial GIN
# index: the estimated facets of a common word read its matches there (an eighth of them)
# rather than every match from the full index.
SAMPLE_BUCKETS = 8
SAMPLE_INDEX = (f"CREATE INDEX IF NOT EXISTS articles_tsv_sample ON articles USING GIN (tsv) "
                f"WHERE (hashtext(id) & {SAMPLE_BUCKETS - 1}) = 0")
_IN_SAMPLE = f"(hashtext(a.id) & {SAMPLE_BUCKETS - 1}) = 0"


def _schema_v5() -> list[str]:
    """A partial full-text index over one article in SAMPLE_BUCKETS (facet samples)."""
    return [SAMPLE_INDEX]


def _schema_v6() -> list[str]:
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


def _schema_v7() -> list[str]:
    """Trust on every record (as SQLite's version 8): events' and statements' ``confidence``,
    statements' ``method``, and indexes for the minimum-confidence filter."""
    return [
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS confidence DOUBLE PRECISION",
        'ALTER TABLE statements ADD COLUMN IF NOT EXISTS method TEXT COLLATE "C"',
        "ALTER TABLE statements ADD COLUMN IF NOT EXISTS confidence DOUBLE PRECISION",
        "UPDATE statements SET method = 'pattern' WHERE method IS NULL",
        "CREATE INDEX IF NOT EXISTS events_confidence ON events (confidence, article_id)",
        "CREATE INDEX IF NOT EXISTS statements_confidence ON statements (confidence, article_id)",
    ]


def _schema_v8() -> list[str]:
    """Pages already stored, by key (newsdesk.resume.page_key), as in SQLite."""
    return ["""CREATE TABLE IF NOT EXISTS stored_pages (
            key TEXT COLLATE "C" PRIMARY KEY,
            article_id TEXT NOT NULL,
            at TEXT NOT NULL)"""]


def _schema_v9() -> list[str]:
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


def _schema_v10() -> list[str]:
    """Input partitions whose records are all stored (store.bulk): a rerun skips them."""
    return ["""CREATE TABLE IF NOT EXISTS partitions (
            id TEXT PRIMARY KEY, source TEXT, pages INTEGER, added INTEGER, errors INTEGER,
            finished_at TEXT NOT NULL)"""]


def _schema_v11() -> list[str]:
    """Links kept for incremental linking: ``link_inputs`` (each linked article's text
    hash, MinHash sketch, keys, report fields as JSON and its vectors as float16 bytes, in
    linking order) and ``story_keys`` (a story's names and places, for the entity and place
    filters). New tables only: a store linked before is relinked by ``link --rebuild`` (or
    by the next ingest, which links every article without inputs)."""
    return [
        """CREATE TABLE IF NOT EXISTS link_inputs (
            article_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, meta TEXT NOT NULL,
            vectors BYTEA NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS link_inputs_seq ON link_inputs (seq)",
        """CREATE TABLE IF NOT EXISTS story_keys (
            story_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
            PRIMARY KEY (story_id, kind, key))""",
        "CREATE INDEX IF NOT EXISTS story_keys_key ON story_keys (kind, key)",
    ]


def _schema_v12() -> list[str]:
    """Articles in stored order: linking finds the ones stored since the last linked one
    without reading every article (store.links.link_new). An index only: no row changes."""
    return ["CREATE INDEX IF NOT EXISTS articles_ingested ON articles (ingested_at, id)"]


def _schema_v13() -> list[str]:
    """The link indexes kept in the store (store.link_index), as in SQLite's version 15."""
    from .link_index import schema
    return [x.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS") for x in schema("BYTEA")]


def _schema_v14() -> list[str]:
    """``link_keys`` rows carry their story's span, indexed by key then span (as in
    SQLite's version 16)."""
    from .link_index import schema_spans
    return schema_spans(if_not_exists="IF NOT EXISTS ")


def _schema_v15() -> list[str]:
    """Story merges: a survivor's centroid and ``story_merges`` (as in SQLite's version 17)."""
    from .link_index import schema_merges
    return schema_merges("BYTEA", if_not_exists="IF NOT EXISTS ")


def _schema_v16() -> list[str]:
    """``link_counts`` kept by triggers (store.link_counts), as in SQLite's version 18."""
    from .link_counts import postgres_schema
    return postgres_schema()


def _schema_v17() -> list[str]:
    """``incident_merges`` (store.link_index), as in SQLite's version 19."""
    from .link_index import schema_incident_merges
    return schema_incident_merges()


def _schema_v18() -> list[str]:
    """``link_keys`` without its (key, story) primary key, as in SQLite's version 20."""
    from .link_index import schema_keys_by_span
    return schema_keys_by_span("postgresql")


MIGRATIONS = [_schema_v1, _schema_v2, _schema_v3, _schema_v4, _schema_v5, _schema_v6, _schema_v7, _schema_v8, _schema_v9, _schema_v10, _schema_v11, _schema_v12, _schema_v13, _schema_v14, _schema_v15,
              _schema_v16, _schema_v17, _schema_v18]


def migrate(conn, upto: int = SCHEMA_VERSION) -> int:
    """Apply the migrations the database lacks (up to ``upto``); returns its version."""
    from psycopg.rows import tuple_row
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database schema version {version} is newer than this newsdesk "
                               f"({SCHEMA_VERSION}); upgrade newsdesk")
        for target in range(version + 1, upto + 1):
            with conn.transaction():  # a savepoint: a failing migration leaves no trace
                for stmt in MIGRATIONS[target - 1]():
                    cur.execute(stmt)
                cur.execute("DELETE FROM schema_version")
                cur.execute("INSERT INTO schema_version (version) VALUES (%s)", (target,))
        if upto == SCHEMA_VERSION:
            _add_model_columns(cur)
        return max(version, upto)


def _add_model_columns(cur) -> list[str]:
    """Add a column for each model field the annotation tables lack (as in SQLite)."""
    import dataclasses
    added = []
    for table, kind in ANNOTATIONS.items():
        have = {r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s", (table,)).fetchall()}
        for f in dataclasses.fields(kind):
            if f.name not in have:
                cur.execute(f"ALTER TABLE {table} ADD COLUMN {_q(f.name)} {_sql_type(f.type)}")
                added.append(f"{table}.{f.name}")
    return added


def _tsquery_prefix(word: str) -> str | None:
    """A to_tsquery() operand for a prefix search word, or None if nothing is left of it."""
    word = re.sub(r"[^\w]+", "", word)
    return f"'{word}':*" if word else None


class PostgresStore(WriteMixin, QueryMixin):
    """Articles and errors in a PostgreSQL database; same contract as SQLiteStore."""

    DESC = "DESC NULLS LAST"
    # Keeps the timeline's day (with its article lookup) computed once per event; the
    # hash join over every article the planner picks otherwise costs more at 100,000.
    FENCE = "OFFSET 0"

    def __init__(self, url: str):
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ImportError("the PostgreSQL store needs psycopg 3: "
                              "pip install 'newsdesk[postgres]'") from exc
        self.url = url
        if url.startswith("postgresql+"):  # SQLAlchemy spelling: postgresql+psycopg://
            url = "postgresql://" + url.partition("://")[2]
        try:
            self.conn = psycopg.connect(url, row_factory=dict_row)
        except psycopg.OperationalError as exc:
            from . import StoreError
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(f"cannot open PostgreSQL store {redact(url)}: {reason}") from None
        self._dirty = False
        try:
            migrate(self.conn)
            # A parallel bulk load (store.pg_bulk) that died left its indexes dropped.
            from .pg_bulk import ensure_indexes
            ensure_indexes(self.conn)
            # JIT compiling costs 20-50 ms a query, more than the short reads of a page
            # save from it.
            self.conn.execute("SET jit = off")
            self.conn.commit()
        except Exception:
            self.conn.close()
            raise

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        if not self.conn.closed:
            if self._dirty:
                self.conn.commit()
            self.conn.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.conn.info.dsn!r})"

    def commit(self) -> None:
        self.conn.commit()
        self._dirty = False

    def _end_read(self) -> None:
        # End the read transaction so a long-lived store never sits "idle in transaction";
        # pending writes (add(commit=False)) are kept for the caller's commit.
        if not self._dirty and not self.conn.closed:
            self.conn.rollback()

    def _rows(self, sql: str, args=()) -> list[dict[str, Any]]:
        if "a.tsv @@" in sql:
            # The planner prices "tsv @@ query" as cheap, so for a common word it scans
            # the table and detoasts every tsvector (0.6 s at 40,000 articles) where the
            # GIN index answers in 40 ms. For this transaction only (reads end with a
            # rollback, see _end_read).
            self.conn.execute("SET LOCAL enable_seqscan = off")
        return self.conn.execute(sql.replace("?", "%s"), tuple(_nul(a) for a in args)).fetchall()

    # -- writing -------------------------------------------------------------------
    def _settle_errors(self, source: str) -> None:
        self.conn.execute("DELETE FROM errors WHERE source = %s", (source,))

    def _mark_written(self) -> None:
        self._dirty = True

    def _is_open(self) -> bool:
        return not self.conn.closed

    def _after_load(self, added: int) -> None:
        if added >= 1000:  # fresh planner statistics after a big load
            self.conn.execute("ANALYZE")
            self.commit()

    def _write_transaction(self, write):
        """One transaction per batch; a deadlock or serialization failure between writers
        (two writers adding the same pages in different orders) rolls back and retries."""
        import random
        import time

        import psycopg
        for attempt in range(8):
            try:
                out = write()
                self.commit()
                return out
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                self.conn.rollback()
                self._dirty = False
                if attempt == 7:
                    raise
                time.sleep(0.05 * 2 ** attempt * (0.5 + random.random()))

    def stored_pages(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` (``newsdesk.resume.page_key``) whose page is stored as an article."""
        keys = list(dict.fromkeys(k for k in keys if k))
        if not keys:
            return set()
        rows = self.conn.execute("SELECT key FROM stored_pages WHERE key = ANY(%s)", (keys,)).fetchall()
        self._end_read()
        return {r["key"] for r in rows}

    def _mark_page(self, key: str, article_id: str) -> None:
        self.conn.execute("INSERT INTO stored_pages (key, article_id, at) VALUES (%s, %s, %s) "
                          "ON CONFLICT (key) DO NOTHING", (key, article_id, _now()))

    def _add_article(self, a: Article) -> bool:
        row = self.conn.execute(
            """INSERT INTO articles (id, url, outlet, title, published, byline, language,
                   text, warnings, source, ingested_at, record)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (id) DO NOTHING RETURNING id""",
            tuple(map(_nul, (a.id, a.url, a.outlet, a.title, a.published, _json(a.byline),
                             a.language, a.text, _json(a.warnings), a.source, _now(),
                             _json(a.to_dict()))))).fetchone()
        if row is None:
            return False
        with self.conn.cursor() as cur:
            for table, kind in ANNOTATIONS.items():
                rows = getattr(a, table)
                if not rows:
                    continue
                cols = _columns(kind)
                sql = (f"INSERT INTO {table} (article_id, n, {', '.join(_q(c) for c in cols)}) "
                       f"VALUES ({', '.join(['%s'] * (len(cols) + 2))})")
                cur.executemany(sql, [
                    (a.id, n, *(_json(v) if isinstance(v, (list, dict)) else _nul(v)
                                for v in (getattr(r, c) for c in cols)))
                    for n, r in enumerate(rows)])
        return True

    def _add_error(self, e: PageError) -> bool:
        row = self.conn.execute(
            """INSERT INTO errors (id, source, step, reason, url, at)
               VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id""",
            tuple(map(_nul, (error_id(e), e.source, e.step, e.reason, e.url, _now())))).fetchone()
        return row is not None

    # -- reading -------------------------------------------------------------------
    def list(self, limit: int = 20, offset: int = 0, outlet: str | None = None) -> list[dict[str, Any]]:
        """Articles newest first (undated last), as dicts of id, published, outlet, title, url."""
        where, args = ("WHERE outlet = %s", [outlet]) if outlet else ("", [])
        try:
            return self.conn.execute(
                f"""SELECT id, published, outlet, title, url, source FROM articles {where}
                    ORDER BY published DESC NULLS LAST, ingested_at DESC, id
                    LIMIT %s OFFSET %s""", (*args, limit, offset)).fetchall()
        finally:
            self._end_read()

    def get(self, article_id: str) -> Article | None:
        """The article with this id (or unique id prefix), or None."""
        try:
            row = self.conn.execute("SELECT record FROM articles WHERE id = %s", (article_id,)).fetchone()
            if row is None and article_id and len(article_id) >= 4:
                like = article_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = self.conn.execute(
                    "SELECT record FROM articles WHERE id LIKE %s LIMIT 2", (like,)).fetchall()
                row = rows[0] if len(rows) == 1 else None
            return Article.from_dict(json.loads(row["record"])) if row else None
        finally:
            self._end_read()

    def __contains__(self, article_id: str) -> bool:
        try:
            return self.conn.execute("SELECT 1 FROM articles WHERE id = %s",
                                     (article_id,)).fetchone() is not None
        finally:
            self._end_read()

    def search(self, query: str, limit: int = 10) -> list[tuple[str, str | None, str]]:
        """Full-text search over title and text, best first: (id, title, snippet) tuples.

        Any user input is safe: words are matched as quoted terms, never as query syntax.
        """
        expr, args = self._tsquery_sql(query)
        if not expr:
            return []
        try:
            rows = self._rows(
                f"""SELECT id, title, ts_headline('{TS_CONFIG}', text, query, ?) AS snippet
                    FROM (SELECT a.id, a.title, a.text, q.query,
                                 ts_rank_cd(a.tsv, q.query) AS rank
                          FROM articles a, (SELECT {expr} AS query) q
                          WHERE a.tsv @@ q.query
                          ORDER BY rank DESC, a.id LIMIT ?) hits
                    ORDER BY rank DESC, id""",
                ["StartSel=[, StopSel=], MaxWords=24, MinWords=12", *args, limit])
            return [(r["id"], r["title"], r["snippet"]) for r in rows]
        finally:
            self._end_read()

    def errors(self, limit: int = 50) -> list[dict[str, Any]]:
        try:
            return self.conn.execute("SELECT * FROM errors ORDER BY at DESC, source LIMIT %s",
                                     (limit,)).fetchall()
        finally:
            self._end_read()

    # -- site templates ------------------------------------------------------------
    def templates(self, hosts: Iterable[str] | None = None) -> dict[str, dict]:
        """Stored template profiles, {host: profile dict} (all hosts, or those given)."""
        try:
            if hosts is None:
                rows = self.conn.execute("SELECT host, profile FROM templates").fetchall()
            else:
                rows = self.conn.execute("SELECT host, profile FROM templates WHERE host = ANY(%s)",
                                         (list(hosts),)).fetchall()
            return {r["host"]: r["profile"] for r in rows}
        finally:
            self._end_read()

    def save_templates(self, profiles: dict[str, dict]) -> None:
        """Store (replace) the given hosts' template profiles and commit."""
        now = _now()
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO templates (host, profile, updated_at) VALUES (%s, %s::jsonb, %s) "
                "ON CONFLICT (host) DO UPDATE SET profile = EXCLUDED.profile, updated_at = EXCLUDED.updated_at",
                [(h, json.dumps(p, separators=(",", ":")), now) for h, p in profiles.items()])
        self.commit()

    def counts(self) -> dict[str, Any]:
        """Row counts: articles, errors, each annotation table, and events by type."""
        try:
            out: dict[str, Any] = {}
            for table in ("articles", "errors", *ANNOTATIONS):
                out[table] = self.conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
            out["events_by_type"] = {r["type"]: r["n"] for r in self.conn.execute(
                "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY count(*) DESC, type")}
            return out
        finally:
            self._end_read()

    def schema_version(self) -> int:
        try:
            return self.conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()["v"]
        finally:
            self._end_read()

    # -- query contract hooks (store.query) -----------------------------------------
    @staticmethod
    def _tsquery_sql(q: str) -> tuple[str, list[Any]]:
        """A tsquery expression for a user query (``?`` placeholders), as SQLite reads it:
        words and "quoted phrases" ANDed, a trailing * a prefix, anything else literal.

        Each term goes to websearch_to_tsquery quoted, so its OR / - / quote syntax is
        never triggered by the input; prefix words go through to_tsquery as 'word':*.
        """
        parts, args = [], []
        for phrase, word in _TOKEN.findall(q):
            token = phrase or word
            if not phrase and word.endswith("*") and len(word) > 1:
                operand = _tsquery_prefix(word.rstrip("*"))
                if operand:
                    parts.append(f"to_tsquery('{TS_CONFIG}', ?)")
                    args.append(operand)
                continue
            token = token.replace('"', " ")
            if re.search(r"\w", token):
                parts.append(f"websearch_to_tsquery('{TS_CONFIG}', ?)")
                args.append('"' + token + '"')
        return (" && ".join(parts), args) if parts else ("", [])

    # At most this many full-text matches: read them all from the GIN index and sort them
    # (a bitmap scan), rather than walk the articles newest first testing each one's
    # tsvector (which the planner prefers when it overestimates a rare word: 100+ ms).
    FEW_MATCHES = 5000

    # With count_cap set, a q holding a phrase (two words or more in quotes, or a
    # hyphenated word) is counted up to at most this many matches: each match of a phrase
    # is checked on the article's stored tsvector (read from TOAST, ~5 us), so counting
    # 10,000 of them cost ~50 ms. Past it the total is an estimate ("at least"), as past
    # count_cap.
    PHRASE_COUNT_CAP = 2000

    @staticmethod
    def _has_phrase(q: str) -> bool:
        """True when q's tsquery holds a phrase (<->): a token of two words or more."""
        return any(len(re.findall(r"[^\W_]+", phrase or word)) >= 2
                   and not (not phrase and word.endswith("*"))
                   for phrase, word in _TOKEN.findall(q))

    def _count_and_page(self, f, w, limit: int, offset: int):
        """With count_cap set and a q: one statement reads the matches from the GIN index
        (up to the cap), counts them and, when they are all read, sorts them and reads the
        page; so a phrase's matches are checked once, not once to count and again to page."""
        if self.count_cap is None or not (f.q and f.q.strip()):
            return None
        cap = self.count_cap
        if self._has_phrase(f.q):
            cap = min(cap, self.PHRASE_COUNT_CAP)
        # The matches come from the GIN index (a bitmap scan, stopped at cap + 1), never
        # from walking an index on another column testing each row.
        self.conn.execute("SET LOCAL enable_indexscan = off")
        rows = self._rows(
            f"""WITH m AS MATERIALIZED (SELECT a.id, a.published FROM articles a {w.sql} LIMIT ?),
                     n AS (SELECT count(*) AS n FROM m),
                     pm AS (SELECT m.id FROM m, n WHERE n.n <= ?
                            ORDER BY m.published {self.DESC}, m.id LIMIT ? OFFSET ?)
                SELECT n.n AS _total, a.id, a.url, a.outlet, a.title, a.published,
                       substr(a.text, 1, {EXCERPT_CHARS + 40}) AS head
                FROM n LEFT JOIN pm ON true LEFT JOIN articles a ON a.id = pm.id
                ORDER BY a.published {self.DESC}, a.id""",
            [*w.args, cap + 1, cap, limit, offset])
        total = rows[0]["_total"]
        if total > cap:  # the page is read newest first from the index on published
            self.conn.execute("SET LOCAL enable_indexscan = on")
            return cap, True, None
        page = []
        for r in rows:
            r.pop("_total")
            if r["id"] is not None:
                page.append(r)
        return total, False, page

    def _before_page(self, f, total: int, estimate: bool) -> None:
        if f.q and f.q.strip() and not estimate and total <= self.FEW_MATCHES:
            self.conn.execute("SET LOCAL enable_indexscan = off")  # this read transaction only

    # With count_cap set, when the facets are estimated, the event facets are counted over
    # the (at most) this many articles of the sample with the smallest hashes (a bottom-k
    # sample nested in the facet_sample one): each of them costs an index lookup of its
    # events, about as much as the rest of the statement for 2,000 (~12 ms on one core).
    facet_event_sample: int = 2000
    # The sample index is read for the facets when it holds at least this share of
    # facet_sample matches of the query: 1,250, so from about 10,000 matches on (where
    # the API's count stops too); the sample is then 1,250 to facet_sample articles.
    FACET_BUCKET_SHARE = 0.25

    def facets(self, f: Filters) -> dict[str, Any]:
        """As ``QueryMixin.facets``: exact counts without ``count_cap`` or without q.

        With ``count_cap`` set and a q, one statement reads the matching articles from a
        GIN index once, keeps the ``facet_sample`` (k) of them with the smallest hash of
        their id (a bottom-k sample: pseudo-random, spread over the whole store, the same
        for the same query), counts outlets over them and looks up the events of the
        first ``facet_event_sample`` of them only (each lookup is an index probe).

        - A common word first: the matches in the sample index (``SAMPLE_INDEX``, one
          article in ``SAMPLE_BUCKETS``). When at least ``FACET_BUCKET_SHARE`` * k match
          there (about 10,000 matches in all), the counts are over those, scaled by
          SAMPLE_BUCKETS (and by the bottom-k scale below when more than k match there).
        - Otherwise every match is read from the main index: at most k matches give
          exact counts; more, the bottom-k ones, each count scaled by 2**31 / the hash
          that ends its sample (the (k+1)-th smallest: the rank-conditioned estimator of
          a bottom-k sample, unbiased).

        ``is_estimate`` is True whenever a count is scaled. The sampled population is the
        articles matching every article filter (q, outlet, dates, entity); place,
        event_type, factuality and source then apply per facet as in QueryMixin (to the
        articles for outlets, to the events for the event facets). At 100,000 articles
        the exact facets of a common word (35,000 matches) cost ~120 ms, the estimated
        ones ~16 ms p50 / 27 ms p95 (bench/search.py, 2 busy cores)."""
        if self.count_cap is None or not (f.q and f.q.strip()):
            return super().facets(f)
        try:
            out: dict[str, Any] = {"outlet": [], "event_type": [], "factuality": [],
                                   "is_estimate": False}
            base = self._where(dataclasses.replace(f, place=None, event_type=None,
                                                   factuality=None, source=None))
            if base.empty:
                return out
            rest = Filters(place=f.place, event_type=f.event_type, factuality=f.factuality,
                           source=f.source, min_confidence=f.min_confidence)
            on_art, on_ev = self._where(rest), self._where(rest, "event")
            k = max(1, int(self.facet_sample))
            k_ev = max(1, min(k, int(self.facet_event_sample)))
            # Parallel workers cost more to start than they save on these few milliseconds
            # (and a server answering many clients has no idle core to give them).
            self.conn.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            ev_and = on_ev.sql.replace("WHERE ", "AND ", 1)

            def counts(bucket: bool) -> tuple[int, list[dict[str, Any]], dict[str, int]]:
                """(matches read (at most k + 1), facet rows, the hash ending each sample
                when sampled). bucket: only the articles of the sample index, and nothing
                counted (no events read) when fewer than ``least`` match there."""
                least = bucket_min if bucket else 0
                rows = self._rows(
                    f"""WITH m AS MATERIALIZED (
                            SELECT x.*, row_number() OVER (ORDER BY x.h, x.id) AS r FROM (
                                SELECT a.id, a.outlet, hashtext(a.id) & 2147483647 AS h
                                FROM articles a {base.sql} {"AND " + _IN_SAMPLE if bucket else ""}
                                ORDER BY h, a.id LIMIT ?) x),
                        lim AS (SELECT count(*) AS n, max(h) AS h_art,
                                       max(h) FILTER (WHERE r = ?) AS h_ev FROM m),
                        a AS MATERIALIZED (
                            SELECT m.id, m.outlet FROM m, lim
                            WHERE lim.n >= ? AND (lim.n <= ? OR m.r <= ?)),
                        e AS MATERIALIZED (
                            SELECT s.id, ev.type, ev.factuality
                            FROM (SELECT m.id FROM m, lim
                                  WHERE lim.n >= ? AND (lim.n <= ? OR m.r <= ?)
                                  ORDER BY m.id) s,
                                 LATERAL (SELECT ev.type, ev.factuality FROM events ev
                                          WHERE ev.article_id = s.id {ev_and} OFFSET 0) ev)
                        SELECT 'outlet' AS facet, a.outlet AS value, count(*) AS count
                            FROM a {on_art.sql} GROUP BY a.outlet
                        UNION ALL SELECT 'event_type', type, count(DISTINCT id) FROM e GROUP BY type
                        UNION ALL SELECT 'factuality', factuality, count(DISTINCT id) FROM e
                            GROUP BY factuality
                        UNION ALL SELECT '', 'n', n FROM lim
                        UNION ALL SELECT '', 'outlet', h_art FROM lim WHERE n > ?
                        UNION ALL SELECT '', 'event', h_ev FROM lim WHERE n > ?""",
                    [*base.args, k + 1, k_ev + 1, least, k, k, least, ev_gate(bucket), k_ev,
                     *on_ev.args, *on_art.args, k, ev_gate(bucket)])
                ends = {r["value"]: r["count"] for r in rows if r["facet"] == ""}
                return ends.pop("n"), [r for r in rows if r["facet"]], ends

            def ev_gate(bucket: bool) -> int:
                # Events of every article read, up to k (exact counts), except in the
                # sample index (estimates anyway): there up to k_ev.
                return k_ev if bucket else k

            # A common word: its matches in the sample index are enough (at least
            # FACET_BUCKET_SHARE * k of them; k matches or fewer put about k/8 there, so
            # reaching k/4 takes a 6-sigma draw or rarer); else every match is read.
            bucket, bucket_min = True, max(32, int(k * self.FACET_BUCKET_SHARE))
            n, rows, ends = counts(bucket)
            if n < bucket_min:
                bucket = False
                n, rows, ends = counts(bucket)
            out["is_estimate"] = bucket or bool(ends)
            for r in rows:
                name = r["facet"]
                if name == "outlet" and r["value"] is None:
                    continue
                scale = SAMPLE_BUCKETS if bucket else 1
                end = ends.get("outlet" if name == "outlet" else "event")
                if end is not None:
                    scale *= _HASH_END / max(1, end)
                c = r["count"] if scale == 1 else max(1, round(r["count"] * scale))
                out[name].append({"value": r["value"], "count": c})
            for name in ("outlet", "event_type", "factuality"):  # as ORDER BY count DESC, value
                out[name].sort(key=lambda r: (-r["count"], r["value"] is None, r["value"] or ""))
            return out
        finally:
            self._end_read()

    def _fts(self, q: str, ordered: bool = True, stride: int = 1):
        expr, args = self._tsquery_sql(q)
        if not expr:
            return None
        return f"a.tsv @@ ({expr})", args

    def _full_date(self, col: str) -> str:
        # Dashes at 5 and 8, digits elsewhere in the first 10: as the regex
        # '^[0-9]{4}-[0-9]{2}-[0-9]{2}', at a fraction of its cost per event.
        return (f"(length({col}) >= 10 AND substr({col}, 5, 1) = '-' AND substr({col}, 8, 1) = '-' "
                f"AND translate(substr({col}, 1, 10), '0123456789', '') = '--')")

    def _article_snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        expr, args = self._tsquery_sql(q)
        if not expr or not ids:
            return {}
        rows = self.conn.execute(
            f"""SELECT id, ts_headline('{TS_CONFIG}', text, ({expr}), %s) AS snippet
                FROM articles WHERE id = ANY(%s)""".replace("?", "%s"),
            (*args, f'StartSel="{HL_START}", StopSel="{HL_STOP}", MaxWords=30, MinWords=15, '
                    'MaxFragments=2, FragmentDelimiter=" … "', ids)).fetchall()
        return {r["id"]: r["snippet"] for r in rows}


def redact(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _nul(value):
    """PostgreSQL text cannot hold NUL characters: drop them."""
    return value.replace("\x00", "") if isinstance(value, str) else value
