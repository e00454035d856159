"""proposals layer: suggested spans and relations, and the annotators' decisions

Created 2026-12-04.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("suggester", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("fragments", sa.JSON(), nullable=False),
        sa.Column("fragments_key", sa.String(length=255), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("span_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["annotator.id"],
                                name=op.f("fk_proposal_decided_by_annotator"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_proposal_document_id_document"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["span_id"], ["span.id"],
                                name=op.f("fk_proposal_span_id_span"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("document_id", "label", "fragments_key",
                            name="uq_proposal_document_label_fragments"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_document_state", ["document_id", "state"],
                              unique=False)
    op.create_table(
        "proposal_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_proposal_id", sa.Integer(), nullable=True),
        sa.Column("target_span_id", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_proposal_link_document_id_document"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["proposal.id"],
                                name=op.f("fk_proposal_link_source_id_proposal"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_proposal_id"], ["proposal.id"],
                                name=op.f("fk_proposal_link_target_proposal_id_proposal"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["target_span_id"], ["span.id"],
                                name=op.f("fk_proposal_link_target_span_id_span"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_link")),
    )
    with op.batch_alter_table("proposal_link", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_link_document", ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_link_source_id"), ["source_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_link_target_proposal_id"),
                              ["target_proposal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proposal_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_link_target_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_link_source_id"))
        batch_op.drop_index("ix_proposal_link_document")
    op.drop_table("proposal_link")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_document_state")
    op.drop_table("proposal")
