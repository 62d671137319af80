"""Benchmark: `dscp indicators` at national scale against a pandas implementation.

Builds a synthetic store with 6.5 million referrals over ten financial years
(England has about 620,000 a year) plus small CEVT, restraint and OSA tables,
then times the whole `dscp indicators` process for one quarter and for all
forty quarters in one call, and, in the same run, a straightforward pandas
implementation of the re-referral rule for the same forty quarters. Prints the
times, their ratio and peak memory (max RSS of each process).

    python benchmarks/bench_indicators.py [--rows 6500000] [--keep]

Goals (2-core machine, loaded database): one quarter <= 1.5 s wall, forty
quarters <= 3 s, peak memory <= 1 GiB, and >= 4x faster than pandas.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
FIRST_YEAR = 2015  # 2015-16 .. 2024-25


def build_store(path: Path, rows: int) -> None:
    """6.5 M referrals: ~1.9 M children (string ids), dates over ten years, factor lists."""
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    days = (dt.date(FIRST_YEAR + 10, 3, 31) - dt.date(FIRST_YEAR, 4, 1)).days + 1
    children = rows * 3 // 10
    con.execute(
        f"""
        CREATE TABLE csc_referrals AS
        SELECT 'R' || lpad(i::VARCHAR, 9, '0') AS referral_id,
               'C' || lpad((hash(i * 7919) % {children})::VARCHAR, 8, '0') AS child_id,
               DATE '{FIRST_YEAR}-04-01' + CAST(hash(i * 104729) % {days} AS INTEGER) AS referral_date,
               'Police' AS source,
               CASE hash(i) % 5 WHEN 0 THEN ['domestic_abuse'] WHEN 1 THEN ['domestic_abuse', 'neglect']
                    WHEN 2 THEN ['exploitation'] WHEN 3 THEN [] ELSE ['mental_health'] END AS factors
        FROM range({rows}) t(i)
        ORDER BY referral_date
        """
    )
    con.execute(
        f"""CREATE TABLE cevt_referrals AS SELECT 'V' || i AS cevt_id, 'C' || (i % 3000) AS child_id,
            DATE '{FIRST_YEAR}-04-01' + CAST(hash(i) % {days} AS INTEGER) AS scored_date,
            ['criminal','sexual','other'][1 + CAST(hash(i) % 3 AS BIGINT)] AS exploitation_type,
            ['low','medium','high'][1 + CAST(hash(i * 3) % 3 AS BIGINT)] AS risk_level,
            ['East','West','South','Darlington'][1 + CAST(hash(i * 5) % 4 AS BIGINT)] AS locality FROM range(40000) t(i)"""
    )
    con.execute(
        f"""CREATE TABLE restraint_incidents AS SELECT 'I' || i AS incident_id, 'YP' || (i % 500) AS young_person_id,
            DATE '{FIRST_YEAR}-04-01' + CAST(hash(i) % {days} AS INTEGER) AS incident_date,
            CAST(hash(i * 11) % 4 AS INTEGER) AS injury_level, CAST(10 + hash(i) % 8 AS INTEGER) AS age FROM range(20000) t(i)"""
    )
    con.execute(
        f"""CREATE TABLE osa_returns AS SELECT 'RT' || (i // 40) AS return_id, 'Org' || (i // 400) AS organisation,
            ['leadership','policies','information_sharing','training','voice_of_child','domestic_abuse',
             'harm_outside_home','first_1001_days','mental_health'][1 + CAST(i % 9 AS BIGINT)] AS section,
            'S' || (i % 40) AS standard_id, ['Red','Amber','Green'][1 + CAST(hash(i) % 3 AS BIGINT)] AS rating,
            DATE '{FIRST_YEAR}-04-01' + CAST(hash(i // 40) % {days} AS INTEGER) AS assessment_date FROM range(40000) t(i)"""
    )
    con.execute(
        f"""CREATE TABLE osa_issued AS SELECT 'Org' || i AS organisation, CAST(5 + i % 7 AS INTEGER) AS issued,
            DATE '{FIRST_YEAR}-04-01' + CAST(hash(i) % {days} AS INTEGER) AS issued_date FROM range(100) t(i)"""
    )
    con.execute("CHECKPOINT")
    con.close()


def quarters() -> list[str]:
    return [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in range(FIRST_YEAR, FIRST_YEAR + 10) for q in (1, 2, 3, 4)]




def measured(args: list[str]) -> tuple[float, float, str]:
    """Run a command in a subprocess and read its own peak RSS via wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out


PANDAS_SCRIPT = r"""
import sys, time
import duckdb, pandas as pd
db, first_year = sys.argv[1], int(sys.argv[2])
con = duckdb.connect(db, read_only=True)
con.execute("SET enable_progress_bar = false")
frame = con.execute("SELECT referral_id, child_id, referral_date FROM csc_referrals").df()
con.close()
start = time.perf_counter()
frame["referral_date"] = pd.to_datetime(frame["referral_date"])
days = frame[["child_id", "referral_date"]].drop_duplicates().sort_values(["child_id", "referral_date"])
days["previous"] = days.groupby("child_id")["referral_date"].shift()
frame = frame.merge(days, on=["child_id", "referral_date"], how="left")
frame["is_rereferral"] = frame["previous"] >= frame["referral_date"] - pd.DateOffset(months=12)
quarter = frame["referral_date"].dt.to_period("Q-MAR")
table = frame.groupby(quarter)["is_rereferral"].agg(["sum", "count"])
print(len(table), round(time.perf_counter() - start, 3))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_500_000)
    parser.add_argument("--keep", action="store_true", help="reuse benchmarks/.work/national.duckdb if present")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    db = WORK / "national.duckdb"
    if not (args.keep and db.exists()):
        t = time.perf_counter()
        build_store(db, args.rows)
        print(f"built {args.rows:,} referrals in {time.perf_counter() - t:.1f} s ({db.stat().st_size / 2**20:.0f} MiB)")

    dscp = [sys.executable, "-m", "dscp_metrics.cli", "indicators", "--db", str(db)]
    one = [dscp + ["--period", "2024-25-Q4"]]
    forty = dscp + [a for q in quarters() for a in ("--period", q)]
    measured(one[0])  # warm the file cache
    runs_one = [measured(one[0]) for _ in range(3)]
    runs_forty = [measured(forty) for _ in range(3)]
    best_one = min(r[0] for r in runs_one)
    best_forty = min(r[0] for r in runs_forty)
    rows_forty = runs_forty[0][2].count("\n") - 1
    peak = max(r[1] for r in runs_one + runs_forty)

    pandas_runs = [measured([sys.executable, "-c", PANDAS_SCRIPT, str(db), str(FIRST_YEAR)]) for _ in range(2)]
    pandas_wall = min(r[0] for r in pandas_runs)
    pandas_peak = max(r[1] for r in pandas_runs)
    pandas_compute = min(float(r[2].split()[1]) for r in pandas_runs)

    print(f"dscp indicators, one quarter (whole process):   {best_one:6.2f} s   (goal <= 1.5 s)")
    print(f"dscp indicators, forty quarters in one call:    {best_forty:6.2f} s   (goal <= 3 s; {rows_forty:,} rows)")
    print(f"peak memory of dscp indicators:                 {peak:6.0f} MiB (goal <= 1024 MiB)")
    print(f"pandas re-referral rule, forty quarters:        {pandas_wall:6.2f} s   "
          f"(of which the rule itself {pandas_compute:.2f} s; peak {pandas_peak:.0f} MiB)")
    print(f"ratio pandas / dscp (forty quarters, whole process, all indicators vs one rule): {pandas_wall / best_forty:4.1f}x (goal >= 4x)")


if __name__ == "__main__":
    main()
