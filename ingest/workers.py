"""What an import's worker processes run: read one file into records.

Kept apart from :mod:`ingest.pipeline` (and :mod:`storage.project`) so that a
worker, started with "spawn", imports the readers only, not the database layer
(0.4 s of each worker's start-up).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

from formats.base import Format
from formats.reading import IngestError
from ingest.files import read_file
from storage.records import DocumentRecord

LOGGER = logging.getLogger(__name__)


def read_one(job: tuple[Path, int, type[Format]]) -> list[DocumentRecord] | str:
    """Parses one file (in a worker process); an error comes back as its message.

    The reader is chosen in the parent (a format registered at run time is
    unknown to a fresh worker's registry) and travels as a class reference.
    """
    path, limit, reader = job
    try:
        return read_file(path, limit, reader)
    except IngestError as exc:
        return str(exc)
    except Exception as exc:  # a parser bug must not stop the other files
        return f"{path}: cannot be read ({type(exc).__name__}: {exc})"


def die_with_parent() -> None:
    """Worker initializer: the worker exits as soon as the import that started it dies.

    A killed ``saywho import`` (SIGKILL, a crash, the window closed by force)
    runs no clean-up, and its idle workers would wait for work forever, with
    multiprocessing's resource tracker (which lives as long as one of them
    does). Two guards, so every platform has one:

    - a thread that waits on the parent's sentinel (a pipe on POSIX, a process
      handle on Windows; ``multiprocessing.parent_process()``), ready when the
      parent is gone, and then ends the worker at once (``os._exit``), even in
      the middle of parsing a file;
    - on Linux also the kernel's parent-death signal (``prctl(PR_SET_PDEATHSIG,
      SIGKILL)``), which needs no thread to be scheduled. (It fires when the
      thread that started the worker ends; the pool is shut down before that.)
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl (another C library): the thread stays
            LOGGER.debug("prctl(PR_SET_PDEATHSIG) is not available")
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(EXIT_ORPHANED)

    threading.Thread(target=watch, name="saywho-parent-watch", daemon=True).start()


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
EXIT_ORPHANED = 3
"""Exit status of a worker whose import died (nobody reads it: the parent is gone)."""
