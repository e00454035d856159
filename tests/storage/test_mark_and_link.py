"""MarkAndLink: a new span and its relation stored, undone and redone as one edit."""

from __future__ import annotations

import pytest

from storage.edits import DeleteSpan, MarkAndLink
from storage.errors import ValidationError
from storage.project import Project
from storage.records import DocumentRecord

TEXT = ("“The bridge stays shut,” Mayor Ilse Dorrin said on Tuesday. "
        "“Nobody crosses tonight,” she added.")


def _range(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _document(project: Project) -> tuple[int, int, int]:
    project.import_records([DocumentRecord(text=TEXT, external_id="bridge")], "bridge.jsonl")
    document = project.documents()[0].id
    first = project.add_span(document, "alice", "Quote", [_range("The bridge stays shut,")])
    second = project.add_span(document, "alice", "Quote", [_range("Nobody crosses tonight,")])
    return document, first.id, second.id


def _layer(project: Project, document: int) -> tuple[list[tuple[str, str, dict]],
                                                     list[tuple[str, str, str]]]:
    spans = {s.id: s for s in project.spans(document, "alice")}
    shown = sorted((s.label, TEXT[s.start:s.end], dict(s.attributes)) for s in spans.values())
    relations = sorted((r.type, TEXT[spans[r.source_id].start:spans[r.source_id].end],
                        TEXT[spans[r.target_id].start:spans[r.target_id].end])
                       for r in project.relations(document, "alice"))
    return shown, relations


def test_marks_the_speaker_and_links_it_then_undo_and_redo(project: Project) -> None:
    document, quote, _ = _document(project)
    start = TEXT.index("Mayor Ilse Dorrin")
    edit = MarkAndLink("speaker", quote, document, "alice", "Actor",
                       [(start, start + len("Mayor Ilse Dorrin"))], {"kind": "person"})
    changes = project.apply(edit)
    assert edit.span_id is not None and edit.relation_id is not None
    assert changes.spans_added == [edit.span_id]
    assert changes.relations_added == [edit.relation_id]
    spans, relations = _layer(project, document)
    assert ("Actor", "Mayor Ilse Dorrin", {"kind": "person", "mention": "name"}) in spans
    assert relations == [("speaker", "The bridge stays shut,", "Mayor Ilse Dorrin")]

    undone = project.revert(edit)
    assert undone.relations_removed == [edit.relation_id]
    assert undone.spans_removed == [edit.span_id]
    assert _layer(project, document) == (
        [("Quote", "Nobody crosses tonight,", {"form": "direct", "anonymous": False}),
         ("Quote", "The bridge stays shut,", {"form": "direct", "anonymous": False})], [])

    span_id, relation_id = edit.span_id, edit.relation_id
    project.apply(edit)  # redo keeps the ids
    assert (edit.span_id, edit.relation_id) == (span_id, relation_id)
    assert _layer(project, document)[1] == [
        ("speaker", "The bridge stays shut,", "Mayor Ilse Dorrin")]


def test_marks_a_new_source_linked_to_a_marked_target(project: Project) -> None:
    document, quote, second = _document(project)
    start = TEXT.index("Mayor")
    actor = project.add_span(document, "alice", "Actor", [(start, start + 17)])
    project.apply(DeleteSpan(second))
    edit = MarkAndLink("speaker", actor.id, document, "alice", "Quote",
                       [_range("Nobody crosses tonight,")],
                       mark_source=True)
    project.apply(edit)
    assert _layer(project, document)[1] == [
        ("speaker", "Nobody crosses tonight,", "Mayor Ilse Dorrin")]
    project.revert(edit)
    assert _layer(project, document)[1] == []
    assert quote in {s.id for s in project.spans(document, "alice")}


def test_a_refused_link_leaves_no_span_behind(project: Project) -> None:
    document, quote, _ = _document(project)
    she = TEXT.index("she")
    project.apply(MarkAndLink("speaker", quote, document, "alice", "Actor", [(she, she + 3)]))
    before = _layer(project, document)
    start = TEXT.index("Ilse Dorrin")
    # the schema allows one speaker per quote: the second is refused, nothing is kept
    with pytest.raises(ValidationError, match="already has 1 'speaker'"):
        project.apply(MarkAndLink("speaker", quote, document, "alice", "Actor",
                                  [(start, start + 11)]))
    assert _layer(project, document) == before


@pytest.mark.parametrize(("relation", "label", "source", "message"), [
    ("speaker", "Cue", False, "'speaker' goes to Actor, not to Cue"),
    ("speaker", "Actor", True, "'speaker' goes from Quote, not from Actor"),
    ("speech", "Actor", False, "relation type 'speech' is not in the schema"),
])
def test_a_label_the_relation_does_not_allow_is_refused(
        project: Project, relation: str, label: str, source: bool, message: str) -> None:
    document, quote, _ = _document(project)
    before = _layer(project, document)
    with pytest.raises(ValidationError, match=message):
        project.apply(MarkAndLink(relation, quote, document, "alice", label, [(25, 30)],
                                  mark_source=source))
    assert _layer(project, document) == before
