-- upgrade 0001
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE annotator (
	id SERIAL NOT NULL, 
	name VARCHAR(128) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	CONSTRAINT pk_annotator PRIMARY KEY (id), 
	CONSTRAINT uq_annotator_name UNIQUE (name)
);
CREATE TABLE document (
	id SERIAL NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	title TEXT NOT NULL, 
	text TEXT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	source TEXT NOT NULL, 
	meta JSON NOT NULL, 
	imported_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_document PRIMARY KEY (id), 
	CONSTRAINT uq_document_external_id UNIQUE (external_id), 
	CONSTRAINT uq_document_sha256 UNIQUE (sha256)
);
CREATE INDEX ix_document_position ON document (position);
CREATE TABLE entity (
	id SERIAL NOT NULL, 
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
	key VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_project_meta PRIMARY KEY (key)
);
CREATE TABLE schema_version (
	id SERIAL NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	xml TEXT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_schema_version PRIMARY KEY (id)
);
CREATE TABLE document_status (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_document_status PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_document_status_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_document_status_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);
CREATE INDEX ix_document_status_annotator_status ON document_status (annotator_id, status);
CREATE TABLE span (
	id SERIAL NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	label VARCHAR(64) NOT NULL, 
	start INTEGER NOT NULL, 
	"end" INTEGER NOT NULL, 
	fragments JSON NOT NULL, 
	attributes JSON NOT NULL, 
	entity_id INTEGER, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
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
	id SERIAL NOT NULL, 
	external_id VARCHAR(255) NOT NULL, 
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	type VARCHAR(64) NOT NULL, 
	source_id INTEGER NOT NULL, 
	target_id INTEGER NOT NULL, 
	attributes JSON NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
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
INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;

-- upgrade 0002
CREATE TABLE assignment (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	assigned_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_assignment PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_assignment_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_assignment_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE
);
CREATE INDEX ix_assignment_annotator ON assignment (annotator_id);
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

-- upgrade 0003
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

-- upgrade 0004
CREATE TABLE proposal (
	id SERIAL NOT NULL, 
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
	decided_at TIMESTAMP WITH TIME ZONE, 
	span_id INTEGER, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_proposal PRIMARY KEY (id), 
	CONSTRAINT fk_proposal_decided_by_annotator FOREIGN KEY(decided_by) REFERENCES annotator (id) ON DELETE SET NULL, 
	CONSTRAINT fk_proposal_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_span_id_span FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE SET NULL, 
	CONSTRAINT uq_proposal_document_label_fragments UNIQUE (document_id, label, fragments_key)
);
CREATE INDEX ix_proposal_document_state ON proposal (document_id, state);
CREATE TABLE proposal_link (
	id SERIAL NOT NULL, 
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
DROP INDEX ix_proposal_link_target_proposal_id;
DROP INDEX ix_proposal_link_source_id;
DROP INDEX ix_proposal_link_document;
DROP TABLE proposal_link;
DROP INDEX ix_proposal_document_state;
DROP TABLE proposal;
UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0004';

-- downgrade 0002
UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0003';

-- downgrade 0001
DROP INDEX ix_assignment_annotator;
DROP TABLE assignment;
UPDATE alembic_version SET version_num='0001' WHERE alembic_version.version_num = '0002';

-- downgrade base
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
