"""Enrichment: entities, places, times, statements and events, as spaCy components."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..model import Article
from .nlp import COMPONENTS, ENRICH_STEPS, load_nlp

__all__ = ["Enricher", "ENRICH_STEPS", "load_nlp"]

_FIELDS = {
    "nd_entities": "entities", "nd_places": "places", "nd_times": "times",
    "nd_quantities": "quantities", "nd_statements": "statements", "nd_events": "events",
}


class Enricher:
    """Runs the chosen enrichment steps over articles, with one ``nlp`` per process."""

    def __init__(self, steps: Iterable[str] = ENRICH_STEPS, batch_size: int = 16):
        self.steps = tuple(s for s in ENRICH_STEPS if s in set(steps))
        unknown = set(steps) - set(ENRICH_STEPS)
        if unknown:
            raise ValueError(f"unknown enrichment step(s): {', '.join(sorted(unknown))}")
        self.batch_size = batch_size
        self._nlp = None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_nlp(self.steps)
        return self._nlp

    def __call__(self, article: Article) -> Article:
        return next(self.enrich_many([article]))

    def enrich_many(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Enrich articles in batches (spaCy's ``nlp.pipe``), yielding them in order."""
        if not self.steps:
            yield from articles
            return
        nlp = self.nlp
        pending: list[Article] = []
        for article in articles:
            pending.append(article)
            if len(pending) >= self.batch_size:
                yield from self._run(nlp, pending)
                pending = []
        if pending:
            yield from self._run(nlp, pending)

    def _run(self, nlp, batch: list[Article]) -> Iterator[Article]:
        docs = []
        for article in batch:
            doc = nlp.make_doc(article.text)
            doc._.published = article.published
            doc._.outlet = article.outlet
            docs.append(doc)
        for article, doc in zip(batch, nlp.pipe(docs)):
            for ext, field in _FIELDS.items():
                value = doc._.get(ext)
                if value is not None:
                    setattr(article, field, list(value))
            # Only the steps asked for show in the output.
            for step, field in (("entities", "entities"), ("places", "places"),
                                ("times", "times"), ("statements", "statements"),
                                ("events", "events")):
                if step not in self.steps:
                    setattr(article, field, [])
            if "times" not in self.steps:
                article.quantities = []
            yield article
