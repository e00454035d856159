"""The annotation workbench: documents, the article, the schema panel, the tables.

Keyboard first: select text, press a label's key; select a span, press a
relation's key and pick the target; every action has a key (F1 lists them,
all declared in :mod:`gui.actions`). Every edit is stored the moment it is
made and goes through one undo stack (:mod:`gui.undo`), across documents.

Document status: opening a document does not change its status; the first
annotation stored in a *new* document marks it *in progress* (in the same
undo step). Ctrl+D marks it done, Ctrl+PgDown goes to the next unfinished one.
"""

from __future__ import annotations

import collections
import dataclasses
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStatusBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from gui import actions as action_table
from gui import preferences as prefs
from gui.actors import ActorRegistry
from gui.annotation_table import AnnotationTable, covered_text
from gui.dialogs.layout import stack
from gui.dialogs.project_dialogs import ask_annotator
from gui.dialogs.relation_picker import LazyEntries, PickerEntry, RelationPicker
from gui.document_list import DocumentList
from gui.layer_loading import LayerLoader
from gui.proposals import ProposalController
from gui.schema_panel import SchemaPanel
from gui.text_view import ArticleView
from gui.theme import ICONS, apply_mode
from gui.undo import EditController
from storage.edits import (
    AddRelation,
    AddSpan,
    CreateEntity,
    DeleteEntity,
    DeleteRelation,
    DeleteSpan,
    Edit,
    MarkAndLink,
    MergeEntities,
    SetStatus,
    UpdateEntity,
    UpdateSpan,
)
from storage.errors import SaywhoError
from storage.gcpause import collector_paused, freeze_long_lived
from storage.operations import annotation_steps
from storage.project import Project
from storage.schema import RelationDef
from storage.views import KEEP, Changes, DocumentView, EntityView, RelationView, SpanView
from storage.vocabulary import ACTOR_KIND_ATTRIBUTE, Status
from suggest import speakers
from text import selection as textsel

SPAN_EDITS = (AddSpan, UpdateSpan, DeleteSpan, AddRelation, DeleteRelation, MarkAndLink)


def step_character(text: str, offset: int, step: int) -> int:
    """Moves one user-perceived character: combining marks and ZWJ sequences stay whole."""
    if step > 0:
        offset = min(len(text), offset + 1)
        while offset < len(text) and (_joins_previous(text, offset)):
            offset += 1
    else:
        offset = max(0, offset - 1)
        while offset > 0 and _joins_previous(text, offset):
            offset -= 1
    return offset


def _joins_previous(text: str, index: int) -> bool:
    """Whether ``text[index]`` belongs to the character before it (mark, ZWJ, selector)."""
    char = text[index]
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char in "\u200d\ufe0e\ufe0f":
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF:  # skin tone modifiers
        return True
    return index > 0 and text[index - 1] == "\u200d"


#: characters either side of a relation's source whose marked spans the picker lists
PICKER_REACH = 12_000

#: seconds since the last reload before regaining focus reloads shared objects again
RELOAD_ON_FOCUS_AFTER = 2.0

class LiveRegistry(dict):
    """The actor registry by id, shared with the view and refreshed in place.

    Always true, so that ``entities or {}`` in a receiver keeps this mapping
    (and sees actors created later) even while it is still empty.
    """

    def __bool__(self) -> bool:
        return True


class MainWindow(QMainWindow):
    """The annotation window on one open project, for one annotator."""

    def __init__(self, project: Project, annotator: str, settings: QSettings,
                 parent: QWidget | None = None, persist: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.persist = persist  # False: leave the UI settings alone (screenshots)
        self.project = project
        self.annotator = annotator
        self.settings = settings
        self.document: DocumentView | None = None
        self.spans: dict[int, SpanView] = {}
        self._label_counts: collections.Counter[str] = collections.Counter()  # of self.spans
        self.relations: dict[int, RelationView] = {}  # the open layer's, by id
        self.entities: dict[int, EntityView] = LiveRegistry()
        self.readonly_annotators: list[str] = []
        self.readonly_spans: dict[int, SpanView] = {}
        self.pick: tuple[str, int] | None = None  # (relation type, source span id)
        self._hint: str | None = None  # the status message telling what to do next
        # by id; shadows QWidget.actions(), which this window does not use
        self.actions: dict[str, QAction] = {}  # type: ignore[assignment]
        self.definitions: list[action_table.ActionDef] = []

        self.controller = EditController(project, self)
        self.controller.changed.connect(self._on_edit_changed)
        self.controller.refused.connect(self._on_edit_refused)
        self.controller.conflicted.connect(lambda _message: self.reload_from_project())
        self.controller.saved.connect(self._on_saved)
        self.controller.before_document = self._show_document_of_edit
        # the open document's layer: its first screen at once, the rest at idle
        self.layer = LayerLoader(self._on_layer_page, self._on_layer_complete, self)

        self._build_widgets()
        self.proposals: ProposalController = ProposalController(self)  # gui/proposals.py
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
        self.picker.picked.connect(self._on_picker_picked)
        self.picker.cancelled.connect(self._on_picker_cancelled)

        self.document_list = DocumentList(self._search_texts)
        self.document_list.documentActivated.connect(self._on_document_activated)
        self.documents_dock = self._dock("Documents", "documentsDock", self.document_list,
                                         Qt.DockWidgetArea.LeftDockWidgetArea)

        self.schema_panel = SchemaPanel(self.project.schema, self._find_entities)
        self.schema_panel.labelClicked.connect(self._on_label_key)
        self.schema_panel.attributeEdited.connect(self._on_attribute_edited)
        self.schema_panel.relationRequested.connect(self._on_relation_key)
        self.schema_panel.relationTargetClicked.connect(self._on_relation_target_clicked)
        self.schema_panel.relationDeleteRequested.connect(self._on_relation_delete_requested)
        self.schema_panel.entityChosen.connect(self._on_entity_chosen)
        self.schema_panel.createActorRequested.connect(self._on_create_actor_from_selection)
        self.schema_panel.unlinkRequested.connect(self._on_unlink_actor)
        self.schema_dock = self._dock("Annotation", "schemaDock", self.schema_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea)

        self.annotation_table = AnnotationTable(self.project.schema)
        self.annotation_table.spanActivated.connect(self._on_table_span_activated)
        self.table_dock = self._dock("Annotations", "annotationsDock", self.annotation_table,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)

        self.actor_registry = ActorRegistry(self.project.mentions)
        self.actor_registry.createRequested.connect(self._on_actor_create_requested)
        self.actor_registry.updateRequested.connect(self._on_actor_update_requested)
        self.actor_registry.mergeRequested.connect(self._on_actor_merge_requested)
        self.actor_registry.deleteRequested.connect(self._on_actor_delete_requested)
        self.actor_registry.mentionActivated.connect(self._on_mention_activated)
        self.actors_dock = self._dock("Actors", "actorsDock", self.actor_registry,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.table_dock, self.actors_dock)
        self.setTabPosition(Qt.DockWidgetArea.BottomDockWidgetArea,
                            QTabWidget.TabPosition.North)
        for dock in (self.table_dock, self.actors_dock):
            dock.setTitleBarWidget(QWidget())  # the tabs name them
        self.table_dock.raise_()

        self.view.spanSelected.connect(self._on_view_span_selected)
        self.view.selectionRangeChanged.connect(self._on_view_range_changed)

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

    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _icon(self, name: str | None) -> QIcon:
        return action_table.standard_icon(self, name, ICONS)

    def _build_actions(self) -> None:
        """(Re)creates every action, menu and the toolbar from the declarations."""
        for action in self.actions.values():
            self.removeAction(action)
            self.view.removeAction(action)
            action.deleteLater()
        self.menuBar().clear()
        self.toolbar.clear()
        schema_defined = action_table.schema_actions(self.project.schema)
        self.definitions = [*action_table.without_clashes(action_table.ACTIONS, schema_defined),
                            *schema_defined]
        self.actions = action_table.create_actions(self, self.definitions, self.view,
                                                   self._icon)
        self.menus = action_table.build_menus(self.menuBar(), self.definitions, self.actions)
        action_table.build_toolbar(self.toolbar, self.definitions, self.actions)
        stack = self.controller.stack
        stack.canUndoChanged.connect(self.actions["edit.undo"].setEnabled)
        stack.canRedoChanged.connect(self.actions["edit.redo"].setEnabled)
        stack.undoTextChanged.connect(
            lambda text: self.actions["edit.undo"].setText(f"&Undo {text}".strip()))
        stack.redoTextChanged.connect(
            lambda text: self.actions["edit.redo"].setText(f"&Redo {text}".strip()))
        self.actions["edit.undo"].setEnabled(stack.canUndo())
        self.actions["edit.redo"].setEnabled(stack.canRedo())
        self.actions["view.suggestions"].setChecked(self.proposals.visible)
        theme_group = QActionGroup(self)
        for key in ("view.theme_system", "view.theme_light", "view.theme_dark"):
            theme_group.addAction(self.actions[key])
        self.recent_menu = QMenu("Open &Recent", self)
        self.menus["File"].insertMenu(self.actions["file.open_shared"], self.recent_menu)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        relabel = QMenu("Change &Label To", self)
        self.menus["Edit"].insertMenu(self.actions["edit.add_fragment"], relabel)
        for definition in self.definitions:
            if definition.id.startswith("relabel."):
                relabel.addAction(self.actions[definition.id])

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

    def _load_project(self) -> None:
        self.setWindowTitle(f"{self.project.name} — Saywho")
        self.project.ensure_annotator(self.annotator)
        self.schema_panel.set_schema(self.project.schema)
        self.annotation_table.set_schema(self.project.schema)
        self.document_list.model.set_schema(self.project.schema)
        self.actor_registry.kinds = self.project.schema.actor_kinds
        self._reload_entities()
        documents = self.project.documents(self.annotator)
        self.document_list.set_documents(documents)
        self._update_status_labels()
        last = prefs.LAST_DOCUMENT.at(project=self._project_key()).read(self.settings)
        ids = [info.id for info in documents]
        if ids:
            self.open_document(last if isinstance(last, int) and last in ids else ids[0])
        else:
            self.document = None
            self.view.set_content("", [], [], self.project.schema)
            self.title_label.setText("No documents yet")
            self.meta_label.setText("Import text, HTML or JSONL files with File → Import "
                                    "Documents (Ctrl+Shift+I).")

    def set_project(self, project: Project, location: str | None = None) -> None:
        """Switches the window to another project (the undo history is cleared)."""
        self._remember_document()
        self._cancel_pick()
        old = self.project
        self.controller.clear()
        self.project = project
        self.controller.project = project
        self.actor_registry.mentions_source = project.mentions
        self.readonly_annotators = []
        self._build_actions()
        self._load_project()
        old.close()
        if location:
            prefs.remember_project(location, self.settings)

    def _project_key(self) -> str:
        return str(abs(hash(self.project.name)) % 10**10)

    def _remember_document(self) -> None:
        if self.document is not None and self.persist:
            prefs.LAST_DOCUMENT.at(project=self._project_key()).write(self.settings,
                                                                      self.document.id)

    # =============================================================== document

    def open_document(self, document_id: int, span_id: int | None = None) -> None:
        """Shows a document with the current annotator's spans (and read-only layers)."""
        self._cancel_pick()
        try:
            self.document = self.project.document(document_id)
        except SaywhoError as exc:
            self._on_edit_refused(str(exc))
            return
        self._reload_layer(span_id)
        self.document_list.select_document(document_id)
        meta = self.document.meta
        parts = [str(meta[k]) for k in ("outlet", "date", "author") if meta.get(k)]
        parts.append(f"{len(self.document.text):,} characters")
        if self.readonly_annotators:
            parts.append("also showing " + ", ".join(self.readonly_annotators) + " (read-only)")
        self.title_label.setText(self.document.title)
        self.meta_label.setText(" · ".join(parts))
        self._update_status_labels()
        self._show_span(None)
        if span_id is not None:
            self.select_span(span_id)
        self._remember_document()
        self.proposals.document_opened()

    def _reload_layer(self, span_id: int | None = None) -> None:
        with collector_paused():  # thousands of views at once: no heap scans meanwhile
            self._load_layer(span_id)
        # What a document holds lives until the next document and forms no cycles:
        # kept out of the cyclic collector's scans, a key press that allocates never
        # pays for a full collection over 100,000 spans (reference counting still
        # frees all of it when the document goes).
        freeze_long_lived()

    def _load_layer(self, span_id: int | None = None) -> None:
        """Reads what the first screen shows (around ``span_id`` if given); the rest of the
        layer follows at idle (gui/layer_loading.py), other annotators' layers at once."""
        assert self.document is not None
        document_id = self.document.id
        start, end = self._first_screen(span_id)
        spans, relations = self.layer.open(self.project, document_id, self.annotator,
                                           len(self.document.text), start, end)
        self.spans = {span.id: span for span in spans}
        self._label_counts = collections.Counter(span.label for span in spans)
        self.relations = {relation.id: relation for relation in relations}
        layers = []
        self.readonly_spans = {}
        for name in self.readonly_annotators:
            other = self.project.spans(document_id, name)
            layers.append((name, other))
            self.readonly_spans.update({s.id: s for s in other})
        self.view.set_content(self.document.text, spans, relations, self.project.schema,
                              self.entities, readonly_layers=layers, shown_first=end)
        self.annotation_table.set_content(self.document.text, spans, relations, self.entities)

    def _first_screen(self, span_id: int | None) -> tuple[int, int]:
        """The text a first screen shows, generously: from the top, or around a span
        that will be scrolled to (a third of the screen above it, as scroll_to does)."""
        assert self.document is not None
        viewport = self.view.viewport()
        metrics = self.view.fontMetrics()
        lines = max(20, viewport.height() // max(1, metrics.lineSpacing()))
        per_line = max(60, viewport.width() // max(1, metrics.averageCharWidth()))
        budget = 2 * lines * per_line  # short lines, blank lines, a taller window later
        anchor = 0
        if span_id is not None:
            try:
                span = self.project.span(span_id)
            except SaywhoError:
                span = None
            if span is not None and span.document_id == self.document.id:
                anchor = span.start
        start = max(0, anchor - budget // 3)
        return start, min(len(self.document.text), start + budget)

    def _on_layer_page(self, spans: list[SpanView], relations: list[RelationView]) -> None:
        """A page of the open layer read at idle: the spans and relations not held yet."""
        fresh = [span for span in spans if span.id not in self.spans]
        for span in fresh:
            self.spans[span.id] = span
            self._label_counts[span.label] += 1
        added = [relation for relation in relations if relation.id not in self.relations]
        for relation in added:
            self.relations[relation.id] = relation
        self.view.add_loaded(fresh, added)

    def _on_layer_complete(self) -> None:
        """The whole layer is read: the table lists all of it, the suggestions are
        filtered against all of it."""
        if self.document is None:
            return
        ordered = sorted(self.spans.values(), key=lambda span: (span.start, span.end, span.id))
        self.annotation_table.set_content(self.document.text, ordered,
                                          list(self.relations.values()), self.entities)
        self.annotation_table.select_span(self.view.selected_span_id)
        self.proposals.reload()

    @property
    def loading_done(self) -> bool:
        """Whether the open document's text and layer are all read (a long one's rest
        follows its first screen at idle)."""
        return self.layer.complete and self.view.text_complete

    def whole_layer(self) -> None:
        """Reads the rest of the open layer now, for what needs all of it."""
        self.layer.finish()

    def _reload_entities(self) -> None:
        """Refreshes the registry in place: the view and table hold the same mapping."""
        self.entities.clear()
        self.entities.update({entity.id: entity for entity in self.project.entities()})
        self.actor_registry.set_entities(list(self.entities.values()))

    def select_span(self, span_id: int | None) -> None:
        """Selects a span in the view, the table and the panel."""
        if span_id is not None and span_id not in self.spans:
            self.whole_layer()  # a span not read yet: far away in a long document
        self.view.select_span(span_id)
        if span_id is None or span_id not in self.spans:
            self._show_span(span_id)

    @property
    def selected_span(self) -> SpanView | None:
        span_id = self.view.selected_span_id
        return self.spans.get(span_id) if span_id is not None else None

    def _show_span(self, span_id: int | None) -> None:
        span = self.spans.get(span_id) if span_id is not None else None
        readonly = False
        if span is None and span_id is not None:
            span = self.readonly_spans.get(span_id)
            readonly = span is not None
        if self.document is None:
            span = None
        relations = sorted(self.view.relations_of(span.id), key=lambda r: r.id) \
            if span is not None and not readonly else []
        self.schema_panel.show_span(span, self.document.text if self.document else "",
                                    relations, self.spans, self.entities, readonly)
        self.annotation_table.select_span(span.id if span is not None else None)

    def _update_status_labels(self) -> None:
        self.annotator_label.setText(f"Annotator: {self.annotator}")
        ids = [info.id for info in self.document_list.model.documents()]
        if self.document is not None and self.document.id in ids:
            self.position_label.setText(f"Document {ids.index(self.document.id) + 1} / "
                                        f"{len(ids)}")
        else:
            self.position_label.setText(f"{len(ids)} documents")

    def _refresh_document_row(self) -> None:
        """Recomputes the current document's row (status, counts) in the list."""
        if self.document is None:
            return
        row = self.document_list.model.row_of(self.document.id)
        if row is None:
            return
        info = self.document_list.model.info(row)
        counts = {label: count for label, count in self._label_counts.items() if count}
        status = self.project.status(self.document.id, self.annotator)
        self.document_list.model.update_document(
            dataclasses.replace(info, status=status, counts=counts))

    # ================================================================ editing

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

    def _on_label_key(self, label: str) -> None:
        if self.document is None:
            return
        selection = self.view.selected_range()
        if selection is None:
            span = self.selected_span
            shared = self._relation_sharing_key(label, span)
            if shared is not None:
                self._on_relation_key(shared)
                return
            if span is not None and span.label != label:
                self._status(f"Shift+{self._label_key(label)} changes the selected span's "
                             f"label to {label}; select text to mark a new {label}.")
            else:
                self._status(f"Select some text first, then press "
                             f"{self._label_key(label)} to mark it as {label}.", hint=True)
            return
        edit = AddSpan(self.document.id, self.annotator, label, [selection])
        if self.perform(edit, f"add {label}"):  # selects the new span (its change record)
            self._clear_text_selection()

    def _relation_sharing_key(self, label: str, span: SpanView | None) -> str | None:
        """A relation of the selected span whose key is this label's key, if any."""
        definition = self.project.schema.label(label)
        if span is None or definition is None or not definition.key:
            return None
        for relation in self.project.schema.relations_from(span.label):
            if relation.key and relation.key.upper() == definition.key.upper():
                return relation.name
        return None

    def _label_key(self, label: str) -> str:
        definition = self.project.schema.label(label)
        return definition.key.upper() if definition is not None and definition.key else label

    def _on_relabel_key(self, label: str) -> None:
        span = self._require_span("to change its label")
        if span is not None and span.label != label:
            self.perform(UpdateSpan(span.id, label=label), f"change label to {label}")

    def _on_add_fragment(self) -> None:
        span = self._require_span("to add a fragment to it")
        selection = self.view.selected_range()
        if span is None:
            return
        if selection is None:
            self._status("Select the text of the extra fragment, then press F.")
            return
        fragments = [list(f) for f in span.fragments]
        # a selection touching or overlapping a fragment extends it instead
        merged = False
        for fragment in fragments:
            if selection[0] <= fragment[1] and selection[1] >= fragment[0]:
                fragment[0] = min(fragment[0], selection[0])
                fragment[1] = max(fragment[1], selection[1])
                merged = True
        if merged:
            fragments = _merge_fragments(fragments)
        else:
            fragments.append(list(selection))
        if self.perform(UpdateSpan(span.id, fragments=fragments), "add fragment"):
            self._clear_text_selection()

    def _on_boundary(self, move: tuple[str, int, str]) -> None:
        edge, step, unit = move
        span = self._require_span("to move its boundaries")
        if span is None or self.document is None:
            return
        text = self.document.text
        fragments = [list(f) for f in span.fragments]
        fragment = fragments[0] if edge == "start" else fragments[-1]
        start, end = fragment
        if unit == "word":
            start, end = textsel.adjust_by_word(text, start, end, edge, step)  # type: ignore[arg-type]
        elif edge == "start":
            start = step_character(text, start, step)
        else:
            end = step_character(text, end, step)
        if start >= end or (start, end) == tuple(fragment):
            self._status("The span cannot shrink further.")
            return
        fragment[0], fragment[1] = start, end
        self.perform(UpdateSpan(span.id, fragments=_merge_fragments(fragments)),
                     f"move {edge}")

    def _on_delete_span(self) -> None:
        span = self._require_span("to delete it")
        if span is not None:
            self.perform(DeleteSpan(span.id), f"delete {span.label}")

    def _on_attribute_edited(self, name: str, value: Any) -> None:
        span = self.selected_span
        if span is not None:
            self.perform(UpdateSpan(span.id, attributes={name: value}), f"set {name}")

    def _on_escape(self) -> None:
        if self.pick is not None or self.picker.isVisible():
            self._cancel_pick()
            self._status("Relation cancelled.")
        elif self.view.textCursor().hasSelection():
            self._clear_text_selection()
        else:
            self.view.select_span(None)

    def _on_select_inside_quotes(self) -> None:
        self.view.setFocus()  # from anywhere in the window: the caret is where it was
        if self.view.select_inside_quotes() is None:
            self._status("The cursor is not inside quotation marks.")

    def _clear_text_selection(self) -> None:
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)

    # ------------------------------------------------------------- relations

    def _on_relation_key(self, relation: str) -> None:
        self.whole_layer()  # the picker's neighbourhood: all read (no-op once idle read it)
        definition = self.project.schema.relation(relation)
        selection = self.view.selected_range()
        if definition is not None and selection is not None and self.document is not None \
                and self._relation_key_on_selection(definition, selection):
            return
        span = self._require_span(f"to give it a {relation}")
        if definition is None or span is None or self.document is None:
            return
        if span.label not in definition.sources:
            self._status(f"A {relation} relation goes from "
                         f"{' or '.join(definition.sources)}; the selected span is "
                         f"{with_article(span.label)}.")
            return
        text = self.document.text
        self.pick = (relation, span.id)
        sources = covered_text(text, span.fragments)
        entries = self._picker_entries(definition, span)
        self.picker.open(
            f"{relation.capitalize()} of “{sources[:40]}{'…' if len(sources) > 40 else ''}”",
            entries, lambda typed: self._typed_entries(definition, span, typed))
        self._place_picker()
        self._status(f"Pick the {relation} ({' or '.join(definition.targets)}): Enter takes "
                     "the first, type to filter or to find a name, or click it in the text. "
                     "Esc cancels.")

    def _relation_key_on_selection(self, definition: RelationDef,
                                   selection: tuple[int, int]) -> bool:
        """A relation key with text selected: mark and link in one step.

        With a source span selected (a Quote) that still lacks this relation,
        a selection elsewhere that is not itself a quotation is the target: it
        is marked (an Actor mention for a speaker) and linked, one undo step.
        Otherwise the selection is marked as a new source (a Quote) and the
        picker opens for its target. Returns False to leave the key to the
        usual path (pick a target for the selected span).
        """
        assert self.document is not None
        text = self.document.text
        span = self.selected_span
        source_ok = span is not None and span.label in definition.sources
        if source_ok and span is not None and any(
                a < selection[1] and selection[0] < b for a, b in span.fragments):
            return False  # a selection over the selected span itself: pick its target
        quote_like = speakers.looks_like_quote(text, *selection)
        full = source_ok and span is not None and definition.max_per_source is not None and \
            sum(1 for r in self.view.relations_of(span.id) if r.source_id == span.id and
                r.type == definition.name) >= definition.max_per_source
        if source_ok and span is not None and not quote_like and not full:
            if len(definition.targets) != 1:
                self._status(f"A {definition.name} may be a {' or '.join(definition.targets)}: "
                             "mark it with its label key first, then pick it.")
                return True
            self._mark_target(definition, span, selection)
            return True
        words = len(text[selection[0]:selection[1]].split())
        if full and not quote_like and words <= 4:
            assert span is not None
            self._status(f"This {span.label} has its {definition.name} already; Esc "
                         f"deselects it, then {(definition.key or '').upper()} marks the "
                         f"selection as a new {' or '.join(definition.sources)}.", error=True)
            return True
        if len(definition.sources) != 1:
            self._status(f"Select a {' or '.join(definition.sources)} first, then press "
                         f"{(definition.key or '').upper()}.")
            return True
        label = definition.sources[0]
        # a quotation selected whole: the parts inside the marks, without the attribution
        fragments = (speakers.quote_fragments(text, *selection) if quote_like else []) or \
            [selection]
        add = AddSpan(self.document.id, self.annotator, label, fragments)
        if not self.perform(add, f"add {label}"):
            return True
        self._clear_text_selection()
        self.view.select_span(add.span_id, scroll=False)
        return False  # the picker opens for the new source

    def _mark_target(self, definition: RelationDef, source: SpanView,
                     selection: tuple[int, int], entity_id: int | None = None,
                     source_kind: str = "") -> None:
        """Marks ``selection`` with the relation's target label and links it from ``source``."""
        assert self.document is not None
        label = definition.targets[0]
        mention = " ".join(self.document.text[selection[0]:selection[1]].split())
        edit = MarkAndLink(definition.name, source.id, self.document.id, self.annotator, label,
                           [selection], self._new_mention_attributes(label, mention, entity_id,
                                                                     source_kind),
                           entity_id)
        if self.perform(edit, f"add {definition.name} {mention}"):
            self._clear_text_selection()
            self.view.select_span(source.id, scroll=False)
            self._show_span(source.id)
            self._status(f"{label} “{mention}” marked as the {definition.name}.")
        self.view.setFocus()

    def _new_mention_attributes(self, label: str, mention: str, entity_id: int | None = None,
                                source_kind: str = "") -> dict[str, Any]:
        """Attributes a new mention gets from what it looks like: its kind and form."""
        label_def = self.project.schema.label(label)
        if label_def is None or not label_def.entity:
            return {}
        values: dict[str, Any] = {}
        registry = [self.entities[entity_id]] if entity_id in self.entities else []
        kind = speakers.guess_kind(mention, registry or self.entities.values(),
                                   self.document.text if self.document else "")
        kind_def = label_def.attribute("kind")
        if kind is not None and kind_def is not None and kind_def.check(kind) is None:
            values["kind"] = kind
        form = {"pronoun": "pronoun", "description": "nominal"}.get(source_kind)
        form_def = label_def.attribute("mention")
        if form is not None and form_def is not None and form_def.check(form) is None:
            values["mention"] = form
        return values

    def _picker_entries(self, definition: RelationDef, span: SpanView) -> LazyEntries:
        """The picker's entries: marked targets and, for actors, mentions not marked yet."""
        assert self.document is not None
        entity_label = self._entity_label()
        unmarked = len(definition.targets) == 1 and definition.targets[0] == entity_label
        spans, relations = self._near(span)
        found = speakers.speaker_candidates(
            self.document.text, span.fragments, spans, relations,
            self.entities.values(), target_labels=definition.targets,
            relation=definition.name, quote_id=span.id, unmarked=unmarked)
        return LazyEntries(found, lambda candidate: self._entry(definition, candidate))

    def _near(self, span: SpanView) -> tuple[list[SpanView], dict[int, RelationView]]:
        """The spans within :data:`PICKER_REACH` characters of a span (whole paragraphs)
        and the relations touching them: what the picker offers and ranks by.

        A target further away is clicked in the text, or typed in the picker's filter:
        listing the thousands of mentions of a long document, nearly all of them far
        from the quote, cost the picker time proportional to the document.
        """
        index = self.view._index
        first = index.block_of(max(0, span.start - PICKER_REACH))
        last = index.block_of(span.end + PICKER_REACH)
        spans = index.in_blocks(first, last)
        relations: dict[int, RelationView] = {}
        for near in spans:
            for relation in self.view.relations_of(near.id):
                relations[relation.id] = relation
        return spans, relations

    def _entry(self, definition: RelationDef, candidate: speakers.Candidate) -> PickerEntry:
        if candidate.span_id is not None and candidate.span_id in self.spans:
            label = self.spans[candidate.span_id].label
        else:
            label = definition.targets[0]
        label_def = self.project.schema.label(label)
        text = candidate.text if len(candidate.text) <= 70 else candidate.text[:67] + "…"
        entity = self.entities.get(candidate.entity_id) if candidate.entity_id else None
        note = candidate.pattern
        if entity is not None and entity.name != candidate.text:
            note = f"= {entity.name}" + (f" · {note}" if note else "")
        return PickerEntry(label, label_def.color if label_def else "#888", text,
                           candidate.marked, candidate.paragraph, note, candidate)

    def _typed_entries(self, definition: RelationDef, span: SpanView,
                       typed: str) -> list[PickerEntry]:
        """Where the typed words occur in the text, nearest the source first, to be marked."""
        if self.document is None or len(definition.targets) != 1:
            return []
        taken = [(s.start, s.end) for s in self.spans.values() if s.label in definition.targets]
        return [self._entry(definition, candidate) for candidate in speakers.typed_candidates(
            self.document.text, typed, span.fragments, taken)]

    def _place_picker(self) -> None:
        """Puts the picker below (or above) the source and its likeliest targets, never on them."""
        viewport = self.view.viewport()
        offset = viewport.mapTo(self.view, QPoint(0, 0))
        area = QRect(offset, viewport.size())
        width = min(560, max(340, area.width() * 3 // 5), area.width() - 16)
        height = min(self.picker.preferred_height(), max(150, area.height() - 24))
        protected = self._picker_protected_rects()
        visible = [r for r in protected if r.intersects(area)]
        if not visible:
            self.picker.setGeometry(area.right() - width - 12, area.top() + 12, width, height)
            return
        union = visible[0]
        for rect in visible[1:]:
            union = union.united(rect)
        below = area.bottom() - union.bottom() - 16
        above = union.top() - area.top() - 16
        if below < height and above < height and self.pick is not None:
            # no room either side: scroll the source near the top, then place below
            source = self.spans.get(self.pick[1])
            if source is not None:
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.value() + max(0, union.top() - area.top() - 12)
                             // max(1, self._line_height()))
                protected = self._picker_protected_rects()
                visible = [r for r in protected if r.intersects(area)] or visible
                union = visible[0]
                for rect in visible[1:]:
                    union = union.united(rect)
                below = area.bottom() - union.bottom() - 16
                above = union.top() - area.top() - 16
        x = max(area.left() + 8, min(union.left(), area.right() - width - 8))
        if below >= min(height, 150) or below >= above:
            height = max(100, min(height, below))
            y = union.bottom() + 8
        else:
            height = max(100, min(height, above))
            y = union.top() - height - 8
        self.picker.setGeometry(x, y, width, height)

    def _line_height(self) -> int:
        """Pixels per scroll step of the article view (one line of text)."""
        return max(1, self.view.fontMetrics().lineSpacing())

    def _picker_protected_rects(self) -> list[QRect]:
        """Where the source span and the first entries are drawn (view coordinates)."""
        if self.pick is None or self.document is None:
            return []
        offset = self.view.viewport().mapTo(self.view, QPoint(0, 0))
        ranges: list[tuple[int, int]] = []
        source = self.spans.get(self.pick[1])
        if source is not None:
            ranges.extend((a, b) for a, b in source.fragments)
        for row in range(min(3, self.picker.model.rowCount())):
            entry = self.picker.model.entry(row)
            payload = entry.payload if entry is not None else None
            if isinstance(payload, speakers.Candidate) and not payload.inside_quote:
                ranges.append((payload.start, payload.end))
        return [self.view.range_viewport_rect(a, b).translated(offset) for a, b in ranges]

    def _on_picker_picked(self, target: object) -> None:
        if isinstance(target, speakers.Candidate) and target.span_id is None:
            self._link_new_mention(target)
        elif isinstance(target, speakers.Candidate):
            assert target.span_id is not None
            self._add_relation(target.span_id)
        elif isinstance(target, int):
            self._add_relation(target)

    def _link_new_mention(self, candidate: speakers.Candidate) -> None:
        """Marks a picked mention that was not marked yet and links it, one undo step."""
        if self.pick is None:
            return
        relation, source_id = self.pick
        self._cancel_pick()
        definition = self.project.schema.relation(relation)
        source = self.spans.get(source_id)
        if definition is None or source is None:
            return
        self._mark_target(definition, source, (candidate.start, candidate.end),
                          candidate.entity_id, candidate.source)

    def _on_picker_cancelled(self) -> None:
        self._cancel_pick()
        self.view.setFocus()

    def _cancel_pick(self) -> None:
        if self.pick is not None:
            self.statusBar().clearMessage()
        self.pick = None
        self.picker.close_picker()

    def _add_relation(self, target_id: int) -> None:
        if self.pick is None:
            return
        relation, source_id = self.pick
        self._cancel_pick()
        self.perform(AddRelation(relation, source_id, target_id), f"add {relation}")
        self.view.setFocus()

    def _on_relation_target_clicked(self, span_id: int) -> None:
        self.view.select_span(span_id)
        self.view.setFocus()

    def _on_relation_delete_requested(self, relation_id: int) -> None:
        self.perform(DeleteRelation(relation_id), "remove relation")

    # ---------------------------------------------------------------- actors

    def _find_entities(self, prefix: str) -> list[EntityView]:
        return self.project.find_entities(prefix)

    def _entity_label(self) -> str | None:
        for label in self.project.schema.labels:
            if label.entity:
                return label.name
        return None

    def _on_link_actor(self) -> None:
        span = self._require_span("to link it to an actor")
        if span is not None and not self.schema_panel.focus_entity_edit():
            self._status(f"{with_article(span.label).capitalize()} does not link to the "
                         "actor registry.")

    def _on_entity_chosen(self, entity_id: int) -> None:
        span = self.selected_span
        if span is None:
            return
        entity = self.entities.get(entity_id)
        if self.perform(UpdateSpan(span.id, entity_id=entity_id),
                        f"link to {entity.name if entity else 'actor'}"):
            self.view.setFocus()

    def _on_unlink_actor(self) -> None:
        span = self._require_span("to unlink it")
        if span is not None and span.entity_id is not None:
            self.perform(UpdateSpan(span.id, entity_id=None), "unlink actor")

    def _on_create_actor_from_selection(self) -> None:
        """Marks the selection as an actor mention, creates the actor, links them."""
        if self.document is None:
            return
        label_name = self._entity_label()
        if label_name is None:
            self._status("This schema has no label that links to actors.")
            return
        selection = self.view.selected_range()
        span = self.selected_span
        if selection is None and (span is None or span.label != label_name):
            self._status(f"Select the actor's name in the text (or an {label_name} mention) "
                         "first.")
            return
        text = self.document.text
        name = " ".join((text[selection[0]:selection[1]] if selection is not None else
                         covered_text(text, span.fragments)).split())  # type: ignore[union-attr]
        kind = self._actor_kind(label_name, name, span if selection is None else None)
        if not name:
            self._status("The selection holds no name.")
            return
        document_id = self.document.id
        steps: list[Edit | Callable[[], Edit]] = []
        if selection is not None:
            add = AddSpan(document_id, self.annotator, label_name, [selection],
                          self._new_mention_attributes(label_name, name))
            steps += annotation_steps(self.project, document_id, self.annotator, add)
        create = CreateEntity(name, kind)
        steps.append(create)

        def link() -> Edit:
            target = add.span_id if selection is not None else span.id  # type: ignore[union-attr]
            assert target is not None  # the span was added by the step before
            return UpdateSpan(target, entity_id=create.entity_id)

        steps.append(link)
        if self.controller.perform_steps(steps, f"create actor {name}", document_id) is None:
            return
        self._clear_text_selection()
        self._status(f"Actor “{name}” created and linked ({kind}); rename or merge it in the "
                     "actor registry (Ctrl+R).")

    def _actor_kind(self, label: str, name: str, span: SpanView | None) -> str:
        """The kind a new registry actor gets: the mention's own, a guess, the schema's default.

        A mention whose kind was set (not the schema default) keeps it; else the
        name tells ("Prime Minister …" a person, "the foreign ministry" an
        organisation); else the schema's default kind, or "other".
        """
        schema = self.project.schema
        label_def = schema.label(label)
        kind_def = label_def.attribute(ACTOR_KIND_ATTRIBUTE) if label_def is not None else None
        default = kind_def.default if kind_def is not None else None
        if span is not None and span.attributes.get(ACTOR_KIND_ATTRIBUTE) not in (None, default):
            kind = span.attributes[ACTOR_KIND_ATTRIBUTE]
        else:
            guessed = speakers.guess_kind(name, self.entities.values(),
                                          self.document.text if self.document else "")
            kind = guessed or default
        return schema.actor_kind(kind)

    def _on_show_actors(self) -> None:
        self.actors_dock.show()
        self.actors_dock.raise_()
        span = self.selected_span
        if span is not None and span.entity_id is not None:
            self.actor_registry.select_entity(span.entity_id)
        self.actor_registry.filter.setFocus()

    def _on_actor_create_requested(self, values: dict) -> None:
        edit = CreateEntity(values["name"], values["kind"], values["aliases"], values["kb_id"])
        if self.perform(edit, f"create actor {values['name']}") and edit.entity_id:
            self.actor_registry.select_entity(edit.entity_id)

    def _on_actor_update_requested(self, entity_id: int, values: dict) -> None:
        entity = self.entities.get(entity_id)
        self.perform(UpdateEntity(entity_id, name=values["name"], kind=values["kind"],
                                  aliases=values["aliases"], kb_id=values["kb_id"],
                                  expected_version=entity.version if entity else None),
                     f"edit actor {values['name']}")

    def _on_actor_merge_requested(self, kept_id: int, merged_id: int) -> None:
        kept = self.entities.get(kept_id)
        merged = self.entities.get(merged_id)
        if kept and merged:
            self.perform(MergeEntities(kept_id, merged_id),
                         f"merge {merged.name} into {kept.name}")
            self.actor_registry.select_entity(kept_id)

    def _on_actor_delete_requested(self, entity_id: int) -> None:
        entity = self.entities.get(entity_id)
        if entity is not None:
            self.perform(DeleteEntity(entity_id), f"delete actor {entity.name}")

    def _on_mention_activated(self, document_id: int, span_id: int) -> None:
        if self.document is None or self.document.id != document_id:
            self.open_document(document_id)
        self.select_span(span_id)
        self.view.setFocus()

    # ================================================================ refresh

    def _show_document_of_edit(self, document_id: int) -> None:
        """Called before undo/redo: an edit of another document switches to it."""
        if self.document is None or self.document.id != document_id:
            self.open_document(document_id)

    def _on_edit_changed(self, changes: Changes, document_id: int | None) -> None:
        self._clear_hint()  # done: what the hint asked for, or something else
        if changes.entities_changed:
            self._reload_entities()
        current = self.document.id if self.document is not None else None
        if current is None:
            return
        if document_id is not None and document_id != current:
            self.open_document(document_id)
            return
        if current not in changes.documents and not changes.entities_changed:
            return
        # an edit applies to the whole layer (label counts, spans far away): read it first
        self.whole_layer()
        removed = [i for i in changes.spans_removed if i in self.spans]
        fresh: list[SpanView] = []
        for span_id in dict.fromkeys([*changes.spans_added, *changes.spans_changed]):
            try:
                span = self.project.span(span_id)
            except SaywhoError:
                removed.append(span_id)
                continue
            if span.document_id != current:
                continue
            if span.annotator_id != self._annotator_id():
                continue
            fresh.append(span)
        for span_id in removed:
            gone = self.spans.pop(span_id, None)
            if gone is not None:
                self._label_counts[gone.label] -= 1
        for span in fresh:
            old = self.spans.get(span.id)
            if old is not None:
                self._label_counts[old.label] -= 1
            self._label_counts[span.label] += 1
            self.spans[span.id] = span
        # relations: only those the edit touched are read (never the whole layer)
        relations_removed = [i for i in changes.relations_removed if i in self.relations]
        relations_added: list[RelationView] = []
        for relation_id in dict.fromkeys([*changes.relations_added,
                                          *changes.relations_changed]):
            try:
                relation = self.project.relation(relation_id)
            except SaywhoError:
                relations_removed.append(relation_id)
                continue
            if relation.document_id == current and \
                    relation.annotator_id == self._annotator_id():
                relations_added.append(relation)
        for relation_id in relations_removed:
            self.relations.pop(relation_id, None)
        for relation in relations_added:
            self.relations[relation.id] = relation
        self.view.update_spans(removed, fresh, None, relations_removed, relations_added)
        self.annotation_table.update_spans(removed, fresh, None, self.entities,
                                           relations_removed, relations_added,
                                           bool(changes.entities_changed))
        self._refresh_document_row()
        self._select_after_edit(changes, removed)

    def _select_after_edit(self, changes: Changes, removed: Sequence[int]) -> None:
        """The one place an edit moves the selection: to what its change record names."""
        target = changes.selection
        if target == KEEP:
            target = self.view.selected_span_id
        elif target is None and not removed:
            target = self.view.selected_span_id  # another layer's span went: not ours
        elif target is not None and target not in self.spans:
            target = self.view.selected_span_id  # another layer's (gold) span
        if target != self.view.selected_span_id:
            self.view.select_span(target)
        self._show_span(self.view.selected_span_id)

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

    def _on_document_activated(self, document_id: int) -> None:
        if self.document is None or document_id != self.document.id:
            self.open_document(document_id)
        self.view.setFocus()

    def _navigate(self, step: int, unfinished: bool) -> None:
        documents = self.document_list.model.documents()
        if not documents:
            return
        ids = [info.id for info in documents]
        here = ids.index(self.document.id) if self.document and self.document.id in ids else -1
        for offset in range(1, len(ids) + 1):
            index = (here + step * offset) % len(ids)
            if not unfinished or documents[index].status != Status.DONE:
                if ids[index] != (self.document.id if self.document else None):
                    self.open_document(ids[index])
                    self.view.setFocus()
                return
        self._status("Every document is done.")

    def _on_next_unfinished(self) -> None:
        self._navigate(1, unfinished=True)

    def _on_prev_unfinished(self) -> None:
        self._navigate(-1, unfinished=True)

    def _on_next_document(self) -> None:
        self._navigate(1, unfinished=False)

    def _on_prev_document(self) -> None:
        self._navigate(-1, unfinished=False)

    def _set_status(self, status: str) -> None:
        if self.document is None:
            return
        if self.project.status(self.document.id, self.annotator) == status:
            return
        text = {s.value: f"mark {s.text.lower()}" for s in Status}
        if self.perform(SetStatus(self.document.id, self.annotator, status), text[status],
                        self.document.id):
            self._status(f"“{self.document.title}” is now {status.replace('_', ' ')}.")

    def _on_mark_done(self) -> None:
        self._set_status(Status.DONE)

    def _on_mark_in_progress(self) -> None:
        self._set_status(Status.IN_PROGRESS)

    def _on_mark_new(self) -> None:
        self._set_status(Status.NEW)

    def _search_texts(self, needle: str) -> set[int]:
        return self.project.search_documents(needle)

    def _on_compare_annotators(self) -> None:
        from gui.comparison import open_comparison

        if self.document is None:
            self.statusBar().showMessage("Open a document to compare its annotators.", 5000)
            return
        window = open_comparison(self, self.project, self.document.id)
        window.goldChanged.connect(lambda _document_id: self._refresh_document_list())
        window.statusChanged.connect(lambda *_args: self._refresh_document_list())

    def reload_from_project(self, document_too: bool = True) -> None:
        """Shows what others changed: actor registry, document statuses and, optionally,
        the open document's annotations (after a conflict, or on F5)."""
        self._reload_entities()
        self._refresh_document_list()
        if document_too and self.document is not None:
            self.open_document(self.document.id, self.view.selected_span_id)
        self._last_reload = time.monotonic()

    def _on_reload(self) -> None:
        self.reload_from_project()
        self._status("Reloaded: the registry, statuses and this document are up to date.")

    def _refresh_document_list(self) -> None:
        """Reloads the document list (statuses and counts may have changed elsewhere)."""
        self.document_list.set_documents(self.project.documents(self.annotator))
        if self.document is not None:
            self.document_list.select_document(self.document.id)

    def _on_show_progress(self) -> None:
        from gui.progress_view import open_progress

        open_progress(self, self.project)

    def _on_find_document(self) -> None:
        self.documents_dock.show()
        self.document_list.search.setFocus()
        self.document_list.search.selectAll()

    # =============================================================== annotators

    def set_annotator(self, name: str) -> None:
        if name != self.annotator:
            # the undo history holds the previous annotator's edits, in a layer no
            # longer on screen: Ctrl+Z must not change it unseen
            self.controller.clear()
        self.annotator = name
        prefs.ANNOTATOR.write(self.settings, name)
        self.project.ensure_annotator(name)
        self.readonly_annotators = [a for a in self.readonly_annotators if a != name]
        self.document_list.set_documents(self.project.documents(self.annotator))
        if self.document is not None:
            self.open_document(self.document.id)
        self._update_status_labels()
        self._status(f"Annotating as {name}.")

    def _on_switch_annotator(self) -> None:
        known = [a.name for a in self.project.annotators()]
        name = ask_annotator(self, self.annotator, known)
        if name and name != self.annotator:
            self.set_annotator(name)

    def show_annotators(self, names: Sequence[str]) -> None:
        self.readonly_annotators = [n for n in names if n != self.annotator]
        if self.document is not None:
            self.open_document(self.document.id)

    def _on_show_annotator(self) -> None:
        others = [a.name for a in self.project.annotators() if a.name != self.annotator]
        if not others:
            self._status("No other annotator in this project yet.")
            return
        name, ok = QInputDialog.getItem(self, "Show Annotator",
                                        "Show this annotator's annotations (read-only):",
                                        others, 0, False)
        if ok and name:
            self.show_annotators([*self.readonly_annotators, name])

    def _on_hide_annotators(self) -> None:
        self.show_annotators([])

    # =================================================================== view

    def _on_zoom_in(self) -> None:
        self.view.zoom_in()

    def _on_zoom_reset(self) -> None:
        self.view.reset_zoom()

    def _on_zoom_out(self) -> None:
        self.view.zoom_out()

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

    def _on_undo(self) -> None:
        if self.controller.stack.canUndo():
            self.controller.stack.undo()
        else:
            self._status("Nothing to undo.")

    def _on_redo(self) -> None:
        if self.controller.stack.canRedo():
            self.controller.stack.redo()
        else:
            self._status("Nothing to redo.")

    # ================================================================== files

    def _on_new_project(self) -> None:
        from gui.dialogs.project_dialogs import NewProjectDialog

        dialog = NewProjectDialog(prefs.data_dir(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, schema = dialog.values()
        try:
            project = Project.create(path, schema)
        except SaywhoError as exc:
            QMessageBox.warning(self, "New Project", str(exc))
            return
        self.set_project(project, str(path))
        self._status(f"Created {path.name}. Import documents with Ctrl+Shift+I.")

    def _open_location(self, location: str) -> None:
        try:
            project = prefs.open_project(location)
        except SaywhoError as exc:
            QMessageBox.warning(self, "Open Project", str(exc))
            return
        self.set_project(project, location)

    def _on_backups_to_keep(self) -> None:
        count, ok = QInputDialog.getInt(
            self, "Backups to Keep",
            "Each time a project file is opened, a copy goes into the 'backups' folder\n"
            "beside it. How many copies to keep (0: make none):",
            prefs.backups_kept(self.settings), 0, prefs.MAX_BACKUPS_KEPT)
        if ok:
            prefs.BACKUPS_KEEP.write(self.settings, count)
            self._status(f"{count} backup(s) of each project file will be kept.")

    def _on_open_project(self) -> None:
        start = str(self.project.path.parent) if self.project.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", start,
                                              "Saywho projects (*.saywho);;All files (*)")
        if path:
            self._open_location(path)

    def _on_open_shared_project(self) -> None:
        from gui.dialogs.project_dialogs import SharedProjectDialog

        dialog = SharedProjectDialog(prefs.recent_projects(self.settings), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.url():
            self._open_location(dialog.url())

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for location in prefs.recent_projects(self.settings):
            action = self.recent_menu.addAction(location)
            action.triggered.connect(lambda _c=False, loc=location: self._open_location(loc))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def _on_import(self) -> None:

        from gui.dialogs.transfer import import_filter

        paths, _ = QFileDialog.getOpenFileNames(self, "Import Documents", "", import_filter())
        if not paths:
            return
        self.import_paths([Path(p) for p in paths])

    def _on_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import Folder")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: Sequence[Path],
                     on_done: Callable[[Any], None] | None = None) -> QDialog:
        """Imports in the background with a progress dialog; refreshes the list after."""
        from gui.dialogs.transfer import ImportProgressDialog

        dialog = ImportProgressDialog(self.project, paths, None, self)

        def finished(report: Any) -> None:
            documents = self.project.documents(self.annotator)
            self.document_list.model.append_documents(documents)
            self._update_status_labels()
            if self.document is None and documents:
                self.open_document(documents[0].id)
            if on_done is not None:
                on_done(report)

        dialog.done.connect(finished)
        dialog.start()
        dialog.show()
        return dialog

    def _on_export(self) -> None:
        from formats import registry
        from gui.dialogs.transfer import ExportDialog, ExportProgressDialog, export_available

        if not export_available():
            QMessageBox.information(self, "Export", "Export is not available in this build "
                                    "yet (the export runner, export.run, is missing). Use "
                                    "`python main.py export` when it is installed.")
            return
        folder = (self.project.path.parent if self.project.path else Path.home()) / "export"
        dialog = ExportDialog(registry.writer_names(), [a.name for a in self.project.annotators()],
                              self.project.schema.label_names, folder, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        format_name, out_dir, options = dialog.values()
        progress = ExportProgressDialog(self.project, format_name, out_dir, options, self)
        progress.start()
        progress.show()

    def _on_quit(self) -> None:
        self.close()

    # ================================================================== help

    def _on_show_shortcuts(self) -> None:
        from gui.dialogs.shortcut_sheet import ShortcutSheet

        self.shortcut_sheet = ShortcutSheet(self.definitions, self)
        self.shortcut_sheet.show()

    def _on_about(self) -> None:
        from storage.project import SAYWHO_VERSION

        QMessageBox.about(self, "About Saywho",
                          f"<h3>Saywho {SAYWHO_VERSION}</h3><p>Annotate who says or does "
                          "what, and under what condition, in news text.</p><p>Project: "
                          f"{self.project.name}<br>Schema: {self.project.schema.name} "
                          f"v{self.project.schema.version}</p>")

    # ================================================================ Qt overrides

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist:
            self._remember_document()
            prefs.WINDOW_GEOMETRY.write(self.settings, self.saveGeometry())
            prefs.WINDOW_STATE.write(self.settings, self.saveState())
            self.settings.sync()
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


def with_article(noun: str) -> str:
    """“an Actor”, “a Quote”: the indefinite article by the noun's first letter."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _merge_fragments(fragments: list[list[int]]) -> list[list[int]]:
    """Sorts fragments and joins those that overlap or touch."""
    result: list[list[int]] = []
    for start, end in sorted(fragments):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return result


__all__ = ["MainWindow", "step_character", "with_article"]
