"""Background work (import, export) on QThreadPool, reporting through signals.

A worker never touches widgets and never shares the window's Project: it
opens its own :class:`~storage.project.Project` on the same database URL (the
engine, its sessions and ORM objects stay on the worker's thread) and reports
progress, the result or the error through Qt signals, which arrive on the GUI
thread as queued calls.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from storage.db import is_disk_full
from storage.errors import SaywhoError, disk_full_message, export_disk_full
from storage.project import Project


class WorkerSignals(QObject):
    """Signals of one job: progress(done, total, what), finished(result), failed(msg, details)."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str, str)


class ProjectJob(QRunnable):
    """Runs ``work(project, progress, cancelled)`` on its own Project in a pool thread."""

    def __init__(self, project_url: str,
                 work: Callable[[Project, Callable[[int, int, str], None],
                                 Callable[[], bool]], Any],
                 expected: tuple[type[Exception], ...] = (SaywhoError,)) -> None:
        super().__init__()
        self.project_url = project_url
        self.work = work
        self.expected = expected
        self.disk_full = disk_full_message("the work did not finish")
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self._ended = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def ended(self) -> bool:
        """Whether :meth:`run` has returned (or the job was taken off the pool unrun)."""
        return self._ended.is_set()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancels the job and lets it end before its owner goes; True when it has ended.

        A job the pool has not started yet never runs; a running one is waited for
        (``timeout_ms`` at most). A job still running when the process ends would emit
        through signals the shutdown has already deleted ("Signal source has been
        deleted").
        """
        self.cancel()
        if QThreadPool.globalInstance().tryTake(self):
            self._ended.set()
        return self._ended.wait(timeout_ms / 1000)

    def run(self) -> None:
        try:
            self._work()
        finally:
            self._ended.set()

    def _work(self) -> None:
        try:
            with Project.open(self.project_url) as project:
                result = self.work(project, self._report, self.cancelled)
        except Exception as exc:  # every failure reaches the dialog, never lost
            if isinstance(exc, self.expected):
                self.signals.failed.emit(str(exc), "")
            elif is_disk_full(exc):
                self.signals.failed.emit(self.disk_full, "")
            else:
                self.signals.failed.emit(f"{type(exc).__name__}: {exc}",
                                         traceback.format_exc())
        else:
            self.signals.finished.emit(result)

    def _report(self, done: int, total: int, what: str) -> None:
        self.signals.progress.emit(done, total, what)


def project_url(project: Project) -> str:
    """The URL a worker opens (with the password, which stays in this process)."""
    return project.db.url.render_as_string(hide_password=False)


def start(job: ProjectJob) -> ProjectJob:
    QThreadPool.globalInstance().start(job)
    return job


def wait_for_jobs(timeout_ms: int = 30_000) -> bool:
    """Waits for the running jobs before the process ends; True when all finished.

    A job still running at exit would emit through signals whose Qt objects the
    shutdown has already deleted ("Signal source has been deleted").
    """
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def import_job(project: Project, paths: list[Path], annotator: str | None) -> ProjectJob:
    """A job importing files and folders (brat and XMI exports with their annotations);
    its result is the ImportReport (an :class:`ingest.layers.AnnotatedImportReport`)."""

    def work(worker_project: Project, progress: Callable[[int, int, str], None],
             _cancelled: Callable[[], bool]) -> Any:
        from ingest import import_paths

        return import_paths(worker_project, paths, annotator=annotator, progress=progress)

    return ProjectJob(project_url(project), work)


def export_job(project: Project, format_name: str, out_dir: Path, options: Any) -> ProjectJob:
    """A job running :func:`export.run.export_project`; its result is the Manifest."""

    def work(worker_project: Project, progress: Callable[[int, int, str], None],
             cancelled: Callable[[], bool]) -> Any:
        from export.run import export_project

        return export_project(worker_project, format_name, out_dir, options,
                              progress=progress, cancel=cancelled)

    job = ProjectJob(project_url(project), work, expected=(SaywhoError,))
    job.disk_full = export_disk_full(out_dir)
    return job
