"""Statistical process control: NHS England "Making Data Count" XmR charts.

A pure calculation that returns a tidy frame; charts only read that frame. The rules
mirror NHSRplotthedots (nhs-r-community/NHSRplotthedots, ``R/ptd_spc_standard.R``,
``R/ptd_calculate_point_type.R``, ``R/ptd_calculate_assurance_type.R``,
``R/ptd_add_short_group_warnings.R``):

* process limits: mean ± 2.66 × mean moving range, per segment (a rebase starts a
  new segment); the "2-sigma" lines at mean ± ⅔ × 2.66 × mean moving range;
* special cause when a point is outside the limits; when it is one of 7 or more
  consecutive points on the same side of the mean (a point on the mean breaks the
  run); when it is one of 7 consecutive points each strictly higher (or lower) than
  the one before (an equal neighbour breaks the trend); or when it is beyond a
  2-sigma line (but inside the limits) in a window of 3 points that are all on the
  same side of the mean and of which at least 2 are beyond that 2-sigma line (only
  the points beyond the line are flagged);
* a special-cause point's direction comes from the first rule that flags it, in the
  order outside limits, trend, 2 in 3, run: its side of the mean, or for a trend the
  direction of the trend (NHSRplotthedots PR #180).

What the chart says about its latest point (icons, assurance, a sentence) is
`spc_reading`.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from ..errors import ParameterError

LIMIT_MULTIPLIER = 2.66  # 3 sigma ≈ 2.66 × mean moving range (3 / d2, d2 = 1.128)
NEAR_LIMIT_MULTIPLIER = 2 * LIMIT_MULTIPLIER / 3  # the 2-sigma lines
MR_SCREEN_MULTIPLIER = 3.267  # upper range limit (D4) for screening moving-range outliers
RUN_LENGTH = 7  # points on one side of the mean
TREND_LENGTH = 7  # points rising or falling
MIN_POINTS_FOR_LIMITS = 12  # fewer points in a segment: trial limits

POLARITY_DIRECTION = {"higher": 1, "none": 0, "lower": -1}

COLUMNS = [
    "x", "y", "segment", "mean", "lpl", "upl", "nlpl", "nupl", "moving_range",
    "moving_range_excluded", "outside_limits", "seven_one_side", "seven_trend",
    "two_in_three", "special_cause", "point_type", "trial_limits", "target",
]  # fmt: skip


def polarity_direction(polarity: str) -> int:
    """``higher`` → +1, ``lower`` → −1, ``none`` → 0 (which direction is improvement)."""
    try:
        return POLARITY_DIRECTION[polarity]
    except (KeyError, TypeError):
        raise ParameterError(
            f"unknown polarity {polarity!r}; use one of {', '.join(POLARITY_DIRECTION)}"
        ) from None


# --- the rules: each takes one segment's arrays -------------------------------------------------


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start index, length and value of each run of equal consecutive values."""
    if len(values) == 0:
        return np.array([], int), np.array([], int), values
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    return starts, lengths, values[starts]


def _flag_runs(n: int, starts, lengths, extra: int = 0) -> np.ndarray:
    """Boolean mask covering each run [start, start + length + extra)."""
    change = np.zeros(n + 1, int)
    np.add.at(change, starts, 1)
    np.add.at(change, starts + lengths + extra, -1)
    return np.cumsum(change[:-1]) > 0


def outside_limits(y: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """A point strictly above the upper or strictly below the lower process limit."""
    with np.errstate(invalid="ignore"):
        return (y > upl) | (y < lpl)


def seven_point_one_side(relative_to_mean: np.ndarray) -> np.ndarray:
    """Every point of a run of 7 or more consecutive points on the same side of the mean.

    ``relative_to_mean`` is sign(y − mean): a point on the mean (0) breaks the run.
    """
    side = np.asarray(relative_to_mean)
    starts, lengths, values = _runs(side)
    keep = (values != 0) & (lengths >= RUN_LENGTH)
    return _flag_runs(len(side), starts[keep], lengths[keep])


def seven_point_trend(y: np.ndarray) -> np.ndarray:
    """Every point of 7 or more consecutive points each strictly above (or below) the previous.

    As NHSRplotthedots ``ptd_seven_point_trend``: an equal neighbour (difference 0) breaks
    the trend. A point can end a rising trend and start a falling one.
    """
    steps = np.sign(np.diff(np.asarray(y, float)))
    starts, lengths, values = _runs(steps)
    keep = (values != 0) & (lengths >= TREND_LENGTH - 1)
    # a run of k equal-signed steps starting at step i covers points i .. i + k
    return _flag_runs(len(y), starts[keep], lengths[keep], extra=1)


def two_in_three(y, mean, lpl, upl, nlpl, nupl) -> np.ndarray:
    """Points beyond a 2-sigma line in a window of 3 that is all one side with 2+ beyond it.

    As NHSRplotthedots ``ptd_two_in_three`` and ``ptd_part_of_two_in_three``: a point is
    "close to the limits" when it is beyond a 2-sigma line but not outside the process
    limits; a window of 3 consecutive points qualifies when at least 2 are close and all
    3 are on the same side of the mean; a close point in a qualifying window is flagged.
    """
    y = np.asarray(y, float)
    with np.errstate(invalid="ignore"):
        close = ~outside_limits(y, lpl, upl) & ((y < nlpl) | (y > nupl))
        side = np.sign(y - mean)
    side = np.nan_to_num(side)
    n = len(y)
    if n < 3:
        return np.zeros(n, bool)
    window_close = np.convolve(close.astype(int), np.ones(3, int), "valid")
    window_side = np.convolve(side, np.ones(3), "valid")
    qualifies = (window_close >= 2) & (np.abs(window_side) == 3)
    # point i lies in the windows starting at i-2, i-1 and i
    in_qualifying = np.convolve(qualifies.astype(int), np.ones(3, int), "full") > 0
    return close & in_qualifying


def _trend_direction(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """+1 / −1 for each point of a trend, as NHSRplotthedots ``ptd_special_cause_type``.

    A point whose next point is also in a trend takes the direction of the step to the
    right; otherwise the step from the left. A step of 0 counts as decreasing (as there).
    """
    steps = np.sign(np.diff(y))
    right = np.r_[steps, steps[-1:]] if len(steps) else np.zeros(len(y))
    left = np.r_[0.0, steps]
    next_in_trend = np.r_[in_trend[1:], False]
    step = np.where(next_in_trend & in_trend, right, left)
    return np.where(step == 1, 1, -1)


# --- the chart -----------------------------------------------------------------------------------


def _segment_limits(y: np.ndarray, screen_outliers: bool) -> dict[str, np.ndarray]:
    """Mean, moving ranges and limits for one segment."""
    n = len(y)
    mean = y.mean() if n else np.nan
    moving_range = np.r_[np.nan, np.abs(np.diff(y))]
    excluded = np.zeros(n, bool)
    mean_mr = np.nanmean(moving_range) if n >= 2 else np.nan
    if screen_outliers and n >= 2:
        excluded = ~(moving_range < MR_SCREEN_MULTIPLIER * mean_mr) & ~np.isnan(moving_range)
        kept = moving_range[~excluded & ~np.isnan(moving_range)]
        mean_mr = kept.mean() if len(kept) else np.nan
    full = np.full(n, 1.0)
    return {
        "mean": mean * full,
        "lpl": (mean - LIMIT_MULTIPLIER * mean_mr) * full,
        "upl": (mean + LIMIT_MULTIPLIER * mean_mr) * full,
        "nlpl": (mean - NEAR_LIMIT_MULTIPLIER * mean_mr) * full,
        "nupl": (mean + NEAR_LIMIT_MULTIPLIER * mean_mr) * full,
        "moving_range": moving_range,
        "moving_range_excluded": excluded,
    }


def _segment_rules(y: np.ndarray, limits: dict[str, np.ndarray], direction: int) -> dict[str, np.ndarray]:
    """The four rules, special cause and point type for one segment."""
    mean, lpl, upl = limits["mean"], limits["lpl"], limits["upl"]
    side = np.nan_to_num(np.sign(y - mean))
    outside = outside_limits(y, lpl, upl)
    one_side = seven_point_one_side(side)
    trend = seven_point_trend(y)
    two_three = two_in_three(y, mean, lpl, upl, limits["nlpl"], limits["nupl"])
    special = outside | one_side | trend | two_three

    side_direction = np.where(side > 0, 1, -1)
    point_direction = np.where(
        outside, side_direction, np.where(trend, _trend_direction(y, trend), side_direction)
    )
    if direction == 0:
        kind = np.where(point_direction > 0, "special_cause_neutral_high", "special_cause_neutral_low")
    else:
        kind = np.where(point_direction * direction > 0, "special_cause_improvement", "special_cause_concern")
    return {
        "outside_limits": outside,
        "seven_one_side": one_side,
        "seven_trend": trend,
        "two_in_three": two_three,
        "special_cause": special,
        "point_type": np.where(special, kind, "common_cause").astype(object),
    }


def _x_values(n: int, dates) -> pd.Index:
    if dates is None:
        return pd.RangeIndex(n)
    x = pd.Index(dates)
    if x.dtype == object and len(x) and all(isinstance(d, (datetime.date, np.datetime64)) for d in x):
        x = pd.DatetimeIndex(pd.to_datetime(x))
    if len(x) != n:
        raise ParameterError(f"there are {n} values but {len(x)} dates; give one date per value")
    if x.hasnans:
        raise ParameterError("a date is missing; give one date per value")
    if x.has_duplicates:
        raise ParameterError(f"the date {x[x.duplicated()][0]} appears more than once")
    return x


def _rebase_flags(x: pd.Index, rebase) -> np.ndarray:
    if rebase is None or len(rebase) == 0:
        return np.zeros(len(x), bool)
    wanted = pd.Index(rebase)
    if isinstance(x, pd.DatetimeIndex):
        wanted = pd.to_datetime(wanted)
    missing = wanted[~wanted.isin(x)]
    if len(missing):
        raise ParameterError(
            f"the rebase date {missing[0]} is not one of the chart's dates; "
            "a new segment must start at a date that has a value"
        )
    return np.asarray(x.isin(wanted))


def spc(values, dates=None, polarity: str = "none", target=None, rebase=None, screen_outliers: bool = False):
    """XmR chart of a series, as NHS England's Making Data Count and NHSRplotthedots.

    ``values`` is the series (monthly, quarterly: any regular sequence), ``dates`` its x
    values (default 0, 1, 2, ...); the frame is sorted by date. ``rebase`` lists dates at
    which a new segment starts (limits are recomputed per segment). ``screen_outliers``
    leaves moving ranges of at least 3.267 × their mean out of the average (off by
    default, as the Making Data Count Excel tool).

    Returns one row per point with the columns in ``COLUMNS``; ``frame.attrs`` keeps the
    polarity and target for ``spc_summary``. With fewer than 2 points in a segment the
    limits are NaN and every point is common cause.
    """
    direction = polarity_direction(polarity)
    try:
        y = pd.Series(values, dtype=object).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"an SPC chart needs numbers; got {values!r}") from exc
    if np.isnan(y).any():
        raise ParameterError(
            "an SPC chart needs a value for every period; "
            f"value {int(np.flatnonzero(np.isnan(y))[0]) + 1} is missing"
        )
    x = _x_values(len(y), dates)
    order = np.argsort(np.asarray(x), kind="stable")
    x, y = x[order], y[order]
    starts_segment = _rebase_flags(x, rebase)
    starts_segment[:1] = False
    segment = 1 + np.cumsum(starts_segment)

    pieces = []
    for seg in np.unique(segment):
        in_seg = segment == seg
        y_seg = y[in_seg]
        limits = _segment_limits(y_seg, screen_outliers)
        rules = _segment_rules(y_seg, limits, direction)
        pieces.append(
            pd.DataFrame(
                {
                    "x": x[in_seg],
                    "y": y_seg,
                    "segment": seg,
                    **limits,
                    **rules,
                    "trial_limits": len(y_seg) < MIN_POINTS_FOR_LIMITS,
                }
            )
        )
    if pieces:
        frame = pd.concat(pieces, ignore_index=True)
    else:
        frame = pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    frame["target"] = np.nan if target is None else float(target)
    frame = frame[COLUMNS]
    frame.attrs.update({"polarity": polarity, "target": target})
    return frame


__all__ = [
    "LIMIT_MULTIPLIER",
    "MR_SCREEN_MULTIPLIER",
    "outside_limits",
    "polarity_direction",
    "seven_point_one_side",
    "seven_point_trend",
    "spc",
    "two_in_three",
]
