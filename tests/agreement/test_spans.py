"""Span matching and precision / recall / F1, checked against hand-worked examples."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from agreement.spans import (
    MatchCounts,
    char_length,
    exact_matches,
    match_spans,
    overlap_length,
    overlap_ratio,
)


@dataclass(frozen=True)
class S:
    id: int
    label: str
    fragments: tuple[tuple[int, int], ...]


def test_overlap_counts_characters_over_all_fragments() -> None:
    two_pieces = ((0, 10), (20, 30))
    assert char_length(two_pieces) == 20
    assert overlap_length(two_pieces, ((5, 25),)) == 10  # 5..10 and 20..25
    # union = 20 + 20 - 10 = 30
    assert overlap_ratio(two_pieces, ((5, 25),)) == pytest.approx(10 / 30)
    assert overlap_ratio(((0, 5),), ((5, 9),)) == 0.0  # touching is not overlapping
    assert char_length(((0, 5), (3, 8))) == 8


def test_hand_worked_precision_recall_f1() -> None:
    # Reference (alice): Q1 [0,10), Q2 [20,30), A1 [40,45).
    # Other (bob):       Q1' [0,10) exact, Q2' [22,30) (ratio 8/10), A1' [41,45) (4/5),
    #                    Q3' [60,70) (nothing to match).
    # exact: 1 matched -> P = 1/4, R = 1/3, F1 = 2*1/(3+4) = 2/7
    # overlap (any shared char): 3 matched -> P = 3/4, R = 3/3, F1 = 6/7
    # ratio >= 0.85: only Q1 (1.0) -> 1 matched; ratio >= 0.8: Q1, Q2 (0.8), A1 (0.8) -> 3
    reference = [S(1, "Quote", ((0, 10),)), S(2, "Quote", ((20, 30),)),
                 S(3, "Actor", ((40, 45),))]
    other = [S(11, "Quote", ((0, 10),)), S(12, "Quote", ((22, 30),)),
             S(13, "Actor", ((41, 45),)), S(14, "Quote", ((60, 70),))]
    exact = MatchCounts(exact_matches(reference, other), 3, 4)
    assert (exact.precision, exact.recall, exact.f1) == pytest.approx((1 / 4, 1 / 3, 2 / 7))
    overlap = MatchCounts(len(match_spans(reference, other)), 3, 4)
    assert (overlap.precision, overlap.recall, overlap.f1) == pytest.approx((3 / 4, 1, 6 / 7))
    assert len(match_spans(reference, other, 0.85)) == 1
    assert len(match_spans(reference, other, 0.8)) == 3
    pairs = match_spans(reference, other)
    assert [(a.id, b.id) for a, b in pairs] == [(1, 11), (2, 12), (3, 13)]


def test_labels_must_agree() -> None:
    reference = [S(1, "Quote", ((0, 10),))]
    other = [S(2, "Actor", ((0, 10),))]
    assert exact_matches(reference, other) == 0
    assert match_spans(reference, other) == []


def test_exact_matching_is_one_to_one_and_ignores_fragment_order() -> None:
    reference = [S(1, "Quote", ((0, 4), (8, 12))), S(2, "Quote", ((0, 4), (8, 12)))]
    other = [S(3, "Quote", ((8, 12), (0, 4)))]
    assert exact_matches(reference, other) == 1


def test_hungarian_finds_more_pairs_than_greedy() -> None:
    # R1 [0,10) and R2 [8,12) against O3 [0,9) and O4 [0,3); R2 overlaps only O3.
    reference = [S(1, "Quote", ((0, 10),)), S(2, "Quote", ((8, 12),))]
    other = [S(3, "Quote", ((0, 9),)), S(4, "Quote", ((0, 3),))]
    # candidate ratios: R1-O3 = 9/10, R1-O4 = 3/10, R2-O3 = 1/12 (only char 8)
    # greedy: R1-O3 (0.9), then R2 has nothing left -> 1 pair;
    # Hungarian: R1-O4 and R2-O3 -> 2 pairs.
    greedy = match_spans(reference, other, method="greedy")
    hungarian = match_spans(reference, other, method="hungarian")
    assert [(a.id, b.id) for a, b in greedy] == [(1, 3)]
    assert [(a.id, b.id) for a, b in hungarian] == [(1, 4), (2, 3)]


def test_hungarian_prefers_larger_overlap_among_equally_many_pairs() -> None:
    reference = [S(1, "Actor", ((0, 10),))]
    other = [S(2, "Actor", ((5, 15),)), S(3, "Actor", ((1, 10),))]
    assert [(a.id, b.id) for a, b in match_spans(reference, other)] == [(1, 3)]


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        match_spans([], [], 1.5)
    with pytest.raises(ValueError, match="unknown matching method 'best'"):
        match_spans([], [], 0.5, "best")


def test_counts_without_spans_are_undefined() -> None:
    empty = MatchCounts()
    assert (empty.precision, empty.recall, empty.f1) == (None, None, None)
    assert MatchCounts(0, 2, 0).as_dict() == {"matched": 0, "reference": 2, "other": 0,
                                              "precision": None, "recall": 0.0, "f1": 0.0}
