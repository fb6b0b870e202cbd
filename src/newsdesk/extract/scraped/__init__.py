"""Scraped text -> body and metadata.

A scraper flattens a page to lines: navigation, banners, the headline, a byline, the
article, then author boxes, testimonials and footers. Lines are classified with general
layout cues (length, sentence punctuation, capitalisation, repetition, position) plus
small generic keyword lists for the usual chrome (cookies, sharing, donations, payment
logos). The body is the heaviest run of prose paragraphs (list items and clause-bearing
lines inside it do not break it; a copy of text already taken does not join it), grown
downwards over the list, table or fact lines that continue it for as long as they outweigh
chrome-like lines; title and byline are read from the block just above it. Before that,
lines are re-marked by their neighbourhood: picture captions (by their credit) and labels,
'About the author' boxes, newsletter boxes, related-link boxes, calls to action, the site's
fine print and runs of headline links stay out; a table flattened to one cell a line is kept
with the text around it. A deck above the dateline and repeated paragraphs are left out.
"""
from __future__ import annotations

import re
from collections import Counter

from ..dates import find_dates, find_time, Found
from .body import (_DATELINE, _drop_author_note, _grow_down, _grown_chars, _is_copied_subhead, _is_lede,
    _merge_runs, _runs, _seen_before, _skip_deck, _under_box_heading, _under_headline, BOXED_WEIGHT)
from .boxes import (_is_call_to_action, _is_list_item, _is_picture_label, _is_shouted, _mark_about,
    _mark_captions, _mark_comment_thread, _mark_link_lists, _mark_read_more, _mark_related, _mark_slides,
    _mark_tables, _mark_testimonials, _mark_widgets, _PHOTO_RIGHTS, _SITE_LEGAL)
from .chrome import (_END_SENTENCE, _INLINE_LABEL, _is_date_line, _is_nav, _is_payment, _is_social,
    _split_glued, BYLINE, classify_line, is_chrome, is_prose, normalise_text, words)
from .lines import _join_split_bylines, _unwrap, Line, Scraped
from .outlet import byline_names, drop_self_description, outlet_from


MAX_LINES = 20000


def _lines(raw: str, warnings: list[str]) -> list[Line]:
    out: list[Line] = []
    texts = _unwrap(normalise_text(raw).split("\n"))
    if len(texts) > MAX_LINES:
        # No article has this many paragraphs; the rest is listings or generated filler.
        warnings.append(f"page has {len(texts):,} lines: only the first {MAX_LINES:,} were read")
        texts = texts[:MAX_LINES]
    texts = _join_split_bylines(texts)
    for text in texts:
        kind = classify_line(text)
        # Glued fields ('membersSupport us', 'deskJanuary 5') are split before judging each
        # piece; prose is left whole, and so are logo strips ('visamasterCard') and share rows.
        keep = kind in ("prose", "blank") or (kind == "chrome" and (_is_payment(text) or _is_social(text)))
        pieces = (text,) if keep else _split_glued(text)
        for piece in pieces:
            k = kind if len(pieces) == 1 else classify_line(piece)
            # (A short 'sentence' may be a time stamp: 'on Monday, May 6, 2024 at 11:08 a.m.')
            short = k == "prose" and len(piece) <= 80
            line = Line(piece, k, find_dates(piece) if k not in ("blank", "prose") or short else [])
            if (k == "other" or short) and _is_date_line(piece, line.dates):
                line.kind = "date"
            elif short:
                line.dates = []
            elif k == "chrome" and _INLINE_LABEL.match(piece):
                line.kind = "label"
            elif k == "chrome" and "©" in piece and _PHOTO_RIGHTS.search(piece):
                line.kind = "caption"
            out.append(line)
    # A non-prose line seen more than once is navigation or a repeated label.
    counts = Counter(l.text.lower() for l in out if l.kind != "blank")
    for l in out:
        l.repeated = counts[l.text.lower()] > 1
        if l.kind == "other" and (l.repeated and not _is_list_item(l.text) or _is_nav(l.text)):
            l.kind = "nav"
        elif l.kind == "other" and _is_shouted(l.text):
            l.kind = "promo"     # a link or a promotion in capitals ('READ MORE: ...')
        elif l.kind == "prose" and re.search(r"©|\ball rights reserved\b", l.text, re.I):
            l.kind = "chrome"    # a footer's legal notice
        if l.kind in ("prose", "other") and _is_call_to_action(l.text):
            l.kind = "promo"
        elif l.kind in ("prose", "other") and len(words(l.text)) <= 80 and _SITE_LEGAL.search(l.text):
            l.kind = "chrome"    # the site's terms and disclaimers
    _mark_testimonials(out)
    _mark_captions(out)
    _mark_slides(out)
    _mark_about(out)
    _mark_widgets(out)
    _mark_link_lists(out)
    _mark_related(out)
    _mark_read_more(out)
    _mark_comment_thread(out)
    _mark_tables(out)
    # "Name says:" heads a reader comment only when a timestamp follows; in an article
    # ("The minister says:") it introduces a quote.
    for i, l in enumerate(out):
        if l.kind == "comments" and l.text.rstrip().endswith(":"):
            nxt = next((m for m in out[i + 1:i + 4] if m.kind != "blank"), None)
            if find_time(l.text) or find_dates(l.text):
                continue   # the timestamp is on the line itself
            if not (nxt and (nxt.dates or find_time(nxt.text) or re.search(r"\bago\b", nxt.text))):
                l.kind = "other"
    return out


def clean_scraped(raw: str, url: str | None = None, outlet: bool = True) -> Scraped:
    """Find body, title, byline, outlet and page date in scraped page text (outlet=False:
    skip the outlet, for callers that have it already)."""
    warnings: list[str] = []
    lines = _lines(raw, warnings)
    n = len(lines)

    # Body: the run of prose lines with the most prose text. Short non-prose lines between
    # prose (subheads, stray labels) do not end a run; author boxes and testimonials do.
    runs = _runs(lines)
    # A run's weight includes the text-like lines (a list, a table) that continue it.
    runs = [(a, b, sc + _grown_chars(lines, b)) for a, b, sc in runs]
    # The text under an 'About us' or 'About the author' heading is a box, not the article.
    runs = [(a, b, int(sc * BOXED_WEIGHT) if _under_box_heading(lines, a) else sc) for a, b, sc in runs]
    best = max(runs, key=lambda r: r[2]) if runs else None
    # Reader comments come after the article: once a comments heading follows a solid run
    # of prose, longer runs further down are the discussion, not the story.
    for c, l in enumerate(lines):
        # A bare "Comments" (in any language) may be a button anywhere; a count or a reply
        # prompt is the section.
        if l.kind != "comments" or len(words(l.text)) <= 1:
            continue
        before = [r for r in runs if r[1] < c]
        if before and best and best[0] > c:
            top = max(before, key=lambda r: r[2])
            if top[2] >= 400 or top[2] >= 0.25 * best[2]:
                best = top
        break
    segments = _merge_runs(lines, runs, best) if best else []

    byline_idx = None
    names: list[str] = []
    if segments:
        start = segments[0][0]
        for k in range(start - 1, max(-1, start - 15), -1):
            if lines[k].kind == "byline":
                byline_idx = k
                names = byline_names(lines[k].text)
                break
        # The byline name repeated after the body opens the author box: the body ends before it.
        if names:
            low = {x.lower() for x in names} | {"by " + x.lower() for x in names}
            # Only after the main run: above it the name is the header's (a byline block).
            cut = next((k for k in range(max(start, best[0]), segments[-1][1] + 1)
                        if lines[k].text.lower() in low), None)
            if cut is not None:
                lines[cut].kind = "author"
                segments = [(a, min(b, cut - 1)) for a, b in segments if a < cut]
                a, b = segments[-1]
                while b > a and lines[b].kind != "prose":
                    b -= 1
                segments[-1] = (a, b)
        # The text often goes on past its last full sentence: a closing list, a table, score
        # lines. Grow the body downwards while what follows reads as text rather than chrome.
        # Every segment grows, the ones a widget split off too; a segment grown to the next
        # one joins it, lines in between included.
        grown: list[tuple[int, int]] = []
        for a, b in segments:
            if grown:
                g = _grow_down(lines, grown[-1][1], names)
                if g >= a - 1:
                    grown[-1] = (grown[-1][0], b)
                    continue
                grown[-1] = (grown[-1][0], g)
            grown.append((a, b))
        segments = grown[:-1] + [(grown[-1][0], _grow_down(lines, grown[-1][1], names))]
        segments[-1] = (segments[-1][0], _drop_author_note(lines, *segments[-1]))
        # Short sentences right above the first long one belong to the body (e.g. a lede).
        while start > 0 and lines[start - 1].kind in ("other", "blank") and start - 1 != byline_idx:
            prev = lines[start - 1]
            if prev.kind == "other" and not (_END_SENTENCE.search(prev.text) and len(words(prev.text)) >= 3
                                             or _is_lede(prev) and not _under_headline(lines, start - 1)):
                break
            start -= 1
        while lines[start].kind == "blank":
            start += 1
        # A dateline on a line of its own opens the text; a deck above the text does not.
        above = next((k for k in range(start - 1, max(-1, start - 3), -1) if lines[k].kind != "blank"), None)
        if above is not None and _DATELINE.match(lines[above].text):
            start = above
        start = _skip_deck(lines, start, segments[0][1])
        segments[0] = (start, segments[0][1])
        # A sentence the body already has is a pull quote or a second copy of the article (a
        # list may repeat its items).
        seen: set[str] = set()
        # Inside the body a lone Title-Case line is a subhead, not a menu; a repeated one may be too.
        body = [l.text for a, b in segments for k in range(a, b + 1) for l in (lines[k],)
                if (l.kind in ("prose", "other", "cell")
                    or (l.kind == "nav" and (not l.repeated or _is_copied_subhead(lines, k))))
                and not (l.kind != "prose" and _is_picture_label(l.text))
                and not _seen_before(l, seen)]
    else:
        start = n
        body = [l.text for l in lines if l.kind in ("prose", "other")]
        warnings.append("no prose paragraphs found: kept every line not recognised as boilerplate")

    # Title: the headline line just above the byline, else just above the body.
    title = None
    anchor = byline_idx if byline_idx is not None else start
    for k in range(anchor - 1, max(-1, anchor - 12), -1):
        l = lines[k]
        if l.kind in ("other", "nav") and len(words(l.text)) >= (2 if byline_idx is not None else 4):
            title = l.text
            break
    if title and body and body[0] == title:
        body = body[1:]

    # Publication date: on the byline, or in the header block between title and body.
    date = None
    header_from = max(0, (byline_idx if byline_idx is not None else start) - 12)
    header = [l for l in lines[header_from:start] if l.dates]
    near = []
    if byline_idx is not None:
        near = [l for l in lines[byline_idx:start] if l.dates]
    for group in (near, header):
        cands = [d for l in group for d in l.dates]
        if cands:
            timed = [d for d in cands if d.time]
            date = timed[0] if timed else cands[0]
            break
    if date is None:
        any_date = [d for l in lines[:start] for d in l.dates if l.kind == "date"]
        if any_date:
            date = any_date[0]
    if date and not date.time:
        # A time alone on a line next to the date line ("5:52 pm") completes it.
        for l in lines[header_from:start]:
            if not l.dates and l.kind in ("other", "nav") and len(l.text) <= 20:
                t = find_time(l.text)
                if t:
                    date = Found(date.date, t, date.start, date.end)
                    break

    inside = {k for a, b in segments for k in range(a, b + 1)}
    outlet = outlet_from(names, [l.text for k, l in enumerate(lines) if k not in inside], url) if outlet else None
    text = drop_self_description("\n\n".join(body), url) if best is not None else "\n\n".join(body)
    return Scraped(text=text, title=title, byline=names, outlet=outlet,
                   date=date, warnings=warnings, prose=best is not None)
