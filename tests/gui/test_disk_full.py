"""The window on a full disk: an edit made with a key is refused with the disk's words,
nothing is stored, and once there is space the same key works."""

from __future__ import annotations

from collections.abc import Callable

from helpers import SmallDisk, small_record
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from storage.project import Project


def test_marking_a_span_on_a_full_disk_says_so(
        small_disk: SmallDisk, show_window: Callable[[Project], MainWindow],
        qtbot) -> None:  # type: ignore[no-untyped-def]
    path = small_disk.root / "news.saywho"
    with Project.create(path) as created:
        created.import_records([small_record()], "small.jsonl")
    project = Project.open(path)
    try:
        window = show_window(project)
        assert window.document is not None
        text = window.document.text
        refusals: list[str] = []
        window.controller.refused.connect(refusals.append)
        before = len(project.spans(window.document.id, "alice"))
        small_disk.fill()
        for needle in ("warns", "Doreth", "yield", "metre", "cross", "river", "answer"):
            start = text.index(needle)
            window.view.setFocus()
            window.view.set_selected_range(start, start + len(needle))
            qtbot.keyClick(window.view, Qt.Key.Key_C)  # Cue
            if refusals:
                break
        assert refusals == ["the disk is full: the change was not saved, nothing "
                            "half-written; free some space and try again"]
        assert window.statusBar().currentMessage() == f"Not stored: {refusals[0]}"
        stored = len(project.spans(window.document.id, "alice"))
        assert stored < before + 7  # the refused mark is not there
        window.grab().save(str(small_disk.root.parent / "disk-full.png"))
        small_disk.free()
        start = text.index("swift")
        window.view.setFocus()
        window.view.set_selected_range(start, start + len("swift"))
        qtbot.keyClick(window.view, Qt.Key.Key_C)
        assert len(project.spans(window.document.id, "alice")) == stored + 1
    finally:
        window.close()
        project.close()
