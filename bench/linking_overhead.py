"""What linking adds to the pipeline's time per article, with articles already stored.

    python bench/linking.py --overhead ../shared/bench/aeb [--stored 1000] [--db URL]

The AEB originals go through the pipeline (extract + enrich, timed: the anchor). A store
(a fresh SQLite file, or the given database) then holds ``stored`` older articles: dated
variants of the second half of those articles (each with an editor's line of its own, so
families, stories and incidents grow as in a wire-heavy feed), linked beforehand. Then,
timed as ingest runs them (``store.links.link_new``: restoring the indexes from the kept
inputs, linking, writing):

- new news: the first half of the articles, linked against the stored ones;
- follow-ups: republished variants of that first half (another outlet, a line added), each
  joining a story just linked, so its events are scored against the stored ones: the
  story's first article has its event sentences embedded then, the copy reuses them.

Each is printed per article beside the pipeline's time per article, as a share of it.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path


def _variant(a, k: int, hours: float):
    """The article republished later by another outlet with a line of its own (the spans
    stay valid: the line goes after the text)."""
    when = datetime(2024, 1, 1) + timedelta(hours=hours)
    return dataclasses.replace(
        a, id=f"{a.id[:24]}-v{k}", outlet=f"Outlet {k % 37}", published=when.isoformat(),
        text=a.text + f"\n\nFiled by desk {k} at {when:%H:%M} on {when:%d %B}.")


def measure(aeb: Path, n: int = 40, stored: int = 1000, db: str | None = None,
            log=print) -> dict[str, float]:
    import linking_families
    from newsdesk.link.embed import encoder
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline
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
    fresh, base = arts[:h], arts[h:]
    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="newsdesk-link-")
        db = os.path.join(tmp, "overhead.db")
    out = {"pipeline_ms": pipe_ms}
    with open_store(db) as store:
        t0 = time.perf_counter()
        older = [_variant(base[k % len(base)], k, hours=k * 2.0) for k in range(stored)]
        for i in range(0, len(older), 200):
            list(store.add_many(older[i:i + 200]))
            link_new(store)
        log(f"  {stored} stored articles linked beforehand ({time.perf_counter() - t0:.0f} s)")
        for name, batch in (("new news", fresh),
                            ("follow-ups", [_variant(a, 10**6 + k, hours=stored * 2.0 + k)
                                            for k, a in enumerate(fresh)])):
            list(store.add_many(batch))
            tm = {}
            t0 = time.perf_counter()
            link_new(store, timings=tm)
            ms = (time.perf_counter() - t0) / len(batch) * 1000
            key = name.replace(" ", "_").replace("-", "_")
            out[f"{key}_ms"] = ms
            out[f"{key}_ratio"] = ms / pipe_ms
            log(f"  {name:<11} {len(batch)} articles: linking {ms:.0f} ms/article = "
                f"{ms / pipe_ms:.1%} of the pipeline's {pipe_ms:.0f} ms/article "
                f"(restore {tm['restore']:.1f} s per run, link {tm['link'] * 1000 / len(batch):.0f}"
                f" ms/article, write {tm['write'] * 1000 / len(batch):.0f} ms/article; "
                f"event vectors computed for {tm['embedded']} articles)")
    return out
