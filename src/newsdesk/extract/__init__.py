"""Extraction: a raw page (HTML, scraped text, clean text) becomes an Article.

``extract(page)`` is the one entry point; ``ExtractionError`` says why an input is not a
page at all (empty, binary such as a PDF, undecodable, too large), found before any parsing.
A page that parses but holds no article text (no body, frames only, only navigation) comes
back as an Article with an empty ``text`` and the reason as its first warning (``NO_TEXT``);
the caller decides (the pipeline keeps an error record). Either way the time is bounded.
"""
from __future__ import annotations

from html import unescape
import re

from ..model import Article, RawPage, article_id
from . import dates, lang
from .guard import DEFAULT_MAX_BYTES, ExtractionError, check_size, decode_report
from .scraped import clean_scraped, outlet_from
from .templates import TemplateProfile, learn as learn_templates

__all__ = ["extract", "ExtractionError", "DEFAULT_MAX_BYTES", "NO_TEXT", "sniff_format", "TemplateProfile",
           "learn_templates"]

# First warning of an Article whose body is empty: the page parsed, but no article text is in it.
NO_TEXT = "no article text found: the page holds only markup, navigation or boilerplate"

# The corpus header, as sources split on it: "date YYYY-MM-DD", maybe an HH:MM, then the page.
_DATED = re.compile(r"^\s*date[ \t]+(\d{4}-\d\d-\d\d)(?![\d-])(?:[T ]([0-2]\d:[0-5]\d)(?![\d:]))?[ \t]*(.*)", re.S)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S)
_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|h[1-6]|section|article|script|style|table|td|tr|img|meta|link|nav|header|footer)\b[^>]*>", re.I)


def sniff_format(text: str) -> str:
    """auto -> dated-text, html or text."""
    if _DATED.match(text[:200]):
        return "dated-text"
    head = text[:5000]
    if _HTML_START.match(head) or len(_TAG.findall(head)) >= 5:
        return "html"
    return "text"


def extract(page: RawPage, *, max_bytes: int = DEFAULT_MAX_BYTES, profile=None) -> Article:
    """Turn one raw page into an Article; raise ExtractionError if it is not a processable page.

    ``profile``: a templates.TemplateProfile of the page's host; body paragraphs it knows as
    the site's template (recurring on its other pages) are dropped.
    """
    fmt = page.format or "auto"
    if fmt not in ("auto", "html", "text", "dated-text", "clean"):
        raise ExtractionError(f"unknown input format {fmt!r}")
    check_size(page.content, max_bytes)
    if fmt in ("auto", "html") and isinstance(page.content, bytes):
        head = page.content[:5000].decode("latin-1").lower()
        looks_html = "<html" in head or "<!doctype" in head or "<meta" in head or "<body" in head
        text, notes = decode_report(page.content, html=fmt == "html" or looks_html)
    else:
        text, notes = decode_report(page.content)
    article = _extract(page, text.removeprefix("\ufeff"), fmt, profile)
    article.warnings.extend(notes)  # bytes replaced, control characters removed
    return article


def _extract(page: RawPage, text: str, fmt: str, profile) -> Article:
    if fmt == "auto":
        fmt = sniff_format(text)
    if fmt == "clean":
        return _clean(page, text)
    if fmt == "html":
        from .html import extract_html  # trafilatura is slow to import: only when needed
        return _finish(page, extract_html(text, page.url), corpus_date=None, profile=profile)
    corpus_date = None
    if fmt == "dated-text":
        m = _DATED.match(text)
        if not m:
            raise ExtractionError("dated-text page without a 'date YYYY-MM-DD' first line")
        corpus_date = m.group(1) + (f"T{m.group(2)}" if m.group(2) else "")
        if not dates.normalise(corpus_date):
            raise ExtractionError(f"dated-text page with an impossible date line: {m.group(1)}")
        text = m.group(3)
        if not text.strip():
            raise ExtractionError("empty page: only a date header")
    return _finish(page, clean_scraped(text, page.url), corpus_date, profile=profile)


def _clean(page: RawPage, text: str) -> Article:
    """Input already is the body: keep it byte for byte so offsets stay exact."""
    warnings = []
    published = dates.normalise(page.date)
    if page.date and not published:
        warnings.append(f"unreadable corpus date {page.date!r} ignored")
    if not published:
        warnings.append("no publication date found")
    language = lang.detect(text)
    hints = page.hints or {}
    author = _tidy(hints.get("author"))
    return Article(id=article_id(page.url, text), text=text, url=page.url,
                   outlet=_outlet(None, hints, page.url) or outlet_from([], [], page.url),
                   title=_tidy(page.title),
                   published=published, byline=[author] if author else [], language=language,
                   warnings=warnings, source=page.source)


def _outlet(stated: str | None, hints: dict, url: str | None) -> str | None:
    """The page's own outlet name, unless it is only the host's and the corpus or feed names one."""
    from .outlets import is_host_name
    stated = _tidy(stated)
    hinted = _tidy(hints.get("outlet"))
    if hinted and (not stated or is_host_name(stated, url)):
        return hinted
    return stated


def _finish(page: RawPage, res, corpus_date: str | None, profile=None) -> Article:
    """Merge what the page says with what the corpus says (page.date, the dated-text header)."""
    warnings = list(res.warnings)
    # the corpus's headline, as its date, wins over the page's
    title = _tidy(page.title) or _tidy(res.title)
    stated = res.date  # dates.Found or ISO string or None
    stated_iso = stated.iso if isinstance(stated, dates.Found) else dates.normalise(stated)
    given = dates.normalise(page.date) or dates.normalise(corpus_date)
    if page.date and not dates.normalise(page.date):
        warnings.append(f"unreadable corpus date {page.date!r} ignored")
    if given:
        published = dates.refine(given, stated_iso)
        if stated_iso and stated_iso[:10] != given[:10]:
            warnings.append(f"page states {stated_iso}, corpus date {given} kept")
    else:
        published = stated_iso
    text = res.text
    if profile is not None and text:
        if isinstance(profile, dict):
            profile = TemplateProfile.from_dict(profile)
        text, _dropped, note = profile.apply(text)
        if note:
            warnings.append(note)
    if not text.strip():
        # Nothing left once navigation and banners are gone: an Article with an empty body
        # whose first warning says why. Callers that store articles turn it into an error
        # record (pipeline.Pipeline.extract): nothing empty is stored.
        warnings.insert(0, NO_TEXT)
        return Article(id=article_id(page.url, ""), text="", url=page.url, outlet=_tidy(res.outlet),
                       title=title, published=published, byline=[], language=res.language,
                       warnings=warnings, source=page.source)
    hints = page.hints or {}
    if not published and dates.normalise(hints.get("published")):
        published = dates.normalise(hints["published"])
        warnings.append("publication date from the feed or sitemap")
    title = title or _tidy(hints.get("title"))
    if not published:
        warnings.append("no publication date found")
    if not title:
        warnings.append("no title found")
    n_words = len(text.split())
    if 0 < n_words < 50:
        warnings.append(f"short body ({n_words} words)")
    language = lang.detect(text) or res.language
    url = page.url or getattr(res, "url", None)  # the corpus's URL, else the page's own
    outlet = _outlet(res.outlet, hints, url)
    outlet = outlet.rstrip(" .") or None if outlet else None
    return Article(id=article_id(url, text), text=text, url=url, outlet=outlet,
                   title=title, published=published,
                   byline=[t for t in (_tidy(b) for b in res.byline) if t]
                   or ([_tidy(hints["author"])] if _tidy(hints.get("author")) else []),
                   language=language, warnings=warnings, source=page.source)


def _tidy(value: str | None) -> str | None:
    """Metadata strings as pages give them: entities left escaped, stray whitespace."""
    if not value:
        return None
    return " ".join(unescape(value).split()) or None
