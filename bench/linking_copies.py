"""Copies' events joining their heads' incidents unscored, checked against the plain path.

    python bench/linking_copies.py [AEB] [--families N]

The generated wire copies of bench/linking_families.py (other chrome, an edited headline,
a paragraph dropped or added; every page extracted and enriched by the pipeline, in the
same shuffled arrival order) are linked twice: by the plain path, every event scored
(``Linker(copies_join=False)``), and as shipped, where a copy's event that is its head's
word for word (link.linker ``Linker._copied``) joins the head's incident unscored. Prints
how many copies' events took that way, how many of those the plain path put elsewhere
than their head's same event (where the two may differ: the plain path compares a copy's
event with its head's other events as if another outlet's), how many events (all pages)
end in another incident than the plain path's, and each path's linking time.
"""
from __future__ import annotations

import time
from pathlib import Path


def _same_events(x, head) -> list[tuple[int, int]]:
    """(copy's event position, head's event position) of the events that are the head's
    word for word (link.inputs.event_keys, as Linker._copied pairs them)."""
    from newsdesk.link.inputs import event_keys
    mine: dict = {}
    for i, k in enumerate(event_keys(head)):
        mine.setdefault(k, []).append(i)
    return [(j, mine[k].pop(0)) for j, k in enumerate(event_keys(x)) if mine.get(k)]


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
            heads = {lk.article_id: lk.duplicate_of for lk in links if lk.duplicate_of}
            pairs = [(a, j, h, hj) for a, h in heads.items()
                     for j, hj in _same_events(ln.articles[a], ln.articles[h])]
            out.update(articles=len(arts), copies=len(heads), events=len(got[join]),
                       copy_events=sum(len(ln.articles[a].events) for a in heads),
                       joined=len(pairs))
    plain = got[False]
    differ = [k for k, v in got[True].items() if plain.get(k) != v]
    # a joined event the plain path put elsewhere than its head's same event
    elsewhere = {(a, j) for a, j, h, hj in pairs if plain[(a, j)] != plain[(h, hj)]}
    out.update(differ=len(differ), elsewhere=len(elsewhere),
               differ_other=len(set(differ) - elsewhere))
    log(f"  {out['articles']} articles ({out['copies']} copies), {out['events']} events linked; "
        f"copies' events {out['copy_events']}, joined their head's unscored {out['joined']}")
    log(f"  joined events the plain path put elsewhere than their head's same event: "
        f"{out['elsewhere']}")
    log(f"  events in another incident than the plain path's: {out['differ']} "
        f"({out['differ_other']} of them not such a joined event)")
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
