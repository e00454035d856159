"""Undo and redo after a colleague changed the same object: refused, said, reloaded, dropped."""

from __future__ import annotations

from pathlib import Path

from gui.main_window import MainWindow
from storage.edits import UpdateEntity, UpdateSpan
from storage.project import Project


def test_undo_after_a_colleagues_rename_is_refused_and_reloads(
        window: MainWindow, project_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    entity = window.project.create_entity("Varnay")
    window.reload_from_project()
    assert window.controller.perform(
        UpdateEntity(entity.id, name="Aldric Varnay", expected_version=entity.version),
        "edit actor Aldric Varnay") is not None
    with Project.open(project_path) as colleague:
        seen = colleague.entity(entity.id)
        colleague.apply(UpdateEntity(entity.id, name="President Aldric Varnay",
                                     aliases=["Varnay", "the president"],
                                     expected_version=seen.version))
    assert window.entities[entity.id].name == "Aldric Varnay"  # not reloaded yet
    refusals: list[str] = []
    window.controller.refused.connect(refusals.append)
    with qtbot.waitSignal(window.controller.conflicted, timeout=2000) as conflict:
        window.actions["edit.undo"].trigger()
    expected = ("Cannot undo “edit actor Aldric Varnay”: actor 'Aldric Varnay' was changed by "
                "someone else meanwhile (now: President Aldric Varnay, person, aliases Varnay, "
                "the president); the registry has been reloaded")
    assert conflict.args == [expected]
    assert refusals == [expected]
    assert window.statusBar().currentMessage() == f"Not stored: {expected}"
    assert window.entities[entity.id].name == "President Aldric Varnay"  # reloaded
    stack = window.controller.stack
    assert (stack.count(), stack.canUndo(), stack.canRedo()) == (0, False, False)  # dropped
    with Project.open(project_path) as check:
        stored = check.entity(entity.id)
        assert (stored.name, stored.aliases) == ("President Aldric Varnay",
                                                 ("Varnay", "the president"))


def test_redo_after_a_colleagues_span_change_is_refused_and_reloads(
        window: MainWindow, project_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    quote = next(s for s in window.spans.values() if s.label == "Quote")
    assert window.perform(UpdateSpan(quote.id, attributes={"form": "indirect"}), "set form")
    window.actions["edit.undo"].trigger()
    assert window.spans[quote.id].attributes["form"] == "direct"
    with Project.open(project_path) as colleague:
        colleague.apply(UpdateSpan(quote.id, attributes={"form": "mixed"}))
    with qtbot.waitSignal(window.controller.conflicted, timeout=2000) as conflict:
        window.actions["edit.redo"].trigger()
    assert conflict.args == [
        "Cannot redo “set form”: this Quote span was changed by someone else meanwhile (now: "
        "Quote “We will not yield, … not one metre.”, form mixed); the view has been reloaded"]
    assert window.spans[quote.id].attributes["form"] == "mixed"  # reloaded
    stack = window.controller.stack
    assert (stack.count(), stack.canUndo(), stack.canRedo()) == (0, False, False)
    with Project.open(project_path) as check:
        assert check.span(quote.id).attributes["form"] == "mixed"
