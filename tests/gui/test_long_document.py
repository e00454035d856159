"""A long document in the real window: the first screen is complete at once, the rest
of the text and layer follow at idle, and edits anywhere are stored exactly.

The text has emoji (two UTF-16 units each) and CRLF paragraph breaks, so a text view
position that drifted from the stored offsets would show up as a wrong span.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, QThreadPool
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui import workers
from gui.dialogs.relation_picker import ROWS_PER_FETCH, PickerEntry, PickerModel
from gui.layer_loading import RELEASE_CHUNK
from gui.main_window import MainWindow
from gui.unicode import Utf16Map, qt_display_text
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord
from suggest import registry

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
PARAGRAPHS = 500


def paragraph(number: int) -> str:
    mark = "🕊 " if number % 3 == 0 else ""
    return (f"{mark}Minister Ora Tennet said on day {number} that the ferry talks would "
            f"resume. “We will sail again,” she told the harbour council, which met "
            f"until late. The opposition leader Pell Varo called the plan a delay. "
            f"Tennet's office said a vote was expected in the spring, after the "
            f"inquiry into the closure of the northern route had reported. Number {number}.")


def long_record() -> tuple[DocumentRecord, str]:
    """~180 kB: each paragraph has an Actor, a Quote and a speaker relation; every tenth
    quote's speaker is the first paragraph's minister (a relation across the text)."""
    pieces: list[str] = []
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    position = 0
    for number in range(PARAGRAPHS):
        text = paragraph(number)
        actor = text.index("Minister Ora Tennet")
        quote = text.index("We will sail again")
        spans += [SpanRecord(f"a{number}", "Actor",
                             [(position + actor, position + actor + 19)]),
                  SpanRecord(f"q{number}", "Quote",
                             [(position + quote, position + quote + 18)], {"form": "direct"})]
        speaker = "a0" if number % 10 == 9 else f"a{number}"
        relations.append(RelationRecord(f"s{number}", "speaker", f"q{number}", speaker))
        pieces.append(text)
        position += len(text) + (4 if number % 4 == 0 else 2)
    text = "".join(piece + ("\r\n\r\n" if number % 4 == 0 else "\n\n")
                   for number, piece in enumerate(pieces)).rstrip("\r\n")
    layers = [AnnotationSetRecord("alice", "in_progress", spans, relations)]
    return DocumentRecord(text=text, title="Ferry talks", external_id="long",
                          annotations=layers), text


@pytest.fixture(autouse=True)
def jobs_finished(show_window: Callable[[Project], MainWindow],
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the rule suggester runs in the background (the model ones take long on a busy
    machine), and it ends before the windows close (this is torn down first)."""
    monkeypatch.setattr(registry, "DEFAULT_NAMES", ("rules",))
    yield
    for _ in range(10):
        assert workers.wait_for_jobs()
        QApplication.processEvents()  # a finished run starts the one that waited for it
        if QThreadPool.globalInstance().activeThreadCount() == 0:
            break


@pytest.fixture
def long_project(project: Project) -> Project:
    record, _ = long_record()
    project.import_records([DocumentRecord(text="A short note. Nothing else.", title="Note",
                                           external_id="short"), record], "long.jsonl")
    return project


def point_of(window: MainWindow, offset: int) -> QPoint:
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(Utf16Map(window.view.text).to_utf16(offset))
    return window.view.cursorRect(cursor).center() + QPoint(3, 0)


def switch_to_long(window: MainWindow) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_PageDown, ALT)
    assert window.document is not None and window.document.external_id == "long"


def wait_loaded(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.loading_done, timeout=20000)


@pytest.fixture
def long_window(long_project: Project, qtbot,  # type: ignore[no-untyped-def]
                show_window: Callable[[Project], MainWindow]) -> MainWindow:
    """The window switched to the long document, all of it read."""
    window = show_window(long_project)
    switch_to_long(window)
    wait_loaded(window, qtbot)
    return window


def test_first_screen_complete_then_the_rest_at_idle(
        long_project: Project, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    window = show_window(long_project)
    assert window.document is not None and window.document.external_id == "short"
    switch_to_long(window)
    document = window.document
    assert document is not None
    # right after the key: not everything is read, but what the screen shows is
    assert not window.loading_done
    assert len(window.spans) < 2 * PARAGRAPHS
    view = window.view
    blocks = view._visible_blocks()
    assert blocks
    shown_from = view._index.block_range(blocks[0][0].blockNumber())[0]
    shown_to = view._index.block_range(blocks[-1][0].blockNumber())[1]
    on_screen = long_project.spans_in_range(document.id, "alice", shown_from, shown_to)
    assert on_screen and {s.id for s in on_screen} <= set(window.spans)
    touching = long_project.relations_of_spans(document.id, "alice", [s.id for s in on_screen])
    assert {r.id for r in touching} <= set(window.relations)
    assert all(r.target_id in window.spans for r in touching)  # arcs have both ends
    qt_text = view.document().toPlainText()
    assert qt_display_text(document.text).startswith(qt_text)  # a prefix, offsets exact

    wait_loaded(window, qtbot)
    stored = long_project.spans(document.id, "alice")
    assert window.spans == {span.id: span for span in stored}
    assert window.relations == {r.id: r for r in long_project.relations(document.id, "alice")}
    assert view.document().toPlainText() == qt_display_text(document.text)
    assert view.document().blockCount() == len(Utf16Map(document.text).block_starts)
    assert [s.id for s in window.annotation_table.model.spans()] == [s.id for s in stored]
    for span in (stored[0], stored[len(stored) // 2], stored[-1]):
        assert [s.id for s in view.spans_at(span.start) if s.id == span.id] == [span.id]


def test_opened_at_a_span_in_the_middle_the_rest_comes_before_and_after(
        long_project: Project, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow], qtmodeltester) -> None:
    window = show_window(long_project)
    document_id = long_project.document_by_external_id("long").id
    stored = long_project.spans(document_id, "alice")
    middle = stored[len(stored) // 2]
    window.open_document(document_id, middle.id)  # as from the actor registry's mentions
    assert not window.loading_done
    assert window.view.selected_span_id == middle.id
    rect = window.view.range_viewport_rect(middle.start, middle.end)
    assert window.view.viewport().rect().intersects(rect)
    # the start of the text is read later (but for the first minister, whom quotes on
    # this screen name as their speaker: the spans at the relations' other ends come too)
    assert not {s.id for s in stored[2:8]} & set(window.spans)
    assert stored[0].id in window.spans
    wait_loaded(window, qtbot)
    assert [s.id for s in window.annotation_table.model.spans()] == [s.id for s in stored]
    qtmodeltester.check(window.annotation_table.model, force_py=True)
    assert window.view.selected_span_id == middle.id
    assert window.annotation_table.model.row_of(middle.id) is not None


def test_edits_far_away_are_stored_exactly(long_project: Project,
                                           long_window: MainWindow) -> None:
    window = long_window
    document = window.document
    assert document is not None
    text = document.text
    view = window.view
    # the last quote: clicked after scrolling there, its end moved a word (Alt+Shift+Right)
    last_quote = max((s for s in window.spans.values() if s.label == "Quote"),
                     key=lambda s: s.start)
    view.scroll_to(last_quote.start)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point_of(window, last_quote.start + 2))
    assert view.selected_span_id == last_quote.id
    QTest.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)
    moved = long_project.span(last_quote.id)
    assert moved.start == last_quote.start and moved.end > last_quote.end, \
        window.statusBar().currentMessage()
    assert text[moved.start:moved.end].startswith("We will sail again")
    assert window.spans[moved.id] == moved
    # a new Cue on the last paragraph's "reported", after many emoji and CRLF breaks
    word = text.rindex("reported")
    view.setFocus()
    view.set_selected_range(word, word + len("reported"))
    QTest.keyClick(view, Qt.Key.Key_C)
    cues = [s for s in long_project.spans(document.id, "alice") if s.label == "Cue"]
    assert [(s.start, s.end) for s in cues] == [(word, word + len("reported"))]
    assert text[cues[0].start:cues[0].end] == "reported"
    counts = window.document_list.model.info(
        window.document_list.model.row_of(document.id)).counts
    assert counts == {"Actor": PARAGRAPHS, "Quote": PARAGRAPHS, "Cue": 1}


def test_an_edit_before_the_rest_is_read_keeps_the_whole_layer(
        long_project: Project, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    window = show_window(long_project)
    switch_to_long(window)
    assert not window.loading_done
    document = window.document
    assert document is not None
    first_quote = min((s for s in window.spans.values() if s.label == "Quote"),
                      key=lambda s: s.start)
    window.view.setFocus()
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point_of(window, first_quote.start + 2))
    assert window.view.selected_span_id == first_quote.id
    QTest.keyClick(window.view, Qt.Key.Key_Delete)  # an edit while the rest is unread
    stored = long_project.spans(document.id, "alice")
    assert first_quote.id not in {s.id for s in stored}
    wait_loaded(window, qtbot)
    assert window.spans == {span.id: span for span in stored}
    assert window.annotation_table.model.rowCount() == len(stored)
    counts = window.document_list.model.info(
        window.document_list.model.row_of(document.id)).counts
    assert counts == {"Actor": PARAGRAPHS, "Quote": PARAGRAPHS - 1}
    # a span far away not read yet when asked for (a mention in the actor registry)
    switch_back = Qt.Key.Key_PageUp
    QTest.keyClick(window.view, switch_back, ALT)
    switch_to_long(window)
    last = max(stored, key=lambda s: s.start)
    window.select_span(last.id)
    assert window.view.selected_span_id == last.id
    assert window.selected_span == last
    rect = window.view.range_viewport_rect(last.start, last.end)
    assert window.view.viewport().rect().intersects(rect)  # scrolled there, text and all


def test_suggestions_run_once_per_document_per_session(
        long_project: Project, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow],
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = show_window(long_project)
    ran: list[int] = []
    monkeypatch.setattr(window.proposals, "compute", lambda document_id: ran.append(document_id))
    for _ in range(3):
        switch_to_long(window)
        QTest.keyClick(window.view, Qt.Key.Key_PageUp, ALT)
    long_id = long_project.document_by_external_id("long").id
    assert ran == [long_id]  # the short one ran when the window opened, before the patch
    window.proposals.refresh()  # asked for: they run again
    assert len(ran) == 2


def test_the_picker_lists_rows_as_they_are_scrolled_to(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    entries = [PickerEntry("Actor", "#4E79A7", f"Mention {number}", True, number)
               for number in range(ROWS_PER_FETCH * 2 + 7)]
    model = PickerModel()
    model.set_entries(entries)
    assert model.rowCount() == ROWS_PER_FETCH and model.total_rows() == len(entries)
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == len(entries)
    model.set_filter("Mention 1")  # 1, 10-19, 100-126: fewer than a fetch
    assert model.rowCount() == model.total_rows() == 1 + 10 + 27


def test_picker_keys_reach_past_the_rows_fetched(long_window: MainWindow) -> None:
    picker = long_window.picker
    entries = [PickerEntry("Actor", "#4E79A7", f"Mention {number}", True, number, "", number)
               for number in range(ROWS_PER_FETCH + 5)]
    picker.open("Speaker", entries)
    for _ in range(ROWS_PER_FETCH + 2):
        QTest.keyClick(picker.filter, Qt.Key.Key_Down)
    assert picker.current_entry() == entries[ROWS_PER_FETCH + 2]
    picker.open("Speaker", entries)
    QTest.keyClick(picker.filter, Qt.Key.Key_Up)  # from the first to the very last
    assert picker.current_entry() == entries[-1]
    picker.close_picker()


def test_the_end_key_and_the_table_filter_read_the_rest_first(
        long_project: Project, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    window = show_window(long_project)
    switch_to_long(window)
    assert not window.view.text_complete
    QTest.keyClick(window.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.view.text_complete
    assert window.view.cursor_offset() == len(window.view.text)
    assert not window.layer.complete
    QTest.keyClicks(window.annotation_table.search, "Number 499")
    assert window.layer.complete  # the filter sees every span


def test_another_project_stops_reading_the_last_ones_document(
        long_project: Project, qtbot, tmp_path,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    window = show_window(long_project)
    switch_to_long(window)
    assert not window.loading_done
    other = Project.create(tmp_path / "other.saywho")
    window.set_project(other)  # no documents: nothing to read, the old file is closed
    assert window.loading_done and window.document is None
    qtbot.wait(50)  # idle steps would read the closed project here
    assert window.spans == {} and window.view.text == ""


def test_a_closed_documents_layer_is_freed_in_chunks_at_idle(
        long_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    held = {number: object() for number in range(RELEASE_CHUNK * 2 + 10)}
    probe = weakref.ref(next(iter(long_window.spans.values())))
    long_window.released.hold(held, [object() for _ in range(10)])
    QTest.keyClick(long_window.view, Qt.Key.Key_PageUp, ALT)  # to the short note
    assert long_window.document is not None and long_window.document.external_id == "short"
    assert probe() is not None  # the long layer's views live on until idle
    before = long_window.released.pending
    assert before >= len(held) + 2 * PARAGRAPHS
    QApplication.processEvents()
    assert before - RELEASE_CHUNK <= long_window.released.pending < before
    qtbot.waitUntil(lambda: long_window.released.pending == 0, timeout=10000)
    assert held == {} and probe() is None
