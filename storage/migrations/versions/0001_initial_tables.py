"""initial tables

Created 2026-11-22 07:37:59.325957.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrations.ddl import (
    MigratedTable,
    annotation_head,
    annotation_keys,
    created_updated,
    extent,
    integer,
    json_column,
    per_document_annotator,
    primary_key,
    timestamp,
)

revision = '0001'
down_revision = None

ANNOTATOR = MigratedTable('annotator')
DOCUMENT = MigratedTable('document', on_columns=('position',))
ENTITY = MigratedTable('entity')
PROJECT_META = MigratedTable('project_meta')
SCHEMA_VERSION = MigratedTable('schema_version')
DOCUMENT_STATUS = MigratedTable('document_status', {
    'ix_document_status_annotator_status': ('annotator_id', 'status')})
SPAN = MigratedTable('span', {
    'ix_span_document_annotator': ('document_id', 'annotator_id', 'start')},
    on_columns=('entity_id',))
RELATION = MigratedTable('relation', {
    'ix_relation_document_annotator': ('document_id', 'annotator_id')},
    on_columns=('source_id', 'target_id'))
#: in the order created
TABLES = (ANNOTATOR, DOCUMENT, ENTITY, PROJECT_META, SCHEMA_VERSION, DOCUMENT_STATUS, SPAN,
          RELATION)


def upgrade() -> None:
    ANNOTATOR.create(
        integer('id'),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        primary_key('annotator'),
        sa.UniqueConstraint('name', name=op.f('uq_annotator_name')),
    )
    DOCUMENT.create(
        integer('id'),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        json_column('meta'),
        timestamp('imported_at'),
        integer('position'),
        primary_key('document'),
        sa.UniqueConstraint('external_id', name=op.f('uq_document_external_id')),
        sa.UniqueConstraint('sha256', name=op.f('uq_document_sha256')),
    )
    ENTITY.create(
        integer('id'),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        json_column('aliases'),
        sa.Column('kb_id', sa.String(length=255), nullable=True),
        integer('version'),
        primary_key('entity'),
        sa.UniqueConstraint('external_id', name=op.f('uq_entity_external_id')),
    )
    PROJECT_META.create(
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        primary_key('project_meta', 'key'),
    )
    SCHEMA_VERSION.create(
        integer('id'),
        sa.Column('name', sa.String(length=64), nullable=False),
        integer('version'),
        sa.Column('xml', sa.Text(), nullable=False),
        timestamp('created_at'),
        primary_key('schema_version'),
    )
    DOCUMENT_STATUS.create(
        *per_document_annotator('document_status'),
        sa.Column('status', sa.String(length=16), nullable=False),
        timestamp('updated_at'),
    )
    SPAN.create(
        *annotation_head(),
        *extent(),
        json_column('attributes'),
        integer('entity_id', nullable=True),
        *created_updated(),
        integer('version'),
        *annotation_keys('span', ('entity_id', 'entity', 'SET NULL')),
    )
    RELATION.create(
        *annotation_head(),
        sa.Column('type', sa.String(length=64), nullable=False),
        integer('source_id'),
        integer('target_id'),
        json_column('attributes'),
        *created_updated(),
        *annotation_keys('relation', ('source_id', 'span', 'CASCADE'),
                         ('target_id', 'span', 'CASCADE')),
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop()
