"""Which files an import reads, and which reader reads each.

Folders are walked in a deterministic order, keeping the extensions the format
registry (:mod:`formats.registry`) declares; each file's reader is the
registry's choice for it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from formats import registry
from formats.base import DOCUMENTS, Format
from formats.reading import (
    DEFAULT_MAX_BYTES,
    read_bytes_limited,
    special_kind,
)
from storage.records import (
    DocumentRecord,
)
from text.names import path_text

# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[Path], skipped: list[str] | None = None,
               extensions: Collection[str] | None = None) -> Iterator[Path]:
    """Expand folders into the files to ingest, in a deterministic order.

    Folders are walked recursively (see :func:`walk_folder`: symbolic links
    that leave the folder, FIFOs, devices and sockets are skipped and
    reported); inside them hidden files and folders are skipped and only
    files with one of ``extensions`` are kept, sorted by
    their path relative to the folder. A path given explicitly is yielded
    whatever its extension, and even if it does not exist, so that
    :func:`read_file` reports the problem. A file reached twice is yielded once.

    Args:
        paths: Files and folders, as the user gave them.
        skipped: Receives one message per file a folder walk left out.
        extensions: Lower-case extensions with their dot (default: what the
            registry's document readers read).

    Yields:
        The files, in order.
    """
    wanted = registry.read_extensions(DOCUMENTS) if extensions is None else extensions
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        candidates = walk_folder(given, wanted, skipped) if given.is_dir() else [given]
        for candidate in candidates:
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):
                key = candidate.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield candidate


def walk_folder(folder: Path, extensions: Collection[str],
                skipped: list[str] | None = None) -> list[Path]:
    """The regular files below ``folder`` with one of ``extensions``, sorted.

    Hidden files and folders are skipped. A symbolic link is followed only
    when it points inside ``folder`` (a link to a folder is never walked: what
    it points to inside is walked anyway); a link that leaves ``folder`` (to
    ``/etc/passwd``, say) or a dangling one is left out, and so are FIFOs,
    devices and sockets, which are never opened: each one with a message in
    ``skipped``.

    Args:
        folder: The folder the user gave.
        extensions: The extensions to keep (lower case, with the dot).
        skipped: Receives ``path: why it was skipped`` for each file left out.
    """
    found: list[Path] = []
    try:
        root = folder.resolve()
    except (OSError, RuntimeError):
        root = folder.absolute()

    def skip(path: Path, why: str) -> None:
        if skipped is not None:
            skipped.append(f"{path_text(path)}: {why}; skipped")

    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in dirnames:
            path = Path(dirpath, name)
            if path.is_symlink() and not _inside(path, root):
                skip(path, f"a symbolic link to {_target(path)}, outside {path_text(folder)}")
        for name in filenames:
            if name.startswith("."):
                continue
            if os.path.splitext(name)[1].lower() not in extensions:
                continue
            path = Path(dirpath, name)
            try:
                link = path.is_symlink()
                mode = path.stat().st_mode
            except OSError:
                skip(path, f"a symbolic link to {_target(path)}, which does not exist")
                continue
            if link and not _inside(path, root):
                skip(path, f"a symbolic link to {_target(path)}, outside {path_text(folder)}")
                continue
            if not stat.S_ISREG(mode):
                skip(path, f"{special_kind(mode)}, not a regular file: never read")
                continue
            found.append(path)
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _target(path: Path) -> str:
    try:
        return path_text(os.readlink(path))
    except OSError:
        return "?"


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
