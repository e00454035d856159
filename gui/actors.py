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

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from storage.edits import ENTITY_KINDS
from storage.views import DocumentInfo, EntityView, SpanView

ModelIndex = QModelIndex | QPersistentModelIndex
Mention = tuple[DocumentInfo, SpanView, str]


class EntityTableModel(QAbstractTableModel):
    """The registry: one row per actor."""

    COLUMNS = ("Name", "Kind", "Aliases", "KB id", "Mentions")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EntityView] = []

    def set_entities(self, entities: Sequence[EntityView]) -> None:
        self.beginResetModel()
        self._rows = list(entities)
        self.endResetModel()

    def entity(self, row: int) -> EntityView:
        return self._rows[row]

    def row_of(self, entity_id: int) -> int | None:
        for row, entity in enumerate(self._rows):
            if entity.id == entity_id:
                return row
        return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entity = self._rows[index.row()]
        values = (entity.name, entity.kind, ", ".join(entity.aliases), entity.kb_id or "",
                  entity.mentions)
        if role == self.ID_ROLE:
            return entity.id
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            return str(value)
        if role == self.SORT_ROLE:
            value = values[index.column()]
            return value if isinstance(value, int) else str(value).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class MentionTableModel(QAbstractTableModel):
    """The mentions of one actor: document, label and covered text."""

    COLUMNS = ("Document", "Label", "Text")
    DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
    SPAN_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Mention] = []

    def set_mentions(self, mentions: Sequence[Mention]) -> None:
        self.beginResetModel()
        self._rows = list(mentions)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        document, span, text = self._rows[index.row()]
        if role == self.DOCUMENT_ROLE:
            return document.id
        if role == self.SPAN_ROLE:
            return span.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (document.title, span.label, text.replace("\n", " "))[index.column()]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ActorDialog(QDialog):
    """Create or edit one actor: name, kind, aliases, knowledge-base id."""

    def __init__(self, parent: QWidget | None = None, entity: EntityView | None = None,
                 name: str = "", kind: str = "person") -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Actor" if entity else "New Actor")
        self.name_edit = QLineEdit(entity.name if entity else name)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(ENTITY_KINDS))
        self.kind_combo.setCurrentText(entity.kind if entity else kind)
        self.aliases_edit = QLineEdit(", ".join(entity.aliases) if entity else "")
        self.aliases_edit.setPlaceholderText("comma-separated: the president, Varnay")
        self.kb_edit = QLineEdit(entity.kb_id or "" if entity else "")
        self.kb_edit.setPlaceholderText("e.g. a Wikidata id")
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Kind:", self.kind_combo)
        form.addRow("&Aliases:", self.aliases_edit)
        form.addRow("KB &id:", self.kb_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
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
        self.model = EntityTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(EntityTableModel.SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.mention_model = MentionTableModel(self)

        self.filter = QLineEdit()
        self.filter.setObjectName("actorFilter")
        self.filter.setPlaceholderText("Filter actors…")
        self.filter.setClearButtonEnabled(True)
        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setToolTip("Select two actors (Ctrl+click), then merge the second "
                                     "into the first; their mentions follow")
        self.delete_button = QPushButton("Delete")
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.filter, 1)
        for button in (self.new_button, self.edit_button, self.merge_button,
                       self.delete_button):
            buttons.addWidget(button)

        self.table = QTableView()
        self.table.setObjectName("actorTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 170)
        self.table.horizontalHeader().resizeSection(1, 100)

        self.mentions_title = QLabel("Mentions")
        self.mentions_title.setObjectName("sectionTitle")
        self.mention_table = QTableView()
        self.mention_table.setObjectName("mentionTable")
        self.mention_table.setModel(self.mention_model)
        self.mention_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mention_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mention_table.verticalHeader().hide()
        self.mention_table.verticalHeader().setDefaultSectionSize(26)
        self.mention_table.setShowGrid(False)
        self.mention_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.mention_table.horizontalHeader().resizeSection(0, 220)
        self.mention_table.setWordWrap(False)
        self.mention_table.setToolTip("Double-click a mention to open its document at it")

        mentions_box = QWidget()
        mentions_layout = QVBoxLayout(mentions_box)
        mentions_layout.setContentsMargins(0, 4, 0, 0)
        mentions_layout.setSpacing(4)
        mentions_layout.addWidget(self.mentions_title)
        mentions_layout.addWidget(self.mention_table)
        actors_box = QWidget()
        actors_layout = QVBoxLayout(actors_box)
        actors_layout.setContentsMargins(0, 4, 0, 0)
        actors_layout.setSpacing(4)
        actors_title = QLabel("ACTORS")
        actors_title.setObjectName("sectionTitle")
        actors_layout.addWidget(actors_title)
        actors_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(actors_box)
        splitter.addWidget(mentions_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

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
        row = self.model.row_of(entity_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
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
        dialog = ActorDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.createRequested.emit(dialog.values())

    def _on_edit_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        row = self.model.row_of(ids[0])
        if row is None:
            return
        dialog = ActorDialog(self, self.model.entity(row))
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
