"""Paged and by-id reads of one layer (storage/project.py), on SQLite and PostgreSQL.

A long document opens a screen first (spans of a text range, the relations that
touch them, the spans at their other ends), then reads the rest page by page: the
pages together are exactly the layer, whatever the backend.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql

from storage.project import Project
from storage.records import AnnotationSetRecord, DocumentRecord, RelationRecord, SpanRecord

PARAGRAPH = "The minister said the talks would go on. “We stay,” she told reporters. 🕊"


def layered_project(project: Project, paragraphs: int = 40) -> int:
    """One document, two annotators; alice has a quote, an actor and a speaker relation per
    paragraph (every fifth speaker is the first paragraph's actor: a relation far away)."""
    text = "\n\n".join(PARAGRAPH for _ in range(paragraphs))
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    step = len(PARAGRAPH) + 2
    for number in range(paragraphs):
        base = number * step
        spans += [SpanRecord(f"q{number}", "Quote", [(base + 42, base + 49)],
                             {"form": "direct"}),
                  SpanRecord(f"a{number}", "Actor", [(base + 4, base + 12)])]
        speaker = "a0" if number % 5 == 4 else f"a{number}"
        relations.append(RelationRecord(f"s{number}", "speaker", f"q{number}", speaker))
    bob = AnnotationSetRecord("bob", "in_progress", [SpanRecord("b", "Actor", [(4, 12)])])
    project.import_records([DocumentRecord(
        text=text, title="Long", external_id="long",
        annotations=[AnnotationSetRecord("alice", "in_progress", spans, relations), bob])],
        "long.jsonl")
    return project.documents()[0].id


def test_pages_read_the_whole_layer_once(any_project: Project) -> None:
    document_id = layered_project(any_project)
    everything = {span.id: span for span in any_project.spans(document_id, "alice")}
    paged: list[int] = []
    after = (-1, 0)
    while page := any_project.spans_page(document_id, "alice", after, limit=7):
        assert len(page) <= 7
        assert all(everything[span.id] == span for span in page)
        paged += [span.id for span in page]
        after = (page[-1].start, page[-1].id)
    # each once, in text order (ties by id), no other annotator's
    assert paged == [s.id for s in sorted(everything.values(), key=lambda s: (s.start, s.id))]
    assert any_project.spans_page(document_id, "nobody") == []

    relations = {r.id: r for r in any_project.relations(document_id, "alice")}
    paged = []
    after = 0
    while relation_page := any_project.relations_page(document_id, "alice", after, limit=6):
        paged += [relation.id for relation in relation_page]
        after = relation_page[-1].id
    assert paged == sorted(relations)


def test_a_screen_first_then_what_its_relations_reach(any_project: Project) -> None:
    document_id = layered_project(any_project)
    step = len(PARAGRAPH) + 2
    screen = any_project.spans_in_range(document_id, "alice", 5 * step, 7 * step)
    assert [(s.label, s.start - 5 * step) for s in screen] == [
        ("Actor", 4), ("Quote", 42), ("Actor", 4 + step), ("Quote", 42 + step)]
    # an extent that only touches the range's first character is in it; one ending
    # where the range starts is not
    assert [s.start for s in any_project.spans_in_range(
        document_id, "alice", 5 * step + 11, 5 * step + 11)] == [5 * step + 4]
    assert any_project.spans_in_range(document_id, "alice", 5 * step + 12,
                                      5 * step + 13) == []

    touching = any_project.relations_of_spans(document_id, "alice", [s.id for s in screen])
    assert {r.source_id for r in touching} == {s.id for s in screen if s.label == "Quote"}
    loaded = {s.id for s in screen}
    missing = {r.target_id for r in touching} - loaded  # none here: same paragraphs
    assert missing == set()
    far = any_project.spans_in_range(document_id, "alice", 9 * step, 10 * step)
    far_relations = any_project.relations_of_spans(document_id, "alice", [s.id for s in far])
    reached = {r.target_id for r in far_relations} - {s.id for s in far}
    first_actor = any_project.spans_in_range(document_id, "alice", 0, 12)[0]
    assert reached == {first_actor.id}  # paragraph 9 quotes the first paragraph's actor
    assert any_project.spans_by_ids(document_id, "alice", reached) == [first_actor]
    # another annotator's ids, unknown ids: skipped
    bob = any_project.spans(document_id, "bob")[0]
    assert any_project.spans_by_ids(document_id, "alice", [bob.id, 10**9]) == []


def test_by_id_reads_go_past_one_query(project: Project) -> None:
    document_id = layered_project(project, paragraphs=300)  # 600 spans, 300 relations
    everything = project.spans(document_id, "alice")
    by_ids = project.spans_by_ids(document_id, "alice", [s.id for s in everything])
    assert by_ids == everything
    relations = project.relations_of_spans(document_id, "alice", [s.id for s in everything])
    assert relations == project.relations(document_id, "alice")


@pytest.fixture(scope="module")
def range_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, int]:
    project = Project.create(tmp_path_factory.mktemp("ranges") / "p.saywho")
    return project, layered_project(project, paragraphs=12)


@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, 12 * 76), length=st.integers(0, 400))
def test_a_range_read_is_exactly_the_spans_overlapping_it(
        range_project: tuple[Project, int], start: int, length: int) -> None:
    project, document_id = range_project
    end = start + length
    wanted = [s for s in project.spans(document_id, "alice")
              if s.start < max(end, start + 1) and s.end > start]
    assert project.spans_in_range(document_id, "alice", start, end) == wanted


def test_pages_split_spans_that_start_together(any_project: Project) -> None:
    text = "Ora Tennet met Pell Varo at the harbour."
    spans = [SpanRecord(f"s{number}", "Actor", [(0, 3 + number)]) for number in range(5)]
    any_project.import_records([DocumentRecord(
        text=text, title="Ties", external_id="ties",
        annotations=[AnnotationSetRecord("alice", "in_progress", spans)])], "ties.jsonl")
    document_id = any_project.documents()[0].id
    pages = []
    after = (-1, 0)
    while page := any_project.spans_page(document_id, "alice", after, limit=2):
        pages.append([span.end for span in page])
        after = (page[-1].start, page[-1].id)
    assert sorted(end for page in pages for end in page) == [3, 4, 5, 6, 7]
    assert [len(page) for page in pages] == [2, 2, 1]


def test_a_page_is_read_from_the_index_where_the_last_ended(project: Project) -> None:
    document_id = layered_project(project, paragraphs=3)
    with project.db.reading() as session:
        plan = " ".join(str(row[-1]) for row in session.execute(sql(
            "EXPLAIN QUERY PLAN SELECT id FROM span WHERE document_id = :d AND "
            "annotator_id = 1 AND (start, id) > (5, 3) ORDER BY start, id LIMIT 2"),
            {"d": document_id}))
    assert "ix_span_document_annotator" in plan and "TEMP B-TREE" not in plan, plan
