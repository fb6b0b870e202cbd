"""Attitudes with a non-clausal content: stance and belief verbs, attitude adjectives."""
from __future__ import annotations

from .context import _Ctx, _ex
from .cues import cue_lemma, cue_lexicon, is_cue


# verbs of speaking that take an addressee or a venue with to/with/at ("spoke to reporters")
TALK_VERBS = {"speak", "talk", "sing", "preach", "lecture", "whisper", "shout", "yell", "plead",
              "chant", "mutter", "cry", "joke", "brag", "boast"}
# prepositions that a cue verb takes as part of its meaning ("called for", "pointed to",
# "spoke about"): the cue spans verb + preposition, the content is the prepositional object
CUE_PREPS = {"for", "to", "about", "on", "against", "of", "over", "at", "with"}
NON_CONTENT = {"it", "them", "this", "that", "him", "her", "us", "me", "you", "something",
               "anything", "nothing", "everything", "one", "so", "reporters", "journalists"}


def _attitudes(ctx: _Ctx) -> None:
    """A cue verb whose content is not a clause: a noun phrase or an infinitive
    ("X criticized the plan", "X wants to run", "X described Y as Z", "X called for talks").
    Needs a named or nominal subject as source."""
    doc = ctx.doc
    lex = cue_lexicon()
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok) or tok.pos_ != "VERB":
            continue
        if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
            continue
        if tok.dep_ in ("amod", "acl", "relcl") and not any(c.dep_ == "nsubj" for c in tok.children) \
                and ctx.document_verb(tok) is None:
            continue
        if tok.dep_ == "xcomp":
            continue  # "wants to see ...": the governing verb is the attribution
        klass = lex.get(cue_lemma(tok))
        if klass == "quote":
            continue
        if ctx.in_content(tok.idx) or (klass != "speech" and ctx.in_quote(tok.idx, tok.idx + 1)):
            continue  # a belief or wish inside a quote or a reported content is the speaker's own
        source = ctx.source_of(tok)
        if source is None or source[3].i > tok.i:
            continue
        if source[3].lower_ in ("i", "we", "you") and not ctx.first_person_ok(tok):
            continue
        comps = [c for c in tok.rights if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp")]
        right = None
        if not comps:
            nxt = tok.i + 1 + sum(1 for c in tok.rights if c.dep_ == "prt" and c.i == tok.i + 1)
            preps = [c for c in tok.rights if c.dep_ in ("prep",) and c.lower_ in CUE_PREPS
                     and c.i == nxt and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
            if not preps:
                continue
            right = preps[0]
            if cue_lemma(tok) in TALK_VERBS and right.lower_ in ("to", "with", "at"):
                # "spoke to reporters", "spoke at a rally": an addressee or a venue, not what
                # was said; "talked to X about Y" says it in the second preposition
                topic = [c for c in tok.rights if c.dep_ == "prep" and c.i > right.i
                         and c.lower_ in ("about", "on", "over", "regarding")
                         and any(o.dep_ in ("pobj", "pcomp") and o.ent_type_ not in ("DATE", "TIME")
                                 for o in c.children)]
                if not topic:
                    continue
                right = topic[0]
            comps = [o for o in right.children if o.dep_ in ("pobj", "pcomp")]
        first = comps[0]
        if first.i in ctx.used_cues:
            continue  # "X repeated its warning that ...": the noun carries the attribution
        if first.dep_ == "dobj" and (first.lower_ in NON_CONTENT and first.n_rights == 0
                                     and not [c for c in tok.rights if c.dep_ in ("oprd", "xcomp", "prep") and c.i > first.i]):
            continue
        # content: from the first complement to the end of the last complement-like child
        last_i = max(c.right_edge.i for c in tok.rights
                     if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp", "prep", "dative") and c.i >= first.i) \
            if right is None else right.right_edge.i
        start_tok = first.left_edge
        if start_tok.lower_ == "to" and start_tok.dep_ == "aux" and start_tok.i + 1 < len(doc):
            start_tok = doc[start_tok.i + 1]
        c_start = start_tok.idx
        c_end = doc[last_i].idx + len(doc[last_i])
        if source[1] >= c_start and source[2] <= c_end:
            continue
        if c_end - c_start < 2:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


# Adjectival attitude predicates with a clause: "Protesters were frustrated that ...",
# "She is confident the bill will pass" (epistemic and emotive adjectives).
ATTITUDE_ADJS = {
    "sure", "certain", "confident", "convinced", "aware", "afraid", "worried", "concerned",
    "hopeful", "optimistic", "pessimistic", "skeptical", "sceptical", "doubtful", "frustrated",
    "angry", "upset", "happy", "glad", "pleased", "proud", "disappointed", "satisfied",
    "unhappy", "furious", "outraged", "adamant", "insistent", "fearful", "alarmed", "troubled",
    "dismayed", "surprised", "shocked", "thrilled", "delighted", "unsure", "uncertain",
    "persuaded", "grateful", "sorry", "eager", "anxious", "nervous", "determined",
}


# ... and with a prepositional object: "X has been critical of Y", "X is worried about Y"
# (the preposition closes the cue, its object is the content)
ATTITUDE_PREP_ADJS = ATTITUDE_ADJS | {
    "critical", "supportive", "passionate", "wary", "opposed", "enthusiastic", "bullish",
    "bearish", "dismissive", "suspicious", "fond", "contemptuous", "scornful", "cautious",
    "vocal", "leery", "distrustful", "appreciative", "sympathetic", "hostile",
}
ATTITUDE_PREPS = {"about", "of", "with", "over", "on", "toward", "towards", "at", "in"}
# nouns naming the holder of a stance, as predicates: "X is a staunch opponent of Y"
STANCE_HOLDER_NOUNS = {
    "supporter", "opponent", "critic", "advocate", "proponent", "defender", "champion",
    "backer", "fan", "skeptic", "sceptic", "admirer", "foe",
}


def _attitude_adjectives(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        low = tok.lower_
        if tok.i in ctx.used_cues or not (low in ATTITUDE_PREP_ADJS or (
                tok.pos_ == "NOUN" and tok.dep_ == "attr" and tok.lemma_.lower() in STANCE_HOLDER_NOUNS)):
            continue
        comps = [c for c in tok.rights if c.dep_ in ("ccomp", "xcomp")] if low in ATTITUDE_ADJS else []
        prep = None
        if not comps and tok.dep_ in ("acomp", "attr"):
            preps = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ATTITUDE_PREPS
                     and any(o.dep_ in ("pobj", "pcomp") for o in c.children)
                     and all(t.dep_ in ("advmod", "npadvmod") or t.i == c.i for t in doc[tok.i + 1:c.i + 1])]
            if tok.pos_ == "NOUN":
                preps = [c for c in preps if c.lower_ == "of"]
            if preps:
                prep = preps[0]
                comps = [o for o in prep.children if o.dep_ in ("pobj", "pcomp")]
        if not comps:
            continue
        if ctx.in_content(tok.idx) or ctx.in_quote(tok.idx, tok.idx + 1):
            continue
        # the predicate: "were frustrated" (copula head or passive participle)
        pred = tok.head if tok.dep_ in ("acomp", "oprd", "attr") else tok
        subj = [c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj or subj[0].lower_ in ("i", "we", "you", "it", "this", "that", "there"):
            continue
        source = ctx._source_np(subj[0])
        if source is None:
            continue
        comp = comps[0]
        first = comp.left_edge
        if first.lower_ == "that" and first.dep_ == "mark" and first.i + 1 < len(doc):
            first = doc[first.i + 1]
        elif first.lower_ == "to" and first.dep_ == "aux" and first.i + 1 < len(doc):
            first = doc[first.i + 1]
        c_start, c_end = first.idx, comp.right_edge.idx + len(comp.right_edge)
        lefts = [c for c in pred.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < tok.i and c.i > subj[0].i]
        cue_start = min([pred.idx if pred.i < tok.i else tok.idx] + [c.idx for c in lefts])
        if source[2] > cue_start or c_start < tok.idx:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        cue_end = prep.idx + len(prep) if prep is not None else tok.idx + len(tok)
        ctx.add(cue_start, cue_end, c_start, c_end, source, kind)
