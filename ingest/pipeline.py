"""Importing files and folders: walk, read (in worker processes for large imports), store.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from formats import registry
from formats.jsonl import read_entities
from formats.reading import DEFAULT_MAX_BYTES, IngestError
from ingest.files import iter_files
from ingest.workers import die_with_parent, read_one
from storage import importing
from storage.errors import DiskFullError, ProjectError, ValidationError, import_disk_full
from storage.importing import ImportReport, ParsedFile, located
from storage.project import ProgressCallback, Project
from storage.records import DocumentRecord


def import_documents(project: Project, paths: Iterable[Path | str], annotator: str | None = None,
                 max_bytes: int | None = None,
                 progress: ProgressCallback | None = None) -> ImportReport:
    """Imports files and folders, each file all or nothing.

    A bad file is reported with its path (and line) and skipped; every
    other file still imports. A text already in the project (or met
    earlier in this import) is skipped and reported. ``entities.jsonl``
    files fill the actor registry first.

    Files are parsed (in worker processes for large imports) and stored
    in groups of up to :data:`importing.GROUP_FILES` files or about
    :data:`importing.GROUP_SECONDS` of storing, whichever comes first: one write
    transaction per group, one SAVEPOINT per file. A file that fails
    validation rolls back its own savepoint only, is reported, and the
    group goes on. What is durable when: a group is on disk when its
    commit returns, and only then are its files counted in the report; a
    crash mid-group loses that group's files (none of them partly), and
    importing the same paths again skips what is already stored as
    duplicates. A group retried because the database was busy is stored
    again from scratch (its report rebuilt, nothing inserted twice); a
    group that stays busy after every retry reports each of its files and
    the import goes on with the next group. Write transactions hold no
    parsing, so other writers wait at most one group's storing time.

    Args:
        paths: files and folders (read recursively).
        annotator: queues plain documents for this annotator (and owns
            JSONL annotation sets that name none).
        max_bytes: larger files are refused (default: :data:`formats.reading.DEFAULT_MAX_BYTES`).
        progress: called as ``(done, total, file)`` once per file, before
            it is stored, and as ``(total, total, "")`` at the end.
    """
    report = ImportReport()
    files = list(iter_files((Path(p) for p in paths), report.errors))
    files.sort(key=lambda p: (p.name != "entities.jsonl", str(p)))
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES
    entity_files = [f for f in files if f.name == ENTITIES_FILE]
    document_files = [f for f in files if f.name != ENTITIES_FILE]
    for beside in _entities_beside(document_files, entity_files):
        report.notes.append(f"{beside}: read for the actors of the JSON Lines file(s) beside it")
        entity_files.append(beside)
        files.insert(len(entity_files) - 1, beside)
    try:
        done = 0
        for file in entity_files:
            if progress is not None:
                progress(done, len(files), str(file))
            report.files += 1
            done += 1
            try:
                importing.import_entities(project, read_entities(file), str(file), report)
            except (IngestError, ValidationError, ProjectError) as exc:
                report.errors.append(located(exc, file))
        announced = done  # files already passed to ``progress`` (a retry does not repeat them)
        pending: list[ParsedFile] = []
        collecting_since = 0.0

        def announce(index: int, file: Path) -> None:
            nonlocal announced
            if progress is not None and index >= announced:
                progress(index, len(files), str(file))
            announced = max(announced, index + 1)

        def store_pending() -> None:
            nonlocal done
            while pending:  # more than one group when storing hit importing.GROUP_SECONDS
                stored = importing.store_files(project, pending, annotator, report, done, announce)
                del pending[:stored]
                done += stored

        for file, parsed in _parse_files(document_files, limit):
            if not pending:
                collecting_since = time.monotonic()
            pending.append(ParsedFile(file, parsed))
            if (len(pending) >= importing.GROUP_FILES
                    or time.monotonic() - collecting_since >= importing.GROUP_SECONDS):
                store_pending()
        store_pending()
    except DiskFullError as exc:  # what was committed stays; the rest was rolled back
        raise import_disk_full(report.documents) from exc
    if progress is not None:
        progress(len(files), len(files), "")
    return report


ENTITIES_FILE = "entities.jsonl"


def _entities_beside(document_files: Sequence[Path], entity_files: Sequence[Path]) -> list[Path]:
    """The ``entities.jsonl`` beside the JSON Lines files, when the import does not read it yet."""
    named = {_resolved(f) for f in entity_files}
    found: list[Path] = []
    for file in document_files:
        if file.suffix.lower() != ".jsonl":
            continue
        beside = file.with_name(ENTITIES_FILE)
        if _resolved(beside) in named or not beside.is_file():
            continue
        named.add(_resolved(beside))
        found.append(beside)
    return found


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


LOGGER = logging.getLogger(__name__)
PARALLEL_MIN_FILES = 64
PARSE_WINDOW = 256


def _parse_files(files: Sequence[Path],
                 limit: int) -> Iterator[tuple[Path, list[DocumentRecord] | str]]:
    """Parses files in order; large imports parse in worker processes meanwhile.

    Extraction (trafilatura) costs more than storing, so with several cores the
    workers parse the next files while this process stores the previous ones.
    Files are handed out in windows so memory stays bounded.
    """
    workers = min(4, (os.cpu_count() or 1))
    if len(files) < PARALLEL_MIN_FILES or workers < 2:
        for file in files:
            yield file, read_one((file, limit, registry.document_reader(file)))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=die_with_parent) as pool:
        for offset in range(0, len(files), PARSE_WINDOW):
            window = files[offset:offset + PARSE_WINDOW]
            results = pool.map(read_one, [(f, limit, registry.document_reader(f))
                                           for f in window], chunksize=4)
            yield from zip(window, results, strict=True)


