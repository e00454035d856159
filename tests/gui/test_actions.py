"""The action table: declared once, every key unique, menus and the F1 sheet built from it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.actions import ACTIONS, MENUS, schema_actions
from gui.main_window import MainWindow
from gui.preferences import settings
from storage.project import Project
from storage.schema import default_schema


def test_ids_unique_and_handlers_exist(window: MainWindow) -> None:
    definitions = [*ACTIONS, *schema_actions(default_schema())]
    assert not [i for i, n in Counter(d.id for d in definitions).items() if n > 1]
    for definition in definitions:
        if definition.scope != "sheet":  # the handler picks a method of the window's
            assert definition.handler is not None, definition.id
            assert callable(definition.handler(window)), definition.id
        else:
            assert definition.handler is None, definition.id
        assert definition.menu in ("", *MENUS)


def test_every_action_has_a_key() -> None:
    assert [d.id for d in ACTIONS if not d.shortcuts] == []


def test_no_key_is_bound_twice() -> None:
    """A key bound twice would be ambiguous in Qt and fire nothing.

    A sheet-only row that explains another use of a bound key (a relation key
    with text selected) is not bound, so it may repeat that key.
    """
    definitions = [*ACTIONS, *schema_actions(default_schema())]
    seen: dict[str, str] = {}
    for definition in definitions:
        if definition.scope == "sheet" and definition.id.endswith(".selection"):
            # ... and that key is bound, by the relation's own action
            assert all(QKeySequence(k).toString() in seen for k in definition.shortcuts)
            continue
        for key in definition.shortcuts:
            normal = QKeySequence(key).toString() if key != "Click" else key
            assert normal not in seen, f"{key}: {definition.id} and {seen[normal]}"
            seen[normal] = definition.id


def test_schema_keys_come_from_the_schema() -> None:
    keys = {d.id: d.shortcuts[0] for d in schema_actions(default_schema())}
    assert keys["label.Quote"] == "Q" and keys["relabel.Quote"] == "Shift+Q"
    assert keys["relation.speaker"] == "S" and keys["relation.holder"] == "H"
    assert keys["relation.cue"] == "U" and keys["relation.consequence"] == "O"


def test_menus_toolbar_and_sheet_are_built_from_the_table(window: MainWindow, qtbot) -> None:
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == list(MENUS)
    in_menus = {a.objectName() for menu in window.menus.values() for a in menu.actions()}
    for definition in window.definitions:
        if definition.menu and definition.scope != "sheet":
            assert definition.id in in_menus, definition.id
    toolbar = {a.objectName() for a in window.toolbar.actions() if not a.isSeparator()}
    assert toolbar == {d.id for d in ACTIONS if d.toolbar}
    assert window.actions["edit.undo"].shortcut() == QKeySequence("Ctrl+Z")
    assert not window.actions["edit.undo"].icon().isNull()
    # F1 opens the sheet listing every action with its keys
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.shortcut_sheet
    assert sheet.isVisible()
    rows = dict(sheet.rows())
    assert rows["Undo"] == QKeySequence("Ctrl+Z").toString(QKeySequence.SequenceFormat.NativeText)
    assert rows["Mark as Quote"] == "Q"
    assert rows["Next Unfinished Document"] == QKeySequence("Ctrl+PgDown").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert len(rows) == len(window.definitions)
    # the annotation keys come first: labels, relations, then Ctrl+' and F
    sections = [sheet.tree.topLevelItem(i).text(0)
                for i in range(sheet.tree.topLevelItemCount())]
    assert sections[:3] == ["Labels (view focus)", "Relations (span selected)", "Marking"]
    assert rows["Select Inside Quotation Marks"] == QKeySequence("Ctrl+'").toString(
        QKeySequence.SequenceFormat.NativeText)
    sheet.filter.setText("speaker")
    assert sheet.rows() == [
        ("Add Speaker (Quote → Actor)…", "S"),
        ("Mark Selection as Speaker: Actor Linked to the Selected Quote; or a New Quote, then "
         "Pick", "S")]
    sheet.close()


def test_label_keys_only_fire_in_the_text(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.document_list.search.setFocus()
    assert QApplication.focusWidget() is window.document_list.search
    qtbot.keyClicks(window.document_list.search, "aq")
    assert window.document_list.search.text() == "aq"
    assert window.controller.stack.count() == 0


def test_snap_setting_is_stored(window: MainWindow) -> None:
    window.actions["view.snap"].trigger()
    assert window.view.snap_words is False
    assert settings().value("view/snap_words", True, type=bool) is False


def test_schema_keys_win_over_builtin_keys_and_shared_keys_dispatch(qtbot, tmp_path: Path) -> None:
    """Cue on F (the built-in fragment key) and speaker on Q (Quote's key) still work."""
    from storage.schema import parse_schema

    xml = default_schema().xml.replace('key="c"', 'key="f"').replace(
        '<relation name="speaker" key="s"', '<relation name="speaker" key="q"')
    schema = parse_schema(xml)
    text = "Title\n\nThe minister said: we will stay."
    from storage.records import DocumentRecord

    with Project.create(tmp_path / "custom.saywho", schema) as project:
        project.import_records([DocumentRecord(text=text, title="T", external_id="t")], "t")
    project = Project.open(tmp_path / "custom.saywho")
    window = MainWindow(project, "alice", settings())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    assert window.actions["edit.add_fragment"].shortcuts() == []
    view = window.view
    view.setFocus()

    def mark(needle: str, key: Qt.Key) -> None:
        start = text.index(needle)
        view.set_selected_range(start, start + len(needle))
        qtbot.keyClick(view, key)

    mark("said", Qt.Key.Key_F)
    mark("The minister", Qt.Key.Key_A)
    mark("we will stay", Qt.Key.Key_Q)
    assert sorted(s.label for s in window.spans.values()) == ["Actor", "Cue", "Quote"]
    quote = next(s for s in window.spans.values() if s.label == "Quote")
    view.select_span(quote.id)
    qtbot.keyClick(view, Qt.Key.Key_Q)  # no text selected: Q is the speaker key
    assert window.picker.isVisible()
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    assert [r.type for r in window.project.relations(window.document.id, "alice")] == [
        "speaker"]
    window.close()
    project.close()


def test_annotation_table_row_selects_span_and_delete_deletes(window: MainWindow,
                                                              qtbot) -> None:
    table = window.annotation_table.table
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data() == "Condition")
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())
    selected = window.selected_span
    assert selected is not None and selected.label == "Condition"
    assert window.schema_panel.span.id == selected.id
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    labels = [s.label for s in window.project.spans(window.document.id, "alice")]
    assert "Condition" not in labels and len(labels) == 5
    assert table.model().rowCount() == 5


def test_theme_override_is_applied_and_stored(window: MainWindow) -> None:
    from gui import theme

    palette, sheet = QApplication.palette(), QApplication.instance().styleSheet()
    window.actions["view.theme_dark"].trigger()
    assert theme.is_dark(QApplication.palette())
    assert settings().value("view/theme", "", type=str) == "dark"
    window.actions["view.theme_light"].trigger()
    assert not theme.is_dark(QApplication.palette())
    assert window.actions["view.theme_light"].isChecked()
    assert not window.actions["view.theme_dark"].isChecked()
    QApplication.setPalette(palette)
    QApplication.instance().setStyleSheet(sheet)


def test_recent_projects_never_store_a_password(qapp) -> None:
    from gui.preferences import recent_projects, remember_project

    remember_project("postgresql+psycopg://ann:secret@db.example/saywho")
    remember_project("/data/a.saywho")
    assert recent_projects() == ["/data/a.saywho", "postgresql+psycopg://ann@db.example/saywho"]
    remember_project("postgresql+psycopg://ann@db.example/news?password=secret&sslmode=require")
    assert recent_projects()[0] == "postgresql+psycopg://ann@db.example/news?sslmode=require"
