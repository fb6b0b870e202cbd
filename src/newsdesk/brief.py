"""The daily brief: the period's stories, ranked, each told in a few cited sentences.

Pure functions over story records that carry claims (store.story_claims.with_claims):
no store or web import here. Every sentence is a template filled from an incident record
(type, actors, targets, place, date); every fact carries its citations (outlet, time, link,
quoted span) and its status, and a contested fact lists each side's reports.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

FACTS_PER_STORY = 3
QUOTE_CHARS = 240

# What a PLOVER type reads as between actors and targets ("X attacked Y").
VERBS = {
    "AGREE": "agreed with", "CONSULT": "met", "SUPPORT": "supported", "CONCEDE": "made concessions to",
    "COOPERATE": "cooperated with", "AID": "gave aid to", "RETREAT": "withdrew from",
    "REQUEST": "made a request of", "ACCUSE": "accused", "REJECT": "rejected", "THREATEN": "threatened",
    "PROTEST": "protested against", "SANCTION": "sanctioned", "MOBILIZE": "mobilized against",
    "COERCE": "coerced", "ASSAULT": "attacked",
}
# The same without targets ("X protested").
INTRANSITIVE = {
    "AGREE": "reached an agreement", "CONSULT": "held talks", "SUPPORT": "gave support",
    "CONCEDE": "made concessions", "COOPERATE": "cooperated", "AID": "gave aid", "RETREAT": "withdrew",
    "REQUEST": "made a request", "ACCUSE": "made accusations", "REJECT": "rejected a proposal",
    "THREATEN": "made threats", "PROTEST": "protested", "SANCTION": "imposed sanctions",
    "MOBILIZE": "mobilized", "COERCE": "used coercion", "ASSAULT": "carried out an attack",
}
STATUS_RANK = {"contested": 0, "corroborated": 1, "single-source": 2}


def parse_since(text: str, now: datetime | str | None = None) -> str:
    """'24h', '30d', '2w' back from ``now`` (a datetime or ISO string; default the clock),
    or an ISO date/time, as an ISO string to compare with stored publication times."""
    if isinstance(now, str):
        now = datetime.fromisoformat(now.replace("Z", "+00:00"))
    now = now or datetime.now(timezone.utc)
    m = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text or "")
    if m:
        n, unit = int(m.group(1)), m.group(2)
        try:
            delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
            return (now - delta).isoformat(timespec="minutes")
        except OverflowError:
            raise ValueError(f"since {text!r} reaches before year 1") from None
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ValueError(f"since wants 24h, 30d, 2w or an ISO date, not {text!r}") from None
    return text.strip()


def parse_until(text: str) -> str:
    """An ISO date/time ending the period; a bare date means the end of that day."""
    text = parse_since(text)
    return text + "T23:59:59" if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else text


def _n(count: int, word: str) -> str:
    plural = {"story": "stories"}.get(word, word + "s")
    return f"{count} {word if count == 1 else plural}"


def anchor(latest_report: str | None, now: datetime | None = None) -> datetime:
    """Where a relative period ends: the newest stored report when the store stops before
    now (an archive briefs its last days), else now."""
    now = now or datetime.now(timezone.utc)
    if not latest_report:
        return now
    try:
        last = datetime.fromisoformat(latest_report.replace("Z", "+00:00"))
    except ValueError:
        return now
    naive = last.tzinfo is None
    cmp_now = now.replace(tzinfo=None) if naive else now
    return last if last < cmp_now else cmp_now


def _join(names) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def sentence(incident: dict[str, Any]) -> str:
    """One sentence from the incident's record: actors, what happened, targets, place, date."""
    s = incident.get("summary") or {}
    actors, targets = _join(s.get("actors") or ()), _join(s.get("targets") or ())
    kind = incident.get("type") or "event"
    if actors and targets:
        text = f"{actors} {VERBS.get(kind, kind.lower())} {targets}"
    elif actors:
        text = f"{actors} {INTRANSITIVE.get(kind, kind.lower())}"
    else:
        text = f"A {kind.lower()} event was reported" + (f" involving {targets}" if targets else "")
    place = (s.get("place") or {}).get("name")
    # "attacked Kharkiv in Kharkiv": a place already named as a target or actor is not repeated
    named = {n.casefold() for n in (*(s.get("actors") or ()), *(s.get("targets") or ())) if n}
    if place and place.casefold() not in named:
        text += f" in {place}"
    when = timex_words(s.get("time"))
    if when:
        text += f" ({when})"
    return text[0].upper() + text[1:] + "."


_PART_OF_DAY = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night",
                "DT": "daytime"}
_SEASON = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_REF = {"PRESENT_REF": "now", "PAST_REF": "earlier", "FUTURE_REF": "later"}
_TIMEX_WORDS = [
    (re.compile(r"(\d{4}-\d\d-\d\d)T(MO|MI|AF|EV|NI|DT)"), lambda d, p: f"{d}, {_PART_OF_DAY[p]}"),
    (re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d)?"), lambda d, t: f"{d} {t}"),
    (re.compile(r"(\d{4})-(SP|SU|FA|WI)"), lambda y, s: f"{_SEASON[s]} {y}"),
    (re.compile(r"(\d{4})-Q([1-4])"), lambda y, q: f"Q{q} {y}"),
    (re.compile(r"(\d{4})-W(\d\d)"), lambda y, w: f"week {int(w)} of {y}"),
]


def timex_words(value: str | None) -> str | None:
    """A TIMEX3 value as a reader says it: '2024-01-16TNI' -> '2024-01-16, night',
    '2023-FA' -> 'autumn 2023', '2024-W42' -> 'week 42 of 2024'; durations and sets
    (P3D, XXXX-WXX-1) say no date and give None; anything else is kept as it is."""
    if not value:
        return None
    if value in _REF:
        return _REF[value]
    if value.startswith(("P", "XXXX")):
        return None
    for pattern, say in _TIMEX_WORDS:
        m = pattern.fullmatch(value)
        if m:
            return say(*m.groups())
    return value


def excerpt(c: dict[str, Any]) -> tuple[str, tuple[int, int] | None]:
    """The claim's quote cut to ``QUOTE_CHARS`` around its trigger, and the trigger's span
    in it (``mark``; None when unknown): one sentence may hold several claims, even one
    asserted and one denied ("denied that its forces had attacked homes, saying its drones
    had struck only military targets"), and the mark tells the reader which word each is."""
    quote = c.get("quote") or c.get("trigger") or ""
    q0, s, e = c.get("quote_start"), c.get("start"), c.get("end")
    mark = None
    if c.get("quote") and all(isinstance(v, int) for v in (q0, s, e)) and q0 <= s < e <= q0 + len(quote):
        mark = (s - q0, e - q0)
    if len(quote) <= QUOTE_CHARS:
        return quote, mark
    lo, lead = 0, ""
    if mark and mark[1] > QUOTE_CHARS - 1:   # the trigger lies past the cut: end near it instead
        lo = quote.rfind(" ", 0, max(mark[0] - QUOTE_CHARS // 2, 1)) + 1
        lead = "… "
    cut = quote[lo:lo + QUOTE_CHARS - 1 - len(lead)]
    if lo + len(cut) < len(quote):
        cut = cut.rstrip() + "…"
    text = lead + cut
    if mark:
        a, b = mark[0] - lo + len(lead), mark[1] - lo + len(lead)
        mark = (a, b) if 0 <= a < b <= len(text) and text[a:b] == quote[mark[0]:mark[1]] else None
    return text, mark


def citation(c: dict[str, Any]) -> dict[str, Any]:
    quote, mark = excerpt(c)
    return {"outlet": c.get("outlet"), "published": c.get("published"), "url": c.get("url"),
            "article_id": c["article_id"], "quote": quote, "mark": list(mark) if mark else None,
            "source": c.get("source"),
            "factuality": c.get("factuality"), "start": c.get("start"), "end": c.get("end"),
            "quote_start": c.get("quote_start"), "quote_end": c.get("quote_end")}


def sides(incident: dict[str, Any]) -> list[dict[str, Any]]:
    """A contested incident's sides: by factuality when reports assert and negate it, else
    one side per outlet (their figures differ)."""
    claims = incident.get("claims") or []
    facts = {c.get("factuality") for c in claims}
    if "negated" in facts and len(facts) > 1:
        key = lambda c: "says it did not happen" if c.get("factuality") == "negated" else "says it happened"  # noqa: E731
    else:
        key = lambda c: c.get("outlet") or c["article_id"]  # noqa: E731
    out: dict[str, list] = {}
    for c in claims:
        out.setdefault(key(c), []).append(citation(c))
    return [{"side": k, "citations": v} for k, v in out.items()]


def fact(incident: dict[str, Any]) -> dict[str, Any]:
    out = {"incident_id": incident["id"], "type": incident.get("type"), "status": incident["status"],
           "why": incident.get("why"), "outlets": incident.get("outlets", []),
           "sentence": sentence(incident),
           "citations": [citation(c) for c in incident.get("claims") or []]}
    if incident["status"] == "contested":
        out["sides"] = sides(incident)
    return out


def pick_incidents(story: dict[str, Any], n: int = FACTS_PER_STORY) -> list[dict[str, Any]]:
    """The incidents worth a sentence: most outlets first, contested before the rest at a tie."""
    incs = [i for i in story.get("incidents", []) if i.get("claims")]
    incs.sort(key=lambda i: (-len(i.get("outlets", [])), STATUS_RANK.get(i["status"], 3),
                             i.get("first_report") or "", i["id"]))
    out, said = [], set()
    for i in incs:  # two incidents the template words alike would read as one fact twice
        text = sentence(i)
        if text not in said:
            said.add(text)
            out.append(i)
    return out[:n]


def rank(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stories by independent outlets, then incident count, then latest report."""
    def key(s):
        outlets = s.get("independent_outlets") or s.get("outlets") or []
        return (-len(outlets), -len(s.get("incidents", [])), _neg(s.get("last_seen") or ""), s["id"])
    return sorted(stories, key=key)


def _neg(iso: str) -> tuple:
    return tuple(-ord(ch) for ch in iso)


def build(stories: list[dict[str, Any]], since: str | None = None, q: str | None = None,
          generated: str | None = None, until: str | None = None) -> dict[str, Any]:
    """The brief as a record (what --format json prints)."""
    items = []
    for s in rank(stories):
        items.append({"story_id": s["id"], "label": s.get("label"), "first_seen": s.get("first_seen"),
                      "last_seen": s.get("last_seen"), "article_count": s.get("article_count"),
                      "outlets": s.get("independent_outlets") or s.get("outlets") or [],
                      "incident_count": len(s.get("incidents", [])),
                      "facts": [fact(i) for i in pick_incidents(s)]})
    return {"since": since, "until": until, "q": q,
            "generated": generated or datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "stories": items}


# ------------------------------------------------------------------------ renderers
def _cite_md(c: dict[str, Any]) -> str:
    where = f"[{c['outlet'] or c['article_id']}, {c['published'] or 'undated'}]"
    where = f"{where}({c['url']})" if c.get("url") else where
    who = f" {c['source']}:" if c.get("source") else ""
    q, m = c["quote"], c.get("mark")
    if m:
        q = f"{q[:m[0]]}**{q[m[0]:m[1]]}**{q[m[1]:]}"
    return f"{where}{who} “{q}”"


def _title(brief: dict[str, Any]) -> str:
    return (f"Brief since {brief['since'] or 'the beginning'}"
            + (f" until {brief['until']}" if brief.get("until") else "")
            + (f" — {brief['q']}" if brief.get("q") else ""))


def to_markdown(brief: dict[str, Any]) -> str:
    lines = [f"# {_title(brief)}",
             "", f"{_n(len(brief['stories']), 'story')}, ranked by independent outlets and incidents.", ""]
    for n, s in enumerate(brief["stories"], 1):
        lines += [f"## {n}. {s['label']}", "",
                  f"{_n(len(s['outlets']), 'outlet')} ({', '.join(s['outlets'])}), "
                  f"{_n(s['article_count'], 'article')}, {_n(s['incident_count'], 'incident')}; "
                  f"{s['first_seen'] or '?'} .. {s['last_seen'] or '?'}", ""]
        for f in s["facts"]:
            lines.append(f"- {f['sentence']} **{f['status']}** ({f['why']})")
            if f.get("sides"):
                for side in f["sides"]:
                    lines.append(f"  - {side['side']}:")
                    lines += [f"    - {_cite_md(c)}" for c in side["citations"]]
            else:
                lines += [f"  - {_cite_md(c)}" for c in f["citations"]]
        lines.append("")
    return "\n".join(lines)


PRINT_CSS = """
body{font:15px/1.45 Georgia,serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:.6rem}
.meta{color:#555;font-size:.9rem}.fact{margin:.6rem 0}.status{font:bold .75rem sans-serif;
padding:.1rem .4rem;border-radius:.3rem;margin-left:.3rem}.status-corroborated{background:#c6f6d5}
.status-contested{background:#fed7d7}.status-single-source{background:#e2e8f0}
.cites{margin:.2rem 0 .2rem 1.2rem;font-size:.9rem}.cites li{margin:.15rem 0}
q{font-style:italic}.side{font-weight:bold;font-size:.85rem}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:#000;text-decoration:none}
a[href]::after{content:" <" attr(href) ">";font-size:8pt;color:#444}h2{break-after:avoid}
.story{break-inside:avoid-page}}
"""


def _cite_html(c: dict[str, Any]) -> str:
    e = html.escape
    label = e(f"{c['outlet'] or c['article_id']}, {c['published'] or 'undated'}")
    where = f'<a href="{e(c["url"])}">{label}</a>' if c.get("url") else label
    who = f" {e(c['source'])}:" if c.get("source") else ""
    q, m = c["quote"], c.get("mark")
    q = f"{e(q[:m[0]])}<mark>{e(q[m[0]:m[1]])}</mark>{e(q[m[1]:])}" if m else e(q)
    return f"<li>{where}{who} <q>{q}</q></li>"


def to_html(brief: dict[str, Any]) -> str:
    """One self-contained page (inline style, no scripts, no external assets)."""
    e = html.escape
    title = _title(brief)
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(title)}</title><style>{PRINT_CSS}</style></head><body>",
           f"<h1>{e(title)}</h1>",
           f'<p class="meta">{_n(len(brief["stories"]), "story")}, ranked by independent outlets and '
           f'incidents. Generated {e(brief["generated"])}.</p>']
    for n, s in enumerate(brief["stories"], 1):
        out.append(f'<section class="story" data-story="{e(s["story_id"])}"><h2>{n}. {e(s["label"] or "")}</h2>')
        out.append(f'<p class="meta">{_n(len(s["outlets"]), "outlet")} ({e(", ".join(s["outlets"]))}), '
                   f'{_n(s["article_count"], "article")}, {_n(s["incident_count"], "incident")}; '
                   f'{e(s["first_seen"] or "?")} .. {e(s["last_seen"] or "?")}</p>')
        for f in s["facts"]:
            out.append(f'<div class="fact" data-status="{e(f["status"])}"><p>{e(f["sentence"])} '
                       f'<span class="status status-{e(f["status"])}">{e(f["status"])}</span> '
                       f'<span class="meta">{e(f["why"] or "")}</span></p>')
            if f.get("sides"):
                for side in f["sides"]:
                    out.append(f'<p class="side">{e(side["side"])}:</p><ul class="cites">'
                               + "".join(_cite_html(c) for c in side["citations"]) + "</ul>")
            else:
                out.append('<ul class="cites">' + "".join(_cite_html(c) for c in f["citations"]) + "</ul>")
            out.append("</div>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def render(brief: dict[str, Any], fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps(brief, ensure_ascii=False, indent=2)
    if fmt == "html":
        return to_html(brief)
    return to_markdown(brief)
