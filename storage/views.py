"""Read-only snapshots handed to callers instead of ORM objects.

They are plain frozen dataclasses, safe to pass between threads and to keep
after the session that read them is closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from storage.models import Document, Entity, Relation, Span
from storage.records import Fragment, FragmentBounds
from storage.vocabulary import Status

#: :attr:`Changes.selection` of an edit that leaves the selection where it is.
KEEP: Literal["keep"] = "keep"


@dataclass(frozen=True)
class DocumentInfo:
    """A row of the document list."""

    id: int
    external_id: str
    title: str
    length: int
    status: str = Status.NEW
    counts: dict[str, int] = field(default_factory=dict)
    position: int = 0
    assigned: bool = False


@dataclass(frozen=True)
class DocumentView:
    id: int
    external_id: str
    title: str
    text: str
    sha256: str
    source: str
    meta: dict[str, Any]
    imported_at: datetime
    position: int

    @classmethod
    def of(cls, row: Document) -> DocumentView:
        return cls(row.id, row.external_id, row.title, row.text, row.sha256, row.source,
                   dict(row.meta or {}), row.imported_at, row.position)


class SpanLike(Protocol):
    """What agreement and suggestions read of a span: :class:`SpanView` has it, and so
    does any small record a test or a reader builds."""

    @property
    def id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def fragments(self) -> tuple[Fragment, ...]: ...


@dataclass(frozen=True)
class SpanView(FragmentBounds):
    id: int
    external_id: str
    document_id: int
    annotator_id: int
    label: str
    fragments: tuple[tuple[int, int], ...]
    attributes: dict[str, Any]
    entity_id: int | None
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def of_row(cls, row: Any) -> SpanView:
        """From a row of :data:`SPAN_COLUMNS` (faster than loading ORM objects).

        Exports build one view per stored span, so this skips the frozen
        dataclass ``__init__`` (one ``object.__setattr__`` per field) and fills
        the instance dictionary at once; the JSON columns are fresh objects.
        """
        (span_id, external_id, document_id, annotator_id, label, fragments, attributes,
         entity_id, version) = row
        view = object.__new__(cls)
        view.__dict__.update(
            id=span_id, external_id=external_id, document_id=document_id,
            annotator_id=annotator_id, label=label,
            fragments=tuple(map(tuple, fragments)), attributes=attributes or {},
            entity_id=entity_id, version=version, created_at=None, updated_at=None)
        return view

    @classmethod
    def of(cls, row: Span) -> SpanView:
        return cls(
            id=row.id,
            external_id=row.external_id,
            document_id=row.document_id,
            annotator_id=row.annotator_id,
            label=row.label,
            fragments=tuple((int(a), int(b)) for a, b in row.fragments),
            attributes=dict(row.attributes or {}),
            entity_id=row.entity_id,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True)
class RelationView:
    id: int
    external_id: str
    document_id: int
    annotator_id: int
    type: str
    source_id: int
    target_id: int
    attributes: dict[str, Any]

    @classmethod
    def of_row(cls, row: Any) -> RelationView:
        """From a row of :data:`RELATION_COLUMNS`."""
        return cls(row.id, row.external_id, row.document_id, row.annotator_id, row.type,
                   row.source_id, row.target_id, dict(row.attributes or {}))

    @classmethod
    def of(cls, row: Relation) -> RelationView:
        return cls(row.id, row.external_id, row.document_id, row.annotator_id, row.type,
                   row.source_id, row.target_id, dict(row.attributes or {}))


# no timestamps: parsing 10,000 SQLite datetimes costs more than the rest of the row
SPAN_COLUMNS = (Span.id, Span.external_id, Span.document_id, Span.annotator_id, Span.label,
                Span.fragments, Span.attributes, Span.entity_id, Span.version)
RELATION_COLUMNS = (Relation.id, Relation.external_id, Relation.document_id,
                    Relation.annotator_id, Relation.type, Relation.source_id, Relation.target_id,
                    Relation.attributes)


@dataclass(frozen=True)
class EntityView:
    id: int
    external_id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    kb_id: str | None
    version: int
    mentions: int = 0

    @classmethod
    def of(cls, row: Entity, mentions: int = 0) -> EntityView:
        return cls(row.id, row.external_id, row.name, row.kind, tuple(row.aliases or ()),
                   row.kb_id, row.version, mentions)


@dataclass(frozen=True)
class AnnotatorView:
    id: int
    name: str
    role: str


@dataclass
class Changes:
    """What one edit changed, so views refresh only that.

    ``ranges`` holds ``(document_id, start, end)`` for every stretch of text
    whose marks changed (old and new extent of each touched span).
    """

    documents: set[int] = field(default_factory=set)
    spans_added: list[int] = field(default_factory=list)
    spans_removed: list[int] = field(default_factory=list)
    spans_changed: list[int] = field(default_factory=list)
    relations_added: list[int] = field(default_factory=list)
    relations_removed: list[int] = field(default_factory=list)
    relations_changed: list[int] = field(default_factory=list)
    entities_changed: list[int] = field(default_factory=list)
    statuses_changed: list[tuple[int, int]] = field(default_factory=list)
    ranges: list[tuple[int, int, int]] = field(default_factory=list)
    #: What the user's selection should be after this change: the span an edit
    #: added, changed or restored (or the source of a relation it touched), None
    #: after a span was removed (undoing its creation included), or :data:`KEEP`
    #: when the edit says nothing about it (statuses, actors).
    selection: int | Literal["keep"] | None = "keep"

    def merge(self, other: Changes) -> Changes:
        self.documents |= other.documents
        if other.selection != KEEP:
            self.selection = other.selection
        for name in ("spans_added", "spans_removed", "spans_changed", "relations_added",
                     "relations_removed", "relations_changed", "entities_changed",
                     "statuses_changed", "ranges"):
            getattr(self, name).extend(getattr(other, name))
        return self

    def touch_span(self, span: Span | SpanView, kind: str) -> None:
        self.documents.add(span.document_id)
        getattr(self, f"spans_{kind}").append(span.id)
        self.selection = None if kind == "removed" else span.id
        self.ranges.append((span.document_id, int(span.start), int(span.end)))
