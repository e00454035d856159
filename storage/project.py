"""The project: the one API the GUI, the CLI and the exporters call.

A :class:`Project` wraps one database (a SQLite file or any SQLAlchemy URL)
and its current annotation schema. Reads return frozen views; every write runs
in its own transaction (with a bounded retry when another writer holds the
lock) and returns the :class:`~storage.views.Changes` it made.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Text, func, select, tuple_, type_coerce
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from saywho import __version__
from storage import db, importing
from storage.consistency import schema_conflicts
from storage.db import Database, describe, is_sqlite, to_url, with_retry
from storage.edits import (
    AddRelation,
    AddSpan,
    Assign,
    CreateEntity,
    Edit,
    annotator_id,
    stored,
)
from storage.errors import (
    ConflictError,
    DiskFullError,
    NotFoundError,
    ProjectError,
    SchemaError,
    ValidationError,
)
from storage.gcpause import collector_paused
from storage.importing import ImportReport
from storage.models import (
    STATUSES,
    Annotator,
    Assignment,
    Base,
    Document,
    DocumentStatus,
    Entity,
    ProjectMeta,
    Relation,
    SchemaVersion,
    Span,
    Status,
)
from storage.proposals import (
    ProposalLinkView,
    ProposalView,
    StoreReport,
    read_links,
    read_proposals,
    store_proposals,
)
from storage.records import DocumentRecord, EntityRecord, ProposedRelation, ProposedSpan
from storage.schema import Schema, default_schema, load_schema, parse_schema
from storage.views import (
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    AnnotatorView,
    Changes,
    DocumentInfo,
    DocumentView,
    EntityView,
    RelationView,
    SpanView,
)
from storage.vocabulary import ValueType

#: the program version (written once, in saywho/__init__.py), recorded in each project
SAYWHO_VERSION = __version__
ProgressCallback = Callable[[int, int, str], None]


# The JSON columns read as their stored text (SQLite gives text) and decoded here: the few
# distinct attribute objects of a document are parsed once (opening a document with
# 10,000 spans and 8,000 relations parses a handful, not 18,000). Drivers that decode JSON
# themselves (psycopg) hand over the value, used as it is.
_SPAN_TEXT_COLUMNS = (*SPAN_COLUMNS[:5], type_coerce(Span.fragments, Text),
                      type_coerce(Span.attributes, Text), *SPAN_COLUMNS[7:])
_RELATION_TEXT_COLUMNS = (*RELATION_COLUMNS[:7], type_coerce(Relation.attributes, Text))
#: ids per ``IN (...)`` of a by-id read (below every backend's limit on bound parameters)
_IDS_PER_QUERY = 500
_SCALARS = frozenset({str, int, float, bool, type(None)})


class _JsonColumns:
    """Decodes JSON column values of one read; attribute objects of scalars once each."""

    def __init__(self) -> None:
        self._attributes: dict[str, dict[str, Any]] = {}

    @staticmethod
    def fragments(raw: Any) -> Any:
        """A span's fragments; one fragment (most spans) is read without a JSON parse."""
        if type(raw) is not str:
            return raw
        if raw.count("[") == 2:
            start, end = raw.strip("[] ").split(",")
            return ((int(start), int(end)),)
        return json.loads(raw)

    def attributes(self, raw: Any) -> dict[str, Any]:
        """A fresh dict per row, as decoding each value would give."""
        if type(raw) is not str:
            return dict(raw or {})
        cached = self._attributes.get(raw)
        if cached is not None:
            return cached.copy()
        value = json.loads(raw) or {}
        if type(value) is dict and all(type(item) in _SCALARS for item in value.values()):
            self._attributes[raw] = value
            return value.copy()
        return value



@contextmanager
def _closed_on_failure(database: Database, failure: str) -> Iterator[None]:
    """Closes the database of a create or open that fails; a database error becomes a
    :class:`ProjectError` worded by ``failure`` (its ``{error}`` the driver's message),
    anything else is re-raised as it was."""
    try:
        yield
    except BaseException as exc:
        database.close()
        if not isinstance(exc, DatabaseError):
            raise
        url = database.url
        raise ProjectError(f"{describe(url)}: "
                           + failure.format(error=db.error_text(url, exc))) from exc


class Project:
    """An open Saywho project. Use :meth:`create` or :meth:`open`."""

    def __init__(self, database: Database, schema: Schema) -> None:
        self.db = database
        self.schema = schema

    # ------------------------------------------------------------ lifecycle

    @property
    def name(self) -> str:
        return describe(self.db.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.db.url)

    @property
    def path(self) -> Path | None:
        """The project file, for SQLite projects."""
        return Path(self.db.url.database) if self.is_sqlite and self.db.url.database else None

    @classmethod
    def create(cls, project: str | Path, schema: Schema | Path | str | None = None) -> Project:
        """Creates a new, empty project at the current database revision.

        Raises:
            ProjectError: the file exists, the folder is missing, the database is
                not empty or cannot be reached.
            SchemaError: the schema file is invalid.
        """
        if schema is None:
            schema = default_schema()
        elif not isinstance(schema, Schema):
            schema = load_schema(schema)
        url = to_url(project)
        if is_sqlite(url):
            db.check_sqlite_file(Path(url.database or ""), must_exist=False)
        database = Database(url)
        with _closed_on_failure(database, "cannot create the project: {error}"):
            if database.table_names():
                raise ProjectError(f"{describe(url)}: the database is not empty; "
                                   "open it instead of creating a project there")
            Base.metadata.create_all(database.engine)
            db.stamp_head(database)
            with database.writing() as session:
                session.add(ProjectMeta(key="saywho_version", value=SAYWHO_VERSION))
                session.add(ProjectMeta(key="created_by", value=f"Saywho {SAYWHO_VERSION}"))
                session.add(SchemaVersion(name=schema.name, version=schema.version,
                                          xml=schema.xml))
        return cls(database, schema)

    @classmethod
    def open(cls, project: str | Path, backup_keep: int = 0, *,
             readonly: bool = False, backup_required: bool = False) -> Project:
        """Opens an existing project, migrating it to the current revision.

        A SQLite file is looked at through a read-only connection first, so a
        file that is refused (not SQLite, truncated, not Saywho's, written by a
        newer Saywho) is never opened for writing and stays byte for byte as it
        was. With ``backup_keep`` > 0 (the window and the import command), a
        SQLite project is then copied into its ``backups`` folder with SQLite's
        online backup API, keeping the newest ``backup_keep`` copies; a backup
        that cannot be written is logged, never a reason to refuse the project.

        Args:
            project: a project file path or a database URL.
            backup_keep: how many backups to keep (0: make none).
            backup_required: a backup that cannot be written because the disk is
                full refuses the project (``import``: a full disk must stop it before
                it writes) instead of being logged.
            readonly: open for reading only (``check``, ``stats``, ``export``):
                never migrates, never backs up (``backup_keep`` is ignored),
                never writes, works on a read-only file or folder; every write
                method raises :class:`ProjectError`. A project at an older
                revision is refused: it has to be upgraded by opening it normally.

        Raises:
            ProjectError: missing, not a project, too new, too old to read
                without upgrading (``readonly``), read-only (unless ``readonly``),
                unreachable.
            DiskFullError: ``backup_required`` and the backup hit a full disk.
        """
        url = to_url(project)
        if is_sqlite(url):
            path = Path(url.database or "")
            db.check_sqlite_file(path, must_exist=True)
            _refuse_unsupported(describe(url), db.inspect_sqlite_file(path), readonly)
            if not readonly:
                db.check_sqlite_writable(path)
        database = Database(url, readonly=readonly)
        with _closed_on_failure(database, "not a readable Saywho project ({error})"):
            facts = db.inspect_database(database)
            _refuse_unsupported(describe(url), facts, readonly)
            if not readonly:
                if is_sqlite(url) and backup_keep > 0:
                    _backup(Path(url.database or ""), backup_keep, backup_required)
                if facts.revision != db.head_revision():
                    db.upgrade(database)
            with database.reading() as session:
                row = session.scalars(
                    select(SchemaVersion).order_by(SchemaVersion.id.desc()).limit(1)
                ).first()
                if row is None:
                    raise ProjectError(f"{describe(url)}: the project has no schema")
                xml = row.xml
            schema = parse_schema(xml, where=f"{describe(url)} (stored schema)")
        return cls(database, schema)

    def snapshot(self) -> AbstractContextManager[Session]:
        """A block in which every read of this thread sees one consistent state of the
        project (see :meth:`storage.db.Database.snapshot`): exports and reports read
        inside one, so an edit committed meanwhile is in all of what they read or in
        none of it."""
        return self.db.snapshot()

    @property
    def readonly(self) -> bool:
        """True when opened with ``readonly=True``: every write is refused."""
        return self.db.readonly

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- edits

    def apply(self, edit: Edit) -> Changes:
        """Validates and applies one edit in its own transaction.

        Raises:
            ValidationError: the edit breaks the schema or the text.
            ConflictError: somebody else changed or removed what it touches.
        """

        def work() -> Changes:
            with self.db.writing() as session:
                return edit.apply(session, self.schema)

        return _conflicts_explained(lambda: with_retry(work))

    def revert(self, edit: Edit) -> Changes:
        """Undoes an edit applied before, in its own transaction."""

        def work() -> Changes:
            with self.db.writing() as session:
                return edit.revert(session, self.schema)

        return _conflicts_explained(lambda: with_retry(work))

    def add_span(self, document_id: int, annotator: str, label: str,
                 fragments: Sequence[Sequence[int]], attributes: dict[str, Any] | None = None,
                 entity_id: int | None = None) -> SpanView:
        """Adds a span and returns it as stored."""
        edit = AddSpan(document_id, annotator, label, fragments, attributes, entity_id)
        self.apply(edit)
        assert edit.span_id is not None
        return self.span(edit.span_id)

    def add_relation(self, type_: str, source_id: int, target_id: int,
                     attributes: dict[str, Any] | None = None) -> RelationView:
        edit = AddRelation(type_, source_id, target_id, attributes)
        self.apply(edit)
        assert edit.relation_id is not None
        return self.relation(edit.relation_id)

    def create_entity(self, name: str, kind: str = "person", aliases: Sequence[str] = (),
                      kb_id: str | None = None) -> EntityView:
        edit = CreateEntity(name, kind, aliases, kb_id)
        self.apply(edit)
        assert edit.entity_id is not None
        return self.entity(edit.entity_id)

    # ---------------------------------------------------------------- reads

    def annotators(self) -> list[AnnotatorView]:
        with self.db.reading() as session:
            return [AnnotatorView(a.id, a.name, a.role)
                    for a in session.scalars(select(Annotator).order_by(Annotator.name))]

    def ensure_annotator(self, name: str, role: str | None = None) -> AnnotatorView:
        """Returns the annotator called ``name``, creating it (and setting its role)."""

        def work() -> AnnotatorView:
            with self.db.writing() as session:
                who = annotator_id(session, name)
                row = session.get(Annotator, who)
                assert row is not None
                if role is not None:
                    row.role = role
                return AnnotatorView(row.id, row.name, row.role)

        return with_retry(work)

    def annotator_id(self, name: str) -> int | None:
        with self.db.reading() as session:
            return session.scalar(select(Annotator.id).where(Annotator.name == name))

    def document_count(self) -> int:
        with self.db.reading() as session:
            return session.scalar(select(func.count()).select_from(Document)) or 0

    def documents(self, annotator: str | None = None,
                  status: str | None = None) -> list[DocumentInfo]:
        """The document list with status and counts for ``annotator``.

        Documents assigned to ``annotator`` come first, each group in import order.
        """
        with self.db.reading() as session:
            who = None
            if annotator is not None:
                who = session.scalar(select(Annotator.id).where(Annotator.name == annotator))
            statuses: dict[int, str] = {}
            counts: dict[int, dict[str, int]] = defaultdict(dict)
            assigned: set[int] = set()
            if who is not None:
                assigned = set(session.scalars(
                    select(Assignment.document_id).where(Assignment.annotator_id == who)))
                statuses = dict(session.execute(
                    select(DocumentStatus.document_id, DocumentStatus.status)
                    .where(DocumentStatus.annotator_id == who)).all())
                for document_id, label, count in session.execute(
                        select(Span.document_id, Span.label, func.count())
                        .where(Span.annotator_id == who)
                        .group_by(Span.document_id, Span.label)):
                    counts[document_id][label] = count
            rows = session.execute(
                select(Document.id, Document.external_id, Document.title,
                       func.length(Document.text), Document.position)
                .order_by(Document.position, Document.id)).all()
        result = []
        for document_id, external_id, title, length, position in rows:
            document_status = statuses.get(document_id, Status.NEW)
            if status is not None and document_status != status:
                continue
            result.append(DocumentInfo(document_id, external_id, title, length or 0,
                                       document_status, dict(counts.get(document_id, {})),
                                       position, document_id in assigned))
        result.sort(key=lambda info: not info.assigned)  # stable: import order kept
        return result

    def assignments(self, annotator: str) -> list[int]:
        """Ids of the documents assigned to ``annotator``, in import order."""
        with self.db.reading() as session:
            return list(session.scalars(
                select(Assignment.document_id).join(Annotator)
                .join(Document, Document.id == Assignment.document_id)
                .where(Annotator.name == annotator)
                .order_by(Document.position, Document.id)))

    def spread_assignments(self, annotators: Sequence[str], per_document: int,
                           seed: int = 0) -> Edit | None:
        """Assigns every document to ``per_document`` of ``annotators``, balancing load.

        Deterministic for a seed: ties between equally loaded annotators are
        broken by a hash of (seed, document id, annotator). Existing
        assignments count towards the load and are kept. Returns the edit
        applied (a Compound of Assign edits, undoable) or None when nothing changed.

        Raises:
            ValidationError: fewer annotators than ``per_document``.
        """
        from storage.edits import Compound

        names = sorted(set(annotators))
        if per_document < 1 or per_document > len(names):
            raise ValidationError(f"cannot give each document to {per_document} of "
                                  f"{len(names)} annotators")
        with self.db.reading() as session:
            documents = session.execute(select(Document.id, Document.external_id)
                                        .order_by(Document.position, Document.id)).all()
            existing: dict[int, set[str]] = defaultdict(set)
            for document_id, name in session.execute(
                    select(Assignment.document_id, Annotator.name).join(Annotator)):
                existing[document_id].add(name)
        load = {name: sum(1 for names_ in existing.values() if name in names_)
                for name in names}
        plan: dict[str, list[int]] = defaultdict(list)
        for document_id, external_id in documents:
            have = existing[document_id] & set(names)
            need = per_document - len(have)
            if need <= 0:
                continue
            candidates = sorted(
                (n for n in names if n not in have),
                key=lambda n: (load[n], hashlib.sha256(
                    f"{seed}\x00{external_id}\x00{n}".encode()).hexdigest()))
            for name in candidates[:need]:
                plan[name].append(document_id)
                load[name] += 1
        edits: list[Edit] = [Assign(ids, name) for name, ids in sorted(plan.items())]
        if not edits:
            return None
        edit = Compound(edits, text="spread assignments")
        self.apply(edit)
        return edit

    def search_documents(self, needle: str) -> set[int]:
        """Ids of the documents whose title or text contains ``needle`` (case-insensitive).

        The database does the search, so nothing is loaded into memory.
        """
        folded = needle.strip()
        if not folded:
            return set()
        with self.db.reading() as session:
            return set(session.scalars(select(Document.id).where(
                Document.text.icontains(folded, autoescape=True)
                | Document.title.icontains(folded, autoescape=True))))

    def document(self, document_id: int) -> DocumentView:
        with self.db.reading() as session:
            return DocumentView.of(stored(session, Document, document_id))

    def document_by_external_id(self, external_id: str) -> DocumentView:
        with self.db.reading() as session:
            row = session.scalar(select(Document).where(Document.external_id == external_id))
            if row is None:
                raise NotFoundError(f"no document with id '{external_id}'")
            return DocumentView.of(row)

    def status(self, document_id: int, annotator: str) -> str:
        with self.db.reading() as session:
            row = session.scalar(
                select(DocumentStatus.status).join(Annotator)
                .where(DocumentStatus.document_id == document_id, Annotator.name == annotator))
            return row or Status.NEW

    def statuses(self, document_id: int) -> dict[str, str]:
        """Status per annotator name for one document."""
        with self.db.reading() as session:
            return dict(session.execute(
                select(Annotator.name, DocumentStatus.status).join(Annotator)
                .where(DocumentStatus.document_id == document_id)).all())

    def spans(self, document_id: int, annotator: str | None = None) -> list[SpanView]:
        """Spans of one document (one annotator, or all), sorted by start then end."""
        return self._read_spans(document_id, annotator, order=(Span.start, Span.end, Span.id))

    def spans_in_range(self, document_id: int, annotator: str, start: int,
                       end: int) -> list[SpanView]:
        """The annotator's spans whose extent overlaps ``[start, end)`` (what one screen of
        text shows), sorted by start then end; an empty range reads the spans touching it."""
        return self._read_spans(document_id, annotator, (Span.start < max(end, start + 1),
                                                         Span.end > start),
                                order=(Span.start, Span.end, Span.id))

    def spans_page(self, document_id: int, annotator: str,
                   after: tuple[int, int] = (-1, 0), limit: int = 500) -> list[SpanView]:
        """One page of the annotator's spans in ``(start, id)`` order: at most ``limit``
        of those after ``after`` (the next page starts after the last one's
        ``(start, id)``). The index on (document, annotator, start) reads each page
        from where the last one ended, so paging through a layer costs one read of it."""
        return self._read_spans(document_id, annotator,
                                (tuple_(Span.start, Span.id) > tuple_(*after),),
                                order=(Span.start, Span.id), limit=limit)

    def spans_by_ids(self, document_id: int, annotator: str,
                     span_ids: Iterable[int]) -> list[SpanView]:
        """The annotator's spans of one document with these ids (others are skipped)."""
        wanted = sorted(set(span_ids))
        found: list[SpanView] = []
        for first in range(0, len(wanted), _IDS_PER_QUERY):
            found += self._read_spans(document_id, annotator,
                                      (Span.id.in_(wanted[first:first + _IDS_PER_QUERY]),),
                                      order=(Span.start, Span.end, Span.id), by_ids=True)
        return found

    def _read_spans(self, document_id: int, annotator: str | None,
                    conditions: Sequence[Any] = (), order: Sequence[Any] = (),
                    limit: int | None = None, by_ids: bool = False) -> list[SpanView]:
        """Spans of one document (and annotator) meeting ``conditions``. ``by_ids``: the
        conditions pick rows by id, and the document and annotator are checked on the
        rows read (in SQL, SQLite would rather scan the layer's index than use the ids)."""
        with self.db.reading() as session, collector_paused():
            rows = _layer_rows(session, _SPAN_TEXT_COLUMNS, Span, document_id,
                               annotator, conditions, order, limit, by_ids)
            decoded = _JsonColumns()
            return [SpanView.of_row((span_id, external_id, document, who, label,
                                     decoded.fragments(fragments), decoded.attributes(attributes),
                                     entity_id, version))
                    for (span_id, external_id, document, who, label, fragments, attributes,
                         entity_id, version) in rows]

    def span(self, span_id: int) -> SpanView:
        with self.db.reading() as session:
            return SpanView.of(stored(session, Span, span_id))

    def relations(self, document_id: int, annotator: str | None = None) -> list[RelationView]:
        return self._read_relations(document_id, annotator)

    def relations_of_spans(self, document_id: int, annotator: str,
                           span_ids: Iterable[int]) -> list[RelationView]:
        """The annotator's relations from or to any of these spans, in id order."""
        wanted = sorted(set(span_ids))
        found: dict[int, RelationView] = {}
        for first in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[first:first + _IDS_PER_QUERY]
            # one query per end, each on its own index (an OR of both scanned the layer)
            for end in (Relation.source_id, Relation.target_id):
                for relation in self._read_relations(document_id, annotator,
                                                     (end.in_(chunk),), by_ids=True):
                    found[relation.id] = relation
        return sorted(found.values(), key=lambda relation: relation.id)

    def relations_page(self, document_id: int, annotator: str, after_id: int = 0,
                       limit: int = 500) -> list[RelationView]:
        """One page of the annotator's relations in id order (see :meth:`spans_page`)."""
        return self._read_relations(document_id, annotator, (Relation.id > after_id,), limit)

    def _read_relations(self, document_id: int, annotator: str | None,
                        conditions: Sequence[Any] = (), limit: int | None = None,
                        by_ids: bool = False) -> list[RelationView]:
        """Relations of one document (and annotator) meeting ``conditions`` (``by_ids``:
        see :meth:`_read_spans`)."""
        with self.db.reading() as session, collector_paused():
            rows = _layer_rows(session, _RELATION_TEXT_COLUMNS, Relation, document_id,
                               annotator, conditions, (Relation.id,), limit, by_ids)
            decoded = _JsonColumns()
            return [RelationView(relation_id, external_id, document, who, kind, source,
                                 target, decoded.attributes(attributes))
                    for (relation_id, external_id, document, who, kind, source, target,
                         attributes) in rows]

    def relation(self, relation_id: int) -> RelationView:
        with self.db.reading() as session:
            return RelationView.of(stored(session, Relation, relation_id))

    def entities(self) -> list[EntityView]:
        """The actor registry, by name, with the number of linked mentions."""
        with self.db.reading() as session:
            mentions = dict(session.execute(
                select(Span.entity_id, func.count()).where(Span.entity_id.is_not(None))
                .group_by(Span.entity_id)).all())
            return [EntityView.of(e, mentions.get(e.id, 0))
                    for e in session.scalars(select(Entity).order_by(Entity.name, Entity.id))]

    def entity(self, entity_id: int) -> EntityView:
        with self.db.reading() as session:
            row = stored(session, Entity, entity_id, "actor")
            mentions = session.scalar(select(func.count()).where(Span.entity_id == entity_id))
            return EntityView.of(row, mentions or 0)

    def find_entities(self, prefix: str, limit: int = 20) -> list[EntityView]:
        """Actors whose name or an alias contains ``prefix`` (case-insensitive), best first."""
        needle = prefix.casefold().strip()
        scored = []
        for entity in self.entities():
            names = [entity.name, *entity.aliases]
            folded = [n.casefold() for n in names]
            if not needle:
                scored.append((2, entity.name.casefold(), entity))
            elif any(n.startswith(needle) for n in folded):
                scored.append((0, entity.name.casefold(), entity))
            elif any(needle in n for n in folded):
                scored.append((1, entity.name.casefold(), entity))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [entity for _, _, entity in scored[:limit]]

    def mentions(self, entity_id: int) -> list[tuple[DocumentInfo, SpanView, str]]:
        """Every span linked to an actor, with its document and covered text."""
        with self.db.reading() as session:
            rows = session.execute(
                select(Span, Document.external_id, Document.title, Document.text)
                .join(Document, Document.id == Span.document_id)
                .where(Span.entity_id == entity_id)
                .order_by(Document.position, Span.start)).all()
            result = []
            for span, external_id, title, text in rows:
                view = SpanView.of(span)
                covered = " … ".join(text[a:b] for a, b in view.fragments)
                result.append((DocumentInfo(span.document_id, external_id, title, len(text)),
                               view, covered))
            return result

    # ------------------------------------------------------------ proposals

    def proposals(self, document_id: int | None = None,
                  states: Sequence[str] | None = ("open",)) -> list[ProposalView]:
        """The proposals layer of one document (or all): open ones unless ``states`` says."""
        with self.db.reading() as session:
            return read_proposals(session, document_id, states)

    def proposal_links(self, document_id: int) -> list[ProposalLinkView]:
        with self.db.reading() as session:
            return read_links(session, document_id)

    def store_proposals(self, document_id: int, suggester: str, spans: Sequence[ProposedSpan],
                        relations: Sequence[ProposedRelation] = ()) -> StoreReport:
        """Replaces a document's open proposals, in one transaction (see
        :func:`storage.proposals.store_proposals`)."""

        def work() -> StoreReport:
            with self.db.writing() as session:
                return store_proposals(session, self.schema, document_id, suggester, spans,
                                       relations)

        return with_retry(work)

    def stats(self) -> dict[str, Any]:
        """Documents by status, spans and relations per label per annotator, actors."""
        with self.db.reading() as session:
            total = session.scalar(select(func.count()).select_from(Document)) or 0
            by_status: dict[str, dict[str, int]] = {}
            for name, status, count in session.execute(
                    select(Annotator.name, DocumentStatus.status, func.count())
                    .join(Annotator).group_by(Annotator.name, DocumentStatus.status)):
                by_status.setdefault(name, dict.fromkeys(STATUSES, 0))[status] = count
            for name, counts in by_status.items():
                counts[Status.NEW] = total - counts[Status.IN_PROGRESS] - counts[Status.DONE]
                by_status[name] = counts
            spans: dict[str, dict[str, int]] = defaultdict(dict)
            for name, label, count in session.execute(
                    select(Annotator.name, Span.label, func.count()).join(Annotator)
                    .group_by(Annotator.name, Span.label)):
                spans[name][label] = count
                by_status.setdefault(name, {**dict.fromkeys(STATUSES, 0), Status.NEW: total})
            relations: dict[str, dict[str, int]] = defaultdict(dict)
            for name, type_, count in session.execute(
                    select(Annotator.name, Relation.type, func.count()).join(Annotator)
                    .group_by(Annotator.name, Relation.type)):
                relations[name][type_] = count
            entities = session.scalar(select(func.count()).select_from(Entity)) or 0
            linked = session.scalar(select(func.count()).where(Span.entity_id.is_not(None))) or 0
        return {
            "project": self.name,
            "schema": {"name": self.schema.name, "version": self.schema.version},
            "documents": total,
            "status": {k: by_status[k] for k in sorted(by_status)},
            "spans": {k: dict(sorted(v.items())) for k, v in sorted(spans.items())},
            "relations": {k: dict(sorted(v.items())) for k, v in sorted(relations.items())},
            "entities": entities,
            "linked_mentions": linked,
        }

    def schema_versions(self) -> list[tuple[int, str, int]]:
        with self.db.reading() as session:
            return [(r.id, r.name, r.version) for r in
                    session.scalars(select(SchemaVersion).order_by(SchemaVersion.id))]

    # --------------------------------------------------------------- schema

    def update_schema(self, new: Schema | Path | str) -> Schema:
        """Replaces the project's schema by a new version that stored annotations satisfy.

        A schema can gain labels, attributes, values and relation types. Removing
        a label, relation type, attribute or enum value that stored annotations
        still use is refused with the counts that block it; so is any other change
        that stored annotations would break (a relation's target label, a lower
        limit per source, an attribute made required, a label that no longer links
        to actors). The check and the change are one transaction.

        Raises:
            SchemaError: the new schema is invalid or stored annotations block it.
        """
        schema = new if isinstance(new, Schema) else load_schema(new)
        heading = f"cannot change the schema to '{schema.name}' version {schema.version}: "

        def work() -> None:
            with self.db.writing() as session:
                blockers = self._schema_blockers(session, schema)
                if not blockers:
                    shown, total = schema_conflicts(session, schema)
                    blockers = shown + ([f"... and {total - len(shown)} more"]
                                        if total > len(shown) else [])
                if blockers:
                    raise SchemaError([heading + b for b in blockers])
                session.add(SchemaVersion(name=schema.name, version=schema.version,
                                          xml=schema.xml))

        with_retry(work)
        self.schema = schema
        return schema

    def _schema_blockers(self, session: Session, schema: Schema) -> list[str]:
        """Labels, attributes, values and relation types still in use that ``schema`` drops."""
        blockers: list[str] = []
        label_counts = dict(session.execute(
            select(Span.label, func.count()).group_by(Span.label)).all())
        relation_counts = dict(session.execute(
            select(Relation.type, func.count()).group_by(Relation.type)).all())
        for label, count in label_counts.items():
            new_label = schema.label(label)
            if new_label is None:
                blockers.append(f"label '{label}' is used by {count} spans")
                continue
            usage: dict[tuple[str, str], int] = defaultdict(int)
            for (attributes,) in session.execute(
                    select(Span.attributes).where(Span.label == label)):
                for key, value in (attributes or {}).items():
                    usage[(key, str(value))] += 1
            for (key, value), used in sorted(usage.items()):
                definition = new_label.attribute(key)
                if definition is None:
                    blockers.append(f"attribute '{key}' of '{label}' is set on {used} spans")
                elif definition.type == ValueType.ENUM and value not in definition.values:
                    blockers.append(f"value '{value}' of '{label}.{key}' is used by "
                                    f"{used} spans")
        for type_, count in relation_counts.items():
            relation_def = schema.relation(type_)
            if relation_def is None:
                blockers.append(f"relation type '{type_}' is used by {count} relations")
                continue
            for end, column in (("from", Relation.source_id), ("to", Relation.target_id)):
                allowed = relation_def.sources if end == "from" else relation_def.targets
                pairs = session.execute(
                    select(Span.label, func.count()).join(Relation, column == Span.id)
                    .where(Relation.type == type_).group_by(Span.label)).all()
                for label, used in pairs:
                    if label not in allowed:
                        blockers.append(f"relation '{type_}' {end} '{label}' is used {used} "
                                        "times but no longer allowed")
        return blockers

    # --------------------------------------------------------------- import

    def import_entities(self, records: Sequence[EntityRecord], where: str,
                        report: ImportReport | None = None) -> int:
        """Adds actors to the registry (an id already there is kept as is); see
        :func:`storage.importing.import_entities`."""
        return importing.import_entities(self, records, where, report)

    def import_records(self, records: Sequence[DocumentRecord], where: str,
                       annotator: str | None = None,
                       report: ImportReport | None = None) -> ImportReport:
        """Stores the documents of one file in one transaction, all or nothing; see
        :func:`storage.importing.import_records`."""
        return importing.import_records(self, records, where, annotator, report)


def _layer_rows(session: Session, columns: Sequence[Any], table: type[Span] | type[Relation],
                document_id: int, annotator: str | None, conditions: Sequence[Any],
                order: Sequence[Any], limit: int | None, by_ids: bool) -> list[Any]:
    """Rows of one document's layer (of one annotator, or all) meeting ``conditions``;
    ``by_ids``: the document and annotator are checked on the rows read, not in SQL.
    The columns start with id, external id, document id and annotator id."""
    query = select(*columns).where(*conditions)
    scope: list[Any] = [table.document_id == document_id]
    annotator_id: int | None = None
    if annotator is not None:
        annotator_id = session.scalar(select(Annotator.id).where(Annotator.name == annotator))
        if annotator_id is None:
            return []
        scope.append(table.annotator_id == annotator_id)
    if not by_ids:
        query = query.where(*scope)
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.connection().execute(query).fetchall())
    if by_ids:
        rows = [row for row in rows if row[2] == document_id
                and (annotator_id is None or row[3] == annotator_id)]
    return rows


def _conflicts_explained(work: Callable[[], Changes]) -> Changes:
    """Turns a constraint clash or a failed version check (another writer got there
    first) into a ConflictError."""
    try:
        return work()
    except StaleDataError as exc:
        raise ConflictError("this annotation was changed by someone else meanwhile, so the "
                            "edit could not be made; the view has been reloaded") from exc
    except IntegrityError as exc:
        raise ConflictError(
            "this annotation was changed by someone else meanwhile, so the edit could not be "
            f"made; the view has been reloaded ({exc.orig})") from exc


def _refuse_unsupported(name: str, facts: db.ProjectFacts, readonly: bool) -> None:
    """Refuses a database that is not a Saywho project this version can open.

    Raises:
        ProjectError: no Saywho tables, no revision, a revision from a newer
            Saywho, or (``readonly``) an older revision that needs upgrading.
    """
    if not facts.has_saywho_tables:
        raise ProjectError(f"{name}: not a Saywho project (no Saywho tables in this database)")
    if not facts.revisions:
        raise ProjectError(f"{name}: not a Saywho project (no database revision recorded)")
    head = db.head_revision()
    if len(facts.revisions) > 1:
        # Alembic would treat each row as a branch head: never guess which one is true
        raise ProjectError(
            f"{name}: not opened: its version table (alembic_version) records "
            f"{len(facts.revisions)} database revisions ({', '.join(facts.revisions)}) where a "
            "Saywho project records exactly one; the file was changed outside Saywho")
    if facts.revision not in db.known_revisions():
        raise ProjectError(
            f"{name}: written by Saywho {facts.written_by or 'unknown'} (database revision "
            f"{facts.revision}), newer than this Saywho {SAYWHO_VERSION} (revision "
            f"{head}); update Saywho to open it"
        )
    if readonly and facts.revision != head:
        raise ProjectError(
            f"{name}: needs upgrade to revision {head} (it is at revision {facts.revision}); "
            "open it in Saywho to upgrade it (a backup is made first), then try again"
        )


def _backup(path: Path, keep: int, required: bool) -> None:
    from storage.backup import make_backup

    try:
        make_backup(path, keep=keep)
    except DiskFullError as exc:
        if required:
            raise
        logging.getLogger(__name__).warning("%s", exc)
    except ProjectError as exc:
        logging.getLogger(__name__).warning("%s", exc)
