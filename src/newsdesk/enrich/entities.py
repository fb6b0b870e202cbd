"""Enrichment step 'entities': named entities with article-level canonical names and roles.

Runs after spaCy's ``ner``. Starting from ``doc.ents`` it

1. repairs small-model errors with gazetteer-backed rules (a known country/city tagged
   PERSON/ORG becomes GPE, demonyms become NORP, toponyms the model missed are added,
   "The <Name>" in mid-sentence is an ORG, an ORG ending before "of <Place>" is extended,
   a PERSON is extended left over untagged proper nouns, titles are cut off names);
2. gives every mention a canonical name within the article (titles stripped, surname-only
   mentions joined to the longest full name with that surname, GPEs named as in the
   gazetteer);
3. resolves nominal anaphora with generic heads ("the ministry") to the most recent
   preceding ORG/PERSON whose name, mention or role contains that head;
4. reads roles from appositions ("X, Commander of ...,") and pre-nominal titles
   ("Commander-in-Chief X").

Output: ``doc._.nd_entities`` (list of ``model.Entity``, char offsets into ``doc.text``);
``doc.ents`` is replaced by the repaired spans. Helpers for other steps:
``canonical_at(doc, start, end)`` and ``country_of_demonym(word)``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..model import Entity
from .gazetteer import country_of_demonym, get_gazetteer, norm  # noqa: F401 (re-exported)

__all__ = ["canonical_at", "entity_at", "country_of_demonym", "TITLE_WORDS", "GENERIC_HEADS"]

# Words that are titles or parts of titles before a name ("General", "Defense Minister").
TITLE_WORDS = {
    "general", "gen", "president", "vice", "minister", "prime", "premier", "commander",
    "chief", "commander-in-chief", "in", "mr", "mrs", "ms", "dr", "lt", "col", "colonel",
    "major", "maj", "captain", "capt", "sgt", "sergeant", "admiral", "adm", "lieutenant",
    "secretary", "ambassador", "senator", "sen", "rep", "representative", "governor", "gov",
    "mayor", "king", "queen", "prince", "princess", "pope", "chancellor", "judge", "justice",
    "deputy", "spokesman", "spokeswoman", "spokesperson", "director", "chairman",
    "chairwoman", "chair", "ceo", "head", "foreign", "defense", "defence", "interior",
    "finance", "state", "marshal", "sir", "lord", "lady", "archbishop", "bishop", "rev",
    "reverend", "sheikh", "emir", "commissioner", "envoy", "prosecutor", "attorney",
    "field", "officer", "leader", "adviser", "advisor", "aide", "speaker", "professor",
    "prof", "coach", "pastor", "cardinal", "sultan", "crown", "first", "lady", "brig",
    "brigadier", "private", "corporal", "cpl", "staff", "supreme", "top", "former", "acting",
    "economy", "health", "education", "trade", "energy", "labor", "labour", "justice",
    "agriculture", "transport", "culture", "security", "national", "army", "navy", "air",
    "force", "forces", "of", "the", "armed", "gov.", "mr.", "mrs.", "ms.", "dr.", "gen.",
}
# Title words that on their own can start a name-preceding title run.
_TITLE_HEADS = {
    "general", "gen", "president", "minister", "premier", "commander", "chief",
    "commander-in-chief", "mr", "mrs", "ms", "dr", "lt", "col", "colonel", "major", "maj",
    "captain", "capt", "sgt", "sergeant", "admiral", "adm", "lieutenant", "secretary",
    "ambassador", "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "king",
    "queen", "prince", "princess", "pope", "chancellor", "judge", "justice", "spokesman",
    "spokeswoman", "spokesperson", "director", "chairman", "chairwoman", "ceo", "marshal",
    "sir", "lord", "lady", "archbishop", "bishop", "rev", "reverend", "sheikh", "emir",
    "commissioner", "envoy", "prosecutor", "attorney", "speaker", "professor", "prof",
    "coach", "cardinal", "sultan", "brigadier", "brig", "corporal", "cpl", "private",
}
# Generic nominal heads resolved to a preceding ORG/PERSON ("the ministry").
# Untagged capitalised words are added as GPE when they name a country, a US state or a
# city at least this large.
MISSED_CITY_POP = 200_000
GENERIC_HEADS = {
    "ministry", "army", "government", "military", "agency", "committee", "company",
    "president", "department", "council", "commission", "court", "party", "office",
    "administration", "bank", "firm", "organization", "organisation", "alliance", "navy",
    "police", "parliament", "embassy", "minister", "commander", "university", "institute",
    "newspaper", "board", "authority", "regime", "coalition", "federation", "bureau",
    "corporation", "senate", "congress", "cabinet", "union", "group", "service", "general",
    "prime minister", "foreign ministry", "defense ministry", "defence ministry",
}
# spaCy labels that are names (numeric/temporal ones go to the times and quantities steps)
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT",
               "WORK_OF_ART", "LANGUAGE"}


def _low(tok) -> str:
    return tok.text.lower().rstrip(".")


def _is_title(tok) -> bool:
    return _low(tok) in TITLE_WORDS or tok.text == "-"


class _Mention:
    __slots__ = ("start", "end", "label", "title", "canonical", "role", "anaphor")

    def __init__(self, start: int, end: int, label: str):
        self.start, self.end, self.label = start, end, label
        self.title: str | None = None
        self.canonical: str | None = None
        self.role: str | None = None
        self.anaphor = False


def _cap(tok) -> bool:
    return tok.text[:1].isupper()


def _gaz_kind(text: str, min_city_pop: int = 100_000) -> str | None:
    """'country'/'admin1'/'region'/'city' when ``text`` names a known place, else None."""
    gaz = get_gazetteer()
    for e in gaz.lookup(text):
        if not e.primary:
            continue
        if e.kind in ("country", "admin1", "region"):
            return e.kind
        if e.kind == "city" and e.population >= min_city_pop:
            return "city"
    return None


def _is_demonym_span(span) -> bool:
    return get_gazetteer().is_demonym(span.text) and len(span) <= 2


class EntityFixer:
    """Rule-based repair of ``doc.ents`` (returns a list of mutable mentions)."""

    def __call__(self, doc: Doc) -> list[_Mention]:
        ments: list[_Mention] = []
        for ent in doc.ents:
            m = _Mention(ent.start, ent.end, ent.label_)
            # trim leading lower-case determiners and trailing possessives / punctuation
            while m.start < m.end and doc[m.start].lower_ in ("the", "a", "an") and \
                    (doc[m.start].text.islower() or m.label in ("GPE", "NORP", "DATE", "CARDINAL")
                     or doc[m.start].is_sent_start):
                m.start += 1
            while m.end > m.start and (doc[m.end - 1].tag_ == "POS" or doc[m.end - 1].is_punct
                                        and doc[m.end - 1].text not in (".",)
                                        or doc[m.end - 1].lower_ in ("of", "and", "the", "for")):
                m.end -= 1
            if m.start < m.end:
                ments.append(m)
        taken = self._taken(ments, len(doc))
        for m in ments:
            self._fix_label(doc, m)
        for m in ments:
            if m.label == "PERSON":
                self._person_extend(doc, m, taken)
        self._the_names(doc, ments, taken)
        for m in ments:
            if m.label == "ORG":
                self._org_of_extend(doc, m, ments)
        ments = [m for m in ments if m.start < m.end]
        self._unknown_gpe(doc, ments)
        taken = self._taken(ments, len(doc))
        self._missed(doc, ments, taken)
        self._propagate(doc, ments, taken)
        ments.sort(key=lambda m: m.start)
        return ments

    @staticmethod
    def _propagate(doc, ments, taken) -> None:
        """Untagged repeats of a name found elsewhere in the article (and surnames of
        full person names) get the same label: the small model often tags only some."""
        names: dict[tuple[str, ...], str] = {}
        for m in ments:
            if m.label not in NAME_LABELS:
                continue
            toks = tuple(t.text for t in doc[m.start:m.end])
            if not all(t[:1].isupper() or not t.isalpha() for t in toks if t.lower() not in ("of", "and", "the", "for")):
                continue
            names.setdefault(toks, m.label)
            if m.label == "PERSON" and len(toks) >= 2 and toks[-1][:1].isupper():
                names.setdefault((toks[-1],), "PERSON")
        if not names:
            return
        longest = max(len(k) for k in names)
        i = 0
        while i < len(doc):
            hit = None
            if not taken[i] and _cap(doc[i]) and doc[i].pos_ in ("PROPN", "NOUN", "ADJ"):
                for n in range(min(longest, len(doc) - i), 0, -1):
                    key = tuple(t.text for t in doc[i:i + n])
                    if key in names and not any(taken[i:i + n]):
                        hit = (n, names[key])
                        break
            if hit:
                n, label = hit
                ments.append(_Mention(i, i + n, label))
                for k in range(i, i + n):
                    taken[k] = True
                i += n
            else:
                i += 1

    @staticmethod
    def _unknown_gpe(doc, ments) -> None:
        """A GPE no gazetteer knows is often a person or an organisation the small model
        mislabelled: 'Buhari' when the article names 'Muhammadu Buhari' -> PERSON; an acronym
        or a CamelCase/symbol name ('ICON', 'UConn', 'T*SOL') -> ORG."""
        gaz = get_gazetteer()
        person_words = set()
        for m in ments:
            if m.label == "PERSON":
                person_words.update(t.text for t in doc[m.start:m.end] if t.text[:1].isupper())
        for m in ments:
            if m.label != "GPE":
                continue
            text = doc[m.start:m.end].text
            words = text.split()
            if gaz.is_demonym(text):
                continue
            cands = gaz.lookup(text)
            if cands and any(c.kind != "city" or c.population >= 1_000_000 for c in cands):
                continue
            if cands and not (words and all(w in person_words for w in words)) \
                    and any(c.population >= 15_000 for c in cands):
                continue
            if words and all(w in person_words for w in words):
                m.label = "PERSON"   # "Buhari" after "Muhammadu Buhari"; "Olivia" the person
            elif cands:
                continue
            elif len(words) == 1 and (re.fullmatch(r"[A-Z]{2,6}", text)
                                      or re.search(r"[a-z][A-Z]", text)
                                      or re.search(r"[*+&@#]", text)):
                m.label = "ORG"
            elif re.search(r"[*+&@#]", text):
                m.label = "ORG"

    @staticmethod
    def _taken(ments, n) -> list[bool]:
        taken = [False] * n
        for m in ments:
            for i in range(m.start, m.end):
                taken[i] = True
        return taken

    @staticmethod
    def _fix_label(doc, m: _Mention) -> None:
        span = doc[m.start:m.end]
        if m.label in ("NUMERIC",):
            return
        if m.label in ("GPE", "ORG", "PERSON", "NORP", "LOC") and _is_demonym_span(span):
            if not _gaz_kind(span.text):
                m.label = "NORP"
                return
        if m.label in ("PERSON", "ORG", "NORP", "LOC", "FAC", "WORK_OF_ART", "PRODUCT"):
            kind = _gaz_kind(span.text)
            if kind is None:
                return
            if m.label == "PERSON" and len(span) > 1 and kind == "city":
                return  # "Paris Hilton": a multi-word person name that happens to be a city
            if m.label == "PERSON" and kind == "city" and span.root.dep_ in ("nsubj", "nsubjpass"):
                best = get_gazetteer().best(span.text)
                if best is None or best.population < 1_000_000:
                    return  # "Jackson said": a surname far likelier than a mid-size city
            if m.label == "LOC" and kind == "region":
                return
            m.label = "GPE"

    @staticmethod
    def _person_extend(doc, m: _Mention, taken) -> None:
        # Cut titles off the front ("General Oleksandr Pavliuk" -> "Oleksandr Pavliuk").
        start = m.start
        while start < m.end - 1 and _is_title(doc[start]):
            start += 1
        if start > m.start:
            m.title = doc[m.start:start].text
            m.start = start
        # Extend left over untagged capitalised proper nouns ("Valerii" + "Zaluzhny").
        i = m.start - 1
        while i >= 0 and not taken[i] and doc[i].tag_ == "NNP" and _cap(doc[i]) \
                and not _is_title(doc[i]) and not get_gazetteer().is_demonym(doc[i].text) \
                and doc[i].text.isalpha() and not doc[i + 1].is_sent_start:
            m.start = i
            i -= 1
        for k in range(m.start, m.end):
            taken[k] = True

    @staticmethod
    def _the_names(doc, ments, taken) -> None:
        """Mid-sentence 'The' + proper nouns is a name: 'an interview with The Economist'."""
        by_start = {m.start: m for m in ments}
        for tok in doc:
            if tok.text != "The" or tok.is_sent_start or taken[tok.i]:
                continue
            j = tok.i + 1
            if j in by_start and by_start[j].label in ("ORG", "WORK_OF_ART", "PRODUCT", "FAC"):
                by_start[j].start = tok.i
                by_start[j].label = "ORG"
                taken[tok.i] = True
                continue
            while j < len(doc) and not taken[j] and doc[j].tag_ in ("NNP", "NNPS") and _cap(doc[j]):
                j += 1
            if j > tok.i + 1 and j - tok.i <= 5:
                m = _Mention(tok.i, j, "ORG")
                ments.append(m)
                for k in range(tok.i, j):
                    taken[k] = True

    @staticmethod
    def _org_of_extend(doc, m: _Mention, ments) -> None:
        """'Forces and Means of Defense' + 'of' + 'Kyiv' -> one ORG."""
        while m.end + 1 < len(doc) and doc[m.end].lower_ == "of":
            j = m.end + 1
            if doc[j].lower_ == "the" and j + 1 < len(doc):
                j += 1
            nxt = next((o for o in ments if o.start == j and o is not m), None)
            if nxt is not None and nxt.label in ("GPE", "ORG", "LOC"):
                m.end = nxt.end
                nxt.start = nxt.end  # swallowed (dropped later)
            elif nxt is None and doc[j].tag_ in ("NNP", "NNPS") and _cap(doc[j]):
                k = j
                while k < len(doc) and doc[k].tag_ in ("NNP", "NNPS") and _cap(doc[k]):
                    if any(o.start <= k < o.end for o in ments if o is not m):
                        break
                    k += 1
                # a known place ends the name ("Communist Party of Vietnam | Nguyen ...")
                for n in (3, 2, 1):
                    if j + n <= k and _gaz_kind(doc[j:j + n].text):
                        k = j + n
                        break
                if k == j or k - j > 3:
                    break
                m.end = k
            else:
                break

    @staticmethod
    def _missed(doc, ments, taken) -> None:
        """Add toponyms and demonyms the model did not tag."""
        gaz = get_gazetteer()
        i = 0
        while i < len(doc):
            tok = doc[i]
            if taken[i] or not _cap(tok) or tok.tag_ not in ("NNP", "NNPS", "JJ", "NNS", "NN"):
                i += 1
                continue
            # longest capitalised run (up to 3 tokens) that is a known place
            hit = None
            for n in (3, 2, 1):
                if i + n > len(doc) or any(taken[i:i + n]):
                    continue
                span = doc[i:i + n]
                if not all(_cap(t) or t.text in ("-",) for t in span):
                    continue
                if n == 1 and tok.tag_ == "JJ" and gaz.is_demonym(tok.text):
                    hit = (n, "NORP")
                    break
                if tok.is_sent_start and n == 1 and tok.tag_ not in ("NNP", "NNPS"):
                    continue
                if gaz.is_demonym(span.text) and not _gaz_kind(span.text):
                    hit = (n, "NORP")
                    break
                kind = _gaz_kind(span.text, min_city_pop=MISSED_CITY_POP)
                if kind in ("country", "city", "admin1") and span[-1].tag_ in ("NNP", "NNPS"):
                    hit = (n, "GPE")
                    break
            if hit:
                n, label = hit
                ments.append(_Mention(i, i + n, label))
                for k in range(i, i + n):
                    taken[k] = True
                i += n
            else:
                i += 1


# ----------------------------------------------------------------------------------------
_LEAD_THE = re.compile(r"^(?:the)\s+", re.I)


def _canon_basic(doc, m: _Mention) -> str:
    text = doc[m.start:m.end].text
    if m.label == "GPE":
        best = get_gazetteer().best(text)
        if best is not None:
            return best.name
    if m.label == "ORG":
        if doc[m.start].text == "The" and not doc[m.start].is_sent_start:
            return text  # "The Economist": the article is part of the name
        return _LEAD_THE.sub("", text)
    if m.label == "PERSON":
        text = re.sub(r"'s$", "", text).strip()
    return " ".join(text.split())


def _assign_canonicals(doc, ments: list[_Mention]) -> None:
    for m in ments:
        if m.canonical is None:
            m.canonical = _canon_basic(doc, m)
    persons = [m for m in ments if m.label == "PERSON" and not m.anaphor]
    full = {}
    for m in persons:
        toks = m.canonical.split()
        if len(toks) >= 2:
            sur = toks[-1].lower()
            if sur not in full or len(m.canonical) > len(full[sur]):
                full[sur] = m.canonical
    for m in persons:
        toks = m.canonical.split()
        if len(toks) == 1 and toks[0].lower() in full:
            m.canonical = full[toks[0].lower()]
        elif len(toks) >= 2 and toks[-1].lower() in full and \
                full[toks[-1].lower()].lower().endswith(m.canonical.lower()):
            m.canonical = full[toks[-1].lower()]
    # ORG short forms: a single-word mention contained in a longer earlier ORG name keeps it
    orgs = [m for m in ments if m.label == "ORG" and not m.anaphor]
    for m in orgs:
        for o in orgs:
            if o is not m and o.start < m.start and len(o.canonical) > len(m.canonical) and \
                    re.search(r"\b" + re.escape(m.canonical) + r"$", o.canonical) and \
                    len(m.canonical.split()) >= 2:
                m.canonical = o.canonical
                break


def _word_in(head: str, text: str | None) -> bool:
    return bool(text) and re.search(r"\b" + re.escape(head) + r"\b", text, re.I) is not None


def _anaphora(doc, ments: list[_Mention]) -> list[_Mention]:
    taken = EntityFixer._taken(ments, len(doc))
    out = []
    for tok in doc:
        if tok.lower_ != "the" or tok.i + 1 >= len(doc):
            continue
        # "the ministry", "the defense ministry", "the prime minister"
        for n in (2, 1):
            j = tok.i + 1 + n
            if j > len(doc):
                continue
            words = doc[tok.i + 1:j]
            if any(taken[k] for k in range(tok.i, j)) or any(_cap(t) for t in words
                                                            if not t.is_sent_start and t.i != tok.i + 1):
                continue
            head = words.text.lower()
            if head not in GENERIC_HEADS or words[-1].pos_ not in ("NOUN", "PROPN", "ADJ"):
                continue
            if j < len(doc) and (doc[j].lower_ == "of" or doc[j].pos_ in ("NOUN", "PROPN")):
                continue  # "the ministry of ..." / "the army chief": not a bare nominal
            last = words[-1].text.lower()
            ante = None
            for m in reversed(ments):
                if m.start >= tok.i or m.anaphor or m.label not in ("ORG", "PERSON"):
                    continue
                mention_text = doc[m.start:m.end].text
                if _word_in(head, m.canonical) or _word_in(head, mention_text) or \
                        _word_in(head, m.title) or _word_in(last, m.role) or \
                        (m.label == "ORG" and _word_in(last, m.canonical)) or \
                        (m.label == "PERSON" and _word_in(last, m.title)):
                    ante = m
                    break
            if ante is not None:
                a = _Mention(tok.i, j, ante.label)
                a.anaphor = True
                a.canonical = ante.canonical
                a.role = None
                out.append(a)
                for k in range(tok.i, j):
                    taken[k] = True
                break
    return out


# ----------------------------------------------------------------------------------------
def _clean_role(span) -> str | None:
    toks = list(span)
    while toks and (toks[0].is_punct or toks[0].lower_ in ("the", "a", "an")):
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    if not toks or len(toks) > 20:
        return None
    return span.doc[toks[0].i:toks[-1].i + 1].text


def _roles(doc, ments: list[_Mention]) -> None:
    for m in ments:
        if m.label != "PERSON" or m.anaphor:
            continue
        span = doc[m.start:m.end]
        role = None
        # 1) apposition after the name: "X, Commander of the ..., said"
        if m.end + 1 < len(doc) and doc[m.end].text == ",":
            for t in doc[m.end + 1:min(len(doc), m.end + 4)]:
                if t.dep_ == "appos" and m.start <= t.head.i < m.end:
                    sub = doc[t.left_edge.i:t.right_edge.i + 1]
                    if sub.start > m.end:
                        role = _clean_role(sub)
                    break
            if role is None:
                nxt = doc[m.end + 1]
                if _low(nxt) in _TITLE_HEADS or (nxt.lower_ in ("the", "a") and m.end + 2 < len(doc)
                                                 and _low(doc[m.end + 2]) in TITLE_WORDS):
                    k = m.end + 1
                    while k < len(doc) and doc[k].text not in (",", ".", ";", "(", ")") and k - m.end < 16:
                        k += 1
                    if k < len(doc) and doc[k].text == ",":
                        role = _clean_role(doc[m.end + 1:k])
        # 2) apposition before the name: "Ukraine's foreign minister, Dmytro Kuleba,"
        if role is None:
            root = span.root
            if root.dep_ == "appos" and root.head.i < m.start and root.head.pos_ in ("NOUN", "PROPN") \
                    and root.head.ent_type_ != "PERSON":
                h = root.head
                role = _clean_role(doc[h.left_edge.i:h.i + 1])
        # 3) title run just before the name: "Commander-in-Chief Valerii Zaluzhny"
        if role is None:
            k = m.start
            while k > 0 and _is_title(doc[k - 1]) and doc[k - 1].lower_ not in ("the",):
                k -= 1
            while k < m.start and (doc[k].text == "-" or doc[k].lower_ in ("of", "in")):
                k += 1
            if k < m.start and any(_low(t) in _TITLE_HEADS for t in doc[k:m.start]):
                role = doc[k:m.start].text
            elif m.title:
                role = m.title
        m.role = role
    # share a role across all mentions of the same person
    best: dict[str, str] = {}
    for m in ments:
        if m.label == "PERSON" and m.role and (m.canonical not in best or len(m.role) > len(best[m.canonical])):
            best[m.canonical] = m.role
    for m in ments:
        if m.label == "PERSON" and m.canonical in best:
            m.role = best[m.canonical]


# ----------------------------------------------------------------------------------------
@Language.factory("newsdesk_entities")
def make_entities_component(nlp, name):
    get_gazetteer()  # build (or load) the gazetteer once, with the pipeline
    return EntitiesComponent()


class EntitiesComponent:
    def __init__(self):
        self.fixer = EntityFixer()

    def __call__(self, doc: Doc) -> Doc:
        ments = self.fixer(doc)
        _assign_canonicals(doc, ments)
        _roles(doc, ments)
        ments = ments + _anaphora(doc, ments)
        ments.sort(key=lambda m: (m.start, m.end))
        try:
            doc.ents = [Span(doc, m.start, m.end, label=m.label) for m in ments if not m.anaphor]
        except ValueError:
            pass
        out = []
        for m in ments:
            if m.label not in NAME_LABELS:
                continue
            span = doc[m.start:m.end]
            out.append(Entity(text=span.text, label=m.label, start=span.start_char,
                              end=span.end_char, canonical=m.canonical or span.text, role=m.role))
        doc._.nd_entities = out
        return doc


# ----------------------------------------------------------------------------------------
def entity_at(doc: Doc, start: int, end: int) -> Entity | None:
    """The entity of ``doc._.nd_entities`` covering char range [start, end), else the one
    overlapping it most."""
    best, best_ov = None, 0
    for e in doc._.nd_entities or []:
        if e.start <= start and end <= e.end:
            return e
        ov = min(end, e.end) - max(start, e.start)
        if ov > best_ov:
            best, best_ov = e, ov
    return best


def canonical_at(doc: Doc, start: int, end: int) -> str | None:
    """Canonical name of the entity at char range [start, end) of ``doc``, or None."""
    e = entity_at(doc, start, end)
    return e.canonical if e else None


if not Doc.has_extension("nd_canonical_at"):
    Doc.set_extension("nd_canonical_at", method=canonical_at)
