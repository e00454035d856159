"""The main window's span edits and actors, and the one place an edit's change record
refreshes the view, the table and the panel.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from gui.annotation_table import covered_text
from gui.window_base import with_article
from gui.window_relations import RelationWindow
from storage.edits import (
    AddSpan,
    CreateEntity,
    DeleteEntity,
    DeleteSpan,
    Edit,
    MergeEntities,
    UpdateEntity,
    UpdateSpan,
)
from storage.errors import SaywhoError
from storage.operations import annotation_steps
from storage.views import KEEP, Changes, EntityView, RelationView, SpanView
from storage.vocabulary import ACTOR_KIND_ATTRIBUTE
from suggest import speakers
from text import selection as textsel


def step_character(text: str, offset: int, step: int) -> int:
    """Moves one user-perceived character: combining marks and ZWJ sequences stay whole."""
    if step > 0:
        offset = min(len(text), offset + 1)
        while offset < len(text) and (_joins_previous(text, offset)):
            offset += 1
    else:
        offset = max(0, offset - 1)
        while offset > 0 and _joins_previous(text, offset):
            offset -= 1
    return offset


def _joins_previous(text: str, index: int) -> bool:
    """Whether ``text[index]`` belongs to the character before it (mark, ZWJ, selector)."""
    char = text[index]
    if unicodedata.category(char) in ("Mn", "Me", "Mc") or char in "\u200d\ufe0e\ufe0f":
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF:  # skin tone modifiers
        return True
    return index > 0 and text[index - 1] == "\u200d"


def _merge_fragments(fragments: list[list[int]]) -> list[list[int]]:
    """Sorts fragments and joins those that overlap or touch."""
    result: list[list[int]] = []
    for start, end in sorted(fragments):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return result


class EditingWindow(RelationWindow):
    """Label keys, boundaries, deletes, attributes, actors; refresh after every edit."""

    def _on_label_key(self, label: str) -> None:
        if self.document is None:
            return
        selection = self.view.selected_range()
        if selection is None:
            span = self.selected_span
            shared = self._relation_sharing_key(label, span)
            if shared is not None:
                self._on_relation_key(shared)
                return
            if span is not None and span.label != label:
                self._status(f"Shift+{self._label_key(label)} changes the selected span's "
                             f"label to {label}; select text to mark a new {label}.")
            else:
                self._status(f"Select some text first, then press "
                             f"{self._label_key(label)} to mark it as {label}.", hint=True)
            return
        edit = AddSpan(self.document.id, self.annotator, label, [selection])
        if self.perform(edit, f"add {label}"):  # selects the new span (its change record)
            self._clear_text_selection()

    def _relation_sharing_key(self, label: str, span: SpanView | None) -> str | None:
        """A relation of the selected span whose key is this label's key, if any."""
        definition = self.project.schema.label(label)
        if span is None or definition is None or not definition.key:
            return None
        for relation in self.project.schema.relations_from(span.label):
            if relation.key and relation.key.upper() == definition.key.upper():
                return relation.name
        return None

    def _on_relabel_key(self, label: str) -> None:
        span = self._require_span("to change its label")
        if span is not None and span.label != label:
            self.perform(UpdateSpan(span.id, label=label), f"change label to {label}")

    def _on_add_fragment(self) -> None:
        span = self._require_span("to add a fragment to it")
        selection = self.view.selected_range()
        if span is None:
            return
        if selection is None:
            self._status("Select the text of the extra fragment, then press F.")
            return
        fragments = [list(f) for f in span.fragments]
        # a selection touching or overlapping a fragment extends it instead
        merged = False
        for fragment in fragments:
            if selection[0] <= fragment[1] and selection[1] >= fragment[0]:
                fragment[0] = min(fragment[0], selection[0])
                fragment[1] = max(fragment[1], selection[1])
                merged = True
        if merged:
            fragments = _merge_fragments(fragments)
        else:
            fragments.append(list(selection))
        if self.perform(UpdateSpan(span.id, fragments=fragments), "add fragment"):
            self._clear_text_selection()

    def _on_boundary(self, move: tuple[str, int, str]) -> None:
        edge, step, unit = move
        span = self._require_span("to move its boundaries")
        if span is None or self.document is None:
            return
        text = self.document.text
        fragments = [list(f) for f in span.fragments]
        fragment = fragments[0] if edge == "start" else fragments[-1]
        start, end = fragment
        if unit == "word":
            start, end = textsel.adjust_by_word(text, start, end, edge, step)  # type: ignore[arg-type]
        elif edge == "start":
            start = step_character(text, start, step)
        else:
            end = step_character(text, end, step)
        if start >= end or (start, end) == tuple(fragment):
            self._status("The span cannot shrink further.")
            return
        fragment[0], fragment[1] = start, end
        self.perform(UpdateSpan(span.id, fragments=_merge_fragments(fragments)),
                     f"move {edge}")

    def _on_delete_span(self) -> None:
        span = self._require_span("to delete it")
        if span is not None:
            self.perform(DeleteSpan(span.id), f"delete {span.label}")

    def _on_attribute_edited(self, name: str, value: Any) -> None:
        span = self.selected_span
        if span is not None:
            self.perform(UpdateSpan(span.id, attributes={name: value}), f"set {name}")

    def _on_escape(self) -> None:
        if self.pick is not None or self.picker.isVisible():
            self._cancel_pick()
            self._status("Relation cancelled.")
        elif self.view.textCursor().hasSelection():
            self._clear_text_selection()
        else:
            self.view.select_span(None)

    def _on_select_inside_quotes(self) -> None:
        self.view.setFocus()  # from anywhere in the window: the caret is where it was
        if self.view.select_inside_quotes() is None:
            self._status("The cursor is not inside quotation marks.")

    def _find_entities(self, prefix: str) -> list[EntityView]:
        return self.project.find_entities(prefix)

    def _on_link_actor(self) -> None:
        span = self._require_span("to link it to an actor")
        if span is not None and not self.schema_panel.focus_entity_edit():
            self._status(f"{with_article(span.label).capitalize()} does not link to the "
                         "actor registry.")

    def _on_entity_chosen(self, entity_id: int) -> None:
        span = self.selected_span
        if span is None:
            return
        entity = self.entities.get(entity_id)
        if self.perform(UpdateSpan(span.id, entity_id=entity_id),
                        f"link to {entity.name if entity else 'actor'}"):
            self.view.setFocus()

    def _on_unlink_actor(self) -> None:
        span = self._require_span("to unlink it")
        if span is not None and span.entity_id is not None:
            self.perform(UpdateSpan(span.id, entity_id=None), "unlink actor")

    def _on_create_actor_from_selection(self) -> None:
        """Marks the selection as an actor mention, creates the actor, links them."""
        if self.document is None:
            return
        label_name = self._entity_label()
        if label_name is None:
            self._status("This schema has no label that links to actors.")
            return
        selection = self.view.selected_range()
        span = self.selected_span
        if selection is None and (span is None or span.label != label_name):
            self._status(f"Select the actor's name in the text (or an {label_name} mention) "
                         "first.")
            return
        text = self.document.text
        name = " ".join((text[selection[0]:selection[1]] if selection is not None else
                         covered_text(text, span.fragments)).split())  # type: ignore[union-attr]
        kind = self._actor_kind(label_name, name, span if selection is None else None)
        if not name:
            self._status("The selection holds no name.")
            return
        document_id = self.document.id
        steps: list[Edit | Callable[[], Edit]] = []
        if selection is not None:
            add = AddSpan(document_id, self.annotator, label_name, [selection],
                          self._new_mention_attributes(label_name, name))
            steps += annotation_steps(self.project, document_id, self.annotator, add)
        create = CreateEntity(name, kind)
        steps.append(create)

        def link() -> Edit:
            target = add.span_id if selection is not None else span.id  # type: ignore[union-attr]
            assert target is not None  # the span was added by the step before
            return UpdateSpan(target, entity_id=create.entity_id)

        steps.append(link)
        if self.controller.perform_steps(steps, f"create actor {name}", document_id) is None:
            return
        self._clear_text_selection()
        self._status(f"Actor “{name}” created and linked ({kind}); rename or merge it in the "
                     "actor registry (Ctrl+R).")

    def _actor_kind(self, label: str, name: str, span: SpanView | None) -> str:
        """The kind a new registry actor gets: the mention's own, a guess, the schema's default.

        A mention whose kind was set (not the schema default) keeps it; else the
        name tells ("Prime Minister …" a person, "the foreign ministry" an
        organisation); else the schema's default kind, or "other".
        """
        schema = self.project.schema
        label_def = schema.label(label)
        kind_def = label_def.attribute(ACTOR_KIND_ATTRIBUTE) if label_def is not None else None
        default = kind_def.default if kind_def is not None else None
        if span is not None and span.attributes.get(ACTOR_KIND_ATTRIBUTE) not in (None, default):
            kind = span.attributes[ACTOR_KIND_ATTRIBUTE]
        else:
            guessed = speakers.guess_kind(name, self.entities.values(),
                                          self.document.text if self.document else "")
            kind = guessed or default
        return schema.actor_kind(kind)

    def _on_show_actors(self) -> None:
        self.actors_dock.show()
        self.actors_dock.raise_()
        span = self.selected_span
        if span is not None and span.entity_id is not None:
            self.actor_registry.select_entity(span.entity_id)
        self.actor_registry.filter.setFocus()

    def _on_actor_create_requested(self, values: dict) -> None:
        edit = CreateEntity(values["name"], values["kind"], values["aliases"], values["kb_id"])
        if self.perform(edit, f"create actor {values['name']}") and edit.entity_id:
            self.actor_registry.select_entity(edit.entity_id)

    def _on_actor_update_requested(self, entity_id: int, values: dict) -> None:
        entity = self.entities.get(entity_id)
        self.perform(UpdateEntity(entity_id, name=values["name"], kind=values["kind"],
                                  aliases=values["aliases"], kb_id=values["kb_id"],
                                  expected_version=entity.version if entity else None),
                     f"edit actor {values['name']}")

    def _on_actor_merge_requested(self, kept_id: int, merged_id: int) -> None:
        kept = self.entities.get(kept_id)
        merged = self.entities.get(merged_id)
        if kept and merged:
            self.perform(MergeEntities(kept_id, merged_id),
                         f"merge {merged.name} into {kept.name}")
            self.actor_registry.select_entity(kept_id)

    def _on_actor_delete_requested(self, entity_id: int) -> None:
        entity = self.entities.get(entity_id)
        if entity is not None:
            self.perform(DeleteEntity(entity_id), f"delete actor {entity.name}")

    def _on_mention_activated(self, document_id: int, span_id: int) -> None:
        if self.document is None or self.document.id != document_id:
            self.open_document(document_id)
        self.select_span(span_id)
        self.view.setFocus()

    def _on_edit_changed(self, changes: Changes, document_id: int | None) -> None:
        self._clear_hint()  # done: what the hint asked for, or something else
        if changes.entities_changed:
            self._reload_entities()
        current = self.document.id if self.document is not None else None
        if current is None:
            return
        if document_id is not None and document_id != current:
            self.open_document(document_id)
            return
        if current not in changes.documents and not changes.entities_changed:
            return
        # an edit applies to the whole layer (label counts, spans far away): read it first
        self.whole_layer()
        removed = [i for i in changes.spans_removed if i in self.spans]
        fresh: list[SpanView] = []
        for span_id in dict.fromkeys([*changes.spans_added, *changes.spans_changed]):
            try:
                span = self.project.span(span_id)
            except SaywhoError:
                removed.append(span_id)
                continue
            if span.document_id != current:
                continue
            if span.annotator_id != self._annotator_id():
                continue
            fresh.append(span)
        for span_id in removed:
            gone = self.spans.pop(span_id, None)
            if gone is not None:
                self._label_counts[gone.label] -= 1
        for span in fresh:
            old = self.spans.get(span.id)
            if old is not None:
                self._label_counts[old.label] -= 1
            self._label_counts[span.label] += 1
            self.spans[span.id] = span
        # relations: only those the edit touched are read (never the whole layer)
        relations_removed = [i for i in changes.relations_removed if i in self.relations]
        relations_added: list[RelationView] = []
        for relation_id in dict.fromkeys([*changes.relations_added,
                                          *changes.relations_changed]):
            try:
                relation = self.project.relation(relation_id)
            except SaywhoError:
                relations_removed.append(relation_id)
                continue
            if relation.document_id == current and \
                    relation.annotator_id == self._annotator_id():
                relations_added.append(relation)
        for relation_id in relations_removed:
            self.relations.pop(relation_id, None)
        for relation in relations_added:
            self.relations[relation.id] = relation
        self.view.update_spans(removed, fresh, None, relations_removed, relations_added)
        self.annotation_table.update_spans(removed, fresh, None, self.entities,
                                           relations_removed, relations_added,
                                           bool(changes.entities_changed))
        self._refresh_document_row()
        self._select_after_edit(changes, removed)

    def _select_after_edit(self, changes: Changes, removed: Sequence[int]) -> None:
        """The one place an edit moves the selection: to what its change record names."""
        target = changes.selection
        if target == KEEP:
            target = self.view.selected_span_id
        elif target is None and not removed:
            target = self.view.selected_span_id  # another layer's span went: not ours
        elif target is not None and target not in self.spans:
            target = self.view.selected_span_id  # another layer's (gold) span
        if target != self.view.selected_span_id:
            self.view.select_span(target)
        self._show_span(self.view.selected_span_id)

    def _on_undo(self) -> None:
        if self.controller.stack.canUndo():
            self.controller.stack.undo()
        else:
            self._status("Nothing to undo.")

    def _on_redo(self) -> None:
        if self.controller.stack.canRedo():
            self.controller.stack.redo()
        else:
            self._status("Nothing to redo.")
