"""Shared helpers for statements and events: mention resolution over the Doc.

Resolution goes through the other steps' Doc extensions when they are filled
(``nd_entities`` canonical names and nominal mentions, ``nd_places``, ``nd_times``) and
falls back to spaCy's own ``doc.ents`` when they are empty, so statements and events work
whichever steps ran before them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from .nlp import doc_text

PERSON_LABELS = {"PERSON", "PER"}
ORG_LABELS = {"ORG", "NORP", "GPE", "LOC", "FAC"}
ACTOR_LABELS = PERSON_LABELS | {"ORG", "GPE", "NORP"}

# Words that open a name but are not part of it ("General Oleksandr Pavliuk").
TITLES = {
    "general", "gen.", "president", "commander", "minister", "prime", "secretary", "mr.",
    "mrs.", "ms.", "dr.", "sen.", "senator", "rep.", "gov.", "governor", "mayor", "chief",
    "colonel", "col.", "lt.", "lieutenant", "major", "maj.", "captain", "capt.", "admiral",
    "sergeant", "sgt.", "king", "queen", "prince", "princess", "pope", "judge", "justice",
    "chancellor", "premier", "spokesman", "spokeswoman", "spokesperson", "ambassador",
    "deputy", "vice", "head", "director", "chairman", "chairwoman", "leader", "sheikh",
}
# Heads of definite descriptions that refer back to an organisation ("the ministry").
ORG_HEADS = {
    "ministry", "government", "army", "military", "office", "department", "agency",
    "committee", "council", "company", "firm", "police", "service", "administration",
    "parliament", "court", "commission", "cabinet", "kremlin", "party", "group", "bank",
    "command", "staff", "navy", "guard", "union", "organization", "organisation", "embassy",
    "mission", "authority", "authorities", "regime", "newspaper", "network", "channel",
    "agency", "institute", "university", "campaign", "team", "board", "senate", "house",
}
# Nouns naming a group by what it is, not who it is ("troops", "officials").
GENERIC_HEADS = {
    "troop", "force", "soldier", "unit", "personnel", "army", "military", "official", "officer",
    "diplomat", "delegation", "representative", "leader", "minister", "warship", "jet",
    "aircraft", "navy", "police", "agent", "envoy", "negotiator", "fighter", "vessel",
}
PRONOUNS_PERSON = {"he", "she", "him", "her"}
GROUP_COUNTRIES = re.compile(r"^(?:the\s+)?(?:two|both)\s+(?:countries|nations|states|sides|governments|allies)$"
                             r"|^both(?:\s+of\s+them)?$", re.I)


def data_path(name: str):
    return resources.files("newsdesk").joinpath("data", name)


def read_table(name: str) -> list[list[str]]:
    rows = []
    with data_path(name).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


@functools.lru_cache(maxsize=None)
def demonym_table() -> dict[str, str]:
    table = {}
    for row in read_table("demonyms.tsv"):
        if len(row) >= 2:
            table[row[0].lower()] = row[1]
    return table


@functools.lru_cache(maxsize=None)
def _gazetteer_demonym():
    try:  # the places engineer's gazetteer, when present
        from .gazetteer import country_of_demonym
        return country_of_demonym
    except Exception:  # pragma: no cover - optional helper
        return None


def country_of_demonym(word: str) -> str | None:
    """The country a single word names, as the gazetteer's standard country name: a demonym
    ('Russian' -> 'Russia', 'Belarusians' -> 'Belarus'), a country's other name or
    abbreviation ('U.S.', 'US', 'America' -> 'United States'; 'Britain' -> 'United Kingdom'),
    or a country's possessive ("Belarus's" -> 'Belarus'). None otherwise; the lower-case
    pronoun "us" is no country."""
    return demonym_country(word) or country_name(word)


def demonym_country(word: str) -> str | None:
    """'Russian' -> 'Russia', 'Belarusians' -> 'Belarus'; None when not a demonym."""
    w = word.strip().lower().replace("’", "'")
    table = demonym_table()
    for cand in (w, w[:-1] if w.endswith("s") else None, w[:-2] if w.endswith("es") else None):
        if cand and cand in table:
            return table[cand]
    if word[:1].isupper() and word.isalpha():
        helper = _gazetteer_demonym()
        if helper is not None:
            try:
                return helper(word)
            except Exception:  # pragma: no cover
                return None
    return None


# capitalised only: as lower-case words these are no country ("us" the pronoun)
CASED_ALIASES = {"us", "un"}


@functools.lru_cache(maxsize=4096)
def country_name(word: str) -> str | None:
    """The standard country name of a country's name, alias or possessive, as one word or
    abbreviation ('U.S.', 'USA', 'America', 'Britain', "Belarus's"); None otherwise."""
    w = word.strip().replace("’", "'")
    w = re.sub(r"(?:'s|')$", "", w)
    if not w or not any(ch.isalpha() for ch in w):
        return None
    if w.lower() in CASED_ALIASES and not w.isupper():
        return None
    try:
        from .gazetteer import get_gazetteer
        gaz = get_gazetteer()
    except Exception:  # pragma: no cover - gazetteer unavailable
        return None
    cands = gaz.lookup(w)
    if cands and cands[0].kind == "country":
        return cands[0].name
    return None


def strip_the(text: str) -> str:
    return re.sub(r"^(?:the|The|THE)\s+", "", text.strip())


@dataclass
class Mention:
    start: int        # char offsets
    end: int
    label: str
    canonical: str
    text: str


class Resolver:
    """Maps spans of a Doc to canonical names (entities, pronouns, nominals, demonyms)."""

    def __init__(self, doc):
        self.doc = doc
        self.mentions = self._mentions()
        self.times = list(doc._.nd_times or [])
        self.places = list(doc._.nd_places or [])

    # -- mentions ------------------------------------------------------------------------
    def _mentions(self) -> list[Mention]:
        ents = self.doc._.nd_entities or []
        if ents:
            out = [Mention(e.start, e.end, e.label, e.canonical or e.text, e.text) for e in ents]
            return sorted(out, key=lambda m: (m.start, -m.end))
        return self._fallback_mentions()

    def _fallback_mentions(self) -> list[Mention]:
        """From doc.ents: names extended over given names, surnames linked to full names."""
        doc = self.doc
        out: list[Mention] = []
        fullnames: list[str] = []
        for ent in doc.ents:
            label = ent.label_
            if label not in ACTOR_LABELS | {"LOC", "FAC"}:
                continue
            start_i = ent.start
            if label in PERSON_LABELS:
                # extend leftwards over untagged proper nouns ("Valerii Zaluzhny")
                while start_i > 0:
                    prev = doc[start_i - 1]
                    if prev.pos_ == "PROPN" and prev.lower_ not in TITLES and prev.text[:1].isupper() \
                            and not prev.ent_type_ and prev.dep_ in ("compound", "nmod", "nsubj", "appos") \
                            and prev.head.i >= start_i:
                        start_i -= 1
                    else:
                        break
            # drop leading titles inside the entity
            while start_i < ent.end - 1 and doc[start_i].lower_ in TITLES:
                start_i += 1
            span = doc[start_i:ent.end]
            text = span.text
            canon = strip_the(text)
            canon = re.sub(r"(?:'s|’s)$", "", canon)
            if label in PERSON_LABELS:
                words = canon.split()
                if len(words) >= 2:
                    fullnames.append(canon)
                elif len(words) == 1:
                    for full in reversed(fullnames):
                        if full.split()[-1] == words[0]:
                            canon = full
                            break
            elif label == "NORP":
                country = country_of_demonym(canon)
                if country:
                    canon = country
            out.append(Mention(span.start_char, span.end_char, label, canon, text))
        # nominal mentions: "the ministry" -> the last organisation whose name has the noun
        for tok in doc:
            if tok.lower_ in ORG_HEADS and tok.pos_ == "NOUN" and not tok.ent_type_ \
                    and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children) \
                    and not any(c.dep_ in ("amod", "compound") for c in tok.children):
                for m in reversed(out):
                    if m.end <= tok.idx and m.label in ("ORG",) and tok.lower_ in m.text.lower():
                        det = [c for c in tok.children if c.dep_ == "det"][0]
                        out.append(Mention(det.idx, tok.idx + len(tok), "ORG", m.canonical,
                                           doc_text(doc)[det.idx:tok.idx + len(tok)]))
                        break
        return sorted(out, key=lambda m: (m.start, -m.end))

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start < end and m.end > start]

    # -- resolution ----------------------------------------------------------------------
    def last_person_before(self, char: int) -> Mention | None:
        best = None
        for m in self.mentions:
            if m.label in PERSON_LABELS and m.end <= char and m.text.lower() not in PRONOUNS_PERSON:
                best = m
        return best

    def resolve_np(self, head, start: int, end: int) -> str | None:
        """Canonical name for a noun phrase (char span) headed by ``head`` (a Token)."""
        ms = self.mentions_in(start, end)
        if ms:
            def rank(m):
                covers_head = m.start <= head.idx < m.end
                pref = 0 if m.label in PERSON_LABELS else 1 if m.label == "ORG" else 2
                return (not covers_head, pref, m.start)
            return sorted(ms, key=rank)[0].canonical
        if head.lower_ in PRONOUNS_PERSON:
            m = self.last_person_before(head.idx)
            return m.canonical if m else None
        return None

    def countries_before(self, char: int, n: int = 2) -> list[str]:
        """The last ``n`` distinct countries mentioned before ``char`` (in order of mention)."""
        seen: list[str] = []
        for m in self.mentions:
            if m.end > char:
                break
            name = None
            if m.label == "GPE" and self.is_country(m):
                name = m.canonical
            elif m.label == "NORP":
                name = country_of_demonym(m.text) or (m.canonical if m.canonical != m.text else None)
            if name:
                if name in seen:
                    seen.remove(name)
                seen.append(name)
        # demonym adjectives the NER missed ("Belarusian troops" tagged or not)
        return seen[-n:]

    def is_country(self, m: Mention) -> bool:
        kinds = [p.kind for p in self.places if p.start < m.end and p.end > m.start]
        if kinds:
            return "country" in kinds
        return m.canonical in set(demonym_table().values())

    def time_in(self, start: int, end: int):
        for t in self.times:
            if t.start >= start and t.end <= end:
                return t
        return None

    def places_in(self, start: int, end: int):
        return [p for p in self.places if p.start >= start and p.end <= end]


def np_span(tok):
    """Core noun phrase of ``tok``: its subtree cut before appositions and clauses after a comma."""
    left = tok.left_edge.i
    right = tok.i
    for child in tok.rights:
        if child.dep_ in ("appos", "relcl", "acl", "punct", "advcl", "parataxis", "cc", "conj") \
                or child.text in (",", "(", "—", "–"):
            break
        if child.dep_ == "prep" and child.lower_ not in ("of",):
            break
        right = max(right, child.right_edge.i)
    doc = tok.doc
    while right > left and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return doc[left:right + 1]


def actor_of_np(res: Resolver, tok, conjuncts: bool = True) -> list[str]:
    """Actors named by the noun phrase headed by ``tok``, conjuncts included (unless
    ``conjuncts`` is false).

    Entities win; a noun modified by a demonym maps to the country ("Russian forces" ->
    Russia); "both countries" maps to the two countries last mentioned."""
    out: list[str] = []
    for t in [tok] + (list(tok.conjuncts) if conjuncts else []):
        for name in _actor_one(res, t):
            if name not in out:
                out.append(name)
    return out


def _actor_one(res: Resolver, tok) -> list[str]:
    span = np_span(tok)
    text = span.text
    if GROUP_COUNTRIES.match(text) or (tok.lower_ in ("countries", "nations", "sides")
                                       and any(c.lower_ in ("both", "two") for c in tok.children)):
        return res.countries_before(span.start_char, 2)
    # a common noun renamed by its apposition ("the opposition newspaper La Prensa", "its
    # neighbour Chad", "his counterpart, Brazilian leader Luiz Lula"): the name is the actor
    if tok.pos_ == "NOUN" and not tok.ent_type_:
        for app in (c for c in tok.rights if c.dep_ == "appos" and c.pos_ == "PROPN"):
            names = actor_of_np(res, app)
            if names:
                return names
    # a demonym or country modifying the head ("Russian forces", "Belarusian and Russian troops")
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "poss") and c.i < tok.i]
    # one level down: "Norwegian and Russian fisheries officials" (the demonyms modify "fisheries")
    mods += [g for m in mods if m.dep_ == "compound" and m.pos_ == "NOUN"
             for g in m.children if g.dep_ == "amod" and g.i < m.i]
    if tok.pos_ in ("NOUN",) and mods:
        names = []
        for m in mods:
            for mm in [m] + [c for c in m.conjuncts]:
                c = country_of_demonym(mm.text)
                if c is None and mm.ent_type_ == "GPE":
                    c = res.resolve_np(mm, mm.idx, mm.idx + len(mm))
                if c and c not in names:
                    names.append(c)
        if names:
            return names
    # "troops from both countries", "soldiers of the Russian army": the group's country
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in GENERIC_HEADS:
        for prep in tok.rights:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "of"):
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        names = actor_of_np(res, pobj)
                        if names:
                            return names
    if tok.pos_ == "PRON" and tok.lower_ not in PRONOUNS_PERSON:
        return []
    name = None
    poss = [c for c in tok.children if c.dep_ == "poss" and c.i < tok.i and c.pos_ != "PRON"]
    if poss:
        # "Osama bin Laden's al-Qaeda network": the possessed name acts, not the possessor
        # (kept when nothing after it is named: "Russia's army")
        after = max(t.idx + len(t) for p in poss for t in p.subtree)
        if res.mentions_in(after, span.end_char):
            name = res.resolve_np(tok, after, span.end_char)
    name = name or res.resolve_np(tok, span.start_char, span.end_char)
    if name:
        if name.lower() == text.lower() and tok.ent_type_ == "NORP":
            name = country_of_demonym(name) or name
        if tok.ent_type_ == "NORP" or (" " not in name and demonym_country(name)):
            # a people named for its country ("three Iranian banks" -> Iran)
            return [demonym_country(name) or country_of_demonym(name) or name]
        return [name]
    if tok.ent_type_ in ACTOR_LABELS:
        return [strip_the(text)]
    # a proper name the small model left untagged ("Ethopia", a rare surname): the name as
    # written, when the whole phrase is capitalised proper nouns (not a month or weekday)
    name_toks = [t for t in span if t.lower_ != "the"]
    if (tok.pos_ == "PROPN" and not tok.ent_type_ and name_toks and len(name_toks) <= 4
            and all(t.pos_ == "PROPN" and t.is_alpha and t.text[:1].isupper() for t in name_toks)
            and tok.lower_ not in _CALENDAR_WORDS):
        return [strip_the(" ".join(t.text for t in name_toks))]
    return []


_CALENDAR_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                   "january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december", "today", "tonight"}
