"""The sentence encoder's time per article, numpy against onnxruntime, in one run.

    python bench/encoder_speed.py [AEB] [--n 40] [--rounds 3] [--backends ort static ...]

The AEB originals go through the pipeline (extract + enrich, timed: the anchor); each
article's link inputs then get, per encoder backend (embed.BACKENDS, plus "ort-contrib" and
"ort-hybrid": the graph spelt with onnxruntime's own BERT kernels), what linking asks of it: the lead vector (``encode``, LEAD_TOKENS
word pieces) and the event vectors (``encode_words`` over the event sentences and trigger
spans). The backends take turns, ``rounds`` times (the machine is shared: the best round
counts). Printed per backend: ms per article (lead, events), the speed-up over numpy, and
the largest difference of any vector component from numpy's (lead, sentence, span; "nan"
for a static table's vectors, of another width).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def _encoders(only: list[str] | None = None):
    from newsdesk.link import onnx_bert
    from newsdesk.link.embed import BACKENDS, Encoder
    base = Encoder(backend="numpy")
    out = {"numpy": base}
    for b in BACKENDS:
        if b != "numpy" and (not only or b in only):
            out[b] = Encoder(backend=b)
    if only:
        return out
    for ops in onnx_bert.OPS_ALL:
        if ops != onnx_bert.OPS:
            other = Encoder(backend="numpy")
            other._ort = onnx_bert.OrtForward(other, ops)
            out[f"ort-{ops}"] = other
    return out


def _vectors(enc, xs):
    from newsdesk.link.inputs import LEAD_TOKENS
    leads, sents, spans, t_lead, t_ev = [], [], [], 0.0, 0.0
    for x in xs:
        t0 = time.perf_counter()
        leads.append(enc.encode([x.lead], max_tokens=LEAD_TOKENS)[0])
        t1 = time.perf_counter()
        if x.sentences:
            sv, tv = enc.encode_words(x.sentences, x.spans)
            sents.append(sv)
            spans.extend(tv)
        t_ev += time.perf_counter() - t1
        t_lead += t1 - t0
    return (np.vstack(leads), np.vstack(sents), np.vstack(spans)), t_lead, t_ev


def measure(aeb: Path, n: int = 40, rounds: int = 3, log=print,
            only: list[str] | None = None) -> dict:
    import linking_families
    from newsdesk.link.inputs import prepare
    from newsdesk.model import RawPage
    from newsdesk.pipeline import Pipeline

    pages = [RawPage(content=data, format="html", source=pid) for pid, fam, data
             in linking_families.pages(aeb) if pid == fam][:n]
    pipe = Pipeline()
    pipe.warm_up()
    t0 = time.perf_counter()
    arts = [a for a in pipe.process(pages) if hasattr(a, "text")]
    pipe_ms = (time.perf_counter() - t0) / max(len(arts), 1) * 1000
    xs = prepare(arts, leads=False)
    encs = _encoders(only)
    best: dict[str, list[float]] = {b: [np.inf, np.inf] for b in encs}
    vecs = {}
    for _ in range(rounds):
        for b, enc in encs.items():
            vecs[b], t_lead, t_ev = _vectors(enc, xs)
            best[b] = [min(best[b][0], t_lead), min(best[b][1], t_ev)]
    k = len(xs)
    spans = sum(len(s) for x in xs for s in x.spans)
    log(f"{k} articles ({sum(len(x.sentences) for x in xs)} event sentences, {spans} trigger "
        f"spans); pipeline {pipe_ms:.0f} ms/article; best of {rounds} rounds")
    log(f"  {'backend':<11} {'lead':>6} {'events':>7} {'total':>7} {'speed-up':>8} {'of pipeline':>11}"
        f" | max |diff| from numpy: lead, sentence, span")
    out = {"pipeline_ms": pipe_ms}
    base = sum(best["numpy"]) * 1000 / k
    for b in encs:
        lead, ev = (t * 1000 / k for t in best[b])
        # a static table's vectors have their own width: no difference to print
        diffs = [float(np.abs(v - w).max()) if v.shape == w.shape else float("nan")
                 for v, w in zip(vecs[b], vecs["numpy"])]
        out[b] = {"lead_ms": lead, "events_ms": ev, "speedup": base / (lead + ev), "max_diff": diffs}
        log(f"  {b:<11} {lead:>6.1f} {ev:>7.1f} {lead + ev:>7.1f} {base / (lead + ev):>7.1f}x "
            f"{(lead + ev) / pipe_ms:>10.1%} | " + ", ".join(f"{d:.1e}" for d in diffs))
    return out


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("aeb", type=Path, nargs="?", default=Path("/work/shared/bench/aeb"))
    ap.add_argument("--n", type=int, default=40, help="AEB originals (as linking_overhead.py)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backends", nargs="*", help="only these (beside numpy, the base)")
    args = ap.parse_args()
    measure(args.aeb, args.n, args.rounds, only=args.backends)
    return 0


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
