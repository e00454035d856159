"""Opening a long document a screen first: the rest of its layer is read at idle.

A 1 MB article holds 10,000 spans and 8,000 relations per annotator; reading and
indexing all of them before the first paint made switching to it several times
slower than switching to a short one. :class:`LayerLoader` reads what the first
screen shows completely (the spans overlapping its text, the relations touching
them, the spans at their other ends, so arcs and the panel's relation list are
whole), hands that to the window to paint, then reads the rest of the layer in
pages of :data:`PAGE` relations (in id order), then spans (in text order), whenever
the event loop is idle.

Whatever needs the whole layer (the picker's candidates, an edit, a jump to a
span not read yet, the annotation table's full list) calls :meth:`finish`, which
reads the remaining pages at once. Pages are read in id order and skip what the
window already holds, so an edit stored meanwhile is never overwritten by an
older read (an edit first reads the rest anyway: :meth:`finish`).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from PySide6.QtCore import QObject, QTimer

from storage.project import Project
from storage.views import RelationView, SpanView

#: spans or relations read per idle step (a few milliseconds each)
PAGE = 500

#: what a closed document's layer is held in until freed: mappings and lists
Held = MutableMapping[Any, Any] | list[Any]

#: views a closed document's layer frees per idle step (a few milliseconds)
RELEASE_CHUNK = 4_000

#: called with each page read after the first screen: (spans, relations)
PageSink = Callable[[list[SpanView], list[RelationView]], None]



def idle_timer(owner: QObject, slot: Callable[[], None]) -> QTimer:
    """A single-shot timer of interval 0 owned by ``owner``: started, it runs ``slot``
    as soon as the event loop has handled what is pending (paints, keys)."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(slot)
    return timer

class LayerLoader(QObject):
    """Reads one annotator's layer of the open document: a screen first, then pages."""

    def __init__(self, on_page: PageSink, on_complete: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_page = on_page
        self._on_complete = on_complete
        self._project: Project | None = None
        self._document_id: int | None = None
        self._annotator = ""
        self._after_span = (-1, 0)  # (start, id) of the last span read
        self._after_relation = 0
        self._spans_done = True
        self._relations_done = True
        self._timer = idle_timer(self, self._on_timer_timeout)

    @property
    def complete(self) -> bool:
        """Whether the whole layer of the open document has been handed to the window."""
        return self._spans_done and self._relations_done

    def open(self, project: Project, document_id: int, annotator: str, text_length: int,
             start: int, end: int) -> tuple[list[SpanView], list[RelationView]]:
        """Reads what ``[start, end)`` of the text shows; the rest follows at idle.

        A range covering the whole text reads the layer at once (nothing follows).

        Returns:
            The spans overlapping the range plus those its relations reach, sorted by
            position, and the relations touching the range's spans.
        """
        self.cancel()
        self._project, self._document_id, self._annotator = project, document_id, annotator
        if start <= 0 and end >= text_length:
            return project.spans(document_id, annotator), project.relations(document_id,
                                                                             annotator)
        spans = project.spans_in_range(document_id, annotator, start, end)
        ids = {span.id for span in spans}
        relations = project.relations_of_spans(document_id, annotator, ids)
        reached = {r.source_id for r in relations} | {r.target_id for r in relations}
        if reached - ids:
            spans = sorted([*spans, *project.spans_by_ids(document_id, annotator,
                                                          reached - ids)],
                           key=lambda span: (span.start, span.end, span.id))
        self._after_span, self._after_relation = (-1, 0), 0
        self._spans_done = self._relations_done = False
        self._timer.start()
        return spans, relations

    def cancel(self) -> None:
        """Stops reading (another document opens, or the project closes)."""
        self._timer.stop()
        self._spans_done = self._relations_done = True

    def finish(self) -> None:
        """Reads every remaining page now (for what needs the whole layer)."""
        if self.complete:
            return
        self._timer.stop()
        while not self.complete:
            self._step()

    def _on_timer_timeout(self) -> None:
        if self.complete:
            return
        self._step()
        if not self.complete:
            self._timer.start()

    def _step(self) -> None:
        """Reads one page (relations first, then spans) and hands it on.

        Relations come first so that each span row arrives with its speaker known:
        the table then only inserts rows, never updates those already shown.
        """
        project, document_id = self._project, self._document_id
        assert project is not None and document_id is not None
        spans: list[SpanView] = []
        relations: list[RelationView] = []
        if not self._relations_done:
            relations = project.relations_page(document_id, self._annotator,
                                               self._after_relation, PAGE)
            if relations:
                self._after_relation = relations[-1].id
            self._relations_done = len(relations) < PAGE
        else:
            spans = project.spans_page(document_id, self._annotator, self._after_span, PAGE)
            if spans:
                self._after_span = (spans[-1].start, spans[-1].id)
            self._spans_done = len(spans) < PAGE
        if spans or relations:
            self._on_page(spans, relations)
        if self.complete:
            self._on_complete()


class DeferredRelease(QObject):
    """Frees what a closed document held in chunks at idle, not in the switch's key.

    Dropping a long layer at once (100,000 span views, their fragments and attribute
    dictionaries) costs as much as reading a page of it many times over; the mappings
    and lists handed to :meth:`hold` keep the views alive until idle steps empty them,
    so the other holders let go of them for free.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[Held] = []
        self._timer = idle_timer(self, self._on_timer_timeout)

    @property
    def pending(self) -> int:
        """Entries still held."""
        return sum(len(held) for held in self._held)

    def hold(self, *containers: Held) -> None:
        """Keeps these mappings and lists (their owners have let go of them, or are about
        to) and empties them at idle."""
        self._held.extend(container for container in containers if container)
        if self._held:
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        budget = RELEASE_CHUNK
        while budget > 0 and self._held:
            held = self._held[-1]
            count = min(budget, len(held))
            if isinstance(held, list):
                del held[len(held) - count:]
            else:
                for _ in range(count):
                    held.popitem()
            budget -= count
            if not held:
                self._held.pop()
        if self._held:
            self._timer.start()
