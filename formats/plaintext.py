"""Plain text files (``.txt``): one document per file.

Line endings become ``\\n``, a BOM and the whitespace at the very end are
dropped, and nothing else in the text changes. A first line that looks like a
headline becomes the title but stays in the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from formats.base import DocumentReader
from formats.decoding import (
    BINARY_CONTROLS,
    check_not_binary,
    decode_with_bom,
    detect_legacy_or_refuse,
    normalise_newlines,
    refuse_bomless_utf16,
    refuse_broken_utf8,
)
from formats.reading import (
    SHORT_TITLE_MAX_CHARS,
    TITLE_MAX_CHARS,
    IngestError,
)
from storage.records import (
    DocumentRecord,
)
from text.encodings import split_bom
from text.names import path_text

# ------------------------------------------------------------------ plain text


def parse_text(data: bytes, path: Path) -> DocumentRecord:
    """Make one document of a plain-text file's bytes.

    Args:
        data: The file's content.
        path: The file, for the record's source, id and title, and for messages.

    Returns:
        The document; ``meta["encoding"]`` names the detected encoding.

    Raises:
        IngestError: The bytes are binary, empty, or not decodable.
    """
    path = Path(path)
    check_not_binary(data, path, "text")
    bom_encoding, body = split_bom(data)
    if bom_encoding is not None:
        text, encoding = decode_with_bom(body, bom_encoding, path), bom_encoding
    elif b"\x00" in data:
        refuse_bomless_utf16(data, path)
        raise IngestError(
            path,
            "contains NUL bytes: looks like a binary file, not text "
            "(UTF-16 text needs a byte-order mark)",
        )
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            refuse_broken_utf8(data, exc, path)
            refuse_bomless_utf16(data, path)
            text, encoding = detect_legacy_or_refuse(data, path)
    text = normalise_newlines(text).lstrip("\ufeff").rstrip()
    if not text:
        raise IngestError(path, "is empty" if not data else "contains only whitespace")
    sample = text[:65536]
    if len(BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100):
        raise IngestError(path, "contains control characters: looks like a binary file, not text")
    return DocumentRecord(
        text=text,
        title=detect_title(text) or path_text(path.stem),
        external_id=path_text(path.stem),
        meta={"encoding": encoding},
        source=path_text(path),
    )


_SENTENCE_END = ".?!:;,"
_NON_SPACE = re.compile(r"\S")
_CLOSING_QUOTES = "\"'”’»›"


def detect_title(text: str) -> str | None:
    """Return the first line of ``text`` if it looks like a headline.

    A headline is non-empty, at most :data:`TITLE_MAX_CHARS` characters, does
    not end like a sentence (``. ? ! : ;`` or a closing quote after them), is not
    the only paragraph, and is followed by a blank line, or is short and
    followed by a line that does not continue it (one not starting in lower case).

    Args:
        text: A document's text, newlines normalised.

    Returns:
        The stripped headline, or None.
    """
    start = len(text) - len(text.lstrip("\n")) if text[:1] == "\n" else 0
    first_line, _, rest = text[start:].partition("\n")
    first = first_line.strip()
    if not first or len(first) > TITLE_MAX_CHARS:
        return None
    last = first[-1]
    if last in _SENTENCE_END:
        return None
    if last in _CLOSING_QUOTES and len(first) > 1 and first[-2] in _SENTENCE_END:
        return None
    if _NON_SPACE.search(rest) is None:
        return None
    following = rest.partition("\n")[0].strip()
    if not following:
        return first
    if (
        len(first) <= SHORT_TITLE_MAX_CHARS
        and not following[0].islower()
        and not first.endswith(("-", "–", "—"))
    ):
        return first
    return None


class TextFormat(DocumentReader, name="text", extensions=(".txt",),
                 description="plain text, one document per file"):
    """Plain text: one document per file (read only)."""

    @classmethod
    def read_documents(cls, data: bytes, path: Path) -> list[DocumentRecord]:
        return [parse_text(data, path)]
