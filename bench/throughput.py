"""Throughput: the full newsdesk pipeline beside bare spaCy, on the same texts in the same run.

Two corpora, read in place from shared/:

  * GeoWebNews (``bench/geowebnews/GWN.xml``): the first N article texts (default 120) as
    clean text; newsdesk runs ``Pipeline`` (clean extraction + every enrichment step);
  * AEB (``bench/aeb/html``): the HTML pages; newsdesk runs ``Pipeline`` with HTML extraction
    included, bare spaCy parses the texts newsdesk extracts (extraction done beforehand,
    outside its clock).

Bare spaCy is the model newsdesk loads (``newsdesk.enrich.nlp.MODEL``) with its own
components only, run through ``nlp.pipe`` with the same batch size. The corpora are cut into
batches and each batch is timed for both systems back to back (order alternating), so that
load on the machine weighs on both alike; the ratio is newsdesk's articles/s over spaCy's
(= spaCy's seconds over newsdesk's) on the same articles.

A second pass times each pipeline component on its own (``proc.pipe`` over the whole corpus
in batches) and prints seconds per 1,000 words (words: tokens that are neither punctuation
nor space), plus HTML extraction for AEB. ``--memory`` also runs each system in a child
process and prints its peak resident memory (what one worker needs).

    python bench/throughput.py                    # both corpora, table and ratios
    python bench/throughput.py --limit 40 --memory
    run(shared) -> {"throughput_gwn_ratio": ..., "throughput_aeb_ratio": ...}  # for the gate
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
from _shared import shared_dir  # noqa: E402  bench/_shared.py

BATCH = 16
GWN_LIMIT = 120


def geowebnews_texts(shared: Path) -> list[str]:
    root = ET.parse(shared / "bench" / "geowebnews" / "GWN.xml").getroot()
    return [art.findtext("text") or "" for art in root.findall("article")]


def aeb_pages(shared: Path) -> list[tuple[str, str | None, bytes]]:
    """[(id, url, html bytes)] in id order."""
    aeb = shared / "bench" / "aeb"
    gold = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid, rec in sorted(gold.items()):
        gz, plain = aeb / "html" / f"{pid}.html.gz", aeb / "html" / f"{pid}.html"
        if gz.exists():
            pages.append((pid, rec.get("url"), gzip.decompress(gz.read_bytes())))
        elif plain.exists():
            pages.append((pid, rec.get("url"), plain.read_bytes()))
    return pages


def _pages(corpus: str, shared: Path, limit: int | None):
    """RawPages of a corpus (clean GeoWebNews texts or AEB HTML)."""
    from newsdesk.model import RawPage
    if corpus == "gwn":
        texts = geowebnews_texts(shared)[:limit or GWN_LIMIT]
        return [RawPage(content=t, source=f"gwn-{i}", format="clean") for i, t in enumerate(texts)]
    return [RawPage(content=data, source=pid, format="html", url=url)
            for pid, url, data in aeb_pages(shared)[:limit]]


def _bare_spacy():
    import spacy
    from newsdesk.enrich.nlp import MODEL
    return spacy.load(MODEL)


def compare(pages, bare, pipe) -> dict:
    """Time newsdesk and bare spaCy batch by batch on the same pages; spaCy gets the texts
    newsdesk's extraction gives (so HTML extraction counts for newsdesk only)."""
    from newsdesk.model import Article
    texts = []
    for page in pages:
        art = pipe.extract(page)
        texts.append(art.text if isinstance(art, Article) else None)
    # warm both up (lazy imports, first-call caches) outside the clocks
    list(bare.pipe(t for t in texts[:2] if t))
    list(pipe.process(pages[:2]))
    t_nd = t_sp = 0.0
    n_articles = n_words = 0
    for b, i in enumerate(range(0, len(pages), BATCH)):
        chunk, chunk_texts = pages[i:i + BATCH], [t for t in texts[i:i + BATCH] if t]
        for system in (("nd", "sp") if b % 2 == 0 else ("sp", "nd")):
            t0 = time.perf_counter()
            if system == "nd":
                out = list(pipe.process(chunk))
                t_nd += time.perf_counter() - t0
                n_articles += sum(isinstance(x, Article) for x in out)
            else:
                docs = list(bare.pipe(chunk_texts, batch_size=BATCH))
                t_sp += time.perf_counter() - t0
                n_words += sum(not (t.is_punct or t.is_space) for d in docs for t in d)
    return {"pages": len(pages), "articles": n_articles, "words": n_words,
            "newsdesk_s": t_nd, "spacy_s": t_sp,
            "newsdesk_aps": n_articles / t_nd if t_nd else 0.0,
            "spacy_aps": n_articles / t_sp if t_sp else 0.0,
            "ratio": t_sp / t_nd if t_nd else 0.0}


def per_component(pages, pipe) -> tuple[dict[str, float], int]:
    """Seconds per component (and for extraction) over the pages, and the word count."""
    from newsdesk.model import Article
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    arts = [a for a in (pipe.extract(p) for p in pages) if isinstance(a, Article)]
    times["extract"] = time.perf_counter() - t0
    nlp = pipe.enricher.nlp
    docs = []
    for art in arts:
        doc = nlp.make_doc(art.text)
        doc._.published = art.published
        doc._.outlet = art.outlet
        docs.append(doc)
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=BATCH))
        else:
            docs = [proc(d) for d in docs]
        times[name] = time.perf_counter() - t0
    words = sum(not (t.is_punct or t.is_space) for d in docs for t in d)
    return times, words


def peak_memory_mb(corpus: str, system: str, limit: int | None) -> float:
    """Peak RSS (MB) of a child process that runs one system over the corpus."""
    cmd = [sys.executable, __file__, "--_worker", f"{corpus}:{system}"]
    if limit:
        cmd += ["--limit", str(limit)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def _worker(spec: str, limit: int | None) -> None:
    corpus, system = spec.split(":")
    from newsdesk.model import Article
    from newsdesk.pipeline import Pipeline
    pipe = Pipeline(batch_size=BATCH)
    pages = _pages(corpus, shared_dir(), limit)
    if system == "newsdesk":
        for _ in pipe.process(pages):
            pass
    else:
        texts = [a.text for a in map(pipe.extract, pages) if isinstance(a, Article)]
        for _ in _bare_spacy().pipe(texts, batch_size=BATCH):
            pass
    print(_peak_rss_mb())


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own address space;
    ru_maxrss would also count the parent's when the child was started by vfork + exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(shared: Path, limit: int | None = None, components: bool = False) -> dict[str, float]:
    """Throughput ratios (newsdesk articles/s over bare spaCy's) on GeoWebNews and AEB."""
    from newsdesk.pipeline import Pipeline
    bare = _bare_spacy()
    pipe = Pipeline(batch_size=BATCH)
    pipe.warm_up()
    out: dict[str, float] = {}
    for corpus in ("gwn", "aeb"):
        pages = _pages(corpus, shared, limit)
        r = compare(pages, bare, pipe)
        for k, v in r.items():
            out[f"throughput_{corpus}_{k}"] = float(v)
        if components:
            times, words = per_component(pages, pipe)
            for k, v in times.items():
                out[f"throughput_{corpus}_component_{k}"] = v
            out[f"throughput_{corpus}_component_words"] = float(words)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="newsdesk beside bare spaCy: articles/s and time per component")
    ap.add_argument("--limit", type=int, help=f"pages per corpus (default: {GWN_LIMIT} GeoWebNews, all AEB)")
    ap.add_argument("--memory", action="store_true", help="also peak memory of each system in a child process")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None or not (shared / "bench" / "geowebnews" / "GWN.xml").exists() \
            or not (shared / "bench" / "aeb").is_dir():
        print("shared/bench/geowebnews or aeb absent: throughput benchmark skipped")
        return 0
    if args._worker:
        _worker(args._worker, args.limit)
        return 0
    m = run(shared, args.limit, components=True)
    names = {"gwn": "GeoWebNews (clean text)", "aeb": "AEB (HTML, extraction included)"}
    print(f"articles/s, one process, nlp.pipe batch {BATCH}, batches interleaved")
    print(f"{'corpus':<34}{'articles':>9}{'words':>8}{'newsdesk':>10}{'spaCy':>8}{'ratio':>7}")
    for c in ("gwn", "aeb"):
        g = lambda k: m[f"throughput_{c}_{k}"]  # noqa: E731
        print(f"{names[c]:<34}{int(g('articles')):>9}{int(g('words')):>8}"
              f"{g('newsdesk_aps'):>10.2f}{g('spacy_aps'):>8.2f}{g('ratio'):>7.2f}")
    print("\nseconds per 1,000 words, each component timed alone")
    comps = [k.split("_component_", 1)[1] for k in m if k.startswith("throughput_gwn_component_")
             and not k.endswith("_words")]
    print(f"{'component':<22}{'GeoWebNews':>11}{'AEB':>8}")
    totals = {"gwn": 0.0, "aeb": 0.0}
    for comp in comps:
        row = f"{comp:<22}"
        for c in ("gwn", "aeb"):
            secs = m[f"throughput_{c}_component_{comp}"]
            totals[c] += secs
            row += f"{1000 * secs / m[f'throughput_{c}_component_words']:>{11 if c == 'gwn' else 8}.3f}"
        print(row)
    print(f"{'total':<22}" + f"{1000 * totals['gwn'] / m['throughput_gwn_component_words']:>11.3f}"
          + f"{1000 * totals['aeb'] / m['throughput_aeb_component_words']:>8.3f}")
    if args.memory:
        print("\npeak resident memory of one worker process (MB)")
        print(f"{'corpus':<34}{'newsdesk':>10}{'spaCy':>8}")
        for c in ("gwn", "aeb"):
            nd, sp = (peak_memory_mb(c, s, args.limit) for s in ("newsdesk", "spacy"))
            m[f"throughput_{c}_peak_mb_newsdesk"], m[f"throughput_{c}_peak_mb_spacy"] = nd, sp
            print(f"{names[c]:<34}{nd:>10.0f}{sp:>8.0f}")
    print(f"\nratio GeoWebNews {m['throughput_gwn_ratio']:.2f} (target >= 0.80), "
          f"AEB with extraction {m['throughput_aeb_ratio']:.2f} (target >= 0.60)")
    if args.json:
        print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    if "--_worker" in sys.argv:
        ap_args = sys.argv[1:]
        lim = int(ap_args[ap_args.index("--limit") + 1]) if "--limit" in ap_args else None
        _worker(ap_args[ap_args.index("--_worker") + 1], lim)
        sys.exit(0)
    sys.exit(main())
