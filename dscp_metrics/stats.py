"""Statistics attached to every figure: confidence intervals, benchmark comparison, change between periods.

Each function is a published method, vectorised with numpy: pass scalars and get
floats back, or pass arrays (lists, Series) and get arrays back. Missing inputs
(NaN / None) give missing outputs; impossible inputs (a negative count, a
numerator larger than its denominator) raise a ``ParameterError`` in words.

Methods follow the Fingertips / PHEindicatormethods conventions:

* a ``%`` figure: Wilson score interval;
* a ``count``: the exact (chi-square) Poisson interval below 10, Byar's method from 10.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd


class _LazySpecial:
    """scipy.special, imported on first use: the same functions as scipy.stats without
    its ~0.5 s import, and none at all for a process that computes no interval (the
    `dscp indicators` process has a 1.5 s budget; every pack notebook's kernel imports this)."""

    def __getattr__(self, name: str):
        from scipy import special

        return getattr(special, name)


_special = _LazySpecial()

from .errors import ParameterError

DEFAULT_CONFIDENCE = 0.95
EXACT_POISSON_BELOW = 10  # counts below this use the exact interval (PHEindicatormethods convention)
SIGNIFICANCE_LEVEL = 0.05
POLARITIES = ("higher", "lower", "none")
UNITS = ("%", "count")

PROPORTION_TEST_METHOD = "two-proportion z-test (pooled), two-sided, 5%"
COUNT_TEST_METHOD = "exact conditional binomial test of two Poisson counts, two-sided, 5%"


# --- helpers ---------------------------------------------------------------------------------------


def _as_float(values) -> np.ndarray:
    """Any scalar / sequence / Series (None allowed) as a float array; None becomes NaN."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.array(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"expected numbers, got {values!r}") from exc


def _is_scalar(*values) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def _result(array: np.ndarray, scalar: bool):
    return float(array) if scalar else array


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (for example 0.95), got {confidence!r}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)  # the normal quantile (stdlib: no scipy import)


def _check_counts(counts: np.ndarray, what: str) -> None:
    with np.errstate(invalid="ignore"):
        negative = counts < 0
    if negative.any():
        bad = counts[negative][0]
        raise ParameterError(f"{what} must be zero or more; got {bad:g}")


def _check_proportion_inputs(numerator: np.ndarray, denominator: np.ndarray) -> None:
    _check_counts(numerator, "numerators")
    _check_counts(denominator, "denominators")
    with np.errstate(invalid="ignore"):
        too_big = numerator > denominator
    if too_big.any():
        num, den = np.broadcast_arrays(numerator, denominator)
        i = np.flatnonzero(too_big)[0]
        raise ParameterError(
            f"a numerator cannot be larger than its denominator; got {num.flat[i]:g} out of {den.flat[i]:g}"
        )


# --- confidence intervals --------------------------------------------------------------------------


def wilson_interval(numerator, denominator, confidence: float = DEFAULT_CONFIDENCE):
    """Wilson score interval for a proportion, as proportions between 0 and 1.

    Source: Wilson EB (1927) J Am Stat Assoc 22:209-212; Newcombe RG, Altman DG, in
    *Statistics with confidence* (2nd edn, 2000) pp 46-48; implemented as
    PHEindicatormethods ``wilson_lower`` / ``wilson_upper`` (``phe_proportion`` with
    ``multiplier = 1``), the method Fingertips uses for proportions::

        lower, upper = (2x + z² ∓ z·sqrt(z² + 4x(1 − x/n))) / (2(n + z²))

    A denominator of 0 gives NaN, NaN (the figure has no value). Returns ``(lower, upper)``.
    """
    scalar = _is_scalar(numerator, denominator)
    x, n = _as_float(numerator), _as_float(denominator)
    _check_proportion_inputs(x, n)
    z = _z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_safe = np.where(n > 0, n, np.nan)
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n_safe))
        centre = 2 * x + z**2
        scale = 2 * (n_safe + z**2)
        lower, upper = (centre - spread) / scale, (centre + spread) / scale
    return _result(lower, scalar), _result(upper, scalar)


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
    scalar = _is_scalar(count)
    o = _as_float(count)
    _check_counts(o, "counts")
    z = _z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        o_pos = np.where(o > 0, o, np.nan)
        lower = o_pos * (1 - 1 / (9 * o_pos) - z / (3 * np.sqrt(o_pos))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return _result(lower, scalar), _result(upper, scalar)


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
    scalar = _is_scalar(count)
    o = _as_float(count)
    _check_counts(o, "counts")
    alpha = 1 - confidence
    _z(confidence)  # validates confidence
    in_table = np.isin(o, np.arange(len(EXACT_POISSON_95)))
    if confidence == DEFAULT_CONFIDENCE and in_table[~np.isnan(o)].all():
        index = np.where(in_table, o, 0).astype(int)
        table = np.asarray(EXACT_POISSON_95)
        lower = np.where(in_table, table[index, 0], np.nan)
        upper = np.where(in_table, table[index, 1], np.nan)
        return _result(lower, scalar), _result(upper, scalar)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, _special.chdtri(2 * np.where(o > 0, o, 1), 1 - alpha / 2) / 2, 0.0)
        lower = np.where(np.isnan(o), np.nan, lower)
        upper = _special.chdtri(2 * o + 2, alpha / 2) / 2  # chi-square quantile 1 - alpha/2
    return _result(lower, scalar), _result(upper, scalar)


def count_interval(count, confidence: float = DEFAULT_CONFIDENCE):
    """The interval attached to a count: exact Poisson below 10, Byar's method from 10.

    Source: PHEindicatormethods ``phe_rate`` / Fingertips technical guide (Rates):
    "Where the observed number of events is less than 10, the χ² exact method should be used".
    """
    scalar = _is_scalar(count)
    o = _as_float(count)
    small = np.where(o < EXACT_POISSON_BELOW, o, 0)  # only the counts that use the exact method
    exact_lower, exact_upper = exact_poisson_interval(np.where(np.isnan(o), np.nan, small), confidence)
    byar_lower, byar_upper = byar_interval(o, confidence)
    use_exact = o < EXACT_POISSON_BELOW
    lower = np.where(use_exact, exact_lower, byar_lower)
    upper = np.where(use_exact, exact_upper, byar_upper)
    return _result(lower, scalar), _result(upper, scalar)


# --- comparison with a benchmark -------------------------------------------------------------------


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
    scalar = _is_scalar(lower, upper, benchmark, polarity)
    lo, hi, bench = _as_float(lower), _as_float(upper), _as_float(benchmark)
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
        p = 2 * _special.ndtr(-np.abs(z))  # two-sided normal tail
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
        tail = np.minimum(_special.bdtr(ai, ni, 0.5), _special.bdtrc(ai - 1, ni, 0.5))
        p = np.minimum(1.0, 2 * tail)
    p = np.where(n == 0, 1.0, p)
    return np.where(whole, p, np.nan)


def direction_of_travel(current_num, current_den, previous_num, previous_den, unit):
    """Change from the previous period to the current one, and whether it is significant.

    Columns of the returned DataFrame (one row per input):

    * ``current_value``, ``previous_value``: the figures (% 0-100, or the counts);
    * ``change``: current minus previous (percentage points for a %, the difference for a count);
    * ``relative_change``: current / previous − 1 (NaN when previous is 0);
    * ``direction``: ``up`` / ``down`` / ``same``, or ``not_compared`` when either figure is missing;
    * ``p_value`` and ``significant`` (nullable boolean, missing when not computable) at 5%, two-sided;
    * ``method``: the test used.

    Tests:

    * ``%``: two-proportion z-test with pooled standard error (Altman DG et al,
      *Statistics with confidence*, 2000; Armitage & Berry 2002, section 4.5);
    * ``count``: the conditional test for two Poisson counts: given n = a + b, a ~ Binomial(n, ½)
      (Armitage & Berry 2002, section 5.3; R ``poisson.test(c(a, b))``; ``scipy.stats.binomtest``).
      Denominators are ignored for counts (pass None).
    """
    units = np.asarray(unit, dtype=object)
    _check_choice(units, UNITS, "unit")
    x1, n1 = _as_float(current_num), _as_float(current_den)
    x0, n0 = _as_float(previous_num), _as_float(previous_den)
    x1, n1, x0, n0, units = (np.atleast_1d(v) for v in np.broadcast_arrays(x1, n1, x0, n0, units))
    is_pct = units == "%"

    _check_counts(x1, "current numerators")
    _check_counts(x0, "previous numerators")
    _check_proportion_inputs(np.where(is_pct, x1, np.nan), np.where(is_pct, n1, np.nan))
    _check_proportion_inputs(np.where(is_pct, x0, np.nan), np.where(is_pct, n0, np.nan))

    with np.errstate(invalid="ignore", divide="ignore"):
        current = np.where(is_pct, x1 / np.where(n1 > 0, n1, np.nan) * 100, x1)
        previous = np.where(is_pct, x0 / np.where(n0 > 0, n0, np.nan) * 100, x0)
        change = current - previous
        relative = np.where(previous != 0, current / previous - 1, np.nan)
        p_value = np.where(is_pct, _two_proportion_p_value(x1, n1, x0, n0), _poisson_counts_p_value(x1, x0))

    comparable = ~np.isnan(change)
    direction = np.select(
        [~comparable, change > 0, change < 0], ["not_compared", "up", "down"], "same"
    ).astype(object)
    p_value = np.where(comparable, p_value, np.nan)
    significant = pd.array(p_value < SIGNIFICANCE_LEVEL, dtype="boolean")
    significant[np.isnan(p_value)] = pd.NA
    return pd.DataFrame(
        {
            "current_value": current,
            "previous_value": previous,
            "change": change,
            "relative_change": relative,
            "direction": direction,
            "p_value": p_value,
            "significant": significant,
            "method": np.where(is_pct, PROPORTION_TEST_METHOD, COUNT_TEST_METHOD).astype(object),
        }
    )


__all__ = [
    "byar_interval",
    "compare_with_benchmark",
    "count_interval",
    "direction_of_travel",
    "exact_poisson_interval",
    "proportion_ci_percent",
    "wilson_interval",
]
