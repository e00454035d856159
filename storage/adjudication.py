"""Adjudication: compare annotators' layers and build the gold layer from them.

The gold layer is the layer of the annotator called :data:`GOLD` (role
``curator``). A curator accepts one annotator's version of a span or relation
(copied into gold), edits gold spans with the ordinary edits, or adds new ones.
Every acceptance is an undoable edit like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.edits import (
    AddRelation,
    AddSpan,
    Compound,
    Edit,
    annotator_id,
    apply_all,
    revert_all,
)
from storage.errors import NotFoundError, ValidationError
from storage.models import Annotator, Relation, Span, Status
from storage.project import Project
from storage.schema import Schema
from storage.views import Changes, RelationView, SpanView

GOLD = "gold"

SpanKey = tuple[str, tuple[tuple[int, int], ...]]


def span_key(span: SpanView | Span) -> SpanKey:
    """What makes two annotators' spans 'the same': label and exact fragments."""
    return span.label, tuple((int(a), int(b)) for a, b in span.fragments)


@dataclass
class SpanGroup:
    """One span as marked (identically) by one or more annotators."""

    key: SpanKey
    spans: dict[str, SpanView] = field(default_factory=dict)  # annotator -> span
    in_gold: SpanView | None = None

    @property
    def label(self) -> str:
        return self.key[0]

    @property
    def start(self) -> int:
        return self.key[1][0][0]

    @property
    def end(self) -> int:
        return self.key[1][-1][1]

    def attributes_agree(self) -> bool:
        values = [s.attributes for s in self.spans.values()]
        return all(v == values[0] for v in values)


@dataclass
class RelationGroup:
    """One relation (type, source key, target key) as marked by one or more annotators."""

    key: tuple[str, SpanKey, SpanKey]
    relations: dict[str, RelationView] = field(default_factory=dict)
    in_gold: RelationView | None = None

    def attributes_agree(self) -> bool:
        values = [r.attributes for r in self.relations.values()]
        return all(v == values[0] for v in values)


@dataclass
class Comparison:
    """Every annotator's spans and relations of one document, grouped for a curator."""

    document_id: int
    annotators: list[str]
    spans: list[SpanGroup]
    relations: list[RelationGroup]

    def unanimous_spans(self) -> list[SpanGroup]:
        return [g for g in self.spans if len(g.spans) == len(self.annotators)
                and g.attributes_agree()]

    def disputed_spans(self) -> list[SpanGroup]:
        return [g for g in self.spans if g not in self.unanimous_spans()]

    def unanimous_relations(self) -> list[RelationGroup]:
        return [g for g in self.relations if len(g.relations) == len(self.annotators)
                and g.attributes_agree()]


def compare(project: Project, document_id: int, annotators: Sequence[str],
            gold: str = GOLD) -> Comparison:
    """Groups the annotators' spans and relations of one document, and marks gold ones."""
    names = [a for a in annotators if a != gold]
    groups: dict[SpanKey, SpanGroup] = {}
    by_id: dict[int, SpanView] = {}
    for name in [*names, gold]:
        for span in project.spans(document_id, name):
            by_id[span.id] = span
            group = groups.setdefault(span_key(span), SpanGroup(span_key(span)))
            if name == gold:
                group.in_gold = span
            else:
                group.spans[name] = span
    relation_groups: dict[tuple[str, SpanKey, SpanKey], RelationGroup] = {}
    for name in [*names, gold]:
        for relation in project.relations(document_id, name):
            source, target = by_id.get(relation.source_id), by_id.get(relation.target_id)
            if source is None or target is None:
                continue
            key = (relation.type, span_key(source), span_key(target))
            relation_group = relation_groups.setdefault(key, RelationGroup(key))
            if name == gold:
                relation_group.in_gold = relation
            else:
                relation_group.relations[name] = relation
    span_list = sorted((g for g in groups.values() if g.spans),
                       key=lambda g: (g.start, g.end, g.label))
    relation_list = sorted((g for g in relation_groups.values() if g.relations),
                           key=lambda g: (g.key[1][1][0][0], g.key[0]))
    return Comparison(document_id, names, span_list, relation_list)


def _gold_span(session: Session, document_id: int, gold_id: int, key: SpanKey) -> Span | None:
    label, fragments = key
    for span in session.scalars(select(Span).where(
            Span.document_id == document_id, Span.annotator_id == gold_id,
            Span.label == label, Span.start == fragments[0][0], Span.end == fragments[-1][1])):
        if span_key(span) == key:
            return span
    return None


Stored = TypeVar("Stored", Span, Relation)


def _stored(session: Session, model: type[Stored], row_id: int) -> Stored:
    """The span or relation to accept (NotFoundError when it was deleted meanwhile)."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{model.__tablename__} {row_id} does not exist")
    return row


def _ensure_curator(session: Session, gold: str) -> int:
    who = annotator_id(session, gold)
    row = session.get(Annotator, who)
    if row is not None and row.role != "curator":
        row.role = "curator"
    return who


@dataclass
class AcceptSpan(Edit):
    """Copies one annotator's span (label, fragments, attributes, actor link) into gold."""

    span_id: int
    gold: str = GOLD
    added: AddSpan | None = None
    text = "accept span"

    def apply(self, session: Session, schema: Schema) -> Changes:
        span = _stored(session, Span, self.span_id)
        gold_id = _ensure_curator(session, self.gold)
        if span.annotator_id == gold_id:
            raise ValidationError("this span is already in the gold layer")
        if _gold_span(session, span.document_id, gold_id, span_key(span)) is not None:
            raise ValidationError(f"the gold layer already has this {span.label} span")
        if self.added is None:
            self.added = AddSpan(span.document_id, self.gold, span.label,
                                 [tuple(f) for f in span.fragments], dict(span.attributes or {}),
                                 span.entity_id)
        return self.added.apply(session, schema)

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.added is not None
        return self.added.revert(session, schema)


@dataclass
class AcceptRelation(Edit):
    """Copies a relation into gold, accepting its two spans first when gold lacks them."""

    relation_id: int
    gold: str = GOLD
    steps: list[Edit] = field(default_factory=list)
    text = "accept relation"

    def apply(self, session: Session, schema: Schema) -> Changes:
        relation = _stored(session, Relation, self.relation_id)
        gold_id = _ensure_curator(session, self.gold)
        changes = Changes()
        if not self.steps:
            ends: list[int] = []
            for span_id in (relation.source_id, relation.target_id):
                span = session.get(Span, span_id)
                assert span is not None
                existing = _gold_span(session, span.document_id, gold_id, span_key(span))
                if existing is None:
                    accept = AcceptSpan(span.id, self.gold)
                    changes.merge(accept.apply(session, schema))
                    self.steps.append(accept)
                    assert accept.added is not None and accept.added.span_id is not None
                    ends.append(accept.added.span_id)
                else:
                    ends.append(existing.id)
            add = AddRelation(relation.type, ends[0], ends[1], dict(relation.attributes or {}))
            changes.merge(add.apply(session, schema))
            self.steps.append(add)
            return changes
        return apply_all(self.steps, session, schema)  # a redo

    def revert(self, session: Session, schema: Schema) -> Changes:
        return revert_all(self.steps, session, schema)


def unanimous_edit(project: Project, document_id: int, annotators: Sequence[str],
                   gold: str = GOLD) -> Edit | None:
    """The edit that accepts every unanimous span and relation into gold, not yet applied.

    Returns None when there is nothing left to accept.
    """
    comparison = compare(project, document_id, annotators, gold)
    if len(comparison.annotators) < 2:
        raise ValidationError("accepting unanimous annotations needs at least two annotators")
    first = comparison.annotators[0]
    edits: list[Edit] = [AcceptSpan(g.spans[first].id, gold)
                         for g in comparison.unanimous_spans() if g.in_gold is None]
    accepted_keys = {g.key for g in comparison.unanimous_spans()}
    for group in comparison.unanimous_relations():
        if group.in_gold is None and group.key[1] in accepted_keys and \
                group.key[2] in accepted_keys:
            edits.append(AcceptRelation(group.relations[first].id, gold))
    if not edits:
        return None
    return Compound(edits, text="accept unanimous annotations")


def accept_unanimous(project: Project, document_id: int, annotators: Sequence[str],
                     gold: str = GOLD) -> Edit | None:
    """Accepts into gold every span and relation all annotators agree on (one undoable edit).

    Returns the edit applied, or None when there was nothing left to accept.
    """
    edit = unanimous_edit(project, document_id, annotators, gold)
    if edit is not None:
        project.apply(edit)
    return edit


def layer_annotators(project: Project, document_id: int, gold: str = GOLD) -> list[str]:
    """Annotators (not curators) with spans or a status in a document, by name: the
    layers a comparison of that document shows."""
    annotators = project.annotators()
    names = {a.id: a.name for a in annotators}
    curators = {a.name for a in annotators if a.role == "curator"} | {gold}
    present = set(project.statuses(document_id))
    with project.db.reading() as session:
        present |= {names[who] for who in session.scalars(
            select(Span.annotator_id).where(Span.document_id == document_id).distinct())}
    return sorted(present - curators)


def adjudicated_documents(project: Project, gold: str = GOLD) -> list[int]:
    """Documents whose gold layer exists (has a status row or spans)."""
    with project.db.reading() as session:
        who = session.scalar(select(Annotator.id).where(Annotator.name == gold))
        if who is None:
            return []
        from storage.models import DocumentStatus

        with_status = set(session.scalars(select(DocumentStatus.document_id)
                                          .where(DocumentStatus.annotator_id == who)))
        with_spans = set(session.scalars(select(Span.document_id)
                                         .where(Span.annotator_id == who).distinct()))
        return sorted(with_status | with_spans)


def adjudication_statuses(project: Project, gold: str = GOLD) -> dict[int, str]:
    """Document id -> status of its gold layer, for the documents that have one."""
    from storage.models import DocumentStatus

    with project.db.reading() as session:
        who = session.scalar(select(Annotator.id).where(Annotator.name == gold))
        if who is None:
            return {}
        stored = dict(session.execute(
            select(DocumentStatus.document_id, DocumentStatus.status)
            .where(DocumentStatus.annotator_id == who)).all())
        with_spans = set(session.scalars(select(Span.document_id)
                                         .where(Span.annotator_id == who).distinct()))
    return {document_id: stored.get(document_id, Status.NEW)
            for document_id in sorted(set(stored) | with_spans)}


def layer_summary(comparison: Comparison) -> dict[str, Any]:
    """Counts a comparison view shows in its header."""
    per_annotator: dict[str, int] = defaultdict(int)
    for group in comparison.spans:
        for name in group.spans:
            per_annotator[name] += 1
    return {
        "spans": len(comparison.spans),
        "unanimous": len(comparison.unanimous_spans()),
        "disputed": len(comparison.disputed_spans()),
        "in_gold": sum(1 for g in comparison.spans if g.in_gold is not None),
        "per_annotator": dict(per_annotator),
    }
