"""Watched sources and the URL frontier, in the store (SQLite and PostgreSQL alike).

``sources``: one row per watched URL (a site, a feed, a sitemap) and per feed or sitemap
found under it (``parent``), with what the next conditional request needs (ETag,
Last-Modified) and its health (last fetch, last success, consecutive errors, backoff).
``frontier``: every article URL seen, once: ``queued`` until fetched, then ``stored`` (its
article is in the store: written in the same transaction), ``failed`` (an error record
says why), ``blocked`` (robots.txt) or, for a URL that redirected or named another as
canonical, ``stored`` with ``final_url``.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["SourceBook", "FRONTIER_STATES"]

FRONTIER_STATES = ("queued", "stored", "failed", "blocked")

def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SourceBook:
    """Read and write sources and the frontier through a store's connection. Writes are
    left for ``commit()`` (the store's), so an article and its frontier row commit together."""

    MAX_BACKOFF = 24 * 3600.0

    def __init__(self, store):
        self.store = store
        self.conn = store.conn
        self._pg = type(self.conn).__module__.startswith("psycopg")

    def _x(self, sql: str, args=()):
        if self._pg:
            sql = sql.replace("?", "%s")
            mark = getattr(self.store, "_mark_written", None)
            if mark and not sql.lstrip().upper().startswith("SELECT"):
                mark()
        return self.conn.execute(sql, tuple(args))

    def _all(self, sql: str, args=()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._x(sql, args).fetchall()]

    def commit(self) -> None:
        self.store.commit()

    # -- sources -------------------------------------------------------------------
    def add_source(self, url: str, kind: str = "auto", parent: str | None = None) -> bool:
        """Watch ``url``; False if it is watched already (its state is kept)."""
        cur = self._x("INSERT INTO sources (url, kind, parent, added_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (url) DO NOTHING", (url, kind, parent, now()))
        return cur.rowcount > 0

    def remove_source(self, url: str) -> int:
        """Stop watching ``url`` and what was found under it; the articles stay."""
        urls = [url, *(k["url"] for k in self._descendants(url))]
        n = self._x(f"DELETE FROM sources WHERE url IN ({', '.join('?' * len(urls))})", urls).rowcount
        self.commit()
        return n

    def source(self, url: str) -> dict[str, Any] | None:
        rows = self._all("SELECT * FROM sources WHERE url = ?", (url,))
        return rows[0] if rows else None

    def children(self, url: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM sources WHERE parent = ? ORDER BY url", (url,))

    def _descendants(self, url: str) -> list[dict[str, Any]]:
        """Sources found under ``url``, at any depth (a sitemap index's sitemaps too)."""
        out, todo, seen = [], [url], {url}
        while todo:
            for kid in self.children(todo.pop()):
                if kid["url"] not in seen:
                    seen.add(kid["url"])
                    out.append(kid)
                    todo.append(kid["url"])
        return out

    def watched(self) -> list[dict[str, Any]]:
        """Top-level sources (those added, not found), oldest first."""
        return self._all("SELECT * FROM sources WHERE parent IS NULL ORDER BY added_at, url")

    def set_kind(self, url: str, kind: str) -> None:
        self._x("UPDATE sources SET kind = ? WHERE url = ?", (kind, url))

    def fetched(self, url: str, status: int | None, etag: str | None = None,
                last_modified: str | None = None, interval: float = 900.0) -> None:
        """A successful fetch (200 or 304): validators kept, errors and backoff reset."""
        t = datetime.now(timezone.utc)
        self._x("""UPDATE sources SET last_fetch = ?, last_success = ?, last_status = ?, errors = 0,
                   backoff = 0, last_error = NULL, next_due = ?,
                   etag = coalesce(?, etag), last_modified = coalesce(?, last_modified)
                   WHERE url = ?""",
                (t.isoformat(timespec="seconds"), t.isoformat(timespec="seconds"), status,
                 (t + timedelta(seconds=interval)).isoformat(timespec="seconds"), etag, last_modified, url))

    def failed(self, url: str, reason: str, status: int | None = None, interval: float = 900.0) -> None:
        """A failed fetch: one more consecutive error, the next try pushed back (doubling)."""
        row = self.source(url) or {"errors": 0, "backoff": 0}
        # half an interval first (the next pass tries again), then doubling
        backoff = min(self.MAX_BACKOFF, max(interval / 2, 2 * float(row["backoff"] or 0)))
        t = datetime.now(timezone.utc)
        self._x("""UPDATE sources SET last_fetch = ?, last_status = ?, errors = errors + 1,
                   backoff = ?, last_error = ?, next_due = ? WHERE url = ?""",
                (t.isoformat(timespec="seconds"), status, backoff, reason,
                 (t + timedelta(seconds=backoff)).isoformat(timespec="seconds"), url))

    def health(self) -> list[dict[str, Any]]:
        """Each watched source with its health: last success, consecutive errors, last error,
        the feeds and sitemaps found under it, and articles stored from them."""
        try:
            return self._health()
        finally:
            end = getattr(self.store, "_end_read", None)
            if end is not None:  # PostgreSQL: no transaction left idle
                end()

    def _health(self) -> list[dict[str, Any]]:
        out = []
        for row in self.watched():
            kids = self._descendants(row["url"])
            urls = [row["url"], *(k["url"] for k in kids)]
            marks = ", ".join("?" * len(urls))
            # one article may sit under several URLs (a redirect, a canonical link)
            counts = {r["state"]: r["n"] for r in self._all(
                f"SELECT state, count(DISTINCT coalesce(article_id, url)) AS n FROM frontier "
                f"WHERE source IN ({marks}) GROUP BY state", urls)}
            every = [row, *kids]
            successes = [r["last_success"] for r in every if r["last_success"]]
            errors = [r for r in every if r["errors"]]
            out.append({
                "url": row["url"], "kind": row["kind"], "added_at": row["added_at"],
                "last_fetch": max((r["last_fetch"] for r in every if r["last_fetch"]), default=None),
                "last_success": max(successes, default=None),
                "errors": max((r["errors"] for r in every), default=0),
                "last_error": errors[0]["last_error"] if errors else None,
                "next_due": row["next_due"],
                "found": [{"url": k["url"], "kind": k["kind"]} for k in kids],
                "articles": counts.get("stored", 0), "queued": counts.get("queued", 0),
                "failed": counts.get("failed", 0), "blocked": counts.get("blocked", 0),
                "healthy": not row["errors"] and bool(successes)})
        return out

    # -- frontier ------------------------------------------------------------------
    def enqueue(self, url: str, source: str | None, hints: dict | None = None) -> bool:
        """Queue an article URL unless it was ever seen; True if it is new."""
        cur = self._x("INSERT INTO frontier (url, source, state, hints, first_seen) VALUES (?, ?, 'queued', ?, ?) "
                      "ON CONFLICT (url) DO NOTHING",
                      (url, source, json.dumps(hints, ensure_ascii=False) if hints else None, now()))
        return cur.rowcount > 0

    def seen(self, url: str) -> bool:
        return bool(self._all("SELECT 1 AS x FROM frontier WHERE url = ?", (url,)))

    def queued(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self._all("SELECT url, source, hints, attempts FROM frontier WHERE state = 'queued' "
                         "ORDER BY first_seen, url" + (f" LIMIT {int(limit)}" if limit else ""))
        for r in rows:
            r["hints"] = json.loads(r["hints"]) if r["hints"] else {}
        return rows

    def settle(self, url: str, state: str, final_url: str | None = None, article_id: str | None = None,
               reason: str | None = None) -> None:
        if state not in FRONTIER_STATES:
            raise ValueError(f"unknown frontier state {state!r}")
        self._x("""UPDATE frontier SET state = ?, final_url = ?, article_id = ?, reason = ?,
                   fetched_at = ?, attempts = attempts + 1 WHERE url = ?""",
                (state, final_url, article_id, reason, now(), url))

    def retry_later(self, url: str, reason: str, max_attempts: int = 3) -> None:
        """A transient failure: stays queued for the next pass until ``max_attempts``."""
        self._x("""UPDATE frontier SET attempts = attempts + 1, reason = ?, fetched_at = ?,
                   state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END
                   WHERE url = ?""", (reason, now(), max_attempts, url))

    def also_stored(self, url: str, source: str | None, article_id: str | None) -> None:
        """A final or canonical URL of a stored page: seen, so never fetched on its own."""
        self._x("""INSERT INTO frontier (url, source, state, first_seen, fetched_at, article_id, attempts)
                   VALUES (?, ?, 'stored', ?, ?, ?, 0) ON CONFLICT (url) DO NOTHING""",
                (url, source, now(), now(), article_id))

    def frontier_counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self._all("SELECT state, count(*) AS n FROM frontier GROUP BY state")}
