"""The document list counts the schema's quote and condition labels, whatever their names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from renamed_schema import renamed_project

from gui.document_list import DocumentTableModel
from gui.main_window import MainWindow
from storage.project import Project


def test_counts_follow_the_schema_roles(tmp_path: Path,
                                        show_window: Callable[[Project], MainWindow]) -> None:
    project = renamed_project(tmp_path)
    window = show_window(project)
    model = window.document_list.model
    assert model.counted == (("Statement",), ("Premise",))
    cells = [model.index(0, column).data(Qt.ItemDataRole.DisplayRole) for column in range(4)]
    assert cells == ["Port", "◐ In progress", "2", "1"]
    assert model.index(0, 2).data(DocumentTableModel.SORT_ROLE) == 2
    window.grab().save(str(tmp_path / "renamed.png"))
