"""Duplicate families on generated wire copies of the AEB pages.

Each AEB page is the original; from its gold article body we write republished copies as
other outlets would (other site chrome, an edited headline, a paragraph dropped, an
editor's paragraph added), extract every page with newsdesk, and group the texts into
families in a shuffled arrival order. Scored by pairwise F1 against the page each copy came
from, beside exact-hash deduplication of the same extracted texts.
"""
from __future__ import annotations

import gzip
import html
import json
import random
from pathlib import Path

CHROMES = [
    ("<header><nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/business'>Business</a>"
     "</nav></header>", "<footer><p>Copyright Northgate Media. All rights reserved.</p>"
     "<ul><li><a href='/privacy'>Privacy</a></li><li><a href='/terms'>Terms</a></li></ul></footer>"),
    ("<div class='topbar'>Subscribe for 1 euro a week</div><nav><ul><li>News</li><li>Sport</li>"
     "<li>Culture</li></ul></nav>", "<aside><h3>Most read</h3><ul><li><a href='/a'>Council votes on"
     " budget</a></li><li><a href='/b'>Storm closes harbour</a></li></ul></aside>"
     "<footer>Riverside Courier, 12 Mill Lane</footer>"),
    ("<header class='site'><h2 class='brand'>The Evening Ledger</h2></header>",
     "<section class='related'><h4>Related</h4><p><a href='/x'>More from this section</a></p>"
     "</section><footer><small>Ledger Group 2024</small></footer>"),
]
ADDED = [
    "This story was first published by a partner agency and is republished with permission.",
    "Editor's note: this article has been updated with additional reporting from our desk.",
    "Readers can send tips to our newsroom through the contact page.",
]
HEADLINE_EDITS = ["UPDATE: {t}", "{t} (report)", "Explained: {t}", "{t}, sources say"]


def _page(title: str, paragraphs: list[str], chrome: tuple[str, str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"</head><body>{chrome[0]}<main><article><h1>{html.escape(title)}</h1>{body}"
            f"</article></main>{chrome[1]}</body></html>").encode("utf-8")


def copies(page_id: str, gold: str, rnd: random.Random) -> list[tuple[str, bytes]]:
    """(copy id, html) for each kind of republication of one article body."""
    paras = [p.strip() for p in gold.split("\n") if p.strip()]
    title = " ".join(paras[0].split()[:10]) if paras else page_id
    out = [(f"{page_id}#chrome", _page(title, paras, rnd.choice(CHROMES))),
           (f"{page_id}#headline", _page(rnd.choice(HEADLINE_EDITS).format(t=title), paras,
                                         rnd.choice(CHROMES)))]
    if len(paras) >= 3:
        cut = rnd.randrange(1, len(paras))
        out.append((f"{page_id}#cut", _page(title, paras[:cut] + paras[cut + 1:], rnd.choice(CHROMES))))
    out.append((f"{page_id}#added", _page(title, paras + [rnd.choice(ADDED)], rnd.choice(CHROMES))))
    return out


def pages(aeb: Path, seed: int = 14) -> list[tuple[str, str, bytes]]:
    """(page id, family id, html) for the originals and their copies, shuffled."""
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    rnd = random.Random(seed)
    items = []
    for pid in sorted(truth):
        path = aeb / "html" / f"{pid}.html.gz"
        gold = truth[pid].get("articleBody") or ""
        if not path.exists() or not gold.strip():
            continue
        items.append((pid, pid, gzip.decompress(path.read_bytes())))
        items += [(cid, pid, data) for cid, data in copies(pid, gold, rnd)]
    rnd.shuffle(items)
    return items


def measure(aeb: Path) -> dict[str, float]:
    from coref_metrics import pairwise_f1
    from newsdesk.extract import extract
    from newsdesk.link.families import FamilyIndex, text_hash
    from newsdesk.model import RawPage

    gold, fam, exact = {}, {}, {}
    index, first_by_hash = FamilyIndex(), {}
    for pid, family, data in pages(aeb):
        try:
            text = extract(RawPage(content=data, format="html")).text
        except Exception:
            text = ""
        gold[pid] = family
        fam[pid] = index.add(pid, text).head
        exact[pid] = first_by_hash.setdefault(text_hash(text), pid)
    p, r, f = pairwise_f1(gold, fam)
    ep, er, ef = pairwise_f1(gold, exact)
    return {"family_p": p, "family_r": r, "family_f1": f,
            "exact_p": ep, "exact_r": er, "exact_f1": ef, "pages": len(gold)}
