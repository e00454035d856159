"""An export reads one consistent snapshot while other processes edit (issue 10, item 2).

The project holds more documents than one read batch of :func:`storage.corpus.iter_corpus`,
so the export reads the database several times. After the first document is written, a
second process (or a second connection) creates an actor, links a new span on a document
of the second batch to it, and adds a document. Whatever it commits, the export must show
the project as it was when the export began: no new span, no new document, and never a
span whose link to an actor is written as ``null``.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from export.run import export_project
from formats.base import ExportError
from storage.corpus import DEFAULT_BATCH
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = DEFAULT_BATCH + 40
EDITED = DEFAULT_BATCH + 20  # a document of the second batch
TEXT = "Minister Ilse Toral said the ferry would run again on Monday, her office said."

EDIT = textwrap.dedent("""
    import sys
    from storage.project import Project

    with Project.open(sys.argv[1]) as project:
        document = project.document_by_external_id(sys.argv[2])
        actor = project.create_entity("Nadia Orlov", "person")
        start = document.text.index("her office")
        project.add_span(document.id, "alice", "Actor", [(start, start + len("her office"))],
                         {"kind": "person"}, entity_id=actor.id)
        from storage.records import DocumentRecord
        project.import_records([DocumentRecord(text="A late story about the ferry.",
                                               external_id="late")], "late.jsonl")
""")


def _fill(project: Project) -> None:
    records = []
    for number in range(DOCUMENTS):
        start = TEXT.index("Minister Ilse Toral")
        spans = [SpanRecord("T1", "Actor", [(start, start + len("Minister Ilse Toral"))],
                            {"kind": "person"})]
        records.append(DocumentRecord(text=f"{TEXT} ({number})", external_id=f"doc{number:04d}",
                                      annotations=[AnnotationSetRecord("alice", "done", spans,
                                                                       [])]))
    report = project.import_records(records, "corpus.jsonl")
    assert report.documents == DOCUMENTS, report.errors


def _edit_in_another_process(location: str) -> None:
    completed = subprocess.run([sys.executable, "-c", EDIT, location, f"doc{EDITED:04d}"],
                               cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def _edit_through_another_connection(location: str) -> None:
    with Project.open(location) as other:
        document = other.document_by_external_id(f"doc{EDITED:04d}")
        actor = other.create_entity("Nadia Orlov", "person")
        start = document.text.index("her office")
        other.add_span(document.id, "alice", "Actor", [(start, start + len("her office"))],
                       {"kind": "person"}, entity_id=actor.id)
        other.import_records([DocumentRecord(text="A late story about the ferry.",
                                             external_id="late")], "late.jsonl")


def _read_export(out: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    documents = [json.loads(line) for line in
                 (out / "documents.jsonl").read_text("utf-8").splitlines()]
    entities = [json.loads(line) for line in
                (out / "entities.jsonl").read_text("utf-8").splitlines()]
    return documents, entities


@pytest.fixture
def edited_corpus(any_project: Project, backend_url: str) -> Iterator[tuple[Project, str]]:
    _fill(any_project)
    yield any_project, backend_url


@pytest.mark.parametrize("editor", [_edit_in_another_process, _edit_through_another_connection],
                         ids=["process", "connection"])
def test_export_during_edits_is_one_snapshot(edited_corpus: tuple[Project, str], editor: object,
                                             tmp_path: Path) -> None:
    project, location = edited_corpus
    edited: list[bool] = []

    def progress(done: int, total: int, _what: str) -> None:
        if done == 1 and not edited:
            editor(location)  # type: ignore[operator]
            edited.append(True)

    out = tmp_path / "out"
    manifest = export_project(project, "jsonl", out, progress=progress)
    assert edited
    documents, entities = _read_export(out)
    assert len(documents) == DOCUMENTS == manifest.documents["all"]
    assert "late" not in {document["id"] for document in documents}
    assert entities == []
    spans = [span for document in documents for layer in document["annotations"]
             for span in layer["spans"]]
    assert len(spans) == DOCUMENTS == sum(manifest.spans_by_label.values())
    # the edit did happen: a second export sees all of it, the link included
    again = tmp_path / "again"
    export_project(project, "jsonl", again)
    documents, entities = _read_export(again)
    assert len(documents) == DOCUMENTS + 1
    [actor] = entities
    linked = [span for document in documents for layer in document["annotations"]
              for span in layer["spans"] if span["entity"] is not None]
    assert [span["entity"] for span in linked] == [actor["id"]]


def test_a_link_outside_the_snapshot_is_refused_not_written_as_null(
        edited_corpus: tuple[Project, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a snapshot (reads in separate transactions) the new link would be written as
    null; the export refuses instead and leaves nothing behind."""
    project, location = edited_corpus
    monkeypatch.setattr(project, "snapshot", contextlib.nullcontext)
    edited: list[bool] = []

    def progress(done: int, _total: int, _what: str) -> None:
        if done == 1 and not edited:
            _edit_through_another_connection(location)
            edited.append(True)

    out = tmp_path / "out"
    with pytest.raises(ExportError, match=rf"doc{EDITED:04d}.*linked to actor #\d+, which is "
                                          "not in the project as this export read it"):
        export_project(project, "jsonl", out, progress=progress)
    assert not out.exists()
