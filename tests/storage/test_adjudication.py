"""Building the gold layer: compare, accept, accept unanimous, undo."""

from __future__ import annotations

import pytest

from storage.adjudication import (
    GOLD,
    AcceptRelation,
    AcceptSpan,
    accept_unanimous,
    adjudicated_documents,
    compare,
)
from storage.errors import ValidationError
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord

TEXT = "Varnay said the border stays shut. If they cross, we strike, Ardova warned."


def layer(name: str, quote_form: str, condition_end: int) -> AnnotationSetRecord:
    return AnnotationSetRecord(name, "done", [
        SpanRecord("A1", "Actor", [(0, 6)], {"kind": "person"}),
        SpanRecord("Q1", "Quote", [(12, 33)], {"form": quote_form}),
        SpanRecord("C1", "Condition", [(35, condition_end)]),
        SpanRecord("K1", "Consequence", [(50, 59)], {"type": "threat"}),
        SpanRecord("A2", "Actor", [(61, 67)], {"kind": "person"}),
    ], [
        RelationRecord("R1", "speaker", "Q1", "A1"),
        RelationRecord("R2", "consequence", "C1", "K1"),
        RelationRecord("R3", "holder", "C1", "A2"),
    ])


@pytest.fixture
def project(any_project: Project) -> Project:
    """Adjudication runs on SQLite and on PostgreSQL."""
    return any_project


@pytest.fixture
def two(project: Project) -> tuple[Project, int]:
    project.import_records([DocumentRecord(text=TEXT, external_id="d", annotations=[
        layer("alice", "indirect", 48), layer("bob", "direct", 48 - 1)])], "two.jsonl")
    return project, project.documents()[0].id


def test_compare_groups_agreements_and_disputes(two: tuple[Project, int]) -> None:
    project, doc = two
    comparison = compare(project, doc, ["alice", "bob"])
    unanimous = {(g.label, g.start, g.end) for g in comparison.unanimous_spans()}
    assert unanimous == {("Actor", 0, 6), ("Consequence", 50, 59), ("Actor", 61, 67)}
    disputed = sorted((g.label, g.start, g.end, tuple(sorted(g.versions())))
                      for g in comparison.disputed_spans())
    # the Conditions differ by the final comma only: one row, two versions
    assert disputed == [("Condition", 35, 47, ("alice", "bob")),
                        ("Quote", 12, 33, ("alice", "bob"))]  # same extent, form differs
    condition, quote = sorted(comparison.disputed_spans(), key=lambda g: g.label)
    assert condition.boundary_difference("alice") == "end +1"
    assert condition.boundary_difference("bob") == ""
    assert quote.differing_attributes() == ["form"]
    assert [g.key[0] for g in comparison.unanimous_relations()] == ["speaker"]


def test_accept_unanimous_then_disputed_and_undo(two: tuple[Project, int]) -> None:
    project, doc = two
    edit = accept_unanimous(project, doc, ["alice", "bob"])
    assert edit is not None
    gold = project.spans(doc, GOLD)
    assert [(s.label, s.start) for s in gold] == [("Actor", 0), ("Consequence", 50),
                                                 ("Actor", 61)]
    assert project.relations(doc, GOLD) == []  # speaker's Quote is disputed (form)
    assert accept_unanimous(project, doc, ["alice", "bob"]) is None
    alice_condition = next(s for s in project.spans(doc, "alice") if s.label == "Condition")
    alice_holder = next(r for r in project.relations(doc, "alice") if r.type == "holder")
    accept = AcceptRelation(alice_holder.id)
    project.apply(accept)  # brings alice's Condition along, reuses gold's Actor
    assert {(s.label, s.end) for s in project.spans(doc, GOLD)} >= {("Condition", 48)}
    assert [r.type for r in project.relations(doc, GOLD)] == ["holder"]
    with pytest.raises(ValidationError, match="already has this Condition"):
        project.apply(AcceptSpan(alice_condition.id))
    assert adjudicated_documents(project) == [doc]
    assert [a.role for a in project.annotators() if a.name == GOLD] == ["curator"]
    project.revert(accept)
    assert [s.label for s in project.spans(doc, GOLD)] == ["Actor", "Consequence", "Actor"]
    project.apply(accept)  # redo
    assert [r.type for r in project.relations(doc, GOLD)] == ["holder"]
    project.revert(accept)
    project.revert(edit)
    assert project.spans(doc, GOLD) == []


RELATION_ATTRIBUTE_SCHEMA = """<schema name="certainty" version="1">
  <label name="Actor" color="#4E79A7" key="a" entity="true"/>
  <label name="Quote" color="#F28E2B" key="q"/>
  <relation name="speaker" key="s">
    <source label="Quote"/><target label="Actor"/>
    <attribute name="certainty" type="enum" required="true" default="sure">
      <value>sure</value><value>guess</value></attribute>
  </relation>
</schema>
"""


def test_accept_unanimous_leaves_relations_whose_attributes_differ(tmp_path) -> None:
    # The comparison window calls such a relation disputed; A must not accept it.
    schema = tmp_path / "certainty.xml"
    schema.write_text(RELATION_ATTRIBUTE_SCHEMA, encoding="utf-8")

    def layer_with(name: str, certainty: str) -> AnnotationSetRecord:
        return AnnotationSetRecord(name, "done", [
            SpanRecord("A1", "Actor", [(0, 6)]), SpanRecord("Q1", "Quote", [(12, 33)]),
        ], [RelationRecord("R1", "speaker", "Q1", "A1", {"certainty": certainty})])

    with Project.create(tmp_path / "p.saywho", schema) as project:
        project.import_records([DocumentRecord(text=TEXT, external_id="d", annotations=[
            layer_with("alice", "sure"), layer_with("bob", "guess")])], "two.jsonl")
        doc = project.documents()[0].id
        comparison = compare(project, doc, ["alice", "bob"])
        assert comparison.unanimous_relations() == []
        assert accept_unanimous(project, doc, ["alice", "bob"]) is not None  # the two spans
        assert [s.label for s in project.spans(doc, GOLD)] == ["Actor", "Quote"]
        assert project.relations(doc, GOLD) == []


def test_default_values_stored_or_not_are_the_same_value(project: Project) -> None:
    """One tool stored the schema's defaults, the other left them out: unanimous."""
    project.import_records([DocumentRecord(text=TEXT, external_id="d", annotations=[
        AnnotationSetRecord("alice", "done", [
            SpanRecord("Q1", "Quote", [(12, 33)], {"form": "direct", "anonymous": False})]),
        AnnotationSetRecord("bob", "done", [SpanRecord("Q1", "Quote", [(12, 33)], {})]),
        AnnotationSetRecord("carol", "done", [
            SpanRecord("Q1", "Quote", [(12, 33)], {"channel": "speech"})]),
    ])], "defaults.jsonl")
    doc = project.documents()[0].id
    assert [g.label for g in compare(project, doc, ["alice", "bob"]).unanimous_spans()] == \
        ["Quote"]
    three = compare(project, doc, ["alice", "bob", "carol"])
    assert three.unanimous_spans() == []
    assert three.spans[0].differing_attributes() == ["channel"]


def test_near_misses_are_one_group_but_distinct_spans_stay_apart(project: Project) -> None:
    text = "He said “we stay here, whatever happens,” and left; “we go” was the reply."
    quote = (text.index("we stay"), text.index("happens,") + len("happens,"))
    project.import_records([DocumentRecord(text=text, external_id="d", annotations=[
        AnnotationSetRecord("alice", "done", [
            SpanRecord("Q1", "Quote", [quote]),
            SpanRecord("Q2", "Quote", [(text.index("we go"), text.index("we go") + 5)])]),
        AnnotationSetRecord("bob", "done", [
            SpanRecord("Q1", "Quote", [(quote[0], quote[1] - 1)]),  # without the comma
            SpanRecord("Q2", "Quote", [(text.index("we stay"), text.index("here") + 4)])]),
    ])], "near.jsonl")
    doc = project.documents()[0].id
    comparison = compare(project, doc, ["alice", "bob"])
    rows = [(g.start, g.end, sorted(g.spans), sorted(g.versions())) for g in comparison.spans]
    # bob's short quote ("we stay here") is a different span, not a near miss
    assert len(rows) == 3
    near = next(g for g in comparison.spans if g.variants)
    assert sorted(near.versions()) == ["alice", "bob"]
    assert near.agreement(["alice", "bob"]) == "disputed"
    other = [name for name in near.versions() if name not in near.spans]
    assert near.boundary_difference(other[0]) in ("end +1", "end -1")
