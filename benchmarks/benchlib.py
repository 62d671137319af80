"""Shared helpers of the benchmarks: whole-process runs, their peak memory, medians, and the printed table.

A measured command runs as its own process; its wall time, CPU time (user +
system, all threads) and peak resident memory come from `os.wait4`, whose
`ru_maxrss` is the largest resident set of that process **or of any process it
waited for** (a kernel it started): the largest single process, not a sum.

Commands that are compared (a subject and its floor or peer) are run
round-robin, `a b c a b c ...`, so a burst of load from other users of the
machine falls on all of them alike. Every figure is a median of several runs,
printed with its spread (min-max) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"  # git-ignored: generated stores, builds, browsers' profiles
PYTHON = sys.executable
SAMPLE_DIR = REPO / "data" / "sample"
SAMPLE_LOAD_DATE = "2025-05-01"


@dataclass
class Run:
    """One finished process."""

    wall: float  # seconds
    cpu: float  # seconds, user + system of the process and the processes it waited for
    peak_mib: float
    out: str
    err: str
    code: int


def run(cmd: list[str], *, check: bool = True, env: dict | None = None, cwd: Path | None = None,
        timeout: float | None = None) -> Run:
    """Run `cmd` to the end (or kill it after `timeout` s: code -9); its output is kept in memory (through
    files, so that `wait4` can reap it and report its resources)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, text=True,
                                env=env, cwd=cwd, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(proc.pid, 0 if timeout is None else os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, 9)  # the process we started, and its own children
                check = False
                timeout = None
            else:
                time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read(), err.read(), code)
    if check and code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(map(str, cmd))}\n{result.err[-2000:]}")
    return result


def python(*args: str, **kw) -> Run:
    """`python args...` with this interpreter (the project's virtual environment)."""
    return run([PYTHON, *args], **kw)


def round_robin(commands: dict[str, list[str]], runs: int, warm: bool = True) -> dict[str, list[Run]]:
    """Each command `runs` times, interleaved; first one unmeasured run of each (file cache, .pyc) if `warm`."""
    if warm:
        for cmd in commands.values():
            run(cmd)
    found: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            found[name].append(run(cmd))
    return found


def median(values) -> float:
    return statistics.median(values)


def spread(values) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def machine_line(label: str) -> str:
    """`uptime`'s figures, and whether the machine is busy (1-minute load at or above half its cores)."""
    one, five, fifteen = load_average()
    cores = os.cpu_count() or 1
    busy = "BUSY (other work is running)" if one >= cores / 2 else "quiet"
    return f"{label}: load average {one:.2f} {five:.2f} {fifteen:.2f} on {cores} cores: {busy}"


@dataclass
class Row:
    """A line of the table: a measured figure, its reference (floor or peer), its goal."""

    what: str
    values: list[float]  # one per run
    unit: str = "s"
    peak_mib: float | None = None
    ref: str = ""  # name of the floor or peer
    ref_values: list[float] | None = None
    goal: float | None = None  # the figure must be <= goal (>= when `at_least`)
    at_least: bool = False

    @property
    def value(self) -> float:
        return median(self.values)

    def met(self) -> str:
        if self.goal is None:
            return ""
        ok = self.value >= self.goal if self.at_least else self.value <= self.goal
        return "yes" if ok else "NO"

    def cells(self) -> list[str]:
        fmt = _formatter(self.unit)
        ratio = ref = ""
        if self.ref_values:
            ref_median = median(self.ref_values)
            ref = f"{self.ref} {fmt(ref_median)}"
            ratio = f"{self.value / ref_median:.2f}x" if ref_median else ""
        goal = "" if self.goal is None else ("≥ " if self.at_least else "≤ ") + fmt(self.goal)
        spread_text = "" if len(self.values) < 2 else f"{fmt(min(self.values))}-{fmt(max(self.values))}"
        peak = "" if self.peak_mib is None else f"{self.peak_mib:.0f}"
        return [self.what, fmt(self.value), spread_text, peak, ref, ratio, goal, self.met()]


def _formatter(unit: str):
    if unit == "s":
        return lambda v: f"{v:.2f} s"
    if unit == "ms":
        return lambda v: f"{v:.0f} ms"
    if unit == "MB":
        return lambda v: f"{v / 1e6:.2f} MB"
    if unit == "x":
        return lambda v: f"{v:.1f}x"
    if unit == "MiB":
        return lambda v: f"{v:.0f} MiB"
    return lambda v: f"{v:g} {unit}".strip()


HEADER = ["what", "median", "spread (min-max)", "peak MiB", "floor / peer (median)", "ratio", "goal", "met?"]


def print_table(title: str, rows: list[Row], runs: int) -> None:
    lines = [HEADER] + [r.cells() for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    print(f"\n{title} (medians of {runs} runs)")
    for n, line in enumerate(lines):
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def peak(runs: list[Run]) -> float:
    return max(r.peak_mib for r in runs)


def walls(runs: list[Run]) -> list[float]:
    return [r.wall for r in runs]


def parser(doc: str, runs: int, quick_runs: int = 3) -> argparse.ArgumentParser:
    """The options every benchmark takes: `--runs N` and `--quick` (fewer runs, smaller inputs)."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--runs", type=int, default=None, help=f"measured runs of each command (default {runs}; "
                                                          f"{quick_runs} with --quick)")
    p.add_argument("--quick", action="store_true", help="fewer runs (and smaller inputs where the script says)")
    p.set_defaults(default_runs=runs, quick_runs=quick_runs)
    return p


def runs_of(args) -> int:
    return args.runs or (args.quick_runs if args.quick else args.default_runs)


def sample_store(path: Path | None = None) -> Path:
    """The bundled sample loaded into `benchmarks/.work/sample.duckdb` (once; reused while the CSVs are older)."""
    path = path or WORK / "sample.duckdb"
    newest = max(p.stat().st_mtime for p in SAMPLE_DIR.glob("*.csv"))
    if not path.exists() or path.stat().st_mtime < newest:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        python("-m", "dscp_metrics.cli", "load", str(SAMPLE_DIR), "--db", str(path), "--load-date", SAMPLE_LOAD_DATE,
               cwd=REPO)
    return path
