"""Edits of the actor registry: create, change, merge, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.edits.base import UNSET, ChangeEdit, Edit, Unset, new_id
from storage.edits.checks import check_entity_fields
from storage.edits.conflicts import entity_changed, refuse_if_back
from storage.edits.rows import (
    ENTITY_STATE,
    entity_snapshot,
    entity_state,
    flush_or_conflict,
    insert_row,
    keep_version,
    locked_entities,
    picked,
    without_version,
)
from storage.errors import ConflictError, NotFoundError, ValidationError
from storage.models import (
    Entity,
    Span,
)
from storage.schema import Schema
from storage.views import Changes


def _linked_otherwise(session: Session, span_ids: Sequence[int],
                      entity_id: int | None) -> list[int]:
    """The mentions among ``span_ids`` no longer linked to ``entity_id`` (None: unlinked)."""
    if not span_ids:
        return []
    return [span_id for span_id, linked in session.execute(
        select(Span.id, Span.entity_id).where(Span.id.in_(span_ids))) if linked != entity_id]


def _link_mentions(session: Session, from_id: int | None, to_id: int | None,
                   span_ids: Sequence[int] | None = None) -> None:
    """Links the mentions of actor ``from_id`` (None: the unlinked ones) to ``to_id``.

    Only those of ``span_ids`` when given (an undo moves back exactly what it
    moved); each moved span's version goes up, so a copy read before is stale.
    """
    if span_ids is not None and not span_ids:
        return
    query = update(Span).where(Span.entity_id.is_(None) if from_id is None
                               else Span.entity_id == from_id)
    if span_ids is not None:
        query = query.where(Span.id.in_(span_ids))
    session.execute(query.values(entity_id=to_id, version=Span.version + 1),
                    execution_options={"synchronize_session": False})


@dataclass
class CreateEntity(Edit):
    name: str
    kind: str = "person"
    aliases: Sequence[str] = ()
    kb_id: str | None = None
    external_id: str | None = None
    entity_id: int | None = None
    state: dict[str, Any] | None = None  # the actor as apply stored it
    undone_version: int | None = None  # its version when undo deleted it
    text = "create actor"

    def apply(self, session: Session, schema: Schema) -> Changes:
        check_entity_fields(schema, self.name, self.kind, self.aliases, self.kb_id,
                             self.external_id)
        redo = self.undone_version is not None
        if redo:
            refuse_if_back(session, Entity, self.entity_id, f"actor '{self.name}'")
        entity = Entity(name=self.name.strip(), kind=self.kind, aliases=list(self.aliases),
                        kb_id=self.kb_id or None, external_id=self.external_id or new_id("e"))
        insert_row(session, entity, self.entity_id, self.undone_version)
        self.entity_id = entity.id
        self.external_id = entity.external_id
        self.state = entity_state(entity)
        return Changes(entities_changed=[entity.id])

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.entity_id is not None
        entity = session.get(Entity, self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor '{self.name}' does not exist any more (deleted or "
                                "merged by someone else meanwhile)")
        if self.state is not None and entity_state(entity) != self.state:
            raise entity_changed(entity, self.state["name"])
        used = session.scalar(select(func.count()).where(Span.entity_id == self.entity_id))
        if used:
            raise ConflictError(
                f"cannot take back creating actor '{entity.name}': {used} mention"
                f"{'s link' if used != 1 else ' links'} to it now; the registry has been "
                "reloaded")
        version = entity.version
        session.delete(entity)
        flush_or_conflict(session, f"actor '{entity.name}'")
        self.undone_version = version
        return Changes(entities_changed=[self.entity_id])


@dataclass
class UpdateEntity(ChangeEdit[Entity]):
    """Renames an actor or changes its kind, aliases or knowledge-base id.

    ``expected_version`` guards against overwriting a colleague's change; undo
    and redo are refused when the actor is no longer as this edit left it.
    """

    entity_id: int
    name: str | Unset = UNSET
    kind: str | Unset = UNSET
    aliases: Sequence[str] | Unset = UNSET
    kb_id: str | Unset | None = UNSET
    text = "change actor"

    def _load(self, session: Session) -> Entity:
        entity = locked_entities(session, self.entity_id).get(self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist (merged or deleted?)")
        return entity

    def _state(self, row: Entity) -> dict[str, Any]:
        return entity_state(row)

    def _conflict(self, session: Session, schema: Schema, row: Entity,
                  known: dict[str, Any] | None) -> ConflictError:
        return entity_changed(row, row.name if known is None else known["name"])

    def _wanted(self, row: Entity, current: dict[str, Any]) -> dict[str, Any]:
        values = dict(current)
        for key in ENTITY_STATE:
            value = getattr(self, key)
            if value is not UNSET:
                values[key] = value
        return values

    def _write(self, session: Session, schema: Schema, row: Entity,
               state: dict[str, Any]) -> Changes:
        return self._set(session, schema, row, state)

    def _set(self, session: Session, schema: Schema, entity: Entity,
             values: dict[str, Any]) -> Changes:
        check_entity_fields(schema, values["name"], values["kind"], values["aliases"],
                             values["kb_id"])
        entity.name = values["name"].strip()
        entity.kind = values["kind"]
        entity.aliases = list(values["aliases"])
        entity.kb_id = values["kb_id"] or None
        flush_or_conflict(session, f"actor '{values['name']}'")
        return Changes(entities_changed=[entity.id])


@dataclass
class MergeEntities(Edit):
    """Merges ``merged_id`` into ``kept_id``: mentions follow, names become aliases."""

    kept_id: int
    merged_id: int
    kept_before: dict[str, Any] | None = None
    merged_snapshot: dict[str, Any] | None = None
    moved_spans: list[int] = field(default_factory=list)
    kept_after: dict[str, Any] | None = None  # the kept actor as apply left it
    kept_undone: dict[str, Any] | None = None  # the kept actor as revert left it
    text = "merge actors"

    def apply(self, session: Session, schema: Schema) -> Changes:
        if self.kept_id == self.merged_id:
            raise ValidationError("cannot merge an actor with itself")
        locked = locked_entities(session, self.kept_id, self.merged_id)
        kept, merged = locked.get(self.kept_id), locked.get(self.merged_id)
        if kept is None or merged is None:
            raise NotFoundError("one of the actors to merge does not exist any more")
        if self.kept_undone is not None and self.merged_snapshot is not None:  # a redo
            if entity_state(kept) != self.kept_undone:
                raise entity_changed(kept, self.kept_undone["name"])
            if entity_state(merged) != picked(self.merged_snapshot, ENTITY_STATE):
                raise entity_changed(merged, self.merged_snapshot["name"])
        kept_before = entity_state(kept)
        merged_snapshot = entity_snapshot(merged)
        moved_spans = list(session.scalars(
            select(Span.id).where(Span.entity_id == merged.id)))
        aliases = list(kept.aliases)
        for alias in [merged.name, *merged.aliases]:
            if alias != kept.name and alias not in aliases:
                aliases.append(alias)
        kept.aliases = aliases
        kept.kb_id = kept.kb_id or merged.kb_id
        flush_or_conflict(session, f"actor '{kept.name}'")
        _link_mentions(session, merged.id, kept.id)
        session.delete(merged)
        flush_or_conflict(session, f"actor '{kept.name}' or '{merged.name}'")
        self.kept_before = kept_before
        self.merged_snapshot = merged_snapshot
        self.moved_spans = moved_spans
        self.kept_after = entity_state(kept)
        return Changes(entities_changed=[kept.id, merged.id], spans_changed=self.moved_spans)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.kept_before is not None and self.merged_snapshot is not None
        merged_name = self.merged_snapshot["name"]
        kept = locked_entities(session, self.kept_id).get(self.kept_id)
        if kept is None:
            raise NotFoundError(f"actor {self.kept_id}, which '{merged_name}' was merged "
                                "into, does not exist any more (deleted or merged meanwhile)")
        if self.kept_after is not None and entity_state(kept) != self.kept_after:
            raise entity_changed(kept, self.kept_after["name"])
        refuse_if_back(session, Entity, self.merged_id, f"actor '{merged_name}'")
        elsewhere = _linked_otherwise(session, self.moved_spans, self.kept_id)
        if elsewhere:
            raise ConflictError(
                f"cannot take back merging '{merged_name}' into '{kept.name}': "
                f"{len(elsewhere)} of the mentions it moved were linked elsewhere or "
                "unlinked by someone else meanwhile; the registry has been reloaded")
        merged = Entity(**without_version(self.merged_snapshot))
        session.add(merged)
        kept.aliases = list(self.kept_before["aliases"])
        kept.kb_id = self.kept_before["kb_id"]
        flush_or_conflict(session, f"actor '{kept.name}'")
        keep_version(session, merged, self.merged_snapshot["version"])
        _link_mentions(session, self.kept_id, self.merged_id, self.moved_spans)
        self.kept_undone = entity_state(kept)
        return Changes(entities_changed=[self.kept_id, self.merged_id],
                       spans_changed=list(self.moved_spans))


@dataclass
class DeleteEntity(Edit):
    """Deletes an actor; its mentions stay, unlinked."""

    entity_id: int
    snapshot: dict[str, Any] | None = None
    unlinked: list[int] = field(default_factory=list)
    undone: bool = False
    text = "delete actor"

    def apply(self, session: Session, schema: Schema) -> Changes:
        entity = locked_entities(session, self.entity_id).get(self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist")
        unlinked = list(session.scalars(select(Span.id).where(Span.entity_id == entity.id)))
        if self.undone and self.snapshot is not None:  # a redo: as the undo restored it?
            if entity_state(entity) != picked(self.snapshot, ENTITY_STATE):
                raise entity_changed(entity, self.snapshot["name"])
            linked = [span_id for span_id in unlinked if span_id not in self.unlinked]
            if linked:
                raise ConflictError(
                    f"someone else linked {len(linked)} more mention"
                    f"{'s' if len(linked) != 1 else ''} to actor '{entity.name}' meanwhile; "
                    "deleting it would unlink them; the registry has been reloaded")
        snapshot = entity_snapshot(entity)
        _link_mentions(session, entity.id, None)
        session.delete(entity)
        flush_or_conflict(session, f"actor '{entity.name}'")
        self.snapshot = snapshot
        self.unlinked = unlinked
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        name = self.snapshot["name"]
        refuse_if_back(session, Entity, self.entity_id, f"actor '{name}'")
        relinked = _linked_otherwise(session, self.unlinked, None)
        if relinked:
            raise ConflictError(
                f"cannot restore actor '{name}': {len(relinked)} of its mentions were "
                "linked to another actor by someone else meanwhile; the registry has "
                "been reloaded")
        entity = Entity(**without_version(self.snapshot))
        session.add(entity)
        session.flush()
        keep_version(session, entity, self.snapshot["version"])
        _link_mentions(session, None, self.entity_id, self.unlinked)
        self.undone = True
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)
