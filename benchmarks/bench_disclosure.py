"""Benchmark: the disclosure audit — time to publish (decide + audit) two publications of the sample.

    .venv/bin/python benchmarks/bench_disclosure.py [--runs N] [--quick]

The publications:

- **the year pack 2024-25**: the rows `dscp build --period 2024-25` publishes
  (`read_snapshot`, `pack_rows`), published with `publication.publish`;
- **an export of 36 months + 12 quarters + 3 years** (April 2022 to March 2025):
  `export.indicators_file.indicator_publication(db, periods)` (compute and publish),
  and the whole `dscp indicators` process for the same periods.

Each run is a fresh process that prepares the rows, then times `publish` three
times: the first call (cold: it imports scipy.optimize and warms HiGHS, as a
build does) and two more (warm). Printed: medians over the processes, how many
rows the primary rule hides and how many are hidden after the linked rows are
protected (`Publication.primary_hidden`, `Publication.hidden_count`), and how
many linear programmes the audit solves. Then the **LP floor**: the very LPs of
one publish (captured from `scipy.optimize.linprog`) solved again by
scipy's `linprog` and by HiGHS itself through the `_Highs` object that scipy
vendors (no option checks, one model per distinct constraint system and only
the objective changed), with the objective values checked to agree.
`--quick`: 3 runs.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

GOAL_S = 2.0
CAPTURE = 600  # LPs kept for the floor (the first ones of the first publish)
YEAR = "2024-25"
EXPORT = ([f"{y}-{m:02d}" for y in (2022, 2023, 2024, 2025) for m in range(1, 13)
           if (2022, 4) <= (y, m) <= (2025, 3)]
          + [f"{y}-{(y + 1) % 100:02d}-Q{q}" for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)]
          + ["2022-23", "2023-24", "2024-25"])
DSCP = str(Path(bl.PYTHON).with_name("dscp"))


def child(case: str, db: str) -> None:
    """One process: prepare the rows, publish (first call timed, its LPs captured; a progress line a round),
    then two warm calls if the first was short, then the LP floor; the last line printed is JSON."""
    import scipy.optimize

    import dscp_metrics.disclosure.decide as decide
    from dscp_metrics.config import load_config
    from dscp_metrics.publication.publish import publish

    threshold = load_config().suppression_threshold
    if case == "year":
        from dscp_metrics.publication.selection import pack_rows
        from dscp_metrics.publication.snapshot import read_snapshot

        snapshot = read_snapshot(db, YEAR)
        rows = pack_rows(snapshot.table.frame, snapshot.period, {n: s[0] for n, s in snapshot.ranges.items()})
        categories = snapshot.table.categories

        def once():
            started = time.perf_counter()
            return publish(rows, suppress=True, threshold=threshold, categories=categories), \
                time.perf_counter() - started
    else:
        from dscp_metrics.export.indicators_file import indicator_publication

        def once():
            started = time.perf_counter()
            publication = indicator_publication(db, EXPORT)
            return publication, time.perf_counter() - started

    captured, inner_linprog, inner_audit, t0 = [], scipy.optimize.linprog, decide.audit, time.perf_counter()

    def capture(c, A_ub=None, b_ub=None, A_eq=None, b_eq=None, bounds=None, method=None, **kw):
        result = inner_linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method=method, **kw)
        if len(captured) < CAPTURE:
            captured.append(((c, A_ub, b_ub, A_eq, b_eq, bounds), result.fun if result.status == 0 else None))
        counted[0] += 1
        return result

    def audit(*a, **kw):  # one line a round of decide (and the final audit), for a run that is stopped
        findings = inner_audit(*a, **kw)
        print(f"progress: round at {time.perf_counter() - t0:.1f} s, {counted[0]} LPs so far, "
              f"{len(findings)} findings", flush=True)
        return findings

    counted = [0]
    scipy.optimize.linprog, decide.audit = capture, audit
    try:
        publication, first = once()
    finally:
        scipy.optimize.linprog, decide.audit = inner_linprog, inner_audit
    found = {"first": first, "publish_first": publication.seconds, "rows": len(publication.shown),
             "primary": publication.primary_hidden, "hidden": publication.hidden_count, "lps": counted[0]}
    found["warm"] = [once()[1] for _ in range(2 if first < 10 else 0)]
    found |= lp_floor(captured, inner_linprog)
    print(json.dumps(found))


def lp_floor(captured: list, linprog) -> dict:
    """The captured LPs solved again with linprog, and with HiGHS directly (one model per constraint system)."""
    import numpy as np
    from scipy.sparse import csc_matrix

    out = {"floor_lps": len(captured), "columns": sorted(len(a[0]) for a, _ in captured)}
    started = time.perf_counter()
    for (c, a_ub, b_ub, a_eq, b_eq, bounds), _ in captured:
        linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    out["linprog_s"] = time.perf_counter() - started
    try:
        from scipy.optimize._highspy import _core as hc  # the HiGHS binding scipy ships (private)
    except ImportError:
        return out
    highs = hc._Highs()
    highs.setOptionValue("output_flag", False)
    models: dict = {}
    current, disagree = None, 0
    started = time.perf_counter()
    for (c, a_ub, b_ub, a_eq, b_eq, bounds), fun in captured:
        key = (id(a_ub), id(a_eq), str(b_eq), str(bounds))
        if key not in models:  # one model per constraint system: rows = [A_ub; A_eq], x within bounds
            blocks = [np.asarray(m.todense() if hasattr(m, "todense") else m) for m in (a_ub, a_eq) if m is not None]
            matrix = csc_matrix(np.vstack(blocks) if blocks else np.zeros((0, len(c))))  # bounds only: no rows
            n_ub = 0 if a_ub is None else a_ub.shape[0]
            rhs = np.concatenate([np.asarray(b_ub, float) if n_ub else np.zeros(0), np.asarray(b_eq or [], float)])
            lhs = np.concatenate([np.full(n_ub, -np.inf), rhs[n_ub:]])
            pairs = [bounds] * len(c) if isinstance(bounds, tuple) else bounds
            lp = hc.HighsLp()
            lp.num_col_, lp.num_row_ = len(c), matrix.shape[0]
            lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(c), matrix.shape[0]
            lp.a_matrix_.format_ = hc.MatrixFormat.kColwise
            lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
            lp.col_lower_ = np.array([-np.inf if lo is None else lo for lo, _ in pairs], float)
            lp.col_upper_ = np.array([np.inf if hi is None else hi for _, hi in pairs], float)
            lp.row_lower_, lp.row_upper_, lp.col_cost_ = lhs, rhs, np.zeros(len(c))
            models[key] = lp
        if current != key:
            highs.passModel(models[key])
            current = key
        highs.changeColsCost(len(c), np.arange(len(c), dtype=np.int32), np.asarray(c, float))
        highs.run()
        ok = highs.getModelStatus() == hc.HighsModelStatus.kOptimal
        value = highs.getInfo().objective_function_value if ok else None
        if (value is None) != (fun is None) or (value is not None and abs(value - fun) > 1e-6 * max(1, abs(fun))):
            disagree += 1
    out |= {"highs_s": time.perf_counter() - started, "systems": len(models), "disagree": disagree}
    return out


def main() -> int:
    p = bl.parser(__doc__, runs=5)
    p.add_argument("--timeout", type=float, default=120, help="stop a publication after S seconds (default 120)")
    p.add_argument("--child", choices=["year", "export"], help=bl.argparse.SUPPRESS)
    p.add_argument("--db", help=bl.argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.db)
        return 0
    runs = bl.runs_of(args)
    print(bl.machine_line("before"))
    db = str(bl.sample_store())
    commands = {"year": [bl.PYTHON, __file__, "--child", "year", "--db", db],
                "export": [bl.PYTHON, __file__, "--child", "export", "--db", db],
                "cli": [DSCP, "indicators", "--db", db, *[a for q in EXPORT for a in ("--period", q)]]}
    found: dict[str, list] = {k: [] for k in commands}
    stopped: dict[str, bl.Run] = {}
    for _ in range(runs):  # round-robin; a command stopped once is not run again
        for key, cmd in commands.items():
            if key not in stopped:
                result = bl.run(cmd, timeout=args.timeout, check=False)
                (found[key].append(result) if result.code == 0 else stopped.setdefault(key, result))
    rows, notes = [], []
    for key, label in (("year", f"year pack {YEAR}"), ("export", f"export of {len(EXPORT)} periods")):
        d = [json.loads(r.out.splitlines()[-1]) for r in found[key]]
        what = "publish" if key == "year" else "indicator_publication (compute + publish)"
        if key in stopped:
            progress = [line for line in stopped[key].out.splitlines() if line.startswith("progress")]
            killed = stopped[key].code == -9
            ended = f"STOPPED after {args.timeout:.0f} s" if killed else f"FAILED (exit {stopped[key].code})"
            rows.append(bl.Row(f"{what}, {label}: {ended}", [stopped[key].wall],
                               peak_mib=stopped[key].peak_mib, goal=GOAL_S))
            notes.append(f"  {label}: {'stopped' if killed else 'failed'}; {len(progress)} audit rounds had finished"
                         + (f", the last: {progress[-1][10:]}" if progress else "")
                         + ("" if killed else "; its error: " + stopped[key].err.strip().splitlines()[-1]))
        if not d:
            continue
        rows += [bl.Row(f"{what}, {label}: first call", [x["first"] for x in d], peak_mib=bl.peak(found[key]),
                        goal=GOAL_S),
                 bl.Row("  warm calls", [t for x in d for t in x["warm"]], goal=GOAL_S),
                 bl.Row(f"  {d[0]['floor_lps']} LPs of it, solved again by linprog", [x["linprog_s"] for x in d],
                        ref="HiGHS direct", ref_values=[x["highs_s"] for x in d] if "highs_s" in d[0] else None)]
        if key == "export":
            rows.append(bl.Row("  of which publish: suppression decided and audited (Publication.seconds)",
                               [x["publish_first"] for x in d], goal=GOAL_S))
        x = d[0]
        cols = x["columns"]
        notes.append(f"  {label}: {x['rows']} rows; hidden by the primary rule {x['primary']}, after linking "
                     f"{x['hidden']}; {x['lps']} LPs a publish (of the first {x['floor_lps']}: columns median "
                     f"{bl.median(cols) if cols else 0:.0f}, largest {max(cols, default=0)}; "
                     f"{x.get('systems', '?')} distinct constraint systems; HiGHS direct disagrees on "
                     f"{x.get('disagree', '?')})")
    if found["cli"] or "cli" in stopped:
        runs_cli = found["cli"] or [stopped["cli"]]
        rows.append(bl.Row(f"dscp indicators, {len(EXPORT)} periods (whole process)"
                           + (f": STOPPED after {args.timeout:.0f} s" if "cli" in stopped else ""),
                           bl.walls(runs_cli), peak_mib=bl.peak(runs_cli), goal=GOAL_S))
    bl.print_table("publication: suppression decided and audited (sample)", rows, runs)
    print("\n".join(notes))
    print(bl.machine_line("after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
