"""Runs the suggesters on a project's documents and stores what they propose.

The proposals go into the proposals layer (:mod:`storage.proposals`), never into an
annotator's layer; one transaction per document. ``saywho suggest PROJECT`` and the
workbench's background worker both call :func:`suggest_document`.

A suggester that raises on a document, or takes longer than the time limit, is a
:class:`DocumentProblem` naming the document; the other suggesters' proposals for it
are still stored and the next document goes on.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from storage.project import Project
from storage.proposals import StoreReport
from suggest import registry
from suggest.base import (
    ActorEntry,
    ExistingSpan,
    Problem,
    Proposals,
    SuggestContext,
)

#: the seconds a suggester may take on one document before it is given up
DEFAULT_TIMEOUT = 60.0


class SuggesterTimeout(Exception):
    """A suggester took longer than the time limit on one document."""


@dataclass(frozen=True)
class DocumentProblem:
    """A suggester that failed on a document, for the status bar or stderr."""

    document: str
    problem: str

    def __str__(self) -> str:
        return f"{self.document}: {self.problem}"


@dataclass
class DocumentResult:
    """What one document got: the stored counts and the problems."""

    document_id: int
    document: str
    report: StoreReport
    problems: list[DocumentProblem] = field(default_factory=list)
    seconds: float = 0.0


def default_names(project: Project) -> list[str]:
    """The suggesters a project uses: its own trained model (which re-ranks the built-in
    suggesters' proposals) when it has a usable one, else the built-in ones."""
    from suggest import project_model

    if project_model.register_for(project) is not None:
        return [project_model.NAME]
    return list(registry.DEFAULT_NAMES)


def context_for(project: Project, document_id: int, annotator: str | None,
                settings: dict[str, Any] | None = None) -> SuggestContext:
    """The annotator's spans in the document (none without one) and the actor registry."""
    spans = project.spans(document_id, annotator) if annotator else []
    existing = [ExistingSpan(s.id, s.label, s.fragments, s.attributes) for s in spans]
    actors = [ActorEntry(e.name, tuple(e.aliases), e.kind) for e in project.entities()]
    return SuggestContext(existing, actors, settings or {})


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raises :class:`SuggesterTimeout` in the block after ``seconds`` (main thread only:
    elsewhere, e.g. in the window's worker thread, the block runs unlimited)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise SuggesterTimeout(f"gave up after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, float(seconds or 0))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_suggesters(text: str, project: Project, context: SuggestContext,
                   names: Sequence[str], timeout: float | None) -> Proposals:
    """Runs each suggester with the time limit; a timeout is that suggester's problem."""
    results: list[tuple[str, Proposals]] = []
    problems: list[Problem] = []
    for name in names:
        try:
            with _time_limit(timeout):
                proposals = registry.suggest(text, project.schema, context, [name])
        except SuggesterTimeout as exc:
            problems.append(Problem(name, str(exc)))
            continue
        results.append((name, proposals))
        problems.extend(proposals.problems)
    merged = registry.merge(results, project.schema)
    return Proposals(merged.spans, merged.relations, tuple(problems))


def _only(proposals: Proposals, labels: Sequence[str] | None, min_confidence: float
          ) -> Proposals:
    kept = proposals.above(min_confidence)
    if labels is None:
        return kept
    wanted = set(labels)
    spans = tuple(s for s in kept.spans if s.label in wanted)
    keys = {s.key for s in spans}
    relations = tuple(r for r in kept.relations if r.source in keys and
                      (isinstance(r.target, int) or r.target in keys))
    return Proposals(spans, relations, kept.problems)


def suggest_document(project: Project, document_id: int, *, annotator: str | None = None,
                     names: Sequence[str] | None = None, labels: Sequence[str] | None = None,
                     min_confidence: float = 0.0, timeout: float | None = DEFAULT_TIMEOUT,
                     settings: dict[str, Any] | None = None) -> DocumentResult:
    """Runs the suggesters on one document and stores their proposals (one transaction)."""
    document = project.document(document_id)
    started = time.perf_counter()
    context = context_for(project, document_id, annotator, settings)
    chosen = list(names) if names is not None else default_names(project)
    proposals = _only(run_suggesters(document.text, project, context, chosen, timeout),
                      labels, min_confidence)
    name = document.external_id or f"document {document_id}"
    report = project.store_proposals(document_id, "+".join(chosen), proposals.spans,
                                     proposals.relations)
    problems = [DocumentProblem(name, str(p)) for p in proposals.problems]
    return DocumentResult(document_id, name, report, problems, time.perf_counter() - started)


def suggest_project(project: Project, document_ids: Sequence[int], *,
                    progress: Callable[[int, int, str], None] | None = None,
                    **options: Any) -> list[DocumentResult]:
    """:func:`suggest_document` on each document, in order."""
    results = []
    for done, document_id in enumerate(document_ids):
        result = suggest_document(project, document_id, **options)
        results.append(result)
        if progress is not None:
            progress(done + 1, len(document_ids), result.document)
    return results
