"""CSV that is safe to open in a spreadsheet: no cell is read as a formula.

Every CSV the workbook writes goes through `write_frame`. A text cell that
begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by
Excel or LibreOffice as a formula (OWASP "CSV injection"); such a cell gets a
leading apostrophe, which spreadsheets show as nothing and which stops the
formula. A cell that is a number (`-3`, `+2.5`, `1e-3`) is left as it is.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from typing import IO

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: object) -> str:
    """A cell's text as written to CSV: missing values empty, formula-like text defused."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(text):
        return NEUTRALISER + text
    return text


def write_rows(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a header and rows as CSV (`\\n` line ends, minimal quoting), every cell neutralised."""
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])


def write_frame(frame: pd.DataFrame, out: IO[str]) -> None:
    """Write a frame (its columns as the header, no index) as safe CSV."""
    write_rows(out, list(frame.columns), frame.itertuples(index=False, name=None))
