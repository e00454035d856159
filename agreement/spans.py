"""Span agreement: matching two annotators' spans and precision / recall / F1.

One annotator is taken as the reference. A span of the other annotator is a
true positive when it is matched to a reference span of the same label; the
matching is one-to-one:

* **exact**: same label and the same fragments;
* **overlap**: same label, at least one shared character, and
  ``overlap / union >= min_ratio`` where both are counted in characters over
  all fragments (``min_ratio = 0``: any shared character is enough).

Among the candidate pairs, the one-to-one matching is either the Hungarian
assignment (:func:`scipy.optimize.linear_sum_assignment`) that first maximises
the number of matched pairs and then their total overlap ratio, or greedy by
largest overlap ratio (ties: longer overlap, then earlier spans).

Precision = matched / other spans, recall = matched / reference spans,
F1 = 2 matched / (reference + other), which does not depend on which annotator
is the reference.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from storage.views import SpanLike

MATCHING_METHODS = ("hungarian", "greedy")

S = TypeVar("S", bound=SpanLike)


def merged(fragments: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments sorted, empty ones dropped and overlapping ones merged."""
    result: list[list[int]] = []
    for start, end in sorted(fragments):
        if end <= start:
            continue
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(a, b) for a, b in result]


def char_length(fragments: Sequence[tuple[int, int]]) -> int:
    """How many characters the fragments cover."""
    return sum(end - start for start, end in merged(fragments))


def overlap_length(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> int:
    """How many characters two fragment lists share."""
    return _shared(merged(first), merged(second))


def overlap_ratio(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> float:
    """Shared characters over the characters covered by either (0 when disjoint)."""
    shared = overlap_length(first, second)
    union = char_length(first) + char_length(second) - shared
    return shared / union if union else 0.0


@dataclass
class MatchCounts:
    """Matched, reference and other span counts, summable over documents and labels."""

    matched: int = 0
    reference: int = 0
    other: int = 0

    def add(self, other: MatchCounts) -> None:
        self.matched += other.matched
        self.reference += other.reference
        self.other += other.other

    @property
    def precision(self) -> float | None:
        return self.matched / self.other if self.other else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        total = self.reference + self.other
        return 2 * self.matched / total if total else None

    def as_dict(self) -> dict[str, int | float | None]:
        return {"matched": self.matched, "reference": self.reference, "other": self.other,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


def exact_matches(reference: Sequence[SpanLike], other: Sequence[SpanLike]) -> int:
    """How many spans match one-to-one with the same label and the same fragments."""
    def key(span: SpanLike) -> tuple[str, tuple[tuple[int, int], ...]]:
        return span.label, tuple(merged(span.fragments))

    return sum((Counter(map(key, reference)) & Counter(map(key, other))).values())


def match_spans(reference: Sequence[S], other: Sequence[S], min_ratio: float = 0.0,
                method: str = "hungarian") -> list[tuple[S, S]]:
    """One-to-one overlap matching of same-label spans (see the module docstring).

    Returns:
        (reference span, other span) pairs, in reference order.

    Raises:
        ValueError: for an unknown ``method`` or a ratio outside [0, 1].
    """
    if method not in MATCHING_METHODS:
        raise ValueError(f"unknown matching method '{method}' "
                         f"(choose from {', '.join(MATCHING_METHODS)})")
    if not 0.0 <= min_ratio <= 1.0:
        raise ValueError(f"minimum overlap ratio {min_ratio} is not between 0 and 1")
    by_label: dict[str, tuple[list[S], list[S]]] = defaultdict(lambda: ([], []))
    for span in reference:
        by_label[span.label][0].append(span)
    for span in other:
        by_label[span.label][1].append(span)
    pairs: list[tuple[S, S]] = []
    for refs, others in by_label.values():
        if refs and others:
            pairs.extend(_match_label(refs, others, min_ratio, method))
    order = {id(span): index for index, span in enumerate(reference)}
    pairs.sort(key=lambda pair: order[id(pair[0])])
    return pairs


def _shared(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> int:
    """Characters shared by two merged (sorted, disjoint) fragment lists."""
    shared = i = j = 0
    while i < len(first) and j < len(second):
        shared += max(0, min(first[i][1], second[j][1]) - max(first[i][0], second[j][0]))
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return shared


def _match_label(refs: list[S], others: list[S], min_ratio: float,
                 method: str) -> list[tuple[S, S]]:
    ref_pieces = [merged(span.fragments) for span in refs]
    other_pieces = [merged(span.fragments) for span in others]
    ref_lengths = [sum(b - a for a, b in p) for p in ref_pieces]
    other_lengths = [sum(b - a for a, b in p) for p in other_pieces]
    ratios = np.zeros((len(refs), len(others)))
    shared = np.zeros((len(refs), len(others)), dtype=np.int64)
    for i, ref in enumerate(ref_pieces):
        if not ref:
            continue
        for j, oth in enumerate(other_pieces):
            if not oth or oth[0][0] >= ref[-1][1] or ref[0][0] >= oth[-1][1]:
                continue  # extents apart: nothing shared
            common = _shared(ref, oth)
            if common == 0:
                continue
            ratio = common / (ref_lengths[i] + other_lengths[j] - common)
            if ratio >= min_ratio:
                ratios[i, j] = ratio
                shared[i, j] = common
    candidate = shared > 0
    if not candidate.any():
        return []
    if method == "greedy":
        cells = sorted(zip(*np.nonzero(candidate), strict=True),
                       key=lambda c: (-ratios[c], -shared[c], c[0], c[1]))
        used_refs: set[int] = set()
        used_others: set[int] = set()
        chosen = []
        for i, j in cells:
            if i not in used_refs and j not in used_others:
                used_refs.add(int(i))
                used_others.add(int(j))
                chosen.append((int(i), int(j)))
    else:
        # A matching with more pairs always weighs more: each pair is worth 1 plus
        # its ratio scaled below 1 / (largest possible number of pairs).
        most = min(len(refs), len(others))
        weights = np.where(candidate, 1.0 + ratios / (most + 1), 0.0)
        rows, cols = linear_sum_assignment(weights, maximize=True)
        chosen = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if candidate[i, j]]
    return [(refs[i], others[j]) for i, j in chosen]
