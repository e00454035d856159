"""A full disk at every entry point: one clear message, exit 1, nothing half-written.

The disk is real: a small tmpfs mounted in the test's folder (``small_disk``: this
needs root on Linux; elsewhere the tests are skipped), filled with a filler file to leave only a
little room. Imports (with and without backups), edits, exports and the window's
background jobs hit it; each says ``the disk is full: ...`` once, without a
traceback, stores what it reports and nothing else, and the project works again
once there is space.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from helpers import SmallDisk, project_dump, small_record

from bench.make_articles import make_articles
from cli import run
from storage.db import is_disk_full
from storage.edits import AddSpan
from storage.errors import DiskFullError
from storage.project import Project


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    for name, content in make_articles(count * 2, seed=3):
        if name.endswith(".txt") and len(list(folder.iterdir())) < count:
            (folder / name).write_text(content, encoding="utf-8")
    return sorted(folder.iterdir())


def _document_count(project: Path) -> int:
    connection = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM document").fetchone()[0])
    finally:
        connection.close()


def test_an_import_on_a_full_disk_says_how_far_it_got(
        small_disk: SmallDisk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _articles(tmp_path / "articles", 150)
    project = small_disk.root / "news.saywho"
    Project.create(project).close()
    small_disk.fill(leave=96 * 1024)
    code, out, err = _cli(["import", str(project), str(tmp_path / "articles"),
                           "--keep-backups", "0"], capsys)
    assert code == 1, (out, err)
    assert "Traceback" not in err and "OperationalError" not in err
    [line] = [line for line in err.splitlines() if "disk is full" in line]
    assert line.startswith("saywho: the disk is full: ")
    imported = int(line.split("the disk is full: ")[1].split(" document")[0])
    assert ", nothing half-written; free some space and import again" in line
    assert 0 <= imported < len(files)
    # exactly what was reported is stored, and the project reads fine
    assert _document_count(project) == imported
    code, out, err = _cli(["check", str(project)], capsys)
    assert code == 0, (out, err)
    # with room again, the same import finishes the job without duplicates
    small_disk.free()
    code, out, err = _cli(["import", str(project), str(tmp_path / "articles"),
                           "--keep-backups", "0"], capsys)
    assert code == 0, err
    assert f"{len(files) - imported} documents imported" in out
    assert _document_count(project) == len(files)


def test_an_import_whose_backup_hits_a_full_disk_never_reports_success(
        small_disk: SmallDisk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _articles(tmp_path / "articles", 5)
    project = small_disk.root / "news.saywho"
    with Project.create(project) as created:
        created.import_records([small_record()], "small.jsonl")
    before = project_dump(project)
    small_disk.fill(leave=4096)  # less than the project: its backup cannot be written
    code, out, err = _cli(["import", str(project), str(tmp_path / "articles")], capsys)
    assert code == 1, (out, err)
    assert ("saywho: the disk is full: 0 documents imported (no backup could be made before "
            "the import), nothing half-written") in err
    assert "Traceback" not in err and "imported from" not in out
    assert project_dump(project) == before
    backups = project.parent / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []  # no partial backup
    small_disk.free()
    code, out, err = _cli(["import", str(project), str(tmp_path / "articles")], capsys)
    assert code == 0, err
    assert "5 documents imported" in out
    assert len(list(backups.glob("*.saywho"))) == 1


def test_an_edit_on_a_full_disk_is_refused_and_the_project_stays_usable(
        small_disk: SmallDisk) -> None:
    path = small_disk.root / "news.saywho"
    with Project.create(path) as created:
        created.import_records([small_record()], "small.jsonl")
    with Project.open(path) as project:
        document = project.documents()[0].id
        project.spans(document)  # a read: the -shm exists, the -wal is empty
        before = project_dump(path)
        small_disk.fill()
        with pytest.raises(DiskFullError) as caught:
            for start in range(0, 60, 2):  # one edit may fit in a page already there
                project.apply(AddSpan(document, "alice", "Cue", [(start, start + 1)]))
        assert str(caught.value) == ("the disk is full: the change was not saved, nothing "
                                     "half-written; free some space and try again")
        saved = len(project.spans(document, "alice"))
        small_disk.free()
        project.apply(AddSpan(document, "alice", "Cue", [(70, 75)]))
        assert len(project.spans(document, "alice")) == saved + 1
    assert before != project_dump(path)


def test_an_export_to_a_full_disk_is_one_message(
        small_disk: SmallDisk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "news.saywho"
    with Project.create(project) as created:
        created.import_records([small_record()], "small.jsonl")
    before = project_dump(project)
    small_disk.fill()
    out_dir = small_disk.root / "export"
    for format_name in ("jsonl", "brat", "xmi"):
        code, out, err = _cli(["export", str(project), "--format", format_name,
                               "--out", str(out_dir / format_name)], capsys)
        assert code == 1, (format_name, out, err)
        assert err.startswith(f"saywho: the disk is full: the export to "
                              f"{out_dir / format_name} was not finished"), err
        assert "Traceback" not in err and "Errno" not in err
    assert project_dump(project) == before


def test_the_windows_background_jobs_say_the_disk_is_full(
        small_disk: SmallDisk, tmp_path: Path, qapp: object) -> None:
    from formats.base import ExportOptions
    from gui import workers

    path = tmp_path / "news.saywho"
    with Project.create(path) as created:
        created.import_records([small_record()], "small.jsonl")
        small_disk.fill()
        failures: list[tuple[str, str]] = []
        job = workers.export_job(created, "jsonl", small_disk.root / "out", ExportOptions())
        job.signals.failed.connect(lambda message, details: failures.append((message, details)))
        job.run()
    assert failures == [(f"the disk is full: the export to {small_disk.root / 'out'} was not "
                         "finished and is incomplete (it has no manifest.json), the project is "
                         "unchanged; free some space and export again", "")]


def test_a_full_postgresql_disk_is_recognised() -> None:
    psycopg = pytest.importorskip("psycopg")
    from sqlalchemy.exc import OperationalError

    server_error = psycopg.errors.DiskFull(
        'could not extend file "base/16384/16390": No space left on device')
    wrapped = OperationalError("INSERT INTO span ...", {}, server_error)
    assert is_disk_full(wrapped)
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(sqlite3.OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
