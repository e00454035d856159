"""The actor registry dock: create, rename, merge (mentions follow), delete, jump to mentions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.actors import ActorDialog
from gui.main_window import MainWindow
from storage.project import Project
from storage.records import DocumentRecord


@pytest.fixture
def linked_project(small_project: Project) -> Project:
    """small_project plus a second document; Varnay mentioned in both, two actors."""
    small_project.import_records([DocumentRecord(
        text="Second story\n\nVarnay spoke again. The president was calm.",
        title="Second story", external_id="second")], "second")
    first = small_project.document_by_external_id("varnay-warns")
    second = small_project.document_by_external_id("second")
    varnay = small_project.create_entity("Aldric Varnay", "person", ["Varnay"])
    president = small_project.create_entity("The president", "person")
    actor = next(s for s in small_project.spans(first.id, "alice") if s.label == "Actor")
    from storage.edits import UpdateSpan

    small_project.apply(UpdateSpan(actor.id, entity_id=varnay.id))
    start = second.text.index("Varnay")
    small_project.add_span(second.id, "alice", "Actor", [(start, start + 6)],
                           entity_id=varnay.id)
    start = second.text.index("The president")
    small_project.add_span(second.id, "alice", "Actor", [(start, start + 13)],
                           entity_id=president.id)
    return small_project


@pytest.fixture
def window(linked_project: Project, show_window: Callable[[Project], MainWindow]) -> MainWindow:
    created = show_window(linked_project)
    created._on_show_actors()
    return created


def answer_dialog(action: Callable[[object], None], kind: type = ActorDialog) -> None:
    """Runs ``action`` on the next modal dialog of type ``kind`` once it is open."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(20, run)
            return
        action(dialog)

    QTimer.singleShot(0, run)


def select_rows(window: MainWindow, *names: str) -> None:
    registry = window.actor_registry
    registry.table.clearSelection()
    for name in names:
        entity = next(e for e in window.entities.values() if e.name == name)
        registry.select_entity(entity.id, add=True)
    first = next(e for e in window.entities.values() if e.name == names[0])
    index = registry.proxy.mapFromSource(registry.model.index(registry.model.row_of(first.id),
                                                              0))
    registry.table.selectionModel().setCurrentIndex(index,
                                                    QItemSelectionModel.SelectionFlag.NoUpdate)


def test_registry_lists_actors_and_mentions(window: MainWindow) -> None:
    registry = window.actor_registry
    names = [registry.proxy.index(r, 0).data() for r in range(registry.proxy.rowCount())]
    assert names == ["Aldric Varnay", "The president"]
    select_rows(window, "Aldric Varnay")
    mentions = [(registry.mention_model.index(r, 0).data(),
                 registry.mention_model.index(r, 2).data())
                for r in range(registry.mention_model.rowCount())]
    assert mentions == [("Varnay warns Doreth", "President Aldric Varnay"),
                        ("Second story", "Varnay")]
    registry.filter.setText("presid")
    assert registry.proxy.rowCount() == 1


def test_double_click_on_a_mention_opens_its_document(window: MainWindow, qtbot) -> None:
    select_rows(window, "Aldric Varnay")
    table = window.actor_registry.mention_table
    index = window.actor_registry.mention_model.index(1, 0)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())
    assert window.document.external_id == "second"
    selected = window.selected_span
    assert selected is not None
    assert window.document.text[selected.start:selected.end] == "Varnay"


def test_create_rename_merge_delete_with_undo(window: MainWindow, linked_project: Project,
                                              qtbot) -> None:
    path = linked_project.path
    registry = window.actor_registry

    def fill_new(dialog: ActorDialog) -> None:
        dialog.name_edit.setText("Selene Ardova")
        dialog.kind_combo.setCurrentText("person")
        dialog.aliases_edit.setText("Ardova, the prime minister")
        dialog.kb_edit.setText("Q42")
        dialog.accept()

    answer_dialog(fill_new)
    qtbot.mouseClick(registry.new_button, Qt.MouseButton.LeftButton)
    with Project.open(path) as project:
        ardova = next(e for e in project.entities() if e.name == "Selene Ardova")
        assert ardova.aliases == ("Ardova", "the prime minister") and ardova.kb_id == "Q42"

    select_rows(window, "The president")

    def rename(dialog: ActorDialog) -> None:
        dialog.name_edit.setText("President Varnay")
        dialog.accept()

    answer_dialog(rename)
    qtbot.mouseClick(registry.edit_button, Qt.MouseButton.LeftButton)
    with Project.open(path) as project:
        assert sorted(e.name for e in project.entities()) == [
            "Aldric Varnay", "President Varnay", "Selene Ardova"]

    # merge: the second selected actor goes into the first; its mention follows
    select_rows(window, "Aldric Varnay", "President Varnay")
    assert registry.merge_button.isEnabled()

    def keep_first(box: QMessageBox) -> None:
        button = next(b for b in box.buttons() if "Aldric Varnay" in b.text())
        button.click()

    answer_dialog(keep_first, QMessageBox)
    qtbot.mouseClick(registry.merge_button, Qt.MouseButton.LeftButton)
    with Project.open(path) as project:
        entities = {e.name: e for e in project.entities()}
        assert sorted(entities) == ["Aldric Varnay", "Selene Ardova"]
        varnay = entities["Aldric Varnay"]
        assert "President Varnay" in varnay.aliases
        assert [m[2] for m in project.mentions(varnay.id)] == [
            "President Aldric Varnay", "Varnay", "The president"]
    assert registry.mention_model.rowCount() == 3

    select_rows(window, "Selene Ardova")
    qtbot.mouseClick(registry.delete_button, Qt.MouseButton.LeftButton)
    with Project.open(path) as project:
        assert [e.name for e in project.entities()] == ["Aldric Varnay"]

    # undo: delete, merge, rename, create, in that order
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    for expected in (["Aldric Varnay", "Selene Ardova"],
                     ["Aldric Varnay", "President Varnay", "Selene Ardova"],
                     ["Aldric Varnay", "Selene Ardova", "The president"],
                     ["Aldric Varnay", "The president"]):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        with Project.open(path) as project:
            assert sorted(e.name for e in project.entities()) == expected
    with Project.open(path) as project:
        president = next(e for e in project.entities() if e.name == "The president")
        assert [m[2] for m in project.mentions(president.id)] == ["The president"]
    names = [registry.proxy.index(r, 0).data() for r in range(registry.proxy.rowCount())]
    assert names == ["Aldric Varnay", "The president"]
