"""What the explorer tests share: figures computed directly from the store, never by the explorer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from dscp_metrics.compute import indicator_table
from dscp_metrics.store import open_store

from conftest import SAMPLE_DIR, SAMPLE_LOAD_DATE  # noqa: F401 (re-exported for the explorer tests)

SMALL = set(range(1, 6))  # the sample's threshold is 5 (data/thinktank.toml)


def direct_table(db: Path, periods, ids) -> pd.DataFrame:
    """The indicator table as `dscp_metrics.compute` gives it for these periods."""
    con = open_store(db)
    try:
        return indicator_table(con, list(periods), list(ids)).frame
    finally:
        con.close()


def whole(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["breakdown"] == "all"].reset_index(drop=True)


def sql(db: Path, query: str, params=()) -> pd.DataFrame:
    """A query on the store itself, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).df()
    finally:
        con.close()


def first_record(db: Path, table: str, column: str) -> dt.date:
    return sql(db, f"SELECT min({column}) AS d FROM {table}")["d"].iloc[0].date()


def trace(figure: dict, name: str) -> dict:
    matches = [t for t in figure["data"] if t.get("name") == name]
    assert matches, f"no trace {name!r}; traces: {[t.get('name') for t in figure['data']]}"
    return matches[0]


def plotted_numbers(figure: dict) -> list[float]:
    """Every number a reader can find in the figure: y values, x values of bars, error bars."""
    numbers = []
    for t in figure["data"]:
        for key in ("y", "x"):
            numbers += [v for v in t.get(key) or () if isinstance(v, (int, float)) and not isinstance(v, bool)]
        for key in ("array", "arrayminus"):
            numbers += [v for v in (t.get("error_y") or {}).get(key) or () if v is not None]
    return numbers
