"""Dates as pages write them ("Thursday, January 5, 2023 5:52 pm") -> ISO 8601."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|rsday)?\.?"
_TIME = (r"(?P<h>\d{1,2})[:.](?P<mi>[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
         r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?(?![\w])")

DATE_RE = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?"
    rf"(?:(?P<mon>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH})\.?,?\s+(?P<year2>(?:19|20)\d\d)"
    rf"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d))"
    rf"(?:(?:\s*,|\s+at|\s*[-|–—·•/]|T)?\s*{_TIME})?",
    re.I,
)
_DIGIT = re.compile(r"\d")
# A time alone ("5:52 pm", "17:52"), e.g. on a line of its own next to a date line.
TIME_RE = re.compile(rf"(?<![\w:]){_TIME}", re.I)


@dataclass
class Found:
    date: str            # YYYY-MM-DD
    time: str | None     # HH:MM
    start: int
    end: int

    @property
    def iso(self) -> str:
        return f"{self.date}T{self.time}" if self.time else self.date


def _hm(h: str | None, mi: str | None, ampm: str | None) -> str | None:
    if h is None:
        return None
    hour, minute = int(h), int(mi)
    if ampm:
        pm = ampm.lower().startswith("p")
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


def find_dates(text: str) -> list[Found]:
    """All valid calendar dates in text, with the time written next to them if any."""
    out: list[Found] = []
    if not _DIGIT.search(text):   # every date form has digits: skip the big regex
        return out
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        try:
            if g["iso"]:
                y, mo, d = (int(x) for x in g["iso"].split("-"))
            else:
                mon = g["mon"] or g["mon2"]
                y = int(g["year"] or g["year2"])
                mo = MONTHS[mon[:3].lower()]
                d = int(g["day"] or g["day2"])
            datetime.date(y, mo, d)
        except (ValueError, KeyError):
            continue
        out.append(Found(f"{y:04d}-{mo:02d}-{d:02d}", _hm(g["h"], g["mi"], g["ampm"]), m.start(), m.end()))
    return out


def find_time(text: str) -> str | None:
    m = TIME_RE.search(text)
    return _hm(m.group("h"), m.group("mi"), m.group("ampm")) if m else None


def normalise(value: str | None) -> str | None:
    """Any date string (ISO with time zone, "January 5, 2023") -> "YYYY-MM-DD[THH:MM]"."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?:[T ]([0-2]\d):([0-5]\d))?", value)
    if m:
        y, mo, d, h, mi = m.groups()
        try:
            datetime.date(int(y), int(mo), int(d))
        except ValueError:
            return None
        if h is not None and int(h) > 23:
            h = mi = None
        base = f"{y}-{mo}-{d}"
        # Midnight with no other sign of a time is usually "date only" in CMS output.
        return f"{base}T{h}:{mi}" if h is not None and not (h == "00" and mi == "00") else base
    found = find_dates(value)
    if found:
        return found[0].iso
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-([01]\d))?", value)
    return value if m else None


def refine(date: str, page: Found | str | None) -> str:
    """Add the page's time to a corpus date when the page states the same day."""
    if page is None or "T" in date:
        return date
    iso = page.iso if isinstance(page, Found) else page
    if iso[:10] == date[:10] and "T" in iso:
        return iso
    return date
