"""proposals layer: suggested spans and relations, and the annotators' decisions

Created 2026-12-04.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.migrations.ddl import (
    MigratedTable,
    extent,
    foreign_key,
    integer,
    json_column,
    primary_key,
    timestamp,
)

revision = "0004"
down_revision = "0003"

PROPOSAL = MigratedTable("proposal", {"ix_proposal_document_state": ("document_id", "state")})
PROPOSAL_LINK = MigratedTable("proposal_link", {"ix_proposal_link_document": ("document_id",)},
                              on_columns=("source_id", "target_proposal_id"))


def upgrade() -> None:
    PROPOSAL.create(
        integer("id"),
        integer("document_id"),
        sa.Column("suggester", sa.String(length=64), nullable=False),
        *extent(),
        sa.Column("fragments_key", sa.String(length=255), nullable=False),
        json_column("attributes"),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        integer("decided_by", nullable=True),
        timestamp("decided_at", nullable=True),
        integer("span_id", nullable=True),
        timestamp("created_at"),
        foreign_key("proposal", "decided_by", "annotator", ondelete="SET NULL"),
        foreign_key("proposal", "document_id", "document"),
        foreign_key("proposal", "span_id", "span", ondelete="SET NULL"),
        primary_key("proposal"),
        sa.UniqueConstraint("document_id", "label", "fragments_key",
                            name="uq_proposal_document_label_fragments"),
        sqlite_autoincrement=True,
    )
    PROPOSAL_LINK.create(
        integer("id"),
        integer("document_id"),
        sa.Column("type", sa.String(length=64), nullable=False),
        integer("source_id"),
        integer("target_proposal_id", nullable=True),
        integer("target_span_id", nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        foreign_key("proposal_link", "document_id", "document"),
        foreign_key("proposal_link", "source_id", "proposal"),
        foreign_key("proposal_link", "target_proposal_id", "proposal"),
        foreign_key("proposal_link", "target_span_id", "span"),
        primary_key("proposal_link"),
    )


def downgrade() -> None:
    PROPOSAL_LINK.drop()
    PROPOSAL.drop()
