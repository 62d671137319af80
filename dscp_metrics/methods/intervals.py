"""Confidence intervals attached to every figure (indicators.md, "Statistics attached to every figure").

Each function is a published method, vectorised with numpy: pass scalars and get
floats back, or pass arrays and get arrays back. Missing inputs (NaN / None) give
missing outputs; impossible inputs raise a ``ParameterError`` in words.

* a ``%``: Wilson score interval (as Fingertips and PHEindicatormethods);
* a ``count``: the exact (chi-square) Poisson interval below 10, Byar's method from 10;
* a ``mean``: Student's t interval, as PHEindicatormethods ``phe_mean``.
"""

from __future__ import annotations

import numpy as np

from .numeric import (
    DEFAULT_CONFIDENCE, as_float, as_result, check_counts, check_proportion_inputs, is_scalar, special, z_value,
)

EXACT_POISSON_BELOW = 10  # counts below this use the exact interval (PHEindicatormethods convention)


def wilson_interval(numerator, denominator, confidence: float = DEFAULT_CONFIDENCE):
    """Wilson score interval for a proportion, as proportions between 0 and 1.

    Source: Wilson EB (1927) J Am Stat Assoc 22:209-212; Newcombe RG, Altman DG, in
    *Statistics with confidence* (2nd edn, 2000) pp 46-48; implemented as
    PHEindicatormethods ``wilson_lower`` / ``wilson_upper`` (``phe_proportion`` with
    ``multiplier = 1``), the method Fingertips uses for proportions::

        lower, upper = (2x + z² ∓ z·sqrt(z² + 4x(1 − x/n))) / (2(n + z²))

    A denominator of 0 gives NaN, NaN (the figure has no value). Returns ``(lower, upper)``.
    """
    scalar = is_scalar(numerator, denominator)
    x, n = as_float(numerator), as_float(denominator)
    check_proportion_inputs(x, n)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_safe = np.where(n > 0, n, np.nan)
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n_safe))
        centre = 2 * x + z**2
        scale = 2 * (n_safe + z**2)
        lower, upper = (centre - spread) / scale, (centre + spread) / scale
    return as_result(lower, scalar), as_result(upper, scalar)


def proportion_ci_percent(numerator, denominator, confidence: float = DEFAULT_CONFIDENCE):
    """Wilson score interval (see ``wilson_interval``) expressed in percent, 0 to 100."""
    lower, upper = wilson_interval(numerator, denominator, confidence)
    return lower * 100, upper * 100


def byar_interval(count, confidence: float = DEFAULT_CONFIDENCE):
    """Byar's approximation to the Poisson interval for a count.

    Source: Breslow NE, Day NE, *Statistical methods in cancer research* vol II (IARC,
    1987); as PHEindicatormethods ``byars_lower`` / ``byars_upper`` and the Fingertips
    technical guide (Rates)::

        lower = O (1 − 1/(9O) − z/(3√O))³
        upper = (O+1) (1 − 1/(9(O+1)) + z/(3√(O+1)))³

    Accurate from about 10 events; below that use ``count_interval``. As in
    PHEindicatormethods, a count of 0 has no Byar lower limit (NaN).
    """
    scalar = is_scalar(count)
    o = as_float(count)
    check_counts(o, "counts")
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        o_pos = np.where(o > 0, o, np.nan)
        lower = o_pos * (1 - 1 / (9 * o_pos) - z / (3 * np.sqrt(o_pos))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return as_result(lower, scalar), as_result(upper, scalar)


# The exact 95% limits for counts 0 to 9 (the counts `count_interval` gives the exact
# method), from the formula below (scipy.stats.chi2); tests/test_stats.py checks them
# against scipy. They spare the `dscp indicators` process scipy's import time.
EXACT_POISSON_95 = (
    (0.0, 3.6888794541139354),
    (0.025317807984289876, 5.571643390938898),
    (0.24220927854396496, 7.22468766772396),
    (0.6186721228956014, 8.767273069742323),
    (1.0898653736263249, 10.241588675403694),
    (1.6234863901184207, 11.66833207932267),
    (2.2018942534908508, 13.059474022518685),
    (2.8143630515198654, 14.422675361702376),
    (3.4538321767485014, 15.763189220193313),
    (4.115373097378334, 17.084803451419166),
)


def exact_poisson_interval(count, confidence: float = DEFAULT_CONFIDENCE):
    """Exact (Garwood) Poisson interval for a count, by its link to the chi-square distribution.

    Source: Armitage P, Berry G, *Statistical methods in medical research* (4th edn, 2002);
    Fingertips technical guide (Rates), PHEindicatormethods ``phe_rate`` for counts < 10::

        lower = χ²(α/2; 2O) / 2      (0 when O = 0)
        upper = χ²(1 − α/2; 2O + 2) / 2
    """
    scalar = is_scalar(count)
    o = as_float(count)
    check_counts(o, "counts")
    alpha = 1 - confidence
    z_value(confidence)  # validates confidence
    in_table = np.isin(o, np.arange(len(EXACT_POISSON_95)))
    if confidence == DEFAULT_CONFIDENCE and in_table[~np.isnan(o)].all():
        index = np.where(in_table, o, 0).astype(int)
        table = np.asarray(EXACT_POISSON_95)
        lower = np.where(in_table, table[index, 0], np.nan)
        upper = np.where(in_table, table[index, 1], np.nan)
        return as_result(lower, scalar), as_result(upper, scalar)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, special.chdtri(2 * np.where(o > 0, o, 1), 1 - alpha / 2) / 2, 0.0)
        lower = np.where(np.isnan(o), np.nan, lower)
        upper = special.chdtri(2 * o + 2, alpha / 2) / 2  # chi-square quantile 1 - alpha/2
    return as_result(lower, scalar), as_result(upper, scalar)


def count_interval(count, confidence: float = DEFAULT_CONFIDENCE):
    """The interval attached to a count: exact Poisson below 10, Byar's method from 10.

    Source: PHEindicatormethods ``phe_rate`` / Fingertips technical guide (Rates):
    "Where the observed number of events is less than 10, the χ² exact method should be used".
    """
    scalar = is_scalar(count)
    o = as_float(count)
    small = np.where(o < EXACT_POISSON_BELOW, o, 0)  # only the counts that use the exact method
    exact_lower, exact_upper = exact_poisson_interval(np.where(np.isnan(o), np.nan, small), confidence)
    byar_lower, byar_upper = byar_interval(o, confidence)
    use_exact = o < EXACT_POISSON_BELOW
    lower = np.where(use_exact, exact_lower, byar_lower)
    upper = np.where(use_exact, exact_upper, byar_upper)
    return as_result(lower, scalar), as_result(upper, scalar)


# --- comparison with a benchmark -------------------------------------------------------------------


def t_interval(total, sum_of_squares, n, confidence: float = DEFAULT_CONFIDENCE):
    """Student's t interval of a mean from the sum, the sum of squares and the number of values.

    Source: PHEindicatormethods ``phe_mean`` (Fingertips technical guide, "Means")::

        mean ± t(1 − α/2, n − 1) × s / √n,   s² = (Σx² − (Σx)²/n) / (n − 1)

    With fewer than 2 values there is no interval (NaN, NaN).
    """
    scalar = is_scalar(total, sum_of_squares, n)
    x, xx, count = as_float(total), as_float(sum_of_squares), as_float(n)
    z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        enough = count >= 2
        n_safe = np.where(enough, count, 2)
        mean = x / n_safe
        variance = np.clip((xx - x * x / n_safe) / (n_safe - 1), 0, None)
        quantile = special.stdtrit(n_safe - 1, 1 - (1 - confidence) / 2)
        half = quantile * np.sqrt(variance / n_safe)
        lower = np.where(enough, mean - half, np.nan)
        upper = np.where(enough, mean + half, np.nan)
    return as_result(lower, scalar), as_result(upper, scalar)
