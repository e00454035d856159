"""Rotating backups with SQLite's online backup API, and restoring one."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import ROOT, project_dump, small_record

from storage.backup import (
    DEFAULT_KEEP,
    backup_folder,
    list_backups,
    make_backup,
    restore_backup,
)
from storage.check import check_project
from storage.errors import ProjectError
from storage.project import Project

T0 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def _quote_form(path: Path) -> str:
    with Project.open(path) as project:
        document = project.documents()[0].id
        return next(s.attributes["form"] for s in project.spans(document) if s.label == "Quote")


def _set_form(project: Project, form: str) -> None:
    from storage.edits import UpdateSpan

    document = project.documents()[0].id
    quote = next(s for s in project.spans(document) if s.label == "Quote")
    project.apply(UpdateSpan(quote.id, attributes={"form": form}))


def test_backup_is_a_complete_project(small_project: Project, project_path: Path) -> None:
    # the edit is committed but still in the -wal file: the backup must hold it
    _set_form(small_project, "indirect")
    assert Path(f"{project_path}-wal").stat().st_size > 0
    backup = make_backup(project_path, now=T0)
    assert backup == backup_folder(project_path) / "test-20260303T100000000000Z.saywho"
    assert backup.parent == project_path.parent / "backups"
    assert not Path(f"{backup}-wal").exists()  # self-contained
    assert _quote_form(backup) == "indirect"
    with Project.open(backup) as copy:
        assert check_project(copy).ok
    small_project.close()
    assert project_dump(backup) == project_dump(project_path)


def test_keeps_the_newest_n(small_project: Project, project_path: Path) -> None:
    forms = ["direct", "indirect", "mixed"] * 3
    for step, form in enumerate(forms):
        _set_form(small_project, form)
        make_backup(project_path, now=T0 + timedelta(minutes=step))
    backups = list_backups(project_path)
    assert len(backups) == DEFAULT_KEEP == 5
    assert [b.name for b in backups] == [
        f"test-20260303T10{minute:02d}00000000Z.saywho" for minute in range(4, 9)]
    assert _quote_form(backups[-1]) == forms[-1]
    assert _quote_form(backups[0]) == forms[4]
    make_backup(project_path, keep=2, now=T0 + timedelta(hours=1))
    assert len(list_backups(project_path)) == 2


def test_unchanged_project_makes_no_new_backup(small_project: Project,
                                              project_path: Path) -> None:
    first = make_backup(project_path, now=T0)
    for minute in range(1, 8):  # reopened seven times without a change
        assert make_backup(project_path, now=T0 + timedelta(minutes=minute)) == first
    assert list_backups(project_path) == [first]
    _set_form(small_project, "mixed")
    second = make_backup(project_path, now=T0 + timedelta(hours=1))
    assert list_backups(project_path) == [first, second]


def test_backups_off_and_other_files_left_alone(small_project: Project,
                                                project_path: Path) -> None:
    assert make_backup(project_path, keep=0) is None
    assert not backup_folder(project_path).exists()
    folder = backup_folder(project_path)
    folder.mkdir()
    mine = folder / "notes.txt"
    mine.write_text("keep me")
    other = folder / "other-20200101T000000000000Z.saywho"
    other.write_bytes(b"another project's backup")
    for minute in range(8):
        _set_form(small_project, ["direct", "mixed"][minute % 2])
        make_backup(project_path, keep=1, now=T0 + timedelta(minutes=minute))
    assert mine.read_text() == "keep me"
    assert other.exists()
    assert len(list_backups(project_path)) == 1


def test_snapshot_ignores_an_open_write_transaction(small_project: Project,
                                                    project_path: Path) -> None:
    writer = sqlite3.connect(project_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE document SET title = 'half-done'")
    try:
        backup = make_backup(project_path)  # does not wait for the writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert backup is not None
    with Project.open(backup) as copy:
        assert copy.documents()[0].title == "Varnay warns Doreth"


def test_restore_brings_back_the_old_content(small_project: Project, project_path: Path) -> None:
    backup = make_backup(project_path, now=T0)
    assert backup is not None
    _set_form(small_project, "mixed")
    small_project.close()
    assert _quote_form(project_path) == "mixed"
    restore_backup(backup, project_path)
    assert _quote_form(project_path) == "direct"
    with Project.open(project_path) as restored:
        assert check_project(restored).ok


def test_restore_refuses_a_file_that_is_not_a_backup(small_project: Project,
                                                     project_path: Path, tmp_path: Path) -> None:
    small_project.close()
    before = project_dump(project_path)
    junk = tmp_path / "junk.saywho"
    junk.write_text("not a database")
    with pytest.raises(ProjectError, match=r"junk\.saywho: not a Saywho backup"):
        restore_backup(junk, project_path)
    assert project_dump(project_path) == before


def test_unwritable_backup_place_is_a_clear_error(small_project: Project,
                                                  project_path: Path) -> None:
    backup_folder(project_path).write_text("a file where the folder should be")
    with pytest.raises(ProjectError, match=r"test.saywho: cannot make a backup in .*backups"):
        make_backup(project_path)
    assert list(project_path.parent.glob(".*partial")) == []


def test_killed_backup_leaves_no_damaged_backup(tmp_path: Path) -> None:
    path = tmp_path / "big.saywho"
    with Project.create(path) as project:
        record = small_record()
        records = []
        for number in range(400):
            text = record.text + f"\n\nUpdate {number}: " + "the talks went on. " * 200
            records.append(type(record)(text=text, external_id=f"d{number}"))
        project.import_records(records, "many.jsonl")
    script = (f"from storage.backup import make_backup\n"
              f"while True: make_backup({str(path)!r}, keep=3)\n")
    # every backup is identical, so the loop keeps copying and discarding: kill it mid-copy
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        process.wait(timeout=1.5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    backups = list_backups(path)
    assert len(backups) == 1
    for backup in backups:
        with Project.open(backup) as copy:
            assert copy.document_count() == 400
    assert make_backup(path) == backups[0]


def test_opening_with_backups_keeps_the_newest(small_project: Project, project_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    small_project.close()
    for _ in range(3):  # reopened without a change: one backup
        Project.open(project_path, backup_keep=2).close()
    assert len(list_backups(project_path)) == 1
    for form in ("indirect", "mixed", "direct"):
        with Project.open(project_path, backup_keep=2) as project:
            _set_form(project, form)
    backups = list_backups(project_path)
    assert len(backups) == 2
    assert _quote_form(backups[-1]) == "mixed"  # taken on opening, before the last change
    Project.open(project_path).close()  # backup_keep=0: no backup (check, scripts)
    assert list_backups(project_path) == backups
    # a backup that cannot be written is logged, the project still opens
    for backup in backups:
        backup.unlink()
    backup_folder(project_path).rmdir()
    backup_folder(project_path).write_text("in the way")
    with Project.open(project_path, backup_keep=2) as project:
        assert project.document_count() == 1
    assert "cannot make a backup" in caplog.text


def test_read_only_opening_never_backs_up(small_project: Project, project_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from cli import run

    _set_form(small_project, "indirect")
    small_project.close()
    with Project.open(project_path, readonly=True, backup_keep=DEFAULT_KEEP) as project:
        assert project.document_count() == 1
    assert run(["check", str(project_path)]) == 0, capsys.readouterr()
    assert not backup_folder(project_path).exists()
    assert list_backups(project_path) == []


def test_backup_and_restore_of_a_project_whose_name_a_uri_would_misread(tmp_path: Path) -> None:
    from storage.backup import restore_backup

    path = tmp_path / "what?#100% news.saywho"
    with Project.create(path) as project:
        project.import_records([small_record()], "small.jsonl")
    Project.open(path, backup_keep=3).close()  # opening makes the backup
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["backups", path.name, f"{path.name}-wal", f"{path.name}-shm"]
        if (tmp_path / f"{path.name}-wal").exists() else ["backups", path.name])
    with Project.open(backups[0]) as copy:
        assert len(copy.documents()) == 1
    restored = tmp_path / "restored.saywho"
    restore_backup(backups[0], restored)
    with Project.open(restored) as project:
        assert len(project.documents()) == 1
