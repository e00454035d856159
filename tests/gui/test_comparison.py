"""The curator's comparison view: accept, edit, reject into gold, with keys; undo/redo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from comparison_samples import shown_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from gui.comparison import (
    AttributeDialog,
    ComparisonModel,
    ComparisonWindow,
    NewGoldSpanDialog,
    open_comparison,
)
from storage.adjudication import GOLD
from storage.edits import UpdateSpan
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord

TEXT = ("Varnay said the border stays shut. If they cross, we strike, Ardova warned. "
        "The talks 🕊 resume on Monday, a spokesman said.")
SECOND = "Doreth replied that the river is theirs. Nobody else spoke."


def _at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def layer(name: str, quote_form: str, condition: str, extra: bool) -> AnnotationSetRecord:
    """alice and bob agree on Actors, Consequence, speaker; differ on Quote form and Condition."""
    spans = [
        SpanRecord("A1", "Actor", [_at(TEXT, "Varnay")], {"kind": "person"}),
        SpanRecord("Q1", "Quote", [_at(TEXT, "the border stays shut")], {"form": quote_form}),
        SpanRecord("C1", "Condition", [_at(TEXT, condition)]),
        SpanRecord("K1", "Consequence", [_at(TEXT, "we strike")], {"type": "threat"}),
        SpanRecord("A2", "Actor", [_at(TEXT, "Ardova")], {"kind": "person"}),
    ]
    relations = [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "consequence", "C1", "K1"),
        RelationRecord("R3", "holder", "C1", "A2"),
    ]
    if extra:  # only alice marks the spokesman's quote
        spans.append(SpanRecord("Q2", "Quote", [_at(TEXT, "The talks 🕊 resume on Monday")],
                                {"form": "indirect"}))
    return AnnotationSetRecord(name, "done", spans, relations)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, int, int]:
    """A project file with two documents annotated by alice and bob; returns its ids."""
    path = tmp_path / "two.saywho"
    with Project.create(path) as project:
        project.import_records([
            DocumentRecord(text=TEXT, title="Border", external_id="border", annotations=[
                layer("alice", "indirect", "If they cross", True),
                layer("bob", "direct", "If they cross,", False)]),
            DocumentRecord(text=SECOND, title="River", external_id="river", annotations=[
                AnnotationSetRecord("alice", "done", [
                    SpanRecord("A", "Actor", [_at(SECOND, "Doreth")], {"kind": "state"})]),
                AnnotationSetRecord("bob", "done", [
                    SpanRecord("A", "Actor", [_at(SECOND, "Doreth")], {"kind": "state"})]),
            ]),
        ], "two.jsonl")
        ids = [d.id for d in project.documents()]
    return path, ids[0], ids[1]


@pytest.fixture
def window(qtbot, two):  # type: ignore[no-untyped-def]
    path, first, _second = two
    project = Project.open(path)
    shown = shown_window(qtbot, ComparisonWindow(project, first))
    yield shown
    shown.close()
    project.close()


def gold(path: Path, document_id: int) -> list[tuple[str, str, dict]]:
    """The gold layer as stored, read through a fresh connection."""
    with Project.open(path) as project:
        text = project.document(document_id).text
        return [(s.label, text[s.start:s.end], s.attributes)
                for s in project.spans(document_id, GOLD)]


def gold_relations(path: Path, document_id: int) -> list[str]:
    with Project.open(path) as project:
        return sorted(r.type for r in project.relations(document_id, GOLD))


def select(qtbot, window: ComparisonWindow, label: str, covered: str) -> None:  # type: ignore[no-untyped-def]
    """Moves to a group with the Down key from the top row, as a curator does."""
    window.table.setFocus()
    window.select_row(0)
    for _ in range(window.model.rowCount()):
        group = window.selected_group()
        if group is not None and group.key[0] == label and \
                window.model.data(window.model.index(window.table.currentIndex().row(), 1)) \
                == covered:
            return
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    raise AssertionError(f"no {label} “{covered}” row")


def test_model_lists_groups_with_agreement(qtmodeltester, window) -> None:  # type: ignore[no-untyped-def]
    model: ComparisonModel = window.model
    qtmodeltester.check(model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in
               range(model.columnCount())]
    assert headers == ["Label", "Text", "1  alice", "2  bob", "Gold", "Agreement"]
    rows = [tuple(model.data(model.index(r, c)) for c in (0, 1, 5))
            for r in range(model.rowCount())]
    assert rows == [
        ("Actor", "Varnay", "unanimous"),
        ("Quote", "the border stays shut", "differ: form"),
        ("  → speaker", "→ Actor “Varnay”", "unanimous"),
        # alice's and bob's Conditions differ by the comma: one row, and one per relation
        ("Condition", "If they cross", "boundaries differ"),
        ("  → consequence", "→ Consequence “we strike”", "ends differ"),
        ("  → holder", "→ Actor “Ardova”", "ends differ"),
        ("Consequence", "we strike", "unanimous"),
        ("Actor", "Ardova", "unanimous"),
        ("Quote", "The talks 🕊 resume on Monday", "only alice"),
    ]
    speaker = model.index(2, 1)
    assert model.data(speaker, Qt.ItemDataRole.ToolTipRole) == \
        "Quote “the border stays shut” → Actor “Varnay”"
    quote_row = next(r for r in range(model.rowCount())
                     if model.data(model.index(r, 1)) == "the border stays shut")
    assert model.data(model.index(quote_row, 2)) == "✓ form=indirect"  # what differs
    assert model.data(model.index(quote_row, 3)) == "✓ form=direct"
    assert "Border" in window.header.text() and "in gold" in window.header.text()


def test_accept_reject_with_keys(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "2")  # bob's version: direct
    assert gold(path, first) == [("Quote", "the border stays shut", {"form": "direct",
                                                                    "anonymous": False})]
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "1")  # alice's attributes instead, still one gold Quote
    assert [(label, attrs["form"]) for label, _, attrs in gold(path, first)] == \
        [("Quote", "indirect")]
    qtbot.keyClick(window.table, Qt.Key.Key_Up)  # a step moves on to the next row
    qtbot.keyClick(window.table, "1")
    assert "already has alice's version" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert gold(path, first) == []
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "1")
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert gold(path, first) == []
    qtbot.keyClick(window.table, "3")
    assert "no annotator 3" in window.statusBar().currentMessage()


def test_choosing_between_extents_keeps_one_gold_span(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "Condition", "If they cross")  # one row, both versions
    row = window.table.currentIndex().row()
    assert window.model.data(window.model.index(row, 3)).startswith("✓ end +1 “If they cross,”")
    qtbot.keyClick(window.table, "1")
    assert [g[1] for g in gold(path, first)] == ["If they cross"]
    select(qtbot, window, "Condition", "If they cross")
    qtbot.keyClick(window.table, "2")  # bob's longer extent replaces alice's
    assert [g[1] for g in gold(path, first)] == ["If they cross,"]
    assert "replaced" in window.statusBar().currentMessage()


def test_accept_relation_brings_its_spans(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "holder", "→ Actor “Ardova”")  # alice's holder comes first
    qtbot.keyClick(window.table, "1")
    assert sorted(g[1] for g in gold(path, first)) == ["Ardova", "If they cross"]
    assert gold_relations(path, first) == ["holder"]
    gold_column = 4
    row = next(r for r in range(window.model.rowCount())
               if window.model.data(window.model.index(r, 1)) == "Ardova")
    assert window.model.data(window.model.index(row, gold_column)).startswith("★")


def test_accept_unanimous_in_one_step_then_undo_redo(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    unanimous = [("Actor", "Varnay"), ("Consequence", "we strike"), ("Actor", "Ardova")]
    assert [(label, covered) for label, covered, _ in gold(path, first)] == unanimous
    assert window.controller.stack.count() == 1
    undo = window.key_actions["compare.undo"]
    assert undo.isEnabled() and undo.text() == "&Undo accept unanimous annotations"
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert "Nothing unanimous" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(path, first) == []
    qtbot.keyClick(window.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [(label, covered) for label, covered, _ in gold(path, first)] == unanimous
    assert "<b>3</b> in gold" in window.header.text()


def test_edit_gold_attributes_with_dialog(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, Qt.Key.Key_E)
    assert "accept a version" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, "2")
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    qtbot.keyClick(window.table, Qt.Key.Key_E)
    dialog = window.findChild(AttributeDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.set_value("form", "mixed")
    dialog.set_value("anonymous", True)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert gold(path, first) == [("Quote", "the border stays shut",
                                  {"form": "mixed", "anonymous": True})]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(path, first)[0][2]["form"] == "direct"


def test_new_gold_span_from_selection_after_emoji(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    assert "Select some text" in window.statusBar().currentMessage()
    start, end = _at(TEXT, "a spokesman")
    cursor = window.text_view.textCursor()
    cursor.setPosition(start + 1)  # one emoji before: Qt counts it twice
    cursor.setPosition(end + 1, QTextCursor.MoveMode.KeepAnchor)
    window.text_view.setTextCursor(cursor)
    assert cursor.selectedText() == "a spokesman"
    window.text_view.setFocus()
    qtbot.keyClick(window.text_view, Qt.Key.Key_N)
    dialog = window.findChild(NewGoldSpanDialog)
    assert dialog is not None
    dialog.set_label("Actor")
    dialog.editors.set_value("kind", "group")
    dialog.accept()
    assert gold(path, first) == [("Actor", "a spokesman", {"kind": "group", "mention": "name"})]


def test_refusal_is_shown_and_nothing_stored(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "2")
    with Project.open(path) as other:  # a second curator changes the gold Quote meanwhile
        quote = other.spans(first, GOLD)[0]
        other.apply(UpdateSpan(quote.id, attributes={"form": "mixed"}))
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    qtbot.keyClick(window.table, "1")
    assert "changed" in window.statusBar().currentMessage().lower() or \
        "version" in window.statusBar().currentMessage().lower()
    assert gold(path, first)[0][2]["form"] == "mixed"


def test_gold_done_and_documents(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, second = two
    statuses: list[tuple[int, str, str]] = []
    window.statusChanged.connect(lambda *args: statuses.append(args))
    qtbot.keyClick(window.table, Qt.Key.Key_D)
    assert statuses == [(first, GOLD, "done")]
    qtbot.keyClick(window.table, Qt.Key.Key_PageDown)
    assert window.document.id == second
    qtbot.keyClick(window.table, Qt.Key.Key_PageDown)
    assert "last document" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert gold(path, second) == [("Actor", "Doreth", {"kind": "state", "mention": "name"})]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.id == first  # undo shows the document it changes
    with Project.open(path) as project:
        assert project.status(first, GOLD) != "done"
        assert project.spans(second, GOLD) == []
    qtbot.keyClick(window.table, Qt.Key.Key_PageUp)
    assert "first document" in window.statusBar().currentMessage()


def test_open_comparison_shows_a_window(qtbot, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    with Project.open(path) as project:
        shown = open_comparison(None, project, first)
        assert shown.isVisible() and shown.annotators() == ["alice", "bob"]
        with qtbot.waitSignal(shown.destroyed):  # closing deletes it
            shown.close()


def test_adjudication_end_to_end_then_gold_export(qtbot, window, two, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two annotators, adjudicated in the window with keys, the gold layer exported as JSONL."""
    from export.run import export_project
    from formats.base import ExportOptions

    path, _first, _ = two
    qtbot.keyClick(window.table, Qt.Key.Key_A)  # Actors, Consequence
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "2")  # bob: direct
    select(qtbot, window, "speaker", "→ Actor “Varnay”")
    qtbot.keyClick(window.table, "1")
    select(qtbot, window, "Condition", "If they cross")  # alice's and bob's versions
    qtbot.keyClick(window.table, "2")
    qtbot.keyClick(window.table, "2")  # the next row: bob's consequence relation
    qtbot.keyClick(window.table, "2")  # and bob's holder
    select(qtbot, window, "Quote", "The talks 🕊 resume on Monday")
    qtbot.keyClick(window.table, "1")  # the last row: the selection stays on it
    qtbot.keyClick(window.table, Qt.Key.Key_R)  # rejected after all
    qtbot.keyClick(window.table, Qt.Key.Key_D)

    out = tmp_path / "gold-export"
    with Project.open(path) as project:
        export_project(project, "jsonl", out, ExportOptions(annotators=[GOLD]))
    lines = [json.loads(line) for line in
             (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    border = next(line for line in lines if line["id"] == "border")
    (layer_,) = border["annotations"]
    assert (layer_["annotator"], layer_["status"]) == (GOLD, "done")
    spans = {s["id"]: (s["label"], s["text"], s["attributes"]) for s in layer_["spans"]}
    assert sorted(spans.values(), key=lambda v: TEXT.index(v[1])) == [
        ("Actor", "Varnay", {"kind": "person", "mention": "name"}),
        ("Quote", "the border stays shut", {"anonymous": False, "form": "direct"}),
        ("Condition", "If they cross,", {"counterfactual": False, "polarity": "positive"}),
        ("Consequence", "we strike", {"type": "threat"}),
        ("Actor", "Ardova", {"kind": "person", "mention": "name"}),
    ]
    relations = sorted((r["type"], spans[r["source"]][1], spans[r["target"]][1])
                       for r in layer_["relations"])
    assert relations == [("consequence", "If they cross,", "we strike"),
                         ("holder", "If they cross,", "Ardova"),
                         ("speaker", "the border stays shut", "Varnay")]
    assert all(line["id"] != "river" or line["annotations"] == [] for line in lines)


def test_document_nobody_annotated_refuses_clearly(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Project.create(tmp_path / "empty.saywho") as project:
        project.import_records([DocumentRecord(text="Nothing was said.", external_id="e")],
                               "e.jsonl")
        shown = ComparisonWindow(project, project.documents()[0].id)
        qtbot.addWidget(shown)
        with qtbot.waitActive(shown):  # window shortcuts need the active window
            shown.show()
            shown.activateWindow()
        assert shown.model.rowCount() == 0 and shown.annotators() == []
        qtbot.keyClick(shown.table, "1")
        assert shown.statusBar().currentMessage() == "Nothing selected."
        qtbot.keyClick(shown.table, Qt.Key.Key_A)
        assert "at least two annotators" in shown.statusBar().currentMessage()
        assert project.spans(project.documents()[0].id, GOLD) == []
        shown.close()


def test_undo_after_a_colleague_changed_the_gold_span_reloads(qtbot, window, two) -> None:  # type: ignore[no-untyped-def]
    path, first, _ = two
    select(qtbot, window, "Quote", "the border stays shut")
    qtbot.keyClick(window.table, "2")  # bob's version into gold
    with Project.open(path) as colleague:  # another curator edits the same gold span
        span = next(s for s in colleague.spans(first, GOLD) if s.label == "Quote")
        colleague.apply(UpdateSpan(span.id, attributes={"form": "mixed", "anonymous": False},
                                   expected_version=span.version))
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "changed by someone else" in window.statusBar().currentMessage()
    assert gold(path, first) == [("Quote", "the border stays shut", {"form": "mixed",
                                                                    "anonymous": False})]
    row = next(r for r in range(window.model.rowCount())
               if window.model.data(window.model.index(r, 1)) == "the border stays shut")
    assert "mixed" in window.model.data(window.model.index(row, 4))


def test_defaults_stored_or_not_count_as_unanimous_so_a_accepts_them(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "defaults.saywho"
    quote = _at(TEXT, "the border stays shut")
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=TEXT, external_id="border", annotations=[
            AnnotationSetRecord("alice", "done", [SpanRecord(
                "Q", "Quote", [quote], {"form": "direct", "anonymous": False})]),
            AnnotationSetRecord("bob", "done", [SpanRecord("Q", "Quote", [quote], {})]),
        ])], "defaults.jsonl")
        first = project.documents()[0].id
    project = Project.open(path)
    shown = ComparisonWindow(project, first)
    qtbot.addWidget(shown)
    with qtbot.waitActive(shown):
        shown.show()
        shown.activateWindow()
    assert shown.model.data(shown.model.index(0, 5)) == "unanimous"
    qtbot.keyClick(shown.table, Qt.Key.Key_A)
    assert [(label, covered) for label, covered, _ in gold(path, first)] == \
        [("Quote", "the border stays shut")]
    shown.close()
    project.close()


def test_keys_menus_and_f1_come_from_the_action_table(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QKeySequence

    from gui.actions import COMPARISON_ACTIONS, COMPARISON_MENUS
    from gui.dialogs.shortcut_sheet import ShortcutSheet

    seen: dict[str, str] = {}
    for definition in COMPARISON_ACTIONS:
        assert definition.menu in ("", *COMPARISON_MENUS)
        if definition.scope == "sheet":
            continue
        assert callable(definition.handler(window)), definition.id  # type: ignore[misc]
        for key in definition.shortcuts:  # no key bound twice (Qt would fire neither)
            normal = QKeySequence(key).toString()
            assert normal not in seen, f"{key}: {definition.id} and {seen[normal]}"
            seen[normal] = definition.id
    menus = {action.text().replace("&", ""): [a.text().replace("&", "")
                                              for a in action.menu().actions() if a.text()]
             for action in window.menuBar().actions()}
    assert list(menus) == list(COMPARISON_MENUS)
    assert menus["Adjudicate"][:3] == ["Accept alice's Version", "Accept bob's Version",
                                       "Accept Version of Annotator 3 (none here)"]
    assert "Accept All Unanimous" in menus["Adjudicate"]
    assert menus["Document"] == ["Previous Document", "Next Document",
                                 "Mark Gold Done / In Progress"]
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    sheet = window.findChild(ShortcutSheet)
    assert sheet is not None and sheet.isVisible()
    rows = dict(sheet.rows())
    assert rows["Accept All Unanimous"] == "A"
    assert rows["Reject (Remove from Gold)"] == "R, Del"
    assert rows["Next / Previous Row"] == "Down, Up"
    assert rows["Accept Version of Annotator 1"] == "1"
    sheet.close()
