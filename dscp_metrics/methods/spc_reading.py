"""What an SPC chart says about its latest point: the Making Data Count variation and assurance icons, and a
sentence for the PLG (NHSRplotthedots ``geom_ptd_icon`` and ``ptd_calculate_assurance_type``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .spc import MIN_POINTS_FOR_LIMITS, polarity_direction

def variation_icon(point_type: str, direction: int) -> str:
    """The Making Data Count variation icon for the latest point (NHSRplotthedots ``geom_ptd_icon``)."""
    if point_type == "special_cause_improvement":
        return "improvement_high" if direction > 0 else "improvement_low"
    if point_type == "special_cause_concern":
        return "concern_low" if direction > 0 else "concern_high"
    if point_type == "special_cause_neutral_high":
        return "neutral_high"
    if point_type == "special_cause_neutral_low":
        return "neutral_low"
    return "common_cause"


def assurance(target, lpl: float, upl: float, direction: int) -> str | None:
    """Will the process meet the target? NHSRplotthedots ``ptd_calculate_assurance_type``.

    Higher is better: target below the lower limit → ``consistent_pass``; above the upper
    limit → ``consistent_fail``; otherwise ``inconsistent``; mirrored when lower is better.
    None without a target, with no polarity, or when the limits cannot be computed.
    """
    if target is None or direction == 0 or np.isnan(lpl) or np.isnan(upl) or np.isnan(target):
        return None
    if target > upl:
        return "consistent_fail" if direction > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if direction > 0 else "consistent_fail"
    return "inconsistent"


def _run_length_to_end(flags: np.ndarray) -> int:
    """How many consecutive True values end the array."""
    if len(flags) == 0 or not flags[-1]:
        return 0
    falses = np.flatnonzero(~flags)
    return len(flags) - (falses[-1] + 1 if len(falses) else 0)


def _reason(last_segment: pd.DataFrame, point: str) -> str:
    """Why the latest point is special cause, in words (first rule that flags it)."""
    last = last_segment.iloc[-1]
    y = last_segment["y"].to_numpy()
    above = last["y"] > last["mean"]
    if last["outside_limits"]:
        return f"the latest {point} is {'above the upper' if above else 'below the lower'} process limit"
    if last["seven_trend"]:
        steps = np.sign(np.diff(y))
        n = _run_length_to_end(steps == steps[-1]) + 1
        return f"the last {n} points have each been {'higher' if steps[-1] > 0 else 'lower'} than the one before"
    if last["two_in_three"]:
        return (
            f"2 of the last 3 points are close to the {'upper' if above else 'lower'} process limit "
            "(beyond two-thirds of the way from the average)"
        )
    side = np.sign(y - last_segment["mean"].to_numpy())
    n = _run_length_to_end(side == side[-1])
    return f"the last {n} points are all {'above' if above else 'below'} the average"


def spc_summary(frame: pd.DataFrame, target=None, polarity: str | None = None, point: str = "point") -> dict:
    """The chart's headline: variation icon, assurance icon and a sentence for the PLG.

    ``target`` and ``polarity`` default to those given to ``spc``; ``point`` names a
    period in the sentence ("month", "quarter"). Returns a dict with ``variation``,
    ``assurance``, ``point_type``, ``trial_limits``, ``n_points`` and ``reading``.
    """
    polarity = polarity if polarity is not None else frame.attrs.get("polarity", "none")
    target = target if target is not None else frame.attrs.get("target")
    direction = polarity_direction(polarity)
    n_points = len(frame)
    if n_points == 0:
        return {
            "variation": None, "assurance": None, "point_type": None, "trial_limits": True,
            "n_points": 0, "reading": "There is no data to chart.",
        }  # fmt: skip
    last = frame.iloc[-1]
    last_segment = frame[frame["segment"] == last["segment"]]
    variation = variation_icon(last["point_type"], direction)
    assured = assurance(target, last["lpl"], last["upl"], direction)

    if np.isnan(last["upl"]):
        reading = "There are too few points to work out the expected range."
    elif variation == "common_cause":
        reading = f"The latest {point} is within the expected range (common cause variation)."
    else:
        kind = {
            "improvement": "Special cause variation of improvement",
            "concern": "Special cause variation of concern",
            "neutral": "Special cause variation (neither better nor worse)",
        }[variation.split("_")[0]]
        reading = f"{kind}: {_reason(last_segment, point)}."
    if assured is not None:
        reading += {
            "consistent_pass": f" The target of {target:g} will be met consistently if nothing changes.",
            "consistent_fail": f" The target of {target:g} will not be met unless something changes.",
            "inconsistent": f" The target of {target:g} will be met in some periods and missed in others.",
        }[assured]
    trial = bool(last["trial_limits"])
    if trial and not np.isnan(last["upl"]):
        reading += (
            f" The limits are provisional: they rest on {len(last_segment)} points, "
            f"fewer than the {MIN_POINTS_FOR_LIMITS} recommended."
        )
    return {
        "variation": variation,
        "assurance": assured,
        "point_type": last["point_type"],
        "trial_limits": trial,
        "n_points": n_points,
        "reading": reading,
    }


__all__ = ["assurance", "spc_summary", "variation_icon"]
