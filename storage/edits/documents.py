"""Edits of a document's workflow: an annotator's status of it, and assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from storage.edits.base import ChangeEdit, Edit
from storage.edits.checks import annotator_id, load_document
from storage.edits.conflicts import shorten
from storage.errors import ConflictError, ValidationError
from storage.models import (
    STATUSES,
    Assignment,
    DocumentStatus,
    Status,
    utcnow,
)
from storage.schema import Schema
from storage.views import Changes


class StoredStatus(NamedTuple):
    """What :class:`SetStatus` changes: one annotator's stored status of a document."""

    annotator_id: int
    status: str | None  # None: no row (the document is new to this annotator)


@dataclass
class SetStatus(ChangeEdit[StoredStatus]):
    """Sets one annotator's status of a document; undo and redo refuse a colleague's newer one.

    A status never stored counts as ``new``: taking back a first status removes
    the row again, and a colleague's explicit ``new`` meanwhile is no conflict.
    """

    document_id: int
    annotator: str
    status: str
    text = "set status"

    def apply(self, session: Session, schema: Schema) -> Changes:
        if self.status not in STATUSES:
            raise ValidationError(f"status '{self.status}' is not one of {', '.join(STATUSES)}")
        load_document(session, self.document_id)
        return super().apply(session, schema)

    def _load(self, session: Session) -> StoredStatus:
        who = annotator_id(session, self.annotator)
        row = session.get(DocumentStatus, (self.document_id, who), with_for_update=True)
        return StoredStatus(who, row.status if row is not None else None)

    def _reread(self, session: Session, row: StoredStatus) -> StoredStatus:
        stored = session.get(DocumentStatus, (self.document_id, row.annotator_id))
        return row._replace(status=stored.status if stored is not None else None)

    def _state(self, row: StoredStatus) -> dict[str, Any]:
        return {"status": row.status}

    def _same(self, state: dict[str, Any], known: dict[str, Any]) -> bool:
        return (state["status"] or Status.NEW) == (known["status"] or Status.NEW)

    def _wanted(self, row: StoredStatus, current: dict[str, Any]) -> dict[str, Any]:
        return {"status": self.status}

    def _conflict(self, session: Session, schema: Schema, row: StoredStatus,
                  known: dict[str, Any] | None) -> ConflictError:
        document = load_document(session, self.document_id)
        return ConflictError(
            f"the status of '{shorten(document.title)}' for {self.annotator} was changed by "
            f"someone else meanwhile (now: {(row.status or 'new').replace('_', ' ')}); the view "
            "has been reloaded"
        )

    def _write(self, session: Session, schema: Schema, row: StoredStatus,
               state: dict[str, Any]) -> Changes:
        status: str | None = state["status"]
        stored = session.get(DocumentStatus, (self.document_id, row.annotator_id))
        if status is None:
            if stored is not None:
                session.delete(stored)
        elif stored is None:
            session.add(DocumentStatus(document_id=self.document_id,
                                       annotator_id=row.annotator_id, status=status))
        else:
            stored.status = status
            stored.updated_at = utcnow()
        session.flush()
        return Changes(documents={self.document_id},
                       statuses_changed=[(self.document_id, row.annotator_id)])


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
            load_document(session, document_id)
            exists = session.get(Assignment, (document_id, who)) is not None
            if exists != self.assigned:
                self.changed.append(document_id)
        return self._set(session, self.changed, self.assigned)

    def revert(self, session: Session, schema: Schema) -> Changes:
        return self._set(session, self.changed, not self.assigned)
