"""One line on its own: prose, or which kind of page chrome (navigation, sharing, cookies,
bylines, dates, payment logos)."""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from ..dates import DATE_RE, find_time, Found


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

_GLUE = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_CAMEL_BRAND = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]+$")
# Surnames with a capitalised prefix ('McPherson', 'DiMaggio', 'LeBron') are one word, not glue.
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|Fitz|Di|De|Du|Da|La|Le)[A-Z][a-z]+$")


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
