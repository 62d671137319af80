"""The change of a figure between two periods, as a reader may see it.

A change is shown only when both figures are published (a change between a
hidden figure and a shown one would give the hidden one away). It is "not
comparable" when either period's figure is incomplete (a re-referral look-back
shorter than 12 months undercounts) or when a `%` has more counted than its
denominator (more OSA returns than issued). Its significance is the
two-proportion z-test for a `%`, the exact test of two Poisson counts for a
count, and Welch's t-test for a mean (5%, two-sided). Its colour says whether
the move is better or worse, from the indicator's polarity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..disclosure.decide import SUPPRESSED
from ..indicators import Indicator
from ..methods.compare import direction_of_travel
from ..present.format import NO_FIGURE, format_change, format_value

ARROWS = {"up": "↑", "down": "↓", "same": "→"}


@dataclass(frozen=True)
class Change:
    """A change against an earlier period: its words, direction, significance and whether it is good news."""

    against: str
    text: str
    direction: str  # up, down, same, not_compared, hidden, not_comparable
    significant: bool | None = None
    goodness: str = "neutral"  # better, worse, neutral

    @property
    def shown(self) -> bool:
        return self.direction in ("up", "down", "same")


def _number(value) -> float:
    return np.nan if value is None or value is pd.NA else float(value)


def change_between(indicator: Indicator, now: dict | None, then: dict | None, against_label: str) -> Change:
    """The change from `then` to `now` (published rows of the indicator table, or None when absent)."""
    if now is None or then is None:
        return Change(against_label, NO_FIGURE, "not_compared")
    if now["hidden"] or then["hidden"]:
        return Change(against_label, SUPPRESSED, "hidden")
    if not (now["history_complete"] and then["history_complete"]):
        return Change(against_label, "not comparable (look-back incomplete)", "not_comparable")
    unit = indicator.unit
    nums = [_number(r["numerator"]) for r in (now, then)]
    dens = [_number(r["denominator"]) for r in (now, then)]
    if unit == "%" and any(n > d for n, d in zip(nums, dens)):
        return Change(against_label, "not comparable (more counted than the denominator)", "not_comparable")
    dot = direction_of_travel(nums[0], dens[0] if unit != "count" else np.nan, nums[1],
                              dens[1] if unit != "count" else np.nan, unit,
                              current_sq=_number(now["num_sq"]), previous_sq=_number(then["num_sq"])).iloc[0]
    if dot["direction"] == "not_compared":
        return Change(against_label, NO_FIGURE, "not_compared")
    significant = None if pd.isna(dot["significant"]) else bool(dot["significant"])
    direction = dot["direction"]
    previous = format_value(then["value"], unit)
    if direction == "same":
        return Change(against_label, f"{ARROWS['same']} no change from {previous}", "same", significant)
    verdict = "significant" if significant else "not significant"
    text = f"{ARROWS[direction]} {format_change(dot['change'], unit)} from {previous} ({verdict})"
    goodness = "neutral"
    if indicator.polarity != "none":
        better = (direction == "up") == (indicator.polarity == "higher")
        goodness = "better" if better else "worse"
    return Change(against_label, text, direction, significant, goodness)
