"""The storage API: validation of every write, undo/redo, reads, schema evolution."""

from __future__ import annotations

import json
import sqlite3

import pytest

from storage.edits import (
    AddRelation,
    AddSpan,
    Compound,
    CreateEntity,
    DeleteEntity,
    DeleteRelation,
    DeleteSpan,
    MergeEntities,
    SetStatus,
    UpdateEntity,
    UpdateRelation,
    UpdateSpan,
)
from storage.errors import ConflictError, SchemaError, ValidationError
from storage.project import Project
from storage.records import DocumentRecord
from storage.schema import default_schema, parse_schema

TEXT = "Varnay said: we will win. If they cross, we strike. 🙂 Zoë spoke."


@pytest.fixture
def doc(project: Project) -> int:
    project.import_records([DocumentRecord(text=TEXT, title="t", external_id="d")], "t.txt")
    return project.documents()[0].id


@pytest.fixture
def project(any_project: Project) -> Project:
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_project


@pytest.fixture
def small_project(any_small_project: Project) -> Project:
    return any_small_project


@pytest.fixture
def project_path(backend_url: str) -> str:
    """The project's location: a SQLite file or a PostgreSQL URL."""
    return backend_url


def rows(location: str, sql: str) -> list[tuple[object, ...]]:
    """Reads the stored rows through a fresh connection: what is really committed."""
    if "://" not in location:
        with sqlite3.connect(location) as connection:
            return [tuple(r) for r in connection.execute(sql).fetchall()]
    from sqlalchemy import create_engine

    engine = create_engine(location)
    try:
        with engine.connect() as connection:
            result = []
            for row in connection.exec_driver_sql(sql):
                # JSON columns come back parsed on PostgreSQL, as text on SQLite
                result.append(tuple(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list))
                                    else v for v in row))
            return result
    finally:
        engine.dispose()


def test_span_is_stored_on_disk(project: Project, project_path: str, doc: int) -> None:
    span = project.add_span(doc, "alice", "Actor", [(0, 6)])
    assert span.fragments == ((0, 6),)
    assert span.attributes == {"kind": "person", "mention": "name"}
    assert rows(project_path, 'SELECT label, start, "end" FROM span') == [("Actor", 0, 6)]


@pytest.mark.parametrize(
    ("fragments", "message"),
    [
        ([(0, 200)], "outside the text"),
        ([(-1, 3)], "outside the text"),
        ([(5, 5)], "empty or reversed"),
        ([(6, 2)], "empty or reversed"),
        ([(0, 6), (4, 9)], "overlap"),
        ([], "no fragments"),
    ],
)
def test_bad_offsets_are_refused(project: Project, project_path: str, doc: int,
                                 fragments: list[tuple[int, int]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        project.add_span(doc, "alice", "Actor", fragments)
    assert rows(project_path, "SELECT count(*) FROM span") == [(0,)]


def test_unknown_label_attribute_and_value(project: Project, doc: int) -> None:
    with pytest.raises(ValidationError, match="label 'Speaker' is not in the schema"):
        project.add_span(doc, "alice", "Speaker", [(0, 6)])
    with pytest.raises(ValidationError, match="has no attribute 'tone'"):
        project.add_span(doc, "alice", "Quote", [(13, 24)], {"tone": "angry"})
    with pytest.raises(ValidationError, match="takes one of direct, indirect, mixed"):
        project.add_span(doc, "alice", "Quote", [(13, 24)], {"form": "verbatim"})
    with pytest.raises(ValidationError, match="takes true or false"):
        project.add_span(doc, "alice", "Quote", [(13, 24)], {"anonymous": "yes"})
    assert project.spans(doc) == []


def test_relation_rules(project: Project, doc: int) -> None:
    actor = project.add_span(doc, "alice", "Actor", [(0, 6)])
    quote = project.add_span(doc, "alice", "Quote", [(13, 24)])
    cond = project.add_span(doc, "alice", "Condition", [(26, 39)])
    with pytest.raises(ValidationError, match="'speaker' goes to Actor, not to Condition"):
        project.add_relation("speaker", quote.id, cond.id)
    with pytest.raises(ValidationError, match="'speaker' goes from Quote, not from Actor"):
        project.add_relation("speaker", actor.id, quote.id)
    with pytest.raises(ValidationError, match="relation type 'said' is not in the schema"):
        project.add_relation("said", quote.id, actor.id)
    project.add_relation("speaker", quote.id, actor.id)
    other = project.add_span(doc, "alice", "Actor", [(57, 60)])
    with pytest.raises(ValidationError, match="already has 1 'speaker' relation"):
        project.add_relation("speaker", quote.id, other.id)
    # another annotator's span cannot be linked
    bobs = project.add_span(doc, "bob", "Actor", [(0, 6)])
    with pytest.raises(ValidationError, match="one document and one annotator"):
        project.add_relation("holder", cond.id, bobs.id)
    assert len(project.relations(doc)) == 1


def test_deleting_a_span_deletes_its_relations_and_undo_restores(
        project: Project, project_path: str, doc: int) -> None:
    actor = project.add_span(doc, "alice", "Actor", [(0, 6)])
    quote = project.add_span(doc, "alice", "Quote", [(13, 24)])
    relation = project.add_relation("speaker", quote.id, actor.id)
    edit = DeleteSpan(actor.id)
    changes = project.apply(edit)
    assert changes.relations_removed == [relation.id]
    assert rows(project_path, "SELECT count(*) FROM relation") == [(0,)]
    project.revert(edit)
    assert [r.id for r in project.relations(doc)] == [relation.id]
    assert project.span(actor.id).fragments == ((0, 6),)


def test_discontinuous_span_and_add_fragment(project: Project, doc: int) -> None:
    span = project.add_span(doc, "alice", "Quote", [(40, 50), (13, 24)])
    assert span.fragments == ((13, 24), (40, 50))
    edit = UpdateSpan(span.id, fragments=[*span.fragments, (52, 53)])
    project.apply(edit)
    assert project.span(span.id).fragments == ((13, 24), (40, 50), (52, 53))
    project.revert(edit)
    assert project.span(span.id).fragments == ((13, 24), (40, 50))


def test_every_edit_undoes_and_redoes(project: Project, project_path: str, doc: int) -> None:
    def snapshot() -> list[list[tuple[object, ...]]]:
        return [rows(project_path, f"SELECT * FROM {table} ORDER BY 1")
                for table in ("span", "relation", "entity", "document_status")]

    # ignore timestamps/versions: compare stable columns
    def stable() -> tuple[object, ...]:
        return (
            rows(project_path, "SELECT id, label, fragments, attributes, entity_id FROM span "
                               "ORDER BY id"),
            rows(project_path, "SELECT id, type, source_id, target_id, attributes FROM relation"
                               " ORDER BY id"),
            rows(project_path, "SELECT id, name, kind, aliases, kb_id FROM entity ORDER BY id"),
            rows(project_path, "SELECT document_id, annotator_id, status FROM document_status "
                               "ORDER BY 1, 2"),
        )

    actor = project.add_span(doc, "alice", "Actor", [(0, 6)])
    quote = project.add_span(doc, "alice", "Quote", [(13, 24)])
    varnay = project.create_entity("Aldric Varnay", "person", ["Varnay"], "Q1")
    zoe = project.create_entity("Zoë Marr", "person")
    edits = [
        AddSpan(doc, "alice", "Cue", [(7, 11)]),
        UpdateSpan(quote.id, attributes={"form": "indirect"}),
        UpdateSpan(quote.id, label="Consequence"),
        UpdateSpan(actor.id, fragments=[(0, 5)]),
        UpdateSpan(actor.id, entity_id=varnay.id),
        AddRelation("speaker", quote.id, actor.id),
        SetStatus(doc, "alice", "done"),
        CreateEntity("Doreth", "state"),
        UpdateEntity(varnay.id, name="President Aldric Varnay", aliases=["Varnay", "Aldric"]),
        Compound([UpdateSpan(actor.id, entity_id=zoe.id), MergeEntities(varnay.id, zoe.id)]),
        DeleteEntity(varnay.id),
        DeleteSpan(quote.id),
    ]
    for edit in edits:
        before = stable()
        project.apply(edit)
        after = stable()
        assert after != before, edit
        project.revert(edit)
        assert stable() == before, edit
        project.apply(edit)  # redo
        assert stable() == after, edit
        project.revert(edit)
    assert len(snapshot()[0]) == 2


def test_relation_attribute_and_delete_undo(project: Project, doc: int) -> None:
    quote = project.add_span(doc, "alice", "Quote", [(13, 24)])
    actor = project.add_span(doc, "alice", "Actor", [(0, 6)])
    relation = project.add_relation("speaker", quote.id, actor.id)
    other = project.add_span(doc, "alice", "Actor", [(57, 60)])
    retarget = UpdateRelation(relation.id, target_id=other.id)
    project.apply(retarget)
    assert project.relation(relation.id).target_id == other.id
    project.revert(retarget)
    assert project.relation(relation.id).target_id == actor.id
    delete = DeleteRelation(relation.id)
    project.apply(delete)
    assert project.relations(doc) == []
    project.revert(delete)
    assert project.relation(relation.id).type == "speaker"


def test_label_change_refused_when_a_relation_forbids_it(project: Project, doc: int) -> None:
    quote = project.add_span(doc, "alice", "Quote", [(13, 24)])
    actor = project.add_span(doc, "alice", "Actor", [(0, 6)])
    project.add_relation("speaker", quote.id, actor.id)
    with pytest.raises(ValidationError, match="its 'speaker' relation does not allow Cue"):
        project.apply(UpdateSpan(actor.id, label="Cue"))
    assert project.span(actor.id).label == "Actor"


def test_entity_link_only_for_entity_labels(project: Project, doc: int) -> None:
    entity = project.create_entity("Varnay")
    with pytest.raises(ValidationError, match="does not link to the actor registry"):
        project.add_span(doc, "alice", "Quote", [(13, 24)], entity_id=entity.id)
    with pytest.raises(ValidationError, match="not in the registry"):
        project.add_span(doc, "alice", "Actor", [(0, 6)], entity_id=9999)


def test_merge_moves_mentions_and_names(project: Project, doc: int) -> None:
    kept = project.create_entity("Aldric Varnay", aliases=["Varnay"])
    merged = project.create_entity("President Varnay", kb_id="Q42")
    mention = project.add_span(doc, "alice", "Actor", [(0, 6)], entity_id=merged.id)
    project.apply(MergeEntities(kept.id, merged.id))
    assert project.span(mention.id).entity_id == kept.id
    entity = project.entity(kept.id)
    assert entity.aliases == ("Varnay", "President Varnay")
    assert entity.kb_id == "Q42" and entity.mentions == 1
    assert [e.name for e in project.entities()] == ["Aldric Varnay"]
    assert [m[2] for m in project.mentions(kept.id)] == ["Varnay"]


def test_version_check_refuses_stale_writes(project_path: str, project: Project,
                                            doc: int) -> None:
    span = project.add_span(doc, "alice", "Quote", [(13, 24)])
    entity = project.create_entity("Varnay")
    with Project.open(project_path) as other:
        other.apply(UpdateSpan(span.id, attributes={"form": "mixed"},
                               expected_version=span.version))
        other.apply(UpdateEntity(entity.id, name="Aldric Varnay",
                                 expected_version=entity.version))
    with pytest.raises(ConflictError, match="changed by someone else"):
        project.apply(UpdateSpan(span.id, attributes={"form": "indirect"},
                                 expected_version=span.version))
    with pytest.raises(ConflictError, match="now: Aldric Varnay"):
        project.apply(UpdateEntity(entity.id, name="A. Varnay", expected_version=entity.version))
    assert project.span(span.id).attributes["form"] == "mixed"


def test_status_and_document_list(project: Project, doc: int) -> None:
    project.add_span(doc, "alice", "Quote", [(13, 24)])
    project.apply(SetStatus(doc, "alice", "in_progress"))
    [info] = project.documents("alice")
    assert info.status == "in_progress" and info.counts == {"Quote": 1}
    assert project.documents("alice", status="done") == []
    assert project.documents("bob")[0].status == "new"
    with pytest.raises(ValidationError, match="status 'finished'"):
        project.apply(SetStatus(doc, "alice", "finished"))


def test_stats(small_project: Project) -> None:
    stats = small_project.stats()
    assert stats["documents"] == 1
    assert stats["status"]["alice"] == {"new": 0, "in_progress": 0, "done": 1}
    assert stats["spans"]["alice"] == {"Quote": 1, "Actor": 2, "Cue": 1, "Condition": 1,
                                       "Consequence": 1}
    assert stats["relations"]["alice"] == {"speaker": 1, "cue": 1, "consequence": 1,
                                           "holder": 1}


SCHEMA_V2 = default_schema().xml.replace('version="1"', 'version="2"', 1).replace(
    '<relation name="speaker"',
    '<label name="Source" color="#AAAAAA" key="x"/>\n  <relation name="speaker"', 1)


def test_schema_can_gain_labels(small_project: Project, project_path: str) -> None:
    # labels must come before relations in the grammar: put the new label first
    xml = default_schema().xml.replace('version="1"', 'version="2"', 1).replace(
        '<label name="Actor"', '<label name="Source" color="#AAAAAA" key="x"/>\n  '
                               '<label name="Actor"', 1)
    small_project.update_schema(parse_schema(xml))
    assert small_project.schema.version == 2
    small_project.close()
    with Project.open(project_path) as reopened:
        assert reopened.schema.label("Source") is not None
        assert [v[2] for v in reopened.schema_versions()] == [1, 2]


def test_removing_a_used_label_is_refused_with_counts(small_project: Project) -> None:
    xml = default_schema().xml.replace('version="1"', 'version="2"', 1)
    start = xml.index('<label name="Cue"')
    end = xml.index("</label>", start) + len("</label>")
    xml = xml[:start] + xml[end:]
    start = xml.index('<relation name="cue"')
    end = xml.index("</relation>", start) + len("</relation>")
    xml = xml[:start] + xml[end:]
    with pytest.raises(SchemaError) as caught:
        small_project.update_schema(parse_schema(xml))
    message = str(caught.value)
    assert "label 'Cue' is used by 1 spans" in message
    assert "relation type 'cue' is used by 1 relations" in message
    assert small_project.schema.version == 1
