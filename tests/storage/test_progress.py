"""Progress figures and their charts (``stats --charts``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from cli import run
from storage.edits import SetStatus
from storage.progress import done_over_time, spans_per_label
from storage.project import Project
from storage.records import DocumentRecord


def test_done_over_time_counts_documents_done(small_project: Project) -> None:
    small_project.import_records([DocumentRecord(text="Second story.", external_id="b")], "x")
    second = small_project.documents()[1].id
    small_project.apply(SetStatus(second, "alice", "done"))
    small_project.apply(SetStatus(second, "bob", "in_progress"))
    series = done_over_time(small_project)
    assert list(series) == ["alice"]
    assert series["alice"][-1][1] == 2
    assert spans_per_label(small_project)["alice"]["Actor"] == 2


def test_stats_cli_writes_charts_and_json(small_project: Project, project_path: Path,
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    small_project.close()
    charts = tmp_path / "charts"
    assert run(["stats", str(project_path), "--json", "--charts", str(charts)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["done_over_time"]["alice"][0][1] == 1
    for name in ("done_over_time.png", "spans_per_label.png"):
        with Image.open(charts / name) as image:
            assert image.size[0] > 400 and image.getextrema() != ((255, 255),) * 4
    assert run(["stats", str(project_path)]) == 0
    text = capsys.readouterr().out
    assert "documents done over time" in text and "alice" in text
    lines = text.splitlines()
    spans = lines.index("spans  Actor  Condition  Consequence  Cue  Quote")
    assert lines[spans + 2].split() == ["alice", "2", "1", "1", "1", "1"]
    relations = lines.index("relations  consequence  cue  holder  speaker")
    assert lines[relations + 2].split() == ["alice", "1", "1", "1", "1"]
