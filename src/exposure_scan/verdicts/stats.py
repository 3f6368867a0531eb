"""Exact binomial bounds for absence verdicts ("we looked at n cells and found k").

A scan that finds nothing has not proven absence: it has bounded the prevalence. The
Clopper-Pearson interval is the exact (conservative) interval for a binomial proportion, so a
verdict built on it never overstates what the sample shows.

The regularised incomplete beta function is computed here with Lentz's continued fraction and
inverted with safeguarded Newton steps, instead of depending on scipy for three functions.
For ``k = 0`` and ``k = n`` the bounds have closed forms, which are used directly.
"""

from __future__ import annotations

import math

__all__ = ["cells_needed_for_bound", "clopper_pearson", "prevalence_upper_bound"]

_TINY = 1e-300
_EPS = 1e-15


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided exact (Clopper-Pearson) interval for a proportion of ``k`` hits in ``n`` trials.

    Each tail holds ``(1 - confidence) / 2``. ``n == 0`` carries no information and returns
    ``(0.0, 1.0)``.
    """
    _check_confidence(confidence)
    for name, value in (("k", k), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an integer")
    if n < 0 or not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return 0.0, 1.0
    tail = (1.0 - confidence) / 2.0
    if k == 0:
        lower = 0.0
    elif k == n:
        lower = tail ** (1.0 / n)
    else:
        lower = _beta_quantile(tail, k, n - k + 1)
    if k == n:
        upper = 1.0
    elif k == 0:
        upper = -math.expm1(math.log(tail) / n)  # 1 - tail**(1/n), accurate for large n
    else:
        upper = _beta_quantile(1.0 - tail, k + 1, n - k)
    return lower, upper


def prevalence_upper_bound(n: int, confidence: float = 0.95) -> float:
    """Upper bound on the share of cells holding an entity when ``n`` cells showed none.

    This is the upper end of the *two-sided* Clopper-Pearson interval for ``k = 0``, i.e.
    ``1 - ((1 - confidence) / 2) ** (1 / n)``; it equals a one-sided bound at
    ``(1 + confidence) / 2`` and is slightly more conservative than the "rule of three".
    """
    return clopper_pearson(0, n, confidence)[1]


def cells_needed_for_bound(p: float, confidence: float = 0.95) -> int:
    """Fewest cells that, all clean, push :func:`prevalence_upper_bound` down to ``p`` or below.

    Solves ``1 - (alpha / 2) ** (1 / n) <= p`` for the smallest integer ``n`` (about
    ``3.69 / p`` at 95 %), then checks the neighbours against the bound itself so that float
    rounding in the closed form cannot give an off-by-one.
    """
    _check_confidence(confidence)
    if not 0.0 < p < 1.0:
        raise ValueError("p must be strictly between 0 and 1")
    tail = (1.0 - confidence) / 2.0
    n = max(1, math.ceil(math.log(tail) / math.log1p(-p)))
    while n > 1 and prevalence_upper_bound(n - 1, confidence) <= p:
        n -= 1
    while prevalence_upper_bound(n, confidence) > p:
        n += 1
    return n


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be strictly between 0 and 1")


def _log_beta_density(x: float, a: float, b: float, pa: float, pb: float) -> float:
    """log of x**pa (1-x)**pb / B(a, b): the CF prefactor (pa=a, pb=b) or the pdf (a-1, b-1)."""
    norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    return norm + pa * math.log(x) + pb * math.log1p(-x)


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of I_x(a, b) by the modified Lentz method.

    Converges quickly for ``x < (a + 1) / (a + b + 2)``; needs O(sqrt(max(a, b))) terms.
    """
    max_terms = 1000 + 20 * math.isqrt(int(max(a, b)) + 1)
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, max_terms + 1):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError("incomplete beta continued fraction did not converge")


def _regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the CDF of Beta(a, b) at ``x``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(_log_beta_density(x, a, b, a, b))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def _beta_quantile(q: float, a: float, b: float) -> float:
    """x with I_x(a, b) = q, by Newton steps kept inside a shrinking bisection bracket."""
    lo, hi = 0.0, 1.0
    x = a / (a + b)
    for _ in range(300):
        f = _regularized_beta(x, a, b) - q
        if f == 0.0:
            return x
        if f > 0.0:
            hi = x
        else:
            lo = x
        density = math.exp(_log_beta_density(x, a, b, a - 1.0, b - 1.0))
        step = f / density if density > 0.0 else math.inf
        candidate = x - step
        if not lo < candidate < hi:
            candidate = (lo + hi) / 2.0
        if abs(candidate - x) <= 1e-15 * max(x, 1e-300) or hi - lo <= 1e-300:
            return candidate
        x = candidate
    return x
