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


_frozen_after_collection = 0


def freeze_long_lived() -> None:
    """Keeps every object alive now out of the collector's future scans (``gc.freeze``).

    For a program that has just built what it keeps for a while (a GUI that opened a
    document with 100,000 spans): later allocations no longer set off collections that
    scan all of it. Reference counting still frees frozen objects; only cycles among
    them wait, so when the frozen heap has grown to twice its size after the last full
    collection, it is unfrozen and collected once first (amortised).
    """
    global _frozen_after_collection
    if gc.get_freeze_count() > 2 * _frozen_after_collection + 100_000:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _frozen_after_collection = gc.get_freeze_count()
    else:
        gc.freeze()
