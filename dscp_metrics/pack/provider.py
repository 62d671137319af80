"""The period reports of a build, held in memory: every section reads the one report its build computed.

`dscp build` computes each period's report once (one snapshot of the store) and
`put`s it here; the sections, run in the same process, `get` it. Nothing is
written to disk, so the unsuppressed figures inside a report never outlive the
build. A notebook run by hand (no build) computes its report on first use.
"""

from __future__ import annotations

from pathlib import Path

from ..report.period_report import PeriodReport

_REPORTS: dict[tuple[str, str, bool], PeriodReport] = {}


def _key(db_path, period, suppress: bool) -> tuple[str, str, bool]:
    from ..periods import parse_period

    return str(Path(db_path).resolve()), parse_period(period).code, bool(suppress)


def put(report: PeriodReport) -> None:
    _REPORTS[_key(report.snapshot.db_path, report.period, report.suppress)] = report


def get(db_path, period, suppress: bool = True) -> PeriodReport:
    key = _key(db_path, period, suppress)
    if key not in _REPORTS:
        from ..report import open_report

        _REPORTS[key] = open_report(db_path, period, suppress)
    return _REPORTS[key]


def clear() -> None:
    """Forget every report (the end of a build)."""
    _REPORTS.clear()
