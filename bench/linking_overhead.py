"""What linking adds to the pipeline's time per article, with articles already stored.

    python bench/linking.py --overhead ../shared/bench/aeb [--stored 1000] [--db URL]

The AEB originals go through the pipeline (extract + enrich, timed: the anchor). A store
(a fresh SQLite file, or the given database, which must be empty) then holds ``stored``
older articles, bulk-loaded with link inputs made from the second half of those
articles without the model (``_synthetic``: each its own text, a lead vector near its
model article's, part of its keys, its first events), linked in this process and written
as ingest would. Then, timed as ingest runs them (``store.links.link_new``):

- cold restore: what a process that has not linked this store yet pays once to restore
  the indexes from the kept inputs (printed apart: it does not grow with the batch);
- new news: the first half of the articles, linked against the stored ones;
- follow-ups: republished variants of that first half (another outlet, a line added), each
  joining a story just linked, so its events are scored against the stored ones: the
  story's first article has its event sentences embedded then, the copy reuses them.

Each is printed per article beside the pipeline's time per article, as a share of it,
with its phases: finding the new articles and the indexes (restore), linking (the lead
and event vectors among it), writing.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

SPACING_MIN = 5        # minutes between stored articles: 100,000 span about a year
MAX_EVENTS = 3         # events kept per synthetic stored article
STORED_TEXT = 1500     # characters of text kept in a synthetic stored article's row


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


def _load(store, models, arts, stored: int, log) -> None:
    """Bulk-load the synthetic stored articles and their links (no model)."""
    from newsdesk.link.linker import Linker
    from newsdesk.store import links as store_links
    rng = np.random.default_rng(14)
    t0 = time.perf_counter()
    linker, links, batch = Linker(), [], []
    for art, x in _synthetic(models, arts, stored, rng):
        batch.append(art)
        links.append(linker.apply(x))
        if len(batch) == 2000:
            list(store.add_many(batch))
            batch.clear()
    list(store.add_many(batch))
    t1 = time.perf_counter()
    conn = store.conn
    store_links._write_lock(store)
    store_links.write(conn, linker, links, store_links._param(store))
    conn.commit()
    # what a process that had linked them holds (link_new reuses it: see cold restore)
    store_links._LINKERS.clear()
    store_links._LINKERS[store_links._store_key(store)] = (store_links._kept_state(store), linker)
    log(f"  {stored} synthetic stored articles: stored and linked in {t1 - t0:.0f} s "
        f"({len(linker.stories.stories)} stories, {len(linker.incidents)} incidents), "
        f"link tables written in {time.perf_counter() - t1:.0f} s")


def measure(aeb: Path, n: int = 40, stored: int = 1000, db: str | None = None,
            log=print) -> dict[str, float]:
    import linking_families
    from newsdesk.link.embed import encoder
    from newsdesk.link.inputs import embed_events, prepare
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline
    from newsdesk.store import links as store_links
    from newsdesk.store import open_store
    from newsdesk.store.links import link_new

    pages = [RawPage(content=data, format="html", source=pid) for pid, fam, data
             in linking_families.pages(aeb) if pid == fam][:n]
    pipe = Pipeline()
    pipe.warm_up()
    encoder()
    t0 = time.perf_counter()
    arts = [a for a in pipe.process(pages) if hasattr(a, "text")]
    pipe_ms = (time.perf_counter() - t0) / max(len(arts), 1) * 1000
    h = len(arts) // 2
    base = arts[h:]
    # the news arrives after the stored articles, a few minutes apart
    end = datetime(2023, 1, 1) + timedelta(minutes=SPACING_MIN * stored)
    fresh = [dataclasses.replace(a, published=(end + timedelta(minutes=SPACING_MIN * i)).isoformat())
             for i, a in enumerate(arts[:h])]
    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="newsdesk-link-")
        db = os.path.join(tmp, "overhead.db")
    out = {"pipeline_ms": pipe_ms}
    with open_store(db) as store:
        models = prepare(base)
        for x in models:
            embed_events(x, encoder())
        _load(store, models, base, stored, log)
        for name, batch in (("new news", fresh[:-1]),
                            ("follow-ups", [_variant(a, 10**6 + k, end + timedelta(hours=6, minutes=k))
                                            for k, a in enumerate(fresh[:-1])])):
            list(store.add_many(batch))
            tm = {}
            t0 = time.perf_counter()
            link_new(store, timings=tm)
            ms = (time.perf_counter() - t0) / len(batch) * 1000
            key = name.replace(" ", "_").replace("-", "_")
            out[f"{key}_ms"] = ms
            out[f"{key}_ratio"] = ms / pipe_ms
            log(f"  {name:<11} {len(batch)} articles: linking {ms:.0f} ms/article = "
                f"{ms / pipe_ms:.1%} of the pipeline's {pipe_ms:.0f} ms/article (find new + "
                f"indexes {tm['restore'] * 1000 / len(batch):.0f} ms/article"
                f"{' (kept from the last run)' if tm['cached'] else ''}, link "
                f"{tm['link'] * 1000 / len(batch):.0f} ms/article, write "
                f"{tm['write'] * 1000 / len(batch):.0f} ms/article; event vectors computed for "
                f"{tm['embedded']} articles)")
        # cold restore: one more article, with this process's indexes dropped first
        store_links._LINKERS.clear()
        list(store.add_many([fresh[-1]]))
        tm: dict = {}
        link_new(store, timings=tm)
        out["cold_restore_s"] = tm["restore"]
        log(f"  cold restore (once per process): {tm['restore']:.1f} s for {stored} stored articles "
            f"= {tm['restore'] * 1000 / pipe_ms:.0f} pipeline articles' time")
    return out
