"""Worker process lifetime: a worker never outlives the process that started it.

A ``kill -9`` of the parent leaves its pool workers (each holding a spaCy model) and
multiprocessing's resource tracker idle forever unless they notice. Each worker runs
``watch_parent`` from its initializer: a daemon thread that waits on the parent's sentinel
(a pipe that closes when the parent dies, however it died, even before the initializer ran)
and exits the worker at once. Once the
workers are gone, the resource tracker's pipe closes and it exits too. Workers also ignore
SIGINT: Ctrl-C reaches the whole process group, and the parent, which owns the run, decides
how to stop (committing what was finished).
"""
from __future__ import annotations

import os
import signal
import threading

__all__ = ["watch_parent", "POLL_SECONDS"]

POLL_SECONDS = 0.5


def _exit_with_parent(parent, poll: float) -> None:
    from multiprocessing.connection import wait
    while True:
        # The parent's sentinel (a pipe a spawned child holds) turns readable when it dies;
        # the pid check covers a parent that is not a multiprocessing parent.
        if wait([parent.sentinel], timeout=poll) or (parent.pid and not _exists(parent.pid)):
            os._exit(1)  # no cleanup: nothing here is worth keeping once the parent is gone


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch_parent(poll: float = POLL_SECONDS) -> None:
    """In a worker process: exit when the parent dies; leave Ctrl-C to the parent."""
    import multiprocessing
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to watch
        return
    threading.Thread(target=_exit_with_parent, args=(parent, poll), daemon=True,
                     name="newsdesk-parent-watch").start()
