"""Calendar arithmetic behind TIMEX3 values: a month/day without a year, a season or a
weekday resolved against an anchor and a tense, the unit k steps away ("last week"),
durations ("P3M"), clock times and explicit calendar dates."""
from __future__ import annotations

import datetime as dt
import re

from .quantities import parse_number
from .times_patterns import FUTURE, MONTHS, PAST, PAST_AHEAD_DAYS, SEASONS, UNIT, _MONTH_RE, _TEENS


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _month_day(a: dt.date | None, month: int, day: int | None, tense: str) -> str:
    """A month (and day) without a year, resolved against the anchor and the tense."""
    if a is None:
        return f"XXXX-{month:02d}" + (f"-{day:02d}" if day else "")
    y = a.year
    try:
        cand = dt.date(y, month, day or 1)
    except ValueError:
        return f"XXXX-{month:02d}" + (f"-{day:02d}" if day else "")
    ref = a if day else a.replace(day=1)
    delta = (cand - ref).days
    if tense == FUTURE:
        if delta < -7 and (day or month < a.month):
            y += 1
    elif tense == PAST:
        # a past verb, a date ahead of publication: last year's, unless it is close enough
        # to be a deadline the past event set ("extended the offer to Nov. 20")
        if delta > PAST_AHEAD_DAYS and (day or month > a.month):
            y -= 1
    else:  # present / unknown: the closest occurrence
        if delta > 183:
            y -= 1
        elif delta < -183:
            y += 1
    return f"{y}-{month:02d}" + (f"-{day:02d}" if day else "")


def _season(a: dt.date | None, name: str, tense: str, rel: str | None) -> str:
    code, start_month = SEASONS[name]
    if a is None:
        return f"XXXX-{code}"
    y = a.year
    # the season year of the anchor: January of 2023 belongs to the winter of 2022
    in_season_year = y - 1 if (code == "WI" and a.month < 3) else y
    if code == "WI":
        started = a.month == 12 or a.month < 3
        s_year = in_season_year
        if rel == "last":
            return f"{s_year - 1 if started else y - 1}-WI"
        if rel == "next":
            return f"{s_year + 1 if started else y}-WI"
        if rel == "this" or started:
            return f"{s_year if started else y}-WI"
        return f"{y - 1 if tense == PAST else y}-WI"
    end_month = start_month + 2
    if rel == "last":
        return f"{y if a.month > end_month else y - 1}-{code}"
    if rel == "next":
        return f"{y if a.month < start_month else y + 1}-{code}"
    if rel == "this":
        return f"{y}-{code}"
    if tense == PAST:
        return f"{y if a.month >= start_month else y - 1}-{code}"
    # future / present: the next (or current) occurrence
    return f"{y if a.month <= end_month else y + 1}-{code}"


def _weekday(a: dt.date | None, wd: int, tense: str, rel: str | None) -> str:
    if a is None:
        return f"XXXX-WXX-{wd + 1}"
    diff = (wd - a.weekday()) % 7
    if rel == "next":
        d = a + dt.timedelta(days=diff or 7)
        if diff and diff < 3:
            d = d  # "next Friday" said on a Wednesday: this coming Friday
    elif rel == "last":
        d = a - dt.timedelta(days=(7 - diff) % 7 or 7)
    elif rel == "this" or tense == FUTURE:
        d = a + dt.timedelta(days=diff)
    else:  # past, present, unknown: the most recent such day (today included)
        d = a - dt.timedelta(days=(7 - diff) % 7)
    return d.isoformat()


def _relative_unit(a: dt.date | None, unit: str, k: int) -> str | None:
    """The calendar unit k steps away from the anchor: week -1 -> '2022-W52'."""
    if a is None:
        return None
    if unit == "day":
        return (a + dt.timedelta(days=k)).isoformat()
    if unit == "week":
        return _iso_week(a + dt.timedelta(weeks=k))
    if unit == "weekend":
        return _iso_week(a + dt.timedelta(weeks=k)) + "-WE"
    if unit == "month":
        y, m = _shift_month(a.year, a.month, k)
        return f"{y}-{m:02d}"
    if unit == "quarter":
        q = (a.month - 1) // 3 + k
        y = a.year + q // 4
        return f"{y}-Q{q % 4 + 1}"
    if unit == "year":
        return f"{a.year + k}"
    if unit == "decade":
        return f"{(a.year // 10) + k}"
    if unit == "century":
        return f"{(a.year // 100) + k}"
    return None


def _unit_of(word: str) -> str | None:
    w = word.lower()
    if w in ("centuries",):
        return "century"
    if w in ("millennia",):
        return "millennium"
    w = w[:-1] if w.endswith("s") and w[:-1] in UNIT else w
    return w if w in UNIT else None


def _duration(n, unit: str) -> str:
    if unit == "decade" and not isinstance(n, str):
        n, unit = n * 10, "year"
    letter, timepart = UNIT[unit]
    if unit == "weekend":
        letter = "WE"
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    return ("PT" if timepart else "P") + f"{n}{letter}"


def _clock(text: str) -> tuple[int, int] | None:
    m = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)", text, re.I)
    if m:
        h, mi = int(m[1]) % 12, int(m[2] or 0)
        if m[3].lower().startswith("p"):
            h += 12
        return h, mi
    m = re.search(r"\b(\d{1,2}):(\d{2})\b", text)
    if m and int(m[1]) < 24:
        return int(m[1]), int(m[2])
    if re.search(r"\bnoon\b", text, re.I):
        return 12, 0
    if re.search(r"\bmidnight\b", text, re.I):
        return 0, 0
    return None

def _spelled_year(low: str) -> str | None:
    """'nineteen ninety-six' -> '1996'; 'the year two thousand' -> '2000'."""
    low = re.sub(r"^(?:the\s+)?year\s+", "", low)
    m = re.fullmatch(r"(nineteen|eighteen|twenty)[\s-]+([a-z]+(?:[\s-][a-z]+)?)", low)
    if m:
        rest = parse_number(m[2])
        if rest is not None and 10 <= rest < 100:
            return str(_TEENS.get(m[1], 20) * 100 + int(rest))
    if low in ("two thousand",):
        return "2000"
    m = re.fullmatch(r"two thousand (?:and )?([a-z]+(?:[\s-][a-z]+)?)", low)
    if m:
        rest = parse_number(m[1])
        if rest is not None and rest < 100:
            return str(2000 + int(rest))
    return None


def _explicit_date(low: str, a: dt.date | None, tense: str) -> str | None:
    low = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", low)
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", low)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    # Month Day, Year / Month Day Year
    m = re.search(r"\b(" + _MONTH_RE + r")\s+(\d{1,2}),?\s+(\d{4})\b", low)
    if m:
        return f"{m[3]}-{MONTHS[m[1].rstrip('.')]:02d}-{int(m[2]):02d}"
    # Day Month Year
    m = re.search(r"\b(\d{1,2})\s+(?:of\s+)?(" + _MONTH_RE + r"),?\s+(\d{4})\b", low)
    if m:
        return f"{m[3]}-{MONTHS[m[2].rstrip('.')]:02d}-{int(m[1]):02d}"
    # Month Year
    m = re.search(r"\b(" + _MONTH_RE + r"),?\s+(?:of\s+)?(\d{4})\b", low)
    if m:
        return f"{m[2]}-{MONTHS[m[1].rstrip('.')]:02d}"
    # Month Day / Day Month (no year)
    m = re.search(r"\b(" + _MONTH_RE + r")\s+(\d{1,2})\b", low) or None
    if m and 1 <= int(m[2]) <= 31:
        return _month_day(a, MONTHS[m[1].rstrip('.')], int(m[2]), tense)
    m = re.search(r"\b(\d{1,2})\s+(?:of\s+)?(" + _MONTH_RE + r")(?:\W|$)", low)
    if m and 1 <= int(m[1]) <= 31:
        return _month_day(a, MONTHS[m[2].rstrip('.')], int(m[1]), tense)
    # Numeric dates 1/5/2023 (US order)
    m = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", low)
    if m and int(m[1]) <= 12:
        return f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}"
    # quarters: "the first quarter (of 2022)", "Q3 2021"
    m = re.search(r"\b(first|second|third|fourth|1st|2nd|3rd|4th|q1|q2|q3|q4)[\s-]+(?:quarter|half)?(?:\s+(?:of\s+)?(\d{4}))?", low)
    if m and ("quarter" in low or m[1].startswith("q")) :
        q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
             "4th": 4, "q1": 1, "q2": 2, "q3": 3, "q4": 4}[m[1]]
        y = m[2] or re.search(r"\b(1\d{3}|20\d{2})\b", low) and re.search(r"\b(1\d{3}|20\d{2})\b", low)[1]
        if not y and a is not None:
            y = a.year
            if "next" in low:
                y += 1
            elif "last" in low or "year-earlier" in low or "year-ago" in low:
                y -= 1
            elif tense != FUTURE and (q - 1) * 3 + 1 > a.month:
                y -= 1  # "the fourth quarter" reported in January: last year's
        return f"{y or 'XXXX'}-Q{q}"
    if m and "half" in low:
        h = {"first": 1, "second": 2, "1st": 1, "2nd": 2}.get(m[1])
        if h:
            y = m[2] or (str(a.year) if a else "XXXX")
            return f"{y}-H{h}"
    # Month alone
    m = re.fullmatch(r"(" + _MONTH_RE + r")", low)
    if m and low not in ("mar", "may", "jun", "jul", "sep", "oct", "dec", "jan", "feb", "apr", "aug", "nov", "sept"):
        return _month_day(a, MONTHS[m[1].rstrip('.')], None, tense)
    m = re.fullmatch(r"(last|next|this|past|coming)\s+(" + _MONTH_RE + r")", low)
    if m and a:
        mon = MONTHS[m[2].rstrip('.')]
        y = a.year
        if m[1] in ("last", "past") and mon >= a.month:
            y -= 1
        elif m[1] in ("next", "coming") and mon <= a.month:
            y += 1
        return f"{y}-{mon:02d}"
    # decades: 1990s, '90s, the 2010s
    m = re.fullmatch(r"(\d{3})0'?s", low)
    if m:
        return m[1]
    m = re.fullmatch(r"'(\d)0s", low)
    if m:
        return f"19{m[1]}"
    # centuries: the 20th century
    m = re.fullmatch(r"(\d{1,2})\s*(?:th|st|nd|rd)?\s*century", low)
    if m:
        return f"{int(m[1]) - 1:02d}"
    # years: 2000, fiscal 2022, the year 2000, 2019-2020
    m = re.fullmatch(r"(?:fiscal\s+(?:year\s+)?|fy\s*|the\s+year\s+|year\s+)?(\d{4})", low)
    if m and 1000 <= int(m[1]) <= 2199:
        return m[1]
    m = re.fullmatch(r"(\d{4})\s*(?:-|–|to)\s*(?:\d{2,4})", low)
    if m and 1000 <= int(m[1]) <= 2199:
        return m[1]
    return None
