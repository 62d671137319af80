"""The per-notebook suppression sidecar read by the pack builder.

When the build runs a pack notebook it sets `DSCP_PACK_SIDECAR_DIR`; the
notebook's last cell then writes `<dir>/<notebook_name>.suppression.json`:
what disclosure control hid for the period (per indicator and reason, for the
analyst's run manifest, never for the pack itself) and how many charts the
notebook drew (for the browser test that counts rendered plots). Without the
variable (an analyst running the notebook by hand) nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from ..errors import ParameterError
from ..report import PeriodReport
from . import charts

SIDECAR_ENV = "DSCP_PACK_SIDECAR_DIR"
SUFFIX = ".suppression.json"


def sidecar_path(directory: str | Path, notebook_name: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", notebook_name) or notebook_name.endswith(".ipynb"):
        raise ParameterError(f"a notebook name like '10_domestic_abuse' (no folder, no .ipynb); got {notebook_name!r}")
    return Path(directory) / f"{notebook_name}{SUFFIX}"


def sidecar_record(report: PeriodReport, notebook_name: str, charts_count: int | None = None) -> dict:
    """What the sidecar holds: period, suppression on/off, threshold, charts drawn, cells hidden."""
    summary = report.suppression_summary()
    records = [
        {key: (int(value) if key == "cells" else str(value)) for key, value in row.items()}
        for row in summary.to_dict("records")
    ]
    return {
        "notebook": notebook_name,
        "period": str(report.period),
        "suppress": bool(report.suppress),
        "threshold": int(report.threshold),
        "charts": int(charts.charts_rendered() if charts_count is None else charts_count),
        "suppressed_cells": sum(r["cells"] for r in records),
        "suppression": records,
    }


def write_suppression_sidecar(report: PeriodReport, notebook_name: str, charts_count: int | None = None) -> Path | None:
    """Write the sidecar when `DSCP_PACK_SIDECAR_DIR` is set (atomically); return its path, else None."""
    directory = os.environ.get(SIDECAR_ENV)
    if not directory:
        return None
    path = sidecar_path(directory, notebook_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = sidecar_record(report, notebook_name, charts_count)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=2, sort_keys=True)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
