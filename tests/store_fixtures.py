"""Tiny hand-made stores for indicator tests: the schema of docs/design.md, rows as given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

SCHEMA = {
    "csc_referrals": "referral_id VARCHAR, child_id VARCHAR, referral_date DATE, source VARCHAR, factors VARCHAR[]",
    "cevt_referrals": "cevt_id VARCHAR, child_id VARCHAR, scored_date DATE, exploitation_type VARCHAR, risk_level VARCHAR, locality VARCHAR",
    "restraint_incidents": "incident_id VARCHAR, young_person_id VARCHAR, incident_date DATE, injury_level INTEGER, age INTEGER",
    "osa_returns": "return_id VARCHAR, organisation VARCHAR, section VARCHAR, standard_id VARCHAR, rating VARCHAR, assessment_date DATE",
    "osa_issued": "organisation VARCHAR, issued INTEGER, issued_date DATE",
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def make_store(path: Path, **tables: list[tuple]) -> Path:
    """Write a store holding exactly the given tables (a table not given was never loaded)."""
    con = duckdb.connect(str(path))
    try:
        for name, rows in tables.items():
            con.execute(f"CREATE TABLE {name} ({SCHEMA[name]})")
            if rows:
                placeholders = ", ".join("?" * len(rows[0]))
                con.executemany(f"INSERT INTO {name} VALUES ({placeholders})", [list(r) for r in rows])
    finally:
        con.close()
    return path


def referrals(*rows: tuple[str, str, str, str]) -> list[tuple]:
    """(referral_id, child_id, ISO date, ';'-joined factors) -> store rows."""
    return [
        (rid, child, d(date), "Police", sorted(set(filter(None, factors.split(";")))))
        for rid, child, date, factors in rows
    ]
