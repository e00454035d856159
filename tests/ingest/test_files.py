"""Folder imports: links that leave the folder, FIFOs and devices, odd file names.

A folder import reads only regular files inside the folder: a symbolic link to
``/etc/passwd`` (or to anything outside) is skipped and reported, a FIFO or a
device is never opened. File names that are not valid UTF-8 import (their bad
bytes spelled ``\\xNN``), and no name is ever printed raw: an ESC sequence in a
file name reaches the terminal escaped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import project_dump

from cli import run
from ingest import import_paths
from storage.project import Project

STORY = "Minister Ilse Toral said the ferry to Ostmere would run again on Monday."
OTHER = "The Doreth assembly voted to reopen the bridge, its speaker said."

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, FIFOs, bytes")


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@posix_only
def test_links_leaving_the_folder_are_skipped_and_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "private" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:SAYWHO-SECRET-MARKER:/root:/bin/sh\n", encoding="utf-8")
    (tmp_path / "private" / "notes.txt").write_text(OTHER, encoding="utf-8")
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "sub" / "inside.txt").write_text(OTHER + " Inside.", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "etc.txt").symlink_to("/etc/passwd")
    (folder / "private").symlink_to(tmp_path / "private", target_is_directory=True)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "again.txt").symlink_to(folder / "sub" / "inside.txt")  # inside: read once
    project = tmp_path / "p.saywho"
    Project.create(project).close()
    code, out, err = _cli(["import", str(project), str(folder), "--keep-backups", "0"], capsys)
    assert code == 1, (out, err)
    assert f"rejected: {folder / 'passwd.txt'}: a symbolic link to {secret}, outside " \
           f"{folder}; skipped" in err
    assert f"rejected: {folder / 'etc.txt'}: a symbolic link to /etc/passwd, outside " \
           f"{folder}; skipped" in err
    assert f"rejected: {folder / 'private'}: a symbolic link to {tmp_path / 'private'}, " \
           f"outside {folder}; skipped" in err
    assert f"rejected: {folder / 'dangling.txt'}: a symbolic link to " \
           f"{tmp_path / 'nowhere.txt'}, which does not exist; skipped" in err
    assert "2 documents imported" in out
    dump = "\n".join(project_dump(project))
    assert "SAYWHO-SECRET-MARKER" not in dump and "root:x:0:0" not in dump
    assert OTHER + " Inside." in dump and OTHER + "'" not in dump


@posix_only
def test_a_fifo_in_a_folder_is_never_opened(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # opening it for reading would wait for a writer forever
    project = tmp_path / "p.saywho"
    Project.create(project).close()
    code, out, err = _cli(["import", str(project), str(folder), "--keep-backups", "0"], capsys)
    assert code == 1
    assert f"rejected: {folder / 'pipe.txt'}: a FIFO (named pipe), not a regular file: never " \
           "read; skipped" in err
    assert "1 document imported" in out


@posix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_named_explicitly_is_refused_unread(
        device: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p.saywho"
    Project.create(project).close()
    code, _, err = _cli(["import", str(project), device, "--keep-backups", "0"], capsys)
    assert code == 1
    assert f"rejected: {device}: is a character device, not a regular file; never read" in err


@posix_only
def test_a_file_name_that_is_not_utf8_imports(any_project: Project, backend_url: str,
                                              tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-talks.txt")  # Latin-1 "é": not UTF-8
    (folder / name).write_text(STORY, encoding="utf-8")
    report = import_paths(any_project, [folder])
    assert report.ok, report.errors
    assert report.documents == 1
    document = any_project.document_by_external_id("caf\\xe9-talks")
    assert document.text == STORY
    assert document.source == str(folder / "caf\\xe9-talks.txt")


@posix_only
def test_names_are_printed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(STORY, encoding="utf-8")
    (folder / "red\x1b[31mALERT\x1b]0;pwned\x07.txt").write_bytes(b"")  # empty: rejected
    (folder / "bidi\u202eтxt.gpj.txt").write_bytes(b"")
    project = tmp_path / "p.saywho"
    Project.create(project).close()
    code, out, err = _cli(["import", str(project), str(folder), "--keep-backups", "0"], capsys)
    assert code == 1
    assert "\x1b" not in out + err and "\x07" not in out + err and "\u202e" not in out + err
    assert f"rejected: {folder}/red\\x1b[31mALERT\\x1b]0;pwned\\x07.txt: is empty" in err
    assert f"rejected: {folder}/bidi\\u202eтxt.gpj.txt: is empty" in err
    assert "1 document imported from 3 files" in out
    # a project path or a missing input with an ESC in its name is escaped too
    code, _, err = _cli(["import", str(project), str(tmp_path / "gone\x1b[2J.txt")], capsys)
    assert code == 1
    assert "\x1b" not in err and "gone\\x1b[2J.txt: no such file or folder" in err
    code, _, err = _cli(["stats", str(tmp_path / "missing\x1b[2J.saywho")], capsys)
    assert code == 1
    assert "\x1b" not in err and "missing\\x1b[2J.saywho: no such project file" in err
