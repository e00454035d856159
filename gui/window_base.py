"""The main window's state and the helpers every part of it uses.

The annotation window is one class, :class:`gui.main_window.MainWindow`, assembled
from parts along its seams, each a module with a class deriving from the one before
(a part calls only what it or the parts before it define, so mypy checks every call):

- :mod:`gui.window_base`: the state (declared here), status messages, ``perform``;
- :mod:`gui.window_documents`: opening and switching documents (a long one a screen
  first, see :mod:`gui.layer_loading`), statuses, the document list, annotators;
- :mod:`gui.window_relations`: relation keys, mark-and-link, the target picker;
- :mod:`gui.window_editing`: span keys, boundaries, actors, and the refresh after
  every edit from its change record;
- :mod:`gui.window_project`: projects, import and export, help, and the actions,
  menus and toolbar built from :mod:`gui.actions`;
- :mod:`gui.main_window`: the widgets, settings, view signals, the View menu and the
  Qt overrides.
"""

from __future__ import annotations

import collections

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QWidget,
)

from gui import actions as action_table
from gui.actors import ActorRegistry
from gui.annotation_table import AnnotationTable
from gui.dialogs.relation_picker import RelationPicker
from gui.document_list import DocumentList
from gui.layer_loading import DeferredRelease, LayerLoader
from gui.proposals import ProposalController
from gui.schema_panel import SchemaPanel
from gui.text_view import ArticleView
from gui.theme import ICONS
from gui.undo import EditController
from storage.edits import (
    AddRelation,
    AddSpan,
    DeleteRelation,
    DeleteSpan,
    Edit,
    MarkAndLink,
    UpdateSpan,
)
from storage.operations import annotation_steps
from storage.project import Project
from storage.views import DocumentView, EntityView, RelationView, SpanView

SPAN_EDITS = (AddSpan, UpdateSpan, DeleteSpan, AddRelation, DeleteRelation, MarkAndLink)


def with_article(noun: str) -> str:
    """“an Actor”, “a Quote”: the indefinite article by the noun's first letter."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


class WindowBase(QMainWindow):
    """What every part of the main window holds (set up by MainWindow) and shares."""

    persist: bool  # False: leave the UI settings alone (screenshots)
    project: Project
    annotator: str
    settings: QSettings
    document: DocumentView | None
    spans: dict[int, SpanView]  # the open layer's, by id (what has been read of it)
    _label_counts: collections.Counter[str]  # of self.spans
    relations: dict[int, RelationView]  # the open layer's, by id
    entities: dict[int, EntityView]  # the actor registry, refreshed in place
    readonly_annotators: list[str]
    readonly_spans: dict[int, SpanView]
    pick: tuple[str, int] | None  # (relation type, source span id)
    _hint: str | None  # the status message telling what to do next
    # by id; shadows QWidget.actions(), which this window does not use
    actions: dict[str, QAction]  # type: ignore[assignment]
    definitions: list[action_table.ActionDef]
    menus: dict[str, QMenu]
    recent_menu: QMenu
    toolbar: QToolBar
    controller: EditController
    layer: LayerLoader
    released: DeferredRelease
    proposals: ProposalController
    view: ArticleView
    header: QWidget
    title_label: QLabel
    meta_label: QLabel
    picker: RelationPicker
    document_list: DocumentList
    documents_dock: QDockWidget
    schema_panel: SchemaPanel
    schema_dock: QDockWidget
    annotation_table: AnnotationTable
    table_dock: QDockWidget
    actor_registry: ActorRegistry
    actors_dock: QDockWidget
    annotator_label: QLabel
    position_label: QLabel
    saved_label: QLabel

    def _icon(self, name: str | None) -> QIcon:
        return action_table.standard_icon(self, name, ICONS)

    @property
    def selected_span(self) -> SpanView | None:
        span_id = self.view.selected_span_id
        return self.spans.get(span_id) if span_id is not None else None

    def perform(self, edit: Edit, text: str | None = None,
                document_id: int | None = None) -> bool:
        """Stores one edit (undoable); the first annotation marks a new document in progress."""
        if document_id is None and self.document is not None and isinstance(edit, SPAN_EDITS):
            document_id = self.document.id
        if document_id is not None:
            steps = annotation_steps(self.project, document_id, self.annotator, edit)
            if len(steps) > 1:
                return self.controller.perform_steps(list(steps), text or edit.text,
                                                     document_id) is not None
        return self.controller.perform(edit, text, document_id) is not None

    def _require_span(self, what: str) -> SpanView | None:
        span = self.selected_span
        if span is None:
            self._status(f"Select a span first ({what}): click it, Tab at the cursor, or pick "
                         "a row in the annotation table.", hint=True)
        return span

    def _label_key(self, label: str) -> str:
        definition = self.project.schema.label(label)
        return definition.key.upper() if definition is not None and definition.key else label

    def _clear_text_selection(self) -> None:
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)

    def _cancel_pick(self) -> None:
        if self.pick is not None:
            self.statusBar().clearMessage()
        self.pick = None
        self.picker.close_picker()

    def _entity_label(self) -> str | None:
        for label in self.project.schema.labels:
            if label.entity:
                return label.name
        return None

    def _annotator_id(self) -> int | None:
        if not hasattr(self, "_annotator_ids"):
            self._annotator_ids: dict[str, int | None] = {}
        if self.annotator not in self._annotator_ids:
            self._annotator_ids[self.annotator] = self.project.annotator_id(self.annotator)
        return self._annotator_ids[self.annotator]

    def _on_edit_refused(self, message: str) -> None:
        self._status(f"Not stored: {message}", error=True)
        QApplication.beep()

    def _on_saved(self, message: str) -> None:
        self.saved_label.setText(message)

    def _status(self, message: str, error: bool = False, hint: bool = False) -> None:
        """Shows a message; a *hint* (what to do next) goes as soon as the user acts."""
        self.statusBar().showMessage(message, 12000 if error else 6000)
        self.statusBar().setProperty("error", error)
        self._hint = message if hint else None

    def _clear_hint(self) -> None:
        if self._hint and self.statusBar().currentMessage() == self._hint:
            self.statusBar().clearMessage()
        self._hint = None
