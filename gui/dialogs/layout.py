"""Layout pieces the dialogs and docks repeat: stacks, forms, button boxes, browse rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Item = QWidget | QLayout | tuple[QWidget, int]
OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel


def stack(owner: QWidget | None, *items: Item, margins: tuple[int, int, int, int] | None = None,
          spacing: int | None = None) -> QVBoxLayout:
    """A vertical layout of ``items`` (a ``(widget, stretch)`` pair stretches).

    ``margins`` and ``spacing`` left None keep the style's.
    """
    layout = QVBoxLayout(owner) if owner is not None else QVBoxLayout()
    if margins is not None:
        layout.setContentsMargins(*margins)
    if spacing is not None:
        layout.setSpacing(spacing)
    for item in items:
        if isinstance(item, tuple):
            layout.addWidget(*item)
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return layout


def tool_row(main: QWidget, *others: QWidget) -> QHBoxLayout:
    """A row without margins: ``main`` takes the free width, ``others`` follow it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(main, 1)
    for widget in others:
        row.addWidget(widget)
    return row


def form(*rows: tuple[str, QWidget | QLayout]) -> QFormLayout:
    """A form of ``(label, field)`` rows."""
    layout = QFormLayout()
    for label, field in rows:
        layout.addRow(label, field)
    return layout


def hint(text: str) -> QLabel:
    """A wrapped explanatory note under a form."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label


def button_box(dialog: QDialog,
               buttons: QDialogButtonBox.StandardButton = OK_CANCEL,
               accept: Callable[[], object] | None = None) -> QDialogButtonBox:
    """Standard buttons wired to ``accept`` (the dialog's own by default) and reject."""
    box = QDialogButtonBox(buttons)
    box.accepted.connect(accept or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def browse_row(edit: QLineEdit, on_browse: Callable[[], object]) -> QHBoxLayout:
    """A path field with a "Browse…" button after it."""
    browse = QPushButton("Browse…")
    browse.clicked.connect(on_browse)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row
