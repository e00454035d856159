"""Which files an import reads, and which reader reads each.

Folders are walked in a deterministic order, keeping the extensions the format
registry (:mod:`formats.registry`) declares; each file's reader is the
registry's choice for it.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from formats import registry
from formats.base import DOCUMENTS, Format
from formats.reading import (
    DEFAULT_MAX_BYTES,
    read_bytes_limited,
)
from storage.records import (
    DocumentRecord,
)

# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[Path],
               extensions: Collection[str] | None = None) -> Iterator[Path]:
    """Expand folders into the files to ingest, in a deterministic order.

    Folders are walked recursively (without following symbolic links to
    folders); inside them hidden files and folders are skipped and only files
    with one of ``extensions`` are kept, sorted by their
    path relative to the folder. A path given explicitly is yielded whatever
    its extension, and even if it does not exist, so that :func:`read_file`
    reports the problem. A file reached twice is yielded once.

    Args:
        paths: Files and folders, as the user gave them.
        extensions: Lower-case extensions with their dot (default: what the
            registry's document readers read).

    Yields:
        The files, in order.
    """
    wanted = registry.read_extensions(DOCUMENTS) if extensions is None else extensions
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        candidates = walk_folder(given, wanted) if given.is_dir() else [given]
        for candidate in candidates:
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):
                key = candidate.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def walk_folder(folder: Path, extensions: Collection[str]) -> list[Path]:
    """The files below ``folder`` with one of ``extensions`` (compared case-insensitively).

    Hidden files and folders are skipped, symbolic links to folders not
    followed; sorted by the path relative to ``folder``.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() in extensions:
                found.append(Path(dirpath, name))
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return found


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES,
              reader: type[Format] | None = None) -> list[DocumentRecord]:
    """Read all documents of one file, or none.

    The format is the registry's choice (:func:`formats.registry.document_reader`):
    by extension, plain text for an extension no reader declares.

    Args:
        path: The file.
        max_bytes: Larger files are refused before being read.
        reader: The format to read it with (default: the registry's choice).

    Returns:
        The documents (one, except for JSON Lines), in file order.

    Raises:
        IngestError: The file is missing, a folder, unreadable, too large, or its
            content is not valid; the message names the file and line.
    """
    path = Path(path)
    data = read_bytes_limited(path, max_bytes)
    chosen = reader if reader is not None else registry.document_reader(path)
    return chosen.read_documents(data, path)
