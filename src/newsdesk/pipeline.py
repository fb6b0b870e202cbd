"""The processing pipeline: RawPage → extract → enrich → Article (or PageError).

Pages flow through in input order. A page that fails any step becomes a PageError
with the step's name and the reason; it never stops the stream.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .budget import PageTimeout, default_timeout, time_budget
from .enrich import ENRICH_STEPS, Enricher
from .extract import extract
from .extract.templates import TemplateBook, host_of
from .model import Article, PageError, RawPage
from .sources import content_hash

try:  # The extraction step defines it; until then any exception counts the same.
    from .extract import ExtractionError
except ImportError:  # pragma: no cover - depends on the extract step's progress
    class ExtractionError(Exception):
        """Raised by extraction for a page it cannot process."""

__all__ = ["STEPS", "Pipeline", "ExtractionError", "parse_steps"]

STEPS = ("extract",) + ENRICH_STEPS


def parse_steps(steps: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalise a step list ("extract,entities" or an iterable) to pipeline order.

    "extract" is always run: nothing can be enriched before it.
    """
    if steps is None:
        return STEPS
    names = [s.strip() for s in (steps.split(",") if isinstance(steps, str) else steps)]
    names = [s for s in names if s]
    unknown = sorted(set(names) - set(STEPS))
    if unknown:
        raise ValueError(f"unknown step(s): {', '.join(unknown)} (choose from {', '.join(STEPS)})")
    return tuple(s for s in STEPS if s in set(names) or s == "extract")


def _reason(exc: BaseException) -> str:
    msg = str(exc).strip()
    if isinstance(exc, ExtractionError):
        return msg or type(exc).__name__
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


class Pipeline:
    """Extract then enrich pages, batch by batch, keeping input order.

    ``steps`` is a subset of STEPS; enrichment steps not listed are left empty.
    One Pipeline loads the spaCy model once (lazily, on the first batch to enrich).
    ``templates``: a TemplateBook that learns each host's chrome from the pages going
    through and strips it from the next pages of that host (extract.templates).
    ``page_timeout``: seconds one page's extraction may take (``newsdesk.budget``; default
    NEWSDESK_PAGE_TIMEOUT or 5 s, 0: none); past it the page is an error record.
    ``enrich_timeout``: the same for one page's enrichment (default ENRICH_BUDGET_FACTOR
    times ``page_timeout``: the model's work on a long article takes longer than parsing it);
    a batch gets it times its size, and a batch past that is retried page by page.
    """

    ENRICH_BUDGET_FACTOR = 6

    def __init__(self, steps: str | Iterable[str] | None = STEPS, batch_size: int = 16,
                 templates: TemplateBook | None = None, page_timeout: float | None = None,
                 enrich_timeout: float | None = None):
        self.steps = parse_steps(steps)
        self.page_timeout = default_timeout() if page_timeout is None else page_timeout
        self.enrich_timeout = (self.ENRICH_BUDGET_FACTOR * self.page_timeout if enrich_timeout is None
                               else enrich_timeout)
        self.batch_size = batch_size
        self.templates = templates
        self.enricher = Enricher([s for s in self.steps if s != "extract"], batch_size=batch_size)

    def warm_up(self) -> None:
        """Load the model now (executors call this once per worker)."""
        if self.enricher.steps:
            self.enricher.nlp

    def extract(self, page: RawPage | PageError, profile=None) -> Article | PageError:
        """One page to an Article (or a PageError); ``profile`` strips its host's template."""
        if isinstance(page, PageError):
            return page
        try:
            with time_budget(self.page_timeout):
                article = extract(page, profile=profile)
        except PageTimeout as exc:
            return PageError(source=page.source, reason=str(exc), step="extract",
                             id=content_hash(page.content), url=page.url)
        except Exception as exc:  # one bad page must not stop the others
            return PageError(source=page.source, reason=_reason(exc), step="extract",
                             id=content_hash(page.content), url=page.url)
        if not article.text.strip():
            # extract() returns a page without article text as an empty Article whose
            # warnings say why: stored, it would be an empty row, so it is an error record.
            reason = "; ".join(article.warnings[:2]) if article.warnings else "no article text found"
            return PageError(source=page.source, reason=reason, step="extract",
                             id=content_hash(page.content), url=page.url)
        if article.source is None:
            article.source = page.source
        return article

    def enrich(self, articles: list[Article]) -> list[Article | PageError]:
        """Enrich a batch; if the batch fails, retry one by one to isolate the culprit."""
        if not articles or not self.enricher.steps:
            return list(articles)
        try:
            with time_budget(self.enrich_timeout * len(articles)):
                out = list(self.enricher.enrich_many(articles))
            if len(out) == len(articles):
                return out
        except (Exception, PageTimeout) as exc:
            if len(articles) == 1:
                # already isolated: a retry would only spend its budget a second time
                return [PageError(source=articles[0].source or articles[0].id, reason=_reason(exc),
                                  step="enrich", id=articles[0].id, url=articles[0].url)]
        results: list[Article | PageError] = []
        for article in articles:
            try:
                with time_budget(self.enrich_timeout):
                    results.append(next(iter(self.enricher.enrich_many([article]))))
            except (Exception, PageTimeout) as exc:
                results.append(PageError(source=article.source or article.id, reason=_reason(exc),
                                         step="enrich", id=article.id, url=article.url))
        return results

    def process(self, pages: Iterable[RawPage | PageError],
                profiles: dict[str, object] | None = None) -> Iterator[Article | PageError]:
        """Yield one Article or PageError per page, in input order.

        ``profiles`` ({host: TemplateSet}, learned elsewhere) is used as given; without it the
        pipeline's own TemplateBook, if any, learns from each page before extracting it.
        """
        buffer: list[Article | PageError] = []
        n_articles = 0
        for page in pages:
            profile = None
            if isinstance(page, RawPage):
                if profiles is not None:
                    profile = profiles.get(host_of(page.url) or "")
                elif self.templates is not None:
                    self.templates.observe(page)
                    profile = self.templates.for_page(page)
            item = self.extract(page, profile)
            buffer.append(item)
            n_articles += isinstance(item, Article)
            # Errors are held only so order is kept; cap the buffer for error-heavy input.
            if n_articles >= self.batch_size or len(buffer) >= 4 * self.batch_size:
                yield from self._flush(buffer)
                buffer, n_articles = [], 0
        yield from self._flush(buffer)

    __call__ = process

    def _flush(self, buffer: list[Article | PageError]) -> Iterator[Article | PageError]:
        enriched = iter(self.enrich([x for x in buffer if isinstance(x, Article)]))
        for item in buffer:
            yield next(enriched) if isinstance(item, Article) else item
