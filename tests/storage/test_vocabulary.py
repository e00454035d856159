"""The domain's words come from one place: statuses, roles, value types, actor kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.edits import CreateEntity
from storage.errors import ValidationError
from storage.project import Project
from storage.schema import default_schema, parse_schema
from storage.vocabulary import ACTOR_KINDS, STATUSES, LabelRole, RelationRole, Status

KINDS_SCHEMA = """<schema name="press" version="1">
  <label name="Speaker" color="#4E79A7" key="a" entity="true">
    <attribute name="kind" type="enum" default="official">
      <value>journalist</value><value>official</value></attribute>
  </label>
  <label name="Said" color="#F28E2B" key="q" role="quote"/>
</schema>
"""


def test_statuses_are_the_stored_words() -> None:
    assert STATUSES == ("new", "in_progress", "done")
    assert [s.text for s in Status] == ["New", "In progress", "Done"]
    assert Status.DONE == "done"


def test_the_default_schema_roles_follow_the_label_names() -> None:
    schema = default_schema()
    assert schema.labels_with_role(LabelRole.QUOTE) == ["Quote"]
    assert schema.labels_with_role(LabelRole.CONSEQUENCE) == ["Consequence"]
    assert schema.relations_with_role(RelationRole.HOLDER) == ["holder"]
    assert schema.actor_kinds == ACTOR_KINDS
    assert schema.actor_kind("state") == "state" and schema.actor_kind("alien") == "other"


def test_actor_kinds_come_from_the_schema(tmp_path: Path) -> None:
    schema = parse_schema(KINDS_SCHEMA, "press.xml")
    assert schema.actor_kinds == ("official", "journalist")  # the default first
    assert schema.actor_kind("person") == "official"  # no "other": the default
    assert schema.labels_with_role(LabelRole.QUOTE) == ["Said"]
    path = tmp_path / "press.xml"
    path.write_text(KINDS_SCHEMA, encoding="utf-8")
    with Project.create(tmp_path / "p.saywho", path) as project:
        project.apply(CreateEntity("Ana Ruiz", "journalist"))
        with pytest.raises(ValidationError, match="'person' is not one of official, journalist"):
            project.apply(CreateEntity("Varnay", "person"))
        assert [(e.name, e.kind) for e in project.entities()] == [("Ana Ruiz", "journalist")]
