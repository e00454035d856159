"""Opening and creating projects: pragmas, migrations, refusals."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import db
from storage.errors import ProjectError
from storage.project import Project


def test_sqlite_pragmas_on_every_connection(project: Project) -> None:
    with project.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_new_project_is_at_head_revision(project: Project, project_path: Path) -> None:
    with sqlite3.connect(project_path) as connection:
        [(revision,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert revision == db.head_revision()


def test_create_refuses_existing_file(project_path: Path, project: Project) -> None:
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path)


def test_open_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(tmp_path / "missing.saywho")
    with pytest.raises(ProjectError, match="is a directory"):
        Project.open(tmp_path)
    assert not (tmp_path / "missing.saywho").exists()


def test_open_refuses_files_that_are_not_projects(tmp_path: Path) -> None:
    text = tmp_path / "notes.saywho"
    text.write_text("hello")
    with pytest.raises(ProjectError, match="not an SQLite database"):
        Project.open(text)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(ProjectError, match="not a Saywho project"):
        Project.open(other)


def test_truncated_project_is_refused(project_path: Path, small_project: Project) -> None:
    small_project.close()
    data = project_path.read_bytes()
    truncated = project_path.with_name("cut.saywho")
    truncated.write_bytes(data[:1024])
    with pytest.raises(ProjectError, match=r"cut\.saywho"):
        Project.open(truncated)


def test_newer_project_is_refused_and_untouched(project_path: Path, project: Project) -> None:
    project.close()
    with sqlite3.connect(project_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
        connection.execute("UPDATE project_meta SET value = '9.9.9' WHERE key = 'saywho_version'")
    with sqlite3.connect(project_path) as connection:
        before = list(connection.iterdump())
    with pytest.raises(ProjectError) as caught:
        Project.open(project_path)
    message = str(caught.value)
    assert "Saywho 9.9.9" in message and "this Saywho 0.1.0" in message
    with sqlite3.connect(project_path) as connection:
        assert list(connection.iterdump()) == before


def test_project_without_revision_is_refused(project_path: Path, project: Project) -> None:
    project.close()
    with sqlite3.connect(project_path) as connection:
        connection.execute("DELETE FROM alembic_version")
    with pytest.raises(ProjectError, match="no database revision"):
        Project.open(project_path)


def test_read_only_project_is_refused(project_path: Path, project: Project) -> None:
    project.close()
    project_path.chmod(0o444)
    try:
        with pytest.raises(ProjectError, match="read-only"):
            Project.open(project_path)
    finally:
        project_path.chmod(0o644)


def test_url_is_accepted_where_a_path_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.saywho'}"
    with Project.create(url) as created:
        assert created.is_sqlite
    with Project.open(url) as opened:
        assert opened.documents() == []


def test_missing_driver_gives_a_clear_message() -> None:
    with pytest.raises(ProjectError, match=r"pip install 'saywho\[.*\]'"):
        Project.open("nosuchdb+nodriver://user@localhost/x")


def test_committed_edit_survives_a_killed_process(tmp_path: Path) -> None:
    """An edit acknowledged (apply returned) is on disk even if the process dies at once."""
    path = tmp_path / "kill.saywho"
    script = f"""
import os, signal
from storage.project import Project
from storage.records import DocumentRecord
p = Project.create({str(path)!r})
p.import_records([DocumentRecord(text="Varnay spoke.", external_id="d")], "x")
doc = p.documents()[0].id
span = p.add_span(doc, "alice", "Actor", [(0, 6)])
print(span.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert result.returncode == -9
    span_id = int(result.stdout.split()[0])
    with Project.open(path) as reopened:
        assert reopened.span(span_id).fragments == ((0, 6),)
