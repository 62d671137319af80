"""Exporting the indicator table (CSV or JSON), with disclosure control at the boundary.

Suppression is on unless the caller turns it off; an unsuppressed export says
plainly that it is restricted (a first line in CSV, a `restricted` field in JSON).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pandas as pd

from ..disclosure import SUPPRESSED, suppress as apply_suppression
from ..table import COLUMNS, IndicatorTable

RESTRICTED_MARKER = "RESTRICTED — contains unsuppressed small numbers"
RESTRICTED_CSV_LINE = f"# {RESTRICTED_MARKER}: do not circulate beyond the analyst's own session"


def _format_number(value: object, whole: bool) -> str:
    """A figure as it appears in a CSV cell: whole numbers without a decimal point,
    other figures unrounded, empty for a missing value, `[c]` kept."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value
    number = float(value)
    if math.isnan(number):
        return ""
    if whole:
        return str(int(round(number)))
    return repr(number)


def export_frame(table: pd.DataFrame, suppress: bool = True, threshold: int | None = None) -> pd.DataFrame:
    """The public indicator table as strings, suppressed unless `suppress` is False."""
    if suppress:
        from ..config import load_config

        limit = threshold if threshold is not None else load_config().suppression_threshold
        table = apply_suppression(table, threshold=limit)
    frame = table[COLUMNS].copy()
    is_count = frame["unit"].eq("count").to_numpy()
    out = pd.DataFrame(
        {
            "indicator_id": frame["indicator_id"].astype(str),
            "period": frame["period"].astype(str),
            "breakdown": frame["breakdown"].astype(str),
            "numerator": [_format_number(v, True) for v in frame["numerator"].astype(object)],
            "denominator": [_format_number(v, True) for v in frame["denominator"].astype(object)],
            "value": [
                _format_number(v, bool(c)) for v, c in zip(frame["value"].astype(object), is_count)
            ],
            "lower_ci": [_format_number(v, False) for v in frame["lower_ci"].astype(object)],
            "upper_ci": [_format_number(v, False) for v in frame["upper_ci"].astype(object)],
            "unit": frame["unit"].astype(str),
        },
        dtype=object,
    )
    return out


def _json_value(text: str, column: str):
    if text == "":
        return None
    if text == SUPPRESSED or column in ("indicator_id", "period", "breakdown", "unit"):
        return text
    number = float(text)
    return int(number) if column in ("numerator", "denominator") else number


def write_csv(frame: pd.DataFrame, out: IO[str], restricted: bool) -> None:
    if restricted:
        out.write(RESTRICTED_CSV_LINE + "\n")
    frame.to_csv(out, index=False, lineterminator="\n")


def write_json(frame: pd.DataFrame, out: IO[str], restricted: bool, notes: Sequence[str]) -> None:
    rows = [
        {column: _json_value(row[column], column) for column in COLUMNS}
        for row in frame.to_dict(orient="records")
    ]
    document = {
        "restricted": restricted,
        "marker": RESTRICTED_MARKER if restricted else None,
        "suppression": "off" if restricted else f"counts 1 to threshold shown as {SUPPRESSED}",
        "notes": list(notes),
        "columns": COLUMNS,
        "rows": rows,
    }
    json.dump(document, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_indicator_table(
    db_path: str | Path,
    periods: Sequence[str],
    fmt: str = "csv",
    output: str | Path | None = None,
    suppress: bool = True,
    ids: Sequence[str] | None = None,
    con=None,
) -> IndicatorTable:
    """Compute the indicator table for `periods` and write it as CSV or JSON to `output` (stdout when None).

    Notes (an extract never loaded) go to stderr so that stdout stays a clean table.
    `con`, when given, is an open store connection (`db.open_store`) to use and leave open.
    """
    from ..store import open_store
    from ..periods import parse_periods
    from ..table import indicator_table

    parsed = parse_periods(periods)  # a bad period fails before the database is opened
    for indicator_id in ids or ():
        from ..indicators import get_indicator

        get_indicator(indicator_id)
    own = con is None
    con = open_store(db_path) if own else con
    try:
        table = indicator_table(con, parsed, ids)
    finally:
        if own:
            con.close()
    frame = export_frame(table.frame, suppress=suppress)
    notes = table.notes()
    if output is None:
        _write(frame, sys.stdout, fmt, not suppress, notes)
    else:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            _write(frame, handle, fmt, not suppress, notes)
        tmp.replace(path)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not suppress:
        print(f"note: {RESTRICTED_MARKER}", file=sys.stderr)
    return table


def _write(frame, out, fmt, restricted, notes):
    if fmt == "json":
        write_json(frame, out, restricted, notes)
    else:
        write_csv(frame, out, restricted)
