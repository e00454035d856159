"""The annotation workbench: documents, the article, the schema panel, the tables.

Keyboard first: select text, press a label's key; select a span, press a
relation's key and pick the target; every action has a key (F1 lists them,
all declared in :mod:`gui.actions`). Every edit is stored the moment it is
made and goes through one undo stack (:mod:`gui.undo`), across documents.

Document status: opening a document does not change its status; the first
annotation stored in a *new* document marks it *in progress* (in the same
undo step). Ctrl+D marks it done, Ctrl+PgDown goes to the next unfinished one.

The window is assembled from parts, one module each (see :mod:`gui.window_base`);
this module builds the widgets and holds the settings, the view's signals, the
View menu and the Qt overrides.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QSettings, QSize, Qt, QTimer, SignalInstance
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QStatusBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from gui import preferences as prefs
from gui.actors import ActorRegistry
from gui.annotation_table import AnnotationTable
from gui.dialogs.layout import stack
from gui.dialogs.relation_picker import RelationPicker
from gui.document_list import DocumentList
from gui.layer_loading import DeferredRelease, LayerLoader
from gui.proposals import ProposalController
from gui.schema_panel import SchemaPanel
from gui.text_view import ArticleView
from gui.theme import apply_mode
from gui.undo import EditController
from gui.window_base import with_article
from gui.window_editing import step_character
from gui.window_project import ProjectWindow
from storage.project import Project

#: seconds since the last reload before regaining focus reloads shared objects again
RELOAD_ON_FOCUS_AFTER = 2.0


class LiveRegistry(dict):
    """The actor registry by id, shared with the view and refreshed in place.

    Always true, so that ``entities or {}`` in a receiver keeps this mapping
    (and sees actors created later) even while it is still empty.
    """

    def __bool__(self) -> bool:
        return True


class MainWindow(ProjectWindow):
    """The annotation window on one open project, for one annotator."""

    def __init__(self, project: Project, annotator: str, settings: QSettings,
                 parent: QWidget | None = None, persist: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.persist = persist  # False: leave the UI settings alone (screenshots)
        self.project = project
        self.annotator = annotator
        self.settings = settings
        self.document = None
        self.spans = {}
        self._label_counts = collections.Counter()  # of self.spans
        self.relations = {}  # the open layer's, by id
        self.entities = LiveRegistry()
        self.readonly_annotators = []
        self.readonly_spans = {}
        self.pick = None  # (relation type, source span id)
        self._hint = None  # the status message telling what to do next
        self.actions = {}
        self.definitions = []

        self.controller = EditController(project, self)
        self.controller.changed.connect(self._on_edit_changed)
        self.controller.refused.connect(self._on_edit_refused)
        self.controller.conflicted.connect(lambda _message: self.reload_from_project())
        self.controller.saved.connect(self._on_saved)
        self.controller.before_document = self._show_document_of_edit
        # the open document's layer: its first screen at once, the rest at idle
        self.layer = LayerLoader(self._on_layer_page, self._on_layer_complete, self)
        self.released = DeferredRelease(self)

        self._build_widgets()
        self.proposals = ProposalController(self)  # gui/proposals.py
        self._build_actions()
        self._restore_settings()
        self._load_project()
        self.view.setFocus()
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_system_color_scheme_changed)

    # ================================================================ building

    def _build_widgets(self) -> None:
        self.view = ArticleView()
        self.view.setObjectName("articleView")
        self.header = QWidget()
        self.header.setObjectName("articleHeader")
        self.title_label = QLabel()
        self.title_label.setObjectName("documentTitle")
        self.title_label.setWordWrap(True)
        self.meta_label = QLabel()
        self.meta_label.setObjectName("documentMeta")
        stack(self.header, self.title_label, self.meta_label, margins=(0, 0, 0, 0), spacing=0)
        centre = QWidget()
        stack(centre, self.header, (self.view, 1), margins=(0, 0, 0, 0), spacing=0)
        self.setCentralWidget(centre)
        self.picker = RelationPicker(self.view)

        self.document_list = DocumentList(self._search_texts)
        self.documents_dock = self._dock("Documents", "documentsDock", self.document_list,
                                         Qt.DockWidgetArea.LeftDockWidgetArea)

        self.schema_panel = SchemaPanel(self.project.schema, self._find_entities)
        self.schema_dock = self._dock("Annotation", "schemaDock", self.schema_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea)

        self.annotation_table = AnnotationTable(self.project.schema)
        self.table_dock = self._dock("Annotations", "annotationsDock", self.annotation_table,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)

        self.actor_registry = ActorRegistry(self.project.mentions)
        self.actors_dock = self._dock("Actors", "actorsDock", self.actor_registry,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.table_dock, self.actors_dock)
        self.setTabPosition(Qt.DockWidgetArea.BottomDockWidgetArea,
                            QTabWidget.TabPosition.North)
        for dock in (self.table_dock, self.actors_dock):
            dock.setTitleBarWidget(QWidget())  # the tabs name them
        self.table_dock.raise_()
        self._connect_widgets()

        status = QStatusBar()
        self.setStatusBar(status)
        self.annotator_label = QLabel()
        self.annotator_label.setObjectName("annotatorLabel")
        self.position_label = QLabel()
        self.position_label.setObjectName("positionLabel")
        self.saved_label = QLabel("All changes saved")
        self.saved_label.setObjectName("savedLabel")
        status.addPermanentWidget(self.annotator_label)
        status.addPermanentWidget(self.position_label)
        status.addPermanentWidget(self.saved_label)

        self.toolbar = QToolBar("Toolbar")
        self.toolbar.setObjectName("toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.toolbar.setIconSize(QSize(20, 20))
        self.addToolBar(self.toolbar)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks |
                            QMainWindow.DockOption.AllowTabbedDocks)

    def _connect_widgets(self) -> None:
        """Wires the panes' signals to the window's handlers, one row a connection."""
        panel, table, registry = self.schema_panel, self.annotation_table, self.actor_registry
        connections: tuple[tuple[SignalInstance, Callable[..., object]], ...] = (
            (self.view.spanSelected, self._on_view_span_selected),
            (self.view.selectionRangeChanged, self._on_view_range_changed),
            (self.picker.picked, self._on_picker_picked),
            (self.picker.cancelled, self._on_picker_cancelled),
            (self.document_list.documentActivated, self._on_document_activated),
            (panel.labelClicked, self._on_label_key),
            (panel.attributeEdited, self._on_attribute_edited),
            (panel.relationRequested, self._on_relation_key),
            (panel.relationTargetClicked, self._on_relation_target_clicked),
            (panel.relationDeleteRequested, self._on_relation_delete_requested),
            (panel.entityChosen, self._on_entity_chosen),
            (panel.createActorRequested, self._on_create_actor_from_selection),
            (panel.unlinkRequested, self._on_unlink_actor),
            (table.spanActivated, self._on_table_span_activated),
            # filtering the table searches the whole layer: the rest of a long one first
            (table.search.textChanged, lambda _text: self.whole_layer()),
            (table.choice.currentIndexChanged, lambda _index: self.whole_layer()),
            (registry.createRequested, self._on_actor_create_requested),
            (registry.updateRequested, self._on_actor_update_requested),
            (registry.mergeRequested, self._on_actor_merge_requested),
            (registry.deleteRequested, self._on_actor_delete_requested),
            (registry.mentionActivated, self._on_mention_activated),
        )
        for signal, slot in connections:
            signal.connect(slot)

    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _restore_settings(self) -> None:
        geometry = prefs.WINDOW_GEOMETRY.read(self.settings)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        state = prefs.WINDOW_STATE.read(self.settings)
        if not state.isEmpty():
            self.restoreState(state)
        else:
            self.resizeDocks([self.documents_dock, self.schema_dock], [340, 330],
                             Qt.Orientation.Horizontal)
            self.resizeDocks([self.table_dock], [210], Qt.Orientation.Vertical)
        snap = prefs.SNAP_WORDS.read(self.settings)
        self.view.snap_words = snap
        self.actions["view.snap"].setChecked(snap)
        theme = prefs.THEME.read(self.settings)
        self.actions.get(f"view.theme_{theme}", self.actions["view.theme_system"]).setChecked(
            True)
        zoom = prefs.ZOOM.read(self.settings)
        if zoom > 0:
            self.view.set_zoom(zoom)
        # every zoom (keys, menu, Ctrl+wheel) is remembered
        self.view.zoomChanged.connect(self._on_view_zoom_changed)

    # ================================================================ project

    # =============================================================== document

    # ================================================================ editing

    # ------------------------------------------------------------- relations

    # ---------------------------------------------------------------- actors

    # ================================================================ refresh

    # ============================================================ view signals

    def _on_view_span_selected(self, span_id: int | None) -> None:
        if span_id is not None and self.pick is None:
            self._clear_hint()
        if self.pick is not None and span_id is None:
            if self.pick[1] in self.spans:
                # a click beside the spans while picking keeps the source selected
                self.view.select_span(self.pick[1], scroll=False)
                return
            self._cancel_pick()  # the source is gone (undone meanwhile)
        if self.pick is not None and span_id is not None:
            relation, source_id = self.pick
            definition = self.project.schema.relation(relation)
            target = self.spans.get(span_id)
            if span_id == source_id:
                return
            if definition is not None and target is not None and \
                    target.label in definition.targets:
                self._add_relation(span_id)
                return
            self._status(f"A {relation} must be "
                         f"{' or '.join(with_article(t) for t in definition.targets)}"
                         if definition else "Not an allowed target.", error=True)
            self.view.select_span(source_id, scroll=False)
            return
        self._show_span(span_id)

    def _on_view_range_changed(self, selection: tuple[int, int] | None) -> None:
        if selection is not None and self.document is not None:
            start, end = selection
            self._status(f"Selected {end - start} characters ({start}–{end}); press a "
                         "label's key", hint=True)
        else:
            self._clear_hint()  # the selection was used or dropped: its hint goes too

    def _on_table_span_activated(self, span_id: int) -> None:
        self.view.select_span(span_id)

    # =============================================================== documents

    # =============================================================== annotators

    # =================================================================== view

    def _on_view_zoom_changed(self, points: float) -> None:
        prefs.ZOOM.write(self.settings, points)

    def _on_toggle_snap(self, checked: bool) -> None:
        self.view.snap_words = checked
        prefs.SNAP_WORDS.write(self.settings, checked)
        self._status("Selections snap to whole words." if checked else
                     "Selections keep exact characters.")

    def _set_theme(self, mode: str) -> None:
        prefs.THEME.write(self.settings, mode)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_mode(app, mode)
        self.refresh_icons()

    def refresh_icons(self) -> None:
        """Redraws the line icons in the current palette's colours (after a theme change)."""
        for definition in self.definitions:
            action = self.actions.get(definition.id)
            if action is not None and definition.icon:
                action.setIcon(self._icon(definition.icon))

    def _on_system_color_scheme_changed(self, *_args: object) -> None:
        if prefs.THEME.read(self.settings) == "system":
            self._set_theme("system")

    def _on_theme_system(self, _checked: bool = True) -> None:
        self._set_theme("system")

    def _on_theme_light(self, _checked: bool = True) -> None:
        self._set_theme("light")

    def _on_theme_dark(self, _checked: bool = True) -> None:
        self._set_theme("dark")

    def _on_focus_text(self) -> None:
        self.view.setFocus()

    def _on_focus_table(self) -> None:
        self.table_dock.show()
        self.table_dock.raise_()
        self.annotation_table.table.setFocus()

    # ================================================================== undo

    # ================================================================== files

    # ================================================================== help

    # ================================================================ Qt overrides

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist:
            self._remember_document()
            prefs.WINDOW_GEOMETRY.write(self.settings, self.saveGeometry())
            prefs.WINDOW_STATE.write(self.settings, self.saveState())
            self.settings.sync()
        self.proposals.stop_jobs()
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        # back in the window: show what colleagues changed on shared objects meanwhile
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and \
                time.monotonic() - getattr(self, "_last_reload", 0.0) > RELOAD_ON_FOCUS_AFTER:
            self.reload_from_project(document_too=False)
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.picker.isVisible():
            QTimer.singleShot(0, self._place_picker)


__all__ = ["MainWindow", "step_character", "with_article"]
