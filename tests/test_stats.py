"""Clopper-Pearson bounds: published values, closed forms, and the defining tail equations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.verdicts.stats import (
    _regularized_beta,
    cells_needed_for_bound,
    clopper_pearson,
    prevalence_upper_bound,
)

# Reference values agree with R's binom.test and scipy.stats.beta.ppf to the digits shown.
KNOWN = [
    (0, 100, 0.95, 0.0, 0.0362167),
    (1, 100, 0.95, 0.000253146, 0.0544594),
    (5, 100, 0.95, 0.0164319, 0.1128349),
    (10, 1000, 0.99, 0.00372678, 0.0212761),
    (100, 100, 0.95, 0.9637833, 1.0),
    (0, 1, 0.95, 0.0, 0.975),
    (1, 1, 0.95, 0.025, 1.0),
]


@pytest.mark.parametrize(("k", "n", "confidence", "lower", "upper"), KNOWN)
def test_known_values(k: int, n: int, confidence: float, lower: float, upper: float) -> None:
    got = clopper_pearson(k, n, confidence)
    assert got[0] == pytest.approx(lower, abs=1e-7, rel=1e-6)
    assert got[1] == pytest.approx(upper, abs=1e-7, rel=1e-6)


def test_zero_hits_upper_bound_is_the_closed_form() -> None:
    for n in (1, 7, 100, 10**6):
        assert clopper_pearson(0, n)[1] == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-12)
        assert prevalence_upper_bound(n) == clopper_pearson(0, n)[1]


def test_all_hits_lower_bound_is_the_closed_form() -> None:
    assert clopper_pearson(50, 50, 0.9) == pytest.approx((0.05 ** (1 / 50), 1.0), rel=1e-12)


def test_prevalence_bound_is_two_sided_not_one_sided() -> None:
    # A one-sided 95 % bound (alpha, not alpha/2) would be smaller: 1 - 0.05**(1/100) = 0.0295.
    assert prevalence_upper_bound(100) > 1 - 0.05 ** (1 / 100)
    assert prevalence_upper_bound(100) == pytest.approx(0.0362167, rel=1e-6)


def test_no_observations_carry_no_information() -> None:
    assert clopper_pearson(0, 0) == (0.0, 1.0)
    assert prevalence_upper_bound(0) == 1.0


@pytest.mark.parametrize(
    ("k", "n", "confidence", "error"),
    [
        (-1, 10, 0.95, ValueError),
        (11, 10, 0.95, ValueError),
        (0, -1, 0.95, ValueError),
        (1, 10, 0.0, ValueError),
        (1, 10, 1.0, ValueError),
        (1, 10, 95.0, ValueError),
        (1.0, 10, 0.95, TypeError),
        (True, 10, 0.95, TypeError),
    ],
)
def test_invalid_arguments(k: object, n: int, confidence: float, error: type[Exception]) -> None:
    with pytest.raises(error):
        clopper_pearson(k, n, confidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "a", "b", "expected"),
    [
        (0.5, 3.0, 3.0, 0.5),  # symmetry
        (0.3, 1.0, 4.0, 1 - 0.7**4),  # I_x(1, b) = 1 - (1-x)^b
        (0.3, 4.0, 1.0, 0.3**4),  # I_x(a, 1) = x^a
        (0.9, 1.0, 1.0, 0.9),  # uniform
        (0.0, 2.0, 5.0, 0.0),
        (1.0, 2.0, 5.0, 1.0),
    ],
)
def test_regularized_beta_closed_forms(x: float, a: float, b: float, expected: float) -> None:
    assert _regularized_beta(x, a, b) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def _binomial_tail_at_least(k: int, n: int, p: float) -> float:
    return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=300),
    data=st.data(),
    confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_bounds_solve_the_defining_tail_equations(
    n: int, data: st.DataObject, confidence: float
) -> None:
    # The CP bounds are where each binomial tail equals alpha/2; checked by exact summation.
    k = data.draw(st.integers(min_value=1, max_value=n - 1))
    lower, upper = clopper_pearson(k, n, confidence)
    tail = (1 - confidence) / 2
    assert _binomial_tail_at_least(k, n, lower) == pytest.approx(tail, rel=1e-8)
    assert 1 - _binomial_tail_at_least(k + 1, n, upper) == pytest.approx(tail, rel=1e-8)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=10**7),
    fraction=st.floats(min_value=0.0, max_value=1.0),
    confidence=st.floats(min_value=0.5, max_value=0.9999),
)
def test_interval_is_inside_unit_and_contains_estimate(
    n: int, fraction: float, confidence: float
) -> None:
    k = round(fraction * n)
    lower, upper = clopper_pearson(k, n, confidence)
    assert 0.0 <= lower <= k / n <= upper <= 1.0
    assert lower < upper


@settings(max_examples=80, deadline=None)
@given(k=st.integers(min_value=0, max_value=500), extra=st.integers(min_value=0, max_value=10**5))
def test_bounds_shrink_as_n_grows(k: int, extra: int) -> None:
    n = k + extra + 1
    lo1, up1 = clopper_pearson(k, n)
    lo2, up2 = clopper_pearson(k, n + 1)
    assert up2 < up1
    assert lo2 <= lo1


@settings(max_examples=80, deadline=None)
@given(n=st.integers(min_value=2, max_value=10**5), data=st.data())
def test_bounds_grow_with_k_and_widen_with_confidence(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    lo1, up1 = clopper_pearson(k, n)
    lo2, up2 = clopper_pearson(k + 1, n)
    assert lo2 > lo1
    assert up2 > up1
    wide = clopper_pearson(k, n, 0.99)
    assert wide[0] <= lo1
    assert wide[1] > up1


@settings(max_examples=80, deadline=None)
@given(n=st.integers(min_value=1, max_value=10**6))
def test_prevalence_bound_is_strictly_decreasing(n: int) -> None:
    assert prevalence_upper_bound(n + 1) < prevalence_upper_bound(n)


@pytest.mark.parametrize(
    ("p", "confidence", "expected"),
    [
        (0.01, 0.95, 368),  # 367 cells still leave the bound at 0.010001
        (0.05, 0.95, 72),
        (0.5, 0.95, 6),
        (0.975, 0.95, 1),
    ],
)
def test_cells_needed_for_bound(p: float, confidence: float, expected: int) -> None:
    assert cells_needed_for_bound(p, confidence) == expected


@settings(max_examples=100, deadline=None)
@given(
    p=st.floats(min_value=1e-7, max_value=0.999),
    confidence=st.sampled_from([0.5, 0.9, 0.95, 0.99, 0.999]),
)
def test_cells_needed_is_the_smallest_sufficient_n(p: float, confidence: float) -> None:
    n = cells_needed_for_bound(p, confidence)
    assert prevalence_upper_bound(n, confidence) <= p
    assert n == 1 or prevalence_upper_bound(n - 1, confidence) > p


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.5])
def test_cells_needed_rejects_impossible_targets(p: float) -> None:
    with pytest.raises(ValueError):
        cells_needed_for_bound(p)
