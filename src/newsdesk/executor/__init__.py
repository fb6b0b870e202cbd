"""Executors run a Pipeline over pages: here in process, or across worker processes.

They are kept apart from the steps so the same pipeline runs either way.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from ..extract.templates import TemplateBook, host_of
from ..model import Article, PageError, RawPage
from ..pipeline import STEPS, Pipeline, parse_steps

__all__ = ["LocalExecutor", "ProcessExecutor", "make_executor"]


class LocalExecutor:
    """Runs the pipeline in this process."""

    def __init__(self, steps: Iterable[str] | str | None = STEPS, batch_size: int = 16,
                 templates: TemplateBook | None = None):
        self.pipeline = Pipeline(steps, batch_size=batch_size, templates=templates)

    def run(self, pages: Iterable[RawPage | PageError]) -> Iterator[Article | PageError]:
        return self.pipeline.process(pages)


_worker_pipeline: Pipeline | None = None


def _init_worker(steps: tuple[str, ...], batch_size: int) -> None:
    global _worker_pipeline
    from .lifetime import watch_parent
    watch_parent()  # a worker never outlives its parent (kill -9 of the ingest)
    _worker_pipeline = Pipeline(steps, batch_size=batch_size)
    _worker_pipeline.warm_up()  # the model is loaded once per worker, not per chunk


def _run_chunk(pages: list[RawPage | PageError], profiles: dict | None = None) -> list[Article | PageError]:
    assert _worker_pipeline is not None
    return list(_worker_pipeline.process(pages, profiles=profiles))


@contextmanager
def _ctrl_c_blocked():
    """Ctrl-C blocked in this thread while it spawns workers: a spawned process keeps the
    mask across exec, so a terminal's Ctrl-C (sent to the whole group) never interrupts a
    worker, not even one still starting up (it printed a traceback); the parent stops the
    pool. The parent's own Ctrl-C still comes, by its other threads."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class ProcessExecutor:
    """Runs the pipeline in ``workers`` processes, on chunks of pages, keeping input order.

    At most ``2 * workers`` chunks are in flight, so a large corpus streams through
    in bounded memory. A worker that dies raises BrokenProcessPool instead of hanging.
    Site templates (a TemplateBook) are learned here, in page order, and each chunk
    carries the frozen template lines of its hosts, so workers strip what one process would.
    """

    def __init__(self, steps: Iterable[str] | str | None = STEPS, workers: int | None = None,
                 chunk_size: int = 16, batch_size: int = 16, templates: TemplateBook | None = None):
        self.steps = parse_steps(steps)
        self.workers = workers or os.cpu_count() or 1
        self.chunk_size = chunk_size
        self.batch_size = batch_size
        self.templates = templates

    def _profiles(self, chunk: list) -> dict | None:
        if self.templates is None:
            return None
        out = {}
        for page in chunk:
            if isinstance(page, RawPage):
                self.templates.observe(page)
                host = host_of(page.url)
                if host and host not in out and (frozen := self.templates.for_host(host)) is not None:
                    out[host] = frozen
        return out

    def run(self, pages: Iterable[RawPage | PageError]) -> Iterator[Article | PageError]:
        pages = iter(pages)
        # "spawn": a fresh interpreter per worker, safe whatever threads the parent runs.
        pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.steps, self.batch_size))
        finished = False
        try:
            pending: deque = deque()
            while True:
                while len(pending) < 2 * self.workers:
                    chunk = list(islice(pages, self.chunk_size))
                    if not chunk:
                        break
                    profiles = self._profiles(chunk)
                    with _ctrl_c_blocked():   # a submit may spawn a worker
                        pending.append(pool.submit(_run_chunk, chunk, profiles))
                if not pending:
                    finished = True
                    return
                yield from pending.popleft().result()
        finally:
            # Stopped early (Ctrl-C, the consumer gone): drop queued chunks, do not wait for them.
            pool.shutdown(wait=finished, cancel_futures=not finished)


def make_executor(steps=STEPS, workers: int = 1, templates: TemplateBook | None = None):
    """In process for one worker, a process pool for more."""
    if workers <= 1:
        return LocalExecutor(steps, templates=templates)
    return ProcessExecutor(steps, workers=workers, templates=templates)
