"""``normalize(text, anchor, tense)``: the TIMEX3 (value, type) of one temporal expression,
read by wording class (references, sets, times, dates, relative units, durations)."""
from __future__ import annotations

import datetime as dt
import re

from .quantities import parse_number
from .times_patterns import FUTURE, MONTHS, PAST, PRESENT, SEASONS, WEEKDAYS, _DECADE_WORDS, _MONTH_RE, _PART_OF_DAY, _QUANT_WORD, _UNIT_RE, _WD_RE
from .times_calendar import _clock, _duration, _explicit_date, _month_day, _relative_unit, _season, _spelled_year, _unit_of, _weekday


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
    if re.fullmatch(r"(?:a|the)\s+later\s+date", low):
        return "FUTURE_REF", "DATE"   # before "later" is stripped as a modifier below
    if re.fullmatch(r"(?:some\s+time|a\s+(?:long\s+)?while)", low):
        return "PXX", "DURATION"
    if low == "one day" and tense == FUTURE:
        return "FUTURE_REF", "DATE"   # "will one day be": some future day, not a day long
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
    # a part of the current unit ("by the end of the month"): TIMEX3 values it as the unit
    # itself, not as a duration
    m = re.fullmatch(r"(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+(?:the|this)\s+(week|month|quarter|year)", low)
    if m and a is not None:
        return _relative_unit(a, m[1], 0), "DATE"
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
    m = re.fullmatch(r"(this|last|next|past|previous|coming|current|same)\s+(?:fiscal\s+)?(week|weekend|month|quarter|year|decade|century)", low)
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
    # a range of counts ("two to three weeks", "the next 12 to 18 months") is one DURATION,
    # valued by its lower bound
    m = re.fullmatch(r"(.*?)(\d+|[a-z]+)\s*(?:to|-|–)\s*(\d+|[a-z]+)\s+(" + _UNIT_RE + r")", low)
    if m and parse_number(m[2]) is not None and parse_number(m[3]) is not None:
        low = f"{m[1]}{m[2]} {m[4]}"
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
