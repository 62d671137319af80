"""The referrals' counted table a load writes (`compute/counted.py`): its rows, when it is rewritten, when a
reader may use it, and that figures read from it equal figures worked out at read time."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pandas as pd

from dscp_metrics.compute import indicator_table
from dscp_metrics.load import load_folder
from dscp_metrics.store import open_store

LOAD_DATE = date(2024, 7, 1)
REFERRALS_HEADER = "referral_id,child_id,referral_date,source,factors"


def write_referrals(folder, *rows: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "csc_referrals.csv").write_text("\n".join([REFERRALS_HEADER, *rows]) + "\n", encoding="utf-8")
    return folder


def write_other_extract(folder):
    """A folder holding one extract that is not the referrals (the OSA's issued returns)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "osa_issued.csv").write_text("organisation,issued,issued_date\nSchools,12,2024-04-03\n",
                                           encoding="utf-8")
    return folder


def counted_rows(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * FROM csc_referrals_counted ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_a_load_writes_the_referrals_per_day_and_flags(tmp_path):
    folder = write_referrals(tmp_path / "in",
                             "R1,C1,2023-06-30,Police,domestic_abuse",
                             "R2,C1,2024-04-03,Police,",  # C1's referral of 2023-06-30 is within 12 months
                             "R3,C2,2024-04-03,Schools,exploitation",
                             "R4,C2,2024-04-03,Schools,",  # the same day as R3: neither is a re-referral
                             "R5,C3,2024-04-03,Police,neglect")
    db = tmp_path / "dscp.duckdb"
    assert load_folder(folder, db, LOAD_DATE).ok
    # (day, re-referral, domestic abuse, exploitation, referrals): hand-worked
    assert counted_rows(db) == [
        (date(2023, 6, 30), False, True, False, 1),
        (date(2024, 4, 3), False, False, False, 2),  # R4 and R5
        (date(2024, 4, 3), False, False, True, 1),  # R3
        (date(2024, 4, 3), True, False, False, 1),  # R2
    ]


def test_rewritten_with_the_referrals_kept_without_them(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert load_folder(write_referrals(tmp_path / "one", "R1,C1,2024-04-03,Police,"), db, LOAD_DATE).ok
    first = counted_rows(db)
    other = write_other_extract(tmp_path / "other")
    assert load_folder(other, db, LOAD_DATE).ok  # no referrals supplied: they and their counts stay
    assert counted_rows(db) == first
    assert load_folder(write_referrals(tmp_path / "two", "R1,C1,2024-04-03,Police,", "R2,C1,2024-05-03,Police,"),
                       db, LOAD_DATE).ok
    assert counted_rows(db) == [(date(2024, 4, 3), False, False, False, 1), (date(2024, 5, 3), True, False, False, 1)]


def test_written_for_a_store_that_lacks_it(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert load_folder(write_referrals(tmp_path / "one", "R1,C1,2024-04-03,Police,"), db, LOAD_DATE).ok
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE csc_referrals_counted")  # as a store written before loads wrote it
    con.close()
    other = write_other_extract(tmp_path / "other")
    assert load_folder(other, db, LOAD_DATE).ok
    assert counted_rows(db) == [(date(2024, 4, 3), False, False, False, 1)]


def test_sample_figures_are_the_same_read_either_way(sample_db, tmp_path):
    """Every indicator, months, quarters and years: from the counted table and from the look-back at read time
    (a copy of the sample store without the table)."""
    without = tmp_path / "without.duckdb"
    shutil.copyfile(sample_db, without)
    con = duckdb.connect(str(without))
    con.execute("DROP TABLE csc_referrals_counted")
    con.close()
    periods = ["2022-05", "2023-12", "2024-03", "2023-24-Q1", "2024-25-Q4", "2022-23", "2024-25"]
    tables = []
    for db in (sample_db, without):
        con = open_store(db)
        try:
            tables.append(indicator_table(con, periods).frame)
        finally:
            con.close()
    assert len(tables[0]) > 1000
    pd.testing.assert_frame_equal(tables[0], tables[1])


def referrals_in(db, period: str) -> int:
    con = open_store(db)
    try:
        frame = indicator_table(con, [period], ["csc_referrals"]).frame
    finally:
        con.close()
    return int(frame.loc[frame["breakdown"] == "all", "numerator"].iloc[0])


def tamper(db, *statements: str) -> None:
    con = duckdb.connect(str(db))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def test_a_current_table_is_what_readers_count(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert load_folder(write_referrals(tmp_path / "in", "R1,C1,2024-04-03,Police,"), db, LOAD_DATE).ok
    assert referrals_in(db, "2024-04") == 1
    tamper(db, "UPDATE csc_referrals_counted SET records = 99")  # proves the table, not the records, is read
    assert referrals_in(db, "2024-04") == 99


def test_a_table_left_beside_referrals_an_earlier_version_replaced_is_not_read(tmp_path):
    """An earlier version's load replaces the referrals (and their load_log row) and carries the counted
    table over unchanged: readers count the referrals themselves until the next load writes it again."""
    db = tmp_path / "dscp.duckdb"
    assert load_folder(write_referrals(tmp_path / "in", "R1,C1,2024-04-03,Police,"), db, LOAD_DATE).ok
    tamper(db, "INSERT INTO csc_referrals VALUES ('R2', 'C1', DATE '2024-05-03', 'Police', []), "
               "('R3', 'C2', DATE '2024-05-04', 'Police', [])",
           "UPDATE load_log SET sha256 = 'another file', loaded_at = loaded_at + INTERVAL 1 DAY "
           "WHERE source = 'csc_referrals'")
    assert referrals_in(db, "2024-05") == 2
    other = write_other_extract(tmp_path / "other")
    assert load_folder(other, db, LOAD_DATE).ok  # no referrals supplied: the table is made again from them
    assert counted_rows(db) == [(date(2024, 4, 3), False, False, False, 1), (date(2024, 5, 3), True, False, False, 1),
                                (date(2024, 5, 4), False, False, False, 1)]
    tamper(db, "UPDATE csc_referrals_counted SET records = 99")
    assert referrals_in(db, "2024-05") == 198  # current again: read


def test_a_table_made_by_other_sql_is_not_read(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert load_folder(write_referrals(tmp_path / "in", "R1,C1,2024-04-03,Police,"), db, LOAD_DATE).ok
    tamper(db, "UPDATE csc_referrals_counted SET records = 99",
           "UPDATE counted_tables SET sql_sha256 = 'another version'")
    assert referrals_in(db, "2024-04") == 1
