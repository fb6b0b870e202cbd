"""Quantities ("approximately 1,000 kilometers" -> 1000 km, approximate) and number parsing.

Called by the 'times' component (``doc._.nd_quantities`` is set together with
``doc._.nd_times``). Candidates are spaCy QUANTITY/MONEY/PERCENT entities, numbers written
before a measurement unit, and digit counts before a plural noun ("10,000 troops").
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ..model import Quantity
from .nlp import doc_text

_SMALL = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "half": 0.5,
    "couple": 2,
}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000,
          "mln": 1_000_000}
NUMBER_WORDS = set(_SMALL) | set(_SCALE)


def parse_number(text: str) -> float | None:
    """'1,000' -> 1000, 'three' -> 3, '2.5 million' -> 2500000, 'twenty-five' -> 25."""
    t = text.lower().replace("-", " ").strip()
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    if not t:
        return None
    total, current, seen = 0.0, 0.0, False
    for w in t.split():
        w = w.strip(".,;:")
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in _SMALL:
            current += _SMALL[w] if not (w in ("a", "an") and seen) else 0
            seen = True
        elif w in _SCALE:
            if not seen:
                current = 1.0
            if _SCALE[w] == 100:
                current *= 100
            else:
                total += current * _SCALE[w]
                current = 0.0
            seen = True
        elif w in ("and",):
            continue
        else:
            return None
    return (total + current) if seen else None


# unit word (lower case, singular or plural) -> normalised unit
UNITS = {
    "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km", "km": "km",
    "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "centimeter": "cm", "centimeters": "cm", "cm": "cm", "millimeter": "mm", "millimeters": "mm",
    "mm": "mm", "mile": "mi", "miles": "mi", "foot": "ft", "feet": "ft", "ft": "ft",
    "inch": "in", "inches": "in", "yard": "yd", "yards": "yd",
    "kilogram": "kg", "kilograms": "kg", "kg": "kg", "gram": "g", "grams": "g",
    "ton": "t", "tons": "t", "tonne": "t", "tonnes": "t", "pound": "lb", "pounds": "lb",
    "lb": "lb", "lbs": "lb", "liter": "l", "liters": "l", "litre": "l", "litres": "l",
    "gallon": "gal", "gallons": "gal", "barrel": "bbl", "barrels": "bbl",
    "hectare": "ha", "hectares": "ha", "acre": "acre", "acres": "acre",
    "square": None, "percent": "%", "per cent": "%", "%": "%", "percentage": "%",
    "degree": "deg", "degrees": "deg", "megawatt": "MW", "megawatts": "MW",
    "kilowatt": "kW", "kilowatts": "kW", "gigawatt": "GW", "gigawatts": "GW",
    "dollar": "USD", "dollars": "USD", "$": "USD", "us$": "USD", "euro": "EUR", "euros": "EUR",
    "€": "EUR", "£": "GBP", "hryvnia": "UAH", "hryvnias": "UAH", "ruble": "RUB", "rubles": "RUB",
    "roubles": "RUB", "yuan": "CNY", "yen": "JPY",
}
_APPROX = ("approximately", "about", "around", "roughly", "nearly", "almost", "some",
           "an estimated", "estimated", "up to", "more than", "over", "less than", "under",
           "at least", "close to", "circa", "approx.", "~")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_WORDNUM = r"(?:" + "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 2), key=len, reverse=True)) + r")"
_NUMBER = rf"(?:{_NUM}|{_WORDNUM})(?:[\s-]+(?:{_NUM}|{_WORDNUM}))*"
_APPROX_RE = r"(?:" + "|".join(re.escape(a) for a in _APPROX) + r")"
_UNIT_RE = r"(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if UNITS[u]) + r")"
_MEASURE = re.compile(
    rf"(?:(?P<approx>{_APPROX_RE})\s+)?(?P<cur>[$€£])?(?P<num>{_NUMBER})"
    rf"(?:\s*(?P<unit>{_UNIT_RE}))?\b", re.I)


def _approx_before(text: str, start: int) -> tuple[bool, int]:
    before = text[max(0, start - 20):start].lower()
    for a in sorted(_APPROX, key=len, reverse=True):
        if before.rstrip().endswith(a) and before.endswith(" "):
            return True, start - (len(before) - len(before.rstrip())) - len(a)
    return False, start


def extract_quantities(doc: Doc, time_spans: list[tuple[int, int]] = ()) -> list[Quantity]:
    text = doc_text(doc)
    out: list[Quantity] = []
    used: list[tuple[int, int]] = list(time_spans)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in used)

    for m in _MEASURE.finditer(text):
        num = parse_number(m.group("num"))
        if num is None:
            continue
        unit = None
        if m.group("cur"):
            unit = UNITS.get(m.group("cur").lower())
        elif m.group("unit"):
            unit = UNITS.get(m.group("unit").lower())
        start, end = m.start(), m.end()
        if m.group("unit") is None and not m.group("cur"):
            # a bare count: keep digits (or scaled words) followed by a plural noun
            span = doc.char_span(m.start("num"), m.end("num"), alignment_mode="expand")
            if span is None or span.end >= len(doc):
                continue
            nxt = doc[span.end]
            if nxt.tag_ != "NNS" or not re.search(r"\d|hundred|thousand|million|billion", m.group("num"), re.I):
                continue
            if span.root.ent_type_ in ("DATE", "TIME", "ORDINAL"):
                continue
            unit = nxt.lemma_.lower()
            end = nxt.idx + len(nxt.text)
        # "million dollars": scale words were already folded into the value
        approx = bool(m.group("approx"))
        if not approx:
            approx, start = _approx_before(text, start)
        if not free(start, end):
            continue
        # number words alone ("one", "a") are too noisy unless a unit follows
        if unit is None:
            continue
        used.append((start, end))
        out.append(Quantity(text=text[start:end], start=start, end=end, value=num, unit=unit,
                            approximate=approx))
    out.sort(key=lambda q: q.start)
    return out
