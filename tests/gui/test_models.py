"""The item models pass Qt's model tester, also while rows are added, changed, removed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from gui.actors import EntityTableModel, MentionTableModel
from gui.annotation_table import SpanFilterModel, SpanTableModel
from gui.document_list import DocumentFilterModel, DocumentTableModel
from storage.project import Project
from storage.records import DocumentRecord


@pytest.fixture
def proxy_tester(request: pytest.FixtureRequest) -> Iterator[ModelTester]:
    """A second model tester: one tester watches one model."""
    tester = ModelTester(request.config)
    yield tester
    tester._cleanup()


def test_document_models(qtmodeltester, proxy_tester, small_project: Project) -> None:
    small_project.import_records([DocumentRecord(text="Another text about Ostmere.",
                                                 title="Another", external_id="another")], "x")
    model = DocumentTableModel()
    model.set_documents(small_project.documents("alice"))
    qtmodeltester.check(model, force_py=True)
    proxy = DocumentFilterModel()
    proxy.setSourceModel(model)
    proxy_tester.check(proxy, force_py=True)
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "Varnay warns Doreth"
    assert model.index(0, 2).data() == "1"  # one quote
    assert model.index(0, 3).data() == "1"  # one condition
    proxy.set_status("done")
    assert proxy.rowCount() == 1
    proxy.set_status("unfinished")
    assert proxy.index(0, 0).data() == "Another"
    proxy.set_status(None)
    proxy.set_search("anoth")
    assert proxy.rowCount() == 1
    proxy.set_search("")
    info = model.info(1)
    model.update_document(dataclasses.replace(info, status="done"))
    assert "Done" in model.index(1, 1).data()
    model.append_documents([dataclasses.replace(info, id=99, title="Third")])
    assert model.rowCount() == 3
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, 0).data() == "Varnay warns Doreth"


def test_span_models(qtmodeltester, proxy_tester, small_project: Project) -> None:
    document = small_project.document_by_external_id("varnay-warns")
    spans = small_project.spans(document.id, "alice")
    relations = small_project.relations(document.id, "alice")
    model = SpanTableModel(small_project.schema)
    model.set_content(document.text, spans, relations, {})
    qtmodeltester.check(model, force_py=True)
    proxy = SpanFilterModel()
    proxy.setSourceModel(model)
    proxy_tester.check(proxy, force_py=True)
    quote = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Quote")
    assert model.index(quote, 1).data() == "We will not yield, … not one metre."
    assert model.index(quote, 3).data() == "President Aldric Varnay"
    condition = next(r for r in range(model.rowCount())
                     if model.index(r, 0).data() == "Condition")
    assert model.index(condition, 3).data() == "the ministry"
    proxy.set_label("Actor")
    assert proxy.rowCount() == 2
    proxy.set_label(None)
    proxy.setFilterFixedString("swift")
    assert proxy.rowCount() == 1
    proxy.setFilterFixedString("")
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    labels = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert labels == sorted(labels, key=str.casefold)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    starts = [model.span_at(proxy.mapToSource(proxy.index(r, 0)).row()).start
              for r in range(proxy.rowCount())]
    assert starts == sorted(starts, reverse=True)
    proxy.sort(-1)
    # row-level updates keep the model consistent (the tester watches the signals)
    removed = spans[0].id
    added = small_project.add_span(document.id, "alice", "Cue", [(0, 6)])
    changed = dataclasses.replace(spans[1], fragments=((1, 3),))
    model.update_spans([removed], [added, changed], relations, {})
    ids = [model.span_at(r).id for r in range(model.rowCount())]
    assert removed not in ids and added.id in ids
    assert ids[0] == added.id and ids[1] == changed.id
    assert [model.span_at(r).start for r in range(model.rowCount())] == sorted(
        model.span_at(r).start for r in range(model.rowCount()))


def test_entity_and_mention_models(qtmodeltester, small_project: Project) -> None:
    varnay = small_project.create_entity("Aldric Varnay", "person", ["Varnay"], "Q1")
    small_project.create_entity("Ostmere", "state")
    document = small_project.document_by_external_id("varnay-warns")
    actor = next(s for s in small_project.spans(document.id, "alice") if s.label == "Actor")
    from storage.edits import UpdateSpan

    small_project.apply(UpdateSpan(actor.id, entity_id=varnay.id))
    model = EntityTableModel()
    model.set_entities(small_project.entities())
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 0).data() for r in range(2)] == ["Aldric Varnay", "Ostmere"]
    assert model.index(0, 2).data() == "Varnay" and model.index(0, 4).data() == "1"
    mentions = MentionTableModel()
    mentions.set_mentions(small_project.mentions(varnay.id))
    qtmodeltester.check(mentions, force_py=True)
    assert mentions.index(0, 2).data() == "President Aldric Varnay"


def test_span_model_applies_relation_and_span_changes_in_place(
        qtmodeltester, small_project: Project) -> None:
    """An edit's relations and spans change the rows they touch, announced row by row."""
    document = small_project.document_by_external_id("varnay-warns")
    spans = small_project.spans(document.id, "alice")
    relations = small_project.relations(document.id, "alice")
    model = SpanTableModel(small_project.schema)
    model.set_content(document.text, spans, relations, {})
    qtmodeltester.check(model, force_py=True)
    quote_row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Quote")
    quote_id = model.index(quote_row, 0).data(SpanTableModel.SPAN_ID_ROLE)
    speaker = next(r for r in relations if r.source_id == quote_id and r.type == "speaker")
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles=(): changed.append(
        (first.row(), last.row())))
    model.update_spans([], [], None, {}, relations_removed=[speaker.id])
    assert model.index(quote_row, 3).data() == ""
    assert changed == [(quote_row, quote_row)]  # that row only, not the whole table
    model.update_spans([], [], None, {}, relations_added=[speaker])
    assert model.index(quote_row, 3).data() == "President Aldric Varnay"
    # the speaker's mention changes: the quote's row reads the new text
    actor = next(s for s in spans if s.id == speaker.target_id)
    moved = dataclasses.replace(actor, fragments=((actor.start + 10, actor.end),))
    model.update_spans([], [moved], None, {})
    assert model.index(quote_row, 3).data() == document.text[actor.start + 10:actor.end]
    assert model.row_of(actor.id) is not None
    assert model.span_at(model.row_of(actor.id)).fragments == moved.fragments
