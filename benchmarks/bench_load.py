"""Benchmark: load a 1,000,000-row csc_referrals.csv (seeded, mixed date forms, some bad rows).

    .venv/bin/python benchmarks/bench_load.py [--rows N] [--seed S] [--keep DIR]

Prints the wall time of `load_folder`, rows per second, CPU time (a fairer
figure when other work shares the machine) and the process's peak
memory (resident set size, from `resource.getrusage`). The goal is well under a
minute on a 2-core machine (aim: under 15 s).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dscp_metrics.load.contract import get_extract  # noqa: E402
from dscp_metrics.load import load_folder  # noqa: E402

LOAD_DATE = date(2025, 4, 30)


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
    lines = [",".join(fields) for fields in zip(ids, children, written, sources, np.char.add(np.char.add('"', factor_text), '"'))]
    return "\n".join(lines) + "\n", int(bad.sum())


def write_referrals(path: Path, rows: int, seed: int, chunk: int = 100_000) -> int:
    """Write a synthetic csc_referrals.csv; returns how many rows were made bad on purpose."""
    rng = np.random.default_rng(seed)
    bad = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("referral_id,child_id,referral_date,source,factors\n")
        for first in range(0, rows, chunk):
            text, n_bad = _chunk(rng, first, min(chunk, rows - first), rows)
            out.write(text)
            bad += n_bad
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument("--keep", type=Path, help="write the CSV and database here instead of a temp dir")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        data_dir = work / "extracts"
        data_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        bad = write_referrals(data_dir / "csc_referrals.csv", args.rows, args.seed)
        generated = time.perf_counter() - started
        size = (data_dir / "csc_referrals.csv").stat().st_size

        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        rss_before = usage_before.ru_maxrss
        started = time.perf_counter()
        report = load_folder(data_dir, work / "bench.duckdb", load_date=LOAD_DATE)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak_kib = usage.ru_maxrss  # KiB on Linux
        cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)

        f = report.files[0]
        print(f"file: {size / 1e6:.1f} MB, {args.rows:,} rows ({bad:,} made bad on purpose), generated in {generated:.1f} s")
        print(f"load_folder: {wall:.2f} s wall, {args.rows / wall:,.0f} rows/s, {cpu:.2f} s CPU (user+system, all threads)")
        print(f"rows read {f.rows_read:,}, loaded {f.rows_loaded:,}, rejected {f.rows_rejected:,}")
        print(f"peak RSS: {peak_kib / 1024:.0f} MiB (before load: {rss_before / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
