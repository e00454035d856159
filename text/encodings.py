"""Byte-order marks: the Unicode encoding a file's first bytes declare.

One table for every reader that looks for a mark (text, HTML and JSON Lines
files in :mod:`formats.decoding`, XML schemas and XMI in
:func:`storage.schema.sniff_xml_encoding`), so they agree on which marks exist
and in which order they are tried: UTF-32 before UTF-16, because the UTF-32 LE
mark (``FF FE 00 00``) starts with the UTF-16 LE one (``FF FE``).
"""

from __future__ import annotations

import codecs

BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Each mark and the encoding it declares, by Python's name of the encoding with the
mark (``utf-8-sig``: UTF-8 that starts with a mark); the bytes after it decode with
:func:`codec_after_mark` of that name."""


def split_bom(data: bytes) -> tuple[str | None, bytes]:
    """The encoding ``data``'s byte-order mark declares, and the bytes after the mark.

    Returns:
        ``(name, rest)`` with a name of :data:`BYTE_ORDER_MARKS`, or ``(None, data)``
        when ``data`` starts with no mark.
    """
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding, data[len(mark):]
    return None, data


def codec_after_mark(encoding: str) -> str:
    """The codec of the bytes after a mark (``utf-8`` for ``utf-8-sig``: the mark is gone)."""
    return "utf-8" if encoding == "utf-8-sig" else encoding


def mark_length(encoding: str) -> int:
    """How many bytes the mark of an encoding of :data:`BYTE_ORDER_MARKS` takes."""
    return next(len(mark) for mark, name in BYTE_ORDER_MARKS if name == encoding)
