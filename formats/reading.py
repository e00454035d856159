"""What every file reader shares: its error, the size-limited read, message snippets.

Each file is one unit: a reader returns all its documents or raises an
:class:`IngestError` for the first problem, whose message names the file and,
when it is known, the 1-based line.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from storage.errors import SaywhoError

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Files larger than this are refused before they are read."""

TITLE_MAX_CHARS = 200
SHORT_TITLE_MAX_CHARS = 100
MESSAGE_SNIPPET_CHARS = 60


class IngestError(SaywhoError):
    """A file (or one line of it) that cannot be read as documents.

    Attributes:
        path: The file as the user named it.
        line: The 1-based line of the problem, or None when it concerns the whole file.
        reason: The message without the ``path:line:`` prefix.
    """

    def __init__(self, path: str | os.PathLike[str], reason: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")



_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_BINARY", 0)


def read_bytes_limited(path: Path, max_bytes: int) -> bytes:
    """Check the file's kind and size before reading it whole.

    Only regular files are read: a folder, FIFO, device or socket is refused.
    The file is opened without blocking (a FIFO put in its place after the
    check does not hang the import) and checked again through the open handle.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as err:
        raise IngestError(path, f"cannot be opened: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(path, f"is {special_kind(info.st_mode)}, not a regular file; "
                                "never read")
    if info.st_size > max_bytes:
        raise IngestError(
            path,
            f"is {format_size(info.st_size)}, over the {format_size(max_bytes)} limit",
        )
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as err:
        raise IngestError(path, f"cannot be opened: {err.strerror or err}") from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise IngestError(path, f"is {special_kind(opened.st_mode)}, not a regular file; "
                                    "never read")
        # Read at most one byte more than allowed: the file may grow after stat().
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1)
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as err:
        raise IngestError(path, f"cannot be read: {err.strerror or err}") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise IngestError(path, f"is over the {format_size(max_bytes)} limit")
    return data


_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def special_kind(mode: int) -> str:
    """What a file that is not a regular file or folder is (\"a FIFO (named pipe)\", ...)."""
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


