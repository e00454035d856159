"""The edit protocol: :class:`Edit`, :class:`ChangeEdit`, :class:`Compound` and :data:`UNSET`.

Every edit applies and reverts inside the caller's transaction and returns the
:class:`~storage.views.Changes` it made. :class:`ChangeEdit` holds the one
undo/conflict protocol of an edit that changes one stored row in place (a
span, a relation, an actor, a document's status), so each such edit only says
how to load, read, write and word a conflict about its row.
"""

from __future__ import annotations

import enum
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from sqlalchemy.orm import Session

from storage.errors import ConflictError
from storage.schema import Schema
from storage.views import Changes


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


Row = TypeVar("Row")
"""What a :class:`ChangeEdit` changes: an ORM row, or a small value naming it."""


@dataclass
class ChangeEdit(Edit, Generic[Row]):
    """An edit that changes one stored row in place, with one undo/conflict protocol.

    ``apply`` reads the row's state, refuses a redo when the row is no longer as
    the undo left it (and a first apply when ``expected_version`` is stale),
    writes the wanted state and remembers the state before and after; ``revert``
    refuses when the row is no longer as apply left it, then writes the state
    before back. Subclasses say how to load the row, read its state, word a
    conflict, and write a state (:meth:`_write` validates); a row that is not
    changed in place says how to read it again after a write (:meth:`_reread`).

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

    @abstractmethod
    def _state(self, row: Row) -> dict[str, Any]:
        """The row as a user sees it: what an undo or redo must find unchanged."""

    def _version(self, row: Row) -> int | None:
        """The row's version for the ``expected_version`` check (None: not versioned).

        Spans and actors carry a ``version`` column; relations and statuses do not.
        """
        version = getattr(row, "version", None)
        return version if isinstance(version, int) else None

    def _same(self, state: dict[str, Any], known: dict[str, Any]) -> bool:
        """Whether the row's ``state`` is still the ``known`` one (an undo or redo may go on)."""
        return state == known

    def _reread(self, session: Session, row: Row) -> Row:
        """The row after :meth:`_write` (an ORM row is changed in place: itself)."""
        return row

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
            if not self._same(current, self.undone):
                raise self._conflict(session, schema, row, self.undone)
        elif self.expected_version is not None and \
                self._version(row) != self.expected_version:
            raise self._conflict(session, schema, row, None)
        changes = self._write(session, schema, row, self._wanted(row, current))
        self.before = current
        self.after = self._state(self._reread(session, row))
        return changes

    def revert(self, session: Session, schema: Schema) -> Changes:
        assert self.before is not None and self.after is not None
        row = self._load(session)
        if not self._same(self._state(row), self.after):
            raise self._conflict(session, schema, row, self.after)
        changes = self._write(session, schema, row, self.before)
        self.undone = self._state(self._reread(session, row))
        return changes


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
