"""Comparing figures: with a benchmark, and between two periods (direction of travel)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .numeric import as_float, check_counts, check_proportion_inputs, is_scalar, special

SIGNIFICANCE_LEVEL = 0.05
POLARITIES = ("higher", "lower", "none")
UNITS = ("%", "count", "mean")

PROPORTION_TEST_METHOD = "two-proportion z-test (pooled), two-sided, 5%"
COUNT_TEST_METHOD = "exact conditional binomial test of two Poisson counts, two-sided, 5%"
MEAN_TEST_METHOD = "Welch's t-test of two means, two-sided, 5%"


def _check_choice(values: np.ndarray, allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted({str(v) for v in np.ravel(values)} - set(allowed))
    if unknown:
        raise ParameterError(f"unknown {what} {unknown[0]!r}; use one of {', '.join(allowed)}")


def compare_with_benchmark(lower, upper, benchmark, polarity):
    """Fingertips comparison of a figure's confidence interval with a benchmark's value.

    Source: Fingertips / PHE "Technical Guide: Confidence intervals" (comparison with a
    benchmark): the figure is significantly different when its interval excludes the
    benchmark's point value.

    * interval wholly above the benchmark (lower > benchmark): ``better`` when polarity
      is ``higher``, ``worse`` when ``lower``, ``higher`` when ``none``;
    * wholly below (upper < benchmark): ``worse`` / ``better`` / ``lower``;
    * otherwise (the interval touches or contains the benchmark): ``similar``;
    * ``not_compared`` when a limit or the benchmark is missing.

    Returns a str for scalar inputs, else an array of str.
    """
    scalar = is_scalar(lower, upper, benchmark, polarity)
    lo, hi, bench = as_float(lower), as_float(upper), as_float(benchmark)
    pol = np.asarray(polarity, dtype=object)
    _check_choice(pol, POLARITIES, "polarity")
    lo, hi, bench, pol = np.broadcast_arrays(lo, hi, bench, pol)

    above_word = np.select([pol == "higher", pol == "lower"], ["better", "worse"], "higher")
    below_word = np.select([pol == "higher", pol == "lower"], ["worse", "better"], "lower")
    with np.errstate(invalid="ignore"):
        missing = np.isnan(lo) | np.isnan(hi) | np.isnan(bench)
        result = np.select(
            [missing, lo > bench, hi < bench],
            [np.full(lo.shape, "not_compared", dtype=object), above_word, below_word],
            "similar",
        ).astype(object)
    return str(result) if scalar else result


# --- change between two periods --------------------------------------------------------------------


def _two_proportion_p_value(x1, n1, x0, n0) -> np.ndarray:
    """Two-sided p-value of the pooled two-proportion z-test; NaN when a denominator is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n1s, n0s = np.where(n1 > 0, n1, np.nan), np.where(n0 > 0, n0, np.nan)
        pooled = (x1 + x0) / (n1s + n0s)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1s + 1 / n0s))
        z = (x1 / n1s - x0 / n0s) / se
        p = 2 * special.ndtr(-np.abs(z))  # two-sided normal tail
    # both proportions 0% or both 100%: no spread, no difference
    return np.where((se == 0) & ~np.isnan(se), 1.0, p)


def _poisson_counts_p_value(a, b) -> np.ndarray:
    """Two-sided exact p-value that two Poisson counts share one rate.

    Given n = a + b, a ~ Binomial(n, 1/2) under the null. With p = 1/2 the distribution is
    symmetric, so scipy.stats.binomtest's two-sided p-value equals twice the smaller tail
    (capped at 1); this form is vectorised. A non-integer count gives NaN.
    """
    n = a + b
    with np.errstate(invalid="ignore"):
        whole = (a == np.round(a)) & (b == np.round(b))
        ai = np.where(whole, a, 0).astype(np.int64)
        ni = np.where(whole, n, 0).astype(np.int64)
        # binomial cdf P(X <= a) and survival P(X >= a) = P(X > a - 1)
        tail = np.minimum(special.bdtr(ai, ni, 0.5), special.bdtrc(ai - 1, ni, 0.5))
        p = np.minimum(1.0, 2 * tail)
    p = np.where(n == 0, 1.0, p)
    return np.where(whole, p, np.nan)


def _welch_p_value(x1, q1, n1, x0, q0, n0) -> np.ndarray:
    """Two-sided p-value of Welch's t-test from each mean's sum, sum of squares and count (NaN below 2 values)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        enough = (n1 >= 2) & (n0 >= 2)
        a, b = np.where(enough, n1, 2), np.where(enough, n0, 2)
        var1 = np.clip((q1 - x1 * x1 / a) / (a - 1), 0, None)
        var0 = np.clip((q0 - x0 * x0 / b) / (b - 1), 0, None)
        se2 = var1 / a + var0 / b
        diff = x1 / a - x0 / b
        df = se2**2 / ((var1 / a) ** 2 / (a - 1) + (var0 / b) ** 2 / (b - 1))
        t = diff / np.sqrt(se2)
        p = 2 * special.stdtr(np.where(np.isfinite(df), df, 1), -np.abs(t))
        p = np.where(se2 == 0, np.where(diff == 0, 1.0, 0.0), p)
    return np.where(enough, p, np.nan)


def direction_of_travel(current_num, current_den, previous_num, previous_den, unit,
                        current_sq=None, previous_sq=None):
    """Change from the previous period to the current one, and whether it is significant.

    Columns of the returned DataFrame (one row per input):

    * ``current_value``, ``previous_value``: the figures (% 0-100, the counts, or the means);
    * ``change``: current minus previous (percentage points for a %);
    * ``relative_change``: current / previous − 1 (NaN when previous is 0);
    * ``direction``: ``up`` / ``down`` / ``same``, or ``not_compared`` when either figure is missing;
    * ``p_value`` and ``significant`` (nullable boolean, missing when not computable) at 5%, two-sided;
    * ``method``: the test used.

    Tests:

    * ``%``: two-proportion z-test with pooled standard error (Altman DG et al,
      *Statistics with confidence*, 2000; Armitage & Berry 2002, section 4.5); a
      numerator above its denominator (more OSA returns than issued) is not tested;
    * ``count``: the conditional test for two Poisson counts: given n = a + b, a ~ Binomial(n, ½)
      (Armitage & Berry 2002, section 5.3; R ``poisson.test(c(a, b))``). Denominators are ignored.
    * ``mean``: Welch's unequal-variances t-test (Welch 1947), from each mean's sum
      (numerator), number of values (denominator) and sum of squares (``*_sq``).
    """
    units = np.asarray(unit, dtype=object)
    _check_choice(units, UNITS, "unit")
    x1, n1 = as_float(current_num), as_float(current_den)
    x0, n0 = as_float(previous_num), as_float(previous_den)
    q1 = as_float(np.nan if current_sq is None else current_sq)
    q0 = as_float(np.nan if previous_sq is None else previous_sq)
    x1, n1, x0, n0, q1, q0, units = (np.atleast_1d(v) for v in np.broadcast_arrays(x1, n1, x0, n0, q1, q0, units))
    is_pct, is_mean = units == "%", units == "mean"
    check_counts(np.where(is_mean, np.nan, x1), "current numerators")
    check_counts(np.where(is_mean, np.nan, x0), "previous numerators")
    with np.errstate(invalid="ignore"):
        testable = ~is_pct | ((x1 <= n1) & (x0 <= n0))
    check_proportion_inputs(np.where(is_pct & testable, x1, np.nan), np.where(is_pct & testable, n1, np.nan))
    check_proportion_inputs(np.where(is_pct & testable, x0, np.nan), np.where(is_pct & testable, n0, np.nan))

    with np.errstate(invalid="ignore", divide="ignore"):
        ratio1 = x1 / np.where(n1 > 0, n1, np.nan)
        ratio0 = x0 / np.where(n0 > 0, n0, np.nan)
        current = np.select([is_pct, is_mean], [ratio1 * 100, ratio1], x1)
        previous = np.select([is_pct, is_mean], [ratio0 * 100, ratio0], x0)
        change = current - previous
        relative = np.where(previous != 0, current / previous - 1, np.nan)
        p_value = np.select(
            [is_pct, is_mean],
            [_two_proportion_p_value(x1, n1, x0, n0), _welch_p_value(x1, q1, n1, x0, q0, n0)],
            _poisson_counts_p_value(np.where(is_pct | is_mean, 0, x1), np.where(is_pct | is_mean, 0, x0)),
        )
    comparable = ~np.isnan(change)
    direction = np.select(
        [~comparable, change > 0, change < 0], ["not_compared", "up", "down"], "same"
    ).astype(object)
    p_value = np.where(comparable & testable, p_value, np.nan)
    significant = pd.array(p_value < SIGNIFICANCE_LEVEL, dtype="boolean")
    significant[np.isnan(p_value)] = pd.NA
    method = np.select([is_pct, is_mean], [PROPORTION_TEST_METHOD, MEAN_TEST_METHOD], COUNT_TEST_METHOD)
    return pd.DataFrame(
        {
            "current_value": current,
            "previous_value": previous,
            "change": change,
            "relative_change": relative,
            "direction": direction,
            "p_value": p_value,
            "significant": significant,
            "method": method.astype(object),
        }
    )
