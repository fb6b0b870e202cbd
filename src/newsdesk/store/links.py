"""Stored links: families, stories and incidents, written by ``newsdesk link`` and ingest.

Tables (SQLite ``_schema_v7``, PostgreSQL the same): ``article_links`` (an article's
duplicate_of and story_id), ``stories``, ``incidents`` and ``incident_reports`` (the
provenance spans). ``relink`` rebuilds them all from the stored articles in first-seen
order; the link stage itself (newsdesk.link) never touches a store.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any


LINK_TABLES = ("incident_reports", "incidents", "stories", "article_links")


def story_label(articles) -> str:
    """Main actors and place, then the first headline."""
    names = Counter()
    for a in articles:
        for e in a.entities:
            if e.label in ("PERSON", "ORG", "NORP"):
                names[e.canonical or e.text] += 1
    places = Counter(p.name for a in articles for p in a.places)
    who = ", ".join(n for n, _ in names.most_common(2))
    where = places.most_common(1)[0][0] if places else ""
    head = next((a.title for a in articles if a.title), "") or (articles[0].text[:80] if articles else "")
    return " | ".join(x for x in (who, where, head) if x)


def summaries(linker) -> tuple[list[dict], list[dict]]:
    """Story and incident rows from a Linker's state."""
    stories = []
    members: dict[str, list] = {}
    for aid, sid in linker.stories.assignments().items():
        members.setdefault(sid, []).append(linker.articles[aid])
    for sid, arts in members.items():
        arts.sort(key=lambda a: (a.published or "", a.id))
        outlets = sorted({a.outlet for a in arts if a.outlet})
        times = [a.published for a in arts if a.published]
        stories.append({"id": sid, "label": story_label(arts), "first_seen": min(times, default=None),
                        "last_seen": max(times, default=None), "article_count": len(arts),
                        "outlets": outlets, "articles": [a.id for a in arts]})
    incidents = []
    for inc in linker.incidents.values():
        st, why = inc.status
        from ..link.corroboration import independent_outlets
        outlets = independent_outlets(inc.reports)
        times = [r.published for r in inc.reports if r.published]
        sources = sorted({r.source for r in inc.reports if r.source})
        incidents.append({
            "id": inc.id, "story_id": linker.stories.resolve(inc.story), "type": inc.type,
            "status": st, "why": why, "first_report": min(times, default=None),
            "outlets": outlets, "sources": sources,
            "reports": [{"article_id": r.article_id, "outlet": r.outlet, "start": r.start,
                         "end": r.end, "sentence_start": r.sentence_start,
                         "sentence_end": r.sentence_end, "factuality": r.factuality,
                         "source": r.source} for r in inc.reports]})
    return stories, incidents


def write(conn, linker, links: list, param: str = "?") -> None:
    """Replace the stored link tables with a Linker's state (one transaction: the caller's)."""
    p = param
    for t in LINK_TABLES:
        conn.execute(f"DELETE FROM {t}")
    story_of = linker.stories.assignments()
    for link in links:
        conn.execute(f"INSERT INTO article_links (article_id, duplicate_of, story_id) VALUES ({p}, {p}, {p})",
                     (link.article_id, link.duplicate_of, story_of[link.article_id]))
    stories, incidents = summaries(linker)
    for s in stories:
        conn.execute(f"INSERT INTO stories (id, label, first_seen, last_seen, article_count, outlet_count,"
                     f" record) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
                     (s["id"], s["label"], s["first_seen"], s["last_seen"], s["article_count"],
                      len(s["outlets"]), json.dumps(s, ensure_ascii=False)))
    for i in incidents:
        conn.execute(f"INSERT INTO incidents (id, story_id, type, status, why, first_report, outlet_count,"
                     f" record) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
                     (i["id"], i["story_id"], i["type"], i["status"], i["why"], i["first_report"],
                      len(i["outlets"]), json.dumps(i, ensure_ascii=False)))
        for n, r in enumerate(i["reports"]):
            conn.execute(f"INSERT INTO incident_reports (incident_id, article_id, n, start_char, end_char,"
                         f" factuality, source) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
                         (i["id"], r["article_id"], n, r["start"], r["end"], r["factuality"], r["source"]))


def read_rows(conn, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def _param(store) -> str:
    return "?" if type(store).__name__ == "SQLiteStore" else "%s"


def _fetch(store, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
    cur = store.conn.execute(sql.replace("?", _param(store)), args)
    rows = cur.fetchall()
    if rows and isinstance(rows[0], dict):
        return rows
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in rows]


def relink(store, batch_size: int = 64) -> dict[str, int]:
    """Recompute every link from the stored articles, in the order they were first stored."""
    from ..link.linker import Linker
    from ..model import Article
    linker, links = Linker(), []
    rows = _fetch(store, "SELECT record FROM articles ORDER BY ingested_at, id")
    batch = []
    for r in rows:
        rec = r["record"]
        batch.append(Article.from_dict(json.loads(rec) if isinstance(rec, str) else rec))
        if len(batch) >= batch_size:
            links += linker.add_many(batch)
            batch = []
    links += linker.add_many(batch)
    conn = store.conn
    try:
        write(conn, linker, links, _param(store))
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    stories, incidents = summaries(linker)
    return {"articles": len(links), "copies": sum(1 for x in links if x.duplicate_of),
            "families": len({x.duplicate_of for x in links if x.duplicate_of}),
            "stories": len(stories), "incidents": len(incidents)}


def stories(store, min_outlets: int = 0, limit: int = 50, offset: int = 0, q: str | None = None,
            since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """Stories, largest first. ``q`` matches the label (main actors, place, first headline)."""
    where, args = ["outlet_count >= ?"], [min_outlets]
    if q:
        where.append("lower(label) LIKE ?")
        args.append("%" + q.lower().replace("%", "") + "%")
    if since:
        where.append("last_seen >= ?")
        args.append(since)
    if until:
        where.append("first_seen <= ?")
        args.append(until)
    rows = _fetch(store, f"SELECT record FROM stories WHERE {' AND '.join(where)} "
                         "ORDER BY article_count DESC, last_seen DESC, id LIMIT ? OFFSET ?",
                  tuple(args) + (limit, offset))
    return [json.loads(r["record"]) for r in rows]


def story(store, story_id: str) -> dict[str, Any] | None:
    """One story with its articles (and which are copies) and its incidents."""
    rows = _fetch(store, "SELECT record FROM stories WHERE id = ?", (story_id,))
    if not rows:
        return None
    out = json.loads(rows[0]["record"])
    arts = _fetch(store, "SELECT a.id, a.title, a.outlet, a.published, a.url, l.duplicate_of "
                         "FROM article_links l JOIN articles a ON a.id = l.article_id "
                         "WHERE l.story_id = ? ORDER BY a.published, a.id", (story_id,))
    out["articles"] = arts
    out["incidents"] = incidents(store, story_id=story_id, limit=1000)
    return out


def incidents(store, status: str | None = None, limit: int = 50, offset: int = 0,
              story_id: str | None = None, type: str | None = None) -> list[dict[str, Any]]:
    where, args = [], []
    for col, val in (("status", status), ("story_id", story_id), ("type", type)):
        if val:
            where.append(f"{col} = ?")
            args.append(val)
    sql = "SELECT record FROM incidents" + (" WHERE " + " AND ".join(where) if where else "")
    rows = _fetch(store, sql + " ORDER BY outlet_count DESC, first_report, id LIMIT ? OFFSET ?",
                  tuple(args) + (limit, offset))
    return [json.loads(r["record"]) for r in rows]


def article_links(store, article_id: str) -> dict[str, Any]:
    """An article's story_id and duplicate_of (both None before linking)."""
    rows = _fetch(store, "SELECT story_id, duplicate_of FROM article_links WHERE article_id = ?",
                  (article_id,))
    return rows[0] if rows else {"story_id": None, "duplicate_of": None}


def counts(store) -> dict[str, Any]:
    """Stories, families and incidents by status, for stats and the demo."""
    one = lambda sql: list(_fetch(store, sql)[0].values())[0]  # noqa: E731
    by_status = {r["status"]: r["n"] for r in _fetch(
        store, "SELECT status, count(*) AS n FROM incidents GROUP BY status ORDER BY status")}
    return {"stories": one("SELECT count(*) FROM stories"),
            "stories_3_outlets": one("SELECT count(*) FROM stories WHERE outlet_count >= 3"),
            "copies": one("SELECT count(*) FROM article_links WHERE duplicate_of IS NOT NULL"),
            "families": one("SELECT count(DISTINCT duplicate_of) FROM article_links"),
            "incidents": by_status}
