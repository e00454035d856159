"""Partial reads of a comparison (the top of a long document) and in-place gold updates.

Each test runs on SQLite and on PostgreSQL (``backend_url``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from comparison_samples import STEP, at, layer, long_text

from storage.adjudication import (
    GOLD,
    AcceptRelation,
    AcceptSpan,
    Cancelled,
    Comparison,
    Step,
    compare,
    gold_attributes_step,
    ordered_groups,
    reject_step,
    take_version,
)
from storage.adjudication_parts import (
    apply_gold_changes,
    compare_part,
    relations_from,
    spans_before,
    spans_by_id,
)
from storage.edits import Edit, UpdateSpan
from storage.project import Project
from storage.records import DocumentRecord

PARAGRAPHS = 40
TEXT = long_text(PARAGRAPHS)


@pytest.fixture
def project(backend_url: str) -> Iterator[Project]:
    with Project.create(backend_url) as created:
        created.import_records([DocumentRecord(text=TEXT, external_id="long", annotations=[
            layer("alice", PARAGRAPHS, 1), layer("bob", PARAGRAPHS, 1)])], "long.jsonl")
        yield created


def _document(project: Project) -> int:
    return project.documents()[0].id


def _start(key: tuple) -> int:  # type: ignore[type-arg]
    """Where a row starts: its span's first offset (a relation's: its source's)."""
    return key[1][1][0][0] if len(key) == 3 else key[1][0][0]


def _rows(comparison: Comparison) -> list[tuple[object, str, object]]:
    """What a comparison view shows: key, agreement and gold id of every row."""
    return [(group.key, group.agreement(comparison.annotators),
             group.in_gold.id if group.in_gold is not None else None)
            for group in ordered_groups(comparison)]


def test_part_is_the_top_of_the_whole_comparison(project: Project) -> None:
    document = _document(project)
    names = ["alice", "bob"]
    project.apply(AcceptSpan(project.spans(document, "alice")[0].id))  # some gold too
    whole = compare(project, document, names)
    for before in (1, 40, STEP - 1, STEP + 30, 5 * STEP + 57, len(TEXT) + 1):
        part = compare_part(project, document, names, before)
        expected = [row for row in _rows(whole) if _start(row[0]) < before]
        assert _rows(part) == expected, before
        assert all(span.start < before for layer in part.layers.values() for span in layer)
    # the Condition rows are near misses: one row with bob's comma as a variant
    top = compare_part(project, document, names, STEP)
    condition = next(g for g in top.spans if g.label == "Condition")
    assert condition.boundary_difference("bob") == "end +1"
    # a relation whose target lies beyond the bound is complete: keyed by its target
    speaker = next(g for g in top.relations if g.key[0] == "speaker")
    assert speaker.key[2] == ("Actor", (at(1, "Varnay"),))
    assert sorted(speaker.relations) == ["alice", "bob"]


def test_partial_reads(project: Project) -> None:
    document = _document(project)
    found = spans_before(project, document, ["alice", "bob", "nobody"], STEP)
    assert [s.label for s in found["alice"]] == ["Actor", "Quote", "Condition"]
    assert found["nobody"] == []
    assert all(s.start < STEP for s in found["bob"])
    ids = [s.id for s in found["alice"]]
    assert sorted(spans_by_id(project, [*ids, 10**9])) == sorted(ids)  # unknown ids left out
    leaving = relations_from(project, ids)
    assert [r.type for r in leaving] == ["speaker"]
    assert leaving[0].source_id == found["alice"][1].id


def _gold_rows(comparison: Comparison) -> list[tuple[object, object, object]]:
    """Every row with its gold version (id and attributes) as held."""
    return [(group.key, group.in_gold.id if group.in_gold else None,
             group.in_gold.attributes if group.in_gold else None)
            for group in ordered_groups(comparison)]


def test_gold_edits_update_the_comparison_in_place(project: Project) -> None:
    document = _document(project)
    names = ["alice", "bob"]
    held = compare(project, document, names)  # the view's comparison, updated in place
    applied: list[Edit] = []

    def apply(step: Step) -> None:
        assert step.edit is not None, step.message
        touched = apply_gold_changes(project, held, project.apply(step.edit))
        assert touched, step.message
        applied.append(step.edit)
        assert _gold_rows(held) == _gold_rows(compare(project, document, names))

    far = [g for g in held.spans if g.label == "Quote"][-3]  # far down, with a speaker
    apply(take_version(project, held, far, "bob"))
    speaker = next(g for g in held.relations if g.key[1] == far.key)
    apply(take_version(project, held, speaker, "alice"))  # brings its Actor along
    condition = [g for g in held.spans if g.label == "Condition"][-1]
    apply(take_version(project, held, condition, "alice"))
    # bob's near-miss extent replaces alice's gold Condition: still one gold row
    replace = take_version(project, held, condition, "bob")
    assert "replaced" in replace.message
    apply(replace)
    quote = next(g for g in held.spans if g.key == far.key)
    apply(gold_attributes_step(quote, {"form": "mixed"}))
    assert quote.in_gold is not None and quote.in_gold.attributes["form"] == "mixed"
    apply(reject_step(quote))  # takes its gold speaker relation along
    assert [g.in_gold for g in held.relations if g.key[1] == far.key] == [None]
    for edit in reversed(applied):  # undo, step by step, in place too
        assert apply_gold_changes(project, held, project.revert(edit)) is not None
        assert _gold_rows(held) == _gold_rows(compare(project, document, names))
    assert held.layers[GOLD] == project.spans(document, GOLD) == []


def test_an_edit_outside_the_gold_layer_asks_for_a_new_comparison(project: Project) -> None:
    document = _document(project)
    held = compare(project, document, ["alice", "bob"])
    changes = project.apply(AcceptRelation(project.relations(document, "bob")[0].id))
    assert apply_gold_changes(project, held, changes)  # gold only: in place
    bob_span = project.spans(document, "bob")[0]
    changes = project.apply(UpdateSpan(bob_span.id, attributes={"kind": "group"},
                                       expected_version=bob_span.version))
    assert apply_gold_changes(project, held, changes) is None


def test_a_cancelled_comparison_stops(project: Project) -> None:
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 2  # after the first layer's reads

    with pytest.raises(Cancelled):
        compare(project, _document(project), ["alice", "bob"], cancelled=cancelled)
    assert len(asked) == 3
