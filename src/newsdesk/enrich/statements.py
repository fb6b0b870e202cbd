"""Enrichment step 'statements': who said what, as ``doc._.nd_statements``.

Shapes found (offsets are characters into ``doc.text``):

* direct quotes, straight or curly: ``"...," X said`` / ``X said: "..."`` /
  ``"...," he said, "..."`` (each quoted part becomes a statement with the same cue);
* reported speech from the dependency parse: a cue verb (``data/speech_cues.tsv``) with a
  clausal complement, ``X said that ...``, including sentence-final attribution
  ``..., the ministry added.``;
* ``according to X`` (the content is the rest of the clause);
* passive, unnamed attribution: ``... is said to be ...`` (source ``None``).

Sources resolve through ``doc._.nd_entities`` (canonical names, nominal mentions such as
"the ministry"); "he"/"she" resolve to the last person named before. ``date`` is the
statement's own date when the sentence gives it (``statement published on Jan. 5``,
``In an interview ... on Dec. 15``) from ``doc._.nd_times``; ``venue`` comes from
``in an interview with X`` / ``told X`` / ``on Twitter``.
"""
from __future__ import annotations

import bisect
import functools
import logging
import re

from spacy.language import Language

from ..model import Statement
from .resolve import Resolver, np_span, read_table, strip_the

log = logging.getLogger(__name__)

OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"
VENUE_NOUNS = {
    "interview", "statement", "speech", "address", "post", "op-ed", "article", "conference",
    "briefing", "letter", "message", "video", "broadcast", "remark", "comment", "column",
    "podcast", "appearance", "tweet", "hearing", "session", "meeting", "programme", "program",
    "show", "editorial", "essay", "communique", "report", "publication",
}
PLATFORMS = {
    "twitter", "telegram", "facebook", "instagram", "youtube", "tiktok", "x", "television",
    "tv", "radio", "truth social", "weibo", "vkontakte", "linkedin", "threads",
}
PASSIVE_CUES = {"say", "report", "believe", "think", "allege", "rumor", "rumour", "claim",
                "understand", "consider", "know"}


@functools.lru_cache(maxsize=None)
def cue_lexicon() -> dict[str, str]:
    """lemma -> class (speech, report, cognition, evidential)."""
    out: dict[str, str] = {}
    for row in read_table("speech_cues.tsv"):
        out.setdefault(row[0].strip().lower(), row[1].strip() if len(row) > 1 else "speech")
    return out


def is_cue(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.tag_.startswith("VB") and tok.lemma_.lower() in cue_lexicon()


# -- quotes ----------------------------------------------------------------------------------
def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quote marks, paired within a paragraph."""
    out = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para and not para.startswith("\n"):
            curly_open = None
            straight_open = None
            for i, ch in enumerate(para):
                if ch in OPEN_QUOTES:
                    curly_open = i
                elif ch in CLOSE_QUOTES and curly_open is not None:
                    out.append((pos + curly_open + 1, pos + i))
                    curly_open = None
                elif ch == '"':
                    if straight_open is None:
                        straight_open = i
                    else:
                        out.append((pos + straight_open + 1, pos + i))
                        straight_open = None
        pos += len(para)
    return sorted(out)


class _Ctx:
    def __init__(self, doc):
        self.doc = doc
        self.res = Resolver(doc)
        self.starts = [t.idx for t in doc]
        self.quotes = find_quotes(doc.text)
        self.used_cues: set[int] = set()
        self.out: list[Statement] = []

    def token_at(self, char: int):
        i = bisect.bisect_right(self.starts, char) - 1
        return self.doc[max(i, 0)] if len(self.doc) else None

    def in_quote(self, start: int, end: int) -> bool:
        return any(qs <= start and end <= qe for qs, qe in self.quotes)

    # -- building a record --------------------------------------------------------------
    def source_of(self, cue):
        """(source text, start, end, subject token) of a cue verb, climbing xcomp/conj."""
        verb = cue
        for _ in range(4):
            subj = [c for c in verb.children if c.dep_ in ("nsubj",)]
            if subj:
                return self._source_np(subj[0])
            agent = [c for c in verb.children if c.dep_ == "agent"]
            if agent:
                pobj = [c for c in agent[0].children if c.dep_ == "pobj"]
                if pobj:
                    return self._source_np(pobj[0])
            if [c for c in verb.children if c.dep_ in ("nsubjpass", "expl")]:
                return None
            if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
                verb = verb.head
                continue
            break
        return None

    def _source_np(self, tok):
        if tok.lower_ in ("it", "there", "this", "that", "which", "who"):
            return None
        span = np_span(tok)
        name = self.res.resolve_np(tok, span.start_char, span.end_char)
        if name is None:
            name = strip_the(span.text) if tok.pos_ != "PRON" else span.text
        return name, span.start_char, span.end_char, tok

    def frame_info(self, cue, exclude: list[tuple[int, int]], extra: list[tuple[int, int]] = ()):
        """Date and venue from the cue's own modifiers (not its content or source)."""
        date = venue = None
        ranges = []
        for child in cue.children:
            if child.dep_ in ("prep", "npadvmod", "advmod", "dobj", "dative", "advcl", "pobj"):
                s, e = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
                if any(s < xe and e > xs for xs, xe in exclude):
                    continue
                ranges.append((s, e))
                venue = venue or self._venue(child)
        ranges.extend(extra)
        for s, e in ranges:
            t = self.res.time_in(s, e)
            if t is not None and t.type in ("DATE", "TIME") and re.match(r"^\d{4}", t.value or ""):
                date = t.value
                break
        return date, venue

    def _venue(self, child):
        if child.dep_ in ("dobj", "dative") and child.ent_type_ in ("ORG",):
            return self._venue_name(child)
        if child.dep_ != "prep":
            return None
        for pobj in (c for c in child.children if c.dep_ == "pobj"):
            if child.lower_ == "on" and (pobj.lower_ in PLATFORMS or pobj.ent_type_ == "ORG"):
                return self._venue_name(pobj)
            if child.lower_ in ("in", "during", "at", "on") and pobj.lemma_.lower() in VENUE_NOUNS:
                for p2 in pobj.children:
                    if p2.dep_ == "prep" and p2.lower_ in ("with", "to", "on", "for"):
                        for o in p2.children:
                            if o.dep_ == "pobj":
                                return self._venue_name(o)
        return None

    def _venue_name(self, tok):
        span = np_span(tok)
        for m in self.res.mentions_in(span.start_char, span.end_char):
            if m.label in ("ORG", "WORK_OF_ART", "PRODUCT") or m.start <= tok.idx < m.end:
                if self.doc._.nd_entities:
                    return m.canonical
                return re.sub(r"^the\s+", "", m.text)
        return re.sub(r"^the\s+", "", span.text)

    def add(self, cue_start, cue_end, content_start, content_end, source, kind,
            date=None, venue=None):
        text = self.doc.text
        # trim spaces and edge punctuation of the content
        while content_start < content_end and (text[content_start].isspace() or text[content_start] in ",;:—–-"):
            content_start += 1
        while content_end > content_start and (text[content_end - 1].isspace() or text[content_end - 1] in ",;:—–-"):
            content_end -= 1
        if content_end - content_start < 3:
            return
        for s in self.out:
            if s.content_start == content_start and s.content_end == content_end:
                return
        src, ss, se = (source[0], source[1], source[2]) if source else (None, None, None)
        self.out.append(Statement(
            source=src, source_start=ss, source_end=se,
            cue=text[cue_start:cue_end], cue_start=cue_start, cue_end=cue_end,
            content=text[content_start:content_end], content_start=content_start,
            content_end=content_end, kind=kind, date=date, venue=venue))


# -- shapes ----------------------------------------------------------------------------------
def _direct_quotes(ctx: _Ctx) -> None:
    doc, text = ctx.doc, ctx.doc.text
    for qs, qe in ctx.quotes:
        inner = text[qs:qe].strip()
        if len(inner.split()) < 3:
            continue
        cue = _cue_after(ctx, qe + 1) or _cue_before(ctx, qs - 1)
        if cue is None:
            continue
        source = ctx.source_of(cue)
        if source is None:
            source = _inverted_source(ctx, cue)
        ctx.used_cues.add(cue.i)
        exclude = [(qs, qe)] + ([(source[1], source[2])] if source else [])
        date, venue = ctx.frame_info(cue, exclude)
        ctx.add(cue.idx, cue.idx + len(cue), qs, qe, source, "direct", date, venue)


def _inverted_source(ctx, cue):
    """"...," said Pavliuk: a subject placed after the cue, however the parser attached it."""
    for c in cue.rights:
        if c.pos_ in ("PROPN", "NOUN", "PRON") and c.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "appos"):
            return ctx._source_np(c)
    return None


def _cue_after(ctx: _Ctx, char: int):
    """A cue right after a closing quote mark: '," X said' or '," said X'."""
    doc = ctx.doc
    tok = ctx.token_at(char)
    if tok is None:
        return None
    i = tok.i if tok.idx >= char else tok.i + 1
    seen = 0
    while i < len(doc) and seen < 10:
        t = doc[i]
        if t.is_space and "\n" in t.text:
            return None
        if t.text in OPEN_QUOTES or t.text == '"' or t.text in ".!?;":
            return None
        if t.is_punct or t.is_space:
            i += 1
            continue
        if is_cue(t):
            return t
        if t.pos_ == "VERB":
            return None
        seen += 1
        i += 1
    return None


def _cue_before(ctx: _Ctx, char: int):
    """A cue before an opening quote mark: 'X said: "' or 'X said, "'."""
    doc, text = ctx.doc, ctx.doc.text
    j = char - 1
    while j >= 0 and text[j].isspace() and text[j] != "\n":
        j -= 1
    if j < 0 or text[j] not in ":,":
        return None
    start = max(text.rfind("\n", 0, j), max(text.rfind(c, 0, j) for c in ".!?" + CLOSE_QUOTES + '"'))
    tok = ctx.token_at(j)
    i = tok.i
    while i >= 0 and doc[i].idx > start:
        t = doc[i]
        if is_cue(t):
            return t
        i -= 1
    return None


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
        text = doc.text
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
        klass = lex.get(tok.lemma_.lower())
        if klass == "cognition" and ctx.in_quote(tok.idx, tok.idx + 1):
            continue
        comp = comps[0]
        source = ctx.source_of(tok)
        c_start = comp.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        # drop the complementizer
        first = comp.left_edge
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
        if klass in ("cognition", "evidential") and source is None:
            continue
        exclude = [(c_start, c_end)] + ([(source[1], source[2])] if source else [])
        extra = []
        if source:
            st = source[3]
            extra.append((st.left_edge.idx, st.right_edge.idx + len(st.right_edge)))
        date, venue = ctx.frame_info(tok, exclude, extra=[])
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.used_cues.add(tok.i)
        ctx.add(tok.idx, tok.idx + len(tok), c_start, c_end, source, kind, date, venue)


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
        left = min(subj.left_edge.i, tok.i)
        if left == 0 or doc[left - 1].text not in (",", "—", "–"):
            continue
        sent = tok.sent
        c_start, c_end = sent.start_char, doc[left - 1].idx
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        date, venue = ctx.frame_info(tok, [(c_start, c_end), (source[1], source[2])])
        ctx.add(tok.idx, tok.idx + len(tok), c_start, c_end, source, kind, date, venue)


def _passive(ctx: _Ctx) -> None:
    """'X is said to be ...': unnamed source (or the agent of the passive)."""
    doc = ctx.doc
    for tok in doc:
        if tok.i in ctx.used_cues or tok.tag_ != "VBN" or tok.lemma_.lower() not in PASSIVE_CUES:
            continue
        kids = {c.dep_: c for c in tok.children}
        if "auxpass" not in kids or "nsubjpass" not in kids or "xcomp" not in kids:
            continue
        subj, comp = kids["nsubjpass"], kids["xcomp"]
        source = None
        if "agent" in kids:
            pobj = [c for c in kids["agent"].children if c.dep_ == "pobj"]
            if pobj:
                source = ctx._source_np(pobj[0])
        c_start = subj.left_edge.idx
        c_end = comp.right_edge.idx + len(comp.right_edge)
        ctx.used_cues.add(tok.i)
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(tok.idx, tok.idx + len(tok), c_start, c_end, source, kind)


def extract_statements(doc) -> list[Statement]:
    if not len(doc):
        return []
    ctx = _Ctx(doc)
    _direct_quotes(ctx)
    _according_to(ctx)
    _reported(ctx)
    _final_attribution(ctx)
    _passive(ctx)
    return sorted(ctx.out, key=lambda s: (s.content_start, s.cue_start))


@Language.component("newsdesk_statements")
def statements_component(doc):
    try:
        doc._.nd_statements = extract_statements(doc)
    except Exception:  # one odd parse must not sink the batch
        log.exception("statements: failed on a document")
        doc._.nd_statements = []
    return doc
