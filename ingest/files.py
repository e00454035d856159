"""Which files an import reads, and which reader reads each.

Folders are walked in a deterministic order; the reader is chosen by the
file's extension.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from formats.html import parse_html
from formats.jsonl import parse_jsonl
from formats.plaintext import parse_text
from formats.reading import (
    DEFAULT_MAX_BYTES,
    read_bytes_limited,
)
from storage.records import (
    DocumentRecord,
)

TEXT_EXTENSIONS = frozenset({".txt"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
JSONL_EXTENSIONS = frozenset({".jsonl"})
INGEST_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS
"""Extensions picked up when a folder is expanded (compared case-insensitively)."""

# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the files to ingest, in a deterministic order.

    Folders are walked recursively (without following symbolic links to
    folders); inside them hidden files and folders are skipped and only files
    with an extension of :data:`INGEST_EXTENSIONS` are kept, sorted by their
    path relative to the folder. A path given explicitly is yielded whatever
    its extension, and even if it does not exist, so that :func:`read_file`
    reports the problem. A file reached twice is yielded once.

    Args:
        paths: Files and folders, as the user gave them.

    Yields:
        The files, in order.
    """
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        candidates = _walk_folder(given) if given.is_dir() else [given]
        for candidate in candidates:
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):
                key = candidate.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def _walk_folder(folder: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() in INGEST_EXTENSIONS:
                found.append(Path(dirpath, name))
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return found


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[DocumentRecord]:
    """Read all documents of one file, or none.

    The format is chosen by extension: ``.jsonl`` is JSON Lines, ``.html`` and
    ``.htm`` are web pages, anything else is plain text.

    Args:
        path: The file.
        max_bytes: Larger files are refused before being read.

    Returns:
        The documents (one, except for JSON Lines), in file order.

    Raises:
        IngestError: The file is missing, a folder, unreadable, too large, or its
            content is not valid; the message names the file and line.
    """
    path = Path(path)
    data = read_bytes_limited(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        return parse_jsonl(data, path)
    if suffix in HTML_EXTENSIONS:
        return [parse_html(data, path)]
    return [parse_text(data, path)]


