"""ORM tables of a Saywho project (SQLAlchemy 2.0 typed declarative).

Offsets are Unicode code points, end exclusive. A span's fragments are stored
as a JSON list of ``[start, end]`` pairs, sorted and non-overlapping; ``start``
and ``end`` repeat the outer bounds so the GUI can query by range on an index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.vocabulary import ROLES as ROLES
from storage.vocabulary import STATUSES as STATUSES
from storage.vocabulary import Status

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


#: table options of the tables whose ids are never reused (SQLite AUTOINCREMENT): an
#: undone-then-redone edit keeps its id safely (PostgreSQL sequences never reuse ids)
IDS_NEVER_REUSED: Final[dict[str, Any]] = {"sqlite_autoincrement": True}


def document_reference(*, primary_key: bool = False) -> Mapped[int]:
    """A mixin's reference to the row's document: the row is deleted with the document.

    It leads the table (``sort_order=-1``): SQLAlchemy would put a mixin's columns after
    the table's own.
    """
    return mapped_column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=primary_key,
                         sort_order=-1)


def annotator_reference(*, primary_key: bool = False) -> Mapped[int]:
    """A mixin's reference to the row's annotator, leading the table like
    :func:`document_reference`: the row is deleted with the annotator."""
    return mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"), primary_key=primary_key,
                         sort_order=-1)


class PerDocumentAnnotator:
    """Mixin of the tables with one row per document and annotator (status, assignment):
    the two references are the primary key, and the table's first columns."""

    document_id: Mapped[int] = document_reference(primary_key=True)
    annotator_id: Mapped[int] = annotator_reference(primary_key=True)


class AnnotatorRow:
    """Mixin of an annotator's spans and relations: their first columns (id, the id they
    came with from outside, document, annotator) and, after the table's own, when they
    were made and last changed.

    Each table pairs it with :func:`annotator_row_args` for the keys that go with them.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    external_id: Mapped[str] = mapped_column(String(255), sort_order=-1)
    document_id: Mapped[int] = document_reference()
    annotator_id: Mapped[int] = annotator_reference()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def annotator_row_args(table: str, *index_columns: str) -> tuple[Any, ...]:
    """``__table_args__`` of an :class:`AnnotatorRow` table.

    Args:
        table: the table's name.
        index_columns: columns the ``(document_id, annotator_id)`` index goes on to.

    Returns:
        The index of each document's layer of one annotator, the uniqueness of
        ``external_id`` in that layer, and ids never reused.
    """
    return (
        Index(f"ix_{table}_document_annotator", "document_id", "annotator_id", *index_columns),
        UniqueConstraint("document_id", "annotator_id", "external_id",
                         name=f"uq_{table}_document_annotator_external"),
        IDS_NEVER_REUSED,
    )


class ProjectMeta(Base):
    """Key/value facts about the project (the Saywho version that wrote it, ...)."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SchemaVersion(Base):
    """Each version of the project's schema, as the XML text it was stored with."""

    __tablename__ = "schema_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    position: Mapped[int] = mapped_column(Integer, default=0, index=True)


class Annotator(Base):
    __tablename__ = "annotator"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="annotator")


class DocumentStatus(PerDocumentAnnotator, Base):
    """The status of one document for one annotator (new / in_progress / done)."""

    __tablename__ = "document_status"
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW.value)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_document_status_annotator_status", "annotator_id", "status"),)


class Entity(Base):
    """A canonical actor of the project's registry."""

    __tablename__ = "entity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), default="person")
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kb_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (IDS_NEVER_REUSED,)


class Span(AnnotatorRow, Base):
    __tablename__ = "span"
    label: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    fragments: Mapped[list[Any]] = mapped_column(JSON)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # after AnnotatorRow's created_at and updated_at
    version: Mapped[int] = mapped_column(Integer, default=1, sort_order=1)

    entity: Mapped[Entity | None] = relationship(lazy="raise")
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = annotator_row_args("span", "start")


class Relation(AnnotatorRow, Base):
    __tablename__ = "relation"
    type: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[int] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    __table_args__ = annotator_row_args("relation")


class Assignment(PerDocumentAnnotator, Base):
    """A document given to an annotator to annotate (their list shows it first)."""

    __tablename__ = "assignment"
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_assignment_annotator", "annotator_id"),)


PROPOSAL_STATES = ("open", "accepted", "rejected")


class Proposal(Base):
    """A span a suggester proposed for a document: the proposals layer.

    ``state`` is open until an annotator accepts it (``span_id`` is then the span
    it became) or rejects it. Decisions are kept per document by label and
    fragments (``fragments_key``): a proposal decided once is never proposed again.
    """

    __tablename__ = "proposal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    suggester: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    fragments: Mapped[list[Any]] = mapped_column(JSON)
    fragments_key: Mapped[str] = mapped_column(String(255))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    explanation: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("annotator.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    span_id: Mapped[int | None] = mapped_column(
        ForeignKey("span.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (
        Index("ix_proposal_document_state", "document_id", "state"),
        UniqueConstraint("document_id", "label", "fragments_key",
                         name="uq_proposal_document_label_fragments"),
        IDS_NEVER_REUSED,
    )


class ProposalLink(Base):
    """A relation a suggester proposed: from a proposal to another proposal or a stored span."""

    __tablename__ = "proposal_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                           index=True)
    target_proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), nullable=True, index=True)
    target_span_id: Mapped[int | None] = mapped_column(
        ForeignKey("span.id", ondelete="CASCADE"), nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    explanation: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_proposal_link_document", "document_id"),)
