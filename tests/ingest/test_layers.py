"""AddLayer: one annotator's layer added to a stored document, and taken out again."""

from __future__ import annotations

from pathlib import Path

from ingest.layers import AddLayer
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

TEXT = "Varnay said we will win."


def test_a_layer_is_added_and_reverted_whole(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.saywho") as project:
        project.import_records([DocumentRecord(text=TEXT, external_id="d1")], "test")
        document_id = project.document_by_external_id("d1").id
        layer = AnnotationSetRecord(annotator="bob", status="done", spans=[
            SpanRecord(id="c1", label="Cue", fragments=[(7, 11)]),
            SpanRecord(id="q1", label="Quote", fragments=[(12, 23)],
                       attributes={"form": "indirect"})])
        edit = AddLayer(document_id, layer, "layer.ann")
        changes = project.apply(edit)
        stored = project.spans(document_id, "bob")
        assert sorted((s.label, s.start, s.end) for s in stored) == [
            ("Cue", 7, 11), ("Quote", 12, 23)]
        assert sorted(changes.spans_added) == sorted(s.id for s in stored)
        assert project.status(document_id, "bob") == "done"

        project.revert(edit)
        assert project.spans(document_id, "bob") == []
        assert project.status(document_id, "bob") == "new"  # no status row: never started
