"""Working beside colleagues: reload on F5 and on focus, conflicts reload the view,
and the adjudication and progress windows open from the Document menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui.main_window import MainWindow
from storage.edits import SetStatus, UpdateEntity
from storage.project import Project


def test_f5_shows_what_a_colleague_changed(window: MainWindow, project_path: Path,
                                           qtbot) -> None:  # type: ignore[no-untyped-def]
    document = window.document
    assert document is not None
    with Project.open(project_path) as colleague:
        colleague.apply(SetStatus(document.id, "alice", "in_progress"))
        entity = colleague.create_entity("Aldric Varnay", aliases=["Varnay"])
    assert entity.id not in window.entities
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert entity.id in window.entities
    [info] = window.document_list.model.documents()
    assert info.status == "in_progress"


def test_a_conflict_reloads_instead_of_overwriting(window: MainWindow, project_path: Path,
                                                   qtbot) -> None:  # type: ignore[no-untyped-def]
    entity = window.project.create_entity("Varnay")
    window.reload_from_project()
    with Project.open(project_path) as colleague:
        colleague.apply(UpdateEntity(entity.id, name="Aldric Varnay",
                                     expected_version=entity.version))
    with qtbot.waitSignal(window.controller.conflicted, timeout=2000):
        changes = window.controller.perform(UpdateEntity(entity.id, name="A. Varnay",
                                                         expected_version=entity.version))
    assert changes is None
    assert window.entities[entity.id].name == "Aldric Varnay"  # reloaded, not overwritten
    with Project.open(project_path) as check:
        assert check.entity(entity.id).name == "Aldric Varnay"


def test_compare_and_progress_open_from_the_menu(window: MainWindow,
                                                 qtbot) -> None:  # type: ignore[no-untyped-def]
    from gui.comparison import ComparisonWindow
    from gui.progress_view import ProgressView

    window._on_compare_annotators()
    comparisons = [w for w in window.findChildren(ComparisonWindow)]
    assert comparisons and comparisons[0].isVisible()
    comparisons[0].close()
    window._on_show_progress()
    assert window.findChildren(ProgressView)


def test_text_search_is_done_by_the_database(small_project: Project) -> None:
    [info] = small_project.documents()
    assert small_project.search_documents("NOT ONE METRE") == {info.id}
    assert small_project.search_documents("doreth") == {info.id}  # title
    assert small_project.search_documents("50%_") == set()
