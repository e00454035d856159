"""The main window's documents: opening one (a long one a screen first), switching,
statuses, the document list, and whose annotations are shown.
"""

from __future__ import annotations

import collections
import dataclasses
import time
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QInputDialog,
)

from gui import preferences as prefs
from gui.dialogs.project_dialogs import ask_annotator
from gui.window_base import WindowBase
from storage.edits import (
    SetStatus,
)
from storage.errors import SaywhoError
from storage.gcpause import collector_paused, freeze_long_lived
from storage.views import RelationView, SpanView
from storage.vocabulary import Status
from suggest import speakers


class DocumentWindow(WindowBase):
    """Opens and switches documents; keeps the list, statuses and annotators in step."""

    def _load_project(self) -> None:
        self.layer.cancel()  # the last project's document: no more of it is read
        self.setWindowTitle(f"{self.project.name} — Saywho")
        self.project.ensure_annotator(self.annotator)
        self.schema_panel.set_schema(self.project.schema)
        self.annotation_table.set_schema(self.project.schema)
        self.document_list.model.set_schema(self.project.schema)
        self.actor_registry.kinds = self.project.schema.actor_kinds
        self._reload_entities()
        documents = self.project.documents(self.annotator)
        self.document_list.set_documents(documents)
        self._update_status_labels()
        last = prefs.LAST_DOCUMENT.at(project=self._project_key()).read(self.settings)
        ids = [info.id for info in documents]
        if ids:
            self.open_document(last if isinstance(last, int) and last in ids else ids[0])
        else:
            self.document = None
            self.spans, self.relations, self.readonly_spans = {}, {}, {}
            self._label_counts = collections.Counter()
            self.view.set_content("", [], [], self.project.schema)
            self.annotation_table.set_content("", [], [], self.entities)
            self._show_span(None)
            self.title_label.setText("No documents yet")
            self.meta_label.setText("Import text, HTML or JSONL files with File → Import "
                                    "Documents (Ctrl+Shift+I).")

    def _project_key(self) -> str:
        return str(abs(hash(self.project.name)) % 10**10)

    def _remember_document(self) -> None:
        if self.document is not None and self.persist:
            prefs.LAST_DOCUMENT.at(project=self._project_key()).write(self.settings,
                                                                      self.document.id)

    def open_document(self, document_id: int, span_id: int | None = None) -> None:
        """Shows a document with the current annotator's spans (and read-only layers)."""
        self._cancel_pick()
        try:
            self.document = self.project.document(document_id)
        except SaywhoError as exc:
            self._on_edit_refused(str(exc))
            return
        self._reload_layer(span_id)
        self.document_list.select_document(document_id)
        meta = self.document.meta
        parts = [str(meta[k]) for k in ("outlet", "date", "author") if meta.get(k)]
        parts.append(f"{len(self.document.text):,} characters")
        if self.readonly_annotators:
            parts.append("also showing " + ", ".join(self.readonly_annotators) + " (read-only)")
        self.title_label.setText(self.document.title)
        self.meta_label.setText(" · ".join(parts))
        self._update_status_labels()
        self._show_span(None)
        if span_id is not None:
            self.select_span(span_id)
        self._remember_document()
        self.proposals.document_opened()

    def _reload_layer(self, span_id: int | None = None) -> None:
        with collector_paused():  # thousands of views at once: no heap scans meanwhile
            self._load_layer(span_id)
        # What a document holds lives until the next document and forms no cycles:
        # kept out of the cyclic collector's scans, a key press that allocates never
        # pays for a full collection over 100,000 spans (reference counting still
        # frees all of it when the document goes).
        freeze_long_lived()

    def _load_layer(self, span_id: int | None = None) -> None:
        """Reads what the first screen shows (around ``span_id`` if given); the rest of the
        layer follows at idle (gui/layer_loading.py), other annotators' layers at once."""
        assert self.document is not None
        document_id = self.document.id
        start, end = self._first_screen(span_id)
        spans, relations = self.layer.open(self.project, document_id, self.annotator,
                                           len(self.document.text), start, end)
        # the last document's views are freed at idle, not in this key's time
        self.released.hold(self.spans, self.relations, self.readonly_spans,
                           *self.view.layer_containers(),
                           *self.annotation_table.model.layer_containers())
        self.spans = {span.id: span for span in spans}
        self._label_counts = collections.Counter(span.label for span in spans)
        self.relations = {relation.id: relation for relation in relations}
        layers = []
        self.readonly_spans = {}
        for name in self.readonly_annotators:
            other = self.project.spans(document_id, name)
            layers.append((name, other))
            self.readonly_spans.update({s.id: s for s in other})
        self.view.set_content(self.document.text, spans, relations, self.project.schema,
                              self.entities, readonly_layers=layers, shown_first=end)
        self.annotation_table.set_content(self.document.text, spans, relations, self.entities)

    def _first_screen(self, span_id: int | None) -> tuple[int, int]:
        """The text a first screen shows, generously: from the top, or around a span
        that will be scrolled to (a third of the screen above it, as scroll_to does)."""
        assert self.document is not None
        viewport = self.view.viewport()
        metrics = self.view.fontMetrics()
        lines = max(20, viewport.height() // max(1, metrics.lineSpacing()))
        per_line = max(60, viewport.width() // max(1, metrics.averageCharWidth()))
        budget = 2 * lines * per_line  # short lines, blank lines, a taller window later
        anchor = 0
        if span_id is not None:
            try:
                span = self.project.span(span_id)
            except SaywhoError:
                span = None
            if span is not None and span.document_id == self.document.id:
                anchor = span.start
        start = max(0, anchor - budget // 3)
        return start, min(len(self.document.text), start + budget)

    def _on_layer_page(self, spans: list[SpanView], relations: list[RelationView]) -> None:
        """A page of the open layer read at idle: the spans and relations not held yet."""
        fresh = [span for span in spans if span.id not in self.spans]
        for span in fresh:
            self.spans[span.id] = span
            self._label_counts[span.label] += 1
        added = [relation for relation in relations if relation.id not in self.relations]
        for relation in added:
            self.relations[relation.id] = relation
        self.view.add_loaded(fresh, added)
        self.annotation_table.add_loaded(fresh, added)

    def _on_layer_complete(self) -> None:
        """The whole layer is read: the suggestions are filtered against all of it, and
        the picker's table of paragraphs is built now rather than on its first key."""
        if self.document is None:
            return
        self.annotation_table.select_span(self.view.selected_span_id)
        self.proposals.reload()
        speakers.paragraph_number(self.document.text, 0)  # cached per text

    @property
    def loading_done(self) -> bool:
        """Whether the open document's text and layer are all read (a long one's rest
        follows its first screen at idle)."""
        return self.layer.complete and self.view.text_complete

    def whole_layer(self) -> None:
        """Reads the rest of the open layer now, for what needs all of it."""
        self.layer.finish()

    def _reload_entities(self) -> None:
        """Refreshes the registry in place: the view and table hold the same mapping."""
        self.entities.clear()
        self.entities.update({entity.id: entity for entity in self.project.entities()})
        self.actor_registry.set_entities(list(self.entities.values()))

    def select_span(self, span_id: int | None) -> None:
        """Selects a span in the view, the table and the panel."""
        if span_id is not None and span_id not in self.spans:
            self.whole_layer()  # a span not read yet: far away in a long document
        self.view.select_span(span_id)
        if span_id is None or span_id not in self.spans:
            self._show_span(span_id)

    def _show_span(self, span_id: int | None) -> None:
        span = self.spans.get(span_id) if span_id is not None else None
        readonly = False
        if span is None and span_id is not None:
            span = self.readonly_spans.get(span_id)
            readonly = span is not None
        if self.document is None:
            span = None
        relations = sorted(self.view.relations_of(span.id), key=lambda r: r.id) \
            if span is not None and not readonly else []
        self.schema_panel.show_span(span, self.document.text if self.document else "",
                                    relations, self.spans, self.entities, readonly)
        self.annotation_table.select_span(span.id if span is not None else None)

    def _update_status_labels(self) -> None:
        self.annotator_label.setText(f"Annotator: {self.annotator}")
        ids = [info.id for info in self.document_list.model.documents()]
        if self.document is not None and self.document.id in ids:
            self.position_label.setText(f"Document {ids.index(self.document.id) + 1} / "
                                        f"{len(ids)}")
        else:
            self.position_label.setText(f"{len(ids)} documents")

    def _refresh_document_row(self) -> None:
        """Recomputes the current document's row (status, counts) in the list."""
        if self.document is None:
            return
        row = self.document_list.model.row_of(self.document.id)
        if row is None:
            return
        info = self.document_list.model.info(row)
        counts = {label: count for label, count in self._label_counts.items() if count}
        status = self.project.status(self.document.id, self.annotator)
        self.document_list.model.update_document(
            dataclasses.replace(info, status=status, counts=counts))

    def _show_document_of_edit(self, document_id: int) -> None:
        """Called before undo/redo: an edit of another document switches to it."""
        if self.document is None or self.document.id != document_id:
            self.open_document(document_id)

    def _on_document_activated(self, document_id: int) -> None:
        if self.document is None or document_id != self.document.id:
            self.open_document(document_id)
        self.view.setFocus()

    def _navigate(self, step: int, unfinished: bool) -> None:
        documents = self.document_list.model.documents()
        if not documents:
            return
        ids = [info.id for info in documents]
        here = ids.index(self.document.id) if self.document and self.document.id in ids else -1
        for offset in range(1, len(ids) + 1):
            index = (here + step * offset) % len(ids)
            if not unfinished or documents[index].status != Status.DONE:
                if ids[index] != (self.document.id if self.document else None):
                    self.open_document(ids[index])
                    self.view.setFocus()
                return
        self._status("Every document is done.")

    def _on_next_unfinished(self) -> None:
        self._navigate(1, unfinished=True)

    def _on_prev_unfinished(self) -> None:
        self._navigate(-1, unfinished=True)

    def _on_next_document(self) -> None:
        self._navigate(1, unfinished=False)

    def _on_prev_document(self) -> None:
        self._navigate(-1, unfinished=False)

    def _set_status(self, status: str) -> None:
        if self.document is None:
            return
        if self.project.status(self.document.id, self.annotator) == status:
            return
        text = {s.value: f"mark {s.text.lower()}" for s in Status}
        if self.perform(SetStatus(self.document.id, self.annotator, status), text[status],
                        self.document.id):
            self._status(f"“{self.document.title}” is now {status.replace('_', ' ')}.")

    def _on_mark_done(self) -> None:
        self._set_status(Status.DONE)

    def _on_mark_in_progress(self) -> None:
        self._set_status(Status.IN_PROGRESS)

    def _on_mark_new(self) -> None:
        self._set_status(Status.NEW)

    def _search_texts(self, needle: str) -> set[int]:
        return self.project.search_documents(needle)

    def _on_compare_annotators(self) -> None:
        from gui.comparison import open_comparison

        if self.document is None:
            self.statusBar().showMessage("Open a document to compare its annotators.", 5000)
            return
        window = open_comparison(self, self.project, self.document.id)
        window.goldChanged.connect(lambda _document_id: self._refresh_document_list())
        window.statusChanged.connect(lambda *_args: self._refresh_document_list())

    def reload_from_project(self, document_too: bool = True) -> None:
        """Shows what others changed: actor registry, document statuses and, optionally,
        the open document's annotations (after a conflict, or on F5)."""
        self._reload_entities()
        self._refresh_document_list()
        if document_too and self.document is not None:
            self.open_document(self.document.id, self.view.selected_span_id)
        self._last_reload = time.monotonic()

    def _on_reload(self) -> None:
        self.reload_from_project()
        self._status("Reloaded: the registry, statuses and this document are up to date.")

    def _refresh_document_list(self) -> None:
        """Reloads the document list (statuses and counts may have changed elsewhere)."""
        self.document_list.set_documents(self.project.documents(self.annotator))
        if self.document is not None:
            self.document_list.select_document(self.document.id)

    def _on_show_progress(self) -> None:
        from gui.progress_view import open_progress

        open_progress(self, self.project)

    def _on_find_document(self) -> None:
        self.documents_dock.show()
        self.document_list.search.setFocus()
        self.document_list.search.selectAll()

    def set_annotator(self, name: str) -> None:
        if name != self.annotator:
            # the undo history holds the previous annotator's edits, in a layer no
            # longer on screen: Ctrl+Z must not change it unseen
            self.controller.clear()
        self.annotator = name
        prefs.ANNOTATOR.write(self.settings, name)
        self.project.ensure_annotator(name)
        self.readonly_annotators = [a for a in self.readonly_annotators if a != name]
        self.document_list.set_documents(self.project.documents(self.annotator))
        if self.document is not None:
            self.open_document(self.document.id)
        self._update_status_labels()
        self._status(f"Annotating as {name}.")

    def _on_switch_annotator(self) -> None:
        known = [a.name for a in self.project.annotators()]
        name = ask_annotator(self, self.annotator, known)
        if name and name != self.annotator:
            self.set_annotator(name)

    def show_annotators(self, names: Sequence[str]) -> None:
        self.readonly_annotators = [n for n in names if n != self.annotator]
        if self.document is not None:
            self.open_document(self.document.id)

    def _on_show_annotator(self) -> None:
        others = [a.name for a in self.project.annotators() if a.name != self.annotator]
        if not others:
            self._status("No other annotator in this project yet.")
            return
        name, ok = QInputDialog.getItem(self, "Show Annotator",
                                        "Show this annotator's annotations (read-only):",
                                        others, 0, False)
        if ok and name:
            self.show_annotators([*self.readonly_annotators, name])

    def _on_hide_annotators(self) -> None:
        self.show_annotators([])
