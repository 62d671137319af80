"""Benchmark: `dscp load` of a national-scale csc_referrals.csv against DuckDB's own CSV reader.

    .venv/bin/python benchmarks/bench_load.py [--rows N] [--runs K] [--seed S] [--work DIR] [--code DIR]

Generates (once, under benchmarks/.work/, git-ignored) a seeded csc_referrals.csv
of N rows (default 6,500,000: mixed date forms, quoted factor lists, about
0.5% bad rows), then runs K times each, alternating, as separate processes:

- `dscp load` of the folder into a fresh database (the whole process: start,
  imports, checks, the store written and swapped in);
- the floor: a Python process that has DuckDB `read_csv` the same file into
  a table of a fresh database file (every column as text, nothing checked).

Prints the median wall time and peak memory (resident set size of the child,
from `os.wait4`) of each, their ratio, and the CPU time. The goals on 6.5 M
rows: `dscp load` within 2x the floor, peak RSS within 1.5 GiB. `--code DIR`
runs `dscp load` from another checkout (e.g. `git worktree add /tmp/old <commit>`),
to measure before and after on the same file and machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dscp_metrics.load.contract import get_extract  # noqa: E402

LOAD_DATE = "2025-04-30"
FLOOR = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[2])\n"
    "con.execute(\"CREATE TABLE t AS SELECT * FROM read_csv(?, header=true, all_varchar=true)\", [sys.argv[1]])\n"
    "con.close()\n"
)


def _chunk(rng: np.random.Generator, first_id: int, rows: int, total: int) -> tuple[str, int]:
    """`rows` CSV lines of synthetic referrals; returns the text and how many were made bad on purpose."""
    factors = np.array(get_extract("csc_referrals").column("factors").codes)
    dates = pd.Series(np.datetime64("2022-04-01") + rng.integers(0, 3 * 365, rows).astype("timedelta64[D]"))
    iso = dates.dt.strftime("%Y-%m-%d").to_numpy(dtype="U10")
    uk = dates.dt.strftime("%d/%m/%Y").to_numpy(dtype="U10")
    uk_short = dates.dt.strftime("%-d/%-m/%Y").to_numpy(dtype="U10")
    form = rng.integers(0, 4, rows)  # ISO, UK, UK without leading zeros, ISO date-time
    written = np.select([form == 0, form == 1, form == 2], [iso, uk, uk_short], np.char.add(iso, " 10:30"))
    ids = np.char.add("R", np.char.zfill(np.arange(first_id, first_id + rows).astype(str), 7))
    children = np.char.add("C", np.char.zfill(rng.integers(0, max(total // 3, 1), rows).astype(str), 6))
    sources = np.array(["Police", "Schools", "Health services", "Individual", "Other"])[rng.integers(0, 5, rows)]
    n_factors = rng.integers(0, 3, rows)
    one, two = factors[rng.integers(0, len(factors), rows)], factors[rng.integers(0, len(factors), rows)]
    factor_text = np.where(n_factors == 0, "", np.where(n_factors == 1, one, np.char.add(np.char.add(one, "; "), two)))
    # About 0.5% bad rows: impossible dates, unknown factors, missing child ids, duplicate ids.
    bad = rng.random(rows) < 0.005
    kind = rng.integers(0, 4, rows)
    written = np.where(bad & (kind == 0), "31/02/2024", written)
    factor_text = np.where(bad & (kind == 1), "neglect;not_a_factor", factor_text)
    children = np.where(bad & (kind == 2), "", children)
    ids = np.where(bad & (kind == 3), "R0000001", ids)
    quoted = np.char.add(np.char.add('"', factor_text), '"')
    lines = [",".join(fields) for fields in zip(ids, children, written, sources, quoted)]
    return "\n".join(lines) + "\n", int(bad.sum())


def write_referrals(path: Path, rows: int, seed: int, chunk: int = 100_000) -> int:
    """Write a synthetic csc_referrals.csv; returns how many rows were made bad on purpose."""
    rng = np.random.default_rng(seed)
    bad = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("referral_id,child_id,referral_date,source,factors\n")
        for first in range(0, rows, chunk):
            text, n_bad = _chunk(rng, first, min(chunk, rows - first), rows)
            out.write(text)
            bad += n_bad
    return bad


def run(argv: list[str], db: Path, code: Path | None = None) -> tuple[float, float, float]:
    """Run a child process on a fresh database: (wall seconds, CPU seconds, peak RSS in MiB)."""
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(code)) if code else None
    child = subprocess.Popen(argv, cwd=code or ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode()
    child.stderr.close()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed ({child.returncode}): {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--code", type=Path, help="run `dscp load` from this checkout instead of this one")
    args = parser.parse_args()

    args.work = args.work.resolve()
    data_dir = args.work / f"referrals-{args.rows}-{args.seed}"
    csv_path = data_dir / "csc_referrals.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        bad = write_referrals(csv_path, args.rows, args.seed)
        print(f"generated {csv_path} ({bad:,} rows bad on purpose) in {time.perf_counter() - started:.1f} s")
    size = csv_path.stat().st_size
    print(f"file: {csv_path.relative_to(ROOT) if csv_path.is_relative_to(ROOT) else csv_path}, "
          f"{size / 1e6:.1f} MB, {args.rows:,} rows; {os.cpu_count()} cores; {args.runs} runs each")

    dscp = [sys.executable, "-m", "dscp_metrics.cli", "load", str(data_dir), "--load-date", LOAD_DATE, "--db"]
    floor = [sys.executable, "-c", FLOOR, str(csv_path)]
    results: dict[str, list[tuple[float, float, float]]] = {"dscp load": [], "floor": []}
    for _ in range(args.runs):
        results["floor"].append(run([*floor, str(args.work / "floor.duckdb")], args.work / "floor.duckdb"))
        bench_db = args.work / "bench.duckdb"
        results["dscp load"].append(run([*dscp, str(bench_db)], bench_db, args.code))

    medians = {}
    for name, runs in results.items():
        wall, cpu, rss = (statistics.median(r[k] for r in runs) for k in range(3))
        medians[name] = (wall, cpu, rss)
        walls = ", ".join(f"{r[0]:.2f}" for r in runs)
        print(f"{name:>10}: median {wall:6.2f} s wall ({walls}), {cpu:6.2f} s CPU, peak RSS {rss:,.0f} MiB")
    ratio = medians["dscp load"][0] / medians["floor"][0]
    print(f"     ratio: dscp load / floor = {ratio:.2f} (goal <= 2.00); "
          f"peak RSS {medians['dscp load'][2] / 1024:.2f} GiB (goal <= 1.50)")


if __name__ == "__main__":
    main()
