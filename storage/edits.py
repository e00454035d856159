"""Edit operations: validate, apply, revert; each returns what changed.

Every edit is a small object with ``apply(session, schema)`` and
``revert(session, schema)``. ``apply`` validates against the schema and the
document text and raises :class:`ValidationError` before writing anything; the
caller runs it inside one transaction, so a refused edit leaves nothing behind.
``revert`` undoes exactly what ``apply`` did (re-creating deleted rows with
their original ids), which is what the GUI's undo stack calls; ``apply`` runs
again for a redo. An undo or redo never overwrites a colleague's change: when
what it touches is no longer as this edit left it, it raises
:class:`ConflictError` saying what is stored now, and writes nothing.
"""

from __future__ import annotations

import enum
import itertools
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value
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
    Status,
    utcnow,
)
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
from storage.views import Changes, EntityView, RelationView, SpanView


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "leave this field as it is" in an update edit."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""An update edit's field not given (None is a value: "no actor", "no id")."""


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
    """The document row without its text (loaded only if read: an edit on a 10 MB book
    checks offsets against the text's length, see :func:`text_length`)."""
    document = session.get(Document, document_id, options=[defer(Document.text)])
    if document is None:
        raise NotFoundError(f"document {document_id} does not exist")
    return document


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


def _span(session: Session, span_id: int) -> Span:
    span = session.get(Span, span_id)
    if span is None:
        raise NotFoundError(f"span {span_id} does not exist (deleted meanwhile?)")
    return span


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
        "created_at": row.created_at, "updated_at": row.updated_at, "version": row.version,
    }


def _entity_snapshot(row: Entity) -> dict[str, Any]:
    return {"id": row.id, "external_id": row.external_id, "name": row.name, "kind": row.kind,
            "aliases": list(row.aliases or []), "kb_id": row.kb_id, "version": row.version}


# ------------------------------------------------------ undo that never clobbers
#
# An undo or a redo writes remembered values over what is stored, so before it
# writes it checks that every object it touches is still exactly as this edit
# left it: a span, actor, relation or status by content (a version number would
# not do: the user's own later edits of the same object bump it too, and those
# are undone first), a re-created row by the absence of a copy someone made
# meanwhile. Anything else means a colleague changed it: the undo or redo is
# refused with a ConflictError that says what is there now, and nothing is written.
#
# Each edit remembers what apply left (checked by revert) and what revert left
# (checked by a redo, i.e. a later apply). Each is written by one direction only
# and recomputed on every run, so a transaction retried after a busy database
# checks the same thing again.

SPAN_STATE = ("label", "fragments", "attributes", "entity_id")
ENTITY_STATE = ("name", "kind", "aliases", "kb_id")
RELATION_STATE = ("type", "source_id", "target_id", "attributes")


def _span_state(row: Span) -> dict[str, Any]:
    """A span as an annotator sees it: what an undo or redo must find unchanged."""
    return {"label": row.label, "fragments": [[int(a), int(b)] for a, b in row.fragments],
            "attributes": dict(row.attributes or {}), "entity_id": row.entity_id}


def _entity_state(row: Entity) -> dict[str, Any]:
    return {"name": row.name, "kind": row.kind, "aliases": list(row.aliases or []),
            "kb_id": row.kb_id}


def _relation_state(row: Relation) -> dict[str, Any]:
    return {"type": row.type, "source_id": row.source_id, "target_id": row.target_id,
            "attributes": dict(row.attributes or {})}


def _picked(snapshot: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {key: snapshot[key] for key in keys}


def _without_version(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if key != "version"}


def _keep_version(session: Session, row: Span | Entity, version: int) -> None:
    """Gives a re-created row the version it had when it was removed.

    An insert always starts at version 1, which would let a copy read long
    before (at version 1) pass the version check of a later edit.
    """
    model = type(row)
    session.execute(update(model).where(model.id == row.id).values(version=version),
                    execution_options={"synchronize_session": False})
    set_committed_value(row, "version", version)


def _insert(session: Session, row: Span | Entity, row_id: int | None,
            version: int | None) -> None:
    """Adds a row; a redo gives it back the id and the version it had (see _keep_version)."""
    if row_id is not None:
        row.id = row_id
    session.add(row)
    session.flush()
    if version is not None:
        _keep_version(session, row, version)


def _locked_entities(session: Session, *entity_ids: int) -> dict[int, Entity]:
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


def _flush(session: Session, what: str) -> None:
    """Flushes; a versioned row someone else changed in between is a ConflictError."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(f"{what} was changed by someone else meanwhile; "
                            "the view has been reloaded") from exc


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def _covered(session: Session, document_id: int, fragments: Sequence[Sequence[int]],
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
    parts = [f"{span.label} “{_covered(session, span.document_id, span.fragments)}”",
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
    return f"{span.label} “{_covered(session, span.document_id, span.fragments, 30)}”"


def _relation_text(session: Session, type_: str, source_id: int, target_id: int,
                   attributes: dict[str, Any] | None) -> str:
    parts = [f"{type_} from {_span_brief(session, source_id)} to "
             f"{_span_brief(session, target_id)}", *_attributes_text(attributes)]
    return ", ".join(parts)


def describe_relation(session: Session, relation: Relation) -> str:
    """A relation as a conflict message shows it: type, its two spans, attributes."""
    return _relation_text(session, relation.type, relation.source_id, relation.target_id,
                          relation.attributes)


def _span_changed(session: Session, schema: Schema, span: Span, known_label: str,
                  detail: str = "") -> ConflictError:
    return ConflictError(
        f"this {known_label} span was changed by someone else meanwhile ({detail}now: "
        f"{describe_span(session, span, schema)}); the view has been reloaded"
    )


def _entity_changed(entity: Entity, known_name: str) -> ConflictError:
    return ConflictError(
        f"actor '{known_name}' was changed by someone else meanwhile "
        f"(now: {describe_entity(entity)}); the registry has been reloaded"
    )


def _relation_changed(session: Session, relation: Relation, known_type: str) -> ConflictError:
    return ConflictError(
        f"this '{known_type}' relation was changed by someone else meanwhile "
        f"(now: {describe_relation(session, relation)}); the view has been reloaded"
    )


def _span_twins(session: Session, document_id: int, annotator: int, label: str,
                fragments: Sequence[Sequence[int]], exclude: int | None = None) -> list[int]:
    """Ids of the spans of one layer with this label and exactly these fragments."""
    wanted = [[int(a), int(b)] for a, b in fragments]
    rows = session.execute(select(Span.id, Span.fragments).where(
        Span.document_id == document_id, Span.annotator_id == annotator, Span.label == label,
        Span.start == wanted[0][0], Span.end == wanted[-1][1]))
    return sorted(span_id for span_id, stored in rows
                  if span_id != exclude and [[int(a), int(b)] for a, b in stored] == wanted)


def _relation_twins(session: Session, type_: str, source_id: int, target_id: int,
                    exclude: int | None = None) -> list[int]:
    """Ids of the relations of this type between these two spans."""
    return sorted(relation_id for relation_id in session.scalars(select(Relation.id).where(
        Relation.type == type_, Relation.source_id == source_id,
        Relation.target_id == target_id)) if relation_id != exclude)


def _relations_of(session: Session, span_id: int) -> list[int]:
    """Ids of the relations that start or end at a span."""
    return sorted(session.scalars(select(Relation.id).where(
        or_(Relation.source_id == span_id, Relation.target_id == span_id))))


def _span_marked_again(session: Session, label: str, document_id: int,
                       fragments: Sequence[Sequence[int]]) -> ConflictError:
    return ConflictError(
        f"someone else has marked this {label} “{_covered(session, document_id, fragments)}” "
        "meanwhile; the view has been reloaded"
    )


def _span_linked_meanwhile(session: Session, span: Span, relation_ids: Sequence[int],
                           doing: str) -> ConflictError:
    first = session.get(Relation, relation_ids[0])
    described = describe_relation(session, first) if first is not None else ""
    more = f" and {len(relation_ids) - 1} more" if len(relation_ids) > 1 else ""
    return ConflictError(
        f"someone else linked this {span.label} “"
        f"{_covered(session, span.document_id, span.fragments)}” meanwhile ({described}{more}); "
        f"{doing} would delete that too; the view has been reloaded"
    )


# ---------------------------------------------------------------------- edits


class Edit(ABC):
    """Base class: an edit applied and reverted inside a caller's transaction.

    ``apply`` runs again for a redo. A revert or a redo that finds what it
    touches changed by someone else raises :class:`ConflictError` and writes nothing.
    """

    text = "edit"

    @abstractmethod
    def apply(self, session: Session, schema: Schema) -> Changes:
        """Makes the change (again, for a redo); returns what changed."""

    @abstractmethod
    def revert(self, session: Session, schema: Schema) -> Changes:
        """Takes the change back; returns what changed."""


Row = TypeVar("Row", Span, Relation, Entity)


@dataclass
class ChangeEdit(Edit, Generic[Row]):
    """An edit that changes one stored row in place, with one undo/conflict protocol.

    ``apply`` reads the row's state, refuses a redo when the row is no longer as
    the undo left it (and a first apply when ``expected_version`` is stale),
    writes the wanted state and remembers the state before and after; ``revert``
    refuses when the row is no longer as apply left it, then writes the state
    before back. Subclasses say how to load the row, read its state, word a
    conflict, and write a state (:meth:`_write` validates).

    Attributes:
        expected_version: the version the user edited (None: no check).
        before: the row's state before apply.
        after: the row's state as apply left it (checked by revert).
        undone: the row's state as revert left it (checked by a redo).
    """

    expected_version: int | None = field(default=None, kw_only=True)
    before: dict[str, Any] | None = field(default=None, kw_only=True)
    after: dict[str, Any] | None = field(default=None, kw_only=True)
    undone: dict[str, Any] | None = field(default=None, kw_only=True)

    @abstractmethod
    def _load(self, session: Session) -> Row:
        """The row this edit changes (NotFoundError when it is gone)."""

    def _state(self, row: Row) -> dict[str, Any]:
        """The row as a user sees it: what an undo or redo must find unchanged."""
        if isinstance(row, Span):
            return _span_state(row)
        return _relation_state(row) if isinstance(row, Relation) else _entity_state(row)

    def _version(self, row: Row) -> int | None:
        """The row's version for the ``expected_version`` check (None: not versioned)."""
        return row.version if isinstance(row, (Span, Entity)) else None

    @abstractmethod
    def _wanted(self, row: Row, current: dict[str, Any]) -> dict[str, Any]:
        """The state this edit asks for, given the current one."""

    @abstractmethod
    def _write(self, session: Session, schema: Schema, row: Row,
               state: dict[str, Any]) -> Changes:
        """Validates and writes ``state`` to the row; returns what changed."""

    @abstractmethod
    def _conflict(self, session: Session, schema: Schema, row: Row,
                  known: dict[str, Any] | None) -> ConflictError:
        """Someone else changed the row; ``known`` is the state expected (None: a
        stale ``expected_version``)."""

    def apply(self, session: Session, schema: Schema) -> Changes:
        row = self._load(session)
        current = self._state(row)
        if self.undone is not None:  # a redo: the row must be as the undo left it
            if current != self.undone:
                raise self._conflict(session, schema, row, self.undone)
        elif self.expected_version is not None and \
                self._version(row) != self.expected_version:
            raise self._conflict(session, schema, row, None)
        changes = self._write(session, schema, row, self._wanted(row, current))
        self.before = current
        self.after = self._state(row)
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.before is not None and self.after is not None
        row = self._load(session)
        if self._state(row) != self.after:
            raise self._conflict(session, schema, row, self.after)
        changes = self._write(session, schema, row, self.before)
        self.undone = self._state(row)
        return changes


@dataclass
class AddSpan(Edit):
    """Adds a span. Undo deletes it, unless someone else changed or linked it meanwhile."""

    document_id: int
    annotator: str
    label: str
    fragments: Sequence[Sequence[int]]
    attributes: dict[str, Any] | None = None
    entity_id: int | None = None
    external_id: str | None = None
    span_id: int | None = None
    state: dict[str, Any] | None = None  # the span as apply stored it
    twins: list[int] = field(default_factory=list)  # identical spans there before it
    undone_version: int | None = None  # the span's version when undo deleted it
    text = "add span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        document = _document(session, self.document_id)
        values = dict(schema.default_attributes(self.label))
        values.update(self.attributes or {})
        fragments, values = validate_span(
            session, schema, document, self.label, self.fragments, values, self.entity_id,
            self.external_id)
        who = annotator_id(session, self.annotator)
        twins = _span_twins(session, self.document_id, who, self.label, fragments)
        redo = self.undone_version is not None
        if redo:
            if self.span_id is not None and session.get(Span, self.span_id) is not None:
                raise ConflictError(f"this {self.label} span is back already (someone else "
                                    "restored it meanwhile); the view has been reloaded")
            if any(twin not in self.twins for twin in twins):
                raise _span_marked_again(session, self.label, self.document_id, fragments)
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
        _insert(session, span, self.span_id, self.undone_version)
        self.span_id = span.id
        self.external_id = span.external_id
        self.state = _span_state(span)
        self.twins = twins
        changes = Changes()
        changes.touch_span(span, "added")
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.span_id is not None
        span = _span(session, self.span_id)
        if self.state is not None and _span_state(span) != self.state:
            raise _span_changed(session, schema, span, self.state["label"])
        linked = _relations_of(session, span.id)
        if linked:  # the user's own relations were undone before this
            raise _span_linked_meanwhile(session, span, linked, "taking the span back")
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
        span = _span(session, self.span_id)
        if self.undone and self.snapshot is not None:  # a redo: as the undo restored it?
            if _span_state(span) != _picked(self.snapshot, SPAN_STATE):
                raise _span_changed(session, schema, span, self.snapshot["label"])
            restored = {data["id"] for data in self.relations}
            added = [r for r in _relations_of(session, span.id) if r not in restored]
            if added:
                raise _span_linked_meanwhile(session, span, added,
                                             "deleting the span again")
        elif self.expected_version is not None and span.version != self.expected_version:
            raise _span_changed(session, schema, span, span.label,
                                f"version {span.version}, you saw version "
                                f"{self.expected_version}; ")
        snapshot = _span_snapshot(span)
        twins = _span_twins(session, span.document_id, span.annotator_id, span.label,
                            span.fragments, exclude=span.id)
        changes = Changes()
        rows = session.scalars(
            select(Relation).where(or_(Relation.source_id == span.id,
                                       Relation.target_id == span.id))
        ).all()
        relations = [_relation_snapshot(r) for r in rows]
        for row in rows:
            changes.relations_removed.append(row.id)
        if rows:
            session.execute(delete(Relation).where(Relation.id.in_([r.id for r in rows])))
        changes.touch_span(span, "removed")
        session.delete(span)
        _flush(session, f"this {span.label} span")
        self.snapshot = snapshot
        self.relations = relations
        self.twins = twins
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        snapshot = self.snapshot
        label = snapshot["label"]
        if session.get(Span, self.span_id) is not None:
            raise ConflictError(f"this {label} span is back already (someone else restored "
                                "it meanwhile); the view has been reloaded")
        _document(session, snapshot["document_id"])
        covered = _covered(session, snapshot["document_id"], snapshot["fragments"])
        entity_id = snapshot["entity_id"]
        if entity_id is not None and session.get(Entity, entity_id) is None:
            raise ConflictError(f"cannot restore this {label} “{covered}”: its actor was "
                                "deleted or merged by someone else meanwhile; the view has "
                                "been reloaded")
        twins = _span_twins(session, snapshot["document_id"], snapshot["annotator_id"], label,
                            snapshot["fragments"])
        if any(twin not in self.twins for twin in twins):
            raise _span_marked_again(session, label, snapshot["document_id"],
                                     snapshot["fragments"])
        span = Span(**_without_version(snapshot))
        session.add(span)
        session.flush()
        _keep_version(session, span, snapshot["version"])
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
        return _span(session, self.span_id)

    def _conflict(self, session: Session, schema: Schema, row: Span,
                  known: dict[str, Any] | None) -> ConflictError:
        if known is None:
            return _span_changed(session, schema, row, row.label,
                                 f"version {row.version}, you edited version "
                                 f"{self.expected_version}; ")
        return _span_changed(session, schema, row, known["label"])

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
        _flush(session, "this span")
        changes.touch_span(span, "changed")
        return changes


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
        source = _span(session, self.source_id)
        target = _span(session, self.target_id)
        values = validate_relation(session, schema, self.type, source, target,
                                   self.attributes or {}, external_id=self.external_id)
        twins = _relation_twins(session, self.type, source.id, target.id)
        if self.undone:  # a redo
            if self.relation_id is not None and \
                    session.get(Relation, self.relation_id) is not None:
                raise ConflictError(f"this '{self.type}' relation is back already (someone "
                                    "else restored it meanwhile); the view has been reloaded")
            if any(twin not in self.twins for twin in twins):
                raise ConflictError(
                    "someone else has added this relation meanwhile ("
                    f"{_relation_text(session, self.type, source.id, target.id, values)}); "
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
        self.state = _relation_state(relation)
        self.twins = twins
        changes = Changes(documents={source.document_id}, relations_added=[relation.id],
                          selection=source.id)
        changes.ranges += [(source.document_id, source.start, source.end),
                           (target.document_id, target.start, target.end)]
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.relation_id is not None
        row = session.get(Relation, self.relation_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist "
                                "(deleted meanwhile?)")
        if self.state is not None and _relation_state(row) != self.state:
            raise _relation_changed(session, row, self.state["type"])
        changes = DeleteRelation(self.relation_id).apply(session, schema)
        self.undone = True
        return changes


@dataclass
class MarkAndLink(Edit):
    """Marks a new span and links it to an existing span in one step.

    With ``mark_source`` False (the default) the new span is the relation's
    target: a Quote selected, S on a speaker not yet marked stores the Actor
    mention and the ``speaker`` relation from the quote. With ``mark_source``
    True the new span is the source and ``other_id`` the target. Undo takes
    back both, relation first; a redo stores them again with the same ids.
    """

    relation: str
    other_id: int
    document_id: int
    annotator: str
    label: str
    fragments: Sequence[Sequence[int]]
    attributes: dict[str, Any] | None = None
    entity_id: int | None = None
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
        other = _span(session, self.other_id)
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
        row = session.get(Relation, self.relation_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist")
        if self.undone and self.snapshot is not None and \
                _relation_state(row) != _picked(self.snapshot, RELATION_STATE):
            raise _relation_changed(session, row, self.snapshot["type"])
        snapshot = _relation_snapshot(row)
        twins = _relation_twins(session, row.type, row.source_id, row.target_id,
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
        if session.get(Relation, self.relation_id) is not None:
            raise ConflictError(f"this '{snapshot['type']}' relation is back already "
                                "(someone else restored it meanwhile); the view has been "
                                "reloaded")
        source = _span(session, snapshot["source_id"])
        target = _span(session, snapshot["target_id"])
        twins = _relation_twins(session, snapshot["type"], source.id, target.id)
        if any(twin not in self.twins for twin in twins):
            raise ConflictError(
                "someone else has added this relation again meanwhile ("
                f"{_relation_text(session, snapshot['type'], source.id, target.id, None)}); "
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
        row = session.get(Relation, self.relation_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"relation {self.relation_id} does not exist")
        return row

    def _conflict(self, session: Session, schema: Schema, row: Relation,
                  known: dict[str, Any] | None) -> ConflictError:
        return _relation_changed(session, row, (known or _relation_state(row))["type"])

    def _wanted(self, row: Relation, current: dict[str, Any]) -> dict[str, Any]:
        merged = {**current["attributes"], **self.attributes}
        return {**current, "attributes": {k: v for k, v in merged.items() if v is not None},
                "target_id": self.target_id or row.target_id}

    def _write(self, session: Session, schema: Schema, row: Relation,
               state: dict[str, Any]) -> Changes:
        return self._set(session, schema, row, dict(state["attributes"]), state["target_id"])

    def _set(self, session: Session, schema: Schema, row: Relation,
             attributes: dict[str, Any], target_id: int) -> Changes:
        values = validate_relation(session, schema, row.type, _span(session, row.source_id),
                                   _span(session, target_id), attributes,
                                   ignore_relation=row.id)
        row.attributes = values
        row.target_id = target_id
        row.updated_at = utcnow()
        session.flush()
        return Changes(documents={row.document_id}, relations_changed=[row.id])


@dataclass
class SetStatus(Edit):
    """Sets one annotator's status of a document; undo and redo refuse a colleague's newer one."""

    document_id: int
    annotator: str
    status: str
    before: str | None = None
    undone: bool = False
    text = "set status"

    def _stored(self, session: Session) -> str | None:
        who = annotator_id(session, self.annotator)
        row = session.get(DocumentStatus, (self.document_id, who), with_for_update=True)
        return row.status if row is not None else None

    def _changed(self, session: Session, now: str | None) -> ConflictError:
        document = _document(session, self.document_id)
        return ConflictError(
            f"the status of '{shorten(document.title)}' for {self.annotator} was changed by "
            f"someone else meanwhile (now: {(now or 'new').replace('_', ' ')}); the view has "
            "been reloaded"
        )

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
        stored = self._stored(session)
        if self.undone and (stored or Status.NEW) != (self.before or Status.NEW):  # a redo
            raise self._changed(session, stored)
        changes = self._set(session, self.status)
        self.before = stored
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        stored = self._stored(session)
        if (stored or Status.NEW) != self.status:
            raise self._changed(session, stored)
        changes = self._set(session, self.before)
        self.undone = True
        return changes


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


def _check_entity_fields(schema: Schema, name: str, kind: str, aliases: Sequence[str],
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
        _check_entity_fields(schema, self.name, self.kind, self.aliases, self.kb_id,
                             self.external_id)
        redo = self.undone_version is not None
        if redo and self.entity_id is not None and \
                session.get(Entity, self.entity_id) is not None:
            raise ConflictError(f"actor '{self.name}' is back already (someone else restored "
                                "it meanwhile); the registry has been reloaded")
        entity = Entity(name=self.name.strip(), kind=self.kind, aliases=list(self.aliases),
                        kb_id=self.kb_id or None, external_id=self.external_id or new_id("e"))
        _insert(session, entity, self.entity_id, self.undone_version)
        self.entity_id = entity.id
        self.external_id = entity.external_id
        self.state = _entity_state(entity)
        return Changes(entities_changed=[entity.id])

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.entity_id is not None
        entity = session.get(Entity, self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor '{self.name}' does not exist any more (deleted or "
                                "merged by someone else meanwhile)")
        if self.state is not None and _entity_state(entity) != self.state:
            raise _entity_changed(entity, self.state["name"])
        used = session.scalar(select(func.count()).where(Span.entity_id == self.entity_id))
        if used:
            raise ConflictError(
                f"cannot take back creating actor '{entity.name}': {used} mention"
                f"{'s link' if used != 1 else ' links'} to it now; the registry has been "
                "reloaded")
        version = entity.version
        session.delete(entity)
        _flush(session, f"actor '{entity.name}'")
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
        entity = _locked_entities(session, self.entity_id).get(self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist (merged or deleted?)")
        return entity

    def _conflict(self, session: Session, schema: Schema, row: Entity,
                  known: dict[str, Any] | None) -> ConflictError:
        return _entity_changed(row, row.name if known is None else known["name"])

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
        _check_entity_fields(schema, values["name"], values["kind"], values["aliases"],
                             values["kb_id"])
        entity.name = values["name"].strip()
        entity.kind = values["kind"]
        entity.aliases = list(values["aliases"])
        entity.kb_id = values["kb_id"] or None
        _flush(session, f"actor '{values['name']}'")
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
        locked = _locked_entities(session, self.kept_id, self.merged_id)
        kept, merged = locked.get(self.kept_id), locked.get(self.merged_id)
        if kept is None or merged is None:
            raise NotFoundError("one of the actors to merge does not exist any more")
        if self.kept_undone is not None and self.merged_snapshot is not None:  # a redo
            if _entity_state(kept) != self.kept_undone:
                raise _entity_changed(kept, self.kept_undone["name"])
            if _entity_state(merged) != _picked(self.merged_snapshot, ENTITY_STATE):
                raise _entity_changed(merged, self.merged_snapshot["name"])
        kept_before = _entity_state(kept)
        merged_snapshot = _entity_snapshot(merged)
        moved_spans = list(session.scalars(
            select(Span.id).where(Span.entity_id == merged.id)))
        aliases = list(kept.aliases)
        for alias in [merged.name, *merged.aliases]:
            if alias != kept.name and alias not in aliases:
                aliases.append(alias)
        kept.aliases = aliases
        kept.kb_id = kept.kb_id or merged.kb_id
        _flush(session, f"actor '{kept.name}'")
        session.execute(update(Span).where(Span.entity_id == merged.id)
                        .values(entity_id=kept.id, version=Span.version + 1),
                        execution_options={"synchronize_session": False})
        session.delete(merged)
        _flush(session, f"actor '{kept.name}' or '{merged.name}'")
        self.kept_before = kept_before
        self.merged_snapshot = merged_snapshot
        self.moved_spans = moved_spans
        self.kept_after = _entity_state(kept)
        return Changes(entities_changed=[kept.id, merged.id], spans_changed=self.moved_spans)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.kept_before is not None and self.merged_snapshot is not None
        merged_name = self.merged_snapshot["name"]
        kept = _locked_entities(session, self.kept_id).get(self.kept_id)
        if kept is None:
            raise NotFoundError(f"actor {self.kept_id}, which '{merged_name}' was merged "
                                "into, does not exist any more (deleted or merged meanwhile)")
        if self.kept_after is not None and _entity_state(kept) != self.kept_after:
            raise _entity_changed(kept, self.kept_after["name"])
        if session.get(Entity, self.merged_id) is not None:
            raise ConflictError(f"actor '{merged_name}' is back already (someone else "
                                "restored it meanwhile); the registry has been reloaded")
        if self.moved_spans:
            elsewhere = [span_id for span_id, entity_id in session.execute(
                select(Span.id, Span.entity_id).where(Span.id.in_(self.moved_spans)))
                if entity_id != self.kept_id]
            if elsewhere:
                raise ConflictError(
                    f"cannot take back merging '{merged_name}' into '{kept.name}': "
                    f"{len(elsewhere)} of the mentions it moved were linked elsewhere or "
                    "unlinked by someone else meanwhile; the registry has been reloaded")
        merged = Entity(**_without_version(self.merged_snapshot))
        session.add(merged)
        kept.aliases = list(self.kept_before["aliases"])
        kept.kb_id = self.kept_before["kb_id"]
        _flush(session, f"actor '{kept.name}'")
        _keep_version(session, merged, self.merged_snapshot["version"])
        if self.moved_spans:
            session.execute(update(Span).where(Span.id.in_(self.moved_spans),
                                               Span.entity_id == self.kept_id)
                            .values(entity_id=self.merged_id, version=Span.version + 1),
                            execution_options={"synchronize_session": False})
        self.kept_undone = _entity_state(kept)
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
        entity = _locked_entities(session, self.entity_id).get(self.entity_id)
        if entity is None:
            raise NotFoundError(f"actor {self.entity_id} does not exist")
        unlinked = list(session.scalars(select(Span.id).where(Span.entity_id == entity.id)))
        if self.undone and self.snapshot is not None:  # a redo: as the undo restored it?
            if _entity_state(entity) != _picked(self.snapshot, ENTITY_STATE):
                raise _entity_changed(entity, self.snapshot["name"])
            linked = [span_id for span_id in unlinked if span_id not in self.unlinked]
            if linked:
                raise ConflictError(
                    f"someone else linked {len(linked)} more mention"
                    f"{'s' if len(linked) != 1 else ''} to actor '{entity.name}' meanwhile; "
                    "deleting it would unlink them; the registry has been reloaded")
        snapshot = _entity_snapshot(entity)
        session.execute(update(Span).where(Span.entity_id == entity.id)
                        .values(entity_id=None, version=Span.version + 1),
                        execution_options={"synchronize_session": False})
        session.delete(entity)
        _flush(session, f"actor '{entity.name}'")
        self.snapshot = snapshot
        self.unlinked = unlinked
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.snapshot is not None
        name = self.snapshot["name"]
        if session.get(Entity, self.entity_id) is not None:
            raise ConflictError(f"actor '{name}' is back already (someone else restored it "
                                "meanwhile); the registry has been reloaded")
        if self.unlinked:
            relinked = [span_id for span_id, entity_id in session.execute(
                select(Span.id, Span.entity_id).where(Span.id.in_(self.unlinked)))
                if entity_id is not None]
            if relinked:
                raise ConflictError(
                    f"cannot restore actor '{name}': {len(relinked)} of its mentions were "
                    "linked to another actor by someone else meanwhile; the registry has "
                    "been reloaded")
        entity = Entity(**_without_version(self.snapshot))
        session.add(entity)
        session.flush()
        _keep_version(session, entity, self.snapshot["version"])
        if self.unlinked:
            session.execute(update(Span).where(Span.id.in_(self.unlinked),
                                               Span.entity_id.is_(None))
                            .values(entity_id=self.entity_id, version=Span.version + 1),
                            execution_options={"synchronize_session": False})
        self.undone = True
        return Changes(entities_changed=[self.entity_id], spans_changed=self.unlinked)


@dataclass
class Compound(Edit):
    """Several edits as one unit: applied in order, reverted in reverse order."""

    edits: list[Edit]
    text: str = "edit"

    def apply(self, session: Session, schema: Schema) -> Changes:
        return apply_all(self.edits, session, schema)

    def revert(self, session: Session, schema: Schema) -> Changes:
        return revert_all(self.edits, session, schema)


def apply_all(edits: Sequence[Edit], session: Session, schema: Schema) -> Changes:
    """Applies edits in order; what they changed, merged."""
    changes = Changes()
    for edit in edits:
        changes.merge(edit.apply(session, schema))
    return changes


def revert_all(edits: Sequence[Edit], session: Session, schema: Schema) -> Changes:
    """Reverts edits in reverse order; what they changed, merged."""
    changes = Changes()
    for edit in reversed(edits):
        changes.merge(edit.revert(session, schema))
    return changes


__all__ = [
    "UNSET",
    "AddRelation",
    "AddSpan",
    "Assign",
    "ChangeEdit",
    "Compound",
    "CreateEntity",
    "DeleteEntity",
    "DeleteRelation",
    "DeleteSpan",
    "Edit",
    "EntityView",
    "MarkAndLink",
    "MergeEntities",
    "RelationView",
    "SetStatus",
    "SpanView",
    "Unset",
    "UpdateEntity",
    "UpdateRelation",
    "UpdateSpan",
    "apply_all",
    "describe_entity",
    "describe_relation",
    "describe_span",
    "revert_all",
]
