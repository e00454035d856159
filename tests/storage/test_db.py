"""Opening and creating projects: pragmas, migrations, refusals."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import project_dump, small_record
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from storage import db
from storage.errors import ProjectError
from storage.project import Project
from storage.records import DocumentRecord


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


@pytest.mark.parametrize("url", ["nosuchdb+nodriver://user@localhost/x",
                                 "mysql+mysqldb://user@localhost/x"])
def test_missing_driver_names_the_supported_backends(url: str) -> None:
    with pytest.raises(ProjectError) as caught:
        Project.open(url)
    message = str(caught.value)
    assert "Saywho supports SQLite (built in" in message
    assert "PostgreSQL (pip install 'saywho[postgres]'" in message
    assert "saywho[mysql" not in message and "saywho[nosuchdb" not in message


def test_missing_postgres_driver_points_at_the_extra() -> None:
    # SQLAlchemy's default PostgreSQL driver is psycopg2; Saywho installs psycopg (3)
    with pytest.raises(ProjectError, match=r"pip install 'saywho\[postgres\]', and use a "
                                           r"postgresql\+psycopg:// URL"):
        Project.open("postgresql+psycopg2://user@localhost/x")


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


# ------------------------------------------- refused projects are never modified


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry of a folder (one level down too) with its bytes and mtime in ns."""
    state: dict[str, tuple[bytes, int]] = {".": (b"", folder.stat().st_mtime_ns)}
    for entry in sorted(folder.rglob("*")):
        content = entry.read_bytes() if entry.is_file() else b"<folder>"
        state[str(entry.relative_to(folder))] = (content, entry.stat().st_mtime_ns)
    return state


def _foreign(folder: Path, journal_mode: str) -> Path:
    path = folder / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA journal_mode={journal_mode}")
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.execute("INSERT INTO recipes VALUES ('soup')")
    connection.commit()
    connection.close()
    return path


def _newer(folder: Path, journal_mode: str) -> Path:
    path = folder / "future.saywho"
    Project.create(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    connection.execute("UPDATE project_meta SET value = '9.9.9' WHERE key = 'saywho_version'")
    connection.commit()
    connection.execute(f"PRAGMA journal_mode={journal_mode}")
    connection.close()
    return path


def _truncated(folder: Path, keep: int) -> Path:
    whole = folder / "whole.saywho"
    with Project.create(whole) as project:
        project.import_records([small_record()], "small.jsonl")
    cut = folder / "cut.saywho"
    cut.write_bytes(whole.read_bytes()[:keep])
    whole.unlink()
    return cut


def _not_sqlite(folder: Path) -> Path:
    path = folder / "notes.saywho"
    path.write_text("meeting notes, not a project")
    return path


def _directory(folder: Path) -> Path:
    path = folder / "folder.saywho"
    path.mkdir()
    (path / "inside.txt").write_text("x")
    return path


REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "foreign-delete-mode": (lambda f: _foreign(f, "DELETE"), "no Saywho tables"),
    "foreign-wal-mode": (lambda f: _foreign(f, "WAL"), "no Saywho tables"),
    "newer-delete-mode": (lambda f: _newer(f, "DELETE"),
                          r"written by Saywho 9\.9\.9 .*this Saywho 0\.1\.0"),
    "newer-wal-mode": (lambda f: _newer(f, "WAL"),
                       r"written by Saywho 9\.9\.9 .*this Saywho 0\.1\.0"),
    "truncated": (lambda f: _truncated(f, 4096 + 100), "not a readable Saywho project"),
    "truncated-header": (lambda f: _truncated(f, 60), "not a readable Saywho project"),
    "not-sqlite": (_not_sqlite, "not an SQLite database"),
    "directory": (_directory, "is a directory"),
}


@pytest.mark.parametrize("readonly", [False, True], ids=["read-write", "read-only"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_project_is_left_byte_for_byte(case: str, readonly: bool,
                                               tmp_path: Path) -> None:
    folder = tmp_path / "projects"
    folder.mkdir()
    make, message = REFUSED[case]
    path = make(folder)
    if case.endswith("-mode"):  # header bytes 18-19: 1 rollback journal, 2 WAL
        journal_byte = 2 if case.endswith("wal-mode") else 1
        assert path.read_bytes()[18:20] == bytes([journal_byte, journal_byte])
    before = _folder_state(folder)
    with pytest.raises(ProjectError, match=message) as caught:
        Project.open(path, readonly=readonly)
    assert str(caught.value).startswith(f"{path}: ")
    assert _folder_state(folder) == before  # same bytes, same mtimes, no -wal/-shm/backups


def test_refusal_reads_the_revision_through_a_live_wal(project_path: Path,
                                                       project: Project) -> None:
    """Another program has the project open: its committed change is still in the -wal."""
    project.close()
    writer = sqlite3.connect(project_path)
    try:
        assert writer.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        writer.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
        writer.commit()
        wal = Path(f"{project_path}-wal")
        assert wal.stat().st_size > 0
        main_before, wal_before = project_path.read_bytes(), wal.read_bytes()
        with pytest.raises(ProjectError, match="revision ffff9999"):
            Project.open(project_path)
        assert project_path.read_bytes() == main_before
        assert wal.read_bytes() == wal_before
    finally:
        writer.close()


def test_names_that_need_quoting_in_a_uri(tmp_path: Path) -> None:
    path = tmp_path / "what?#100% news.saywho"
    Project.create(path).close()
    with Project.open(path, readonly=True) as project:
        assert project.documents() == []
    with Project.open(path) as project:
        project.import_records([small_record()], "small.jsonl")
    with Project.open(path, readonly=True) as project:
        assert project.document_count() == 1
    foreign = _foreign(tmp_path, "DELETE").rename(tmp_path / "odd?mode=rw#.sqlite")
    before = foreign.read_bytes()
    with pytest.raises(ProjectError, match="no Saywho tables"):
        Project.open(foreign)
    assert foreign.read_bytes() == before
    assert not (tmp_path / "odd").exists()


# ------------------------------------------------------------ read-only opening


def test_read_only_open_refuses_every_write(project_path: Path, small_project: Project) -> None:
    small_project.close()
    raw = sqlite3.connect(project_path)
    raw.execute("PRAGMA journal_mode=DELETE")  # like a backup: nothing beside it
    raw.close()
    before = _folder_state(project_path.parent)
    with Project.open(project_path, readonly=True) as project:
        assert project.readonly
        assert project.document_count() == 1
        with pytest.raises(ProjectError, match="open read-only"):
            project.ensure_annotator("bob")
        document = project.documents()[0].id
        with pytest.raises(ProjectError, match="open read-only"):
            project.add_span(document, "alice", "Cue", [(0, 6)])
        # below the project API, the connection itself cannot write either
        with pytest.raises(OperationalError, match="readonly"), \
                project.db.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO annotator (name) VALUES ('eve')")
        with project.db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    assert _folder_state(project_path.parent) == before


def test_read_only_open_reads_what_another_window_writes(project_path: Path,
                                                         small_project: Project) -> None:
    with Project.open(project_path, readonly=True) as reader:
        assert reader.document_count() == 1
        small_project.import_records([DocumentRecord(text="Toral spoke.", external_id="d2")],
                                     "more.jsonl")
        assert reader.document_count() == 2  # through the writer's -wal, not a stale copy


def test_read_only_open_of_a_read_only_file(project_path: Path, small_project: Project) -> None:
    small_project.close()
    project_path.chmod(0o444)
    try:
        before = project_path.read_bytes(), project_path.stat().st_mtime_ns
        with Project.open(project_path, readonly=True) as project:
            assert project.document_count() == 1
        assert (project_path.read_bytes(), project_path.stat().st_mtime_ns) == before
        with pytest.raises(ProjectError, match="read-only"):
            Project.open(project_path)  # for editing it is still refused
    finally:
        project_path.chmod(0o644)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user a read-only folder stops (not root)")
def test_read_only_open_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cdrom"
    folder.mkdir()
    path = folder / "news.saywho"
    with Project.create(path) as project:
        project.import_records([small_record()], "small.jsonl")
    folder.chmod(0o555)
    try:
        before = _folder_state(folder)
        with Project.open(path, readonly=True) as project:
            assert project.document_count() == 1
        assert _folder_state(folder) == before
        with pytest.raises(ProjectError, match="read-only"):
            Project.open(path)
    finally:
        folder.chmod(0o755)


def test_read_only_open_never_upgrades(project_path: Path, small_project: Project) -> None:
    from alembic import command

    command.downgrade(db.alembic_config(small_project.db.engine), "0001")
    small_project.close()
    before = _folder_state(project_path.parent)
    with pytest.raises(ProjectError, match=r"needs upgrade to revision 0004 .*revision 0001"):
        Project.open(project_path, readonly=True)
    assert _folder_state(project_path.parent) == before
    with Project.open(project_path) as upgraded:  # opened normally it is upgraded
        assert db.current_revision(upgraded.db) == db.head_revision()
    with Project.open(project_path, readonly=True) as project:
        assert project.document_count() == 1


def test_read_only_open_on_both_backends(any_small_project: Project, backend_url: str) -> None:
    before = project_dump(backend_url)
    with Project.open(backend_url, readonly=True) as reader:
        assert reader.document_count() == 1
        assert len(reader.spans(reader.documents()[0].id)) == 6
        with pytest.raises(ProjectError, match="open read-only"):
            reader.create_entity("Aldric Varnay")
        with pytest.raises(DBAPIError, match=r"read-only|readonly"), \
                reader.db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE document SET text = 'gone'")
    assert project_dump(backend_url) == before


def test_a_project_busy_for_too_long_is_a_clear_message_and_nothing_half_written(
        small_project: Project, project_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from storage import db as storage_db
    from storage.errors import ProjectError

    small_project.close()
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", 20)
    slept: list[float] = []
    monkeypatch.setattr(storage_db.time, "sleep", slept.append)
    with Project.open(project_path) as project:
        document = project.document_by_external_id("varnay-warns")
        before = len(project.spans(document.id))
        holder = sqlite3.connect(project_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another Saywho in the middle of a long write
        try:
            with pytest.raises(ProjectError, match="the project is busy: another Saywho is "
                                                   "writing to it; try again in a moment"):
                project.add_span(document.id, "alice", "Cue", [(0, 7)])
        finally:
            holder.rollback()
            holder.close()
        assert len(slept) == 7  # it waited and tried again before giving up
        assert len(project.spans(document.id)) == before
        project.add_span(document.id, "alice", "Cue", [(0, 7)])  # free again: it goes in
        assert len(project.spans(document.id)) == before + 1


@pytest.mark.parametrize("rows", [["0003", "0002"], ["0003", "f00dfacefeed"]])
def test_a_version_table_with_several_rows_is_refused(backend_url: str, rows: list[str]) -> None:
    Project.create(backend_url).close()
    engine = db.make_engine(db.to_url(backend_url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM alembic_version"))
            for row in rows:
                connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                                   {"v": row})
    finally:
        engine.dispose()
    before = project_dump(backend_url)
    for readonly in (False, True):
        with pytest.raises(ProjectError, match="records 2 database revisions"):
            Project.open(backend_url, readonly=readonly)
    assert project_dump(backend_url) == before


def test_a_closed_project_refuses_to_read_or_write_and_makes_no_new_file(
        tmp_path: Path) -> None:
    path = tmp_path / "closed.saywho"
    project = Project.create(path)
    project.import_records([small_record()], "one.jsonl")
    project.close()
    for leftover in tmp_path.glob("closed.saywho*"):
        leftover.unlink()  # moved or deleted after closing
    with pytest.raises(ProjectError, match=r"closed\.saywho.*the project was closed"):
        project.documents()
    with pytest.raises(ProjectError, match="the project was closed"):
        project.import_records([small_record()], "two.jsonl")
    assert not list(tmp_path.glob("closed.saywho*"))
