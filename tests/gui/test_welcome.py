"""The first start, driven by keyboard: the welcome, then the window on the chosen project.

``gui.app.run()`` runs for real (its own event loop); a timer plays the user: it finds the
modal welcome, types, presses the mnemonic keys, then reads the main window that opened and
closes it. What the database and the settings hold afterwards is checked from outside.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

import resources
from gui import app as app_module
from gui.dialogs.welcome import Start, WelcomeDialog
from gui.main_window import MainWindow
from gui.preferences import settings
from gui.theme import apply_mode
from ingest import import_paths
from storage.project import Project

ALT = Qt.KeyboardModifier.AltModifier
Seen = dict[str, object]


def run_as_user(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                on_welcome: Callable[[WelcomeDialog, Seen], None],
                on_window: Callable[[MainWindow, Seen], bool] | None = None,
                argv: list[str] | None = None) -> Seen:
    """Runs the program's start (``main.main(argv)``); the callbacks play the user.

    ``on_window`` returns True once it has seen what it waits for (the window then closes).
    """
    from main import main

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    qapp.setQuitOnLastWindowClosed(False)  # no Quit posted to later event loops
    seen: Seen = {"welcomes": 0}
    handled: set[int] = set()

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, WelcomeDialog) and id(dialog) not in handled:
            handled.add(id(dialog))
            seen["welcomes"] = int(str(seen["welcomes"])) + 1
            on_welcome(dialog, seen)
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and (on_window is None or on_window(windows[0], seen)):
            seen["annotator"] = windows[0].annotator_label.text()
            seen["project"] = windows[0].project.path
            windows[0].close()
            QApplication.exit(0)
            return
        QTimer.singleShot(50, drive)

    QTimer.singleShot(0, drive)
    try:
        assert main(argv or []) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)
        for handler in list(app_module.log.handlers):
            app_module.log.removeHandler(handler)
            handler.close()
    return seen


def type_name(dialog: WelcomeDialog, name: str) -> None:
    assert QTest.qWaitForWindowActive(dialog)
    assert dialog.focusWidget() is dialog.name_edit
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(dialog.name_edit, name)


def test_keyboard_only_first_start_opens_the_sample_project(qapp, tmp_path: Path,
                                                            monkeypatch) -> None:
    def welcome(dialog: WelcomeDialog, seen: Seen) -> None:
        seen["default"] = dialog.name_edit.text()
        type_name(dialog, "carol")
        QTest.keyClick(dialog, Qt.Key.Key_S, ALT)

    def window(shown: MainWindow, seen: Seen) -> bool:
        seen["title"] = shown.document.title if shown.document else None
        return True

    seen = run_as_user(qapp, monkeypatch, welcome, window)
    assert seen["default"] == app_module.system_user()
    assert seen["annotator"] == "Annotator: carol"
    assert seen["title"] == "Varnay warns Ostmere over troop build-up on the Kallen River"
    sample = tmp_path / "data" / "samples.saywho"
    store = settings()
    assert store.value("annotator/name", "", type=str) == "carol"
    assert store.value("recent/last", "", type=str) == str(sample)
    packaged = sorted(p.name for p in resources.path("samples").iterdir()
                      if p.name != "README.md")
    with Project.open(sample) as project:
        titles = [d.title for d in project.documents("carol")]
    assert len(titles) == len(packaged) == 5
    assert "Varnay warns Ostmere over troop build-up on the Kallen River" in titles


def test_a_folder_of_articles_becomes_a_project_beside_it(qapp, tmp_path: Path,
                                                          monkeypatch) -> None:
    folder = tmp_path / "river talks"
    folder.mkdir()
    (folder / "a.txt").write_text("Talks resume\n\nThe envoy said talks would resume.",
                                  encoding="utf-8")
    (folder / "b.html").write_text("<html><head><title>Dam vote</title></head><body><p>"
                                   "The council voted on the dam, its chair said.</p>"
                                   "</body></html>", encoding="utf-8")
    asked: list[str] = []

    def choose_folder(*args: object, **kwargs: object) -> str:
        asked.append("folder")
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose_folder)

    def welcome(dialog: WelcomeDialog, seen: Seen) -> None:
        type_name(dialog, "dana")
        QTest.keyClick(dialog, Qt.Key.Key_F, ALT)

    def window(shown: MainWindow, seen: Seen) -> bool:
        return shown.document_list.model.rowCount() == 2

    seen = run_as_user(qapp, monkeypatch, welcome, window)
    assert asked == ["folder"]
    assert seen["project"] == tmp_path / "river talks.saywho"
    with Project.open(tmp_path / "river talks.saywho") as project:
        titles = sorted(d.title for d in project.documents("dana"))
    assert titles == ["Dam vote", "Talks resume"]
    assert settings().value("annotator/name", "", type=str) == "dana"


def test_importing_one_file_makes_a_project_and_a_taken_name_is_not_overwritten(
        qapp, tmp_path: Path, monkeypatch) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text("Ferry strike\n\nThe union said the ferries would stop if pay stalls.",
                       encoding="utf-8")
    (tmp_path / "ferry.saywho").write_bytes(b"someone else's file")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(article), ""))

    def welcome(dialog: WelcomeDialog, seen: Seen) -> None:
        type_name(dialog, "erin")
        QTest.keyClick(dialog, Qt.Key.Key_I, ALT)

    def window(shown: MainWindow, seen: Seen) -> bool:
        return shown.document_list.model.rowCount() == 1

    seen = run_as_user(qapp, monkeypatch, welcome, window)
    assert seen["project"] == tmp_path / "ferry-2.saywho"
    assert (tmp_path / "ferry.saywho").read_bytes() == b"someone else's file"
    with Project.open(tmp_path / "ferry-2.saywho") as project:
        assert [d.title for d in project.documents("erin")] == ["Ferry strike"]


def test_opening_an_existing_project_and_a_broken_one_falls_back_to_the_sample(
        qapp, tmp_path: Path, monkeypatch) -> None:
    good = tmp_path / "shared.saywho"
    with Project.create(good) as project:
        import_paths(project, [resources.path("samples", "02-ostmere-tariff-offer.txt")])
    chosen = [str(good)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen[0], ""))

    def welcome(dialog: WelcomeDialog, seen: Seen) -> None:
        type_name(dialog, "hal")
        QTest.keyClick(dialog, Qt.Key.Key_E, ALT)

    assert run_as_user(qapp, monkeypatch, welcome)["project"] == good

    broken = tmp_path / "broken.saywho"
    broken.write_bytes(b"not a database at all")
    chosen[0] = str(broken)
    settings().remove("annotator/name")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text: warnings.append(text))
    seen = run_as_user(qapp, monkeypatch, welcome)
    assert warnings and warnings[0].startswith("Cannot open the project:")
    assert "broken.saywho" in warnings[0]
    assert seen["project"] == tmp_path / "data" / "samples.saywho"


def test_no_name_or_a_cancelled_file_dialog_keeps_the_welcome_open(qtbot, monkeypatch) -> None:
    dialog = WelcomeDialog("")
    qtbot.addWidget(dialog)
    dialog.show()
    assert QTest.qWaitForWindowActive(dialog)
    QTest.keyClick(dialog, Qt.Key.Key_S, ALT)  # a mnemonic clicks after a short animation
    qtbot.waitUntil(lambda: "Type your name first" in dialog.error.text())
    assert dialog.isVisible() and dialog.start is None
    assert dialog.focusWidget() is dialog.name_edit
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    QTest.keyClicks(dialog.name_edit, "fay")
    with qtbot.waitSignal(dialog.buttons[Start.FOLDER].clicked):
        QTest.keyClick(dialog, Qt.Key.Key_F, ALT)
    assert dialog.isVisible() and dialog.start is None
    # every way in has its own mnemonic, and Escape quits
    keys = {b.text().split("&")[1][0].lower() for b in dialog.findChildren(QPushButton)
            if "&" in b.text()}
    assert {"s", "f", "i", "e", "q"} <= keys
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.start is None
    dialog.choose(Start.SAMPLE)
    assert dialog.start is Start.SAMPLE


def test_a_project_file_on_the_command_line_opens_in_the_window(qapp, tmp_path: Path,
                                                                monkeypatch) -> None:
    """The desktop entry runs ``saywho FILE.saywho`` (Exec=saywho %f)."""
    path = tmp_path / "double clicked.saywho"
    with Project.create(path) as project:
        import_paths(project, [resources.path("samples", "05-ardova-conditions.txt")])
    settings().setValue("annotator/name", "gus")

    def no_welcome(dialog: WelcomeDialog, seen: Seen) -> None:
        raise AssertionError("the welcome is for the first start only")

    seen = run_as_user(qapp, monkeypatch, no_welcome, argv=[str(path)])
    assert seen["project"] == path
    assert seen["annotator"] == "Annotator: gus"
    assert settings().value("recent/last", "", type=str) == str(path)


def test_screenshot_of_the_welcome(qtbot, tmp_path: Path) -> None:
    dialog = WelcomeDialog("carol")
    qtbot.addWidget(dialog)
    apply_mode(QApplication.instance(), "light")  # type: ignore[arg-type]
    dialog.show()
    assert QTest.qWaitForWindowExposed(dialog)
    shot = app_module.render_window(dialog, tmp_path / "welcome.png")
    assert shot.stat().st_size > 10_000
