"""The progress view: documents done over time, spans per label, agreement per label.

The charts are the PNG files :mod:`charts.figures` writes for ``stats --charts``
(matplotlib, Agg), rendered into a temporary folder and shown scaled; each has
a "Save as PNG…" button. :func:`label_agreement` (Qt-free) gathers the
agreement figures from :mod:`agreement` (the same as ``saywho agreement``):
F1 per label, exact and with overlap matching, pooled over annotator pairs.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from agreement import compute_agreement
from agreement.spans import MatchCounts
from charts.figures import done_over_time_chart, grouped_bar_chart
from gui.theme import is_dark
from storage.errors import SaywhoError
from storage.progress import done_over_time, spans_per_label
from storage.project import Project

__all__ = ["CHARTS", "LabelAgreement", "ProgressView", "label_agreement", "open_progress"]

#: Chart name -> title of its panel (and the default file name when saved).
CHARTS = {
    "done": "Documents done over time",
    "labels": "Spans per label",
    "agreement": "Agreement per label",
}


# ------------------------------------------------------------------- figures (Qt-free)


@dataclass
class LabelAgreement:
    """Agreement per label as the progress view shows it (from :mod:`agreement`).

    F1 values are pooled over every annotator pair (matched and span counts summed
    over pairs and documents both marked done); kappa and alpha_u come from the
    group of all annotators (Cohen's kappa for two, Fleiss' for more).
    """

    annotators: tuple[str, ...] = ()
    documents: int = 0  # document x pair comparisons pooled
    first: dict[str, int] = field(default_factory=dict)
    second: dict[str, int] = field(default_factory=dict)
    exact: dict[str, float] = field(default_factory=dict)
    overlap: dict[str, float] = field(default_factory=dict)
    kappa: dict[str, float | None] = field(default_factory=dict)
    alpha_u: dict[str, float | None] = field(default_factory=dict)
    problem: str = ""  # why there is nothing to show


def label_agreement(project: Project) -> LabelAgreement:
    """Span agreement per label between the project's annotators (not the curator).

    Uses :func:`agreement.compute_agreement`, so the figures are those of
    ``saywho agreement``: documents both annotators of a pair marked done; exact
    (same label and fragments) and overlap (same label, a shared character)
    one-to-one matching.
    """
    try:
        report = compute_agreement(project)
    except SaywhoError as exc:
        return LabelAgreement(problem=str(exc))
    result = LabelAgreement(annotators=report.annotators,
                            documents=sum(pair.documents for pair in report.pairs))
    for label in report.labels:
        exact, overlap = MatchCounts(), MatchCounts()
        for pair in report.pairs:
            exact.add(pair.labels[label].exact)
            overlap.add(pair.labels[label].overlap)
        if exact.f1 is None or overlap.f1 is None:
            continue  # nobody marked this label
        result.first[label], result.second[label] = exact.reference, exact.other
        result.exact[label], result.overlap[label] = exact.f1, overlap.f1
        group = report.all if report.all is not None else \
            (report.pairs[0] if len(report.pairs) == 1 else None)
        result.kappa[label] = group.labels[label].kappa if group is not None else None
        result.alpha_u[label] = group.labels[label].alpha_u if group is not None else None
    return result


# ------------------------------------------------------------------- widgets


class _ChartLabel(QLabel):
    """Shows a chart PNG scaled to the label's width, keeping its aspect ratio."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 165)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_chart(self, path: Path) -> None:
        self._pixmap = QPixmap(str(path))
        self._rescale()

    def chart_size(self) -> QSize:
        return self._pixmap.size()

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            self.clear()
            return
        ratio = self.devicePixelRatioF()
        scaled = self._pixmap.scaled(self.size() * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(ratio)
        self.setPixmap(scaled)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()


class ProgressView(QWidget):
    """Progress and agreement charts of a project, with Refresh and Save as PNG.

    Args:
        project: The open project.
        parent: The parent widget.
    """

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._folder = tempfile.TemporaryDirectory(prefix="saywho-charts-")
        self.chart_paths: dict[str, Path] = {}
        self.chart_labels: dict[str, _ChartLabel] = {}
        self.save_buttons: dict[str, QPushButton] = {}

        self.summary = QLabel()
        self.summary.setObjectName("progress-summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("progress-refresh")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)

        grid = QGridLayout()
        grid.setSpacing(10)
        for index, (name, title) in enumerate(CHARTS.items()):
            grid.addWidget(self._panel(name, title), index // 2, index % 2)
        self.agreement_table = QLabel()
        self.agreement_table.setObjectName("agreement-table")
        self.agreement_table.setTextFormat(Qt.TextFormat.RichText)
        self.agreement_table.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.agreement_table.setWordWrap(True)
        table_frame = QFrame()
        table_frame.setFrameShape(QFrame.Shape.StyledPanel)
        table_layout = QVBoxLayout(table_frame)
        table_layout.addWidget(self.agreement_table)
        grid.addWidget(table_frame, 1, 1)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.refresh()

    def _panel(self, name: str, title: str) -> QFrame:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(6, 6, 6, 6)
        chart = _ChartLabel()
        chart.setObjectName(f"chart-{name}")
        chart.setToolTip(title)
        self.chart_labels[name] = chart
        layout.addWidget(chart, 1)
        button = QPushButton("Save as PNG…")
        button.setObjectName(f"save-{name}")
        button.clicked.connect(lambda _=False, n=name: self._on_save_clicked(n))
        self.save_buttons[name] = button
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        layout.addLayout(row)
        return frame

    @property
    def dark(self) -> bool:
        return is_dark(self.palette())

    def refresh(self) -> None:
        """Re-reads the figures and redraws the three charts."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            folder = Path(self._folder.name)
            dark = self.dark
            series = done_over_time(self.project)
            counts = spans_per_label(self.project)
            agreement = label_agreement(self.project)
            self.chart_paths["done"] = done_over_time_chart(series, folder / "done.png", dark)
            self.chart_paths["labels"] = grouped_bar_chart(
                counts, folder / "labels.png", "Spans per label", "spans", dark)
            values = {"exact match": agreement.exact, "overlap match": agreement.overlap}
            title = "Span agreement per label (pairwise F1)"
            self.chart_paths["agreement"] = grouped_bar_chart(
                values if agreement.exact else {}, folder / "agreement.png", title, "F1", dark,
                ylim=(0.0, 1.19))  # headroom for the legend above bars at 1.0
            for name, path in self.chart_paths.items():
                self.chart_labels[name].set_chart(path)
            self._fill_summary(series, counts)
            self._fill_agreement_table(agreement)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _fill_summary(self, series: Mapping[str, Sequence[tuple[object, int]]],
                      counts: dict[str, dict[str, int]]) -> None:
        total = self.project.document_count()
        done = " · ".join(f"<b>{name}</b> {points[-1][1]} done"
                          for name, points in series.items() if points)
        spans = sum(sum(per.values()) for per in counts.values())
        self.summary.setText(
            f"<span style='font-size:13pt'><b>{_escape(self._project_title())}</b></span>"
            f"&nbsp;&nbsp;{total} documents · {spans} spans<br>"
            f"{done or 'no document is done yet'}")

    def _project_title(self) -> str:
        path = self.project.path
        return path.stem if path is not None else self.project.name

    def _fill_agreement_table(self, agreement: LabelAgreement) -> None:
        if not agreement.exact:
            self.agreement_table.setText(
                "<b>Agreement per label</b><br><br>"
                f"{_escape(agreement.problem or 'No label was marked in common yet.')}")
            return
        kappa_name = "Cohen's κ" if len(agreement.annotators) == 2 else "Fleiss' κ"

        def number(value: float | None) -> str:
            return "—" if value is None else f"{value:.2f}"

        rows = "".join(
            f"<tr><td>{_escape(label)}</td><td align='right'>{agreement.first[label]}"
            f" / {agreement.second[label]}</td><td align='right'>{number(f1)}</td>"
            f"<td align='right'>{number(agreement.overlap[label])}</td>"
            f"<td align='right'>{number(agreement.kappa[label])}</td>"
            f"<td align='right'>{number(agreement.alpha_u[label])}</td></tr>"
            for label, f1 in agreement.exact.items())
        names = " · ".join(_escape(a) for a in agreement.annotators)
        self.agreement_table.setText(
            f"<b>Agreement per label</b> — {names}, {agreement.documents} documents "
            "done by both annotators of a pair<br><br>"
            "<table cellspacing='0' cellpadding='4'>"
            "<tr><th align='left'>label</th><th align='right'>spans</th>"
            "<th align='right'>F1 exact</th><th align='right'>F1 overlap</th>"
            f"<th align='right'>{kappa_name}</th><th align='right'>α<sub>u</sub></th></tr>"
            f"{rows}</table><br><span style='color:gray'>spans: first / second annotator of "
            "each pair. exact: same label and fragments; overlap: same label sharing a "
            "character, matched one to one. κ on tokens, α<sub>u</sub> on characters "
            "(as <tt>saywho agreement</tt>).</span>")

    def save_chart(self, name: str, path: Path | str) -> Path:
        """Copies the chart ``name`` ('done', 'labels', 'agreement') to ``path``."""
        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_suffix(target.suffix + ".png") if target.suffix else \
                target.with_suffix(".png")
        shutil.copyfile(self.chart_paths[name], target)
        return target

    def _on_save_clicked(self, name: str) -> None:
        suggested = f"{self._project_title()}-{name}.png"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, f"Save “{CHARTS[name]}” as PNG", suggested, "PNG images (*.png)")
        if not chosen:
            return
        try:
            saved = self.save_chart(name, chosen)
        except OSError as exc:
            QMessageBox.warning(self, "Chart not saved", f"{chosen}: {exc.strerror or exc}")
            return
        window = self.window()
        status_bar = getattr(window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(f"Saved {saved}", 5000)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_progress(parent: QWidget | None, project: Project) -> QDialog:
    """Opens the progress view in a (non-modal) dialog; the main window's entry point."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Progress — {project.path.stem if project.path else project.name}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    layout = QVBoxLayout(dialog)
    view = ProgressView(project, dialog)
    view.setObjectName("progress-view")
    layout.addWidget(view, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(1240, 820)
    dialog.show()
    return dialog
