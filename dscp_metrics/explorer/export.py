"""Exporting an explorer view: its published table (suppressed unless turned off), never the records."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from ..export.files import write_atomically
from ..export.indicator_table import write_publication
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


def export_view(publication: Publication, spec: ViewSpec, directory: str | Path,
                now: dt.datetime | None = None) -> Path:
    """Write the view's publication as an indicator-table CSV (a first `# RESTRICTED` line when unsuppressed)."""
    periods = list(dict.fromkeys(publication.shown["period"]))
    path = Path(directory) / export_filename(spec, periods, now or dt.datetime.now())
    buffer = io.StringIO()
    write_publication(publication, buffer, "csv")
    write_atomically(path, buffer.getvalue())
    return path
