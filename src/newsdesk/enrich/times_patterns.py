"""The wordings of temporal expressions: vocabularies (months, weekdays, units, seasons)
and the regular expressions that find TIMEX3 extents spaCy misses or that later steps
recognise (narrative "the following month", quarterly-report "year-ago" forms)."""
from __future__ import annotations

import re


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

_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}

# --------------------------------------------------------------------------------------------
_PATTERNS = [re.compile(p, re.I) for p in (
    r"\b(?:(?:last|next|this|coming|past)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:yesterday|today|tomorrow|tonight|overnight)(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:this|last)\s+(?:morning|afternoon|evening|night)\b",
    r"\b(?:this|last|next|past|previous|coming)\s+(?:week|weekend|month|quarter|year|decade|century)\b",
    r"\b(?:every|each)\s+(?:other\s+)?(?:\d+\s+|[a-z]+\s+)?(?:" + _UNIT_RE + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    r"\b(?:weekly|monthly|hourly|nightly)\b(?=\s*[.,;])",
    r"\b(?:now|currently|recently|nowadays|current|recent)\b(?!-)",
    # the calendar unit "current" heads is one TIMEX3 with it
    r"\b(?:the\s+)?current\s+(?:fiscal\s+)?(?:year|quarter|month|week)\b",
    r"\brecent\s+(?:years|months|weeks|days|decades|quarters)\b",
    # vague references ahead of the speech time ("soon", "the near future")
    r"(?<!as\s)\bsoon\b(?!\s+(?:as|after|before|afterwards?)\b)",
    r"\b(?:the\s+)?near\s+(?:future|term)\b",
    r"\ba\s+later\s+date\b",
    # unmeasured stretches ("for some time", "for a while"): durations of unknown length
    r"(?<=\bfor\s)(?:some\s+time|a\s+(?:long\s+)?while)\b",
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

_CLOCKY = re.compile(r"(?:\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?(?:\s+[A-Z]{3})?|noon|midnight|"
                     r"(?:early\s+|late\s+|mid-?)?(?:morning|afternoon|evening|night))$", re.I)

# Anaphoric expressions: counted from the date the text last named, not from publication
# ("In March 1995 ... the following month" -> 1995-04). "next month" without "the" is deictic.
_NARRATIVE = re.compile(r"(?:(?:the\s+)?(following|previous|prior|same)|the\s+(next)|(that))\s+"
                        r"(day|week|month|year)", re.I)
_NARRATIVE_UNIT_LEN = {"day": 10, "week": 8, "month": 7, "year": 4}   # ISO value length

_YEAR_AGO = re.compile(
    r"(?:(?:the|a)\s+)?(?:(?:comparable|corresponding|same)\s+)?(?:year[-\s](?:ago|earlier)"
    r"(?:\s+(?:quarter|period|levels?))?|year\s+(?:ago|earlier)|(?:quarter|period)\s+(?:a\s+)?year\s+(?:ago|earlier)"
    r"|(?:period|quarter)\s+last\s+year|last\s+year's\s+(?:quarter|period))", re.I)
_THIS_QUARTER = re.compile(r"(?:the|this|that)\s+(?:latest\s+|most\s+recent\s+|current\s+)?(?:quarter|period)"
                           r"|(?:the\s+)?(?:latest|most\s+recent)\s+(?:quarter|period)", re.I)
_YEAR_PERIOD = re.compile(r"(?:the\s+)?((?:19|20)\d\d)\s+(?:quarter|period)", re.I)
