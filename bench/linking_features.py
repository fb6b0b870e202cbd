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


def mentions(docs, words=None):
    """incidents.Mention for every gold event mention, keyed (doc, m_id); ``words``: the
    function giving the sentence and trigger vectors (the process encoder's
    ``encode_words`` unless given)."""
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
    out = []
    for sd, ms, sv, tv in zip(spacy_docs, owners, sent_vecs, span_vecs):
        names = {e.text.lower() for e in sd.ents}
        names |= {t.lemma_.lower() for t in sd if t.pos_ in ("PROPN", "NUM")}
        for j, m in enumerate(ms):
            span = sd[m.start:m.end]
            head = span.root
            inside = {t.lemma_.lower() for t in span} | {span.text.lower()}
            out.append(Mention(key=(m.doc, m.m_id), doc=m.doc, lemma=head.lemma_.lower(),
                               vec=tv[j], sent_vec=sv, args=frozenset(names - inside)))
    return out
