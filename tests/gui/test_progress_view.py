"""The progress view: charts written, shown, refreshed and saved as PNG; agreement figures."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFileDialog

from gui.progress_view import ProgressView, label_agreement, open_progress
from gui.theme import DARK, make_palette
from storage.edits import SetStatus
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

TEXT = "Varnay said the border stays shut. If they cross, we strike, Ardova warned."
OTHER = "Doreth replied that the river is theirs."


def _at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def two(tmp_path: Path) -> Path:
    """alice and bob: Actors exact, one Condition overlapping, a Quote only alice marked."""
    path = tmp_path / "progress.saywho"
    alice = [SpanRecord("A", "Actor", [_at(TEXT, "Varnay")]),
             SpanRecord("B", "Actor", [_at(TEXT, "Ardova")]),
             SpanRecord("C", "Condition", [_at(TEXT, "If they cross")]),
             SpanRecord("Q", "Quote", [_at(TEXT, "the border stays shut")])]
    bob = [SpanRecord("A", "Actor", [_at(TEXT, "Varnay")]),
           SpanRecord("B", "Actor", [_at(TEXT, "Ardova")]),
           SpanRecord("C", "Condition", [_at(TEXT, "If they cross,")])]
    with Project.create(path) as project:
        project.import_records([
            DocumentRecord(text=TEXT, external_id="one", annotations=[
                AnnotationSetRecord("alice", "done", alice),
                AnnotationSetRecord("bob", "done", bob)]),
            # only alice did this one: it must not count for agreement
            DocumentRecord(text=OTHER, external_id="two", annotations=[
                AnnotationSetRecord("alice", "in_progress",
                                    [SpanRecord("A", "Actor", [_at(OTHER, "Doreth")])])]),
        ], "progress.jsonl")
    return path


def _png(path: Path) -> tuple[int, int]:
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(path)  # a third-party decoder reads it back
    return pixels.shape[1], pixels.shape[0]


def test_label_agreement_exact_and_overlap(two: Path) -> None:
    with Project.open(two) as project:
        agreement = label_agreement(project)
    assert (agreement.annotators, agreement.documents) == (("alice", "bob"), 1)
    assert agreement.exact == {"Actor": 1.0, "Quote": 0.0, "Condition": 0.0}
    assert agreement.overlap == {"Actor": 1.0, "Quote": 0.0, "Condition": 1.0}
    assert (agreement.first["Quote"], agreement.second["Quote"]) == (1, 0)
    assert agreement.kappa["Actor"] == pytest.approx(1.0)


def test_charts_are_shown_refreshed_and_saved(qtbot, monkeypatch, two: Path,
                                              tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(two) as project:
        view = ProgressView(project)
        qtbot.addWidget(view)
        view.resize(1100, 700)
        with qtbot.waitExposed(view):
            view.show()
        for name in ("done", "labels", "agreement"):
            width, height = _png(view.chart_paths[name])
            assert (width, height) == (770, 396)  # 7 x 3.6 inches at 110 dpi
            shown = view.chart_labels[name].pixmap()
            assert not shown.isNull() and shown.width() <= view.chart_labels[name].width()
        assert "<b>alice</b> 1 done" in view.summary.text()
        assert "0.00" in view.agreement_table.text() and "1.00" in view.agreement_table.text()

        saved = view.save_chart("agreement", tmp_path / "agreement")
        assert saved == tmp_path / "agreement.png" and _png(saved) == (770, 396)
        chosen = tmp_path / "done-chart.png"
        asked: list[str] = []

        def choose(_parent, _caption, suggested, _filter):  # type: ignore[no-untyped-def]
            asked.append(suggested)
            return str(chosen), "PNG images (*.png)"

        monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
        qtbot.mouseClick(view.save_buttons["done"], Qt.MouseButton.LeftButton)
        assert asked == ["progress-done.png"] and _png(chosen) == (770, 396)

        project.apply(SetStatus(project.documents()[1].id, "alice", "done"))
        before = view.chart_paths["done"].read_bytes()
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
        assert "<b>alice</b> 2 done" in view.summary.text()
        assert view.chart_paths["done"].read_bytes() != before


def test_dark_palette_gives_dark_charts(qtbot, two: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(two) as project:
        view = ProgressView(project)
        qtbot.addWidget(view)
        light_corner = matplotlib.image.imread(view.chart_paths["labels"])[2, 2, :3].mean()
        view.setPalette(make_palette(DARK))
        assert view.palette().color(QPalette.ColorRole.Window).lightness() < 128
        view.refresh()
        dark_corner = matplotlib.image.imread(view.chart_paths["labels"])[2, 2, :3].mean()
    assert light_corner > 0.9 and dark_corner < 0.2


def test_open_progress_dialog(qtbot, two: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(two) as project:
        dialog = open_progress(None, project)
        assert dialog.isVisible() and "progress" in dialog.windowTitle()
        view = dialog.findChild(ProgressView)
        assert "no agreement to measure" not in view.agreement_table.text()
        project.apply(SetStatus(project.documents()[0].id, "bob", "in_progress"))
        view.refresh()
        assert "no agreement to measure" in view.agreement_table.text()
        with qtbot.waitSignal(dialog.destroyed):
            dialog.close()
