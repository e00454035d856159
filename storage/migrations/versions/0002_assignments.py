"""assignments of documents to annotators

Created 2026-11-22.
"""

from __future__ import annotations

from storage.migrations.ddl import MigratedTable, per_document_annotator, timestamp

revision = "0002"
down_revision = "0001"

ASSIGNMENT = MigratedTable("assignment", {"ix_assignment_annotator": ("annotator_id",)})


def upgrade() -> None:
    ASSIGNMENT.create(*per_document_annotator("assignment"), timestamp("assigned_at"))


def downgrade() -> None:
    ASSIGNMENT.drop()
