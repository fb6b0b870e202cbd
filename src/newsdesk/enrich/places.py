"""Enrichment step 'places': toponyms resolved against the offline gazetteer.

Every GPE/LOC/FAC entity of ``doc._.nd_entities`` that the gazetteer knows becomes a
``model.Place`` with coordinates, ISO country and GeoNames id. A demonym right before
"border" ("the Belarusian border") also yields the country as a place.

Disambiguation between same-name candidates is learned (``place_ranker``): a linear model
over each candidate's population, kind, the countries, divisions and unambiguous places the
rest of the article names, an adjacent qualifier ("Paris, Texas" / "Kharkiv, Ukraine") and
the name's ambiguity, trained on GeoWebNews by ``scripts/train_place_ranker.py``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..model import Place
from .gazetteer import GazEntry, Gazetteer, get_gazetteer, norm
from .place_ranker import DocContext, choose, doc_context
from .nlp import doc_text

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Verbs of speech and stance: a place as their subject stands for its government
# ("Kyiv said", "Washington warned") -- metonymy, see ``is_metonymic``.
SPEECH_VERBS = {
    "say", "tell", "warn", "announce", "claim", "deny", "accuse", "urge", "demand", "insist",
    "state", "declare", "threaten", "reject", "condemn", "criticize", "criticise", "praise",
    "welcome", "respond", "reply", "confirm", "report", "argue", "blame", "vow", "pledge",
    "promise", "call", "ask", "agree", "refuse", "protest", "sanction", "recognize",
    "recognise", "negotiate", "propose", "suggest", "insist", "complain", "retaliate",
}
_BORDER_WORDS = {"border", "borders", "frontier", "border-crossing"}


# Towns smaller than this are not taken for a facility or a region's name, nor inside an
# organisation's name.
SMALL_TOWN = 15_000


def _qualifier(doc: Doc, gaz: Gazetteer, end_char: int) -> set[str]:
    """Country codes named right after a toponym: 'Paris, Texas' -> {'US'}."""
    rest = doc_text(doc)[end_char:end_char + 40]
    if not rest.startswith(", "):
        return set()
    words = rest[2:].split()
    out: set[str] = set()
    for n in (3, 2, 1):
        cand = " ".join(words[:n]).rstrip(",.;:)'\"")
        for e in gaz.lookup(cand):
            if e.kind in ("country", "admin1") and e.primary and e.country:
                out.add(e.country)
                if e.kind == "admin1" and e.admin1:
                    out.add(f"{e.country}.{e.admin1}")
        if out:
            break
    return out


def _place(text: str, start: int, end: int, e: GazEntry) -> Place:
    return Place(text=text, start=start, end=end, name=e.name, country=e.country,
                 lat=None if e.lat is None else round(float(e.lat), 5),
                 lon=None if e.lon is None else round(float(e.lon), 5),
                 geonameid=e.geonameid, kind=e.kind)


def resolve(doc: Doc, gaz: Gazetteer | None = None) -> list[Place]:
    gaz = gaz or get_gazetteer()
    ents = doc._.nd_entities or []
    context = doc_context(gaz, ents)
    places: list[Place] = []
    for e in ents:
        if e.label not in PLACE_LABELS:
            continue
        cands = gaz.lookup(e.text)
        if not e.text[:1].isupper() and not e.text[:1].isdigit():
            continue  # "veranda", "bay colt": not names
        if e.label == "GPE" and _adjectival(doc, e.start, e.end):
            # "a Somali army base" tagged GPE: the adjective names its country (Somalia),
            # not a place spelt like it (Ethiopia's Somali Region)
            entry = gaz.place_of_demonym(e.text)
            if entry is not None and entry.lat is not None:
                places.append(_place(e.text, e.start, e.end, entry))
                continue
        if e.label in ("LOC", "FAC"):
            # facilities and regions only by a place's own name: alternate names include
            # translations ("White House" is an alternate name of Casablanca); a facility
            # named like a small town ("Notre Dame") is the facility
            cands = [c for c in cands if c.primary
                     and (c.kind != "city" or c.population >= SMALL_TOWN or e.label == "LOC")]
        if not cands:
            # "Eastern Ukraine", "north west London", "Greater Manchester": the named place
            m = _DIRECTION.match(e.text)
            if m and m.end() < len(e.text):
                cands = [c for c in gaz.lookup(e.text[m.end():]) if c.primary
                         and (c.kind != "city" or c.population >= SMALL_TOWN)]
        if re.fullmatch(r"(?:[A-Z]\.){1,3}|[A-Z]{2,4}", e.text.strip()):
            # abbreviations ("P.A.", "NYC"): only countries and states, never a small town
            cands = [c for c in cands if c.kind in ("country", "admin1")]
        if not cands:
            continue
        qual = _qualifier(doc, gaz, e.end)
        best = choose(cands, context, qual, e.text, e.label, e.start, e.end)
        places.append(_place(e.text, e.start, e.end, best))
    # "the Belarusian border": the demonym's country as a place
    for e in ents:
        if e.label != "NORP":
            continue
        after = re.match(r"\s+([A-Za-z-]+)", doc_text(doc)[e.end:e.end + 24])
        if after and after.group(1).lower() in _BORDER_WORDS:
            iso = gaz.iso_of_demonym(e.text)
            country = gaz.country(iso)
            if country is not None:
                places.append(_place(e.text, e.start, e.end, country))
    covered = [(p.start, p.end) for p in places]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= t for s, t in covered)

    def add(text: str, start: int, end: int, entry: GazEntry) -> None:
        places.append(_place(text, start, end, entry))
        covered.append((start, end))

    # Adjectives of origin modifying a noun ("Russian officials", "European leaders",
    # "Turkish-backed"): the country or region they name. Nouns for people ("the
    # Russians", "were British") are not places.
    for e in ents:
        if e.label != "NORP" or not free(e.start, e.end):
            continue
        start, text = e.start, e.text
        m = re.match(r"(?:anti|pro|non|pan|ex)-", text, re.I)
        if m:
            start, text = start + m.end(), text[m.end():]
        if not _adjectival(doc, start, e.end):
            continue
        entry = gaz.place_of_demonym(text)
        if entry is not None and entry.lat is not None:
            add(text, start, e.end, entry)
    # Names whose whole text is a place the model labelled otherwise ("EU", "DPRK" as ORG),
    # and places inside names ("The Washington Post", "Canadian Blood Services",
    # "Mississippi State"): the toponym within.
    for e in ents:
        if e.label not in _NAME_HOSTS or not free(e.start, e.end):
            continue
        if e.label in ("PERSON", "ORG", "NORP") and _locative(doc, e.start, e.end):
            # "in Hajnówka", "near X", "X, a village": a town the small model took for a
            # person or an organisation, when the gazetteer knows it by its own name
            local = [c for c in gaz.lookup(e.text) if c.primary]
            if local:
                qual = _qualifier(doc, gaz, e.end)
                add(e.text, e.start, e.end, choose(local, context, qual, e.text, "GPE", e.start, e.end))
                continue
        whole = [c for c in gaz.lookup(e.text) if c.primary and _embedded_ok(c, whole=True)]
        if whole and e.label in ("ORG", "NORP", "PERSON", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW") \
                and not (e.label == "PERSON" and whole[0].kind == "city"):
            qual = _qualifier(doc, gaz, e.end)
            add(e.text, e.start, e.end, choose(whole, context, qual, e.text, "GPE", e.start, e.end))
            continue
        if e.label == "PERSON":
            continue
        for a, b, entry in _embedded(doc, gaz, e.start, e.end, e.label, context):
            if free(a, b):
                add(doc_text(doc)[a:b], a, b, entry)
    # Country abbreviations the model left untagged ("US officials", "the U.K.'s")
    for m in _ABBR_RE.finditer(doc_text(doc)):
        if free(m.start(), m.end()):
            entry = gaz.best(m.group(0))
            if entry is not None and entry.kind in ("country", "region"):
                add(m.group(0), m.start(), m.end(), entry)
    places.sort(key=lambda p: p.start)
    return places


_DIRECTION = re.compile(r"(?:(?:north|south|east|west|central|upper|lower|greater|inner|outer)"
                        r"(?:ern)?(?:[\s-]+(?:east|west)(?:ern)?)?|(?:north|south)[\s-]?(?:east|west)(?:ern)?)\s+", re.I)
# Entity labels whose names may hold a toponym ("University of Oxford").
_NAME_HOSTS = {"ORG", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "FAC", "GPE", "LOC", "NORP",
               "PERSON"}
_ABBR_RE = re.compile(r"(?<![\w.])(?:U\.S\.|US|U\.K\.|UK|EU|USA|UAE|DPRK)(?![\w])")
# Smallest city named inside an organisation's name that counts as a toponym.
EMBEDDED_CITY_POP = 100_000
_NOT_EMBEDDED = {"union", "university", "state", "national", "university", "new", "city", "republic"}


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|around|toward|towards|across|"
                              r"(?:village|town|city|port|district|province|region) of)\s+$", re.I)
_LOCATIVE_AFTER = re.compile(r",?\s+(?:an?\s+|the\s+)?(?:(?:small|nearby|border|frontier|"
                             r"neighbouring|neighboring)\s+)?(?:village|town|city|hamlet|"
                             r"settlement|municipality)\b", re.I)


def _locative(doc: Doc, start: int, end: int) -> bool:
    """True when the name at [start, end) stands where a place does: after "in", "near",
    "outside"... ("in Hajnówka", not "in Hajnówka's"), or before ", a village" / " town"."""
    after = doc_text(doc)[end:end + 40]
    if after.startswith(("'s", "’s")):
        return False
    if _LOCATIVE_BEFORE.search(doc_text(doc)[max(0, start - 16):start]):
        return True
    return _LOCATIVE_AFTER.match(after) is not None


def _embedded_ok(c: GazEntry, whole: bool = False) -> bool:
    if c.kind in ("country", "admin1", "region"):
        return True
    return c.kind == "city" and c.population >= EMBEDDED_CITY_POP


def _adjectival(doc: Doc, start: int, end: int) -> bool:
    """True when the word(s) at [start, end) modify a following noun or hyphenated word."""
    if doc_text(doc)[end:end + 1] == "-":
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    last = span[-1]
    if last.tag_ in ("NNS", "NNPS") or last.text.endswith("s") and last.lower_ not in ("swiss", "scots"):
        return False
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is None:
        return False
    if last.dep_ in ("amod", "compound", "nmod") and last.head.i > last.i:
        return True
    return nxt.pos_ in ("NOUN", "PROPN", "ADJ") and nxt.text[:1].isalpha()


def _embedded(doc: Doc, gaz: Gazetteer, start: int, end: int, label: str,
              context: DocContext):
    """(start, end, entry) of toponyms and adjectives of origin inside a name."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    toks = [t for t in span]
    out = []
    i = 0
    while i < len(toks):
        hit = None
        if toks[i].text[:1].isupper():
            for n in (4, 3, 2, 1):
                if i + n > len(toks):
                    continue
                sub = toks[i:i + n]
                if not all(t.text[:1].isupper() or t.text in ("-", "of", "&") for t in sub) \
                        or not sub[-1].text[:1].isupper():
                    continue
                a, b = sub[0].idx, sub[-1].idx + len(sub[-1])
                text = doc_text(doc)[a:b]
                if n == len(toks) and label in ("GPE", "LOC", "FAC"):
                    continue  # the whole name: the main loop already tried it
                if n == 1 and sub[0].lower_ in _NOT_EMBEDDED:
                    continue
                cands = [c for c in gaz.lookup(text) if c.primary and _embedded_ok(c)]
                if label in ("LOC", "FAC"):
                    # "Washington Square" is not in Washington, "French Quarter" not in France
                    cands = []
                if cands:
                    best = choose(cands, context, set(), text, "GPE", a, b)
                    hit = (n, a, b, best)
                    break
                if n <= 2 and label not in ("LOC", "FAC"):
                    entry = gaz.place_of_demonym(text)
                    if entry is not None and entry.lat is not None and i + n < len(toks):
                        hit = (n, a, b, entry)
                        break
        if hit:
            out.append(hit[1:])
            i += hit[0]
        else:
            i += 1
    return out


def is_metonymic(doc: Doc, start: int, end: int) -> bool:
    """True when the toponym at [start, end) is the subject of a speech/stance verb
    ("Kyiv said ...", "Washington warned ..."): the place stands for its government."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return False
    return root.head.lemma_.lower() in SPEECH_VERBS


@Language.factory("newsdesk_places")
def make_places_component(nlp, name):
    return PlacesComponent(get_gazetteer())


class PlacesComponent:
    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        places = resolve(doc, self.gaz)
        doc._.nd_places = places
        # extra, not on the Article: which places are metonymic (aligned with nd_places)
        doc._.nd_place_metonymy = [is_metonymic(doc, p.start, p.end) for p in places]
        return doc


if not Doc.has_extension("nd_place_metonymy"):
    Doc.set_extension("nd_place_metonymy", default=None)


__all__ = ["resolve", "is_metonymic", "PLACE_LABELS", "SPEECH_VERBS", "norm"]
