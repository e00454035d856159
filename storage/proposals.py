"""The proposals layer: what suggesters proposed for a document, and the decisions on it.

Suggesters never write into an annotator's layer. Their spans and relations are
stored here (:func:`store_proposals`, one call per document inside the caller's
transaction), each proposal ``open`` until an annotator accepts or rejects it.

A decision is kept per document by label and fragments: a proposal accepted or
rejected once is never proposed again for that document, whatever a later run of
a suggester says. Accepting is an ordinary undoable edit (:class:`AcceptProposals`):
one edit stores the span(s) and their relations in the annotator's layer and marks
the proposals accepted; undo takes back both. Rejecting (:class:`RejectProposals`)
is undoable too.

Proposals arrive as :class:`storage.records.ProposedSpan` and
:class:`~storage.records.ProposedRelation`, the records the suggesters build
(``suggest.base`` uses them), so storage never imports the suggesters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.edits import (
    AddRelation,
    AddSpan,
    Edit,
    _span_twins,
    annotator_id,
    check_fragments,
    stored,
)
from storage.errors import ConflictError, NotFoundError, ValidationError
from storage.models import (
    PROPOSAL_STATES,
    Annotator,
    Document,
    Proposal,
    ProposalLink,
    Relation,
    Span,
    utcnow,
)
from storage.records import FragmentBounds, ProposedRelation, ProposedSpan
from storage.schema import Schema
from storage.views import Changes


@dataclass(frozen=True)
class ProposalView(FragmentBounds):
    """A stored proposal, safe to hand to another thread."""

    id: int
    document_id: int
    suggester: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    attributes: dict[str, Any]
    confidence: float
    explanation: str
    state: str = "open"
    decided_by: str | None = None
    decided_at: datetime | None = None
    span_id: int | None = None


@dataclass(frozen=True)
class ProposalLinkView:
    """A stored proposed relation: to another proposal or to a stored span."""

    id: int
    type: str
    source_id: int
    target_proposal_id: int | None
    target_span_id: int | None
    confidence: float
    explanation: str


@dataclass
class StoreReport:
    """What :func:`store_proposals` did for one document."""

    added: int = 0
    """Proposals stored for the first time."""
    kept: int = 0
    """Open proposals proposed again: their confidence and explanation are updated."""
    removed: int = 0
    """Open proposals no longer proposed: deleted."""
    already_decided: int = 0
    """Proposals an annotator already accepted or rejected: left as they were."""
    links: int = 0
    """Proposed relations stored (each run stores its open proposals' links anew)."""


def fragments_key(fragments: Iterable[Sequence[int]]) -> str:
    """The fragments as a short text, the decision key with the document and the label."""
    return ",".join(f"{int(a)}-{int(b)}" for a, b in fragments)


def store_proposals(session: Session, schema: Schema, document_id: int, suggester: str,
                    spans: Sequence[ProposedSpan],
                    relations: Sequence[ProposedRelation] = ()) -> StoreReport:
    """Replaces the document's open proposals with these (inside the caller's transaction).

    An open proposal proposed again keeps its id; one not proposed any more is
    removed; a proposal with the label and fragments of one already accepted or
    rejected is not stored (decided proposals are never proposed again).
    Labels and relation types outside the schema, and fragments outside the text,
    are dropped.

    Raises:
        NotFoundError: the document does not exist.
    """
    document = stored(session, Document, document_id)
    report = StoreReport()
    existing = {(row.label, row.fragments_key): row for row in session.scalars(
        select(Proposal).where(Proposal.document_id == document_id))}
    labels = set(schema.label_names)
    by_key: dict[str, Proposal] = {}
    wanted: set[int] = set()
    for span in spans:
        if span.label not in labels:
            continue
        try:
            fragments = check_fragments([list(f) for f in span.fragments], len(document.text),
                                        f"proposed {span.label}")
        except ValidationError:
            continue
        key = fragments_key(fragments)
        row = existing.get((span.label, key))
        if row is not None and row.state != "open":
            report.already_decided += 1
            continue
        values = {"suggester": suggester, "attributes": _plain(span.attributes),
                  "confidence": float(span.confidence), "explanation": span.explanation}
        if row is None:
            row = Proposal(document_id=document_id, label=span.label, start=fragments[0][0],
                           end=fragments[-1][1], fragments=[list(f) for f in fragments],
                           fragments_key=key, state="open", **values)
            session.add(row)
            existing[(span.label, key)] = row
            report.added += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            report.kept += 1
        by_key[span.key] = row
    session.flush()
    wanted = {row.id for row in by_key.values()}
    stale = [row.id for row in existing.values() if row.state == "open" and row.id not in wanted]
    if stale:
        session.execute(delete(Proposal).where(Proposal.id.in_(stale)),
                        execution_options={"synchronize_session": False})
        report.removed = len(stale)
    open_ids = [row.id for row in by_key.values()]
    if open_ids:
        session.execute(delete(ProposalLink).where(ProposalLink.source_id.in_(open_ids)),
                        execution_options={"synchronize_session": False})
    relation_types = {r.name for r in schema.relations}
    for relation in relations:
        source = by_key.get(relation.source)
        if source is None or relation.type not in relation_types:
            continue
        target_proposal: int | None = None
        target_span: int | None = None
        if isinstance(relation.target, int):
            found = session.get(Span, relation.target)
            if found is None or found.document_id != document_id:
                continue
            target_span = found.id
        else:
            target = by_key.get(relation.target)
            if target is None:
                continue
            target_proposal = target.id
        session.add(ProposalLink(document_id=document_id, type=relation.type,
                                 source_id=source.id, target_proposal_id=target_proposal,
                                 target_span_id=target_span,
                                 confidence=float(relation.confidence),
                                 explanation=relation.explanation))
        report.links += 1
    session.flush()
    return report


def _plain(values: Mapping[str, object]) -> dict[str, Any]:
    return {str(k): v for k, v in values.items() if isinstance(v, (str, int, float, bool))}


def _view(row: Proposal, names: Mapping[int, str]) -> ProposalView:
    return ProposalView(row.id, row.document_id, row.suggester, row.label,
                        tuple((int(a), int(b)) for a, b in row.fragments),
                        dict(row.attributes or {}), float(row.confidence), row.explanation,
                        row.state, names.get(row.decided_by) if row.decided_by else None,
                        row.decided_at, row.span_id)


def read_proposals(session: Session, document_id: int | None = None,
                   states: Sequence[str] | None = ("open",)) -> list[ProposalView]:
    """Proposals of one document (or all), in text order; ``states`` None: every state."""
    query = select(Proposal)
    if document_id is not None:
        query = query.where(Proposal.document_id == document_id)
    if states is not None:
        query = query.where(Proposal.state.in_(list(states)))
    names = dict(session.execute(select(Annotator.id, Annotator.name)).all())
    rows = session.scalars(query.order_by(Proposal.document_id, Proposal.start, Proposal.end,
                                          Proposal.id))
    return [_view(row, names) for row in rows]


def read_links(session: Session, document_id: int) -> list[ProposalLinkView]:
    """The proposed relations of a document."""
    rows = session.scalars(select(ProposalLink).where(ProposalLink.document_id == document_id)
                           .order_by(ProposalLink.id))
    return [ProposalLinkView(r.id, r.type, r.source_id, r.target_proposal_id, r.target_span_id,
                             float(r.confidence), r.explanation) for r in rows]


def _attributes_for(schema: Schema, label: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal's attributes the schema's label accepts (a suggester may know more)."""
    label_def = schema.label(label)
    if label_def is None:
        return {}
    result = {}
    for name, value in values.items():
        definition = label_def.attribute(name)
        if definition is not None and definition.check(value) is None:
            result[name] = value
    return result


def _open_rows(session: Session, document_id: int, ids: Iterable[int]) -> list[Proposal]:
    rows = []
    for proposal_id in ids:
        row = session.get(Proposal, proposal_id)
        if row is None or row.document_id != document_id:
            raise NotFoundError(f"proposal {proposal_id} does not exist (replaced by a new "
                                "run of the suggesters?)")
        if row.state != "open":
            raise ConflictError(f"this {row.label} proposal was {row.state} meanwhile; "
                                "the view has been reloaded")
        rows.append(row)
    return rows


def _decide(session: Session, rows: Sequence[Proposal], state: str, who: int | None,
            spans: Mapping[int, int] | None = None) -> None:
    when = utcnow() if state != "open" else None
    for row in rows:
        row.state = state
        row.decided_by = who
        row.decided_at = when
        row.span_id = spans.get(row.id) if spans is not None else None
    session.flush()


@dataclass
class AcceptProposals(Edit):
    """Accepts proposals: their spans and relations go into the annotator's layer.

    With ``follow_links`` the open proposals they link to come along (a Quote
    with its speaker and its cue in one step). A proposal identical to a span
    already in the layer is linked to that span instead of doubled. A proposed
    relation the schema refuses there (a Quote that has its speaker already) is
    left out. Undo takes back the spans and relations it stored and opens the
    proposals again; redo stores them with the same ids.
    """

    document_id: int
    annotator: str
    proposal_ids: Sequence[int]
    follow_links: bool = True
    steps: list[Edit] | None = None
    accepted: dict[int, int] = field(default_factory=dict)  # proposal id -> span id
    text = "accept suggestion"

    def _closure(self, session: Session) -> list[Proposal]:
        chosen = list(dict.fromkeys(self.proposal_ids))
        rows = _open_rows(session, self.document_id, chosen)
        if not self.follow_links:
            return rows
        seen = {row.id for row in rows}
        frontier = list(seen)
        while frontier:
            targets = session.scalars(select(ProposalLink.target_proposal_id).where(
                ProposalLink.source_id.in_(frontier),
                ProposalLink.target_proposal_id.is_not(None)))
            frontier = []
            for target_id in targets:
                if target_id is None or target_id in seen:
                    continue
                row = session.get(Proposal, target_id)
                if row is not None and row.state == "open":
                    seen.add(target_id)
                    frontier.append(target_id)
                    rows.append(row)
        return rows

    def _plan(self, session: Session, schema: Schema) -> Changes:
        rows = self._closure(session)
        who = annotator_id(session, self.annotator)
        changes = Changes(documents={self.document_id})
        steps: list[Edit] = []
        span_of: dict[int, int] = {}
        for row in sorted(rows, key=lambda r: (r.start, r.end, r.id)):
            twins = _span_twins(session, self.document_id, who, row.label, row.fragments)
            if twins:
                span_of[row.id] = twins[0]
                continue
            add = AddSpan(self.document_id, self.annotator, row.label,
                          [list(f) for f in row.fragments],
                          _attributes_for(schema, row.label, row.attributes or {}))
            changes.merge(add.apply(session, schema))
            assert add.span_id is not None
            span_of[row.id] = add.span_id
            steps.append(add)
        ids = [row.id for row in rows]
        links = session.scalars(select(ProposalLink).where(ProposalLink.source_id.in_(ids))
                                .order_by(ProposalLink.id))
        for link in links:
            source = span_of[link.source_id]
            target = self._target(session, link, span_of, who)
            if target is None or self._refused(session, schema, link.type, source, target):
                continue
            relate = AddRelation(link.type, source, target)
            changes.merge(relate.apply(session, schema))
            steps.append(relate)
        self.steps = steps
        self.accepted = span_of
        _decide(session, rows, "accepted", who, span_of)
        return changes

    @staticmethod
    def _target(session: Session, link: ProposalLink, span_of: Mapping[int, int],
                who: int) -> int | None:
        if link.target_proposal_id is not None:
            if link.target_proposal_id in span_of:
                return span_of[link.target_proposal_id]
            target_row = session.get(Proposal, link.target_proposal_id)
            candidate = target_row.span_id if target_row is not None else None
        else:
            candidate = link.target_span_id
        if candidate is None:
            return None
        span = session.get(Span, candidate)
        return candidate if span is not None and span.annotator_id == who else None

    @staticmethod
    def _refused(session: Session, schema: Schema, type_: str, source: int,
                 target: int) -> bool:
        if source == target:
            return True
        if session.scalar(select(func.count()).where(
                Relation.type == type_, Relation.source_id == source,
                Relation.target_id == target)):
            return True
        definition = schema.relation(type_)
        if definition is None:
            return True
        source_row, target_row = session.get(Span, source), session.get(Span, target)
        if source_row is None or target_row is None or \
                source_row.label not in definition.sources or \
                target_row.label not in definition.targets:
            return True
        if definition.max_per_source is not None:
            count = session.scalar(select(func.count()).where(
                Relation.type == type_, Relation.source_id == source)) or 0
            return count >= definition.max_per_source
        return False

    def apply(self, session: Session, schema: Schema) -> Changes:
        if self.steps is None:
            return self._plan(session, schema)
        rows = _open_rows(session, self.document_id, self.accepted)  # a redo
        changes = Changes(documents={self.document_id})
        for step in self.steps:
            changes.merge(step.apply(session, schema))
        _decide(session, rows, "accepted", annotator_id(session, self.annotator), self.accepted)
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.steps is not None
        rows = []
        for proposal_id, span_id in self.accepted.items():
            row = session.get(Proposal, proposal_id)
            if row is None:
                raise NotFoundError(f"proposal {proposal_id} does not exist any more")
            if row.state != "accepted" or row.span_id != span_id:
                raise ConflictError(f"this {row.label} proposal was changed by someone else "
                                    "meanwhile; the view has been reloaded")
            rows.append(row)
        changes = Changes(documents={self.document_id})
        for step in reversed(self.steps):
            changes.merge(step.revert(session, schema))
        _decide(session, rows, "open", None)
        return changes


@dataclass
class RejectProposals(Edit):
    """Rejects proposals: never proposed again for the document. Undo opens them again."""

    document_id: int
    annotator: str
    proposal_ids: Sequence[int]
    text = "reject suggestion"

    def apply(self, session: Session, schema: Schema) -> Changes:
        rows = _open_rows(session, self.document_id, dict.fromkeys(self.proposal_ids))
        _decide(session, rows, "rejected", annotator_id(session, self.annotator))
        return Changes(documents={self.document_id})

    def revert(self, session: Session, schema: Schema) -> Changes:
        rows = []
        for proposal_id in dict.fromkeys(self.proposal_ids):
            row = session.get(Proposal, proposal_id)
            if row is None or row.state != "rejected":
                raise ConflictError("this rejected proposal was changed by someone else "
                                    "meanwhile; the view has been reloaded")
            rows.append(row)
        _decide(session, rows, "open", None)
        return Changes(documents={self.document_id})


__all__ = [
    "PROPOSAL_STATES", "AcceptProposals", "ProposalLinkView", "ProposalView",
    "RejectProposals", "StoreReport", "fragments_key", "read_links", "read_proposals",
    "store_proposals",
]
