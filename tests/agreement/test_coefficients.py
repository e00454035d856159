"""Kappa and alpha against scikit-learn, statsmodels, the krippendorff package and by hand."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from agreement.coefficients import (
    cohen_kappa,
    cohen_kappa_of_values,
    fleiss_kappa,
    nominal_alpha,
    observed_agreement,
)


def test_cohen_kappa_by_hand_and_sklearn() -> None:
    # 10 items: a = 1 1 1 1 0 0 0 0 0 0, b = 1 1 1 0 1 0 0 0 0 0
    # p_o = 8/10; p_e = (4/10)(4/10) + (6/10)(6/10) = 0.52; kappa = 0.28/0.48 = 7/12
    a = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    b = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
    assert cohen_kappa(a, b) == pytest.approx(7 / 12)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=60))
def test_cohen_kappa_equals_sklearn(pairs: list[tuple[int, int]]) -> None:
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    ours = cohen_kappa(a, b)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # sklearn warns where kappa is undefined
        theirs = cohen_kappa_score(a, b)
    if np.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs)


def test_fleiss_kappa_by_hand_and_statsmodels() -> None:
    # 3 raters, 4 items; codes per item: (0,0,0), (1,1,1), (0,0,1), (1,0,1)
    # n_ij: [3,0], [0,3], [2,1], [1,2]; P_i = (sum n^2 - 3)/6: 1, 1, 1/3, 1/3 -> mean 2/3
    # p_0 = 6/12, p_1 = 6/12 -> P_e = 1/2; kappa = (2/3 - 1/2)/(1/2) = 1/3
    ratings = np.array([[0, 1, 0, 1], [0, 1, 0, 0], [0, 1, 1, 1]])
    assert fleiss_kappa(ratings) == pytest.approx(1 / 3)
    table, _ = aggregate_raters(ratings.T)
    assert fleiss_kappa(ratings) == pytest.approx(statsmodels_fleiss(table))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(lambda raters: st.lists(
    st.lists(st.integers(0, 2), min_size=raters, max_size=raters), min_size=1, max_size=40)))
def test_fleiss_kappa_equals_statsmodels(items: list[list[int]]) -> None:
    ratings = np.array(items).T  # ratings[rater, item]
    ours = fleiss_kappa(ratings)
    table, _ = aggregate_raters(ratings.T)
    with np.errstate(all="ignore"):
        theirs = statsmodels_fleiss(table)
    if np.isnan(theirs) or np.isinf(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs)


def test_nominal_alpha_by_hand() -> None:
    # 2 coders, 5 units: a = 0 0 1 1 1, b = 0 1 1 1 0. Pairable values n = 10.
    # Coincidences o_vv' (each unit adds both ordered pairs): units 1 (0,0): o00 += 2;
    # unit 2 (0,1): o01 += 1, o10 += 1; units 3, 4 (1,1): o11 += 4; unit 5 (1,0): o01, o10 += 1
    # o00 = 2, o01 = o10 = 2, o11 = 4; n_0 = 4, n_1 = 6.
    # D_o = o01 + o10 = 4 (over n = 10); D_e = n_0 n_1 * 2 / (n - 1) = 48 / 9
    # alpha = 1 - (n - 1) (o01 + o10) / (2 n_0 n_1) = 1 - 9 * 4 / 48 = 0.25
    ratings = np.array([[0, 0, 1, 1, 1], [0, 1, 1, 1, 0]])
    assert nominal_alpha(ratings) == pytest.approx(0.25)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(lambda raters: st.lists(
    st.lists(st.integers(0, 3), min_size=raters, max_size=raters), min_size=2, max_size=40)))
def test_nominal_alpha_equals_the_krippendorff_package(items: list[list[int]]) -> None:
    ratings = np.array(items).T
    ours = nominal_alpha(ratings)
    if len(np.unique(ratings)) < 2:
        assert ours is None
        return
    theirs = krippendorff.alpha(reliability_data=ratings.astype(float),
                                level_of_measurement="nominal")
    assert ours == pytest.approx(theirs)


def test_undefined_values_are_none_not_nan() -> None:
    constant = np.zeros((2, 5), dtype=int)
    assert cohen_kappa(constant[0], constant[1]) is None
    assert fleiss_kappa(np.zeros((3, 5), dtype=int)) is None
    assert nominal_alpha(constant) is None
    assert cohen_kappa(np.array([], dtype=int), np.array([], dtype=int)) is None
    assert observed_agreement([], []) is None


def test_kappa_of_values_treats_none_as_a_value() -> None:
    first = ["direct", "indirect", None, "direct"]
    second = ["direct", "indirect", "mixed", "direct"]
    assert observed_agreement(first, second) == 0.75
    assert cohen_kappa_of_values(first, second) == pytest.approx(
        cohen_kappa_score([str(v) for v in first], [str(v) for v in second]))


def test_mismatched_raters_are_refused() -> None:
    with pytest.raises(ValueError, match="different numbers of items"):
        cohen_kappa(np.array([1, 0]), np.array([1]))
