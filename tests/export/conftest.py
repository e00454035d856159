"""Fixtures of the export tests; plain helpers live in tests/export_support.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_support import INPUT, JSONL_INPUT

from storage.project import Project
from storage.schema import load_schema


@pytest.fixture
def corpus(any_project: Project) -> Project:
    """The golden input (golden/input) imported into the test's new project, on SQLite
    and on PostgreSQL.

    Imported by a relative path, so that the source paths the exports carry (TEI's
    ``<note type="source">``) are the same in every checkout.
    """
    with contextlib.chdir(INPUT.parent):
        report = any_project.import_paths([Path(INPUT.name)])
    assert report.ok, report.errors
    return any_project


@pytest.fixture
def jsonl_corpus(tmp_path: Path) -> Iterator[Project]:
    """The golden JSONL corpus (golden/jsonl, with its schema) imported into a new project."""
    project = Project.create(tmp_path / "corpus.saywho", load_schema(JSONL_INPUT / "schema.xml"))
    report = project.import_paths([JSONL_INPUT])
    assert report.ok, report.errors
    yield project
    project.close()
