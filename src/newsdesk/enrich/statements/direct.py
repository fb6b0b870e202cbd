"""Direct quotes and the cue and speaker around them."""
from __future__ import annotations

import re

from ..resolve import PERSON_LABELS
from .context import _Ctx
from .cues import is_cue
from .quotes import CLOSE_QUOTES, OPEN_QUOTES


# -- shapes ----------------------------------------------------------------------------------
def _direct_quotes(ctx: _Ctx) -> None:
    text = ctx.text
    for qs, qe in ctx.quotes:
        inner = text[qs:qe].strip()
        if len(inner.split()) < 3:
            continue
        if len(inner.split()) < 6 and _title_quote(ctx, qs):
            continue
        close_len = 2 if text[qe:qe + 2] == "''" else 1
        open_len = 2 if qs >= 2 and text[qs - 2:qs] == "''" else 1
        cue = _cue_after(ctx, qe + close_len) or _cue_before(ctx, qs - open_len)
        if cue is None:
            before = len(ctx.out)
            _punct_cue(ctx, qs, qe, close_len, open_len)
            if len(ctx.out) == before:
                _continued_quote(ctx, qs, qe)
            continue
        source = ctx.source_of(cue)
        if source is None:
            source = _inverted_source(ctx, cue)
        ctx.used_cues.add(cue.i)
        exclude = [(qs, qe)] + ([(source[1], source[2])] if source else [])
        date, venue = ctx.frame_info(cue, exclude)
        ctx.add(*ctx.cue_bounds(cue, exclude=exclude), qs, qe, source, "direct", date, venue)
    # a quote running on over paragraphs takes the speaker of the part that closes it
    for qs, qe in reversed(ctx.quotes):
        if text[qe:qe + 1] in CLOSE_QUOTES + '"' or any(s.content_start <= qs < s.content_end for s in ctx.out):
            continue
        nxt = [s for s in ctx.out if s.kind == "direct" and 0 <= s.content_start - qe <= 6]
        if nxt:
            n = nxt[0]
            ctx.add(n.cue_start, n.cue_end, qs, qe,
                    (n.source, n.source_start, n.source_end) if n.source is not None else None,
                    "direct", n.date, n.venue)


DASHES = "―—–"


def _title_quote(ctx: _Ctx, qs: int) -> bool:
    """A short quote standing where a noun phrase goes ('on Fox News's "Fox and Friends"',
    'the so-called "red line"'): a title or a scare quote, not speech."""
    tok = ctx.token_at(qs)
    if tok is None:
        return False
    i = tok.i if tok.idx >= qs else tok.i + 1
    i -= 1
    while i >= 0 and (ctx.doc[i].is_space or ctx.doc[i].text in OPEN_QUOTES + '"'):
        i -= 1
    if i < 0:
        return False
    prev = ctx.doc[i]
    return prev.dep_ in ("prep", "det", "case", "poss", "amod") or prev.tag_ in ("IN", "DT", "POS", "PRP$") \
        or prev.lower_ in ("’s", "'s")


def _continued_quote(ctx: _Ctx, qs: int, qe: int) -> None:
    """A quote with no cue of its own that follows the same speaker's quote with nothing
    but that quote's attribution in between: '"A," he said. "B."' and a quote running on
    into the next paragraph take the previous speaker and cue."""
    text = ctx.text
    prev = [s for s in ctx.out if s.kind == "direct" and s.content_end <= qs]
    if not prev:
        return
    last = max(prev, key=lambda s: s.content_end)
    gap = text[last.content_end:qs]
    if len(gap) > 120 or any(q in gap[1:-1] for q in OPEN_QUOTES) or gap.count("\n\n") > 1:
        return
    # between the quotes only the attribution sentence may stand
    if last.cue_start < last.content_end:
        return  # attributed before the quote ('X said: "A." "B."') is fine only when adjacent
    if last.cue_end > qs:
        return
    ctx.add(last.cue_start, last.cue_end, qs, qe,
            (last.source, last.source_start, last.source_end) if last.source_start is not None or last.source
            else None, "direct", last.date, last.venue)


def _punct_cue(ctx: _Ctx, qs: int, qe: int, close_len: int, open_len: int) -> None:
    """'"..." ― Jorge Falcon' (dash byline) and 'Trump: "..."' (colon after a name)."""
    text = ctx.text
    # a dash right after the closing mark, then a short name to the end of the line
    m = re.match(r"[ \t]*([" + DASHES + r"])[ \t]*([^\n]{2,60}?)[ \t.]*(?:\n|$)", text[qe + close_len:])
    if m:
        d_start = qe + close_len + m.start(1)
        n_start = qe + close_len + m.start(2)
        n_end = qe + close_len + m.end(2)
        name = text[n_start:n_end].split(",")[0].strip()
        if 1 <= len(name.split()) <= 5 and name[:1].isupper():
            n_end = n_start + len(name)
            tok = ctx.token_at(n_start)
            canon = ctx.res.resolve_np(tok, n_start, n_end) or name
            ctx.add(d_start, d_start + 1, qs, qe, (canon, n_start, n_end), "direct")
            return
    # a colon right before the opening mark, after a name that opens the sentence
    j = qs - open_len - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j >= 0 and text[j] == ":":
        line_start = max(text.rfind("\n", 0, j) + 1, max(text.rfind(c, 0, j) + 1 for c in ".!?"))
        name = text[line_start:j].strip()
        if 1 <= len(name.split()) <= 5 and name[:1].isupper():
            n_start = text.index(name, line_start)
            tok = ctx.token_at(n_start)
            if any(m.label in ("PERSON", "ORG", "GPE", "NORP") for m in ctx.res.mentions_in(n_start, n_start + len(name))):
                canon = ctx.res.resolve_np(tok, n_start, n_start + len(name)) or name
                ctx.add(j, j + 1, qs, qe, (canon, n_start, n_start + len(name)), "direct")


def _speaker_lines(ctx: _Ctx) -> None:
    """Transcripts: 'PENCE: Well, look, ...' (a capitalised speaker label opening a paragraph)."""
    text = ctx.text
    for m in re.finditer(r"(?m)^[ \t\"“]*([A-Z][A-Z.'\- ]{1,30}[A-Z.]):[ \t]+(\S[^\n]*)$", text):
        name = m.group(1).strip()
        if len(name.split()) > 4:
            continue
        c_start, c_end = m.start(2), m.end(2)
        if any(s.content_start < c_end and s.content_end > c_start for s in ctx.out):
            continue
        tok = ctx.token_at(m.start(1))
        canon = ctx.res.resolve_np(tok, m.start(1), m.end(1)) or name.title()
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(m.end(1), m.end(1) + 1, c_start, c_end, (canon, m.start(1), m.end(1)), kind)


def _name_colon_lines(ctx: _Ctx) -> None:
    """Headlines and line openers naming a speaker before a colon ('Sanders: Clinton needs
    to ...'): the colon is the cue when the words before it are exactly one named person."""
    text = ctx.text
    for m in re.finditer(r"(?m)^[ \t\"“]*([^\n:\"“]{2,40}?):[ \t]+(\S[^\n]*)$", text):
        a, b = m.span(1)
        c_start, c_end = m.span(2)
        # a statement whose cue lies inside this line's content is nested in it (the headline's
        # speaker reporting it); one attributed from outside the line already covers it
        if any(s.content_start < c_end and s.content_end > c_start and not c_start <= s.cue_start < c_end
               for s in ctx.out):
            continue
        names = [x for x in ctx.res.mentions_in(a, b) if x.start == a and x.end == b and x.label in PERSON_LABELS]
        if not names:
            continue
        kind = "direct" if ctx.in_quote(c_start, c_end) else "reported"
        ctx.add(b, b + 1, c_start, c_end, (names[0].canonical, a, b), kind)


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
    doc, text = ctx.doc, ctx.text
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
