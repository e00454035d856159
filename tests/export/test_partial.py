"""An export killed half-way never leaves a folder that looks complete, nor one that blocks
the next export (issue 10, item 16).

The export writes into ``<out>/.saywho-partial`` and moves its files up at the end,
``manifest.json`` last. Here a real process is killed (SIGKILL, which runs no clean-up)
while it writes documents and while it moves files; ``saywho export`` into the same folder
then replaces what it left, says so, and writes a complete export. Folders holding anything
else are never emptied, and an export still running keeps its folder.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli import run
from export.run import PARTIAL_DIR, _locked
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 60

KILLED_WHILE_WRITING = textwrap.dedent("""
    import os, signal, sys
    from export.run import export_project
    from storage.project import Project

    def progress(done, total, what):
        if done == 30:
            os.kill(os.getpid(), signal.SIGKILL)

    with Project.open(sys.argv[1], readonly=True) as project:
        export_project(project, "brat", sys.argv[2], progress=progress)
""")

KILLED_WHILE_MOVING = textwrap.dedent("""
    import os, signal, sys
    import export.run
    from storage.project import Project

    moves = []
    real_replace = os.replace

    def replace(source, target):
        if len(moves) == 1:  # one annotator folder is out, the rest and manifest.json not
            os.kill(os.getpid(), signal.SIGKILL)
        moves.append(target)
        real_replace(source, target)

    export.run.os.replace = replace
    with Project.open(sys.argv[1], readonly=True) as project:
        export.run.export_project(project, "brat", sys.argv[2])
""")


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "p.saywho"
    text = "Minister Ilse Toral said the ferry would run again ({})."
    with Project.create(path) as project:
        records = [DocumentRecord(
            text=text.format(n), external_id=f"doc{n:03d}",
            annotations=[AnnotationSetRecord(name, "done", [SpanRecord(
                "T1", "Actor", [(0, len("Minister Ilse Toral"))], {"kind": "person"})], [])
                for name in ("alice", "bob")]) for n in range(DOCUMENTS)]
        assert project.import_records(records, "corpus.jsonl").documents == DOCUMENTS
    return path


def _killed(script: str, project: Path, out: Path) -> None:
    completed = subprocess.run([sys.executable, "-c", script, str(project), str(out)],
                               cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == -signal.SIGKILL, completed.stderr


def _complete(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["documents"]["total"] == DOCUMENTS
    listed = sorted([*manifest["files"], "manifest.json"])
    assert listed == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len([f for f in manifest["files"] if f.endswith(".ann")]) == 2 * DOCUMENTS


@pytest.mark.parametrize("script", [KILLED_WHILE_WRITING, KILLED_WHILE_MOVING],
                         ids=["writing", "moving"])
def test_export_into_a_folder_a_killed_export_left(script: str, filled: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    _killed(script, filled, out)
    assert not (out / "manifest.json").exists()  # never looks complete
    assert (out / PARTIAL_DIR).is_dir()
    code = run(["export", str(filled), "--format", "brat", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "held the partial output of an interrupted export" in captured.out
    assert not (out / PARTIAL_DIR).exists()
    _complete(out)


def test_a_finished_export_leaves_no_staging_folder(filled: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()  # an empty folder the user chose
    assert run(["export", str(filled), "--format", "brat", "--out", str(out)]) == 0
    assert "interrupted" not in capsys.readouterr().out
    assert not (out / PARTIAL_DIR).exists()
    _complete(out)


def test_a_folder_holding_other_files_is_never_emptied(filled: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    _killed(KILLED_WHILE_WRITING, filled, out)
    (out / "notes.txt").write_text("my own notes", encoding="utf-8")
    code = run(["export", str(filled), "--format", "brat", "--out", str(out)])
    assert code == 1
    assert "the folder is not empty" in capsys.readouterr().err
    assert (out / "notes.txt").read_text("utf-8") == "my own notes"


def test_an_export_still_running_keeps_its_folder(filled: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    (out / PARTIAL_DIR).mkdir(parents=True)
    (out / PARTIAL_DIR / "alice").mkdir()
    lock = _locked(out / PARTIAL_DIR / "lock")  # as the running export holds it
    assert lock is not None
    try:
        code = run(["export", str(filled), "--format", "brat", "--out", str(out)])
        assert code == 1
        assert "another export is writing into this folder" in capsys.readouterr().err
        assert (out / PARTIAL_DIR / "alice").is_dir()
    finally:
        lock.close()
