"""Reads with the collector held off, and long-lived heaps kept out of its scans."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from storage import gcpause


class Node:
    """An object that can hold itself: a reference cycle only the collector frees."""

    me: Node | None = None


def garbage_cycle() -> weakref.ref[Node]:
    node = Node()
    node.me = node
    return weakref.ref(node)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.collect()


def test_collector_paused_nests_and_restores() -> None:
    assert gc.isenabled()
    with gcpause.collector_paused():
        with gcpause.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_frozen_cycles_wait_until_the_frozen_heap_has_doubled(
        unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = [[index] for index in range(150_000)]  # a long-lived heap, like a document
    gcpause.freeze_long_lived()
    assert gc.get_freeze_count() > 150_000
    monkeypatch.setattr(gcpause, "_frozen_after_collection", gc.get_freeze_count())
    monkeypatch.setattr(gcpause, "_grown_since_collection", 0)
    waiting = garbage_cycle()
    gcpause.freeze_long_lived()  # not grown much: the new cycle is frozen, not collected
    gc.collect()
    assert waiting() is not None
    monkeypatch.setattr(gcpause, "_grown_since_collection", 10**9)  # as if it had doubled
    gcpause.freeze_long_lived()
    assert waiting() is None  # collected once, then everything frozen again
    assert gc.get_freeze_count() > 150_000 and kept


def test_growth_is_counted_from_what_was_allocated(unfrozen: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpause, "_frozen_after_collection", 10**9)  # never due here
    monkeypatch.setattr(gcpause, "_grown_since_collection", 0)
    with gcpause.collector_paused():  # as a document's read: no young collection meanwhile
        kept = [[index] for index in range(50_000)]
        gcpause.freeze_long_lived()
    assert 50_000 <= gcpause._grown_since_collection < 60_000 and kept
    del kept  # freed again: the next freeze counts nothing new
    gcpause.freeze_long_lived()
    assert gcpause._grown_since_collection < 60_000
