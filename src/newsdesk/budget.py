"""A per-page time budget: a step that runs past it is stopped, and the page becomes an
error record naming the step, so one pathological page (regex backtracking, a parser
trap) cannot stall a batch.

The budget is a SIGALRM timer, so it applies where signals are delivered: the main thread
of a process (the CLI, and each worker process of an executor). Elsewhere (a web server's
worker threads) the step runs unbounded. ``NEWSDESK_PAGE_TIMEOUT`` (seconds, 0: none) sets
the default; ``newsdesk extract|ingest --page-timeout`` sets it for a run.
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

__all__ = ["PageTimeout", "time_budget", "default_timeout", "DEFAULT_PAGE_TIMEOUT"]

DEFAULT_PAGE_TIMEOUT = 5.0


class PageTimeout(BaseException):
    """A step ran past its time budget. A BaseException, so the step's own ``except
    Exception`` fallbacks cannot swallow it and carry on without a budget."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than its time budget of {seconds:g} s")
        self.seconds = seconds


def default_timeout() -> float:
    """The budget from NEWSDESK_PAGE_TIMEOUT, else DEFAULT_PAGE_TIMEOUT (0 or less: none)."""
    value = os.environ.get("NEWSDESK_PAGE_TIMEOUT", "")
    try:
        return float(value) if value.strip() else DEFAULT_PAGE_TIMEOUT
    except ValueError:
        return DEFAULT_PAGE_TIMEOUT


@contextmanager
def time_budget(seconds: float | None):
    """Raise PageTimeout in the block once ``seconds`` have passed (no-op off the main
    thread, for None or 0, or while another timer is running)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise PageTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
