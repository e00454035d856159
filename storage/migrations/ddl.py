"""The pieces of DDL the migrations repeat: keys, indexes and the columns tables share.

Migrations are history: each helper must go on producing exactly the DDL it was
taken out of, byte for byte (``tests/storage/test_migrations.py`` pins it on
SQLite and PostgreSQL). Never change one in place; a migration that needs
something else gets a new helper. The helpers call ``op``, so they run only
inside a migration's ``upgrade()`` or ``downgrade()``.

Order matters: SQLAlchemy writes a table's constraints in the order they were
created, so each helper builds its constraints in the order the migration
always listed them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem


@dataclass(frozen=True)
class MigratedTable:
    """A table a migration creates, with its indexes: created together, dropped together.

    Attributes:
        name: the table's name.
        named: indexes under a name of their own, by name, each with its columns.
        on_columns: one-column indexes named by the naming convention
            (``ix_<table>_<column>``), created after the named ones.
    """

    name: str
    named: Mapping[str, Sequence[str]] = field(default_factory=dict)
    on_columns: Sequence[str] = ()

    def create(self, *elements: SchemaItem, **table_kwargs: Any) -> None:
        """Create the table from its columns and constraints, then its indexes."""
        op.create_table(self.name, *elements, **table_kwargs)
        if not self.named and not self.on_columns:
            return
        with op.batch_alter_table(self.name, schema=None) as batch_op:
            for name, columns in self.named.items():
                batch_op.create_index(name, list(columns), unique=False)
            for column in self.on_columns:
                batch_op.create_index(batch_op.f(f"ix_{self.name}_{column}"), [column],
                                      unique=False)

    def drop(self) -> None:
        """Drop the indexes, the last created first, then the table."""
        if self.named or self.on_columns:
            with op.batch_alter_table(self.name, schema=None) as batch_op:
                for column in reversed(self.on_columns):
                    batch_op.drop_index(batch_op.f(f"ix_{self.name}_{column}"))
                for name in reversed(list(self.named)):
                    batch_op.drop_index(name)
        op.drop_table(self.name)


def foreign_key(table: str, column: str, target: str,
                ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    """``table.column`` refers to ``target.id``, under the naming convention's name."""
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def primary_key(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    """The primary key of ``table`` (``id`` unless other columns are named)."""
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=op.f(f"pk_{table}"))


def integer(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """An integer column (a key or a reference), required unless said otherwise."""
    return sa.Column(name, sa.Integer(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A time zone aware date-time column, required unless said otherwise."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def per_document_annotator(table: str) -> list[SchemaItem]:
    """The key of a table with one row per document and annotator (status, assignment).

    Returns:
        The ``document_id`` and ``annotator_id`` columns, which are the primary key,
        each a reference that dies with its document or annotator. Further columns
        may follow them in ``create_table``.
    """
    return [
        integer("document_id"),
        integer("annotator_id"),
        foreign_key(table, "annotator_id", "annotator"),
        foreign_key(table, "document_id", "document"),
        primary_key(table, "document_id", "annotator_id"),
    ]


def annotation_head() -> list[sa.Column[Any]]:
    """The first columns of an annotator's span or relation: who made it, where, and its id.

    ``external_id`` is the id the annotation came with from outside (an import);
    it is unique per document and annotator (see :func:`annotation_keys`).
    """
    return [
        integer("id"),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        integer("document_id"),
        integer("annotator_id"),
    ]


def extent(label_column: str = "label") -> list[sa.Column[Any]]:
    """Where a span or a proposed span lies: its label, outer bounds and fragments."""
    return [
        sa.Column(label_column, sa.String(length=64), nullable=False),
        integer("start"),
        integer("end"),
        json_column("fragments"),
    ]


def json_column(name: str) -> sa.Column[Any]:
    """A required JSON column (attributes, fragments, metadata)."""
    return sa.Column(name, sa.JSON(), nullable=False)


def created_updated() -> list[sa.Column[Any]]:
    """When a row was made and last changed."""
    return [timestamp("created_at"), timestamp("updated_at")]


def annotation_keys(table: str,
                    *references: tuple[str, str, str]) -> list[sa.Constraint]:
    """The keys of an annotator's span or relation table.

    Args:
        table: ``span`` or ``relation``.
        references: further foreign keys, each ``(column, target table, ondelete)``,
            created after the annotator and document references.

    Returns:
        The references to the annotator and the document (both cascading), the
        further ones, the primary key on ``id``, and the uniqueness of
        ``external_id`` per document and annotator.
    """
    return [
        foreign_key(table, "annotator_id", "annotator"),
        foreign_key(table, "document_id", "document"),
        *(foreign_key(table, column, target, ondelete)
          for column, target, ondelete in references),
        primary_key(table),
        sa.UniqueConstraint("document_id", "annotator_id", "external_id",
                            name=f"uq_{table}_document_annotator_external"),
    ]
