"""File > Import Folder on a brat export: the annotations arrive with the texts."""

from __future__ import annotations

from pathlib import Path

from helpers import small_record

from export.run import export_project
from gui.main_window import MainWindow
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, SpanRecord

OFFER_TEXT = "Ostmere offers a truce\n\nThe ministry said the tariffs would go."


def brat_export(folder: Path) -> Path:
    """A brat export of bob's layer of the window's document and alice's of a new one."""
    bobs = small_record()
    bobs.annotations[0].annotator = "bob"
    bobs.annotations[0].status = "in_progress"
    ministry = OFFER_TEXT.index("The ministry")
    offer = DocumentRecord(OFFER_TEXT, "Ostmere offers a truce", "offer", annotations=[
        AnnotationSetRecord("alice", "done", [
            SpanRecord("T1", "Actor", [(ministry, ministry + len("The ministry"))],
                       {"kind": "organisation"})])])
    with Project.create(folder / "source.saywho") as source:
        source.import_records([bobs, offer], "source")
        export_project(source, "brat", folder / "out")
    return folder / "out"


def test_import_folder_of_a_brat_export_stores_every_layer(window: MainWindow, tmp_path: Path,
                                                           qtbot) -> None:
    out = brat_export(tmp_path)
    dialog = window.import_paths([out])
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.error is not None,
                    timeout=20000)
    assert dialog.error is None, dialog.error
    summary = dialog.status.text()
    assert summary.startswith("1 document imported from 2 files; 7 spans, 4 relations")
    assert "1 annotation layer added to documents already in the project" in summary
    assert window.document_list.model.rowCount() == 2
    project = window.project
    warns = project.document_by_external_id("varnay-warns")
    bobs = {s.external_id: (s.label, s.fragments, s.attributes)
            for s in project.spans(warns.id, "bob")}
    alices = {s.external_id: (s.label, s.fragments, s.attributes)
              for s in project.spans(warns.id, "alice")}
    assert bobs == alices  # bob's copy of alice's layer, beside hers
    assert len(project.relations(warns.id, "bob")) == 4
    assert project.statuses(warns.id) == {"alice": "done", "bob": "in_progress"}
    offer = project.document_by_external_id("offer")
    assert (offer.title, offer.text) == ("Ostmere offers a truce", OFFER_TEXT)
    assert [(s.label, s.attributes) for s in project.spans(offer.id, "alice")] == [
        ("Actor", {"kind": "organisation"})]
    assert project.status(offer.id, "alice") == "done"
    dialog.close()
