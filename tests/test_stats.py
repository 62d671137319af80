"""Tests for dscp_metrics.stats against independently published values.

Golden values and where they come from:

* PHS = DataS-DHSC/PHStatsMethods (the DHSC Python port of PHEindicatormethods):
  - ``ph_statistical_methods/tests/test.wilsons.py`` (Wilson lower / upper at 95% and 99.8%);
  - ``ph_statistical_methods/archive/tests_old.py`` (``wilson(100, 10000)`` in %,
    ``phe_proportion(100, 1000)``, ``byars_lower(100)``).
    Its ``byars_upper(100) = 121.6246`` is NOT used: that port's upper limit used
    ``1/(9x + 1)`` where PHEindicatormethods ``R/*.R`` ``byars_upper`` and the Fingertips
    technical guide use ``1/(9(x + 1))``.
* Fingertips / PHE "Technical Guide: Confidence Intervals" (2018): "for 95% confidence
  intervals, Byar's method is within 0.2% of the exact value for numerators of 10 or more".
* The exact Poisson limit for 0 events, 3.689 = −ln(0.025), is the textbook value (brief).
* scipy.stats.poisson / binomtest / chi2_contingency: independent implementations used
  to check the defining property of the exact interval and the significance tests.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sp

from dscp_metrics.errors import DscpError
from dscp_metrics.methods.compare import compare_with_benchmark, direction_of_travel
from dscp_metrics.methods.intervals import (
    byar_interval,
    count_interval,
    exact_poisson_interval,
    proportion_ci_percent,
    t_interval,
    wilson_interval,
)

REL = 1e-12

# --- Wilson ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "num, den, confidence, side, expected",
    [
        # PHS ph_statistical_methods/tests/test.wilsons.py
        (20, 360, 0.95, "lower", 0.036248204600072345),
        (550, 2400, 0.998, "lower", 0.20375892211705743),
        (30, 400, 0.95, "upper", 0.10504770626130437),
        (76, 238, 0.998, "upper", 0.418131030603369),
    ],
)
def test_wilson_matches_phstatsmethods(num, den, confidence, side, expected):
    lower, upper = wilson_interval(num, den, confidence)
    assert (lower if side == "lower" else upper) == pytest.approx(expected, rel=REL)


def test_wilson_percent_matches_phstatsmethods_archive():
    # PHS ph_statistical_methods/archive/tests_old.py: wilson(100, 10000) and phe_proportion(100, 1000), in %
    assert proportion_ci_percent(100, 10000) == pytest.approx((0.8229336148148417, 1.2146982255114647), rel=REL)
    assert proportion_ci_percent(100, 1000) == pytest.approx((8.29094435930957, 12.01519631953484), rel=REL)


def test_wilson_vectorised_and_scalar():
    lower, upper = wilson_interval([20, 100], [360, 1000])
    assert isinstance(lower, np.ndarray) and lower.shape == (2,)
    assert lower[1] == pytest.approx(0.0829094435930957, rel=REL)
    scalar_lower, _ = wilson_interval(20, 360)
    assert isinstance(scalar_lower, float)
    assert pd.Series([20]).pipe(lambda s: wilson_interval(s, pd.Series([360]))[0][0]) == pytest.approx(scalar_lower)


def test_wilson_bounds_at_zero_and_all():
    lower, upper = wilson_interval([0, 10], [10, 10])
    assert lower[0] == 0.0 and upper[0] > 0
    assert upper[1] == pytest.approx(1.0) and lower[1] < 1


def test_zero_denominator_gives_no_value():
    lower, upper = wilson_interval(0, 0)
    assert math.isnan(lower) and math.isnan(upper)
    lower, upper = proportion_ci_percent([0, 5], [0, 10])
    assert np.isnan(lower[0]) and np.isnan(upper[0]) and not np.isnan(lower[1])


def test_missing_inputs_give_missing_outputs():
    lower, upper = wilson_interval([None, 5], [10, None])
    assert np.isnan(lower).all() and np.isnan(upper).all()


@pytest.mark.parametrize(
    "num, den, message",
    [
        (-1, 10, "numerators must be zero or more"),
        (1, -10, "denominators must be zero or more"),
        (11, 10, "a numerator cannot be larger than its denominator; got 11 out of 10"),
        (3, 0, "a numerator cannot be larger than its denominator"),
    ],
)
def test_wilson_rejects_impossible_inputs_in_words(num, den, message):
    with pytest.raises(DscpError, match=message) as caught:
        wilson_interval(num, den)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5])
def test_confidence_must_be_a_fraction(confidence):
    with pytest.raises(DscpError, match="confidence must be between 0 and 1"):
        wilson_interval(1, 10, confidence)


# --- counts ----------------------------------------------------------------------------------------


def test_byar_lower_matches_phstatsmethods():
    # PHS ph_statistical_methods/archive/tests_old.py: byars_lower(100) == 81.36210549052788
    lower, _ = byar_interval(100)
    assert lower == pytest.approx(81.36210549052788, rel=REL)


def test_byar_upper_is_the_fingertips_formula():
    # Fingertips technical guide (Rates): O_upper = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3,
    # worked by hand for O = 100, z = 1.959963985 (qnorm(0.975)):
    # 101 * (1 - 1/909 + 1.959963985/(3*sqrt(101)))^3 = 101 * 1.0639...^3 = 121.6279...
    z = 1.959963984540054
    by_hand = 101 * (1 - 1 / 909 + z / (3 * math.sqrt(101))) ** 3
    _, upper = byar_interval(100)
    assert upper == pytest.approx(by_hand, rel=REL)
    assert upper == pytest.approx(121.6279, abs=5e-5)


def test_byar_within_0_2_percent_of_exact_from_10_events():
    # Fingertips Technical Guide: Confidence Intervals: within 0.2% of exact for numerators >= 10 (95%)
    counts = np.arange(10, 2001)
    byar = np.array(byar_interval(counts))
    exact = np.array(exact_poisson_interval(counts))
    assert np.max(np.abs(byar / exact - 1)) < 0.002


def test_exact_poisson_zero_events():
    lower, upper = exact_poisson_interval(0)
    assert lower == 0.0
    assert upper == pytest.approx(3.689, abs=5e-4)
    assert upper == pytest.approx(-math.log(0.025), rel=1e-12)


@pytest.mark.parametrize("count", [1, 2, 5, 9, 20, 137])
def test_exact_poisson_meets_its_definition(count):
    # Garwood: P(X >= x | lower) = alpha/2 and P(X <= x | upper) = alpha/2, checked with scipy.stats.poisson
    lower, upper = exact_poisson_interval(count)
    assert sp.poisson.sf(count - 1, lower) == pytest.approx(0.025, rel=1e-9)
    assert sp.poisson.cdf(count, upper) == pytest.approx(0.025, rel=1e-9)


def test_count_interval_switches_from_exact_to_byar_at_10():
    lower, upper = count_interval([9, 10])
    exact9 = exact_poisson_interval(9)
    byar10 = byar_interval(10)
    assert (lower[0], upper[0]) == pytest.approx(exact9, rel=REL)
    assert (lower[1], upper[1]) == pytest.approx(byar10, rel=REL)
    # and they really differ, so the test can tell which method was used
    assert exact_poisson_interval(10)[0] != pytest.approx(byar10[0], rel=1e-4)
    assert byar_interval(9)[0] != pytest.approx(exact9[0], rel=1e-4)


def test_count_interval_zero():
    assert count_interval(0) == pytest.approx((0.0, 3.6888794541139354), rel=1e-12)


def test_byar_zero_has_no_lower_limit_like_pheindicatormethods():
    lower, upper = byar_interval(0)
    assert math.isnan(lower) and upper > 0


def test_negative_count_is_rejected():
    with pytest.raises(DscpError, match="counts must be zero or more; got -4"):
        count_interval([3, -4])


# --- benchmark comparison --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lower, upper, benchmark, polarity, expected",
    [
        (12, 15, 10, "higher", "better"),
        (12, 15, 10, "lower", "worse"),
        (12, 15, 10, "none", "higher"),
        (5, 8, 10, "higher", "worse"),
        (5, 8, 10, "lower", "better"),
        (5, 8, 10, "none", "lower"),
        (8, 12, 10, "higher", "similar"),
        (10, 12, 10, "higher", "similar"),  # touching counts as overlapping
        (8, 10, 10, "lower", "similar"),
        (None, 12, 10, "higher", "not_compared"),
        (8, float("nan"), 10, "higher", "not_compared"),
        (8, 12, None, "none", "not_compared"),
    ],
)
def test_compare_with_benchmark(lower, upper, benchmark, polarity, expected):
    assert compare_with_benchmark(lower, upper, benchmark, polarity) == expected


def test_compare_with_benchmark_vectorised():
    result = compare_with_benchmark([12, 5, 8], [15, 8, 12], 10, ["higher", "higher", "lower"])
    assert list(result) == ["better", "worse", "similar"]


def test_compare_with_benchmark_unknown_polarity():
    with pytest.raises(DscpError, match="unknown polarity 'up'"):
        compare_with_benchmark(1, 2, 3, "up")


# --- direction of travel ---------------------------------------------------------------------------


def test_percentage_clear_change_is_significant():
    # 30/100 vs 10/100: pooled p = 0.2, se = sqrt(0.2*0.8*(1/100+1/100)) = 0.056569,
    # z = 0.2/0.056569 = 3.5355, two-sided p = 2*(1 - Phi(3.5355)) = 0.000407
    row = direction_of_travel(30, 100, 10, 100, "%").iloc[0]
    assert row["change"] == pytest.approx(20.0)
    assert row["relative_change"] == pytest.approx(2.0)
    assert row["direction"] == "up"
    assert row["p_value"] == pytest.approx(0.000407, abs=1e-6)
    assert bool(row["significant"]) is True
    assert "two-proportion z-test" in row["method"]


def test_percentage_small_change_is_not_significant():
    # 30/100 vs 25/100: pooled 0.275, se = 0.063147, z = 0.7918, p = 0.4285
    row = direction_of_travel(30, 100, 25, 100, "%").iloc[0]
    assert row["p_value"] == pytest.approx(0.4285, abs=1e-4)
    assert bool(row["significant"]) is False


def test_percentage_p_value_matches_chi_square_without_correction():
    # the pooled z-test is the 2x2 chi-square test without continuity correction (scipy, independent)
    cur, cur_den = np.array([30, 45, 7]), np.array([120, 90, 40])
    prev, prev_den = np.array([18, 50, 3]), np.array([110, 95, 41])
    result = direction_of_travel(cur, cur_den, prev, prev_den, "%")
    for i in range(3):
        table = [[cur[i], cur_den[i] - cur[i]], [prev[i], prev_den[i] - prev[i]]]
        expected = sp.chi2_contingency(table, correction=False).pvalue
        assert result["p_value"][i] == pytest.approx(expected, rel=1e-9)


def test_count_clear_change_is_significant():
    row = direction_of_travel(30, None, 10, None, "count").iloc[0]
    assert row["change"] == 20 and row["direction"] == "up"
    assert row["p_value"] == pytest.approx(sp.binomtest(30, 40, 0.5).pvalue, rel=1e-12)
    assert bool(row["significant"]) is True
    assert "binomial" in row["method"]


def test_count_small_change_is_not_significant():
    row = direction_of_travel(12, None, 10, None, "count").iloc[0]
    assert row["direction"] == "up" and bool(row["significant"]) is False


@pytest.mark.parametrize("a, b", [(0, 0), (0, 7), (5, 5), (3, 12), (40, 22), (1, 0), (100, 71)])
def test_count_p_value_equals_scipy_binomtest(a, b):
    row = direction_of_travel(a, None, b, None, "count").iloc[0]
    expected = 1.0 if a + b == 0 else sp.binomtest(a, a + b, 0.5).pvalue
    assert row["p_value"] == pytest.approx(expected, rel=1e-9)


def test_direction_same_down_and_not_compared():
    result = direction_of_travel([5, 4, 0], [10, 10, 0], [5, 6, 1], [10, 10, 10], "%")
    assert list(result["direction"]) == ["same", "down", "not_compared"]
    assert result["significant"].isna().tolist() == [False, False, True]
    assert np.isnan(result["change"][2])


def test_relative_change_nan_when_previous_zero():
    result = direction_of_travel([4, 3], None, [0, 2], None, "count")
    assert np.isnan(result["relative_change"][0])
    assert result["relative_change"][1] == pytest.approx(0.5)


def test_mixed_units_in_one_call():
    result = direction_of_travel([30, 30], [100, None], [10, 10], [100, None], ["%", "count"])
    assert list(result["change"]) == [20.0, 20.0]
    assert result["method"][0] != result["method"][1]


def test_direction_of_travel_rejects_unknown_unit():
    with pytest.raises(DscpError, match="unknown unit 'percent'"):
        direction_of_travel(1, 2, 1, 2, "percent")


def test_exact_poisson_95_table_matches_scipy():
    from scipy.stats import chi2

    from dscp_metrics.methods.intervals import EXACT_POISSON_95

    for count, (lower, upper) in enumerate(EXACT_POISSON_95):
        expected_lower = chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
        assert lower == pytest.approx(expected_lower, rel=1e-12, abs=1e-15)
        assert upper == pytest.approx(chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-12)


def test_interval_path_at_95_percent_does_not_import_scipy():
    import subprocess
    import sys

    code = (
        "import sys; from dscp_metrics.methods import intervals as stats; "
        "stats.count_interval([0, 3, 9, 10, 250]); stats.wilson_interval([1, 0], [10, 0]); "
        "print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- Student's t interval of a mean (indicators.md: "a mean carries its 95% confidence interval by Student's t") ---


@pytest.mark.parametrize(
    "ratings",
    [[5, 4, 5, 3, 5, 4], [1, 2], [4] * 10, [1, 5, 5, 5, 2, 3, 4, 4, 5, 1, 2, 3], list(range(1, 11)) * 3],
)
def test_t_interval_matches_scipy(ratings):
    """mean ± t(0.975, n − 1) × s / √n, as PHEindicatormethods phe_mean; scipy.stats.t is the independent check."""
    x = np.asarray(ratings, dtype=float)
    lower, upper = t_interval(x.sum(), (x * x).sum(), len(x))
    if x.std() == 0:
        assert lower == pytest.approx(x.mean()) and upper == pytest.approx(x.mean())
        return
    expected = sp.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sp.sem(x))
    assert (lower, upper) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("n", [0, 1])
def test_t_interval_needs_two_values(n):
    lower, upper = t_interval(4.0 * n, 16.0 * n, n)
    assert math.isnan(lower) and math.isnan(upper)


def test_t_interval_is_vectorised():
    lower, upper = t_interval([9, 10], [41, 50], [2, 2])
    assert lower[1] == pytest.approx(5.0) and upper[1] == pytest.approx(5.0)  # 5, 5: no spread
    assert lower[0] < 4.5 < upper[0]


def test_change_in_a_mean_is_welchs_t_test():
    a = np.asarray([5, 4, 5, 5, 4, 5, 5, 4, 5, 5], dtype=float)
    b = np.asarray([3, 4, 3, 4, 2, 4, 3, 3, 4, 3, 3, 4], dtype=float)
    row = direction_of_travel(a.sum(), len(a), b.sum(), len(b), "mean",
                              current_sq=(a * a).sum(), previous_sq=(b * b).sum()).iloc[0]
    expected = sp.ttest_ind(a, b, equal_var=False).pvalue
    assert row["p_value"] == pytest.approx(expected, rel=1e-9)
    assert row["direction"] == "up" and bool(row["significant"])
    assert row["change"] == pytest.approx(a.mean() - b.mean())


def test_a_percentage_above_its_denominator_is_not_tested():
    row = direction_of_travel(24, 13, 10, 20, "%").iloc[0]
    assert pd.isna(row["p_value"]) and pd.isna(row["significant"])
