"""Finding and wording conflicts: what a colleague changed, in words an annotator reads.

A conflict message names the object as the annotator sees it (label, covered
text, attributes, actor), never an id; ``describe_*`` are what the GUI shows too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.errors import ConflictError
from storage.models import (
    Document,
    Entity,
    Relation,
    Span,
)
from storage.schema import Schema


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def covered_text(session: Session, document_id: int, fragments: Sequence[Sequence[int]],
             limit: int = 60) -> str:
    document = session.get(Document, document_id)
    if document is None:
        return ""
    return shorten(" … ".join(document.text[int(a):int(b)] for a, b in fragments), limit)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _attributes_text(values: dict[str, Any] | None) -> list[str]:
    return [f"{key} {_value_text(value)}" for key, value in (values or {}).items()]


def describe_span(session: Session, span: Span, schema: Schema | None = None) -> str:
    """A span as a conflict message shows it: label, covered text, attributes, actor.

    For example ``Quote “We will not yield, … not one metre.”, form direct`` or
    ``Actor “President Aldric Varnay”, kind person, actor Aldric Varnay``.
    """
    parts = [f"{span.label} “{covered_text(session, span.document_id, span.fragments)}”",
             *_attributes_text(span.attributes)]
    if span.entity_id is not None:
        entity = session.get(Entity, span.entity_id)
        parts.append(f"actor {entity.name if entity is not None else span.entity_id}")
    elif schema is not None:
        label_def = schema.label(span.label)
        if label_def is not None and label_def.entity:
            parts.append("no actor")
    return ", ".join(parts)


def describe_entity(entity: Entity) -> str:
    """An actor as a conflict message shows it: name, kind, aliases, knowledge-base id."""
    text = f"{entity.name}, {entity.kind}, aliases {', '.join(entity.aliases or []) or '-'}"
    return f"{text}, knowledge-base id {entity.kb_id}" if entity.kb_id else text


def _span_brief(session: Session, span_id: int) -> str:
    span = session.get(Span, span_id)
    if span is None:
        return f"span {span_id}"
    return f"{span.label} “{covered_text(session, span.document_id, span.fragments, 30)}”"


def relation_text(session: Session, type_: str, source_id: int, target_id: int,
                   attributes: dict[str, Any] | None) -> str:
    parts = [f"{type_} from {_span_brief(session, source_id)} to "
             f"{_span_brief(session, target_id)}", *_attributes_text(attributes)]
    return ", ".join(parts)


def describe_relation(session: Session, relation: Relation) -> str:
    """A relation as a conflict message shows it: type, its two spans, attributes."""
    return relation_text(session, relation.type, relation.source_id, relation.target_id,
                          relation.attributes)


def span_changed(session: Session, schema: Schema, span: Span, known_label: str,
                  detail: str = "") -> ConflictError:
    return ConflictError(
        f"this {known_label} span was changed by someone else meanwhile ({detail}now: "
        f"{describe_span(session, span, schema)}); the view has been reloaded"
    )


def entity_changed(entity: Entity, known_name: str) -> ConflictError:
    return ConflictError(
        f"actor '{known_name}' was changed by someone else meanwhile "
        f"(now: {describe_entity(entity)}); the registry has been reloaded"
    )


def relation_changed(session: Session, relation: Relation, known_type: str) -> ConflictError:
    return ConflictError(
        f"this '{known_type}' relation was changed by someone else meanwhile "
        f"(now: {describe_relation(session, relation)}); the view has been reloaded"
    )


def span_twins(session: Session, document_id: int, annotator: int, label: str,
                fragments: Sequence[Sequence[int]], exclude: int | None = None) -> list[int]:
    """Ids of the spans of one layer with this label and exactly these fragments."""
    wanted = [[int(a), int(b)] for a, b in fragments]
    rows = session.execute(select(Span.id, Span.fragments).where(
        Span.document_id == document_id, Span.annotator_id == annotator, Span.label == label,
        Span.start == wanted[0][0], Span.end == wanted[-1][1]))
    return sorted(span_id for span_id, stored in rows
                  if span_id != exclude and [[int(a), int(b)] for a, b in stored] == wanted)


def relation_twins(session: Session, type_: str, source_id: int, target_id: int,
                    exclude: int | None = None) -> list[int]:
    """Ids of the relations of this type between these two spans."""
    return sorted(relation_id for relation_id in session.scalars(select(Relation.id).where(
        Relation.type == type_, Relation.source_id == source_id,
        Relation.target_id == target_id)) if relation_id != exclude)


def relations_of(session: Session, span_id: int) -> list[int]:
    """Ids of the relations that start or end at a span."""
    return sorted(session.scalars(select(Relation.id).where(
        or_(Relation.source_id == span_id, Relation.target_id == span_id))))


def span_marked_again(session: Session, label: str, document_id: int,
                       fragments: Sequence[Sequence[int]]) -> ConflictError:
    return ConflictError(
        f"someone else has marked this {label} “{covered_text(session, document_id, fragments)}” "
        "meanwhile; the view has been reloaded"
    )


def span_linked_meanwhile(session: Session, span: Span, relation_ids: Sequence[int],
                           doing: str) -> ConflictError:
    first = session.get(Relation, relation_ids[0])
    described = describe_relation(session, first) if first is not None else ""
    more = f" and {len(relation_ids) - 1} more" if len(relation_ids) > 1 else ""
    return ConflictError(
        f"someone else linked this {span.label} “"
        f"{covered_text(session, span.document_id, span.fragments)}” meanwhile "
        f"({described}{more}); {doing} would delete that too; the view has been reloaded"
    )


def refuse_if_back(session: Session, model: type[Span | Relation | Entity], row_id: int | None,
                   what: str) -> None:
    """Refuses to re-create a row that someone else restored meanwhile.

    Raises:
        ConflictError: the row ``row_id`` exists again; ``what`` names it
            ("this Quote span", "actor 'Varnay'").
    """
    if row_id is not None and session.get(model, row_id) is not None:
        reloaded = "registry" if model is Entity else "view"
        raise ConflictError(f"{what} is back already (someone else restored it meanwhile); "
                            f"the {reloaded} has been reloaded")
