"""compute.spans: the days a figure counts, and the SQL that places a record in a window (hand-computed)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dscp_metrics.compute.spans import covering_span, placement_sql, window_months, window_span, windows_values_sql
from dscp_metrics.compute.table import breakdown_label
from dscp_metrics.periods import parse_period

D = dt.date


@pytest.mark.parametrize(
    ("period", "kind", "expected"),
    [
        ("2024-25-Q1", "period", (D(2024, 4, 1), D(2024, 6, 30))),
        ("2024-25-Q1", "rolling_12_months", (D(2023, 7, 1), D(2024, 6, 30))),
        ("2024-02", "period", (D(2024, 2, 1), D(2024, 2, 29))),  # a leap February
        ("2024-02", "rolling_12_months", (D(2023, 3, 1), D(2024, 2, 29))),
        ("2024-25", "rolling_12_months", (D(2024, 4, 1), D(2025, 3, 31))),  # a year is its own 12 months
    ],
)
def test_window_span(period, kind, expected):
    assert window_span(parse_period(period), kind) == expected


def test_window_months_are_whole_calendar_months():
    assert window_months(parse_period("2024-25-Q4"), "period") == ["2025-01", "2025-02", "2025-03"]
    months = window_months(parse_period("2024-25-Q4"), "rolling_12_months")
    assert len(months) == 12 and months[0] == "2024-04" and months[-1] == "2025-03"


def test_covering_span_is_the_earliest_first_and_latest_last_day():
    periods = [parse_period("2024-25-Q2"), parse_period("2023-11")]
    assert covering_span(periods, ["period"]) == (D(2023, 11, 1), D(2024, 9, 30))
    assert covering_span(periods, ["period", "rolling_12_months"]) == (D(2022, 12, 1), D(2024, 9, 30))


def _placed(source: str, rows: list[tuple], period: str) -> list[int]:
    """Which of `rows` (id, start[, end]) the window of `period` holds, by the source's placement rule."""
    con = duckdb.connect()
    try:
        if source == "education_spells":
            con.execute("CREATE TABLE r (id INT, start_date DATE, end_date DATE)")
            con.executemany("INSERT INTO r VALUES (?, ?, ?)", rows)
        else:
            con.execute("CREATE TABLE r (id INT, incident_date DATE)")
            con.executemany("INSERT INTO r VALUES (?, ?)", rows)
        sql = placement_sql(source)
        windows = windows_values_sql([parse_period(period)], "period")
        return [i for (i,) in con.execute(f"SELECT r.id FROM r, {windows} w WHERE {sql} ORDER BY r.id").fetchall()]
    finally:
        con.close()


def test_a_dated_record_is_placed_by_its_date_both_ends_included():
    rows = [(1, D(2024, 3, 31)), (2, D(2024, 4, 1)), (3, D(2024, 6, 30)), (4, D(2024, 7, 1))]
    assert _placed("restraint_incidents", rows, "2024-25-Q1") == [2, 3]


def test_a_spell_is_placed_in_every_window_it_is_open_on_a_day_of():
    rows = [
        (1, D(2024, 1, 1), D(2024, 3, 31)),   # ended the day before the quarter
        (2, D(2024, 1, 1), D(2024, 4, 1)),    # open on the quarter's first day
        (3, D(2024, 6, 30), None),            # starts on the last day, still open
        (4, D(2024, 7, 1), None),             # starts after
        (5, D(2023, 1, 1), None),             # open across the whole quarter
    ]
    assert _placed("education_spells", rows, "2024-25-Q1") == [2, 3, 5]


def test_breakdown_label():
    assert breakdown_label(()) == "all"
    assert breakdown_label((("route", "e_learning"),)) == "route=e_learning"
    assert breakdown_label((("route", "bespoke"), ("rating", "4"))) == "route=bespoke;rating=4"
