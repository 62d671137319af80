"""Exporting an explorer view: its published table (suppressed unless turned off), never the records.

The file is the indicator table (`indicators.md`) of the view's publication:
`[c]` on hidden rows, a first `# RESTRICTED …` line when suppression is off.
Values are as computed; the 95% intervals are rounded as the pack shows them
(a count's outward to whole numbers, a `%` to one decimal, a mean to two), so
that the file and the screen agree.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import os
import re
from pathlib import Path

import pandas as pd

from ..export.files import write_atomically
from ..export.indicator_table import export_frame, write_csv
from ..present.format import DECIMALS
from ..present.markers import RESTRICTED_MARKER
from ..publication.publish import Publication
from .view import NO_BREAKDOWN, ViewSpec


def export_filename(spec: ViewSpec, periods: list[str], now: dt.datetime) -> str:
    """`rereferral_rate_2023-24-Q1_to_2024-25-Q4_20250101-120000-000000.csv` (the breakdown too, when chosen)."""
    parts = [spec.indicator_id]
    if spec.breakdown != NO_BREAKDOWN:
        parts.append("by_" + spec.breakdown.replace("+", "_and_"))
    if periods:
        parts.append(f"{periods[0]}_to_{periods[-1]}")
    if not spec.suppress:
        parts.append("RESTRICTED")
    parts.append(now.strftime("%Y%m%d-%H%M%S-%f"))
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "_".join(parts)) + ".csv"


def interval_bound(value, unit: str, side: str) -> str:
    """One end of a 95% interval as the pack rounds it (`format_interval`), without thousands separators."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if unit == "count":
        return str(math.floor(number) if side == "lower" else math.ceil(number))
    return f"{number:.{DECIMALS[unit]}f}"


def export_table(publication: Publication) -> pd.DataFrame:
    """The publication as the indicator table's text, intervals rounded as in the pack."""
    frame = export_frame(publication)
    shown = publication.shown
    for column, side in (("lower_ci", "lower"), ("upper_ci", "upper")):
        frame[column] = [text if hidden else interval_bound(value, unit, side)
                         for text, value, unit, hidden in zip(frame[column], shown[column], shown["unit"],
                                                              shown["hidden"])]
    return frame


def export_view(publication: Publication, spec: ViewSpec, directory: str | Path,
                now: dt.datetime | None = None) -> Path:
    """Write the view's publication as an indicator-table CSV (a first `# RESTRICTED` line when unsuppressed)."""
    periods = list(dict.fromkeys(publication.shown["period"]))
    path = Path(directory) / export_filename(spec, periods, now or dt.datetime.now())
    buffer = io.StringIO()
    write_csv(export_table(publication), buffer, publication.restricted)
    write_atomically(path, buffer.getvalue())
    return path


def export_link_html(path: Path, restricted: bool) -> str:
    """The sentence announcing an export, with a link JupyterLab opens in a new tab (relative to the
    notebook's folder, the kernel's working directory, as the file browser shows it)."""
    link = Path(os.path.relpath(path, Path.cwd())).as_posix()
    warning = f" — {RESTRICTED_MARKER}: do not circulate" if restricted else " (small numbers hidden)"
    return (f'<p>Exported this view to <a href="{html.escape(link, quote=True)}" target="_blank" '
            f'rel="noopener">{html.escape(link)}</a>{html.escape(warning)}.</p>')
