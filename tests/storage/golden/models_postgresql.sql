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
CREATE TABLE assignment (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	assigned_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_assignment PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_assignment_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_assignment_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
);
CREATE INDEX ix_assignment_annotator ON assignment (annotator_id);
CREATE TABLE document_status (
	document_id INTEGER NOT NULL, 
	annotator_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	CONSTRAINT pk_document_status PRIMARY KEY (document_id, annotator_id), 
	CONSTRAINT fk_document_status_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_document_status_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE
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
	CONSTRAINT uq_span_document_annotator_external UNIQUE (document_id, annotator_id, external_id), 
	CONSTRAINT fk_span_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_span_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_span_entity_id_entity FOREIGN KEY(entity_id) REFERENCES entity (id) ON DELETE SET NULL
);
CREATE INDEX ix_span_document_annotator ON span (document_id, annotator_id, start);
CREATE INDEX ix_span_entity_id ON span (entity_id);
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
	CONSTRAINT uq_proposal_document_label_fragments UNIQUE (document_id, label, fragments_key), 
	CONSTRAINT fk_proposal_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_proposal_decided_by_annotator FOREIGN KEY(decided_by) REFERENCES annotator (id) ON DELETE SET NULL, 
	CONSTRAINT fk_proposal_span_id_span FOREIGN KEY(span_id) REFERENCES span (id) ON DELETE SET NULL
);
CREATE INDEX ix_proposal_document_state ON proposal (document_id, state);
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
	CONSTRAINT uq_relation_document_annotator_external UNIQUE (document_id, annotator_id, external_id), 
	CONSTRAINT fk_relation_document_id_document FOREIGN KEY(document_id) REFERENCES document (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_annotator_id_annotator FOREIGN KEY(annotator_id) REFERENCES annotator (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_source_id_span FOREIGN KEY(source_id) REFERENCES span (id) ON DELETE CASCADE, 
	CONSTRAINT fk_relation_target_id_span FOREIGN KEY(target_id) REFERENCES span (id) ON DELETE CASCADE
);
CREATE INDEX ix_relation_document_annotator ON relation (document_id, annotator_id);
CREATE INDEX ix_relation_source_id ON relation (source_id);
CREATE INDEX ix_relation_target_id ON relation (target_id);
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
-- default annotator.role = 'annotator'
-- default document.title = ''
-- default document.source = ''
-- default document.meta = dict
-- default document.imported_at = utcnow
-- default document.position = 0
-- default entity.kind = 'person'
-- default entity.aliases = list
-- default entity.version = 1
-- default schema_version.created_at = utcnow
-- default assignment.assigned_at = utcnow
-- default document_status.status = 'new'
-- default document_status.updated_at = utcnow
-- default span.attributes = dict
-- default span.created_at = utcnow
-- default span.updated_at = utcnow
-- default span.version = 1
-- default proposal.attributes = dict
-- default proposal.confidence = 0.5
-- default proposal.explanation = ''
-- default proposal.state = 'open'
-- default proposal.created_at = utcnow
-- default relation.attributes = dict
-- default relation.created_at = utcnow
-- default relation.updated_at = utcnow
-- default proposal_link.confidence = 0.5
-- default proposal_link.explanation = ''
