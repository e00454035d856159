"""The document list: title, status for the current annotator, quote and condition counts.

A :class:`DocumentTableModel` holds :class:`~storage.views.DocumentInfo` rows;
:class:`DocumentFilterModel` filters by status and by a search over titles
and (once typed) the documents' text. :class:`DocumentList` is the widget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHeaderView, QWidget

from gui.models import FilteredTable, ModelIndex, RowTableModel, TextFilterModel
from storage.schema import Schema
from storage.views import DocumentInfo
from storage.vocabulary import STATUSES, LabelRole, Status

STATUS_TEXT = {status.value: status.text for status in Status}
STATUS_MARK: dict[str, str] = {Status.NEW: "○", Status.IN_PROGRESS: "◐", Status.DONE: "●"}
STATUS_COLOR: dict[str, str] = {Status.NEW: "#8a8f98", Status.IN_PROGRESS: "#d08b1c",
                                Status.DONE: "#3d9a50"}
UNFINISHED = "unfinished"
"""The status filter's choice of every document not done."""
COUNTED_ROLES = (LabelRole.QUOTE, LabelRole.CONDITION)
"""The label roles counted in a column each (Quotes, Conditions)."""


class DocumentTableModel(RowTableModel[DocumentInfo]):
    """One row per document, in project order."""

    COLUMNS = ("Title", "Status", "Quotes", "Conditions")
    HEADERS = ("Title", "Status", "Q", "C")
    counted: tuple[tuple[str, ...], ...] = tuple((role.capitalize(),) for role in COUNTED_ROLES)
    """The labels counted in each of the last two columns (the schema's quote and
    condition labels; see :meth:`set_schema`)."""
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
    SORT_ROLE = Qt.ItemDataRole.UserRole + 3

    # ------------------------------------------------------------------ API

    set_documents = RowTableModel.set_rows
    info = RowTableModel.item
    documents = RowTableModel.items

    def set_schema(self, schema: Schema) -> None:
        """Counts the labels the schema gives the quote and condition roles."""
        self.counted = tuple(tuple(schema.labels_with_role(role)) for role in COUNTED_ROLES)
        self.set_rows(self._rows)

    def append_documents(self, documents: Sequence[DocumentInfo]) -> None:
        """Adds newly imported documents at the end."""
        known = {info.id for info in self._rows}
        self.insert_rows(len(self._rows), [info for info in documents if info.id not in known])

    def update_document(self, info: DocumentInfo) -> None:
        """Replaces one row (status or counts changed)."""
        row = self.row_of(info.id)
        if row is None:
            self.append_documents([info])
        else:
            self.replace_row(row, info)

    # ------------------------------------------------------------- the cells

    def cell(self, info: DocumentInfo, column: int, role: int) -> Any:
        if role == self.ID_ROLE:
            return info.id
        if role == self.STATUS_ROLE:
            return info.status
        quotes, conditions = (sum(info.counts.get(label, 0) for label in labels)
                              for labels in self.counted)
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
            return (info.title.casefold(), STATUSES.index(info.status)
                    if info.status in STATUS_TEXT else 0, quotes, conditions)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{info.title}\n{info.external_id} · {info.length:,} characters · "
                    f"{STATUS_TEXT.get(info.status, info.status)}"
                    + (" · assigned to you" if info.assigned else ""))
        if role == Qt.ItemDataRole.FontRole and column == 0 and info.assigned:
            font = QFont()
            font.setBold(True)  # assignments come first, and stand out
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(STATUS_COLOR.get(info.status, "#888888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentFilterModel(TextFilterModel):
    """Filters by status and by search text (titles, and texts when given)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DocumentTableModel.SORT_ROLE, parent)
        self._status: str | None = None
        self._needle = ""
        self._text_matches: set[int] | None = None

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
            unfinished = self._status == UNFINISHED and info.status != Status.DONE
            if not unfinished and info.status != self._status:
                return False
        if self._needle:
            if self._needle in info.title.casefold() or self._needle in info.external_id:
                return True
            return self._text_matches is not None and info.id in self._text_matches
        return True


class DocumentList(FilteredTable[DocumentTableModel, DocumentFilterModel]):
    """The left pane: a search box, a status filter (:attr:`choice`) and the document table.

    Signals:
        documentActivated(int): the user chose a document.
    """

    documentActivated = Signal(int)

    def __init__(self, search_texts: Callable[[str], set[int]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(DocumentTableModel(), DocumentFilterModel(),
                         ("documentSearch", "statusFilter", "documentTable"),
                         "Search titles and text…", 28, (8, 4, 4, 8), parent)
        self._search_texts = search_texts
        for text, value in (("All", None), ("Unfinished", UNFINISHED),
                            *((status.text, status.value) for status in Status)):
            self.choice.addItem(text, value)

        self.table.setSortingEnabled(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.search.textChanged.connect(self._on_search_changed)
        self.choice.currentIndexChanged.connect(self._on_status_filter_changed)
        self.table.clicked.connect(self._on_table_clicked)
        self.table.activated.connect(self._on_table_clicked)

    # ------------------------------------------------------------------ API

    def set_documents(self, documents: Sequence[DocumentInfo]) -> None:
        self.model.set_documents(documents)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)

    def select_document(self, document_id: int) -> None:
        """Highlights a document's row without emitting :attr:`documentActivated`."""
        index = self.shown_index(document_id)
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
        self.proxy.set_status(self.choice.currentData())

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.documentActivated.emit(index.data(DocumentTableModel.ID_ROLE))

