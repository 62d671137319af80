"""One snapshot of the store: everything a pack or an export reads, read once, under the reader lock.

A pack is one snapshot (issue: "nothing lost, nothing silently wrong"): every
section, the manifest and the data-quality section come from the same load,
identified by its `load_id`. The snapshot is read while holding the store's
shared lock, so a `dscp load` waits until it has been read and never swaps the
file half-way through; afterwards the snapshot lives in memory only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..compute import IndicatorTable, compute
from ..indicators import REGISTRY
from ..errors import PeriodError
from ..periods import Period, parse_period
from ..present.format import day
from ..store import open_store, store_lock, store_tables
from .selection import pack_months, pack_periods, source_ranges, uncovered

REJECT_REASON_SQL = (
    "SELECT source, regexp_extract(reason, '^[a-z_ +-]+[a-z]') AS reason, count(DISTINCT line) AS rows "
    "FROM store.rejects GROUP BY ALL ORDER BY source, rows DESC, reason"
)


@dataclass
class Snapshot:
    """What the store held for one period's pack, at one load."""

    db_path: Path
    period: Period
    load_id: str | None
    loaded: set[str]
    table: IndicatorTable
    ranges: dict[str, tuple[dt.date, dt.date]]
    load_log: pd.DataFrame
    reject_reasons: pd.DataFrame
    level3: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_snapshot(db_path: str | Path, period: str | Period, wait_s: float | None = None) -> Snapshot:
    """Read everything the pack for `period` needs from the store at `db_path`, under its shared lock.

    Refuses (PeriodError, one sentence) a period that no loaded extract covers: a pack
    of zeros would look complete.
    """
    from ..store.lock import DEFAULT_WAIT_S
    from ..store.read import read_load_id, read_load_log

    period = parse_period(period)
    db_path = Path(db_path)
    with store_lock(db_path, exclusive=False, purpose="reading for a pack",
                    wait_s=DEFAULT_WAIT_S if wait_s is None else wait_s):
        con = open_store(db_path)
        try:
            loaded = store_tables(con)
            ranges = source_ranges(con, loaded)
            if uncovered(period, ranges):
                raise PeriodError(_uncovered_sentence(period, ranges))
            table = compute(con, pack_periods(period), loaded=loaded)
            series = [i.id for i in REGISTRY if i.has_monthly_series]
            months = compute(con, pack_months(period), series, loaded=loaded, whole_only=True)
            table.frame = pd.concat([table.frame, months.frame], ignore_index=True)
            load_log = read_load_log(con, loaded)
            reasons = con.execute(REJECT_REASON_SQL).df() if "rejects" in loaded \
                else pd.DataFrame(columns=["source", "reason", "rows"])
            level3 = _level3(con, period, loaded)
            load_id = read_load_id(con)
        finally:
            con.close()
    return Snapshot(db_path, period, load_id, loaded, table, ranges, load_log, reasons, level3)


def _level3(con, period: Period, loaded: set[str]) -> pd.DataFrame:
    """Every level-3 injury in the period (date and age only, never an identifier), for the restricted pack."""
    if "restraint_incidents" not in loaded:
        return pd.DataFrame(columns=["incident_date", "age"])
    return con.execute(
        "SELECT incident_date, age FROM store.restraint_incidents "
        "WHERE injury_level = 3 AND incident_date BETWEEN ? AND ? ORDER BY incident_date",
        [period.first_day, period.last_day],
    ).df()


def _uncovered_sentence(period: Period, ranges) -> str:
    if not ranges:
        return f"no extract with any record is loaded, so there is nothing to report for {period.label}"
    first = min(r[0] for r in ranges.values())
    last = max(r[1] for r in ranges.values())
    return (f"no loaded extract holds a record for {period.label} ({day(period.first_day)} to "
            f"{day(period.last_day)}): the data runs from {day(first)} to {day(last)}; "
            "load that period's extracts or choose a period inside it")
