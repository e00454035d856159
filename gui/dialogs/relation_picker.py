"""The relation target picker: a small panel over the text listing likely targets.

It opens when the user presses a relation's key with a source span selected.
Entries are marked spans and, for a speaker or holder, mentions not marked yet
(see :mod:`suggest.speakers`), the likeliest first; each shows its context and
paragraph so two mentions with the same words can be told apart. Typing
filters them (and offers the typed words where they occur in the text, to be
marked); Up/Down move, Enter picks, Esc cancels. While it is open, clicking
an allowed span in the text picks it as well (the main window handles that).

The list is a lazy model: rows are drawn from the entries when shown, so a
document with thousands of candidates opens the picker as fast as a short one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
#: rows a list view is given at first and per scroll to its end (fetchMore)
ROWS_PER_FETCH = 60

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PickerEntry:
    """One target to pick.

    Attributes:
        label: the label it has (or will get when picked).
        color: that label's colour.
        text: the mention as written.
        marked: a stored span (False: picking it marks it first).
        paragraph: its paragraph number (0: unknown).
        note: why it is offered (``"X said"``, ``"new"``…), shown after the mention.
        payload: what the main window needs to act on it (a span id, a candidate).
    """

    label: str
    color: str
    text: str
    marked: bool
    paragraph: int = 0
    note: str = ""
    payload: Any = None

    @property
    def before(self) -> str:
        """The words before the mention: the payload's ``before``, read when drawn."""
        return str(getattr(self.payload, "before", ""))

    @property
    def after(self) -> str:
        return str(getattr(self.payload, "after", ""))

    @property
    def shown(self) -> str:
        """The entry on one line, as tests and the accessibility layer read it."""
        state = "" if self.marked else " (new)"
        where = f" · ¶{self.paragraph}" if self.paragraph else ""
        return f"{self.label}: {self.text}{state}{where}"


class PickerModel(QAbstractListModel):
    """The entries, filtered by the typed text; typed words found in the text follow.

    An entry may be made from its target only when a row or the filter first asks
    for it (``make``, see :meth:`set_entries`), then kept.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._targets: Sequence[Any] = []
        self._make: Callable[[Any], PickerEntry] | None = None
        self._made: dict[int, PickerEntry] = {}
        self._rows: list[int] = []
        self._typed: list[PickerEntry] = []
        self._find_typed: Callable[[str], list[PickerEntry]] | None = None
        self._fetched = 0  # rows handed to views so far: the rest as they scroll

    def total_rows(self) -> int:
        """Every row the entries and the filter give (views see them as they scroll)."""
        return len(self._rows) + len(self._typed)

    def set_entries(self, targets: Sequence[Any],
                    find_typed: Callable[[str], list[PickerEntry]] | None = None,
                    make: Callable[[Any], PickerEntry] | None = None) -> None:
        """Lists ``targets``: the entries themselves, or what ``make`` makes an entry of.

        ``find_typed`` offers the typed words where they occur in the text.
        """
        self.beginResetModel()
        self._targets = targets
        self._make = make
        self._made = {}
        self._rows = list(range(len(targets)))
        self._typed = []
        self._find_typed = find_typed
        self._fetched = min(ROWS_PER_FETCH, self.total_rows())
        self.endResetModel()

    def _entry_at(self, index: int) -> PickerEntry:
        """The entry of the target at ``index`` (with ``make``, made once, at the first call)."""
        if self._make is None:
            entry: PickerEntry = self._targets[index]
            return entry
        made = self._made.get(index)
        if made is None:
            made = self._made[index] = self._make(self._targets[index])
        return made

    def _filtered(self, text: str) -> tuple[list[int], list[PickerEntry]]:
        needle = " ".join(text.casefold().split())
        if not needle:
            return list(range(len(self._targets))), []
        rows = [i for i in range(len(self._targets))
                if needle in self._entry_at(i).text.casefold()]
        typed = self._find_typed(text) if self._find_typed is not None else []
        if not typed:
            return rows, []
        # typed words inside an entry already listed ("Dunn" of "Sela Dunn") are not offered
        listed = [(e.payload.start, e.payload.end) for e in map(self._entry_at, rows)
                  if hasattr(e.payload, "start")]
        return rows, [e for e in typed if not any(
            a < e.payload.end and e.payload.start < b for a, b in listed)]

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._rows, self._typed = self._filtered(text)
        self._fetched = min(ROWS_PER_FETCH, self.total_rows())
        self.endResetModel()

    def first_for(self, text: str) -> PickerEntry | None:
        """The entry that would come first with ``text`` typed (the list is left as it is)."""
        rows, typed = self._filtered(text)
        if rows:
            return self._entry_at(rows[0])
        return typed[0] if typed else None

    def entry(self, row: int) -> PickerEntry | None:
        if 0 <= row < len(self._rows):
            return self._entry_at(self._rows[row])
        row -= len(self._rows)
        if 0 <= row < len(self._typed):
            return self._typed[row]
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._fetched

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._fetched < self.total_rows()

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid():
            return
        more = min(ROWS_PER_FETCH, self.total_rows() - self._fetched)
        if more > 0:
            self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + more - 1)
            self._fetched += more
            self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.shown
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.before}{entry.text}{entry.after}"
        if role == ENTRY_ROLE:
            return entry
        return None


class EntryDelegate(QStyledItemDelegate):
    """Two lines per entry: swatch, mention, why; then paragraph and context, dimmed."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        entry = index.data(ENTRY_ROLE)
        if not isinstance(entry, PickerEntry):
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(rect, palette.highlight())
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected
                                   else QPalette.ColorRole.Text)
        dim = QColor(text_color)
        dim.setAlphaF(0.62)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        swatch = QRect(rect.left() + 6, rect.top() + 5 + (line - 10) // 2, 10, 10)
        color = QColor(entry.color)
        if entry.marked:
            painter.fillRect(swatch, color)
        else:  # not marked yet: an outline
            painter.setPen(QPen(color, 2))
            painter.drawRect(swatch.adjusted(1, 1, -1, -1))
        left = swatch.right() + 8
        width = rect.right() - left - 6
        font = painter.font()
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        first = QRect(left, rect.top() + 4, width, line)
        mention = QFontMetrics(bold).elidedText(entry.text, Qt.TextElideMode.ElideRight,
                                                width * 2 // 3)
        painter.drawText(first, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         mention)
        used = QFontMetrics(bold).horizontalAdvance(mention)
        painter.setFont(font)
        painter.setPen(dim)
        notes = [entry.label if entry.marked else "new"]
        if entry.note:
            notes.append(entry.note)
        painter.drawText(first.adjusted(used + 8, 0, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(" · ".join(notes), Qt.TextElideMode.ElideRight,
                                            max(0, width - used - 8)))
        second = QRect(left, rect.top() + 4 + line, width, line)
        where = f"¶{entry.paragraph}  " if entry.paragraph else ""
        # the context keeps the mention whole and cuts the words either side
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         where)
        second.setLeft(second.left() + metrics.horizontalAdvance(where))
        inner = metrics.elidedText(entry.text, Qt.TextElideMode.ElideRight, second.width())
        room = max(0, second.width() - metrics.horizontalAdvance(inner))
        before = metrics.elidedText(entry.before, Qt.TextElideMode.ElideLeft, room // 2)
        after = metrics.elidedText(entry.after, Qt.TextElideMode.ElideRight,
                                   room - metrics.horizontalAdvance(before))
        for piece, pen in ((before, dim), (inner, text_color), (after, dim)):
            painter.setPen(pen)
            painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             piece)
            second.setLeft(second.left() + metrics.horizontalAdvance(piece))
        painter.restore()


class RelationPicker(QFrame):
    """The picker panel.

    Signals:
        picked(object): the chosen entry's payload (a span id or a candidate).
        cancelled(): Esc or closed without a choice.
    """

    picked = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("relationPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setObjectName("pickerTitle")
        self.title.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setObjectName("pickerFilter")
        self.filter.setPlaceholderText("Type to filter or to find a name · Enter picks · "
                                       "Esc cancels")
        self.model = PickerModel(self)
        self.list = QListView()
        self.list.setObjectName("pickerList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(EntryDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel("No allowed target in this document yet")
        self.empty.setObjectName("hint")
        hint = QLabel("…or click it in the text")
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(hint)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.filter.installEventFilter(self)
        self.list.activated.connect(self._on_index_activated)
        self.list.clicked.connect(self._on_index_activated)
        self.hide()

    def open(self, title: str, targets: Sequence[Any],
             find_typed: Callable[[str], list[PickerEntry]] | None = None,
             make: Callable[[Any], PickerEntry] | None = None) -> None:
        """Shows the targets, likeliest first (see :meth:`PickerModel.set_entries`);
        ``find_typed`` offers typed words to mark."""
        self.title.setText(title)
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.model.set_entries(targets, find_typed, make)
        self._select_first()
        self.show()
        self.raise_()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)

    def entries_shown(self) -> list[str]:
        """The rows as listed (one line each), for tests and copy-paste."""
        return [self.model.entry(row).shown  # type: ignore[union-attr]
                for row in range(self.model.total_rows())]

    def preferred_height(self) -> int:
        """Room for the rows (up to 6) plus the title, filter and hint."""
        rows = min(6, max(1, self.model.rowCount()))
        row_height = self.list.sizeHintForRow(0) if self.model.rowCount() else 36
        return 110 + rows * max(row_height, 20)

    def close_picker(self) -> None:
        self.hide()

    def current_entry(self) -> PickerEntry | None:
        index = self.list.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def current_target(self) -> Any:
        entry = self.current_entry()
        return entry.payload if entry is not None else None

    # ------------------------------------------------------------- handlers

    def _select_first(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.empty.setVisible(not has_rows and not self.filter.text())
        if has_rows:
            self.list.setCurrentIndex(self.model.index(0, 0))
            self.list.scrollToTop()

    def _on_filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._select_first()

    def _on_index_activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.hide()
            self.picked.emit(entry.payload)

    def _move(self, step: int) -> None:
        count = self.model.total_rows()
        if not count:
            return
        row = (self.list.currentIndex().row() + step) % count
        while row >= self.model.rowCount() and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())  # Down past the rows fetched, Up to the last
        self.list.setCurrentIndex(self.model.index(row, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Tab):
                self._move(1)
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Backtab):
                self._move(-1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                entry = self.current_entry()
                if entry is not None:
                    self.hide()
                    self.picked.emit(entry.payload)
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)
