"""File > Open on a file that is not a usable project: a dialog names it, nothing changes.

The window keeps the project it had open, and the refused file is left byte for
byte as it was (no WAL switch, no backup beside it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.main_window import MainWindow
from storage.project import Project


def _not_sqlite(folder: Path) -> Path:
    path = folder / "notes.saywho"
    path.write_text("Minutes of the Carvonian cabinet, not a database.\n", encoding="utf-8")
    return path


def _truncated(folder: Path) -> Path:
    whole = folder / "whole.saywho"
    Project.create(whole).close()
    path = folder / "truncated.saywho"
    path.write_bytes(whole.read_bytes()[:1500])
    whole.unlink()
    return path


def _newer(folder: Path) -> Path:
    path = folder / "newer.saywho"
    Project.create(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfacefeed'")
    connection.execute("PRAGMA journal_mode=DELETE")  # as an older tool may leave it
    connection.close()
    return path


def _directory(folder: Path) -> Path:
    path = folder / "folder.saywho"
    path.mkdir()
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not-sqlite": (_not_sqlite, "not a Saywho project"),
    "truncated": (_truncated, ""),
    "newer-version": (_newer, "newer than this Saywho"),
    "directory": (_directory, "is a directory"),
}


def _snapshot(path: Path) -> object:
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    return path.read_bytes()


@pytest.mark.parametrize("case", list(CASES))
def test_open_refuses_a_bad_project_with_a_dialog(case: str, window: MainWindow,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    make, expected = CASES[case]
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = make(folder)
    before, beside = _snapshot(path), sorted(p.name for p in folder.iterdir())
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_args, **_kw: (str(path), "")))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _parent, title, text, *_a: shown.append(
                            (title, text))))
    opened = window.project
    window.actions["file.open"].trigger()
    assert len(shown) == 1, shown
    title, text = shown[0]
    assert title == "Open Project"
    assert str(path) in text and expected in text, text
    assert "Traceback" not in text
    assert window.project is opened and window.document is not None
    assert _snapshot(path) == before
    assert sorted(p.name for p in folder.iterdir()) == beside
