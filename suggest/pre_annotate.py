"""Runs the suggesters on a project's documents and stores what they propose.

The proposals go into the proposals layer (:mod:`storage.proposals`), never into an
annotator's layer; one transaction per document. ``saywho suggest PROJECT`` and the
workbench's background worker both call :func:`suggest_document`.

A suggester that raises on a document, or takes longer than the time limit, is a
:class:`~suggest.base.Problem` naming the document; the other suggesters' proposals for it
are still stored and the next document goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from storage.project import Project
from storage.proposals import StoreReport
from suggest import registry
from suggest.base import ActorEntry, ExistingSpan, Problem, Proposals, SuggestContext

#: the seconds a suggester may take on one document before it is given up
DEFAULT_TIMEOUT = registry.DEFAULT_TIMEOUT


@dataclass
class DocumentResult:
    """What one document got: the stored counts and the problems."""

    document_id: int
    document: str
    report: StoreReport
    problems: list[Problem] = field(default_factory=list)
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


def run_suggesters(text: str, project: Project, context: SuggestContext,
                   names: Sequence[str], timeout: float | None) -> Proposals:
    """The suggesters' merged proposals; one that raises or takes longer than ``timeout``
    seconds (None: the registry's default, 0: no limit) is a problem naming it."""
    return registry.suggest(text, project.schema, context, names, timeout=timeout)


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
    name = document.external_id or f"document {document_id}"
    context = context_for(project, document_id, annotator, {"document": name, **(settings or {})})
    chosen = list(names) if names is not None else default_names(project)
    proposals = _only(run_suggesters(document.text, project, context, chosen, timeout),
                      labels, min_confidence)
    report = project.store_proposals(document_id, "+".join(chosen), proposals.spans,
                                     proposals.relations)
    problems = [replace(p, document=name) for p in proposals.problems]
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
