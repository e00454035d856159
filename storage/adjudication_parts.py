"""Comparison of part of a document: the top of a long article first, the rest later.

Comparing every layer of a 1 MB article with 10,000 spans per annotator takes
most of a second. The comparison view first shows the groups that start near
the top (:func:`compare_part` reads only the spans starting before a bound, and
the relations leaving them), then computes the whole comparison in the
background (:func:`storage.adjudication.compare`). After an edit of the gold
layer, :func:`apply_gold_changes` updates the groups in place from the edit's
change record instead of comparing everything again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from storage.adjudication import (
    GOLD,
    NEAR_MISS_WINDOW,
    Comparison,
    GroupKey,
    SpanGroup,
    SpanKey,
    group_layers,
    span_key,
)
from storage.gcpause import collector_paused
from storage.models import Annotator, Relation, Span
from storage.project import Project
from storage.views import SPAN_COLUMNS, Changes, RelationView, SpanView

__all__ = ["apply_gold_changes", "compare_part", "relations_from", "spans_before",
           "spans_by_id"]

#: Spans this far past the bound are read too: a group starting just before the bound
#: may have near-miss versions starting just after it.
_MARGIN = NEAR_MISS_WINDOW + 1


def spans_before(project: Project, document_id: int, names: Sequence[str],
                 before: int) -> dict[str, list[SpanView]]:
    """Each named layer's spans of a document that start before ``before``, by start.

    Args:
        names: Annotator names; a name without spans (or unknown) gets an empty list.
        before: Offset (code points); spans starting at or after it are not read.
    """
    found: dict[str, list[SpanView]] = {name: [] for name in names}
    if not names:
        return found
    with project.db.reading() as session, collector_paused():
        rows = session.execute(
            select(Annotator.name, *SPAN_COLUMNS).join(Annotator, Span.annotator_id
                                                       == Annotator.id)
            .where(Span.document_id == document_id, Annotator.name.in_(list(names)),
                   Span.start < before)
            .order_by(Span.start, Span.end, Span.id)).all()
        for name, *columns in rows:
            found[name].append(SpanView.of_row(columns))
    return found


def spans_by_id(project: Project, ids: Iterable[int]) -> dict[int, SpanView]:
    """The spans with these ids (ids of deleted spans are left out)."""
    wanted = sorted(set(ids))
    found: dict[int, SpanView] = {}
    with project.db.reading() as session:
        for chunk in range(0, len(wanted), 500):
            for row in session.execute(select(*SPAN_COLUMNS).where(
                    Span.id.in_(wanted[chunk:chunk + 500]))):
                found[row[0]] = SpanView.of_row(tuple(row))
    return found


def relations_from(project: Project, source_ids: Iterable[int]) -> list[RelationView]:
    """The relations whose source is one of these spans, by id."""
    wanted = sorted(set(source_ids))
    found: list[RelationView] = []
    with project.db.reading() as session:
        for chunk in range(0, len(wanted), 500):
            found += [RelationView.of(row) for row in session.scalars(
                select(Relation).where(Relation.source_id.in_(wanted[chunk:chunk + 500])))]
    return sorted(found, key=lambda relation: relation.id)


def compare_part(project: Project, document_id: int, annotators: Sequence[str], before: int,
                 gold: str = GOLD, text: str | None = None) -> Comparison:
    """The groups of a comparison that start before ``before``, as the whole one has them.

    Span groups (with their near-miss versions) and the relation groups leaving
    them are complete; a relation's other end may lie further down (it is read
    by id). ``layers`` holds the spans read, for the text view.
    """
    names = [a for a in annotators if a != gold]
    layers = spans_before(project, document_id, [*names, gold], before + _MARGIN)
    read = {span.id: span for layer in layers.values() for span in layer}
    relations = relations_from(project, read)
    by_annotator: dict[int, str] = {}
    for name, layer in layers.items():
        for span in layer:
            by_annotator[span.annotator_id] = name
    per_layer: dict[str, list[RelationView]] = {name: [] for name in layers}
    for relation in relations:
        per_layer[by_annotator[relation.annotator_id]].append(relation)
    targets = spans_by_id(project, {r.target_id for r in relations} - set(read))
    if text is None:
        text = project.document(document_id).text
    whole = group_layers(project.schema, document_id, text, names, gold, layers, per_layer,
                         other_spans=list(targets.values()))
    kept = [group for group in whole.spans if group.start < before]
    kept_keys = {key for group in kept
                 for key in (group.key, *(variant.key for variant in group.variants))}
    return Comparison(document_id, names, kept,
                      [g for g in whole.relations if g.key[1] in kept_keys],
                      {name: [s for s in layer if s.start < before]
                       for name, layer in layers.items()})


def apply_gold_changes(project: Project, comparison: Comparison, changes: Changes,
                       gold: str = GOLD) -> set[GroupKey] | None:
    """Updates the gold side of ``comparison`` in place after an edit of the gold layer.

    Returns:
        The keys of the rows whose gold version changed, or None when the edit
        touched more than the gold layer of this document (compare again then).
    """
    gold_id = project.annotator_id(gold)
    document_id = comparison.document_id
    if gold_id is None or changes.documents - {document_id}:
        return None
    span_ids = {*changes.spans_added, *changes.spans_removed, *changes.spans_changed}
    stored = spans_by_id(project, span_ids)
    if any(span.annotator_id != gold_id or span.document_id != document_id
           for span in stored.values()):
        return None
    rows = comparison.extent_rows()
    spans = {span.id: span for span in comparison.layers.get(gold, [])}
    touched: set[GroupKey] = set()
    for span_id in sorted(span_ids):
        old = spans.pop(span_id, None)
        if old is not None and span_key(old) in rows:
            holder, row = rows[span_key(old)]
            if holder.in_gold is not None and holder.in_gold.id == span_id:
                holder.in_gold = None
                touched.add(row.key)
        new = stored.get(span_id)
        if new is not None:
            spans[span_id] = new
            if span_key(new) in rows:
                holder, row = rows[span_key(new)]
                holder.in_gold = new
                touched.add(row.key)
    comparison.layers[gold] = sorted(spans.values(), key=lambda s: (s.start, s.end, s.id))
    return touched | _apply_gold_relations(project, comparison, changes, spans, rows, gold_id)


def _apply_gold_relations(project: Project, comparison: Comparison, changes: Changes,
                          spans: dict[int, SpanView],
                          rows: dict[SpanKey, tuple[SpanGroup, SpanGroup]],
                          gold_id: int) -> set[GroupKey]:
    """The relation half of :func:`apply_gold_changes`."""
    touched: set[GroupKey] = set()
    relation_ids = set(changes.relations_added) | set(changes.relations_removed) | \
        set(changes.relations_changed)
    gone = set(changes.spans_removed) - set(spans)
    for group in comparison.relations:  # removed, changed, or gone with a removed span
        gold_relation = group.in_gold
        if gold_relation is not None and (gold_relation.id in relation_ids
                                          or gold_relation.source_id in gone
                                          or gold_relation.target_id in gone):
            group.in_gold = None
            touched.add(group.key)
    if not relation_ids:
        return touched
    with project.db.reading() as session:
        stored = [RelationView.of(row) for row in session.scalars(
            select(Relation).where(Relation.id.in_(sorted(relation_ids)),
                                   Relation.annotator_id == gold_id))]
    ends = dict(spans)
    ends.update(spans_by_id(project, {end for relation in stored
                                      for end in (relation.source_id, relation.target_id)}
                            - set(spans)))
    groups = {group.key: group for group in comparison.relations}
    for relation in stored:
        source, target = ends.get(relation.source_id), ends.get(relation.target_id)
        if source is None or target is None:
            continue
        source_key, target_key = span_key(source), span_key(target)
        key = (relation.type, rows[source_key][1].key if source_key in rows else source_key,
               rows[target_key][1].key if target_key in rows else target_key)
        found = groups.get(key)
        if found is not None:
            found.in_gold = relation
            touched.add(found.key)
    return touched
