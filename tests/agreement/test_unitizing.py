"""Krippendorff's unitizing alpha: cases worked by hand, the published examples, and an
independent computation (reference_unitizing.py) for three and more observers."""

from __future__ import annotations

from fractions import Fraction

import pytest
import reference_unitizing as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from agreement.unitizing import (
    Segment,
    UnitizingTally,
    delta2,
    pooled_alpha,
    segments,
    unitizing_alpha,
)


def test_a_small_case_worked_by_hand() -> None:
    # Continuum of L = 10 characters, m = 2 observers, one category.
    #   A marks [2, 6) (length 4), B marks [3, 6) (length 3).
    # Segments (begin, end, unit?):
    #   A: gap [0,2) l=2, unit [2,6) l=4, gap [6,10) l=4
    #   B: gap [0,3) l=3, unit [3,6) l=3, gap [6,10) l=4
    # Observed: the only non-zero difference is unit-unit:
    #   (2 - 3)^2 + (6 - 6)^2 = 1; the A-unit [2,6) is not inside B's gap [0,3).
    #   Both orders (A,B) and (B,A): sum = 2.
    #   D_o = 2 / (m (m-1) L^2) = 2 / (2 * 1 * 100) = 0.01
    # Expected: N = 2 units (lengths 4 and 3), gaps of lengths 2, 4, 3, 4.
    #   unit l=4: (N-1)/3 (2*64 - 3*16 + 4) = 84/3 = 28;
    #             gaps >= 4: 4, 4 -> (4-4+1) + (4-4+1) = 2; l^2 * 2 = 32;   sum 60
    #   unit l=3: (N-1)/3 (2*27 - 3*9 + 3) = 30/3 = 10;
    #             gaps >= 3: 3, 4, 4 -> 1 + 2 + 2 = 5; l^2 * 5 = 45;         sum 55
    #   numerator: 2/L * (60 + 55) = 2/10 * 115 = 23
    #   denominator: mL (mL - 1) - sum l (l - 1) = 20 * 19 - (4*3 + 3*2) = 362
    #   D_e = 23 / 362 = 0.0635359...
    # alpha_u = 1 - 0.01 / (23/362) = 1 - 3.62/23 = 0.8426087...
    tally = UnitizingTally(2)
    tally.add_section(0, 10, [[(2, 6)], [(3, 6)]])
    assert tally.disagreement == 2
    assert tally.observed() == pytest.approx(0.01)
    assert tally.expected() == pytest.approx(23 / 362)
    assert tally.alpha() == pytest.approx(1 - 3.62 / 23)
    assert unitizing_alpha([(0, 10)], [[(2, 6)], [(3, 6)]]) == pytest.approx(0.8426087, abs=1e-7)


def test_a_unit_inside_the_other_observers_gap_costs_its_squared_length() -> None:
    # L = 10; A marks [1, 3), B marks nothing.
    #   A: gap [0,1), unit [1,3), gap [3,10); B: one gap [0,10) containing A's unit.
    #   Observed: 2^2 = 4 in each order -> D_o = 8 / (2 * 100) = 0.04
    #   Expected: N = 1: (N-1) term 0; gaps >= 2: 7 and 10 -> (7-2+1) + (10-2+1) = 15;
    #     l^2 * 15 = 60; 2/10 * 60 = 12; denominator 20*19 - 2*1 = 378; D_e = 12/378
    #   alpha_u = 1 - 0.04 * 378 / 12 = 1 - 1.26 = -0.26
    tally = UnitizingTally(2)
    tally.add_section(0, 10, [[(1, 3)], []])
    assert tally.observed() == pytest.approx(0.04)
    assert tally.expected() == pytest.approx(12 / 378)
    assert tally.alpha() == pytest.approx(-0.26)


def test_krippendorff_2004_example() -> None:
    # Krippendorff (2004), Content Analysis, 2nd ed., p. 254: a continuum from 150 to 450
    # (L = 300), two observers, categories c and k. The book's figures:
    #   c: D_o = 0.0144, D_e = 0.0532, alpha = 0.7286; k: D_o = 0, alpha = 1.
    c_units = [[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]]
    k_units = [[(180, 240), (300, 350)], [(180, 240), (300, 350)]]
    c, k = UnitizingTally(2), UnitizingTally(2)
    c.add_section(150, 450, c_units)
    k.add_section(150, 450, k_units)
    assert c.observed() == pytest.approx(0.0144, abs=1e-4)
    assert c.expected() == pytest.approx(0.0532, abs=1e-4)
    assert c.alpha() == pytest.approx(0.7286, abs=1e-4)
    assert k.observed() == 0
    assert k.expected() == pytest.approx(0.0490, abs=1e-4)
    assert k.alpha() == 1.0
    # both categories: 1 - (D_o,c + D_o,k) / (D_e,c + D_e,k)
    assert pooled_alpha([c, k]) == pytest.approx(1 - 0.0144444 / (0.0532218 + 0.0489786),
                                                 abs=1e-5)


def test_krippendorff_2004_distances() -> None:
    # the differences the book tabulates for the example above
    assert delta2(Segment(225, 295, True), Segment(220, 300, True)) == 50
    assert delta2(Segment(370, 400, True), Segment(355, 375, True)) == 850
    assert delta2(Segment(400, 450, False), Segment(400, 420, True)) == 400
    assert delta2(Segment(400, 420, True), Segment(400, 450, False)) == 400
    assert delta2(Segment(0, 5, True), Segment(5, 9, True)) == 0  # touching, not overlapping
    assert delta2(Segment(0, 5, True), Segment(3, 9, False)) == 0  # only partly in the gap


@pytest.mark.parametrize(("units", "observed"), [
    # Krippendorff (1995: 57), observers Bertha and Bill on 24 positions: D_o = 0.03125
    ([[(2, 10), (14, 20)], [(4, 8), (15, 17)]], 0.03125),
    # Gerret and Gill: D_o = 0.02777
    ([[(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)]],
     0.02777),
])
def test_krippendorff_1995_observed_disagreement(units: list[list[tuple[int, int]]],
                                                 observed: float) -> None:
    tally = UnitizingTally(2)
    tally.add_section(0, 24, units)
    assert tally.observed() == pytest.approx(observed, abs=1e-5)


def test_identical_units_give_one_and_nothing_marked_gives_none() -> None:
    assert unitizing_alpha([(0, 50)], [[(3, 9), (20, 30)]] * 3) == 1.0
    assert unitizing_alpha([(0, 50)], [[], []]) is None
    assert unitizing_alpha([], [[], []]) is None


def test_documents_are_sections_whose_gaps_do_not_join() -> None:
    # Two documents of 10 characters: the trailing gap of the first and the leading gap of
    # the second stay two gaps (no unit can span a document boundary).
    tally = UnitizingTally(2)
    tally.add_section(0, 10, [[(2, 6)], [(3, 6)]])
    tally.add_section(0, 10, [[(4, 8)], [(4, 8)]])
    assert tally.length == 20
    assert sorted(tally.gap_lengths.elements()) == [2, 2, 2, 3, 4, 4, 4, 4]
    as_one = unitizing_alpha([(0, 10), (10, 20)], [[(2, 6), (14, 18)], [(3, 6), (14, 18)]])
    assert as_one == pytest.approx(tally.alpha())


def test_overlapping_units_of_one_observer_are_merged() -> None:
    assert segments([(2, 5), (4, 7), (7, 9)], 0, 10) == [
        Segment(0, 2, False), Segment(2, 7, True), Segment(7, 9, True), Segment(9, 10, False)]
    assert segments([(-3, 2), (8, 20)], 0, 10) == [
        Segment(0, 2, True), Segment(2, 8, False), Segment(8, 10, True)]


def test_alpha_u_is_symmetric_in_the_observers() -> None:
    first = [[(2, 9), (15, 18)], [(1, 9), (16, 22)], [(3, 7)]]
    alphas = {unitizing_alpha([(0, 30)], order)
              for order in (first, first[::-1], [first[1], first[2], first[0]])}
    assert len({round(a, 12) for a in alphas if a is not None}) == 1


# --- The independent computation of reference_unitizing.py, checked first on the published
# --- two-coder examples, then used where no published example has three or more coders.

def test_reference_reproduces_the_published_two_coder_examples() -> None:
    # Krippendorff (2004: 254), category c: D_o = 0.0144, D_e = 0.0532, alpha = 0.7286
    c_units = [[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]]
    observed, expected = reference.disagreements([(150, 450)], c_units)
    assert float(observed) == pytest.approx(0.0144, abs=1e-4)
    assert float(expected) == pytest.approx(0.0532, abs=1e-4)
    assert float(reference.alpha_u([(150, 450)], c_units)) == pytest.approx(0.7286, abs=1e-4)
    # category k: identical units, alpha = 1
    k_units = [[(180, 240), (300, 350)], [(180, 240), (300, 350)]]
    assert reference.alpha_u([(150, 450)], k_units) == 1
    # Krippendorff (1995: 57), D_o of Bertha and Bill, of Gerret and Gill
    bertha_bill = [[(2, 10), (14, 20)], [(4, 8), (15, 17)]]
    gerret_gill = [[(2, 8), (10, 12), (14, 18), (20, 22)],
                   [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)]]
    assert reference.disagreements([(0, 24)], bertha_bill)[0] == Fraction(1, 32)  # 0.03125
    assert float(reference.disagreements([(0, 24)], gerret_gill)[0]) == pytest.approx(
        0.02777, abs=1e-5)
    # and the two cases worked by hand above, exactly
    assert reference.disagreements([(0, 10)], [[(2, 6)], [(3, 6)]]) == (
        Fraction(1, 100), Fraction(23, 362))
    assert reference.alpha_u([(0, 10)], [[(1, 3)], []]) == Fraction(-26, 100)


def test_three_observers_worked_by_hand() -> None:
    # L = 10, m = 3 observers, one category:
    #   A marks [2, 6) (l = 4), B marks [3, 6) (l = 3), C marks [2, 5) (l = 3).
    # Segments:  A: gap [0,2) 2, unit [2,6) 4, gap [6,10) 4
    #            B: gap [0,3) 3, unit [3,6) 3, gap [6,10) 4
    #            C: gap [0,2) 2, unit [2,5) 3, gap [5,10) 5
    # Observed, per unordered pair (no unit lies wholly inside another observer's gap):
    #   A-B: units overlap: (2-3)^2 + (6-6)^2 = 1
    #   A-C: (2-2)^2 + (6-5)^2 = 1
    #   B-C: (3-2)^2 + (6-5)^2 = 2
    #   ordered pairs count each twice: 2 * (1 + 1 + 2) = 8
    #   D_o = 8 / (m (m-1) L^2) = 8 / (3 * 2 * 100) = 1/75
    # Expected: N = 3 units (4, 3, 3); the gaps of all observers: 2, 4, 3, 4, 2, 5
    #   unit l=4: (N-1)/3 (2*64 - 3*16 + 4) = 2/3 * 84 = 56;
    #             gaps >= 4: 4, 4, 5 -> 1 + 1 + 2 = 4; l^2 * 4 = 64;            sum 120
    #   unit l=3 (B): 2/3 * (2*27 - 3*9 + 3) = 2/3 * 30 = 20;
    #             gaps >= 3: 4, 3, 4, 5 -> 2 + 1 + 2 + 3 = 8; l^2 * 8 = 72;     sum 92
    #   unit l=3 (C): the same, 92
    #   numerator: 2/L * (120 + 92 + 92) = 2/10 * 304 = 60.8
    #   denominator: mL (mL - 1) - sum l (l - 1) = 30 * 29 - (12 + 6 + 6) = 846
    #   D_e = 60.8 / 846
    # alpha_u = 1 - (1/75) / (60.8/846) = 1 - 846 / (75 * 60.8) = 1 - 846/4560 = 619/760
    units = [[(2, 6)], [(3, 6)], [(2, 5)]]
    tally = UnitizingTally(3)
    tally.add_section(0, 10, units)
    assert tally.disagreement == 8
    assert tally.observed() == pytest.approx(1 / 75)
    assert tally.expected() == pytest.approx(60.8 / 846)
    assert tally.alpha() == pytest.approx(619 / 760)
    assert reference.disagreements([(0, 10)], units) == (Fraction(1, 75),
                                                         Fraction(608, 8460))
    assert reference.alpha_u([(0, 10)], units) == Fraction(619, 760)


def test_three_observers_and_an_observer_who_marked_nothing() -> None:
    # L = 10, A [2, 6), B [3, 6), C nothing (one gap of 10).
    # Observed: A-B 1; A's unit lies inside C's gap: 4^2 = 16; B's: 3^2 = 9
    #   D_o = 2 * (1 + 16 + 9) / 600 = 52/600
    # Expected: N = 2 (4 and 3); gaps 2, 4, 3, 4, 10
    #   l=4: 1/3 * 84 = 28; gaps >= 4: 4, 4, 10 -> 1 + 1 + 7 = 9; 16 * 9 = 144;     172
    #   l=3: 1/3 * 30 = 10; gaps >= 3: 4, 3, 4, 10 -> 2 + 1 + 2 + 8 = 13; 9 * 13 = 117; 127
    #   2/10 * 299 = 59.8; denominator 30 * 29 - (12 + 6) = 852; D_e = 59.8/852
    # alpha_u = 1 - (52/600) * (852/59.8) = 1 - 44304/35880 = -351/1495
    units: list[list[tuple[int, int]]] = [[(2, 6)], [(3, 6)], []]
    assert unitizing_alpha([(0, 10)], units) == pytest.approx(-351 / 1495)
    assert reference.alpha_u([(0, 10)], units) == Fraction(-351, 1495)


_observer_units = st.lists(st.tuples(st.integers(0, 29), st.integers(1, 8)), max_size=4)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=3),
       st.lists(st.lists(_observer_units, min_size=1, max_size=3), min_size=3, max_size=4))
def test_production_equals_the_reference_for_three_and_four_observers(
        section_lengths: list[int], drawn: list[list[list[tuple[int, int]]]]) -> None:
    # sections laid end to end; observer i's units in section s start at its begin + offset,
    # clipped to the section (units may touch, overlap each other, or cover a whole section)
    sections, position = [], 0
    for length in section_lengths:
        sections.append((position, position + length))
        position += length
    observers = [[(begin + start, min(end, begin + start + size))
                  for (begin, end), units in zip(sections, per_section, strict=False)
                  for start, size in units if start < end - begin]
                 for per_section in drawn]
    tally = UnitizingTally(len(observers))
    for begin, end in sections:
        tally.add_section(begin, end, [[u for u in units if begin <= u[0] < end]
                                       for units in observers])
    observed, expected = reference.disagreements(sections, observers)
    assert tally.observed() == pytest.approx(float(observed), abs=1e-12)
    assert tally.expected() == pytest.approx(float(expected), abs=1e-12)
    alpha = reference.alpha_u(sections, observers)
    if alpha is None:
        assert tally.alpha() is None
    else:
        assert tally.alpha() == pytest.approx(float(alpha), rel=1e-9, abs=1e-9)
