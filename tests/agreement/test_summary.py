"""Per-label F1 pooled over pairs, and the agreement chart of ``stats --charts``."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from agreement import compute_agreement
from agreement.summary import per_label_f1
from cli import run
from storage.project import Project


def test_per_label_f1_matches_the_report(two_annotators: Project) -> None:
    figures = per_label_f1(two_annotators)
    report = compute_agreement(two_annotators)
    [pair] = report.pairs
    for label, value in figures["exact match"].items():
        assert value == pair.labels[label].exact.f1
        assert figures["overlap match"][label] == pair.labels[label].overlap.f1
    assert set(figures["exact match"]) <= set(report.labels)


def test_no_pair_gives_no_figures(project: Project) -> None:
    assert per_label_f1(project) == {}


def test_stats_draws_the_agreement_chart(two_annotators: Project, tmp_path: Path) -> None:
    path = two_annotators.path
    assert path is not None
    two_annotators.close()
    charts = tmp_path / "charts"
    assert run(["stats", str(path), "--charts", str(charts)]) == 0
    with Image.open(charts / "agreement_per_label.png") as image:
        assert image.size[0] > 400
