"""The suggestions workbench in the real window: proposals appear, Enter accepts, Backspace
rejects, undo takes back; what is stored afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest

from gui.main_window import MainWindow
from storage.project import Project
from storage.records import DocumentRecord
from storage.schema import Schema
from suggest import registry
from suggest.base import Proposals, SuggestContext

TEXT = ("“We will not reopen the pass,” Governor Elna Vask said on Friday.\n\n"
        "The council met again on Saturday to discuss the road.")


@pytest.fixture
def rules_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "DEFAULT_NAMES", ("rules",))
    yield
    QThreadPool.globalInstance().waitForDone(30000)


@pytest.fixture
def pass_project(project: Project) -> Project:
    project.import_records([DocumentRecord(text=TEXT, title="Pass", external_id="pass-story")],
                           "pass.jsonl")
    return project


def _shown(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.proposals.job is None and bool(window.proposals.proposals),
                    timeout=30000)


def test_enter_accepts_a_quote_with_its_speaker_in_two_keys(
        pass_project: Project, rules_only: None, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow], tmp_path: Path) -> None:
    window = show_window(pass_project)
    _shown(window, qtbot)
    labels = {p.label for p in window.proposals.proposals}
    assert {"Quote", "Actor", "Cue"} <= labels
    assert window.spans == {}  # nothing in alice's layer until she accepts
    window.view.setFocus()
    window.view.set_selected_range(0, 0)
    QTest.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # 1
    current = window.proposals.proposal(window.proposals.current)
    assert current is not None and current.label == "Quote"
    window.grab().save(str(tmp_path / "proposals.png"))
    QTest.keyClick(window.view, Qt.Key.Key_Return)  # 2
    doc = window.document.id
    spans = {s.label: s for s in pass_project.spans(doc, "alice")}
    assert set(spans) == {"Quote", "Actor", "Cue"}
    assert TEXT[spans["Quote"].start:spans["Quote"].end] == "We will not reopen the pass"
    assert TEXT[spans["Actor"].start:spans["Actor"].end] == "Governor Elna Vask"
    assert {(r.type, r.target_id) for r in pass_project.relations(doc, "alice")} == {
        ("speaker", spans["Actor"].id), ("cue", spans["Cue"].id)}
    accepted = pass_project.proposals(doc, ("accepted",))
    assert {p.label for p in accepted} == {"Quote", "Actor", "Cue"}
    assert all(p.decided_by == "alice" for p in accepted)
    assert pass_project.status(doc, "alice") == "in_progress"
    assert not any(p.label == "Quote" for p in window.proposals.proposals)
    assert set(window.spans) == {s.id for s in spans.values()}
    window.grab().save(str(tmp_path / "accepted.png"))

    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert pass_project.spans(doc, "alice") == []
    assert pass_project.proposals(doc, ("accepted",)) == []
    assert any(p.label == "Quote" for p in window.proposals.proposals)

    window.proposals.current = None
    window.view.set_selected_range(0, 0)
    QTest.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(window.view, Qt.Key.Key_Backspace)
    rejected = pass_project.proposals(doc, ("rejected",))
    assert [(p.label, p.decided_by) for p in rejected] == [("Quote", "alice")]
    assert pass_project.spans(doc, "alice") == []
    assert not any(p.label == "Quote" for p in window.proposals.proposals)
    window.proposals.refresh()  # suggesting again never brings a rejected one back
    _shown(window, qtbot)
    assert not any(p.label == "Quote" for p in window.proposals.proposals)


def test_threshold_hides_and_shift_enter_accepts_a_label(
        pass_project: Project, rules_only: None, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    window = show_window(pass_project)
    _shown(window, qtbot)
    shown = len(window.proposals.proposals)
    window.proposals.set_threshold(1.0)
    assert len(window.proposals.proposals) < shown
    window.proposals.set_threshold(0.0)
    actor = next(p for p in window.proposals.proposals if p.label == "Actor")
    window.view.setFocus()
    window.view.set_selected_range(actor.start + 1, actor.start + 1)
    QTest.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    doc = window.document.id
    stored = pass_project.spans(doc, "alice")
    assert stored and {s.label for s in stored} == {"Actor"}
    assert not any(p.label == "Actor" for p in window.proposals.proposals)


class Boom:
    NAME = "boom"

    def suggest(self, text: str, schema: Schema, context: SuggestContext) -> Proposals:
        raise RuntimeError("the model fell over")


def test_a_failing_suggester_is_named_in_the_status_bar_and_annotating_goes_on(
        pass_project: Project, monkeypatch: pytest.MonkeyPatch, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    registry.register("boom", Boom)
    monkeypatch.setattr(registry, "DEFAULT_NAMES", ("boom", "rules"))
    try:
        window = show_window(pass_project)
        qtbot.waitUntil(lambda: bool(window.proposals.last_problems), timeout=30000)
        message = window.statusBar().currentMessage()
        assert "pass-story" in message and "the model fell over" in message
        assert window.proposals.proposals  # the rules' suggestions are there all the same
        window.view.setFocus()
        start = TEXT.index("council")
        window.view.set_selected_range(start, start + len("council"))
        QTest.keyClick(window.view, Qt.Key.Key_A)  # mark an Actor by hand meanwhile
        assert [s.label for s in pass_project.spans(window.document.id, "alice")] == ["Actor"]
    finally:
        QThreadPool.globalInstance().waitForDone(30000)
        registry.unregister("boom")


def test_train_action_runs_in_the_background_and_the_project_uses_its_model(
        project: Project, rules_only: None, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    from storage.records import AnnotationSetRecord, SpanRecord
    from suggest import project_model

    records = []
    for number in range(6):
        text = f"“The pass stays shut,” Governor Elna Vask said on day {number}."
        q, a = text.index("The pass"), text.index("Governor")
        records.append(DocumentRecord(text=text, external_id=f"day-{number}", annotations=[
            AnnotationSetRecord("gold", "done", [
                SpanRecord("Q", "Quote", [(q, q + len("The pass stays shut"))]),
                SpanRecord("A", "Actor", [(a, a + len("Governor Elna Vask"))])])]))
    project.import_records(records, "days.jsonl")
    window = show_window(project)
    _shown(window, qtbot)
    try:
        window.actions["suggest.train"].trigger()
        assert "in the background" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: window.proposals.train_job is None, timeout=60000)
        assert "Suggestion model trained on 6 documents" in window.statusBar().currentMessage()
        assert project_model.load_model(project) is not None
        qtbot.waitUntil(lambda: window.proposals.job is None, timeout=30000)
        assert all("project model" in p.explanation
                   for p in project.proposals(window.document.id))
    finally:
        QThreadPool.globalInstance().waitForDone(60000)
        registry.unregister(project_model.NAME)


class Slow:
    """Rules, after a pause long enough to close the window meanwhile."""

    NAME = "slow"

    def suggest(self, text: str, schema: Schema, context: SuggestContext) -> Proposals:
        import time

        time.sleep(0.5)
        return registry.suggest(text, schema, context, ["rules"])


def test_suggestions_finishing_after_the_window_closed_touch_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow]) -> None:
    path = tmp_path / "gone.saywho"
    project = Project.create(path)
    project.import_records([DocumentRecord(text=TEXT, title="Pass")], "pass.jsonl")
    registry.register("slow", Slow)
    monkeypatch.setattr(registry, "DEFAULT_NAMES", ("slow",))
    try:
        window = show_window(project)
        assert window.proposals.job is not None  # the worker is running
        window.close()
        project.close()
        for leftover in tmp_path.glob("gone.saywho*"):
            leftover.unlink()  # the project's files are gone, as after a test or a move
        QThreadPool.globalInstance().waitForDone(30000)
        qtbot.wait(100)  # the worker's finished signal is delivered: it must read nothing
        assert window.proposals.job is None
        assert not list(tmp_path.glob("gone.saywho*"))  # no empty database made anew
    finally:
        QThreadPool.globalInstance().waitForDone(30000)
        registry.unregister("slow")


def test_closing_the_window_waits_for_its_suggesters(
        pass_project: Project, rules_only: None, qtbot,  # type: ignore[no-untyped-def]
        show_window: Callable[[Project], MainWindow],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A job left running after its window closed emitted, at exit, through deleted
    signals ("Signal source has been deleted"): closing the window lets it end first."""
    from suggest import pre_annotate

    suggest_document = pre_annotate.suggest_document

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return suggest_document(*args, **kwargs)

    monkeypatch.setattr(pre_annotate, "suggest_document", slow)
    window = show_window(pass_project)
    job = window.proposals.job
    assert job is not None and not job.ended()
    window.close()
    assert job.ended()
    assert window.proposals.pending is None
