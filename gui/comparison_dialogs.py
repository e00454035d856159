"""The comparison view's dialogs: a gold span's or relation's attributes, a new gold span."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.comparison_model import short
from storage.project import Project
from storage.schema import AttributeDef

__all__ = ["AttributeDialog", "NewGoldSpanDialog"]


class _AttributeEditors(QWidget):
    """One editor per schema attribute: enum combo, boolean check box, text field."""

    def __init__(self, definitions: Sequence[AttributeDef], values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.definitions = list(definitions)
        self.editors: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for definition in self.definitions:
            value = values.get(definition.name, definition.default)
            editor: QWidget
            if definition.type == "enum":
                combo = QComboBox()
                if not definition.required:
                    combo.addItem("—", None)
                for allowed in definition.values:
                    combo.addItem(allowed, allowed)
                found = combo.findData(value)
                combo.setCurrentIndex(max(found, 0))
                editor = combo
            elif definition.type == "boolean":
                check = QCheckBox()
                check.setChecked(bool(value))
                editor = check
            else:
                line = QLineEdit("" if value is None else str(value))
                editor = line
            editor.setObjectName(f"attribute-{definition.name}")
            editor.setToolTip(definition.description)
            self.editors[definition.name] = editor
            layout.addRow(definition.name + ("*" if definition.required else ""), editor)
        if not self.definitions:
            layout.addRow(QLabel("This label has no attributes."))

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for definition in self.definitions:
            editor = self.editors[definition.name]
            if isinstance(editor, QComboBox):
                value = editor.currentData()
            elif isinstance(editor, QCheckBox):
                value = editor.isChecked()
            else:
                assert isinstance(editor, QLineEdit)
                value = editor.text().strip() or None
            if value is not None:
                result[definition.name] = value
        return result

    def set_value(self, name: str, value: Any) -> None:
        """Sets one editor (used by keyboard users' tests and scripts alike)."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))


class AttributeDialog(QDialog):
    """Edits the attributes of a gold span or relation."""

    def __init__(self, title: str, definitions: Sequence[AttributeDef],
                 values: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        self.editors = _AttributeEditors(definitions, values, self)
        layout.addWidget(self.editors)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        return self.editors.values()

    def set_value(self, name: str, value: Any) -> None:
        self.editors.set_value(name, value)


class NewGoldSpanDialog(QDialog):
    """Chooses the label (and attributes) of a new gold span over the selected text."""

    def __init__(self, project: Project, covered: str, label: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("New gold span")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"“{short(covered, 80)}”"))
        form = QFormLayout()
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("label")
        for label_def in project.schema.labels:
            key = f"  ({label_def.key})" if label_def.key else ""
            self.label_combo.addItem(f"{label_def.name}{key}", label_def.name)
        if label is not None and self.label_combo.findData(label) >= 0:
            self.label_combo.setCurrentIndex(self.label_combo.findData(label))
        form.addRow("Label", self.label_combo)
        layout.addLayout(form)
        self._editor_slot = QVBoxLayout()
        layout.addLayout(self._editor_slot)
        self.editors: _AttributeEditors | None = None
        self._rebuild()
        self.label_combo.currentIndexChanged.connect(self._on_label_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def label(self) -> str:
        return str(self.label_combo.currentData())

    def set_label(self, label: str) -> None:
        self.label_combo.setCurrentIndex(self.label_combo.findData(label))

    def values(self) -> dict[str, Any]:
        return self.editors.values() if self.editors is not None else {}

    def _rebuild(self) -> None:
        if self.editors is not None:
            self.editors.deleteLater()
        label_def = self.project.schema.label(self.label())
        definitions = label_def.attributes if label_def is not None else ()
        self.editors = _AttributeEditors(definitions, {}, self)
        self._editor_slot.addWidget(self.editors)

    def _on_label_changed(self, _index: int) -> None:
        self._rebuild()
