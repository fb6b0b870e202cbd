"""What linking adds to the pipeline's time per article, with articles already stored.

    python bench/linking_overhead.py [AEB] --stored 1000 10000 100000 [--db URL]

The AEB originals go through the pipeline (extract + enrich, timed: the anchor). A store
(a fresh SQLite file, or the given PostgreSQL database, emptied) then holds ``stored``
older articles generated straight into the tables without linking (``_generate``,
``_load``): synthetic link inputs made from the second half of those articles (each its
own text, a lead vector near its model article's, part of its keys, its first events),
stories and incidents drawn among recent articles, and the stored link indexes. Then,
timed as ingest runs them (``store.links.link_new``):

- first one: the first new article, in a new process (no Linker in memory: it pays the
  one-off load of the candidate stories);
- new news: the rest of the first half of the articles, in the same process (a watch loop,
  or an ingest of a larger batch), linked against the stored ones;
- follow-ups: republished variants of that news (another outlet, a line added), each
  joining a story just linked, in a new process, so its events are scored against the
  stored ones.

Each is printed per article beside the pipeline's time per article, as a share of it,
with its phases: setup, encode (the sentence model), query (stored index look-ups and
loads), score (the rest of linking), write; and gc, the garbage collector's pauses within
them (counted in the phase they fell in, shown apart to tell them from the work).
"""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

SPACING_MIN = 5        # minutes between stored articles: 100,000 span about a year
MAX_EVENTS = 3         # events kept per synthetic stored article
STORED_TEXT = 1500     # characters of text kept in a synthetic stored article's row
JOIN_P = 0.5           # share of stored articles that join an earlier one's story ...
JOIN_BACK = 50         # ... among the 50 stored just before it (a story spans hours)


def _variant(a, k: int, when: datetime):
    """The article republished at ``when`` by another outlet with a line of its own (the
    spans stay valid: the line goes after the text)."""
    return dataclasses.replace(
        a, id=f"{a.id[:24]}-v{k}", outlet=f"Outlet {k % 37}", published=when.isoformat(),
        text=a.text + f"\n\nFiled by desk {k} at {when:%H:%M} on {when:%d %B}.")


def _synthetic(models, arts, stored: int, rng):
    """``stored`` (Article, Inputs) pairs modelled on ``models`` (Inputs) and ``arts``: a
    text hash and MinHash sketch of their own (no copies of one another), the model's lead
    vector plus as much noise (so articles of one model make several stories), half its
    keys plus three of 20,000 names drawn by a Zipf law (shared keys give candidates as
    common names do), its first MAX_EVENTS events with the model's event vectors."""
    from newsdesk.link.inputs import _half
    names = [f"name {i}" for i in range(20000)]
    for k in range(stored):
        m, a = models[k % len(models)], arts[k % len(arts)]
        when = (datetime(2023, 1, 1) + timedelta(minutes=SPACING_MIN * k)).isoformat()
        noise = rng.normal(size=m.lead_vec.shape).astype(np.float32)
        lead = m.lead_vec + noise / np.linalg.norm(noise)
        keys = [x for x in m.keys if rng.random() < 0.5]
        keys += [names[min(int(rng.zipf(1.3)) - 1, len(names) - 1)] for _ in range(3)]
        events = m.events[:MAX_EVENTS]
        x = dataclasses.replace(
            m, id=f"stored-{k:06d}", hash=f"{k:040x}", outlet=f"Outlet {k % 53}", published=when,
            sig=rng.integers(0, 2**32, size=len(m.sig) // 4, dtype=np.uint32).tobytes(),
            keys=sorted(set(keys)), events=events, lead_vec=_half(lead / np.linalg.norm(lead)),
            trigger_vecs=None if m.trigger_vecs is None else m.trigger_vecs[:len(events)],
            sent_vecs=m.sent_vecs)
        art = dataclasses.replace(a, id=x.id, outlet=x.outlet, published=when,
                                  text=a.text[:STORED_TEXT], entities=[], places=[], times=[],
                                  quantities=[], statements=[], events=[])
        yield art, x


def _put(store, table: str, cols: tuple, rows: list) -> None:
    """Rows straight into a table: executemany (SQLite) or COPY (PostgreSQL)."""
    if not rows:
        return
    if type(store).__name__ == "SQLiteStore":
        store.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                               f"({', '.join('?' * len(cols))})", rows)
        return
    with store.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)


def _generate(models, arts, stored: int, rng):
    """The stored articles and what linking them would have kept, without linking: each
    joins the story of one of the JOIN_BACK articles before it (with JOIN_P) or starts
    its own, and each of its events joins one of that story's incidents (half the time)
    or starts one. Returns the Articles, Inputs (in linking order), story and incident
    memberships."""
    story_of, members, incidents = {}, {}, {}
    story_incs: dict[str, list[str]] = {}
    out_a, out_x = [], []
    for k, (art, x) in enumerate(_synthetic(models, arts, stored, rng)):
        if k and rng.random() < JOIN_P:
            sid = story_of[out_x[k - 1 - int(rng.integers(0, min(k, JOIN_BACK)))].id]
        else:
            sid = x.id
        story_of[x.id] = sid
        members.setdefault(sid, []).append(x.id)
        for e in x.events:
            own = story_incs.setdefault(sid, [])
            if own and rng.random() < 0.5:
                iid = own[int(rng.integers(0, len(own)))]
            else:
                iid = f"{x.id}:{e.index}"
                own.append(iid)
                incidents[iid] = (sid, e.type, [])
            incidents[iid][2].append((x.id, e.index))
        out_a.append(art)
        out_x.append(x)
    return out_a, out_x, story_of, members, incidents


def _load(store, models, arts, stored: int, log) -> None:
    """Bulk-load the synthetic stored articles, their kept inputs, links and stored link
    indexes (store.link_index), rows generated straight into the tables (no linking)."""
    from collections import Counter
    from types import SimpleNamespace

    from newsdesk.link.corroboration import Report
    from newsdesk.link.linker import Incident
    from newsdesk.link.stories import Story
    from newsdesk.store import links as sl
    from newsdesk.store import link_index as li
    from newsdesk.store.bulk import bulk_load
    rng = np.random.default_rng(14)
    t0 = time.perf_counter()
    a, xs, story_of, members, incidents = _generate(models, arts, stored, rng)
    by_id = {x.id: x for x in xs}
    t1 = time.perf_counter()
    bulk_load(store, a, batch_size=5000, defer_indexes=True)
    t2 = time.perf_counter()
    sl._write_lock(store)
    _put(store, "link_inputs", ("article_id", "seq", "meta", "vectors"),
         [(x.id, k) + x.to_row() for k, x in enumerate(xs)])
    _put(store, "article_links", ("article_id", "duplicate_of", "story_id"),
         [(x.id, None, story_of[x.id]) for x in xs])
    fake = SimpleNamespace(articles=by_id)
    srows, krows, lrows, irows, rrows, srows_keys = [], [], [], [], [], []
    df: Counter = Counter()
    for rank, (sid, ids) in enumerate(members.items()):
        s = sl.story_row(fake, sid, ids)
        srows.append((sid, s["label"], s["first_seen"], s["last_seen"], s["article_count"],
                      len(s["outlets"]), json.dumps(s, ensure_ascii=False)))
        krows += [(sid, sl.KEY_KIND[kind], k) for kind in ("entities", "places") for k in s[kind]]
        st = Story(sid, np.zeros(1))
        keys = set()
        for aid in ids:
            x = by_id[aid]
            st.first = min(st.first or x.published, x.published)
            st.last = max(st.last or x.published, x.published)
            keys |= set(x.keys)
            df.update(set(x.keys))
        lo, hi = li.span_days(st)
        lrows.append((sid, rank, st.first, st.last, lo, hi))
        srows_keys.extend((k, sid, lo, hi) for k in sorted(keys))
    for iid, (sid, typ, ms) in incidents.items():
        inc = Incident(iid, sid, typ)
        for aid, ev in ms:
            x = by_id[aid]
            e = next(e for e in x.events if e.index == ev)
            inc.reports.append(Report(article_id=aid, outlet=x.outlet, family=aid,
                                      published=x.published, start=e.start, end=e.end,
                                      sentence_start=e.sentence_start, sentence_end=e.sentence_end,
                                      factuality=e.factuality, source=e.source,
                                      numbers=list(e.numbers)))
        i = sl.incident_row(fake, inc)
        irows.append((iid, sid, typ, i["status"], i["why"], i["first_report"], len(i["outlets"]),
                      json.dumps(i, ensure_ascii=False)))
        rrows += [(iid, r["article_id"], n, r["start"], r["end"], r["factuality"], r["source"], ev)
                  for n, (r, (_, ev)) in enumerate(zip(i["reports"], ms))]
    _put(store, "stories", ("id", "label", "first_seen", "last_seen", "article_count",
                            "outlet_count", "record"), srows)
    _put(store, "story_keys", ("story_id", "kind", "key"), sorted(set(krows)))
    _put(store, "incidents", ("id", "story_id", "type", "status", "why", "first_report",
                              "outlet_count", "record"), irows)
    _put(store, "incident_reports", ("incident_id", "article_id", "n", "start_char", "end_char",
                                     "factuality", "source", "event_index"), rrows)
    _put(store, "link_families", ("article_id", "hash", "head", "nshingles", "sig", "seq"),
         [(x.id, x.hash, x.id, x.nshingles, x.sig, k) for k, x in enumerate(xs)])
    _put(store, "link_bands", ("bucket", "article_id"),
         [(b, x.id) for x in xs for b in li.buckets(x.sig)])
    _put(store, "link_stories", ("story_id", "rank", "first_seen", "last_seen", "lo_day", "hi_day"),
         lrows)
    _put(store, "link_keys", ("key", "story_id", "lo_day", "hi_day"), srows_keys)
    _put(store, "link_key_df", ("key", "n"), sorted(df.items()))
    _put(store, "link_index_state", ("id", "articles", "seq", "article_id", "seen", "next_rank"),
         [(1, len(xs), len(xs) - 1, xs[-1].id, len(xs), len(members))])
    store.conn.commit()
    if type(store).__name__ == "SQLiteStore":
        store.conn.execute("ANALYZE")   # the planner's statistics, as after any large load
        store.conn.commit()
    else:
        # and on PostgreSQL the visibility map too: rows just copied in have none, so an
        # index-only scan reads the heap until autovacuum has passed (a store in service
        # has been), and autovacuum's pass over millions of fresh rows would otherwise
        # fall in the timed runs (Run AC: query 20 -> 16 ms per new article)
        store.conn.autocommit = True
        try:
            store.conn.execute("VACUUM ANALYZE")
        finally:
            store.conn.autocommit = False
    log(f"  {stored} synthetic stored articles ({len(members)} stories, {len(incidents)} "
        f"incidents): generated in {t1 - t0:.0f} s, articles stored in {t2 - t1:.0f} s, links "
        f"and indexes in {time.perf_counter() - t2:.0f} s")


class _GcClock:
    """Seconds the garbage collector ran while installed (``gc.callbacks``)."""

    def __init__(self):
        self.seconds, self._t = 0.0, None

    def __call__(self, phase, info):
        if phase == "start":
            self._t = time.perf_counter()
        elif self._t is not None:
            self.seconds += time.perf_counter() - self._t
            self._t = None

    def __enter__(self):
        import gc
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        import gc
        gc.callbacks.remove(self)


class _TimedEncoder:
    """The sentence encoder with the seconds spent in it counted (the encode phase)."""

    def __init__(self, enc):
        self.enc, self.dim, self.family, self.seconds = enc, enc.dim, enc.family, 0.0
        self.event_dim = getattr(enc, "event_dim", enc.dim)   # static-lead: the model's width
        if hasattr(enc, "table_words"):   # the within-document step's vectors (embed.table_encoder)
            self.table_words = lambda *a, **k: self._timed(enc.table_words, *a, **k)

    def _timed(self, f, *a, **k):
        t0 = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            self.seconds += time.perf_counter() - t0

    def encode(self, *a, **k):
        return self._timed(self.enc.encode, *a, **k)

    def encode_words(self, *a, **k):
        return self._timed(self.enc.encode_words, *a, **k)


def news(arts, stored: int) -> tuple[list, list]:
    """The first half of ``arts`` as the news, arriving after the ``stored`` articles a few
    minutes apart, and the follow-ups: each republished by another outlet hours later."""
    end = datetime(2023, 1, 1) + timedelta(minutes=SPACING_MIN * stored)
    fresh = [dataclasses.replace(a, published=(end + timedelta(minutes=SPACING_MIN * i)).isoformat())
             for i, a in enumerate(arts[:len(arts) // 2])]
    follow = [_variant(a, 10**6 + k, end + timedelta(hours=6, minutes=k))
              for k, a in enumerate(fresh[:-1])]
    return fresh, follow


def runs(fresh, follow) -> tuple:
    """(name, articles, cold) of the three timed linkings; cold: in a new process."""
    return (("first one", fresh[:1], True), ("new news", fresh[1:], False),
            ("follow-ups", follow, True))


def link_timed(store, batch, cold: bool, enc) -> tuple[float, float, dict, dict]:
    """Store ``batch`` and link it as ingest does, timed: ms per article (wall, process
    CPU), the phases per article, and ``link_new``'s timings."""
    from newsdesk.store import links as store_links
    from newsdesk.store.links import link_new
    list(store.add_many(batch))
    if cold:   # as a new process links it (else: the process that linked the last)
        store_links._LINKERS.clear()
    tm: dict = {}
    enc.seconds = 0.0
    with _GcClock() as gcc:
        t0, c0 = time.perf_counter(), time.process_time()
        link_new(store, timings=tm)
        ms = (time.perf_counter() - t0) / len(batch) * 1000
        cpu = (time.process_time() - c0) / len(batch) * 1000
    per = {p: v * 1000 / len(batch) for p, v in (
        ("setup", tm["restore"]), ("encode", enc.seconds), ("query", tm["query"]),
        ("score", tm["link"] - enc.seconds - tm["query"]), ("write", tm["write"]),
        ("gc", gcc.seconds))}
    return ms, cpu, per, tm


PHASES = ("setup", "encode", "query", "score", "write", "gc")


def _key(name: str) -> str:
    """A linking's name as the prefix of its figures ("new news" -> "new_news")."""
    return name.replace(" ", "_").replace("-", "_")


def _row(name: str, n: int, ms: float, share: float, per: dict) -> str:
    """One linking's line of the table: ms per article, share, phases."""
    return (f"  {name:<11} {n:>3} {ms:>7.1f} {share:>6.1%} | "
            + " ".join(f"{per[p]:>6.1f}" for p in PHASES))


def _round_copy(base: str, r: int) -> str:
    """A copy of the loaded store for round ``r``: a file copy (SQLite), or a database made
    from it as a template (PostgreSQL, ``<name>_r``); linking writes, so each round
    starts from the same store."""
    if base.startswith("postgresql"):
        import psycopg
        root, name = base.rsplit("/", 1)
        with psycopg.connect(root + "/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}_r")
            c.execute(f"CREATE DATABASE {name}_r TEMPLATE {name}")
        return f"{root}/{name}_r"
    import shutil
    url = f"{base}.r{r}"
    shutil.copy(base, url)
    # on disk before the timed runs: else the first fsync of the store (a checkpoint's)
    # waits for the kernel to write the copy's gigabytes
    fd = os.open(url, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return url


def _drop_copy(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg
        root, name = url.rsplit("/", 1)
        with psycopg.connect(root + "/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
        return
    for suf in ("", "-wal", "-shm"):
        try:
            os.unlink(url + suf)
        except FileNotFoundError:
            pass


def measure(aeb: Path, n: int = 40, stored: int = 1000, db: str | None = None,
            log=print, rounds: int = 1) -> dict[str, float]:
    """Print and return the figures (ms per article, share of the pipeline's, phases) of the
    three linkings; with ``rounds`` > 1, the pipeline timed and the three linkings run
    again per round on a copy of the same loaded store, each round's rows printed, then
    the median of each figure (the ratio: of the rounds' ratios, each against its own
    round's pipeline time; this machine's speed drifts between runs)."""
    import statistics

    import linking_families
    from newsdesk.link import embed
    from newsdesk.link.inputs import embed_events, prepare
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline
    from newsdesk.store import open_store

    pages = [RawPage(content=data, format="html", source=pid) for pid, fam, data
             in linking_families.pages(aeb) if pid == fam][:n]
    pipe = Pipeline()
    pipe.warm_up()
    enc = _TimedEncoder(embed.encoder())

    def timed_pipeline() -> tuple[list, float]:
        t0 = time.perf_counter()
        arts = [a for a in pipe.process(pages) if hasattr(a, "text")]
        return arts, (time.perf_counter() - t0) / max(len(arts), 1) * 1000

    arts, pipe_ms = timed_pipeline()
    base = arts[len(arts) // 2:]
    fresh, follow = news(arts, stored)
    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="newsdesk-link-")
        db = os.path.join(tmp, "overhead.db")
    per_round: list[dict[str, float]] = []
    real = embed.encoder
    embed.encoder = lambda: enc   # the linker's encoder, timed
    try:
        with open_store(db) as store:
            models = prepare(base, enc.enc)
            for x in models:
                embed_events(x, enc.enc)
            _load(store, models, base, stored, log)
        for r in range(rounds):
            if r:
                _arts, pipe_ms = timed_pipeline()
            url = db if rounds == 1 else _round_copy(db, r)
            out = {"pipeline_ms": pipe_ms}
            try:
                with open_store(url) as store:
                    log(f"  {'':<11} {'n':>3} {'ms/art':>7} {'share':>6} | "
                        + " ".join(f"{p:>6}" for p in PHASES)
                        + f"  (ms/article; pipeline {pipe_ms:.0f} ms/article"
                        + (f"; round {r + 1} of {rounds})" if rounds > 1 else ")"))
                    for name, batch, cold in runs(fresh, follow):
                        ms, _cpu, per, tm = link_timed(store, batch, cold, enc)
                        key = _key(name)
                        out[f"{key}_ms"] = ms
                        out[f"{key}_ratio"] = ms / pipe_ms
                        out.update({f"{key}_{p}_ms": v for p, v in per.items()})
                        log(_row(name, len(batch), ms, ms / pipe_ms, per)
                            + f"  ({'new process' if cold else 'same process'}, "
                              f"{'full restore' if tm['full'] else 'stored index'}, event "
                              f"vectors for {tm['embedded']} articles)")
            finally:
                if url != db:
                    _drop_copy(url)
            per_round.append(out)
    finally:
        embed.encoder = real
        if tmp is not None:   # a 100,000-article store is ~2.7 GB: not left behind
            import shutil
            shutil.rmtree(tmp, ignore_errors=True)
    if rounds == 1:
        return per_round[0]
    med = {k: statistics.median(o[k] for o in per_round) for k in per_round[0]}
    log(f"  median of {rounds} rounds (pipeline {med['pipeline_ms']:.0f} ms/article):")
    for name, batch, _cold in runs(fresh, follow):
        key = _key(name)
        log(_row(name, len(batch), med[f"{key}_ms"], med[f"{key}_ratio"],
                 {p: med[f"{key}_{p}_ms"] for p in PHASES}))
    return med


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("aeb", type=Path, nargs="?", default=Path("/work/shared/bench/aeb"),
                    help="the AEB directory (its originals are the news)")
    ap.add_argument("--stored", type=int, nargs="+", default=[1000],
                    help="stored articles before the news (several: one run each)")
    ap.add_argument("--db", help="a PostgreSQL URL (an empty database; dropped and made again "
                                 "per run) or a SQLite path; default a fresh SQLite file")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time the pipeline and link again on a copy of the same store this "
                         "many times, and print the medians (default 1)")
    args = ap.parse_args()
    for n in args.stored:
        db = args.db
        if db and db.startswith("postgresql"):
            _reset_pg(db)
        print(f"Linking overhead ({'PostgreSQL' if db and db.startswith('postgresql') else 'SQLite'},"
              f" {n} stored articles)")
        measure(args.aeb, stored=n, db=db if db and db.startswith("postgresql") else None,
                rounds=args.rounds)
    return 0


def _reset_pg(url: str) -> None:
    """Empty the PostgreSQL database (the bench loads into an empty one)."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
