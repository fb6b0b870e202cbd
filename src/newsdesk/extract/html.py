"""HTML -> body (trafilatura) and metadata (JSON-LD, meta tags, trafilatura/htmldate)."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from . import dates
from .guard import ExtractionError
from .dates import Found, find_dates
from .scraped import BYLINE, Scraped, byline_names, classify_line, clean_scraped, normalise_text

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
# Chosen on AEB (bench/extraction.py, newsdesk F1): fast 0.966, default 0.964, favor_precision
# 0.966 (slower), fast+favor_precision 0.953. Fast mode skips trafilatura's readability/jusText
# comparisons, which cost half the time and are quadratic in the number of paragraphs (a 1 MB
# page of short blocks took minutes).
TRAFILATURA_OPTIONS = {"fast": True, "favor_precision": False, "favor_recall": False}
# AEB pages have at most ~1,700 elements; past this, see extract_html.
MAX_TREE_ELEMENTS = 40000
# Paragraphs of trafilatura's output that the scraped-text rules call chrome (share rows,
# cookie and subscription banners) are dropped: F1 0.966 -> 0.968 on AEB.
DROP_CHROME: tuple = ("chrome",)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "blockquote", "pre", "figcaption", "dd", "dt", "td", "time"}


def _parse(html: str) -> lxml.html.HtmlElement | None:
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


def _article_ld(tree) -> dict[str, Any]:
    objs = _jsonld_objects(tree)
    for wanted in (_ARTICLE_TYPES[:-1], ("webpage",)):
        for obj in objs:
            if any(t in wanted for t in _types(obj)) and (obj.get("headline") or obj.get("datePublished")):
                return obj
    return {}


def _publisher_ld(tree, art: dict) -> str | None:
    names = _names(art.get("publisher"))
    if names:
        return names[0]
    for obj in _jsonld_objects(tree):
        if any(t in ("newsmediaorganization", "organization") for t in _types(obj)):
            n = _names(obj)
            if n:
                return n[0]
    return None


def _html_to_lines(tree) -> str:
    """Fallback text: one line per block element, scripts and styles dropped (iterative: no depth limit)."""
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg"):
        bad.drop_tree()
    parts: list[str] = []
    for event, el in lxml.etree.iterwalk(tree, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag and el.text:
                parts.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if el.tail:
                parts.append(el.tail)
    return "".join(parts)


def _paragraphs(text: str) -> str:
    """trafilatura's one-line-per-block output -> paragraphs separated by blank lines."""
    lines = [l for l in normalise_text(text).split("\n") if l]
    if DROP_CHROME:
        lines = [l for l in lines if classify_line(l) not in DROP_CHROME]
    return "\n\n".join(lines)


_AUTHOR_XPATH = ('//*[@itemprop="author"]//*[@itemprop="name"]', '//*[@itemprop="author"]', '//a[@rel="author"]',
                 '//*[contains(@class, "byline__name") or contains(@class, "author-name") or contains(@class, "author__name")]',
                 '//*[contains(@class, "byline") or contains(@class, "Byline")]')


def _byline_markup(tree) -> list[str]:
    """Names from byline markup (itemprop/rel/class author): cheap, tried before a full metadata pass."""
    for xp in _AUTHOR_XPATH:
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


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def extract_html(html: str, url: str | None = None) -> Scraped:
    """Body via trafilatura; metadata via JSON-LD, then meta tags, then trafilatura's own."""
    tree = _parse(html)
    if tree is None:
        raise ExtractionError("unparseable HTML: no document element")
    meta = _meta(tree)
    art = _article_ld(tree)
    warnings: list[str] = []

    n_elements = sum(1 for _ in tree.iter())
    huge = n_elements > MAX_TREE_ELEMENTS
    if huge:
        # Costs in trafilatura and htmldate grow faster than linearly with the tree; news
        # pages have a few thousand elements, so read a giant one as text lines instead.
        doc = None
        warnings.append(f"very large page ({n_elements:,} elements): body read from its text lines")
    else:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=False, include_comments=False,
                                          include_tables=True, **TRAFILATURA_OPTIONS)
    body = _paragraphs(doc.text) if doc is not None and doc.text else ""

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

    seen: list = []

    def visible() -> Scraped:
        """The page read as scraped text lines: its visible byline, dateline and footer."""
        if not seen:
            seen.append(clean_scraped(_html_to_lines(copy.deepcopy(tree)), url))
        return seen[0]

    fallback = None
    if len(body) < 250:
        # Too little found in the markup's article structure: read it as scraped text instead.
        fallback = visible()
        if (huge or fallback.prose) and len(fallback.text) > len(body):
            body = fallback.text
            if not huge:
                warnings.append("article structure not found in the HTML: body read from its text lines")

    # trafilatura's own metadata search (htmldate included) costs as much as the body
    # extraction: run it only for fields that JSON-LD and meta tags left open.
    cache: list = []

    def tmeta():
        if huge:
            return None
        if not cache:
            try:
                cache.append(trafilatura.extract_metadata(html, default_url=url))
            except Exception:   # metadata is best effort; the body is already safe
                cache.append(None)
        return cache[0]

    title = headline or meta.get("og:title") or meta.get("twitter:title") \
        or (h1s[0] if len(h1s) == 1 and len(h1s[0].split()) >= 3 else None)
    if not title:
        md = tmeta()
        title = (md.title if md is not None and md.title else None) or (fallback.title if fallback else None) \
            or _strip_site(tag_title) or None
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
    if not published:
        # The dateline a reader sees by the headline beats a date guessed from the whole page.
        found = lead_date or visible().date
        published = found.iso if found else None
    if not published:
        md = tmeta()
        if md is not None and md.date:
            published = dates.normalise(md.date)

    byline = _names(art.get("author"))
    if not byline:
        for k in _AUTHOR_META:
            v = meta.get(k)
            if v and not v.startswith(("http://", "https://")):
                byline = [n.strip() for n in re.split(r"\s*(?:;|,|\band\b|&)\s*", v) if n.strip()]
                break
    if not byline:
        byline = _byline_markup(tree)
    if not byline:
        byline = lead_names or visible().byline
    if not byline:
        md = tmeta()
        if md is not None and md.author:
            byline = [n.strip() for n in md.author.split(";") if n.strip()]
    byline = list(dict.fromkeys(re.sub(r"^by\s+", "", n, flags=re.I) for n in byline))

    outlet = _publisher_ld(tree, art)
    if not outlet:
        for k in _SITE_META:
            v = meta.get(k)
            if v and not v.startswith(("http", "@")):
                outlet = v
                break
    if not outlet:
        md = tmeta()
        if md is not None and md.sitename and not md.sitename.startswith("@"):
            outlet = md.sitename
    if not outlet:
        outlet = visible().outlet

    declared = tree.get("lang") or meta.get("content-language") or meta.get("og:locale") or ""
    m = re.match(r"([a-z]{2})(?:[-_]|$)", declared.strip().lower())
    return Scraped(text=body, title=title, byline=byline, outlet=outlet,
                   date=published, warnings=warnings, language=m.group(1) if m else None)
