"""The curator's comparison view: annotators side by side, adjudicated into gold.

A curator opens one document and sees every *group* of annotations: a span
(label + exact fragments) or a relation marked identically by one or more
annotators, one column per annotator and one for the gold layer. Rows are
tinted by agreement (unanimous, disputed, marked by one annotator only) and
the document text shows the selected group. Everything is done with keys:

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
=============  ==========================================================

Every step is a storage edit applied at once (:mod:`storage.adjudication`,
:mod:`storage.edits`) through the shared undo adapter (:mod:`gui.undo`);
refusals are shown in the status bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
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
    AcceptRelation,
    AcceptSpan,
    Comparison,
    RelationGroup,
    SpanGroup,
    compare,
    layer_annotators,
    layer_summary,
    span_key,
    unanimous_edit,
)
from storage.edits import (
    AddSpan,
    DeleteRelation,
    DeleteSpan,
    Edit,
    SetStatus,
    UpdateRelation,
    UpdateSpan,
)
from storage.errors import SaywhoError
from storage.gcpause import collector_paused
from storage.project import Project
from storage.records import FRAGMENT_JOINER
from storage.schema import AttributeDef
from storage.views import Changes, DocumentView, SpanView
from storage.vocabulary import Status

__all__ = [
    "AGREEMENT_COLORS",
    "AttributeDialog",
    "ComparisonModel",
    "ComparisonWindow",
    "NewGoldSpanDialog",
    "agreement_of",
    "layer_annotators",
    "open_comparison",
]

#: Row tint per agreement class (mixed into the page background by theme.tint).
AGREEMENT_COLORS = {UNANIMOUS: "#3f9c4a", DISPUTED: "#e0a020", SINGLE: "#d0454c"}

GroupRow = SpanGroup | RelationGroup


def agreement_of(group: GroupRow, annotators: Sequence[str]) -> str:
    """'unanimous', 'disputed' or 'single': the core's rule (storage.adjudication)."""
    return group.agreement(annotators)


def _attribute_summary(attributes: dict[str, Any]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is True:
            parts.append(name)
        elif value is False or value is None or value == "":
            continue
        elif isinstance(value, str) and len(value) > 18:
            parts.append(f"{value[:17]}…")
        else:
            parts.append(str(value))
    return ", ".join(parts)


def _attribute_tooltip(attributes: dict[str, Any]) -> str:
    return "\n".join(f"{k} = {v}" for k, v in attributes.items()) or "no attributes"


# ------------------------------------------------------------------- the model


@dataclass
class _Row:
    group: GroupRow
    agreement: str


class ComparisonModel(QAbstractTableModel):
    """Groups of one document: label, text, one column per annotator, gold, agreement."""

    FIXED = ("Label", "Text")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []
        self.annotators: list[str] = []
        self.text = ""
        self.colors: dict[str, str] = {}
        self.dark = False
        self._span_text: dict[tuple[Any, ...], str] = {}
        self._tints: dict[tuple[str, bool], QColor] = {}

    def set_comparison(self, comparison: Comparison, text: str, colors: dict[str, str],
                       dark: bool) -> None:
        """Replaces the rows: span groups in text order, each followed by its relations."""
        self.beginResetModel()
        self.annotators = list(comparison.annotators)
        self.text = text
        self.colors = colors
        self.dark = dark
        by_source: dict[Any, list[RelationGroup]] = {}
        for relation_group in comparison.relations:
            by_source.setdefault(relation_group.key[1], []).append(relation_group)
        rows: list[_Row] = []
        for group in comparison.spans:
            rows.append(_Row(group, agreement_of(group, self.annotators)))
            for key in (group.key, *(variant.key for variant in group.variants)):
                for relation_group in by_source.pop(key, []):
                    rows.append(_Row(relation_group,
                                     agreement_of(relation_group, self.annotators)))
        for leftover in by_source.values():
            rows.extend(_Row(g, agreement_of(g, self.annotators)) for g in leftover)
        self.rows = rows
        self.endResetModel()

    def group(self, row: int) -> GroupRow:
        return self.rows[row].group

    def row_of(self, key: Any) -> int | None:
        for index, row in enumerate(self.rows):
            if row.group.key == key:
                return index
        return None

    def covered(self, key: tuple[str, tuple[tuple[int, int], ...]]) -> str:
        pieces = [self.text[a:b] for a, b in key[1]]
        return " ".join(FRAGMENT_JOINER.join(pieces).split())

    def _summary(self, group: GroupRow) -> str:
        if isinstance(group, SpanGroup):
            return self.covered(group.key)
        target = group.key[2]  # the source is the span row above
        return f"→ {target[0]} “{self.covered(target)}”"

    def _cell(self, group: GroupRow, annotator: str | None) -> tuple[str, str]:
        marked: Any
        if annotator is None:
            marked = group.in_gold
        elif isinstance(group, SpanGroup):
            marked = group.versions().get(annotator)
        else:
            marked = group.relations.get(annotator)
        if marked is None:
            return "", ""
        summary = _attribute_summary(marked.attributes)
        mark = "★" if annotator is None else "✓"
        tip = _attribute_tooltip(marked.attributes)
        differ = group.differing_attributes() if annotator is not None else []
        if differ:  # the values that make the row disputed, named in every cell
            values = {**group.defaults, **marked.attributes}
            summary = ", ".join(f"{name}={_short(str(values.get(name, '—')), 12)}"
                                for name in differ)
        if isinstance(group, SpanGroup) and annotator is not None:
            moved = group.boundary_difference(annotator)
            if moved:
                covered = self.covered(span_key(marked))
                summary = f"{moved} “{_short(covered, 24)}”" + (f"; {summary}" if summary
                                                                else "")
                tip = f"{annotator} marked “{covered}” ({moved})\n{tip}"
        return (f"{mark} {summary}" if summary else mark), tip

    # Qt overrides

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self.annotators) + 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            return None
        names = [*self.FIXED, *(f"{i}  {n}" for i, n in enumerate(self.annotators, 1)),
                 "Gold", "Agreement"]
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        group = row.group
        column = index.column()
        gold_column = len(self.FIXED) + len(self.annotators)
        if role == Qt.ItemDataRole.BackgroundRole:
            cached = self._tints.get((row.agreement, self.dark))
            if cached is None:
                cached = self._tints[row.agreement, self.dark] = tint(
                    AGREEMENT_COLORS[row.agreement], self.dark, 0.55)
            return cached
        if role == Qt.ItemDataRole.FontRole:
            if group.in_gold is not None and column in (0, gold_column):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            label = group.key[0] if isinstance(group, SpanGroup) else group.key[1][0]
            color = self.colors.get(label)
            return QColor(color) if color else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        tooltip = role == Qt.ItemDataRole.ToolTipRole
        if column == 0:
            if isinstance(group, SpanGroup):
                return group.label
            return f"  → {group.key[0]}"
        if column == 1:
            if tooltip and isinstance(group, RelationGroup):
                _type, source, target = group.key
                return f"{source[0]} “{self.covered(source)}” → {target[0]} " \
                       f"“{self.covered(target)}”"
            return self._summary(group) if tooltip else _short(self._summary(group), 70)
        if column < gold_column:
            text, tip = self._cell(group, self.annotators[column - len(self.FIXED)])
            return tip if tooltip and text else text
        if column == gold_column:
            text, tip = self._cell(group, None)
            return tip if tooltip and text else text
        if column == gold_column + 1:
            marked = group.versions() if isinstance(group, SpanGroup) else group.relations
            if row.agreement == UNANIMOUS:
                return "unanimous"
            if row.agreement == SINGLE:
                return f"only {next(iter(marked))}"
            if isinstance(group, SpanGroup) and group.variants:
                return "boundaries differ"
            if isinstance(group, RelationGroup) and group.ends_differ:
                return "ends differ"
            differ = group.differing_attributes()
            if len(marked) == len(self.annotators) and differ:
                return "differ: " + ", ".join(differ)
            return f"{len(marked)} of {len(self.annotators)}"
        return None


def _replacing(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Attribute values for an update that replaces ``old`` by ``new`` (None clears)."""
    return {**dict.fromkeys(old), **new}


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


# ------------------------------------------------------------------- dialogs


class _AttributeEditors(QWidget):
    """One editor per schema attribute: enum combo, boolean check box, text field."""

    def __init__(self, definitions: Sequence[AttributeDef], values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.definitions = list(definitions)
        self.editors: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for definition in self.definitions:
            value = values.get(definition.name, definition.default)
            editor: QWidget
            if definition.type == "enum":
                combo = QComboBox()
                if not definition.required:
                    combo.addItem("—", None)
                for allowed in definition.values:
                    combo.addItem(allowed, allowed)
                found = combo.findData(value)
                combo.setCurrentIndex(max(found, 0))
                editor = combo
            elif definition.type == "boolean":
                check = QCheckBox()
                check.setChecked(bool(value))
                editor = check
            else:
                line = QLineEdit("" if value is None else str(value))
                editor = line
            editor.setObjectName(f"attribute-{definition.name}")
            editor.setToolTip(definition.description)
            self.editors[definition.name] = editor
            layout.addRow(definition.name + ("*" if definition.required else ""), editor)
        if not self.definitions:
            layout.addRow(QLabel("This label has no attributes."))

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for definition in self.definitions:
            editor = self.editors[definition.name]
            if isinstance(editor, QComboBox):
                value = editor.currentData()
            elif isinstance(editor, QCheckBox):
                value = editor.isChecked()
            else:
                assert isinstance(editor, QLineEdit)
                value = editor.text().strip() or None
            if value is not None:
                result[definition.name] = value
        return result

    def set_value(self, name: str, value: Any) -> None:
        """Sets one editor (used by keyboard users' tests and scripts alike)."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))


class AttributeDialog(QDialog):
    """Edits the attributes of a gold span or relation."""

    def __init__(self, title: str, definitions: Sequence[AttributeDef],
                 values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        self.editors = _AttributeEditors(definitions, values, self)
        layout.addWidget(self.editors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        return self.editors.values()

    def set_value(self, name: str, value: Any) -> None:
        self.editors.set_value(name, value)


class NewGoldSpanDialog(QDialog):
    """Chooses the label (and attributes) of a new gold span over the selected text."""

    def __init__(self, project: Project, covered: str, label: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("New gold span")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"“{_short(covered, 80)}”"))
        form = QFormLayout()
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("label")
        for label_def in project.schema.labels:
            key = f"  ({label_def.key})" if label_def.key else ""
            self.label_combo.addItem(f"{label_def.name}{key}", label_def.name)
        if label is not None and self.label_combo.findData(label) >= 0:
            self.label_combo.setCurrentIndex(self.label_combo.findData(label))
        form.addRow("Label", self.label_combo)
        layout.addLayout(form)
        self._editor_slot = QVBoxLayout()
        layout.addLayout(self._editor_slot)
        self.editors: _AttributeEditors | None = None
        self._rebuild()
        self.label_combo.currentIndexChanged.connect(self._on_label_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def label(self) -> str:
        return str(self.label_combo.currentData())

    def set_label(self, label: str) -> None:
        self.label_combo.setCurrentIndex(self.label_combo.findData(label))

    def values(self) -> dict[str, Any]:
        return self.editors.values() if self.editors is not None else {}

    def _rebuild(self) -> None:
        if self.editors is not None:
            self.editors.deleteLater()
        label_def = self.project.schema.label(self.label())
        definitions = label_def.attributes if label_def is not None else ()
        self.editors = _AttributeEditors(definitions, {}, self)
        self._editor_slot.addWidget(self.editors)

    def _on_label_changed(self, _index: int) -> None:
        self._rebuild()


# ------------------------------------------------------------------- the window


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
    """

    goldChanged = Signal(int)
    statusChanged = Signal(int, str, str)
    documentChanged = Signal(int)

    def __init__(self, project: Project, document_id: int, annotators: list[str] | None = None,
                 curator: str = GOLD, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.curator = curator
        self.fixed_annotators = list(annotators) if annotators is not None else None
        self.document: DocumentView | None = None
        self.comparison: Comparison | None = None
        self._offsets = Utf16Map("")
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
        self.table.horizontalHeader().setResizeContentsPrecision(200)
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

        self._build_actions()
        self.show_document(document_id)
        self.table.setFocus()

    # ------------------------------------------------------------- building

    def _action(self, text: str, shortcuts: Sequence[QKeySequence | str], handler: Any,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.triggered.connect(handler)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.accept_actions = []
        for number in range(1, 10):
            action = self._action(f"Accept version of annotator {number}", [str(number)],
                                  lambda _=False, n=number: self.accept_version(n))
            self.accept_actions.append(action)
        self.accept_unanimous_action = self._action(
            "Accept all unanimous", ["A"], self.accept_all_unanimous,
            "Copy every span and relation all annotators agree on into gold")
        self.reject_action = self._action("Reject (remove from gold)", ["R", "Delete"],
                                          self.reject_selected)
        self.edit_action = self._action("Edit gold attributes…", ["E"], self.edit_selected)
        self.new_action = self._action("New gold span from selection…", ["N"],
                                       self.new_gold_span)
        self.done_action = self._action("Mark gold done / in progress", ["D"],
                                        self.toggle_gold_done)
        self.next_action = self._action("Next document", ["PgDown"],
                                        lambda: self.step_document(1))
        self.previous_action = self._action("Previous document", ["PgUp"],
                                            lambda: self.step_document(-1))
        self.undo_action = self.controller.stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.controller.stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.adjudicate_menu = self.menuBar().addMenu("&Adjudicate")
        document_menu = self.menuBar().addMenu("&Document")
        document_menu.addAction(self.previous_action)
        document_menu.addAction(self.next_action)
        document_menu.addSeparator()
        document_menu.addAction(self.done_action)

    def _fill_adjudicate_menu(self) -> None:
        menu = self.adjudicate_menu
        menu.clear()
        names = self.comparison.annotators if self.comparison else []
        for number, name in enumerate(names[:9], 1):
            action = self.accept_actions[number - 1]
            action.setText(f"Accept {name}'s version")
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.accept_unanimous_action, self.reject_action, self.edit_action,
                       self.new_action):
            menu.addAction(action)

    # ------------------------------------------------------------- documents

    def annotators(self) -> list[str]:
        """The layers compared in the document shown."""
        return list(self.comparison.annotators) if self.comparison else []

    def show_document(self, document_id: int) -> None:
        """Shows another document (keeps the undo history)."""
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
        self._fill_adjudicate_menu()
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

    def _show_document_if_other(self, document_id: int) -> None:
        if self.document is None or document_id != self.document.id:
            self.show_document(document_id)

    def refresh(self) -> None:
        """Re-reads the layers of the document shown, keeping the selected group."""
        with collector_paused():  # tens of thousands of groups and rows at once
            self._refresh()

    def _refresh(self) -> None:
        assert self.document is not None
        selected = self.selected_group()
        row_before = self.table.currentIndex().row()
        annotators = self.fixed_annotators
        if annotators is None:
            annotators = layer_annotators(self.project, self.document.id, self.curator)
        self.comparison = compare(self.project, self.document.id, annotators, self.curator)
        colors = {label.name: label.color for label in self.project.schema.labels}
        self.model.set_comparison(self.comparison, self.document.text, colors,
                                  is_dark(self.palette()))
        self._show_layers()
        header = self.table.horizontalHeader()
        # widths measured once on the first rows (not re-measured on every scroll)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        row = self.model.row_of(selected.key) if selected is not None else None
        if row is None and self.model.rowCount():
            row = min(max(row_before, 0), self.model.rowCount() - 1)
        if row is not None:
            self.select_row(row)
        else:
            self._paint_text(None)
        self._update_header()

    def _show_layers(self) -> None:
        """Gold spans as the article view's layer, the annotators' as dashed outlines.

        The first call for a document sets the content; later ones repaint only the
        paragraphs whose gold spans changed.
        """
        assert self.document is not None and self.comparison is not None
        gold = self.comparison.layers.get(self.curator, [])
        relations = self.project.relations(self.document.id, self.curator)
        versions = {span.id: span.version for span in gold}
        if self.text_view.property("document_id") != self.document.id:
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

    def _update_header(self) -> None:
        assert self.comparison is not None and self.document is not None
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
        self.header.setText(
            f"<span style='font-size:13pt'><b>{_escape(title)}</b></span>"
            f"&nbsp;&nbsp;document {position} of {len(ids)}<br>"
            f"{summary['spans']} span groups: <b>{summary['unanimous']}</b> unanimous, "
            f"<b>{summary['disputed']}</b> disputed, <b>{summary['in_gold']}</b> in gold"
            f" · {len(self.comparison.relations)} relation groups, {relations_in_gold} in gold"
            f" · spans per annotator: {per} · gold layer: <b>{status}</b><br>"
            f"<span style='color:gray'>1–{max(len(self.comparison.annotators), 1)} accept "
            f"version · A accept unanimous · R reject · E edit · N new from selection · "
            f"D gold done · PgUp/PgDn document · Ctrl+Z undo</span>&nbsp;&nbsp;{chips}")

    # ------------------------------------------------------------- selection

    def select_row(self, row: int) -> None:
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

    def _paint_text(self, group: GroupRow | None) -> None:
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
                gold_id = group.in_gold.id if group.in_gold is not None else None
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
        if first is not None:
            self.text_view.scroll_to(first)

    def _on_text_span_selected(self, span_id: int | None) -> None:
        """A click on a gold span in the text selects its row."""
        if span_id is None or getattr(self, "_painting", False):
            return
        for row in range(self.model.rowCount()):
            group = self.model.group(row)
            if isinstance(group, SpanGroup) and group.in_gold is not None and \
                    group.in_gold.id == span_id:
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

    # ------------------------------------------------------------- actions

    def _message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _perform(self, edit: Edit, text: str) -> bool:
        assert self.document is not None
        return self.controller.perform(edit, text, self.document.id) is not None

    def _advance(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount() - 1:
            self.select_row(row + 1)

    def accept_version(self, number: int) -> None:
        """Takes annotator ``number``'s (1-based) version of the selected group into gold."""
        group = self.selected_group()
        names = self.annotators()
        if group is None:
            self._message("Nothing selected.")
            return
        if not 1 <= number <= len(names):
            self._message(f"There is no annotator {number} here "
                          f"(this document has {len(names)}).")
            return
        name = names[number - 1]
        if isinstance(group, SpanGroup):
            done = self._accept_span(group, name)
        else:
            done = self._accept_relation(group, name)
        if done:
            self._advance()

    def _accept_span(self, group: SpanGroup, name: str) -> bool:
        span = group.versions().get(name)
        if span is None:
            self._message(f"{name} did not mark this {group.label}: nothing to take.")
            return False
        if name not in group.spans:  # a near-miss version: its own group, its own extent
            group = next(v for v in group.variants if name in v.spans)
        gold = group.in_gold
        if gold is not None:
            if self._same_attributes(group.label, gold.attributes, span.attributes) and \
                    gold.entity_id == span.entity_id:
                self._message(f"Gold already has {name}'s version of this {group.label}.")
                return False
            if self._perform(UpdateSpan(gold.id,
                                        attributes=_replacing(gold.attributes, span.attributes),
                                        entity_id=span.entity_id,
                                        expected_version=gold.version),
                             f"take {name}'s {group.label} attributes"):
                self._message(f"Gold {group.label} now has {name}'s attributes.")
                return True
            return False
        rival = self._rival_gold_span(group)
        if rival is not None:
            # a competing extent of the same label is in gold: replace it, keeping its
            # relations, so choosing between versions never leaves two golds behind
            if self._perform(UpdateSpan(rival.id, fragments=[list(f) for f in span.fragments],
                                        attributes=_replacing(rival.attributes,
                                                              span.attributes),
                                        entity_id=span.entity_id,
                                        expected_version=rival.version),
                             f"take {name}'s {group.label}"):
                self._message(f"Gold {group.label} {rival.start}–{rival.end} replaced by "
                              f"{name}'s version {group.start}–{group.end}.")
                return True
            return False
        if self._perform(AcceptSpan(span.id, self.curator), f"accept {name}'s {group.label}"):
            self._message(f"Accepted {name}'s {group.label} into gold.")
            return True
        return False

    def _same_attributes(self, name: str, first: dict[str, Any], second: dict[str, Any],
                         relation: bool = False) -> bool:
        """Equal once the schema's defaults fill what either left out."""
        defaults: dict[str, Any] = {}
        if relation:
            relation_def = self.project.schema.relation(name)
            if relation_def is not None:
                defaults = {a.name: a.default for a in relation_def.attributes
                            if a.default is not None}
        else:
            defaults = self.project.schema.default_attributes(name)
        return {**defaults, **first} == {**defaults, **second}

    def _rival_gold_span(self, group: SpanGroup) -> SpanView | None:
        """The one gold span of the same label overlapping ``group`` with other fragments."""
        assert self.comparison is not None
        rivals = [g.in_gold for g in self.comparison.spans
                  if g.in_gold is not None and g.key != group.key and g.label == group.label
                  and g.start < group.end and group.start < g.end]
        gold_keys = {g.key for g in self.comparison.spans if g.in_gold is not None}
        # a gold span no annotator marked (added with N) is not in comparison.spans
        for span in self.project.spans(group.spans[next(iter(group.spans))].document_id,
                                       self.curator):
            key = (span.label, span.fragments)
            if key not in gold_keys and span.label == group.label and \
                    span.start < group.end and group.start < span.end:
                rivals.append(span)
        return rivals[0] if len(rivals) == 1 and rivals[0] is not None else None

    def _accept_relation(self, group: RelationGroup, name: str) -> bool:
        relation = group.relations.get(name)
        if relation is None:
            self._message(f"{name} did not mark this {group.key[0]} relation.")
            return False
        if group.in_gold is not None:
            if self._same_attributes(group.key[0], group.in_gold.attributes,
                                     relation.attributes, relation=True):
                self._message(f"Gold already has this {group.key[0]} relation.")
                return False
            if self._perform(UpdateRelation(group.in_gold.id,
                                            _replacing(group.in_gold.attributes,
                                                       relation.attributes)),
                             f"take {name}'s {group.key[0]} attributes"):
                self._message(f"Gold {group.key[0]} now has {name}'s attributes.")
                return True
            return False
        if self._perform(AcceptRelation(relation.id, self.curator),
                         f"accept {name}'s {group.key[0]}"):
            self._message(f"Accepted {name}'s {group.key[0]} relation (with its spans).")
            return True
        return False

    def accept_all_unanimous(self) -> None:
        """Accepts every unanimous span and relation of the document as one undo step."""
        assert self.document is not None
        try:
            edit = unanimous_edit(self.project, self.document.id, self.annotators(),
                                  self.curator)
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
        group = self.selected_group()
        if group is None:
            return
        if group.in_gold is None:
            self._message("Not in gold: nothing to reject.")
            return
        if isinstance(group, SpanGroup):
            edit: Edit = DeleteSpan(group.in_gold.id)
            what = group.label
        else:
            edit = DeleteRelation(group.in_gold.id)
            what = group.key[0]
        if self._perform(edit, f"reject {what}"):
            self._message(f"Removed the gold {what}.")
            self._advance()

    def edit_selected(self) -> AttributeDialog | None:
        """Opens the attribute editor of the selected group's gold span or relation."""
        group = self.selected_group()
        if group is None:
            return None
        if group.in_gold is None:
            self._message("Not in gold yet: accept a version (1–9) first.")
            return None
        gold = group.in_gold
        if isinstance(group, SpanGroup):
            label_def = self.project.schema.label(group.label)
            definitions = label_def.attributes if label_def else ()
            title = f"Gold {group.label}: “{_short(self.model.covered(group.key), 50)}”"
        else:
            relation_def = self.project.schema.relation(group.key[0])
            definitions = relation_def.attributes if relation_def else ()
            title = f"Gold {group.key[0]} relation"
        if not definitions:
            self._message(f"{title} has no attributes to edit.")
            return None
        dialog = AttributeDialog(title, definitions, dict(gold.attributes), self)
        dialog.setObjectName("gold-attributes")
        dialog.accepted.connect(lambda: self._on_attributes_accepted(group, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_attributes_accepted(self, group: GroupRow, dialog: AttributeDialog) -> None:
        gold = group.in_gold
        assert gold is not None
        values = dialog.values()
        if isinstance(group, SpanGroup):
            assert isinstance(gold, SpanView)
            edit: Edit = UpdateSpan(gold.id, attributes=_replacing(gold.attributes, values),
                                    expected_version=gold.version)
        else:
            edit = UpdateRelation(gold.id, _replacing(gold.attributes, values))
        if self._perform(edit, "edit gold attributes"):
            self._message("Gold attributes changed.")

    def selected_text_range(self) -> tuple[int, int] | None:
        """The text view's selection in code points (snapped to words), without blanks."""
        selected = self.text_view.selected_range()
        if selected is None or self.document is None:
            return None
        start, end = selected
        text = self.document.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def new_gold_span(self) -> NewGoldSpanDialog | None:
        """Opens the label chooser for a new gold span over the text selection."""
        selected = self.selected_text_range()
        if selected is None or self.document is None:
            self._message("Select some text in the document first, then press N.")
            return None
        group = self.selected_group()
        label = group.label if isinstance(group, SpanGroup) else None
        covered = self.document.text[selected[0]:selected[1]]
        dialog = NewGoldSpanDialog(self.project, covered, label, self)
        dialog.setObjectName("new-gold-span")
        dialog.accepted.connect(lambda: self._on_new_span_accepted(selected, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _on_new_span_accepted(self, selected: tuple[int, int],
                              dialog: NewGoldSpanDialog) -> None:
        assert self.document is not None
        label = dialog.label()
        edit = AddSpan(self.document.id, self.curator, label, [selected], dialog.values())
        if self._perform(edit, f"new gold {label}"):
            self._message(f"Added a gold {label} at {selected[0]}–{selected[1]}.")

    def toggle_gold_done(self) -> None:
        """Marks the document's gold layer done, or back in progress when it was."""
        assert self.document is not None
        done = self.project.status(self.document.id, self.curator) == Status.DONE
        status = Status.IN_PROGRESS if done else Status.DONE
        if self._perform(SetStatus(self.document.id, self.curator, status),
                         f"gold {status.replace('_', ' ')}"):
            self._message(f"Gold layer of this document: {status.replace('_', ' ')}.")

    # ------------------------------------------------------------- edit results

    def _on_edit_changed(self, changes: Changes, document_id: int | None) -> None:
        if self.document is None:
            return
        if document_id is not None and document_id != self.document.id:
            self.show_document(document_id)
        else:
            self.refresh()
        shown = self.document.id
        if changes.statuses_changed:
            self.statusChanged.emit(shown, self.curator,
                                    self.project.status(shown, self.curator))
        if changes.spans_added or changes.spans_removed or changes.spans_changed or \
                changes.relations_added or changes.relations_removed or \
                changes.relations_changed:
            self.goldChanged.emit(shown)

    def _on_edit_refused(self, message: str) -> None:
        self._message(message)

    def _on_edit_conflicted(self, _message: str) -> None:
        # someone else changed what the edit touched: show what is stored now
        if self.document is not None:
            self.refresh()


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
