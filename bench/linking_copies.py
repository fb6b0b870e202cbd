"""Copies' events joining their heads' incidents unscored, checked against the plain path.

    python bench/linking_copies.py [AEB] [--families N]

The generated wire copies of bench/linking_families.py (other chrome, an edited headline,
a paragraph dropped or added; every page extracted and enriched by the pipeline, in the
same shuffled arrival order) are linked twice: by the plain path, every event scored
(``Linker(copies_join=False)``), and as shipped, where a copy's event that is its head's
word for word (link.linker ``Linker._copied``) joins the head's incident unscored. Prints
how many copies' events took that way and how many events (all pages) end in another
incident than the plain path's (the claim: none), with each path's linking time.
"""
from __future__ import annotations

import time
from pathlib import Path


def measure(aeb: Path, families: int | None = None, log=print) -> dict[str, float]:
    import linking_families
    from newsdesk.link.embed import encoder
    from newsdesk.link.linker import Linker
    from newsdesk.model import Article, RawPage
    from newsdesk.pipeline import Pipeline

    items = linking_families.pages(aeb)
    if families:
        keep = sorted({fam for _pid, fam, _d in items})[:families]
        items = [it for it in items if it[1] in set(keep)]
    pages = [RawPage(content=data, format="html", source=pid) for pid, _fam, data in items]
    arts, seen = [], set()
    for a in Pipeline().process(pages):
        if isinstance(a, Article) and a.id not in seen:   # an id is stored once
            seen.add(a.id)
            arts.append(a)
    enc = encoder()
    out: dict[str, float] = {}
    got = {}
    for name, join in (("plain", False), ("copies join", True)):
        ln = Linker(enc, copies_join=join)
        t0 = time.perf_counter()
        links = ln.add_many(arts)
        out[f"{name}_s"] = time.perf_counter() - t0
        got[join] = {(lk.article_id, j): iid for lk in links for j, iid in enumerate(lk.incidents)}
        if join:
            dup = {lk.article_id for lk in links if lk.duplicate_of}
            heads = {lk.article_id: lk.duplicate_of for lk in links}
            joined = sum(len(ln._copied(ln.articles[a], heads[a])) for a in dup)
            out.update(articles=len(arts), copies=len(dup),
                       copy_events=sum(len(ln.articles[a].events) for a in dup),
                       joined=joined, events=len(got[join]))
    out["differ"] = sum(1 for k, v in got[True].items() if got[False].get(k) != v)
    log(f"  {out['articles']} articles ({out['copies']} copies), {out['events']} events linked; "
        f"copies' events {out['copy_events']}, joined their head's unscored {out['joined']}")
    log(f"  events in another incident than the plain path's: {out['differ']}")
    log(f"  linking: plain {out['plain_s']:.1f} s, copies join {out['copies join_s']:.1f} s "
        f"({out['copies join_s'] / out['plain_s']:.2f}x)")
    return out


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("aeb", type=Path, nargs="?", default=Path("/work/shared/bench/aeb"))
    ap.add_argument("--families", type=int, help="only the first N originals and their copies")
    args = ap.parse_args()
    print("Copies joining their heads' incidents (AEB generated copies)")
    measure(args.aeb, args.families)
    return 0


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
