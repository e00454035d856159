"""A schema that names its labels and relations otherwise, with roles saying what they are.

Shared by the CSV and document-list tests: a project whose schema says
"Statement" for Quote and "Premise" for Condition must work everywhere.
"""

from __future__ import annotations

from pathlib import Path

from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord

RENAMED_SCHEMA = """<schema name="renamed" version="1">
  <label name="Source" color="#4E79A7" key="a" entity="true"/>
  <label name="Statement" color="#F28E2B" key="q" role="quote">
    <attribute name="form" type="enum" default="direct"><value>direct</value>
      <value>indirect</value></attribute>
  </label>
  <label name="Verb" color="#76B7B2" key="c" role="cue"/>
  <label name="Premise" color="#E15759" key="k" role="condition"/>
  <label name="Outcome" color="#59A14F" key="n" role="consequence"/>
  <relation name="said-by" key="s" role="speaker"><source label="Statement"/>
    <target label="Source"/></relation>
  <relation name="verb" key="u" role="cue"><source label="Statement"/>
    <target label="Verb"/></relation>
  <relation name="leads-to" key="o" role="consequence"><source label="Premise"/>
    <target label="Outcome"/></relation>
  <relation name="held-by" key="h" role="holder"><source label="Premise"/>
    <target label="Source"/></relation>
</schema>
"""

TEXT = "If talks fail, the port closes, the mayor said. \"We are ready,\" she said."


def renamed_project(folder: Path) -> Project:
    """A project with the renamed schema and one document annotated by alice."""
    schema = folder / "renamed.xml"
    schema.write_text(RENAMED_SCHEMA, encoding="utf-8")
    project = Project.create(folder / "renamed.saywho", schema)

    def at(part: str, start: int = 0) -> tuple[int, int]:
        begin = TEXT.index(part, start)
        return (begin, begin + len(part))

    spans = [
        SpanRecord("P1", "Premise", [at("If talks fail")]),
        SpanRecord("O1", "Outcome", [at("the port closes")]),
        SpanRecord("S1", "Source", [at("the mayor")]),
        SpanRecord("V1", "Verb", [at("said")]),
        SpanRecord("Q1", "Statement", [at("We are ready,")], {"form": "direct"}),
        SpanRecord("Q2", "Statement", [at("the port closes")], {"form": "indirect"}),
    ]
    relations = [
        RelationRecord("R1", "said-by", "Q1", "S1"),
        RelationRecord("R2", "verb", "Q1", "V1"),
        RelationRecord("R3", "leads-to", "P1", "O1"),
        RelationRecord("R4", "held-by", "P1", "S1"),
    ]
    project.import_records([DocumentRecord(
        text=TEXT, title="Port", external_id="port",
        annotations=[AnnotationSetRecord("alice", "in_progress", spans, relations)])], "test")
    return project
