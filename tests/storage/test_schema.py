"""The XML annotation schema: XSD grammar, semantic checks with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import run
from storage.errors import SchemaError
from storage.schema import DEFAULT_SCHEMA_PATH, default_schema, load_schema, parse_schema

MINIMAL = """<?xml version="1.0"?>
<schema name="mini" version="1">
  <label name="Actor" color="#112233" key="a" entity="true"/>
  <label name="Quote" color="#445566" key="q">
    <attribute name="form" type="enum" required="true" default="direct">
      <value>direct</value>
      <value>indirect</value>
    </attribute>
  </label>
  <relation name="speaker" max-per-source="1">
    <source label="Quote"/>
    <target label="Actor"/>
  </relation>
</schema>
"""


def write(tmp_path: Path, text: str, name: str = "news.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    return caught.value.problems


def test_default_schema_declares_the_mission_labels_and_relations() -> None:
    schema = default_schema()
    assert schema.label_names == ["Actor", "Quote", "Cue", "Condition", "Consequence"]
    assert [r.name for r in schema.relations] == ["speaker", "cue", "consequence", "holder"]
    speaker = schema.relation("speaker")
    assert speaker is not None and speaker.sources == ("Quote",)
    assert speaker.targets == ("Actor",) and speaker.max_per_source == 1
    holder = schema.relation("holder")
    assert holder is not None and holder.sources == ("Condition", "Consequence")
    actor = schema.label("Actor")
    assert actor is not None and actor.entity
    kind = actor.attribute("kind")
    assert kind is not None
    assert kind.values == ("person", "organisation", "state", "group", "other")
    quote = schema.label("Quote")
    assert quote is not None and quote.attribute("form") is not None
    consequence = schema.label("Consequence")
    assert consequence is not None
    type_ = consequence.attribute("type")
    assert type_ is not None
    assert set(type_.values) >= {"threat", "promise", "offer", "demand", "prediction", "other"}
    # the guidelines are written into the descriptions
    assert "two fragments" in quote.description


def test_minimal_schema_parses(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path, MINIMAL))
    assert schema.name == "mini"
    assert schema.default_attributes("Quote") == {"form": "direct"}


def test_not_well_formed_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("</label>\n  <relation", "</labl>\n  <relation"))
    [problem] = problems_of(path)
    assert problem.startswith("news.xml:")
    assert "not well-formed" in problem
    assert int(problem.split(":")[1]) >= 9


def test_xsd_violation_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('color="#112233"', 'colour="#112233"'))
    problems = problems_of(path)
    assert any(p.startswith("news.xml:3:") for p in problems), problems


def test_unknown_relation_label_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('<target label="Actor"/>', '<target label="Actr"/>'))
    problems = problems_of(path)
    assert "news.xml:12: relation 'speaker' names unknown target label 'Actr'" in problems


def test_repeated_label_and_shortcut(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '<label name="Quote" color="#445566" key="q">',
        '<label name="Actor" color="#445566" key="a">')
    problems = problems_of(write(tmp_path, text))
    assert any("label 'Actor' is declared twice" in p for p in problems)
    assert any("shortcut 'a'" in p for p in problems)


def test_default_must_be_an_allowed_value(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, MINIMAL.replace('default="direct"',
                                                           'default="verbatim"')))
    assert any("default 'verbatim'" in p and p.startswith("news.xml:5:") for p in problems)


def test_doctype_and_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE schema [<!ENTITY x SYSTEM "file://{secret}">]>\n'
            + MINIMAL.split("\n", 1)[1].replace('name="mini"', 'name="&x;"'))
    problems = problems_of(write(tmp_path, text))
    assert not any("TOP-SECRET-MARKER" in p for p in problems)


def test_parse_schema_from_text_reports_where() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema("<schema", where="stored")
    assert caught.value.problems[0].startswith("stored:1:")


def test_schema_check_cli_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema", "check", str(DEFAULT_SCHEMA_PATH)]) == 0
    out = capsys.readouterr().out
    assert "schema 'news-attribution' version 1: 5 labels, 4 relation types" in out


def test_schema_check_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.replace('<target label="Actor"/>', '<target label="Actr"/>'))
    assert run(["schema", "check", str(path)]) == 1
    assert "news.xml:12: relation 'speaker' names unknown target label 'Actr'" in \
        capsys.readouterr().err


def test_schema_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema", "check", str(tmp_path / "nope.xml")]) == 1
    assert "nope.xml: cannot read" in capsys.readouterr().err
