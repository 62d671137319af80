"""Benchmark: the explorer on a national-scale store (6.5 M referrals): first view and every control change.

    .venv/bin/python benchmarks/bench_explorer.py [--runs N] [--quick] [--rows N]

Each run is a fresh process (the store from `national.py`) that builds an
`Explorer(db)` headless (no kernel: ipywidgets work without a front end), then
drives its controls the way an analyst would, for every indicator of the menu:
choose it, switch to months and back, narrow the range, pick each breakdown,
each chart type, and turn suppression off and on (`.indicator.value`,
`.granularity.value`, `.period_range.value`, `.breakdown.value`, `.chart.value`,
`.suppress.value`). For each change it records the explorer's own
`last_refresh_seconds` and the wall time of the assignment (the widget event
included). A change that had to compute a table from the store (an indicator or
granularity not seen before) is reported apart from the others.

Figures: the whole process up to the first view (interpreter, imports, store,
first computation), beside its floor (a process that only imports pandas,
ipywidgets and DuckDB), and `Explorer(db)` alone; then, over all runs, the median,
95th percentile and worst change of each kind. Goals: first view <= 1 s, every
change <= 0.5 s. `--quick`: 3 runs and the referral indicators only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402
import national  # noqa: E402

GOAL_FIRST_S, GOAL_CHANGE_S = 1.0, 0.5
# the floor of the first view: a process that only imports what the explorer cannot do without
IMPORT_FLOOR = "import pandas, ipywidgets, duckdb"


def child(db: str, quick: bool, export_dir: str) -> None:
    """One process: the first view, then the scripted changes; prints JSON."""
    from dscp_metrics.explorer import Explorer
    from dscp_metrics.indicators import REGISTRY

    started = time.perf_counter()
    explorer = Explorer(db, export_dir=export_dir)
    first = {"construct": time.perf_counter() - started, "refresh": explorer.last_refresh_seconds}
    changes: list[dict] = []

    def change(kind: str, control, value) -> None:
        if control.value == value:
            return
        computed = len(explorer.store._tables)
        before = time.perf_counter()
        control.value = value
        wall = time.perf_counter() - before
        changes.append({"kind": kind, "indicator": explorer.indicator.value, "wall": wall,
                        "refresh": explorer.last_refresh_seconds,
                        "computed": len(explorer.store._tables) > computed, "status": explorer.status.value})

    ids = [i for _, i in explorer.indicator.options]
    if quick:
        ids = [i for i in ids if REGISTRY.get(i).measures[0].source == "csc_referrals"]
    for indicator_id in ids:
        change("indicator", explorer.indicator, indicator_id)
        for granularity in ("month", "quarter"):
            change("granularity", explorer.granularity, granularity)
        options = list(explorer.period_range.options)
        if len(options) > 4:
            change("period_range", explorer.period_range, (options[len(options) // 2], options[-1]))
            change("period_range", explorer.period_range, (options[0], options[-1]))
        for _, breakdown in list(explorer.breakdown.options)[1:] + list(explorer.breakdown.options)[:1]:
            change("breakdown", explorer.breakdown, breakdown)
        for chart in ("trend", "breakdown", "spc"):
            change("chart", explorer.chart, chart)
        for suppress in (False, True):
            change("suppress", explorer.suppress, suppress)
    explorer.close()
    print(json.dumps({"first": first, "changes": changes}))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    p = bl.parser(__doc__, runs=5)
    p.add_argument("--rows", type=int, default=national.ROWS, help="referrals in the store (default 6.5 M)")
    p.add_argument("--child", action="store_true", help=bl.argparse.SUPPRESS)
    p.add_argument("--db", help=bl.argparse.SUPPRESS)
    args = p.parse_args()
    exports = bl.WORK / "explorer-exports"
    if args.child:
        child(args.db, args.quick, str(exports))
        return 0
    runs = bl.runs_of(args)
    print(bl.machine_line("before"))
    db = str(national.national_store(args.rows))
    first_view = ("import time; t = time.perf_counter(); from dscp_metrics.explorer import Explorer; "
                  f"e = Explorer({db!r}, export_dir={str(exports)!r}); "
                  "print(time.perf_counter() - t, e.last_refresh_seconds)")
    script = [bl.PYTHON, __file__, "--child", "--db", db] + (["--quick"] if args.quick else [])
    found = bl.round_robin({"first": [bl.PYTHON, "-c", first_view], "floor": [bl.PYTHON, "-c", IMPORT_FLOOR],
                            "script": script}, runs)
    data = [json.loads(r.out.splitlines()[-1]) for r in found["script"]]
    changes = [c for d in data for c in d["changes"]]
    rows = [bl.Row("first view, whole process (python -c, import, Explorer(db))", bl.walls(found["first"]),
                   peak_mib=bl.peak(found["first"]), ref="imports alone", ref_values=bl.walls(found["floor"]),
                   goal=GOAL_FIRST_S),
            bl.Row("  of which Explorer(db) (imports done)", [float(r.out.split()[0]) for r in found["first"]]),
            bl.Row("  of which its first refresh()", [float(r.out.split()[1]) for r in found["first"]])]
    for label, chosen in (("changes that computed a table", [c for c in changes if c["computed"]]),
                          ("changes served from the cache", [c for c in changes if not c["computed"]])):
        if not chosen:
            continue
        walls = [c["wall"] for c in chosen]
        rows += [bl.Row(f"{label} ({len(chosen) // runs} a run): median", walls),
                 bl.Row("  95th percentile", [percentile(walls, 95)]),
                 bl.Row("  worst change", [max(walls)], goal=GOAL_CHANGE_S)]
    rows.append(bl.Row("every control change: worst (all runs)", [max(c["wall"] for c in changes)],
                       peak_mib=bl.peak(found["script"]), goal=GOAL_CHANGE_S))
    bl.print_table(f"explorer on {Path(db).name}", rows, runs)
    print("  by kind of change (median / worst wall, s):")
    for kind in ("indicator", "granularity", "period_range", "breakdown", "chart", "suppress"):
        walls = [c["wall"] for c in changes if c["kind"] == kind]
        if walls:
            print(f"    {kind:<13} {bl.median(walls):6.3f} / {max(walls):6.3f}  ({len(walls)} changes)")
    worst = sorted(changes, key=lambda c: -c["wall"])[:6]
    print("  slowest changes: " + "; ".join(f"{c['kind']} on {c['indicator']} {c['wall']:.2f} s"
                                            f"{' (computed)' if c['computed'] else ''}" for c in worst))
    gap = bl.median([c["wall"] - c["refresh"] for c in changes])
    print(f"  median of (wall - last_refresh_seconds): {gap * 1000:.1f} ms (widget events, menus)")
    errors = {c["status"] for c in changes if "color:#a4000f" in c["status"]}
    for e in sorted(errors)[:3]:
        print(f"  explorer said: {e}")
    print(bl.machine_line("after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
