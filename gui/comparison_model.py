"""The comparison view's table: one row per group of annotations, built as it scrolls.

A long document has tens of thousands of groups; the model holds them all but
hands the view only the rows it has fetched (``canFetchMore``/``fetchMore``,
:data:`FETCH_ROWS` at a time). When the whole comparison arrives after its
first part, or after an edit of the gold layer, rows are updated in place
(``dataChanged``), so the selection and the scroll position stay where they were.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from gui.theme import tint
from storage.adjudication import (
    DISPUTED,
    SINGLE,
    UNANIMOUS,
    Comparison,
    GroupKey,
    RelationGroup,
    SpanGroup,
    ordered_groups,
    span_key,
)
from storage.records import FRAGMENT_JOINER

__all__ = ["AGREEMENT_COLORS", "FETCH_ROWS", "ComparisonModel", "GroupRow", "agreement_of",
           "rows_by_key", "short"]

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


def rows_by_key(groups: Sequence[GroupRow]) -> dict[GroupKey, int]:
    """Row number of each group (Qt-free: a worker may compute it)."""
    return {group.key: row for row, group in enumerate(groups)}


#: Rows handed to the view per fetch (a screenful is ~30).
FETCH_ROWS = 200


class ComparisonModel(QAbstractTableModel):
    """Groups of one document: label, text, one column per annotator, gold, agreement."""

    FIXED = ("Label", "Text")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[GroupRow] = []
        self.annotators: list[str] = []
        self.text = ""
        self.colors: dict[str, str] = {}
        self.dark = False
        self._shown = 0
        self._changing = False
        self._rows_by_key: dict[GroupKey, int] | None = None
        self._tints: dict[tuple[str, bool], QColor] = {}

    def set_comparison(self, comparison: Comparison, text: str, colors: dict[str, str],
                       dark: bool, groups: list[GroupRow] | None = None) -> None:
        """Replaces the rows: span groups in text order, each followed by its relations.

        Args:
            groups: The rows already ordered (:func:`storage.adjudication.ordered_groups`,
                e.g. by a background worker); ordered here when None.
        """
        self.beginResetModel()
        self.annotators = list(comparison.annotators)
        self.text = text
        self.colors = colors
        self.dark = dark
        self.groups = ordered_groups(comparison) if groups is None else groups
        self._rows_by_key = None
        self._shown = min(len(self.groups), FETCH_ROWS)
        self.endResetModel()

    def extend_comparison(self, comparison: Comparison, groups: list[GroupRow],
                          rows: dict[GroupKey, int] | None = None) -> None:
        """Takes the whole comparison after its first part: the rows shown stay (updated
        in place) where they are the same groups, the rest arrive as the view scrolls.

        Args:
            rows: :func:`rows_by_key` of ``groups`` when computed already (by the worker).
        """
        shown = self._shown
        same = 0
        while same < shown and same < len(groups) and \
                groups[same].key == self.groups[same].key:
            same += 1
        if same < shown:  # the part differed from the whole here: those rows go
            self._changing = True  # no fetch while rows change (views ask meanwhile)
            self.beginRemoveRows(QModelIndex(), same, shown - 1)
            self._shown = same
            self.endRemoveRows()
            self._changing = False
        self.annotators = list(comparison.annotators)
        self.groups = groups
        self._rows_by_key = rows
        if same:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(same - 1, self.columnCount() - 1))
        self.ensure_fetched(min(max(shown, FETCH_ROWS), len(groups)) - 1)

    def refresh_keys(self, keys: Collection[GroupKey]) -> None:
        """Repaints the rows of these groups (their gold version changed in place)."""
        for key in keys:
            row = self.row_of(key)
            if row is not None and row < self._shown:
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, self.columnCount() - 1))

    def total_rows(self) -> int:
        """Every row, fetched or not."""
        return len(self.groups)

    def ensure_fetched(self, row: int) -> None:
        """Hands the view every row up to ``row`` (to select a row further down)."""
        row = min(row, len(self.groups) - 1)
        if row >= self._shown and not self._changing:
            self._changing = True
            self.beginInsertRows(QModelIndex(), self._shown, row)
            self._shown = row + 1
            self.endInsertRows()
            self._changing = False

    def group(self, row: int) -> GroupRow:
        return self.groups[row]

    def row_of(self, key: Any) -> int | None:
        """The row of a group (fetched or not), or None."""
        if self._rows_by_key is None:
            self._rows_by_key = rows_by_key(self.groups)
        return self._rows_by_key.get(key)

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
            marked = group.row_gold
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
            summary = ", ".join(f"{name}={short(str(values.get(name, '—')), 12)}"
                                for name in differ)
        if isinstance(group, SpanGroup):
            moved = group.boundary_difference(annotator) if annotator is not None else \
                group.extent_difference(marked) if span_key(marked) != group.key else ""
            if moved:
                covered = self.covered(span_key(marked))
                summary = f"{moved} “{short(covered, 24)}”" + (f"; {summary}" if summary
                                                                else "")
                tip = f"{annotator or 'gold'} has “{covered}” ({moved})\n{tip}"
        return (f"{mark} {summary}" if summary else mark), tip

    # Qt overrides

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self.annotators) + 2

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self._changing and self._shown < len(self.groups)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self.ensure_fetched(self._shown + FETCH_ROWS - 1)

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
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        group = self.groups[index.row()]
        agreement = group.agreement(self.annotators)
        column = index.column()
        gold_column = len(self.FIXED) + len(self.annotators)
        if role == Qt.ItemDataRole.BackgroundRole:
            cached = self._tints.get((agreement, self.dark))
            if cached is None:
                cached = self._tints[agreement, self.dark] = tint(
                    AGREEMENT_COLORS[agreement], self.dark, 0.55)
            return cached
        if role == Qt.ItemDataRole.FontRole:
            if group.row_gold is not None and column in (0, gold_column):
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
            return self._summary(group) if tooltip else short(self._summary(group), 70)
        if column < gold_column:
            text, tip = self._cell(group, self.annotators[column - len(self.FIXED)])
            return tip if tooltip and text else text
        if column == gold_column:
            text, tip = self._cell(group, None)
            return tip if tooltip and text else text
        if column == gold_column + 1:
            marked = group.versions() if isinstance(group, SpanGroup) else group.relations
            if agreement == UNANIMOUS:
                return "unanimous"
            if agreement == SINGLE:
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


def short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
