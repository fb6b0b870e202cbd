"""A story with its claims: each incident report read back into its article.

``newsdesk link`` stores an incident's reports as spans (article id, trigger and sentence
offsets, source). The story page and the daily brief need what those spans say: the quoted
sentence, the outlet, time and link of the article, the event's actors, place and date,
and where the place is. This module reads them through the store API (``store.get``) and
adds them to the stored story record; it changes no table.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..model import place_precision
from . import links


def _event_at(article, start: int):
    return next((e for e in article.events if e.start == start), None)


def _place(article, name: str | None) -> dict[str, Any] | None:
    if not name:
        return None
    for p in article.places:
        if p.name == name or p.text == name:
            return {"name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
                    "precision": place_precision(p.kind, p.lat)}
    return {"name": name, "country": None, "lat": None, "lon": None, "precision": None}


def claim(report: dict[str, Any], article) -> dict[str, Any]:
    """One report as a claim: who said it, the quoted span and the article it is in."""
    text = article.text if article else ""
    s0, s1 = report.get("sentence_start"), report.get("sentence_end")
    if not (isinstance(s0, int) and isinstance(s1, int) and 0 <= s0 < s1 <= len(text)):
        s0, s1 = report["start"], report["end"]
    if text:   # the quote's offsets are exactly its text's: text[quote_start:quote_end] == quote
        raw = text[s0:s1]
        s0, s1 = s0 + len(raw) - len(raw.lstrip()), s1 - (len(raw) - len(raw.rstrip()))
    out = dict(report)
    out.update({"quote": text[s0:s1] if text else None, "quote_start": s0, "quote_end": s1,
                "trigger": text[report["start"]:report["end"]] if text else None,
                "title": article.title if article else None, "url": article.url if article else None,
                "published": article.published if article else None})
    ev = _event_at(article, report["start"]) if article else None
    if ev is not None:
        out["event"] = {"type": ev.type, "actors": list(ev.actors), "targets": list(ev.targets),
                        "place": _place(article, ev.place), "time": ev.time,
                        "factuality": ev.factuality, "attributed_to": ev.attributed_to,
                        "method": ev.method, "confidence": ev.confidence}
    return out


def _most(values) -> Any:
    c = Counter(v for v in values if v)
    return c.most_common(1)[0][0] if c else None


def summarize_incident(inc: dict[str, Any]) -> dict[str, Any]:
    """The incident's actors, targets, place and date: the most told among its claims."""
    evs = [c["event"] for c in inc["claims"] if c.get("event")]
    places = [e["place"] for e in evs if e.get("place")]
    located = [p for p in places if p.get("lat") is not None]
    place = _most(p["name"] for p in places)
    where = next((p for p in located if p["name"] == place), located[0] if located else None)
    return {"actors": _most(tuple(e["actors"]) for e in evs) or (),
            "targets": _most(tuple(e["targets"]) for e in evs) or (),
            "place": where or (next((p for p in places if p["name"] == place), None)),
            "time": _most(e.get("time") for e in evs)}


def families(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles folded into duplicate families: the first carrier with its copies."""
    heads: dict[str, dict[str, Any]] = {}
    for a in articles:
        head = a.get("duplicate_of") or a["id"]
        if head not in heads:
            heads[head] = {"article": a if not a.get("duplicate_of") else None, "copies": []}
        if a.get("duplicate_of"):
            heads[head]["copies"].append(a)
        else:
            heads[head]["article"] = a
    out = []
    for head, fam in heads.items():
        first = fam["article"] or fam["copies"].pop(0)
        also = sorted({c["outlet"] for c in fam["copies"] if c.get("outlet")} - {first.get("outlet")})
        out.append({"article": first, "copies": fam["copies"], "also_carried_by": also})
    return out


def _reader(store):
    """``store.get`` remembering each article (an article gives several claims)."""
    cache: dict[str, Any] = {}

    def get(aid):
        if aid not in cache:
            cache[aid] = store.get(aid)
        return cache[aid]
    return get


def _add_claims(inc: dict[str, Any], get) -> dict[str, Any]:
    inc["claims"] = [claim(r, get(r["article_id"])) for r in inc.get("reports", [])]
    inc["claims"].sort(key=lambda c: (c.get("published") or "", c["article_id"]))
    inc["summary"] = summarize_incident(inc)
    return inc


def with_claims(store, story: dict[str, Any]) -> dict[str, Any]:
    """The story (from links.story) with claims under each incident and its families."""
    get = _reader(store)
    for inc in story.get("incidents", []):
        _add_claims(inc, get)
    story["families"] = families(story.get("articles", []))
    story["independent_outlets"] = sorted({f["article"].get("outlet") or f["article"]["id"]
                                           for f in story["families"]})
    return story


def story_with_claims(store, story_id: str) -> dict[str, Any] | None:
    found = links.story(store, story_id)
    return with_claims(store, found) if found else None


def incident_with_claims(store, incident_id: str) -> dict[str, Any] | None:
    """One incident with its claims, summary and its story's summary (None: not stored)."""
    found = links.incident(store, incident_id)
    if found is None:
        return None
    _add_claims(found, _reader(store))
    found["story"] = story_summary(store, found["story_id"]) if found.get("story_id") else None
    return found


def story_summary(store, story_id: str) -> dict[str, Any] | None:
    """The stored story record without its article list (what an article's page links to)."""
    rows = links._fetch(store, "SELECT record FROM stories WHERE id = ?", (story_id,))
    if not rows:
        return None
    rec = rows[0]["record"]
    out = json.loads(rec) if isinstance(rec, str) else dict(rec)
    out.pop("articles", None)
    return out


def latest_report(store) -> str | None:
    """The newest story report time (where a relative brief period ends on an archive)."""
    rows = links._fetch(store, "SELECT max(last_seen) AS last FROM stories")
    return rows[0]["last"] if rows else None


def stories_with_claims(store, since: str | None = None, until: str | None = None,
                        q: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Every story seen in the period (last report at or after ``since``), with claims."""
    rows = links.stories(store, limit=limit, q=q, since=since, until=until)
    out = []
    for s in rows:
        full = story_with_claims(store, s["id"])
        if full:
            out.append(full)
    return out
