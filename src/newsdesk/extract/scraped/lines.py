"""A scraped line as a record, and the scraped page's result; unwrapping and split bylines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dates import Found
from .chrome import _END_SENTENCE, words


@dataclass
class Line:
    text: str
    # blank prose date byline chrome label nav author quote comments caption cell promo widget other
    kind: str = "other"
    dates: list[Found] = field(default_factory=list)
    repeated: bool = False


@dataclass
class Scraped:
    text: str
    title: str | None = None
    byline: list[str] = field(default_factory=list)
    outlet: str | None = None
    date: Found | None = None
    warnings: list[str] = field(default_factory=list)
    prose: bool = True     # False when no prose run was found (body is a best-effort residue)
    language: str | None = None   # as the page declares it (HTML lang), used when detection is unsure
    url: str | None = None        # the URL the page gives for itself (canonical link, og:url)


def _unwrap(lines: list[str]) -> list[str]:
    """Re-join hard-wrapped lines: a long line without end punctuation followed by a lower-case start."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        # Both sides must look like running text: a lone lower-case token (a logo strip,
        # a button) after a long label is not a continuation.
        if (line and prev and len(prev) >= 50 and not _END_SENTENCE.search(prev)
                and len(words(line)) >= 3 and len(words(prev)) >= 8
                and (line[0].islower() or prev.endswith((",", ";", "-")))):
            out[-1] = prev + ("" if prev.endswith("-") and line[0].islower() else " ") + line
        else:
            out.append(line)
    return out


_BY_ALONE = re.compile(r"^(?:by|written by|words by|story by|reported by|text by|posted by)\s*:?$", re.I)


def _join_split_bylines(texts: list[str]) -> list[str]:
    """'By' on a line of its own and the name on the next (separate elements): one byline."""
    out = list(texts)
    for i, t in enumerate(out):
        if not _BY_ALONE.match(t):
            continue
        j = next((k for k in range(i + 1, min(len(out), i + 3)) if out[k]), None)
        if j is not None and out[j][:1].isupper() and len(words(out[j])) <= 8 and not _END_SENTENCE.search(out[j]):
            out[i], out[j] = t.rstrip(" :") + " " + out[j], ""
    return out
