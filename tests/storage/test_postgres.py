"""Projects on PostgreSQL: the CLI with a URL, missing driver, refusals, version conflicts.

The conflict tests run on both backends (``backend_url``): two Project
instances, each with its own engine, stand for two people on one project.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import SAMPLES, project_dump, small_record
from sqlalchemy.engine import make_url

from cli import run
from storage.edits import UpdateEntity, UpdateSpan
from storage.errors import ConflictError, ProjectError
from storage.project import Project


@pytest.mark.postgres
def test_cli_init_import_stats_with_a_postgresql_url(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", pg_url]) == 0
    out = capsys.readouterr().out
    # the password is never printed (the test role's password is its name: masked too)
    password = make_url(pg_url).password
    assert password and f":{password}@" not in out and ":***@" in out
    assert run(["import", pg_url, str(SAMPLES), "--annotator", "alice"]) == 0
    assert "imported" in capsys.readouterr().out
    assert run(["stats", pg_url, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 5
    assert stats["status"]["alice"]["new"] == 5
    assert run(["check", pg_url]) == 0
    assert "no problems" in capsys.readouterr().out


@pytest.mark.postgres
def test_same_results_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    results = []
    for where in (str(tmp_path / "p.saywho"), pg_url):
        with Project.create(where) as project:
            project.import_records([small_record()], "small.jsonl")
            document = project.documents()[0]
            spans = [(s.label, s.fragments, s.attributes) for s in project.spans(document.id)]
            relations = sorted(r.type for r in project.relations(document.id))
            stats = project.stats()
            stats.pop("project")
            results.append((document.title, document.length, spans, relations, stats))
    assert results[0] == results[1]


def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" now fails
    with pytest.raises(ProjectError) as caught:
        Project.open("postgresql+psycopg://saywho@localhost/news")
    message = str(caught.value)
    assert "driver for postgresql is not installed" in message
    assert "pip install 'saywho[postgres]'" in message


def test_unreachable_server_is_a_clear_message() -> None:
    with pytest.raises(ProjectError) as caught:
        Project.open("postgresql+psycopg://saywho:secret@127.0.0.1:1/news")
    message = str(caught.value)
    assert "postgresql+psycopg://saywho:***@127.0.0.1:1/news" in message
    assert "secret" not in message


@pytest.mark.postgres
def test_empty_database_is_not_a_project_and_creation_refuses_a_used_one(pg_url: str) -> None:
    with pytest.raises(ProjectError, match="not a Saywho project"):
        Project.open(pg_url)
    Project.create(pg_url).close()
    before = project_dump(pg_url)
    with pytest.raises(ProjectError, match="not empty"):
        Project.create(pg_url)
    assert project_dump(pg_url) == before


def _two_sessions(backend_url: str) -> tuple[Project, Project]:
    first = Project.create(backend_url)
    first.import_records([small_record()], "small.jsonl")
    return first, Project.open(backend_url)


def test_second_change_to_the_same_span_is_refused(backend_url: str) -> None:
    alice, bob = _two_sessions(backend_url)
    try:
        document = alice.documents()[0].id
        quote = next(s for s in alice.spans(document) if s.label == "Quote")
        seen_by_bob = bob.span(quote.id)
        alice.apply(UpdateSpan(quote.id, attributes={"form": "indirect"},
                               expected_version=quote.version))
        with pytest.raises(ConflictError) as caught:
            bob.apply(UpdateSpan(quote.id, attributes={"form": "mixed"},
                                 expected_version=seen_by_bob.version))
        message = str(caught.value)
        assert "Quote span was changed by someone else" in message
        assert f"version {quote.version + 1}, you edited version {quote.version}" in message
        assert bob.span(quote.id).attributes["form"] == "indirect"  # Alice's change kept
        # Bob reloads and tries again: accepted.
        fresh = bob.span(quote.id)
        bob.apply(UpdateSpan(quote.id, attributes={"form": "mixed"},
                             expected_version=fresh.version))
        assert alice.span(quote.id).attributes["form"] == "mixed"
    finally:
        alice.close()
        bob.close()


def test_second_change_to_the_same_actor_is_refused(backend_url: str) -> None:
    alice, bob = _two_sessions(backend_url)
    try:
        actor = alice.create_entity("Aldric Varnay", "person", ["Varnay"])
        seen_by_bob = bob.entity(actor.id)
        alice.apply(UpdateEntity(actor.id, name="President Aldric Varnay",
                                 aliases=["Varnay", "the president"],
                                 expected_version=actor.version))
        with pytest.raises(ConflictError) as caught:
            bob.apply(UpdateEntity(actor.id, kind="organisation",
                                   expected_version=seen_by_bob.version))
        message = str(caught.value)
        # says what the other person changed it to
        assert "was changed by someone else" in message
        assert "President Aldric Varnay" in message
        assert "the president" in message
        stored = bob.entity(actor.id)
        assert (stored.name, stored.kind) == ("President Aldric Varnay", "person")
    finally:
        alice.close()
        bob.close()
