"""The suggestions registry: running, merging, and a failing suggester reported by name."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from storage.schema import Schema, default_schema
from suggest import registry
from suggest.base import Proposals, ProposedRelation, ProposedSpan, SuggestContext

TEXT = "“We will not yield,” the minister said."


class QuoteOnly:
    NAME: ClassVar[str] = "test-quotes"

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        return Proposals(
            (ProposedSpan("q", "Quote", ((1, 18),), {"form": "direct"}, 0.9, "quotation marks"),
             ProposedSpan("a", "Actor", ((21, 33),), {}, 0.8, "subject of 'said'"),
             ProposedSpan("x", "NotInSchema", ((0, 1),), {}, 0.8, "")),
            (ProposedRelation("speaker", "q", "a", 0.8, "subject of 'said'"),
             ProposedRelation("speaker", "q", 7, 0.2, "an existing span"),
             ProposedRelation("bogus", "q", "a", 0.8, "")),
        )


class SameQuote:
    NAME: ClassVar[str] = "test-same"

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        return Proposals(
            (ProposedSpan("q1", "Quote", ((0, 19),), {}, 0.4, "overlaps the first"),
             ProposedSpan("c", "Cue", ((34, 38),), {}, 0.7, "reporting verb")),
            (ProposedRelation("cue", "q1", "c", 0.7, "cue 'said'"),),
        )


class Broken:
    NAME: ClassVar[str] = "test-broken"

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        raise RuntimeError("model exploded")


class Slow:
    """Proposes a quote, but only after it is released (or 5 s)."""

    NAME: ClassVar[str] = "test-slow"
    release = threading.Event()

    def suggest(self, document_text: str, schema: Schema, context: SuggestContext) -> Proposals:
        Slow.release.wait(5.0)
        return Proposals((ProposedSpan("late", "Quote", ((1, 18),), {}, 0.99, "late"),))


FAKES = (QuoteOnly, SameQuote, Broken, Slow)


@pytest.fixture
def fakes() -> Iterator[None]:
    for cls in FAKES:
        registry.register(cls.NAME, cls)
    yield
    Slow.release.set()
    for cls in FAKES:
        registry.unregister(cls.NAME)


def test_merge_keeps_first_on_overlap_and_redirects_relations(fakes: None) -> None:
    result = registry.suggest(TEXT, default_schema(), SuggestContext(),
                              names=["test-quotes", "test-same"])
    labels = [(s.label, s.fragments) for s in result.spans]
    assert labels == [("Quote", ((1, 18),)), ("Actor", ((21, 33),)), ("Cue", ((34, 38),))]
    quote = result.spans[0]
    assert quote.key == "test-quotes:q"
    rels = {(r.type, r.source, r.target) for r in result.relations}
    # the second suggester's cue relation now starts at the first suggester's quote;
    # speaker keeps only its first target (max-per-source 1); the unknown type is dropped
    assert rels == {("speaker", "test-quotes:q", "test-quotes:a"),
                    ("cue", "test-quotes:q", "test-same:c")}
    assert result.problems == ()


def test_failing_and_unknown_suggesters_are_named_problems(fakes: None) -> None:
    result = registry.suggest(TEXT, default_schema(), SuggestContext(),
                              names=["test-broken", "nope", "test-quotes"])
    assert [s.label for s in result.spans] == ["Quote", "Actor"]
    messages = [str(p) for p in result.problems]
    assert messages[0] == "suggester 'test-broken': RuntimeError: model exploded"
    assert messages[1].startswith("suggester 'nope': no suggester named 'nope'")


def test_slow_suggester_is_a_named_problem_and_its_proposals_dropped(fakes: None) -> None:
    Slow.release.clear()
    context = SuggestContext(settings={"document": "wire-17.txt"})
    t0 = time.perf_counter()
    result = registry.suggest(TEXT, default_schema(), context, names=["test-slow", "test-same"],
                              timeout=0.2)
    waited = time.perf_counter() - t0
    Slow.release.set()
    assert waited < 2.0  # returned at the limit, not when the slow one finished
    # the slow suggester's quote is not there; the other suggester's quote is
    assert [(s.key, s.label) for s in result.spans] == [("test-same:q1", "Quote"),
                                                        ("test-same:c", "Cue")]
    assert [str(p) for p in result.problems] == [
        "suggester 'test-slow': took longer than 0.2 s on document 'wire-17.txt'; its "
        "proposals are dropped (setting 'suggester_timeout')"]


def test_timeout_setting_and_no_limit(fakes: None) -> None:
    Slow.release.clear()
    quick = SuggestContext(settings={"suggester_timeout": "0.1"})
    assert registry.timeout_of(quick) == 0.1
    assert registry.timeout_of(SuggestContext()) == registry.DEFAULT_TIMEOUT
    late = registry.suggest(TEXT, default_schema(), quick, names=["test-slow"])
    assert late.spans == () and "took longer than 0.1 s" in str(late.problems[0])
    Slow.release.set()  # released: within the limit its proposal is kept, as with no limit
    for limit in (5.0, 0.0):
        done = registry.suggest(TEXT, default_schema(), SuggestContext(), names=["test-slow"],
                                timeout=limit)
        assert [s.key for s in done.spans] == ["test-slow:late"] and done.problems == ()


def test_exception_in_worker_thread_is_still_a_named_problem(fakes: None) -> None:
    result = registry.suggest(TEXT, default_schema(), SuggestContext(), names=["test-broken"],
                              timeout=5.0)
    assert [str(p) for p in result.problems] == [
        "suggester 'test-broken': RuntimeError: model exploded"]


def test_register_twice_is_refused(fakes: None) -> None:
    with pytest.raises(ValueError, match="registered already"):
        registry.register("test-quotes", QuoteOnly)


def test_threshold_drops_spans_and_their_relations(fakes: None) -> None:
    result = registry.suggest(TEXT, default_schema(), names=["test-quotes", "test-same"])
    high = result.above(0.75)
    assert [s.label for s in high.spans] == ["Quote", "Actor"]
    assert [r.type for r in high.relations] == ["speaker"]


def test_bad_proposed_span_is_refused() -> None:
    with pytest.raises(ValueError, match="bad fragment"):
        ProposedSpan("k", "Quote", ((5, 5),))
    with pytest.raises(ValueError, match="confidence"):
        ProposedSpan("k", "Quote", ((1, 5),), confidence=1.5)


def test_package_imports_no_qt() -> None:
    code = ("import sys, suggest.registry, suggest.base; "
            "suggest.registry.names(); assert 'PySide6' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
