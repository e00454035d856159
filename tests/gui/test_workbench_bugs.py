"""The workbench bugs of issue 9, each driven through the real main window.

A fictional wire story with a long direct quote, its speaker and other actors;
every test works with keys, clicks and drags and checks what a fresh
``Project.open`` finds in the SQLite file afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent, QPaintEvent, QRegion, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from gui.app import settings
from gui.main_window import MainWindow
from gui.unicode import Utf16Map
from storage.project import Project
from storage.records import DocumentRecord
from storage.views import SpanView

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

STORY = (
    "Varnay offers to host talks\n\n"
    "Carvonian President Aldric Varnay said on Friday that Tomas Relling and Selene Ardova "
    "had both been invited to Velmora. \u201cEven Relling told me he would come, and I am "
    "ready to host him,\u201d Varnay said, adding that Irena Malk would chair the first "
    "round.\n\n"
    "Ardova urged both capitals to \u201cstop the war\u201d before the winter.\n\n"
    "Relling said \u201c[Ardova] has never asked for a meeting.\u201d Malk was asked "
    "whether \u201cthe \u2018road map\u2019 is ready?\u201d and she said no.\n\n"
    "Malk wrote \"end the war\u201d twice; Ardova answered \u00ab nous restons ici \u00bb "
    "and Relling \u201ewir bleiben hier\u201c, then \u201cthey said \u2018not yet,\u2019 "
    "again.\u201d"
)
LONG_QUOTE = "Even Relling told me he would come, and I am ready to host him,"


@pytest.fixture
def story_path(tmp_path: Path) -> Path:
    path = tmp_path / "story.saywho"
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=STORY, title="Varnay offers to host talks",
                                               external_id="story")], "story")
    return path


@pytest.fixture
def window(qtbot, story_path: Path) -> Iterator[MainWindow]:
    project = Project.open(story_path)
    opened = MainWindow(project, "alice", settings())
    qtbot.addWidget(opened)
    opened.resize(1300, 850)
    opened.show()
    assert QTest.qWaitForWindowExposed(opened)
    opened.view.setFocus()
    yield opened
    opened.close()
    opened.project.close()


def stored(path: Path) -> tuple[str, list[SpanView], list]:
    with Project.open(path) as project:
        document = project.document_by_external_id("story")
        return (document.text, project.spans(document.id, "alice"),
                project.relations(document.id, "alice"))


def stored_texts(path: Path) -> list[tuple[str, str]]:
    text, spans, _ = stored(path)
    return sorted((s.label, "|".join(text[a:b] for a, b in s.fragments)) for s in spans)


def find(window: MainWindow, needle: str) -> tuple[int, int]:
    assert window.document is not None
    start = window.document.text.index(needle)
    return start, start + len(needle)


def mark(qtbot, window: MainWindow, needle: str, key: Qt.Key) -> int:
    window.view.setFocus()
    window.view.set_selected_range(*find(window, needle))
    before = set(window.spans)
    qtbot.keyClick(window.view, key)
    added = set(window.spans) - before
    assert len(added) == 1, window.statusBar().currentMessage()
    return added.pop()


def point_of(window: MainWindow, offset: int) -> QPoint:
    assert window.document is not None
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(Utf16Map(window.document.text).to_utf16(offset))
    return window.view.cursorRect(cursor).center()


def click_offset(window: MainWindow, offset: int) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point_of(window, offset) + QPoint(3, 0))


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


def marked_story(qtbot, window: MainWindow) -> dict[str, int]:
    """The actors before and after the long quote, and the quote, as the issue's repro."""
    ids = {name: mark(qtbot, window, name, Qt.Key.Key_A)
           for name in ("Carvonian President Aldric Varnay", "Tomas Relling", "Selene Ardova",
                        "Irena Malk")}
    ids["quote"] = mark(qtbot, window, LONG_QUOTE, Qt.Key.Key_Q)
    return ids


# ------------------------------------------------------------- bug 1: selection


def test_moving_a_boundary_keeps_the_edited_span_selected(window: MainWindow, story_path: Path,
                                                          qtbot) -> None:
    ids = marked_story(qtbot, window)
    (start, end), = window.spans[ids["quote"]].fragments
    window.view.select_span(None)
    click_offset(window, find(window, "ready to host")[0])
    assert window.view.selected_span_id == ids["quote"]
    for _ in range(2):
        qtbot.keyClick(window.view, Qt.Key.Key_Right, ALT | SHIFT)
        assert window.view.selected_span_id == ids["quote"]
        assert window.schema_panel._span is not None
        assert window.schema_panel._span.id == ids["quote"]
    qtbot.keyClick(window.view, Qt.Key.Key_Left, ALT)
    assert window.view.selected_span_id == ids["quote"]
    _, spans, _ = stored(story_path)
    assert [s.fragments for s in spans if s.id == ids["quote"]] == [((start - 1, end + 2),)]
    assert ("Actor", "Irena Malk") in stored_texts(story_path)  # untouched


def test_relabel_and_attribute_edits_keep_the_span_selected(window: MainWindow,
                                                            story_path: Path, qtbot) -> None:
    ids = marked_story(qtbot, window)
    window.view.select_span(ids["quote"])
    qtbot.keyClick(window.view, Qt.Key.Key_C, SHIFT)  # relabel to Cue
    assert window.view.selected_span_id == ids["quote"]
    qtbot.keyClick(window.view, Qt.Key.Key_Q, SHIFT)  # and back
    assert window.view.selected_span_id == ids["quote"]
    combo = window.schema_panel.findChild(QComboBox, "attr_form")
    assert combo is not None
    combo.setCurrentIndex(combo.findData("mixed"))
    assert window.view.selected_span_id == ids["quote"]
    qtbot.keyClick(window.view, Qt.Key.Key_Q, SHIFT)  # nothing to change: still the quote
    _, spans, _ = stored(story_path)
    quote = next(s for s in spans if s.id == ids["quote"])
    assert quote.label == "Quote" and quote.attributes["form"] == "mixed"
    assert sorted(s.label for s in spans) == ["Actor"] * 4 + ["Quote"]


def test_undoing_a_new_span_selects_nothing_so_delete_deletes_nothing(
        window: MainWindow, story_path: Path, qtbot) -> None:
    marked_story(qtbot, window)
    mark(qtbot, window, "stop the war", Qt.Key.Key_Q)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.view.selected_span_id is None
    assert window.annotation_table.table.selectionModel().selectedRows() == []
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert ("Quote", LONG_QUOTE) in stored_texts(story_path)
    assert len(stored(story_path)[1]) == 5
    # redo brings it back selected; undoing a delete selects the restored span
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    restored = window.view.selected_span_id
    assert restored is not None and window.spans[restored].label == "Quote"
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.view.selected_span_id is None
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.view.selected_span_id == restored
    assert ("Quote", "stop the war") in stored_texts(story_path)


def test_a_table_row_moving_under_an_edit_never_selects_another_span(
        window: MainWindow, story_path: Path, qtbot) -> None:
    ids = marked_story(qtbot, window)
    table = window.annotation_table.table
    row = window.annotation_table.proxy.mapFromSource(
        window.annotation_table.model.index(window.annotation_table.model.row_of(ids["quote"]),
                                            0))
    table.setFocus()
    table.selectRow(row.row())  # the user picks the quote's row
    assert window.view.selected_span_id == ids["quote"]
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | ALT | SHIFT)  # end one word right
    assert "host him," in stored_texts(story_path)[-1][1]
    assert window.view.selected_span_id == ids["quote"]
    selected_rows = table.selectionModel().selectedRows()
    assert [i.data(window.annotation_table.model.SPAN_ID_ROLE) for i in selected_rows] == \
        [ids["quote"]]


# ---------------------------------------------------- bug 2: relations repainted


class PaintRecorder(QObject):
    """Collects the regions the article view's viewport really repaints."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.region = QRegion()
        window.view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.region += event.region()
        return False

    def covers(self, rects: list[QRect]) -> bool:
        return all(self.region.contains(rect) for rect in rects)


def test_relation_arcs_are_repainted_when_added_undone_and_deselected(
        window: MainWindow, story_path: Path, qtbot) -> None:
    ids = marked_story(qtbot, window)
    recorder = PaintRecorder(window)
    window.view.select_span(ids["quote"])
    qtbot.wait(30)
    recorder.region = QRegion()
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.picker.isVisible()
    qtbot.keyClicks(window.picker.filter, "Aldric Varnay")
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    qtbot.wait(30)
    relations = stored(story_path)[2]
    assert [(r.type, r.source_id, r.target_id) for r in relations] == \
        [("speaker", ids["quote"], ids["Carvonian President Aldric Varnay"])]
    model = window.annotation_table.model
    assert model.index(model.row_of(ids["quote"]), 3).data() == \
        "Carvonian President Aldric Varnay"
    arcs = window.view.arc_rects()
    assert arcs, "the arc between the quote and its speaker is on screen"
    assert recorder.covers(arcs), "the new arc was never painted"

    recorder.region = QRegion()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.wait(30)
    assert stored(story_path)[2] == []
    assert window.view.arc_rects() == []
    assert model.index(model.row_of(ids["quote"]), 3).data() == ""
    assert recorder.covers(arcs), "the undone arc stays on screen"

    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.wait(30)
    arcs = window.view.arc_rects()
    assert arcs and len(stored(story_path)[2]) == 1
    recorder.region = QRegion()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # deselect
    qtbot.wait(30)
    assert window.view.selected_span_id is None
    assert recorder.covers(arcs), "pieces of the arc stay after deselecting"


# ------------------------------------- bugs 3 and 4: what is highlighted is stored


def test_a_dragged_quote_keeps_its_punctuation_and_the_highlight_is_what_is_stored(
        window: MainWindow, story_path: Path, qtbot) -> None:
    start, end = find(window, LONG_QUOTE)
    mouse_drag(window, start + 2, end)  # from inside "Even" to after "him,"
    highlighted = window.view.raw_selected_range()
    assert highlighted == (start, end)  # the cut word completed where the user sees it
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    window.view.setFocus()
    relling = find(window, "[Ardova]")[0]
    mouse_drag(window, relling, find(window, "a meeting.")[1])
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    name = find(window, "Irena Malk would")[0]
    mouse_drag(window, name + 1, name + len("Irena Malk wo"))  # a sloppy drag over a name
    assert window.view.selected_range() == (name, name + len("Irena Malk would"))
    assert ("Quote", LONG_QUOTE) in stored_texts(story_path)
    assert ("Quote", "[Ardova] has never asked for a meeting.") in stored_texts(story_path)


@pytest.mark.parametrize(("inside", "quoted"), [
    ("nd the war", "end the war"),
    ("restons", "nous restons ici"),
    ("bleiben", "wir bleiben hier"),
    ("not yet", "not yet,"),
    ("said \u2018not", "they said \u2018not yet,\u2019 again."),
    ("road map", "road map"),
    ("Ardova] has", "[Ardova] has never asked for a meeting."),
])
def test_select_inside_quotes_from_the_caret_or_a_selection_stores_exactly(
        window: MainWindow, story_path: Path, qtbot, inside: str, quoted: str) -> None:
    start, end = find(window, inside)
    # from the caret, with the focus elsewhere in the window (no click first)
    window.view.set_selected_range(start + 1, start + 1)
    window.annotation_table.table.setFocus()
    qtbot.keyClick(window.annotation_table.table, Qt.Key.Key_Apostrophe, CTRL)
    assert window.view.hasFocus()
    assert window.view.raw_selected_range() == find(window, quoted)
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    assert ("Quote", quoted) in stored_texts(story_path)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    # from a selection inside the quotation
    window.view.set_selected_range(start, end)
    qtbot.keyClick(window.view, Qt.Key.Key_Apostrophe, CTRL)
    assert window.view.selected_range() == find(window, quoted)
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    assert ("Quote", quoted) in stored_texts(story_path)


# ------------------------------------------------------------------- bug 6: messages


def test_hints_go_when_used_and_labels_take_the_right_article(window: MainWindow,
                                                              story_path: Path, qtbot) -> None:
    status = window.statusBar()
    qtbot.keyClick(window.view, Qt.Key.Key_Q)  # nothing selected yet
    assert "Select some text first" in status.currentMessage()
    start, end = find(window, "Tomas Relling")
    window.view.set_selected_range(start, end)
    assert status.currentMessage().startswith("Selected 13 characters")
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert "Selected" not in status.currentMessage()  # used: the hint is gone
    assert "Select some text" not in status.currentMessage()
    assert ("Actor", "Tomas Relling") in stored_texts(story_path)
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # the Actor is selected: no speaker from it
    assert "the selected span is an Actor." in status.currentMessage()
    quote = mark(qtbot, window, "stop the war", Qt.Key.Key_Q)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert window.picker.isVisible()
    cue = mark(qtbot, window, "urged", Qt.Key.Key_C)  # cancels the pick, marks a Cue
    window.view.select_span(quote)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    window.view.select_span(cue)  # a click on a span that cannot be a speaker
    assert "A speaker must be an Actor" in status.currentMessage()
    assert " a Actor" not in status.currentMessage()
