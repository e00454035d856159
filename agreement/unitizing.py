"""Krippendorff's unitizing alpha (alpha_u) for one category on a continuum.

The measure (Krippendorff 1995, "On the reliability of unitizing continuous
data", Sociological Methodology 25, in the form given in Krippendorff 2004,
*Content Analysis*, 2nd ed.) asks how well ``m`` observers agree on *where*
units of one category lie on a continuum of length ``L`` (here: characters).

Each observer's continuum is cut into *segments*: their units of the category
(value 1) and the gaps between them (value 0). Two segments ``g`` (observer i,
begin ``b_g``, length ``l_g``) and ``h`` (observer j) differ by

* both units and overlapping:  ``(b_g - b_h)**2 + (e_g - e_h)**2`` (``e`` = end);
* ``g`` a unit lying inside the gap ``h``: ``l_g**2`` (and symmetrically);
* otherwise 0 (disjoint segments, two gaps, a unit only partly in a gap).

Observed disagreement, over ordered pairs of observers::

    D_o = sum_{i != j} sum_g sum_h delta2(g, h) / (m (m - 1) L**2)

Expected disagreement, from every way the same units and gaps could be laid
out (``N`` = number of units of all observers, sums over all observers' units
``g`` and gaps ``h``)::

    D_e = 2/L * sum_g [ (N - 1)/3 * (2 l_g**3 - 3 l_g**2 + l_g)
                        + l_g**2 * sum_{h gap, l_h >= l_g} (l_h - l_g + 1) ]
          / ( m L (m L - 1) - sum_g l_g (l_g - 1) )

and ``alpha_u = 1 - D_o / D_e``. Several categories are pooled as
``1 - sum D_o / sum D_e``.

A corpus is one continuum made of its documents (``sections``): a gap never
runs across a document boundary, because no unit can. An observer's units of
one category may not overlap; overlapping ones are merged first (units that
only touch stay apart).

Everything is summed in integers, so :class:`UnitizingTally` can be filled one
document at a time and read at the end.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

Interval = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """A stretch of one observer's continuum: a unit of the category or a gap."""

    begin: int
    end: int
    unit: bool

    @property
    def length(self) -> int:
        return self.end - self.begin


def delta2(first: Segment, second: Segment) -> int:
    """The squared difference between two observers' segments (see the module docstring)."""
    if first.unit and second.unit:
        if first.begin < second.end and second.begin < first.end:
            return (first.begin - second.begin) ** 2 + (first.end - second.end) ** 2
        return 0
    if first.unit and second.begin <= first.begin and first.end <= second.end:
        return first.length ** 2
    if second.unit and first.begin <= second.begin and second.end <= first.end:
        return second.length ** 2
    return 0


def merge_units(units: Iterable[Interval], begin: int, end: int) -> list[Interval]:
    """Clips units to ``[begin, end)``, drops empty ones and merges overlapping ones."""
    merged: list[list[int]] = []
    for start, stop in sorted((max(a, begin), min(b, end)) for a, b in units):
        if stop <= start:
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(a, b) for a, b in merged]


def segments(units: Iterable[Interval], begin: int, end: int) -> list[Segment]:
    """One observer's section ``[begin, end)`` cut into units and the gaps between them."""
    result = []
    position = begin
    for start, stop in merge_units(units, begin, end):
        if start > position:
            result.append(Segment(position, start, False))
        result.append(Segment(start, stop, True))
        position = stop
    if position < end:
        result.append(Segment(position, end, False))
    return result


def _pair_disagreement(first: Sequence[Segment], second: Sequence[Segment]) -> int:
    """Sum of delta2 over the overlapping segments of two observers (one direction)."""
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        total += delta2(first[i], second[j])
        if first[i].end <= second[j].end:
            i += 1
        else:
            j += 1
    return total


@dataclass
class UnitizingTally:
    """Running sums for alpha_u of one category and a fixed number of observers.

    Attributes:
        observers: m, the number of observers (at least 2).
        length: L, the total length of the sections added so far.
        disagreement: sum of delta2 over ordered pairs of observers.
        unit_lengths: how many units of each length all observers marked.
        gap_lengths: how many gaps of each length all observers left.
    """

    observers: int
    length: int = 0
    disagreement: int = 0
    unit_lengths: Counter[int] = field(default_factory=Counter)
    gap_lengths: Counter[int] = field(default_factory=Counter)

    def add_section(self, begin: int, end: int,
                    units_by_observer: Sequence[Iterable[Interval]]) -> None:
        """Adds one section (a document) with each observer's units in it.

        Raises:
            ValueError: when the number of observers differs from :attr:`observers`.
        """
        if len(units_by_observer) != self.observers:
            raise ValueError(f"expected units of {self.observers} observers, "
                             f"got {len(units_by_observer)}")
        if end <= begin:
            return
        self.length += end - begin
        cut = [segments(units, begin, end) for units in units_by_observer]
        for observer_segments in cut:
            for segment in observer_segments:
                (self.unit_lengths if segment.unit else self.gap_lengths)[segment.length] += 1
        for i in range(self.observers):
            for j in range(i + 1, self.observers):
                # delta2 is symmetric: each unordered pair counts for both orders
                self.disagreement += 2 * _pair_disagreement(cut[i], cut[j])

    def observed(self) -> float | None:
        """D_o, or None for an empty continuum."""
        if self.length == 0 or self.observers < 2:
            return None
        return self.disagreement / (self.observers * (self.observers - 1) * self.length ** 2)

    def expected(self) -> float | None:
        """D_e, or None when it is undefined (an empty continuum)."""
        if self.length == 0 or self.observers < 2:
            return None
        unit_count = sum(self.unit_lengths.values())
        gap_sizes = sorted(self.gap_lengths)
        # suffix sums over gap lengths >= l: how many gaps, and their total length
        counts = [self.gap_lengths[g] for g in gap_sizes]
        totals = [self.gap_lengths[g] * g for g in gap_sizes]
        count_suffix = [*list(accumulate(reversed(counts)))[::-1], 0]
        total_suffix = [*list(accumulate(reversed(totals)))[::-1], 0]
        numerator = 0  # 3 times the bracketed sum, to stay in integers
        squared = 0
        for size, how_many in self.unit_lengths.items():
            first = bisect.bisect_left(gap_sizes, size)
            placements = total_suffix[first] - (size - 1) * count_suffix[first]
            numerator += how_many * ((unit_count - 1) * size * (size - 1) * (2 * size - 1)
                                     + 3 * size * size * placements)
            squared += how_many * size * (size - 1)
        total = self.observers * self.length
        denominator = total * (total - 1) - squared
        if denominator <= 0:
            return None
        return 2 * numerator / (3 * self.length * denominator)

    def alpha(self) -> float | None:
        """alpha_u, or None when nobody marked a unit (D_e = 0) or the continuum is empty."""
        return alpha_from(self.observed(), self.expected())


def alpha_from(observed: float | None, expected: float | None) -> float | None:
    """``1 - D_o / D_e``; None when either is undefined or D_e is 0."""
    if observed is None or expected is None or expected == 0:
        return None
    return 1.0 - observed / expected


def pooled_alpha(tallies: Iterable[UnitizingTally]) -> float | None:
    """alpha_u over several categories: ``1 - sum D_o / sum D_e``."""
    observed = expected = 0.0
    seen = False
    for tally in tallies:
        d_o, d_e = tally.observed(), tally.expected()
        if d_o is None or d_e is None:
            continue
        observed += d_o
        expected += d_e
        seen = True
    return alpha_from(observed, expected) if seen else None


def unitizing_alpha(sections: Sequence[Interval],
                    units_by_observer: Sequence[Sequence[Interval]]) -> float | None:
    """alpha_u of one category: ``units_by_observer[i]`` are observer i's (begin, end) units.

    ``sections`` are the (begin, end) pieces of the continuum, e.g. one per document;
    a unit belongs to the section that contains its begin.
    """
    tally = UnitizingTally(len(units_by_observer))
    for begin, end in sections:
        tally.add_section(begin, end, [[u for u in units if begin <= u[0] < end]
                                       for units in units_by_observer])
    return tally.alpha()
