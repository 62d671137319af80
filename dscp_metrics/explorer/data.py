"""What the explorer reads from the store: the data's date ranges, indicator tables, and the records behind a figure.

The store is opened read-only, under its shared lock, for each read and closed
at once, so a `dscp load` can always replace it; what was read is cached per
indicator and granularity (over the data's whole range, so a change of range,
breakdown, chart or suppression is a slice of a cached table) and dropped when
the database file changes.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from ..compute import IndicatorTable, compute
from ..compute.spans import placement_sql, source_sql, windows_values_sql
from ..config import PACKAGE_ROOT
from ..errors import DatabaseError
from ..indicators import REGISTRY, SOURCES, Indicator
from ..periods import Period, months_between, quarter_of, quarters_between
from ..publication.selection import source_ranges
from ..sql import sql_list
from ..store import open_store, store_lock, store_tables

DEFAULT_DB = PACKAGE_ROOT / "data" / "dscp.duckdb"
DRILLDOWN_ROW_LIMIT = 500


def resolve_db_path(db_path: str | Path | None) -> Path:
    """The store to read: the given path (tried from the repository root too), or `data/dscp.duckdb`."""
    if db_path is None:
        return DEFAULT_DB
    path = Path(db_path).expanduser()
    if not path.is_absolute() and not path.exists() and (PACKAGE_ROOT / path).exists():
        return PACKAGE_ROOT / path
    return path


def data_periods(first: dt.date, last: dt.date, granularity: str) -> list[Period]:
    """Every month (or quarter) from the one holding `first` to the one holding `last`."""
    if last < first:
        return []
    if granularity == "month":
        return months_between(first, last)
    return quarters_between(quarter_of(first), quarter_of(last))


def indicator_span(indicator: Indicator, ranges: dict[str, tuple[dt.date, dt.date]]) -> tuple[dt.date, dt.date] | None:
    """The dates the indicator can be shown for: from its sources' first record (after any look-back) to the
    last; a 12-month rolling figure runs on for 12 months after its last record, to the end of all data."""
    spans = [ranges.get(m.source) for m in indicator.measures]
    if not spans or any(s is None for s in spans):
        return None
    first = max(s[0] for s in spans)
    last = max(s[1] for s in spans)
    if indicator.history_months:
        from ..periods import months_before

        first = max(first, months_before(first, -indicator.history_months))
    if indicator.window == "rolling_12_months":
        from ..periods import months_before

        data_end = max(end for _, end in ranges.values())
        last = max(last, min(data_end, months_before(last, -12)))
    return (first, last) if first <= last else None


class Store:
    """The explorer's reads, cached until the database file changes."""

    def __init__(self, db_path: str | Path | None) -> None:
        self.db_path = resolve_db_path(db_path)
        self._tables: dict[tuple[str, str], IndicatorTable] = {}
        self._stamp = None
        self.refresh()

    def _connect(self):
        if not self.db_path.is_file():
            raise DatabaseError(f"no database at {self.db_path}: load the extracts first with "
                                f"`dscp load DATA_DIR --db {self.db_path}`")
        return open_store(self.db_path)

    def refresh(self) -> None:
        """Re-read the data's ranges (and forget every cached table)."""
        with store_lock(self.db_path, exclusive=False, purpose="the explorer"):
            con = self._connect()
            try:
                self.loaded = store_tables(con)
                self.ranges = source_ranges(con, self.loaded)
            finally:
                con.close()
        self._tables.clear()
        self._stamp = self._file_stamp()

    def _file_stamp(self):
        stat = os.stat(self.db_path)
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def check(self) -> bool:
        """Drop the cache when the database file was replaced (a new `dscp load`); True if it was."""
        try:
            changed = self._file_stamp() != self._stamp
        except OSError:
            changed = True
        if changed:
            self.refresh()
        return changed

    def periods(self, indicator: Indicator, granularity: str) -> list[Period]:
        span = indicator_span(indicator, self.ranges)
        return data_periods(*span, granularity) if span else []

    def table(self, indicator: Indicator, granularity: str) -> IndicatorTable:
        key = (indicator.id, granularity)
        if key not in self._tables:
            periods = self.periods(indicator, granularity)
            with store_lock(self.db_path, exclusive=False, purpose="the explorer"):
                con = self._connect()
                try:
                    self._tables[key] = compute(con, periods, [indicator.id], loaded=self.loaded)
                finally:
                    con.close()
        return self._tables[key]

    def records(self, indicator: Indicator, period: Period, cell: tuple = (),
                limit: int = DRILLDOWN_ROW_LIMIT) -> tuple[pd.DataFrame, int]:
        """The records the figure's numerator counts (for the period and the chosen category), first `limit`
        in date order, and how many there are. Identifiers included: for the analyst's screen only."""
        numerator = indicator.numerator
        measure = numerator.measure
        source = SOURCES.get(measure.source)
        filters = {**numerator.filters}
        for key, code in cell:
            filters[key] = tuple(c for c in filters.get(key, (code,)) if c == code)
        conditions = [f"{measure.dimension(k).category_sql} IN {sql_list(codes)}" for k, codes in filters.items()]
        from ..compute.spans import window_span

        first, last = window_span(period, measure.window)
        records = source_sql(measure.source, first, last, counted=False)
        where = " AND ".join(conditions) or "true"
        sql = (f"SELECT r.* FROM {windows_values_sql([period], measure.window)} w JOIN ({records}) r "
               f"ON {placement_sql(measure.source)} WHERE {where}")
        with store_lock(self.db_path, exclusive=False, purpose="the explorer"):
            con = self._connect()
            try:
                total = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
                frame = con.execute(f"SELECT * FROM ({sql}) ORDER BY {source.date_column}, 1 LIMIT {int(limit)}").df()
            finally:
                con.close()
        return frame, int(total)


__all__ = ["DEFAULT_DB", "REGISTRY", "Store", "data_periods", "indicator_span", "resolve_db_path"]
