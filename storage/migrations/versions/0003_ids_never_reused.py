"""span, relation and entity ids are never reused (SQLite AUTOINCREMENT)

Without AUTOINCREMENT, SQLite hands the id of a deleted row (an undone span) to
the next insert, so redoing the undone edit would clash with somebody else's
new span. PostgreSQL sequences never reuse ids: only SQLite tables change.

Created 2026-11-22.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"

TABLES = ("entity", "span", "relation")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in reversed(TABLES):
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}):
            pass
