"""Which rows of the indicator table each kind of publication shows — and so protects together.

- **A pack** for period P shows every indicator and breakdown for P, the period
  before it and the same period a year earlier, and the monthly series behind
  its SPC charts: the whole figure of every indicator counted month by month,
  for the 36 months to P's end, from the month of the extract's first record and
  (for re-referrals) once its 12-month look-back is complete.
- **An export** (`dscp indicators`, a spreadsheet) shows every row computed for
  the periods asked.
- **An explorer export** shows the rows of the view.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..indicators import REGISTRY, SOURCES
from ..periods import Period, months_before, months_between

SPC_MONTHS = 36


def pack_periods(period: Period) -> list[Period]:
    """The period, the one before it and the same one a year earlier (each once)."""
    return list(dict.fromkeys([period, period.previous(), period.year_earlier()]))


def pack_months(period: Period) -> list[Period]:
    """The calendar months of the pack's monthly series: the 36 to the period's end."""
    return months_between(months_before(period.last_day + dt.timedelta(days=1), SPC_MONTHS), period.last_day)


def pack_rows(frame: pd.DataFrame, period: Period, first_records: dict[str, dt.date]) -> pd.DataFrame:
    """The rows a pack shows (see the module docstring). `first_records`: each source's first record date."""
    main = {p.code for p in pack_periods(period)}
    series_start = {}
    for indicator in REGISTRY:
        if indicator.has_monthly_series:
            firsts = [first_records.get(m.source) for m in indicator.measures]
            if all(f is not None for f in firsts):
                series_start[indicator.id] = max(f.replace(day=1) for f in firsts).strftime("%Y-%m")
    is_main = frame["period"].isin(main)
    started = [period >= series_start.get(ident, "9999-99") for ident, period in zip(frame["indicator_id"],
                                                                                      frame["period"])]
    is_series = (
        frame["period_kind"].eq("month")
        & frame["breakdown"].eq("all")
        & frame["history_complete"].astype(bool)
        & pd.Series(started, index=frame.index, dtype=bool)
    )
    return frame[is_main | is_series].reset_index(drop=True)


def uncovered(period: Period, ranges: dict[str, tuple[dt.date, dt.date]]) -> bool:
    """True when no loaded extract holds a record in any window the period's figures use."""
    from ..compute.spans import window_span

    for indicator in REGISTRY:
        for measure in indicator.measures:
            span = ranges.get(measure.source)
            if span is None:
                continue
            first, last = window_span(period, measure.window)
            if span[0] <= last and span[1] >= first:
                return False
    return True


def source_ranges(con, loaded: set[str]) -> dict[str, tuple[dt.date, dt.date]]:
    """The first and last record date of each source whose tables are loaded (an empty one has none)."""
    ranges = {}
    for source in SOURCES:
        if not all(t in loaded for t in source.tables):
            continue
        first, last = con.execute(
            f"SELECT min({source.date_column}), max({source.end_column or source.date_column}) "
            f"FROM store.{source.tables[0]}"
        ).fetchone()
        if first is not None:
            ranges[source.name] = (first, last or first)
    return ranges
