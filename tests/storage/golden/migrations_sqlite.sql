-- upgrade 0001
BEGIN DEFERRED;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE annotator (
	id INTEGER NOT NULL, 
	name VARCHAR(128) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	CONSTRAINT pk_annotator PRIMARY KEY (id), 
	CONSTRAINT uq_annotator_name UNIQUE (name)
);
CREATE TABLE document (
	id INTEGER NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	title TEXT NOT NULL, 
	text TEXT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	source TEXT NOT NULL, 
	meta JSON NOT NULL, 
	imported_at DATETIME NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_document PRIMARY KEY (id), 
	CONSTRAINT uq_document_external_id UNIQUE (external_id), 
	CONSTRAINT uq_document_sha256 UNIQUE (sha256)
);
CREATE INDEX ix_document_position ON document (position);
CREATE TABLE entity (
	id INTEGER NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	name TEXT NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	aliases JSON NOT NULL, 
	kb_id VARCHAR(255), 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_entity PRIMARY KEY (id), 
	CONSTRAINT uq_entity_external_id UNIQUE (external_id)
);
CREATE TABLE project_meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_project_meta PRIMARY KEY ("key")
);
CREATE TABLE schema_version (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	xml TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_schema_version PRIMARY KEY (id)
);
CREATE TABLE document_status (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_document_status PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_document_status_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_document_status_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);
CREATE INDEX ix_document_status_annotator_status ON document_status (annotator_id, status);
CREATE TABLE span (
	id INTEGER NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	label VARCHAR(64) NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	fragments JSON NOT NULL, 
	attributes JSON NOT NULL, 
	entity_id INTEGER, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	CONSTRAINT pk_span PRIMARY KEY (id), 
	CONSTRAINT fk_span_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_span_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_span_entity_id_entity FOREIGN KEY(entity_id) REFERENCES entity (id) ON DELETE SET NULL, 
	CONSTRAINT uq_span_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
CREATE INDEX ix_span_document_annotator ON span (document_id, annotator_id, start);
CREATE INDEX ix_span_entity_id ON span (entity_id);
CREATE TABLE relation (
	id INTEGER NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	type VARCHAR(64) NOT NULL, 
	source_id INTEGER NOT NULL, 
	target_id INTEGER NOT NULL, 
	attributes JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_relation PRIMARY KEY (id), 
	CONSTRAINT fk_relation_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_source_id_span FOREIGN KEY(source_id) REFERENCES span (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_target_id_span FOREIGN KEY(target_id) REFERENCES span (id) ON DELETE CASCADE, 
	CONSTRAINT uq_relation_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
CREATE INDEX ix_relation_document_annotator ON relation (document_id, annotator_id);
CREATE INDEX ix_relation_source_id ON relation (source_id);
CREATE INDEX ix_relation_target_id ON relation (target_id);
INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING version_num;

-- upgrade 0002
BEGIN DEFERRED;
CREATE TABLE assignment (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	assigned_at DATETIME NOT NULL, 
	CONSTRAINT pk_assignment PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_assignment_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_assignment_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);
CREATE INDEX ix_assignment_annotator ON assignment (annotator_id);
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

-- upgrade 0003
ALTER TABLE _alembic_tmp_entity RENAME TO entity;
ALTER TABLE _alembic_tmp_relation RENAME TO relation;
ALTER TABLE _alembic_tmp_span RENAME TO span;
BEGIN DEFERRED;
CREATE INDEX ix_relation_document_annotator ON relation (document_id, annotator_id);
CREATE INDEX ix_relation_source_id ON relation (source_id);
CREATE INDEX ix_relation_target_id ON relation (target_id);
CREATE INDEX ix_span_document_annotator ON span (document_id, annotator_id, start);
CREATE INDEX ix_span_entity_id ON span (entity_id);
CREATE TABLE _alembic_tmp_entity (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
	external_id VARCHAR(255) NOT NULL
	name TEXT NOT NULL
	kind VARCHAR(32) NOT NULL
	aliases JSON NOT NULL
	kb_id VARCHAR(255)
	version INTEGER NOT NULL
	CONSTRAINT uq_entity_external_id UNIQUE (external_id)
);
CREATE TABLE _alembic_tmp_relation (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
	external_id VARCHAR(255) NOT NULL
	document_id INTEGER NOT NULL
	annotator_id INTEGER NOT NULL
	type VARCHAR(64) NOT NULL
	source_id INTEGER NOT NULL
	target_id INTEGER NOT NULL
	attributes JSON NOT NULL
	created_at DATETIME NOT NULL
	updated_at DATETIME NOT NULL
	CONSTRAINT fk_relation_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_source_id_span FOREIGN KEY(source_id) REFERENCES span (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_target_id_span FOREIGN KEY(target_id) REFERENCES span (id) ON DELETE CASCADE
	CONSTRAINT uq_relation_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
CREATE TABLE _alembic_tmp_span (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
	external_id VARCHAR(255) NOT NULL
	document_id INTEGER NOT NULL
	annotator_id INTEGER NOT NULL
	label VARCHAR(64) NOT NULL
	start INTEGER NOT NULL
	"end" INTEGER NOT NULL
	fragments JSON NOT NULL
	attributes JSON NOT NULL
	entity_id INTEGER
	created_at DATETIME NOT NULL
	updated_at DATETIME NOT NULL
	version INTEGER NOT NULL
	CONSTRAINT fk_span_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
	CONSTRAINT fk_span_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
	CONSTRAINT fk_span_entity_id_entity FOREIGN KEY(entity_id) REFERENCES entity (id) ON DELETE SET NULL
	CONSTRAINT uq_span_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
DROP TABLE entity;
DROP TABLE relation;
DROP TABLE span;
INSERT INTO _alembic_tmp_entity (id, external_id, name, kind, aliases, kb_id, version) SELECT entity.id, entity.external_id, entity.name, entity.kind, entity.aliases, entity.kb_id, entity.version
FROM entity;
INSERT INTO _alembic_tmp_relation (id, external_id, document_id, annotator_id, type, source_id, target_id, attributes, created_at, updated_at) SELECT relation.id, relation.external_id, relation.document_id, relation.annotator_id, relation.type, relation.source_id, relation.target_id, relation.attributes, relation.created_at, relation.updated_at
FROM relation;
INSERT INTO _alembic_tmp_span (id, external_id, document_id, annotator_id, label, start, "end", fragments, attributes, entity_id, created_at, updated_at, version) SELECT span.id, span.external_id, span.document_id, span.annotator_id, span.label, span.start, span."end", span.fragments, span.attributes, span.entity_id, span.created_at, span.updated_at, span.version
FROM span;
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

-- upgrade 0004
BEGIN DEFERRED;
CREATE TABLE proposal (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	document_id INTEGER NOT NULL, 
	suggester VARCHAR(64) NOT NULL, 
	label VARCHAR(64) NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	fragments JSON NOT NULL, 
	fragments_key VARCHAR(255) NOT NULL, 
	attributes JSON NOT NULL, 
	confidence FLOAT NOT NULL, 
	explanation TEXT NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	decided_by INTEGER, 
	decided_at DATETIME, 
	span_id INTEGER, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT fk_proposal_decided_by_annotator FOREIGN KEY(decided_by) REFERENCES annotator (id) ON DELETE SET NULL, 
	CONSTRAINT fk_proposal_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_span_id_span FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE SET NULL, 
	CONSTRAINT uq_proposal_document_label_fragments UNIQUE (document_id, label, fragments_key)
);
CREATE INDEX ix_proposal_document_state ON proposal (document_id, state);
CREATE TABLE proposal_link (
	id INTEGER NOT NULL, 
	document_id INTEGER NOT NULL, 
	type VARCHAR(64) NOT NULL, 
	source_id INTEGER NOT NULL, 
	target_proposal_id INTEGER, 
	target_span_id INTEGER, 
	confidence FLOAT NOT NULL, 
	explanation TEXT NOT NULL, 
	CONSTRAINT pk_proposal_link PRIMARY KEY (id), 
	CONSTRAINT fk_proposal_link_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_link_source_id_proposal FOREIGN KEY(source_id) REFERENCES proposal (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_link_target_proposal_id_proposal FOREIGN KEY(target_proposal_id) REFERENCES proposal (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_link_target_span_id_span FOREIGN KEY(target_span_id) REFERENCES span (id) ON DELETE CASCADE
);
CREATE INDEX ix_proposal_link_document ON proposal_link (document_id);
CREATE INDEX ix_proposal_link_source_id ON proposal_link (source_id);
CREATE INDEX ix_proposal_link_target_proposal_id ON proposal_link (target_proposal_id);
UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';

-- downgrade 0003
BEGIN DEFERRED;
DROP INDEX ix_proposal_link_target_proposal_id;
DROP INDEX ix_proposal_link_source_id;
DROP INDEX ix_proposal_link_document;
DROP TABLE proposal_link;
DROP INDEX ix_proposal_document_state;
DROP TABLE proposal;
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0004';

-- downgrade 0002
ALTER TABLE _alembic_tmp_entity RENAME TO entity;
ALTER TABLE _alembic_tmp_relation RENAME TO relation;
ALTER TABLE _alembic_tmp_span RENAME TO span;
BEGIN DEFERRED;
CREATE INDEX ix_relation_document_annotator ON relation (document_id, annotator_id);
CREATE INDEX ix_relation_source_id ON relation (source_id);
CREATE INDEX ix_relation_target_id ON relation (target_id);
CREATE INDEX ix_span_document_annotator ON span (document_id, annotator_id, start);
CREATE INDEX ix_span_entity_id ON span (entity_id);
CREATE TABLE _alembic_tmp_entity (
	id INTEGER NOT NULL
	external_id VARCHAR(255) NOT NULL
	name TEXT NOT NULL
	kind VARCHAR(32) NOT NULL
	aliases JSON NOT NULL
	kb_id VARCHAR(255)
	version INTEGER NOT NULL
	PRIMARY KEY (id)
	CONSTRAINT uq_entity_external_id UNIQUE (external_id)
);
CREATE TABLE _alembic_tmp_relation (
	id INTEGER NOT NULL
	external_id VARCHAR(255) NOT NULL
	document_id INTEGER NOT NULL
	annotator_id INTEGER NOT NULL
	type VARCHAR(64) NOT NULL
	source_id INTEGER NOT NULL
	target_id INTEGER NOT NULL
	attributes JSON NOT NULL
	created_at DATETIME NOT NULL
	updated_at DATETIME NOT NULL
	PRIMARY KEY (id)
	CONSTRAINT fk_relation_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_source_id_span FOREIGN KEY(source_id) REFERENCES span (id) ON DELETE CASCADE
	CONSTRAINT fk_relation_target_id_span FOREIGN KEY(target_id) REFERENCES span (id) ON DELETE CASCADE
	CONSTRAINT uq_relation_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
CREATE TABLE _alembic_tmp_span (
	id INTEGER NOT NULL
	external_id VARCHAR(255) NOT NULL
	document_id INTEGER NOT NULL
	annotator_id INTEGER NOT NULL
	label VARCHAR(64) NOT NULL
	start INTEGER NOT NULL
	"end" INTEGER NOT NULL
	fragments JSON NOT NULL
	attributes JSON NOT NULL
	entity_id INTEGER
	created_at DATETIME NOT NULL
	updated_at DATETIME NOT NULL
	version INTEGER NOT NULL
	PRIMARY KEY (id)
	CONSTRAINT fk_span_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
	CONSTRAINT fk_span_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
	CONSTRAINT fk_span_entity_id_entity FOREIGN KEY(entity_id) REFERENCES entity (id) ON DELETE SET NULL
	CONSTRAINT uq_span_document_annotator_external UNIQUE (document_id, annotator_id, external_id)
);
DROP TABLE entity;
DROP TABLE relation;
DROP TABLE span;
INSERT INTO _alembic_tmp_entity (id, external_id, name, kind, aliases, kb_id, version) SELECT entity.id, entity.external_id, entity.name, entity.kind, entity.aliases, entity.kb_id, entity.version
FROM entity;
INSERT INTO _alembic_tmp_relation (id, external_id, document_id, annotator_id, type, source_id, target_id, attributes, created_at, updated_at) SELECT relation.id, relation.external_id, relation.document_id, relation.annotator_id, relation.type, relation.source_id, relation.target_id, relation.attributes, relation.created_at, relation.updated_at
FROM relation;
INSERT INTO _alembic_tmp_span (id, external_id, document_id, annotator_id, label, start, "end", fragments, attributes, entity_id, created_at, updated_at, version) SELECT span.id, span.external_id, span.document_id, span.annotator_id, span.label, span.start, span."end", span.fragments, span.attributes, span.entity_id, span.created_at, span.updated_at, span.version
FROM span;
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003';

-- downgrade 0001
BEGIN DEFERRED;
DROP INDEX ix_assignment_annotator;
DROP TABLE assignment;
UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002';

-- downgrade base
BEGIN DEFERRED;
DROP INDEX ix_relation_target_id;
DROP INDEX ix_relation_source_id;
DROP INDEX ix_relation_document_annotator;
DROP TABLE relation;
DROP INDEX ix_span_entity_id;
DROP INDEX ix_span_document_annotator;
DROP TABLE span;
DROP INDEX ix_document_status_annotator_status;
DROP TABLE document_status;
DROP TABLE schema_version;
DROP TABLE project_meta;
DROP TABLE entity;
DROP INDEX ix_document_position;
DROP TABLE document;
DROP TABLE annotator;
DELETE FROM alembic_version WHERE alembic_version.version_num = '0001';
