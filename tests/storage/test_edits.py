"""storage/edits/: conflict messages, and undo/redo that stays correct when run again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import small_record

from storage.edits import (
    AddRelation,
    AddSpan,
    Compound,
    CreateEntity,
    DeleteEntity,
    DeleteRelation,
    DeleteSpan,
    Edit,
    MergeEntities,
    SetStatus,
    UpdateEntity,
    UpdateRelation,
    UpdateSpan,
    describe_span,
    shorten,
)
from storage.models import Span
from storage.project import Project
from storage.records import DocumentRecord


def test_shorten_keeps_one_line_and_cuts_with_an_ellipsis() -> None:
    assert shorten("short") == "short"
    assert shorten("two\n\nlines  here") == "two lines here"
    assert shorten("a" * 10 + " " + "b" * 10, limit=12) == "aaaaaaaaaa…"
    assert len(shorten("x" * 200)) == 60


def test_describe_span_shortens_long_text_and_names_values(project: Project) -> None:
    text = "The minister said " + "that the river talks would go on " * 5 + "tomorrow."
    project.import_records([DocumentRecord(text=text, external_id="long")], "long.jsonl")
    document = project.documents()[0].id
    quote = project.add_span(document, "alice", "Quote", [(18, len(text))],
                             {"form": "indirect", "anonymous": True})
    actor = project.add_span(document, "alice", "Actor", [(4, 12)])
    with project.db.reading() as session:
        quote_row = session.get(Span, quote.id)
        actor_row = session.get(Span, actor.id)
        assert quote_row is not None and actor_row is not None
        described = describe_span(session, quote_row, project.schema)
        assert described == ("Quote “that the river talks would go on that the river talks "
                             "would…”, form indirect, anonymous yes")
        assert describe_span(session, actor_row, project.schema) == (
            "Actor “minister”, kind person, mention name, no actor")
        assert describe_span(session, actor_row) == "Actor “minister”, kind person, mention name"


def _edits(project: Project, document: int) -> list[Edit]:
    """One edit of every kind on :func:`small_record`, none applied yet."""
    text = project.document(document).text
    spans = {text[s.start:s.end]: s for s in project.spans(document)}
    quote = next(s for s in spans.values() if s.label == "Quote")
    president = spans["President Aldric Varnay"]
    ministry = spans["the ministry"]
    cue = spans["said"]
    consequence = spans["our answer will be swift"]
    speaker = next(r for r in project.relations(document) if r.type == "speaker")
    cue_relation = next(r for r in project.relations(document) if r.type == "cue")
    varnay = project.create_entity("Aldric Varnay", aliases=["Varnay"])
    zoe = project.create_entity("Zoë Marr")
    return [
        AddSpan(document, "alice", "Cue", [(7, 12)]),
        DeleteSpan(quote.id),
        UpdateSpan(quote.id, attributes={"form": "mixed"}, expected_version=quote.version),
        UpdateSpan(president.id, entity_id=varnay.id),
        AddRelation("holder", consequence.id, president.id),
        DeleteRelation(cue_relation.id),
        UpdateRelation(speaker.id, target_id=ministry.id),
        SetStatus(document, "alice", "in_progress"),
        CreateEntity("Doreth", "state"),
        UpdateEntity(varnay.id, name="President Aldric Varnay"),
        Compound([UpdateSpan(cue.id, fragments=[(cue.start, cue.end + 1)]),
                  UpdateSpan(president.id, entity_id=zoe.id),
                  MergeEntities(varnay.id, zoe.id)]),
        DeleteEntity(varnay.id),
    ]


def _stored(project: Project, document: int) -> tuple[Any, ...]:
    """What a user sees of the document and the registry, to compare before and after."""
    def attributes(values: dict[str, Any]) -> str:
        return json.dumps(values, sort_keys=True)

    spans = sorted((s.id, s.annotator_id, s.label, s.fragments, attributes(s.attributes),
                    s.entity_id) for s in project.spans(document))
    relations = sorted((r.id, r.type, r.source_id, r.target_id, attributes(r.attributes))
                       for r in project.relations(document))
    entities = sorted((e.id, e.name, e.kind, tuple(e.aliases)) for e in project.entities())
    return spans, relations, sorted(project.statuses(document).items()), entities


def test_undo_and_redo_run_many_times_without_a_false_conflict(small_project: Project) -> None:
    document = small_project.documents()[0].id
    for edit in _edits(small_project, document):
        before = _stored(small_project, document)
        small_project.apply(edit)
        after = _stored(small_project, document)
        assert after != before, edit
        small_project.revert(edit)
        assert _stored(small_project, document) == before, edit
        for _round in range(2):
            small_project.apply(edit)
            assert _stored(small_project, document) == after, edit
            small_project.revert(edit)
            assert _stored(small_project, document) == before, edit


def test_an_undo_or_redo_rolled_back_can_run_again(small_project: Project) -> None:
    """What a retry after a busy database does: the same revert or apply runs twice."""
    document = small_project.documents()[0].id

    class Busy(Exception):
        """The database was busy: the transaction rolled back."""

    def rolled_back(run: str, edit: Edit) -> None:
        with pytest.raises(Busy), small_project.db.writing() as session:
            getattr(edit, run)(session, small_project.schema)
            raise Busy

    for edit in _edits(small_project, document):
        before = _stored(small_project, document)
        rolled_back("apply", edit)
        assert _stored(small_project, document) == before, edit
        small_project.apply(edit)
        after = _stored(small_project, document)
        assert after != before, edit
        rolled_back("revert", edit)
        assert _stored(small_project, document) == after, edit
        small_project.revert(edit)
        assert _stored(small_project, document) == before, edit
        rolled_back("apply", edit)
        small_project.apply(edit)
        assert _stored(small_project, document) == after, edit
        small_project.revert(edit)
        assert _stored(small_project, document) == before, edit


def test_a_redone_span_keeps_its_id_and_version(project: Project) -> None:
    """A span back from undo or redo has its last version: an older copy stays stale."""
    project.import_records([small_record()], "small.jsonl")
    document = project.documents()[0].id
    add = AddSpan(document, "alice", "Cue", [(7, 12)])
    project.apply(add)
    assert add.span_id is not None
    project.apply(UpdateSpan(add.span_id, fragments=[(7, 11)]))
    project.apply(UpdateSpan(add.span_id, fragments=[(7, 12)]))  # as added, at version 3
    project.revert(add)
    project.apply(add)
    stored = project.span(add.span_id)
    assert (stored.fragments, stored.version) == (((7, 12),), 3)
    entity = CreateEntity("Varnay")
    project.apply(entity)
    assert entity.entity_id is not None
    project.apply(UpdateEntity(entity.entity_id, kind="state"))
    project.apply(UpdateEntity(entity.entity_id, kind="person"))
    project.revert(entity)
    project.apply(entity)
    assert project.entity(entity.entity_id).version == 3


def test_a_first_status_taken_back_leaves_no_status_row(project: Project) -> None:
    """SetStatus on the shared ChangeEdit protocol: a status never stored counts as new."""
    project.import_records([DocumentRecord(text="Varnay spoke.", external_id="d")], "d.jsonl")
    document = project.documents()[0].id
    edit = SetStatus(document, "alice", "in_progress")
    project.apply(edit)
    assert project.statuses(document) == {"alice": "in_progress"}
    project.revert(edit)
    assert project.statuses(document) == {}  # the row is gone, not set to "new"
    assert project.status(document, "alice") == "new"
    # a colleague's explicit "new" meanwhile is the same status: the redo goes on
    project.apply(SetStatus(document, "alice", "new"))
    project.apply(edit)
    assert project.statuses(document) == {"alice": "in_progress"}
    project.revert(edit)
    assert project.statuses(document) == {"alice": "new"}  # back to the row it found
