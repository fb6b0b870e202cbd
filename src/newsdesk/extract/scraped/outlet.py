"""Byline names, the outlet's name and the site's description of itself."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from .chrome import _ORG_BYLINE, _ROLE, BYLINE, words


def byline_names(text: str) -> list[str]:
    """'By Ana Ruiz and Tom Bell, staff writers' -> ['Ana Ruiz', 'Tom Bell']."""
    m = BYLINE.match(text)
    names = m.group("names") if m else text
    names = re.sub(r"\s*[|•·].*$", "", names)
    names = re.sub(r"[\s,]+(?:on|at|updated|published|posted|in)$", "", names, flags=re.I)
    parts = [p.strip(" .") for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", names)]
    # Roles and places after the names ("staff writer", "in Kyiv") are not names.
    return [p for p in parts if p and len(p) <= 80 and p[:1].isupper() and not _ROLE.fullmatch(p)]


def _host_label(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    parts = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition", "news")]
    if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "gov", "ac"):
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


_NAME = r"(?:The )?[A-Z][\w'’&-]+(?: [A-Z][\w'’&-]+){0,3}"
_OUTLET_PHRASES = re.compile(
    rf"\b(?:writes|reports|works|reporter|correspondent|editor|columnist)\b[^.]{{0,60}}?\b(?:for|at) (?P<a>{_NAME})"
    rf"|(?:^|[,.;] ?)(?P<b>{_NAME}) (?:community )?(?:member|reader|subscriber|supporter)s?\b"
    rf"|\b(?:published|owned|operated) by (?P<c>{_NAME})")
# "Northgate Tribune Media Ltd" publishes "Northgate Tribune".
_CORPORATE = re.compile(r"(?:\s+(?:Media|Group|Publishing|Publications|Holdings|Company|News))*"
                        r"\s+(?:Ltd|Limited|Inc|LLC|GmbH|plc|PLC|Co|Corp|SA|AG|LLP)\.?$")


# A closing paragraph in which the site's owner describes itself ("Ascom is a global solutions
# provider ...", "ProPublica is a nonprofit newsroom ..."): a press release's or a newsroom's
# standing boilerplate, not the story.
_SELF_WORDS = re.compile(r"\b(?:provider|company|companies|leader|leading|founded|headquarter(?:s|ed)|employs|"
                         r"subsidiar(?:y|ies)|listed|offices|nonprofit|non-profit|newsroom|organi[sz]ation|"
                         r"publishes|mission|independent|serves|customers|clients)\b", re.I)


def drop_self_description(body: str, url: str | None) -> str:
    """The body without the closing paragraphs (and their \"About X\" heading) in which the
    site's owner, named as the URL's host, describes itself."""
    label = _host_label(url)
    if not label or len(label) < 3:
        return body
    paras = body.split("\n\n")
    k = len(paras)
    while k > 1 and len(paras) - k < 4:
        m = re.match(r"(?:The\s+)?((?:[A-Z][\w&'’.-]*\s*){1,4}?)(?:,|\s+(?:is|was|are|has|provides|helps)\b)", paras[k - 1])
        if not m or re.sub(r"[^a-z0-9]", "", m.group(1).lower()) != label \
                or len(words(paras[k - 1])) < 12 or not _SELF_WORDS.search(paras[k - 1]):
            break
        k -= 1
    if k < len(paras) and k > 1 and re.fullmatch(r"About\s+.{2,40}", paras[k - 1].strip()):
        k -= 1   # its "About X" heading
    return "\n\n".join(paras[:k])


def outlet_from(names: list[str], lines: list[str], url: str | None) -> str | None:
    """Outlet from an organisational byline, the URL host named in the page, or a copyright line."""
    for name in names:
        m = _ORG_BYLINE.match(name)
        if m and m.group("org")[:1].isupper():
            return m.group("org").strip()
    label = _host_label(url)
    if label:
        phrase = re.compile(r"(?:\bThe\s+)?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4}")
        seen = Counter()
        for text in lines:
            for m in phrase.finditer(text):
                words_ = m.group(0).split()
                # Any sub-phrase whose letters spell the host label names the outlet.
                for a in range(len(words_)):
                    for b in range(a + 1, len(words_) + 1):
                        cand = " ".join(words_[a:b])
                        key = re.sub(r"[^a-z0-9]", "", cand.lower())
                        if key == label or (key.startswith("the") and key[3:] == label):
                            seen[cand] += 1
        if seen:
            return max(seen, key=lambda c: (seen[c], len(c)))
    # Chrome names the outlet: "writes for The X", "X member", "Support The X", "© 2024 X".
    named = Counter()
    for text in lines:
        for m in _OUTLET_PHRASES.finditer(text):
            name = _CORPORATE.sub("", (m.group("a") or m.group("b") or m.group("c") or "").strip())
            if name and not _ROLE.fullmatch(name):
                named[name] += 1
    if named:
        return max(named, key=lambda c: (named[c], len(c)))
    for text in lines:
        m = re.search(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][\w&'’. -]{1,60}?)\s*(?:[.,|]|all rights|$)", text, re.I)
        if m and m.group(1).strip():
            return m.group(1).strip()
    if url:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "")
        return host.removeprefix("www.") or None
    return None
