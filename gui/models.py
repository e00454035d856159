"""What the GUI's read-only tables share: a row model, a filter proxy, a table view.

:class:`RowTableModel` holds one frozen view (or tuple) per row with the
columns declared once in ``COLUMNS``; subclasses only say what a cell shows
(:meth:`RowTableModel.cell`). Row-level changes go through
:meth:`~RowTableModel.insert_rows`, :meth:`~RowTableModel.remove_row` and
:meth:`~RowTableModel.replace_row`, which emit the begin/end signals views
and proxies rely on. :class:`FilteredTable` is the pane around them: a search
box and a choice filter above the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QTableView, QWidget

from gui.dialogs.layout import stack, tool_row

ModelIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """A flat, read-only table: one item per row, columns named in ``COLUMNS``.

    ``HEADERS``, when set, are shorter header texts; the full ``COLUMNS`` names
    are then the headers' tooltips.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ()
    HEADERS: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    # ------------------------------------------------------------------ API

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replaces every row (a model reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> Row:
        return self._rows[row]

    def items(self) -> list[Row]:
        return list(self._rows)

    def key(self, item: Row) -> Any:
        """The id :meth:`row_of` looks rows up by (``item.id`` by default)."""
        return getattr(item, "id", None)

    def row_of(self, key: Any) -> int | None:
        for row, item in enumerate(self._rows):
            if self.key(item) == key:
                return row
        return None

    def insert_rows(self, at: int, items: Sequence[Row]) -> None:
        if not items:
            return
        self.beginInsertRows(QModelIndex(), at, at + len(items) - 1)
        self._rows[at:at] = items
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def replace_row(self, row: int, item: Row) -> None:
        self._rows[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def cell(self, item: Row, column: int, role: int) -> Any:
        """What one cell shows for ``role`` (subclasses override)."""
        return None

    # ------------------------------------------------------ Qt model methods

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return (self.HEADERS or self.COLUMNS)[section]
            if role == Qt.ItemDataRole.ToolTipRole and self.HEADERS:
                return self.COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TextFilterModel(QSortFilterProxyModel):
    """A proxy sorting by ``sort_role`` and filtering by text in any column, any case."""

    def __init__(self, sort_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(sort_role)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


def proxy_index(proxy: QSortFilterProxyModel, key: Any) -> QModelIndex:
    """The proxy's index of the row whose item has ``key`` (invalid if absent or hidden)."""
    model = proxy.sourceModel()
    row = model.row_of(key) if isinstance(model, RowTableModel) else None
    return QModelIndex() if row is None else proxy.mapFromSource(model.index(row, 0))


def search_field(name: str, placeholder: str, parent: QWidget | None = None) -> QLineEdit:
    """A filter box with a clear button."""
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    return field


def table_view(name: str, model: QAbstractItemModel, row_height: int,
               parent: QWidget | None = None, *,
               selection: QAbstractItemView.SelectionMode | None =
               QAbstractItemView.SelectionMode.SingleSelection,
               word_wrap: bool = False, highlight_sections: bool = False) -> QTableView:
    """A read-only table of whole rows without grid or row numbers.

    ``selection`` None keeps Qt's default selection mode.
    """
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if selection is not None:
        table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.setShowGrid(False)
    table.setWordWrap(word_wrap)
    table.horizontalHeader().setHighlightSections(highlight_sections)
    return table


Model = TypeVar("Model", bound=RowTableModel[Any])
Proxy = TypeVar("Proxy", bound=TextFilterModel)


class FilteredTable(QWidget, Generic[Model, Proxy]):
    """A pane: a search box and a choice filter (:attr:`choice`) above a table that
    shows ``model`` through the filter proxy ``proxy`` (both become the pane's children).

    The subclass fills :attr:`choice` and wires both filters to its proxy.
    """

    def __init__(self, model: Model, proxy: Proxy, names: tuple[str, str, str],
                 placeholder: str, row_height: int, margins: tuple[int, int, int, int],
                 parent: QWidget | None = None) -> None:
        """``names`` are the object names of the search box, the choice and the table."""
        super().__init__(parent)
        search_name, choice_name, table_name = names
        self.model = model
        self.proxy = proxy
        model.setParent(self)
        proxy.setParent(self)
        proxy.setSourceModel(model)
        self.search = search_field(search_name, placeholder, self)
        self.choice = QComboBox(self)
        self.choice.setObjectName(choice_name)
        self.table = table_view(table_name, self.proxy, row_height, self)
        stack(self, tool_row(self.search, self.choice), (self.table, 1), margins=margins,
              spacing=6)

    def shown_index(self, key: Any) -> QModelIndex:
        """The table's index of the row whose item has ``key`` (invalid if absent or hidden)."""
        return proxy_index(self.proxy, key)
