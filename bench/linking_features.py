"""ECB+ documents and mentions as the link stage sees them: story inputs (lead vector and
entity keys) and incident mentions (head lemma, trigger in context, sentence, arguments).

Shared by bench/linking.py and scripts/train_incident_scorer.py.
"""
from __future__ import annotations

import functools
import re

import numpy as np

LEAD_SENTENCES = 3


@functools.lru_cache(maxsize=1)
def _nlp():
    import spacy
    from newsdesk.enrich.nlp import MODEL
    return spacy.load(MODEL)


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_FIGURES = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
_NAMES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


def doc_keys(ents) -> set[str]:
    """Keys of one document from its spaCy entities: names as link.keys.entity_key makes
    them, the years its dates give (ECB+ has no publication dates to resolve the rest
    against; articles' DATE values give their years in link.keys) and the figures it
    gives with their words ("6.1", "12 people"), as articles' quantities do."""
    from newsdesk.link.keys import entity_key
    keys = {entity_key(e.text) for e in ents if e.label_ in _NAMES}
    for e in ents:
        if e.label_ == "DATE":
            keys.update(_YEAR.findall(e.text))
        elif e.label_ in _FIGURES and any(c.isdigit() for c in e.text):
            keys.add(" ".join(e.text.lower().split()))
    keys.discard("")
    return keys


def story_inputs(docs) -> tuple[np.ndarray, list[set[str]]]:
    """Per document: the unit vector of its lead, and its keys (``doc_keys``), as
    link.keys.article_keys gives them for articles."""
    from newsdesk.link.embed import encoder
    vecs = encoder().encode([d.text(LEAD_SENTENCES) for d in docs])
    keys = [doc_keys(sd.ents) for sd in _nlp().pipe((d.text() for d in docs), batch_size=16)]
    return vecs, keys


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "%", "n't", "'s", "’s", "'", "”", "’"}
_NO_SPACE_AFTER = {"(", "[", "$", "“", "‘"}
HEADER_SENTENCES = 3


def _detok(d) -> tuple[str, dict[int, list[tuple[int, int]]]]:
    """ECB+ gives words; the pipeline reads text. The document as a page would write it
    ("May 2 , 2013" -> "May 2, 2013": spaCy's tokens do not split the way ECB+'s do, and
    the date patterns expect the comma after the day), with each word's character span,
    by sentence (sentences on lines of their own)."""
    parts, spans, pos = [], {}, 0
    for k in sorted(d.sentences):
        if parts:
            parts.append("\n")
            pos += 1
        out, prev = [], None
        for w in d.sentences[k]:
            if prev is not None and w not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
                parts.append(" ")
                pos += 1
            out.append((pos, pos + len(w)))
            parts.append(w)
            pos += len(w)
            prev = w
        spans[k] = out or [(pos, pos)]
    return "".join(parts), spans


def context(docs) -> dict:
    """(time, place, type, arguments) of every gold mention, keyed (doc, m_id), as the
    link stage's events carry them: the document goes through newsdesk's own enrichment, the trigger's
    place and time come from the event extractor's own rules (``Context.place`` /
    ``Context.time`` on the trigger's head) and its PLOVER type from an extracted event on
    the same words (None when the extractor found none there), its arguments the names
    ``_role_names`` finds (as entity keys). ECB+ has no publication
    dates: as for a flattened page, the first date of the header lines (the page's
    dateline) is taken for one, else relative dates stay unresolved."""
    from newsdesk.enrich import load_nlp
    from newsdesk.enrich.events import _Events
    from newsdesk.link.keys import entity_key
    from newsdesk.extract.dates import find_dates
    nlp = load_nlp()
    texts = [_detok(d) for d in docs]

    def pages():
        for text, _ in texts:
            doc = nlp.make_doc(text)
            found = find_dates("\n".join(text.split("\n")[:HEADER_SENTENCES]))
            doc._.published = found[0].date if found else None
            yield doc

    out = {}
    for d, (_, spans), sd in zip(docs, texts, nlp.pipe(pages(), batch_size=16)):
        ex = _Events(sd)
        events = list(sd._.nd_events or [])
        for m in d.mentions:
            cs, ce = spans[m.sentence][m.start][0], spans[m.sentence][m.end - 1][1]
            span = sd.char_span(cs, ce, alignment_mode="expand")
            if span is None or not len(span):
                out[(m.doc, m.m_id)] = (None, None, None, frozenset())
                continue
            tok = span.root
            verb = tok if tok.pos_ in ("VERB", "AUX") else (
                tok.head if tok.head.pos_ == "VERB" and tok.dep_ in ("dobj", "nsubj", "nsubjpass")
                else None)
            place = ex.place(tok, verb, [])
            time = ex.time(tok, verb, tok.sent, "asserted")
            typ = next((e.type for e in events if e.start < ce and e.end > cs), None)
            args = frozenset(entity_key(n) for n in _role_names(ex.res, tok, verb)) - {""}
            out[(m.doc, m.m_id)] = (time, entity_key(place) if place else None, typ, args)
    return out


def _role_names(res, tok, verb) -> list[str]:
    """Who the trigger's clause names as doing or undergoing it, as the event extractor's
    actors and targets would (its subject, objects and their prepositions' objects; a
    noun trigger's possessor, compounds and prepositional objects), by
    ``resolve.actor_of_np``."""
    from newsdesk.enrich.resolve import actor_of_np
    heads = []
    for h in {verb, tok} - {None}:
        deps = (("nsubj", "nsubjpass", "dobj", "dative", "attr", "oprd") if h is verb
                else ("poss", "compound", "nmod"))
        heads += [c for c in h.children if c.dep_ in deps]
        heads += [p for c in h.children if c.dep_ in ("prep", "agent")
                  for p in c.children if p.dep_ == "pobj"]
    return [n for h in heads for n in actor_of_np(res, h)]


# False: mentions without time, place and type, as before they were read (the anchor
# scripts/train_incident_scorer.py --no-context cross-validates)
WITH_CONTEXT = True
# a mention's arguments: "sentence", the names in its sentence; "roles", the names its
# clause gives as doing or undergoing it (``_role_names``: the link stage's events carry
# their actors and targets; not the default: bench/README.md, "Time, place, type and
# arguments", says why)
ARGS = "sentence"
_CONTEXT: dict = {}


def _context(docs) -> dict:
    names = tuple(d.name for d in docs)
    if names not in _CONTEXT:     # the model's and the table's mentions read the same pass
        _CONTEXT.clear()
        _CONTEXT[names] = context(docs)
    return _CONTEXT[names]


def mentions(docs, words=None, with_context=None):
    """incidents.Mention for every gold event mention, keyed (doc, m_id); ``words``: the
    function giving the sentence and trigger vectors (the process encoder's
    ``encode_words`` unless given); ``with_context`` (default ``WITH_CONTEXT``): time,
    place, type and (with ``ARGS`` "roles") arguments as ``context`` gives them; without
    it the first three are None (ECB+'s markables carry none) and the arguments are the
    sentence's names."""
    from spacy.tokens import Doc as SpacyDoc
    from newsdesk.link.embed import encoder
    from newsdesk.link.incidents import Mention
    nlp = _nlp()
    sents, spans, owners = [], [], []
    for d in docs:
        by_sent: dict[int, list] = {}
        for m in d.mentions:
            by_sent.setdefault(m.sentence, []).append(m)
        for s, ms in sorted(by_sent.items()):
            sents.append(d.sentences[s])
            spans.append([(m.start, m.end) for m in ms])
            owners.append(ms)
    sent_vecs, span_vecs = (words or encoder().encode_words)(sents, spans)
    spacy_docs = nlp.pipe((SpacyDoc(nlp.vocab, words=[w or "_" for w in ws]) for ws in sents),
                          batch_size=64)
    ctx = _context(docs) if (WITH_CONTEXT if with_context is None else with_context) else {}
    out = []
    for sd, ms, sv, tv in zip(spacy_docs, owners, sent_vecs, span_vecs):
        names = {e.text.lower() for e in sd.ents}
        names |= {t.lemma_.lower() for t in sd if t.pos_ in ("PROPN", "NUM")}
        for j, m in enumerate(ms):
            span = sd[m.start:m.end]
            head = span.root
            inside = {t.lemma_.lower() for t in span} | {span.text.lower()}
            time, place, typ, roles = ctx.get((m.doc, m.m_id), (None, None, None, None))
            args = roles if ARGS == "roles" and roles is not None else frozenset(names - inside)
            out.append(Mention(key=(m.doc, m.m_id), doc=m.doc, lemma=head.lemma_.lower(),
                               vec=tv[j], sent_vec=sv, args=args,
                               time=time, place=place, type=typ))
    return out
