"""The suggestions workbench: proposals drawn over the article, accepted or rejected by key.

:class:`ProposalController` belongs to the main window (``window.proposals``). When a
document opens it asks a background worker (:mod:`gui.workers`) to run the suggesters
on it; the worker opens its own project, stores the proposals in the proposals layer
and returns; the window then reads the open proposals and draws them as dashed
outlines in the label's colour (accepted spans are underlined and tinted, so the two
never look alike), the current one thicker, with dashed arrows to the proposals it
links to. Meanwhile the annotator goes on working: a suggester that fails shows in
the status bar naming the document.

Keys (declared in gui/actions.py): Enter accepts the proposal at the cursor with the
proposals it links to (a quote with its speaker and its cue), Backspace rejects it,
Alt+N / Alt+P go to the next / previous one (N is the
default schema's Consequence key), Shift+Enter accepts every proposal of its label;
the View menu toggles them and sets the confidence threshold. Accepting and rejecting
are ordinary undoable edits (:class:`storage.proposals.AcceptProposals`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock
from PySide6.QtWidgets import QInputDialog

from gui import workers
from storage.edits import Edit, SetStatus
from storage.errors import SaywhoError
from storage.project import Project
from storage.proposals import AcceptProposals, ProposalLinkView, ProposalView, RejectProposals
from storage.views import Changes

if TYPE_CHECKING:
    from gui.main_window import MainWindow

#: jobs still running, kept alive after their window is gone (their signals must outlive it)
_RUNNING: set[workers.ProjectJob] = set()

SETTING_THRESHOLD = "suggest/min_confidence"
SETTING_VISIBLE = "suggest/visible"
DEFAULT_THRESHOLD = 0.5


class ProposalController(QObject):
    """Computes, shows and decides the current document's proposals."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.proposals: list[ProposalView] = []  # shown: open, above threshold, not marked
        self._stored: list[ProposalView] = []  # the document's open proposals, as last read
        #: (document, annotator) pairs the suggesters ran on in this session
        self._suggested: set[tuple[int, str]] = set()
        self.links: list[ProposalLinkView] = []
        self.current: int | None = None
        self.document_id: int | None = None
        self.job: workers.ProjectJob | None = None
        self.pending: int | None = None
        self.train_job: workers.ProjectJob | None = None
        self.last_problems: list[str] = []
        value = window.settings.value(SETTING_THRESHOLD, DEFAULT_THRESHOLD)
        try:
            self.threshold = min(1.0, max(0.0, float(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.threshold = DEFAULT_THRESHOLD
        self.visible = str(window.settings.value(SETTING_VISIBLE, "true")).lower() != "false"
        window.view.overlays.append(self.paint)
        window.controller.changed.connect(self._on_changed)

    # ------------------------------------------------------------- computing

    def document_opened(self) -> None:
        """Shows what is stored for the new document; the first time in this session it
        is opened (by this annotator), the suggesters run on it again in the background.

        Switching back and forth between documents does not run them again: what they
        found is stored, and View → Suggest Again (or training a model) reruns them.
        """
        document = self.window.document
        self.document_id = document.id if document is not None else None
        self.current = None
        self.reload()
        key = (self.document_id, self.window.annotator) if self.document_id is not None \
            else None
        if key is not None and key not in self._suggested:
            self._suggested.add(key)
            self.compute(key[0])

    def compute(self, document_id: int) -> None:
        """Runs the suggesters on a document in a worker (one at a time; the latest waits)."""
        if self.job is not None:
            self.pending = document_id
            return
        annotator = self.window.annotator

        def work(project: Project, _progress: Callable[[int, int, str], None],
                 _cancelled: Callable[[], bool]) -> Any:
            from suggest.pre_annotate import suggest_document

            return suggest_document(project, document_id, annotator=annotator,
                                    min_confidence=0.0, timeout=None)

        project = self.window.project
        job = workers.ProjectJob(workers.project_url(project), work, expected=(Exception,))
        job.signals.finished.connect(
            lambda result, d=document_id, p=project: self._computed(d, result, p))
        job.signals.failed.connect(lambda message, _details, d=document_id, p=project:
                                   self._failed(d, message, p))
        self.job = job
        self._start(job)

    def stop_jobs(self) -> None:
        """Cancels the suggesters' and the training's jobs and waits for those running
        (the window is closing: nothing they report is shown any more)."""
        self.pending = None
        for job in (self.job, self.train_job):
            if job is not None and job.stop():
                _RUNNING.discard(job)  # a job taken off the pool unrun reports nothing

    def _alive(self) -> bool:
        return shiboken6.isValid(self) and shiboken6.isValid(self.window)

    def _still_for(self, project: Project) -> bool:
        """Whether a finished job's result still concerns the window: it is open, on the
        project the job ran on (not closed meanwhile, nor replaced by another one)."""
        return self._alive() and self.window.isVisible() and self.window.project is project

    @staticmethod
    def _start(job: workers.ProjectJob) -> None:
        _RUNNING.add(job)
        job.signals.finished.connect(lambda _result, j=job: _RUNNING.discard(j))
        job.signals.failed.connect(lambda _message, _details, j=job: _RUNNING.discard(j))
        workers.start(job)

    def _next_job(self) -> None:
        self.job = None
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.compute(pending)

    def _document_name(self, document_id: int) -> str:
        document = self.window.document
        if document is not None and document.id == document_id:
            return document.external_id or document.title or f"document {document_id}"
        return f"document {document_id}"

    def _computed(self, document_id: int, result: Any, project: Project) -> None:
        if not self._alive():
            return
        if not self._still_for(project):
            self.job = None  # a stale result: the window closed or opened another project
            return
        self._next_job()
        self.last_problems = [str(problem) for problem in result.problems]
        if document_id == self.document_id:
            self.reload()
            if self.last_problems:
                self.window._status("Suggestions: " + "; ".join(self.last_problems), error=True)
            elif self.proposals:
                self.window._status(f"{len(self.proposals)} suggestions: Alt+N / Alt+P to go "
                                    "through them, Enter accepts, Backspace rejects")

    def _failed(self, document_id: int, message: str, project: Project) -> None:
        if not self._alive():
            return
        if not self._still_for(project):
            self.job = None
            return
        self._next_job()
        self.last_problems = [f"{self._document_name(document_id)}: {message}"]
        self.window._status(f"Suggestions failed on {self._document_name(document_id)}: "
                            f"{message}", error=True)

    # ------------------------------------------------------------- what is shown

    def reload(self) -> None:
        """Reads the open proposals of the current document; keeps those worth showing."""
        project = self.window.project
        if self.document_id is None:
            self.proposals, self.links = [], []
        else:
            try:
                stored = project.proposals(self.document_id)
                self.links = project.proposal_links(self.document_id)
            except SaywhoError as exc:
                self.window._status(f"Cannot read the suggestions: {exc}", error=True)
                stored, self.links = [], []
            self._stored = stored
            # each proposal looked up where it starts: no pass over a long layer's spans
            self.proposals = [p for p in stored if p.confidence >= self.threshold
                              and not self._marked(p)]
        self._forget_stale_current()

    def _forget_stale_current(self) -> None:
        if self.current not in {p.id for p in self.proposals}:
            self.current = None
        self.window.view.viewport().update()

    def _marked(self, proposal: ProposalView) -> bool:
        """Whether a span of the open layer has this proposal's label and fragments."""
        return any(span.label == proposal.label and span.fragments == proposal.fragments
                   for span in self.window.view.spans_at(proposal.start))

    def _refilter_near(self, ranges: list[tuple[int, int]]) -> None:
        """After spans were added or changed: the proposals where they are are shown again
        or hidden by whether a span now marks them; the others stay as they were."""
        shown = {p.id for p in self.proposals}
        kept: list[ProposalView] = []
        for proposal in self._stored:
            if proposal.confidence < self.threshold:
                continue
            if any(proposal.start <= end and start <= proposal.end for start, end in ranges):
                if not self._marked(proposal):
                    kept.append(proposal)
            elif proposal.id in shown:
                kept.append(proposal)
        self.proposals = kept
        self._forget_stale_current()

    def _on_changed(self, changes: Changes, _document_id: int | None) -> None:
        if not self._alive():
            return
        if self.document_id is None or (changes.documents and
                                        self.document_id not in changes.documents):
            return
        spans_touched = changes.spans_added or changes.spans_changed or changes.spans_removed
        if not spans_touched and (changes.relations_added or changes.relations_removed
                                  or changes.relations_changed):
            return  # relations alone hide or show no proposal
        if changes.spans_removed or not spans_touched:
            # a proposal decided, or a span gone: which are still open is in the database
            self.reload()
            return
        # spans marked or changed: only the proposals where they are can change, and the
        # open ones were read when the document opened (no reading them all per key)
        self._refilter_near([(start, end) for document_id, start, end in changes.ranges
                             if document_id == self.document_id])

    def proposal(self, proposal_id: int | None) -> ProposalView | None:
        return next((p for p in self.proposals if p.id == proposal_id), None)

    def linked(self, proposal_id: int) -> list[ProposalView]:
        """The shown proposals a proposal links to (its speaker, its cue)."""
        ids = {link.target_proposal_id for link in self.links if link.source_id == proposal_id}
        return [p for p in self.proposals if p.id in ids]

    def at_cursor(self) -> ProposalView | None:
        """The proposal to act on: the current one if the cursor is in it, else the one
        at the cursor (one with links first, then the longest), else the current one."""
        offset = self.window.view.cursor_offset()
        current = self.proposal(self.current)
        if current is not None and any(a <= offset < b for a, b in current.fragments):
            return current
        here = [p for p in self.proposals if any(a <= offset < b for a, b in p.fragments)]
        if not here and offset > 0:
            here = [p for p in self.proposals if any(a < offset <= b for a, b in p.fragments)]
        if here:
            sources = {link.source_id for link in self.links}
            return max(here, key=lambda p: (p.id in sources, p.end - p.start))
        return current

    # ------------------------------------------------------------- actions

    def _perform(self, edit: Edit, text: str) -> bool:
        document_id = self.document_id
        assert document_id is not None
        steps: list[Edit] = [edit]
        window = self.window
        if isinstance(edit, AcceptProposals) and \
                window.project.status(document_id, window.annotator) == "new":
            steps.append(SetStatus(document_id, window.annotator, "in_progress"))
        return window.controller.perform_steps(steps, text, document_id) is not None

    def _need(self) -> ProposalView | None:
        proposal = self.at_cursor()
        if proposal is None:
            self.window._status("No suggestion here: Alt+N goes to the next one."
                                if self.proposals else "No suggestions in this document.")
        return proposal

    def accept(self) -> None:
        """Enter: accepts the proposal at the cursor with the proposals it links to."""
        proposal = self._need()
        if proposal is None or self.document_id is None:
            return
        with_links = self.linked(proposal.id)
        edit = AcceptProposals(self.document_id, self.window.annotator, [proposal.id])
        text = self.window.document.text if self.window.document else ""
        what = f"{proposal.label} “{_short(text, proposal)}”"
        if with_links:
            what += " with " + ", ".join(p.label for p in with_links)
        if self._perform(edit, f"accept {what}"):
            self.window._status(f"Accepted {what}")
            span_id = edit.accepted.get(proposal.id)
            if span_id is not None:
                self.window.select_span(span_id)
            self.current = None

    def reject(self) -> None:
        """Backspace: rejects the proposal at the cursor (never proposed again here)."""
        proposal = self._need()
        if proposal is None or self.document_id is None:
            return
        following = self._neighbour(proposal, 1)
        if self._perform(RejectProposals(self.document_id, self.window.annotator,
                                         [proposal.id]), f"reject {proposal.label}"):
            self.window._status(f"Rejected the {proposal.label} suggestion")
            if following is not None and following.id != proposal.id:
                self._go(following)

    def accept_label(self) -> None:
        """Shift+Enter: accepts every shown proposal with the label of the one at the cursor."""
        proposal = self._need()
        if proposal is None or self.document_id is None:
            return
        ids = [p.id for p in self.proposals if p.label == proposal.label]
        edit = AcceptProposals(self.document_id, self.window.annotator, ids)
        if self._perform(edit, f"accept {len(ids)} {proposal.label} suggestions"):
            self.window._status(f"Accepted {len(ids)} {proposal.label} suggestions "
                                "(with what they link to)")

    def _neighbour(self, proposal: ProposalView | None, step: int) -> ProposalView | None:
        if not self.proposals:
            return None
        ordered = sorted(self.proposals, key=lambda p: (p.start, p.end, p.id))
        if proposal is None:
            offset = self.window.view.cursor_offset()
            later = [p for p in ordered if (p.start >= offset if step > 0 else p.start < offset)]
            if later:
                return later[0] if step > 0 else later[-1]
            return ordered[0] if step > 0 else ordered[-1]
        index = next(i for i, p in enumerate(ordered) if p.id == proposal.id)
        return ordered[(index + step) % len(ordered)]

    def _go(self, proposal: ProposalView) -> None:
        self.current = proposal.id
        view = self.window.view
        view.select_span(None)
        view.set_selected_range(proposal.start, proposal.start)
        view.scroll_to(proposal.start)
        view.viewport().update()
        position = sorted(self.proposals, key=lambda p: (p.start, p.end, p.id)).index(proposal)
        links = self.linked(proposal.id)
        extra = f", with {', '.join(p.label for p in links)}" if links else ""
        self.window._status(f"Suggestion {position + 1}/{len(self.proposals)}: {proposal.label} "
                            f"({proposal.confidence:.2f}{extra}) — {proposal.explanation or '-'}; "
                            "Enter accepts, Backspace rejects")

    def next(self) -> None:
        found = self._neighbour(self.proposal(self.current), 1)
        if found is not None:
            self._go(found)
        else:
            self.window._status("No suggestions in this document.")

    def previous(self) -> None:
        found = self._neighbour(self.proposal(self.current), -1)
        if found is not None:
            self._go(found)
        else:
            self.window._status("No suggestions in this document.")

    def refresh(self) -> None:
        if self.document_id is not None:
            self.compute(self.document_id)
            self.window._status("Suggesting again in the background…")

    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)
        self.window.settings.setValue(SETTING_VISIBLE, "true" if visible else "false")
        self.window.view.viewport().update()

    def set_threshold(self, value: float) -> None:
        self.threshold = min(1.0, max(0.0, float(value)))
        self.window.settings.setValue(SETTING_THRESHOLD, self.threshold)
        self.reload()
        self.window._status(f"Showing suggestions with confidence ≥ {self.threshold:.2f} "
                            f"({len(self.proposals)} here)")

    def ask_threshold(self) -> None:
        value, ok = QInputDialog.getDouble(
            self.window, "Suggestion Confidence Threshold",
            "Show suggestions with at least this confidence (0–1):", self.threshold, 0.0, 1.0, 2)
        if ok:
            self.set_threshold(value)

    def train(self) -> None:
        """Trains the project's model in the background; the scores go to the status bar
        and a dialog."""
        if self.train_job is not None:
            self.window._status("The suggestion model is being trained already…")
            return

        def work(project: Project, progress: Callable[[int, int, str], None],
                 _cancelled: Callable[[], bool]) -> Any:
            from suggest.project_model import train

            return train(project, progress=progress)

        from suggest.project_model import ModelError

        job = workers.ProjectJob(workers.project_url(self.window.project), work,
                                 expected=(SaywhoError, ModelError))
        job.signals.finished.connect(self._trained)
        job.signals.failed.connect(self._train_failed)
        self.train_job = job
        self._start(job)
        self.window._status("Training the suggestion model in the background…")

    def _trained(self, report: Any) -> None:
        if not self._alive():
            return
        self.train_job = None
        from suggest.project_model import register_for

        register_for(self.window.project)
        self.last_training = report
        summary = ", ".join(f"{s.label} F1 {s.model[2]:.2f}" for s in report.scores if s.gold)
        self.window._status(f"Suggestion model trained on {report.documents} documents"
                            + (f" (held out: {summary})" if summary else ""))
        if self.document_id is not None:
            self.compute(self.document_id)

    def _train_failed(self, message: str, _details: str) -> None:
        if not self._alive():
            return
        self.train_job = None
        self.window._status(f"Training failed: {message}", error=True)

    # ------------------------------------------------------------- drawing

    def paint(self, painter: QPainter, blocks: list[tuple[QTextBlock, QRectF]]) -> None:
        """Dashed outlines of the shown proposals, the current one and its links bolder."""
        if not self.visible or not self.proposals or not blocks:
            return
        view = self.window.view
        index = view._index
        first, last = blocks[0][0].blockNumber(), blocks[-1][0].blockNumber()
        low, _ = index.block_range(first)
        _, high = index.block_range(last)
        current = self.proposal(self.current)
        related = {p.id for p in self.linked(current.id)} if current is not None else set()
        rects: dict[int, QRectF] = {}
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for proposal in self.proposals:
            if proposal.end < low or proposal.start > high:
                continue
            _, mark, _ = view._colors_of(proposal.label)
            bold = proposal.id == self.current or proposal.id in related
            pen = QPen(mark, 2.2 if bold else 1.3, Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([3.0, 2.0])
            painter.setPen(pen)
            for block, rect in blocks:
                b_start, b_end = index.block_range(block.blockNumber())
                for start, end in proposal.fragments:
                    start, end = max(start, b_start), min(end, b_end)
                    if start >= end:
                        continue
                    for line_rect in view._range_rects(block, rect, start, end):
                        outline = line_rect.adjusted(-1.0, -1.5, 1.0, 1.0)
                        painter.drawRoundedRect(outline, 4, 4)
                        rects.setdefault(proposal.id, outline)
        if current is None or current.id not in rects:
            return
        color = QColor(view.palette().color(view.foregroundRole()))
        color.setAlpha(160)
        pen = QPen(color, 1.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        source = rects[current.id]
        for target_id in related:
            target = rects.get(target_id)
            if target is None:
                continue
            begin = QPointF(source.center().x(), source.top())
            finish = QPointF(target.center().x(), target.top())
            middle = QPointF((begin.x() + finish.x()) / 2, min(begin.y(), finish.y()) - 8)
            painter.drawLine(begin, middle)
            painter.drawLine(middle, finish)


def _short(text: str, proposal: ProposalView, limit: int = 40) -> str:
    covered = " … ".join(text[a:b] for a, b in proposal.fragments)
    flat = " ".join(covered.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
