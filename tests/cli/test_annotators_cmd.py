"""``annotators``: list annotators with roles; give one the curator role."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import run
from storage.adjudication import layer_annotators
from storage.project import Project


def test_list_and_give_the_curator_role(small_project: Project, project_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    small_project.ensure_annotator("bob")
    small_project.close()
    assert run(["annotators", str(project_path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["alice\tannotator\t1 done",
                                                    "bob\tannotator\t0 done"]
    assert run(["annotators", str(project_path), "bob", "--role", "curator"]) == 0
    assert capsys.readouterr().out == "bob: curator\n"
    with Project.open(project_path) as project:
        assert {a.name: a.role for a in project.annotators()} == {"alice": "annotator",
                                                                  "bob": "curator"}
        document = project.document_by_external_id("varnay-warns")
        assert layer_annotators(project, document.id) == ["alice"]
    # a curator's own layer is not among the layers compared
    assert run(["annotators", str(project_path), "alice", "--role", "curator"]) == 0
    with Project.open(project_path) as project:
        assert layer_annotators(project, document.id) == []


def test_unknown_annotator_and_half_given_arguments(small_project: Project, project_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    small_project.close()
    assert run(["annotators", str(project_path), "carol", "--role", "curator"]) == 1
    assert "no annotator called 'carol' (known: alice)" in capsys.readouterr().err
    assert run(["annotators", str(project_path), "carol"]) == 2
    assert run(["annotators", str(project_path), "alice", "--role", "boss"]) == 2
