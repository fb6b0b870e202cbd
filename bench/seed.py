"""End-to-end check on the seed page: extraction + enrichment against its hand-made gold.

Runs ``newsdesk.extract.extract`` and ``newsdesk.enrich.Enricher`` on
``<shared>/seed/kyiv-independent-2023-01-05.txt`` and compares the Article with
``kyiv-independent-2023-01-05.gold.json``, item by item, with the gold's lenient rules:
names compare case-insensitively after stripping a leading "the"; a statement or event
matches when its source/actor and all its key words agree.

    python bench/seed.py                 # PASS/FAIL table and per-section recall
    python bench/seed.py --json          # also the metric dict as JSON
    python bench/seed.py --article A.json  # score a saved Article (Article.to_dict()) instead

``run(shared)`` returns fractions in [0, 1]: seed_fields, seed_boilerplate, seed_negatives,
seed_entities, seed_places, seed_times, seed_quantities, seed_statements, seed_events.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = "kyiv-independent-2023-01-05"

sys.path.insert(0, str(ROOT / "src"))  # the working tree's newsdesk, even without an install

sys.path.insert(0, str(HERE))
from _shared import shared_dir  # noqa: E402  bench/_shared.py


# --------------------------------------------------------------------------- matching rules

def norm_ws(s: str | None) -> str:
    return " ".join((s or "").split())


def norm_name(s: str | None) -> str:
    """Lenient name: case-folded, curly quotes straightened, leading 'the' and possessive dropped."""
    s = norm_ws(s).replace("\u2019", "'").replace("\u2018", "'").casefold()
    s = s.strip(" .,;:\"'()")
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"'s$", "", s)
    return s


def contains(haystack: str | None, needle: str) -> bool:
    """Case-insensitive, whitespace-normalised substring test."""
    return norm_ws(needle).casefold() in norm_ws(haystack).casefold()


def contains_words(haystack: str | None, needle: str) -> bool:
    """``needle`` occurs in ``haystack`` as whole words (case-insensitive)."""
    pat = r"(?<!\w)" + re.escape(norm_ws(needle).casefold()) + r"(?!\w)"
    return re.search(pat, norm_ws(haystack).casefold()) is not None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


_UNITS = {
    "km": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "mi": "mi", "mile": "mi", "miles": "mi",
}


def norm_unit(u: str | None) -> str | None:
    if u is None:
        return None
    u = u.strip().casefold()
    return _UNITS.get(u, u)


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Field of a model record or of its dict form."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --------------------------------------------------------------------------- result rows

@dataclass
class Row:
    section: str
    item: str
    ok: bool
    detail: str = ""
    scored: bool = True      # False: shown but not part of the section's recall


class Scorer:
    def __init__(self, article: Any, gold: dict):
        self.a = article
        self.g = gold
        self.text: str = get(article, "text") or ""
        self.rows: list[Row] = []

    def add(self, section: str, item: str, ok: bool, detail: str = "", scored: bool = True) -> None:
        self.rows.append(Row(section, item, bool(ok), detail, scored))

    # ---- article fields
    def fields(self) -> None:
        ga, a = self.g["article"], self.a
        got = get(a, "outlet")
        self.add("fields", "outlet", norm_name(got) == norm_name(ga["outlet"]), f"got {got!r}")
        got = get(a, "title")
        self.add("fields", "title", norm_ws(got) == norm_ws(ga["title"]), f"got {got!r}")
        got = get(a, "published") or ""
        # the gold gives minute precision: seconds and a UTC offset may follow
        self.add("fields", "published", got[:len(ga["published"])] == ga["published"], f"got {got!r}")
        if ga.get("published_date"):
            self.add("fields", "published_date", got[:10] == ga["published_date"], f"got {got[:10]!r}")
        got = list(get(a, "byline") or [])
        self.add("fields", "byline", [norm_ws(b) for b in got] == [norm_ws(b) for b in ga["byline"]],
                 f"got {got!r}")
        got = get(a, "language")
        self.add("fields", "language", got == ga["language"], f"got {got!r}")
        body = norm_ws(self.text)
        self.add("fields", "body_first_words", body.startswith(norm_ws(ga["body_first_words"])),
                 f"starts {body[:50]!r}")
        self.add("fields", "body_last_words", body.endswith(norm_ws(ga["body_last_words"])),
                 f"ends {body[-50:]!r}")
        paras = [p for p in self.text.splitlines() if p.strip()]
        self.add("fields", "body_paragraphs", len(paras) == ga["body_paragraphs"],
                 f"got {len(paras)} non-empty lines, want {ga['body_paragraphs']}")

    # ---- boilerplate
    def boilerplate(self) -> None:
        empty = not self.text.strip()
        for s in self.g["article"]["boilerplate_that_must_not_be_in_body"]:
            if empty:
                self.add("boilerplate", s, False, "empty body")
                continue
            if re.fullmatch(r"\w+", s):   # one word ("OK", "Share"): whole word, case-sensitive
                found = re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", self.text) is not None
            else:
                found = norm_ws(s) in norm_ws(self.text)
            self.add("boilerplate", s.replace("\n", "\\n"), not found, "still in body" if found else "")

    # ---- entities
    def entities(self) -> None:
        ents = list(get(self.a, "entities") or [])
        for ge in self.g["entities"]:
            name = norm_name(ge["name"])
            hits = [e for e in ents if norm_name(get(e, "canonical")) == name]
            if not hits:
                self.add("entities", ge["name"], False, "canonical not found")
                continue
            problems = []
            # an alias counts only where it stands alone, not inside the full name
            rest = re.sub(re.escape(norm_ws(ge["name"])), " ", norm_ws(self.text), flags=re.I)
            for alias in ge.get("aliases", []):
                if not contains_words(rest, alias):
                    continue          # alias not used on its own in this body: nothing to map
                mentions = [e for e in ents if norm_name(get(e, "text")) == norm_name(alias)]
                if not mentions:
                    problems.append(f"alias {alias!r} not tagged")
                wrong = {get(e, "canonical") for e in mentions if norm_name(get(e, "canonical")) != name}
                if wrong:
                    problems.append(f"alias {alias!r} -> {sorted(map(str, wrong))}")
            labels = sorted({str(get(e, "label")) for e in hits})
            info = f"{len(hits)} mention(s), label {'/'.join(labels)} (gold {ge.get('type')})"
            if ge.get("role"):
                roles = {get(e, "role") for e in hits} - {None}
                info += f", role {'found' if any(contains(r, ge['role']) or contains(ge['role'], r) for r in roles) else 'missing'}"
            self.add("entities", ge["name"], not problems, "; ".join(problems) or info)

    def negatives(self) -> None:
        ents = list(get(self.a, "entities") or [])
        for s in self.g.get("not_entities_in_body", []):
            bad = [e for e in ents if norm_name(get(e, "text")) == norm_name(s)
                   or norm_name(get(e, "canonical")) == norm_name(s)]
            self.add("negatives", f"not an entity: {s}", not bad, "tagged" if bad else "")
        sts = list(get(self.a, "statements") or [])
        for ns in self.g.get("not_statements", []):
            bad = [s for s in sts if norm_name(get(s, "source")) == norm_name(ns["source"])]
            self.add("negatives", f"not a statement source: {ns['source']}", not bad,
                     "attributed" if bad else "")

    # ---- places
    def places(self) -> None:
        places = list(get(self.a, "places") or [])
        for gp in self.g["places"]:
            cands = [p for p in places if norm_name(get(p, "name")) == norm_name(gp["name"])
                     or norm_name(get(p, "text")) == norm_name(gp["name"])]
            if not cands:
                self.add("places", gp["name"], False, "not found")
                continue
            best, best_d = None, math.inf
            for p in cands:
                lat, lon = get(p, "lat"), get(p, "lon")
                if lat is None or lon is None:
                    continue
                d = haversine_km(gp["lat"], gp["lon"], float(lat), float(lon))
                if d < best_d:
                    best, best_d = p, d
            if best is None:
                self.add("places", gp["name"], False, "found but no coordinates")
                continue
            ok = best_d <= gp["tolerance_km"]
            self.add("places", gp["name"], ok,
                     f"{best_d:.0f} km off (tolerance {gp['tolerance_km']}), country {get(best, 'country')!r}, "
                     f"kind {get(best, 'kind')!r}")

    # ---- times and quantities
    def times(self) -> None:
        times = list(get(self.a, "times") or [])
        for gt in self.g["times"]:
            hits = [t for t in times if get(t, "value") == gt["value"]]
            near = [f"{get(t, 'text')!r}={get(t, 'value')}" for t in times if contains(get(t, "text"), gt["text"])
                    or contains(gt["text"], get(t, "text") or "\0")]
            detail = f"as {get(hits[0], 'text')!r}" if hits else ("got " + ", ".join(near) if near else "not found")
            self.add("times", f"{gt['text']} = {gt['value']}", bool(hits), detail)

    def quantities(self) -> None:
        qs = list(get(self.a, "quantities") or [])
        for gq in self.g.get("quantities", []):
            ok, detail = False, "not found"
            for q in qs:
                try:
                    same_value = abs(float(get(q, "value")) - float(gq["value"])) < 1e-6
                except (TypeError, ValueError):
                    same_value = False
                if not same_value:
                    continue
                problems = []
                if norm_unit(get(q, "unit")) != norm_unit(gq.get("unit")):
                    problems.append(f"unit {get(q, 'unit')!r}")
                if "approximate" in gq and bool(get(q, "approximate")) != bool(gq["approximate"]):
                    problems.append(f"approximate {get(q, 'approximate')!r}")
                ok, detail = not problems, "; ".join(problems) or f"as {get(q, 'text')!r}"
                if ok:
                    break
            self.add("quantities", gq["text"], ok, detail)

    # ---- statements
    def _statement_problems(self, s: Any, gs: dict) -> list[str]:
        p = []
        if norm_name(get(s, "source")) != norm_name(gs["source"]):
            p.append(f"source {get(s, 'source')!r}")
        if get(s, "kind") != gs["kind"]:
            p.append(f"kind {get(s, 'kind')!r}")
        cue = get(s, "cue") or ""
        if not (norm_name(cue) == norm_name(gs["cue"]) or contains_words(cue, gs["cue"])):
            p.append(f"cue {cue!r}")
        missing = [k for k in gs["key_words"] if not contains(get(s, "content"), k)]
        if missing:
            p.append(f"content lacks {missing}")
        if gs.get("date") and (get(s, "date") or "")[:len(gs["date"])] != gs["date"]:
            p.append(f"date {get(s, 'date')!r}")
        if gs.get("venue") and norm_name(get(s, "venue")) != norm_name(gs["venue"]):
            p.append(f"venue {get(s, 'venue')!r}")
        return p

    def statements(self) -> None:
        sts = list(get(self.a, "statements") or [])
        self._match("statements", sts, self.g["statements"], self._statement_problems,
                    lambda gs: f"{gs['source']} / {gs['kind']} / {gs['cue']}: {', '.join(gs['key_words'])}")

    def _match(self, section: str, found: list, golds: list, problems, label) -> None:
        """Match gold items to found records one-to-one; report each gold item's best candidate."""
        used: set[int] = set()
        for g in golds:
            best, best_p = None, None
            for i, rec in enumerate(found):
                if i in used:
                    continue
                p = problems(rec, g)
                if best_p is None or len(p) < len(best_p):
                    best, best_p = i, p
                if not p:
                    break
            if best is not None and not best_p:
                used.add(best)
                self.add(section, label(g), True, "")
            else:
                self.add(section, label(g), False,
                         f"no {section}" if best is None else "closest: " + "; ".join(best_p))

    # ---- events
    def _event_window(self, e: Any) -> str:
        ss, se = get(e, "sentence_start"), get(e, "sentence_end")
        if isinstance(ss, int) and isinstance(se, int) and 0 <= ss < se <= len(self.text):
            return self.text[ss:se]
        start, end = get(e, "start"), get(e, "end")
        if isinstance(start, int) and isinstance(end, int):
            return self.text[max(0, start - 200):end + 200]
        return ""

    def _event_problems(self, e: Any, ge: dict) -> list[str]:
        p = []
        if get(e, "type") != ge["type"]:
            p.append(f"type {get(e, 'type')!r}")
        actors = [norm_name(x) for x in get(e, "actors") or []]
        if norm_name(ge["actor"]) not in actors:
            p.append(f"actors {get(e, 'actors')!r}")
        if ge.get("partner"):
            others = actors + [norm_name(x) for x in get(e, "targets") or []]
            if norm_name(ge["partner"]) not in others:
                p.append(f"partner not in actors/targets {get(e, 'targets')!r}")
        if get(e, "factuality") != ge["factuality"]:
            p.append(f"factuality {get(e, 'factuality')!r}")
        if norm_name(get(e, "attributed_to")) != norm_name(ge["source"]):
            p.append(f"attributed_to {get(e, 'attributed_to')!r}")
        window = self._event_window(e)
        missing = [k for k in ge["key_words"] if not contains(window, k)]
        if missing:
            p.append(f"sentence lacks {missing}")
        if ge.get("location"):
            place = norm_name(get(e, "place"))
            want = norm_name(ge["location"])
            if not place or not (contains_words(want, place) or contains_words(place, want)):
                p.append(f"place {get(e, 'place')!r}")
        if ge.get("time") and get(e, "time") != ge["time"]:
            p.append(f"time {get(e, 'time')!r}")
        return p

    def events(self) -> None:
        evs = list(get(self.a, "events") or [])
        self._match("events", evs, self.g["events"], self._event_problems,
                    lambda ge: (f"{ge['type']} {ge['actor']} ({ge['factuality']}, per {ge['source']}): "
                                f"{', '.join(ge['key_words'])}"))

    def score(self) -> list[Row]:
        for step in (self.fields, self.boilerplate, self.negatives, self.entities, self.places,
                     self.times, self.quantities, self.statements, self.events):
            step()
        return self.rows


SECTIONS = ("fields", "boilerplate", "negatives", "entities", "places", "times", "quantities",
            "statements", "events")


# --------------------------------------------------------------------------- running

def seed_paths(shared: Path) -> tuple[Path, Path]:
    return shared / "seed" / f"{SEED}.txt", shared / "seed" / f"{SEED}.gold.json"


def process(path: Path) -> Any:
    """Extract and enrich the seed page with the current code."""
    from newsdesk.enrich import Enricher
    from newsdesk.extract import extract
    from newsdesk.model import RawPage

    content = path.read_text(encoding="utf-8")
    article = extract(RawPage(content=content, format="auto", source=str(path)))
    return Enricher()(article)


def metrics(rows: list[Row]) -> dict[str, float]:
    out = {}
    for sec in SECTIONS:
        rs = [r for r in rows if r.section == sec and r.scored]
        if rs:
            out[f"seed_{sec}"] = sum(r.ok for r in rs) / len(rs)
    return out


def report(rows: list[Row], out=sys.stdout) -> None:
    width = min(70, max(len(r.item) for r in rows) if rows else 10)
    section = None
    for r in rows:
        if r.section != section:
            section = r.section
            print(f"\n== {section}", file=out)
        item = r.item if len(r.item) <= width else r.item[:width - 1] + "\u2026"
        print(f"  {'PASS' if r.ok else 'FAIL'}  {item:<{width}}  {r.detail}".rstrip(), file=out)
    print("\nrecall per section:", file=out)
    for sec in SECTIONS:
        rs = [r for r in rows if r.section == sec and r.scored]
        if rs:
            print(f"  {sec:<12} {sum(r.ok for r in rs)}/{len(rs)}", file=out)


def score_article(article: Any, gold: dict) -> list[Row]:
    return Scorer(article, gold).score()


def run(shared: Path, verbose: bool = False, article: Any = None) -> dict[str, float]:
    """Score the pipeline on the seed page; returns fractions per section (``seed_*``)."""
    txt, gold_path = seed_paths(Path(shared))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    if article is None:
        try:
            article = process(txt)
        except Exception:
            print("seed: the pipeline raised on the seed page:", file=sys.stderr)
            traceback.print_exc()
            article = {"text": ""}
    rows = score_article(article, gold)
    if verbose:
        report(rows)
    return metrics(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, help="the shared/ folder (default: NEWSDESK_SHARED or ../shared)")
    ap.add_argument("--article", type=Path, help="score this saved Article JSON instead of running the pipeline")
    ap.add_argument("--json", action="store_true", help="print the metric dict as JSON at the end")
    ap.add_argument("--show", action="store_true", help="print the article text the pipeline produced")
    args = ap.parse_args(argv)
    shared = args.shared or shared_dir()
    if shared is None or not (Path(shared) / "seed").is_dir():
        print("shared/ absent: seed benchmark skipped")
        return 0
    article = None
    if args.article:
        article = json.loads(args.article.read_text(encoding="utf-8"))
    elif args.show:
        article = process(seed_paths(Path(shared))[0])
        print(get(article, "text"))
    m = run(Path(shared), verbose=True, article=article)
    print("\nseed metrics: " + ", ".join(f"{k}={v:.2f}" for k, v in m.items()))
    if args.json:
        print(json.dumps(m, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
