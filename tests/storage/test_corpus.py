"""storage.corpus.iter_corpus as the exporters read it: batched reads give what a plain
per-document read gives, whatever the batch size, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from sqlalchemy import select

from storage.corpus import CorpusFilter, _JsonDecoder, iter_corpus
from storage.models import Annotator, Document, DocumentStatus, Relation, Span
from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord
from storage.views import RelationView, SpanView

TEXT = "Varnay said: “We will not yield, not one metre.” If they cross, we answer."


def _record(index: int) -> DocumentRecord:
    said = (TEXT.index("said"), TEXT.index("said") + 4)
    quote = (TEXT.index("We will"), TEXT.index("yield,") + 6)
    tail = (TEXT.index("not one"), TEXT.index("metre.") + 6)
    actor = (0, 6)
    alice = AnnotationSetRecord("alice", "done", [
        SpanRecord("T1", "Quote", [quote, tail], {"form": "direct"}),  # discontinuous
        SpanRecord("T2", "Actor", [actor], {"kind": "person"}),
        SpanRecord("T3", "Cue", [said]),
        SpanRecord("T4", "Cue", [said]),  # same offsets: ordered by id
    ], [RelationRecord("R1", "speaker", "T1", "T2")])
    bob = AnnotationSetRecord("bob", "in_progress", [
        SpanRecord("B1", "Actor", [actor], {"kind": "person"}),
        SpanRecord("B2", "Quote", [quote], {"form": "direct"}),
    ], [RelationRecord("R1", "speaker", "B2", "B1")])
    carol = AnnotationSetRecord("carol", "done")  # a status, no spans
    sets = [alice, bob, carol] if index % 3 == 0 else [bob] if index % 3 == 1 else []
    return DocumentRecord(text=f"{index}. {TEXT}", title=f"Doc {index}",
                          external_id=f"doc-{index}", meta={"n": index, "b": "x"},
                          annotations=_shifted(sets, len(f"{index}. ")))


def _shifted(sets: list[AnnotationSetRecord], by: int) -> list[AnnotationSetRecord]:
    for annotation_set in sets:
        for span in annotation_set.spans:
            span.fragments = [(start + by, end + by) for start, end in span.fragments]
    return sets


@pytest.fixture
def streamed(any_project: Project) -> Project:
    report = any_project.import_records([_record(i) for i in range(11)], "stream.jsonl")
    assert report.ok, report.errors
    return any_project


def _reference(project: Project, selection: CorpusFilter) -> list[tuple[Any, ...]]:
    """One document at a time with the ORM: what iter_corpus must yield."""
    result = []
    with project.db.reading() as session:
        names = {a.id: a.name for a in session.scalars(select(Annotator))}
        if selection.annotators is not None:
            names = {k: v for k, v in names.items() if v in selection.annotators}
        for document in session.scalars(select(Document).order_by(Document.position,
                                                                  Document.id)):
            layers = []
            for annotator_id, name in sorted(names.items(), key=lambda item: item[1]):
                status = session.scalar(select(DocumentStatus.status).where(
                    DocumentStatus.document_id == document.id,
                    DocumentStatus.annotator_id == annotator_id))
                spans = [SpanView.of(s) for s in session.scalars(
                    select(Span).where(Span.document_id == document.id,
                                       Span.annotator_id == annotator_id)
                    .order_by(Span.start, Span.end, Span.id))
                    if selection.labels is None or s.label in selection.labels]
                if status is None and not spans:
                    continue
                status = status or "new"
                if selection.status is not None and status != selection.status:
                    continue
                if not spans and not selection.include_empty:
                    continue
                kept = {s.id for s in spans}
                relations = [RelationView.of(r) for r in session.scalars(
                    select(Relation).where(Relation.document_id == document.id,
                                           Relation.annotator_id == annotator_id)
                    .order_by(Relation.id))
                    if r.source_id in kept and r.target_id in kept]
                layers.append((name, status,
                               [_span_key(s) for s in spans], relations))
            if not layers and (selection.annotators is not None
                               or selection.status is not None):
                continue
            result.append((document.external_id, document.title, document.text,
                           dict(document.meta), layers))
    return result


def _span_key(span: SpanView) -> tuple[Any, ...]:
    return (span.id, span.external_id, span.document_id, span.annotator_id, span.label,
            span.fragments, span.attributes, span.entity_id, span.version)


def _streamed(project: Project, selection: CorpusFilter, batch: int) -> list[tuple[Any, ...]]:
    return [(item.document.external_id, item.document.title, item.document.text,
             item.document.meta,
             [(layer.annotator, layer.status, [_span_key(s) for s in layer.spans],
               layer.relations) for layer in item.layers])
            for item in iter_corpus(project, selection, batch=batch)]


SELECTIONS = [
    CorpusFilter(),
    CorpusFilter(annotators=["alice", "carol"]),
    CorpusFilter(status="done"),
    CorpusFilter(labels=["Quote", "Cue"]),
    CorpusFilter(labels=["Actor"], include_empty=False),
    CorpusFilter(annotators=["bob"], labels=[]),
]


@pytest.mark.parametrize("selection", SELECTIONS, ids=repr)
@pytest.mark.parametrize("batch", [1, 4, 200])
def test_batched_reads_match_a_per_document_read(streamed: Project, selection: CorpusFilter,
                                                 batch: int) -> None:
    assert _streamed(streamed, selection, batch) == _reference(streamed, selection)


def test_documents_filter_and_span_order(streamed: Project) -> None:
    items = list(iter_corpus(streamed, CorpusFilter(documents=["doc-3", "doc-9"]), batch=2))
    assert [item.document.external_id for item in items] == ["doc-3", "doc-9"]
    alice = items[0].layers[0]
    assert [s.external_id for s in alice.spans] == ["T2", "T3", "T4", "T1"]
    assert alice.spans[3].fragments == tuple(tuple(f) for f in alice.spans[3].fragments)
    assert len(alice.spans[3].fragments) == 2


def test_each_span_has_its_own_attributes(streamed: Project) -> None:
    spans = [span for item in iter_corpus(streamed) for layer in item.layers
             for span in layer.spans if span.label == "Quote"]
    assert len(spans) > 2
    spans[0].attributes["form"] = "changed"
    assert all(span.attributes == {"form": "direct"} for span in spans[1:])


def test_the_collector_is_left_as_it_was(streamed: Project) -> None:
    assert gc.isenabled()
    for _ in iter_corpus(streamed, batch=3):
        assert gc.isenabled()  # paused only while a batch is read, never across a yield
    assert gc.isenabled()
    gc.disable()
    try:
        list(iter_corpus(streamed, batch=3))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_decoder_gives_fresh_objects() -> None:
    decoder = _JsonDecoder()
    first, second = decoder.attributes('{"a": 1}'), decoder.attributes('{"a": 1}')
    assert first == second == {"a": 1} and first is not second
    nested = decoder.attributes('{"a": [1, 2]}')
    assert nested == {"a": [1, 2]}
    nested["a"].append(3)
    assert decoder.attributes('{"a": [1, 2]}') == {"a": [1, 2]}
    assert decoder.attributes(None) == {} and decoder.attributes("null") == {}
    assert decoder.attributes({"from": "driver"}) == {"from": "driver"}
    assert decoder.fragments("[[1, 2], [4, 5]]") == ((1, 2), (4, 5))
    assert decoder.fragments([[1, 2]]) == ((1, 2),)
