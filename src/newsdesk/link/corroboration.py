"""Who confirms an incident, who disputes it: a status with the spans that show it.

Independent outlets: a duplicate family counts once (its head's outlet), an outlet once.
Contested: some reports assert the happening while others negate it, or their numbers
(casualties, troops, distances) differ beyond rounding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SINGLE, CORROBORATED, CONTESTED = "single-source", "corroborated", "contested"
STATUSES = (SINGLE, CORROBORATED, CONTESTED)
ROUNDING = 0.15    # numbers within 15 % of each other are one figure told two ways


@dataclass
class Report:
    """One event mention of an incident, as one article tells it."""

    article_id: str
    outlet: str | None
    family: str                  # the article's family head (itself when no copy)
    published: str | None
    start: int                   # trigger span in the article text
    end: int
    sentence_start: int | None = None
    sentence_end: int | None = None
    factuality: str = "asserted"
    source: str | None = None    # who the article says claims it (attributed_to)
    numbers: list[tuple[float, str | None]] = field(default_factory=list)  # (value, unit)


def independent_outlets(reports: list[Report]) -> list[str]:
    """Distinct outlets once copies are folded into their family's first carrier."""
    first_by_family: dict[str, Report] = {}
    for r in sorted(reports, key=lambda r: (r.published or "", r.article_id)):
        first_by_family.setdefault(r.family, r)
    outlets = []
    for r in first_by_family.values():
        name = r.outlet or f"article {r.article_id}"
        if name not in outlets:
            outlets.append(name)
    return outlets


def _unit(u: str | None) -> str:
    return re.sub(r"s$", "", (u or "").lower().strip())


def conflicting_numbers(reports: list[Report]) -> list[tuple[Report, Report]]:
    """Pairs of reports from different families giving the same unit different figures."""
    out = []
    for i, a in enumerate(reports):
        for b in reports[i + 1:]:
            if a.family == b.family:
                continue
            for va, ua in a.numbers:
                for vb, ub in b.numbers:
                    if _unit(ua) and _unit(ua) == _unit(ub) and max(va, vb) > 0:
                        if abs(va - vb) / max(abs(va), abs(vb)) > ROUNDING:
                            out.append((a, b))
    return out


def status(reports: list[Report]) -> tuple[str, str]:
    """(status, why) for an incident's reports."""
    asserted = {r.family for r in reports if r.factuality == "asserted"}
    denied = {r.family for r in reports if r.factuality == "negated"}
    if asserted and denied and asserted != denied:
        return CONTESTED, "asserted by some reports and negated by others"
    if conflicting_numbers(reports):
        return CONTESTED, "reports give different figures"
    outlets = independent_outlets(reports)
    if len(outlets) >= 2:
        return CORROBORATED, f"{len(outlets)} independent outlets"
    return SINGLE, "one outlet"
