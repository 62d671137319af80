"""How a figure, an interval, a change and a date read on a page: one of each, for pack and explorer.

- a count: `1,260`; a `%`: `24.1%`; a mean: `4.79`;
- an interval in the unit of its figure: a count's as whole numbers (`6 to 21`),
  a `%` to one decimal (`21.9% to 26.6%`), a mean to two (`4.70 to 4.88`);
- a hidden figure: `[c]`; no figure: `–`;
- a date: `7 April 2025` (no leading zero), a month: `April 2025`.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ..disclosure.decide import SUPPRESSED

NO_FIGURE = "–"
DECIMALS = {"%": 1, "mean": 2}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_value(value, unit: str, hidden: bool = False) -> str:
    """A figure as a reader sees it."""
    if hidden:
        return SUPPRESSED
    if isinstance(value, str):
        return value
    if _missing(value):
        return NO_FIGURE
    if unit == "%":
        return f"{float(value):.{DECIMALS['%']}f}%"
    if unit == "mean":
        return f"{float(value):.{DECIMALS['mean']}f}"
    return f"{int(round(float(value))):,}"


def format_number(value, unit: str) -> str:
    """A figure's number without its unit sign (for axes and plain tables)."""
    text = format_value(value, unit)
    return text[:-1] if text.endswith("%") else text


def format_interval(lower, upper, unit: str, hidden: bool = False) -> str:
    """A 95% interval in the unit of its figure; counts as whole numbers (rounded outward)."""
    if hidden:
        return SUPPRESSED
    if _missing(lower) or _missing(upper):
        return NO_FIGURE
    if unit == "count":
        return f"{math.floor(float(lower)):,} to {math.ceil(float(upper)):,}"
    return f"{format_value(lower, unit)} to {format_value(upper, unit)}"


def format_change(change: float, unit: str) -> str:
    """A change between two figures: `+3.2 points`, `-12`, `+0.15`."""
    if unit == "%":
        return f"{change:+.1f} points"
    if unit == "mean":
        return f"{change:+.2f}"
    return f"{int(round(change)):+,}"


def day(value: dt.date | pd.Timestamp) -> str:
    """7 April 2025 (no leading zero, on every platform)."""
    return f"{value.day} {value:%B %Y}"


def month(value: dt.date | pd.Timestamp) -> str:
    """April 2025."""
    return f"{value:%B %Y}"


def day_and_time(value) -> str:
    """7 April 2025 14:05."""
    stamp = pd.Timestamp(value)
    return f"{day(stamp)} {stamp:%H:%M}"
