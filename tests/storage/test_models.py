"""The ORM tables: the DDL ``create_all`` writes for a new project, on both backends.

A new project is made with ``create_all`` and an older one by the migrations, so the
tables must not drift when models.py is rearranged (mixins, shared column factories).
The golden files were recorded from the models as they stood before any of that;
``SAYWHO_UPDATE_GOLDEN=1`` rewrites them when a migration changes the tables.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from storage.models import Base, Span

GOLDEN = Path(__file__).parent / "golden"


def orm_ddl(dialect: Dialect) -> str:
    """Every table's CREATE TABLE and CREATE INDEX, then each column's Python-side default."""
    parts = []
    for table in Base.metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        parts.extend(f"{CreateIndex(index).compile(dialect=dialect)};"
                     for index in sorted(table.indexes, key=lambda index: str(index.name)))
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.default is not None:
                value = getattr(column.default, "arg", None)
                shown = getattr(value, "__name__", None) if callable(value) else repr(value)
                parts.append(f"-- default {table.name}.{column.name} = {shown}")
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()],
                         ids=["sqlite", "postgresql"])
def test_create_all_writes_the_recorded_ddl(dialect: Dialect) -> None:
    ddl = orm_ddl(dialect)
    assert "CREATE TABLE proposal_link" in ddl
    golden = GOLDEN / f"models_{dialect.name}.txt"
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        golden.write_text(ddl, encoding="utf-8")
    assert ddl == golden.read_text(encoding="utf-8")


def test_span_versions_and_ids_never_reused() -> None:
    assert Span.__mapper__.version_id_col is Span.__table__.c.version
    assert Span.__table__.dialect_kwargs["sqlite_autoincrement"] is True
    assert [c.name for c in Span.__table__.primary_key] == ["id"]
