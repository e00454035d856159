"""The migrations run the same SQL as when they were written, up and down, on both backends.

Migrations are history: a project made by an older Saywho is upgraded by them, so
what they do must never change, however their code is arranged. The golden files
hold every statement each step ran when they were recorded (reflection queries
aside); ``SAYWHO_UPDATE_GOLDEN=1`` rewrites them, which only a new migration may
need (its steps are added, the old ones must stay as they are).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event
from sqlalchemy.engine import make_url

from storage import db

GOLDEN = Path(__file__).parent / "golden"

#: every step up from nothing, then every step back down: (command, revision, whether
#: SQLite rebuilds tables from what it reflects, in an order that varies from run to run)
STEPS = (("upgrade", "0001", False), ("upgrade", "0002", False), ("upgrade", "0003", True),
         ("upgrade", "0004", False), ("downgrade", "0003", False),
         ("downgrade", "0002", True), ("downgrade", "0001", False),
         ("downgrade", "base", False))


def canonical(statement: str) -> str:
    """A statement of a rebuild, in the one order: its constraint lines sorted, each line
    without its trailing comma (the last one has none)."""
    lines = [line.rstrip().removesuffix(",").rstrip() for line in statement.strip().splitlines()]
    places = [i for i, line in enumerate(lines) if line.lstrip().startswith("CONSTRAINT ")]
    for place, line in zip(places, sorted(lines[i] for i in places), strict=True):
        lines[place] = line
    return "\n".join(lines)


def migration_log(url: Any, *, rebuilds: bool) -> str:
    """Runs :data:`STEPS` on the empty database at ``url``; returns what each step ran.

    Args:
        url: where the database is.
        rebuilds: the steps that rebuild tables do so in a varying order (SQLite):
            their statements are made :func:`canonical` and sorted; all others are
            kept as they ran.
    """
    database = db.Database(url)
    ran: list[tuple[str, Any]] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def record(connection: Any, cursor: Any, statement: str, params: Any, context: Any,
               executemany: bool) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            ran.append((statement.strip(), params))

    config = db.alembic_config(database.engine)
    steps = []
    try:
        for direction, revision, rebuild in STEPS:
            ran.clear()
            getattr(command, direction)(config, revision)
            statements = [(canonical(s), p) for s, p in ran] if rebuild and rebuilds else ran
            if rebuild and rebuilds:
                statements.sort()
            steps.append(f"-- {direction} {revision}\n" + "".join(
                f"{s};\n" + (f"-- params {p!r}\n" if p else "") for s, p in statements))
    finally:
        database.close()
    return "\n".join(steps)


def assert_golden(text: str, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_sqlite_migrations_run_the_recorded_sql(tmp_path: Path) -> None:
    log = migration_log(db.to_url(tmp_path / "migrated.sqlite"), rebuilds=True)
    assert "CREATE TABLE proposal_link" in log and "DROP TABLE relation" in log
    assert_golden(log, "migrations_sqlite.txt")


@pytest.mark.postgres
def test_postgresql_migrations_run_the_recorded_sql(pg_url: str) -> None:
    log = migration_log(make_url(pg_url), rebuilds=False)
    assert "CREATE TABLE proposal_link" in log and "DROP TABLE relation" in log
    assert_golden(log, "migrations_postgresql.txt")


def test_canonical_sorts_constraints_and_keeps_columns_in_order() -> None:
    def table(*lines: str) -> str:
        return "CREATE TABLE t (\n" + ", \n".join(f"\t{line}" for line in lines) + "\n)"

    one = table("b INT", "a INT", "CONSTRAINT z CHECK (a)", "CONSTRAINT y PK (b)")
    other = table("b INT", "a INT", "CONSTRAINT y PK (b)", "CONSTRAINT z CHECK (a)")
    assert canonical(one) == canonical(other)
    assert canonical(one).splitlines() == [
        "CREATE TABLE t (", "\tb INT", "\ta INT", "\tCONSTRAINT y PK (b)",
        "\tCONSTRAINT z CHECK (a)", ")"]
    swapped = table("a INT", "b INT", "CONSTRAINT y PK (b)", "CONSTRAINT z CHECK (a)")
    assert canonical(swapped) != canonical(one)
