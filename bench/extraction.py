"""Article Extraction Benchmark (AEB): newsdesk's HTML extraction against trafilatura & co.

Metric as in shared/bench/README.md: texts become multisets of 4-token shingles of
``\\w+`` tokens; per page tp/fp/fn are normalised to sum 1; precision and recall are
averaged over pages and F1 is taken from the two averages; accuracy is the share of pages
whose token sequence equals the gold exactly.

    python bench/extraction.py            # prints the table, then F1 on even/odd-index halves
    run(shared_path) -> dict               # figures for a quality gate
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_TOKEN = re.compile(r"\w+")


# Published figure to beat (shared/bench/README.md): trafilatura 2.0.0 on AEB.
ANCHOR = {"f1": 0.958, "precision": 0.938, "recall": 0.978, "accuracy": 0.293}


def shared_path() -> Path:
    return Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> Counter:
    # A text shorter than n tokens is one shingle of all its tokens, so it still counts.
    if 0 < len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def page_score(pred: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, exact) for one page."""
    pt, gt = tokens(pred), tokens(gold)
    ps, gs = shingles(pt), shingles(gt)
    tp = sum((ps & gs).values())
    fp = sum((ps - gs).values())
    fn = sum((gs - ps).values())
    total = tp + fp + fn
    if total == 0:             # both empty: a perfect (if vacuous) page
        return 1.0, 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, float(pt == gt)


def load(shared: Path) -> list[tuple[str, str, bytes, str]]:
    """[(id, url, html bytes, gold body)] from shared/bench/aeb."""
    aeb = shared / "bench" / "aeb"
    gold = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid, rec in sorted(gold.items()):
        path = aeb / "html" / f"{pid}.html.gz"
        if not path.exists():
            path = aeb / "html" / f"{pid}.html"
            if not path.exists():
                continue
            data = path.read_bytes()
        else:
            data = gzip.decompress(path.read_bytes())
        pages.append((pid, rec.get("url"), data, rec.get("articleBody") or ""))
    return pages


def score_all(systems: dict[str, Callable[[bytes, str | None], str]], pages) -> dict[str, dict]:
    """Score every system; pages are interleaved across systems so that load on the
    machine affects all of them alike and the speed ratio stays meaningful."""
    acc = {name: {"p": [], "r": [], "a": [], "t": 0.0, "failures": 0} for name in systems}
    for _pid, url, data, gold in pages:
        for name, fn in systems.items():
            t0 = time.perf_counter()
            try:
                pred = fn(data, url) or ""
            except Exception:   # a crash counts as an empty prediction, as for any extractor
                pred = ""
                acc[name]["failures"] += 1
            acc[name]["t"] += time.perf_counter() - t0
            p, r, a = page_score(pred, gold)
            acc[name]["p"].append(p)
            acc[name]["r"].append(r)
            acc[name]["a"].append(a)
    rows = {}
    for name, s in acc.items():
        rows[name] = {"name": name, **_figures(s["p"], s["r"], s["a"]),
                      "pages_per_s": len(pages) / s["t"] if s["t"] else 0.0, "failures": s["failures"]}
        # Figures on the two halves of the pages (even and odd index in id order): tune on
        # one half, check on the other.
        for half, parity in (("even", 0), ("odd", 1)):
            rows[name][half] = _figures(s["p"][parity::2], s["r"][parity::2], s["a"][parity::2])
    return rows


def _figures(p: list[float], r: list[float], a: list[float]) -> dict[str, float]:
    P, R = sum(p) / len(p), sum(r) / len(r)
    return {"f1": 2 * P * R / (P + R) if P + R else 0.0, "precision": P, "recall": R, "accuracy": sum(a) / len(a)}


def _newsdesk(data: bytes, url: str | None) -> str:
    from newsdesk.extract import extract
    from newsdesk.model import RawPage
    return extract(RawPage(content=data, format="html", url=url)).text


def _trafilatura(data: bytes, url: str | None) -> str:
    import trafilatura
    return trafilatura.extract(data, url=url) or ""


def _readability(data: bytes, url: str | None) -> str:
    import lxml.html
    from readability import Document
    summary = Document(data, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _justext(data: bytes, url: str | None) -> str:
    import justext
    paras = justext.justext(data, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
           "header", "footer", "nav", "aside", "blockquote", "pre", "figcaption", "dd", "dt", "td", "ul", "ol"}


_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)


def _decode_like_a_browser(data: bytes) -> str:
    import codecs
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, "replace")
    m = _CHARSET.search(data[:4096])
    candidates = [m.group(1).decode("ascii", "ignore")] if m else []
    for enc in candidates + ["utf-8"]:
        try:
            return _strip_xml_decl(data.decode(enc))
        except (LookupError, UnicodeDecodeError):
            continue
    return _strip_xml_decl(data.decode("cp1252", "replace"))


def _strip_xml_decl(text: str) -> str:
    # lxml refuses str input that carries an XML encoding declaration.
    return re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1)


def flatten(data: bytes) -> str:
    """What a simple scraper leaves of a page: its visible text, one line per block element."""
    import lxml.etree
    import lxml.html
    # A scraper decodes the page as a browser would (requests/BeautifulSoup guess the same way):
    # byte-order mark, then the charset the page declares, then UTF-8, then Windows-1252.
    # Handing lxml the raw bytes instead makes it read undeclared UTF-8 as Latin-1 (mojibake).
    tree = lxml.html.fromstring(_decode_like_a_browser(data))
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg|//head"):
        bad.drop_tree()
    parts: list[str] = []
    # Walk the tree by hand: lxml's iterwalk skips comments and processing instructions,
    # and with them the text that follows them ('suffered<!-- --> months of ...'), which
    # every scraper (BeautifulSoup's get_text, lxml's text_content) keeps.
    stack: list[tuple[object, bool]] = [(tree, False)]
    while stack:
        el, done = stack.pop()
        element = isinstance(el.tag, str)
        block = element and el.tag.lower() in _BLOCKS
        if done:
            parts.append("\n" if block else "")
            if el.tail:
                parts.append(el.tail)
            continue
        parts.append("\n" if block else "")
        if element and el.text:
            parts.append(el.text)
        stack.append((el, True))
        if element:
            stack.extend((child, False) for child in reversed(el))
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _newsdesk_text(data: bytes, url: str | None) -> str:
    """newsdesk's scraped-text cleaning, fed the flattened page (the seed's situation)."""
    from newsdesk.extract import extract
    from newsdesk.model import RawPage
    return extract(RawPage(content=flatten(data), format="text", url=url)).text


SYSTEMS: list[tuple[str, Callable]] = [
    ("newsdesk", _newsdesk), ("trafilatura", _trafilatura),
    ("readability-lxml", _readability), ("jusText", _justext),
    ("newsdesk-text", _newsdesk_text),
]


def run(shared: Path) -> dict[str, float]:
    """Figures for the quality gate: newsdesk on AEB under aeb_* keys (empty dict if AEB absent)."""
    return measure(shared)[0]


def measure(shared: Path, systems: list[str] | None = None,
            verbose: bool = False) -> tuple[dict[str, float], dict[str, dict]]:
    """(aeb_* metrics, per-system rows) for the chosen systems."""
    if not (shared / "bench" / "aeb" / "ground-truth.json").exists():
        return {}, {}
    pages = load(shared)
    wanted = systems or ["newsdesk", "trafilatura", "newsdesk-text"]
    chosen = {}
    for name, fn in SYSTEMS:
        if name not in wanted:
            continue
        try:
            fn(pages[0][2], pages[0][1])    # import and warm up outside the timing
        except ImportError as exc:
            if verbose:
                print(f"  {name}: skipped ({exc})")
            continue
        except Exception:
            pass
        chosen[name] = fn
    rows = score_all(chosen, pages)
    nd = rows["newsdesk"]
    out = {"aeb_pages": float(len(pages)), "aeb_f1": nd["f1"], "aeb_precision": nd["precision"],
           "aeb_recall": nd["recall"], "aeb_accuracy": nd["accuracy"]}
    # The odd-index pages (folds 1 and 3 of bench/_shared.py) are held out: never studied.
    out.update({"aeb_heldout_f1": nd["odd"]["f1"], "aeb_heldout_accuracy": nd["odd"]["accuracy"]})
    if "newsdesk-text" in rows:
        out["aeb_heldout_text_f1"] = rows["newsdesk-text"]["odd"]["f1"]
    # Absolute speed depends on the machine: only the ratio to trafilatura goes to the gate.
    if "newsdesk-text" in rows:
        tx = rows["newsdesk-text"]
        out.update({"aeb_text_f1": tx["f1"], "aeb_text_precision": tx["precision"], "aeb_text_recall": tx["recall"]})
    if "trafilatura" in rows:
        tr = rows["trafilatura"]
        out.update({"aeb_trafilatura_f1": tr["f1"], "aeb_f1_ratio": nd["f1"] / tr["f1"] if tr["f1"] else 0.0,
                    "aeb_pages_per_s_ratio": nd["pages_per_s"] / tr["pages_per_s"] if tr["pages_per_s"] else 0.0})
    return out, rows


def main() -> int:
    shared = shared_path()
    if not (shared / "bench" / "aeb" / "ground-truth.json").exists():
        print(f"AEB data not found under {shared}/bench/aeb (set NEWSDESK_SHARED); nothing to measure.")
        return 0
    res, rows = measure(shared, systems=[n for n, _ in SYSTEMS], verbose=True)
    print(f"AEB: {int(res['aeb_pages'])} pages (4-token shingles; P, R averaged over pages)\n")
    print(f"{'system':<18}{'F1':>7}{'P':>7}{'R':>7}{'acc':>7}{'pages/s':>9}{'errors':>8}")
    for r in rows.values():
        print(f"{r['name']:<18}{r['f1']:>7.3f}{r['precision']:>7.3f}{r['recall']:>7.3f}"
              f"{r['accuracy']:>7.3f}{r['pages_per_s']:>9.1f}{r['failures']:>8}")
    a = ANCHOR
    print(f"{'anchor (published)':<18}{a['f1']:>7.3f}{a['precision']:>7.3f}{a['recall']:>7.3f}"
          f"{a['accuracy']:>7.3f}{'':>9}{'':>8}   trafilatura 2.0.0, to beat")
    print("\nnewsdesk-text: the same pages flattened to one line per block (as a scraper leaves them)"
          " and cleaned by newsdesk's scraped-text heuristics (format 'text').")
    print("\nhalves (pages in id order; even index / odd index):")
    for r in rows.values():
        e, o = r["even"], r["odd"]
        print(f"  {r['name']:<18} even F1 {e['f1']:.3f} (P {e['precision']:.3f} R {e['recall']:.3f})"
              f"   odd F1 {o['f1']:.3f} (P {o['precision']:.3f} R {o['recall']:.3f})")
    if "aeb_f1_ratio" in res:
        print(f"\nnewsdesk/trafilatura: F1 ratio {res['aeb_f1_ratio']:.3f}, "
              f"speed ratio {res['aeb_pages_per_s_ratio']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
