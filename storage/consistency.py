"""Whether stored annotations satisfy a schema and the text: the checks themselves.

Each check reads through a session the caller opened and reports one line per
problem, naming the object (see :class:`CheckReport`). :func:`storage.check.check_project`
runs them all over a project; :func:`schema_conflicts` runs the annotation
checks against a schema the project may change to (``Project.update_schema``).
This module does not know :class:`~storage.project.Project`, so the project can
use it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from storage.models import Annotator, Document, DocumentStatus, Entity, Relation, Span
from storage.schema import AttributeDef, Schema
from storage.vocabulary import STATUSES

BATCH = 200
MAX_PROBLEMS_PER_KIND = 1000  # a wrecked project still gives a readable report

ProgressCallback = Callable[[int, int, str], None]


@dataclass
class CheckReport:
    """What :func:`check_project` found.

    Attributes:
        project: the project's name (path or URL without password).
        counts: how many objects of each kind were checked.
        problems: one line per problem, naming the object.
        omitted: problems not listed because there were too many of one kind.
    """

    project: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.omitted

    def text(self) -> str:
        """The report as the ``check`` command prints it."""
        checked = ", ".join(f"{count} {kind}" for kind, count in self.counts.items())
        lines = [f"project: {self.project}", f"checked: {checked}"]
        if self.ok:
            lines.append("no problems found")
            return "\n".join(lines)
        total = len(self.problems) + self.omitted
        lines.append(f"{total} problem{'s' if total != 1 else ''} found:")
        lines += [f"  {problem}" for problem in self.problems]
        if self.omitted:
            lines.append(f"  ... and {self.omitted} more")
        return "\n".join(lines)


class ProblemCollector:
    def __init__(self, report: CheckReport) -> None:
        self.report = report
        self.per_kind: Counter[str] = Counter()

    def add(self, kind: str, message: str) -> None:
        self.per_kind[kind] += 1
        if self.per_kind[kind] > MAX_PROBLEMS_PER_KIND:
            self.report.omitted += 1
        else:
            self.report.problems.append(message)


def schema_conflicts(session: Session, schema: Schema, limit: int = 20) -> tuple[list[str], int]:
    """What stored annotations would break under ``schema`` (a schema change).

    Every span and relation is checked against ``schema`` as :func:`check_project`
    checks them against the project's own: labels, attributes (unknown, values not
    allowed, required ones missing), actor links, relation types, endpoint labels
    and how many per source.

    Args:
        session: an open session, so the caller can check and write in one
            transaction.
        schema: the schema the annotations would have to satisfy.
        limit: how many problems to describe.

    Returns:
        The first ``limit`` problems, and how many there are in all.
    """
    report = CheckReport("")
    problems = ProblemCollector(report)
    document_ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    for offset in range(0, len(document_ids), BATCH):
        check_documents(session, schema, document_ids[offset:offset + BATCH], report,
                         problems, check_text=False)
    found = list(report.problems)
    return found[:limit], len(found) + report.omitted


# ----------------------------------------------------------------- references


def check_references(session: Session, problems: ProblemCollector) -> None:
    """Dangling references, looked for on every backend (PRAGMA above is SQLite only)."""
    checks: list[tuple[str, Any, Any, Any]] = [
        ("span", Span.id, Span.document_id, Document),
        ("span", Span.id, Span.annotator_id, Annotator),
        ("relation", Relation.id, Relation.document_id, Document),
        ("relation", Relation.id, Relation.annotator_id, Annotator),
    ]
    for kind, own_id, reference, parent in checks:
        rows = session.execute(
            select(own_id, reference).outerjoin(parent, parent.id == reference)
            .where(parent.id.is_(None))).all()
        for row_id, missing in rows:
            problems.add("ref", f"{kind} {row_id}: its {parent.__tablename__} {missing} "
                         "does not exist")
    for column in (Relation.source_id, Relation.target_id):
        rows = session.execute(
            select(Relation.id, column).outerjoin(Span, Span.id == column)
            .where(Span.id.is_(None))).all()
        for row_id, missing in rows:
            problems.add("ref", f"relation {row_id}: its span {missing} does not exist")
    rows = session.execute(
        select(Span.id, Span.entity_id).outerjoin(Entity, Entity.id == Span.entity_id)
        .where(Span.entity_id.is_not(None), Entity.id.is_(None))).all()
    for row_id, missing in rows:
        problems.add("ref", f"span {row_id}: linked actor {missing} does not exist")


def check_statuses_and_entities(session: Session, schema: Schema, report: CheckReport,
                                 problems: ProblemCollector) -> None:
    for document_id, who, status in session.execute(
            select(DocumentStatus.document_id, DocumentStatus.annotator_id,
                   DocumentStatus.status).where(DocumentStatus.status.not_in(STATUSES))):
        problems.add("status", f"document {document_id}, annotator {who}: status "
                     f"'{status}' is not one of {', '.join(STATUSES)}")
    entities = 0
    for entity_id, name, kind, raw_aliases in session.execute(
            select(Entity.id, Entity.name, Entity.kind, cast(Entity.aliases, Text))):
        entities += 1
        where = f"actor '{name}' (id {entity_id})"
        if kind not in schema.actor_kinds:
            problems.add("entity", f"{where}: kind '{kind}' is not one of "
                         f"{', '.join(schema.actor_kinds)}")
        aliases, error = _json(raw_aliases)
        if error or not isinstance(aliases, list) or \
                any(not isinstance(a, str) for a in aliases):
            problems.add("entity", f"{where}: aliases are not a list of names ({raw_aliases!r})")
        if not (name or "").strip():
            problems.add("entity", f"actor {entity_id}: has no name")
    report.counts["actors"] = entities


# ----------------------------------------------------------------- documents


def _json(raw: Any) -> tuple[Any, str | None]:
    """Decodes a JSON column read as text (PostgreSQL drivers may hand back objects)."""
    if raw is None or not isinstance(raw, str | bytes):
        return raw, None
    try:
        return json.loads(raw), None
    except ValueError as exc:
        return None, f"not valid JSON ({exc})"


def check_documents(session: Session, schema: Schema, document_ids: Sequence[int],
                    report: CheckReport, problems: ProblemCollector,
                    check_text: bool = True) -> None:
    documents = {
        row.id: row for row in session.execute(
            select(Document.id, Document.external_id, Document.text, Document.sha256)
            .where(Document.id.in_(document_ids)))
    }
    names: dict[int, str] = {}
    for document_id, row in documents.items():
        name = f"document '{row.external_id}' (id {document_id})"
        names[document_id] = name
        text = row.text if row.text is not None else ""
        if check_text and hashlib.sha256(text.encode("utf-8")).hexdigest() != row.sha256:
            problems.add("text", f"{name}: text does not match its stored SHA-256 (changed "
                         "outside Saywho?)")
    spans: dict[int, Any] = {}
    for span_row in session.execute(
            select(Span.id, Span.external_id, Span.document_id, Span.annotator_id, Span.label,
                   Span.start, Span.end, cast(Span.fragments, Text).label("fragments"),
                   cast(Span.attributes, Text).label("attributes"), Span.entity_id)
            .where(Span.document_id.in_(document_ids)).order_by(Span.id)):
        spans[span_row.id] = span_row
        document = documents.get(span_row.document_id)
        text_length = len(document.text or "") if document is not None else 0
        _check_span(span_row, schema, text_length, names.get(span_row.document_id, "?"),
                    problems)
    report.counts["spans"] = report.counts.get("spans", 0) + len(spans)
    per_source: Counter[tuple[int, str]] = Counter()
    relations = 0
    for relation_row in session.execute(
            select(Relation.id, Relation.external_id, Relation.document_id,
                   Relation.annotator_id, Relation.type, Relation.source_id,
                   Relation.target_id,
                   cast(Relation.attributes, Text).label("attributes"))
            .where(Relation.document_id.in_(document_ids)).order_by(Relation.id)):
        relations += 1
        per_source[(relation_row.source_id, relation_row.type)] += 1
        _check_relation(relation_row, schema, spans, names.get(relation_row.document_id, "?"),
                        problems)
    report.counts["relations"] = report.counts.get("relations", 0) + relations
    for (source_id, type_), count in sorted(per_source.items()):
        definition = schema.relation(type_)
        if definition is not None and definition.max_per_source is not None and \
                count > definition.max_per_source:
            source = spans.get(source_id)
            where = names.get(source.document_id, "?") if source is not None else "?"
            problems.add("relation", f"{where}: span {source_id} has {count} '{type_}' "
                         f"relations; the schema allows {definition.max_per_source}")


def _check_attribute_values(raw: Any, definitions: Sequence[AttributeDef], where: str,
                            problems: ProblemCollector) -> None:
    values, error = _json(raw)
    if error:
        problems.add("attributes", f"{where}: attributes are {error}")
        return
    if values is None:
        values = {}
    if not isinstance(values, dict):
        problems.add("attributes", f"{where}: attributes are not a mapping ({raw!r})")
        return
    known = {d.name: d for d in definitions}
    for name, value in values.items():
        definition = known.get(name)
        if definition is None:
            problems.add("attributes", f"{where}: has no attribute '{name}' in the schema")
            continue
        problem = definition.check(value)
        if problem:
            problems.add("attributes", f"{where}: {problem}")
    for definition in definitions:
        if definition.required and definition.name not in values:
            problems.add("attributes", f"{where}: required attribute '{definition.name}' "
                         "is missing")


def _check_span(row: Any, schema: Schema, text_length: int, document: str,
                problems: ProblemCollector) -> None:
    where = f"{document}: {row.label} span {row.id}"
    label = schema.label(row.label)
    if label is None:
        problems.add("span", f"{where}: label '{row.label}' is not in the schema")
    else:
        _check_attribute_values(row.attributes, label.attributes, where, problems)
        if row.entity_id is not None and not label.entity:
            problems.add("span", f"{where}: linked to an actor, but '{row.label}' spans "
                         "do not link to actors")
    fragments, error = _json(row.fragments)
    if error:
        problems.add("span", f"{where}: fragments are {error}")
        return
    if not isinstance(fragments, list) or not fragments:
        problems.add("span", f"{where}: has no fragments ({row.fragments!r})")
        return
    pairs: list[tuple[int, int]] = []
    for fragment in fragments:
        if not (isinstance(fragment, list) and len(fragment) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in fragment)):
            problems.add("span", f"{where}: fragment {fragment!r} is not a pair of offsets")
            return
        pairs.append((fragment[0], fragment[1]))
    for start, end in pairs:
        if start < 0 or end > text_length:
            problems.add("span", f"{where}: fragment {start}-{end} falls outside the text "
                         f"(length {text_length})")
        elif start >= end:
            problems.add("span", f"{where}: fragment {start}-{end} is empty or reversed")
    for (_, previous_end), (start, _) in itertools.pairwise(pairs):
        if start < previous_end:
            problems.add("span", f"{where}: fragments are not sorted and apart "
                         f"({_describe(pairs)})")
            break
    if (row.start, row.end) != (pairs[0][0], pairs[-1][1]):
        problems.add("span", f"{where}: start/end {row.start}-{row.end} do not match its "
                     f"fragments ({_describe(pairs)})")


def _describe(pairs: Sequence[tuple[int, int]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in pairs)


def _check_relation(row: Any, schema: Schema, spans: dict[int, Any], document: str,
                    problems: ProblemCollector) -> None:
    where = f"{document}: '{row.type}' relation {row.id}"
    definition = schema.relation(row.type)
    if definition is None:
        problems.add("relation", f"{where}: relation type '{row.type}' is not in the schema")
    source = spans.get(row.source_id)
    target = spans.get(row.target_id)
    for end, span in (("source", source), ("target", target)):
        span_id = row.source_id if end == "source" else row.target_id
        if span is None:
            problems.add("relation", f"{where}: its {end} span {span_id} is not in this "
                         "document")
        elif span.document_id != row.document_id:
            problems.add("relation", f"{where}: its {end} span {span_id} is in another "
                         "document")
        elif span.annotator_id != row.annotator_id:
            problems.add("relation", f"{where}: its {end} span {span_id} belongs to another "
                         "annotator")
    if source is None or target is None:
        return
    if row.source_id == row.target_id:
        problems.add("relation", f"{where}: links a span to itself")
    if definition is None:
        return
    if source.label not in definition.sources:
        problems.add("relation", f"{where}: goes from {source.label}; the schema allows "
                     f"{' or '.join(definition.sources)}")
    if target.label not in definition.targets:
        problems.add("relation", f"{where}: goes to {target.label}; the schema allows "
                     f"{' or '.join(definition.targets)}")
    _check_attribute_values(row.attributes, definition.attributes, where, problems)

