"""Edits of relations: add, delete, change, and marking a span with its relation in one step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from storage.edits.base import ChangeEdit, Edit, new_id
from storage.edits.checks import load_span, stored, validate_relation
from storage.edits.conflicts import refuse_if_back, relation_changed, relation_text, relation_twins
from storage.edits.rows import RELATION_STATE, picked, relation_snapshot, relation_state
from storage.edits.spans import AddSpan, NewSpan
from storage.errors import ConflictError, ValidationError
from storage.models import (
    Relation,
    utcnow,
)
from storage.schema import Schema
from storage.views import Changes


@dataclass
class AddRelation(Edit):
    type: str
    source_id: int
    target_id: int
    attributes: dict[str, Any] | None = None
    external_id: str | None = None
    relation_id: int | None = None
    state: dict[str, Any] | None = None  # the relation as apply stored it
    twins: list[int] = field(default_factory=list)  # the same relation there before it
    undone: bool = False
    text = "add relation"

    def apply(self, session: Session, schema: Schema) -> Changes:
        source = load_span(session, self.source_id)
        target = load_span(session, self.target_id)
        values = validate_relation(session, schema, self.type, source, target,
                                   self.attributes or {}, external_id=self.external_id)
        twins = relation_twins(session, self.type, source.id, target.id)
        if self.undone:  # a redo
            refuse_if_back(session, Relation, self.relation_id, f"this '{self.type}' relation")
            if any(twin not in self.twins for twin in twins):
                raise ConflictError(
                    "someone else has added this relation meanwhile ("
                    f"{relation_text(session, self.type, source.id, target.id, values)}); "
                    "the view has been reloaded")
        relation = Relation(
            document_id=source.document_id, annotator_id=source.annotator_id, type=self.type,
            source_id=source.id, target_id=target.id, attributes=values,
            external_id=self.external_id or new_id("r"),
        )
        if self.relation_id is not None:
            relation.id = self.relation_id
        session.add(relation)
        session.flush()
        self.relation_id = relation.id
        self.external_id = relation.external_id
        self.state = relation_state(relation)
        self.twins = twins
        changes = Changes(documents={source.document_id}, relations_added=[relation.id],
                          selection=source.id)
        changes.ranges += [(source.document_id, source.start, source.end),
                           (target.document_id, target.start, target.end)]
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.relation_id is not None
        row = stored(session, Relation, self.relation_id, why=" (deleted meanwhile?)",
                     with_for_update=True)
        if self.state is not None and relation_state(row) != self.state:
            raise relation_changed(session, row, self.state["type"])
        changes = DeleteRelation(self.relation_id).apply(session, schema)
        self.undone = True
        return changes


@dataclass
class _LinkTo:
    """The relation a :class:`MarkAndLink` makes, and the stored span at its other end.

    Declared apart so that these come first in ``MarkAndLink``'s arguments
    (dataclasses take a base's fields before those of the bases before it).
    """

    relation: str
    other_id: int


@dataclass
class MarkAndLink(NewSpan, _LinkTo, Edit):
    """Marks a new span and links it to an existing span in one step.

    With ``mark_source`` False (the default) the new span is the relation's
    target: a Quote selected, S on a speaker not yet marked stores the Actor
    mention and the ``speaker`` relation from the quote. With ``mark_source``
    True the new span is the source and ``other_id`` the target. Undo takes
    back both, relation first; a redo stores them again with the same ids.
    """

    mark_source: bool = False
    add: AddSpan | None = None
    link: AddRelation | None = None
    text = "mark and link"

    @property
    def span_id(self) -> int | None:
        """The id of the span this edit marked (None before the first apply)."""
        return self.add.span_id if self.add is not None else None

    @property
    def relation_id(self) -> int | None:
        return self.link.relation_id if self.link is not None else None

    def apply(self, session: Session, schema: Schema) -> Changes:
        other = load_span(session, self.other_id)
        if other.document_id != self.document_id:
            raise ValidationError(f"a '{self.relation}' relation links spans of one document")
        definition = schema.relation(self.relation)
        if definition is None:
            names = ", ".join(r.name for r in schema.relations)
            raise ValidationError(
                f"relation type '{self.relation}' is not in the schema ({names})")
        allowed = definition.sources if self.mark_source else definition.targets
        if self.label not in allowed:
            role = "from" if self.mark_source else "to"
            raise ValidationError(
                f"'{self.relation}' goes {role} {' or '.join(allowed)}, not {role} {self.label}")
        if self.add is None:
            self.add = AddSpan(self.document_id, self.annotator, self.label,
                               [list(f) for f in self.fragments], self.attributes,
                               self.entity_id)
        changes = self.add.apply(session, schema)
        assert self.add.span_id is not None
        if self.link is None:
            source, target = ((self.add.span_id, self.other_id) if self.mark_source
                              else (self.other_id, self.add.span_id))
            self.link = AddRelation(self.relation, source, target)
        # a refused link raises before the caller's transaction commits: nothing is kept
        changes.merge(self.link.apply(session, schema))
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.add is not None and self.link is not None
        changes = self.link.revert(session, schema)
        changes.merge(self.add.revert(session, schema))
        return changes


@dataclass
class DeleteRelation(Edit):
    relation_id: int
    snapshot: dict[str, Any] | None = None
    twins: list[int] = field(default_factory=list)  # the same relation beside it
    undone: bool = False
    text = "delete relation"

    def apply(self, session: Session, schema: Schema) -> Changes:
        row = stored(session, Relation, self.relation_id, with_for_update=True)
        if self.undone and self.snapshot is not None and \
                relation_state(row) != picked(self.snapshot, RELATION_STATE):
            raise relation_changed(session, row, self.snapshot["type"])
        snapshot = relation_snapshot(row)
        twins = relation_twins(session, row.type, row.source_id, row.target_id,
                                exclude=row.id)
        session.delete(row)
        session.flush()
        self.snapshot = snapshot
        self.twins = twins
        return Changes(documents={row.document_id}, relations_removed=[row.id],
                       selection=row.source_id)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        snapshot = self.snapshot
        refuse_if_back(session, Relation, self.relation_id, f"this '{snapshot['type']}' relation")
        source = load_span(session, snapshot["source_id"])
        target = load_span(session, snapshot["target_id"])
        twins = relation_twins(session, snapshot["type"], source.id, target.id)
        if any(twin not in self.twins for twin in twins):
            raise ConflictError(
                "someone else has added this relation again meanwhile ("
                f"{relation_text(session, snapshot['type'], source.id, target.id, None)}); "
                "the view has been reloaded")
        try:
            validate_relation(session, schema, snapshot["type"], source, target,
                              snapshot["attributes"])
        except ValidationError as exc:
            raise ConflictError(f"cannot restore this '{snapshot['type']}' relation: {exc} "
                                "(changed by someone else meanwhile); the view has been "
                                "reloaded") from exc
        session.add(Relation(**snapshot))
        session.flush()
        self.undone = True
        return Changes(documents={snapshot["document_id"]},
                       relations_added=[snapshot["id"]], selection=snapshot["source_id"])


@dataclass
class UpdateRelation(ChangeEdit[Relation]):
    relation_id: int
    attributes: dict[str, Any] = field(default_factory=dict)
    target_id: int | None = None
    text = "change relation"

    def _load(self, session: Session) -> Relation:
        return stored(session, Relation, self.relation_id, with_for_update=True)

    def _state(self, row: Relation) -> dict[str, Any]:
        return relation_state(row)

    def _conflict(self, session: Session, schema: Schema, row: Relation,
                  known: dict[str, Any] | None) -> ConflictError:
        return relation_changed(session, row, (known or relation_state(row))["type"])

    def _wanted(self, row: Relation, current: dict[str, Any]) -> dict[str, Any]:
        merged = {**current["attributes"], **self.attributes}
        return {**current, "attributes": {k: v for k, v in merged.items() if v is not None},
                "target_id": self.target_id or row.target_id}

    def _write(self, session: Session, schema: Schema, row: Relation,
               state: dict[str, Any]) -> Changes:
        return self._set(session, schema, row, dict(state["attributes"]), state["target_id"])

    def _set(self, session: Session, schema: Schema, row: Relation,
             attributes: dict[str, Any], target_id: int) -> Changes:
        values = validate_relation(session, schema, row.type, load_span(session, row.source_id),
                                   load_span(session, target_id), attributes,
                                   ignore_relation=row.id)
        row.attributes = values
        row.target_id = target_id
        row.updated_at = utcnow()
        session.flush()
        return Changes(documents={row.document_id}, relations_changed=[row.id])
