"""The curator's comparison view: annotators side by side, adjudicated into gold.

A curator opens one document and sees every *group* of annotations: a span
(label + exact fragments) or a relation marked identically by one or more
annotators, one column per annotator and one for the gold layer. Rows are
tinted by agreement (unanimous, disputed, marked by one annotator only) and
the document text shows the selected group. Everything is done with keys,
declared in :data:`gui.actions.COMPARISON_ACTIONS` (menus and the F1 sheet are
built from that table; :mod:`gui.comparison_keys` holds what they do):

=============  ==========================================================
Up / Down      previous / next group
1 .. 9         take annotator N's version of the group into gold
A              accept every unanimous span and relation of the document
R / Delete     reject: remove the group's gold span or relation
E              edit the gold span's (or relation's) attributes
N              new gold span from the text selection (label chooser)
D              mark the gold layer of the document done (again: in progress)
PgDown / PgUp  next / previous document
Ctrl+Z         undo, Ctrl+Shift+Z redo (every step, across documents)
F1             the keys of this window
=============  ==========================================================

A long document opens at once: the groups starting in its first
:data:`PART_CHARS` characters are compared and shown first
(:func:`storage.adjudication_parts.compare_part`), and the whole comparison is
computed by a background worker on its own connection, then filled in (the
rows shown stay in place). Edits of the gold layer update the rows they touch
(:func:`storage.adjudication_parts.apply_gold_changes`).

Every step is a storage edit applied at once (:mod:`storage.adjudication`,
:mod:`storage.edits`) through the shared undo adapter (:mod:`gui.undo`);
refusals are shown in the status bar.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gui import workers
from gui.actions import COMPARISON_ACTIONS, COMPARISON_MENUS, build_menus, create_actions
from gui.comparison_dialogs import AttributeDialog, NewGoldSpanDialog
from gui.comparison_keys import AdjudicationKeys
from gui.comparison_model import (
    AGREEMENT_COLORS,
    ComparisonModel,
    GroupRow,
    agreement_of,
    rows_by_key,
)
from gui.text_view import ArticleView
from gui.theme import is_dark, mark_color, tint
from gui.undo import EditController
from gui.unicode import Utf16Map
from storage.adjudication import (
    DISPUTED,
    GOLD,
    SINGLE,
    UNANIMOUS,
    Comparison,
    GroupKey,
    SpanGroup,
    compare,
    layer_annotators,
    layer_summary,
    ordered_groups,
)
from storage.adjudication_parts import apply_gold_changes, compare_part
from storage.gcpause import collector_paused
from storage.project import Project
from storage.views import Changes, DocumentView

__all__ = [
    "AGREEMENT_COLORS",
    "PART_CHARS",
    "AttributeDialog",
    "ComparisonModel",
    "ComparisonWindow",
    "NewGoldSpanDialog",
    "agreement_of",
    "layer_annotators",
    "open_comparison",
]

#: A document longer than this is shown in two steps: the groups starting in its first
#: PART_CHARS characters at once, the whole comparison when the worker has it.
PART_CHARS = 8_000

#: The worker starts this long after the first part is shown: comparing in Python holds
#: the interpreter lock half the time, which would slow painting the first part (and the
#: first keys) by half. Switching documents quickly never starts the superseded ones.
START_DELAY_MS = 120

#: Background comparisons still running (kept referenced until their thread is done).
_RUNNING: set[workers.ProjectJob] = set()


class ComparisonWindow(QMainWindow):
    """Adjudication of one document at a time into the curator's gold layer.

    Args:
        project: The open project.
        document_id: The document shown first.
        annotators: The layers to compare; by default every annotator (not curator)
            with spans or a status in the document shown.
        curator: The gold layer's annotator name.

    Signals:
        goldChanged(int): the gold layer of a document changed (document id).
        statusChanged(int, str, str): document id, annotator, new status.
        documentChanged(int): another document is shown.
        comparisonCompleted(int): the whole comparison of a document is shown (after
            its first part, for a long document).
    """

    goldChanged = Signal(int)
    statusChanged = Signal(int, str, str)
    documentChanged = Signal(int)
    comparisonCompleted = Signal(int)

    keys: AdjudicationKeys
    controller: EditController

    def __init__(self, project: Project, document_id: int, annotators: list[str] | None = None,
                 curator: str = GOLD, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.curator = curator
        self.fixed_annotators = list(annotators) if annotators is not None else None
        self.document: DocumentView | None = None
        self.comparison: Comparison | None = None
        #: True once :attr:`comparison` covers the whole document (not only its first part)
        self.complete = False
        self._job: workers.ProjectJob | None = None
        self._generation = 0
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(START_DELAY_MS)
        self._start_timer.timeout.connect(self._on_start_timer_timeout)
        self._job_annotators: list[str] = []
        self._painting = False
        #: the group to select when the whole comparison arrives (it was not in the part)
        self._pending: Any = None
        self._offsets = Utf16Map("")
        self.keys = AdjudicationKeys(self)
        self.controller = EditController(project, self)
        self.controller.changed.connect(self._on_edit_changed)
        self.controller.refused.connect(self._on_edit_refused)
        self.controller.conflicted.connect(self._on_edit_conflicted)
        self.controller.before_document = self._show_document_if_other
        self.setWindowTitle("Compare annotators")
        self.resize(1280, 760)

        self.header = QLabel()
        self.header.setObjectName("comparison-header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setContentsMargins(8, 6, 8, 6)

        self.model = ComparisonModel(self)
        self.table = QTableView()
        self.table.setObjectName("comparison-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        # fixed row heights and column widths from the rows on screen: a document's
        # 30,000 rows are never all measured
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

        self.text_view = ArticleView()
        self.text_view.setObjectName("comparison-text")
        self.text_view.spanSelected.connect(self._on_text_span_selected)
        self._gold_versions: dict[int, int] = {}

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.text_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 520])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.key_actions = create_actions(self, COMPARISON_ACTIONS, self.table,
                                          lambda _name: QIcon())
        self.menus = build_menus(self.menuBar(), COMPARISON_ACTIONS, self.key_actions,
                                 COMPARISON_MENUS)
        stack = self.controller.stack  # Undo/Redo say what they would undo, as in any editor
        stack.undoTextChanged.connect(lambda text: self._name_undo("undo", text))
        stack.redoTextChanged.connect(lambda text: self._name_undo("redo", text))
        stack.canUndoChanged.connect(self.key_actions["compare.undo"].setEnabled)
        stack.canRedoChanged.connect(self.key_actions["compare.redo"].setEnabled)
        self.key_actions["compare.undo"].setEnabled(stack.canUndo())
        self.key_actions["compare.redo"].setEnabled(stack.canRedo())
        self.show_document(document_id)
        self.table.setFocus()

    # ------------------------------------------------------------- documents

    def annotators(self) -> list[str]:
        """The layers compared in the document shown."""
        return list(self.comparison.annotators) if self.comparison else []

    def whole_comparison(self) -> Comparison | None:
        """The comparison of the whole document shown, or None while only its part is."""
        return self.comparison if self.complete else None

    def show_document(self, document_id: int) -> None:
        """Shows another document (keeps the undo history)."""
        self._cancel_job()
        self.document = self.project.document(document_id)
        self._offsets = Utf16Map(self.document.text)
        self._gold_versions = {}
        self.text_view.setProperty("document_id", None)  # set the content afresh
        title = self.document.title or self.document.external_id
        self.setWindowTitle(f"Compare annotators — {title}")
        self.comparison = None
        self.refresh()
        if self.model.rowCount():
            self.select_row(0)
        self._name_accept_actions()
        self.documentChanged.emit(document_id)

    def step_document(self, step: int) -> None:
        """Moves to the next (1) or previous (-1) document of the project."""
        if self.document is None:
            return
        ids = [d.id for d in self.project.documents()]
        try:
            position = ids.index(self.document.id) + step
        except ValueError:
            position = 0
        if not 0 <= position < len(ids):
            self.statusBar().showMessage("This is the last document." if step > 0
                                         else "This is the first document.", 4000)
            return
        self.show_document(ids[position])

    def show_shortcuts(self) -> None:
        """The F1 sheet of this window's keys, from :data:`COMPARISON_ACTIONS`."""
        from gui.dialogs.shortcut_sheet import ShortcutSheet

        self.shortcut_sheet = ShortcutSheet(COMPARISON_ACTIONS, self)
        self.shortcut_sheet.setWindowTitle("Keyboard Shortcuts — Compare Annotators")
        self.shortcut_sheet.show()

    def _name_undo(self, which: str, text: str) -> None:
        action = self.key_actions[f"compare.{which}"]
        action.setText(f"&{which.capitalize()} {text}".rstrip())

    def _name_accept_actions(self) -> None:
        """The 1–9 actions say whose version they take in this document."""
        names = self.annotators()
        for number in range(1, 10):
            action = self.key_actions[f"compare.accept_{number}"]
            if number <= len(names):
                action.setText(f"Accept {names[number - 1]}'s Version")
            else:
                action.setText(f"Accept Version of Annotator {number} (none here)")

    def _show_document_if_other(self, document_id: int) -> None:
        if self.document is None or document_id != self.document.id:
            self.show_document(document_id)

    def refresh(self) -> None:
        """Compares the document shown again (its first part at once when it is long),
        keeping the selected group."""
        with collector_paused():  # thousands of groups and rows at once
            self._refresh()

    def _refresh(self) -> None:
        assert self.document is not None
        self._cancel_job()
        selected = self.selected_group()
        row_before = self.table.currentIndex().row()
        annotators = self.fixed_annotators
        if annotators is None:
            annotators = layer_annotators(self.project, self.document.id, self.curator)
        if len(self.document.text) <= PART_CHARS:
            self.comparison = compare(self.project, self.document.id, annotators, self.curator)
            self.complete = True
        else:
            self.comparison = compare_part(self.project, self.document.id, annotators,
                                           PART_CHARS, self.curator, self.document.text)
            self.complete = False
            self._start_job(annotators)
        colors = {label.name: label.color for label in self.project.schema.labels}
        self.model.set_comparison(self.comparison, self.document.text, colors,
                                  is_dark(self.palette()))
        self._show_layers()
        header = self.table.horizontalHeader()
        # widths measured once on the first rows (not re-measured on every scroll)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._pending = selected.key if selected is not None else None
        row = self.model.row_of(selected.key) if selected is not None else None
        if row is None and self.model.rowCount() and (self.complete or selected is None):
            row = min(max(row_before, 0), self.model.total_rows() - 1)
        if row is not None:
            self._pending = None
            self.select_row(row)
        else:
            self._paint_text(None)
        self._update_header()

    # ------------------------------------------------------------- the whole comparison

    def _start_job(self, annotators: list[str]) -> None:
        """Compares the whole document in the background, soon (:data:`START_DELAY_MS`)."""
        self._job_annotators = annotators
        self._start_timer.start()

    def _on_start_timer_timeout(self) -> None:
        """Starts the whole comparison on a worker with its own connection."""
        if self.document is None:
            return
        annotators = self._job_annotators
        self._generation += 1
        generation = self._generation
        document_id, curator = self.document.id, self.curator

        def work(project: Project, _progress: Any, cancelled: Any) -> Any:
            whole = compare(project, document_id, annotators, curator, cancelled)
            groups = ordered_groups(whole)
            whole.extent_rows()  # built here, used by every edit's in-place update
            # the header's counts (every group's agreement, kept in the group) and the rows
            # by key, computed here rather than on the GUI thread when the rest arrives
            return whole, groups, layer_summary(whole), rows_by_key(groups)

        job = workers.ProjectJob(workers.project_url(self.project), work)
        job.signals.finished.connect(lambda result: self._on_whole_compared(generation, result))
        job.signals.failed.connect(lambda message, _details: self._on_whole_failed(generation,
                                                                                 message))
        # a job outlives a cancel or a closed window until its thread is done with it
        _RUNNING.add(job)
        job.signals.finished.connect(lambda _result: _RUNNING.discard(job))
        job.signals.failed.connect(lambda _message, _details: _RUNNING.discard(job))
        self._job = job
        workers.start(job)

    def _cancel_job(self) -> None:
        self._start_timer.stop()
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._generation += 1  # whatever it still reports is stale

    def _on_whole_compared(self, generation: int,
                           result: tuple[Comparison, list[GroupRow], dict[str, Any],
                                         dict[GroupKey, int]]) -> None:
        if generation != self._generation or self.document is None:
            return
        self._job = None
        whole, groups, summary, rows = result
        if whole.document_id != self.document.id:
            return
        with collector_paused():
            selected = self.selected_group()
            key = selected.key if selected is not None else self._pending
            self.comparison = whole
            self.complete = True
            self.model.extend_comparison(whole, groups, rows)
            scrolled = self.text_view.verticalScrollBar().value()
            self._show_layers(afresh=True)
            self.text_view.verticalScrollBar().setValue(scrolled)
            row = self.model.row_of(key) if key is not None else None
            if row is None and self.table.currentIndex().row() < 0 and self.model.rowCount():
                row = 0
            if row is not None and row != self.table.currentIndex().row():
                self.select_row(row)
            else:
                self._paint_text(self.selected_group(), scroll=False)
            self._pending = None
            self._update_header(summary)
        self.comparisonCompleted.emit(whole.document_id)

    def _on_whole_failed(self, generation: int, message: str) -> None:
        # a cancelled job (Cancelled) is always of an older generation: never shown
        if generation == self._generation:
            self._job = None
            self.statusBar().showMessage(f"Comparing the whole document failed: {message}",
                                         8000)

    def _show_layers(self, afresh: bool = False) -> None:
        """Gold spans as the article view's layer, the annotators' as dashed outlines.

        The first call for a document (or with ``afresh``) sets the content; later
        ones repaint only the paragraphs whose gold spans changed.
        """
        assert self.document is not None and self.comparison is not None
        gold = self.comparison.layers.get(self.curator, [])
        shown = {span.id for span in gold}
        relations = [r for r in self.project.relations(self.document.id, self.curator)
                     if r.source_id in shown and r.target_id in shown]
        versions = {span.id: span.version for span in gold}
        if afresh or self.text_view.property("document_id") != self.document.id:
            layers = [(name, self.comparison.layers.get(name, []))
                      for name in self.comparison.annotators]
            self.text_view.set_content(self.document.text, gold, relations, self.project.schema,
                                       readonly_layers=layers)
            self.text_view.setProperty("document_id", self.document.id)
        else:
            removed = [i for i in self._gold_versions if i not in versions]
            changed = [span for span in gold if self._gold_versions.get(span.id) != span.version]
            self.text_view.update_spans(removed, changed, relations)
        self._gold_versions = versions

    def _update_header(self, summary: dict[str, Any] | None = None) -> None:
        """The title, the counts (``summary``: :func:`layer_summary`'s, when at hand) and
        the keys."""
        assert self.comparison is not None and self.document is not None
        if summary is None:
            summary = layer_summary(self.comparison)
        ids = [d.id for d in self.project.documents()]
        position = ids.index(self.document.id) + 1 if self.document.id in ids else 0
        status = self.project.status(self.document.id, self.curator)
        relations_in_gold = sum(1 for g in self.comparison.relations if g.in_gold is not None)
        per = " · ".join(f"<b>{n}</b> {summary['per_annotator'].get(n, 0)}"
                         for n in self.comparison.annotators)
        dark = is_dark(self.palette())
        chips = " ".join(
            f"<span style='background:{tint(AGREEMENT_COLORS[k], dark, 0.55).name()}'>"
            f"&nbsp;{k}&nbsp;</span>" for k in (UNANIMOUS, DISPUTED, SINGLE))
        title = self.document.title or self.document.external_id
        part = "" if self.complete else \
            f" <i>(the first {PART_CHARS:,} characters; comparing the rest…)</i>"
        self.header.setText(
            f"<span style='font-size:13pt'><b>{_escape(title)}</b></span>"
            f"&nbsp;&nbsp;document {position} of {len(ids)}<br>"
            f"{summary['spans']} span groups{part}: <b>{summary['unanimous']}</b> unanimous, "
            f"<b>{summary['disputed']}</b> disputed, <b>{summary['in_gold']}</b> in gold"
            f" · {len(self.comparison.relations)} relation groups, {relations_in_gold} in gold"
            f" · spans per annotator: {per} · gold layer: <b>{status}</b><br>"
            f"<span style='color:gray'>{self._keys_hint()}</span>&nbsp;&nbsp;{chips}")

    #: The header's reminder of the keys: (action id, what it does), keys from the table.
    _HINTS = (("compare.accept_unanimous", "accept unanimous"), ("compare.reject", "reject"),
              ("compare.edit", "edit"), ("compare.new", "new from selection"),
              ("compare.done", "gold done"), ("compare.previous", ""),
              ("compare.next", "document"), ("compare.undo", "undo"),
              ("compare.shortcuts", "keys"))

    def _keys_hint(self) -> str:
        """"1–2 accept version · A accept unanimous · …", with the keys the actions have."""
        def key(action_id: str) -> str:
            shortcuts = self.key_actions[action_id].shortcuts()
            return shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText) \
                if shortcuts else ""

        last = max(min(len(self.annotators()), 9), 1)
        parts = [f"{key('compare.accept_1')}–{key(f'compare.accept_{last}')} accept version"]
        pending = ""
        for action_id, what in self._HINTS:
            if not what:  # shares the next entry's words (PgUp/PgDown document)
                pending = key(action_id) + "/"
                continue
            parts.append(f"{pending}{key(action_id)} {what}")
            pending = ""
        return " · ".join(parts)

    # ------------------------------------------------------------- selection

    def select_row(self, row: int) -> None:
        self.model.ensure_fetched(row)
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._paint_text(self.model.group(row))

    def selected_group(self) -> GroupRow | None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            return self.model.group(row)
        return None

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._paint_text(self.model.group(current.row()))

    def _paint_text(self, group: GroupRow | None, scroll: bool = True) -> None:
        """Shows the selected group in the text: its gold span selected, else a tint."""
        if self.comparison is None:
            return
        dark = is_dark(self.palette())
        selections = []
        first: int | None = None
        gold_id: int | None = None
        if group is not None:
            if isinstance(group, SpanGroup):
                parts = [(group.label, group.key[1])]
                gold = group.row_gold
                gold_id = gold.id if gold is not None else None
            else:
                parts = [(group.key[1][0], group.key[1][1]), (group.key[2][0], group.key[2][1])]
                gold_id = group.in_gold.source_id if group.in_gold is not None else None
            for label, fragments in parts:
                color = self.model.colors.get(label, "#888888")
                for start, end in fragments:
                    fmt = QTextCharFormat()
                    fmt.setBackground(tint(color, dark, 1.0))
                    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                    fmt.setUnderlineColor(mark_color(color, dark))
                    selections.append(self._selection(start, end, fmt))
                    first = start if first is None else min(first, start)
        self._painting = True
        try:
            self.text_view.setExtraSelections(selections)
            self.text_view.select_span(gold_id, scroll=False)
        finally:
            self._painting = False
        if first is not None and scroll:
            self.text_view.scroll_to(first)

    def _on_text_span_selected(self, span_id: int | None) -> None:
        """A click on a gold span in the text selects its row."""
        if span_id is None or self._painting:
            return
        for row, group in enumerate(self.model.groups):
            if isinstance(group, SpanGroup) and group.row_gold is not None and \
                    group.row_gold.id == span_id:
                if row != self.table.currentIndex().row():
                    self.select_row(row)
                return

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format = fmt
        return selection

    # ------------------------------------------------------------- edit results

    def _on_edit_changed(self, changes: Changes, document_id: int | None) -> None:
        if self.document is None:
            return
        if document_id is not None and document_id != self.document.id:
            self.show_document(document_id)
        else:
            self._update_in_place(changes)
        shown = self.document.id
        if changes.statuses_changed:
            self.statusChanged.emit(shown, self.curator,
                                    self.project.status(shown, self.curator))
        if changes.spans_added or changes.spans_removed or changes.spans_changed or \
                changes.relations_added or changes.relations_removed or \
                changes.relations_changed:
            self.goldChanged.emit(shown)

    def _update_in_place(self, changes: Changes) -> None:
        """Applies an edit of the gold layer to the rows it touched (compares again when
        the edit reached further)."""
        assert self.document is not None
        keys = None
        if self.comparison is not None:
            keys = apply_gold_changes(self.project, self.comparison, changes, self.curator)
        if keys is None:
            self.refresh()
            return
        self.model.refresh_keys(keys)
        if keys:  # the Gold column's width follows what gold holds now
            self.table.resizeColumnToContents(len(ComparisonModel.FIXED)
                                              + len(self.model.annotators))
        self._show_layers()
        self._paint_text(self.selected_group(), scroll=False)
        self._update_header()
        if not self.complete:  # the worker read the gold layer as it was: start it again
            self._cancel_job()
            self._start_job(self.annotators())

    def _on_edit_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _on_edit_conflicted(self, _message: str) -> None:
        # someone else changed what the edit touched: show what is stored now
        if self.document is not None:
            self.refresh()

    # ------------------------------------------------------------- Qt overrides

    def closeEvent(self, event: QCloseEvent) -> None:
        job = self._job
        self._cancel_job()
        if job is not None:
            job.stop()  # cancelled: it ends at its next check
        super().closeEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_comparison(parent: QWidget | None, project: Project,
                    document_id: int) -> ComparisonWindow:
    """Opens (and shows) the comparison window of a document; the main window's entry point."""
    window = ComparisonWindow(project, document_id, parent=parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
