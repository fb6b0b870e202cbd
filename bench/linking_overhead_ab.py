"""linking_overhead.py's three linking runs on one store loaded once, for A/B timing.

    python bench/linking_overhead_ab.py build --stored 100000 [--db URL] [--dir D]
    PYTHONPATH=<src tree> python bench/linking_overhead_ab.py run --stored 100000 [--db URL]
        [--dir D] [--dump FILE] [--links FILE]
    python bench/linking_overhead_ab.py diff LINKS_A LINKS_B

``build`` runs the AEB originals through the pipeline once (kept in D/arts.pkl) and loads
the synthetic stored articles as linking_overhead.py does (``_load``): into D/h{N}.db,
or into the given PostgreSQL database. ``run`` links the same first one, new news and
follow-ups (same times, same cold/warm process) on a copy of that store
(linking_overhead's ``_round_copy``: a file copy, or a PostgreSQL database made from it as
a template, named ``<db>_r``; dropped after) and prints the same phases (ms per article),
plus the process CPU time of the run and it less encode (less noisy than the wall clock on
a shared machine). Alternate the code trees
(``PYTHONPATH``) run by run: a load of 100,000 takes ~3 min, a run ~10 s. ``--dump``
writes a digest of every link table after the runs: two trees that link alike write the
same file; ``--links`` writes each linked article's story and incidents, and ``diff``
counts the articles two trees link differently. ``--parts`` adds the new news' inclusive
wall time in named parts of linking (``PARTS``: nested parts count in their callers too),
per article.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import linking_overhead as lo  # noqa: E402



# (module, attribute, label): the parts ``--parts`` times (a label "a.b" is within "a")
PARTS = (
    ("newsdesk.store.links", "_articles", "articles (records read)"),
    ("newsdesk.link.inputs", "prepare", "prepare (sketch, keys, events)"),
    ("newsdesk.link.inputs", "signature", "prepare.signature"),
    ("newsdesk.link.stories:StoryIndex", "choose", "choose (story candidates)"),
    ("newsdesk.store.link_index:StoredLinker", "story_candidates", "choose.candidates"),
    ("newsdesk.store.link_index:StoredLinker", "_keyed", "choose.candidates.keyed (query)"),
    ("newsdesk.store.link_index:StoredLinker", "_load_stories", "choose.candidates.load (query)"),
    ("newsdesk.store.link_index:StoredLinker", "_load_family", "load_family (query)"),
    ("newsdesk.store.link_index:StoredLinker", "_load_incidents", "load_incidents (score)"),
    ("newsdesk.link.linker:Linker", "_merge_step", "merge_step"),
    ("newsdesk.link.linker:Linker", "_link_events", "link_events"),
    ("newsdesk.link.linker:Linker", "_embed", "link_events.embed (encode)"),
    ("newsdesk.link.linker", "assign", "link_events.assign"),
    ("newsdesk.link.linker", "own_units", "link_events.own_units (table vectors, unit scorer)"),
    ("newsdesk.link.linker:Linker", "_merge_incidents", "link_events.merge_incidents"),
    ("newsdesk.store.links", "write_new", "write_new (before commit)"),
)


def _timed_parts() -> dict[str, float]:
    """Wrap the ``PARTS`` in timers; returns label -> seconds (cleared by the caller)."""
    import importlib
    import inspect
    acc: dict[str, float] = {}

    def add(label, t0):
        acc[label] = acc.get(label, 0.0) + time.perf_counter() - t0

    def timed(f, label):
        def call(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                add(label, t0)

        def gen(*a, **k):   # a generator's time is spent as it is consumed
            it = f(*a, **k)
            while True:
                t0 = time.perf_counter()
                try:
                    x = next(it)
                except StopIteration:
                    return
                finally:
                    add(label, t0)
                yield x
        return gen if inspect.isgeneratorfunction(f) else call

    for where, name, label in PARTS:
        mod, _, cls = where.partition(":")
        obj = importlib.import_module(mod)
        obj = getattr(obj, cls) if cls else obj
        setattr(obj, name, timed(getattr(obj, name), label))
    return acc


def _articles(d: Path, aeb: Path):
    p = d / "arts.pkl"
    if p.exists():
        return pickle.loads(p.read_bytes())
    import linking_families
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline
    pages = [RawPage(content=data, format="html", source=pid) for pid, fam, data
             in linking_families.pages(aeb) if pid == fam][:40]
    pipe = Pipeline()
    pipe.warm_up()
    arts = [a for a in pipe.process(pages) if hasattr(a, "text")]
    p.write_bytes(pickle.dumps(arts))
    return arts


def build(d: Path, stored: int, db: str | None, aeb: Path) -> None:
    from newsdesk.link import embed
    from newsdesk.link.inputs import embed_events, prepare
    from newsdesk.store import open_store
    arts = _articles(d, aeb)
    base = arts[len(arts) // 2:]
    if db:
        lo._reset_pg(db)
    else:
        db = str(d / f"h{stored}.db")
        if os.path.exists(db):
            os.unlink(db)
    enc = embed.encoder()
    with open_store(db) as store:
        models = prepare(base, enc)
        for x in models:
            embed_events(x, enc)
        lo._load(store, models, base, stored, print)


def run(d: Path, stored: int, db: str | None, dump: str | None, aeb: Path,
        parts: bool = False, links: str | None = None) -> None:
    from newsdesk.link import embed
    from newsdesk.store import open_store
    fresh, follow = lo.news(_articles(d, aeb), stored)
    url = lo._round_copy(db or str(d / f"h{stored}.db"), os.getpid())
    acc = _timed_parts() if parts else None
    enc = lo._TimedEncoder(embed.encoder())
    real = embed.encoder
    embed.encoder = lambda: enc
    try:
        with open_store(url) as store:
            for name, batch, cold in lo.runs(fresh, follow):
                if acc is not None:
                    acc.clear()
                ms, cpu, per, _tm = lo.link_timed(store, batch, cold, enc)
                print(f"{name:<11} {ms:7.1f} | " + " ".join(f"{p} {v:6.2f}" for p, v in per.items())
                      + f" | cpu {cpu:6.2f} cpu-encode {cpu - per['encode']:6.2f}", flush=True)
                if acc is not None and name == "new news":
                    for label in sorted(acc):
                        print(f"    {label:<36} {acc[label] * 1000 / len(batch):6.2f}")
            if dump:
                _dump(store, dump)
            if links:
                _links(store, [a.id for a in fresh + follow], links)
    finally:
        embed.encoder = real
        lo._drop_copy(url)


def _dump(store, path: str) -> None:
    """Each link table's row count and a digest of its rows in a fixed order."""
    from newsdesk.store.link_index import INDEX_TABLES
    from newsdesk.store.links import LINK_TABLES
    out = []
    for t in LINK_TABLES + INDEX_TABLES:
        rows = []
        for r in store.conn.execute(f"SELECT * FROM {t}").fetchall():
            vals = r.values() if isinstance(r, dict) else tuple(r)
            rows.append(tuple(bytes(v) if isinstance(v, (memoryview, bytearray)) else v
                              for v in vals))
        rows.sort(key=repr)
        out.append(f"{t} {len(rows)} {hashlib.sha256(repr(rows).encode()).hexdigest()}")
    Path(path).write_text("\n".join(out) + "\n")


def _links(store, ids: list[str], path: str) -> None:
    """Each linked article's story (a merged-away one's survivor) and incidents (each
    event's, a merged-away one's survivor), as JSON: ``diff`` compares two trees'."""
    import json
    p = "?" if store.__class__.__name__.startswith("SQLite") else "%s"

    def rows(sql, args):
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r)
                for r in store.conn.execute(sql.replace("?", p), args).fetchall()]

    smap = dict(rows("SELECT story_id, survivor FROM story_merges", ()))
    imap = dict(rows("SELECT incident_id, survivor FROM incident_merges", ()))

    def last(m, x):
        while x in m:
            x = m[x]
        return x
    out = {}
    for aid in ids:
        st = rows("SELECT story_id FROM article_links WHERE article_id = ?", (aid,))
        inc = rows("SELECT event_index, incident_id FROM incident_reports WHERE article_id = ?",
                   (aid,))
        out[aid] = [last(smap, st[0][0]) if st else None,
                    sorted([ev, last(imap, i)] for ev, i in inc)]
    Path(path).write_text(json.dumps(out, indent=0, sort_keys=True))


def diff(a: str, b: str) -> None:
    """How many articles of two ``--links`` files differ in story, in incidents."""
    import json
    A, B = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
    ids = sorted(set(A) | set(B))
    story = [i for i in ids if (A.get(i) or [None])[0] != (B.get(i) or [None])[0]]
    inc = [i for i in ids if (A.get(i) or [None, None])[1] != (B.get(i) or [None, None])[1]]
    print(f"{len(ids)} articles: story differs {len(story)}, incidents differ {len(inc)}")
    for i in sorted(set(story) | set(inc)):
        print(f"  {i}: {A.get(i)} | {B.get(i)}")


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=("build", "run", "diff"))
    ap.add_argument("files", nargs="*", help="diff: two --links files")
    ap.add_argument("--stored", type=int, default=100000)
    ap.add_argument("--db", help="a PostgreSQL URL (build: emptied and loaded; run: its template)")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/linking-ab"),
                    help="where the articles and the SQLite store are kept")
    ap.add_argument("--dump", help="run: write the link tables' digests here")
    ap.add_argument("--aeb", type=Path, default=Path("/work/shared/bench/aeb"))
    ap.add_argument("--parts", action="store_true", help="run: time the parts of new news")
    ap.add_argument("--links", help="run: write each linked article's story and incidents here")
    a = ap.parse_args()
    if a.cmd == "diff":
        diff(*a.files)
        return 0
    a.dir.mkdir(parents=True, exist_ok=True)
    if a.cmd == "build":
        build(a.dir, a.stored, a.db, a.aeb)
    else:
        run(a.dir, a.stored, a.db, a.dump, a.aeb, a.parts, a.links)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
