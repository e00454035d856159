"""Edit operations: validate, apply, revert; each returns what changed.

Every edit is a small object with ``apply(session, schema)`` and
``revert(session, schema)``. ``apply`` validates against the schema and the
document text and raises :class:`ValidationError` before writing anything; the
caller runs it inside one transaction, so a refused edit leaves nothing behind.
``revert`` undoes exactly what ``apply`` did (re-creating deleted rows with
their original ids), which is what the GUI's undo stack calls.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage.errors import ConflictError, NotFoundError, ValidationError
from storage.models import (
    STATUSES,
    Annotator,
    Assignment,
    Document,
    DocumentStatus,
    Entity,
    Relation,
    Span,
    utcnow,
)
from storage.schema import AttributeDef, Schema
from storage.views import Changes, EntityView, RelationView, SpanView

ENTITY_KINDS = ("person", "organisation", "state", "group", "other")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def new_id(prefix: str) -> str:
    """A fresh external id, unique without asking the database."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


# --------------------------------------------------------------------- checks


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


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"document {document_id} does not exist")
    return document


def _span(session: Session, span_id: int) -> Span:
    span = session.get(Span, span_id)
    if span is None:
        raise NotFoundError(f"span {span_id} does not exist (deleted meanwhile?)")
    return span


def annotator_id(session: Session, name: str, create: bool = True) -> int:
    """The id of the annotator called ``name``, created on first use."""
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
) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """Checks a span against the schema and the text; returns clean fragments and attributes."""
    label_def = schema.label(label)
    if label_def is None:
        raise ValidationError(
            f"label '{label}' is not in the schema (labels: {', '.join(schema.label_names)})"
        )
    clean = check_fragments(fragments, len(document.text), f"{label} span")
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
) -> dict[str, Any]:
    """Checks a relation against the schema, its endpoints and the cardinality limit.

    ``existing`` (when the caller already knows it) is how many relations of
    this type the source has; otherwise the database is asked.
    """
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
    return check_attributes(definition.attributes, attributes, f"relation '{type_}'")


def _relation_snapshot(row: Relation) -> dict[str, Any]:
    return {
        "id": row.id, "external_id": row.external_id, "document_id": row.document_id,
        "annotator_id": row.annotator_id, "type": row.type, "source_id": row.source_id,
        "target_id": row.target_id, "attributes": dict(row.attributes or {}),
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def _span_snapshot(row: Span) -> dict[str, Any]:
    return {
        "id": row.id, "external_id": row.external_id, "document_id": row.document_id,
        "annotator_id": row.annotator_id, "label": row.label, "start": row.start,
        "end": row.end, "fragments": [list(f) for f in row.fragments],
        "attributes": dict(row.attributes or {}), "entity_id": row.entity_id,
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


# ---------------------------------------------------------------------- edits


class Edit:
    """Base class: an edit applied and reverted inside a caller's transaction."""

    text = "edit"

    def apply(self, session: Session, schema: Schema) -> Changes:
        raise NotImplementedError

    def revert(self, session: Session, schema: Schema) -> Changes:
        raise NotImplementedError


@dataclass
class AddSpan(Edit):
    document_id: int
    annotator: str
    label: str
    fragments: Sequence[Sequence[int]]
    attributes: dict[str, Any] | None = None
    entity_id: int | None = None
    external_id: str | None = None
    span_id: int | None = None
    text = "add span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        document = _document(session, self.document_id)
        values = dict(schema.default_attributes(self.label))
        values.update(self.attributes or {})
        fragments, values = validate_span(
            session, schema, document, self.label, self.fragments, values, self.entity_id
        )
        span = Span(
            document_id=self.document_id,
            annotator_id=annotator_id(session, self.annotator),
            label=self.label,
            start=fragments[0][0],
            end=fragments[-1][1],
            fragments=[list(f) for f in fragments],
            attributes=values,
            entity_id=self.entity_id,
            external_id=self.external_id or new_id("s"),
        )
        if self.span_id is not None:  # redo keeps the id relations may refer to
            span.id = self.span_id
        session.add(span)
        session.flush()
        self.span_id = span.id
        self.external_id = span.external_id
        changes = Changes()
        changes.touch_span(span, "added")
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.span_id is not None
        return DeleteSpan(self.span_id).apply(session, schema)


@dataclass
class DeleteSpan(Edit):
    """Deletes a span and every relation that starts or ends at it."""

    span_id: int
    snapshot: dict[str, Any] | None = None
    relations: list[dict[str, Any]] = field(default_factory=list)
    text = "delete span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        span = _span(session, self.span_id)
        self.snapshot = _span_snapshot(span)
        changes = Changes()
        rows = session.scalars(
            select(Relation).where(or_(Relation.source_id == span.id,
                                       Relation.target_id == span.id))
        ).all()
        self.relations = [_relation_snapshot(r) for r in rows]
        for row in rows:
            changes.relations_removed.append(row.id)
        if rows:
            session.execute(delete(Relation).where(Relation.id.in_([r.id for r in rows])))
        changes.touch_span(span, "removed")
        session.delete(span)
        session.flush()
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        span = Span(**self.snapshot)
        session.add(span)
        session.flush()
        changes = Changes()
        changes.touch_span(span, "added")
        for data in self.relations:
            session.add(Relation(**data))
            changes.relations_added.append(data["id"])
        session.flush()
        return changes


@dataclass
class UpdateSpan(Edit):
    """Changes a span's label, fragments, attributes or entity link.

    ``expected_version`` (when given) must match the stored version, so a
    curator never silently overwrites somebody else's change.
    """

    span_id: int
    label: Any = UNSET
    fragments: Any = UNSET
    attributes: Any = UNSET
    entity_id: Any = UNSET
    expected_version: int | None = None
    before: dict[str, Any] | None = None
    text = "change span"

    def _set(self, session: Session, schema: Schema, label: str,
             fragments: Sequence[Sequence[int]], attributes: dict[str, Any],
             entity_id: int | None, expected_version: int | None) -> Changes:
        span = _span(session, self.span_id)
        if expected_version is not None and span.version != expected_version:
            raise ConflictError(
                f"this {span.label} span was changed by someone else meanwhile "
                f"(version {span.version}, you edited version {expected_version}); "
                "the view has been reloaded"
            )
        document = _document(session, span.document_id)
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
        try:
            session.flush()
        except StaleDataError as exc:
            raise ConflictError("this span was changed by someone else meanwhile") from exc
        changes.touch_span(span, "changed")
        return changes

    def apply(self, session: Session, schema: Schema) -> Changes:
        span = _span(session, self.span_id)
        self.before = {
            "label": span.label, "fragments": [list(f) for f in span.fragments],
            "attributes": dict(span.attributes or {}), "entity_id": span.entity_id,
        }
        attributes = self.before["attributes"] if self.attributes is UNSET else {
            **self.before["attributes"], **self.attributes}
        attributes = {k: v for k, v in attributes.items() if v is not None}
        changes = self._set(
            session, schema,
            span.label if self.label is UNSET else self.label,
            self.before["fragments"] if self.fragments is UNSET else self.fragments,
            attributes,
            span.entity_id if self.entity_id is UNSET else self.entity_id,
            self.expected_version,
        )
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.before is not None
        before = self.before
        return self._set(session, schema, before["label"], before["fragments"],
                         before["attributes"], before["entity_id"], None)


@dataclass
class AddRelation(Edit):
    type: str
    source_id: int
    target_id: int
    attributes: dict[str, Any] | None = None
    external_id: str | None = None
    relation_id: int | None = None
    text = "add relation"

    def apply(self, session: Session, schema: Schema) -> Changes:
        source = _span(session, self.source_id)
        target = _span(session, self.target_id)
        values = validate_relation(session, schema, self.type, source, target,
                                   self.attributes or {})
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
        changes = Changes(documents={source.document_id}, relations_added=[relation.id])
        changes.ranges += [(source.document_id, source.start, source.end),
                           (target.document_id, target.start, target.end)]
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.relation_id is not None
        return DeleteRelation(self.relation_id).apply(session, schema)


@dataclass
class DeleteRelation(Edit):
    relation_id: int
    snapshot: dict[str, Any] | None = None
    text = "delete relation"

    def apply(self, session: Session, schema: Schema) -> Changes:
        row = session.get(Relation, self.relation_id)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist")
        self.snapshot = _relation_snapshot(row)
        session.delete(row)
        session.flush()
        return Changes(documents={row.document_id}, relations_removed=[row.id])

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        source = _span(session, self.snapshot["source_id"])
        target = _span(session, self.snapshot["target_id"])
        validate_relation(session, schema, self.snapshot["type"], source, target,
                          self.snapshot["attributes"])
        session.add(Relation(**self.snapshot))
        session.flush()
        return Changes(documents={self.snapshot["document_id"]},
                       relations_added=[self.snapshot["id"]])


@dataclass
class UpdateRelation(Edit):
    relation_id: int
    attributes: dict[str, Any] = field(default_factory=dict)
    target_id: int | None = None
    before: dict[str, Any] | None = None
    text = "change relation"

    def _set(self, session: Session, schema: Schema, attributes: dict[str, Any],
             target_id: int) -> Changes:
        row = session.get(Relation, self.relation_id)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist")
        values = validate_relation(session, schema, row.type, _span(session, row.source_id),
                                   _span(session, target_id), attributes,
                                   ignore_relation=row.id)
        row.attributes = values
        row.target_id = target_id
        row.updated_at = utcnow()
        session.flush()
        return Changes(documents={row.document_id}, relations_changed=[row.id])

    def apply(self, session: Session, schema: Schema) -> Changes:
        row = session.get(Relation, self.relation_id)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist")
        self.before = {"attributes": dict(row.attributes or {}), "target_id": row.target_id}
        merged = {**self.before["attributes"], **self.attributes}
        merged = {k: v for k, v in merged.items() if v is not None}
        return self._set(session, schema, merged, self.target_id or row.target_id)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.before is not None
        return self._set(session, schema, self.before["attributes"], self.before["target_id"])


@dataclass
class SetStatus(Edit):
    document_id: int
    annotator: str
    status: str
    before: str | None = None
    text = "set status"

    def _set(self, session: Session, status: str | None) -> Changes:
        who = annotator_id(session, self.annotator)
        row = session.get(DocumentStatus, (self.document_id, who))
        if status is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(DocumentStatus(document_id=self.document_id, annotator_id=who,
                                       status=status))
        else:
            row.status = status
            row.updated_at = utcnow()
        session.flush()
        return Changes(documents={self.document_id},
                       statuses_changed=[(self.document_id, who)])

    def apply(self, session: Session, schema: Schema) -> Changes:
        if self.status not in STATUSES:
            raise ValidationError(f"status '{self.status}' is not one of {', '.join(STATUSES)}")
        _document(session, self.document_id)
        who = annotator_id(session, self.annotator)
        row = session.get(DocumentStatus, (self.document_id, who))
        self.before = row.status if row is not None else None
        return self._set(session, self.status)

    def revert(self, session: Session, schema: Schema) -> Changes:
        return self._set(session, self.before)


@dataclass
class Assign(Edit):
    """Assigns documents to an annotator (or takes them back with ``assigned=False``)."""

    document_ids: Sequence[int]
    annotator: str
    assigned: bool = True
    changed: list[int] = field(default_factory=list)
    text = "assign documents"

    def _set(self, session: Session, document_ids: Sequence[int], assigned: bool) -> Changes:
        who = annotator_id(session, self.annotator)
        for document_id in document_ids:
            row = session.get(Assignment, (document_id, who))
            if assigned and row is None:
                session.add(Assignment(document_id=document_id, annotator_id=who))
            elif not assigned and row is not None:
                session.delete(row)
        session.flush()
        return Changes(documents=set(document_ids),
                       statuses_changed=[(d, who) for d in document_ids])

    def apply(self, session: Session, schema: Schema) -> Changes:
        who = annotator_id(session, self.annotator)
        self.changed = []
        for document_id in self.document_ids:
            _document(session, document_id)
            exists = session.get(Assignment, (document_id, who)) is not None
            if exists != self.assigned:
                self.changed.append(document_id)
        return self._set(session, self.changed, self.assigned)

    def revert(self, session: Session, schema: Schema) -> Changes:
        return self._set(session, self.changed, not self.assigned)


def _check_entity_fields(name: str, kind: str, aliases: Sequence[str]) -> None:
    if not name.strip():
        raise ValidationError("an actor needs a name")
    if kind not in ENTITY_KINDS:
        raise ValidationError(f"actor kind '{kind}' is not one of {', '.join(ENTITY_KINDS)}")
    if any(not isinstance(a, str) for a in aliases):
        raise ValidationError("actor aliases must be text")


@dataclass
class CreateEntity(Edit):
    name: str
    kind: str = "person"
    aliases: Sequence[str] = ()
    kb_id: str | None = None
    external_id: str | None = None
    entity_id: int | None = None
    text = "create actor"

    def apply(self, session: Session, schema: Schema) -> Changes:
        _check_entity_fields(self.name, self.kind, self.aliases)
        entity = Entity(name=self.name.strip(), kind=self.kind, aliases=list(self.aliases),
                        kb_id=self.kb_id or None, external_id=self.external_id or new_id("e"))
        if self.entity_id is not None:
            entity.id = self.entity_id
        session.add(entity)
        session.flush()
        self.entity_id = entity.id
        self.external_id = entity.external_id
        return Changes(entities_changed=[entity.id])

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.entity_id is not None
        used = session.scalar(select(func.count()).where(Span.entity_id == self.entity_id))
        if used:
            raise ValidationError("cannot undo creating this actor: mentions link to it")
        entity = session.get(Entity, self.entity_id)
        if entity is not None:
            session.delete(entity)
            session.flush()
        return Changes(entities_changed=[self.entity_id])


@dataclass
class UpdateEntity(Edit):
    """Renames an actor or changes its kind, aliases or knowledge-base id.

    ``expected_version`` guards against overwriting a colleague's change.
    """

    entity_id: int
    name: Any = UNSET
    kind: Any = UNSET
    aliases: Any = UNSET
    kb_id: Any = UNSET
    expected_version: int | None = None
    before: dict[str, Any] | None = None
    text = "change actor"

    def _set(self, session: Session, values: dict[str, Any],
             expected_version: int | None) -> Changes:
        entity = session.get(Entity, self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist (merged or deleted?)")
        if expected_version is not None and entity.version != expected_version:
            raise ConflictError(
                f"actor '{entity.name}' was changed by someone else meanwhile "
                f"(now: {entity.name}, {entity.kind}, aliases {', '.join(entity.aliases) or '-'}"
                "); the registry has been reloaded"
            )
        _check_entity_fields(values["name"], values["kind"], values["aliases"])
        entity.name = values["name"].strip()
        entity.kind = values["kind"]
        entity.aliases = list(values["aliases"])
        entity.kb_id = values["kb_id"] or None
        try:
            session.flush()
        except StaleDataError as exc:
            raise ConflictError(f"actor '{values['name']}' was changed by someone else") from exc
        return Changes(entities_changed=[entity.id])

    def apply(self, session: Session, schema: Schema) -> Changes:
        entity = session.get(Entity, self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist")
        self.before = {"name": entity.name, "kind": entity.kind,
                       "aliases": list(entity.aliases), "kb_id": entity.kb_id}
        values = dict(self.before)
        for key in ("name", "kind", "aliases", "kb_id"):
            value = getattr(self, key)
            if value is not UNSET:
                values[key] = value
        return self._set(session, values, self.expected_version)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.before is not None
        return self._set(session, self.before, None)


@dataclass
class MergeEntities(Edit):
    """Merges ``merged_id`` into ``kept_id``: mentions follow, names become aliases."""

    kept_id: int
    merged_id: int
    kept_before: dict[str, Any] | None = None
    merged_snapshot: dict[str, Any] | None = None
    moved_spans: list[int] = field(default_factory=list)
    text = "merge actors"

    def apply(self, session: Session, schema: Schema) -> Changes:
        if self.kept_id == self.merged_id:
            raise ValidationError("cannot merge an actor with itself")
        kept = session.get(Entity, self.kept_id)
        merged = session.get(Entity, self.merged_id)
        if kept is None or merged is None:
            raise NotFoundError("one of the actors to merge does not exist any more")
        self.kept_before = {"aliases": list(kept.aliases), "kb_id": kept.kb_id}
        self.merged_snapshot = {
            "id": merged.id, "external_id": merged.external_id, "name": merged.name,
            "kind": merged.kind, "aliases": list(merged.aliases), "kb_id": merged.kb_id,
        }
        self.moved_spans = list(session.scalars(
            select(Span.id).where(Span.entity_id == merged.id)))
        aliases = list(kept.aliases)
        for alias in [merged.name, *merged.aliases]:
            if alias != kept.name and alias not in aliases:
                aliases.append(alias)
        kept.aliases = aliases
        kept.kb_id = kept.kb_id or merged.kb_id
        session.execute(update(Span).where(Span.entity_id == merged.id)
                        .values(entity_id=kept.id, version=Span.version + 1),
                        execution_options={"synchronize_session": False})
        session.delete(merged)
        session.flush()
        return Changes(entities_changed=[kept.id, merged.id], spans_changed=self.moved_spans)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.kept_before is not None and self.merged_snapshot is not None
        session.add(Entity(**self.merged_snapshot))
        kept = session.get(Entity, self.kept_id)
        assert kept is not None
        kept.aliases = self.kept_before["aliases"]
        kept.kb_id = self.kept_before["kb_id"]
        session.flush()
        if self.moved_spans:
            session.execute(update(Span).where(Span.id.in_(self.moved_spans))
                            .values(entity_id=self.merged_id, version=Span.version + 1),
                            execution_options={"synchronize_session": False})
        return Changes(entities_changed=[self.kept_id, self.merged_id],
                       spans_changed=list(self.moved_spans))


@dataclass
class DeleteEntity(Edit):
    """Deletes an actor; its mentions stay, unlinked."""

    entity_id: int
    snapshot: dict[str, Any] | None = None
    unlinked: list[int] = field(default_factory=list)
    text = "delete actor"

    def apply(self, session: Session, schema: Schema) -> Changes:
        entity = session.get(Entity, self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist")
        self.snapshot = {"id": entity.id, "external_id": entity.external_id,
                         "name": entity.name, "kind": entity.kind,
                         "aliases": list(entity.aliases), "kb_id": entity.kb_id}
        self.unlinked = list(session.scalars(select(Span.id).where(
            Span.entity_id == entity.id)))
        session.execute(update(Span).where(Span.entity_id == entity.id)
                        .values(entity_id=None, version=Span.version + 1),
                        execution_options={"synchronize_session": False})
        session.delete(entity)
        session.flush()
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        session.add(Entity(**self.snapshot))
        session.flush()
        if self.unlinked:
            session.execute(update(Span).where(Span.id.in_(self.unlinked))
                            .values(entity_id=self.entity_id, version=Span.version + 1),
                            execution_options={"synchronize_session": False})
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)


@dataclass
class Compound(Edit):
    """Several edits as one unit: applied in order, reverted in reverse order."""

    edits: list[Edit]
    text: str = "edit"

    def apply(self, session: Session, schema: Schema) -> Changes:
        changes = Changes()
        for edit in self.edits:
            changes.merge(edit.apply(session, schema))
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        changes = Changes()
        for edit in reversed(self.edits):
            changes.merge(edit.revert(session, schema))
        return changes


__all__ = [
    "UNSET", "AddRelation", "AddSpan", "Assign", "Compound", "CreateEntity", "DeleteEntity",
    "DeleteRelation", "DeleteSpan", "Edit", "EntityView", "MergeEntities", "RelationView",
    "SetStatus", "SpanView", "UpdateEntity", "UpdateRelation", "UpdateSpan",
]
