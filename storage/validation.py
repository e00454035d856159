"""What every value must be before it is written: one check for every backend.

SQLite stores almost anything (a NUL character, a 300-character name in a
``VARCHAR(128)``), PostgreSQL refuses it with a database error: the same input
would be stored on one backend and fail with a raw driver message on the other.
Every writer path (imports, edits, actors, annotators) checks its values here
first, so both backends give the same clear :class:`ValidationError`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import String

from storage.errors import ValidationError
from storage.models import Annotator, Document, Entity, Relation, Span
from storage.records import DocumentRecord

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL text cannot hold it) and lone surrogates (not characters: no
encoding can write them, so no export could either)."""


def _length(column: Any) -> int:
    kind = column.property.columns[0].type
    assert isinstance(kind, String) and kind.length is not None
    return int(kind.length)


DOCUMENT_ID_MAX = _length(Document.external_id)
ANNOTATOR_NAME_MAX = _length(Annotator.name)
ENTITY_ID_MAX = _length(Entity.external_id)
KB_ID_MAX = _length(Entity.kb_id)
SPAN_ID_MAX = _length(Span.external_id)
RELATION_ID_MAX = _length(Relation.external_id)


def _describe(char: str) -> str:
    if char == "\x00":
        return "a NUL character (U+0000)"
    return f"a lone surrogate (U+{ord(char):04X}, half of a character)"


def check_text(value: str, what: str, max_length: int | None = None) -> str:
    """Refuses text the database cannot store, or that is longer than its column.

    Args:
        value: the text.
        what: how a message names it (``"document id"``, ``"annotator name 'x…'"``).
        max_length: the column's length in characters, if it has one.

    Returns:
        ``value``, unchanged.

    Raises:
        ValidationError: naming ``what`` and the offset of the first bad character,
            or the length and the limit.
    """
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"{what} is {len(value)} characters long; at most "
                              f"{max_length} are allowed")
    found = _UNSTORABLE.search(value)
    if found is not None:
        raise ValidationError(f"{what} contains {_describe(found.group())} at offset "
                              f"{found.start()}, which cannot be stored")
    return value


def check_json(value: Any, what: str) -> Any:
    """:func:`check_text` for every key and string inside a JSON value (metadata, attributes).

    Raises:
        ValidationError: naming ``what`` and the key path (``meta['source'][0]``).
    """
    if isinstance(value, str):
        check_text(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_text(key, f"a key of {what}")
            check_json(item, f"{what}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_json(item, f"{what}[{index}]")
    return value


def short(value: str, limit: int = 40) -> str:
    """A long value cut for a message: its first characters and an ellipsis."""
    return value if len(value) <= limit else value[:limit] + "…"


def storable(value: str) -> bool:
    """Whether ``value`` holds no character :func:`check_text` refuses (length aside)."""
    return _UNSTORABLE.search(value) is None


def check_document(record: DocumentRecord, where: str) -> None:
    """Checks a document's id, title, text, source and metadata before it is stored.

    Raises:
        ValidationError: naming the field and what is wrong with it.
    """
    if record.external_id is not None:
        check_text(record.external_id, f"document id '{short(record.external_id)}'",
                   DOCUMENT_ID_MAX)
    check_text(record.text, "the text")
    if record.title:
        check_text(record.title, "the title")
    check_text(record.source or where, "the source")
    check_json(dict(record.meta), "the metadata")


def check_annotator_name(name: str) -> str:
    """Refuses an annotator name that is too long or cannot be stored.

    Raises:
        ValidationError: naming the (shortened) name.
    """
    return check_text(name, f"annotator name '{short(name)}'", ANNOTATOR_NAME_MAX)
