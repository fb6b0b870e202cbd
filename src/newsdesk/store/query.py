"""The query half of the store contract (``base.Store``), written once for SQLite and PostgreSQL.

A backend mixes :class:`QueryMixin` in and supplies a few dialect hooks: how to run a query
(``_rows``), the full-text condition (``_fts``), how NULL dates sort, the snippet of an
article page. SQL is written with ``?`` placeholders; the PostgreSQL store turns them into
``%s``, so no query text here contains a literal ``?`` or ``%``.

Where each filter applies
-------------------------
Every filter restricts *articles*: q (title and body), outlet, since/until (prefix of the
publication date, inclusive: ``until="2024-05"`` keeps all of May), entity (an entity with
that canonical name), place (a place with that name), event_type and factuality (one event
with that type and that factuality), source (a statement by that source, or an event
attributed to it).

Records are filtered on their own fields where they have one: ``events()`` keeps the events
whose type, factuality, ``attributed_to`` (for source) and ``place`` match;
``statements()`` keeps the statements whose ``source`` matches; every other filter picks
the articles they come from. ``timeline()`` and the event_type/factuality facets count the
events ``events()`` would return.

Dates on the timeline are the event's own day when its TIMEX3 value is a full date
(``2024-05-06``), else the article's publication day; events with neither are left out.
"""
from __future__ import annotations

import time

import html
import json
from dataclasses import dataclass, fields
from collections.abc import Iterable, Iterator
from typing import Any

from ..model import Article, Event, PageError, Statement, place_precision
from .base import Filters, Page

EVENT_COLUMNS = [f.name for f in fields(Event)]
BOOL_COLUMNS = {f.name for f in fields(Event) if "bool" in str(f.type)}  # SQLite gives 0/1
STATEMENT_COLUMNS = [f.name for f in fields(Statement)]
JSON_COLUMNS = {"actors", "targets"}

# Markers the engines put around matched words; turned into "[...]" (plain) or <mark> (HTML).
HL_START, HL_STOP = "\x02", "\x03"
EXCERPT_CHARS = 240


def qcol(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def render_snippet(raw: str | None) -> tuple[str, str]:
    """(plain, html) versions of an engine snippet with HL_START/HL_STOP markers."""
    raw = " ".join((raw or "").split())
    plain = raw.replace(HL_START, "[").replace(HL_STOP, "]")
    marked = html.escape(raw).replace(HL_START, "<mark>").replace(HL_STOP, "</mark>")
    return plain, marked


def excerpt(text: str | None, n: int = EXCERPT_CHARS) -> str:
    """The start of a text, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + " …"


@dataclass
class Where:
    sql: str          # "" or "WHERE ..."
    args: list[Any]
    joins_articles: bool  # True when a condition reads the articles table
    empty: bool = False   # the query can match nothing (a q with no searchable word)


class QueryMixin:
    """Filters → SQL, shared by the SQLite and PostgreSQL stores."""

    # Dialect hooks ---------------------------------------------------------------------
    DESC = "DESC"                 # how "newest first" puts undated articles last
    FENCE: str | None = None      # ends a subquery the planner must not flatten (None: the
                                  # timeline joins events to their articles instead)
    SET = ""                      # before "a.id IN (...)": SQLite's "+" makes it a test
                                  # while scanning articles newest first, not the driver

    def _records_from(self, table: str, alias: str) -> str:
        """FROM clause of a page of records with their article, newest article first."""
        return f"{table} {alias} JOIN articles a ON a.id = {alias}.article_id"

    def _count_articles(self, f: Filters) -> int | None:
        """A fast count of the articles matching f, or None to count with SQL."""
        return None

    def _rows(self, sql: str, args: list[Any] | tuple = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _fts(self, q: str, ordered: bool = True, stride: int = 1) -> tuple[str, list[Any]] | None:
        """A condition on articles ``a`` matching q, or None when q has no searchable word.
        ``ordered``: for a page read newest first (else a count or an aggregate).
        ``stride`` > 1: only a pseudo-random 1-in-stride sample of the matches, spread
        over the whole store."""
        raise NotImplementedError

    def _fts_count(self, q: str, stride: int = 1) -> int | None:
        """How many articles match q alone (with ``stride`` > 1: how many of them are in the
        sample ``_fts`` keeps), or None when the engine does not sample (exact facets)."""
        return None

    def _full_date(self, col: str) -> str:
        """SQL true when ``col`` starts with a full date (YYYY-MM-DD)."""
        raise NotImplementedError

    def _day(self, time_col: str, published_col: str) -> str:
        return (f"CASE WHEN {self._full_date(time_col)} THEN substr({time_col}, 1, 10) "
                f"ELSE substr({published_col}, 1, 10) END")

    def _article_snippets(self, q: str, ids: list[str]) -> dict[str, str]:
        """Raw snippets (with HL markers) of these articles for q."""
        raise NotImplementedError

    def _count_and_page(self, f: Filters, w: Where, limit: int, offset: int
                        ) -> tuple[int, bool, list[dict[str, Any]] | None] | None:
        """(total, estimate, rows) of ``articles()`` in one pass, or None to count and then
        read the page with the SQL below. rows None: only the count is known (the page is
        read as usual); rows hold id, url, outlet, title, published and head."""
        return None

    def _before_page(self, f: Filters, total: int, estimate: bool) -> None:
        """Called before reading a page of articles, knowing how many match (a hint for
        the plan: PostgreSQL reads few matches from the full-text index, not newest first)."""

    def _end_read(self) -> None:
        """Called after each query method (PostgreSQL ends its read transaction)."""

    # Filters ---------------------------------------------------------------------------
    def _where(self, f: Filters, scope: str = "article", ordered: bool = False,
               stride: int = 1) -> Where:
        """Conditions for ``f``. scope "article": all on articles ``a``; "event": the event
        fields on ``ev``; "statement": the source on ``st``. ``ordered``: for a page read
        newest first, where SQLite had better scan articles in that order and test each
        (a count or an aggregate had better start from the matching set). ``stride`` > 1:
        only a 1-in-stride sample of the full-text matches (see ``_fts``)."""
        SET = self.SET if ordered else ""
        conds: list[str] = []
        args: list[Any] = []
        on_articles = False
        empty = False
        if f.q is not None and f.q.strip():
            fts = self._fts(f.q, ordered, stride)
            if fts is None:
                empty = True
            else:
                conds.append(fts[0])
                args += fts[1]
                on_articles = True
        if f.outlet:
            conds.append("a.outlet = ?")
            args.append(f.outlet)
            on_articles = True
        if f.since:
            conds.append("a.published >= ?")
            args.append(f.since)
            on_articles = True
        if f.until:
            # Inclusive prefix: "2024-05-06" keeps 2024-05-06T23:59; \x7f sorts after any
            # character a date or time holds.
            conds.append("a.published <= ?")
            args.append(f.until + "\x7f")
            on_articles = True
        if f.entity:
            conds.append(f"{SET}a.id IN (SELECT article_id FROM entities WHERE canonical = ?)")
            args.append(f.entity)
            on_articles = True
        if f.place:
            if scope == "event":
                conds.append("ev.place = ?")
            else:
                conds.append(f"{SET}a.id IN (SELECT article_id FROM places WHERE name = ?)")
                on_articles = True
            args.append(f.place)
        if scope == "event":
            for value, col in ((f.event_type, "type"), (f.factuality, "factuality"),
                               (f.source, "attributed_to"), (f.method, "method")):
                if value:
                    conds.append(f"ev.{col} = ?")
                    args.append(value)
        else:
            ev_conds, ev_args = [], []
            for value, col in ((f.event_type, "type"), (f.factuality, "factuality"), (f.method, "method")):
                if value:
                    ev_conds.append(f"{col} = ?")
                    ev_args.append(value)
            if ev_conds:
                conds.append(f"{SET}a.id IN (SELECT article_id FROM events "
                             f"WHERE {' AND '.join(ev_conds)})")
                args += ev_args
                on_articles = True
            if f.source:
                if scope == "statement":
                    conds.append("st.source = ?")
                    args.append(f.source)
                else:
                    conds.append(f"({SET}a.id IN (SELECT article_id FROM statements WHERE source = ?) "
                                 f"OR {SET}a.id IN (SELECT article_id FROM events "
                                 "WHERE attributed_to = ?))")
                    args += [f.source, f.source]
                    on_articles = True
        if f.min_confidence is not None and scope in ("event", "statement"):
            col = "ev.confidence" if scope == "event" else "st.confidence"
            conds.append(f"({col} IS NULL OR {col} >= ?)")
            args.append(float(f.min_confidence))
        sql = ("WHERE " + " AND ".join(conds)) if conds else ""
        return Where(sql, args, on_articles, empty)

    @staticmethod
    def _page_args(limit: int, offset: int) -> tuple[int, int]:
        limit, offset = int(limit), int(offset)
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must be >= 0")
        return limit, offset

    def _count(self, sql: str, args: list[Any]) -> int:
        return int(self._rows(sql, args)[0]["n"])

    # Counting stops after this many matches (None: count them all). The API sets it: a
    # count over a common word's 30,000 matches costs more than the page itself.
    count_cap: int | None = None

    def _count_matches(self, from_where: str, args: list[Any]) -> tuple[int, bool]:
        """(number of rows of ``FROM ... WHERE ...``, True when it stopped at count_cap)."""
        return self._count_capped(from_where, args, self.count_cap)

    def _count_capped(self, from_where: str, args: list[Any], cap: int | None) -> tuple[int, bool]:
        if cap is None:
            return self._count(f"SELECT count(*) AS n {from_where}", args), False
        n = self._count(f"SELECT count(*) AS n FROM (SELECT 1 AS one {from_where} LIMIT ?) c",
                        [*args, cap + 1])
        return (cap, True) if n > cap else (n, False)

    # Queries ---------------------------------------------------------------------------
    def articles(self, f: Filters, limit: int = 20, offset: int = 0) -> Page:
        """Items: id, url, outlet, title, published, snippet (plain text, matched words in
        [brackets] when f.q) and snippet_html (HTML-escaped, matches in <mark>)."""
        limit, offset = self._page_args(limit, offset)
        try:
            w = self._where(f)
            if w.empty:
                return Page([], 0, limit, offset)
            rows, page = [], self._count_and_page(f, w, limit, offset)
            if page is not None:
                total, estimate, got = page
                rows = got or []
            else:
                total, estimate, got = self._count_articles(f), False, None
                if total is None:
                    total, estimate = self._count_matches(f"FROM articles a {w.sql}", w.args)
            if got is None and limit and (offset < total or estimate):
                self._before_page(f, total, estimate)
                wo = self._where(f, ordered=True)
                rows = self._rows(
                    f"""SELECT a.id, a.url, a.outlet, a.title, a.published,
                               substr(a.text, 1, {EXCERPT_CHARS + 40}) AS head
                        FROM articles a {wo.sql}
                        ORDER BY a.published {self.DESC}, a.id LIMIT ? OFFSET ?""",
                    [*wo.args, limit, offset])
            snippets = (self._article_snippets(f.q, [r["id"] for r in rows])
                        if rows and f.q and f.q.strip() else {})
            items = []
            for r in rows:
                head = r.pop("head")
                if r["id"] in snippets:
                    r["snippet"], r["snippet_html"] = render_snippet(snippets[r["id"]])
                else:
                    r["snippet"] = excerpt(head)
                    r["snippet_html"] = html.escape(r["snippet"])
                items.append(r)
            return Page(items, total, limit, offset, estimate)
        finally:
            self._end_read()

    def _geo_events(self, inner: str) -> str:
        """Wrap a page of events with the coordinates of the article's place named like
        the event's place (the first such mention that has coordinates, else the first)."""
        return f"""SELECT page.*, p.lat, p.lon, p.country, p.kind AS place_kind FROM ({inner}) page
            LEFT JOIN places p ON p.article_id = page.article_id AND p.n = (
                SELECT p2.n FROM places p2 WHERE p2.article_id = page.article_id
                AND p2.name = page.place ORDER BY p2.lat IS NULL, p2.n LIMIT 1)
            ORDER BY page.published {self.DESC}, page.article_id, page.start, page._n"""

    def _record_page(self, kind: str, table: str, alias: str, columns, order: str, f: Filters,
                 limit: int, offset: int, wrap=None) -> Page:
        """A page of one annotation table's rows with their article's outlet, title and date,
        newest article first, then ``order`` within the article; ``wrap`` decorates the query."""
        limit, offset = self._page_args(limit, offset)
        try:
            w = self._where(f, kind)
            if w.empty:
                return Page([], 0, limit, offset)
            join = f"JOIN articles a ON a.id = {alias}.article_id" if w.joins_articles else ""
            total, estimate = self._count_matches(f"FROM {table} {alias} {join} {w.sql}", w.args)
            rows = []
            if limit and (offset < total or estimate):
                wo = self._where(f, kind, ordered=True)
                cols = ", ".join(f"{alias}.{qcol(c)}" for c in columns)
                sql = f"""SELECT {cols}, {alias}.n AS _n, a.id AS article_id, a.outlet, a.title,
                                 a.published
                          FROM {self._records_from(table, alias)} {wo.sql}
                          ORDER BY a.published {self.DESC}, a.id, {order}, {alias}.n
                          LIMIT ? OFFSET ?"""
                rows = self._rows(wrap(sql) if wrap else sql, [*wo.args, limit, offset])
            for r in rows:
                r.pop("_n", None)
            return Page(rows, total, limit, offset, estimate)
        finally:
            self._end_read()

    def events(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: the Event fields plus article_id, outlet, title, published, lat, lon, country
        and precision (of the event's place: model.PRECISIONS)."""
        page = self._record_page("event", "events", "ev", EVENT_COLUMNS, "ev.start", f, limit, offset,
                             wrap=self._geo_events)
        for r in page.items:
            for c in JSON_COLUMNS:
                if isinstance(r.get(c), str):
                    r[c] = json.loads(r[c])
            for c in BOOL_COLUMNS:
                if r.get(c) is not None:
                    r[c] = bool(r[c])
            r["precision"] = place_precision(r.pop("place_kind", None), r.get("lat"))
        return page

    def statements(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: the Statement fields plus article_id, outlet, title, published."""
        return self._record_page("statement", "statements", "st", STATEMENT_COLUMNS, "st.content_start",
                             f, limit, offset)

    def _grouped(self, table: str, alias: str, keys: list[str], order: str, f: Filters,
                 limit: int, offset: int) -> Page:
        limit, offset = self._page_args(limit, offset)
        try:
            w = self._where(f)
            if w.empty:
                return Page([], 0, limit, offset)
            join = f"JOIN articles a ON a.id = {alias}.article_id" if w.joins_articles else ""
            group = ", ".join(f"{alias}.{qcol(k)}" for k in keys)
            base = f"FROM {table} {alias} {join} {w.sql} GROUP BY {group}"
            total = self._count(f"SELECT count(*) AS n FROM (SELECT 1 AS one {base}) g", w.args)
            rows = []
            if limit and offset < total:
                rows = self._rows(
                    f"""SELECT {group}, count(*) AS mentions,
                               count(DISTINCT {alias}.article_id) AS articles
                        {base} ORDER BY mentions DESC, {order} LIMIT ? OFFSET ?""",
                    [*w.args, limit, offset])
            return Page(rows, total, limit, offset)
        finally:
            self._end_read()

    def entities(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: canonical, label, mentions, articles; most mentioned first. An entity is a
        (canonical, label) pair; counts are over the articles matching f."""
        return self._grouped("entities", "e", ["canonical", "label"], "e.canonical, e.label",
                             f, limit, offset)

    def places(self, f: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Items: name, country, lat, lon, geonameid, kind, precision, mentions, articles; most
        mentioned first."""
        page = self._grouped("places", "p", ["name", "country", "lat", "lon", "geonameid", "kind"],
                             "p.name, p.geonameid", f, limit, offset)
        for r in page.items:
            r["precision"] = place_precision(r.get("kind"), r.get("lat"))
        return page

    def timeline(self, f: Filters) -> list[dict[str, Any]]:
        """Event counts per day and type: [{date, type, count}], by date then type."""
        try:
            w = self._where(f, "event")
            if w.empty:
                return []
            day, fence = self._day("ev.time", "a.published"), ""
            if w.joins_articles:
                frm = "events ev JOIN articles a ON a.id = ev.article_id"
            elif self.FENCE is None:
                # Only events without a full date need their article's day: look it up
                # for those (once each: a scalar subquery in the day, flattened, runs once
                # for every use of the day), rather than join every event to its article.
                frm = (f"events ev LEFT JOIN articles a ON a.id = ev.article_id "
                       f"AND (ev.time IS NULL OR NOT ({self._full_date('ev.time')}))")
            else:
                day = self._day("ev.time", "(SELECT a.published FROM articles a "
                                           "WHERE a.id = ev.article_id)")
                frm, fence = "events ev", self.FENCE
            return self._rows(
                f"""SELECT date, type, count(*) AS count
                    FROM (SELECT {day} AS date, ev.type AS type FROM {frm} {w.sql} {fence}) d
                    WHERE date IS NOT NULL
                    GROUP BY date, type ORDER BY date, type""", w.args)
        finally:
            self._end_read()

    # With count_cap set (the API), facets over a query matching more than this many
    # articles are estimated from a pseudo-random sample of about this many (``is_estimate``):
    # exact event facets over the 35,000 matches of a common word cost ~200 ms at 100,000
    # articles. The sample is drawn from the full-text matches, so only a q is sampled.
    facet_sample: int = 5000

    def facets(self, f: Filters) -> dict[str, Any]:
        """Counts of matching articles by outlet, event_type and factuality:
        {name: [{value, count}]}, biggest first, and ``is_estimate``. Event facets count
        the articles holding a matching event of that type (factuality).

        When ``count_cap`` is set and q alone matches more than ``facet_sample`` articles,
        the counts are estimated: counted over a 1-in-k sample of q's matches (k = matches
        / facet_sample, spread over the whole store) and scaled up by (q's matches / q's
        matches in the sample); ``is_estimate`` is then True."""
        try:
            out: dict[str, Any] = {"outlet": [], "event_type": [], "factuality": [],
                                   "is_estimate": False}
            w = self._where(f)
            if w.empty:
                return out
            stride, scale = 1, 1.0
            if self.count_cap is not None and f.q and f.q.strip():
                matches = self._fts_count(f.q)
                if matches is not None and matches > self.facet_sample:
                    stride = -(-matches // self.facet_sample)
                    scale = matches / max(1, self._fts_count(f.q, stride) or 0)
                    w = self._where(f, stride=stride)
                    out["is_estimate"] = True
            outlets = self._rows(
                f"""SELECT a.outlet AS value, count(*) AS count FROM articles a {w.sql}
                    GROUP BY a.outlet ORDER BY count DESC, value""", w.args)
            we = self._where(f, "event", stride=stride)
            frm = "events ev JOIN articles a ON a.id = ev.article_id" if we.joins_articles else "events ev"
            facets = {"outlet": [r for r in outlets if r["value"] is not None]}
            for name, col in (("event_type", "type"), ("factuality", "factuality")):
                facets[name] = self._rows(
                    f"""SELECT ev.{col} AS value, count(DISTINCT ev.article_id) AS count
                        FROM {frm} {we.sql}
                        GROUP BY ev.{col} ORDER BY count DESC, value""", we.args)
            for name, rows in facets.items():
                if scale != 1.0:
                    for r in rows:
                        r["count"] = max(1, round(r["count"] * scale))
                    rows.sort(key=lambda r: -r["count"])  # stable: ties keep their order
                out[name] = rows
            return out
        finally:
            self._end_read()


class WriteMixin:
    """``add``/``add_many`` for both engines; an engine supplies the hooks below.

    Hooks: ``_add_article(a) -> bool`` (False when the id is stored already),
    ``_add_error(e)``, ``_settle_errors(source)``, ``commit()``, ``_is_open()`` and
    ``_after_load(added)`` (planner statistics after a batch).
    """

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, record: Article | PageError, commit: bool = True, page_key: str | None = None) -> str:
        """Store an Article or PageError; returns "added", "skipped" (already stored) or "error".

        ``page_key`` (``newsdesk.resume.page_key`` of the page the record came from): an
        article remembers it, so a rerun skips the page before extraction; an error for a
        page stored as an article is not added ("skipped")."""
        if isinstance(record, PageError):
            if page_key and self.stored_pages([page_key]):
                status = "skipped"
            else:
                self._add_error(record)
                status = "error"
        elif isinstance(record, Article):
            status = "added" if self._add_article(record) else "skipped"
            if record.source:
                # The page is stored now: errors from earlier failed runs are settled.
                self._settle_errors(record.source)
            if page_key:
                self._mark_page(page_key, record.id)
        else:
            raise TypeError(f"cannot store {type(record).__name__}")
        self._mark_written()
        if commit:
            self.commit()
        return status

    def add_many(self, records: Iterable[Article | PageError], commit_every: int = 100,
                 keys: Iterable[str | None] | None = None, max_wait: float = 2.0) -> Iterator[str]:
        """Store records in short write transactions; yields each status once it is committed.

        Records are gathered first (producing them -- extraction, enrichment -- holds no
        lock), then each batch of ``commit_every`` records, or what came within ``max_wait``
        seconds, is written in one transaction, so other writers (another ingest, the API)
        wait at most one batch write. ``keys``: the page key of each record, in step with
        ``records`` (see ``add``). A stream that stops (an exception, Ctrl-C) still
        commits the records it finished.
        """
        added = 0
        keys = iter(keys) if keys is not None else None
        batch: list[tuple[Article | PageError, str | None]] = []
        since = time.monotonic()
        try:
            for record in records:
                batch.append((record, next(keys, None) if keys is not None else None))
                if len(batch) >= commit_every or time.monotonic() - since >= max_wait:
                    todo, batch = batch, []
                    statuses = self._write_batch(todo)
                    added += statuses.count("added")
                    yield from statuses
                    since = time.monotonic()
            if batch:
                todo, batch = batch, []
                statuses = self._write_batch(todo)
                added += statuses.count("added")
                yield from statuses
        finally:  # the stream stopped early: what was finished is committed all the same
            if self._is_open():
                if batch:
                    todo, batch = batch, []
                    added += self._write_batch(todo).count("added")
                self.commit()
                self._after_load(added)

    def _write_batch(self, batch: list) -> list[str]:
        return self._write_transaction(
            lambda: [self.add(rec, commit=False, page_key=key) for rec, key in batch])

    def _write_transaction(self, write):
        """Engines override: run ``write()`` and commit, retrying what is worth retrying."""
        out = write()
        self.commit()
        return out

    def _mark_written(self) -> None:
        """Engines that track uncommitted writes override this."""
