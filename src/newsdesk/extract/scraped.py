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

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .dates import DATE_RE, Found, find_dates, find_time

# Characters that scrapers leave in place of plain spaces, and invisible ones.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Full stops of other scripts too: Devanagari danda, Arabic and Urdu marks, Armenian, Ethiopic, Burmese.
_END_SENTENCE = re.compile(r"[.!?…。！？।॥؟۔։።။][\"'”’»)\]」』）]*$|[\"”»」』]$")
# Scripts written without spaces between words (Chinese, Japanese): a line is judged by its
# characters, about two to a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.U)
_OPEN_QUOTE = ("“", '"', "«", "„", "‘")
_CLOSE_QUOTE = re.compile(r"[”\"»]\s*$")

# Share bars, and their words in a few other languages ('Compartir en Facebook', 'Teilen').
_SHARE_WORDS = "compartir compartilhar compartilhe partager partagez teilen condividi delen udostępnij поделиться"
_SOCIAL = frozenset(("""share shares sharing tweet retweet email e-mail mail facebook twitter x linkedin
whatsapp telegram reddit pinterest print copy link links url messenger flipboard pocket tumblr
vk viber threads bluesky mastodon save this article story page post on via the to with
comment comments imprimir drucken imprimer stampa en sur auf su no na em op per par por """ + _SHARE_WORDS).split())
_SOCIAL_CORE = frozenset(("""share sharing tweet facebook twitter linkedin whatsapp telegram reddit
pinterest messenger flipboard tumblr viber bluesky mastodon """ + _SHARE_WORDS).split())
_PAYMENT = ("visa", "mastercard", "paypal", "amex", "americanexpress", "applepay", "googlepay",
            "gpay", "maestro", "discover", "stripe", "bitcoin", "patreon", "bank", "transfer",
            "card", "crypto", "jcb", "unionpay", "sepa")
_COOKIE = re.compile(r"\bcookies?\b.*\b(use|uses|using|accept|consent|agree|experience|browsing|"
                     r"privacy|continue|settings|preferences|policy)\b|\b(use|uses|accept|consent)\b.*\bcookies?\b", re.I)
# Calls to pay, join or subscribe addressed to the reader: rare in reporting itself.
_DONATE = re.compile(
    r"\b(support (us|our (work|journalism|reporting|newsroom|mission|team))\b|"
    r"support (independent|quality) (journalism|media|reporting)|become an? (member|subscriber|patron|supporter)|"
    r"(reach|join) [\d,.]+k? (members|subscribers|supporters|readers)|donate (now|today|here)|make a donation|"
    r"already a (member|subscriber)|members only|paywall|free trial|unlock (this|full|all|unlimited)|"
    r"subscribe (now|today|here|for)|subscribe to (our|the|my) .{0,30}?newsletters?|sign up (now|today|for))", re.I)
# The same words alone are buttons; inside a sentence ("pledged to donate") they are news.
_BUTTON = re.compile(r"\b(donate|donation|subscribe|subscription|sign up|newsletter|membership|log ?in|log ?out|"
                     r"sign in|register|join now|my account)\b", re.I)
_MISC_CHROME = re.compile(
    r"^(advertisement|advert|sponsored|ad|ads|skip to (main )?content|menu|search|close|open|ok|okay|"
    r"got it|accept( all)?|reject( all)?|i agree|agree|more|read more|see more|show more|load more|"
    r"continue reading|related( (articles|stories|posts|news))?|most (read|popular|viewed)|trending|"
    r"latest( news)?|top stories|home|back to top|previous|next|click here|listen|play|watch|"
    r"photo|video|image|gallery|loading\W*|tags?|topics?)\W*$"
    r"|^(?:(?:sponsored|partner|paid|promoted) (?:content|stories|links|posts)|around the web|from (?:our|the) partners|"
    r"popular now|editors'? picks|most (?:shared|commented|emailed|watched)|"
    r"(?:next|previous) (?:article|story|post)|up next|read (?:the )?full (?:article|story)|see full coverage|"
    r"skip (?:this )?ad|ad feedback|report (?:an|this) ad|thanks? (?:you )?for reading)\W*$"
    r"|^(read (more|also|next)|see also|related|also read|watch|listen|photo|image|source|credit|"
    r"tags|topics|also|see more|more on this|related (stories|articles|coverage|content)|recommended|"
    r"must read|don'?t miss|check out|lee también|leia também|leia mais|veja também|(?:à )?lire aussi|lesen sie auch|"
    r"leggi anche|читайте также)\s*:"
    r"|©|\(c\) ?\d{4}|\bcopyright\b|all rights reserved|\bprivacy policy\b|terms (of (use|service)|and conditions)",
    re.I)
# Labels that sit inside the text: ad slots, picture toggles, gallery counters, reading times.
# They are not text, but the text goes on past them.
_INLINE_LABEL = re.compile(
    r"^(?:advert|ad|sponsored|advertisement(?: [-–—:] ?\w+(?: \w+){0,3})?|"
    # The ad label in other languages.
    r"publicidad|publicidade|publicité|anzeige|werbung|pubblicità|reklama|реклама|advertentie|annonse|annons|"
    r"mainos|reklame|διαφήμιση|広告|광고|广告|"
    r"(?:the )?(?:story|article|text) continues (?:below|after)(?: (?:the |this )?(?:ad|advertisement))?|"
    r"continue reading (?:the main story|below|after the ad)|enlarge this image|"
    r"(?:toggle|hide|show|view) (?:caption|image|gallery|photos?)|(?:image|photo|picture|slide) \d+ (?:of|/) \d+|"
    r"\d+ ?(?:/|of) ?\d+|\d+ min(?:ute)?s? read|font size"
    # Icon names and file or element ids that a scraper keeps as text: 'chevron_left', 'img_2041_en'.
    r"|[a-z\d]+(?:_[a-z\d]+)+|\d{9,})\W*$", re.I)

# Messages of newsletter, reprint and sharing widgets, which pages keep in their markup.
_WIDGET = re.compile(
    r"(?:thanks for (?:signing up|subscribing)|thank you for (?:signing up|subscribing)|sorry!?$|"
    r"an error (?:has )?occurred|there was an error|something went wrong|please try again(?: later)?\W*$|"
    r"keep an eye on your inbox|check your inbox|order reprints?\W*$|print (?:this )?article\W*$|"
    r"this (?:article|story) has been sent to|this copy is for your personal,? non-commercial use|"
    r"get the latest .{0,60}\b(?:in|to) your inbox|invalid email|enter your email|"
    r"sign up for (?:our|the) .{0,60}newsletters?|"
    # The comment form's consent box.
    r"save my name,? e-?mail,? and website|сохранить моё имя, e-?mail)", re.I)
# The article's tag or category list: 'Tags Ann Lee harbour', 'Filed under: Politics | Elections'.
_TAGS = re.compile(r"^(?:(?:tags|filed under)\b\s*[:#]?|(?:topics?|posted in|categories|category|keywords?|"
                   r"etiquetas|schlagw[oö]rte?|mots[- ]clés|temas|themen|argomenti|теги|метки)\s*[:#])\s*\S", re.I)
BYLINE = re.compile(r"^(?:by|written by|words by|story by|reported by|text by|posted by)\s+(?P<names>\S.{1,120})$", re.I)
# Reader comments start the page's tail: a comment count/heading or "name says:".
_COMMENTS = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies|reactions|thoughts on)\b.{0,80}|(?:leave a (?:reply|comment)|post a comment|"
    r"readers?'? comments|"
    r"add a comment|join the (?:discussion|conversation)|comments?|show comments|view comments|"
    # The same headings in other languages (WordPress and the like translate them).
    r"deixe (?:um|o seu) comentário|deja (?:un|tu) comentario|laisser un commentaire|lascia un commento|"
    r"schreibe(?:n sie)? einen kommentar|kommentar (?:schreiben|verfassen)|kommentare|commentaires|comentários|"
    r"comentarios|commenti|komentarze|dodaj komentarz|reacties|добавить комментарий|оставить комментарий|"
    r"оставьте комментарий|комментарии|发表评论|评论|コメントを(?:残す|書く)|コメント|댓글(?: ?쓰기)?)\b.{0,30}"
    r"|\S.{0,40}?\s(?:says|wrote|writes|replied|commented)\s*:"
    # 'Ann Lee on September 12, 2018 at 4:47 pm said:' (the timestamp makes 'said' safe)
    r"|\S.{0,40}?\s(?:on|at)\s.{0,50}?\d\d?[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*(?:said|says|wrote|replied|commented)\s*:)$", re.I)
# The rules of the comment section, addressed to the reader: 'Comments are moderated', 'Your comment
# will be reviewed', 'ATENÇÃO: Comentários ... não serão aprovados'.
_COMMENT_RULES = re.compile(
    r"(?:^(?:\W*\w+\s*:\s*)?|\byour )(?:comments?|coment[aá]rios?|commentaires?|kommentare?|commenti|commento|комментари\w*)\b.*"
    r"\b(?:moderat\w*|approved|aprovad[oa]s?|reviewed|deleted|removed|community guidelines|community rules|"
    r"comment policy|house rules|regras|normas)\b", re.I)
_ORG_BYLINE = re.compile(
    r"^(?P<org>.+?)\s+(?:news ?desk|desk|newsroom|staff(?: writers?| reporters?)?|editorial(?: board| team| staff)?|"
    r"editors|reporters|team|wire|staff and agencies)$", re.I)
_ROLE = re.compile(r"(?:in|from)\s.*|(?:(?:senior|chief|staff|special|political|foreign|news|contributing|guest|"
                   r"associate|deputy|managing)\s+)*(?:writer|reporter|correspondent|editor|contributor|columnist|"
                   r"journalist|photographer|producer|analyst)s?", re.I)
_ATTRIBUTION_ROLE = re.compile(r"\b(member|reader|subscriber|supporter|donor|patron|customer|user|listener|viewer)s?\b", re.I)
_ATTRIBUTION_NAME = re.compile(r"^[—–-]?\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}\s+[A-Z]\.(?:\s*,|\s*$|\s+[—–-])")
_DATE_FILLER = re.compile(
    r"\b(published|updated|posted|first|originally|last|modified|on|at|am|pm|a\.m|p\.m|utc|gmt|est|edt|cet|cest|eet|eest|"
    r"bst|pst|pdt|et|pt|time|local|date|st|nd|rd|th|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|[\W\d_]", re.I)
MAX_LINES = 20000
MAX_GAP = 5
MERGE_GAP = 15
MERGE_SHARE = 0.6   # a neighbouring run joins when it has this share of the best run's prose
_GLUE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_CAMEL_BRAND = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]+$")
# Surnames with a capitalised prefix ('McPherson', 'DiMaggio', 'LeBron') are one word, not glue.
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|Fitz|Di|De|Du|Da|La|Le)[A-Z][a-z]+$")


@dataclass
class Line:
    text: str
    # blank prose date byline chrome label nav author quote comments caption cell promo widget other
    kind: str = "other"
    dates: list[Found] = field(default_factory=list)
    repeated: bool = False


@dataclass
class Scraped:
    text: str
    title: str | None = None
    byline: list[str] = field(default_factory=list)
    outlet: str | None = None
    date: Found | None = None
    warnings: list[str] = field(default_factory=list)
    prose: bool = True     # False when no prose run was found (body is a best-effort residue)
    language: str | None = None   # as the page declares it (HTML lang), used when detection is unsure
    url: str | None = None        # the URL the page gives for itself (canonical link, og:url)


def normalise_text(raw: str) -> str:
    """Unify line ends and odd spaces; strip and collapse spaces on every line."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    raw = _INVISIBLE.sub("", _SPACES.sub(" ", raw))
    return "\n".join(" ".join(line.split()) for line in raw.split("\n"))


@functools.lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    # Cached: every rule counts the words of the same lines.
    return tuple(_WORD.findall(text))


def _lowerish(w: Sequence[str]) -> int:
    """Words that do not start with a capital: lower-case ones, and all words of scripts
    without case (Arabic, Hebrew, Hindi, Korean...), whose running text is never 'Title Case'."""
    return sum(1 for x in w if x[0].isalpha() and not x[0].isupper())


def is_prose(text: str, w: Sequence[str] | None = None) -> bool:
    """A sentence-like line: several words, mostly lower-case, ends like a sentence."""
    if w is None:
        w = words(text)
    if not _END_SENTENCE.search(text):
        return False
    if len(w) < 7:
        # Unspaced scripts: a few 'words' that are whole clauses.
        return len(_CJK.findall(text)) >= 14 if _CJK.search(text) else False
    if _CJK.search(text) and len(_CJK.findall(text)) >= 0.5 * len(text):
        return True
    return _lowerish(w) >= 0.3 * len(w)


_CUT_HINT = re.compile(r"\d|[a-z][A-Z]")


@functools.lru_cache(maxsize=4096)
def _split_glued(text: str) -> tuple[str, ...]:
    """Split tokens a scraper glued together: 'deskJanuary 5, 2023', 'membersSupport us'."""
    if not _CUT_HINT.search(text):   # a cut needs a date (digits) or a lower-upper join
        return (text.strip(),) if text.strip() else ()
    cuts = set()
    for m in DATE_RE.finditer(text):
        # A date stuck to the word before it, or trailing a byline, is a field of its own.
        if m.start() > 0 and (text[m.start() - 1].isalpha() or BYLINE.match(text)):
            cuts.add(m.start())
    pos = 0
    for tok in text.split(" "):
        if not _CAMEL_BRAND.match(tok.strip("“”\"'‘’()[],.:;!?")):
            cuts.update(pos + m.start() for m in _GLUE.finditer(tok))
        pos += len(tok) + 1
    pieces, last = [], 0
    for c in sorted(cuts):
        pieces.append(text[last:c].strip())
        last = c
    pieces.append(text[last:].strip())
    return tuple(p for p in pieces if p)


_GLUED_TOKEN = re.compile(r"[a-z][A-Z][a-z]")


def _is_teaser(text: str) -> bool:
    """A link teaser flattened into one line: 'Title Case HeadlineThe first sentence...'."""
    toks = text.split()
    for i, tok in enumerate(toks[:25]):
        core = tok.strip("“”\"'‘’()[],.:;!?")
        m = _GLUED_TOKEN.search(core)
        if m and i >= 2 and not _NAME_PREFIX.match(core):
            head = toks[:i] + [core[:m.start() + 1]]
            caps = sum(1 for w in head if w[:1].isupper() or w[:1].isdigit())
            # 'PlayStation' inside a sentence is a name; after a Title Case run it is glue.
            need = 0.8 if _CAMEL_BRAND.match(core) else 0.6
            return caps >= need * len(head)
    return False


_PAYMENT_LONGEST_FIRST = sorted(_PAYMENT, key=len, reverse=True)


def _is_payment(text: str, n: int | None = None) -> bool:
    if len(text) > 80:
        return False
    if (len(words(text)) if n is None else n) > 8:
        return False
    s = re.sub(r"[^a-z]", "", text.lower())
    if not s:
        return False
    for name in _PAYMENT_LONGEST_FIRST:
        s = s.replace(name, "")
    return not s


def _is_social(text: str, w: Sequence[str] | None = None) -> bool:
    if len(text) > 120:
        return False
    w = [x.lower() for x in (words(text) if w is None else w)]
    return bool(w) and len(w) <= 12 and all(x in _SOCIAL for x in w) and any(x in _SOCIAL_CORE for x in w)


# A relative time stamp: '2 hours ago', 'Updated 3 days ago'.
_AGO = re.compile(r"^\W*(?:(?:posted|updated|published|last updated)\s*:?\s*)?(?:about |over |just )?(?:\d+|an?|one) ?"
                  r"(?:seconds?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?|years?) ago\W*$", re.I)


def _is_date_line(text: str, dates: list[Found]) -> bool:
    if _AGO.match(text):
        return True
    if not dates:
        # 'Updated at 1:23 p.m.': a time stamp of the page without its day.
        if not (re.match(r"\W*(?:published|updated|posted|last updated)\b", text, re.I) and find_time(text)):
            return False
    rest = text
    for d in reversed(dates):
        rest = rest[:d.start] + " " + rest[d.end:]
    rest = re.sub(r"(?<=\d)Z\b", "", rest)     # ISO time stamps: '2019-11-18T20:51:19Z'
    return not _DATE_FILLER.sub("", rest).strip()


def _is_nav(text: str) -> bool:
    """Short label(s) in Title Case with no sentence punctuation: menu items, section names."""
    w = words(text)
    if not w or len(w) > 6 or _END_SENTENCE.search(text):
        return False
    small = {"and", "of", "the", "in", "on", "for", "to", "a", "&", "us", "at"}
    return all(x[0].isupper() or x[0].isdigit() or x.lower() in small for x in w) and w[0][0].isupper()


# Words one of which each chrome pattern needs: a cheap test before the regular expressions.
_DONATE_KEYS = ("support", "become a", "reach", "join", "donat", "already a", "members only", "paywall",
                "free trial", "unlock", "subscribe", "sign up")
_BUTTON_KEYS = ("donat", "subscri", "sign up", "newsletter", "membership", "log", "sign in", "register",
                "join now", "my account")


def _chrome(text: str, w: list[str], n: int, low: str) -> bool:
    """Site chrome: payment, social, cookie, donation and button lines, widgets, tag lists."""
    # Each test only runs on lines short enough for it to fire (the limits are the rules' own).
    if n <= 12 and (_is_payment(text, n) or _is_social(text, w)):
        return True
    if "cookie" in low and _COOKIE.search(text) and (n <= 60 or len(re.findall(r"\bcookies?\b", text, re.I)) >= 3):
        return True
    if n <= 30 and any(k in low for k in _DONATE_KEYS) and _DONATE.search(text) \
            and (n <= 12 or re.search(r"\b(us|our|you|your)\b", text, re.I)):
        return True
    if n <= 6 and any(k in low for k in _BUTTON_KEYS) and _BUTTON.search(text) and not _END_SENTENCE.search(text):
        return True
    if n <= 15 and (_MISC_CHROME.search(text) or _INLINE_LABEL.match(text)):
        return True
    if n <= 40 and _WIDGET.match(text):
        return True
    return n <= 40 and bool(_TAGS.match(text)) and not _END_SENTENCE.search(text)


def is_chrome(text: str) -> bool:
    """``classify_line(text) == "chrome"``, without the tests for the other kinds."""
    if not text:
        return False
    w = words(text)
    return _chrome(text, w, len(w), text.lower())


@functools.lru_cache(maxsize=16384)
def classify_line(text: str) -> str:
    """Kind of one scraped line: blank, prose, chrome, comments, nav (teaser), byline or other."""
    if not text:
        return "blank"
    w = words(text)
    n = len(w)
    if _chrome(text, w, n, text.lower()):
        return "chrome"
    if _COMMENTS.match(text.strip("[](){}<>-–—|•· ")) or n <= 30 and _COMMENT_RULES.search(text):
        return "comments"
    if is_prose(text, w):
        return "nav" if _is_teaser(text) else "prose"
    if BYLINE.match(text):
        return "byline"
    return "other"


def _unwrap(lines: list[str]) -> list[str]:
    """Re-join hard-wrapped lines: a long line without end punctuation followed by a lower-case start."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        # Both sides must look like running text: a lone lower-case token (a logo strip,
        # a button) after a long label is not a continuation.
        if (line and prev and len(prev) >= 50 and not _END_SENTENCE.search(prev)
                and len(words(line)) >= 3 and len(words(prev)) >= 8
                and (line[0].islower() or prev.endswith((",", ";", "-")))):
            out[-1] = prev + ("" if prev.endswith("-") and line[0].islower() else " ") + line
        else:
            out.append(line)
    return out


_BY_ALONE = re.compile(r"^(?:by|written by|words by|story by|reported by|text by|posted by)\s*:?$", re.I)


def _join_split_bylines(texts: list[str]) -> list[str]:
    """'By' on a line of its own and the name on the next (separate elements): one byline."""
    out = list(texts)
    for i, t in enumerate(out):
        if not _BY_ALONE.match(t):
            continue
        j = next((k for k in range(i + 1, min(len(out), i + 3)) if out[k]), None)
        if j is not None and out[j][:1].isupper() and len(words(out[j])) <= 8 and not _END_SENTENCE.search(out[j]):
            out[i], out[j] = t.rstrip(" :") + " " + out[j], ""
    return out


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


# Labels a scraper leaves around a picture ('Image caption', 'Photo:'), and picture credits
# ('(AP Photo/Ann Lee, File)', 'Photo: Getty Images', '| Reuters').
_CAPTION_LABEL = re.compile(r"^(?:image|photo|picture|media|video)? ?(?:caption|copyright|credit)s?\W*$", re.I)
_PICTURE_LABEL = re.compile(r"^(?:(?:image|photo|picture|media|video) ?(?:caption|copyright|credit)s?\b\W*(?:\S+\s*){0,3}"
                            r"|@\w+|report)$", re.I)


def _is_picture_label(text: str) -> bool:
    """'Image copyright Getty Images', '@handle', 'Report': the labels of a picture or an embedded post."""
    return len(text) <= 60 and bool(_PICTURE_LABEL.match(text))
_AGENCY = r"(?:Getty(?: Images)?|Reuters|REUTERS|AFP|AP|EPA|Shutterstock|iStock(?:photo)?|Alamy|PA)"
_CREDIT = re.compile(
    r"(?:[(\[](?:[^()\[\]]{0,60}\b)?(?:[Pp]hoto(?:graph)?s?|[Ii]mage|[Pp]icture|[Ff]ile|[Cc]redit|[Cc]ourtesy|"
    + _AGENCY + r")(?:\b[^()\[\]]{0,60})?[)\]]"
    r"|\[[^\[\]]{1,40}\bvia\b[^\[\]]{1,40}\]"
    r"|(?:^|[\s|,.;–—-])(?:[Pp]hoto(?:graph)?s?|[Ii]mage|[Pp]icture|[Cc]redit|[Cc]ourtesy|[Ii]llustration)(?: by)? ?[:/|]"
    r"\s*\S[^.!?]{0,60}"
    r"|(?:^|[\s|–—-])(?:[Pp]hoto(?:graph)?|[Ii]mage|[Pp]icture|[Ii]llustration) (?:by|courtesy of) [A-Z][^.!?]{0,60}"
    r"|[|/]\s*" + _AGENCY + r"[^.!?]{0,30})\s*\W*$")


def _is_caption(l: Line) -> bool:
    """A picture caption: a line of its own that ends with a picture credit."""
    return (l.kind in ("other", "prose", "nav") and len(words(l.text)) <= 60
            and bool(_CREDIT.search(l.text)))


# A picture's rights notice ('installation view, photo © Ann Lee'), not the site's.
_PHOTO_RIGHTS = re.compile(r"\b(?:photos?|photographs?|images?|pictures?|fotos?|credits?)\b(?!.*\ball rights reserved\b)", re.I)
# A picture's credit on a line of its own: 'Photo: Ann Lee, AP', 'Courtesy of Acme',
# '(Image: © NASA)', 'Ann Lee | Bloomberg | Getty Images'.
_CREDIT_LINE = re.compile(
    r"^(?:(?i:photo(?:graph)?|picture|image|illustration)s?(?: by ?|: ?)\S.{0,60}|(?i:credits?): ?\S.{0,60}"
    r"|(?i:courtesy(?: of)?) [A-Z].{0,60}"
    r"|[(\[](?i:photo|image|picture|credit)s?(?i: credit)?: [^()\[\]]{1,60}[)\]]"
    r"|[^.!?]{0,60}[|/]\s*" + _AGENCY + r"(?: Images)?\W*"
    r"|[A-Z][a-z]+(?: [A-Z][a-z.]+){1,2} ?[/|] ?[A-Z][\w&.'’ ]{1,40})$")


def _mark_captions(lines: list[Line]) -> None:
    """Picture captions (the credit at the end, a caption label just above, or a credit line
    just below) are not text."""
    prev = None
    for l in lines:
        if l.kind == "blank":
            continue
        if (prev is not None and prev.kind in ("other", "prose") and len(words(prev.text)) <= 50
                and len(words(l.text)) <= 12 and _CREDIT_LINE.match(l.text)):
            prev.kind = "caption"
            if l.kind in ("other", "nav", "prose"):
                l.kind = "caption"
        if _is_caption(l):
            l.kind = "caption"
        elif (prev is not None and _CAPTION_LABEL.match(prev.text) and l.kind in ("other", "prose", "nav")
              and len(words(l.text)) <= 60):
            l.kind = "caption"
        prev = l


_SLIDE_COUNTER = re.compile(r"^(?:(?:image|photo|picture|slide) )?\d{1,3} ?(?:/|of) ?\d{1,3}$", re.I)


def _mark_slides(lines: list[Line]) -> None:
    """A line between two slide counters ('2 of 8') is the caption of a slideshow picture."""
    seq = [l for l in lines if l.kind != "blank"]
    counter = [bool(_SLIDE_COUNTER.match(l.text)) for l in seq]
    for i, l in enumerate(seq):
        if (l.kind in ("prose", "other", "nav") and len(words(l.text)) <= 40 and not counter[i]
                and any(counter[max(0, i - 2):i]) and any(counter[i + 1:i + 3])):
            l.kind = "caption"


# 'About us', 'About the author', 'About Ann Lee', 'Sobre Ana Ruiz': the box that ends an article.
_ABOUT = re.compile(r"^(?:about|sobre|über|a propos|à propos(?: de)?|acerca de|informazioni su|o autorze|"
                    r"об авторе|о нас|o nas|om oss|over ons|über uns|about the authors?)(?:\s+\S+){0,4}\s*:?$", re.I)


_ABOUT_SELF = re.compile(r"\s(?:us|me|the authors?|the writers?|the reporters?|o autorze|об авторе|о нас|"
                         r"nosotros|nós|uns|ons|oss|nas|l'auteur|el autor|o autor|dem autor|the contributors?)\s*:?$", re.I)


# A newsletter or subscription box: its pitch reads like prose, its fine print too.
_SIGNUP = re.compile(
    r"\b(?:unsubscribe at any time|you can unsubscribe|no spam\b|we (?:will )?never share your (?:details|email|data)|"
    r"subscribe to (?:our|the) .{0,40}?newsletters?|sign up (?:for|to) (?:our|the) .{0,40}?(?:newsletters?|emails?|alerts)|"
    r"(?:get|receive) (?:our|the) .{0,40}? (?:delivered )?(?:in|to) your inbox|delivered (?:straight )?to your inbox|"
    r"by (?:signing up|subscribing),? you agree|this slideshow requires javascript|please enable javascript)", re.I)


def _mark_widgets(lines: list[Line]) -> None:
    for l in lines:
        if l.kind in ("prose", "other", "nav", "chrome") and len(words(l.text)) <= 60 and _SIGNUP.search(l.text):
            l.kind = "widget"


def _is_link_title(l: Line) -> bool:
    """A headline as a link: several words, nearly all capitalised, no end punctuation."""
    if l.kind not in ("other", "nav") or l.dates or _END_SENTENCE.search(l.text):
        return False
    # Items of a list of facts (dates and places, names and roles) have separators.
    # (A number leading the line counts things: '15 Amazing Images of Stars' is a link.)
    if re.search(r"[,:;@|]|\s[–—-]+\s|\s\d{1,2}\s", " " + re.sub(r"^\d{1,3}\s", "", l.text) + " "):
        return False
    w = words(l.text)
    if not 4 <= len(w) <= 20:
        return False
    small = {"a", "an", "and", "of", "the", "in", "on", "for", "to", "at", "by", "with", "from", "or", "is", "are",
             "as", "vs", "its", "how", "why", "what"}
    caps = sum(1 for x in w if x[0].isupper() or x[0].isdigit())
    return caps >= 0.8 * sum(1 for x in w if x.lower() not in small) and caps >= 3


_FIGURE = re.compile(r"^[-+−–]?[$€£¥]?\s?\d[\d.,:/'’ ]*(?:%|[a-z]{1,3}\.?)?$|^[-–—*]$", re.I)
TABLE_MIN = 12       # cells in a row that make a table
TABLE_FIGURES = 0.3  # share of them that are figures


def _is_cell(l: Line) -> bool:
    return (l.kind in ("other", "nav", "date") and len(l.text) <= 60 and len(words(l.text)) <= 5
            and not _END_SENTENCE.search(l.text.rstrip(".")))


def _mark_tables(lines: list[Line]) -> None:
    """A table flattened one cell to a line: a long stretch of short lines, many of them
    figures (scores, prices, percentages). Its cells are part of the text around it."""
    group: list[Line] = []
    for l in lines + [Line("end.", "prose")]:
        if l.kind == "blank":
            continue
        if _is_cell(l):
            group.append(l)
            continue
        if len(group) >= TABLE_MIN and sum(1 for g in group if _FIGURE.match(g.text)) >= TABLE_FIGURES * len(group):
            for g in group:
                g.kind = "cell"
        group = []


# Headings of a box of links to other articles, in a few languages.
_RELATED = re.compile(
    r"^(?:more|related|read (?:more|also|next)|also read|see also|more on this(?: story| topic)?|more (?:from|about|on) .{1,30}|"
    r"related (?:articles|stories|posts|news|content|coverage|links|reading|topics)|recommended(?: for you| stories| articles)?|"
    r"(?:you|we think you) (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)|more (?:stories|news|articles)|"
    r"further reading|what to read next|don'?t miss|editor'?s picks|in other news|trending(?: now| news| stories)?|"
    r"most (?:read|popular|viewed|shared)|also on .{1,30}|"
    r"leia (?:também|mais)|veja (?:também|mais)|saiba mais|lesen sie (?:auch|mehr)|mehr zum thema|das könnte sie auch interessieren|"
    r"(?:à )?lire aussi|voir aussi|(?:lee|ver|lea) (?:también|más)|te puede interesar|leggi anche|potrebbe interessarti|"
    r"lees ook|czytaj (?:też|także)|читайте также|вам также может быть интересно|похожие (?:записи|статьи|новости)|"
    r"смотрите также|похожие материалы|noticias relacionadas|artículos relacionados|notícias relacionadas|"
    r"matérias relacionadas|sur le même sujet|à lire également|articles liés|weitere artikel|articoli correlati|"
    r"notizie correlate|gerelateerde artikelen|相关阅读|相关新闻|相关文章|推荐阅读|延伸阅读|関連記事|関連ニュース|あわせて読みたい|"
    r"관련 ?기사|관련 ?뉴스|많이 본 뉴스)\s*[:：.…>»]*$", re.I)
RELATED_MAX = 8      # links a related box lists at most


def _mark_related(lines: list[Line]) -> None:
    """A related-links heading ('Read also:', 'More on this story') and the headlines right
    under it (with their section labels): links to other articles, even inside the text."""
    for i, l in enumerate(lines):
        if l.kind == "blank" or len(l.text) > 60 or not _RELATED.match(l.text):
            continue
        taken, heads = [], 0
        for m in lines[i + 1:]:
            if m.kind == "blank":
                continue
            n = len(words(m.text))
            if m.kind in ("other", "nav") and n <= 2:
                taken.append(m)      # a link's section label or date
                continue
            # A headline: a few words with no full stop (a question may be one).
            if (heads >= RELATED_MAX or m.kind not in ("other", "nav", "promo", "prose")
                    or not 3 <= n <= 20 or m.text.rstrip().endswith((".", ":", ";", ","))):
                break
            taken.append(m)
            heads += 1
        if heads:
            for m in taken:
                m.kind = "promo"
            l.kind = "promo"


_READ_MORE = re.compile(r"^(?:read (?:more|on)|continue reading|read the full (?:story|article)|full (?:story|article))\W*$", re.I)


def _mark_read_more(lines: list[Line]) -> None:
    """A short summary followed by its 'Read more' button is a teaser for another page (a
    long paragraph there is the article's own opening, cut short)."""
    prev = None
    for l in lines:
        if l.kind == "blank":
            continue
        if (prev is not None and prev.kind in ("prose", "other") and len(words(prev.text)) <= 30
                and len(l.text) <= 30 and _READ_MORE.match(l.text)):
            prev.kind = "promo"
        prev = l


_REPLY = re.compile(r"^(?:reply|responder|responda|antworten|répondre|rispondi|ответить|返信|回复|답글|reageren|"
                    r"odpowiedz)\W*$", re.I)


def _mark_comment_thread(lines: list[Line]) -> None:
    """Reader comments without a heading: 'Reply' buttons (two or more) and each comment's
    time stamp above its text start the comment section."""
    replies = [i for i, l in enumerate(lines) if l.kind != "blank" and len(l.text) <= 20 and _REPLY.match(l.text)]
    if len(replies) < 2:
        return
    for i in replies:
        lines[i].kind = "comments"
        stamp = next((k for k in range(i - 1, max(-1, i - 12), -1) if lines[k].kind in ("date", "comments")), None)
        if stamp is not None and lines[stamp].kind == "date":
            lines[stamp].kind = "comments"


def _mark_link_lists(lines: list[Line]) -> None:
    """Two or more headlines in a row are a list of links ('Related', 'More on this'), not
    subheads: a subhead has text under it."""
    group: list[Line] = []
    for l in lines + [Line("", "blank"), Line("end", "other")]:
        if l.kind == "blank":
            continue
        if _is_link_title(l):
            group.append(l)
            continue
        if len(group) >= 2:
            for g in group:
                g.kind = "promo"
        group = []


def _mark_about(lines: list[Line]) -> None:
    """'About the author', or 'About Ann Lee' where Ann Lee stands on a line of her own
    above it (a byline): the author box that ends the article. ('About Acme' may head a
    press release's own closing paragraph: left alone.)"""
    alone = set()
    for l in lines:
        if l.kind == "blank":
            continue
        m = _ABOUT.match(l.text) if l.kind in ("other", "nav") and len(words(l.text)) <= 6 else None
        if m and not l.repeated:
            name = l.text.split(None, 1)[1].rstrip(" :").lower() if " " in l.text else ""
            if _ABOUT_SELF.search(" " + l.text) or (name and name in alone):
                l.kind = "author"
        if len(l.text) <= 60:
            alone.add(BYLINE.sub(lambda m: m.group("names"), l.text).strip(" :").lower())


# The outlet speaking to its reader: follow us, subscribe, join, tip us off, affiliate notes.
_SOCIAL_SITES = r"(?:twitter|facebook|instagram|linkedin|youtube|tiktok|snapchat|threads|bluesky|mastodon|telegram|whatsapp)"
_CALL = re.compile(
    r"(?:^|[.!?]\s+)(?:"
    r"(?:(?:follow|like|find|join|connect with) (?:us|me|him|her|them|[A-Z][\w.]*(?: [A-Z][\w.]*){0,2}) (?:on|at|via)"
    r"|síguenos en|siga-nos n[oa]|suivez-nous sur|folgen sie uns auf|seguici su|volg ons op) "
    r"(?:[\w ]+, )*" + _SOCIAL_SITES + r"|"
    r"subscribe to (?:our|the|my|[A-Z]\S*(?: [A-Z]\S*){0,3}) .{0,40}?(?:channel|newsletter|podcast|magazine|feed|list)|"
    r"join (?:our|the) .{0,40}?(?:forums?|community|discussion|newsletter|mailing list)|"
    r"(?:get|receive|enjoy) (?:access to|unlimited access|breaking .{0,20}news|the latest .{0,40}(?:news|updates|stories)|"
    r"the day'?s (?:big|top) stories)|"
    r"(?:have|got) a (?:news )?tip\?|if you have a (?:news )?tip|send (?:us )?(?:your )?(?:news )?tips to|"
    r"download (?:our|the) (?:free )?app|listen to .{0,40}\blive\b|"
    r"please check the (?:opt-in )?box|i agree that .{0,60}\b(?:send|contact|email)\b|"
    r".{0,60}\bmay (?:earn|receive|get) (?:an? )?(?:small )?(?:affiliate )?commission|"
    r"(?:this|the) (?:post|article|page) (?:may )?contains? affiliate links)", re.I)
# Asking the reader to comment or share: on a short line of its own (a column may end its
# own last paragraph that way).
_ASK = re.compile(r"^(?:.{0,40}[.!?]\s+)?(?:(?:share|tell us|let us know) (?:your thoughts|what you think)|leave (?:a|your) comment|"
                  r"(?:like|enjoyed|enjoy) (?:this|the) (?:article|story|post)\?|if you (?:liked|enjoyed) this (?:article|story|post))", re.I)


# The site's own fine print: about the site itself, trademarks, disclaimers, terms.
_SITE_LEGAL = re.compile(
    r"\b(?:use of|using|registration on|submit(?:ted)? to|log ?in(?:to)?|material on|contents? of|information (?:provided )?on|"
    r"account on|links on) (?:this|our) (?:web ?)?site\b|\b(?:this|our) (?:web ?)?site uses\b|"
    r"\bregistered trademarks? of\b|\bfor (?:general )?informational purposes\b|"
    r"\b(?:statements|claims) (?:have|has) not been evaluated by\b|\bwithout (?:the )?(?:prior|express) written permission\b|"
    r"\bexcept with the prior written permission\b"
    # 'By clicking Subscribe, I agree to the terms' (parties agreeing to terms is news).
    r"|\b(?:by (?:clicking|checking|using|registering|signing up|subscribing)\b.{0,80}|\bi )agree to (?:the|our) terms\b", re.I)


def _is_call_to_action(text: str) -> bool:
    """The outlet addressing its reader ('Follow us on Twitter', 'Subscribe to our YouTube
    channel', 'Got a tip?'): a promotion, not the article."""
    n = len(words(text))
    return n <= 80 and bool(_CALL.search(text)) or n <= 20 and bool(_ASK.match(text))


def _is_shouted(text: str) -> bool:
    """A line of several words in capitals without an end stop: a promotion or a link."""
    letters = [c for c in text if c.isupper() or c.islower()]   # scripts with capitals only
    return (len(words(text)) >= 5 and len(letters) >= 20 and not any(c.islower() for c in letters)
            and not _END_SENTENCE.search(text))


def _is_list_item(text: str) -> bool:
    """An item of a list with clauses or figures ('1 cup rice, 2 eggs, salt'): repeated on a
    page it is still text (a recipe's two plans), unlike a repeated menu label."""
    w = words(text)
    return len(w) >= 6 and len(re.findall(r",\s", text)) >= 2


def _mark_testimonials(lines: list[Line]) -> None:
    """A quoted blurb followed by 'Name X., role' is a reader testimonial, not reporting."""
    for i, l in enumerate(lines):
        t = l.text
        if l.kind in ("blank", "prose") or len(words(t)) > 14 or _END_SENTENCE.search(t.rstrip(".")) and not _ATTRIBUTION_NAME.match(t):
            continue
        if not (_ATTRIBUTION_NAME.match(t) or (_ATTRIBUTION_ROLE.search(t) and "," in t)):
            continue
        j = i - 1
        while j >= 0 and lines[j].kind == "blank":
            j -= 1
        if j < 0 or not _CLOSE_QUOTE.search(lines[j].text):
            continue
        start = None
        for k in range(j, max(-1, j - 8), -1):
            if lines[k].text.startswith(_OPEN_QUOTE):
                start = k
                break
        if start is None:
            continue
        for k in range(start, i + 1):
            if lines[k].kind != "blank":
                lines[k].kind = "quote"


def byline_names(text: str) -> list[str]:
    """'By Ana Ruiz and Tom Bell, staff writers' -> ['Ana Ruiz', 'Tom Bell']."""
    m = BYLINE.match(text)
    names = m.group("names") if m else text
    names = re.sub(r"\s*[|•·].*$", "", names)
    names = re.sub(r"[\s,]+(?:on|at|updated|published|posted|in)$", "", names, flags=re.I)
    parts = [p.strip(" .") for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", names)]
    # Roles and places after the names ("staff writer", "in Kyiv") are not names.
    return [p for p in parts if p and len(p) <= 80 and p[:1].isupper() and not _ROLE.fullmatch(p)]


def _host_label(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    parts = [p for p in host.split(".") if p not in ("www", "m", "amp", "edition", "news")]
    if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "gov", "ac"):
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


_NAME = r"(?:The )?[A-Z][\w'’&-]+(?: [A-Z][\w'’&-]+){0,3}"
_OUTLET_PHRASES = re.compile(
    rf"\b(?:writes|reports|works|reporter|correspondent|editor|columnist)\b[^.]{{0,60}}?\b(?:for|at) (?P<a>{_NAME})"
    rf"|(?:^|[,.;] ?)(?P<b>{_NAME}) (?:community )?(?:member|reader|subscriber|supporter)s?\b"
    rf"|\b(?:published|owned|operated) by (?P<c>{_NAME})")
# "Northgate Tribune Media Ltd" publishes "Northgate Tribune".
_CORPORATE = re.compile(r"(?:\s+(?:Media|Group|Publishing|Publications|Holdings|Company|News))*"
                        r"\s+(?:Ltd|Limited|Inc|LLC|GmbH|plc|PLC|Co|Corp|SA|AG|LLP)\.?$")


# A closing paragraph in which the site's owner describes itself ("Ascom is a global solutions
# provider ...", "ProPublica is a nonprofit newsroom ..."): a press release's or a newsroom's
# standing boilerplate, not the story.
_SELF_WORDS = re.compile(r"\b(?:provider|company|companies|leader|leading|founded|headquarter(?:s|ed)|employs|"
                         r"subsidiar(?:y|ies)|listed|offices|nonprofit|non-profit|newsroom|organi[sz]ation|"
                         r"publishes|mission|independent|serves|customers|clients)\b", re.I)


def drop_self_description(body: str, url: str | None) -> str:
    """The body without the closing paragraphs (and their \"About X\" heading) in which the
    site's owner, named as the URL's host, describes itself."""
    label = _host_label(url)
    if not label or len(label) < 3:
        return body
    paras = body.split("\n\n")
    k = len(paras)
    while k > 1 and len(paras) - k < 4:
        m = re.match(r"(?:The\s+)?((?:[A-Z][\w&'’.-]*\s*){1,4}?)(?:,|\s+(?:is|was|are|has|provides|helps)\b)", paras[k - 1])
        if not m or re.sub(r"[^a-z0-9]", "", m.group(1).lower()) != label \
                or len(words(paras[k - 1])) < 12 or not _SELF_WORDS.search(paras[k - 1]):
            break
        k -= 1
    if k < len(paras) and k > 1 and re.fullmatch(r"About\s+.{2,40}", paras[k - 1].strip()):
        k -= 1   # its "About X" heading
    return "\n\n".join(paras[:k])


def outlet_from(names: list[str], lines: list[str], url: str | None) -> str | None:
    """Outlet from an organisational byline, the URL host named in the page, or a copyright line."""
    for name in names:
        m = _ORG_BYLINE.match(name)
        if m and m.group("org")[:1].isupper():
            return m.group("org").strip()
    label = _host_label(url)
    if label:
        phrase = re.compile(r"(?:\bThe\s+)?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4}")
        seen = Counter()
        for text in lines:
            for m in phrase.finditer(text):
                words_ = m.group(0).split()
                # Any sub-phrase whose letters spell the host label names the outlet.
                for a in range(len(words_)):
                    for b in range(a + 1, len(words_) + 1):
                        cand = " ".join(words_[a:b])
                        key = re.sub(r"[^a-z0-9]", "", cand.lower())
                        if key == label or (key.startswith("the") and key[3:] == label):
                            seen[cand] += 1
        if seen:
            return max(seen, key=lambda c: (seen[c], len(c)))
    # Chrome names the outlet: "writes for The X", "X member", "Support The X", "© 2024 X".
    named = Counter()
    for text in lines:
        for m in _OUTLET_PHRASES.finditer(text):
            name = _CORPORATE.sub("", (m.group("a") or m.group("b") or m.group("c") or "").strip())
            if name and not _ROLE.fullmatch(name):
                named[name] += 1
    if named:
        return max(named, key=lambda c: (named[c], len(c)))
    for text in lines:
        m = re.search(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][\w&'’. -]{1,60}?)\s*(?:[.,|]|all rights|$)", text, re.I)
        if m and m.group(1).strip():
            return m.group(1).strip()
    if url:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "")
        return host.removeprefix("www.") or None
    return None


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
