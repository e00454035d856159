"""Adjudication: compare annotators' layers and build the gold layer from them.

The gold layer is the layer of the annotator called :data:`GOLD` (role
``curator``). A curator accepts one annotator's version of a span or relation
(copied into gold), edits gold spans with the ordinary edits, or adds new ones.
Every acceptance is an undoable edit like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.edits import (
    AddRelation,
    AddSpan,
    Compound,
    DeleteRelation,
    DeleteSpan,
    Edit,
    UpdateRelation,
    UpdateSpan,
    annotator_id,
    apply_all,
    revert_all,
    stored,
)
from storage.errors import SaywhoError, ValidationError
from storage.gcpause import collector_paused
from storage.models import Annotator, Relation, Span, Status
from storage.project import Project
from storage.schema import Schema
from storage.views import Changes, RelationView, SpanView

GOLD = "gold"

SpanKey = tuple[str, tuple[tuple[int, int], ...]]
#: A row of a comparison: a span's key, or a relation's (type, source key, target key).
GroupKey = SpanKey | tuple[str, SpanKey, SpanKey]


def span_key(span: SpanView | Span) -> SpanKey:
    """What makes two annotators' spans 'the same': label and exact fragments."""
    return span.label, tuple((int(a), int(b)) for a, b in span.fragments)


#: Two spans of one label whose boundaries differ by at most this many characters each
#: (or only by spaces and punctuation) are one row of a comparison: a near miss.
NEAR_MISS_CHARS = 2

UNANIMOUS, DISPUTED, SINGLE = "unanimous", "disputed", "single"


def _effective(attributes: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Attribute values with the schema's defaults filled in where none was stored."""
    values = {**defaults, **attributes}
    return {name: value for name, value in values.items() if value is not None}


def differing(values: Sequence[dict[str, Any]], defaults: dict[str, Any]) -> list[str]:
    """Names of the attributes whose values differ, defaults counting as stored."""
    effective = [_effective(v, defaults) for v in values]
    names = sorted({name for v in effective for name in v})
    return [name for name in names if len({repr(v.get(name)) for v in effective}) > 1]


@dataclass
class SpanGroup:
    """One span as marked (identically) by one or more annotators.

    ``variants`` are groups of the same label whose boundaries differ from this
    one by a near miss (see :data:`NEAR_MISS_CHARS`): other annotators' versions
    of the same span, shown in the same row.
    """

    key: SpanKey
    spans: dict[str, SpanView] = field(default_factory=dict)  # annotator -> span
    in_gold: SpanView | None = None
    defaults: dict[str, Any] = field(default_factory=dict)  # the label's attribute defaults
    variants: list[SpanGroup] = field(default_factory=list)
    _agreement: tuple[tuple[str, ...], str] | None = field(default=None, repr=False,
                                                          compare=False)
    _differing: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.key[0]

    @property
    def row_gold(self) -> SpanView | None:
        """The gold span of this row: of its extent, or of a near-miss version's."""
        if self.in_gold is not None:
            return self.in_gold
        return next((v.in_gold for v in self.variants if v.in_gold is not None), None)

    @property
    def start(self) -> int:
        return self.key[1][0][0]

    @property
    def end(self) -> int:
        return self.key[1][-1][1]

    def attributes_agree(self) -> bool:
        """Same values once the schema's defaults fill what an annotator left unstored."""
        return not self.differing_attributes()

    def differing_attributes(self) -> list[str]:
        """The attributes the annotators' versions disagree on (defaults counted)."""
        if self._differing is None:  # the annotators' side of a group never changes
            versions = [s.attributes for s in self.versions().values()]
            self._differing = differing(versions, self.defaults)
        return self._differing

    def versions(self) -> dict[str, SpanView]:
        """Annotator -> that annotator's span in this row (exact or near-miss variant)."""
        found = dict(self.spans)
        for variant in self.variants:
            for name, span in variant.spans.items():
                found.setdefault(name, span)
        return found

    def boundary_difference(self, name: str) -> str:
        """How ``name``'s version's boundaries differ from this row's, or ''."""
        span = self.versions().get(name)
        if span is None or name in self.spans:
            return ""
        return self.extent_difference(span)

    def extent_difference(self, span: SpanView) -> str:
        """How the boundaries of ``span`` (a near-miss version) differ from this row's."""
        ours = span_key(span)[1]
        parts = []
        for what, mine, theirs in (("start", ours[0][0], self.start),
                                   ("end", ours[-1][1], self.end)):
            if mine != theirs:
                parts.append(f"{what} {mine - theirs:+d}")
        return ", ".join(parts) or "fragments differ"

    def agreement(self, annotators: Sequence[str]) -> str:
        """'unanimous', 'disputed' or 'single' (marked by one annotator of several)."""
        names = tuple(annotators)
        if self._agreement is None or self._agreement[0] != names:
            self._agreement = (names, self._agreement_of(names))
        return self._agreement[1]

    def _agreement_of(self, annotators: Sequence[str]) -> str:
        versions = self.versions()
        if len(annotators) > 1 and len(versions) == 1:
            return SINGLE
        if len(self.spans) == len(annotators) and self.attributes_agree():
            return UNANIMOUS
        return DISPUTED


@dataclass
class RelationGroup:
    """One relation (type, source key, target key) as marked by one or more annotators."""

    key: tuple[str, SpanKey, SpanKey]
    relations: dict[str, RelationView] = field(default_factory=dict)
    in_gold: RelationView | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    #: The annotators' relations join near-miss versions of a span, not the same one.
    ends_differ: bool = False
    _differing: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def row_gold(self) -> RelationView | None:
        """The gold relation of this row."""
        return self.in_gold

    def differing_attributes(self) -> list[str]:
        """The attributes the annotators' relations disagree on (defaults counted)."""
        if self._differing is None:
            self._differing = differing([r.attributes for r in self.relations.values()],
                                        self.defaults)
        return self._differing

    def agreement(self, annotators: Sequence[str]) -> str:
        if len(annotators) > 1 and len(self.relations) == 1:
            return SINGLE
        if len(self.relations) == len(annotators) and not self.ends_differ and \
                not self.differing_attributes():
            return UNANIMOUS
        return DISPUTED


@dataclass
class Comparison:
    """Every annotator's spans and relations of one document, grouped for a curator."""

    document_id: int
    annotators: list[str]
    spans: list[SpanGroup]
    relations: list[RelationGroup]
    #: every compared layer's spans as read (annotators and gold), by annotator name
    layers: dict[str, list[SpanView]] = field(default_factory=dict)
    _extents: dict[SpanKey, tuple[SpanGroup, SpanGroup]] | None = field(
        default=None, repr=False, compare=False)
    _counts: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def extent_rows(self) -> dict[SpanKey, tuple[SpanGroup, SpanGroup]]:
        """Each extent -> (the group holding its gold version, the row showing it): a row's
        own extent, and its near-miss versions'. Built once: the annotators' side of a
        comparison never changes, only its gold."""
        if self._extents is None:
            self._extents = {}
            for group in self.spans:
                self._extents[group.key] = (group, group)
                for variant in group.variants:
                    self._extents[variant.key] = (variant, group)
        return self._extents

    def annotator_counts(self) -> dict[str, Any]:
        """The counts that do not depend on gold (groups, unanimous, per annotator)."""
        if self._counts is None:
            per_annotator: dict[str, int] = defaultdict(int)
            unanimous = 0
            for group in self.spans:
                for name in group.spans:
                    per_annotator[name] += 1
                unanimous += group.agreement(self.annotators) == UNANIMOUS
            self._counts = {"spans": len(self.spans), "unanimous": unanimous,
                            "disputed": len(self.spans) - unanimous,
                            "per_annotator": dict(per_annotator)}
        return self._counts

    def unanimous_spans(self) -> list[SpanGroup]:
        return [g for g in self.spans if g.agreement(self.annotators) == UNANIMOUS]

    def disputed_spans(self) -> list[SpanGroup]:
        return [g for g in self.spans if g.agreement(self.annotators) != UNANIMOUS]

    def unanimous_relations(self) -> list[RelationGroup]:
        return [g for g in self.relations if g.agreement(self.annotators) == UNANIMOUS]


def _near_miss(text: str, first: SpanKey, second: SpanKey) -> bool:
    """Same label and fragment count, each boundary off by a few characters or by
    spaces and punctuation only."""
    if first[0] != second[0] or len(first[1]) != len(second[1]):
        return False
    for (a_start, a_end), (b_start, b_end) in zip(first[1], second[1], strict=True):
        if a_start >= b_end or b_start >= a_end:
            return False
        for x, y in ((a_start, b_start), (a_end, b_end)):
            low, high = min(x, y), max(x, y)
            if high - low > NEAR_MISS_CHARS and any(c.isalnum() for c in text[low:high]):
                return False
    return True


#: How far apart (characters) the starts of two near-miss versions may be at most.
NEAR_MISS_WINDOW = 16


def _fold_near_misses(text: str, groups: list[SpanGroup]) -> list[SpanGroup]:
    """Folds each near-miss group into the overlapping group most annotators marked,
    when no annotator is in both (their versions are alternatives, not two spans)."""
    ordered = sorted(groups, key=lambda g: (-len(g.spans), g.start, g.end, g.label))
    kept: list[SpanGroup] = []
    by_start: dict[tuple[str, int], list[SpanGroup]] = {}
    for group in ordered:
        label, start = group.label, group.start
        main = next((candidate
                     for delta in range(-NEAR_MISS_WINDOW, NEAR_MISS_WINDOW + 1)
                     for candidate in by_start.get((label, start + delta), ())
                     if not set(candidate.versions()) & set(group.spans)
                     and _near_miss(text, candidate.key, group.key)), None)
        if main is not None:
            main.variants.append(group)
            continue
        kept.append(group)
        by_start.setdefault((label, start), []).append(group)
    return sorted(kept, key=lambda g: (g.start, g.end, g.label))


def compare(project: Project, document_id: int, annotators: Sequence[str],
            gold: str = GOLD, cancelled: Callable[[], bool] | None = None) -> Comparison:
    """Groups the annotators' spans and relations of one document, and marks gold ones.

    Spans of one label with near-miss boundaries (one annotator took the final
    comma, the other did not) are one group with variants; attribute values
    compare with the schema's defaults filled in.

    Args:
        cancelled: Asked between the reads and the grouping (a background
            worker's stop flag); when it answers True, :class:`Cancelled` is raised.
    """
    names = [a for a in annotators if a != gold]
    with collector_paused():
        layers: dict[str, list[SpanView]] = {}
        relations: dict[str, list[RelationView]] = {}
        for name in [*names, gold]:
            _check(cancelled)
            layers[name] = project.spans(document_id, name)
            _check(cancelled)
            relations[name] = project.relations(document_id, name)
        text = project.document(document_id).text
        _check(cancelled)
        return group_layers(project.schema, document_id, text, names, gold, layers, relations)


class Cancelled(SaywhoError):
    """A comparison was abandoned half-way (its window was closed or shows another part)."""


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("the comparison was cancelled")


def group_layers(schema: Schema, document_id: int, text: str, names: Sequence[str], gold: str,
                 layers: dict[str, list[SpanView]], relations: dict[str, list[RelationView]],
                 other_spans: Sequence[SpanView] = ()) -> Comparison:
    """Groups spans and relations already read (every layer of ``names`` and ``gold``).

    Args:
        other_spans: Relation ends read outside ``layers`` (a partial read): they
            key the relations but make no group of their own.
    """
    groups: dict[SpanKey, SpanGroup] = {}
    by_id: dict[int, SpanView] = {span.id: span for span in other_spans}
    for name in [*names, gold]:
        for span in layers.get(name, ()):
            by_id[span.id] = span
            key = span_key(span)
            group = groups.get(key)
            if group is None:
                group = groups[key] = SpanGroup(key, defaults=schema.default_attributes(
                    span.label))
            if name == gold:
                group.in_gold = span
            else:
                group.spans[name] = span
    span_list = _fold_near_misses(text, [g for g in groups.values() if g.spans])
    # a relation between near-miss versions is the same relation: keyed by the rows
    row_key = {variant.key: group.key for group in span_list for variant in group.variants}
    relation_groups: dict[tuple[str, SpanKey, SpanKey], RelationGroup] = {}
    ends: dict[tuple[str, SpanKey, SpanKey], set[tuple[SpanKey, SpanKey]]] = {}
    for name in [*names, gold]:
        for relation in relations.get(name, ()):
            source, target = by_id.get(relation.source_id), by_id.get(relation.target_id)
            if source is None or target is None:
                continue
            source_key, target_key = span_key(source), span_key(target)
            relation_key = (relation.type, row_key.get(source_key, source_key),
                            row_key.get(target_key, target_key))
            relation_group = relation_groups.get(relation_key)
            if relation_group is None:
                relation_group = relation_groups[relation_key] = RelationGroup(
                    relation_key, defaults=relation_defaults(schema, relation.type))
            if name == gold:
                relation_group.in_gold = relation
            else:
                relation_group.relations[name] = relation
                ends.setdefault(relation_key, set()).add((source_key, target_key))
    for relation_key, seen in ends.items():
        relation_groups[relation_key].ends_differ = len(seen) > 1
    relation_list = sorted((g for g in relation_groups.values() if g.relations),
                           key=lambda g: (g.key[1][1][0][0], g.key[0]))
    return Comparison(document_id, list(names), span_list, relation_list, dict(layers))


def relation_defaults(schema: Schema, relation_type: str) -> dict[str, Any]:
    """The schema's default attribute values of a relation type (none when unknown)."""
    relation_def = schema.relation(relation_type)
    if relation_def is None:
        return {}
    return {a.name: a.default for a in relation_def.attributes if a.default is not None}


def _gold_span(session: Session, document_id: int, gold_id: int, key: SpanKey) -> Span | None:
    label, fragments = key
    for span in session.scalars(select(Span).where(
            Span.document_id == document_id, Span.annotator_id == gold_id,
            Span.label == label, Span.start == fragments[0][0], Span.end == fragments[-1][1])):
        if span_key(span) == key:
            return span
    return None


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
        span = stored(session, Span, self.span_id)
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
        relation = stored(session, Relation, self.relation_id)
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
                   gold: str = GOLD, comparison: Comparison | None = None) -> Edit | None:
    """The edit that accepts every unanimous span and relation into gold, not yet applied.

    Args:
        comparison: The document's whole comparison when the caller has it at hand
            (compared again when None).

    Returns None when there is nothing left to accept.
    """
    if comparison is None or comparison.document_id != document_id:
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
    in_gold = sum(1 for g in comparison.spans
                  if g.in_gold is not None or (g.variants and g.row_gold is not None))
    counts = comparison.annotator_counts()
    return {**counts, "in_gold": in_gold, "per_annotator": dict(counts["per_annotator"])}


def ordered_groups(comparison: Comparison) -> list[SpanGroup | RelationGroup]:
    """The rows of a comparison view: span groups in text order, each followed by the
    relation groups leaving it (or one of its near-miss versions); relations whose
    source is no row come last."""
    by_source: dict[SpanKey, list[RelationGroup]] = {}
    for relation_group in comparison.relations:
        by_source.setdefault(relation_group.key[1], []).append(relation_group)
    rows: list[SpanGroup | RelationGroup] = []
    for group in comparison.spans:
        rows.append(group)
        for key in (group.key, *(variant.key for variant in group.variants)):
            rows += by_source.pop(key, [])
    for leftover in by_source.values():
        rows += leftover
    return rows


@dataclass(frozen=True)
class Step:
    """An adjudication step to apply (``edit`` with its undo ``text``), or, with no
    edit, the reason nothing is to be done; ``message`` says either to the curator."""

    edit: Edit | None
    text: str
    message: str


def replacing(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Attribute values for an update that replaces ``old`` by ``new`` (None clears)."""
    return {**dict.fromkeys(old), **new}


def same_attributes(defaults: dict[str, Any], first: dict[str, Any],
                    second: dict[str, Any]) -> bool:
    """Equal once the schema's defaults fill what either left out."""
    return {**defaults, **first} == {**defaults, **second}


def take_version(project: Project, comparison: Comparison, group: SpanGroup | RelationGroup,
                 name: str, gold: str = GOLD) -> Step:
    """What taking annotator ``name``'s version of a comparison row into gold means.

    A span not in gold is accepted (copied); when gold has it, its attributes
    (and actor link) become ``name``'s; when gold has a rival extent of the same
    label (a near-miss version), that gold span takes ``name``'s fragments, so
    choosing between versions never leaves two golds behind. A relation is
    accepted with its spans, or its gold attributes replaced.
    """
    if isinstance(group, RelationGroup):
        return _take_relation(project, group, name, gold)
    span = group.versions().get(name)
    if span is None:
        return Step(None, "", f"{name} did not mark this {group.label}: nothing to take.")
    if name not in group.spans:  # a near-miss version: its own group, its own extent
        group = next(v for v in group.variants if name in v.spans)
    in_gold = group.in_gold
    if in_gold is not None:
        if same_attributes(group.defaults, in_gold.attributes, span.attributes) and \
                in_gold.entity_id == span.entity_id:
            return Step(None, "", f"Gold already has {name}'s version of this {group.label}.")
        return Step(UpdateSpan(in_gold.id, attributes=replacing(in_gold.attributes,
                                                                span.attributes),
                               entity_id=span.entity_id, expected_version=in_gold.version),
                    f"take {name}'s {group.label} attributes",
                    f"Gold {group.label} now has {name}'s attributes.")
    rival = _rival_gold_span(project, comparison, group, gold)
    if rival is not None:
        return Step(UpdateSpan(rival.id, fragments=[list(f) for f in span.fragments],
                               attributes=replacing(rival.attributes, span.attributes),
                               entity_id=span.entity_id, expected_version=rival.version),
                    f"take {name}'s {group.label}",
                    f"Gold {group.label} {rival.start}–{rival.end} replaced by "
                    f"{name}'s version {group.start}–{group.end}.")
    return Step(AcceptSpan(span.id, gold), f"accept {name}'s {group.label}",
                f"Accepted {name}'s {group.label} into gold.")


def _rival_gold_span(project: Project, comparison: Comparison, group: SpanGroup,
                     gold: str) -> SpanView | None:
    """The one gold span of the same label overlapping ``group`` with other fragments."""
    rivals: list[SpanView] = []
    # gold spans no annotator marked (added with N) are in no group: read them too
    for span in project.spans(comparison.document_id, gold):
        if span_key(span) != group.key and span.label == group.label and \
                span.start < group.end and group.start < span.end:
            rivals.append(span)
    return rivals[0] if len(rivals) == 1 else None


def _take_relation(project: Project, group: RelationGroup, name: str, gold: str) -> Step:
    kind = group.key[0]
    relation = group.relations.get(name)
    if relation is None:
        return Step(None, "", f"{name} did not mark this {kind} relation.")
    if group.in_gold is not None:
        if same_attributes(group.defaults, group.in_gold.attributes, relation.attributes):
            return Step(None, "", f"Gold already has this {kind} relation.")
        return Step(UpdateRelation(group.in_gold.id, replacing(group.in_gold.attributes,
                                                               relation.attributes)),
                    f"take {name}'s {kind} attributes",
                    f"Gold {kind} now has {name}'s attributes.")
    return Step(AcceptRelation(relation.id, gold), f"accept {name}'s {kind}",
                f"Accepted {name}'s {kind} relation (with its spans).")


def reject_step(group: SpanGroup | RelationGroup) -> Step:
    """Removing a row's gold span (with its relations) or gold relation."""
    if group.row_gold is None:
        return Step(None, "", "Not in gold: nothing to reject.")
    if isinstance(group, SpanGroup):
        return Step(DeleteSpan(group.row_gold.id), f"reject {group.label}",
                    f"Removed the gold {group.label}.")
    kind = group.key[0]
    return Step(DeleteRelation(group.row_gold.id), f"reject {kind}", f"Removed the gold {kind}.")


def gold_attributes_step(group: SpanGroup | RelationGroup, values: dict[str, Any]) -> Step:
    """Setting the attributes of a row's gold span or relation to ``values`` (all of them)."""
    gold = group.row_gold
    if gold is None:
        return Step(None, "", "Not in gold yet: accept a version (1–9) first.")
    edit: Edit
    if isinstance(gold, SpanView):
        edit = UpdateSpan(gold.id, attributes=replacing(gold.attributes, values),
                          expected_version=gold.version)
    else:
        edit = UpdateRelation(gold.id, replacing(gold.attributes, values))
    return Step(edit, "edit gold attributes", "Gold attributes changed.")
