"""The indicator table as a file (CSV or JSON), written from a publication (suppressed and audited).

Columns exactly as `indicators.md` ("The indicator table"): `indicator_id, period,
breakdown, numerator, denominator, value, lower_ci, upper_ci, unit`. A hidden row
shows `[c]` in its five figure columns; a missing figure is empty; counts are whole
numbers and other figures unrounded. An unsuppressed file says plainly that it is
restricted: a first CSV line starting with `#`, a `restricted` field in JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import IO

import pandas as pd

from ..compute.table import COLUMNS
from ..disclosure.decide import SUPPRESSED
from ..publication.publish import Publication
from ..present.markers import RESTRICTED_CSV_LINE, RESTRICTED_MARKER
from .safe_csv import write_frame

FIGURE_COLUMNS = ("numerator", "denominator", "value", "lower_ci", "upper_ci")


def _cell(value: object, whole: bool) -> str:
    """A figure as written: whole numbers without a decimal point, others unrounded, missing empty."""
    if value is None or value is pd.NA or isinstance(value, str):
        return "" if value is None or value is pd.NA else value
    number = float(value)
    if math.isnan(number):
        return ""
    return str(int(round(number))) if whole else repr(number)


def export_frame(publication: Publication) -> pd.DataFrame:
    """The publication's rows as the text of the indicator table (`[c]` on hidden rows)."""
    shown = publication.shown
    hidden = shown["hidden"].to_numpy(dtype=bool)
    is_count = shown["unit"].eq("count").to_numpy()
    out = pd.DataFrame({c: shown[c].astype(str) for c in ("indicator_id", "period", "breakdown", "unit")})
    whole_columns = {"numerator": [True] * len(shown), "denominator": [True] * len(shown), "value": is_count,
                     "lower_ci": [False] * len(shown), "upper_ci": [False] * len(shown)}
    for column in FIGURE_COLUMNS:
        out[column] = [SUPPRESSED if h else _cell(v, w)
                       for v, h, w in zip(shown[column].astype(object), hidden, whole_columns[column])]
    return out[COLUMNS]


def write_csv(frame: pd.DataFrame, out: IO[str], restricted: bool) -> None:
    if restricted:
        out.write(RESTRICTED_CSV_LINE + "\n")
    write_frame(frame, out)


def _json_value(text: str, column: str):
    if text == "":
        return None
    if text == SUPPRESSED or column in ("indicator_id", "period", "breakdown", "unit"):
        return text
    number = float(text)
    return int(number) if column in ("numerator", "denominator") else number


def write_json(frame: pd.DataFrame, out: IO[str], restricted: bool, notes: Sequence[str]) -> None:
    rows = [{c: _json_value(row[c], c) for c in COLUMNS} for row in frame.to_dict(orient="records")]
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


def write_publication(publication: Publication, out: IO[str], fmt: str) -> None:
    """Write a publication's indicator table to an open text stream as CSV or JSON."""
    frame = export_frame(publication)
    if fmt == "json":
        write_json(frame, out, publication.restricted, publication.notes)
    else:
        write_csv(frame, out, publication.restricted)
