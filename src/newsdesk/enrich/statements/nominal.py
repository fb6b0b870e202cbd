"""Noun cues (``X's claim that``), documents put out by a source and light verbs with a
speech noun."""
from __future__ import annotations

from .context import _Ctx, _ex


# Nouns that name an attributed proposition (speech act, belief, finding): "Trump's claim
# that ...", "the ministry's warning that ...", "her comments on ...". Written from the
# nominalisations of the cue verb classes, not from a corpus.
NOUN_CUES = {
    "claim", "statement", "assertion", "argument", "belief", "view", "warning", "promise",
    "pledge", "vow", "accusation", "allegation", "charge", "criticism", "comment", "remark",
    "suggestion", "insistence", "contention", "demand", "denial", "admission",
    "acknowledgment", "acknowledgement", "announcement", "prediction", "estimate",
    "assessment", "conclusion", "finding", "testimony", "speculation", "suspicion", "fear",
    "hope", "concern", "worry", "doubt", "idea", "notion", "opinion", "position", "proposal",
    "decision", "assurance", "reminder", "message", "explanation", "complaint", "threat",
    "recommendation", "assumption", "expectation", "insinuation", "boast", "confidence",
    "conviction", "impression", "sense", "suggestion", "reports", "rumor", "rumour",
    "speculation", "theory", "contention", "thesis", "verdict", "judgment", "judgement",
    # nominal attitudes with a possessive holder ("his determination to ...", "her
    # refusal to ...", "Trump's rhetoric about ..."), from the study half's noun cues
    "determination", "refusal", "intention", "intent", "commitment", "obsession",
    "rhetoric", "emphasis", "disdain", "admiration", "praise", "opposition", "rejection",
    "endorsement", "condemnation", "outrage", "reluctance", "willingness", "desire",
}
RESTATING_VERBS = {"repeat", "reiterate", "make", "issue", "renew", "voice", "express", "restate",
                   "publish", "release", "stand", "double", "defend", "explain", "post"}
SPEECH_NOUNS = {"claim", "statement", "assertion", "argument", "warning", "promise", "pledge",
                "accusation", "allegation", "comment", "remark", "testimony", "announcement",
                "complaint", "denial", "admission", "explanation", "prediction", "proposal"}
NOUN_PREPS = {"on", "about", "of", "over", "regarding", "against", "for"}


def _noun_cues(ctx: _Ctx) -> None:
    """'X's claim that ...', 'the claim by X that ...', 'X made the claim that ...' and
    'X's comments on Y' (with a possessive source)."""
    doc = ctx.doc
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in NOUN_CUES or tok.i in ctx.used_cues:
            continue
        poss = [c for c in tok.lefts if c.dep_ == "poss"]
        source = None
        if poss and poss[0].lower_ in ("its", "their", "his", "her") and tok.dep_ == "dobj" \
                and tok.head.lemma_.lower() in RESTATING_VERBS:
            source = ctx.source_of(tok.head)  # "The ministry repeated its warning that ..."
        if source is None and poss and poss[0].lower_ not in ("my", "our", "your"):
            source = ctx._source_np(poss[0])
        if source is None:
            by = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in ("by", "from")]
            if by:
                pobj = [c for c in by[0].children if c.dep_ == "pobj"]
                if pobj:
                    source = ctx._source_np(pobj[0])
        if source is None and tok.dep_ == "dobj" and tok.head.pos_ == "VERB":
            source = ctx.source_of(tok.head)
        clause = [c for c in tok.rights if c.dep_ in ("acl", "ccomp", "appos")
                  and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"]
        # "his determination to act alone", "her refusal to answer" (with a possessive)
        infinitive = [c for c in tok.rights if c.dep_ in ("acl", "relcl") and c.tag_ == "VB"
                      and c.left_edge.lower_ == "to" and c.left_edge.dep_ == "aux"] if poss else []
        right = None
        if clause:
            c = clause[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
        elif infinitive and source is not None:
            c = infinitive[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
        else:
            if source is None:
                continue
            if tok.lemma_.lower() not in SPEECH_NOUNS and not (poss and poss[0].lower_ not in ("its", "their")):
                continue  # "a view of ...": not an attribution; "her concerns about ..." is
            preps = [c for c in tok.rights if c.dep_ == "prep" and c.lower_ in NOUN_PREPS
                     and c.i == tok.i + 1 and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
            if not preps:
                continue
            right = preps[0]
            objs = [o for o in right.children if o.dep_ in ("pobj", "pcomp")]
            c_start = objs[0].left_edge.idx
            c_end = right.right_edge.idx + len(right.right_edge)
        if source is not None and source[1] >= c_start and source[2] <= c_end:
            continue
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        cue_end = (right.idx + len(right)) if right is not None else tok.idx + len(tok)
        cue_start = tok.idx
        if source is not None and poss and source[3].i == poss[0].i:
            # "North Korea's claims": the possessive marker goes with the cue (PolNeAR)
            case = [c for c in poss[0].children if c.dep_ == "case" and c.i == source[3].right_edge.i
                    and c.i == tok.i - 1]
            if case and source[1] < case[0].idx <= source[2]:
                cue_start = case[0].idx
                end = case[0].idx
                while end > source[1] and ctx.text[end - 1].isspace():
                    end -= 1
                source = (source[0], source[1], end, source[3])
        ctx.add(cue_start, cue_end, c_start, c_end, source, kind)


# Light verbs that make an attribution out of a speech or attitude noun: "X raised questions
# about Y", "X made a strong condemnation of Y", "X sounded a call for Y", "X took offense
# at Y", "X has no illusions about Y". The cue runs from the verb to the preposition
# (PolNeAR's convention); the content is the prepositional object.
LIGHT_VERBS = {"make", "raise", "offer", "add", "issue", "sound", "voice", "express", "take",
               "have", "deliver", "lodge", "level", "renew", "register", "air"}
LIGHT_NOUNS = NOUN_CUES | {
    "question", "insight", "note", "call", "offense", "offence", "illusion", "case", "point",
    "reference", "advice", "condemnation", "objection", "appeal", "plea", "request", "attack",
    "complaint", "charge", "doubt", "concern", "misgiving", "reservation", "qualm", "exception",
    "issue", "umbrage", "stand", "pitch", "argument",
}
LIGHT_PREPS = {"about", "on", "of", "for", "at", "into", "over", "against", "regarding", "with"}


def _light_verbs(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in LIGHT_VERBS:
            continue
        objs = [c for c in tok.rights if c.dep_ == "dobj" and c.pos_ == "NOUN"
                and c.lemma_.lower() in LIGHT_NOUNS and c.i not in ctx.used_cues]
        if not objs:
            continue
        noun = objs[0]
        if tok.lemma_.lower() == "have" and not any(c.lower_ == "no" for c in noun.lefts):
            continue  # "has no illusions about" (a stance); "has questions about" is too loose
        preps = [c for c in list(noun.rights) + list(tok.rights) if c.dep_ == "prep" and c.lower_ in LIGHT_PREPS
                 and c.i > noun.i and any(o.dep_ in ("pobj", "pcomp") for o in c.children)]
        clause = [c for c in noun.rights if c.dep_ in ("acl", "ccomp", "appos")
                  and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"]
        if clause and (not preps or clause[0].i < min(p.i for p in preps)):
            # "voiced concern that ...", "made the case that ...": noun and clause
            c = clause[0]
            c_start = doc[c.left_edge.i + 1].idx
            c_end = c.right_edge.idx + len(c.right_edge)
            if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
                continue
            source = ctx.source_of(tok)
            if source is None or source[3].i > tok.i or source[3].lower_ in ("i", "we", "you"):
                continue
            ctx.used_cues.update((tok.i, noun.i))
            kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
            ctx.add(*ctx.cue_bounds(tok, noun, _ex(c_start, c_end, source)), c_start, c_end, source, kind)
            continue
        if not preps:
            continue
        prep = min(preps, key=lambda c: c.i)
        if prep.lower_ == "at" and noun.lemma_.lower() not in ("offense", "offence", "umbrage", "exception"):
            continue  # "made the pledge at a rally": a place, not a target
        if any(t.dep_ not in ("amod", "advmod", "det", "compound", "npadvmod", "nummod", "punct")
               and t.i != noun.i for t in doc[noun.i + 1:prep.i]):
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = ctx.source_of(tok)
        if source is None or source[3].i > tok.i:
            continue
        if source[3].lower_ in ("i", "we", "you") and not ctx.first_person_ok(tok):
            continue
        objs_ = [o for o in prep.children if o.dep_ in ("pobj", "pcomp")]
        c_start = objs_[0].left_edge.idx
        c_end = prep.right_edge.idx + len(prep.right_edge)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.update((tok.i, noun.i))
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, prep, _ex(c_start, c_end, source)), c_start, c_end, source, kind)
