"""The main window's relation keys: mark and link in one step, and the target picker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect

from gui.annotation_table import covered_text
from gui.dialogs.relation_picker import PickerEntry
from gui.window_base import with_article
from gui.window_documents import DocumentWindow
from storage.edits import (
    AddRelation,
    AddSpan,
    DeleteRelation,
    MarkAndLink,
)
from storage.schema import RelationDef
from storage.views import RelationView, SpanView
from suggest import speakers

#: characters either side of a relation's source whose marked spans the picker lists
PICKER_REACH = 12_000


class RelationWindow(DocumentWindow):
    """Relation keys, the picker (its entries, placement and picks), relations removed."""

    def _on_relation_key(self, relation: str) -> None:
        self.whole_layer()  # the picker's neighbourhood: all read (no-op once idle read it)
        definition = self.project.schema.relation(relation)
        selection = self.view.selected_range()
        if definition is not None and selection is not None and self.document is not None \
                and self._relation_key_on_selection(definition, selection):
            return
        span = self._require_span(f"to give it a {relation}")
        if definition is None or span is None or self.document is None:
            return
        if span.label not in definition.sources:
            self._status(f"A {relation} relation goes from "
                         f"{' or '.join(definition.sources)}; the selected span is "
                         f"{with_article(span.label)}.")
            return
        text = self.document.text
        self.pick = (relation, span.id)
        sources = covered_text(text, span.fragments)
        self.picker.open(
            f"{relation.capitalize()} of “{sources[:40]}{'…' if len(sources) > 40 else ''}”",
            self._picker_targets(definition, span),
            lambda typed: self._typed_entries(definition, span, typed),
            make=lambda candidate: self._entry(definition, candidate))
        self._place_picker()
        self._status(f"Pick the {relation} ({' or '.join(definition.targets)}): Enter takes "
                     "the first, type to filter or to find a name, or click it in the text. "
                     "Esc cancels.")

    def _relation_key_on_selection(self, definition: RelationDef,
                                   selection: tuple[int, int]) -> bool:
        """A relation key with text selected: mark and link in one step.

        With a source span selected (a Quote) that still lacks this relation,
        a selection elsewhere that is not itself a quotation is the target: it
        is marked (an Actor mention for a speaker) and linked, one undo step.
        Otherwise the selection is marked as a new source (a Quote) and the
        picker opens for its target. Returns False to leave the key to the
        usual path (pick a target for the selected span).
        """
        assert self.document is not None
        text = self.document.text
        span = self.selected_span
        source_ok = span is not None and span.label in definition.sources
        if source_ok and span is not None and any(
                a < selection[1] and selection[0] < b for a, b in span.fragments):
            return False  # a selection over the selected span itself: pick its target
        quote_like = speakers.looks_like_quote(text, *selection)
        full = source_ok and span is not None and definition.max_per_source is not None and \
            sum(1 for r in self.view.relations_of(span.id) if r.source_id == span.id and
                r.type == definition.name) >= definition.max_per_source
        if source_ok and span is not None and not quote_like and not full:
            if len(definition.targets) != 1:
                self._status(f"A {definition.name} may be a {' or '.join(definition.targets)}: "
                             "mark it with its label key first, then pick it.")
                return True
            self._mark_target(definition, span, selection)
            return True
        words = len(text[selection[0]:selection[1]].split())
        if full and not quote_like and words <= 4:
            assert span is not None
            self._status(f"This {span.label} has its {definition.name} already; Esc "
                         f"deselects it, then {(definition.key or '').upper()} marks the "
                         f"selection as a new {' or '.join(definition.sources)}.", error=True)
            return True
        if len(definition.sources) != 1:
            self._status(f"Select a {' or '.join(definition.sources)} first, then press "
                         f"{(definition.key or '').upper()}.")
            return True
        label = definition.sources[0]
        # a quotation selected whole: the parts inside the marks, without the attribution
        fragments = (speakers.quote_fragments(text, *selection) if quote_like else []) or \
            [selection]
        add = AddSpan(self.document.id, self.annotator, label, fragments)
        if not self.perform(add, f"add {label}"):
            return True
        self._clear_text_selection()
        self.view.select_span(add.span_id, scroll=False)
        return False  # the picker opens for the new source

    def _mark_target(self, definition: RelationDef, source: SpanView,
                     selection: tuple[int, int], entity_id: int | None = None,
                     source_kind: str = "") -> None:
        """Marks ``selection`` with the relation's target label and links it from ``source``."""
        assert self.document is not None
        label = definition.targets[0]
        mention = " ".join(self.document.text[selection[0]:selection[1]].split())
        edit = MarkAndLink(definition.name, source.id, self.document.id, self.annotator, label,
                           [selection], self._new_mention_attributes(label, mention, entity_id,
                                                                     source_kind),
                           entity_id)
        if self.perform(edit, f"add {definition.name} {mention}"):
            self._clear_text_selection()
            self.view.select_span(source.id, scroll=False)
            self._show_span(source.id)
            self._status(f"{label} “{mention}” marked as the {definition.name}.")
        self.view.setFocus()

    def _new_mention_attributes(self, label: str, mention: str, entity_id: int | None = None,
                                source_kind: str = "") -> dict[str, Any]:
        """Attributes a new mention gets from what it looks like: its kind and form."""
        label_def = self.project.schema.label(label)
        if label_def is None or not label_def.entity:
            return {}
        values: dict[str, Any] = {}
        registry = [self.entities[entity_id]] if entity_id in self.entities else []
        kind = speakers.guess_kind(mention, registry or self.entities.values(),
                                   self.document.text if self.document else "")
        kind_def = label_def.attribute("kind")
        if kind is not None and kind_def is not None and kind_def.check(kind) is None:
            values["kind"] = kind
        form = {"pronoun": "pronoun", "description": "nominal"}.get(source_kind)
        form_def = label_def.attribute("mention")
        if form is not None and form_def is not None and form_def.check(form) is None:
            values["mention"] = form
        return values

    def _picker_targets(self, definition: RelationDef,
                        span: SpanView) -> Sequence[speakers.Candidate]:
        """The picker's targets: marked spans and, for actors, mentions not marked yet."""
        assert self.document is not None
        entity_label = self._entity_label()
        unmarked = len(definition.targets) == 1 and definition.targets[0] == entity_label
        spans, relations = self._near(span)
        found = speakers.speaker_candidates(
            self.document.text, span.fragments, spans, relations,
            self.entities.values(), target_labels=definition.targets,
            relation=definition.name, quote_id=span.id, unmarked=unmarked)
        return found

    def _near(self, span: SpanView) -> tuple[list[SpanView], dict[int, RelationView]]:
        """The spans within :data:`PICKER_REACH` characters of a span (whole paragraphs)
        and the relations touching them: what the picker offers and ranks by.

        A target further away is clicked in the text, or typed in the picker's filter:
        listing the thousands of mentions of a long document, nearly all of them far
        from the quote, cost the picker time proportional to the document.
        """
        index = self.view._index
        first = index.block_of(max(0, span.start - PICKER_REACH))
        last = index.block_of(span.end + PICKER_REACH)
        spans = index.in_blocks(first, last)
        relations: dict[int, RelationView] = {}
        for near in spans:
            for relation in self.view.relations_of(near.id):
                relations[relation.id] = relation
        return spans, relations

    def _entry(self, definition: RelationDef, candidate: speakers.Candidate) -> PickerEntry:
        if candidate.span_id is not None and candidate.span_id in self.spans:
            label = self.spans[candidate.span_id].label
        else:
            label = definition.targets[0]
        label_def = self.project.schema.label(label)
        text = candidate.text if len(candidate.text) <= 70 else candidate.text[:67] + "…"
        entity = self.entities.get(candidate.entity_id) if candidate.entity_id else None
        note = candidate.pattern
        if entity is not None and entity.name != candidate.text:
            note = f"= {entity.name}" + (f" · {note}" if note else "")
        return PickerEntry(label, label_def.color if label_def else "#888", text,
                           candidate.marked, candidate.paragraph, note, candidate)

    def _typed_entries(self, definition: RelationDef, span: SpanView,
                       typed: str) -> list[PickerEntry]:
        """Where the typed words occur in the text, nearest the source first, to be marked."""
        if self.document is None or len(definition.targets) != 1:
            return []
        taken = [(s.start, s.end) for s in self.spans.values() if s.label in definition.targets]
        return [self._entry(definition, candidate) for candidate in speakers.typed_candidates(
            self.document.text, typed, span.fragments, taken)]

    def _place_picker(self) -> None:
        """Puts the picker below (or above) the source and its likeliest targets, never on them."""
        viewport = self.view.viewport()
        offset = viewport.mapTo(self.view, QPoint(0, 0))
        area = QRect(offset, viewport.size())
        width = min(560, max(340, area.width() * 3 // 5), area.width() - 16)
        height = min(self.picker.preferred_height(), max(150, area.height() - 24))
        protected = self._picker_protected_rects()
        visible = [r for r in protected if r.intersects(area)]
        if not visible:
            self.picker.setGeometry(area.right() - width - 12, area.top() + 12, width, height)
            return
        union = visible[0]
        for rect in visible[1:]:
            union = union.united(rect)
        below = area.bottom() - union.bottom() - 16
        above = union.top() - area.top() - 16
        if below < height and above < height and self.pick is not None:
            # no room either side: scroll the source near the top, then place below
            source = self.spans.get(self.pick[1])
            if source is not None:
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.value() + max(0, union.top() - area.top() - 12)
                             // max(1, self._line_height()))
                protected = self._picker_protected_rects()
                visible = [r for r in protected if r.intersects(area)] or visible
                union = visible[0]
                for rect in visible[1:]:
                    union = union.united(rect)
                below = area.bottom() - union.bottom() - 16
                above = union.top() - area.top() - 16
        x = max(area.left() + 8, min(union.left(), area.right() - width - 8))
        if below >= min(height, 150) or below >= above:
            height = max(100, min(height, below))
            y = union.bottom() + 8
        else:
            height = max(100, min(height, above))
            y = union.top() - height - 8
        self.picker.setGeometry(x, y, width, height)

    def _line_height(self) -> int:
        """Pixels per scroll step of the article view (one line of text)."""
        return max(1, self.view.fontMetrics().lineSpacing())

    def _picker_protected_rects(self) -> list[QRect]:
        """Where the source span and the first entries are drawn (view coordinates)."""
        if self.pick is None or self.document is None:
            return []
        offset = self.view.viewport().mapTo(self.view, QPoint(0, 0))
        ranges: list[tuple[int, int]] = []
        source = self.spans.get(self.pick[1])
        if source is not None:
            ranges.extend((a, b) for a, b in source.fragments)
        for row in range(min(3, self.picker.model.rowCount())):
            entry = self.picker.model.entry(row)
            payload = entry.payload if entry is not None else None
            if isinstance(payload, speakers.Candidate) and not payload.inside_quote:
                ranges.append((payload.start, payload.end))
        return [self.view.range_viewport_rect(a, b).translated(offset) for a, b in ranges]

    def _on_picker_picked(self, target: object) -> None:
        if isinstance(target, speakers.Candidate) and target.span_id is None:
            self._link_new_mention(target)
        elif isinstance(target, speakers.Candidate):
            assert target.span_id is not None
            self._add_relation(target.span_id)
        elif isinstance(target, int):
            self._add_relation(target)

    def _link_new_mention(self, candidate: speakers.Candidate) -> None:
        """Marks a picked mention that was not marked yet and links it, one undo step."""
        if self.pick is None:
            return
        relation, source_id = self.pick
        self._cancel_pick()
        definition = self.project.schema.relation(relation)
        source = self.spans.get(source_id)
        if definition is None or source is None:
            return
        self._mark_target(definition, source, (candidate.start, candidate.end),
                          candidate.entity_id, candidate.source)

    def _on_picker_cancelled(self) -> None:
        self._cancel_pick()
        self.view.setFocus()

    def _add_relation(self, target_id: int) -> None:
        if self.pick is None:
            return
        relation, source_id = self.pick
        self._cancel_pick()
        self.perform(AddRelation(relation, source_id, target_id), f"add {relation}")
        self.view.setFocus()

    def _on_relation_target_clicked(self, span_id: int) -> None:
        self.view.select_span(span_id)
        self.view.setFocus()

    def _on_relation_delete_requested(self, relation_id: int) -> None:
        self.perform(DeleteRelation(relation_id), "remove relation")
