"""A national-scale store for the benchmarks: 6.5 M referrals over ten financial years, under benchmarks/.work/.

The bundled sample is loaded with `dscp load` (every other extract, its
`load_log`, rejects and load id, at Durham's scale), then `csc_referrals` is
replaced by generated referrals: about 1.95 M children with string ids (some
with leading zeros), dates from 1 April 2015 to 31 March 2025 in date order (as
an extract arrives), sources and 0-2 factors in the sample's proportions. The
same arguments always make the same store; it is rebuilt only when missing or
when another size is asked. Like `dscp load`, it writes the referrals' counted table
(`csc_referrals_counted`) from the generated referrals.

    python benchmarks/national.py [--rows 6500000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

ROWS = 6_500_000
FIRST_YEAR = 2015  # 2015-16 .. 2024-25
SOURCES = ["Police", "Schools", "Health services", "Local authority services", "Individual", "Other",
           "Other legal agency", "Housing", "Anonymous"]
FACTORS = ["domestic_abuse", "emotional_abuse", "neglect", "mental_health", "other", "substance_misuse",
           "physical_abuse", "sexual_abuse", "missing", "exploitation"]


def quarters() -> list[str]:
    """The forty quarters 2015-16-Q1 .. 2024-25-Q4."""
    return [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in range(FIRST_YEAR, FIRST_YEAR + 10) for q in (1, 2, 3, 4)]


def national_store(rows: int = ROWS) -> Path:
    import duckdb

    path = bl.WORK / f"national-{rows}.duckdb"
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        current = con.execute("SELECT count(*) FROM duckdb_tables() "
                              "WHERE table_name = 'csc_referrals_counted'").fetchone()[0]
        con.close()
        if current:
            return path
        path.unlink()  # written before loads wrote the counted table

    from dscp_metrics.load.counted import write_counted_tables

    tmp = path.with_suffix(".duckdb.tmp-build")
    tmp.unlink(missing_ok=True)
    bl.python("-m", "dscp_metrics.cli", "load", str(bl.SAMPLE_DIR), "--db", str(tmp), "--load-date",
              bl.SAMPLE_LOAD_DATE, cwd=bl.REPO)
    children = rows * 3 // 10
    sources = "[" + ", ".join(f"'{s}'" for s in SOURCES) + "]"
    factors = "[" + ", ".join(f"'{f}'" for f in FACTORS) + "]"
    con = duckdb.connect(str(tmp))
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""
        CREATE OR REPLACE TABLE csc_referrals AS
        WITH r AS (
            SELECT i,
                   hash(i * 7919) % {children} AS child,
                   DATE '{FIRST_YEAR}-04-01' + CAST(hash(i * 104729) % 3653 AS INTEGER) AS d,
                   hash(i * 31) % 100 AS f
            FROM range({rows}) t(i)
        )
        SELECT 'R' || lpad(i::VARCHAR, 9, '0') AS referral_id,
               CASE WHEN child % 50 = 0 THEN '00' || child::VARCHAR ELSE 'C' || child::VARCHAR END AS child_id,
               CAST(least(d, DATE '{FIRST_YEAR + 10}-03-31') AS DATE) AS referral_date,
               CASE WHEN hash(i * 13) % 100 < 3 THEN NULL
                    ELSE {sources}[1 + CAST(hash(i * 17) % {len(SOURCES)} AS INTEGER)] END AS source,
               list_sort(list_distinct(CASE
                   WHEN f < 40 THEN []::VARCHAR[]
                   WHEN f < 65 THEN [{factors}[1 + CAST(hash(i * 5) % 4 AS INTEGER)]]
                   WHEN f < 90 THEN [{factors}[1 + CAST(hash(i * 5) % {len(FACTORS)} AS INTEGER)]]
                   ELSE [{factors}[1 + CAST(hash(i * 5) % 4 AS INTEGER)],
                         {factors}[1 + CAST(hash(i * 11) % {len(FACTORS)} AS INTEGER)]] END)) AS factors
        FROM r ORDER BY referral_date, referral_id
    """)
    con.execute(f"""UPDATE load_log SET rows_read = {rows}, rows_loaded = {rows}, rows_rejected = 0,
                    min_date = DATE '{FIRST_YEAR}-04-01', max_date = DATE '{FIRST_YEAR + 10}-03-31'
                    WHERE source = 'csc_referrals'""")
    con.execute("DELETE FROM rejects WHERE source = 'csc_referrals'")
    con.close()
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp}' AS store")
    write_counted_tables(con, {"csc_referrals"})  # as `dscp load` does for the referrals it loads
    con.execute("CHECKPOINT store")
    con.close()
    tmp.rename(path)
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=ROWS)
    path = national_store(p.parse_args().rows)
    print(f"{path} ({path.stat().st_size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
