"""What the comparison view's keys do (declared in :data:`gui.actions.COMPARISON_ACTIONS`).

Each handler asks the core what the step means (:mod:`storage.adjudication`:
:func:`~storage.adjudication.take_version`, :func:`~storage.adjudication.reject_step`,
:func:`~storage.adjudication.unanimous_edit`...), applies the edit through the
window's undo adapter and says what happened in the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gui.comparison_dialogs import AttributeDialog, NewGoldSpanDialog
from gui.comparison_model import GroupRow, short
from storage.adjudication import (
    SpanGroup,
    Step,
    gold_attributes_step,
    reject_step,
    take_version,
    unanimous_edit,
)
from storage.edits import AddSpan, Edit, SetStatus
from storage.errors import SaywhoError
from storage.vocabulary import Status

if TYPE_CHECKING:
    from gui.comparison import ComparisonWindow

__all__ = ["AdjudicationKeys"]


class AdjudicationKeys:
    """The handlers of one comparison window's keys (1–9, A, R, E, N, D)."""

    def __init__(self, window: ComparisonWindow) -> None:
        self.window = window

    # ------------------------------------------------------------- helpers

    def _message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _perform(self, edit: Edit, text: str) -> bool:
        document = self.window.document
        assert document is not None
        return self.window.controller.perform(edit, text, document.id) is not None

    def _run(self, step: Step) -> bool:
        """Applies a step (or says why there is none); True when it was stored."""
        if step.edit is None:
            self._message(step.message)
            return False
        if self._perform(step.edit, step.text):
            self._message(step.message)
            return True
        return False

    def _advance(self) -> None:
        window = self.window
        row = window.table.currentIndex().row()
        if 0 <= row < window.model.total_rows() - 1:
            window.select_row(row + 1)

    # ------------------------------------------------------------- keys

    def accept_version(self, number: int) -> None:
        """Takes annotator ``number``'s (1-based) version of the selected group into gold."""
        window = self.window
        group = window.selected_group()
        names = window.annotators()
        if group is None or window.comparison is None:
            self._message("Nothing selected.")
            return
        if not 1 <= number <= len(names):
            self._message(f"There is no annotator {number} here "
                          f"(this document has {len(names)}).")
            return
        step = take_version(window.project, window.comparison, group, names[number - 1],
                            window.curator)
        if self._run(step):
            self._advance()

    def accept_all_unanimous(self) -> None:
        """Accepts every unanimous span and relation of the document as one undo step."""
        window = self.window
        assert window.document is not None
        try:
            edit = unanimous_edit(window.project, window.document.id, window.annotators(),
                                  window.curator, window.whole_comparison())
        except SaywhoError as exc:
            self._message(str(exc))
            return
        if edit is None:
            self._message("Nothing unanimous is left to accept.")
            return
        count = len(getattr(edit, "edits", []))
        if self._perform(edit, "accept unanimous annotations"):
            self._message(f"Accepted {count} unanimous annotations into gold.")

    def reject_selected(self) -> None:
        """Removes the selected group's gold span (with its relations) or gold relation."""
        group = self.window.selected_group()
        if group is not None and self._run(reject_step(group)):
            self._advance()

    def edit_selected(self) -> AttributeDialog | None:
        """Opens the attribute editor of the selected group's gold span or relation."""
        window = self.window
        group = window.selected_group()
        if group is None:
            return None
        if group.row_gold is None:
            self._message(gold_attributes_step(group, {}).message)
            return None
        schema = window.project.schema
        if isinstance(group, SpanGroup):
            label_def = schema.label(group.label)
            definitions = label_def.attributes if label_def else ()
            title = f"Gold {group.label}: “{short(window.model.covered(group.key), 50)}”"
        else:
            relation_def = schema.relation(group.key[0])
            definitions = relation_def.attributes if relation_def else ()
            title = f"Gold {group.key[0]} relation"
        if not definitions:
            self._message(f"{title} has no attributes to edit.")
            return None
        dialog = AttributeDialog(title, definitions, dict(group.row_gold.attributes), window)
        dialog.setObjectName("gold-attributes")
        dialog.accepted.connect(lambda: self._on_attributes_accepted(group, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_attributes_accepted(self, group: GroupRow, dialog: AttributeDialog) -> None:
        self._run(gold_attributes_step(group, dialog.values()))

    def selected_text_range(self) -> tuple[int, int] | None:
        """The text view's selection in code points (snapped to words), without blanks."""
        window = self.window
        selected = window.text_view.selected_range()
        if selected is None or window.document is None:
            return None
        start, end = selected
        text = window.document.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def new_gold_span(self) -> NewGoldSpanDialog | None:
        """Opens the label chooser for a new gold span over the text selection."""
        window = self.window
        selected = self.selected_text_range()
        if selected is None or window.document is None:
            self._message("Select some text in the document first, then press N.")
            return None
        group = window.selected_group()
        label = group.label if isinstance(group, SpanGroup) else None
        covered = window.document.text[selected[0]:selected[1]]
        dialog = NewGoldSpanDialog(window.project, covered, label, window)
        dialog.setObjectName("new-gold-span")
        dialog.accepted.connect(lambda: self._on_new_span_accepted(selected, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_new_span_accepted(self, selected: tuple[int, int],
                              dialog: NewGoldSpanDialog) -> None:
        window = self.window
        assert window.document is not None
        label = dialog.label()
        edit = AddSpan(window.document.id, window.curator, label, [selected], dialog.values())
        if self._perform(edit, f"new gold {label}"):
            self._message(f"Added a gold {label} at {selected[0]}–{selected[1]}.")

    def toggle_gold_done(self) -> None:
        """Marks the document's gold layer done, or back in progress when it was."""
        window = self.window
        assert window.document is not None
        done = window.project.status(window.document.id, window.curator) == Status.DONE
        status = Status.IN_PROGRESS if done else Status.DONE
        if self._perform(SetStatus(window.document.id, window.curator, status),
                         f"gold {status.replace('_', ' ')}"):
            self._message(f"Gold layer of this document: {status.replace('_', ' ')}.")
