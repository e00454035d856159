"""assignments of documents to annotators

Created 2026-11-22.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotator.id"],
                                name=op.f("fk_assignment_annotator_id_annotator"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_assignment_document_id_document"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index("ix_assignment_annotator", ["annotator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_annotator")
    op.drop_table("assignment")
