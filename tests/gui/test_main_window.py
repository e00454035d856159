"""The annotation window driven the way an annotator drives it.

Every test opens a real project file with the sample corpus, works with the
mouse and the keyboard, and checks what a *fresh* ``Project.open`` finds in
the database afterwards.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from gui.main_window import MainWindow, step_character
from gui.preferences import settings
from gui.unicode import Utf16Map
from ingest import import_paths
from storage.project import Project
from storage.records import DocumentRecord

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

# "e" + combining acute, a family emoji joined by ZWJ, a flag and a plain emoji
MARKS_TEXT = ("Unicode test\n\nThe mayor of Sainte-Be\u0301atrice said 👨\u200d👩\u200d👧 "
              "families “deserve homes 🏠 now” and Jose\u0301 Nin\u0303o agreed 🇨🇦.")


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """A project file holding the five sample stories and a document with marks and emoji."""
    path = tmp_path / "samples.saywho"
    with Project.create(path) as project:
        report = import_paths(project, sorted(p for p in SAMPLES.iterdir()
                                             if p.name != "README.md"))
        assert report.ok, report.errors
        project.import_records([DocumentRecord(text=MARKS_TEXT, title="Unicode test",
                                               external_id="marks")], "marks")
    return path


def open_window(qtbot, path: Path, annotator: str = "alice") -> MainWindow:
    project = Project.open(path)
    window = MainWindow(project, annotator, settings())
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.view.setFocus()
    return window


@pytest.fixture
def window(qtbot, sample_path: Path) -> Iterator[MainWindow]:
    opened = open_window(qtbot, sample_path)
    yield opened
    opened.close()
    opened.project.close()


def stored(path: Path, external_id: str = "01-varnay-warns-ostmere", annotator: str = "alice"):
    """(text, spans, relations) as a fresh Project.open finds them."""
    with Project.open(path) as project:
        document = project.document_by_external_id(external_id)
        return (document.text, project.spans(document.id, annotator),
                project.relations(document.id, annotator))


def stored_texts(path: Path, external_id: str = "01-varnay-warns-ostmere") -> dict[str, str]:
    """Label -> covered text (fragments joined by '|') of the stored spans."""
    text, spans, _ = stored(path, external_id)
    return {f"{s.label}:{'|'.join(text[a:b] for a, b in s.fragments)}": s.label for s in spans}


def find(window: MainWindow, needle: str, occurrence: int = 0) -> tuple[int, int]:
    assert window.document is not None
    text = window.document.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def select(window: MainWindow, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start, end = find(window, needle, occurrence)
    window.view.set_selected_range(start, end)
    return start, end


def press(qtbot, window: MainWindow, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the focus is (the article view after each edit)."""
    target = QApplication.focusWidget() or window.view
    qtbot.keyClick(target, key, modifiers)


def mark(qtbot, window: MainWindow, needle: str, key: Qt.Key, occurrence: int = 0) -> int:
    """Selects ``needle`` and presses a label key; returns the new span's id."""
    window.view.setFocus()
    select(window, needle, occurrence)
    before = set(window.spans)
    qtbot.keyClick(window.view, key)
    added = set(window.spans) - before
    assert len(added) == 1, window.statusBar().currentMessage()
    return added.pop()


def point_of(window: MainWindow, offset: int) -> QPoint:
    """The viewport position of the caret just before ``offset`` (code points)."""
    assert window.document is not None
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(Utf16Map(window.document.text).to_utf16(offset))
    return window.view.cursorRect(cursor).center()


def mouse_drag(window: MainWindow, start: int, end: int) -> None:
    viewport = window.view.viewport()
    begin, finish = point_of(window, start), point_of(window, end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, begin)
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(finish), viewport.mapToGlobal(
        QPointF(finish)), Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, move)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       finish)


def click_offset(window: MainWindow, offset: int) -> None:
    point = point_of(window, offset) + QPoint(3, 0)
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point)


def pick(qtbot, window: MainWindow, key: Qt.Key, typed: str) -> None:
    """Presses a relation key, types in the picker and presses Enter."""
    window.view.setFocus()
    qtbot.keyClick(window.view, key)
    assert window.picker.isVisible(), window.statusBar().currentMessage()
    qtbot.keyClicks(window.picker.filter, typed)
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    assert not window.picker.isVisible()


# --------------------------------------------------------------------- tests


def test_mouse_selection_and_label_key_store_a_span(window: MainWindow, sample_path: Path,
                                                    qtbot) -> None:
    start, end = find(window, "Aldric Varnay")
    mouse_drag(window, start, end)
    assert window.view.selected_range() == (start, end)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    text, spans, _ = stored(sample_path)
    assert [(s.label, text[s.start:s.end]) for s in spans] == [("Actor", "Aldric Varnay")]
    assert spans[0].attributes["kind"] == "person"
    assert window.saved_label.text() == "All changes saved"
    # the first annotation set the document in progress, shown in the list
    with Project.open(sample_path) as project:
        assert project.status(spans[0].document_id, "alice") == "in_progress"
    assert "In progress" in window.document_list.model.index(0, 1).data()
    assert window.annotation_table.model.rowCount() == 1


def test_keyboard_selection_and_tab_cycles_overlapping_spans(window: MainWindow,
                                                            sample_path: Path, qtbot) -> None:
    start, end = find(window, "Carvonian President Aldric Varnay")
    cursor = window.view.textCursor()
    cursor.setPosition(start)
    window.view.setTextCursor(cursor)
    for _ in range(len("Carvonian President Aldric Varnay")):
        qtbot.keyClick(window.view, Qt.Key.Key_Right, SHIFT)
    assert window.view.selected_range() == (start, end)
    outer = window.view.selected_range()
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    inner = mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    outer_id = next(i for i in window.spans if i != inner)
    # the cursor inside both spans: Tab walks through them, innermost first
    cursor = window.view.textCursor()
    cursor.setPosition(find(window, "Aldric Varnay")[0] + 8)
    window.view.setTextCursor(cursor)
    window.view.select_span(None)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.view.selected_span_id == inner
    assert window.schema_panel.span is not None and window.schema_panel.span.id == inner
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.view.selected_span_id == outer_id
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.view.selected_span_id == inner
    _, spans, _ = stored(sample_path)
    assert sorted((s.start, s.end) for s in spans) == sorted([outer, find(window, "Aldric "
                                                                          "Varnay")])


def test_click_selects_span_and_attributes_are_stored(window: MainWindow, sample_path: Path,
                                                      qtbot) -> None:
    quote = mark(qtbot, window, "We will not yield", Qt.Key.Key_Q)
    window.view.select_span(None)
    click_offset(window, find(window, "not yield")[0])
    assert window.view.selected_span_id == quote
    form = window.schema_panel.attribute_editors["form"]
    form.setCurrentIndex(form.findData("indirect"))
    anonymous = window.schema_panel.attribute_editors["anonymous"]
    anonymous.setFocus()
    qtbot.keyClick(anonymous, Qt.Key.Key_Space)
    channel = window.schema_panel.attribute_editors["channel"]
    channel.setCurrentIndex(channel.findData("interview"))
    _, spans, _ = stored(sample_path)
    assert spans[0].attributes == {"form": "indirect", "anonymous": True,
                                   "channel": "interview"}
    # the editors show the stored values after a refresh
    assert window.schema_panel.attribute_editors["form"].currentData() == "indirect"


def test_every_relation_type_by_keyboard(window: MainWindow, sample_path: Path, qtbot) -> None:
    quote = mark(qtbot, window, "We will not yield", Qt.Key.Key_Q)
    varnay = mark(qtbot, window, "Varnay", Qt.Key.Key_A, occurrence=2)
    mark(qtbot, window, "told", Qt.Key.Key_C)
    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    condition = mark(qtbot, window, "If they cross the river", Qt.Key.Key_K)
    consequence = mark(qtbot, window, "our answer will be swift", Qt.Key.Key_N)
    holder = mark(qtbot, window, "he added", Qt.Key.Key_A)

    window.view.select_span(quote)
    # the picker lists allowed targets only, nearest first
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    listed = window.picker.entries_shown()
    assert listed[0] == "Actor: Varnay · ¶3" and all(t.startswith("Actor:") for t in listed)
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Escape)
    assert not window.picker.isVisible()
    pick(qtbot, window, Qt.Key.Key_S, "varn")
    pick(qtbot, window, Qt.Key.Key_U, "told")
    window.view.select_span(condition)
    pick(qtbot, window, Qt.Key.Key_O, "answer")
    pick(qtbot, window, Qt.Key.Key_H, "he add")
    window.view.select_span(consequence)
    # pick-target mode: press the key, then click the target in the text
    qtbot.keyClick(window.view, Qt.Key.Key_H)
    click_offset(window, find(window, "he added")[0] + 1)
    assert not window.picker.isVisible()

    text, spans, relations = stored(sample_path)
    by_id = {s.id: s for s in spans}

    def covered(span_id: int) -> str:
        return text[by_id[span_id].start:by_id[span_id].end]

    found = sorted((r.type, covered(r.source_id), covered(r.target_id)) for r in relations)
    assert found == sorted([
        ("speaker", "We will not yield", "Varnay"),
        ("cue", "We will not yield", "told"),
        ("consequence", "If they cross the river", "our answer will be swift"),
        ("holder", "If they cross the river", "he added"),
        ("holder", "our answer will be swift", "he added"),
    ])
    assert {r.source_id for r in relations if r.type == "speaker"} == {quote}
    assert {r.target_id for r in relations if r.type == "holder"} == {holder}
    assert varnay in by_id

    # a second speaker is refused by storage, and the refusal is shown
    window.view.select_span(quote)
    pick(qtbot, window, Qt.Key.Key_S, "aldric")
    assert "already has 1 'speaker'" in window.statusBar().currentMessage()
    assert len(stored(sample_path)[2]) == 5


def test_link_mention_and_create_actor_from_selection(window: MainWindow, sample_path: Path,
                                                      qtbot) -> None:
    select(window, "Aldric Varnay")
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    with Project.open(sample_path) as project:
        entities = project.entities()
        assert [(e.name, e.kind) for e in entities] == [("Aldric Varnay", "person")]
        varnay_id = entities[0].id
    _, spans, _ = stored(sample_path)
    assert [(s.label, s.entity_id) for s in spans] == [("Actor", varnay_id)]

    # another mention: Ctrl+L puts the cursor in the actor field, type-ahead, Enter links
    mention = mark(qtbot, window, "Varnay", Qt.Key.Key_A, occurrence=2)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    edit = window.schema_panel.entity_edit
    assert edit.hasFocus()
    qtbot.keyClicks(edit, "aldric")
    assert window.schema_panel.completer.completionCount() >= 1
    assert window.schema_panel.completion_model.item(0).text() == "Aldric Varnay"
    window.schema_panel.completer.popup().hide()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    _, spans, _ = stored(sample_path)
    assert {s.id: s.entity_id for s in spans}[mention] == varnay_id
    with Project.open(sample_path) as project:
        assert [(m[1].id, m[2]) for m in project.mentions(varnay_id)] == [
            (spans[0].id, "Aldric Varnay"), (mention, "Varnay")]
    # the annotation table shows the actor
    names = {window.annotation_table.model.index(r, 4).data()
             for r in range(window.annotation_table.model.rowCount())}
    assert names == {"Aldric Varnay"}


def test_fragment_and_boundaries_by_keyboard(window: MainWindow, sample_path: Path,
                                             qtbot) -> None:
    quote = mark(qtbot, window, "We will not yield", Qt.Key.Key_Q)
    select(window, "not one metre of Carvonian soil")
    assert window.view.selected_span_id == quote  # a text selection keeps the span selected
    qtbot.keyClick(window.view, Qt.Key.Key_F)
    text, spans, _ = stored(sample_path)
    assert [text[a:b] for a, b in spans[0].fragments] == ["We will not yield",
                                                          "not one metre of Carvonian soil"]
    # start one word right, end one character left, then back
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | ALT)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, ALT | SHIFT)
    text, spans, _ = stored(sample_path)
    assert [text[a:b] for a, b in spans[0].fragments] == ["will not yield",
                                                          "not one metre of Carvonian soi"]
    qtbot.keyClick(window.view, Qt.Key.Key_Left, ALT)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT | SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, CTRL | ALT | SHIFT)
    text, spans, _ = stored(sample_path)
    assert [text[a:b] for a, b in spans[0].fragments] == [" will not yield",
                                                          "not one metre of Carvonian"]


def test_undo_and_redo_every_kind_of_edit(window: MainWindow, sample_path: Path,
                                          qtbot) -> None:
    def snapshot() -> tuple:
        with Project.open(sample_path) as project:
            document = project.document_by_external_id("01-varnay-warns-ostmere")
            return (
                [(s.label, s.fragments, s.attributes, s.entity_id)
                 for s in project.spans(document.id, "alice")],
                [(r.type, r.source_id, r.target_id)
                 for r in project.relations(document.id, "alice")],
                [(e.name, e.aliases) for e in project.entities()],
                project.status(document.id, "alice"),
            )

    states = [snapshot()]
    quote = mark(qtbot, window, "We will not yield", Qt.Key.Key_Q)  # span (+ status)
    states.append(snapshot())
    select(window, "not one metre")
    qtbot.keyClick(window.view, Qt.Key.Key_F)  # fragment
    states.append(snapshot())
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)  # boundary
    states.append(snapshot())
    form = window.schema_panel.attribute_editors["form"]
    form.setCurrentIndex(form.findData("mixed"))  # attribute
    states.append(snapshot())
    qtbot.keyClick(window.view, Qt.Key.Key_K, SHIFT)  # label change (Quote -> Condition)
    states.append(snapshot())
    qtbot.keyClick(window.view, Qt.Key.Key_Q, SHIFT)
    states.append(snapshot())
    select(window, "Varnay", 2)
    press(qtbot, window, Qt.Key.Key_E, CTRL)  # create actor + span + link (one step)
    states.append(snapshot())
    actor = mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    states.append(snapshot())
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    qtbot.keyClicks(window.schema_panel.entity_edit, "Varnay")
    window.schema_panel.completer.popup().hide()
    qtbot.keyClick(window.schema_panel.entity_edit, Qt.Key.Key_Return)  # entity link
    states.append(snapshot())
    window.view.select_span(quote)
    pick(qtbot, window, Qt.Key.Key_S, "Aldric")  # relation
    states.append(snapshot())
    window.view.select_span(quote)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the panel's old rows
    remove = [b for b in window.schema_panel.findChildren(QToolButton)
              if b.toolTip() == "Remove this relation"]
    assert len(remove) == 1
    remove[0].click()  # remove a relation
    states.append(snapshot())
    window.view.select_span(quote)
    pick(qtbot, window, Qt.Key.Key_S, "Aldric")
    states.append(snapshot())
    window.actor_registry.createRequested.emit(  # registry edits
        {"name": "President Varnay", "kind": "person", "aliases": [], "kb_id": None})
    states.append(snapshot())
    ids = {name: i for i, name in ((e.id, e.name) for e in window.entities.values())}
    window.actor_registry.mergeRequested.emit(ids["Varnay"], ids["President Varnay"])
    states.append(snapshot())
    window.actor_registry.updateRequested.emit(ids["Varnay"], {
        "name": "A. Varnay", "kind": "person", "aliases": ["Varnay"], "kb_id": "Q1"})
    states.append(snapshot())
    press(qtbot, window, Qt.Key.Key_D, CTRL)  # status
    states.append(snapshot())
    press(qtbot, window, Qt.Key.Key_M, CTRL | SHIFT)  # status back to new
    states.append(snapshot())
    window.view.select_span(actor)
    window.view.setFocus()
    press(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)  # unlink the actor
    states.append(snapshot())
    window.view.select_span(quote)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # delete (with its relation)
    states.append(snapshot())
    for i in range(1, len(states)):
        assert states[i] != states[i - 1], i

    for expected in reversed(states[:-1]):
        press(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert snapshot() == expected
    assert window.statusBar().currentMessage() == "" or "Not stored" not in \
        window.statusBar().currentMessage()
    for expected in states[1:]:
        press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
        assert snapshot() == expected
    # the view and the table agree with the database after all that
    assert set(window.spans) == {s.id for s in window.project.spans(window.document.id,
                                                                     "alice")}
    assert window.annotation_table.model.rowCount() == len(window.spans)


def test_undo_after_switching_documents_goes_back_to_the_document(
        window: MainWindow, sample_path: Path, qtbot) -> None:
    first = window.document.id
    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL)  # next unfinished
    assert window.document.id != first
    assert window.position_label.text() == "Document 2 / 6"
    mark(qtbot, window, "Ostmere", Qt.Key.Key_A)
    second = window.document.id
    press(qtbot, window, Qt.Key.Key_PageDown, ALT)
    assert window.document.id not in (first, second)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.document.id == second
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert window.document.id == first
    assert stored(sample_path)[1] == []
    assert window.spans == {}
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [s.label for s in stored(sample_path)[1]] == ["Actor"]
    assert len(window.spans) == 1


def test_status_keys_and_next_unfinished(window: MainWindow, sample_path: Path, qtbot) -> None:
    first = window.document.id
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    with Project.open(sample_path) as project:
        assert project.status(first, "alice") == "done"
    assert "Done" in window.document_list.model.index(0, 1).data()
    press(qtbot, window, Qt.Key.Key_PageDown, CTRL)
    second = window.document.id
    press(qtbot, window, Qt.Key.Key_P, CTRL | SHIFT)
    with Project.open(sample_path) as project:
        assert project.status(second, "alice") == "in_progress"
    # previous unfinished skips the done first document and wraps to the last one
    press(qtbot, window, Qt.Key.Key_PageUp, CTRL)
    assert window.document.id not in (first, second)
    assert window.position_label.text() == "Document 6 / 6"
    window.document_list.choice.setCurrentIndex(
        window.document_list.choice.findData("done"))
    assert window.document_list.visible_ids() == [first]


def test_document_search_in_titles_and_text(window: MainWindow) -> None:
    window.document_list.search.setText("pellaran")
    assert len(window.document_list.visible_ids()) == 1
    window.document_list.search.setText("KallenPeace")  # only in the text of story 3
    assert len(window.document_list.visible_ids()) == 1
    window.document_list.search.setText("")
    assert len(window.document_list.visible_ids()) == 6


def test_close_and_reopen_finds_everything(qtbot, sample_path: Path) -> None:
    first = open_window(qtbot, sample_path)
    quote = mark(qtbot, first, "We will not yield", Qt.Key.Key_Q)
    actor = mark(qtbot, first, "Varnay", Qt.Key.Key_A, occurrence=2)
    first.view.select_span(quote)
    pick(qtbot, first, Qt.Key.Key_S, "Varnay")
    press(qtbot, first, Qt.Key.Key_PageDown, CTRL)
    document = first.document.id
    first.close()
    first.project.close()

    second = open_window(qtbot, sample_path)
    assert second.document.id == document  # the last document is remembered
    second.open_document(1)
    assert set(second.spans) == {quote, actor}
    assert [(r.type, r.source_id, r.target_id) for r in second.relations.values()] == [
        ("speaker", quote, actor)]
    assert second.annotation_table.model.rowCount() == 2
    second.close()
    second.project.close()


def test_offsets_with_emoji_and_combining_marks(window: MainWindow, sample_path: Path,
                                                qtbot) -> None:
    with Project.open(sample_path) as project:
        marks_id = project.document_by_external_id("marks").id
    window.open_document(marks_id)
    window.view.setFocus()
    window.view.snap_words = False
    # keyboard: from "Sainte" select to the end of "Béatrice" (e + combining acute)
    start, end = find(window, "Sainte-Be\u0301atrice")
    cursor = window.view.textCursor()
    cursor.setPosition(Utf16Map(window.document.text).to_utf16(start))
    window.view.setTextCursor(cursor)
    for _ in range(len("Sainte-Béatrice")):
        qtbot.keyClick(window.view, Qt.Key.Key_Right, SHIFT)
    assert window.view.selected_range() == (start, end)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    # mouse: a quote spanning emoji
    quote_start, quote_end = find(window, "deserve homes 🏠 now")
    mouse_drag(window, quote_start, quote_end)
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    # boundary by character steps over the ZWJ family as one character
    family = mark(qtbot, window, "👨\u200d👩\u200d👧 families", Qt.Key.Key_A)
    window.view.select_span(family)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT)
    assert stored_texts(sample_path, "marks") == {
        "Actor:Sainte-Be\u0301atrice": "Actor", "Quote:deserve homes 🏠 now": "Quote",
        "Actor: families": "Actor"}
    assert step_character("Jose\u0301 x", 3, 1) == 5
    assert step_character("🇨🇦.", 0, 1) == 1  # regional indicators: one code point each


def test_other_annotator_is_shown_read_only(qtbot, sample_path: Path) -> None:
    with Project.open(sample_path) as project:
        document = project.document_by_external_id("01-varnay-warns-ostmere")
        start = document.text.index("Aldric Varnay")
        bob_span = project.add_span(document.id, "bob", "Actor", [(start, start + 13)])
    window = open_window(qtbot, sample_path)
    window.open_document(document.id)
    assert window.spans == {}
    window.show_annotators(["bob"])
    assert "bob (read-only)" in window.meta_label.text()
    assert bob_span.id in window.readonly_spans
    # bob's span is not in alice's editable layer: label keys and Delete cannot touch it
    assert window.view.spans_at(start + 1) == []
    # switching annotator shows bob's own layer as editable
    window.set_annotator("bob")
    assert set(window.spans) == {bob_span.id}
    assert window.annotator_label.text() == "Annotator: bob"
    window.close()
    window.project.close()
    assert settings().value("annotator/name", "", type=str) == "bob"


def test_refused_edit_is_shown_not_swallowed(window: MainWindow, sample_path: Path,
                                             qtbot) -> None:
    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    window.view.setFocus()
    # Shift+C: an Actor cannot become a Cue while... it has no relation, so it can;
    # a relation from an Actor is not allowed by the schema:
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert not window.picker.isVisible()
    assert "goes from Quote" in window.statusBar().currentMessage()
    quote = mark(qtbot, window, "We will not yield", Qt.Key.Key_Q)
    window.view.select_span(quote)
    pick(qtbot, window, Qt.Key.Key_S, "Aldric")
    window.view.select_span(quote)
    pick(qtbot, window, Qt.Key.Key_S, "Aldric")
    assert window.statusBar().currentMessage().startswith("Not stored:")
    assert len(stored(sample_path)[2]) == 1


def test_screenshot_command_writes_a_png(qapp, sample_path: Path, tmp_path: Path) -> None:
    from cli import run

    out = tmp_path / "shot.png"
    assert run(["gui", str(sample_path), "--screenshot", str(out), "--annotator", "alice",
                "--size", "1200x800"]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 800)
    assert settings().value("window/geometry") is None  # a screenshot leaves no UI state


def test_unexpected_error_is_logged_and_shown_with_details(qapp, tmp_path: Path,
                                                           monkeypatch) -> None:
    from gui import app as app_module
    from gui.dialogs.error_dialog import ErrorDialog

    shown: list[ErrorDialog] = []
    monkeypatch.delenv("SAYWHO_NO_ERROR_DIALOG")
    monkeypatch.setattr(ErrorDialog, "exec", lambda self: shown.append(self) or 0)
    app_module.install_excepthook()
    try:
        raise RuntimeError("boom in a handler")
    except RuntimeError as exc:
        app_module.show_exception(type(exc), exc, exc.__traceback__)
    assert "RuntimeError: boom in a handler" in shown[0].details.toPlainText()
    assert "boom in a handler" in app_module.log_path().read_text(encoding="utf-8")
    assert app_module.log_path().parent == tmp_path / "data"
    for handler in list(app_module.log.handlers):
        app_module.log.removeHandler(handler)
        handler.close()


def test_first_start_creates_the_sample_project_in_the_data_folder(qapp,
                                                                   tmp_path: Path) -> None:
    from gui.app import sample_project
    from gui.dialogs.project_dialogs import system_user

    path = sample_project()
    assert path.parent == tmp_path / "data"
    with Project.open(path) as project:
        assert project.document_count() == 5
    assert sample_project() == path  # created once
    assert system_user()


def test_import_runs_in_the_background_with_a_per_file_report(window: MainWindow,
                                                              tmp_path: Path, qtbot) -> None:
    good = tmp_path / "new-story.txt"
    good.write_text("Fresh story\n\nA brand new story about the river talks.", encoding="utf-8")
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"text": "ok", "id": "x1"}\n{not json\n', encoding="utf-8")
    dialog = window.import_paths([good, bad])
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.error is not None,
                    timeout=20000)
    assert dialog.error is None
    assert "1 document imported from 2 files" in dialog.status.text()
    assert "1 rejected" in dialog.status.text()
    details = dialog.details.toPlainText()
    assert "broken.jsonl:2: not valid JSON" in details
    assert window.document_list.model.rowCount() == 7
    assert window.position_label.text().endswith("/ 7")
    dialog.close()


def test_export_dialog_runs_the_export_in_the_background(window: MainWindow, tmp_path: Path,
                                                         sample_path: Path, qtbot) -> None:
    from formats import registry
    from gui.dialogs.transfer import ExportDialog, ExportProgressDialog

    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    options = ExportDialog(registry.writer_names(), ["alice"], window.project.schema.label_names,
                           tmp_path / "out", window)
    options.format_combo.setCurrentIndex(options.format_combo.findData("jsonl"))
    options.split_check.setChecked(True)
    options.split_edit.setText("train=0.5, test=0.6")
    with pytest.raises(ValueError, match=r"sum to 1\.1"):
        options.split()
    options.split_check.setChecked(False)
    format_name, out_dir, values = options.values()
    assert (format_name, values["annotators"], values["labels"]) == ("jsonl", None, None)
    progress = ExportProgressDialog(window.project, format_name, out_dir, values, window)
    progress.start()
    qtbot.waitUntil(lambda: progress.result is not None or progress.error is not None,
                    timeout=30000)
    assert progress.error is None, progress.error
    assert progress.status.text().startswith("Exported 6 documents, 1 span, 0 relations to")
    assert (out_dir / "manifest.json").exists()
    written = "".join(p.read_text(encoding="utf-8") for p in out_dir.rglob("*.jsonl"))
    assert "Aldric Varnay" in written or "Actor" in written
    progress.close()


def test_escape_cancels_a_running_export_and_removes_its_output(window: MainWindow,
                                                                tmp_path: Path, qtbot) -> None:
    from gui.dialogs.transfer import ExportProgressDialog

    out_dir = tmp_path / "cancelled"
    progress = ExportProgressDialog(window.project, "jsonl", out_dir, {}, window)
    progress.show()
    assert QTest.qWaitForWindowExposed(progress)
    progress.activateWindow()
    assert QTest.qWaitForWindowActive(progress)
    qtbot.keyClick(progress, Qt.Key.Key_Escape)  # before the first document is written
    assert progress.isVisible() and progress.status.text() == "Cancelling…"
    progress.start()
    qtbot.waitUntil(lambda: progress.error is not None, timeout=30000)
    assert progress.status.text().startswith("Cancelled: export cancelled")
    assert not out_dir.exists()
    qtbot.keyClick(progress, Qt.Key.Key_Escape)  # now it closes
    assert not progress.isVisible()


def test_undo_adapter_takes_back_a_half_done_step(qapp, small_project: Project) -> None:
    """One refused step of a multi-step edit leaves nothing stored and nothing to undo."""
    from gui.undo import EditController
    from storage.edits import AddSpan

    controller = EditController(small_project)
    refused: list[str] = []
    controller.refused.connect(refused.append)
    document = small_project.document_by_external_id("varnay-warns")
    before = small_project.spans(document.id)
    good = AddSpan(document.id, "alice", "Cue", [(0, 6)])
    bad = AddSpan(document.id, "alice", "Cue", [(5, 10_000)])
    assert controller.perform_steps([good, bad], "two cues", document.id) is None
    assert "outside the text" in refused[0]
    assert small_project.spans(document.id) == before
    assert controller.stack.count() == 0
    # a refused single edit is reported the same way
    assert controller.perform(AddSpan(document.id, "alice", "Nope", [(0, 1)])) is None
    assert "not in the schema" in refused[1]
    assert controller.stack.count() == 0


def test_new_project_with_schema_choice_and_switching_projects(window: MainWindow,
                                                               sample_path: Path,
                                                               tmp_path: Path, qtbot) -> None:
    from gui.dialogs.project_dialogs import NewProjectDialog
    from storage.schema import DEFAULT_SCHEMA_PATH

    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    dialog = NewProjectDialog(tmp_path)
    dialog.path_edit.setText(str(tmp_path / "second.saywho"))
    path, schema = dialog.values()
    assert schema == DEFAULT_SCHEMA_PATH
    with Project.create(path, schema) as created:
        created.import_records([DocumentRecord(text="Other\n\nOther text.", title="Other",
                                               external_id="other")], "x")
    window._open_location(str(path))
    assert window.document.title == "Other"
    assert window.position_label.text() == "Document 1 / 1"
    assert not window.controller.stack.canUndo()  # the history belonged to the other project
    assert settings().value("recent/last", "", type=str) == str(path)
    window._open_location(str(sample_path))
    assert window.document_list.model.rowCount() == 6


QUOTES_TEXT = ("Quotation marks\n\nShe said \"alpha one\" and “beta two” and «gamma three» and "
               "„delta four“ and ‘epsilon five’ and 'zeta six' to the press.")


def test_double_click_selects_a_word_for_the_label_key(window: MainWindow, sample_path: Path,
                                                       qtbot) -> None:
    start, _ = find(window, "Varnay", 0)
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, point_of(window, start + 2))
    assert window.view.selected_range() == (start, start + len("Varnay"))
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert "Actor:Varnay" in stored_texts(sample_path)


def test_select_inside_each_kind_of_quotation_marks_by_key(qtbot, sample_path: Path) -> None:
    with Project.open(sample_path) as project:
        project.import_records([DocumentRecord(text=QUOTES_TEXT, title="Quotation marks",
                                               external_id="quotes")], "quotes")
    window = open_window(qtbot, sample_path)
    window.open_document(window.project.document_by_external_id("quotes").id)
    inner = ["alpha one", "beta two", "gamma three", "delta four", "epsilon five", "zeta six"]
    for words in inner:
        start, _ = find(window, words)
        window.view.setFocus()
        window.view.set_selected_range(start + 2, start + 2)
        qtbot.keyClick(window.view, Qt.Key.Key_Apostrophe, CTRL)
        assert window.view.selected_range() == (start, start + len(words)), words
        qtbot.keyClick(window.view, Qt.Key.Key_Q)
    assert sorted(stored_texts(sample_path, "quotes")) == sorted(f"Quote:{w}" for w in inner)
    window.close()
    window.project.close()


def test_every_zoom_is_remembered_also_by_the_wheel(window: MainWindow) -> None:
    from PySide6.QtGui import QWheelEvent

    size = window.view.zoom
    window.actions["view.zoom_in"].trigger()
    assert settings().value("view/zoom", 0.0, type=float) == size + 1
    viewport = window.view.viewport()
    center = QPointF(viewport.rect().center())
    wheel = QWheelEvent(center, QPointF(viewport.mapToGlobal(center.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, CTRL,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert window.view.zoom == size
    assert settings().value("view/zoom", 0.0, type=float) == size


def test_switching_annotator_keeps_undo_away_from_the_hidden_layer(window: MainWindow,
                                                                  sample_path: Path,
                                                                  qtbot) -> None:
    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    assert window.controller.stack.canUndo()
    window.set_annotator("bob")
    assert not window.controller.stack.canUndo()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert "Actor:Aldric Varnay" in stored_texts(sample_path)


def test_an_edit_that_fails_unexpectedly_is_not_shown_as_saved(window: MainWindow,
                                                              sample_path: Path, qtbot,
                                                              monkeypatch) -> None:
    from storage.edits import AddSpan

    assert window.saved_label.text() == "All changes saved"
    assert window.document is not None

    def broken(_edit: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(window.project, "apply", broken)
    start, end = find(window, "Aldric Varnay")
    with pytest.raises(OSError):
        window.controller.perform(AddSpan(window.document.id, "alice", "Actor", [(start, end)]),
                                  "Add Actor", window.document.id)
    assert window.saved_label.text().startswith("Not saved: Add Actor")
    assert window.controller.stack.count() == 0
    monkeypatch.undo()
    mark(qtbot, window, "Aldric Varnay", Qt.Key.Key_A)
    assert window.saved_label.text() == "All changes saved"


def test_system_theme_is_followed_when_it_changes(window: MainWindow, monkeypatch) -> None:
    from gui import theme

    palette, sheet = QApplication.palette(), QApplication.instance().styleSheet()
    window.actions["view.theme_system"].trigger()
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    window._on_system_color_scheme_changed()
    assert theme.is_dark(QApplication.palette())
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    window._on_system_color_scheme_changed()
    assert not theme.is_dark(QApplication.palette())
    # an explicit choice is not overridden by the desktop
    window.actions["view.theme_dark"].trigger()
    window._on_system_color_scheme_changed()
    assert theme.is_dark(QApplication.palette())
    QApplication.setPalette(palette)
    QApplication.instance().setStyleSheet(sheet)


def test_backups_to_keep_is_a_setting_the_window_uses(window: MainWindow, tmp_path: Path,
                                                      monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from gui.preferences import backups_kept, open_project

    asked: list[int] = []

    def answer(_parent, _title, _label, value, *_args):  # type: ignore[no-untyped-def]
        asked.append(value)
        return 0, True

    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(answer))
    window.actions["file.backups"].trigger()
    assert asked == [5] and backups_kept() == 0
    path = tmp_path / "kept" / "news.saywho"
    path.parent.mkdir()
    Project.create(path).close()
    open_project(str(path)).close()
    assert not (path.parent / "backups").exists()
    settings().setValue("backups/keep", 2)
    open_project(str(path)).close()
    assert len(list((path.parent / "backups").glob("news-*.saywho"))) == 1


def test_assigned_documents_come_first_and_stand_out(qtbot, sample_path: Path) -> None:
    from storage.edits import Assign

    with Project.open(sample_path) as project:
        last = project.documents()[-1]
        project.apply(Assign([last.id], "alice"))
    window = open_window(qtbot, sample_path)
    model = window.document_list.model
    first = model.index(0, 0)
    assert model.data(first) == last.title
    assert model.data(first, Qt.ItemDataRole.FontRole).bold()
    assert "assigned to you" in model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole) is None
    window.close()
    window.project.close()
