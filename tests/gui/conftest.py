"""Fixtures of the GUI tests: settings kept out of the user's folders, a shown main window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest

from gui.main_window import MainWindow
from gui.preferences import settings
from storage.project import Project


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QSettings and the data folder live in this test's folder, never the user's; an
    unexpected error is printed instead of opening a modal dialog."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    monkeypatch.setenv("SAYWHO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAYWHO_NO_ERROR_DIALOG", "1")


@pytest.fixture
def show_window(qtbot) -> Iterator[Callable[[Project], MainWindow]]:  # type: ignore[no-untyped-def]
    """Opens alice's main window on a project, shown and exposed; closed after the test."""
    shown: list[MainWindow] = []

    def show(project: Project) -> MainWindow:
        created = MainWindow(project, "alice", settings())
        qtbot.addWidget(created)
        created.show()
        assert QTest.qWaitForWindowExposed(created)
        shown.append(created)
        return created

    yield show
    for created in shown:
        created.close()


@pytest.fixture
def window(small_project: Project,
           show_window: Callable[[Project], MainWindow]) -> MainWindow:
    """The main window on small_project (test modules may override it)."""
    return show_window(small_project)
