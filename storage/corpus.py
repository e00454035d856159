"""Streaming read of a whole corpus for exporters and analysis.

:func:`iter_corpus` yields one :class:`CorpusDocument` at a time (the document,
and for each selected annotator its status, spans and relations), reading the
database in batches so memory does not grow with the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from storage.models import Annotator, Document, DocumentStatus, Relation, Span
from storage.project import Project
from storage.views import (
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    DocumentView,
    EntityView,
    RelationView,
    SpanView,
)


@dataclass(frozen=True)
class Layer:
    """One annotator's annotations of one document."""

    annotator: str
    status: str
    spans: list[SpanView]
    relations: list[RelationView]

    def span_by_id(self) -> dict[int, SpanView]:
        return {s.id: s for s in self.spans}


@dataclass(frozen=True)
class CorpusDocument:
    document: DocumentView
    layers: list[Layer] = field(default_factory=list)


@dataclass(frozen=True)
class CorpusFilter:
    """Which part of the corpus to read.

    Attributes:
        annotators: only these annotators (None: all).
        status: only layers with this status (None: any).
        labels: only spans with these labels, and relations between them (None: all).
        documents: only documents with these external ids (None: all).
        include_empty: yield a layer for an annotator with a status row but no spans.
    """

    annotators: Sequence[str] | None = None
    status: str | None = None
    labels: Sequence[str] | None = None
    documents: Sequence[str] | None = None
    include_empty: bool = True


def entities(project: Project) -> list[EntityView]:
    return project.entities()


def entity_map(project: Project) -> dict[int, EntityView]:
    return {e.id: e for e in project.entities()}


def iter_corpus(project: Project, selection: CorpusFilter | None = None,
                batch: int = 100) -> Iterator[CorpusDocument]:
    """Yields documents in project order with the selected annotators' layers.

    A document is yielded when at least one selected annotator has a layer for
    it (a status row or spans), or, with no annotator filter and no status
    filter, always (a document nobody annotated yet has no layers).
    """
    selection = selection or CorpusFilter()
    wanted_labels = set(selection.labels) if selection.labels is not None else None
    wanted_docs = set(selection.documents) if selection.documents is not None else None
    last_position, last_id = -1, -1
    while True:
        with project.db.reading() as session:
            names = dict(session.execute(select(Annotator.id, Annotator.name)).all())
            if selection.annotators is not None:
                names = {k: v for k, v in names.items() if v in set(selection.annotators)}
            rows = session.scalars(
                select(Document)
                .where((Document.position > last_position)
                       | ((Document.position == last_position) & (Document.id > last_id)))
                .order_by(Document.position, Document.id).limit(batch)).all()
            if not rows:
                return
            last_position, last_id = rows[-1].position, rows[-1].id
            ids = [r.id for r in rows]
            statuses: dict[tuple[int, int], str] = {
                (d, a): s for d, a, s in session.execute(
                    select(DocumentStatus.document_id, DocumentStatus.annotator_id,
                           DocumentStatus.status).where(DocumentStatus.document_id.in_(ids)))
            }
            # plain columns, not ORM objects: exports read every row of the corpus
            spans: dict[tuple[int, int], list[SpanView]] = defaultdict(list)
            # Core, not ORM, execution: plain rows without the ORM's loading machinery
            connection = session.connection()
            for row in connection.execute(
                    select(*SPAN_COLUMNS).where(Span.document_id.in_(ids))
                    .order_by(Span.start, Span.end, Span.id)):
                if row.annotator_id in names and (wanted_labels is None
                                                  or row.label in wanted_labels):
                    spans[(row.document_id, row.annotator_id)].append(SpanView.of_row(row))
            relations: dict[tuple[int, int], list[RelationView]] = defaultdict(list)
            for row in connection.execute(
                    select(*RELATION_COLUMNS).where(Relation.document_id.in_(ids))
                    .order_by(Relation.id)):
                if row.annotator_id in names:
                    relations[(row.document_id, row.annotator_id)].append(
                        RelationView.of_row(row))
            views = [DocumentView.of(r) for r in rows]
        for view in views:
            if wanted_docs is not None and view.external_id not in wanted_docs:
                continue
            layers = []
            for annotator_id, name in sorted(names.items(), key=lambda item: item[1]):
                key = (view.id, annotator_id)
                status = statuses.get(key)
                if status is None and key not in spans:
                    continue
                status = status or "new"
                if selection.status is not None and status != selection.status:
                    continue
                layer_spans = spans.get(key, [])
                if not layer_spans and not selection.include_empty:
                    continue
                kept = {s.id for s in layer_spans}
                layer_relations = [r for r in relations.get(key, [])
                                   if r.source_id in kept and r.target_id in kept]
                layers.append(Layer(name, status, layer_spans, layer_relations))
            if not layers and (selection.annotators is not None or selection.status is not None):
                continue
            yield CorpusDocument(view, layers)

