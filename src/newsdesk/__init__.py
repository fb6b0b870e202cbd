"""newsdesk: turn raw news pages into sourced, searchable records.

The Python API mirrors the command line::

    import newsdesk
    article = newsdesk.extract_file("page.html")             # newsdesk extract page.html
    for rec in newsdesk.extract_files(["corpus.jsonl"]): ...  # newsdesk extract corpus.jsonl
    report = newsdesk.ingest(["pages/"], db="newsdesk.db")    # newsdesk ingest pages/
    store = newsdesk.open_store("newsdesk.db")                # list / show / search / stats
    newsdesk.export("events.geojson", db="newsdesk.db", format="geojson", place="Kharkiv")

Heavy modules (spaCy, trafilatura) load on first use, so importing newsdesk is cheap.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Article, PageError, RawPage

if TYPE_CHECKING:
    from .store.sqlite import SQLiteStore

__version__ = "0.1.0"
__all__ = ["Article", "PageError", "RawPage", "IngestReport", "NewsdeskError", "extract_file",
           "extract_files", "extract_text", "ingest", "open_store", "export", "STEPS"]

STEPS = ("extract", "entities", "places", "times", "statements", "events")


class NewsdeskError(Exception):
    """A page could not be turned into an article (carries the PageError)."""

    def __init__(self, error: PageError):
        super().__init__(f"{error.source}: {error.reason} (step {error.step})")
        self.error = error


@dataclass
class IngestReport:
    """What one ingest run did. ``skipped`` counts articles already stored."""

    added: int = 0
    skipped: int = 0
    errors: int = 0
    error_records: list[PageError] = field(default_factory=list, repr=False)
    partitions: dict | None = field(default=None, repr=False)  # Dask: planned, skipped, run
    linked: dict | None = None   # what linking the new articles found (None: not linked)

    @property
    def total(self) -> int:
        return self.added + self.skipped + self.errors

    def __str__(self) -> str:
        text = f"added {self.added}, skipped {self.skipped} (already stored), errors {self.errors}"
        if self.partitions:
            p = self.partitions
            text += f"; partitions {p['partitions']}: {p['run']} run, {p['skipped']} finished before"
        if self.linked and self.linked["articles"]:
            text += ("; linked {articles}: {copies} copies, {stories} stories, "
                     "{incidents} incidents").format(**self.linked)
        return text


def extract_files(paths: Iterable[str] | str, input_format: str = "auto", steps=STEPS,
                  url: str | None = None, published: str | None = None,
                  workers: int = 1, templates=None) -> Iterator[Article | PageError]:
    """One Article or PageError per page in ``paths`` (files, directories, corpora, "-"), in order.

    ``templates``: a TemplateBook that learns each host's recurring lines from the pages and
    strips them from the next pages of that host (None: each page stands alone).
    """
    from .executor import make_executor
    from .sources import read_pages
    if isinstance(paths, str):
        paths = [paths]
    from .extract.outlets import OutletBook
    pages = read_pages(list(paths), input_format=input_format, url=url, published=published)
    # one name per outlet across the pages (extract.outlets)
    return OutletBook().unify(make_executor(steps, workers=workers, templates=templates).run(pages))


def _single(results: Iterable[Article | PageError], what: str) -> Article:
    results = list(results)
    if not results:
        raise ValueError(f"{what}: no page found")
    if len(results) > 1:
        raise ValueError(f"{what} holds {len(results)} pages; use newsdesk.extract_files()")
    if isinstance(results[0], PageError):
        raise NewsdeskError(results[0])
    return results[0]


def extract_file(path: str, input_format: str = "auto", steps=STEPS, url: str | None = None,
                 published: str | None = None) -> Article:
    """Extract and enrich the one page in ``path``; raises NewsdeskError if it fails."""
    return _single(extract_files([path], input_format, steps, url, published), str(path))


def extract_text(text: str | bytes, input_format: str = "auto", steps=STEPS, url: str | None = None,
                 published: str | None = None, source: str = "<text>") -> Article:
    """Extract and enrich one page given as a string (HTML, scraped or clean text)."""
    from .pipeline import Pipeline
    from .sources import pages_from_bytes
    pages = pages_from_bytes(text, source, input_format, url=url, published=published)
    return _single(Pipeline(steps).process(pages), source)


def open_store(db: str = "newsdesk.db") -> "SQLiteStore":
    """Open the store at a path, ``sqlite:///path`` (or, later, ``postgresql://``)."""
    from .store import open_store as _open
    return _open(db)


def ingest(paths: Iterable[str] | str, db: str = "newsdesk.db", steps=STEPS, progress: bool = False,
           input_format: str = "auto", workers: int = 1, url: str | None = None,
           published: str | None = None, on_error=None, templates: bool = True,
           executor: str | None = None, scheduler: str | None = None,
           output: str | None = None, link: bool = True) -> IngestReport:
    """Process every page in ``paths`` and store articles and errors in ``db``.

    Idempotent: pages already stored are counted as skipped, never duplicated.
    ``on_error(page_error)`` is called for each page that failed (it is stored too).
    ``templates``: learn each host's site template (lines recurring across its pages) from
    the pages, starting from the profiles stored by earlier runs, strip it from the bodies
    and store the updated profiles.
    ``executor``: "local" (one process), "process" (``workers`` processes on this machine)
    or "dask" (a Dask cluster at ``scheduler``, else a LocalCluster of ``workers``
    processes, at least 2; ``output``: a folder for one Parquet shard per input partition);
    default: local for one worker, process for more. See ``newsdesk.executor.dask_executor``.
    ``link``: link the new articles (and any stored ones not linked yet) to the stored ones
    afterwards: duplicate families, stories, incidents (``newsdesk.store.links.link_new``).
    """
    from .extract.templates import TemplateBook
    report = IngestReport()
    if executor not in (None, "local", "process", "dask"):
        raise ValueError(f"unknown executor {executor!r} (local, process or dask)")
    if executor != "dask" and (scheduler or output):
        raise ValueError("scheduler and output need executor='dask'")
    if executor == "dask":
        return _ingest_dask(paths, db, steps, progress, input_format, max(workers, 2), url,
                            published, on_error, templates, scheduler, output, report, link)
    if executor == "local":
        workers = 1
    elif executor == "process":
        workers = max(workers, 2)

    def tally(recs):
        # Count as records reach the store, so a run stopped midway reports what it stored.
        for rec in recs:
            if isinstance(rec, PageError):
                report.error_records.append(rec)
                if on_error is not None:
                    on_error(rec)
            yield rec

    from .executor import make_executor
    from .resume import Unstored
    from .sources import read_pages
    if isinstance(paths, str):
        paths = [paths]
    with open_store(db) as store:  # opened first: a bad --db fails before any work
        book = TemplateBook.from_dicts(store.templates()) if templates else None
        # Pages stored by an earlier run (a rerun after a crash) are skipped before extraction.
        pages = Unstored(read_pages(list(paths), input_format=input_format, url=url,
                                    published=published), store)
        records = tally(make_executor(steps, workers=workers, templates=book).run(pages))
        if progress:
            from tqdm import tqdm
            records = tqdm(records, unit="page", desc="ingest", dynamic_ncols=True)
        for status in store.add_many(records, keys=pages.keys()):
            if status == "added":
                report.added += 1
            elif status == "skipped":
                report.skipped += 1
            else:
                report.errors += 1
        report.skipped += pages.skipped
        if book is not None and book.changed:
            store.save_templates(book.to_dicts(book.changed))
        if link:
            _link(store, report)
    return report


def _link(store, report: IngestReport, prepared: dict | None = None) -> None:
    """Link what this run stored to what was stored before (families, stories, incidents);
    ``prepared``: link inputs computed by the Dask workers."""
    from .link.embed import ModelMissing
    from .store.links import link_new
    try:
        report.linked = link_new(store, prepared=prepared)
    except ModelMissing as exc:  # the articles are stored; 'newsdesk link' links later
        logging.getLogger("newsdesk").warning("not linked: %s", exc)


def _ingest_dask(paths, db, steps, progress, input_format, workers, url, published, on_error,
                 templates, scheduler, output, report: IngestReport, link: bool = True) -> IngestReport:
    from .executor.dask_executor import ingest_dask
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(unit="page", desc="ingest", dynamic_ncols=True)

    def on_record(rec, status):
        if status == "added":
            report.added += 1
        elif status == "skipped":
            report.skipped += 1
        else:
            report.errors += 1
            report.error_records.append(rec)
            if on_error is not None:
                on_error(rec)
        if bar is not None:
            bar.update()

    prepared: dict | None = {} if link else None  # link inputs, computed by the workers
    with open_store(db) as store:
        try:
            report.partitions = ingest_dask([paths] if isinstance(paths, str) else list(paths), store,
                                            steps, input_format, url, published, templates,
                                            scheduler, workers, output, on_record=on_record,
                                            link_inputs=prepared)
        finally:
            if bar is not None:
                bar.close()
        if link:
            _link(store, report, prepared)
    return report


def export(out=None, db: str = "newsdesk.db", format: str = "jsonl", what: str | None = None,
           **filters) -> int:
    """Write stored records to ``out`` (a path, a file object, or None for stdout), as
    ``newsdesk export`` does; returns how many were written. ``format``: jsonl, csv,
    geojson (events with coordinates) or parquet; ``what``: articles, events or statements
    (default: articles, events for geojson); ``filters``: the fields of
    ``newsdesk.store.Filters`` (q, outlet, since, until, entity, place, event_type,
    factuality, source, method, min_confidence)."""
    from .store import Filters, open_store as _open
    from .store.export import export as _export
    what = what or ("events" if format == "geojson" else "articles")
    with _open(db) as store:
        return _export(store, out, format=format, what=what, filters=Filters(**filters))
