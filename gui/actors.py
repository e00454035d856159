"""The actor registry dock: canonical actors, their aliases, and every mention.

The widget lists actors (name, kind, aliases, knowledge-base id, mentions),
lets the user create, edit, merge and delete them, and shows the mentions of
the selected actor across documents. It only emits requests; the main window
turns them into undoable edits (CreateEntity, UpdateEntity, MergeEntities,
DeleteEntity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QWidget,
)

from gui.dialogs.layout import button_box, form, stack, tool_row
from gui.models import RowTableModel, TextFilterModel, proxy_index, search_field, table_view
from storage.views import DocumentInfo, EntityView, SpanView
from storage.vocabulary import ACTOR_KINDS

Mention = tuple[DocumentInfo, SpanView, str]


class EntityTableModel(RowTableModel[EntityView]):
    """The registry: one row per actor."""

    COLUMNS = ("Name", "Kind", "Aliases", "KB id", "Mentions")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2

    set_entities = RowTableModel.set_rows
    entity = RowTableModel.item

    def cell(self, entity: EntityView, column: int, role: int) -> Any:
        values = (entity.name, entity.kind, ", ".join(entity.aliases), entity.kb_id or "",
                  entity.mentions)
        if role == self.ID_ROLE:
            return entity.id
        if role == Qt.ItemDataRole.DisplayRole:
            return str(values[column])
        if role == self.SORT_ROLE:
            value = values[column]
            return value if isinstance(value, int) else str(value).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MentionTableModel(RowTableModel[Mention]):
    """The mentions of one actor: document, label and covered text."""

    COLUMNS = ("Document", "Label", "Text")
    DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
    SPAN_ROLE = Qt.ItemDataRole.UserRole + 2

    set_mentions = RowTableModel.set_rows

    def cell(self, mention: Mention, column: int, role: int) -> Any:
        document, span, text = mention
        if role == self.DOCUMENT_ROLE:
            return document.id
        if role == self.SPAN_ROLE:
            return span.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (document.title, span.label, text.replace("\n", " "))[column]
        return None


class ActorDialog(QDialog):
    """Create or edit one actor: name, kind, aliases, knowledge-base id."""

    def __init__(self, parent: QWidget | None = None, entity: EntityView | None = None,
                 name: str = "", kinds: Sequence[str] = ACTOR_KINDS) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Actor" if entity else "New Actor")
        self.name_edit = QLineEdit(entity.name if entity else name)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(kinds))
        self.kind_combo.setCurrentText(entity.kind if entity else kinds[0])
        self.aliases_edit = QLineEdit(", ".join(entity.aliases) if entity else "")
        self.aliases_edit.setPlaceholderText("comma-separated: the president, Varnay")
        self.kb_edit = QLineEdit(entity.kb_id or "" if entity else "")
        self.kb_edit.setPlaceholderText("e.g. a Wikidata id")
        stack(self, form(("&Name:", self.name_edit), ("&Kind:", self.kind_combo),
                         ("&Aliases:", self.aliases_edit), ("KB &id:", self.kb_edit)),
              button_box(self))
        self.resize(420, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        aliases = [a.strip() for a in self.aliases_edit.text().split(",") if a.strip()]
        return {"name": self.name_edit.text().strip(), "kind": self.kind_combo.currentText(),
                "aliases": aliases, "kb_id": self.kb_edit.text().strip() or None}


class ActorRegistry(QWidget):
    """The registry dock.

    Signals:
        createRequested(dict): name, kind, aliases, kb_id of a new actor.
        updateRequested(int, dict): new field values of an actor.
        mergeRequested(int, int): kept id, merged id.
        deleteRequested(int): actor id.
        mentionActivated(int, int): document id, span id (double-click on a mention).
    """

    createRequested = Signal(dict)
    updateRequested = Signal(int, dict)
    mergeRequested = Signal(int, int)
    deleteRequested = Signal(int)
    mentionActivated = Signal(int, int)

    def __init__(self, mentions: Callable[[int], list[Mention]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mentions_source = mentions
        self.kinds: tuple[str, ...] = ACTOR_KINDS
        """The kinds the schema allows (the window sets the project schema's)."""
        self.model = EntityTableModel(self)
        self.proxy = TextFilterModel(EntityTableModel.SORT_ROLE, self)
        self.proxy.setSourceModel(self.model)
        self.mention_model = MentionTableModel(self)

        self.filter = search_field("actorFilter", "Filter actors…")
        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setToolTip("Select two actors (Ctrl+click), then merge the second "
                                     "into the first; their mentions follow")
        self.delete_button = QPushButton("Delete")
        buttons = tool_row(self.filter, self.new_button, self.edit_button, self.merge_button,
                           self.delete_button)

        self.table = table_view("actorTable", self.proxy, 26, word_wrap=True,
                                selection=QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 170)
        self.table.horizontalHeader().resizeSection(1, 100)

        self.mentions_title = QLabel("Mentions")
        self.mentions_title.setObjectName("sectionTitle")
        self.mention_table = table_view("mentionTable", self.mention_model, 26,
                                        selection=None, highlight_sections=True)
        self.mention_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.mention_table.horizontalHeader().resizeSection(0, 220)
        self.mention_table.setToolTip("Double-click a mention to open its document at it")

        mentions_box = QWidget()
        stack(mentions_box, self.mentions_title, self.mention_table, margins=(0, 4, 0, 0),
              spacing=4)
        actors_box = QWidget()
        actors_title = QLabel("ACTORS")
        actors_title.setObjectName("sectionTitle")
        stack(actors_box, actors_title, self.table, margins=(0, 4, 0, 0), spacing=4)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(actors_box)
        splitter.addWidget(mentions_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        stack(self, buttons, (splitter, 1), margins=(8, 6, 8, 8), spacing=6)

        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._on_edit_clicked())
        self.mention_table.doubleClicked.connect(self._on_mention_double_clicked)
        self._on_selection_changed()

    # ------------------------------------------------------------------ API

    def set_entities(self, entities: Sequence[EntityView]) -> None:
        """Reloads the registry, keeping the selection where possible."""
        selected = self.selected_ids()
        self.model.set_entities(entities)
        for entity_id in selected:
            self.select_entity(entity_id, add=True)
        self._on_selection_changed()

    def selected_ids(self) -> list[int]:
        """Selected actor ids, the current row first."""
        rows = self.table.selectionModel().selectedRows()
        ids = [index.data(EntityTableModel.ID_ROLE) for index in rows]
        current = self.table.currentIndex()
        if current.isValid():
            current_id = current.siblingAtColumn(0).data(EntityTableModel.ID_ROLE)
            if current_id in ids:
                ids.remove(current_id)
                ids.insert(0, current_id)
        return ids

    def select_entity(self, entity_id: int, add: bool = False) -> None:
        index = proxy_index(self.proxy, entity_id)
        if not index.isValid():
            return
        from PySide6.QtCore import QItemSelectionModel

        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if add else
            QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.selectionModel().select(index, flags)
        if not add:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.table.scrollTo(index)

    def refresh_mentions(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            mentions = self.mentions_source(ids[0])
            self.mention_model.set_mentions(mentions)
            entity = self.model.entity(self.model.row_of(ids[0]) or 0)
            self.mentions_title.setText(f"MENTIONS OF {entity.name.upper()} ({len(mentions)})")
        else:
            self.mention_model.set_mentions([])
            self.mentions_title.setText("MENTIONS")

    # ------------------------------------------------------------- handlers

    def _on_selection_changed(self, *_args: object) -> None:
        count = len(self.selected_ids())
        self.edit_button.setEnabled(count == 1)
        self.delete_button.setEnabled(count == 1)
        self.merge_button.setEnabled(count == 2)
        self.refresh_mentions()

    def _on_new_clicked(self) -> None:
        dialog = ActorDialog(self, kinds=self.kinds)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.createRequested.emit(dialog.values())

    def _on_edit_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        row = self.model.row_of(ids[0])
        if row is None:
            return
        dialog = ActorDialog(self, self.model.entity(row), kinds=self.kinds)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.updateRequested.emit(ids[0], dialog.values())

    def _on_merge_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2:
            return
        first = self.model.entity(self.model.row_of(ids[0]) or 0)
        second = self.model.entity(self.model.row_of(ids[1]) or 0)
        box = QMessageBox(self)
        box.setWindowTitle("Merge Actors")
        box.setText(f"Merge “{second.name}” into “{first.name}”?")
        box.setInformativeText(f"The {second.mentions} mention(s) of “{second.name}” will link "
                               f"to “{first.name}”, and “{second.name}” becomes an alias. "
                               "Undo with Ctrl+Z.")
        keep_first = box.addButton(f"Keep “{first.name}”", QMessageBox.ButtonRole.AcceptRole)
        keep_second = box.addButton(f"Keep “{second.name}”", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is keep_first:
            self.mergeRequested.emit(first.id, second.id)
        elif box.clickedButton() is keep_second:
            self.mergeRequested.emit(second.id, first.id)

    def _on_delete_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.deleteRequested.emit(ids[0])

    def _on_mention_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.mentionActivated.emit(index.data(MentionTableModel.DOCUMENT_ROLE),
                                       index.data(MentionTableModel.SPAN_ROLE))
