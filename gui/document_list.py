"""The document list: title, status for the current annotator, quote and condition counts.

A :class:`DocumentTableModel` holds :class:`~storage.views.DocumentInfo` rows;
:class:`DocumentFilterModel` filters by status and by a search over titles
and (once typed) the documents' text. :class:`DocumentList` is the widget.
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
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from storage.views import DocumentInfo

STATUS_TEXT = {"new": "New", "in_progress": "In progress", "done": "Done"}
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●"}
STATUS_COLOR = {"new": "#8a8f98", "in_progress": "#d08b1c", "done": "#3d9a50"}

ModelIndex = QModelIndex | QPersistentModelIndex


class DocumentTableModel(QAbstractTableModel):
    """One row per document, in project order."""

    COLUMNS = ("Title", "Status", "Quotes", "Conditions")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
    SORT_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DocumentInfo] = []

    # ------------------------------------------------------------------ API

    def set_documents(self, documents: Sequence[DocumentInfo]) -> None:
        self.beginResetModel()
        self._rows = list(documents)
        self.endResetModel()

    def append_documents(self, documents: Sequence[DocumentInfo]) -> None:
        """Adds newly imported documents at the end."""
        known = {info.id for info in self._rows}
        fresh = [info for info in documents if info.id not in known]
        if not fresh:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(fresh) - 1)
        self._rows.extend(fresh)
        self.endInsertRows()

    def update_document(self, info: DocumentInfo) -> None:
        """Replaces one row (status or counts changed)."""
        row = self.row_of(info.id)
        if row is None:
            self.append_documents([info])
            return
        self._rows[row] = info
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, document_id: int) -> int | None:
        for row, info in enumerate(self._rows):
            if info.id == document_id:
                return row
        return None

    def info(self, row: int) -> DocumentInfo:
        return self._rows[row]

    def documents(self) -> list[DocumentInfo]:
        return list(self._rows)

    # ------------------------------------------------------ Qt model methods

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section] if section < 2 else \
                    ("Q" if section == 2 else "C")
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = index.column()
        if role == self.ID_ROLE:
            return info.id
        if role == self.STATUS_ROLE:
            return info.status
        quotes = info.counts.get("Quote", 0)
        conditions = info.counts.get("Condition", 0)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return info.title
            if column == 1:
                return f"{STATUS_MARK.get(info.status, '')} {STATUS_TEXT.get(info.status, '')}"
            if column == 2:
                return str(quotes) if quotes else ""
            if column == 3:
                return str(conditions) if conditions else ""
        if role == self.SORT_ROLE:
            return (info.title.casefold(), ("new", "in_progress", "done").index(info.status)
                    if info.status in STATUS_TEXT else 0, quotes, conditions)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{info.title}\n{info.external_id} · {info.length:,} characters · "
                    f"{STATUS_TEXT.get(info.status, info.status)}")
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(STATUS_COLOR.get(info.status, "#888888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class DocumentFilterModel(QSortFilterProxyModel):
    """Filters by status and by search text (titles, and texts when given)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: str | None = None
        self._needle = ""
        self._text_matches: set[int] | None = None
        self.setSortRole(DocumentTableModel.SORT_ROLE)

    def set_status(self, status: str | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange()

    def set_search(self, needle: str, text_matches: set[int] | None = None) -> None:
        """Shows documents whose title contains ``needle`` or whose id is in ``text_matches``."""
        self.beginFilterChange()
        self._needle = needle.casefold().strip()
        self._text_matches = text_matches
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, DocumentTableModel):
            return True
        info = model.info(source_row)
        if self._status is not None:
            unfinished = self._status == "unfinished" and info.status != "done"
            if not unfinished and info.status != self._status:
                return False
        if self._needle:
            if self._needle in info.title.casefold() or self._needle in info.external_id:
                return True
            return self._text_matches is not None and info.id in self._text_matches
        return True


class DocumentList(QWidget):
    """The left pane: a search box, a status filter and the document table.

    Signals:
        documentActivated(int): the user chose a document.
    """

    documentActivated = Signal(int)

    def __init__(self, search_texts: Callable[[str], set[int]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search_texts = search_texts
        self.model = DocumentTableModel(self)
        self.proxy = DocumentFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search titles and text…")
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("documentSearch")
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        for text, value in (("All", None), ("Unfinished", "unfinished"), ("New", "new"),
                            ("In progress", "in_progress"), ("Done", "done")):
            self.status_filter.addItem(text, value)

        self.table = QTableView(self)
        self.table.setObjectName("documentTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setHighlightSections(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(6)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 8)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._on_search_changed)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter_changed)
        self.table.clicked.connect(self._on_table_clicked)
        self.table.activated.connect(self._on_table_clicked)

    # ------------------------------------------------------------------ API

    def set_documents(self, documents: Sequence[DocumentInfo]) -> None:
        self.model.set_documents(documents)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    def select_document(self, document_id: int) -> None:
        """Highlights a document's row without emitting :attr:`documentActivated`."""
        row = self.model.row_of(document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.blockSignals(True)
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
            self.table.blockSignals(False)

    def visible_ids(self) -> list[int]:
        """Document ids in the order shown."""
        return [self.proxy.index(r, 0).data(DocumentTableModel.ID_ROLE)
                for r in range(self.proxy.rowCount())]

    # ------------------------------------------------------------- handlers

    def _on_search_changed(self, text: str) -> None:
        matches = None
        if self._search_texts is not None and len(text.strip()) >= 3:
            matches = self._search_texts(text)
        self.proxy.set_search(text, matches)

    def _on_status_filter_changed(self, _index: int) -> None:
        self.proxy.set_status(self.status_filter.currentData())

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.documentActivated.emit(index.data(DocumentTableModel.ID_ROLE))

