"""Tests for dscp_metrics.spc: hand-worked series for every Making Data Count rule.

Rule vectors marked "NHSRplotthedots" are the cases in nhs-r-community/NHSRplotthedots
``tests/testthat/test-ptd_calculate_point_type.R`` (ptd_seven_point_one_side_mean,
ptd_seven_point_trend, ptd_part_of_seven_trend), translated from "point i ends a
qualifying window" to "point i is part of one" as ``ptd_part_of_seven_trend`` does.
Assurance cases follow ``R/ptd_calculate_assurance_type.R``; icons ``R/geom_ptd_icon.R``.
"""

import numpy as np
import pandas as pd
import pytest

from dscp_metrics.errors import DscpError
from dscp_metrics.methods.spc import (
    LIMIT_MULTIPLIER,
    MR_SCREEN_MULTIPLIER,
    outside_limits,
    seven_point_one_side,
    seven_point_trend,
    spc,
    two_in_three,
)
from dscp_metrics.methods.spc_reading import assurance, spc_summary, variation_icon

RULES = ["outside_limits", "seven_one_side", "seven_trend", "two_in_three"]


def flagged(frame, rule):
    return list(np.flatnonzero(frame[rule].to_numpy()))


def assert_only_rule(frame, rule, points):
    assert flagged(frame, rule) == points
    for other in RULES:
        if other != rule:
            assert flagged(frame, other) == [], other
    assert flagged(frame, "special_cause") == points


def test_named_constants():
    assert LIMIT_MULTIPLIER == 2.66
    assert MR_SCREEN_MULTIPLIER == 3.267


# --- limits ----------------------------------------------------------------------------------------


def test_limits_on_a_tiny_series_by_hand():
    # y = 1, 3, 2, 4: mean = 10/4 = 2.5; moving ranges 2, 1, 2 -> mean MR = 5/3
    # upl = 2.5 + 2.66 * 5/3 = 6.93333; lpl = 2.5 - 4.43333 = -1.93333
    # nupl = 2.5 + (2/3)(2.66)(5/3) = 2.5 + 2.95556 = 5.45556; nlpl = -0.45556
    frame = spc([1, 3, 2, 4])
    assert frame["mean"].tolist() == pytest.approx([2.5] * 4)
    assert frame["upl"][0] == pytest.approx(6.933333, abs=1e-6)
    assert frame["lpl"][0] == pytest.approx(-1.933333, abs=1e-6)
    assert frame["nupl"][0] == pytest.approx(5.455556, abs=1e-6)
    assert frame["nlpl"][0] == pytest.approx(-0.455556, abs=1e-6)
    assert np.isnan(frame["moving_range"][0])
    assert frame["moving_range"].tolist()[1:] == [2, 1, 2]
    assert frame["point_type"].tolist() == ["common_cause"] * 4
    assert frame["trial_limits"].all()


def test_columns():
    frame = spc([1, 3, 2, 4])
    for column in ["x", "y", "segment", "mean", "lpl", "upl", "nlpl", "nupl", "moving_range",
                   "outside_limits", "seven_one_side", "seven_trend", "two_in_three",
                   "special_cause", "point_type", "trial_limits"]:  # fmt: skip
        assert column in frame.columns
    assert frame["x"].tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("values", [[], [5.0]])
def test_fewer_than_two_points_no_exception(values):
    frame = spc(values)
    assert len(frame) == len(values)
    assert frame["upl"].isna().all() and frame["lpl"].isna().all()
    assert (frame["point_type"] == "common_cause").all()
    summary = spc_summary(frame)
    assert summary["n_points"] == len(values)
    assert summary["assurance"] is None


def test_missing_value_is_rejected_in_words():
    with pytest.raises(DscpError, match="value 2 is missing"):
        spc([1, None, 3])


def test_sorted_by_date_and_quarterly_dates_work():
    quarters = pd.date_range("2023-04-01", periods=4, freq="QS-APR")
    frame = spc([4, 2, 3, 1], dates=quarters[::-1])
    assert frame["x"].tolist() == list(quarters)
    assert frame["y"].tolist() == [1, 3, 2, 4]


# --- rule: outside the limits ----------------------------------------------------------------------


def test_outside_limits_function_is_strict():
    assert outside_limits(np.array([1.0, 2.0, 3.0]), 1.0, 3.0).tolist() == [False, False, False]
    assert outside_limits(np.array([0.9, 3.1]), 1.0, 3.0).tolist() == [True, True]


def test_outside_limits_triggers_alone():
    # 5,15 alternating (12 points) then 50: mean = 170/13 = 13.077; MRs 10 x 11 and 35 -> mean MR 145/12 = 12.083
    # upl = 13.077 + 2.66 * 12.083 = 45.22 < 50
    frame = spc([5, 15] * 6 + [50])
    assert frame["upl"][0] == pytest.approx(170 / 13 + 2.66 * 145 / 12)
    assert_only_rule(frame, "outside_limits", [12])


def test_outside_limits_near_miss():
    # ... then 40: mean = 160/13 = 12.308; mean MR = 135/12 = 11.25; upl = 42.23 > 40 (and 40 alone beyond 2 sigma)
    frame = spc([5, 15] * 6 + [40])
    assert frame["special_cause"].sum() == 0


# --- rule: 7 points one side of the mean -----------------------------------------------------------


@pytest.mark.parametrize(
    "relative_to_mean, expected",
    [
        ([], []),
        ([1] * 6, [0] * 6),  # NHSRplotthedots: 6 on one side is not enough
        ([1] * 6 + [-1], [0] * 7),  # NHSRplotthedots
        ([1] * 8 + [-1], [1] * 8 + [0]),  # NHSRplotthedots: all 8 points of the run
        ([-1] * 8 + [1], [1] * 8 + [0]),  # NHSRplotthedots
        ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),  # NHSRplotthedots
        ([1, 1, 1, 0, 1, 1, 1, 1], [0] * 8),  # a point on the mean breaks the run
        ([0] * 8, [0] * 8),  # points on the mean are on neither side
    ],
)
def test_seven_point_one_side_vectors(relative_to_mean, expected):
    assert seven_point_one_side(np.array(relative_to_mean)).astype(int).tolist() == expected


def test_seven_one_side_triggers_alone():
    # mean = (10+0)*3 + 6*7 + 1+7+1 = 81 / 16 = 5.0625: the seven 6s are above it, 10/0 alternate
    # (the point before the run is a 0, below the mean, so the run is exactly 7 long)
    frame = spc([10, 0, 10, 0, 10, 0, 6, 6, 6, 6, 6, 6, 6, 1, 7, 1])
    assert_only_rule(frame, "seven_one_side", [6, 7, 8, 9, 10, 11, 12])


def test_seven_one_side_near_miss_point_on_the_mean():
    # replace the middle 6 by 5: sum = 80, n = 16, mean = 5.0 exactly, so the 5 sits on the mean
    frame = spc([10, 0, 10, 0, 10, 0, 6, 6, 6, 5, 6, 6, 6, 1, 7, 1])
    assert frame["mean"][0] == 5.0
    assert frame["special_cause"].sum() == 0


def test_flat_series_is_common_cause():
    frame = spc([5] * 8)  # every point on the mean, mean moving range 0
    assert frame["upl"][0] == 5 and frame["lpl"][0] == 5
    assert (frame["point_type"] == "common_cause").all()


def test_seven_one_side_near_miss_six_points():
    # mean = (30 + 36 + 9 + 4) / 16 = 4.94: only six 6s in a row above it (a 0 before, a 1 after)
    frame = spc([10, 0, 10, 0, 10, 0, 6, 6, 6, 6, 6, 6, 1, 7, 1, 4])
    assert frame["special_cause"].sum() == 0


# --- rule: 7 point trend ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y, expected",
    [
        ([], []),
        (list(range(1, 7)), [0] * 6),  # NHSRplotthedots: 6 rising points are not a trend
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),  # NHSRplotthedots: an equal neighbour breaks the trend
        (list(range(1, 8)), [1] * 7),  # NHSRplotthedots: 1:7, every point of the trend
        ([2, *range(1, 8), 3], [0] + [1] * 7 + [0]),  # NHSRplotthedots c(2, 1:7, 3)
        (list(range(7, 0, -1)), [1] * 7),  # NHSRplotthedots 7:1
        ([2, *range(7, 0, -1), 3], [0] + [1] * 7 + [0]),  # NHSRplotthedots c(2, 7:1, 3)
        ([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], [1] * 13),  # up then down, 7 shares the peak
    ],
)
def test_seven_point_trend_vectors(y, expected):
    assert seven_point_trend(np.array(y, float)).astype(int).tolist() == expected


def test_seven_trend_triggers_alone():
    # 2..8 rises for 7 points across the mean (75/16 = 4.69): no run, no point near the limits
    frame = spc([0, 10, 0, 10, 0, 10, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0])
    assert_only_rule(frame, "seven_trend", [6, 7, 8, 9, 10, 11, 12])


def test_seven_trend_near_miss_six_rising():
    frame = spc([0, 10, 0, 10, 0, 10, 2, 3, 4, 5, 6, 7, 0, 10, 0])
    assert frame["special_cause"].sum() == 0


def test_seven_trend_near_miss_equal_neighbour():
    frame = spc([0, 10, 0, 10, 0, 10, 2, 3, 4, 4, 5, 6, 7, 8, 0, 10, 0])
    assert frame["special_cause"].sum() == 0


def test_rising_trend_below_the_mean_is_improvement_when_higher_is_better():
    # NHSRplotthedots PR #180: trend points take the trend's direction, not their side of the mean
    frame = spc([0, 10, 0, 10, 0, 10, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0], polarity="higher")
    assert frame["y"][6] < frame["mean"][6]
    assert set(frame["point_type"][6:13]) == {"special_cause_improvement"}
    falling = spc([10, 0, 10, 0, 10, 0, 8, 7, 6, 5, 4, 3, 2, 10, 0, 10], polarity="higher")
    assert falling["y"][6] > falling["mean"][6]
    assert set(falling["point_type"][6:13]) == {"special_cause_concern"}


# --- rule: 2 of 3 beyond 2 sigma -------------------------------------------------------------------

LIMITS = dict(mean=0.0, lpl=-3.0, upl=3.0, nlpl=-2.0, nupl=2.0)


@pytest.mark.parametrize(
    "y, expected",
    [
        ([0.5, 2.5, 0.5, 2.5, 0.5], [0, 1, 0, 1, 0]),  # 2 of 3 high: the 2 close points only
        ([-2.5, -2.5, -0.5], [1, 1, 0]),  # low side
        ([0.5, 2.5, 0.5, 0.5, 2.5], [0] * 5),  # near miss: 1 of 3
        ([2.5, -0.5, 2.5], [0] * 3),  # the third point is on the other side of the mean
        ([2.5, 0.0, 2.5], [0] * 3),  # the third point is on the mean
        ([2.5, 3.5, 0.5], [0] * 3),  # a point outside the limits is not "close"
        ([2.5, 2.5], [0, 0]),  # fewer than 3 points
    ],
)
def test_two_in_three_vectors(y, expected):
    assert two_in_three(np.array(y), **LIMITS).astype(int).tolist() == expected


def test_two_in_three_triggers_alone():
    # 9,11 x 6 then 16, 11, 16: mean 10.6, mean MR 52/19 = 2.737, nupl = 15.45 < 16 < upl = 17.88
    frame = spc([9, 11] * 6 + [16, 11, 16, 9, 11, 9, 11, 9])
    assert frame["nupl"][0] == pytest.approx(10.6 + 2 / 3 * 2.66 * 52 / 19)
    assert_only_rule(frame, "two_in_three", [12, 14])


def test_two_in_three_near_miss_one_of_three():
    frame = spc([9, 11] * 6 + [16, 11, 9, 11, 9, 11, 9, 11])
    assert frame["y"][12] > frame["nupl"][12]
    assert frame["special_cause"].sum() == 0


def test_two_in_three_near_miss_middle_point_below_mean():
    frame = spc([9, 11] * 6 + [16, 9, 16, 9, 11, 9, 11, 9])
    assert (frame["y"][[12, 14]] > frame["nupl"][[12, 14]]).all()
    assert frame["special_cause"].sum() == 0


# --- rebasing, trial limits, outlier screening -----------------------------------------------------


def test_rebase_recomputes_limits_per_segment():
    dates = pd.date_range("2024-04-01", periods=8, freq="MS")
    frame = spc([1, 3, 2, 4, 11, 13, 12, 14], dates=dates, rebase=["2024-08-01"])
    assert frame["segment"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    assert frame["mean"].tolist() == pytest.approx([2.5] * 4 + [12.5] * 4)
    # each segment: mean MR 5/3 (the 4 -> 11 jump belongs to neither)
    assert frame["upl"][4] == pytest.approx(12.5 + 2.66 * 5 / 3)
    assert np.isnan(frame["moving_range"][4])
    without = spc([1, 3, 2, 4, 11, 13, 12, 14], dates=dates)
    assert without["segment"].nunique() == 1 and without["mean"][0] == pytest.approx(7.5)


def test_rebase_date_not_in_series_is_an_error():
    dates = pd.date_range("2024-04-01", periods=4, freq="MS")
    with pytest.raises(DscpError, match="rebase date 2024-05-15"):
        spc([1, 2, 3, 4], dates=dates, rebase=["2024-05-15"])


def test_trial_limits_below_twelve_points():
    assert spc(list(range(11)) [::-1])["trial_limits"].all()
    assert not spc([1, 3] * 6)["trial_limits"].any()
    frame = spc([1, 3] * 6 + [2, 4, 3], rebase=[12])
    assert frame["trial_limits"].tolist() == [False] * 12 + [True] * 3


def test_screen_outliers_changes_the_limits():
    # 0,1 x 6, 0, 20: mean = 26/14; MRs twelve 1s and 20 -> mean MR 32/13 = 2.4615
    # 3.267 * 2.4615 = 8.04 <= 20, so with screening the 20 is left out: mean MR = 1
    values = [0, 1] * 6 + [0, 20]
    plain = spc(values)
    screened = spc(values, screen_outliers=True)
    assert plain["upl"][0] == pytest.approx(26 / 14 + 2.66 * 32 / 13)
    assert screened["upl"][0] == pytest.approx(26 / 14 + 2.66 * 1)
    assert screened["moving_range_excluded"].tolist() == [False] * 13 + [True]
    assert not plain["moving_range_excluded"].any()


# --- point types, icons, assurance, summary --------------------------------------------------------

HIGH = [5, 15] * 6 + [50]  # last point above the upper limit
LOW = [45, 55] * 6 + [0]  # last point below the lower limit


@pytest.mark.parametrize(
    "values, polarity, point_type, icon",
    [
        (HIGH, "higher", "special_cause_improvement", "improvement_high"),
        (HIGH, "lower", "special_cause_concern", "concern_high"),
        (HIGH, "none", "special_cause_neutral_high", "neutral_high"),
        (LOW, "higher", "special_cause_concern", "concern_low"),
        (LOW, "lower", "special_cause_improvement", "improvement_low"),
        (LOW, "none", "special_cause_neutral_low", "neutral_low"),
        ([1, 3, 2, 4], "higher", "common_cause", "common_cause"),
    ],
)
def test_point_type_and_variation_icon(values, polarity, point_type, icon):
    frame = spc(values, polarity=polarity)
    assert frame["point_type"].iloc[-1] == point_type
    assert spc_summary(frame)["variation"] == icon


def test_variation_icon_mapping():
    assert variation_icon("special_cause_improvement", 1) == "improvement_high"
    assert variation_icon("special_cause_improvement", -1) == "improvement_low"
    assert variation_icon("special_cause_concern", 1) == "concern_low"
    assert variation_icon("special_cause_concern", -1) == "concern_high"
    assert variation_icon("common_cause", 0) == "common_cause"


@pytest.mark.parametrize(
    "target, direction, expected",
    [
        (5, 1, "consistent_pass"),  # higher is better, target below the lower limit
        (25, 1, "consistent_fail"),  # target above the upper limit
        (15, 1, "inconsistent"),
        (10, 1, "inconsistent"),  # on the limit: not strictly outside
        (25, -1, "consistent_pass"),  # lower is better, target above the upper limit
        (5, -1, "consistent_fail"),
        (15, -1, "inconsistent"),
        (5, 0, None),  # no direction: no assurance
        (None, 1, None),
    ],
)
def test_assurance_cases(target, direction, expected):
    assert assurance(target, 10.0, 20.0, direction) == expected


def test_summary_assurance_uses_the_latest_segment_limits():
    frame = spc([1, 3, 2, 4] * 3, polarity="higher", target=-5)  # lpl = 2.5 - 2.66 * 1.545 = -1.61 > -5
    assert spc_summary(frame)["assurance"] == "consistent_pass"
    assert spc_summary(frame, target=10)["assurance"] == "consistent_fail"
    assert spc_summary(frame, target=3)["assurance"] == "inconsistent"
    assert spc_summary(spc([1, 3, 2, 4] * 3, polarity="none", target=10))["assurance"] is None


def test_reading_common_cause():
    summary = spc_summary(spc([1, 3, 2, 4] * 3), point="month")
    assert summary["reading"] == "The latest month is within the expected range (common cause variation)."
    assert summary["n_points"] == 12 and summary["trial_limits"] is False


def test_reading_run_of_concern():
    frame = spc([10, 0] * 4 + [6] * 7, polarity="lower")  # mean 82/15 = 5.47, the 0 before the run is below
    summary = spc_summary(frame)
    assert summary["variation"] == "concern_high"
    assert summary["reading"] == "Special cause variation of concern: the last 7 points are all above the average."


def test_reading_mentions_trial_limits_and_target():
    summary = spc_summary(spc(HIGH[:10] + [50], polarity="higher", target=100), point="quarter")
    assert summary["reading"].startswith(
        "Special cause variation of improvement: the latest quarter is above the upper process limit."
    )
    assert "will not be met" in summary["reading"]
    assert "provisional" in summary["reading"] and summary["trial_limits"] is True


def test_unknown_polarity_is_an_error():
    with pytest.raises(DscpError, match="unknown polarity 'increase'"):
        spc([1, 2, 3], polarity="increase")
