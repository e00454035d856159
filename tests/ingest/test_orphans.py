"""A killed import leaves no process behind, and importing again finishes the job.

A real ``saywho import`` (``main.py``, a subprocess) imports enough files to
parse them in worker processes; once its workers run it is killed with SIGKILL
(no clean-up runs). Its workers and multiprocessing's resource tracker must be
gone within seconds; the same import run again stores every file exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.make_articles import make_articles
from ingest import pipeline
from storage.project import Project

ROOT = Path(__file__).resolve().parents[2]
FILES = 400

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or (os.cpu_count() or 1) < 2,
    reason="needs /proc (Linux) to find the processes, and 2 cores for worker processes")


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_killing_an_import_kills_its_workers(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, content in make_articles(FILES, seed=7):
        (folder / name).write_text(content, encoding="utf-8")
    assert len(list(folder.iterdir())) >= pipeline.PARALLEL_MIN_FILES
    project = tmp_path / "news.saywho"
    Project.create(project).close()
    command = [sys.executable, str(ROOT / "main.py"), "import", str(project), str(folder),
               "--keep-backups", "0"]
    importer = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    helpers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and importer.poll() is None:
            children = _children(importer.pid)
            workers = [pid for pid in children if "spawn_main" in _command(pid)]
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the import finished or never started worker processes"
        time.sleep(0.5)  # the workers are parsing
        helpers = _children(importer.pid)  # the workers and the resource tracker
        assert any("resource_tracker" in _command(pid) for pid in helpers), \
            [_command(pid) for pid in helpers]
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in helpers):
            time.sleep(0.05)
        survivors = [_command(pid) for pid in helpers if _alive(pid)]
        assert survivors == [], f"still running after the import was killed: {survivors}"
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
        for pid in helpers:  # a failed run must not leave its orphans behind either
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    # importing again finishes the job: every file once, nothing twice
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    with Project.open(project) as reopened:
        documents = reopened.documents()
        assert len(documents) == FILES
        assert len({reopened.document(d.id).text for d in documents}) == FILES
