"""New project (with schema choice), open shared project (URL), and annotator choice."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QWidget,
)

from gui.dialogs.layout import browse_row, button_box, form, hint, stack
from storage.schema import DEFAULT_SCHEMA_PATH

OTHER_SCHEMA = "Other schema file…"


class NewProjectDialog(QDialog):
    """Asks where the new project goes and which annotation schema it uses."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Project")
        self.path_edit = QLineEdit(str(folder / "project.saywho"))
        self.schema_combo = QComboBox()
        self.schema_combo.addItem("News attribution (Actor, Quote, Cue, Condition, "
                                  "Consequence)", str(DEFAULT_SCHEMA_PATH))
        for path in sorted(DEFAULT_SCHEMA_PATH.parent.glob("*.xml")):
            if path != DEFAULT_SCHEMA_PATH:
                self.schema_combo.addItem(path.stem, str(path))
        self.schema_combo.addItem(OTHER_SCHEMA, None)
        self.schema_combo.activated.connect(self._on_schema_activated)
        stack(self,
              form(("Project &file:", browse_row(self.path_edit, self._on_browse_clicked)),
                   ("Annotation &schema:", self.schema_combo)),
              hint("The schema declares labels, attributes, relations and their keys. "
                   "It can later be extended, never shrunk while annotations use it."),
              button_box(self))
        self.resize(560, self.sizeHint().height())

    def values(self) -> tuple[Path, Path]:
        return Path(self.path_edit.text()).expanduser(), Path(self.schema_combo.currentData())

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New Project", self.path_edit.text(),
                                              "Saywho projects (*.saywho);;All files (*)")
        if path:
            self.path_edit.setText(path if path.endswith(".saywho") else path + ".saywho")

    def _on_schema_activated(self, index: int) -> None:
        if self.schema_combo.itemData(index) is not None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Annotation Schema", "",
                                              "Schema files (*.xml)")
        if path:
            self.schema_combo.insertItem(index, Path(path).name, path)
            self.schema_combo.setCurrentIndex(index)
        else:
            self.schema_combo.setCurrentIndex(0)


class SharedProjectDialog(QDialog):
    """Asks for a database URL (PostgreSQL, or any SQLAlchemy URL)."""

    def __init__(self, recent: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Shared Project")
        self.url_combo = QComboBox()
        self.url_combo.setEditable(True)
        self.url_combo.addItems([u for u in recent if "://" in u])
        self.url_combo.setEditText("postgresql+psycopg://user@server/saywho")
        self.url_combo.setMinimumWidth(460)
        stack(self, form(("Database &URL:", self.url_combo)),
              hint("A SQLAlchemy database URL. Several annotators can work in one shared "
                   "project at the same time; each sees their own annotations."),
              button_box(self, QDialogButtonBox.StandardButton.Open |
                         QDialogButtonBox.StandardButton.Cancel))

    def url(self) -> str:
        return self.url_combo.currentText().strip()


def system_user() -> str:
    """The login name, the default annotator name."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "annotator"


def ask_annotator(parent: QWidget | None = None, current: str = "",
                  known: Sequence[str] = ()) -> str | None:
    """Asks for the annotator's name; None when cancelled."""
    choices = list(dict.fromkeys([current or system_user(), *known]))
    name, ok = QInputDialog.getItem(
        parent, "Annotator", "Your name (annotations are stored under it):", choices, 0, True)
    name = name.strip()
    return name if ok and name else None
