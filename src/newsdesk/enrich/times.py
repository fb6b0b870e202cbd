"""Enrichment step 'times': temporal expressions normalised to TIMEX3 values.

Extents come from spaCy's DATE/TIME entities and from a few regex patterns the small model
misses (weekdays, "yesterday", "last week", "every week", "now" ...). Each extent is
normalised by ``normalize(text, anchor, tense)``, anchored on the publication date
``doc._.published``; expressions without a year, relative ones, weekdays and seasons are
resolved with the tense of the governing verb:

  * "Dec. 15" with a past verb in a 2023-01-05 article -> 2022-12-15 (a month/day more than
    a few days ahead of publication in past context lies in the previous year);
  * "in spring" with a future/present/modal verb -> the next spring (2023-SP);
  * "on Friday" with a past verb -> the previous Friday.

The component also sets ``doc._.nd_quantities`` (see ``quantities.py``).

Layout: ``times_patterns`` (wordings and regexes), ``times_calendar`` (calendar arithmetic),
``times_normalize`` (``normalize``), ``times_anchoring`` (anchor date, governing tense,
narrative and quarterly-report anchoring); this module finds the extents and runs the steps.
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc

from ..model import TimeRef
from .nlp import doc_text
from .quantities import extract_quantities
from .times_patterns import FUTURE, PAST, PRESENT, _CLOCKY, _LEAD_DROP, _MONTH_RE, _PATTERNS, _UNIT_RE, _WD_RE
from .times_normalize import normalize
from .times_anchoring import _narrative_anchors, _reporting_quarter, _tense, parse_anchor


def _candidates(doc: Doc) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):
            spans.append((ent.start_char, ent.end_char))
    for pat in _PATTERNS:
        for m in pat.finditer(doc_text(doc)):
            spans.append((m.start(), m.end()))
    # TIMEX3 extents take a leading determiner: "the third quarter", "the weekend"
    ext = []
    for a, b in spans:
        m = _LEAD_DROP.match(doc_text(doc)[a:b])
        if m and m.end() < b - a:
            a += m.end()
        seg = doc_text(doc)[a:b]
        before = doc_text(doc)[max(0, a - 4):a]
        if "-" in seg or re.match(r"(?:the|a|an|this|that|its|daily|weekly|monthly|annually|current|recent|earlier|later)\b", seg, re.I):
            pass  # a modifier ("the eight-year plan") or already determined
        elif before.lower() == "the " and seg[:1].islower():
            a -= 4
        elif doc_text(doc)[max(0, a - 2):a].lower() == "a " and re.match(_UNIT_RE + r"\b", seg, re.I):
            a -= 2
        m = re.match(r"\s+(?:fiscal\s+)?(?:period|quarter)\b", doc_text(doc)[b:b + 20])
        if re.fullmatch(r"(?:19|20)\d\d", doc_text(doc)[a:b]) and m:
            # "the 1988 period": the period of that year, one TIMEX3
            b += m.end()
            if doc_text(doc)[max(0, a - 4):a].lower() == "the ":
                a -= 4
        ext.append((a, b))
    spans = ext
    # longest first, no overlaps
    spans = sorted(set(spans), key=lambda s: (-(s[1] - s[0]), s[0]))
    chosen: list[tuple[int, int]] = []
    for a, b in spans:
        if all(b <= c or a >= d for c, d in chosen):
            chosen.append((a, b))
    return sorted(chosen)


def _split_value_parts(text: str) -> list[tuple[int, int]]:
    """Sub-extents for compound DATE ents spaCy joins: 'Jan. 5 and Dec. 15' -> two."""
    parts = []
    pos = 0
    for piece in re.split(r"(\s+(?:and|or|to|through|until|-|–)\s+)", text):
        if piece and not re.fullmatch(r"\s+(?:and|or|to|through|until|-|–)\s+", piece):
            parts.append((pos, pos + len(piece)))
        pos += len(piece)
    return parts


def _split_ended(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """'the quarter ended Sept. 30' -> 'the quarter' and 'Sept. 30'; ranges between two
    dates ('Aug. 26 to Oct. 20', 'Sept. 14 to Thursday') -> both ends (TIMEX3 marks each)."""
    m = re.search(r"\s+(?:ended|ending|that ended|which ended)\s+", text[a:b])
    if m:
        return [(a, a + m.start()), (a + m.end(), b)]
    m = re.search(r"\s+(?:to|through|until|till|and)\s+|\s*[-–]\s*(?=[A-Z])", text[a:b])
    if m:
        left, right = text[a:a + m.start()], text[a + m.end():b]
        datey = re.compile(r"(?:" + _MONTH_RE + r"\s+\d|" + _WD_RE + r"|today|yesterday|tomorrow|\d{4}$)", re.I)
        years = re.fullmatch(r"\s*(?:19|20)\d\d\s*", left) and re.fullmatch(r"\s*(?:19|20)\d\d\s*", right)
        if datey.search(left) and datey.search(right) and (years or not re.fullmatch(r"[\d\s]+", left)):
            return [(a, a + m.start()), (a + m.end(), b)]
    return [(a, b)]


def extract_times(doc: Doc, anchor: dt.datetime | None) -> list[TimeRef]:
    out: list[TimeRef] = []
    cands = [piece for a, b in _candidates(doc) for piece in _split_ended(doc_text(doc), a, b)]
    cands = _merge_clock_and_day(doc, anchor, cands)
    for a, b in cands:
        text = doc_text(doc)[a:b]
        tense = _tense(doc, a, b)
        res = normalize(text, anchor, tense)
        if res is None:
            # an extent we cannot read whole: the known patterns inside it
            inner = [(m.start(), m.end()) for pat in _PATTERNS for m in pat.finditer(text)]
            inner = sorted(set(inner), key=lambda s: (-(s[1] - s[0]), s[0]))
            kept: list[tuple[int, int]] = []
            for pa, pb in inner:
                if all(pb <= c or pa >= d for c, d in kept):
                    r2 = normalize(text[pa:pb], anchor, tense)
                    if r2:
                        kept.append((pa, pb))
                        out.append(TimeRef(text=text[pa:pb], start=a + pa, end=a + pb,
                                           value=r2[0], type=r2[1]))
            if kept:
                continue
            # a compound extent: try its parts
            for pa, pb in _split_value_parts(text):
                sub = text[pa:pb].strip()
                if not sub:
                    continue
                r2 = normalize(sub, anchor, tense)
                if r2:
                    off = a + pa + (len(text[pa:pb]) - len(text[pa:pb].lstrip()))
                    out.append(TimeRef(text=sub, start=off, end=off + len(sub), value=r2[0], type=r2[1]))
            continue
        value, typ = res
        if re.fullmatch(r"(?:the\s+)?(?:fiscal\s+)?year", text, re.I) and \
                re.match(r"\s+(?:that\s+|which\s+)?(?:ended|ending|ends)\b", doc_text(doc)[b:b + 24]):
            value, typ = "P1Y", "DURATION"   # "the year ended Aug. 31": a twelve-month period
        # "now" inside "now-defunct", "currently" as a plain adverb: TIMEX3 marks them too
        out.append(TimeRef(text=text, start=a, end=b, value=value, type=typ))
    _reporting_quarter(out, anchor)
    _narrative_anchors(out)
    return out

def _merge_clock_and_day(doc: Doc, anchor, cands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'noon' + 'Thursday', '5 p.m. EST' + 'Nov. 9', 'Friday' + 'Oct. 13': one TIMEX3 each
    (spaCy often splits them into a TIME and a DATE)."""
    out: list[tuple[int, int]] = []
    for a, b in cands:
        if out:
            pa, pb = out[-1]
            gap = doc_text(doc)[pb:a]
            left, right = doc_text(doc)[pa:pb], doc_text(doc)[a:b]
            if re.fullmatch(r",?\s{1,2}", gap) and (
                    _CLOCKY.search(left) and re.match(_WD_RE + r"|" + _MONTH_RE + r"\s+\d|yesterday|today|tomorrow", right, re.I)
                    or re.fullmatch(_WD_RE, left, re.I) and re.match(_MONTH_RE + r"\s+\d", right, re.I)):
                if normalize(doc_text(doc)[pa:b], anchor, PAST) is not None:
                    out[-1] = (pa, b)
                    continue
        out.append((a, b))
    return out

@Language.component("newsdesk_times")
def times_component(doc: Doc) -> Doc:
    anchor = parse_anchor(doc._.published)
    times = extract_times(doc, anchor)
    doc._.nd_times = times
    doc._.nd_quantities = extract_quantities(doc, [(t.start, t.end) for t in times])
    return doc


__all__ = ["normalize", "extract_times", "parse_anchor", "times_component", "PAST", "PRESENT",
           "FUTURE"]
