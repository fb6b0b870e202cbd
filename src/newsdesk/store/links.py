"""Stored links: families, stories and incidents, written by ``newsdesk link`` and ingest.

Tables (SQLite ``_schema_v10``/``_v12``, PostgreSQL ``_v9``/``_v11``): ``article_links``
(an article's duplicate_of and story_id), ``stories`` and ``story_keys`` (their names and
places, for filters), ``incidents`` and ``incident_reports`` (the provenance spans), and
``link_inputs`` (what linking needs of each article, kept: ``link.inputs``),
``story_merges`` (a merged-away story -> the story it is part of now; SQLite ``_v17``,
PostgreSQL ``_v15``), ``incident_merges`` (the same for incidents; SQLite ``_v19``,
PostgreSQL ``_v17``), and the link indexes (``store.link_index``, SQLite
``_v15``/PostgreSQL ``_v13``); ``link_counts`` (SQLite ``_v18``, PostgreSQL ``_v16``:
the rows of ``articles`` and ``link_inputs``, kept by triggers, store.link_counts).
``link_new`` links the articles stored since the last run against the rest, in input
order (``input_order``); ``relink`` rebuilds everything in the order it was linked. The link stage itself (newsdesk.link) never touches a store.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from typing import Any

from ..link.corroboration import independent_outlets
from ..link.keys import entity_key


LINK_TABLES = ("incident_reports", "incidents", "story_keys", "stories", "article_links", "link_inputs",
               "story_merges", "incident_merges")


KEY_KIND = {"entities": "entity", "places": "place"}


def story_label(articles) -> str:
    """Main actors and place, then the first headline (articles: link Inputs)."""
    names = Counter(n for a in articles for n in a.names)
    places = Counter(p for a in articles for p in a.places)
    who = ", ".join(n for n, _ in names.most_common(2))
    where = places.most_common(1)[0][0] if places else ""
    head = next((a.title for a in articles if a.title), "") or (articles[0].first_words if articles else "")
    return " | ".join(x for x in (who, where, head) if x)


def story_row(linker, sid: str, members: list[str]) -> dict:
    arts = sorted((linker.articles[a] for a in members), key=lambda a: (a.published or "", a.id))
    outlets = sorted({a.outlet for a in arts if a.outlet})
    times = [a.published for a in arts if a.published]
    # the filterable keys: names and places told by the story's articles
    entities = sorted({entity_key(n) for a in arts for n in a.names} - {""})
    places = sorted({entity_key(p) for a in arts for p in a.places} - {""})
    return {"id": sid, "label": story_label(arts), "first_seen": min(times, default=None),
            "last_seen": max(times, default=None), "article_count": len(arts),
            "outlets": outlets, "articles": [a.id for a in arts],
            "entities": entities, "places": places}


def incident_row(linker, inc) -> dict:
    st, why = inc.status
    outlets = independent_outlets(inc.reports)
    times = [r.published for r in inc.reports if r.published]
    sources = sorted({r.source for r in inc.reports if r.source})
    return {
        "id": inc.id, "story_id": inc.story, "type": inc.type,
        "status": st, "why": why, "first_report": min(times, default=None),
        "outlets": outlets, "sources": sources,
        "reports": [{"article_id": r.article_id, "outlet": r.outlet, "start": r.start,
                     "end": r.end, "sentence_start": r.sentence_start,
                     "sentence_end": r.sentence_end, "factuality": r.factuality,
                     "source": r.source} for r in inc.reports]}


def _members(linker) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for aid, sid in linker.stories.assignments().items():
        members.setdefault(sid, []).append(aid)
    return members


def summaries(linker) -> tuple[list[dict], list[dict]]:
    """Story and incident rows from a Linker's state."""
    stories = [story_row(linker, sid, ids) for sid, ids in _members(linker).items()]
    return stories, [incident_row(linker, inc) for inc in linker.incidents.values()]


def _story_rows(stories: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """``stories`` and ``story_keys`` rows of story records (``story_row``)."""
    rows = [(s["id"], s["label"], s["first_seen"], s["last_seen"], s["article_count"],
             len(s["outlets"]), json.dumps(s, ensure_ascii=False)) for s in stories]
    keys = [(s["id"], KEY_KIND[kind], k) for s in stories for kind in ("entities", "places")
            for k in s[kind]]
    return rows, keys


def _incident_rows(incidents: list[tuple[dict, list[int]]]) -> tuple[list[tuple], list[tuple]]:
    """``incidents`` and ``incident_reports`` rows of (incident record, each report's event
    index in its article: store.link_index reads it)."""
    rows = [(i["id"], i["story_id"], i["type"], i["status"], i["why"], i["first_report"],
             len(i["outlets"]), json.dumps(i, ensure_ascii=False)) for i, _ in incidents]
    reports = [(i["id"], r["article_id"], n, r["start"], r["end"], r["factuality"], r["source"],
                events[n]) for i, events in incidents for n, r in enumerate(i["reports"])]
    return rows, reports


_STORIES = "stories (id, label, first_seen, last_seen, article_count, outlet_count, record)"
_STORY_KEYS = "story_keys (story_id, kind, key)"
_INCIDENTS = "incidents (id, story_id, type, status, why, first_report, outlet_count, record)"
_REPORTS = ("incident_reports (incident_id, article_id, n, start_char, end_char, factuality, "
            "source, event_index)")


def _put_links(conn, linker, links: list, first_seq: int, p: str) -> None:
    """The new articles' ``article_links`` and ``link_inputs`` rows (seq from ``first_seq``)."""
    from .link_index import insert
    story_of = linker.stories.assignments()
    insert(conn, p, "article_links (article_id, duplicate_of, story_id)",
           [(lk.article_id, lk.duplicate_of, story_of[lk.article_id]) for lk in links])
    insert(conn, p, "link_inputs (article_id, seq, meta, vectors)",
           [(lk.article_id, seq) + linker.articles[lk.article_id].to_row()
            for seq, lk in enumerate(links, first_seq)])


def _put_summaries(conn, linker, stories: list[dict], incidents: list[dict], p: str) -> None:
    from .link_index import insert
    rows, keys = _story_rows(stories)
    insert(conn, p, _STORIES, rows)
    insert(conn, p, _STORY_KEYS, keys)
    rows, reports = _incident_rows([(i, _events(linker, i["id"])) for i in incidents])
    insert(conn, p, _INCIDENTS, rows)
    insert(conn, p, _REPORTS, reports)


def write(conn, linker, links: list, param: str = "?") -> None:
    """Replace the stored link tables with a Linker's state (one transaction: the caller's)."""
    from .link_index import insert, write_all
    p = param
    for t in LINK_TABLES:
        conn.execute(f"DELETE FROM {t}")
    _put_links(conn, linker, links, 0, p)
    stories, incidents = summaries(linker)
    _put_summaries(conn, linker, stories, incidents, p)
    insert(conn, p, "story_merges (story_id, survivor)",
           [(g, linker.survivor(g)) for g in sorted(linker.stories.merged)])
    insert(conn, p, "incident_merges (incident_id, survivor)",
           [(g, linker.incident_survivor(g)) for g in sorted(linker.incidents_merged)])
    write_all(conn, linker, links, p)


def _merged_away(conn, gone: str, keep: str, p: str) -> None:
    """A story merged into ``keep`` (link.story_merge): its stored articles move there (its
    incidents are rewritten as dirty ones), and its id, and those that had merged into it,
    lead to ``keep`` (``merged_into``)."""
    conn.execute(f"UPDATE article_links SET story_id = {p} WHERE story_id = {p}", (keep, gone))
    conn.execute(f"UPDATE story_merges SET survivor = {p} WHERE survivor = {p}", (keep, gone))
    conn.execute(f"INSERT INTO story_merges (story_id, survivor) VALUES ({p}, {p}) "
                 f"ON CONFLICT (story_id) DO UPDATE SET survivor = excluded.survivor", (gone, keep))


def _incident_merged_away(conn, gone: str, keep: str, p: str) -> None:
    """An incident merged into ``keep`` (link.incident_merge): its id, and those that had
    merged into it, lead to ``keep`` (``incident_merged_into``)."""
    conn.execute(f"UPDATE incident_merges SET survivor = {p} WHERE survivor = {p}", (keep, gone))
    conn.execute(f"INSERT INTO incident_merges (incident_id, survivor) VALUES ({p}, {p}) "
                 f"ON CONFLICT (incident_id) DO UPDATE SET survivor = excluded.survivor",
                 (gone, keep))


def _update_many(conn, sql: str, rows: list[tuple]) -> None:
    """One UPDATE statement run over ``rows`` (executemany; psycopg pipelines it)."""
    if not rows:
        return
    if hasattr(conn, "executemany"):   # sqlite3
        conn.executemany(sql, rows)
    else:
        with conn.cursor() as cur:
            cur.executemany(sql, rows)


def _events(linker, iid: str) -> list[int]:
    return [m.key[1] for m in linker.incidents[iid].mentions]


def write_new(conn, linker, links: list, first_seq: int, param: str = "?",
              kept: tuple | None = None) -> None:
    """Add what linking ``links`` (the new articles) changed since ``linker.clean()``:
    their rows, the stories and incidents they touched, and the stored indexes
    (``kept``: the kept inputs' state once written)."""
    from .link_index import delete_in
    p = param
    _put_links(conn, linker, links, first_seq, p)
    new = {link.article_id for link in links}
    # stored articles a split (link.story_split) moved: their story now (a merge since
    # is in it: ``assignments`` follows both)
    moved = sorted(linker.split_moved - new)
    if moved:
        story_of = linker.stories.assignments()
        _update_many(conn, f"UPDATE article_links SET story_id = {p} WHERE article_id = {p}",
                     [(story_of[a], a) for a in moved])
    # older articles whose event vectors came now
    _update_many(conn, f"UPDATE link_inputs SET meta = {p}, vectors = {p} WHERE article_id = {p}",
                 [linker.articles[aid].to_row() + (aid,) for aid in sorted(linker.embedded - new)])
    members = _members(linker)
    dirty = sorted(linker.dirty_stories)
    for t, col in (("story_keys", "story_id"), ("stories", "id")):
        delete_in(conn, p, t, col, dirty)
    for sid in dirty:
        if sid not in members:
            _merged_away(conn, sid, linker.survivor(sid), p)
    iids = sorted(linker.dirty_incidents)
    for t, col in (("incident_reports", "incident_id"), ("incidents", "id")):
        delete_in(conn, p, t, col, iids)
    for iid in iids:
        if iid not in linker.incidents:
            _incident_merged_away(conn, iid, linker.incident_survivor(iid), p)
    _put_summaries(conn, linker, [story_row(linker, sid, members[sid]) for sid in dirty
                                  if sid in members],
                   [incident_row(linker, linker.incidents[iid]) for iid in iids
                    if iid in linker.incidents], p)   # the others merged away (link.incident_merge)
    from .link_index import write_changes
    write_changes(conn, linker, links, first_seq, p,
                  kept or (first_seq + len(links), first_seq + len(links) - 1, links[-1].article_id))


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


_POSITION = re.compile(r"^(.*?)[#:](\d+)$")  # "file.jsonl:12" (a line), "file.warc.gz#3" (a record)


def input_order(source: str | None, article_id: str) -> tuple:
    """Where an article's page stood in the inputs: its file in the order a folder is read
    (``sources``: a folder's files, names sorted, before its subfolders), then its line or
    record number; the id breaks ties (pages without a source). Linking new articles in
    this order rather than in commit order makes one process and Dask (whose partitions
    commit whole, in the order they finish) link the same corpus alike."""
    src = source or ""
    m = _POSITION.match(src)
    path, pos = (m.group(1), int(m.group(2))) if m else (src, 0)
    parts = path.replace("\\", "/").split("/")
    return (tuple((1, d) for d in parts[:-1]) + ((0, parts[-1]),), pos, article_id)


def _in_input_order(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: input_order(r.get("source"), r["id"]))


def _articles(rows):
    """The rows' Articles as linking reads them (link.inputs.prepare): without their
    statements, which it never reads (a third of the cost of making an Article)."""
    from ..model import Article
    for r in rows:
        rec = r["record"]
        d = json.loads(rec) if isinstance(rec, str) else dict(rec)
        d["statements"] = []
        yield Article.from_dict(d)


def _link_batches(linker, rows, batch_size: int) -> list:
    """Link rows (each an article record, or kept inputs as meta and vectors) in order:
    kept inputs are replayed, the others go through the sentence model in batches."""
    from ..link.inputs import Inputs, prepare
    links, batch = [], []

    def flush():
        links.extend(linker.apply(x) for x in prepare(list(_articles(batch)), leads=False))
        batch.clear()

    for r in rows:
        if r.get("meta") is not None:
            flush()
            links.append(linker.apply(Inputs.from_row(r["meta"], r["vectors"])))
        else:
            batch.append(r)
            if len(batch) >= batch_size:
                flush()
    flush()
    return links


def _report(linker, links) -> dict[str, int]:
    return {"articles": len(links), "copies": sum(1 for x in links if x.duplicate_of),
            "families": len({x.duplicate_of for x in links if x.duplicate_of}),
            "stories": len({linker.survivor(x.story_id) for x in links}),
            "incidents": len({linker.incident_survivor(i) for x in links for i in x.incidents})}


def relink(store, batch_size: int = 64, re_embed: bool = False) -> dict[str, int]:
    """Recompute every link from the stored articles, in the order they were linked: the
    linked ones in their linking order (``link_inputs.seq``), then the others as
    ``link_new`` takes them (``input_order``). An article's kept inputs (link_inputs: its
    sketch, vectors, keys) are reused unless ``re_embed``; the others are computed."""
    from ..link.linker import Linker
    _LINKERS.clear()
    linker = Linker()
    keep = "NULL" if re_embed else "li.meta"
    rows = _fetch(store, f"SELECT a.id, a.source, li.seq, {keep} AS meta, li.vectors AS vectors, "
                         f"CASE WHEN {keep} IS NULL THEN a.record END AS record FROM articles a "
                         "LEFT JOIN link_inputs li ON li.article_id = a.id ORDER BY li.seq, a.id")
    linked = [r for r in rows if r["seq"] is not None]
    rows = linked + _in_input_order([r for r in rows if r["seq"] is None])
    links = _link_batches(linker, rows, batch_size)
    conn = store.conn
    try:
        write(conn, linker, links, _param(store))
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    return _report(linker, links)


def _write_lock(store) -> None:
    """Hold the store's write lock until the caller commits or rolls back (SQLite: an
    immediate transaction; PostgreSQL: a transaction-scoped advisory lock)."""
    conn = store.conn
    if _param(store) == "?":
        from .sqlite import retry_busy
        if conn.in_transaction:
            conn.commit()
        retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"))
    else:
        conn.execute("SELECT pg_advisory_xact_lock(14014014)")


# PostgreSQL: ``articles.id`` is in the "C" collation, ``link_inputs.article_id`` in the
# database's: compared in the latter (equality is byte equality in both), the anti-join
# probes link_inputs' primary key per new article instead of scanning link_inputs for
# each (1.2 s at 100,000 stored and 38 new; 0.2 ms so).
_NEW_SQL = ("SELECT a.id, a.source, a.record FROM articles a LEFT JOIN link_inputs li "
            "ON li.article_id = a.id{coll} WHERE li.article_id IS NULL{since} "
            "ORDER BY a.ingested_at, a.id")


def _new_sql(store, since: str = "") -> str:
    coll = "" if _param(store) == "?" else ' COLLATE "default"'
    return _NEW_SQL.format(coll=coll, since=since)


def _unlinked(store) -> tuple[list[dict[str, Any]], tuple[int, int]]:
    """The stored articles without links, in stored order, and the counts of articles and
    kept inputs (store.link_counts, read after them: an article committed in between
    is then counted but not read, which sends us to the whole table, never the other
    way). Those stored since the last linked article are read through the
    ``articles_ingested`` index; the whole table only when the counts say some older one
    is missing too (an ingest that did not link, or two ingests whose rows crossed)."""
    last = _fetch(store, "SELECT a.ingested_at FROM link_inputs li JOIN articles a "
                         "ON a.id = li.article_id ORDER BY li.seq DESC LIMIT 1")
    if not last:
        new = _fetch(store, _new_sql(store))
        return new, _counts(store)
    new = _fetch(store, _new_sql(store, " AND a.ingested_at >= ?"), (last[0]["ingested_at"],))
    n = _counts(store)
    if n[0] - n[1] == len(new):
        return new, n
    return _fetch(store, _new_sql(store)), n


def _counts(store) -> tuple[int, int]:
    """(articles, kept inputs) from ``link_counts``; PostgreSQL's rows of changes are
    folded into one once they pile up (in the caller's transaction)."""
    from . import link_counts
    a, li, rows = link_counts.read(store.conn)
    if rows > link_counts.COMPACT_AT:
        link_counts.compact(store.conn)
    return a, li


# One restored Linker per store and process (a watch loop, a bench): the next run reuses
# it while the kept inputs are still those it holds, instead of restoring them all again.
_LINKERS: dict[str, tuple[tuple, Any]] = {}


def _store_key(store) -> str | None:
    path = getattr(store, "path", None)
    if path == ":memory:":
        return None
    import os
    return os.path.abspath(path) if path else getattr(store, "url", None)


def _kept_state(store, n: int) -> tuple:
    """What identifies the kept inputs: their count ``n`` (``_counts``) and the last one
    (seq and article)."""
    rows = _fetch(store, "SELECT seq, article_id FROM link_inputs ORDER BY seq DESC LIMIT 1")
    return (n, rows[0]["seq"], rows[0]["article_id"]) if rows else (0, -1, None)


def link_new(store, batch_size: int = 64, timings: dict | None = None,
             prepared: dict | None = None) -> dict[str, int]:
    """Link the stored articles that have no links yet (ingest calls this).

    The indexes are those of this process's last run on the store while nothing else has
    linked since, else a ``StoredLinker`` that loads from the stored indexes what each new
    article can touch (store.link_index); only a store whose stored indexes do not match
    its kept inputs (linked before they existed) is restored in full from the kept inputs,
    once, and rewritten. The new articles are linked in input order (``input_order``:
    the same whatever order they were committed in) against their candidates, and only what
    changed is written: the same tables ``relink`` would give for the same order.
    ``timings`` (a dict) receives the seconds of each phase (``query``: the stored
    indexes' look-ups and loads, within ``link``) and ``full`` (restored in full).
    ``prepared``: {article id: (meta, vectors)} of new articles whose inputs were computed
    elsewhere (the Dask workers); those are linked from them without the sentence model."""
    from ..link.linker import Linker
    from .link_index import StoredLinker
    from .link_index import state as index_state
    t0 = time.perf_counter()
    _write_lock(store)   # two ingests at once link one after the other
    new, counts = _unlinked(store)
    new = _in_input_order(new)
    if not new:
        store.conn.commit()   # nothing to link (a fold of link_counts' rows, if any, kept)
        return {"articles": 0, "copies": 0, "families": 0, "stories": 0, "incidents": 0}
    key = _store_key(store)
    state = _kept_state(store, counts[1])
    cached = _LINKERS.pop(key, None) if key else None   # back only once this run commits
    restored: list | None = None   # the kept articles' links when restored in full
    if cached and cached[0] == state:
        linker = cached[1]
        if isinstance(linker, StoredLinker):
            linker.bind(store)
    elif state[0] and (index_state(store.conn, _param(store)) or (None,))[0] == state:
        linker = StoredLinker(store)   # the stored indexes answer each new article's look-ups
    else:
        # no stored index for these kept inputs (a store linked before the index
        # existed, or rows changed behind it): restore all once, then write all
        linker = Linker()
        kept = _fetch(store, "SELECT seq, meta, vectors FROM link_inputs ORDER BY seq")
        restored = _link_batches(linker, kept, batch_size)
        del kept
    first_seq = state[1] + 1 if restored is None else len(restored)
    t1 = time.perf_counter()
    linker.clean()
    for r in new if prepared else ():
        if r["id"] in prepared:
            r["meta"], r["vectors"] = prepared[r["id"]]
    links = _link_batches(linker, new, batch_size)
    t2 = time.perf_counter()
    conn = store.conn
    kept_after = (first_seq + len(links) if restored is not None else state[0] + len(links),
                  first_seq + len(links) - 1, links[-1].article_id)
    try:
        if restored is None:
            write_new(conn, linker, links, first_seq, _param(store), kept_after)
        else:
            write(conn, linker, restored + links, _param(store))
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    if key:
        _LINKERS.clear()   # one store's indexes at a time: they can be large
        _LINKERS[key] = (kept_after, linker)
    if timings is not None:
        timings.update(restore=t1 - t0, link=t2 - t1, write=time.perf_counter() - t2,
                       query=getattr(linker, "query_s", 0.0), embedded=len(linker.embedded),
                       cached=bool(cached and cached[0] == state), full=restored is not None)
        if hasattr(linker, "query_s"):
            linker.query_s = 0.0
    return _report(linker, links)


def stories(store, min_outlets: int = 0, limit: int = 50, offset: int = 0, q: str | None = None,
            since: str | None = None, until: str | None = None, entity: str | None = None,
            place: str | None = None) -> list[dict[str, Any]]:
    """Stories, largest first. ``q`` matches the label (main actors, place, first headline);
    ``entity`` and ``place`` a name one of its articles gives ('The White House' finds
    'White House')."""
    where, args = ["outlet_count >= ?"], [min_outlets]
    for kind, val in (("entity", entity), ("place", place)):
        if val and entity_key(val):
            where.append("id IN (SELECT story_id FROM story_keys WHERE kind = ? AND key = ?)")
            args += [kind, entity_key(val)]
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


def merged_into(store, story_id: str) -> str | None:
    """The story a merged-away story is now part of (None: it was not merged away)."""
    rows = _fetch(store, "SELECT survivor FROM story_merges WHERE story_id = ?", (story_id,))
    return rows[0]["survivor"] if rows else None


def incident_merged_into(store, incident_id: str) -> str | None:
    """The incident a merged-away incident is now part of (None: not merged away)."""
    rows = _fetch(store, "SELECT survivor FROM incident_merges WHERE incident_id = ?", (incident_id,))
    return rows[0]["survivor"] if rows else None


def incident(store, incident_id: str) -> dict[str, Any] | None:
    """One stored incident record (None: no such incident)."""
    rows = _fetch(store, "SELECT record FROM incidents WHERE id = ?", (incident_id,))
    if not rows:
        return None
    rec = rows[0]["record"]
    return json.loads(rec) if isinstance(rec, str) else dict(rec)


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
    return article_links_many(store, [article_id])[article_id]


def article_links_many(store, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """story_id and duplicate_of of each id (both None for an article not linked yet)."""
    out = {a: {"story_id": None, "duplicate_of": None} for a in article_ids}
    ids = list(out)
    for s in range(0, len(ids), 500):
        chunk = ids[s:s + 500]
        marks = ", ".join("?" * len(chunk))
        for r in _fetch(store, "SELECT article_id, story_id, duplicate_of FROM article_links "
                               f"WHERE article_id IN ({marks})", tuple(chunk)):
            out[r["article_id"]] = {"story_id": r["story_id"], "duplicate_of": r["duplicate_of"]}
    return out


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
