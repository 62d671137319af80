"""Benchmark: `dscp indicators` at national scale (6.5 M referrals) beside a fair pandas re-referral rule.

    .venv/bin/python benchmarks/bench_indicators.py [--runs N] [--quick] [--rows N] [--timeout S]

The store (`national.py`: the sample's other extracts, 6.5 M generated
referrals over 2015-16..2024-25) is made once under benchmarks/.work/. Measured,
whole processes, round-robin, medians of several runs:

- `dscp indicators --indicator rereferral_rate` for one quarter (2024-25-Q4) and
  for the forty quarters in one call, each beside the **pandas peer** for the
  same quarters: a separate process reading only `child_id, referral_date` (the
  look-back's dates) from the store through Arrow, coding child ids as integers
  (`pd.factorize`), one sort of a (child, day) int64 key, and the look-back done
  on the sorted arrays (the latest earlier day of the same child, compared with
  the day 12 calendar months before). Its counts are checked against dscp's;
- `dscp indicators` with every indicator, one quarter (suppressed, and with
  `--no-suppress`), and forty quarters with `--no-suppress`; forty quarters
  suppressed is run once, stopped after `--timeout` seconds (default 120).

Peak memory is each process's largest resident set. `--quick`: 3 runs (the
store is still 6.5 M rows unless `--rows` says otherwise).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402
import national  # noqa: E402

GOAL_ONE_S, GOAL_FORTY_S, GOAL_PEAK_MIB = 1.5, 3.0, 1024  # the earlier goals (README "Benchmarks")
DSCP = str(Path(bl.PYTHON).with_name("dscp"))

PEER = r'''
import sys, time
started = time.perf_counter()
import duckdb, numpy as np, pandas as pd
imported = time.perf_counter()
db, codes = sys.argv[1], sys.argv[2:]
# 2024-25-Q1 (April-June 2024) is pandas' 2025Q1 in a year ending in March
quarters = pd.PeriodIndex([pd.Period(f"{int(c[:4]) + 1}Q{c[-1]}", freq="Q-MAR") for c in codes])
starts, ends = quarters.start_time.normalize(), quarters.end_time.normalize()
lookback = (starts.min() - pd.DateOffset(months=12)).date()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute(f"ATTACH '{db}' AS store (READ_ONLY)")
table = con.sql(f"SELECT child_id, referral_date FROM store.csc_referrals WHERE referral_date "
                f"BETWEEN DATE '{lookback}' AND DATE '{ends.max().date()}'").to_arrow_table()
con.close()
frame = table.to_pandas(date_as_object=False)
del table
read = time.perf_counter()
child = pd.factorize(frame["child_id"])[0].astype(np.int64)                  # integer-coded ids
day = frame["referral_date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
del frame
first = day.min()
key = np.sort((child << 21) | (day - first))                                  # one sort: child, then day
del child, day
coded = time.perf_counter()
k_child, k_day = key >> 21, key & ((1 << 21) - 1)
new = np.ones(len(key), bool)
new[1:] = key[1:] != key[:-1]                                                 # a new (child, day)
at = np.flatnonzero(new)
never = np.int64(-1 << 40)
latest_before = np.full(len(at), never)                                       # the child's latest earlier day
latest_before[1:] = np.where(k_child[at][1:] == k_child[at][:-1], k_day[at][:-1], never)
previous = latest_before[np.cumsum(new) - 1]
calendar = pd.date_range(pd.Timestamp(int(first), unit="D"), periods=int(k_day.max()) + 1, freq="D")
year_before = ((calendar - pd.DateOffset(months=12)).values.astype("datetime64[D]").astype(np.int64) - first)
is_rereferral = previous >= year_before[k_day]
quarter_of_day = np.full(len(calendar), -1)
for n, (s, e) in enumerate(zip(starts, ends)):
    quarter_of_day[(calendar >= s) & (calendar <= e)] = n
q = quarter_of_day[k_day]
inside = q >= 0
referrals = np.bincount(q[inside], minlength=len(codes))
rereferrals = np.bincount(q[inside], weights=is_rereferral[inside], minlength=len(codes)).astype(np.int64)
done = time.perf_counter()
for c, n, d in zip(codes, rereferrals, referrals):
    print(c, n, d)
print(f"imports {imported - started:.2f} s, read {read - imported:.2f} s, code+sort {coded - read:.2f} s, "
      f"look-back+counts {done - coded:.2f} s", file=sys.stderr)
'''


def dscp_counts(csv_text: str) -> list[str]:
    """`period numerator denominator` of each rereferral_rate `all` row of a dscp CSV."""
    import csv
    import io

    rows = csv.DictReader(io.StringIO(csv_text))
    return [f"{r['period']} {r['numerator']} {r['denominator']}" for r in rows
            if r["indicator_id"] == "rereferral_rate" and r["breakdown"] == "all"]


def main() -> int:
    p = bl.parser(__doc__, runs=5)
    p.add_argument("--rows", type=int, default=national.ROWS, help="referrals in the store (default 6.5 M)")
    p.add_argument("--timeout", type=float, default=120,
                   help="stop forty quarters, suppressed, after S seconds (default 120)")
    args = p.parse_args()
    runs = bl.runs_of(args)
    print(bl.machine_line("before"))
    db = national.national_store(args.rows)
    one, forty = ["2024-25-Q4"], national.quarters()

    def dscp(periods, *extra):
        return [DSCP, "indicators", "--db", str(db), *[a for q in periods for a in ("--period", q)], *extra]

    peer = [bl.PYTHON, "-c", PEER, str(db)]
    commands = {
        "rr1": dscp(one, "--indicator", "rereferral_rate"), "pd1": peer + one,
        "rr40": dscp(forty, "--indicator", "rereferral_rate"), "pd40": peer + forty,
        "all1": dscp(one), "all1ns": dscp(one, "--no-suppress"), "all40ns": dscp(forty, "--no-suppress"),
    }
    found = bl.round_robin(commands, runs)
    checks = []
    for dscp_key, peer_key, periods in (("rr1", "pd1", one), ("rr40", "pd40", forty)):
        ours, theirs = dscp_counts(found[dscp_key][0].out), found[peer_key][0].out.split("\n")[:-1]
        checks.append(f"{len(periods)} quarter(s): pandas and dscp give the same re-referral counts: "
                      + ("yes" if ours == theirs and len(ours) == len(periods) else f"NO\n  dscp {ours[:3]}\n"
                                                                                   f"  pandas {theirs[:3]}"))
    slow = bl.run(dscp(forty), timeout=args.timeout)
    w, pk = bl.walls, bl.peak
    rows = [
        bl.Row("rereferral_rate, 1 quarter", w(found["rr1"]), peak_mib=pk(found["rr1"]), ref="pandas",
               ref_values=w(found["pd1"]), goal=GOAL_ONE_S),
        bl.Row("  pandas peer, 1 quarter", w(found["pd1"]), peak_mib=pk(found["pd1"])),
        bl.Row("rereferral_rate, 40 quarters", w(found["rr40"]), peak_mib=pk(found["rr40"]), ref="pandas",
               ref_values=w(found["pd40"]), goal=GOAL_FORTY_S),
        bl.Row("  pandas peer, 40 quarters", w(found["pd40"]), peak_mib=pk(found["pd40"])),
        bl.Row("  CPU s: rereferral_rate, 40 quarters", [r.cpu for r in found["rr40"]], ref="pandas CPU",
               ref_values=[r.cpu for r in found["pd40"]]),
        bl.Row("all indicators, 1 quarter", w(found["all1"]), peak_mib=pk(found["all1"]), ref="pandas (rule only)",
               ref_values=w(found["pd1"]), goal=GOAL_ONE_S),
        bl.Row("all indicators, 1 quarter, --no-suppress", w(found["all1ns"]), peak_mib=pk(found["all1ns"])),
        bl.Row("all indicators, 40 quarters, --no-suppress", w(found["all40ns"]), peak_mib=pk(found["all40ns"]),
               ref="pandas (rule only)", ref_values=w(found["pd40"]), goal=GOAL_FORTY_S),
        bl.Row("all indicators, 40 quarters (1 run)" + ("" if slow.code == 0 else
                                                       f": STOPPED after {args.timeout:.0f} s"),
               [slow.wall], peak_mib=slow.peak_mib, goal=GOAL_FORTY_S),
    ]
    peak_all = max(r.peak_mib for k in commands if not k.startswith("pd") for r in found[k])
    rows.append(bl.Row("peak memory of dscp indicators (MiB)", [peak_all], unit="MiB", goal=GOAL_PEAK_MIB))
    bl.print_table(f"dscp indicators, national scale ({args.rows:,} referrals)", rows, runs)
    for line in checks:
        print("  " + line)
    print("  pandas peer, 40 quarters, its own stages (first run): " + found["pd40"][0].err.strip())
    print(bl.machine_line("after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
