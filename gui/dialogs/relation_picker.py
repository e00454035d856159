"""The relation target picker: a small panel over the text listing allowed targets.

It opens when the user presses a relation's key with a source span selected.
Targets are the document's spans with a label the schema allows, nearest to
the source first; typing filters them, Up/Down move, Enter picks, Esc cancels.
While it is open, clicking an allowed span in the text picks it as well (the
main window handles that click).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.schema_panel import swatch_icon

SPAN_ID_ROLE = 256
#: Rows listed at once: the nearest targets that match the filter (typing finds the others),
#: so opening the picker costs the same with 20 or 20,000 targets.
MAX_ROWS = 200


class RelationPicker(QFrame):
    """The picker panel.

    Signals:
        picked(int): the chosen target span id.
        cancelled(): Esc or closed without a choice.
    """

    picked = Signal(int)
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
        self.filter.setPlaceholderText("Type to filter · Enter picks · Esc cancels")
        self.list = QListWidget()
        self.list.setObjectName("pickerList")
        self.list.setUniformItemSizes(True)
        self.list.setIconSize(QSize(12, 12))
        self.list.setSpacing(1)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hint = QLabel("…or click the target span in the text")
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.itemClicked.connect(self._on_item_activated)
        self._targets: list[tuple[int, str, str, str]] = []
        self._icons: dict[str, QIcon] = {}
        self.hide()

    def open(self, title: str, targets: Sequence[tuple[int, str, str, str]]) -> None:
        """Shows the targets: (span id, label, colour, covered text), nearest first."""
        self.title.setText(title)
        self._targets = list(targets)
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self._fill("")
        self.show()
        self.raise_()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)

    def preferred_height(self) -> int:
        """Room for the rows (up to 12) plus the title, filter and hint."""
        rows = min(12, max(1, self.list.count()))
        return 118 + rows * (self.list.sizeHintForRow(0) + 2)

    def close_picker(self) -> None:
        self.hide()

    def current_target(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        value = item.data(SPAN_ID_ROLE)
        return int(value) if value is not None else None

    # ------------------------------------------------------------- handlers

    def _fill(self, needle: str) -> None:
        """Lists the first :data:`MAX_ROWS` targets whose row text holds ``needle``."""
        self.list.clear()
        shown = 0
        for span_id, label, color, text in self._targets:
            row_text = f"{label}: {text}"
            if needle and needle not in row_text.casefold():
                continue
            icon = self._icons.get(color)
            if icon is None:
                icon = self._icons[color] = swatch_icon(color)
            item = QListWidgetItem(icon, row_text)
            item.setData(SPAN_ID_ROLE, span_id)
            item.setToolTip(text)
            self.list.addItem(item)
            shown += 1
            if shown == MAX_ROWS:
                break
        if not self._targets:
            item = QListWidgetItem("No allowed target in this document yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def _on_filter_changed(self, text: str) -> None:
        self._fill(text.casefold().strip())

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        value = item.data(SPAN_ID_ROLE)
        if value is not None:
            self.hide()
            self.picked.emit(int(value))

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        count = self.list.count()
        for _ in range(count):
            row = (row + step) % count if count else 0
            if not self.list.item(row).isHidden():
                self.list.setCurrentRow(row)
                return

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
                target = self.current_target()
                if target is not None:
                    self.hide()
                    self.picked.emit(target)
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)
