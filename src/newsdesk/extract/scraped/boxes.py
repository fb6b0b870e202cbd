"""Lines re-marked by their neighbourhood: captions, slides, widgets, tables, related-link
boxes, comment threads, author boxes, calls to action, testimonials."""
from __future__ import annotations

import re

from .chrome import (_ATTRIBUTION_NAME, _ATTRIBUTION_ROLE, _CLOSE_QUOTE, _END_SENTENCE, _OPEN_QUOTE, BYLINE,
    words)
from .lines import Line


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
