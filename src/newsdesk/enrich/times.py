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
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc

from ..model import TimeRef
from .nlp import doc_text
from .quantities import extract_quantities, parse_number

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3,
            "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9),
           "winter": ("WI", 12)}
UNIT = {  # unit word -> (TIMEX3 duration letter, is time part, days for date arithmetic)
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "night": ("D", False), "week": ("W", False), "weekend": ("WE", False),
    "month": ("M", False), "quarter": ("Q", False), "year": ("Y", False),
    "decade": ("DE", False), "century": ("CE", False), "millennium": ("ML", False),
}
_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WD_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_UNIT_RE = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|months?|quarters?|years?|decades?|century|centuries|millennium|millennia)"
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                "tonight": "NI", "overnight": "NI"}
_QUANT_WORD = {"several": "X", "a few": "X", "few": "X", "many": "X", "some": "X",
               "the past few": "X", "a couple of": 2}

PAST, FUTURE, PRESENT = "past", "future", "present"
# In past context a month/day up to this many days after publication stays in the
# publication's year (deadlines, record dates); further ahead it is last year's.
PAST_AHEAD_DAYS = 45


# --------------------------------------------------------------------------------------------
def parse_anchor(published: str | None) -> dt.datetime | None:
    if not published:
        return None
    s = published.strip().replace("Z", "+00:00")
    for fn in (dt.datetime.fromisoformat,):
        try:
            d = fn(s)
            return d.replace(tzinfo=None)
        except ValueError:
            pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
    return None


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


# --------------------------------------------------------------------------------------------
def normalize(text: str, anchor: dt.date | dt.datetime | None = None,
              tense: str = PRESENT) -> tuple[str, str] | None:
    """TIMEX3 (value, type) of a temporal expression, or None when it cannot be normalised.

    ``anchor`` is the publication date; ``tense`` one of "past", "present", "future" (of the
    verb governing the expression).
    """
    if isinstance(anchor, dt.datetime):
        a = anchor.date()
    else:
        a = anchor
    t = " ".join(text.replace("’", "'").split())
    low = t.lower()
    low = re.sub(r"^(?:on|in|at(?!\s+least)|by|since|from|until|till|during|for|of|before|after|between)\s+", "", low)
    low = re.sub(r"^(?:nearly|almost|about|around|roughly|approximately|more than|less than|"
                 r"fewer than|at least|up to|no more than|over|some|just|only|barely)\s+", "", low)
    if re.search(r"\b(?:years?|months?|weeks?|days?)[\s-]+old\b", low):
        return None  # ages are not temporal expressions
    # "the quarter", "the year": the reference period of the report, a DATE
    m = re.fullmatch(r"(?:the|this|that)\s+(quarter|year|month|week|weekend|fiscal year|full year)", low)
    if m and a is not None:
        unit = {"fiscal year": "year", "full year": "year"}.get(m[1], m[1])
        if unit == "quarter":
            k = 0 if tense == FUTURE or low.startswith("this") else -1
            return _relative_unit(a, "quarter", k), "DATE"
        if unit == "weekend" and tense == PAST:
            return _relative_unit(a, "weekend", -1), "DATE"
        return _relative_unit(a, unit, 0), "DATE"
    m = re.fullmatch(r"(?:the\s+)?((?:19|20)\d\d)\s+(?:fiscal\s+)?(?:period|quarter)", low)
    if m:
        return m[1], "DATE"   # the quarter itself comes from the article (_reporting_quarter)
    year = _spelled_year(low)
    if year:
        return year, "DATE"
    m = re.fullmatch(r"(?:the\s+)?(?:(" + _MONTH_RE + r")|(spring|summer|fall|autumn|winter))\s+(?:of\s+)?(.+)", low)
    if m and not re.search(r"\d", m[3]):
        year = _spelled_year(m[3])
        if year:
            if m[1]:
                return f"{year}-{MONTHS[m[1].rstrip('.')]:02d}", "DATE"
            return f"{year}-{SEASONS[m[2]][0]}", "DATE"
    low = re.sub(r"^(?:the|a|an)\s+", "", low) if not re.match(r"^(?:a|an)\s+" + _UNIT_RE, low) else low
    low = re.sub(r"^(?:early|late|mid|middle of|end of|the end of|beginning of|start of|the start of|the beginning of|the middle of|earlier|later)[\s-]+", "", low)
    low = re.sub(r"^(?:the)\s+", "", low)
    low = low.strip(" ,.;")

    # ---- decades, fiscal years ------------------------------------------------------------
    m = re.fullmatch(r"(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(twenties|thirties|forties|fifties|sixties|"
                     r"seventies|eighties|nineties)", low)
    if m:
        d = _DECADE_WORDS[m[1]]
        century = (a.year // 100) if a is not None else 19
        if a is not None and d > a.year % 100 // 10 + 1:
            century -= 1    # "the nineties" written in 2005: the 1990s
        return f"{century}{d}", "DATE"
    m = re.fullmatch(r"(?:the\s+)?(?:((?:19|20)\d\d)\s+fiscal\s+year|fiscal\s+year\s+((?:19|20)\d\d))", low)
    if m:
        return m[1] or m[2], "DATE"

    # ---- SET -----------------------------------------------------------------------------
    m = re.fullmatch(r"(?:every|each)\s+(" + _MONTH_RE + r"|spring|summer|fall|autumn|winter)", low)
    if m:
        w = m[1].rstrip(".")
        return (f"XXXX-{SEASONS[w][0]}" if w in SEASONS else f"XXXX-{MONTHS[w]:02d}"), "SET"
    m = re.fullmatch(r"(?:every|each)\s+(?:other\s+)?(" + _WD_RE + r")", low)
    if m:
        return f"XXXX-WXX-{WEEKDAYS[m[1]] + 1}", "SET"
    m = re.fullmatch(r"(?:every|each|per|a)\s+(?:(\d+|[a-z]+)\s+)?(" + _UNIT_RE + r")", low)
    if m and low.split()[0] in ("every", "each", "per"):
        n = parse_number(m[1]) if m[1] else 1
        u = _unit_of(m[2])
        if u and n:
            return _duration(n, u), "SET"
    for w, v in (("daily", "P1D"), ("weekly", "P1W"), ("monthly", "P1M"), ("annually", "P1Y"),
                 ("yearly", "P1Y"), ("hourly", "PT1H"), ("nightly", "P1D")):
        if low == w:
            return v, "SET"

    # ---- references ----------------------------------------------------------------------
    if low in ("now", "currently", "at present", "present", "right now", "nowadays", "today's"):
        if low == "today's" and a:
            return a.isoformat(), "DATE"
        return "PRESENT_REF", "DATE"
    if low in ("past", "recently", "previously", "lately", "recent", "earlier", "once",
               "the past", "in the past", "past years"):
        return "PAST_REF", "DATE"
    if low in ("already", "these days", "this crucial moment", "at the moment", "yet"):
        return "PRESENT_REF", "DATE"
    if re.fullmatch(r"(?:the\s+)?(?:near\s+future|near\s+term|short\s+term|future|later\s+date|"
                    r"a\s+later\s+date|coming\s+(?:days|weeks|months|quarters|years|decades)|"
                    r"future\s+(?:quarters|years|months))", low):
        return "FUTURE_REF", "DATE"
    # vague stretches reaching back to now or ahead ("the last few months", "the next several
    # days"): durations of unknown length, as the TimeML guidelines have them
    m = re.fullmatch(r"(?:the\s+)?(?:last|past|next|coming)\s+(?:few|several|many)\s+"
                     r"(days|weeks|months|quarters|years|decades)", low)
    if m:
        return _duration("X", _unit_of(m[1])), "DURATION"
    m = re.fullmatch(r"recent\s+(days|weeks|months|quarters|decades)", low)
    if m:
        return _duration("X", _unit_of(m[1])), "DURATION"
    # "January this year", "June last year", "March of next year"
    m = re.fullmatch(r"(" + _MONTH_RE + r")\s+(?:of\s+)?(this|last|next)\s+year", low)
    if m and a is not None:
        y = a.year + {"this": 0, "last": -1, "next": 1}[m[2]]
        return f"{y}-{MONTHS[m[1].rstrip('.')]:02d}", "DATE"
    # "the year ended Aug. 31", "the fiscal year ending in June": a twelve-month period
    if re.fullmatch(r"(?:the\s+)?(?:fiscal\s+)?year\s+(?:ended|ending)\b.*", low):
        return "P1Y", "DURATION"
    if low in ("current",):
        return "PRESENT_REF", "DATE"
    if re.fullmatch(r"recent\s+(?:years|months|weeks|days|decades|quarters)", low):
        return "PAST_REF", "DATE"
    if re.fullmatch(r"year[-\s](?:earlier|ago)(?:\s+(?:period|quarter|levels?))?", low) and a is not None:
        return str(a.year - 1), "DATE"
    if re.fullmatch(r"(?:latest|most recent|recent|past|last|previous)\s+(?:quarter|period)", low) and a is not None:
        return _relative_unit(a, "quarter", -1), "DATE"
    if low in ("future", "soon", "coming years"):
        return "FUTURE_REF", "DATE"

    # ---- TIME ----------------------------------------------------------------------------
    clock = _clock(low)
    pod = None
    for w, code in _PART_OF_DAY.items():
        if re.search(r"\b" + w + r"\b", low):
            pod = code
    day_word = None
    for w, k in (("yesterday", -1), ("today", 0), ("tomorrow", 1), ("tonight", 0)):
        if re.search(r"\b" + w + r"\b", low):
            day_word = k
    if clock or (pod and (day_word is not None or re.match(r"^(this|last|tomorrow|yesterday|" + _WD_RE + ")", low) or low in ("tonight", "overnight"))):
        base = None
        wd = re.search(_WD_RE, low)
        if day_word is not None and a:
            base = (a + dt.timedelta(days=day_word)).isoformat()
        elif wd and a:
            base = _weekday(a, WEEKDAYS[wd.group(0)], tense, None)
        elif re.match(r"^last\s+night", low) and a:
            base = (a - dt.timedelta(days=1)).isoformat()
        elif a:
            date_part = _explicit_date(low, a, tense)
            base = date_part or a.isoformat()
        base = base or "XXXX-XX-XX"
        if clock:
            return f"{base}T{clock[0]:02d}:{clock[1]:02d}", "TIME"
        return f"{base}T{pod}", "TIME"

    # ---- explicit calendar dates --------------------------------------------------------
    if t in ("May", "May.") and a is not None:
        return _month_day(a, 5, None, tense), "DATE"
    v = _explicit_date(low, a, tense)
    if v:
        return v, "DATE"

    # ---- deictic days / weekdays ---------------------------------------------------------
    if low in ("today", "this day"):
        return (a.isoformat() if a else "XXXX-XX-XX"), "DATE"
    if low == "yesterday":
        return ((a - dt.timedelta(days=1)).isoformat() if a else "XXXX-XX-XX"), "DATE"
    if low == "tomorrow":
        return ((a + dt.timedelta(days=1)).isoformat() if a else "XXXX-XX-XX"), "DATE"
    if low in ("the day before yesterday", "day before yesterday"):
        return ((a - dt.timedelta(days=2)).isoformat() if a else "XXXX-XX-XX"), "DATE"
    m = re.fullmatch(r"(?:(last|next|this|coming|past)\s+)?(" + _WD_RE + r")", low)
    if m:
        rel = {"coming": "next", "past": "last"}.get(m[1], m[1])
        return _weekday(a, WEEKDAYS[m[2]], tense, rel), "DATE"

    # ---- seasons -------------------------------------------------------------------------
    m = re.fullmatch(r"(?:(last|next|this|coming|past)\s+)?(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(\d{4}))?", low)
    if m:
        if m[3]:
            return f"{m[3]}-{SEASONS[m[2]][0]}", "DATE"
        rel = {"coming": "next", "past": "last"}.get(m[1], m[1])
        return _season(a, m[2], tense, rel), "DATE"

    # ---- this/last/next unit -------------------------------------------------------------
    m = re.fullmatch(r"(this|last|next|past|previous|coming|current|same)\s+(week|weekend|month|quarter|year|decade|century)", low)
    if m:
        k = {"this": 0, "current": 0, "same": 0, "last": -1, "past": -1, "previous": -1,
             "next": 1, "coming": 1}[m[1]]
        v = _relative_unit(a, m[2], k)
        if v is None:
            return None
        return v, "DATE"

    # ---- "N units ago" / "in N units" / "N units from now" -------------------------------
    m = re.fullmatch(r"(.+?)\s+((?:second|minute|hour|day|night|week)s?)\s+(?:earlier|later|before|after)", low)
    if m:
        # relative to another event, not to publication: the span itself is the value
        n = parse_number(m[1])
        u = _unit_of(m[2])
        if u:
            return _duration(n if n is not None else "X", u), "DURATION"
    m = re.fullmatch(r"(.+?)\s+(" + _UNIT_RE + r")\s+(ago|earlier|before|from now|later|hence)", low)
    if m:
        n = parse_number(m[1])
        u = _unit_of(m[2])
        if u and a:
            if n is None:
                return ("PAST_REF" if m[3] in ("ago", "earlier", "before") else "FUTURE_REF"), "DATE"
            k = -n if m[3] in ("ago", "earlier", "before") else n
            if u == "day":
                return (a + dt.timedelta(days=k)).isoformat(), "DATE"
            if u in ("week", "month", "year", "decade", "quarter") and float(k).is_integer():
                return _relative_unit(a, u, int(k)), "DATE"

    # ---- durations -----------------------------------------------------------------------
    # "a couple of years" is two; "20 more years", "eight trading days": the unit counts
    low = re.sub(r"^(?:a\s+)?couple\s+of\s+", "two ", low)
    low = re.sub(r"\s+(?:more|additional|further|trading|business|working|calendar|straight|"
                 r"consecutive|full)(?=\s+" + _UNIT_RE + r"$)", "", low)
    m = re.fullmatch(r"(?:(?:the\s+)?(?:past|last|latest|next|coming|first|final|following|previous|over|within|nearly|almost|about|around|more than|less than|at least|up to|some)\s+)*"
                     r"((?:\d+(?:\.\d+)?|[a-z]+(?:[\s-][a-z]+)?)[\s-]+)?(?:and\s+a\s+half\s+)?(" + _UNIT_RE + r")(?:[\s-]+long)?", low)
    if m:
        u = _unit_of(m[2])
        num_text = (m[1] or "").strip()
        if u:
            if not num_text:
                n = "X" if m[2].endswith("s") else 1
            elif num_text in _QUANT_WORD or num_text.split()[-1] in ("several", "few", "many", "some", "couple"):
                n = "X"
            else:
                n = parse_number(num_text)
                if n is None:
                    return None
                if re.fullmatch(r"1\d{3}|20\d{2}", num_text):
                    return num_text, "DATE"   # "the 1988 quarter": a year, not 1988 quarters
            if " and a half" in low:
                n = n + 0.5 if isinstance(n, (int, float)) else n
            return _duration(n, u), "DURATION"
    if low in ("decades", "years", "months", "weeks", "days", "hours"):
        return _duration("X", _unit_of(low)), "DURATION"
    return None


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}


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


# --------------------------------------------------------------------------------------------
_PATTERNS = [re.compile(p, re.I) for p in (
    r"\b(?:(?:last|next|this|coming|past)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:yesterday|today|tomorrow|tonight|overnight)(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:this|last)\s+(?:morning|afternoon|evening|night)\b",
    r"\b(?:this|last|next|past|previous|coming)\s+(?:week|weekend|month|quarter|year|decade|century)\b",
    r"\b(?:every|each)\s+(?:other\s+)?(?:\d+\s+|[a-z]+\s+)?(?:" + _UNIT_RE + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    r"\b(?:weekly|monthly|hourly|nightly)\b(?=\s*[.,;])",
    r"\b(?:now|currently|recently|nowadays|current|recent)\b(?!-)",
    r"\brecent\s+(?:years|months|weeks|days|decades|quarters)\b",
    r"\b(?:the\s+)?(?:latest|most\s+recent)\s+(?:quarter|period)\b",
    r"\b(?:the\s+)?year-(?:earlier|ago)(?:\s+(?:period|quarter|level|levels))?\b",
    r"\b(?:earlier|later)\s+(?:this|last|next)\s+(?:week|month|year|morning|afternoon|evening)\b",
    r"\b(?:in|the)\s+(?:past|future)\b",
    r"\b(?:(?:last|next|this|coming|past)\s+)?(?:spring|summer|autumn|winter)(?:\s+(?:of\s+)?\d{4})?\b",
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|several|a few|few)\s+" + _UNIT_RE + r"\s+(?:ago|earlier|later|from now)\b",
    r"\b" + _MONTH_RE + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b",
    r"\b(?:1[0-9]|20)\d0s\b",
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred)-(?:year|month|week|day|hour|minute)\b(?!-old)",
    r"\b(?:nineteen|eighteen)[\s-]+(?:[a-z]+ty(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b",
    r"\b(?:the\s+)?year\s+two\s+thousand(?:\s+(?:and\s+)?[a-z]+)?\b",
)]
# words spaCy puts at the start of a DATE that TIMEX3 leaves out ("just last month")
_LEAD_DROP = re.compile(r"(?:just|only|barely|as early as|as late as|as recently as|even|between)\s+", re.I)


def _tense(doc: Doc, start_char: int, end_char: int) -> str:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None:
        return PRESENT
    tok = span.root
    seen = 0
    while tok.pos_ not in ("VERB", "AUX") and tok.head is not tok and seen < 8:
        tok = tok.head
        seen += 1
    if tok.pos_ not in ("VERB", "AUX"):
        # verbless sentence: the sentence's first verb
        verbs = [t for t in span.sent if t.pos_ in ("VERB", "AUX")]
        if not verbs:
            return PRESENT
        tok = verbs[0]
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in auxes}
    if words & {"will", "'ll", "shall", "wo"} or (tok.lower_ in ("will", "shall")):
        return FUTURE
    if words & {"would", "could", "might", "may", "should", "must", "can"}:
        # modal: future unless a perfect ("would have done")
        return PAST if "have" in words else FUTURE
    if "to" in words:
        # "going to", "plans to", "is set to": look at the governing verb
        head = tok.head
        head_aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
        if head.dep_ in ("acomp", "xcomp", "attr"):   # "had been due to", "was set to"
            head_aux |= {c.lower_ for c in head.head.children if c.dep_ in ("aux", "auxpass")}
            head_aux |= {head.head.lower_} if head.head.tag_ == "VBD" else set()
        if head_aux & {"had", "was", "were"} or head.tag_ == "VBD" or \
                (head.dep_ in ("acomp", "xcomp", "attr") and head.head.tag_ == "VBD"):
            return PAST   # "had been due to expire Friday", "was set to close Monday"
        if head.lower_ in ("going", "plan", "plans", "planned", "set", "expected", "due", "intends", "aims", "hopes", "wants", "scheduled") or head.lemma_ in ("plan", "expect", "intend", "aim", "hope", "want", "schedule", "prepare"):
            return FUTURE
        if head.tag_ in ("VBD",):
            return PAST
    if tok.tag_ == "VBD" or words & {"had", "did", "was", "were"}:
        return PAST
    if tok.tag_ == "VBN" and words & {"has", "have"}:
        return PAST
    if tok.tag_ == "VBN" and not words:
        return PAST
    if tok.tag_ == "VBG" and words & {"is", "are", "am", "'s", "'re"} and tok.lemma_ in (
            "prepare", "plan", "go", "come", "expect", "schedule", "set", "aim", "hope", "head"):
        return FUTURE
    if tok.tag_ == "VBG" and words & {"was", "were"}:
        return PAST
    return PRESENT


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


_CLOCKY = re.compile(r"(?:\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?(?:\s+[A-Z]{3})?|noon|midnight|"
                     r"(?:early\s+|late\s+|mid-?)?(?:morning|afternoon|evening|night))$", re.I)


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


# Anaphoric expressions: counted from the date the text last named, not from publication
# ("In March 1995 ... the following month" -> 1995-04). "next month" without "the" is deictic.
_NARRATIVE = re.compile(r"(?:(?:the\s+)?(following|previous|prior|same)|the\s+(next)|(that))\s+"
                        r"(day|week|month|year)", re.I)
_NARRATIVE_UNIT_LEN = {"day": 10, "week": 8, "month": 7, "year": 4}   # ISO value length


def _governing_date(value: str, unit: str) -> dt.date | None:
    """The date a calendar value names at ``unit`` granularity ('1995-03-14' at 'month')."""
    try:
        if unit == "week" and re.fullmatch(r"\d{4}-W\d\d", value):
            return dt.date.fromisocalendar(int(value[:4]), int(value[6:8]), 1)
        if len(value) < _NARRATIVE_UNIT_LEN[unit] or unit == "week" and len(value) < 10:
            return None
        y = int(value[:4])
        m = int(value[5:7]) if unit in ("day", "month", "week") else 1
        d = int(value[8:10]) if unit in ("day", "week") else 1
        return dt.date(y, m, d)
    except ValueError:
        return None


def _narrative_anchors(times: list[TimeRef]) -> None:
    """'In 1995 ... the following year' -> 1996, 'On March 3 ... the next day' -> March 4:
    each anaphoric expression is anchored on the nearest date the text named before it."""
    named: list[str] = []     # calendar values of explicit dates so far, in text order
    for t in times:
        m = _NARRATIVE.fullmatch(t.text.strip())
        if m:
            rel = (m[1] or m[2] or m[3]).lower()
            unit = m[4].lower()
            k = {"following": 1, "next": 1, "previous": -1, "prior": -1}.get(rel, 0)
            if rel == "next" and unit == "year":
                continue   # "in the next year": the coming twelve months, as often as not
            for v in reversed(named):
                base = _governing_date(v, unit)
                if base is not None:
                    t.value, t.type = _relative_unit(base, unit, k), "DATE"
                    break
            continue
        if re.search(r"\d", t.text) and re.match(r"\d{4}(?:-\d\d){0,2}$|\d{4}-W\d\d$", t.value or ""):
            named.append(t.value)


_YEAR_AGO = re.compile(
    r"(?:(?:the|a)\s+)?(?:(?:comparable|corresponding|same)\s+)?(?:year[-\s](?:ago|earlier)"
    r"(?:\s+(?:quarter|period|levels?))?|year\s+(?:ago|earlier)|(?:quarter|period)\s+(?:a\s+)?year\s+(?:ago|earlier)"
    r"|(?:period|quarter)\s+last\s+year|last\s+year's\s+(?:quarter|period))", re.I)
_THIS_QUARTER = re.compile(r"(?:the|this|that)\s+(?:latest\s+|most\s+recent\s+|current\s+)?(?:quarter|period)"
                           r"|(?:the\s+)?(?:latest|most\s+recent)\s+(?:quarter|period)", re.I)
_YEAR_PERIOD = re.compile(r"(?:the\s+)?((?:19|20)\d\d)\s+(?:quarter|period)", re.I)


def _reporting_quarter(times: list[TimeRef], anchor) -> None:
    """Quarterly-report conventions of TimeML: in an article about a quarter's results
    ("third-quarter profit ..."), "a year earlier" / "the year-ago quarter" is that quarter a
    year before (1988-Q3), "the quarter" / "the latest period" is the reported quarter and
    "the 1988 period" that quarter of 1988. The reported quarter is the last explicit one
    mentioned before the expression (else the first one of the article)."""
    quarters = [(t.start, t.value) for t in times
                if re.fullmatch(r"\d{4}-Q[1-4]", t.value or "")
                and not _THIS_QUARTER.fullmatch(t.text.strip()) and not _YEAR_AGO.search(t.text)]
    if not quarters:
        return
    for t in times:
        before = [v for s, v in quarters if s < t.start]
        q = before[-1] if before else quarters[0][1]
        year, qn = int(q[:4]), q[5:]
        text = t.text.strip()
        if _YEAR_AGO.fullmatch(text) or (_YEAR_AGO.search(text) and t.value == str(year - 1)):
            t.value, t.type = f"{year - 1}-{qn}", "DATE"
        elif _THIS_QUARTER.fullmatch(text) and re.fullmatch(r"\d{4}-Q[1-4]", t.value or ""):
            t.value = q
        else:
            m = _YEAR_PERIOD.fullmatch(text)
            if m:
                t.value, t.type = f"{m[1]}-{qn}", "DATE"


@Language.component("newsdesk_times")
def times_component(doc: Doc) -> Doc:
    anchor = parse_anchor(doc._.published)
    times = extract_times(doc, anchor)
    doc._.nd_times = times
    doc._.nd_quantities = extract_quantities(doc, [(t.start, t.end) for t in times])
    return doc


__all__ = ["normalize", "extract_times", "parse_anchor", "times_component"]
