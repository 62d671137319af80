"""The dates a figure counts, and the SQL that reads a source's records for them.

Kept free of pandas so that `dscp indicators` can start DuckDB on the heavy part
of its work (the referral look-back) while pandas is still being imported.

A period's **window** for a measure is the span of dates it counts: the period
itself, or for a `rolling_12_months` measure the 12 months that end on the
period's last day. Every window is a whole number of calendar months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ..indicators import SOURCES
from ..periods import Period, months_before, months_between
from ..sql import sql_date, sql_text

EARLIEST = dt.date(1, 1, 1)
LATEST = dt.date(9999, 12, 31)
EVERY_DATE = (EARLIEST.replace(year=1000), LATEST.replace(year=9000))  # a span holding every record's date


def window_span(period: Period, kind: str) -> tuple[dt.date, dt.date]:
    """The first and last day a measure of window `kind` counts for `period`."""
    if kind == "rolling_12_months":
        return period.rolling_12_months()
    return period.first_day, period.last_day


def window_months(period: Period, kind: str) -> list[str]:
    """The calendar months (`YYYY-MM`) of the window."""
    first, last = window_span(period, kind)
    return [m.code for m in months_between(first, last)]


def covering_span(periods: Iterable[Period], kinds: Iterable[str]) -> tuple[dt.date, dt.date]:
    """The earliest first day and latest last day any of the windows needs."""
    spans = [window_span(p, k) for p in periods for k in kinds]
    return min(s[0] for s in spans), max(s[1] for s in spans)


def source_sql(source_name: str, first: dt.date, last: dt.date, *, counted: bool = True,
               precounted: bool = False) -> str:
    """The source's records (or per-day counts, from the store's counted table when `precounted`) dated from
    `first` to `last` (with its look-back history)."""
    template = SOURCES.get(source_name).sql(counted, precounted)
    return template.format(start=sql_date(first), end=sql_date(last), lookback_start=sql_date(months_before(first, 12)))


def precounted(source_name: str, current: Iterable[str]) -> bool:
    """True when the source's counted table is among the store's `current` ones (`compute.counted`)."""
    table = SOURCES.get(source_name).counted_table
    return table is not None and table in current


def all_records_sql(source_name: str) -> str:
    """The source's records over every date (for the categories the data holds)."""
    return source_sql(source_name, EVERY_DATE[0], EVERY_DATE[1], counted=False)


def counted_table_sql(source_name: str) -> str:
    """What `dscp load` writes as the source's counted table: its per-day counts over every record, ordered
    by every column, the date first (each record's look-back reads the whole history, so the days of any
    window give that window's exact figure)."""
    return f"SELECT * FROM ({source_sql(source_name, *EVERY_DATE)}) ORDER BY ALL"


def windows_values_sql(periods: Sequence[Period], kind: str) -> str:
    """A VALUES table `(period, period_order, window_start, window_end)` for the periods' windows."""
    rows = ", ".join(
        f"({sql_text(p.code)}, {n}, {sql_date(window_span(p, kind)[0])}, {sql_date(window_span(p, kind)[1])})"
        for n, p in enumerate(periods)
    )
    return f"(SELECT * FROM (VALUES {rows}) AS w(period, period_order, window_start, window_end))"


def placement_sql(source_name: str) -> str:
    """When a record `r` is in the window `w`: its date falls in it, or (a spell) it is open on a day of it."""
    source = SOURCES.get(source_name)
    if source.end_column:
        return (f"r.{source.date_column} <= w.window_end AND "
                f"(r.{source.end_column} IS NULL OR r.{source.end_column} >= w.window_start)")
    return f"r.{source.date_column} BETWEEN w.window_start AND w.window_end"
