"""HTML -> body (trafilatura) and metadata (JSON-LD, meta tags, trafilatura/htmldate)."""
from __future__ import annotations

import json
import re
from typing import Any

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.utils import HTML_PARSER as TRAFILATURA_PARSER, load_html, repair_faulty_html

from . import dates
from .guard import ExtractionError
from .dates import Found, find_dates
from .scraped import (BYLINE, Scraped, byline_names, classify_line, clean_scraped, drop_self_description,
                      is_chrome, is_prose, normalise_text, outlet_from, words)

_ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
                  "socialmediaposting", "report", "webpage")
_DATE_META = ("article:published_time", "og:published_time", "og:article:published_time",
              "datepublished", "pubdate", "publishdate", "publish-date", "publication_date",
              "sailthru.date", "parsely-pub-date", "dc.date.issued", "dc.date", "dcterms.created",
              "date", "article.published", "cxenseparse:recs:publishtime")
_AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
                "dc.creator", "byl")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
# Chosen on AEB (bench/extraction.py, newsdesk F1, before the clean-up rules below): fast 0.966, default 0.964, favor_precision
# 0.966 (slower), fast+favor_precision 0.953. Fast mode skips trafilatura's readability/jusText
# comparisons, which cost half the time and are quadratic in the number of paragraphs (a 1 MB
# page of short blocks took minutes).
TRAFILATURA_OPTIONS = {"fast": True, "favor_precision": False, "favor_recall": False}
# AEB pages have at most ~1,700 elements; past this, see extract_html.
MAX_TREE_ELEMENTS = 40000
# Characters of the page's text lines read around the body's start for its byline and dateline.
HEAD_WINDOW = 1500
# Paragraphs of trafilatura's output that the scraped-text rules call chrome (share rows,
# cookie and subscription banners) are dropped: F1 0.966 -> 0.968 on AEB.
DROP_CHROME = True
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "blockquote", "pre", "figcaption", "dd", "dt", "td", "time"}


# Bytes of the characters trafilatura's repair_faulty_html deletes: C0 controls but tab,
# newline and carriage return (U+FFFE and U+FFFF are looked for separately).
_XML_BAD_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])


def _repaired_utf8(html: str) -> bytes:
    """repair_faulty_html(html) as UTF-8, the same bytes faster: its regex over the whole
    page only runs when a byte table finds a character to delete; its other repairs only
    touch the first lines."""
    raw = html.encode("utf-8", "surrogatepass")
    cut = html.find("\n", 4096)
    if cut < 0 or len(raw.translate(None, _XML_BAD_BYTES)) != len(raw) \
            or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw:
        return repair_faulty_html(html, html[:50].lower()).encode("utf-8", "surrogatepass")
    head = html[:cut]
    fixed = repair_faulty_html(head, html[:50].lower())
    if fixed == head:
        return raw
    return fixed.encode("utf-8", "surrogatepass") + raw[len(head.encode("utf-8", "surrogatepass")):]


# Wrapper elements whose tags carry no text of their own: removed when a page nests deeper
# than libxml2 parses (256 levels), which would drop everything below that depth.
_WRAPPERS = re.compile(r"</?(?:div|span|section|article|main|aside|center|font|table|tbody|thead|tr|td|th|"
                       r"blockquote|ul|ol|li|dl|dd|dt|b|i|u|em|strong|small|big|figure)\b[^>]*>", re.I)


def _too_deep(parser) -> bool:
    return any("Excessive depth" in e.message for e in parser.error_log)


def flatten_nesting(html: str) -> str:
    """The page without its wrapper tags (see _WRAPPERS): paragraphs, headings, links and
    text stay, so a page nested 300+ levels deep keeps its text."""
    return _WRAPPERS.sub(" ", html)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page parsed once, as trafilatura parses it (so its body extraction sees the same
    tree); lxml's plain parser for what trafilatura's loader rejects. A page nested deeper
    than the parser goes is parsed flattened (``flatten_nesting``)."""
    tree = None
    try:
        # trafilatura's loader, minus its slow path: lxml reads UTF-8 bytes faster than str.
        raw = _repaired_utf8(html)
        tree = lxml.html.fromstring(raw, parser=TRAFILATURA_PARSER)
        if _too_deep(TRAFILATURA_PARSER):
            html = flatten_nesting(html)
            tree = lxml.html.fromstring(_repaired_utf8(html), parser=TRAFILATURA_PARSER)
        if len(tree) < 1:
            tree = None
    except Exception:
        tree = None
    if tree is None:
        try:
            tree = load_html(html)
        except Exception:   # the loader's own checks; lxml below says the last word
            tree = None
    if tree is not None:
        return tree
    # lxml refuses str input that carries an XML encoding declaration.
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html, count=1)
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None


def _meta(tree) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = (el.get("content") or "").strip()
        if key and val and key not in out:
            out[key] = val
    return out


def _jsonld_objects(tree) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []

    def walk(x, depth=0):
        if depth > 8 or len(objs) > 200:   # real JSON-LD is shallow; don't chase deeper nesting
            return
        if isinstance(x, list):
            for y in x:
                walk(y, depth + 1)
        elif isinstance(x, dict):
            objs.append(x)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(x.get(key), (list, dict)):
                    walk(x[key], depth + 1)

    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (el.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|\]\]>\s*$", "", raw)
        try:
            walk(json.loads(raw, strict=False))
        except (ValueError, RecursionError):  # broken or absurdly nested JSON-LD: ignore it
            continue
    return objs


def _types(obj: dict) -> list[str]:
    t = obj.get("@type", [])
    return [str(x).lower() for x in (t if isinstance(t, list) else [t])]


def _names(value) -> list[str]:
    """Person names from a JSON-LD author/publisher value (str, dict or list)."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        value = value.get("name")
        return _names(value) if isinstance(value, (list, str)) else []
    if isinstance(value, str) and value.strip() and not value.strip().startswith(("http://", "https://", "/")):
        return [value.strip()]
    return []


def _article_ld(tree, objs: list | None = None) -> dict[str, Any]:
    objs = _jsonld_objects(tree) if objs is None else objs
    for wanted in (_ARTICLE_TYPES[:-1], ("webpage",)):
        for obj in objs:
            if any(t in wanted for t in _types(obj)) and (obj.get("headline") or obj.get("datePublished")):
                return obj
    return {}


def _publisher_ld(tree, art: dict, objs: list | None = None) -> str | None:
    names = _names(art.get("publisher"))
    if names:
        return names[0]
    for obj in (_jsonld_objects(tree) if objs is None else objs):
        if any(t in ("newsmediaorganization", "organization") for t in _types(obj)):
            n = _names(obj)
            if n:
                return n[0]
    return None


_INVISIBLE_TAGS = {"script", "style", "noscript", "template", "svg", "head"}


def _html_to_lines(tree) -> str:
    """Fallback text: one line per block element, scripts and styles skipped (iterative: no
    depth limit; the tree is left as it is)."""
    parts: list[str] = []
    walker = lxml.etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _INVISIBLE_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag and el.text:
                parts.append(el.text)
        else:
            if tag in _INVISIBLE_TAGS:
                if el.tail:
                    parts.append(el.tail)
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.tail:
                parts.append(el.tail)
    return "".join(parts)


def _paragraphs(text: str) -> str:
    """trafilatura's one-line-per-block output -> paragraphs separated by blank lines."""
    lines = [l for l in normalise_text(text).split("\n") if l]
    if DROP_CHROME:
        # Chrome rules only fire on short lines (or on cookie notices): long paragraphs skip them.
        lines = [l for l in lines if (l.count(" ") >= 40 and "cookie" not in l.lower())
                 or not is_chrome(l)]
    return "\n\n".join(_tidy_body(lines))


# Body clean-up rules, each kept because it raised AEB F1 (bench/extraction.py, 181 pages):
# tag (teasers ending '[VIDEO]') +0.0003, related (a 'Don't miss' / 'You may also like' head
# and the link lines under it) +0.0005, updated (stamp lines) +0.0001, email (contact lines)
# +0.0002, chunks (an article split into containers of one class) +0.003, menu (a long run of
# short labels before the first sentence) +0.002, listtail (a closing list of headline links)
# +0.0006. Tried and left out because the gold keeps such lines: bare URL lines, ALL-CAPS
# lines, repeated paragraphs, short label lines after the last sentence, a first paragraph
# equal to the meta description (each cost 0-0.002). trafilatura's favor_precision (0.964)
# and favor_recall (0.974) lose to its default focus here (0.975).
_RULES = frozenset({"tag", "related", "updated", "email", "chunks", "menu", "listtail"})
MENU_RUN = 15

_TEASER_TAG = re.compile(r"\[[A-Z][A-Z ]{2,}\]\W*$")
_RELATED_HEAD = re.compile(r"^(?:see more|see also|don'?t miss|you may also like|you might also like|more from|"
                           r"recommended(?: for you| stories| reading)?|related(?: coverage| content| links)?|"
                           r"more (?:stories|news|on this)|also on|most (?:read|popular|viewed)|trending now|"
                           r"read (?:more|next|also))\b\W*(?:$|:)", re.I)
_STAMP = re.compile(r"^(?:updated|published|posted|last (?:updated|modified)|first published)\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTACT = re.compile(r"^(?:write to|contact|email|e-mail|follow|reach|have a (?:news )?tip|got a tip)\b", re.I)


def _norm(text: str) -> str:
    return " ".join(text.split())


# Pre-cleaning by class/id, measured per group on AEB: tooltips and hover cards (a person's
# card with links to other stories, inside the sentence that names them) +0.0009 F1. Left out:
# share, comments, cookie (no change: trafilatura prunes them already), newsletter (+0.0001),
# related (-0.011), ad (-0.021), popup/modal (-0.010): such names also sit on article wrappers.
_PRECLEAN_RE = re.compile(r"(?:^|[-_])(?:tooltip|popover|rollover|hovercard)(?:[-_]|$)", re.I)
_PRECLEAN = True
_PRECLEAN_WORDS = ("tooltip", "popover", "rollover", "hovercard")
_PRECLEAN_XPATH = lxml.etree.XPath("//*[" + " or ".join(
    f'contains(@{a}, "{w}")' for a in ("class", "id") for w in _PRECLEAN_WORDS) + "]")
_KEEP_TAGS = {"html", "body", "main", "article"}


def _in_attribute(html: str, needles: tuple[str, ...], tries: int = 8) -> bool:
    """Whether one of the words stands inside a class or id attribute (not only in scripts
    and styles): plain string searches, cheaper than a regex or an XPath over the page."""
    for w in needles:
        i = html.find(w)
        n = 0
        while i >= 0 and n < tries:
            before = html[max(0, i - 150):i]
            k = max(before.rfind("class="), before.rfind("id="))
            if k >= 0 and "<" not in before[k:] and ">" not in before[k:]:
                return True
            i = html.find(w, i + 1)
            n += 1
    return False


_PRESTRIP = True
# Removed before trafilatura: it drops them all in its cleaning, after copying them three
# times. Identical bodies and metadata on AEB; trafilatura's share of the time -15 %.
# (Metadata that reads <meta>, scripts or noscript blocks is taken before the strip.)
_STRIP_TAGS = ("style", "svg", "noscript", "template", "link", "meta", "option", "input", "button", "iframe")


def _strip_invisible(tree) -> None:
    """Remove what no reader sees and every extractor drops (styles, SVG drawings, form
    controls, scripts other than JSON-LD), once, before trafilatura copies the tree three
    times over."""
    lxml.etree.strip_elements(tree, *_STRIP_TAGS, with_tail=False)
    for el in list(tree.iter("script")):
        if (el.get("type") or "").strip().lower() != "application/ld+json" and el.getparent() is not None:
            el.drop_tree()    # keeps the text that follows the script


def _preclean(tree) -> None:
    """Drop elements whose class or id names them as hover chrome (tooltips, person cards)."""
    doomed = []
    for el in _PRECLEAN_XPATH(tree):     # a cheap superset, in C; the pattern decides
        if not isinstance(el.tag, str) or el.tag in _KEEP_TAGS:
            continue
        names = (el.get("class") or "").split() + (el.get("id") or "").split()
        if names and any(_PRECLEAN_RE.search(n) for n in names):
            doomed.append(el)
    # Only the innermost: 'rollover-people' wraps the person's name (text) and their card
    # ('rollover-people-block'); the card goes, the name stays.
    wrappers = {id(a) for el in doomed for a in el.iterancestors()}
    for el in doomed:
        if id(el) not in wrappers and el.getparent() is not None:
            el.drop_tree()


def _grams(text: str) -> set:
    toks = re.findall(r"\w+", text.lower())
    return {tuple(toks[i:i + 4]) for i in range(len(toks) - 3)}


_P_WITH_TEXT = lxml.etree.XPath("//p[normalize-space(.) = $t]")


def _add_sibling_chunks(tree, body: str) -> str:
    """Articles split into several containers of one class (a 'chunk' per screen, with ads
    between) lose all but the first to trafilatura: add the other chunks' paragraphs."""
    paras = body.split("\n\n")
    last = paras[-1]
    container = None
    try:   # XPath compares in C; normalize-space() collapses the same ASCII whitespace
        hits = _P_WITH_TEXT(tree, t=last)
    except (ValueError, lxml.etree.XPathError):
        hits = []
    if hits:
        container = hits[0].getparent()
    if container is None or not isinstance(container.tag, str):
        return body
    cls = (container.get("class") or "").strip()
    if not cls:
        return body
    chunks = [c for c in tree.iter(container.tag) if (c.get("class") or "").strip() == cls]
    if len(chunks) < 2 or len(chunks) > 30:
        return body
    # Missed chunks go where they stand in the page: after the last paragraph of the chunk
    # before them that trafilatura kept (or before the body when none came first).
    index = {t: i for i, t in enumerate(paras)}
    body_grams = _grams(body)
    inserts: dict[int, list[str]] = {}
    anchor = -1
    for c in chunks:
        texts = [t for t in (_norm(p.text_content()) for p in c.iter("p")) if t]
        own = [index[t] for t in texts if t in index]
        if own:
            anchor = max(own)
            continue
        grams = _grams(" ".join(texts))
        if grams and len(grams & body_grams) >= 0.3 * len(grams):   # kept, though formatted differently
            continue
        prose = [t for t in texts if is_prose(t)]
        if not prose or sum(map(len, prose)) < 200:
            continue
        inserts.setdefault(anchor, []).extend(texts)
    if not inserts:
        return body
    out = list(inserts.get(-1, []))
    for i, t in enumerate(paras):
        out.append(t)
        out.extend(inserts.get(i, []))
    return "\n\n".join(out)


def _tidy_body(lines: list[str]) -> list[str]:
    """General clean-up of an extracted body: teaser boxes, stamps and contact lines that
    sit inside the article markup."""
    out: list[str] = []
    in_related = False
    for line in lines:
        n = len(words(line))
        if "related" in _RULES:
            if n <= 8 and _RELATED_HEAD.match(line):
                in_related = True
                continue
            if in_related:
                if not is_prose(line):
                    continue       # the box's link lines, up to the next sentence of the story
                in_related = False
        if "tag" in _RULES and _TEASER_TAG.search(line):
            continue
        if "updated" in _RULES and n <= 12 and _STAMP.match(line):
            continue
        if "email" in _RULES and "@" in line and _EMAIL.search(line) and (_CONTACT.match(line) or n <= 12):
            continue
        out.append(line)
    if "menu" in _RULES:
        # A long run of short label lines before the first sentence is a site menu that
        # came along with the article container.
        first = next((i for i, l in enumerate(out) if is_prose(l)), None)
        if first is not None and first >= MENU_RUN and \
                sum(1 for l in out[:first] if len(words(l)) <= 5) >= 0.9 * first:
            out = out[first:]
    if "listtail" in _RULES:
        # A list closing the body whose items are headlines without a full stop: a box of
        # links to other stories ('- Pats place Olszewski on IR New England's roster is...').
        k = len(out)
        while k > 0 and out[k - 1].startswith("- ") and len(words(out[k - 1])) >= 8:
            k -= 1
        items = out[k:]
        if len(items) >= 3 and k > 0 and sum(1 for l in items if not re.search(r"[.!?…]['\"”’)]*$", l)) >= 0.6 * len(items):
            out = out[:k]
    return out


_AUTHOR_XPATH = ('//*[@itemprop="author"]//*[@itemprop="name"]', '//*[@itemprop="author"]', '//a[@rel="author"]',
                 '//*[contains(@class, "byline__name") or contains(@class, "author-name") or contains(@class, "author__name")]',
                 '//*[contains(@class, "byline") or contains(@class, "Byline")]')


# Strings the markup must hold for each of _AUTHOR_XPATH to match (XPath contains() is case-sensitive).
_AUTHOR_HINTS = (("author",), ("author",), ("author",), ("byline__name", "author-name", "author__name"),
                 ("byline", "Byline"))


def _byline_markup(tree, html: str = "") -> list[str]:
    """Names from byline markup (itemprop/rel/class author): cheap, tried before a full metadata pass."""
    for xp, hints in zip(_AUTHOR_XPATH, _AUTHOR_HINTS):
        if html and not any(h in html for h in hints):   # each path scans the tree: skip hopeless ones
            continue
        names = []
        for el in tree.xpath(xp)[:6]:
            text = " ".join(el.text_content().split())
            text = re.sub(r"^(?:by|written by|words by)\s+", "", text, flags=re.I)
            for n in re.split(r"\s*(?:,|;|&|\band\b)\s*", text):
                n = n.strip(" .|")
                # A name is a few capitalised words; longer text is a bio or a date line.
                if 1 <= len(n.split()) <= 5 and n[:1].isupper() and not re.search(r"\d", n):
                    names.append(n)
        if names:
            return list(dict.fromkeys(names))[:6]
    return []


def _strip_site(title: str) -> str:
    """'Headline | Site' -> 'Headline': keep the longest part of a separated <title>."""
    parts = re.split(r"\s+[|–—-]\s+|\s+::\s+", " ".join(title.split()))
    return max(parts, key=len) if parts else ""


def _strip_dateline(body: str) -> tuple[str, Found | None, list[str]]:
    """A leading 'Name · Monday, Feb. 5, 2024, 2:30 p.m.' or 'By X' paragraph is metadata,
    not text: take it out of the body and keep its date and names."""
    date, names = None, []
    paras = body.split("\n\n") if body else []
    while len(paras) > 1 and len(paras[0].split()) <= 25:
        head = paras[0]
        found = find_dates(head)
        is_byline = bool(BYLINE.match(head))
        if not (found or is_byline) or (classify_line(head) == "prose" and not is_byline):
            break
        if found and date is None:
            date = found[0]
        if not names:
            lead = head[:found[0].start] if found else head
            lead = lead.strip(" ·|—–-,:")
            if BYLINE.match(lead) or is_byline:
                names = byline_names(lead if BYLINE.match(lead) else head)
            elif re.fullmatch(r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}", lead):
                names = [lead]
        paras = paras[1:]
    return "\n\n".join(paras), date, names


def _tmeta_date(tree, url):
    from htmldate import find_date
    from trafilatura.metadata import set_date_params
    # The extensive search (dateparser on free text) is slow to load and run; newsdesk has
    # already read the page's visible dates by now.
    return find_date(tree, **set_date_params(False), url=url)


def _tmeta_title(tree, url):
    from trafilatura.metadata import extract_title
    return extract_title(tree)


def _tmeta_sitename(tree, url):
    from trafilatura.metadata import extract_sitename
    site = extract_sitename(tree)
    return site.lstrip("@") if site else None


_TMETA = {"date": _tmeta_date, "title": _tmeta_title, "sitename": _tmeta_sitename}


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


from .canonical import canonical_url, names_site  # noqa: E402


def extract_html(html: str, url: str | None = None) -> Scraped:
    """Body via trafilatura; metadata via JSON-LD, then meta tags, then trafilatura's own."""
    tree = _parse(html)
    if tree is None:
        raise ExtractionError("unparseable HTML: no document element")
    meta = _meta(tree)
    self_url = canonical_url(tree, meta, url)  # before the tree is stripped for trafilatura
    ld_objs = _jsonld_objects(tree)
    art = _article_ld(tree, ld_objs)
    warnings: list[str] = []

    if _PRECLEAN and _in_attribute(html, _PRECLEAN_WORDS):
        _preclean(tree)
    # Every element needs a '<': count the tree only when the markup could be that big.
    n_elements = sum(1 for _ in tree.iter()) \
        if len(html) > 3 * MAX_TREE_ELEMENTS and html.count("<") > MAX_TREE_ELEMENTS else 0
    huge = n_elements > MAX_TREE_ELEMENTS
    if huge:
        # Costs in trafilatura and htmldate grow faster than linearly with the tree; news
        # pages have a few thousand elements, so read a giant one as text lines instead.
        doc = None
        warnings.append(f"very large page ({n_elements:,} elements): body read from its text lines")
    # The date the markup states, read before the tree is stripped for trafilatura (htmldate,
    # the last resort among them, also reads scripts and noscript blocks).
    published = None
    for cand in [art.get("datePublished"), art.get("dateCreated")] + [meta.get(k) for k in _DATE_META]:
        if isinstance(cand, str):
            published = dates.normalise(cand)
            if published:
                break
    if not published:
        for el in tree.iter("time"):
            published = dates.normalise(el.get("datetime") or "")
            if published:
                break
    markup_date = None
    if not published and not huge:
        try:
            # htmldate without its extensive search reads only markup (meta names newsdesk does
            # not know, date attributes, the URL): cheap next to reading the page as text lines.
            markup_date = dates.normalise(_TMETA["date"](tree, url) or "")
        except Exception:   # metadata is best effort
            markup_date = None
    if not huge:
        if _PRESTRIP:
            _strip_invisible(tree)
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
                                          include_tables=True, **TRAFILATURA_OPTIONS)
    body = _paragraphs(doc.text) if doc is not None and doc.text else ""
    if body and "chunks" in _RULES:
        body = _add_sibling_chunks(tree, body)

    headline = art.get("headline")
    headline = headline.strip() if isinstance(headline, str) and headline.strip() else None
    h1s = [" ".join(h.text_content().split()) for h in tree.iter("h1")][:3]
    tag_title = tree.findtext(".//title") or ""
    if body:
        # trafilatura sometimes keeps the headline as the first paragraph.
        first, _, rest = body.partition("\n\n")
        heads = {_key(h) for h in (headline, meta.get("og:title"), meta.get("twitter:title"),
                                   _strip_site(tag_title), tag_title, *h1s) if isinstance(h, str) and h}
        if rest and _key(first) in heads:
            body = rest
    body, lead_date, lead_names = _strip_dateline(body)
    if body and url:
        body = drop_self_description(body, url)

    seen: list = []

    def visible() -> Scraped:
        """The page read as scraped text lines: its visible byline, dateline and footer."""
        if not seen:
            seen.append(clean_scraped(_html_to_lines(tree), url, outlet=url is None))
        return seen[0]

    head_seen: list = []

    def visible_head() -> Scraped:
        """The same, for the header only (byline, dateline): when the body is known, just
        the lines around its start are read (a tenth of the work on a long page)."""
        if seen:
            return seen[0]
        if not head_seen:
            lines = _html_to_lines(tree)
            first = body.split("\n\n", 1)[0][:80] if body else ""
            at = lines.find(first) if len(first) >= 40 else -1
            if at < 0:
                return visible()
            head_seen.append(clean_scraped(lines[max(0, at - HEAD_WINDOW):at + 2 * HEAD_WINDOW], url, outlet=False))
        return head_seen[0]

    fallback = None
    if len(body) < 250:
        # Too little found in the markup's article structure: read it as scraped text instead.
        fallback = visible()
        if (huge or fallback.prose) and len(fallback.text) > len(body):
            body = fallback.text
            if not huge:
                warnings.append("article structure not found in the HTML: body read from its text lines")

    # trafilatura's own metadata search, one field at a time and only for the fields that
    # JSON-LD, meta tags and the visible text left open (htmldate alone costs as much as
    # the body extraction).
    def tmeta(field: str) -> str | None:
        if huge:
            return None
        try:
            return _TMETA[field](tree, url)
        except Exception:   # metadata is best effort; the body is already safe
            return None

    title = headline or meta.get("og:title") or meta.get("twitter:title") \
        or (h1s[0] if len(h1s) == 1 and len(h1s[0].split()) >= 3 else None)
    if not title:
        title = tmeta("title") or (fallback.title if fallback else None) \
            or _strip_site(tag_title) or None
    if not published and lead_date:
        published = lead_date.iso     # the dateline that opens the body
    if not published:
        published = markup_date
    if not published:
        found = visible_head().date   # the dateline a reader sees by the headline
        published = found.iso if found else None

    byline = _names(art.get("author"))
    if not byline:
        for k in _AUTHOR_META:
            v = meta.get(k)
            if v and not v.startswith(("http://", "https://")):
                byline = [n.strip() for n in re.split(r"\s*(?:;|,|\band\b|&)\s*", v) if n.strip()]
                break
    if not byline:
        byline = _byline_markup(tree, html)
    if not byline:
        byline = lead_names or visible_head().byline
    # trafilatura's author search is not tried after these: on AEB it ran on 34 pages, cost
    # 5 % of the extraction time and found 7 bylines, 2 of them wrong ('Detroit News wire
    # services Published').
    byline = list(dict.fromkeys(re.sub(r"^by\s+", "", n, flags=re.I) for n in byline))

    outlet = _publisher_ld(tree, art, ld_objs)
    if not outlet:
        for k in _SITE_META:
            v = meta.get(k)
            if v and not v.startswith(("http", "@")):
                outlet = v
                break
    if not outlet:
        site = tmeta("sitename")
        if site and not site.startswith("@"):
            outlet = site
    if not outlet:
        # The <title> usually names the site ("Headline | The Verge"); matched against the
        # URL's host, it is as good as reading the whole page and much cheaper.
        outlet = outlet_from([], [tag_title, meta.get("og:title", "")], url) if url else visible().outlet

    if not body.strip() and (tree.find(".//frameset") is not None or tree.find(".//frame") is not None):
        warnings.append("frameset page: its text is in the framed pages, which are not fetched")
    if self_url and not names_site(outlet, self_url):
        warnings.append(f"canonical URL on another site than {outlet!r} (a syndicated copy?): {self_url}")
    declared = tree.get("lang") or meta.get("content-language") or meta.get("og:locale") or ""
    m = re.match(r"([a-z]{2})(?:[-_]|$)", declared.strip().lower())
    return Scraped(text=body, title=title, byline=byline, outlet=outlet,
                   date=published, warnings=warnings, language=m.group(1) if m else None,
                   url=self_url if names_site(outlet, self_url) else None)
