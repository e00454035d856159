"""The F1 sheet: every action and its keys, generated from :mod:`gui.actions`."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.actions import ActionDef, shortcut_rows


class ShortcutSheet(QDialog):
    """A searchable list of actions grouped by menu, with their key sequences."""

    def __init__(self, definitions: Sequence[ActionDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutSheet")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Search actions and keys…")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(14)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 3px 2px; }")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        groups: dict[str, QTreeWidgetItem] = {}
        for section, text, keys in shortcut_rows(definitions):
            group = groups.get(section)
            if group is None:
                group = QTreeWidgetItem(self.tree, [section, ""])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[section] = group
            QTreeWidgetItem(group, [text, keys])
        self.tree.expandAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.resize(640, 760)

    def rows(self) -> list[tuple[str, str]]:
        """(action, keys) of every row shown, for tests and copy-paste."""
        result = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            children = [group.child(c) for c in range(group.childCount())] if group else []
            result += [(child.text(0), child.text(1)) for child in children
                       if child is not None and not child.isHidden()]
        return result

    def _on_filter_changed(self, text: str) -> None:
        needle = text.casefold()
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is None:
                continue
            shown = 0
            for c in range(group.childCount()):
                child = group.child(c)
                if child is None:
                    continue
                visible = needle in child.text(0).casefold() or \
                    needle in child.text(1).casefold()
                child.setHidden(not visible)
                shown += visible
            group.setHidden(shown == 0)
