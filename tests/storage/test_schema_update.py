"""A project's schema changes: it may grow; a change stored annotations would break is refused.

Each refusal names what blocks it, and the project keeps its schema (also after
reopening the file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.edits import UpdateSpan
from storage.errors import SchemaError
from storage.project import Project
from storage.schema import default_schema, parse_schema


def version_2(*replacements: tuple[str, str]) -> str:
    """The default schema as version 2, with each (old, new) replaced once."""
    xml = default_schema().xml.replace('version="1"', 'version="2"', 1)
    for old, new in replacements:
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    return xml


def refused(project: Project, xml: str) -> str:
    with pytest.raises(SchemaError) as caught:
        project.update_schema(parse_schema(xml))
    assert project.schema.version == 1
    return str(caught.value)


def test_attributes_values_and_relation_types_can_be_added(small_project: Project,
                                                           project_path: Path) -> None:
    xml = version_2(
        ('<value>other</value>', '<value>other</value><value>press-release</value>'),
        ('<attribute name="anonymous"',
         '<attribute name="note" type="text" required="false"/>\n    <attribute name="anonymous"'),
        ('<relation name="holder"',
         '<relation name="addressee" key="d">\n    <source label="Quote"/>\n'
         '    <target label="Actor"/>\n  </relation>\n\n  <relation name="holder"'))
    small_project.update_schema(parse_schema(xml))
    small_project.close()
    with Project.open(project_path) as reopened:
        assert reopened.schema.version == 2
        assert reopened.schema.relation("addressee") is not None
        quote = reopened.schema.label("Quote")
        assert quote is not None and quote.attribute("note") is not None


def test_a_relation_target_still_in_use_cannot_change(small_project: Project,
                                                      project_path: Path) -> None:
    message = refused(small_project, version_2(
        ('<source label="Quote"/>\n    <target label="Actor"/>',
         '<source label="Quote"/>\n    <target label="Cue"/>')))
    assert "relation 'speaker' to 'Actor' is used 1 times but no longer allowed" in message
    small_project.close()
    with Project.open(project_path) as reopened:
        assert reopened.schema.version == 1


def test_a_lower_limit_per_source_than_stored_is_refused(small_project: Project) -> None:
    document = small_project.document_by_external_id("varnay-warns")
    spans = {s.label: s for s in small_project.spans(document.id, "alice")}
    other = small_project.add_span(document.id, "alice", "Consequence", [(0, 7)],
                                   {"type": "promise"})
    small_project.add_relation("consequence", spans["Condition"].id, other.id)
    message = refused(small_project, version_2(
        ('<relation name="consequence" key="o">',
         '<relation name="consequence" key="o" max-per-source="1">')))
    assert "has 2 'consequence' relations; the schema allows 1" in message


def test_an_attribute_made_required_that_spans_lack_is_refused(small_project: Project) -> None:
    message = refused(small_project, version_2(
        ('<attribute name="channel" type="enum" required="false">',
         '<attribute name="channel" type="enum" required="true">')))
    assert "Quote span" in message and "required attribute 'channel' is missing" in message


def test_a_label_that_stops_linking_to_actors_while_links_exist_is_refused(
        small_project: Project) -> None:
    document = small_project.document_by_external_id("varnay-warns")
    actor = next(s for s in small_project.spans(document.id, "alice") if s.label == "Actor")
    entity = small_project.create_entity("Aldric Varnay")
    small_project.apply(UpdateSpan(actor.id, entity_id=entity.id))
    message = refused(small_project, version_2(
        ('<label name="Actor" color="#4E79A7" key="a" entity="true">',
         '<label name="Actor" color="#4E79A7" key="a">')))
    assert "linked to an actor, but 'Actor' spans do not link to actors" in message


def test_many_problems_are_counted_not_all_listed(project: Project) -> None:
    from storage.records import DocumentRecord

    project.import_records([DocumentRecord(text="word " * 30, external_id="d")], "d")
    document = project.document_by_external_id("d")
    for index in range(25):
        project.add_span(document.id, "alice", "Quote", [(index * 5, index * 5 + 4)])
    message = refused(project, version_2(
        ('<attribute name="channel" type="enum" required="false">',
         '<attribute name="channel" type="enum" required="true">')))
    assert "... and 5 more" in message
