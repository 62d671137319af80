"""The `dscp` command line: load, rejects, sample, indicators, audit, build.

Every failure a user can cause is reported as one sentence on stderr with a
non-zero exit status; a traceback means a bug in the workbook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DscpError

DEFAULT_DB = Path("data/dscp.duckdb")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB,
                        help=f"DuckDB database file (default {DEFAULT_DB})")


def _open_output(path: Path | None):
    if path is None:
        return sys.stdout
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8", newline="")


# --------------------------------------------------------------------- load
def _cmd_load(args: argparse.Namespace) -> int:
    import signal

    from .config import parse_earliest_date
    from .load import load_folder
    from .periods import parse_date

    load_date = parse_date(args.load_date) if args.load_date else None
    earliest = parse_earliest_date(args.earliest_date, "--earliest-date") if args.earliest_date else None

    def interrupted(signum, frame):  # a `kill` ends the load like Ctrl-C: its temporary files are removed
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        report = load_folder(
            args.data_dir, args.db, load_date=load_date, earliest_date=earliest, wait_s=args.wait,
            on_wait=lambda message: print(f"dscp load: {message} (waiting up to {args.wait:g} s)",
                                          file=sys.stderr, flush=True),
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(report.format())
    return 0 if report.ok else 1


def _cmd_rejects(args: argparse.Namespace) -> int:
    from .load import read_rejects

    rejects = read_rejects(args.db)
    out = _open_output(args.output)
    try:
        if args.format == "csv":
            from .export.safe_csv import write_frame

            write_frame(rejects, out)
        elif rejects.empty:
            out.write("No rejected rows.\n")
        else:
            out.write(rejects.to_string(index=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from .sample import write_sample

    written = write_sample(args.directory, seed=args.seed)
    for path in written:
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------- indicators
def _cmd_indicators(args: argparse.Namespace) -> int:
    from .export.indicators_file import write_indicator_export

    write_indicator_export(
        db_path=args.db,
        periods=args.period,
        fmt=args.format,
        output=args.output,
        suppress=not args.no_suppress,
        ids=args.indicator or None,
    )
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from .export.audit_file import audit_file

    report = audit_file(args.file)
    print(report.format())
    return 0 if report.ok else 1


# -------------------------------------------------------------------- build
def _cmd_build(args: argparse.Namespace) -> int:
    from .pack.build import build_packs

    result = build_packs(
        periods=args.period,
        db_path=args.db,
        out_dir=args.out,
        suppress=not args.no_suppress,
        jobs=args.jobs,
        commentary_dir=args.commentary,
        progress=not args.no_progress,
        pdf=args.pdf,
    )
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dscp",
        description="DSCP Think Tank workbook: load partner extracts, compute indicators, build the quarterly pack.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from .store.lock import DEFAULT_WAIT_S  # no database library imported: the lock is plain fcntl

    p = sub.add_parser("load", help="validate a folder of extracts and load it into DuckDB")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR")
    _add_db(p)
    p.add_argument("--load-date", metavar="YYYY-MM-DD",
                   help="the extracts' load date: later dates are rejected as future (default today)")
    p.add_argument("--earliest-date", metavar="YYYY-MM-DD",
                   help="earlier dates are rejected as too early (default: [load] earliest_date of "
                        "data/thinktank.toml, else 1990-01-01)")
    p.add_argument("--wait", type=float, default=DEFAULT_WAIT_S, metavar="SECONDS",
                   help=f"how long to wait for another load or a pack build to finish with the database "
                        f"(default {DEFAULT_WAIT_S:g})")
    p.set_defaults(func=_cmd_load)

    p = sub.add_parser("rejects", help="list the rows rejected by the last loads")
    _add_db(p)
    p.add_argument("--format", choices=["csv", "table"], default="table",
                   help="csv: safe to open in a spreadsheet (formula-like cells neutralised)")
    p.add_argument("--output", type=Path, help="write to this file instead of stdout")
    p.set_defaults(func=_cmd_rejects)

    p = sub.add_parser("sample", help="write the bundled synthetic sample extracts")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--seed", type=int, default=None, help="generator seed (default: the bundled sample's)")
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("indicators", help="write the indicator table for one or more periods")
    p.add_argument("--period", action="append", required=True, metavar="P",
                   help="a month (2024-05 or 'May 2024'), a quarter (2024-25-Q1 or '2024/25 Q1') or a financial "
                        "year (2024-25); repeatable, mixable: everything asked is protected together")
    _add_db(p)
    p.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv",
                   help="csv (default), json, or xlsx (an accessible spreadsheet; needs --output)")
    p.add_argument("--output", type=Path, help="write to this file instead of stdout")
    p.add_argument("--indicator", action="append", metavar="ID", help="only this indicator; repeatable")
    p.add_argument("--no-suppress", action="store_true",
                   help="turn small-number suppression off (the output is then marked RESTRICTED)")
    p.set_defaults(func=_cmd_indicators)

    p = sub.add_parser("audit", help="check an indicator-table CSV: can any hidden [c] figure be worked out?")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser("build", help="build the Think Tank HTML pack for one or more periods")
    p.add_argument("--period", action="append", required=True, metavar="P")
    _add_db(p)
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default outputs)")
    p.add_argument("--commentary", type=Path, default=Path("data/commentary"),
                   help="folder of per-period commentary Markdown files (default data/commentary)")
    p.add_argument("--no-suppress", action="store_true",
                   help="turn small-number suppression off (every section then carries a RESTRICTED banner)")
    p.add_argument("--jobs", type=int, default=None,
                   help="work side by side: periods, or one period's sections (default: the cores available)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--pdf", action="store_true",
                   help="also print each pack to A4 PDF (think-tank-P.pdf beside it) with Debian's chromium")
    p.set_defaults(func=_cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DscpError as exc:
        print(f"dscp {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dscp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
