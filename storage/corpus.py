"""Streaming read of a whole corpus for exporters and analysis.

:func:`iter_corpus` yields one :class:`CorpusDocument` at a time (the document,
and for each selected annotator its status, spans and relations), reading the
database in batches so memory does not grow with the corpus: one query each
for a batch's documents, statuses, spans and relations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, select, type_coerce

from storage.gcpause import collector_paused as _collector_paused
from storage.models import Annotator, Document, DocumentStatus, Relation, Span, Status
from storage.project import Project
from storage.views import DocumentView, EntityView, RelationView, SpanView

DEFAULT_BATCH = 200
"""Documents read per batch: few queries, and memory bounded by one batch."""


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


# The JSON columns of spans and relations are read as their stored text where the driver
# gives text (SQLite), and decoded here: a single fragment is recognised without parsing and
# the few distinct attribute objects of a corpus are parsed once. Drivers that decode JSON
# themselves (psycopg) hand over the decoded value, which is used as it is.
_DOCUMENT_COLUMNS = (Document.id, Document.external_id, Document.title, Document.text,
                     Document.sha256, Document.source, Document.meta, Document.imported_at,
                     Document.position)
_SPAN_COLUMNS = (Span.document_id, Span.annotator_id, Span.id, Span.external_id, Span.label,
                 Span.start, Span.end, type_coerce(Span.fragments, Text),
                 type_coerce(Span.attributes, Text), Span.entity_id, Span.version)
_RELATION_COLUMNS = (Relation.document_id, Relation.annotator_id, Relation.id,
                     Relation.external_id, Relation.type, Relation.source_id,
                     Relation.target_id, type_coerce(Relation.attributes, Text))
_SCALARS = frozenset({str, int, float, bool, type(None)})
_ATTRIBUTE_CACHE_SIZE = 4096


class _JsonDecoder:
    """Decodes the JSON columns of span and relation rows, memoising attribute objects.

    Every call returns a fresh object, as decoding the column would: attribute objects are
    memoised only when their values are scalars, and handed out as copies. The span reader
    inlines the common cases (a memoised attribute object, a single fragment).
    """

    def __init__(self) -> None:
        self.cached_attributes: dict[str, dict[str, Any]] = {}

    def attributes(self, raw: Any) -> dict[str, Any]:
        if type(raw) is not str:
            return raw or {}
        cached = self.cached_attributes.get(raw)
        if cached is not None:
            return cached.copy()
        value = json.loads(raw)
        if type(value) is dict and all(type(item) in _SCALARS for item in value.values()):
            if len(self.cached_attributes) >= _ATTRIBUTE_CACHE_SIZE:
                self.cached_attributes.clear()
            self.cached_attributes[raw] = value
            return value.copy()
        return value or {}

    @staticmethod
    def fragments(raw: Any) -> tuple[tuple[int, int], ...]:
        if type(raw) is str:
            raw = json.loads(raw)
        return tuple(map(tuple, raw))


def iter_corpus(project: Project, selection: CorpusFilter | None = None,
                batch: int = DEFAULT_BATCH) -> Iterator[CorpusDocument]:
    """Yields documents in project order with the selected annotators' layers.

    A document is yielded when at least one selected annotator has a layer for
    it (a status row or spans), or, with no annotator filter and no status
    filter, always (a document nobody annotated yet has no layers).
    """
    selection = selection or CorpusFilter()
    wanted_annotators = set(selection.annotators) if selection.annotators is not None else None
    wanted_labels = sorted(set(selection.labels)) if selection.labels is not None else None
    wanted_docs = set(selection.documents) if selection.documents is not None else None
    filtered = selection.annotators is not None or selection.status is not None
    decoder = _JsonDecoder()
    last_position, last_id = -1, -1
    while True:
        with _collector_paused(), project.db.reading() as session:
            connection = session.connection()
            names = dict(connection.execute(select(Annotator.id, Annotator.name)).all())
            if wanted_annotators is not None:
                names = {k: v for k, v in names.items() if v in wanted_annotators}
            rows = connection.execute(
                select(*_DOCUMENT_COLUMNS)
                .where((Document.position > last_position)
                       | ((Document.position == last_position) & (Document.id > last_id)))
                .order_by(Document.position, Document.id).limit(batch)).all()
            if not rows:
                return
            last_position, last_id = rows[-1].position, rows[-1].id
            if wanted_docs is not None:
                rows = [row for row in rows if row.external_id in wanted_docs]
            ids = [row.id for row in rows]
            statuses: dict[tuple[int, int], str] = {}
            spans: dict[tuple[int, int], list[SpanView]] = {}
            relations: dict[tuple[int, int], list[RelationView]] = {}
            if ids and names:
                statuses = {
                    (d, a): s for d, a, s in connection.execute(
                        select(DocumentStatus.document_id, DocumentStatus.annotator_id,
                               DocumentStatus.status)
                        .where(DocumentStatus.document_id.in_(ids)))}
                spans = _read_spans(connection, ids, names, wanted_labels,
                                    wanted_annotators is not None, decoder)
                relations = _read_relations(connection, ids, names,
                                            wanted_annotators is not None, decoder)
            views = [_document_view(row) for row in rows]
        annotators = sorted(names.items(), key=lambda item: item[1])
        for view in views:
            layers = []
            for annotator_id, name in annotators:
                key = (view.id, annotator_id)
                status = statuses.get(key)
                layer_spans = spans.get(key)
                if status is None and layer_spans is None:
                    continue
                status = status or Status.NEW
                if selection.status is not None and status != selection.status:
                    continue
                if layer_spans is None:
                    if not selection.include_empty:
                        continue
                    layer_spans = []
                layer_relations = relations.get(key)
                if layer_relations is None:
                    layer_relations = []
                else:
                    kept = {span.id for span in layer_spans}
                    layer_relations = [r for r in layer_relations
                                       if r.source_id in kept and r.target_id in kept]
                layers.append(Layer(name, status, layer_spans, layer_relations))
            if not layers and filtered:
                continue
            yield CorpusDocument(view, layers)


def _document_view(row: Any) -> DocumentView:
    (document_id, external_id, title, text, sha256, source, meta, imported_at,
     position) = row
    return DocumentView(document_id, external_id, title, text, sha256, source,
                        dict(meta or {}), imported_at, position)


def _read_spans(connection: Any, ids: list[int], names: dict[int, str],
                labels: list[str] | None, by_annotator: bool,
                decoder: _JsonDecoder) -> dict[tuple[int, int], list[SpanView]]:
    """The spans of documents ``ids`` by (document, annotator), each list by start, end, id."""
    query = select(*_SPAN_COLUMNS).where(Span.document_id.in_(ids))
    if by_annotator:
        query = query.where(Span.annotator_id.in_(sorted(names)))
    if labels is not None:
        query = query.where(Span.label.in_(labels))
    query = query.order_by(Span.document_id, Span.annotator_id, Span.start, Span.end, Span.id)
    spans: dict[tuple[int, int], list[SpanView]] = {}
    key: tuple[int, int] | None = None
    current: list[SpanView] = []
    new = object.__new__
    cached_attributes = decoder.cached_attributes
    for (document_id, annotator_id, span_id, external_id, label, start, end, fragments,
         attributes, entity_id, version) in connection.execute(query):
        if key is None or key[0] != document_id or key[1] != annotator_id:
            key = (document_id, annotator_id)
            current = spans[key] = []
        if type(fragments) is str and fragments == f"[[{start}, {end}]]":
            fragments = ((start, end),)  # what the JSON column stores for one fragment
        else:
            fragments = decoder.fragments(fragments)
        cached = cached_attributes.get(attributes) if type(attributes) is str else None
        attributes = cached.copy() if cached is not None else decoder.attributes(attributes)
        # a frozen dataclass filled at once: its __init__ costs one setattr per field
        view = new(SpanView)
        view.__dict__.update({
            "id": span_id, "external_id": external_id, "document_id": document_id,
            "annotator_id": annotator_id, "label": label, "fragments": fragments,
            "attributes": attributes, "entity_id": entity_id, "version": version,
            "created_at": None, "updated_at": None})
        current.append(view)
    return spans


def _read_relations(connection: Any, ids: list[int], names: dict[int, str],
                    by_annotator: bool, decoder: _JsonDecoder,
                    ) -> dict[tuple[int, int], list[RelationView]]:
    """The relations of documents ``ids`` by (document, annotator), each list by id."""
    query = select(*_RELATION_COLUMNS).where(Relation.document_id.in_(ids))
    if by_annotator:
        query = query.where(Relation.annotator_id.in_(sorted(names)))
    query = query.order_by(Relation.document_id, Relation.annotator_id, Relation.id)
    relations: dict[tuple[int, int], list[RelationView]] = {}
    key: tuple[int, int] | None = None
    current: list[RelationView] = []
    new = object.__new__
    attributes_of = decoder.attributes
    for (document_id, annotator_id, relation_id, external_id, relation_type, source_id,
         target_id, attributes) in connection.execute(query):
        if key is None or key[0] != document_id or key[1] != annotator_id:
            key = (document_id, annotator_id)
            current = relations[key] = []
        view = new(RelationView)
        view.__dict__.update({
            "id": relation_id, "external_id": external_id, "document_id": document_id,
            "annotator_id": annotator_id, "type": relation_type, "source_id": source_id,
            "target_id": target_id, "attributes": attributes_of(attributes)})
        current.append(view)
    return relations
