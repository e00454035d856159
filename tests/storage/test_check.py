"""``check PROJECT``: a real project file corrupted with raw SQL is reported, object by object."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import project_dump, small_record
from sqlalchemy import text

from cli import run
from storage import db
from storage.check import check_project
from storage.errors import ProjectError
from storage.project import Project


@pytest.fixture
def closed_small(project_path: Path) -> Path:
    """A small SQLite project, closed, ready to be corrupted with sqlite3."""
    with Project.create(project_path) as created:
        created.import_records([small_record()], "small.jsonl")
    return project_path


def _corrupt(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _span_id(path: Path, label: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT min(id) FROM span WHERE label = ?",
                                  (label,)).fetchone()[0]


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["check", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_clean_project_passes(closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = project_dump(closed_small)
    code, out = _check(closed_small, capsys)
    assert code == 0, out
    assert "checked: 1 documents, 0 actors, 6 spans, 4 relations" in out
    assert "no problems found" in out
    assert project_dump(closed_small) == before  # the check never writes


def test_changed_text_is_caught_by_its_hash(closed_small: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _corrupt(closed_small, "UPDATE document SET text = replace(text, 'swift', 'slow')")
    code, out = _check(closed_small, capsys)
    assert code == 1
    assert "document 'varnay-warns' (id 1): text does not match its stored SHA-256" in out
    assert "1 problem found" in out


SpanCorruption = Callable[[int], str]


@pytest.mark.parametrize(("label", "corruption", "expected"), [
    ("Cue", lambda i: f"UPDATE span SET fragments = '[[150, 170]]', start = 150, \"end\" = 170 "
                      f"WHERE id = {i}",
     "fragment 150-170 falls outside the text (length 159)"),
    ("Cue", lambda i: f"UPDATE span SET fragments = '[[60, 50]]', start = 60, \"end\" = 50 "
                      f"WHERE id = {i}",
     "fragment 60-50 is empty or reversed"),
    ("Quote", lambda i: f"UPDATE span SET fragments = '[[30, 40], [22, 35]]' WHERE id = {i}",
     "fragments are not sorted and apart (30-40, 22-35)"),
    ("Cue", lambda i: f"UPDATE span SET start = 0 WHERE id = {i}",
     "do not match its fragments"),
    ("Cue", lambda i: f"UPDATE span SET fragments = '[[1, 2' WHERE id = {i}",
     "fragments are not valid JSON"),
    ("Cue", lambda i: f"UPDATE span SET fragments = '[]' WHERE id = {i}",
     "has no fragments"),
    ("Cue", lambda i: f"UPDATE span SET fragments = '[[1.5, 3]]' WHERE id = {i}",
     "fragment [1.5, 3] is not a pair of offsets"),
    ("Cue", lambda i: f"UPDATE span SET label = 'Rumour' WHERE id = {i}",
     "label 'Rumour' is not in the schema"),
    ("Quote", lambda i: f"UPDATE span SET attributes = '{{\"form\": \"sung\"}}' WHERE id = {i}",
     "attribute 'form' takes one of direct, indirect, mixed, not 'sung'"),
    ("Quote", lambda i: f"UPDATE span SET attributes = '{{\"tone\": \"angry\", \"form\": "
                        f"\"direct\"}}' WHERE id = {i}",
     "has no attribute 'tone'"),
    ("Quote", lambda i: f"UPDATE span SET attributes = '{{}}' WHERE id = {i}",
     "required attribute 'form' is missing"),
    ("Actor", lambda i: f"UPDATE span SET attributes = '{{\"kind\": \"person\"}}', "
                        f"label = 'Cue' WHERE id = {i}",
     "has no attribute 'kind'"),
], ids=["outside", "reversed", "overlap", "bounds", "bad-json", "no-fragments", "float",
        "unknown-label", "enum-value", "unknown-attribute", "required", "label-change"])
def test_span_corruptions(closed_small: Path, capsys: pytest.CaptureFixture[str], label: str,
                          corruption: SpanCorruption, expected: str) -> None:
    span_id = _span_id(closed_small, label)
    _corrupt(closed_small, corruption(span_id))
    code, out = _check(closed_small, capsys)
    assert code == 1, out
    assert "document 'varnay-warns' (id 1): " in out
    assert f" span {span_id}: " in out
    assert expected in out


def test_relation_corruptions(closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(closed_small) as connection:
        rows = dict(connection.execute("SELECT type, id FROM relation").fetchall())
        quote = _span_id(closed_small, "Quote")
        cue = _span_id(closed_small, "Cue")
        actor = _span_id(closed_small, "Actor")
    _corrupt(
        closed_small,
        # speaker now points at the Cue: wrong target label
        f"UPDATE relation SET target_id = {cue} WHERE id = {rows['speaker']}",
        # a second cue relation from the same quote: over max-per-source
        f"INSERT INTO relation (external_id, document_id, annotator_id, type, source_id, "
        f"target_id, attributes, created_at, updated_at) SELECT 'R9', document_id, "
        f"annotator_id, 'cue', source_id, target_id, '{{}}', created_at, updated_at "
        f"FROM relation WHERE id = {rows['cue']}",
        # holder of another annotator
        "INSERT INTO annotator (name, role) VALUES ('bob', 'annotator')",
        f"UPDATE relation SET annotator_id = (SELECT id FROM annotator WHERE name = 'bob') "
        f"WHERE id = {rows['holder']}",
        # unknown type
        f"UPDATE relation SET type = 'blames' WHERE id = {rows['consequence']}",
    )
    code, out = _check(closed_small, capsys)
    assert code == 1
    assert f"'speaker' relation {rows['speaker']}: goes to Cue; the schema allows Actor" in out
    assert f"span {quote} has 2 'cue' relations; the schema allows 1" in out
    assert f"'holder' relation {rows['holder']}: its source span" in out
    assert "belongs to another annotator" in out
    assert f"relation {rows['consequence']}: relation type 'blames' is not in the schema" in out
    assert actor  # the speaker's old target still exists


def test_foreign_keys_and_dangling_links(closed_small: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    quote = _span_id(closed_small, "Quote")
    _corrupt(closed_small, f"DELETE FROM span WHERE id = {quote}",
             "UPDATE span SET entity_id = 999 WHERE label = 'Actor'")
    code, out = _check(closed_small, capsys)
    assert code == 1
    assert "relation row" in out and "refers to a missing span row" in out  # foreign_key_check
    assert f"its span {quote} does not exist" in out
    assert "linked actor 999 does not exist" in out


def test_damaged_index_is_found_by_integrity_check(closed_small: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # Make the stored index disagree with its declaration: rows now "miss" from it.
    _corrupt(closed_small, "PRAGMA writable_schema=ON",
             "UPDATE sqlite_master SET sql = replace(sql, 'start)', 'label)') "
             "WHERE name = 'ix_span_document_annotator'")
    code, out = _check(closed_small, capsys)
    assert code == 1, out
    assert "database file: " in out
    assert "ix_span_document_annotator" in out


def test_actor_registry_corruption(closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _corrupt(closed_small,
             "INSERT INTO entity (external_id, name, kind, aliases, version) "
             "VALUES ('e1', 'Aldric Varnay', 'wizard', '\"Varnay\"', 1)",
             "UPDATE document_status SET status = 'finished'")
    code, out = _check(closed_small, capsys)
    assert code == 1
    assert "actor 'Aldric Varnay' (id 1): kind 'wizard' is not one of" in out
    assert "aliases are not a list of names" in out
    assert "status 'finished' is not one of new, in_progress, done" in out


def test_check_on_both_backends(any_small_project: Project) -> None:
    report = check_project(any_small_project)
    assert report.ok, report.text()
    assert report.counts["spans"] == 6
    with any_small_project.db.engine.begin() as connection:
        connection.execute(text("UPDATE document SET text = text || ' More.'"))
        connection.execute(text("UPDATE span SET fragments = :f WHERE label = 'Cue'"),
                           {"f": json.dumps([[0, 500]])})
    report = check_project(any_small_project)
    assert not report.ok
    joined = report.text()
    assert "text does not match its stored SHA-256" in joined
    assert "fragment 0-500 falls outside the text" in joined


# ------------------------------------------------------ the check changes nothing


def _file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_check_reads_a_read_only_file_and_leaves_it_identical(
        closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    closed_small.chmod(0o444)  # tests run as root, where this stops nothing: compare bytes
    try:
        before = _file_state(closed_small)
        code, out = _check(closed_small, capsys)
        assert code == 0, out
        assert f"project: {closed_small}" in out
        assert "no problems found" in out
        assert _file_state(closed_small) == before
        assert not (closed_small.parent / "backups").exists()
        with Project.open(closed_small, readonly=True) as project:  # what check opens
            with pytest.raises(ProjectError, match="open read-only"):
                project.ensure_annotator("bob")
            report = check_project(project)
        assert report.ok
        assert _file_state(closed_small) == before
    finally:
        closed_small.chmod(0o644)


def test_check_of_a_rollback_journal_file_leaves_nothing_beside_it(
        closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # e.g. a backup: no -wal, no -shm, and check must not add them or switch to WAL
    connection = sqlite3.connect(closed_small)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    folder = closed_small.parent
    before = {p.name: _file_state(p) for p in folder.iterdir()}
    code, out = _check(closed_small, capsys)
    assert code == 0, out
    assert {p.name: _file_state(p) for p in folder.iterdir()} == before


def test_check_does_not_upgrade_an_older_project(closed_small: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from alembic import command

    with Project.open(closed_small) as project:
        command.downgrade(db.alembic_config(project.db.engine), "0001")
    before = _file_state(closed_small)
    code, out = _check(closed_small, capsys)
    assert code == 1
    assert f"saywho: {closed_small}: needs upgrade to revision {db.head_revision()}" in out
    assert "open it in Saywho to upgrade it" in out
    assert "Traceback" not in out
    assert _file_state(closed_small) == before
    assert not (closed_small.parent / "backups").exists()


def test_check_reports_problems_in_a_read_only_project(
        closed_small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _corrupt(closed_small, "UPDATE document SET text = replace(text, 'swift', 'slow')")
    closed_small.chmod(0o444)
    try:
        before = _file_state(closed_small)
        code, out = _check(closed_small, capsys)
        assert code == 1
        assert "text does not match its stored SHA-256" in out
        assert _file_state(closed_small) == before
    finally:
        closed_small.chmod(0o644)
