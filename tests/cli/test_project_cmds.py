"""The ``init`` command and the dispatcher's exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli import run
from storage.project import Project

ROOT = Path(__file__).resolve().parents[2]


def test_init_creates_a_project_with_the_default_schema(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "news.saywho"
    assert run(["init", str(path)]) == 0
    assert "schema 'news-attribution' version 1" in capsys.readouterr().out
    with Project.open(path) as project:
        assert project.schema.name == "news-attribution"


def test_init_with_a_schema_file_and_refusals(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "mini.xml"
    schema.write_text('<schema name="mini" version="3"><label name="Actor" color="#000000"/>'
                      "</schema>", encoding="utf-8")
    path = tmp_path / "mini.saywho"
    assert run(["init", str(path), "--schema", str(schema)]) == 0
    with Project.open(path) as project:
        assert (project.schema.name, project.schema.version) == ("mini", 3)
    assert run(["init", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    schema.write_text("<schema>", encoding="utf-8")
    assert run(["init", str(tmp_path / "other.saywho"), "--schema", str(schema)]) == 1
    assert "mini.xml:1: not well-formed" in capsys.readouterr().err
    assert not (tmp_path / "other.saywho").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["frobnicate"]) == 2
    assert run(["init"]) == 2
    capsys.readouterr()


def test_main_py_dispatches_to_the_cli(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "main.py", "init", str(tmp_path / "m.saywho")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.saywho").exists()
    result = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "init" in result.stdout and "import" in result.stdout


def test_schema_update_adds_and_refuses_what_annotations_would_break(
        small_project: Project, project_path: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from storage.schema import default_schema

    small_project.close()
    v2 = default_schema().xml.replace('version="1"', 'version="2"', 1)
    breaking = tmp_path / "breaking.xml"
    breaking.write_text(v2.replace('<source label="Quote"/>\n    <target label="Actor"/>',
                                   '<source label="Quote"/>\n    <target label="Cue"/>', 1),
                        encoding="utf-8")
    assert run(["schema", "update", str(project_path), str(breaking)]) == 1
    err = capsys.readouterr().err
    assert "relation 'speaker' to 'Actor' is used 1 times but no longer allowed" in err
    same = tmp_path / "same.xml"
    same.write_text(default_schema().xml, encoding="utf-8")
    assert run(["schema", "update", str(project_path), str(same)]) == 1
    assert "not newer than the project's" in capsys.readouterr().err
    growing = tmp_path / "growing.xml"
    growing.write_text(v2.replace('<value>other</value>',
                                  '<value>other</value><value>press-release</value>', 1),
                       encoding="utf-8")
    assert run(["schema", "update", str(project_path), str(growing)]) == 0
    assert "version 1 -> 'news-attribution' version 2" in capsys.readouterr().out
    with Project.open(project_path) as reopened:
        assert reopened.schema.version == 2


def test_import_keeps_the_number_of_backups_asked_for(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "news.saywho"
    Project.create(path).close()
    article = tmp_path / "a.txt"
    article.write_text("Varnay speaks\n\nThe president spoke.", encoding="utf-8")
    assert run(["import", str(path), str(article), "--keep-backups", "0"]) == 0
    assert not (tmp_path / "backups").exists()
    assert run(["import", str(path), str(article), "--keep-backups", "-1"]) == 2
