"""File names as text: stored readably, printed safely.

A file name is bytes on POSIX: one that is not valid UTF-8 reaches Python with
its bad bytes as lone surrogates (``surrogateescape``), which no database or
encoder accepts; :func:`path_text` spells them ``\\xe9``. A file name may also
hold control characters, and an ESC sequence printed raw reprograms the
terminal it is printed on; :func:`printable` escapes those in any message.
"""

from __future__ import annotations

import os
import re

_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 controls but tab and newline, DEL, C1 controls (0x9B is a one-byte CSI), the
bidirectional overrides that reorder what a terminal shows, and lone surrogates."""


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as storable text: bytes that are not UTF-8 become ``\\xNN``.

    Args:
        path: a path as the file system gave it (``surrogateescape`` on POSIX).

    Returns:
        The path itself when its name is valid UTF-8, otherwise the same path
        with each undecodable byte written as ``\\xNN``.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        code -= 0xDC00
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters, bidirectional
    overrides and lone surrogates written as ``\\xNN`` / ``\\uNNNN`` escapes
    (tabs and newlines are kept)."""
    return _UNPRINTABLE.sub(_escape, text)
