"""Import and export dialogs: progress while a worker runs, then a report.

Both run their job on the thread pool (:mod:`gui.workers`); the dialog only
shows progress and the outcome. The import report lists every rejected file
with its reason; the export dialog collects :class:`formats.base.ExportOptions`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QWidget,
)

from gui import workers
from gui.dialogs.layout import browse_row, button_box, form, stack
from storage.project import ImportReport, Project
from storage.vocabulary import Status
from text.names import printable


def export_available() -> bool:
    """Whether the export runner (export.run) is installed in this build."""
    return importlib.util.find_spec("export.run") is not None


def import_filter() -> str:
    """The import file dialog's filter: every extension the format registry reads."""
    from formats import registry

    return f"Documents ({' '.join(registry.import_patterns())});;All files (*)"


def format_title(name: str) -> str:
    """"name — description" of an export format (the name alone if it cannot load)."""
    try:
        from formats import registry

        description = str(getattr(registry.get(name), "DESCRIPTION", "") or "")
    except Exception:  # an optional dependency missing: the export reports it when chosen
        description = ""
    return f"{name} — {description}" if description else name


class ProgressDialog(QDialog):
    """Runs one job with a progress bar, then shows a summary and details.

    Signals:
        done(object): the job's result (None when it failed or was cancelled).
    """

    # shadows QDialog.done(int), which this dialog never calls (it closes through its buttons)
    done = Signal(object)  # type: ignore[assignment]

    def __init__(self, title: str, job: workers.ProjectJob,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("progressDialog")
        self.job = job
        self.result: Any = None
        self.error: str | None = None
        self.status = QLabel("Starting…")
        self.status.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.details = QPlainTextEdit()
        self.details.setObjectName("reportDetails")
        self.details.setReadOnly(True)
        self.details.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self._on_cancel_clicked)
        stack(self, self.status, self.bar, (self.details, 1), self.buttons)
        self.resize(560, 180)
        job.signals.progress.connect(self._on_progress)
        job.signals.finished.connect(self._on_finished)
        job.signals.failed.connect(self._on_failed)

    def start(self) -> None:
        workers.start(self.job)

    def summarize(self, result: Any) -> tuple[str, list[str]]:
        """The summary line and detail lines of a result (subclasses override)."""
        return str(result), []

    def _on_progress(self, done: int, total: int, what: str) -> None:
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        self.status.setText(f"{done} / {total}  {Path(what).name if what else ''}")

    def _on_finished(self, result: Any) -> None:
        self.result = result
        summary, details = self.summarize(result)
        self._show_outcome(summary, details)
        self.done.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.error = message
        outcome = "Cancelled" if self.job.cancelled() else "Failed"
        self._show_outcome(f"{outcome}: {message}", details.splitlines())
        self.done.emit(None)

    def _show_outcome(self, summary: str, details: list[str]) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText(summary)
        if details:
            self.details.setPlainText("\n".join(details))
            self.details.show()
            self.resize(self.width(), 420)
        self.buttons.clear()
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.accept)

    @property
    def running(self) -> bool:
        """Whether the job has not reported its end yet."""
        return self.result is None and self.error is None

    def _cancel_job(self) -> None:
        self.job.cancel()
        self.status.setText("Cancelling…")

    def _on_cancel_clicked(self) -> None:
        if self.running:
            self._cancel_job()
        else:
            self.accept()

    def reject(self) -> None:
        """Esc: cancels a running job (the dialog stays until it has stopped), else closes."""
        if self.running:
            self._cancel_job()
        else:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self._cancel_job()
            event.ignore()
        else:
            super().closeEvent(event)


class ImportProgressDialog(ProgressDialog):
    """Imports files in the background; the report lists every rejected file."""

    def __init__(self, project: Project, paths: Sequence[Path], annotator: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Import Documents",
                         workers.import_job(project, list(paths), annotator), parent)

    def summarize(self, result: Any) -> tuple[str, list[str]]:
        assert isinstance(result, ImportReport)
        details = [f"Rejected: {printable(e)}" for e in result.errors]
        details += [f"Skipped: {printable(d)}" for d in result.duplicates]
        return result.summary() + ".", details


class ExportDialog(QDialog):
    """Collects the export options: format, annotators, status, labels, split, folder."""

    def __init__(self, formats: Sequence[str], annotators: Sequence[str],
                 labels: Sequence[str], folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        for name in formats:
            self.format_combo.addItem(format_title(name), name)
        self.annotator_list = self._checklist(annotators)
        self.status_combo = QComboBox()
        for text, value in (("Any status", None), ("Done only", Status.DONE.value),
                            (Status.IN_PROGRESS.text, Status.IN_PROGRESS.value)):
            self.status_combo.addItem(text, value)
        self.label_list = self._checklist(labels)
        self.split_check = QCheckBox("Split documents into train / dev / test")
        self.split_edit = QLineEdit("train=0.8, dev=0.1, test=0.1")
        self.split_edit.setEnabled(False)
        self.split_check.toggled.connect(self.split_edit.setEnabled)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 1_000_000)
        self.folder_edit = QLineEdit(str(folder))
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        buttons = button_box(self, QDialogButtonBox.StandardButton.Cancel, self._on_accept)
        export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        export_button.setDefault(True)
        stack(self,
              form(("&Format:", self.format_combo), ("&Annotators:", self.annotator_list),
                   ("&Status:", self.status_combo), ("&Labels:", self.label_list),
                   ("", self.split_check), ("Split:", self.split_edit),
                   ("Seed:", self.seed_spin),
                   ("Output folder:", browse_row(self.folder_edit, self._on_browse_clicked))),
              self.error_label, buttons)
        self.resize(520, 560)

    @staticmethod
    def _checklist(names: Sequence[str]) -> QListWidget:
        widget = QListWidget()
        widget.setStyleSheet("QListWidget::item { padding: 2px; }")
        widget.setMaximumHeight(110)
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            widget.addItem(item)
        return widget

    @staticmethod
    def _checked(widget: QListWidget) -> list[str] | None:
        names = [widget.item(i).text() for i in range(widget.count())]
        checked = [widget.item(i).text() for i in range(widget.count())
                   if widget.item(i).checkState() == Qt.CheckState.Checked]
        return None if len(checked) == len(names) else checked

    def split(self) -> dict[str, float] | None:
        """The split fractions, e.g. {"train": 0.8, ...}.

        Raises:
            ValueError: malformed or not summing to 1.
        """
        if not self.split_check.isChecked():
            return None
        result: dict[str, float] = {}
        for part in self.split_edit.text().split(","):
            if not part.strip():
                continue
            name, _, value = part.partition("=")
            try:
                result[name.strip()] = float(value)
            except ValueError:
                raise ValueError(f"split '{part.strip()}' is not name=fraction") from None
        if abs(sum(result.values()) - 1.0) > 1e-6:
            raise ValueError(f"split fractions sum to {sum(result.values()):g}, not 1")
        return result

    def values(self) -> tuple[str, Path, dict[str, Any]]:
        """Format name, output folder and the ExportOptions keyword arguments."""
        options = {"annotators": self._checked(self.annotator_list),
                   "status": self.status_combo.currentData(),
                   "labels": self._checked(self.label_list),
                   "split": self.split(), "seed": self.seed_spin.value()}
        return self.format_combo.currentData(), Path(self.folder_edit.text()), options

    def _on_accept(self) -> None:
        try:
            self.split()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            return
        if not self.folder_edit.text().strip():
            self.error_label.setText("Choose an output folder.")
            return
        self.accept()

    def _on_browse_clicked(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Export To", self.folder_edit.text())
        if path:
            self.folder_edit.setText(path)


class ExportProgressDialog(ProgressDialog):
    """Runs an export in the background with Cancel; shows the manifest's counts."""

    def __init__(self, project: Project, format_name: str, out_dir: Path,
                 options: dict[str, Any], parent: QWidget | None = None) -> None:
        from formats.base import ExportOptions

        self.out_dir = out_dir
        super().__init__(f"Export ({format_name})", workers.export_job(
            project, format_name, out_dir, ExportOptions(**options)), parent)

    def summarize(self, result: Any) -> tuple[str, list[str]]:
        from export.run import summary

        inexact = result.inexact
        details = [f"{item.get('document')}: {item.get('label')} {item.get('span')}: "
                   f"{item.get('reason')}" for item in inexact]
        adjudicated = result.extra.get("adjudicated", {}).get("documents", 0)
        if adjudicated:
            details.insert(0, f"{adjudicated} adjudicated document(s) (see manifest.json)")
        line = summary(result, self.out_dir)
        return line[:1].upper() + line[1:] + ".", details
