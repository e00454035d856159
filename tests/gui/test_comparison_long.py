"""The comparison window on a long document: its first part at once, the rest in the
background, then adjudication far down with keys (what is stored afterwards)."""

from __future__ import annotations

from pathlib import Path

import pytest
from comparison_samples import at, layer, long_text, shown_window
from PySide6.QtCore import Qt

from gui.comparison import PART_CHARS, START_DELAY_MS, ComparisonWindow
from storage.adjudication import GOLD, SpanGroup, compare, ordered_groups
from storage.project import Project
from storage.records import DocumentRecord

PARAGRAPHS = 240
TEXT = long_text(PARAGRAPHS)


@pytest.fixture
def long_path(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "long.saywho"
    assert len(TEXT) > 4 * PART_CHARS
    with Project.create(path) as project:
        project.import_records([DocumentRecord(text=TEXT, title="Long", external_id="long",
                                               annotations=[layer("alice", PARAGRAPHS),
                                                            layer("bob", PARAGRAPHS)])],
                               "long.jsonl")
        document = project.documents()[0].id
    return path, document


@pytest.fixture
def window(qtbot, long_path):  # type: ignore[no-untyped-def]
    path, document = long_path
    project = Project.open(path)
    shown = shown_window(qtbot, ComparisonWindow(project, document))
    yield shown
    shown.close()
    project.close()


def _gold(path: Path, document: int) -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    with Project.open(path) as project:
        return [(s.label, TEXT[s.start:s.end], s.attributes)
                for s in project.spans(document, GOLD)]


def _whole_rows(path: Path, document: int) -> int:
    with Project.open(path) as project:
        return len(ordered_groups(compare(project, document, ["alice", "bob"])))


def test_first_part_at_once_then_the_rest_keeps_the_selection(qtbot, window,  # type: ignore[no-untyped-def]
                                                              long_path) -> None:
    path, document = long_path
    assert not window.complete
    part_rows = window.model.total_rows()
    assert 0 < part_rows < _whole_rows(path, document) // 3
    assert "comparing the rest" in window.header.text()
    assert all(window.model.group(row).key[1][0][0] < PART_CHARS if isinstance(
        window.model.group(row), SpanGroup) else True for row in range(part_rows))
    for _ in range(4):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    chosen = window.selected_group()
    assert chosen is not None
    qtbot.waitSignal(window.comparisonCompleted, timeout=20000).wait()
    assert window.complete and "comparing the rest" not in window.header.text()
    assert window.model.total_rows() == _whole_rows(path, document)
    selected = window.selected_group()
    assert selected is not None and selected.key == chosen.key  # the same row, in place
    assert window.table.currentIndex().row() == 4


def test_adjudicate_far_down_with_keys(qtbot, window, long_path) -> None:  # type: ignore[no-untyped-def]
    path, document = long_path
    qtbot.waitSignal(window.comparisonCompleted, timeout=20000).wait()
    assert window.model.rowCount() < window.model.total_rows()  # rows come as it scrolls
    last = window.model.total_rows() - 1
    for _ in range(100):  # Ctrl+End, as a curator does, until the last row (fetched on
        qtbot.keyClick(window.table, Qt.Key.Key_End,  # the way down)
                       Qt.KeyboardModifier.ControlModifier)
        if window.table.currentIndex().row() == last:
            break
    assert window.table.currentIndex().row() == last
    while True:  # up to alice's last Quote, marked by her only
        group = window.selected_group()
        assert group is not None
        if isinstance(group, SpanGroup) and group.label == "Quote" and \
                group.start == at(PARAGRAPHS - 1, "we strike at once")[0]:
            break
        qtbot.keyClick(window.table, Qt.Key.Key_Up)
    row = window.table.currentIndex().row()
    assert window.model.data(window.model.index(row, 5)) == "only alice"
    qtbot.keyClick(window.table, "1")
    assert _gold(path, document) == [("Quote", "we strike at once", {"form": "direct",
                                                                     "anonymous": False})]
    assert window.model.data(window.model.index(row, 4)).startswith("★")
    assert "Accepted alice's Quote" in window.statusBar().currentMessage()
    assert window.table.currentIndex().row() == row == last  # the last row: it stays
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert _gold(path, document) == []
    assert window.model.data(window.model.index(row, 4)) == ""
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [g[1] for g in _gold(path, document)] == ["we strike at once"]
    # the last paragraph's Condition: bob's extent with the comma, far down
    condition = next(r for r in range(window.model.total_rows())
                     if isinstance(window.model.group(r), SpanGroup)
                     and window.model.group(r).label == "Condition"
                     and window.model.group(r).start == at(PARAGRAPHS - 1, "if they cross")[0])
    window.select_row(condition)
    qtbot.keyClick(window.table, "2")
    assert ("Condition", "if they cross,", {"counterfactual": False, "polarity": "positive"}) \
        in _gold(path, document)
    # bob's near-miss extent is this row's gold: shown in its Gold column
    assert window.model.data(window.model.index(condition, 4)).startswith("★ end +1")
    # A accepts every unanimous Actor and speaker relation of the whole document at once
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    stored = _gold(path, document)
    assert sum(1 for label, _, _ in stored if label == "Actor") == PARAGRAPHS
    with Project.open(path) as project:
        assert len(project.relations(document, GOLD)) == 0  # speakers: Quote forms differ
    header = window.header.text()
    assert f"<b>{PARAGRAPHS + 2}</b> in gold" in header


def test_a_step_before_the_rest_arrives_is_in_the_whole_comparison(qtbot, window,  # type: ignore[no-untyped-def]
                                                                   long_path) -> None:
    path, document = long_path
    assert not window.complete
    window.select_row(0)
    first = window.selected_group()
    assert isinstance(first, SpanGroup) and first.label == "Actor"
    qtbot.keyClick(window.table, "1")
    assert [g[1] for g in _gold(path, document)] == ["Varnay"]
    qtbot.waitSignal(window.comparisonCompleted, timeout=20000).wait()
    row = window.model.row_of(first.key)
    assert row == 0 and window.model.data(window.model.index(0, 4)).startswith("★")


def test_closing_before_the_rest_arrives_compares_nothing_more(qtbot, long_path) -> None:  # type: ignore[no-untyped-def]
    path, document = long_path
    with Project.open(path) as project:
        shown = ComparisonWindow(project, document)
        qtbot.addWidget(shown)
        shown.show()
        completed: list[int] = []
        shown.comparisonCompleted.connect(completed.append)
        shown.close()  # at once, as when a curator opens the wrong document
        qtbot.wait(START_DELAY_MS + 700)
        assert completed == [] and shown._job is None


def test_model_takes_the_whole_comparison_in_place(qtmodeltester, qtbot,  # type: ignore[no-untyped-def]
                                                   long_path) -> None:
    from PySide6.QtCore import QModelIndex

    from gui.comparison_model import FETCH_ROWS, ComparisonModel
    from storage.adjudication_parts import compare_part

    path, document = long_path
    with Project.open(path) as project:
        part = compare_part(project, document, ["alice", "bob"], PART_CHARS)
        whole = compare(project, document, ["alice", "bob"])
    stray = SpanGroup(("Actor", (at(0, "Ardova"),)))  # a row the whole comparison lacks
    part.spans.insert(3, stray)
    model = ComparisonModel()
    model.set_comparison(part, TEXT, {}, False)
    qtmodeltester.check(model)
    shown = model.rowCount()
    stray_row = next(r for r in range(shown) if model.group(r) is stray)
    changed: list[int] = []
    removed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append(last.row()))
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    groups = ordered_groups(whole)
    model.extend_comparison(whole, groups)
    assert changed == [stray_row - 1]  # the rows before the stray one: in place
    assert removed == [(stray_row, shown - 1)]  # from the stray row on: out, then fetched
    # as many rows as were shown at least (the model tester fetches more as it checks)
    assert max(shown, FETCH_ROWS) <= model.rowCount() < model.total_rows() == len(groups)
    assert [model.group(r).key for r in range(model.rowCount())] == \
        [g.key for g in groups[:model.rowCount()]]
    while model.canFetchMore(QModelIndex()):  # as the view scrolls down
        model.fetchMore(QModelIndex())
    assert model.rowCount() == len(groups)
    qtmodeltester.check(model)


def test_a_failed_background_comparison_is_said_and_the_part_stays(qtbot, long_path,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    import gui.comparison as comparison_module
    from storage.errors import ProjectError

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise ProjectError("the project database went away")

    monkeypatch.setattr(comparison_module, "compare", unreadable)  # the worker's call
    path, document = long_path
    with Project.open(path) as project:
        shown = shown_window(qtbot, ComparisonWindow(project, document))
        part_rows = shown.model.total_rows()
        qtbot.waitUntil(lambda: "failed" in shown.statusBar().currentMessage(), timeout=10000)
        assert shown.statusBar().currentMessage() == \
            "Comparing the whole document failed: the project database went away"
        assert not shown.complete and shown.model.total_rows() == part_rows > 0
        shown.close()
