"""Rotating backups of SQLite projects, made with SQLite's online backup API.

Where: a ``backups`` folder beside the project file, one file per backup named
after the project and the time (UTC) it was made::

    news.saywho
    backups/news-20260303T101255123456Z.saywho

Beside the project, so a backup travels with the project folder and the user
finds it without knowing where the user-data folder is. Each backup is a
complete, self-contained SQLite file (rollback-journal mode, no ``-wal``
beside it) that Saywho opens like any project.

How: ``sqlite3.Connection.backup`` copies a consistent snapshot page by page
while other Saywho windows keep working (in WAL mode readers never block
writers); the copy is written to a hidden ``.partial`` file, flushed to disk and
renamed into place, so a crash or a kill mid-backup never leaves a damaged
backup behind. A backup identical to the newest one is not kept (opening a
project ten times without changing it does not push the older backups out).
Only the newest ``keep`` backups are kept (default :data:`DEFAULT_KEEP`).

Restore: :func:`restore_backup` copies a backup back into the project through
the same API (safe even when the project's ``-wal`` file is still there).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from storage.db import SQLITE_MAGIC, is_disk_full, read_only_uri
from storage.errors import DiskFullError, ProjectError, disk_full_message

DEFAULT_KEEP = 5
BACKUP_FOLDER = "backups"
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 600
_STAMP = "%Y%m%dT%H%M%S%fZ"
_BUSY_TIMEOUT_MS = 10_000
_SQLITE_HEADER = 100  # bytes of file header, with counters that differ between copies


def backup_folder(project_path: Path | str) -> Path:
    """The folder that holds a project's backups (``backups`` beside it)."""
    return Path(project_path).absolute().parent / BACKUP_FOLDER


def _pattern(project_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(project_path.stem) + r"-(\d{8}T\d{12}Z)"
                      + re.escape(project_path.suffix) + "$")


def list_backups(project_path: Path | str) -> list[Path]:
    """The project's backups, oldest first."""
    path = Path(project_path).absolute()
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    pattern = _pattern(path)
    found = [(match.group(1), entry) for entry in folder.iterdir()
             if (match := pattern.match(entry.name)) and entry.is_file()]
    return [entry for _, entry in sorted(found)]


def make_backup(project_path: Path | str, keep: int = DEFAULT_KEEP,
                now: datetime | None = None) -> Path | None:
    """Backs up a SQLite project and deletes all but the newest ``keep`` backups.

    Args:
        project_path: the project file.
        keep: how many backups to keep; 0 or less turns backups off.
        now: the time to name the backup by (tests); default the current time.

    Returns:
        The newest backup (the one just made, or the identical one already
        there), or None when backups are off.

    Raises:
        DiskFullError: the disk is full; nothing partial is left behind.
        ProjectError: the backup cannot be written (folder not writable, the
            project unreadable); nothing partial is left behind.
    """
    if keep <= 0:
        return None
    path = Path(project_path).absolute()
    folder = backup_folder(path)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    partial = folder / f".{path.name}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"
    try:
        folder.mkdir(exist_ok=True)
        _remove_stale_partials(folder, path)
        _copy(path, partial)
        previous = list_backups(path)
        if previous and _same_content(previous[-1], partial):
            partial.unlink()
            target = previous[-1]
        else:
            target = _place(partial, target)
            _fsync_folder(folder)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError(disk_full_message(
                f"no backup of {path} could be written in {folder} (the project is "
                "unchanged)")) from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"{path}: cannot make a backup in {folder}: {reason}") from exc
    for old in list_backups(path)[:-keep]:
        with contextlib.suppress(OSError):  # another window may have removed it
            old.unlink(missing_ok=True)
    return target


def _place(partial: Path, target: Path) -> Path:
    while target.exists():  # two Saywho windows in the same microsecond
        target = target.with_name(target.stem + "0" + target.suffix)
    os.replace(partial, target)
    return target


def restore_backup(backup: Path | str, project_path: Path | str) -> None:
    """Replaces the project's content by a backup's (close the project first).

    The copy goes through SQLite, so a ``-wal`` file left beside the project is
    handled correctly (copying the file by hand next to a stale ``-wal`` would not be).

    Raises:
        ProjectError: the backup is not an SQLite file or cannot be read, or the
            project cannot be written.
    """
    source_path = Path(backup)
    try:
        with source_path.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise ProjectError(f"{source_path}: not a Saywho backup (not an SQLite file)")
        source = sqlite3.connect(read_only_uri(source_path), uri=True)
        try:
            destination = sqlite3.connect(Path(project_path))
            try:
                destination.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectError(f"{project_path}: cannot restore {source_path}: {reason}") from exc


def _copy(path: Path, partial: Path) -> None:
    source = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        source.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
            # a single self-contained file: no -wal to carry along when copied
            destination.execute("PRAGMA journal_mode=DELETE")
            destination.commit()
        finally:
            destination.close()
    finally:
        source.close()
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(_SQLITE_HEADER)
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _same_content(existing: Path, partial: Path) -> bool:
    try:
        if existing.stat().st_size != partial.stat().st_size:
            return False
        return _digest(existing) == _digest(partial)
    except OSError:
        return False


def _remove_stale_partials(folder: Path, path: Path) -> None:
    """Deletes copies left by a Saywho killed while backing up (older than 10 minutes)."""
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for entry in folder.glob(f".{_glob_escape(path.name)}.*{PARTIAL_SUFFIX}"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            continue


def _glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
