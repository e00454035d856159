"""The progress view: documents done over time, spans per label, agreement per label.

The charts are the PNG files :mod:`export.charts` writes for ``stats --charts``
(matplotlib, Agg), rendered into a temporary folder and shown scaled; each has
a "Save as PNG…" button. :func:`label_agreement` (Qt-free) computes the
agreement figures: pairwise F1 per label between annotators, exact and with
overlap matching, pooled over the documents both annotators of a pair worked on.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
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

from export.charts import done_over_time_chart, grouped_bar_chart
from gui.theme import is_dark
from storage.adjudication import GOLD
from storage.corpus import CorpusFilter, iter_corpus
from storage.progress import done_over_time, spans_per_label
from storage.project import Project
from storage.views import SpanView

__all__ = ["CHARTS", "LabelAgreement", "ProgressView", "label_agreement", "open_progress"]

#: Chart name -> title of its panel (and the default file name when saved).
CHARTS = {
    "done": "Documents done over time",
    "labels": "Spans per label",
    "agreement": "Agreement per label",
}


# ------------------------------------------------------------------- figures (Qt-free)


def _overlap(first: SpanView, second: SpanView) -> int:
    total = 0
    for a_start, a_end in first.fragments:
        for b_start, b_end in second.fragments:
            total += max(0, min(a_end, b_end) - max(a_start, b_start))
    return total


def _length(span: SpanView) -> int:
    return sum(end - start for start, end in span.fragments)


def overlap_matches(first: Sequence[SpanView], second: Sequence[SpanView]) -> int:
    """One-to-one matches of same-label spans sharing a character, greedy by overlap ratio."""
    candidates = []
    for a_index, a in enumerate(first):
        for b_index, b in enumerate(second):
            if a.label != b.label:
                continue
            shared = _overlap(a, b)
            if shared:
                ratio = shared / (_length(a) + _length(b) - shared)
                candidates.append((-ratio, -shared, a_index, b_index))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _ratio, _shared, a_index, b_index in candidates:
        if a_index not in used_a and b_index not in used_b:
            used_a.add(a_index)
            used_b.add(b_index)
    return len(used_a)


def exact_matches(first: Sequence[SpanView], second: Sequence[SpanView]) -> int:
    """Spans with the same label and fragments in both lists (multiset intersection)."""
    counts: dict[tuple[object, ...], int] = defaultdict(int)
    for span in first:
        counts[(span.label, span.fragments)] += 1
    matched = 0
    for span in second:
        key = (span.label, span.fragments)
        if counts[key] > 0:
            counts[key] -= 1
            matched += 1
    return matched


@dataclass
class LabelAgreement:
    """Pooled pairwise span counts per label; F1 = 2 matched / (first + second)."""

    first: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    second: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    exact: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overlap: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pairs: int = 0  # document x annotator-pair comparisons pooled

    def f1(self, matching: str) -> dict[str, float]:
        matched = self.exact if matching == "exact" else self.overlap
        return {label: 2 * matched[label] / (self.first[label] + self.second[label])
                for label in sorted(set(self.first) | set(self.second))
                if self.first[label] + self.second[label]}


def label_agreement(project: Project, annotators: Sequence[str] | None = None,
                    gold: str = GOLD) -> LabelAgreement:
    """Pairwise span agreement per label over documents both annotators of a pair did.

    Args:
        project: The project.
        annotators: Whose layers to compare (default: every annotator but curators).
        gold: The curator's layer, left out by default.
    """
    if annotators is None:
        annotators = sorted(a.name for a in project.annotators()
                            if a.role != "curator" and a.name != gold)
    result = LabelAgreement()
    if len(annotators) < 2:
        return result
    for item in iter_corpus(project, CorpusFilter(annotators=list(annotators))):
        layers = {layer.annotator: layer for layer in item.layers}
        for first_name, second_name in itertools.combinations(sorted(layers), 2):
            first, second = layers[first_name].spans, layers[second_name].spans
            result.pairs += 1
            labels = {s.label for s in first} | {s.label for s in second}
            for label in labels:
                mine = [s for s in first if s.label == label]
                theirs = [s for s in second if s.label == label]
                result.first[label] += len(mine)
                result.second[label] += len(theirs)
                result.exact[label] += exact_matches(mine, theirs)
                result.overlap[label] += overlap_matches(mine, theirs)
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
            values = {"exact match": agreement.f1("exact"),
                      "overlap match": agreement.f1("overlap")}
            title = "Span agreement per label (pairwise F1)"
            self.chart_paths["agreement"] = grouped_bar_chart(
                values if agreement.pairs else {}, folder / "agreement.png", title, "F1", dark,
                ylim=(0.0, 1.19))  # headroom for the legend above bars at 1.0
            for name, path in self.chart_paths.items():
                self.chart_labels[name].set_chart(path)
            self._fill_summary(series, counts)
            self._fill_agreement_table(agreement)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _fill_summary(self, series: dict[str, list[tuple[object, int]]],
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
        if not agreement.pairs:
            self.agreement_table.setText(
                "<b>Agreement per label</b><br>No document has been annotated by two "
                "annotators yet.")
            return
        exact, overlap = agreement.f1("exact"), agreement.f1("overlap")
        rows = "".join(
            f"<tr><td>{_escape(label)}</td><td align='right'>{agreement.first[label]}"
            f" / {agreement.second[label]}</td><td align='right'>{exact[label]:.2f}</td>"
            f"<td align='right'>{overlap[label]:.2f}</td></tr>" for label in exact)
        self.agreement_table.setText(
            f"<b>Agreement per label</b> — pairwise F1 over {agreement.pairs} "
            f"document × annotator-pair comparisons<br><br>"
            "<table cellspacing='0' cellpadding='4'>"
            "<tr><th align='left'>label</th><th align='right'>spans (1st / 2nd)</th>"
            "<th align='right'>exact</th><th align='right'>overlap</th></tr>"
            f"{rows}</table><br><span style='color:gray'>exact: same label and fragments; "
            "overlap: same label sharing a character, matched one to one.</span>")

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
