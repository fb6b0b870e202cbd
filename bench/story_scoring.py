"""Story scoring, plain (every candidate's features) against ``StoryIndex.choose`` (a bound
skips candidates that cannot reach the cut), on one synthetic index, same run.

    python bench/story_scoring.py [--stored 2500] [--articles 40]

Articles: a lead vector near one of 300 topic vectors, four names drawn by a Zipf law
from 20,000 (common names give many candidates, as at scale), a year and a key of their
own. Prints ms per article of each path, their ratio, and whether both chose the same
story and the same stories above the cut for every article."""
from __future__ import annotations

import argparse
import time

import numpy as np

from newsdesk.link.stories import StoryIndex

WHEN = "2026-01-01T00:00:00"


def _articles(rng, n: int, start: int, topics):
    names = [f"name {i}" for i in range(20000)]
    for i in range(start, start + n):
        v = topics[rng.integers(len(topics))] + rng.normal(size=topics.shape[1]) * 0.06
        keys = {names[min(int(rng.zipf(1.3)), len(names) - 1)] for _ in range(4)}
        yield v / np.linalg.norm(v), keys | {f"own {i}", str(rng.integers(1990, 2026))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stored", type=int, default=2500)
    ap.add_argument("--articles", type=int, default=40)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    topics = rng.normal(size=(300, 384))
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    idx = StoryIndex()
    for i, (v, keys) in enumerate(_articles(rng, a.stored, 0, topics)):
        idx.add(f"a{i}", v, keys, WHEN)
    new = list(_articles(rng, a.articles, a.stored, topics))
    cut = idx.model_or_default().threshold
    out, ms = {}, {}
    for name in ("plain", "choose"):
        t0, got = time.perf_counter(), []
        for v, keys in new:
            if name == "plain":
                ids, ps = idx.scored(v, keys, WHEN)
                passed = [s for s, q in zip(ids, ps) if q >= cut]
                got.append(((ids[int(np.argmax(ps))] if passed else None), passed))
            else:
                got.append(idx.choose(v, keys, cut, WHEN))
        ms[name] = (time.perf_counter() - t0) / len(new) * 1000
        out[name] = got
    cands = np.mean([len(idx.scored(v, k, WHEN)[0]) for v, k in new])
    print(f"{a.stored} stored ({len(idx.stories)} stories), {cands:.0f} candidates per article")
    print(f"  plain {ms['plain']:.1f} ms/article, choose {ms['choose']:.1f} ms/article, "
          f"ratio {ms['plain'] / ms['choose']:.2f}x; same decisions: {out['plain'] == out['choose']}")
    return 0 if out["plain"] == out["choose"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
