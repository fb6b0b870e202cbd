"""The body: runs of prose, their weights, growing and merging them, decks and author notes."""
from __future__ import annotations

import re

from .boxes import _is_picture_label
from .chrome import _END_SENTENCE, _lowerish, words
from .lines import Line


MAX_GAP = 5
MERGE_GAP = 15
MERGE_SHARE = 0.6   # a neighbouring run joins when it has this share of the best run's prose


def _is_texty(l: Line) -> bool:
    """A line of running text that is not a full sentence: a list item, a sentence that lost
    its full stop, a table row in words. Several words, a fair share of them lower-case (menu
    labels and headlines are in Title Case), not seen elsewhere on the page."""
    if l.kind != "other" or l.repeated or l.dates:
        return False
    w = words(l.text)
    if len(w) < 5:
        return False
    return _lowerish(w) >= 0.4 * len(w)


LEDE_WORDS = 10


def _is_lede(l: Line) -> bool:
    """A sentence that lost its full stop: long, running text (a deck or a headline is shorter
    or in Title Case)."""
    return _is_texty(l) and len(words(l.text)) >= LEDE_WORDS


def _under_headline(lines: list[Line], k: int) -> bool:
    """Does line k come right under a headline (so that it is the deck, not the lede)?"""
    j = k - 1
    while j >= 0 and lines[j].kind == "blank":
        j -= 1
    return j >= 0 and _is_head(lines[j]) and not _is_lede(lines[j])


def _runs(lines: list[Line], max_gap: int | None = None) -> list[tuple[int, int, int]]:
    """Runs of prose lines as (first, last, prose characters). Up to max_gap short non-prose
    lines (subheads, captions, ad labels) may sit inside a run; author boxes, testimonials,
    bylines and comment headings end it."""
    max_gap = MAX_GAP if max_gap is None else max_gap
    runs = []
    n = len(lines)
    i = 0
    while i < n:
        if lines[i].kind != "prose":
            i += 1
            continue
        start, end, score, gap, pending = i, i, 0, 0, 0
        j = i
        while j < n:
            k = lines[j].kind
            if k == "prose":
                end, gap = j, 0
                score += len(lines[j].text) + pending
                pending = 0
            elif k in ("author", "quote", "byline", "comments", "widget"):
                break
            elif k == "cell":
                pass             # a table inside the text
            elif _is_texty(lines[j]) and _PUNCT.search(lines[j].text):
                # A list item with clauses, a sentence without its full stop: likely part of the
                # text, so it counts as half a gap line and weighs half a paragraph. (A bare
                # phrase may as well be a link's title.)
                pending += len(lines[j].text) // 2
                gap += 0.5
                if gap > max_gap:
                    break
            elif k != "blank":
                # Labels of a picture or an embedded post ('Image copyright', '@handle', 'Report')
                # and captions weigh half a line: a picture is no reason to end the text.
                gap += 0.5 if k in ("caption", "label") or _is_picture_label(lines[j].text) else 1
                if gap > max_gap:
                    break
            j += 1
        runs.append((start, end, _teaser_discount(lines, start, end, score)))
        i = end + 1
    return runs


TEASER_SHARE = 0.5
TEASER_WEIGHT = 0.4


def _is_head(l: Line) -> bool:
    """A headline-like line: a few words, no end punctuation, no date, no handle or dash lead."""
    return (l.kind in ("other", "nav") and 3 <= len(words(l.text)) <= 20 and not _END_SENTENCE.search(l.text)
            and not l.dates and "@" not in l.text and not l.text.startswith(("—", "–", "-")))


def _teaser_discount(lines: list[Line], start: int, end: int, score: int) -> int:
    """A list of link teasers reads as prose: each summary sentence under its own headline.
    A run where most prose lines come right under a headline-like line is such a list: it
    weighs less than the article."""
    prose = headed = 0
    prev = None
    for l in lines[start:end + 1]:
        if l.kind == "blank":
            continue
        if l.kind == "prose":
            prose += 1
            # Under a headline, or under a teaser's own author and date lines.
            headed += prev is not None and (_is_head(prev) or prev.kind in ("date", "byline"))
        prev = l
    if prose >= 3 and headed >= TEASER_SHARE * prose:
        return int(score * TEASER_WEIGHT)
    return score


# Clauses inside a line, or a line ending like a clause: items of a list, lines of facts.
_PUNCT = re.compile(r"[,;]\s|\.\s+\S|[.!?:;,)]$")
GROW_LIMIT = 400     # lines looked at past the body's end
GROW_MIN = 3.0       # what a grown stretch must add, in words of prose
GROW_PATIENCE = 5.0  # chrome (in lines) past the best point that ends the search
GROW_MISSES = 3      # chrome-like lines in a row that end it


# The signature of an embedded post: '— Ann Lee (@annlee) November 18, 2019'.
_POST_SIGNATURE = re.compile(r"^[—–-]\s*\S.{0,60}\(@\w{1,20}\)\s*(?:on\s+)?\w+\.? \d{1,2}, \d{4}$")


def _content_score(l: Line) -> float:
    """How much a line outside the prose runs reads as article text (> 0) or chrome (< 0),
    roughly in words of prose."""
    n = len(words(l.text))
    if l.kind == "prose" or _POST_SIGNATURE.match(l.text):
        return float(n)          # a post quoted in the text counts as text
    if l.kind == "cell":
        return 0.3
    if l.kind == "label":
        return 0.0               # an ad slot or a picture toggle: the text may go on below
    if _is_texty(l):
        # A list item with figures or clauses; a bare phrase may as well be a link's title.
        return 0.5 * n if _PUNCT.search(l.text) else 0.0
    if l.kind == "nav" or l.repeated:
        return -1.0
    if l.kind != "other":
        return -1.0
    if n >= 4 and _PUNCT.search(l.text):
        return 0.3 * n           # a line of facts: 'Rivertown (2-1): Ann Lee 3 goals, 1 assist.'
    if n <= 3 and re.search(r"\d", l.text):
        return 0.0               # a table cell: a score, a figure
    return -0.5


def _grow_down(lines: list[Line], end: int, names: list[str] = ()) -> int:
    """The last line of the body once grown past ``end``: to the point where the text-like
    lines after it most outweigh the chrome-like ones, stopping at the first line that
    certainly is not article text (a share bar, an author box, a date, comments).
    Only downwards: above the text, decks, captions and teasers read as text too."""
    best_gain, best_end, gain, peak, misses = GROW_MIN, end, 0.0, 0.0, 0
    for j in range(end + 1, min(len(lines), end + 1 + GROW_LIMIT)):
        l = lines[j]
        if l.kind == "blank":
            continue
        if l.kind in ("chrome", "author", "quote", "byline", "comments", "date", "widget"):
            break
        if names and len(l.text) <= 80 and any(x.lower() in l.text.lower() for x in names):
            break                # the author's name again: an author box
        score = _content_score(l)
        gain += score
        misses = misses + 1 if score < 0 else 0
        if gain >= best_gain:
            best_gain, best_end = gain, j
        peak = max(peak, gain)
        if gain <= peak - GROW_PATIENCE or misses > GROW_MISSES:
            break                # a widget's worth of chrome: the text is over
    return best_end


def _grown_chars(lines: list[Line], end: int) -> int:
    """Characters of the text-like lines that growing the body past ``end`` would take in."""
    stop = _grow_down(lines, end)
    return sum(len(l.text) for l in lines[end + 1:stop + 1] if _content_score(l) > 0) // 2


def _is_media(between: list[Line]) -> bool:
    """Are these the lines of a picture, a slideshow or a player: captions, counters, buttons
    ('Video', '00:45', 'Next') and at most one title? (A list of links has several.)"""
    if not any(l.kind in ("caption", "label") for l in between):
        return False
    titles = 0
    for l in between:
        if l.kind in ("caption", "label", "chrome"):
            continue
        if l.kind not in ("other", "nav"):
            return False
        if len(words(l.text)) > 3:
            titles += 1
    return titles <= 1


def _merge_runs(lines: list[Line], runs: list[tuple[int, int, int]],
                best: tuple[int, int, int]) -> list[tuple[int, int]]:
    """The best run plus neighbouring substantial runs that a widget (a 'most read' box, a
    gallery) split off; the widget's own lines between them stay out."""
    segs = [best]
    idx = runs.index(best)
    lo, hi = idx, idx

    seen = {l.text for l in lines[best[0]:best[1] + 1] if l.kind == "prose"}

    def joinable(a: tuple[int, int, int], b: tuple[int, int, int], new: tuple[int, int, int]) -> bool:
        """May run ``new`` (a or b, the one not yet taken) join across the lines between a and b?"""
        between = [l for l in lines[a[1] + 1:b[0]] if l.kind != "blank"]
        prose = [l.text for l in lines[new[0]:new[1] + 1] if l.kind == "prose"]
        # A second copy of the article (pages that carry it twice, for another layout) adds nothing.
        repeated = sum(len(t) for t in prose if t in seen)
        # Above the best run a split-off run is the article's start (a lede, an intro before a
        # gallery) whatever its size; below it, a small run is more likely a widget's.
        return (len(between) <= MERGE_GAP
                and (new is a or (len(prose) >= 2 and new[2] >= max(200, MERGE_SHARE * best[2]))
                     # Split off by a picture, a slideshow or a player (no links, no boxes): the
                     # text goes on below it, however short.
                     or (len(prose) >= 2 and _is_media(between)))
                and repeated < 0.5 * sum(len(t) for t in prose)
                and not any(l.kind in ("author", "quote", "byline", "comments") for l in between)
                # A dateline between a run and the one below it closes a header (a deck, a teaser).
                and not (new is a and any(l.kind == "date" for l in between)))

    while lo > 0 and joinable(runs[lo - 1], segs[0], runs[lo - 1]):
        lo -= 1
        segs.insert(0, runs[lo])
        seen.update(l.text for l in lines[runs[lo][0]:runs[lo][1] + 1] if l.kind == "prose")
    while hi + 1 < len(runs) and joinable(segs[-1], runs[hi + 1], runs[hi + 1]):
        hi += 1
        segs.append(runs[hi])
        seen.update(l.text for l in lines[runs[hi][0]:runs[hi][1] + 1] if l.kind == "prose")
    return [(a, b) for a, b, _ in segs]


def _is_copied_subhead(lines: list[Line], k: int) -> bool:
    """A heading of a few words whose paragraph below is repeated with it: a subhead of an
    article the page carries twice (a teaser's headline comes with a summary of its own)."""
    if not 2 <= len(words(lines[k].text)) <= 12 or _END_SENTENCE.search(lines[k].text):
        return False
    nxt = next((l for l in lines[k + 1:k + 4] if l.kind != "blank"), None)
    return nxt is not None and nxt.kind == "prose" and nxt.repeated


# The note on the author that closes an article: 'Ann Lee is a reporter for the Post. Reach
# her at ann@post.example.'
_AUTHOR_NOTE = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}(?:is|was|has been) (?:a|an|the)\b.{0,80}?\b(?:reporter|writer|editor|"
    r"correspondent|journalist|columnist|contributor|producer|freelancer|blogger|photographer|intern)s?\b"
    r"|\b(?:reach|contact|email|e-mail) (?:him|her|them|me|us|the author|the reporter|[A-Z]\w+) at \S+@"
    r"|\bcan be reached at\b")
AUTHOR_NOTE_REACH = 2    # last paragraphs looked at


def _drop_author_note(lines: list[Line], start: int, end: int) -> int:
    """The body's last line once a closing note on the author is left out. Only at the very
    end: inside a story, 'Ann Lee is a reporter who...' is news."""
    seen = 0
    for k in range(end, start, -1):
        l = lines[k]
        if l.kind == "blank":
            continue
        if len(words(l.text)) <= 60 and _AUTHOR_NOTE.search(l.text):
            end = k - 1
            while end > start and lines[end].kind == "blank":
                end -= 1
        seen += 1
        if seen >= AUTHOR_NOTE_REACH:
            break
    return end


BOXED_WEIGHT = 0.2


def _under_box_heading(lines: list[Line], start: int) -> bool:
    """Does the run at ``start`` come right under an 'About' heading?"""
    above = [l for l in lines[max(0, start - 6):start] if l.kind != "blank"][-2:]
    return any(l.kind == "author" for l in above)


def _seen_before(l: Line, seen: set[str]) -> bool:
    """Has this paragraph been taken already (``seen`` collects them)?"""
    if l.kind != "prose" or not l.repeated or len(words(l.text)) < 8:
        return False
    if l.text in seen:
        return True
    seen.add(l.text)
    return False


# A dateline on a line of its own: 'BAAR, SWITZERLAND', 'LONDON (Reuters) -' (not a credit: 'ITV, ASSOCIATED PRESS').
_DATELINE = re.compile(r"^(?!.*\b(?:PRESS|IMAGES?|PHOTOS?|GETTY|SHUTTERSTOCK|POOL|FILE)\b)"
                       r"[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,2}(?:(?:, [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,2})"
                       r"(?: \((?:AP|Reuters|AFP|UPI|dpa|CNN|Bloomberg)\))?\s*[—–-]?"
                       r"| \((?:AP|Reuters|AFP|UPI|dpa|CNN|Bloomberg)\)\s*[—–-]?| ?[—–-])$")


def _skip_deck(lines: list[Line], start: int, end: int) -> int:
    """Where the body starts once a deck is left out: a lone paragraph at the top with the
    dateline or the byline between it and the text is the summary under the headline."""
    if lines[start].kind != "prose":
        return start
    header = None
    for k in range(start + 1, end + 1):
        kind = lines[k].kind
        if kind == "prose":
            break
        if _DATELINE.match(lines[k].text):
            return k         # the text starts at its dateline
        if kind in ("date", "byline"):
            header = k
        elif kind not in ("blank", "caption", "label", "chrome", "nav") and not _is_head(lines[k]):
            return start     # text of another kind: the paragraph opens the article
    else:
        return start
    above = next((l for l in reversed(lines[:start]) if l.kind != "blank"), None)
    if header is None or above is not None and above.kind == "date":
        return start         # no header between, or a time-stamped entry (a live report)
    return k
