"""Edits of spans: add, delete, change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from storage.edits.base import UNSET, ChangeEdit, Edit, Unset, new_id
from storage.edits.checks import (
    annotator_id,
    load_document,
    load_span,
    validate_relation,
    validate_span,
)
from storage.edits.conflicts import (
    covered_text,
    refuse_if_back,
    relations_of,
    span_changed,
    span_linked_meanwhile,
    span_marked_again,
    span_twins,
)
from storage.edits.rows import (
    SPAN_STATE,
    flush_or_conflict,
    insert_row,
    keep_version,
    picked,
    relation_snapshot,
    span_snapshot,
    span_state,
    without_version,
)
from storage.errors import ConflictError, ValidationError
from storage.models import (
    Entity,
    Relation,
    Span,
    utcnow,
)
from storage.schema import Schema
from storage.views import Changes


@dataclass
class NewSpan:
    """The span an edit marks (:class:`AddSpan`, and the span half of a mark-and-link).

    Attributes:
        document_id: the document's id.
        annotator: the name of the annotator whose layer gets the span.
        label: one of the schema's labels.
        fragments: ``[start, end)`` code-point offsets, one pair per fragment.
        attributes: attribute values (the label's defaults fill the rest).
        entity_id: the actor the span refers to, for a label that links to actors.
    """

    document_id: int
    annotator: str
    label: str
    fragments: Sequence[Sequence[int]]
    attributes: dict[str, Any] | None = None
    entity_id: int | None = None


@dataclass
class AddSpan(NewSpan, Edit):
    """Adds a span. Undo deletes it, unless someone else changed or linked it meanwhile."""

    external_id: str | None = None
    span_id: int | None = None
    state: dict[str, Any] | None = None  # the span as apply stored it
    twins: list[int] = field(default_factory=list)  # identical spans there before it
    undone_version: int | None = None  # the span's version when undo deleted it
    text = "add span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        document = load_document(session, self.document_id)
        values = dict(schema.default_attributes(self.label))
        values.update(self.attributes or {})
        fragments, values = validate_span(
            session, schema, document, self.label, self.fragments, values, self.entity_id,
            self.external_id)
        who = annotator_id(session, self.annotator)
        twins = span_twins(session, self.document_id, who, self.label, fragments)
        redo = self.undone_version is not None
        if redo:
            refuse_if_back(session, Span, self.span_id, f"this {self.label} span")
            if any(twin not in self.twins for twin in twins):
                raise span_marked_again(session, self.label, self.document_id, fragments)
        span = Span(
            document_id=self.document_id,
            annotator_id=who,
            label=self.label,
            start=fragments[0][0],
            end=fragments[-1][1],
            fragments=[list(f) for f in fragments],
            attributes=values,
            entity_id=self.entity_id,
            external_id=self.external_id or new_id("s"),
        )
        # a redo keeps the id relations may refer to
        insert_row(session, span, self.span_id, self.undone_version)
        self.span_id = span.id
        self.external_id = span.external_id
        self.state = span_state(span)
        self.twins = twins
        changes = Changes()
        changes.touch_span(span, "added")
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.span_id is not None
        span = load_span(session, self.span_id)
        if self.state is not None and span_state(span) != self.state:
            raise span_changed(session, schema, span, self.state["label"])
        linked = relations_of(session, span.id)
        if linked:  # the user's own relations were undone before this
            raise span_linked_meanwhile(session, span, linked, "taking the span back")
        version = span.version
        changes = DeleteSpan(self.span_id).apply(session, schema)
        self.undone_version = version
        return changes


@dataclass
class DeleteSpan(Edit):
    """Deletes a span and every relation that starts or ends at it.

    ``expected_version`` (when given) must match the stored version. Undo
    restores the span and its relations unless someone else marked the same
    span again, or removed or changed what its relations or actor link need.
    """

    span_id: int
    snapshot: dict[str, Any] | None = None
    relations: list[dict[str, Any]] = field(default_factory=list)
    expected_version: int | None = None
    twins: list[int] = field(default_factory=list)  # identical spans beside it
    undone: bool = False
    text = "delete span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        span = load_span(session, self.span_id)
        if self.undone and self.snapshot is not None:  # a redo: as the undo restored it?
            if span_state(span) != picked(self.snapshot, SPAN_STATE):
                raise span_changed(session, schema, span, self.snapshot["label"])
            restored = {data["id"] for data in self.relations}
            added = [r for r in relations_of(session, span.id) if r not in restored]
            if added:
                raise span_linked_meanwhile(session, span, added,
                                             "deleting the span again")
        elif self.expected_version is not None and span.version != self.expected_version:
            raise span_changed(session, schema, span, span.label,
                                f"version {span.version}, you saw version "
                                f"{self.expected_version}; ")
        snapshot = span_snapshot(span)
        twins = span_twins(session, span.document_id, span.annotator_id, span.label,
                            span.fragments, exclude=span.id)
        changes = Changes()
        rows = session.scalars(
            select(Relation).where(or_(Relation.source_id == span.id,
                                       Relation.target_id == span.id))
        ).all()
        relations = [relation_snapshot(r) for r in rows]
        for row in rows:
            changes.relations_removed.append(row.id)
        if rows:
            session.execute(delete(Relation).where(Relation.id.in_([r.id for r in rows])))
        changes.touch_span(span, "removed")
        session.delete(span)
        flush_or_conflict(session, f"this {span.label} span")
        self.snapshot = snapshot
        self.relations = relations
        self.twins = twins
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        snapshot = self.snapshot
        label = snapshot["label"]
        refuse_if_back(session, Span, self.span_id, f"this {label} span")
        load_document(session, snapshot["document_id"])
        covered = covered_text(session, snapshot["document_id"], snapshot["fragments"])
        entity_id = snapshot["entity_id"]
        if entity_id is not None and session.get(Entity, entity_id) is None:
            raise ConflictError(f"cannot restore this {label} “{covered}”: its actor was "
                                "deleted or merged by someone else meanwhile; the view has "
                                "been reloaded")
        twins = span_twins(session, snapshot["document_id"], snapshot["annotator_id"], label,
                            snapshot["fragments"])
        if any(twin not in self.twins for twin in twins):
            raise span_marked_again(session, label, snapshot["document_id"],
                                     snapshot["fragments"])
        span = Span(**without_version(snapshot))
        session.add(span)
        session.flush()
        keep_version(session, span, snapshot["version"])
        changes = Changes()
        changes.touch_span(span, "added")
        for data in self.relations:
            other_id = data["target_id"] if data["source_id"] == span.id else data["source_id"]
            other = session.get(Span, other_id)
            if other is None:
                raise ConflictError(
                    f"cannot restore this {label} “{covered}” with its '{data['type']}' "
                    "relation: the span at its other end was deleted by someone else "
                    "meanwhile; the view has been reloaded")
            source, target = (span, other) if data["source_id"] == span.id else (other, span)
            try:
                validate_relation(session, schema, data["type"], source, target,
                                  data["attributes"])
            except ValidationError as exc:
                raise ConflictError(
                    f"cannot restore this {label} “{covered}” with its '{data['type']}' "
                    f"relation: {exc} (changed by someone else meanwhile); the view has been "
                    "reloaded") from exc
            session.add(Relation(**data))
            session.flush()
            changes.relations_added.append(data["id"])
        self.undone = True
        return changes


@dataclass
class UpdateSpan(ChangeEdit[Span]):
    """Changes a span's label, fragments, attributes or entity link.

    ``expected_version`` (when given) must match the stored version, so a
    curator never silently overwrites somebody else's change. Undo and redo
    are refused when the span is no longer as this edit left it.
    """

    span_id: int
    label: str | Unset = UNSET
    fragments: Sequence[Sequence[int]] | Unset = UNSET
    attributes: dict[str, Any] | Unset = UNSET
    entity_id: int | Unset | None = UNSET
    text = "change span"

    def _load(self, session: Session) -> Span:
        return load_span(session, self.span_id)

    def _state(self, row: Span) -> dict[str, Any]:
        return span_state(row)

    def _conflict(self, session: Session, schema: Schema, row: Span,
                  known: dict[str, Any] | None) -> ConflictError:
        if known is None:
            return span_changed(session, schema, row, row.label,
                                 f"version {row.version}, you edited version "
                                 f"{self.expected_version}; ")
        return span_changed(session, schema, row, known["label"])

    def _wanted(self, row: Span, current: dict[str, Any]) -> dict[str, Any]:
        attributes = current["attributes"] if self.attributes is UNSET else {
            **current["attributes"], **self.attributes}
        return {
            "label": row.label if self.label is UNSET else self.label,
            "fragments": current["fragments"] if self.fragments is UNSET else self.fragments,
            "attributes": {k: v for k, v in attributes.items() if v is not None},
            "entity_id": row.entity_id if self.entity_id is UNSET else self.entity_id,
        }

    def _write(self, session: Session, schema: Schema, row: Span,
               state: dict[str, Any]) -> Changes:
        return self._set(session, schema, row, state["label"], state["fragments"],
                         dict(state["attributes"]), state["entity_id"])

    def _set(self, session: Session, schema: Schema, span: Span, label: str,
             fragments: Sequence[Sequence[int]], attributes: dict[str, Any],
             entity_id: int | None) -> Changes:
        document = load_document(session, span.document_id)
        if label != span.label:
            # values valid for the old label may not exist on the new one
            label_def = schema.label(label)
            if label_def is not None:
                attributes = {k: v for k, v in attributes.items() if label_def.attribute(k)}
                for key, value in schema.default_attributes(label).items():
                    attributes.setdefault(key, value)
        clean, values = validate_span(session, schema, document, label, fragments, attributes,
                                      entity_id)
        changes = Changes()
        changes.ranges.append((span.document_id, span.start, span.end))
        if label != span.label:
            for row in session.scalars(select(Relation).where(
                    or_(Relation.source_id == span.id, Relation.target_id == span.id))):
                relation_def = schema.relation(row.type)
                allowed: tuple[str, ...] = ()
                if relation_def is not None:
                    allowed = (relation_def.sources if row.source_id == span.id
                               else relation_def.targets)
                if label not in allowed:
                    raise ValidationError(
                        f"cannot make this {span.label} a {label}: its '{row.type}' relation "
                        f"does not allow {label}; delete the relation first"
                    )
        span.label = label
        span.fragments = [list(f) for f in clean]
        span.start, span.end = clean[0][0], clean[-1][1]
        span.attributes = values
        span.entity_id = entity_id
        span.updated_at = utcnow()
        flush_or_conflict(session, "this span")
        changes.touch_span(span, "changed")
        return changes
