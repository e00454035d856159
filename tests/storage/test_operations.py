"""Rules written once in the core: the first annotation starts a new document."""

from __future__ import annotations

from storage.edits import AddSpan, Compound, SetStatus
from storage.operations import annotation_steps, first_annotation_status
from storage.project import Project
from storage.records import DocumentRecord


def test_first_annotation_marks_a_new_document_in_progress(project: Project) -> None:
    project.import_records([DocumentRecord(text="Varnay said no.", external_id="d")], "t")
    doc = project.documents()[0].id
    add = AddSpan(doc, "alice", "Actor", [(0, 6)])
    steps = annotation_steps(project, doc, "alice", add)
    assert steps[0] is add and isinstance(steps[1], SetStatus)
    project.apply(Compound(steps, text="mark"))
    assert project.status(doc, "alice") == "in_progress"
    again = AddSpan(doc, "alice", "Actor", [(12, 14)])
    assert annotation_steps(project, doc, "alice", again) == [again]  # not new any more
    assert first_annotation_status(project, doc, "bob") is not None  # bob's copy is new
    status = SetStatus(doc, "bob", "done")
    assert annotation_steps(project, doc, "bob", status) == [status]  # not an annotation
