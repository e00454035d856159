"""Values a backend cannot store are refused before writing, with the same words everywhere.

SQLite would store a NUL character or a 300-character annotator name, PostgreSQL
answers with a raw driver error; every writer path (import, edits, actors,
annotators) checks first, so both backends refuse the same input with the same
message and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import project_dump, small_record

from storage.edits import AddRelation, AddSpan, CreateEntity, UpdateEntity, UpdateSpan
from storage.errors import ValidationError
from storage.project import Project
from storage.records import AnnotationSetRecord, SpanRecord


def _first_document(project: Project) -> int:
    return project.documents()[0].id


def _actor_span(project: Project) -> int:
    return next(s.id for s in project.spans(_first_document(project), "alice")
                if s.label == "Actor")


CASES: dict[str, tuple[Callable[[Project], Any], str]] = {
    "annotator-300-chars": (
        lambda p: p.ensure_annotator("n" * 300),
        f"annotator name '{'n' * 40}…' is 300 characters long; at most 128 are allowed"),
    "annotator-nul": (
        lambda p: p.ensure_annotator("bob\x00"),
        "annotator name 'bob\x00' contains a NUL character (U+0000) at offset 3, which "
        "cannot be stored"),
    "span-by-long-annotator": (
        lambda p: p.apply(AddSpan(_first_document(p), "a" * 129, "Cue", [(0, 5)])),
        "is 129 characters long; at most 128 are allowed"),
    "span-attribute-nul": (
        lambda p: p.apply(AddSpan(_first_document(p), "alice", "Quote", [(0, 5)],
                                  {"form": "dir\x00ect"})),
        "the attributes of this Quote span['form'] contains a NUL character (U+0000) at "
        "offset 3"),
    "span-id-too-long": (
        lambda p: p.apply(AddSpan(_first_document(p), "alice", "Cue", [(0, 5)],
                                  external_id="s" * 256)),
        "is 256 characters long; at most 255 are allowed"),
    "span-update-attribute-surrogate": (
        lambda p: p.apply(UpdateSpan(_actor_span(p), attributes={"kind": "per\ud800son"})),
        "contains a lone surrogate (U+D800, half of a character) at offset 3"),
    "actor-name-nul": (
        lambda p: p.create_entity("Aldric\x00Varnay"),
        "actor name 'Aldric\x00Varnay' contains a NUL character (U+0000) at offset 6"),
    "actor-alias-nul": (
        lambda p: p.create_entity("Aldric Varnay", aliases=["Varnay\x00"]),
        "the aliases of actor 'Aldric Varnay'[0] contains a NUL character"),
    "actor-kb-id-too-long": (
        lambda p: p.apply(CreateEntity("Aldric Varnay", kb_id="Q" * 300)),
        "is 300 characters long; at most 255 are allowed"),
    "actor-rename-nul": (
        lambda p: p.apply(UpdateEntity(p.entities()[0].id, name="Var\x00nay")),
        "actor name 'Var\x00nay' contains a NUL character (U+0000) at offset 3"),
    "import-nul-title": (
        lambda p: p.import_records([_record(title="Varnay\x00")], "x.jsonl"),
        "the title contains a NUL character (U+0000) at offset 6"),
    "import-nul-meta-key": (
        lambda p: p.import_records([_record(meta={"out\x00let": "Wire"})], "x.jsonl"),
        "a key of the metadata contains a NUL character (U+0000) at offset 3"),
    "import-span-id-nul": (
        lambda p: p.import_records([_record(span_id="T\x001")], "x.jsonl"),
        "span id 'T\x001' contains a NUL character"),
    "import-document-id-256": (
        lambda p: p.import_records([_record(external_id="d" * 256)], "x.jsonl"),
        "is 256 characters long; at most 255 are allowed"),
}


def _record(**changes: Any) -> Any:
    record = small_record()
    record.text = record.text + " A second edition."
    span_id = changes.pop("span_id", None)
    for key, value in changes.items():
        setattr(record, key, value)
    if span_id is not None:
        record.annotations = [AnnotationSetRecord(
            "alice", "done", [SpanRecord(span_id, "Cue", [(0, 6)])], [])]
    return record


@pytest.mark.parametrize("case", list(CASES))
def test_unstorable_values_are_refused_alike_on_both_backends(
        case: str, any_small_project: Project, backend_url: str) -> None:
    action, message = CASES[case]
    any_small_project.create_entity("Varnay")  # for the rename
    before = project_dump(backend_url)
    with pytest.raises(ValidationError) as caught:
        action(any_small_project)
    assert message in str(caught.value)
    assert "Background on this error" not in str(caught.value)
    assert project_dump(backend_url) == before
    # the project is still usable
    any_small_project.ensure_annotator("carol")


def test_a_relation_id_too_long_is_refused_alike_on_both_backends(
        any_small_project: Project, backend_url: str) -> None:
    project = any_small_project
    document = _first_document(project)
    text = project.document(document).text
    start = text.index("our answer")
    quote = project.add_span(document, "alice", "Quote", [(start, start + 10)])
    actor = _actor_span(project)
    before = project_dump(backend_url)
    with pytest.raises(ValidationError) as caught:
        project.apply(AddRelation("speaker", quote.id, actor, external_id="r" * 300))
    assert f"relation id '{'r' * 40}…' is 300 characters long; at most 255 are allowed" \
        in str(caught.value)
    assert project_dump(backend_url) == before
