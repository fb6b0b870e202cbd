"""Which date and tense a temporal expression is read against: the publication date
(``parse_anchor``), the tense of the governing verb (``_tense``), and the date the text
itself named before (narrative "the following month", quarterly-report "a year earlier")."""
from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Doc

from ..model import TimeRef
from .times_patterns import FUTURE, PAST, PRESENT, _NARRATIVE, _NARRATIVE_UNIT_LEN, _THIS_QUARTER, _YEAR_AGO, _YEAR_PERIOD
from .times_calendar import _relative_unit


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

# adjectives that place the date they govern ahead of the act reported ("declared a dividend
# payable Dec. 15", "a pact effective June 1")
_PROSPECTIVE = {"payable", "effective", "due"}


def _tense(doc: Doc, start_char: int, end_char: int) -> str:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None:
        return PRESENT
    tok = span.root
    seen = 0
    while tok.pos_ not in ("VERB", "AUX") and tok.head is not tok and seen < 8:
        if tok.lower_ in _PROSPECTIVE and tok.pos_ == "ADJ":
            return FUTURE   # "a dividend payable Dec. 15": the date lies ahead of the report
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
