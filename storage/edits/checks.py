"""Checks an edit runs before it writes: spans, relations, attributes, actors.

Each check raises :class:`~storage.errors.ValidationError` with a message a
user can act on; the look-ups (:func:`stored`, :func:`load_document`,
:func:`load_span`, :func:`annotator_id`) raise :class:`~storage.errors.NotFoundError`. The
importers (:mod:`storage.importing`) run the same checks on every record.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from storage.errors import NotFoundError, ValidationError
from storage.models import Annotator, Base, Document, Entity, Relation, Span
from storage.schema import AttributeDef, Schema
from storage.validation import (
    ENTITY_ID_MAX,
    KB_ID_MAX,
    RELATION_ID_MAX,
    SPAN_ID_MAX,
    check_annotator_name,
    check_json,
    check_text,
    short,
)


def check_fragments(
    fragments: Sequence[Sequence[int]], text_length: int, what: str = "span"
) -> list[tuple[int, int]]:
    """Validates fragments and returns them sorted as tuples.

    Raises:
        ValidationError: empty, non-integer, out-of-text, empty or overlapping fragments.
    """
    if not fragments:
        raise ValidationError(f"{what} has no fragments")
    result: list[tuple[int, int]] = []
    for fragment in fragments:
        if len(fragment) != 2:
            raise ValidationError(f"{what}: fragment {list(fragment)} is not a [start, end] pair")
        start, end = fragment
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or \
                isinstance(end, bool):
            raise ValidationError(f"{what}: offsets must be integers, not {list(fragment)}")
        if start < 0 or end > text_length:
            raise ValidationError(
                f"{what}: offsets {start}-{end} fall outside the text (length {text_length})"
            )
        if start >= end:
            raise ValidationError(f"{what}: fragment {start}-{end} is empty or reversed")
        result.append((start, end))
    result.sort()
    for (_, previous_end), (start, _end) in itertools.pairwise(result):
        if start < previous_end:
            raise ValidationError(f"{what}: fragments overlap each other at {start}-{previous_end}")
    return result


def check_attributes(
    definitions: Sequence[AttributeDef], values: dict[str, Any], owner: str
) -> dict[str, Any]:
    """Validates attribute values; fills defaults of missing required ones.

    Raises:
        ValidationError: unknown attribute, value not allowed, required value missing.
    """
    known = {d.name: d for d in definitions}
    result: dict[str, Any] = {}
    for name, value in values.items():
        definition = known.get(name)
        if definition is None:
            allowed = ", ".join(known) or "none"
            raise ValidationError(f"{owner} has no attribute '{name}' (it has: {allowed})")
        if value is None:
            continue
        problem = definition.check(value)
        if problem:
            raise ValidationError(f"{owner}: {problem}")
        result[name] = value
    for definition in definitions:
        if definition.required and definition.name not in result:
            if definition.default is None:
                raise ValidationError(f"{owner}: attribute '{definition.name}' is required")
            result[definition.name] = definition.default
    return result


Row = TypeVar("Row", bound=Base)


def stored(session: Session, model: type[Row], row_id: Any, what: str | None = None,
           why: str = "", **get_options: Any) -> Row:
    """The row ``row_id`` of ``model`` (``Session.get`` with ``get_options``).

    Raises:
        NotFoundError: "WHAT ID does not exist", then ``why`` (e.g. " (deleted
            meanwhile?)"); ``what`` is the word users know (default: the table's name).
    """
    row = session.get(model, row_id, **get_options)
    if row is None:
        raise NotFoundError(f"{what or model.__tablename__} {row_id} does not exist{why}")
    return row


def load_document(session: Session, document_id: int) -> Document:
    """The document row without its text (loaded only if read: an edit on a 10 MB book
    checks offsets against the text's length, see :func:`text_length`)."""
    return stored(session, Document, document_id, options=[defer(Document.text)])


_TEXT_LENGTHS: dict[tuple[int, str], int] = {}


def text_length(document: Document) -> int:
    """``len(document.text)``; a stored text not loaded yet is read once per process
    (remembered by document id and the text's sha256)."""
    if "text" in document.__dict__ or document.id is None or not document.sha256:
        return len(document.text)  # already in memory, or not stored yet
    key = (document.id, document.sha256)
    length = _TEXT_LENGTHS.get(key)
    if length is None:
        length = len(document.text)
        if len(_TEXT_LENGTHS) >= 4096:
            _TEXT_LENGTHS.clear()
        _TEXT_LENGTHS[key] = length
    return length


def load_span(session: Session, span_id: int) -> Span:
    return stored(session, Span, span_id, why=" (deleted meanwhile?)")


def annotator_id(session: Session, name: str, create: bool = True) -> int:
    """The id of the annotator called ``name``, created on first use.

    Raises:
        ValidationError: the name is empty, too long or holds a character that
            cannot be stored (:mod:`storage.validation`).
    """
    check_annotator_name(name)
    found = session.scalar(select(Annotator.id).where(Annotator.name == name))
    if found is not None:
        return found
    if not create:
        raise NotFoundError(f"no annotator called '{name}'")
    if not name.strip():
        raise ValidationError("an annotator needs a name")
    annotator = Annotator(name=name)
    session.add(annotator)
    session.flush()
    return annotator.id


def validate_span(
    session: Session,
    schema: Schema,
    document: Document,
    label: str,
    fragments: Sequence[Sequence[int]],
    attributes: dict[str, Any],
    entity_id: int | None,
    external_id: str | None = None,
) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """Checks a span against the schema and the text; returns clean fragments and attributes."""
    if external_id is not None:
        check_text(external_id, f"span id '{short(external_id)}'", SPAN_ID_MAX)
    label_def = schema.label(label)
    if label_def is None:
        raise ValidationError(
            f"label '{label}' is not in the schema (labels: {', '.join(schema.label_names)})"
        )
    clean = check_fragments(fragments, text_length(document), f"{label} span")
    check_json(attributes, f"the attributes of this {label} span")
    values = check_attributes(label_def.attributes, attributes, f"label '{label}'")
    if entity_id is not None:
        if not label_def.entity:
            raise ValidationError(f"label '{label}' does not link to the actor registry")
        if session.get(Entity, entity_id) is None:
            raise ValidationError(f"actor {entity_id} is not in the registry")
    return clean, values


def validate_relation(
    session: Session,
    schema: Schema,
    type_: str,
    source: Span,
    target: Span,
    attributes: dict[str, Any],
    ignore_relation: int | None = None,
    existing: int | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    """Checks a relation against the schema, its endpoints and the cardinality limit.

    ``existing`` (when the caller already knows it) is how many relations of
    this type the source has; otherwise the database is asked.
    """
    if external_id is not None:
        check_text(external_id, f"relation id '{short(external_id)}'", RELATION_ID_MAX)
    definition = schema.relation(type_)
    if definition is None:
        names = ", ".join(r.name for r in schema.relations)
        raise ValidationError(f"relation type '{type_}' is not in the schema ({names})")
    if source.id == target.id:
        raise ValidationError(f"a '{type_}' relation cannot link a span to itself")
    if source.document_id != target.document_id or source.annotator_id != target.annotator_id:
        raise ValidationError(
            f"a '{type_}' relation links spans of one document and one annotator"
        )
    if source.label not in definition.sources:
        raise ValidationError(
            f"'{type_}' goes from {' or '.join(definition.sources)}, not from {source.label}"
        )
    if target.label not in definition.targets:
        raise ValidationError(
            f"'{type_}' goes to {' or '.join(definition.targets)}, not to {target.label}"
        )
    if definition.max_per_source is not None:
        if existing is None:
            query = select(func.count()).where(Relation.source_id == source.id,
                                               Relation.type == type_)
            if ignore_relation is not None:
                query = query.where(Relation.id != ignore_relation)
            existing = session.scalar(query) or 0
        if existing >= definition.max_per_source:
            raise ValidationError(
                f"this {source.label} already has {existing} '{type_}' relation"
                f"{'s' if existing > 1 else ''}; the schema allows "
                f"{definition.max_per_source}"
            )
    check_json(attributes, f"the attributes of this '{type_}' relation")
    return check_attributes(definition.attributes, attributes, f"relation '{type_}'")



def check_entity_fields(schema: Schema, name: str, kind: str, aliases: Sequence[str],
                         kb_id: str | None = None, external_id: str | None = None) -> None:
    if not name.strip():
        raise ValidationError("an actor needs a name")
    check_text(name, f"actor name '{short(name)}'")
    if external_id is not None:
        check_text(external_id, f"actor id '{short(external_id)}'", ENTITY_ID_MAX)
    if kb_id is not None:
        check_text(kb_id, f"knowledge-base id '{short(kb_id)}' of actor '{short(name)}'",
                   KB_ID_MAX)
    if kind not in schema.actor_kinds:
        raise ValidationError(f"actor kind '{kind}' is not one of "
                              f"{', '.join(schema.actor_kinds)}")
    if any(not isinstance(a, str) for a in aliases):
        raise ValidationError("actor aliases must be text")
    check_json(list(aliases), f"the aliases of actor '{short(name)}'")
