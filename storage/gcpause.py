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

__all__ = ["collector_paused", "freeze_long_lived"]

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


#: the frozen heap's size (objects) after its last full collection
_frozen_after_collection = 0
#: objects allocated (net of those freed) and frozen since then, as ``gc.get_count`` saw them
_grown_since_collection = 0


def freeze_long_lived() -> None:
    """Keeps every object alive now out of the collector's future scans (``gc.freeze``).

    For a program that has just built what it keeps for a while (a GUI that opened a
    document with 100,000 spans): later allocations no longer set off collections that
    scan all of it. Reference counting still frees frozen objects; only cycles among
    them wait, so when the frozen heap has grown by its own size since the last full
    collection, it is unfrozen and collected once first (amortised).

    The growth is counted without walking the heap (``gc.get_freeze_count`` walks
    every frozen object, ~25 ms per call over a 1 MB document's views): the
    collector's youngest-generation count is what was allocated, net of what was
    freed, since the last collection or freeze. Objects that survived a young
    collection meanwhile are not counted, so the estimate errs towards collecting
    later, never towards collecting on every call.
    """
    global _frozen_after_collection, _grown_since_collection
    _grown_since_collection += gc.get_count()[0]
    if _grown_since_collection > _frozen_after_collection + 100_000:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _frozen_after_collection = gc.get_freeze_count()
        _grown_since_collection = 0
    else:
        gc.freeze()
