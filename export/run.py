"""The export pipeline: project -> format files + ``manifest.json``.

:func:`export_project` checks the options against the project (annotators,
labels, status, split), then streams :func:`storage.corpus.iter_corpus` one
document at a time to the format, so memory does not grow with the corpus.
Each document gets its split from :class:`export.splits.Splitter`.

The output folder must be new or empty. The export writes into a hidden
``.saywho-partial`` folder inside it and moves its files up when it is done,
``manifest.json`` last. When the export is cancelled (the ``cancel`` callable
returns True) or fails, everything it wrote is removed (the folder too, when
the export created it) and :class:`ExportCancelled` (or the error) is raised.
When it is killed, the next export into the same folder recognises what it left
(the staging folder, whose lock is free) and replaces it, saying so in the
summary. A folder holding a ``manifest.json`` always holds a complete export.

``manifest.json`` records the Saywho version, schema, format and options, the
documents per split, spans per label and per annotator, relations per type,
the adjudicated documents (those with a layer by the annotator ``gold``, whichever
layers the export writes, with the gold layer's status),
every file written, every span the format could not represent exactly, and
``names``: each annotator folder with the annotator it holds, each document file
name that differs from the document's id with that id (see :mod:`formats.naming`).
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from export.splits import Splitter
from formats import registry
from formats.base import ExportContext, ExportError, ExportOptions, Format, Manifest
from storage.adjudication import adjudication_statuses
from storage.corpus import CorpusDocument, CorpusFilter, entity_map, iter_corpus
from storage.models import STATUSES, Status
from storage.project import SAYWHO_VERSION, ProgressCallback, Project

GOLD = "gold"
MANIFEST_FILE = "manifest.json"
NO_SPLIT = "all"

CancelCallback = Callable[[], bool]


class ExportCancelled(ExportError):
    """The user cancelled the export; its partial output was removed."""


class ExportInputError(ExportError):
    """The options name something the project does not have (annotator, label...)."""


def check_options(project: Project, options: ExportOptions) -> None:
    """Refuses options that name unknown annotators, labels or statuses.

    Raises:
        ExportInputError: with a message naming what is unknown and what exists.
    """
    if options.annotators is not None:
        known = [a.name for a in project.annotators()]
        for name in options.annotators:
            if name not in known:
                if name == GOLD:
                    raise ExportInputError("this project has no adjudicated layer yet "
                                           f"(no annotations by '{GOLD}')")
                raise ExportInputError(f"unknown annotator '{name}' (annotators: "
                                       f"{', '.join(known) or 'none yet'})")
    if options.labels is not None:
        for label in options.labels:
            if project.schema.label(label) is None:
                raise ExportInputError(f"label '{label}' is not in the schema "
                                       f"(labels: {', '.join(project.schema.label_names)})")
    if options.status is not None and options.status not in STATUSES:
        raise ExportInputError(f"unknown status '{options.status}' "
                               f"(statuses: {', '.join(STATUSES)})")
    if options.split is not None:
        Splitter(options.split, options.seed)  # raises SplitError (an ExportError)


PARTIAL_DIR = ".saywho-partial"
"""The folder inside the output folder that an export writes into before it is complete."""
_LOCK_FILE = "lock"
_MOVING_FILE = "moving.json"


class _Staging:
    """The hidden folder an export writes into; its files move out when the export is done.

    The export holds a lock on ``<staging>/lock`` while it runs (the system drops it when
    the process dies), so a staging folder whose lock can be taken was left by an export
    that was killed. Before the files move out, ``moving.json`` lists them; ``manifest.json``
    moves last. A folder holding ``manifest.json`` is thus always complete, and what an
    interrupted export left behind (the staging folder and files listed as moving) is known
    and can be removed.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / PARTIAL_DIR
        try:
            self.path.mkdir()
        except FileExistsError:
            raise ExportInputError(f"{out_dir}: another export is writing into this "
                                   "folder") from None
        self._lock = _locked(self.path / _LOCK_FILE)
        if self._lock is None:
            raise ExportInputError(f"{out_dir}: another export is writing into this folder")

    def publish(self) -> None:
        """Moves the finished export up into the output folder, ``manifest.json`` last."""
        names = sorted(p.name for p in self.path.iterdir()
                        if p.name not in (_LOCK_FILE, _MOVING_FILE, MANIFEST_FILE))
        names.append(MANIFEST_FILE)
        (self.path / _MOVING_FILE).write_text(json.dumps(names), encoding="utf-8")
        moved: list[Path] = []
        try:
            for name in names:
                os.replace(self.path / name, self.out_dir / name)
                moved.append(self.out_dir / name)
        except BaseException:
            for path in moved:  # no half export is left in the folder
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            raise
        self.remove()

    def remove(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        shutil.rmtree(self.path, ignore_errors=True)


def _locked(path: Path) -> IO[bytes] | None:
    """``path`` opened and locked for this process; None when another process holds it."""
    handle = path.open("a+b")
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _clear_interrupted(out_dir: Path, entries: list[Path]) -> str | None:
    """Removes what a killed export left in ``out_dir`` (see :class:`_Staging`).

    Returns:
        A note for the user when something was removed; None when the folder holds
        anything else (it is then not empty, and refused).

    Raises:
        ExportInputError: another export is writing into the folder.
    """
    staging = out_dir / PARTIAL_DIR
    lock = _locked(staging / _LOCK_FILE) if staging.is_dir() else None
    if lock is None:
        raise ExportInputError(f"{out_dir}: another export is writing into this folder")
    try:
        try:
            moving = set(json.loads((staging / _MOVING_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            moving = set()
        others = [p for p in entries if p.name != PARTIAL_DIR]
        if any(p.name not in moving for p in others):
            return None
        for path in others:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    finally:
        lock.close()
    shutil.rmtree(staging)
    return (f"{out_dir} held the partial output of an interrupted export (no "
            f"{MANIFEST_FILE}); it was removed and replaced by this export")


def _prepare_folder(out_dir: Path) -> tuple[bool, str | None]:
    """Checks the output folder is new, empty, or left partial by a killed export.

    Returns:
        True when the folder is new, and a note when an interrupted export's output
        was removed from it.
    """
    note = None
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ExportInputError(f"{out_dir}: exists and is not a folder")
        entries = list(out_dir.iterdir())
        if any(p.name == PARTIAL_DIR for p in entries) and \
                not (out_dir / MANIFEST_FILE).exists():
            note = _clear_interrupted(out_dir, entries)
            if note is not None:
                entries = []
        if entries:
            raise ExportInputError(f"{out_dir}: the folder is not empty; choose a new or "
                                   "empty folder so that no old file is mixed with the export")
        return False, note
    try:
        out_dir.mkdir(parents=True)
    except OSError as exc:
        raise ExportInputError(f"{out_dir}: cannot create the folder ({exc.strerror})") from exc
    return True, None


def export_project(project: Project, format_name: str, out_dir: Path | str,
                   options: ExportOptions | None = None,
                   progress: ProgressCallback | None = None,
                   cancel: CancelCallback | None = None) -> Manifest:
    """Exports the selected part of the project to ``out_dir`` in one format.

    Args:
        project: the open project.
        format_name: a name of :func:`formats.registry.writer_names`.
        out_dir: a new or empty folder.
        options: annotators, status, labels, split and seed.
        progress: called as ``(done, total, document id)`` after each document.
        cancel: polled before each document; True stops the export.

    Returns:
        The manifest (also written as ``out_dir/manifest.json``).

    Raises:
        ExportInputError: unknown format, annotator, label or status; bad folder.
        SplitError: a bad split spec.
        MissingDependencyError: the format needs a package that is not installed.
        ExportCancelled: ``cancel`` returned True; the partial output was removed.
    """
    options = options or ExportOptions()
    try:
        format_class = registry.get(format_name)
    except KeyError as exc:
        raise ExportInputError(str(exc.args[0])) from None
    with project.snapshot():
        return _export(project, format_class, Path(out_dir), options, progress, cancel)


def _export(project: Project, format_class: type[Format], out_path: Path,
            options: ExportOptions, progress: ProgressCallback | None,
            cancel: CancelCallback | None) -> Manifest:
    """:func:`export_project` inside the project's snapshot."""
    format_name = format_class.NAME
    check_options(project, options)
    splitter = Splitter(options.split, options.seed) if options.split else None
    try:
        fmt: Format = format_class(**options.format_options)
    except TypeError as exc:
        raise ExportInputError(f"the {format_name} format does not take these options: "
                               f"{', '.join(options.format_options)} ({exc})") from None
    created, note = _prepare_folder(out_path)
    manifest = Manifest()
    if note is not None:
        manifest.notes.append(note)
    staging: _Staging | None = None
    started = False
    try:
        staging = _Staging(out_path)
        context = ExportContext(project, project.schema, staging.path, options, manifest,
                                entity_map(project))
        fmt.start(context)
        started = True
        _stream(project, fmt, context, splitter, progress, cancel)
        fmt.finish(context)
        started = False
        _write_manifest(context, format_class)
        staging.publish()
    except BaseException:
        if started:
            with contextlib.suppress(Exception):  # the first error is the one to report
                fmt.abort(context)
        if staging is not None:
            staging.remove()
        if created:
            shutil.rmtree(out_path, ignore_errors=True)
        raise
    return manifest


_label = operator.attrgetter("label")
_type = operator.attrgetter("type")


def _stream(project: Project, fmt: Format, context: ExportContext, splitter: Splitter | None,
            progress: ProgressCallback | None, cancel: CancelCallback | None) -> None:
    options = context.options
    manifest = context.manifest
    selection = CorpusFilter(annotators=options.annotators, status=options.status,
                             labels=options.labels)
    total = project.document_count()
    # adjudication is a fact of the project, whichever layers this export writes
    gold_status = adjudication_statuses(project)
    adjudicated: dict[str, str] = {}
    if splitter is not None:
        for name in splitter.names:
            manifest.documents[name] += 0
    for done, item in enumerate(iter_corpus(project, selection), start=1):
        if cancel is not None and cancel():
            raise ExportCancelled("export cancelled; the partial output was removed")
        external_id = item.document.external_id
        split = splitter.assign(external_id) if splitter is not None else None
        _refuse_dangling_links(item, context)
        fmt.write_document(context, item, split)
        if item.document.id in gold_status:
            adjudicated[external_id] = gold_status[item.document.id]
        manifest.documents[split or NO_SPLIT] += 1
        for layer in item.layers:
            manifest.spans_by_annotator[layer.annotator] += len(layer.spans)
            manifest.spans_by_label.update(map(_label, layer.spans))
            manifest.relations_by_type.update(map(_type, layer.relations))
        if progress is not None:
            progress(done, total, external_id)
    if cancel is not None and cancel():
        raise ExportCancelled("export cancelled; the partial output was removed")
    manifest.extra["adjudicated"] = {
        "documents": len(adjudicated), "ids": list(adjudicated),
        "done": [external_id for external_id, status in adjudicated.items()
                 if status == Status.DONE],
        "status": adjudicated}
    if progress is not None:
        progress(total, total, "")


def _refuse_dangling_links(item: CorpusDocument, context: ExportContext) -> None:
    """Refuses a span linked to an actor the export has not read: the format would
    write the link as missing (``null``). Inside the export's snapshot this cannot
    happen; it is the last guard of every format.

    Raises:
        ExportError: naming the document, annotator and span.
    """
    entities = context.entities
    for layer in item.layers:
        for span in layer.spans:
            if span.entity_id is not None and span.entity_id not in entities:
                raise ExportError(
                    f"document '{item.document.external_id}', annotator '{layer.annotator}', "
                    f"span {span.external_id}: linked to actor #{span.entity_id}, which is not "
                    "in the project as this export read it; nothing was written")


def _counts(counter: Counter[str]) -> dict[str, int]:
    return {key: counter[key] for key in sorted(counter)}


def manifest_dict(context: ExportContext, format_name: str) -> dict[str, Any]:
    """The content of ``manifest.json`` (keys in a fixed order, counts sorted)."""
    manifest = context.manifest
    extra = dict(manifest.extra)
    adjudicated = extra.pop("adjudicated", {"documents": 0, "ids": [], "done": [], "status": {}})
    documents = dict(manifest.documents) if context.options.split else \
        _counts(manifest.documents)
    return {
        "saywho_version": SAYWHO_VERSION,
        "schema": {"name": context.schema.name, "version": context.schema.version},
        "format": format_name,
        "options": context.options.as_dict(),
        "documents": {"total": sum(manifest.documents.values()), "by_split": documents},
        "adjudicated": adjudicated,
        "spans": {"total": sum(manifest.spans_by_label.values()),
                  "by_label": _counts(manifest.spans_by_label),
                  "by_annotator": _counts(manifest.spans_by_annotator)},
        "relations": {"total": sum(manifest.relations_by_type.values()),
                      "by_type": _counts(manifest.relations_by_type)},
        "inexact": manifest.inexact,
        "names": {
            # every annotator folder a per-annotator format wrote -> its annotator
            "annotator_folders": dict(context.names.annotator_folders),
            # every document file name that is not its id -> the id
            "documents": {stem: external_id for external_id, stem
                          in context.names.documents.items() if stem != external_id},
        },
        "files": manifest.files,
        **extra,
    }


def _write_manifest(context: ExportContext, format_class: type[Format]) -> None:
    content = manifest_dict(context, format_class.NAME)
    path = context.out_dir / MANIFEST_FILE
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def summary(manifest: Manifest, out_dir: Path | str) -> str:
    """One line for the CLI and the GUI: documents, spans, relations, inexact spans."""
    documents = sum(manifest.documents.values())
    spans = sum(manifest.spans_by_label.values())
    relations = sum(manifest.relations_by_type.values())
    parts = [f"{documents} document{'s' if documents != 1 else ''}",
             f"{spans} span{'s' if spans != 1 else ''}",
             f"{relations} relation{'s' if relations != 1 else ''}"]
    if manifest.documents and (len(manifest.documents) > 1
                               or NO_SPLIT not in manifest.documents):
        parts.append("splits " + ", ".join(f"{k}={v}" for k, v in manifest.documents.items()))
    text = f"exported {', '.join(parts)} to {out_dir}"
    if documents and not manifest.files:
        # formats with one layer per annotator write nothing for documents nobody annotated
        text += (f"; but no file was written besides {MANIFEST_FILE}: no annotator has "
                 "annotations in the documents chosen")
    for note in manifest.notes:
        text += f"; {note}"
    if manifest.inexact:
        text += (f"; {len(manifest.inexact)} item{'s' if len(manifest.inexact) != 1 else ''} "
                 f"not represented exactly (see {MANIFEST_FILE})")
    return text
