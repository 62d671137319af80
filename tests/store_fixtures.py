"""Tiny hand-made stores for indicator tests: the contract's own table schemas, rows as given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from dscp_metrics.load.contract import EXTRACTS

SCHEMA = {name: extract.create_table_sql(name) for name, extract in EXTRACTS.items()}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_store(path: Path, counted: bool = True, **tables: list[tuple]) -> Path:
    """Write a store holding exactly the given tables (a table not given was never loaded) and, as a load
    does, their counted tables (`csc_referrals_counted`); without them when not `counted` (a store written
    before loads wrote them)."""
    from dscp_metrics.compute.counted import write_counted_tables

    con = duckdb.connect(str(path))
    try:
        for name, rows in tables.items():
            con.execute(SCHEMA[name])
            if rows:
                placeholders = ", ".join("?" * len(rows[0]))
                con.executemany(f'INSERT INTO "{name}" VALUES ({placeholders})', [list(r) for r in rows])
    finally:
        con.close()
    if counted:
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH '{path}' AS store")
            write_counted_tables(con)
        finally:
            con.close()
    return path


def referrals(*rows: tuple[str, str, str, str]) -> list[tuple]:
    """(referral_id, child_id, ISO date, ';'-joined factors) -> store rows."""
    return [
        (rid, child, d(date), "Police", sorted(set(filter(None, factors.split(";")))))
        for rid, child, date, factors in rows
    ]


def compute(db: Path, periods, ids=None):
    """The indicator table of a store for periods (and indicator ids)."""
    from dscp_metrics.compute import indicator_table
    from dscp_metrics.store import open_store

    con = open_store(db)
    try:
        return indicator_table(con, periods, ids)
    finally:
        con.close()


def row(table, indicator_id: str, period: str, breakdown: str = "all") -> dict:
    """The one row of an indicator table for an indicator, period and breakdown."""
    frame = table.frame
    hit = frame[(frame.indicator_id == indicator_id) & (frame.period == period) & (frame.breakdown == breakdown)]
    assert len(hit) == 1, f"{indicator_id} {period} {breakdown}: {len(hit)} rows"
    return hit.iloc[0].to_dict()
