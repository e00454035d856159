"""Chance-corrected agreement coefficients on nominal codes.

Codes are small non-negative integers (a token's label code, an attribute
value's index). Every function returns None where the coefficient is
undefined (no items, or expected agreement 1: everybody used one code only),
never NaN, so results serialise to JSON ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.integer]


def _encode(*arrays: Codes) -> tuple[list[npt.NDArray[np.intp]], int]:
    """Maps the codes of several arrays onto 0..k-1 together; returns them and k."""
    values, inverse = np.unique(np.concatenate([np.asarray(a).ravel() for a in arrays]),
                                return_inverse=True)
    pieces, start = [], 0
    for array in arrays:
        size = np.asarray(array).size
        pieces.append(inverse[start:start + size].reshape(np.shape(array)))
        start += size
    return pieces, len(values)


def cohen_kappa(first: Codes, second: Codes) -> float | None:
    """Cohen's kappa of two raters' codes for the same items (Cohen 1960).

    ``kappa = (p_o - p_e) / (1 - p_e)``, with ``p_e`` from each rater's own code
    distribution.
    """
    first, second = np.asarray(first), np.asarray(second)
    if first.shape != second.shape:
        raise ValueError(f"raters coded different numbers of items: {first.size} and "
                         f"{second.size}")
    if first.size == 0:
        return None
    (a, b), k = _encode(first, second)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (a, b), 1)
    total = first.size
    observed = np.trace(confusion) / total
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / total ** 2
    if math.isclose(expected, 1.0):
        return None
    return float((observed - expected) / (1 - expected))


def fleiss_kappa(ratings: Codes) -> float | None:
    """Fleiss' kappa (Fleiss 1971) for ``ratings[rater, item]``, every rater coding every item.

    With ``n`` raters, ``n_ij`` raters giving item i code j, ``N`` items:
    ``P_i = (sum_j n_ij**2 - n) / (n (n - 1))``, ``p_j = sum_i n_ij / (N n)``,
    ``kappa = (mean P_i - sum p_j**2) / (1 - sum p_j**2)``.
    """
    ratings = np.asarray(ratings)
    if ratings.ndim != 2 or ratings.shape[0] < 2 or ratings.shape[1] == 0:
        return None
    raters, items = ratings.shape
    (codes,), k = _encode(ratings)
    table = np.zeros((items, k), dtype=np.int64)
    for rater in range(raters):
        np.add.at(table, (np.arange(items), codes[rater]), 1)
    per_item = ((table ** 2).sum(axis=1) - raters) / (raters * (raters - 1))
    shares = table.sum(axis=0) / (items * raters)
    expected = float((shares ** 2).sum())
    if math.isclose(expected, 1.0):
        return None
    return float((per_item.mean() - expected) / (1 - expected))


def nominal_alpha(ratings: Codes) -> float | None:
    """Krippendorff's alpha, nominal, for ``ratings[rater, item]``, every rater coding every item.

    From the coincidence matrix ``o`` (Krippendorff 2011, "Computing Krippendorff's
    alpha-reliability"): each item with value counts ``n_u`` (``m`` raters) adds
    ``(n_u n_u^T - diag(n_u)) / (m - 1)``; with ``n_c`` the row sums of ``o`` and
    ``n`` their total, ``alpha = 1 - (n - 1) sum_{c != k} o_ck / sum_{c != k} n_c n_k``.
    With every item coded by all ``m`` raters the sum is one matrix product,
    ``(N^T N - diag(sum_u n_u)) / (m - 1)`` over the item-by-code count matrix ``N``,
    so a million tokens cost a fraction of a second (the ``krippendorff`` package
    builds an items x codes x codes array instead); the tests check both agree.
    None when fewer than two distinct codes occur (alpha is undefined then).
    """
    ratings = np.asarray(ratings)
    if ratings.ndim != 2 or ratings.shape[0] < 2 or ratings.shape[1] == 0:
        return None
    raters, items = ratings.shape
    (codes,), k = _encode(ratings)
    if k < 2:
        return None
    counts = np.zeros((items, k), dtype=np.float64)
    for rater in range(raters):
        np.add.at(counts, (np.arange(items), codes[rater]), 1.0)
    coincidences = (counts.T @ counts - np.diag(counts.sum(axis=0))) / (raters - 1)
    marginals = coincidences.sum(axis=1)
    total = marginals.sum()
    disagreeing = coincidences.sum() - np.trace(coincidences)
    expected = total ** 2 - float((marginals ** 2).sum())
    if expected <= 0:
        return None
    return float(1.0 - (total - 1) * disagreeing / expected)


def observed_agreement(first: Sequence[object], second: Sequence[object]) -> float | None:
    """Share of items both raters coded the same (None for no items)."""
    if not first:
        return None
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def cohen_kappa_of_values(first: Sequence[object], second: Sequence[object]) -> float | None:
    """Cohen's kappa of two raters' values of any hashable type (None is a value too)."""
    index: dict[object, int] = {}
    a = np.array([index.setdefault(v, len(index)) for v in first], dtype=np.int64)
    b = np.array([index.setdefault(v, len(index)) for v in second], dtype=np.int64)
    return cohen_kappa(a, b)
