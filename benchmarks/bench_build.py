"""Benchmark: `dscp build` (build_packs) on the sample, against the floor.

    .venv/bin/python benchmarks/bench_build.py [--jobs N] [--keep DIR]

Loads data/sample into a temporary store, then in one process times:

- the floor: papermill's Python API executing as many one-cell notebooks as the pack has
  (7 for one period, 28 for four), two at a time, each in its own `dscp` kernel;
- build_packs for one period (2024-25-Q4) and for four (2024-25-Q1..Q4).

Prints the times, the ratio to the floor (goal: one period within 3x), and the HTML size
(goal: at most 6 MB). papermill and nbconvert are imported before any timing starts, so
neither side pays for imports (their import time is printed separately).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLE_DIR = REPO / "data" / "sample"
SAMPLE_LOAD_DATE = date(2025, 5, 1)
ONE_PERIOD = ["2024-25-Q4"]
FOUR_PERIODS = ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"]
FLOOR_WORKERS = 2
GOAL_RATIO = 3.0
GOAL_BYTES = 6 * 1024 * 1024


def floor_seconds(count: int, folder: Path) -> float:
    """papermill's Python API running `count` one-cell notebooks, two at a time."""
    import nbformat
    import papermill

    from dscp_metrics.pack.build import KERNEL_NAME, ensure_kernelspec

    ensure_kernelspec()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "one_cell.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, source)

    def run(i: int) -> None:
        papermill.execute_notebook(str(source), str(folder / f"out_{i}.ipynb"), kernel_name=KERNEL_NAME,
                                   progress_bar=False)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=FLOOR_WORKERS) as pool:
        list(pool.map(run, range(count)))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="build_packs jobs (default: number of cores)")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    imports = time.perf_counter() - started

    from dscp_metrics.load import load_folder
    from dscp_metrics.pack.build import build_packs, discover_notebooks, DEFAULT_NOTEBOOKS_DIR

    notebooks = len(discover_notebooks(DEFAULT_NOTEBOOKS_DIR))
    with tempfile.TemporaryDirectory(prefix="dscp-bench-build-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        db = root / "sample.duckdb"
        report = load_folder(SAMPLE_DIR, db, load_date=SAMPLE_LOAD_DATE)
        if not report.ok:
            print(report.format())
            return 1

        floor_1 = floor_seconds(notebooks * len(ONE_PERIOD), root / "floor1")
        t = time.perf_counter()
        one = build_packs(ONE_PERIOD, db, out_dir=root / "one", jobs=args.jobs, progress=False, quiet=True)
        build_1 = time.perf_counter() - t
        if not one.ok:
            print(one.format())

        floor_4 = floor_seconds(notebooks * len(FOUR_PERIODS), root / "floor4")
        t = time.perf_counter()
        four = build_packs(FOUR_PERIODS, db, out_dir=root / "four", jobs=args.jobs, progress=False, quiet=True)
        build_4 = time.perf_counter() - t

    sizes = [p.html_bytes for p in one.periods + four.periods if p.html_bytes]
    ratio_1, ratio_4 = build_1 / floor_1, build_4 / floor_4
    print(f"imports (papermill + nbconvert, not timed below): {imports:.2f} s")
    print(f"pack notebooks: {notebooks}")
    print(f"floor, {notebooks} one-cell notebooks x2:   {floor_1:6.2f} s ({floor_1 / notebooks:.2f} s a notebook)")
    print(f"build, 1 period:                       {build_1:6.2f} s  ratio {ratio_1:.1f}x (goal <= {GOAL_RATIO:.0f}x)"
          f"  {'goal met' if ratio_1 <= GOAL_RATIO else 'goal MISSED'}{'' if one.ok else ', build FAILED'}")
    print(f"floor, {notebooks * 4} one-cell notebooks x2:  {floor_4:6.2f} s")
    print(f"build, 4 periods:                      {build_4:6.2f} s  ratio {ratio_4:.1f}x  "
          f"{'ok' if four.ok else 'FAILED'}")
    for period in one.periods:
        slowest = sorted(period.notebooks, key=lambda n: n.duration_s, reverse=True)[:3]
        print("slowest notebooks (1 period): " + ", ".join(f"{n.name} {n.duration_s:.1f} s" for n in slowest))
    if sizes:
        print(f"HTML size: {max(sizes) / 1e6:.2f} MB largest, {min(sizes) / 1e6:.2f} MB smallest "
              f"(goal <= {GOAL_BYTES / 1e6:.1f} MB): {'ok' if max(sizes) <= GOAL_BYTES else 'OVER'}")
    return 0 if one.ok and four.ok else 1


if __name__ == "__main__":
    sys.exit(main())
