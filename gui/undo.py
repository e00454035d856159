"""The Qt adapter of the storage edits: one QUndoStack for every edit.

Edits are Qt-free objects (:mod:`storage.edits`) that know how to apply and
revert themselves. :class:`EditController` applies an edit *before* pushing
it, so a refusal from storage (a second speaker, a conflict) is reported and
nothing lands on the stack. Undo and redo re-run the same edit object, which
keeps its ids; an undo or redo refused because a colleague changed the same
object meanwhile is reported, announced as a conflict (the window reloads) and
dropped from the stack. Every stored change is announced through :attr:`changed`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from storage.edits import Compound, Edit
from storage.errors import ConflictError, NotFoundError, SaywhoError
from storage.project import Project
from storage.views import Changes


class EditCommand(QUndoCommand):
    """One stored edit on the undo stack."""

    def __init__(self, controller: EditController, edit: Edit, text: str,
                 document_id: int | None) -> None:
        super().__init__(text)
        self.controller = controller
        self.edit = edit
        self.document_id = document_id
        self._applied = True  # pushed after a successful apply

    def redo(self) -> None:
        if self._applied:
            return
        self.controller._run(self, redo=True)

    def undo(self) -> None:
        self.controller._run(self, redo=False)


class EditController(QObject):
    """Applies edits to the project, records them for undo, announces changes.

    Signals:
        changed(Changes, int|None): after any stored change (apply, undo, redo),
            with the document the edit belongs to.
        refused(str): storage refused an edit, an undo or a redo.
        conflicted(str): the refusal was because someone else changed or removed
            what the edit touches: the window reloads what it shows.
        saved(str): a human-readable "saved" message after each stored edit, and
            a "not saved" one when an edit failed unexpectedly (the error itself
            then goes on to the application's error dialog).
    """

    changed = Signal(object, object)
    refused = Signal(str)
    conflicted = Signal(str)
    saved = Signal(str)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.stack = QUndoStack(self)
        self.before_document: Callable[[int], None] | None = None

    def _refuse(self, exc: SaywhoError, message: str | None = None) -> None:
        self.refused.emit(message or str(exc))
        if isinstance(exc, (ConflictError, NotFoundError)):
            self.conflicted.emit(message or str(exc))

    def _not_saved(self, text: str) -> None:
        self.saved.emit(f"Not saved: {text}")

    def perform(self, edit: Edit, text: str | None = None,
                document_id: int | None = None) -> Changes | None:
        """Applies ``edit`` and pushes it; returns the changes, or None if refused."""
        try:
            changes = self.project.apply(edit)
        except SaywhoError as exc:
            self._refuse(exc)
            return None
        except Exception:
            self._not_saved(text or edit.text)
            raise
        command = EditCommand(self, edit, text or edit.text, document_id)
        self.stack.push(command)
        command._applied = False
        self.changed.emit(changes, document_id)
        self.saved.emit("All changes saved")
        return changes

    def perform_steps(self, steps: Sequence[Edit | Callable[[], Edit]], text: str,
                      document_id: int | None = None) -> Changes | None:
        """Applies several edits as one undo step; a step may be built from earlier ones.

        Each step is stored in its own transaction as it comes (a callable step is
        called only after the previous ones were applied, so it can use their new
        ids). If one is refused, the steps already applied are reverted and nothing
        lands on the stack. Undo and redo then treat all steps as one Compound.
        """
        applied: list[Edit] = []
        changes = Changes()
        try:
            for step in steps:
                edit = step() if callable(step) and not isinstance(step, Edit) else step
                assert isinstance(edit, Edit)
                changes.merge(self.project.apply(edit))
                applied.append(edit)
        except Exception as exc:
            # all or nothing: take back the steps already stored
            problem = self._take_back(applied)
            if applied:
                self.changed.emit(changes, document_id)
            if not isinstance(exc, SaywhoError):
                self._not_saved(text)
                raise
            self._refuse(SaywhoError(f"{exc}; and cannot take back a step: {problem}")
                         if problem else exc)
            return None
        command = EditCommand(self, Compound(applied, text=text), text, document_id)
        self.stack.push(command)
        command._applied = False
        self.changed.emit(changes, document_id)
        self.saved.emit("All changes saved")
        return changes

    def _take_back(self, applied: Sequence[Edit]) -> str | None:
        """Reverts ``applied`` newest first; returns why a step could not be, if one could not."""
        for edit in reversed(applied):
            try:
                self.project.revert(edit)
            except Exception as exc:  # pragma: no cover - storage broke mid-way
                return str(exc)
        return None

    def clear(self) -> None:
        self.stack.clear()

    def _run(self, command: EditCommand, redo: bool) -> None:
        if command.document_id is not None and self.before_document is not None:
            self.before_document(command.document_id)
        try:
            if redo:
                changes = self.project.apply(command.edit)
            else:
                changes = self.project.revert(command.edit)
        except SaywhoError as exc:
            verb = "redo" if redo else "undo"
            # the stack moved past a command that did not run: drop it
            command.setObsolete(True)
            # a colleague's change refused it: conflicted makes the window reload
            self._refuse(exc, f"Cannot {verb} “{command.text()}”: {exc}")
            return
        except Exception:
            command.setObsolete(True)
            self._not_saved(("Redo " if redo else "Undo ") + command.text())
            raise
        self.changed.emit(changes, command.document_id)
        self.saved.emit("All changes saved")
