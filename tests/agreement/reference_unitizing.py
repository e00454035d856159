"""A second, deliberately naive alpha_u for the tests, transcribed from Krippendorff's text.

Krippendorff (2004), *Content Analysis*, 2nd ed. (after Krippendorff 1995, "On the
reliability of unitizing continuous data"; the book's worked example is checked in
test_unitizing.py), for one category, m observers and a continuum of length L:

* every observer's continuum is a sequence of segments, units of the category and gaps;
* two segments g (observer i) and h (observer j != i) differ by delta2(g, h): for two
  overlapping units (b_g - b_h)^2 + (e_g - e_h)^2; for a unit lying wholly inside a gap
  the unit's length squared; 0 otherwise;
* D_o = sum over ordered observer pairs i != j, g of i, h of j, of delta2 / (m (m - 1) L^2);
* D_e = 2/L * sum over units g of [ (N - 1)/3 (2 l_g^3 - 3 l_g^2 + l_g)
                                     + l_g^2 * sum over gaps h with l_h >= l_g of (l_h - l_g + 1) ]
        / (m L (m L - 1) - sum over units g of l_g (l_g - 1)),
  N the number of units of all observers, gaps of all observers;
* alpha_u = 1 - D_o / D_e; several categories: 1 - sum D_o / sum D_e.

This is not the algorithm of agreement.unitizing: each observer's continuum is first written
out character by character (which of the observer's units covers the character, None in a
gap; units that share a character become one, touching units stay two), segments are read
back as runs of equal marks that never cross a section (document) boundary, the
containment and overlap conditions are tested on sets of characters, every sum runs over
every pair literally, and the arithmetic is exact (fractions).

(A per-character coincidence count, i.e. nominal alpha with characters as items, is a
different measure: it gives 0.498 on the book's example, not the book's 0.7286.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Interval = tuple[int, int]


@dataclass(frozen=True)
class Run:
    """A maximal stretch of equal marks: a unit (``unit``) or a gap."""

    begin: int
    end: int
    unit: bool

    @property
    def length(self) -> int:
        return self.end - self.begin

    @property
    def characters(self) -> set[int]:
        return set(range(self.begin, self.end))


def marks(sections: Sequence[Interval], units: Sequence[Interval]) -> dict[int, int | None]:
    """Character -> the number of the observer's unit covering it (None: a gap)."""
    mark: dict[int, int | None] = {x: None for begin, end in sections for x in range(begin, end)}
    for number, (begin, end) in enumerate(units):
        covered = [x for x in range(begin, end) if x in mark]
        joined = {mark[x] for x in covered} - {None}
        for x, value in mark.items():  # a unit sharing characters with others joins them
            if value in joined:
                mark[x] = number
        for x in covered:
            mark[x] = number
    return mark


def runs(sections: Sequence[Interval], units: Sequence[Interval]) -> list[Run]:
    """One observer's segments: runs of equal marks, cut at every section boundary."""
    mark = marks(sections, units)
    result = []
    for begin, end in sections:
        start = begin
        for x in range(begin + 1, end + 1):
            if x == end or mark[x] != mark[start]:
                result.append(Run(start, x, mark[start] is not None))
                start = x
    return result


def difference(g: Run, h: Run) -> int:
    """delta2 of two segments of different observers."""
    if g.unit and h.unit:
        if g.characters & h.characters:
            return (g.begin - h.begin) ** 2 + (g.end - h.end) ** 2
        return 0
    if g.unit and not h.unit and g.characters <= h.characters:
        return g.length ** 2
    if h.unit and not g.unit and h.characters <= g.characters:
        return h.length ** 2
    return 0


def disagreements(sections: Sequence[Interval], units_by_observer: Sequence[Sequence[Interval]]
                  ) -> tuple[Fraction, Fraction]:
    """(D_o, D_e) of one category, exactly."""
    m = len(units_by_observer)
    length = sum(end - begin for begin, end in sections)
    segments = [runs(sections, units) for units in units_by_observer]
    observed_sum = sum(difference(g, h)
                       for i in range(m) for j in range(m) if i != j
                       for g in segments[i] for h in segments[j])
    observed = Fraction(observed_sum, m * (m - 1) * length ** 2)
    units = [g for observer in segments for g in observer if g.unit]
    gaps = [h for observer in segments for h in observer if not h.unit]
    n = len(units)
    bracket = sum(Fraction(n - 1, 3) * (2 * g.length ** 3 - 3 * g.length ** 2 + g.length)
                  + g.length ** 2 * sum(h.length - g.length + 1 for h in gaps
                                        if h.length >= g.length)
                  for g in units)
    denominator = m * length * (m * length - 1) - sum(g.length * (g.length - 1) for g in units)
    expected = Fraction(2, length) * bracket / denominator
    return observed, expected


def alpha_u(sections: Sequence[Interval],
            units_by_observer: Sequence[Sequence[Interval]]) -> Fraction | None:
    """alpha_u of one category (None when nobody marked anything: D_e = 0)."""
    observed, expected = disagreements(sections, units_by_observer)
    return None if expected == 0 else 1 - observed / expected


def pooled_alpha_u(sections: Sequence[Interval],
                   units_by_category: Sequence[Sequence[Sequence[Interval]]]) -> Fraction | None:
    """alpha_u over several categories: 1 - sum D_o / sum D_e."""
    pairs = [disagreements(sections, units) for units in units_by_category]
    expected = sum(e for _, e in pairs)
    return None if expected == 0 else 1 - sum(o for o, _ in pairs) / expected
