"""A published time series and its SPC reading: what an SPC chart in the pack or the explorer may show.

The series is the published figures of one indicator over consecutive periods
(months in the pack; months or quarters in the explorer), each `None` when it
is hidden (`[c]`). The Making Data Count reading (variation and assurance) and
the mean and process limits are worked out from every point, so they are given
only when no point is hidden: with a hidden point they could give it away.
Periods with no figure (a denominator of 0) are left out of the chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..indicators import Indicator
from ..methods.spc import spc
from ..methods.spc_reading import spc_summary
from ..periods import parse_period

MIN_PUBLISHED_SHARE = 0.5  # chart a series only when at least half its points can be shown


@dataclass
class SpcSeries:
    """One indicator's published series and, when every point is shown, its SPC frame and reading."""

    indicator: Indicator
    periods: list[str]
    dates: list[pd.Timestamp]
    values: list[float | None]
    numerators: list
    denominators: list
    frame: pd.DataFrame | None = None
    reading: dict = field(default_factory=dict)
    point: str = "month"

    @property
    def n_hidden(self) -> int:
        return sum(v is None for v in self.values)

    @property
    def chartable(self) -> bool:
        n = len(self.values)
        return n >= 2 and (n - self.n_hidden) >= max(2, MIN_PUBLISHED_SHARE * n)

    @property
    def draw_limits(self) -> bool:
        """Mean and process limits: only when no point is hidden, and enough points to work them out."""
        return self.frame is not None and not np.isnan(self.frame["upl"].iloc[-1])

    @property
    def variation(self) -> str | None:
        return self.reading.get("variation")

    @property
    def assurance(self) -> str | None:
        return self.reading.get("assurance")

    @property
    def point_types(self) -> list[str | None]:
        if self.frame is None:
            return [None] * len(self.values)
        return list(self.frame["point_type"])


def published_series(rows: pd.DataFrame, indicator: Indicator, target: float | None = None,
                     point: str = "month") -> SpcSeries:
    """The series of the published rows (one per period, in time order) of one indicator's whole figure."""
    rows = rows[rows["breakdown"] == "all"]
    rows = rows.assign(_start=[parse_period(p).first_day for p in rows["period"]]).sort_values("_start")
    has_figure = rows["hidden"].astype(bool) | pd.to_numeric(rows["value"], errors="coerce").notna()
    rows = rows[has_figure.to_numpy()]
    values = [None if h else float(v) for h, v in zip(rows["hidden"], rows["value"])]
    series = SpcSeries(
        indicator=indicator,
        periods=list(rows["period"]),
        dates=[pd.Timestamp(d) for d in rows["_start"]],
        values=values,
        numerators=list(rows["numerator"]),
        denominators=list(rows["denominator"]),
        point=point,
    )
    if len(values) >= 2 and series.n_hidden == 0:
        series.frame = spc(np.asarray(values, dtype=float), dates=pd.DatetimeIndex(series.dates),
                           polarity=indicator.polarity, target=target)
        series.reading = spc_summary(series.frame, point=point)
    return series
