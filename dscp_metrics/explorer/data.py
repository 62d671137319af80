"""What the explorer reads from the store: the data's date ranges, indicator tables, and the records behind a figure.

The store is attached read-only, under its shared lock, for each read and
detached at once, so a `dscp load` can always replace it (it waits at most for one read
to finish). What was read is cached per indicator and granularity, over the
data's whole range, so a change of range, breakdown, chart or suppression is a
slice of a cached table; the cache is dropped when a new load is found (the
database file was replaced, or another `load_id`).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ..compute import IndicatorTable, compute
from ..compute.spans import window_span
from ..config import PACKAGE_ROOT
from ..errors import DatabaseError
from ..indicators import REGISTRY, Indicator
from ..periods import Period, months_before, parse_period, months_between, quarter_of, quarters_between
from ..publication.selection import source_ranges
from ..store import STORE, open_store, read_load_id, reader_connection, store_lock, store_tables
from .drilldown import drilldown_sql, record_columns_sql

DEFAULT_DB = PACKAGE_ROOT / "data" / "dscp.duckdb"
DRILLDOWN_ROW_LIMIT = 500
READ_WAIT_S = 10.0  # how long a view waits for a `dscp load` that is replacing the store
NO_PERIOD = "-"  # the range menu of an indicator without figures
GRANULARITIES = ("quarter", "month")


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
    """The dates the indicator can be shown for: from its sources' first record to the last; a figure that
    looks back (re-referrals: 12 months) starts that much later; a 12-month rolling figure runs on for 12
    months after its last record, to the end of all data."""
    spans = [ranges.get(m.source) for m in indicator.measures]
    if not spans or any(s is None for s in spans):
        return None
    first = max(s[0] for s in spans)
    last = max(s[1] for s in spans)
    if indicator.history_months:
        first = months_before(first, -indicator.history_months)
    if indicator.window == "rolling_12_months":
        data_end = max(end for _, end in ranges.values())
        last = max(last, min(data_end, months_before(last, -12)))
    return (first, last) if first <= last else None


def indicator_periods(indicator: Indicator, ranges: dict, granularity: str) -> list[Period]:
    """The periods the explorer offers: those the data covers; for a figure that looks back, only periods
    whose window starts once the look-back is complete (earlier ones undercount, as the pack leaves out)."""
    span = indicator_span(indicator, ranges)
    if span is None:
        return []
    periods = data_periods(*span, granularity)
    if indicator.history_months:
        periods = [p for p in periods if window_span(p, indicator.window)[0] >= span[0]]
    return periods


@dataclass
class Records:
    """The records behind a figure: the first rows (`frame`), how many records there are (`total`) and how
    many the figure counts among them (`counted`: distinct identifiers when `distinct`)."""

    frame: pd.DataFrame
    total: int
    counted: int
    distinct: bool


def narrower(labels: list[str], old: tuple[str, str] | None) -> bool:
    """True when the periods `labels` start after, or end before, the range `old` (of any granularity)."""
    if not labels or not old or NO_PERIOD in old:
        return False
    return (parse_period(labels[0]).first_day > parse_period(old[0]).first_day
            or parse_period(labels[-1]).last_day < parse_period(old[1]).last_day)


def holding(labels: list[str], old: tuple[str, str]) -> tuple[str, str] | None:
    """The first and last of `labels` that hold a day of the range `old` (None when none does)."""
    first, last = parse_period(old[0]).first_day, parse_period(old[1]).last_day
    inside = [p for p in labels if parse_period(p).last_day >= first and parse_period(p).first_day <= last]
    return (inside[0], inside[-1]) if inside else None


def short_windows(indicator: Indicator, ranges: dict, periods: list[str]) -> list[str]:
    """The periods (of `periods`) whose 12-month window starts before the month of the first record of a
    source the figure counts over 12 months: the data does not cover their whole window."""
    firsts = [ranges[m.source][0] for m in indicator.measures
              if m.window == "rolling_12_months" and m.source in ranges]
    if not firsts:
        return []
    first = max(firsts).replace(day=1)
    return [p for p in periods if window_span(parse_period(p), "rolling_12_months")[0] < first]


def _file_stamp(path: Path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _detached(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection | None:
    """`con` with the store detached (the file is free again), kept for the next read when nothing of the
    read is left in it; otherwise closed (None)."""
    try:
        con.execute(f"DETACH {STORE}")
        left = con.execute("SELECT (SELECT count(*) FROM duckdb_tables()) "
                           "+ (SELECT count(*) FROM duckdb_views() WHERE NOT internal)").fetchone()[0]
        if not left:
            return con
    except duckdb.Error:  # a broken connection: the next read makes another
        pass
    con.close()
    return None


class Store:
    """The explorer's reads, cached until a new load replaces the store."""

    def __init__(self, db_path: str | Path | None) -> None:
        self.db_path = resolve_db_path(db_path)
        self._tables: dict[tuple[str, str], IndicatorTable] = {}
        self.load_id: str | None = None
        self.loaded: set[str] = set()
        self.ranges: dict[str, tuple[dt.date, dt.date]] = {}
        self._stamp = None
        self._changed = False  # a new load was read since `check` last said so
        self._memory = None  # the in-memory database each read attaches the store to (made once: ~20 ms)
        self._memory_lock = threading.Lock()
        self.refresh()

    @contextmanager
    def _read(self) -> Iterator:
        """A connection with the store attached read-only, under the store's shared lock, detached after the
        block."""
        if not self.db_path.is_file():  # checked first: a wrong path leaves no lock file behind
            raise DatabaseError(f"no database at {self.db_path}: load the extracts first with "
                                f"`dscp load DATA_DIR --db {self.db_path}`")
        with store_lock(self.db_path, exclusive=False, purpose="the explorer", wait_s=READ_WAIT_S):
            with self._memory_lock:  # a read on another thread makes its own
                memory, self._memory = self._memory, None
            con = open_store(self.db_path, con=memory or reader_connection())  # closed by it if it fails
            try:
                if read_load_id(con) != self.load_id or not self.ranges:
                    self._reset(con)
                yield con
            finally:
                kept = _detached(con)
                with self._memory_lock:
                    if self._memory is None:
                        self._memory, kept = kept, None
                if kept is not None:  # another read's database was kept meanwhile
                    kept.close()

    def _reset(self, con) -> None:
        self._changed = self._changed or self._stamp is not None
        self._stamp = _file_stamp(self.db_path)
        self.load_id = read_load_id(con)
        self.loaded = store_tables(con)
        self.ranges = source_ranges(con, self.loaded)
        self._tables.clear()

    def refresh(self) -> None:
        """Re-read the load id and the data's ranges (forgetting every cached table)."""
        self.ranges = {}
        with self._read():
            pass

    def close(self) -> None:
        """Close the in-memory database the reads use (the store file itself is never held open)."""
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def stale(self) -> bool:
        """True when the database file was replaced since it was last read."""
        return _file_stamp(self.db_path) != self._stamp

    def check(self) -> bool:
        """True (and the cache dropped) when a new load replaced the store since the last `check`: the file
        was replaced, or a read found another load id."""
        if self.stale():
            self.refresh()
        changed, self._changed = self._changed, False
        return changed

    def periods(self, indicator: Indicator, granularity: str) -> list[Period]:
        return indicator_periods(indicator, self.ranges, granularity)

    def table(self, indicator: Indicator, granularity: str) -> IndicatorTable:
        """The indicator's table (every breakdown) for every period the explorer offers.

        Computed together with every indicator read from the same extracts, for months and quarters at
        once: they share one count of the extracts' records (for referrals, one pass of the look-back over
        every referral), so choosing another of them, or the other granularity, reads the cache.
        """
        key = (indicator.id, granularity)
        if key not in self._tables:
            self._compute_with_companions(indicator)
        return self._tables[key]

    def _compute_with_companions(self, indicator: Indicator) -> None:
        sources = {m.source for m in indicator.measures}
        companions = [i for i in REGISTRY if {m.source for m in i.measures} == sources] or [indicator]
        offered = {(i.id, g): self.periods(i, g) for i in companions for g in GRANULARITIES}
        periods = list(dict.fromkeys(p for ps in offered.values() for p in ps))
        with self._read() as con:
            table = compute(con, periods, [i.id for i in companions], loaded=self.loaded)
        by_indicator = dict(tuple(table.frame.groupby("indicator_id", sort=False)))
        for (indicator_id, granularity), wanted in offered.items():
            frame = by_indicator.get(indicator_id, table.frame.iloc[0:0])
            frame = frame[frame["period"].isin([p.code for p in wanted])].reset_index(drop=True)
            missing = {t: [indicator_id] for t, ids in table.missing_sources.items() if indicator_id in ids}
            self._tables[(indicator_id, granularity)] = IndicatorTable(frame, missing, table.categories,
                                                                       table.first_dates)

    def records(self, indicator: Indicator, period: Period, cell: tuple = (),
                limit: int = DRILLDOWN_ROW_LIMIT) -> Records:
        """The records the figure's numerator counts for the period and the chosen cell (see `drilldown`),
        the first `limit` in date order. Identifiers included: for the analyst's screen only."""
        with self._read() as con:
            columns = [d[0] for d in con.execute(record_columns_sql(indicator, period)).description]
            query = drilldown_sql(indicator, period, cell, columns)
            frame = con.execute(f"{query.sql} LIMIT {int(limit)}").df()
            total = con.execute(f"SELECT count(*) FROM ({query.sql})").fetchone()[0]
            counted = con.execute(query.counted_sql).fetchone()[0]
        return Records(frame, int(total), int(counted), query.distinct)


__all__ = ["DEFAULT_DB", "Records", "Store", "data_periods", "holding", "indicator_periods", "indicator_span",
           "narrower", "resolve_db_path", "short_windows"]
