"""Assignments of documents to annotators, and the migration that added them."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage import db
from storage.edits import AddSpan, Assign, UpdateSpan
from storage.errors import ValidationError
from storage.models import Base
from storage.project import Project
from storage.records import DocumentRecord


@pytest.fixture
def corpus(project: Project) -> Project:
    project.import_records([DocumentRecord(text=f"Story number {i}.", external_id=f"d{i:02d}")
                            for i in range(12)], "many.jsonl")
    return project


def test_assigned_documents_come_first(corpus: Project) -> None:
    ids = [d.id for d in corpus.documents()]
    edit = Assign([ids[5], ids[2]], "alice")
    corpus.apply(edit)
    listed = corpus.documents("alice")
    assert [d.id for d in listed[:2]] == [ids[2], ids[5]]
    assert all(d.assigned for d in listed[:2]) and not listed[2].assigned
    assert corpus.assignments("alice") == [ids[2], ids[5]]
    corpus.revert(edit)
    assert corpus.assignments("alice") == []


def test_spread_is_balanced_and_deterministic(corpus: Project, tmp_path: Path) -> None:
    corpus.spread_assignments(["alice", "bob", "carol"], per_document=2, seed=7)
    plan = {name: corpus.assignments(name) for name in ("alice", "bob", "carol")}
    per_document = Counter(d for ids in plan.values() for d in ids)
    assert set(per_document.values()) == {2} and len(per_document) == 12
    assert sorted(len(ids) for ids in plan.values()) == [8, 8, 8]
    # the same seed on the same documents gives the same plan in another project
    with Project.create(tmp_path / "other.saywho") as other:
        other.import_records([DocumentRecord(text=f"Story number {i}.", external_id=f"d{i:02d}")
                              for i in range(12)], "many.jsonl")
        other.spread_assignments(["carol", "bob", "alice"], per_document=2, seed=7)
        assert {n: other.assignments(n) for n in plan} == plan
    # spreading again changes nothing: every document already has two annotators
    assert corpus.spread_assignments(["alice", "bob", "carol"], 2, seed=7) is None
    with pytest.raises(ValidationError, match="to 4 of 3 annotators"):
        corpus.spread_assignments(["alice", "bob", "carol"], 4)


def test_migrations_build_the_same_schema_as_the_models(tmp_path: Path) -> None:
    database = db.Database(db.to_url(tmp_path / "migrated.sqlite"))
    db.upgrade(database)
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    database.close()


def test_an_older_project_is_upgraded_when_opened(small_project: Project,
                                                  project_path: Path) -> None:
    doc = small_project.documents()[0].id
    actor = next(s for s in small_project.spans(doc) if s.label == "Actor")
    entity = small_project.create_entity("Aldric Varnay")
    small_project.apply(UpdateSpan(actor.id, entity_id=entity.id))
    command.downgrade(db.alembic_config(small_project.db.engine), "0001")
    small_project.close()
    with sqlite3.connect(project_path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        assert "assignment" not in tables
    with Project.open(project_path) as reopened:
        assert db.current_revision(reopened.db) == db.head_revision() == "0004"
        [doc] = reopened.documents()
        reopened.apply(Assign([doc.id], "alice"))
        assert reopened.documents("alice")[0].assigned
        assert len(reopened.spans(doc.id, "alice")) == 6
        assert len(reopened.relations(doc.id, "alice")) == 4
        assert [e.mentions for e in reopened.entities()] == [1]


def test_ids_of_deleted_spans_are_never_reused(project: Project) -> None:
    """Undo, another annotator's insert, then redo: the redo keeps its own id."""
    project.import_records([DocumentRecord(text="Varnay spoke.", external_id="d")], "x")
    doc = project.documents()[0].id
    add = AddSpan(doc, "alice", "Actor", [(0, 6)])
    project.apply(add)
    project.revert(add)
    bobs = project.add_span(doc, "bob", "Actor", [(0, 6)])
    assert bobs.id != add.span_id
    project.apply(add)  # redo
    assert project.span(add.span_id or 0).annotator_id != bobs.annotator_id


def test_assign_cli(corpus: Project, project_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    from cli import run

    corpus.close()
    assert run(["assign", str(project_path), "--to", "alice", "--doc", "d03", "--doc", "d07"]) == 0
    assert "alice: 2 documents assigned" in capsys.readouterr().out
    assert run(["assign", str(project_path), "--spread", "bob,carol", "--per-document", "1",
                "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "bob: 6 documents assigned" in out and "carol: 6 documents assigned" in out
    assert run(["assign", str(project_path), "--to", "alice", "--doc", "nope"]) == 1
    assert "no document with id 'nope'" in capsys.readouterr().err
    assert run(["assign", str(project_path)]) == 2
    with Project.open(project_path) as reopened:
        assert [d.external_id for d in reopened.documents("alice")[:2]] == ["d03", "d07"]
