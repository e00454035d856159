"""A quote and its speaker in a few actions, driven through the real main window.

Each test drags and presses keys as an annotator would, counts the actions, and
reads what a fresh ``Project.open`` finds in the database afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest

from gui.dialogs.relation_picker import PickerEntry, PickerModel
from gui.main_window import MainWindow
from ingest import import_paths
from storage.project import Project
from suggest.speakers import Candidate, speaker_candidates, typed_candidates
from tests.gui.test_main_window import SAMPLES, find, mouse_drag, open_window, stored

DOC = "01-varnay-warns-ostmere"
FORM_DIRECT = {"form": "direct", "anonymous": False}


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    path = tmp_path / "speakers.saywho"
    with Project.create(path) as project:
        report = import_paths(project, [SAMPLES / f"{DOC}.txt"])
        assert report.ok, report.errors
    return path


@pytest.fixture
def window(qtbot, sample_path: Path) -> Iterator[MainWindow]:
    opened = open_window(qtbot, sample_path)
    yield opened
    opened.close()
    opened.project.close()


def layer(path: Path) -> tuple[list[tuple[str, str, dict]], list[tuple[str, str, str]]]:
    """(label, covered text, attributes) of each span and (type, source, target) texts."""
    text, spans, relations = stored(path, DOC)
    by_id = {s.id: s for s in spans}

    def covered(span_id: int) -> str:
        return "|".join(text[a:b] for a, b in by_id[span_id].fragments)

    return (sorted((s.label, covered(s.id), dict(s.attributes)) for s in spans),
            sorted((r.type, covered(r.source_id), covered(r.target_id)) for r in relations))


def drag(window: MainWindow, needle: str, occurrence: int = 0) -> None:
    start, end = find(window, needle, occurrence)
    mouse_drag(window, start, end)
    assert window.view.raw_selected_range() == (start, end)


def test_new_quote_and_new_speaker_in_three_actions(window: MainWindow, sample_path: Path,
                                                    qtbot) -> None:
    quote = "Both capitals are talking to their own voters"
    drag(window, quote)                        # 1: drag the quote
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # 2: S marks it and opens the picker
    assert window.picker.isVisible()
    first = window.picker.current_entry()
    assert first is not None and first.text == "Irena Malk" and not first.marked
    assert "said X" in first.note and first.paragraph == 11
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)  # 3: Enter takes the first
    assert not window.picker.isVisible()
    spans, relations = layer(sample_path)
    assert spans == [("Actor", "Irena Malk", {"kind": "person", "mention": "name"}),
                     ("Quote", quote, FORM_DIRECT)]
    assert relations == [("speaker", quote, "Irena Malk")]
    # the speaker (mark + link) is one undo step; the quote another
    window.controller.stack.undo()
    assert layer(sample_path) == ([("Quote", quote, FORM_DIRECT)], [])
    window.controller.stack.redo()
    assert layer(sample_path)[1] == [("speaker", quote, "Irena Malk")]


def test_an_interrupted_quote_dragged_whole_is_stored_as_two_fragments(
        window: MainWindow, sample_path: Path, qtbot) -> None:
    drag(window, "Our soldiers are on our side of the water,\" Ardova said. \"They will stay "
                 "there unless someone gives them a reason to leave")
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    first = window.picker.current_entry()
    assert first is not None and first.text == "Ardova"
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    quote = ("Our soldiers are on our side of the water,|They will stay there unless someone "
             "gives them a reason to leave")
    assert layer(sample_path) == (
        [("Actor", "Ardova", {"kind": "person", "mention": "name"}),
         ("Quote", quote, FORM_DIRECT)], [("speaker", quote, "Ardova")])


def test_selected_quote_then_drag_the_speaker_and_s(window: MainWindow, sample_path: Path,
                                                    qtbot) -> None:
    quote = "If they cross the river, our answer will be swift and it will be final"
    drag(window, quote)
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    drag(window, "Carvonian Defence Council")  # not the right speaker, but the one dragged
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert not window.picker.isVisible()
    spans, relations = layer(sample_path)
    assert ("Actor", "Carvonian Defence Council",
            {"kind": "organisation", "mention": "name"}) in spans
    assert relations == [("speaker", quote, "Carvonian Defence Council")]
    # the quote stays selected, with its new speaker shown
    assert window.selected_span is not None and window.selected_span.label == "Quote"
    # one undo takes back the mention and the link together
    window.controller.stack.undo()
    assert layer(sample_path) == ([("Quote", quote, FORM_DIRECT)], [])


def test_already_marked_speaker_in_three_actions(window: MainWindow, sample_path: Path,
                                                 qtbot) -> None:
    drag(window, "Ardova", 1)  # "… water," Ardova said.
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    quote = "Our soldiers are on our side of the water"
    drag(window, quote)                        # 1
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # 2
    first = window.picker.current_entry()
    assert first is not None and first.marked and first.text == "Ardova"
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)  # 3
    spans, relations = layer(sample_path)
    assert [s[:2] for s in spans] == [("Actor", "Ardova"), ("Quote", quote)]
    assert relations == [("speaker", quote, "Ardova")]


def test_typed_words_in_the_picker_are_marked_and_linked(window: MainWindow,
                                                         sample_path: Path, qtbot) -> None:
    quote = "theatre for a domestic audience"
    drag(window, quote)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    # the typed words filter the candidates ...
    qtbot.keyClicks(window.picker.filter, "ministry")
    assert window.picker.entries_shown()[:2] == [
        "Actor: Ostmere's foreign ministry (new) · ¶6", "Actor: the ministry (new) · ¶6"]
    # ... and where no candidate has them, they are found in the text, nearest first
    window.picker.filter.clear()
    qtbot.keyClicks(window.picker.filter, "a statement")
    assert window.picker.entries_shown() == ["Actor: a statement (new) · ¶6"]
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    spans, relations = layer(sample_path)
    assert relations == [("speaker", quote, "a statement")]
    # nothing tells what "a statement" is: the kind is left to the schema's default
    assert ("Actor", "a statement", {"kind": "person", "mention": "name"}) in spans


def test_a_second_quote_dragged_while_the_first_is_selected_becomes_a_quote(
        window: MainWindow, sample_path: Path, qtbot) -> None:
    first = "Our soldiers are on our side of the water"
    second = "They will stay there unless someone gives them a reason to leave"
    drag(window, first)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    assert window.selected_span is not None
    drag(window, second)  # the first quote is still selected and has its speaker
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    top = window.picker.current_entry()
    # the paragraph's previous speaker, already marked, comes first
    assert top is not None and top.marked and top.text == "Ardova"
    qtbot.keyClick(window.picker.filter, Qt.Key.Key_Return)
    _, relations = layer(sample_path)
    assert relations == [("speaker", first, "Ardova"), ("speaker", second, "Ardova")]


def test_the_picker_never_covers_the_quote_or_its_first_candidates(
        window: MainWindow, qtbot, tmp_path: Path) -> None:
    for needle, height in (("The danger is that one of them starts to believe its own "
                            "speeches.", 850), ("We will not yield,", 850),
                           ("theatre for a domestic audience.", 640)):
        window.resize(1300, height)
        QTest.qWait(20)
        window.view.setFocus()
        window.view.set_selected_range(*find(window, needle))
        qtbot.keyClick(window.view, Qt.Key.Key_S)
        assert window.picker.isVisible()
        picker = window.picker.geometry()
        viewport = window.view.viewport()
        offset = viewport.mapTo(window.view, viewport.rect().topLeft())
        start, end = find(window, needle)
        protected = [window.view.range_viewport_rect(start, end).translated(offset)]
        for row in range(3):
            entry = window.picker.model.entry(row)
            if entry is not None and isinstance(entry.payload, Candidate):
                protected.append(window.view.range_viewport_rect(
                    entry.payload.start, entry.payload.end).translated(offset))
        assert all(not picker.intersects(rect) for rect in protected), (needle, picker,
                                                                      protected)
        assert QRect(offset, viewport.size()).contains(picker), (needle, picker)
        window.grab().save(str(tmp_path / f"picker-{height}-{len(needle)}.png"))
        qtbot.keyClick(window.picker.filter, Qt.Key.Key_Escape)
        window.controller.stack.undo()  # the quote S marked


@pytest.mark.parametrize(("needle", "kind"), [
    ("Ostmere's foreign ministry", "organisation"),
    ("Irena Malk", "person"),
    ("Velmora", "state"),
    ("Amber Palace", "person"),  # nothing tells: the schema's default kind
])
def test_create_actor_guesses_its_kind(window: MainWindow, sample_path: Path, qtbot,
                                       needle: str, kind: str) -> None:
    drag(window, needle)
    window.activateWindow()
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    spans, _ = layer(sample_path)
    assert [(s[0], s[1], s[2]["kind"]) for s in spans] == [("Actor", needle, kind)]
    with Project.open(sample_path) as project:
        assert [(e.name, e.kind) for e in project.entities()] == [(needle, kind)]


def test_picker_model_passes_the_model_tester(qtmodeltester) -> None:
    text = "“Hold the line,” Sela Dunn said. Ola Wren nodded; Sela Dunn left."
    candidates = speaker_candidates(text, [(1, 15)])
    made: list[int] = []

    def entry(candidate: Candidate) -> PickerEntry:
        made.append(candidate.start)
        return PickerEntry("Actor", "#4E79A7", candidate.text, candidate.marked,
                           candidate.paragraph, candidate.pattern, candidate)

    model = PickerModel()
    model.set_entries(candidates, lambda typed: [
        entry(c) for c in typed_candidates(text, typed, [(1, 15)])], make=entry)
    assert made == []  # nothing is built before a row is read
    qtmodeltester.check(model, force_py=True)
    assert model.entry(0) is not None and model.entry(0).text == "Sela Dunn"
    model.set_filter("dunn")
    assert [model.entry(r).shown for r in range(model.rowCount())] == [
        "Actor: Sela Dunn (new) · ¶1", "Actor: Sela Dunn (new) · ¶1"]
    model.set_filter("nodded")  # no candidate: the typed words, found in the text
    assert [model.entry(r).text for r in range(model.rowCount())] == ["nodded"]
    assert model.first_for("ola") is not None and model.first_for("ola").text == "Ola Wren"
    qtmodeltester.check(model, force_py=True)
