"""Reported speech from the parse: clausal complements, ``according to``, ``as``-clauses,
passives and raising verbs."""
from __future__ import annotations

import re

from .context import _Ctx, _ex
from .cues import cue_lemma, cue_lexicon, is_cue, lemma_class, PASSIVE_CUES


def _according_to(ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        pobj = [c for c in to.children if c.dep_ == "pobj"] or \
               [c for c in tok.children if c.dep_ == "pobj"]
        if not pobj:
            continue
        src_tok = pobj[0]
        source = ctx._source_np(src_tok)
        frame_s = tok.idx
        frame_e = src_tok.right_edge.idx + len(src_tok.right_edge)
        head = tok.head if tok.head.i != tok.i else None
        sent = tok.sent
        if head is None or head.i == tok.i:
            continue
        # the clause the attribution modifies, without the attribution itself
        if tok.i > head.i:
            c_start = head.left_edge.idx if head.dep_ != "ROOT" else sent.start_char
            c_start = max(c_start, sent.start_char)
            c_end = frame_s
        else:
            c_start = frame_e
            c_end = head.right_edge.idx + len(head.right_edge)
            if head.dep_ == "ROOT":
                c_end = sent.end_char
        if c_end - c_start < 3:
            continue
        text = ctx.text
        while c_end > c_start and text[c_end - 1] in " \n.,;:":
            c_end -= 1
        date = None
        t = ctx.res.time_in(src_tok.left_edge.idx, frame_e)
        if t is not None and re.match(r"^\d{4}", t.value or ""):
            date = t.value
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(tok.idx, to.idx + len(to), c_start, c_end, source, kind, date, None)


def _reported(ctx: _Ctx) -> None:
    doc = ctx.doc
    lex = cue_lexicon()
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        if not comps:
            continue
        if tok.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass")
                                        for c in tok.children) and tok.dep_ not in ("xcomp",):
            continue  # an imperative ("Say what you want") reports nobody
        klass = lex.get(cue_lemma(tok))
        if klass == "quote":
            continue
        if klass in ("cognition", "stance") and (ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx)):
            continue
        if klass == "cognition" and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we", "you")
                                        for c in tok.children) and not ctx.first_person_ok(tok):
            continue  # "I think ..." is the quoted speaker's hedge, not a new attribution
        comp = comps[0]
        source = ctx.source_of(tok)
        first = comp.left_edge
        if first.i < tok.i < comp.i:
            # a fronted relative or wh-object ("the mine, which Clarke says he keeps open"):
            # the content is the clause after the cue
            first = doc[tok.i + 1]
            while first.i < comp.i and (first.is_punct or first.dep_ in ("advmod", "npadvmod")
                                        or first.ent_type_ in ("DATE", "TIME")):
                first = doc[first.i + 1]
        c_start = first.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        # drop the complementizer
        if first.dep_ == "mark" and first.lower_ in ("that", "whether", "if"):
            nxt = doc[first.i + 1] if first.i + 1 < len(doc) else None
            if nxt is not None:
                c_start = nxt.idx
        # content before the cue ("..., he said"): stop before the source / cue
        if comp.i < tok.i:
            stop = min(x for x in ([source[1]] if source else []) + [tok.idx])
            c_end = min(c_end, stop)
        elif source and source[1] >= c_start and source[2] <= c_end:
            continue
        if klass in ("cognition", "evidential", "stance") and source is None:
            continue
        exclude = [(c_start, c_end)] + ([(source[1], source[2])] if source else [])
        date, venue = ctx.frame_info(tok, exclude)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.used_cues.add(tok.i)
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


def _final_attribution(ctx: _Ctx) -> None:
    """'..., he said.' when the parser made the cue a parataxis of the content clause."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        if tok.dep_ not in ("parataxis", "ccomp", "conj", "advcl") or tok.head.i >= tok.i:
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        subj = source[3]
        if subj.head.i != tok.i and tok.head.i in ctx.used_cues:
            continue  # "..., she said, referencing ...": the sentence is the governing cue's
        left = min(subj.left_edge.i, tok.i)
        if left == 0 or doc[left - 1].text not in (",", "—", "–"):
            continue
        sent = tok.sent
        c_start, c_end = sent.start_char, doc[left - 1].idx
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


COMMISSIVES = {"vow", "pledge", "promise", "threaten", "urge", "ask", "call", "demand",
               "encourage", "propose", "warn", "appeal", "beg", "implore", "order", "instruct",
               "swear", "undertake", "plead"}


def _interrupted_and_loose(ctx: _Ctx) -> None:
    """'Acts of protest, Mr. Obama said, are ...' (cue inside the content) and cues whose
    'that'-clause the parser attached elsewhere ('X reported at the time that ...')."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok):
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        sent = tok.sent
        subj = source[3]
        left = min(subj.left_edge.i, tok.i)
        right = tok.i
        # interruption: ", he said," with the content's head after it
        if tok.dep_ in ("parataxis", "advcl", "ccomp") and tok.head.i > tok.i and left > sent.start \
                and doc[left - 1].text == "," and right + 1 < sent.end and doc[right + 1].text == ",":
            c_start, c_end = sent.start_char, sent.end_char
            ctx.used_cues.add(tok.i)
            kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
            ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind)
            continue
        # a complementizer shortly after the cue: "reported at the time that ..."
        if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children):
            continue
        for k in range(tok.i + 1, min(tok.i + 7, sent.end - 1)):
            if doc[k].lower_ == "that" and doc[k].dep_ == "mark":
                c_start, c_end = doc[k + 1].idx, sent.end_char
                ctx.used_cues.add(tok.i)
                kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
                date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
                ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)
                break
            if doc[k].text in ",;:" or doc[k].pos_ == "VERB":
                break


NON_CONTENT_OBJ = {"it", "them", "him", "her", "us", "me", "you", "himself", "herself", "themselves"}


def _commissives(ctx: _Ctx) -> None:
    """'X vowed to punish ...', 'X urged Congress to act', 'X called for a ceasefire'."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ != "VERB" or tok.lemma_.lower() not in COMMISSIVES:
            continue
        source = ctx.source_of(tok)
        if source is None:
            continue
        comp = [c for c in tok.children if c.dep_ == "xcomp"]
        right = None
        if comp:
            c = comp[0]
            first = c.left_edge
            c_start = doc[first.i + 1].idx if first.lower_ == "to" and first.i + 1 < len(doc) else first.idx
            c_end = c.right_edge.idx + len(c.right_edge)
            # the one asked belongs to the content: "urged [Congress to act]", "called on
            # [Trump to apologize]" (the preposition stays with the cue)
            objs = [o for o in tok.children if o.dep_ == "dobj" and o.i < c.i and o.lower_ not in NON_CONTENT_OBJ]
            preps = [p for p in tok.children if p.dep_ == "prep" and p.lower_ in ("on", "upon", "for")
                     and p.i < c.i and any(o.dep_ == "pobj" for o in p.children)]
            if objs:
                c_start = objs[0].left_edge.idx
            elif preps:
                pobj = [o for o in preps[0].children if o.dep_ == "pobj"][0]
                c_start = pobj.left_edge.idx
                right = preps[0]
        elif tok.lemma_.lower() == "call":
            pfor = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"]
            if not pfor:
                continue
            c_start = pfor[0].idx + len(pfor[0])
            c_end = pfor[0].right_edge.idx + len(pfor[0].right_edge)
            if pfor[0].i == tok.i + 1:
                right = pfor[0]
        else:
            continue
        if source[1] >= c_start and source[2] <= c_end:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind, date, venue)


def _as_clauses(ctx: _Ctx) -> None:
    """'..., as police have said.' / 'As the ministry reported, ...': the clause the
    'as'-clause hangs on is the content."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or not is_cue(tok) or tok.dep_ != "advcl" \
               :
            continue
        marks = [c for c in tok.lefts if c.dep_ == "mark" and c.lower_ == "as"]
        if not marks or any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
            continue
        if lemma_class(tok) in ("quote",):
            continue
        head = tok.head
        if head.i == tok.i or ctx.in_quote(tok.idx, tok.idx + 1):
            continue
        source = ctx.source_of(tok)
        if source is None and tok.tag_ != "VBN":
            continue
        if source is None and tok.lemma_.lower() in ("plan", "schedule", "agree", "promise", "intend",
                                                     "arrange", "design", "envisage"):
            continue  # "go ahead as planned": how a thing runs, not who said so
        sent = tok.sent
        a, b = marks[0].i, tok.right_edge.i
        if a > head.i:
            c_start = max(head.left_edge.idx, sent.start_char)
            c_end = doc[a].idx
        else:
            if b + 1 >= len(doc):
                continue
            c_start = doc[b + 1].idx
            c_end = max(head.right_edge.idx + len(head.right_edge), c_start)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, exclude=_ex(c_start, c_end, source)), c_start, c_end, source, kind)


def _passive_agent(ctx: _Ctx) -> None:
    """'The issue was first reported by The Washington Post', 'His views were echoed by
    experts': a cue verb in the passive with a 'by' agent; the agent is the source, the
    passive subject the content, and the cue runs to 'by' (PolNeAR's convention)."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.tag_ != "VBN" or not is_cue(tok):
            continue
        if lemma_class(tok) == "quote":
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        if "auxpass" not in kids or "nsubjpass" not in kids or "agent" not in kids:
            continue
        if any(c.dep_ in ("xcomp", "oprd", "ccomp") for c in tok.children):
            continue
        agent = kids["agent"]
        pobj = [c for c in agent.children if c.dep_ == "pobj"]
        subj = kids["nsubjpass"]
        if not pobj or subj.lower_ in ("it", "there") or subj.i > tok.i:
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = ctx._source_np(pobj[0])
        if source is None:
            continue
        c_start = subj.left_edge.idx
        c_end = subj.right_edge.idx + len(subj.right_edge)
        if subj.lower_ in ("which", "that", "who") and subj.head.dep_ == "relcl":
            ante = subj.head.head
            c_start, c_end = ante.left_edge.idx, ante.idx + len(ante)
        if c_end - c_start < 3:
            continue
        ctx.used_cues.add(tok.i)
        right = agent if all(t.i in (agent.i,) or t.dep_ in ("advmod", "prt") for t in doc[tok.i + 1:agent.i + 1]) else None
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, right, _ex(c_start, c_end, source)), c_start, c_end, source, kind)


PASSIVE_COMPLEMENTS = {"as"}
PASSIVE_JUDGMENT = {"accuse", "charge", "criticize", "criticise", "blame", "praise", "condemn",
                    "fault", "credit", "suspect"}


def _passive(ctx: _Ctx) -> None:
    """'X is said to be ...', 'X is expected to ...', 'X is considered a threat', 'X was
    viewed as ...', 'X was accused of ...': unnamed source (or the agent of the passive).
    The content is the subject with its complement (it takes in the cue, which stands
    between them); the cue is the passive group ("is not thought", "was widely viewed")."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.tag_ != "VBN":
            continue
        lemma = cue_lemma(tok)
        if lemma not in PASSIVE_CUES and lemma not in PASSIVE_JUDGMENT:
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        if "auxpass" not in kids or "nsubjpass" not in kids:
            continue
        comp = kids.get("xcomp") or kids.get("oprd")
        if comp is None:
            preps = [c for c in tok.rights if c.dep_ == "prep" and any(o.dep_ in ("pobj", "pcomp", "amod", "acomp") for o in c.children)
                     and (c.lower_ in PASSIVE_COMPLEMENTS or (lemma in PASSIVE_JUDGMENT and c.lower_ in ("of", "with", "for")))]
            if not preps:
                continue
            comp = preps[0]
        subj = kids["nsubjpass"]
        if subj.lower_ in ("it", "this", "that", "which", "who") and comp.dep_ != "xcomp":
            continue
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx):
            continue
        source = None
        if "agent" in kids:
            pobj = [c for c in kids["agent"].children if c.dep_ == "pobj"]
            if pobj:
                source = ctx._source_np(pobj[0])
        c_start = subj.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok), c_start, c_end, source, kind)


RAISING_CUES = {"seem", "appear"}


def _raising(ctx: _Ctx) -> None:
    """'Melania seems to have vanished', 'The city can appear to be ...', 'X seems too
    risky': an evidential impression with nobody named (source ``None``). As with the
    passives, the content is the subject with its complement; the cue the verbal group.
    Not when the complement is a cue of its own ('appeared to suggest')."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.pos_ != "VERB" or tok.lemma_.lower() not in RAISING_CUES:
            continue
        kids = {}
        for c in tok.children:
            kids.setdefault(c.dep_, c)
        subj = kids.get("nsubj")
        comp = kids.get("xcomp") or kids.get("acomp") or kids.get("oprd")
        if subj is None or comp is None or comp.i < tok.i or subj.i > tok.i:
            continue
        if subj.lower_ in ("it", "there", "this", "that", "which", "who", "i", "we", "you") \
                or subj.tag_ in ("WP", "WDT") or subj.lower_ in ("him", "her", "them", "me", "us"):
            continue  # "what appeared to be ...", "made him seem kinder"
        if comp.i in ctx.used_cues or any(c.dep_ == "prep" and c.lower_ == "to" and c.i < comp.i
                                          for c in tok.children):
            continue  # "appeared to suggest" is the cue "suggest"; "seems to me" has a holder
        if ctx.in_quote(tok.idx, tok.idx + 1) or ctx.in_content(tok.idx) or ctx.quote_open_before(tok.idx):
            continue
        c_start = subj.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(*ctx.cue_bounds(tok, exclude=[(c_start, subj.right_edge.idx + len(subj.right_edge))]),
                c_start, c_end, None, kind)
