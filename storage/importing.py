"""The storing side of every import: records in, rows out, one file all or nothing.

Readers (:mod:`formats`) turn files into :mod:`storage.records`; the import
pipeline (:mod:`ingest`) hands them here. Each file is stored in its own
SAVEPOINT inside a group transaction, duplicates (same text) are skipped and
reported, ids are looked up in batches.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import with_retry
from storage.edits import CreateEntity, annotator_id, validate_relation, validate_span
from storage.errors import ProjectError, ValidationError
from storage.models import Annotator, Document, DocumentStatus, Entity, Relation, Span
from storage.records import AnnotationSetRecord, DocumentRecord, EntityRecord
from storage.schema import Schema
from storage.validation import (
    DOCUMENT_ID_MAX,
    check_annotator_name,
    check_document,
    check_text,
    short,
    storable,
)
from storage.vocabulary import STATUSES, Status

if TYPE_CHECKING:
    from storage.project import Project


def sha256_text(text: str) -> str:
    """The SHA-256 of a text's UTF-8 bytes: how imports recognise a text already stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class ImportReport:
    """What an import did: documents added, skipped duplicates, rejected inputs."""

    files: int = 0
    documents: int = 0
    spans: int = 0
    relations: int = 0
    entities: int = 0
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    """One line per document whose text came from a fallback extractor (``file: which``)."""
    notes: list[str] = field(default_factory=list)
    """What the import did beyond the files named (an ``entities.jsonl`` read beside a file)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = [f"{self.documents} document{'s' if self.documents != 1 else ''} imported "
                 f"from {self.files} file{'s' if self.files != 1 else ''}"]
        if self.spans or self.relations:
            parts.append(f"{self.spans} spans, {self.relations} relations")
        if self.entities:
            parts.append(f"{self.entities} actors")
        if self.fallbacks:
            parts.append(f"{len(self.fallbacks)} extracted by a fallback")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already in the project (skipped)")
        if self.errors:
            parts.append(f"{len(self.errors)} rejected")
        return "; ".join(parts)



GROUP_FILES = 100
GROUP_SECONDS = 0.5
LOOKUP_CHUNK = 500  # values per IN (...) look-up, well under every backend's limit
_DOCUMENT_INSERT = insert(Document.__table__)  # type: ignore[arg-type]
_STATUS_INSERT = insert(DocumentStatus.__table__)  # type: ignore[arg-type]


@dataclass
class ParsedFile:
    """A file as the parser returned it (its records, or its error message).

    The SHA-256 of each text is computed here, before any transaction begins.
    """

    file: Path
    parsed: list[DocumentRecord] | str
    digests: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.parsed, str):
            self.digests = _digests(self.parsed)


def _digests(records: Sequence[DocumentRecord]) -> dict[str, str]:
    """Text -> SHA-256 for the records of one file."""
    return {record.text: sha256_text(record.text) for record in records}


class Store:
    """What the files of one write transaction share while they are stored.

    Look-ups that do not change during the transaction are made once: the
    next position, annotator ids, the actor registry, and (one query per
    :data:`LOOKUP_CHUNK` values) which SHA-256s and external ids of the
    group's records are already in the project. Each file's additions to
    these are logged so :meth:`rollback_file` forgets them when the file's
    savepoint is rolled back.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.position = session.scalar(select(func.max(Document.position))) or 0
        self._annotators: dict[str, int] = {}
        self._entity_ids: dict[str, int] | None = None
        self._digests: dict[str, str] = {}
        self._hashes: set[str] = set()  # in the project or stored in this transaction
        self._hashes_checked: set[str] = set()
        self._ids: set[str] = set()
        self._ids_checked: set[str] = set()
        self._file_position = self.position
        self._file_log: list[tuple[str, str]] = []

    def prefetch(self, files: Iterable[tuple[Sequence[DocumentRecord], dict[str, str]]]) -> None:
        """Learns in a few queries which of these records' texts and ids are taken.

        Args:
            files: each file's records with their text -> SHA-256 map.
        """
        candidates: dict[str, None] = {}
        for records, digests in files:
            self._digests.update(digests)
            for record in records:
                candidates[record.external_id or digests[record.text][:12]] = None
        wanted = [d for d in dict.fromkeys(self._digests.values())
                  if d not in self._hashes_checked]
        self._hashes.update(self._existing(Document.sha256, wanted))
        self._hashes_checked.update(wanted)
        self._prefetch_ids(candidates)

    def _prefetch_ids(self, candidates: Iterable[str]) -> None:
        # an id that cannot be stored is refused by check_document, not looked up
        wanted = [c for c in candidates if c not in self._ids_checked and storable(c)]
        self._ids.update(self._existing(Document.external_id, wanted))
        self._ids_checked.update(wanted)

    def digest(self, text: str) -> str:
        found = self._digests.get(text)
        return found if found is not None else sha256_text(text)

    def _existing(self, column: Any, values: list[str]) -> set[str]:
        found: set[str] = set()
        for offset in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[offset:offset + LOOKUP_CHUNK]
            found.update(self.session.scalars(select(column).where(column.in_(chunk))))
        return found

    def hash_taken(self, digest: str) -> bool:
        """True when the text is in the project or was stored earlier in this transaction."""
        if digest not in self._hashes_checked:
            self._hashes.update(self._existing(Document.sha256, [digest]))
            self._hashes_checked.add(digest)
        return digest in self._hashes

    def take_hash(self, digest: str) -> None:
        self._hashes.add(digest)
        self._file_log.append(("hash", digest))

    def id_taken(self, candidate: str) -> bool:
        if candidate not in self._ids_checked:
            self._prefetch_ids([candidate])
        return candidate in self._ids

    def take_id(self, external_id: str) -> None:
        self._ids.add(external_id)
        self._file_log.append(("id", external_id))

    def annotator(self, name: str) -> int:
        """The annotator's id, created on first use (and forgotten if its file rolls back)."""
        found = self._annotators.get(name)
        if found is None:
            check_annotator_name(name)
            found = self.session.scalar(select(Annotator.id).where(Annotator.name == name))
            if found is None:
                found = annotator_id(self.session, name)
                self._file_log.append(("annotator", name))
            self._annotators[name] = found
        return found

    def entity_ids(self) -> dict[str, int]:
        if self._entity_ids is None:
            self._entity_ids = dict(self.session.execute(
                select(Entity.external_id, Entity.id)).all())
        return self._entity_ids

    def insert_document(self, **values: Any) -> int:
        self.position += 1
        result = self.session.connection().execute(
            _DOCUMENT_INSERT, {**values, "position": self.position})
        key = result.inserted_primary_key
        assert key is not None
        document_id: int = key[0]
        return document_id

    def insert_status(self, document_id: int, annotator: int, status: str) -> None:
        self.session.connection().execute(
            _STATUS_INSERT, {"document_id": document_id, "annotator_id": annotator,
                             "status": status})

    def begin_file(self) -> None:
        self._file_position = self.position
        self._file_log = []

    def rollback_file(self) -> None:
        """Forgets what the file whose savepoint was just rolled back added."""
        self.position = self._file_position
        for kind, value in self._file_log:
            if kind == "hash":
                self._hashes.discard(value)
            elif kind == "id":
                self._ids.discard(value)
            else:
                self._annotators.pop(value, None)
        self._file_log = []


def add_counts(report: ImportReport, other: ImportReport) -> None:
    report.documents += other.documents
    report.spans += other.spans
    report.relations += other.relations
    report.duplicates += other.duplicates
    report.fallbacks += other.fallbacks



def located(exc: Exception, file: Path) -> str:
    message = str(exc)
    return message if message.startswith(str(file)) else f"{file}: {message}"



def store_files(project: Project, pending: Sequence[ParsedFile], annotator: str | None,
                 report: ImportReport, done: int,
                 announce: Callable[[int, Path], None]) -> int:
    """Stores the first files of ``pending`` in one transaction; returns how many.

    Stops after :data:`GROUP_SECONDS` of storing (at least one file), so the
    write lock is never held long. Each file is stored in its own SAVEPOINT:
    a file that breaks the schema or clashes with the project is rolled
    back alone and reported. ``report`` is updated only once the group's
    commit has returned; a retry (busy database) rebuilds the group's report.
    """
    consumed = 0
    group = ImportReport()

    def work() -> None:
        nonlocal consumed, group
        consumed = 0
        group = ImportReport()
        with project.db.writing() as session:
            store = Store(session)
            store.prefetch((item.parsed, item.digests) for item in pending
                           if not isinstance(item.parsed, str))
            started = time.monotonic()
            for item in pending:
                if consumed and time.monotonic() - started >= GROUP_SECONDS:
                    break
                announce(done + consumed, item.file)
                consumed += 1
                group.files += 1
                if isinstance(item.parsed, str):
                    group.errors.append(item.parsed)
                    continue
                where = str(item.file)
                local = ImportReport()
                savepoint = session.begin_nested()
                store.begin_file()
                try:
                    store_records(project, store, item.parsed, where, annotator, local)
                    savepoint.commit()
                except ValidationError as exc:
                    savepoint.rollback()
                    store.rollback_file()
                    group.errors.append(located(exc, item.file))
                    continue
                except IntegrityError as exc:
                    savepoint.rollback()
                    store.rollback_file()
                    group.errors.append(
                        located(ValidationError(f"{where}: conflicts with the project: "
                                                 f"{exc.orig}"), item.file))
                    continue
                add_counts(group, local)

    try:
        with_retry(work)
    except ProjectError as exc:  # busy after every retry: these files were not stored
        group = ImportReport()
        consumed = len(pending)
        for index, item in enumerate(pending):
            announce(done + index, item.file)
            group.files += 1
            group.errors.append(item.parsed if isinstance(item.parsed, str)
                                else located(exc, item.file))
    add_counts(report, group)
    report.files += group.files
    report.errors += group.errors
    return consumed


def import_entities(project: Project, records: Sequence[EntityRecord], where: str,
                    report: ImportReport | None = None) -> int:
    """Adds actors to the registry (an id already there is kept as is)."""

    def work() -> int:
        added = 0
        with project.db.writing() as session:
            known = set(session.scalars(select(Entity.external_id)))
            for record in records:
                if record.id in known:
                    continue
                try:
                    CreateEntity(record.name, record.kind, record.aliases, record.kb_id,
                                 external_id=record.id).apply(session, project.schema)
                except ValidationError as exc:
                    raise ValidationError(f"{where}: actor '{record.id}': {exc}") from exc
                known.add(record.id)
                added += 1
        return added

    added = with_retry(work)
    if report is not None:
        report.entities += added
    return added


def import_records(project: Project, records: Sequence[DocumentRecord], where: str,
                   annotator: str | None = None,
                   report: ImportReport | None = None) -> ImportReport:
    """Stores the documents of one file in one transaction, all or nothing.

    Durable when this returns (its own commit).

    Raises:
        ValidationError: naming ``where`` and the line of the first bad record.
    """
    report = report if report is not None else ImportReport()
    local = ImportReport()

    def work() -> None:
        local.__init__()  # type: ignore[misc]
        with project.db.writing() as session:
            store = Store(session)
            store.prefetch([(records, _digests(records))])
            store_records(project, store, records, where, annotator, local)

    try:
        with_retry(work)
    except IntegrityError as exc:
        raise ValidationError(f"{where}: conflicts with the project: {exc.orig}") from exc
    add_counts(report, local)
    return report


def store_records(project: Project, store: Store, records: Sequence[DocumentRecord], where: str,
                   annotator: str | None, report: ImportReport) -> None:
    """Stores the records of one file through ``store`` (the caller owns the transaction).

    Raises:
        ValidationError: a record breaks the schema or the text; the caller
            rolls back what this file stored.
    """
    session = store.session
    default_annotator = annotator
    for record in records:
        at = f"{where}:{record.line}" if record.line else where
        try:
            check_document(record, where)
        except ValidationError as exc:
            raise ValidationError(f"{at}: {exc}") from exc
        digest = store.digest(record.text)
        if store.hash_taken(digest):
            report.duplicates.append(f"{at}: '{record.title or record.external_id}' is "
                                     "already in the project")
            continue
        store.take_hash(digest)
        external_id = record.external_id or digest[:12]
        if store.id_taken(external_id):
            suffix = 2
            while store.id_taken(f"{external_id}-{suffix}"):
                suffix += 1
            external_id = f"{external_id}-{suffix}"
            try:
                check_text(external_id, f"document id '{short(external_id)}' (numbered "
                           "because the id was taken)", DOCUMENT_ID_MAX)
            except ValidationError as exc:
                raise ValidationError(f"{at}: {exc}") from exc
        store.take_id(external_id)
        document_id = store.insert_document(
            external_id=external_id, title=record.title or external_id, text=record.text,
            sha256=digest, source=record.source or where, meta=dict(record.meta))
        report.documents += 1
        extraction = record.meta.get("extraction")
        if extraction:
            report.fallbacks.append(f"{at}: text from {extraction}")
        if default_annotator and not record.annotations:
            store.insert_status(document_id, _annotator(store, default_annotator, at),
                                Status.NEW)
        if not record.annotations:
            continue
        document = Document(id=document_id, text=record.text)  # for validation only
        for annotation_set in record.annotations:
            name = annotation_set.annotator or default_annotator
            if not name:
                raise ValidationError(f"{at}: an annotation set has no annotator")
            check_status(annotation_set.status, at)
            who = _annotator(store, name, at)
            store.insert_status(document_id, who, annotation_set.status)
            spans, relations = store_annotation_set(
                session, project.schema, document, who, annotation_set, store.entity_ids, at,
                " (import its entities.jsonl first)")
            report.spans += len(spans)
            report.relations += len(relations)


def check_status(status: str, at: str) -> None:
    """Refuses a status that is not one of :data:`storage.models.STATUSES`."""
    if status not in STATUSES:
        raise ValidationError(f"{at}: status '{status}' is not one of {', '.join(STATUSES)}")


def store_annotation_set(session: Session, schema: Schema, document: Document, who: int,
                         layer: AnnotationSetRecord, entity_ids: Callable[[], dict[str, int]],
                         at: str, missing_actor_hint: str = ""
                         ) -> tuple[list[Span], list[Relation]]:
    """Validates and adds one annotator's spans and relations to a stored document.

    Every import stores annotations here: a new document's sets
    (:func:`store_records`) and a layer added to a document already stored
    (:class:`ingest.layers.AddLayer`). The caller owns the transaction and the
    status row; rows are flushed, so their ids are set.

    Args:
        session: the open write session.
        schema: the project's schema (labels, relation types, attributes).
        document: the document (its id and text).
        who: the annotator's id.
        layer: the spans and relations, with ids local to the file.
        entity_ids: the actor registry, external id -> id (called only when a
            span links to an actor).
        at: the file (and line), for messages.
        missing_actor_hint: appended to the message about an actor not in the
            registry.

    Raises:
        ValidationError: naming ``at`` and the span or relation at fault.
    """
    spans: dict[str, Span] = {}
    for span_record in layer.spans:
        entity_id = None
        if span_record.entity is not None:
            entity_id = entity_ids().get(span_record.entity)
            if entity_id is None:
                raise ValidationError(
                    f"{at}: span '{span_record.id}' links to actor '{span_record.entity}', "
                    f"which is not in the registry{missing_actor_hint}")
        try:
            fragments, values = validate_span(
                session, schema, document, span_record.label, span_record.fragments,
                span_record.attributes, entity_id, span_record.id)
        except ValidationError as exc:
            raise ValidationError(f"{at}: span '{span_record.id}': {exc}") from exc
        span = Span(document_id=document.id, annotator_id=who, label=span_record.label,
                    start=fragments[0][0], end=fragments[-1][1],
                    fragments=[list(f) for f in fragments], attributes=values,
                    entity_id=entity_id, external_id=span_record.id)
        session.add(span)
        spans[span_record.id] = span
    session.flush()
    relations: list[Relation] = []
    per_source: dict[tuple[int, str], int] = defaultdict(int)
    for relation_record in layer.relations:
        source = spans.get(relation_record.source)
        target = spans.get(relation_record.target)
        if source is None or target is None:
            missing = relation_record.source if source is None else relation_record.target
            raise ValidationError(f"{at}: relation '{relation_record.id}' refers to a missing "
                                  f"span '{missing}'")
        try:
            values = validate_relation(
                session, schema, relation_record.type, source, target,
                relation_record.attributes,
                existing=per_source[(source.id, relation_record.type)],
                external_id=relation_record.id)
        except ValidationError as exc:
            raise ValidationError(f"{at}: relation '{relation_record.id}': {exc}") from exc
        per_source[(source.id, relation_record.type)] += 1
        relation = Relation(document_id=document.id, annotator_id=who,
                            type=relation_record.type, source_id=source.id,
                            target_id=target.id, attributes=values,
                            external_id=relation_record.id)
        session.add(relation)
        relations.append(relation)
    session.flush()
    return list(spans.values()), relations


def _annotator(store: Store, name: str, at: str) -> int:
    try:
        return store.annotator(name)
    except ValidationError as exc:
        raise ValidationError(f"{at}: {exc}") from exc
