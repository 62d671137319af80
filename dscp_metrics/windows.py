"""Reporting windows and the SQL that places an extract's records in them.

Kept free of pandas so that `dscp indicators` can start DuckDB on the heavy
part of its work (the referral look-back) before pandas has been imported:
`prefetch` runs the counted view of each large extract on DuckDB's own threads
into an in-memory table while the caller goes on importing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .indicators import REGISTRY, SOURCES
from .periods import Period, months_before, parse_periods


@dataclass(frozen=True)
class Window:
    """A reporting window: its label in the table and its first and last day."""

    label: str
    first_day: dt.date
    last_day: dt.date

    def span(self, kind: str) -> tuple[dt.date, dt.date]:
        """The dates an indicator of this window kind counts: the window itself,
        or the 12 months ending on its last day."""
        if kind == "rolling_12_months":
            return months_before(self.last_day + dt.timedelta(days=1), 12), self.last_day
        return self.first_day, self.last_day


def windows_for(periods: Iterable[str | Period]) -> list[Window]:
    return [Window(p.code, p.first_day, p.last_day) for p in parse_periods(periods)]


def month_windows(first_month: dt.date, last_month: dt.date) -> list[Window]:
    """One window per calendar month from `first_month` to `last_month` inclusive, labelled `YYYY-MM`."""
    windows = []
    month = first_month.replace(day=1)
    while month <= last_month:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        windows.append(Window(month.strftime("%Y-%m"), month, following - dt.timedelta(days=1)))
        month = following
    return windows


def sql_date(d: dt.date) -> str:
    """A date as a SQL literal (the one place dates become SQL)."""
    return f"DATE '{d.isoformat()}'"


def source_sql(source_name: str, kind: str, windows: Sequence[Window], records: bool = False) -> str:
    """The SQL of what the indicators count from a source (or, with `records`, of its
    record-level view, for the drill-down), for the dates the windows need."""
    source = SOURCES[source_name]
    starts, ends = zip(*(w.span(kind) for w in windows))
    start, end = min(starts), max(ends)
    template = source.records_sql if records else source.indicator_sql
    return template.format(
        start=sql_date(start), end=sql_date(end), lookback_start=sql_date(months_before(start, 12))
    )


def prefetched_table(sql: str) -> str:
    """The in-memory table that holds the result of `sql` once prefetched."""
    return "prefetched_" + hashlib.sha256(sql.encode("utf-8")).hexdigest()[:16]


def prefetch(con, windows: Sequence[Window], ids: Sequence[str] | None = None) -> threading.Thread | None:
    """Start computing, in the background, each large extract's counted view (referrals
    per day) for these windows, into an in-memory table of the connection's database.

    The indicator table uses such a table only when its SQL is the very same
    (`prefetched_table`); join the thread before computing. Returns None when
    there is nothing to prefetch.
    """
    indicators = [REGISTRY.get(i) for i in ids] if ids else list(REGISTRY)
    wanted = sorted({(i.source, i.window) for i in indicators if SOURCES[i.source].counted_sql})
    if not wanted or not windows:
        return None
    statements = [
        f"CREATE TABLE IF NOT EXISTS main.{prefetched_table(sql)} AS {sql}"
        for sql in (source_sql(name, kind, windows) for name, kind in wanted)
    ]
    cursor = con.cursor()  # a second connection to the same in-memory database (store attached)

    def run() -> None:
        try:
            for statement in statements:
                cursor.execute(statement)
        except Exception:  # noqa: BLE001 - e.g. an extract never loaded: compute() reports it
            pass
        finally:
            cursor.close()

    thread = threading.Thread(target=run, name="dscp-prefetch", daemon=True)
    thread.start()
    return thread
