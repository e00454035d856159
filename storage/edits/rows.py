"""Rows as undo remembers them, and rows written back with their ids and versions.

Undo never clobbers. An undo or a redo writes remembered values over what is
stored, so before it writes it checks that every object it touches is still
exactly as this edit left it: a span, actor, relation or status by content (a version number would
not do: the user's own later edits of the same object bump it too, and those
are undone first), a re-created row by the absence of a copy someone made
meanwhile. Anything else means a colleague changed it: the undo or redo is
refused with a ConflictError that says what is there now, and nothing is written.

Each edit remembers what apply left (checked by revert) and what revert left
(checked by a redo, i.e. a later apply). Each is written by one direction only
and recomputed on every run, so a transaction retried after a busy database
checks the same thing again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from storage.errors import ConflictError
from storage.models import Entity, Relation, Span


def relation_snapshot(row: Relation) -> dict[str, Any]:
    return {
        "id": row.id, "external_id": row.external_id, "document_id": row.document_id,
        "annotator_id": row.annotator_id, "type": row.type, "source_id": row.source_id,
        "target_id": row.target_id, "attributes": dict(row.attributes or {}),
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def span_snapshot(row: Span) -> dict[str, Any]:
    return {
        "id": row.id, "external_id": row.external_id, "document_id": row.document_id,
        "annotator_id": row.annotator_id, "label": row.label, "start": row.start,
        "end": row.end, "fragments": [list(f) for f in row.fragments],
        "attributes": dict(row.attributes or {}), "entity_id": row.entity_id,
        "created_at": row.created_at, "updated_at": row.updated_at, "version": row.version,
    }


def entity_snapshot(row: Entity) -> dict[str, Any]:
    return {"id": row.id, "external_id": row.external_id, "name": row.name, "kind": row.kind,
            "aliases": list(row.aliases or []), "kb_id": row.kb_id, "version": row.version}




SPAN_STATE = ("label", "fragments", "attributes", "entity_id")
ENTITY_STATE = ("name", "kind", "aliases", "kb_id")
RELATION_STATE = ("type", "source_id", "target_id", "attributes")


def span_state(row: Span) -> dict[str, Any]:
    """A span as an annotator sees it: what an undo or redo must find unchanged."""
    return {"label": row.label, "fragments": [[int(a), int(b)] for a, b in row.fragments],
            "attributes": dict(row.attributes or {}), "entity_id": row.entity_id}


def entity_state(row: Entity) -> dict[str, Any]:
    return {"name": row.name, "kind": row.kind, "aliases": list(row.aliases or []),
            "kb_id": row.kb_id}


def relation_state(row: Relation) -> dict[str, Any]:
    return {"type": row.type, "source_id": row.source_id, "target_id": row.target_id,
            "attributes": dict(row.attributes or {})}


def picked(snapshot: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {key: snapshot[key] for key in keys}


def without_version(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if key != "version"}


def keep_version(session: Session, row: Span | Entity, version: int) -> None:
    """Gives a re-created row the version it had when it was removed.

    An insert always starts at version 1, which would let a copy read long
    before (at version 1) pass the version check of a later edit.
    """
    model = type(row)
    session.execute(update(model).where(model.id == row.id).values(version=version),
                    execution_options={"synchronize_session": False})
    set_committed_value(row, "version", version)


def insert_row(session: Session, row: Span | Entity, row_id: int | None,
            version: int | None) -> None:
    """Adds a row; a redo gives it back the id and the version it had (see keep_version)."""
    if row_id is not None:
        row.id = row_id
    session.add(row)
    session.flush()
    if version is not None:
        keep_version(session, row, version)


def locked_entities(session: Session, *entity_ids: int) -> dict[int, Entity]:
    """The actors, read fresh and locked until the transaction ends (lowest id first).

    On PostgreSQL (READ COMMITTED) a colleague's uncommitted change of these rows
    is waited for, and then seen, instead of being overwritten or failing the
    version check; a link a colleague makes to a locked actor waits for this
    transaction (its foreign-key check needs the row). SQLite serialises writers
    already (``BEGIN IMMEDIATE``) and ignores the lock.
    """
    found: dict[int, Entity] = {}
    for entity_id in sorted(set(entity_ids)):
        entity = session.get(Entity, entity_id, with_for_update=True, populate_existing=True)
        if entity is not None:
            found[entity_id] = entity
    return found


def flush_or_conflict(session: Session, what: str) -> None:
    """Flushes; a versioned row someone else changed in between is a ConflictError."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"{what} was changed by someone else meanwhile; "
                            "the view has been reloaded") from exc
