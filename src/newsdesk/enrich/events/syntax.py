"""Dependency-parse helpers of the events step: subjects, objects, passive agents,
conjuncts, purpose clauses and parenthetical asides."""
from __future__ import annotations

from ..nlp import doc_text
from .lexicon import HUMAN_NOUNS, ROLE_NOUNS

def with_conjuncts(toks):
    out = []
    for t in toks:
        out.append(t)
        out.extend(t.conjuncts)
    return out


def subjects(verb):
    """Subject tokens of a verb, climbing xcomp / conj / advcl-less chains."""
    v = verb
    via_xcomp = False
    for _ in range(5):
        subj = [c for c in v.children if c.dep_ in ("nsubj", "csubj")]
        if via_xcomp:
            # object control: "urged Serbia and Kosovo to resume talks"
            objs = [c for c in v.children if c.dep_ == "dobj" and (
                c.pos_ == "PROPN" or c.ent_type_ or c.lemma_.lower() in ROLE_NOUNS | HUMAN_NOUNS
                or c.tag_ == "PRP")]   # not "used tear gas to disperse ..."
            if objs:
                return with_conjuncts(objs)
        if subj:
            return with_conjuncts(subj)
        passive_subj = [c for c in v.children if c.dep_ == "nsubjpass"]
        if passive_subj:
            # raising: "China is expected to impose ...", "X is set to launch ..."
            return with_conjuncts(passive_subj) if via_xcomp else []
        if v.dep_ in ("xcomp", "conj") and v.head.i != v.i and v.head.pos_ in ("VERB", "AUX", "ADJ"):
            via_xcomp = v.dep_ == "xcomp"
            v = v.head
            continue
        if purpose(v):
            # "police opened fire to disperse the crowd": the main clause's subject acts
            via_xcomp = False
            v = v.head
            continue
        # "Syria is willing to withdraw": the adjective's copula holds the subject
        if v.pos_ == "ADJ" and v.dep_ == "acomp" and v.head.i != v.i and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            via_xcomp = False
            continue
        return []
    return []


def purpose(v) -> bool:
    """An infinitival purpose clause: "(in order) to disperse the crowd" under a verb."""
    return (v.dep_ == "advcl" and v.pos_ == "VERB" and v.head.i != v.i and v.head.pos_ in ("VERB", "AUX")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
            and not any(c.dep_ in ("nsubj", "nsubjpass", "mark") and c.lower_ not in ("in", "so")
                        for c in v.children))


def objects(verb):
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    if not objs:
        # "kidnapped up to 16 advisers": the parser reads "up" as a particle
        for prt in (c for c in verb.children if c.dep_ == "prt" and c.lower_ == "up"):
            for prep in (c for c in prt.children if c.dep_ == "prep" and c.lower_ == "to"):
                objs += [p for p in prep.children if p.dep_ == "pobj"]
    return with_conjuncts(objs)


def agents(verb):
    out = []
    for c in verb.children:
        if c.dep_ == "agent":
            out.extend(with_conjuncts([p for p in c.children if p.dep_ == "pobj"]))
    return out


def in_parentheses(tok) -> bool:
    """Inside a parenthetical aside of a sentence ("(invading soldiers)"), not a sentence
    that is wholly in parentheses."""
    return tok.i in _parenthetical(tok.doc)


def _parenthetical(doc) -> frozenset[int]:
    """Indices of the tokens in_parentheses() accepts, found in one pass over the Doc (kept
    in ``doc.user_data``): asked token by token, it walked each token's sentence."""
    found = doc.user_data.get(_PARENTHETICAL_KEY)
    if found is not None:
        return found
    text = doc_text(doc)
    inside = []
    for sent in doc.sents:
        if text[sent.start_char:sent.end_char].lstrip(" \"“").startswith("("):
            continue
        opened = closed = 0   # brackets in the sentence before the token
        for tok in sent:
            if opened > closed:
                inside.append(tok.i)
            opened += tok.text.count("(")
            closed += tok.text.count(")")
    found = doc.user_data[_PARENTHETICAL_KEY] = frozenset(inside)
    return found


_PARENTHETICAL_KEY = "newsdesk.parenthetical"
