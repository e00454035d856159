"""Importing files and folders, annotated exports included (brat and UIMA CAS XMI).

:func:`import_paths` is what the CLI's ``import`` and the window's File > Import
call. It sorts what the user gave (see :func:`plan_import`):

* a file that a layer format of the registry (:func:`formats.registry.layer_reader`)
  accepts is one annotator's layer: a ``.ann`` file (named, or found in a
  folder) with an ``annotation.conf`` in its folder or a folder above it is one
  brat layer, the ``.ann`` and its ``.txt``; a ``.xmi`` file is one XMI layer;
* everything else goes to :func:`ingest.pipeline.import_documents` unchanged.
  A ``.ann`` without any ``annotation.conf`` above it is reported (its folder,
  once) and its ``.txt`` imports as plain text.

So a brat or XMI export folder imports with every annotator's layer, wherever
it sits in the folders given, and the plain files beside it import as before.

Each layer file is one unit, like each file of a plain import: a problem (a bad
line, a label the schema lacks) rejects that file with its path and line, in
its own transaction, and every other file still imports. The layer of a text
not in the project yet creates the document through
:meth:`~storage.project.Project.import_records`; the layer of a document
already there (same text, by SHA-256: another annotator's file of the same
export, or a document imported before) is added to it by :class:`AddLayer`
when that annotator has no spans in it yet, and otherwise skipped and
reported. Actors the layer links to fill the registry first (an id already
there is kept).

Annotators: the one ``saywho.json`` (brat) or ``SaywhoLayer`` (XMI) names, else
the brat collection folder's name or the XMI annotator folder's name; the
``annotator`` argument only applies to an XMI file that names none.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from formats import registry
from formats.base import LAYERS, ExportError, Format
from formats.brat import ANNOTATION_CONF
from formats.reading import DEFAULT_MAX_BYTES
from ingest.files import iter_files, walk_folder
from ingest.pipeline import import_documents
from storage.edits import Edit, annotator_id
from storage.errors import DiskFullError, NotFoundError, SaywhoError, import_disk_full
from storage.importing import ImportReport, check_status, sha256_text, store_annotation_set
from storage.models import Document, DocumentStatus, Entity, Relation, Span, Status, utcnow
from storage.project import ProgressCallback, Project
from storage.records import AnnotationSetRecord, DocumentRecord, EntityRecord
from storage.schema import Schema
from storage.views import Changes

# ------------------------------------------------------------------- the report


@dataclass
class AnnotatedImportReport(ImportReport):
    """An :class:`ImportReport` that also lists layers added to documents already there.

    Attributes:
        added: one line per layer added to a document that was in the project
            before this import (``file: what was added to which document``).
    """

    added: list[str] = field(default_factory=list)

    def absorb(self, other: ImportReport) -> None:
        """Adds the counts and messages of another report (a plain import) to this one."""
        self.files += other.files
        self.documents += other.documents
        self.spans += other.spans
        self.relations += other.relations
        self.entities += other.entities
        self.duplicates += other.duplicates
        self.errors += other.errors
        self.fallbacks += other.fallbacks
        self.notes += other.notes

    def summary(self) -> str:
        text = super().summary()
        if self.added:
            count = len(self.added)
            text += (f"; {count} annotation layer{'s' if count != 1 else ''} added to "
                     "documents already in the project")
        return text


# --------------------------------------------------------------------- planning


@dataclass(frozen=True)
class LayerFile:
    """One annotator's layer of one document, in a file of an annotated format.

    Attributes:
        reader: the layer format of the registry that reads it.
        path: the ``.ann`` or ``.xmi`` file.
        root: the folder the user gave it in (None: the file was named itself).
    """

    reader: type[Format]
    path: Path
    root: Path | None


@dataclass
class ImportPlan:
    """What :func:`import_paths` does with the paths it was given.

    Attributes:
        layers: the layer files, in order.
        plain: files and folders for :func:`ingest.pipeline.import_documents` (a folder
            only when nothing in it is a layer file).
        unconfigured: folders holding ``.ann`` files with no ``annotation.conf``
            in them or above them: the number of such files, and whether their
            ``.txt`` files go to the plain import (they do when found in a folder
            walk, not when the ``.ann`` was named itself).
        skipped: files the folder walks left out (symbolic links leaving the
            folder, FIFOs, devices), one message each.
    """

    layers: list[LayerFile] = field(default_factory=list)
    plain: list[Path] = field(default_factory=list)
    unconfigured: dict[Path, tuple[int, bool]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def plan_import(paths: Iterable[Path]) -> ImportPlan:
    """Sorts the user's paths into layer files and plain input (see the module docstring)."""
    plan = ImportPlan()
    seen: set[Path] = set()

    extensions = registry.read_extensions(LAYERS)

    def add_layer(path: Path, root: Path | None) -> list[Path]:
        """Adds a layer file; returns the files it takes from the plain import."""
        reader = registry.layer_reader(path)
        if _key(path) not in seen:
            seen.add(_key(path))
            if reader is not None:
                plan.layers.append(LayerFile(reader, path, root))
            else:  # only a brat .ann refuses: no annotation.conf above it
                count, _ = plan.unconfigured.get(path.parent, (0, False))
                plan.unconfigured[path.parent] = (count + 1, root is not None)
        return reader.companions(path) if reader is not None else []

    for given in paths:
        given = Path(given)
        if not given.is_dir():
            if given.suffix.lower() in extensions and given.is_file():
                add_layer(given, None)
            else:
                plan.plain.append(given)
            continue
        layer_files = walk_folder(given, extensions, plan.skipped)
        if not layer_files:
            plan.plain.append(given)  # walked (and its skipped files reported) by the import
            continue
        taken = {taken for file in layer_files for taken in add_layer(file, given)}
        plan.plain += [file for file in iter_files([given], plan.skipped) if file not in taken]
    return plan


# ---------------------------------------------------------------------- storing


class LayerExists(SaywhoError):
    """The annotator's layer is in the document already: it is not added again.

    Attributes:
        annotator: whose layer it is.
        spans: how many spans the annotator has in the document (0: an empty
            layer with the same status as the one imported).
        status: the stored status.
    """

    def __init__(self, annotator: str, spans: int, status: str) -> None:
        self.annotator = annotator
        self.spans = spans
        self.status = status
        super().__init__(f"{annotator} already has {_plural(spans, 'span')} in it")


@dataclass
class AddLayer(Edit):
    """Adds one annotator's spans, relations and status to a document already stored.

    Refused with :class:`LayerExists` when the annotator has spans in the
    document already, or an empty layer is imported over an empty layer with the
    same status. Spans and relations are checked as an import checks them (the
    schema, the text, the actor registry). ``revert`` takes the layer out again
    (its spans, relations and the status as it was).

    Attributes:
        document_id: the stored document.
        layer: the annotator's annotation set (its annotator must be set).
        where: the file, for messages.
        spans_added: set by ``apply``.
        relations_added: set by ``apply``.
    """

    document_id: int
    layer: AnnotationSetRecord
    where: str
    spans_added: int = 0
    relations_added: int = 0
    text = "import annotations"
    _span_ids: list[int] = field(default_factory=list)
    _relation_ids: list[int] = field(default_factory=list)
    _status_before: str | None = None

    def apply(self, session: Session, schema: Schema) -> Changes:
        document = session.get(Document, self.document_id)
        if document is None:
            raise NotFoundError(f"document {self.document_id} does not exist (deleted meanwhile?)")
        name = self.layer.annotator
        check_status(self.layer.status, self.where)
        who = annotator_id(session, name)
        existing = session.scalar(select(func.count()).select_from(Span).where(
            Span.document_id == document.id, Span.annotator_id == who)) or 0
        status_row = session.get(DocumentStatus, (document.id, who))
        stored_status = status_row.status if status_row is not None else Status.NEW
        if existing or (not self.layer.spans and status_row is not None
                        and stored_status == self.layer.status):
            raise LayerExists(name, existing, stored_status)
        self._status_before = status_row.status if status_row is not None else None
        if status_row is None:
            session.add(DocumentStatus(document_id=document.id, annotator_id=who,
                                       status=self.layer.status))
        elif status_row.status != self.layer.status:
            status_row.status = self.layer.status
            status_row.updated_at = utcnow()
        changes = Changes(documents={document.id}, statuses_changed=[(document.id, who)])

        def entity_ids() -> dict[str, int]:
            return dict(session.execute(select(Entity.external_id, Entity.id)).all())

        spans, relations = store_annotation_set(session, schema, document, who, self.layer,
                                                functools.cache(entity_ids), self.where)
        for span in spans:
            changes.touch_span(span, "added")
        changes.relations_added.extend(relation.id for relation in relations)
        self.spans_added = len(spans)
        self.relations_added = len(relations)
        self._span_ids = [span.id for span in spans]
        self._relation_ids = [relation.id for relation in relations]
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        who = annotator_id(session, self.layer.annotator)
        session.execute(delete(Relation).where(Relation.id.in_(self._relation_ids)))
        session.execute(delete(Span).where(Span.id.in_(self._span_ids)))
        status_row = session.get(DocumentStatus, (self.document_id, who))
        if self._status_before is None:
            if status_row is not None:
                session.delete(status_row)
        elif status_row is not None:
            status_row.status = self._status_before
            status_row.updated_at = utcnow()
        return Changes(documents={self.document_id}, spans_removed=list(self._span_ids),
                       relations_removed=list(self._relation_ids),
                       statuses_changed=[(self.document_id, who)], selection=None)


def _stored_document(project: Project, text: str) -> tuple[int, str] | None:
    """The id and title of the stored document with this exact text, if any."""
    with project.db.reading() as session:
        row = session.execute(select(Document.id, Document.title)
                              .where(Document.sha256 == sha256_text(text))).first()
    return (row[0], row[1]) if row is not None else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def store_layer(project: Project, record: DocumentRecord, actors: list[EntityRecord],
                where: str, report: AnnotatedImportReport,
                created: set[str] | None = None) -> None:
    """Stores one document record holding one annotator's layer (see the module docstring).

    Args:
        project: the open project.
        record: the document with exactly one annotation set, its annotator set.
        actors: the actors its spans link to; added to the registry first.
        where: the file, for messages.
        report: counts and messages are added here.
        created: SHA-256 digests of the documents this import created; a layer
            added to one of them is not listed in ``report.added``.

    Raises:
        ValidationError, ProjectError: the layer breaks the schema or the text;
            nothing of it was stored (actors excepted).
    """
    created = created if created is not None else set()
    layer = record.annotations[0]
    if actors:
        project.import_entities(actors, where, report)
    stored = _stored_document(project, record.text)
    if stored is None:
        before = report.documents
        project.import_records([record], where, None, report)
        if report.documents > before:
            created.add(sha256_text(record.text))
        return
    document_id, title = stored
    edit = AddLayer(document_id, layer, where)
    try:
        project.apply(edit)
    except LayerExists as exc:
        if exc.spans:
            report.duplicates.append(
                f"{where}: '{title}' is already in the project and {exc}, so this layer was "
                "not imported (delete those spans first, or import it as another annotator)")
        else:
            report.duplicates.append(
                f"{where}: '{title}' is already in the project with {exc.annotator}'s "
                f"layer (status {exc.status}, no spans)")
        return
    report.spans += edit.spans_added
    report.relations += edit.relations_added
    if sha256_text(record.text) not in created:
        report.added.append(f"{where}: {layer.annotator}'s {_plural(edit.spans_added, 'span')} "
                            f"and {_plural(edit.relations_added, 'relation')} (status "
                            f"{layer.status}) added to '{title}', already in the project")


# ---------------------------------------------------------------------- reading


def _located(message: str, file: Path) -> str:
    return message if message.startswith(str(file)) else f"{file}: {message}"


def _size_problem(files: Iterable[Path], limit: int) -> str | None:
    for file in files:
        try:
            size = file.stat().st_size
        except OSError:
            continue  # the reader reports a missing file with its own words
        if size > limit:
            return (f"{file}: is {size / (1024 * 1024):.1f} MB, over the "
                    f"{limit / (1024 * 1024):.1f} MB limit")
    return None


class _Readers:
    """Reads layer files, sharing each format's configurations read so far."""

    def __init__(self) -> None:
        self.caches: dict[str, dict[Any, Any]] = {}

    def read(self, layer: LayerFile) -> tuple[DocumentRecord, list[EntityRecord]]:
        cache = self.caches.setdefault(layer.reader.NAME, {})
        return layer.reader.import_layer(layer.path, layer.root, cache)


def import_paths(project: Project, paths: Iterable[Path | str], annotator: str | None = None,
                 max_bytes: int | None = None,
                 progress: ProgressCallback | None = None) -> AnnotatedImportReport:
    """Imports files and folders, brat and XMI exports with their annotations.

    Layer files first (one unit each), then the plain files through
    :func:`ingest.pipeline.import_documents`; see the module docstring.

    Args:
        project: the open project.
        paths: files and folders, as the user gave them.
        annotator: queues plain documents for this annotator (and owns JSONL
            annotation sets and XMI files that name none).
        max_bytes: larger files are refused (default: :data:`formats.reading.DEFAULT_MAX_BYTES`).
        progress: called as ``(done, total, file)``.

    Returns:
        What was imported, skipped and rejected.
    """
    plan = plan_import(Path(p) for p in paths)
    report = AnnotatedImportReport()
    report.errors += plan.skipped
    if not plan.layers and not plan.unconfigured:
        report.absorb(import_documents(project, plan.plain, annotator=annotator,
                                           max_bytes=max_bytes, progress=progress))
        return report
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES
    plain_files = sum(1 for _ in iter_files(plan.plain))
    total = len(plan.layers) + plain_files
    readers = _Readers()
    created: set[str] = set()
    for done, layer in enumerate(plan.layers):
        if progress is not None:
            progress(done, total, str(layer.path))
        report.files += 1
        too_large = _size_problem([layer.path, *layer.reader.companions(layer.path)], limit)
        if too_large:
            report.errors.append(too_large)
            continue
        try:
            record, actors = readers.read(layer)
        except ExportError as exc:
            report.errors.append(_located(str(exc), layer.path))
            continue
        except Exception as exc:  # a reader bug must not stop the other files
            report.errors.append(f"{layer.path}: cannot be read ({type(exc).__name__}: {exc})")
            continue
        annotation_set = record.annotations[0]
        annotation_set.annotator = annotation_set.annotator or annotator or ""
        if not annotation_set.annotator:
            report.errors.append(f"{layer.path}: the file names no annotator; import the "
                                 "folder above it (its annotator folders name them) or, on "
                                 "the command line, give --annotator NAME")
            continue
        try:
            store_layer(project, record, actors, str(layer.path), report, created)
        except DiskFullError:
            raise import_disk_full(report.documents) from None
        except SaywhoError as exc:
            report.errors.append(_located(str(exc), layer.path))
    for folder, (count, texts_imported) in plan.unconfigured.items():
        texts = " (the .txt files beside them import as plain text)" if texts_imported else ""
        report.errors.append(
            f"{folder}: {_plural(count, 'brat .ann file')} but no {ANNOTATION_CONF} in this "
            f"folder or any folder above it, so their annotations were not imported{texts}; "
            f"put the brat collection's {ANNOTATION_CONF} beside them and import them again "
            "to add the annotations")
    if plan.plain:
        offset = len(plan.layers)

        def shifted(done: int, _total: int, what: str) -> None:
            if progress is not None:
                progress(offset + done, total, what)

        try:
            report.absorb(import_documents(project, plan.plain, annotator=annotator,
                                           max_bytes=max_bytes, progress=shifted))
        except DiskFullError as exc:
            raise import_disk_full(report.documents + exc.documents) from exc
    if progress is not None:
        progress(total, total, "")
    return report

