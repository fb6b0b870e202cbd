"""Normalised keys for entity and place overlap between articles."""
from __future__ import annotations

import re

_DROP = re.compile(r"^(the|a|an)\s+|['’]s$")
_YEAR = re.compile(r"^(1[89]|20)\d\d(\b|-)")


def entity_key(name: str) -> str:
    """'The White House' and 'White House's' share a key: lower case, no article, no 's."""
    k = " ".join((name or "").lower().split())
    return _DROP.sub("", k).strip(" .,\"'")


def article_keys(article) -> set[str]:
    """An enriched Article's entities (canonical names), places, dates and figures, as keys
    (two similar happenings, two earthquakes, differ most by when, where and how many)."""
    keys = {entity_key(e.canonical or e.text) for e in article.entities
            if e.label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")}
    keys |= {entity_key(p.name) for p in article.places}
    dates = {t.value for t in article.times if t.type == "DATE"}
    # the year alone too: "2013-09-11" and "2013" say the same year
    keys |= dates | {d[:4] for d in dates if _YEAR.match(d)}
    keys |= {q.text.lower() for q in article.quantities}
    keys.discard("")
    return keys
