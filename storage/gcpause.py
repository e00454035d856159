"""Reads of many rows with the cyclic garbage collector held off.

Reading a document's 10,000 spans allocates thousands of small objects at once; in a
process that holds a large heap (a GUI after a comparison view, an export), each
automatic collection would scan all of it. Nothing a read builds forms a cycle, so
the collector can wait until the read is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_pause_lock = threading.Lock()
_pause_depth = 0
_collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Holds off the cyclic garbage collector while one batch of rows is read.

    A batch allocates thousands of views that all stay alive until the batch has been
    yielded; each collection would scan them (and promote them, which soon sets off full
    collections of the whole process's heap). Nothing read here forms a cycle, reference
    counting frees it all as usual, and the collector runs again (if it was enabled) before
    the batch is handed out. Nested and concurrent readers (exports on two threads) restore
    the collector only when the last of them is done.
    """
    global _pause_depth, _collector_was_enabled
    with _pause_lock:
        if _pause_depth == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pause_depth += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause_depth -= 1
            if _pause_depth == 0 and _collector_was_enabled:
                gc.enable()
