"""`dscp audit FILE.csv`: the disclosure audit of an indicator-table CSV, for an analyst who edits one by hand.

The file is read as published: its `[c]` cells are hidden, everything else is
what a reader sees. The audit reports every hidden figure a reader could work
out exactly or show to lie between 1 and the threshold (`disclosure.audit`), and
every small number left showing. A file marked RESTRICTED (unsuppressed) fails.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..compute.table import COLUMNS
from ..config import load_config
from ..disclosure.decide import SUPPRESSED
from ..errors import ExtractError
from ..indicators import REGISTRY
from ..periods import parse_period
from ..publication.publish import audit_published


@dataclass
class AuditReport:
    path: Path
    rows: int
    hidden: int
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def format(self) -> str:
        if self.ok:
            return (f"{self.path}: {self.rows:,} rows, {self.hidden:,} hidden ({SUPPRESSED}): no hidden figure "
                    "can be worked out and no small number is shown")
        lines = [f"{self.path}: DISCLOSURE — {len(self.findings)} problem(s) in {self.rows:,} rows:"]
        return "\n".join(lines + [f"  - {f}" for f in self.findings])


def _parse_cell(breakdown: str, indicator, line: int, path: Path) -> tuple:
    if breakdown == "all":
        return ()
    cell = []
    for part in breakdown.split(";"):
        key, _, code = part.partition("=")
        if key not in indicator.breakdown_keys() or not code:
            raise ExtractError(f"{path.name}, line {line}, column breakdown: {breakdown!r} is not a breakdown of "
                               f"{indicator.id}")
        cell.append((key, code))
    return tuple(cell)


def read_published(path: Path) -> tuple[pd.DataFrame, bool]:
    """The rows of an indicator-table CSV as published, and whether it is marked RESTRICTED."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractError(f"cannot read {path}: {exc}") from None
    lines = text.splitlines()
    restricted = bool(lines) and lines[0].startswith("#")
    reader = csv.DictReader(lines[1:] if restricted else lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ExtractError(f"{path.name} is not an indicator table: missing column(s) {', '.join(missing)}")
    records = []
    for line, row in enumerate(reader, start=3 if restricted else 2):
        indicator = REGISTRY.get(row["indicator_id"])
        hidden = row["numerator"] == SUPPRESSED
        figures = {}
        for column in ("numerator", "denominator"):
            text_value = row[column].lstrip("'")
            try:
                figures[column] = None if hidden or text_value == "" else float(text_value)
            except ValueError:
                raise ExtractError(f"{path.name}, line {line}, column {column}: {row[column]!r} is not a number "
                                   f"or {SUPPRESSED}") from None
        records.append({
            "indicator_id": indicator.id, "period": parse_period(row["period"]).code,
            "cell": _parse_cell(row["breakdown"], indicator, line, path), "unit": row["unit"],
            "hidden": hidden, **figures,
        })
    return pd.DataFrame(records, columns=["indicator_id", "period", "cell", "unit", "hidden", "numerator",
                                          "denominator"]), restricted


def audit_file(path: str | Path, threshold: int | None = None) -> AuditReport:
    path = Path(path)
    threshold = threshold if threshold is not None else load_config().suppression_threshold
    rows, restricted = read_published(path)
    report = AuditReport(path, len(rows), int(rows["hidden"].sum()) if len(rows) else 0)
    if restricted:
        report.findings.append("the file is marked RESTRICTED: it holds unsuppressed small numbers")
    shown = rows[~rows["hidden"]]
    for row in shown.itertuples(index=False):
        small_numerator = row.unit in ("count", "%") and 1 <= (row.numerator or 0) <= threshold
        small_denominator = row.unit in ("%", "mean") and 1 <= (row.denominator or 0) <= threshold
        if small_numerator or small_denominator:
            where = f"{row.indicator_id} {row.period} {'; '.join(f'{k}={v}' for k, v in row.cell) or 'all'}"
            report.findings.append(f"{where} shows a small number (1 to {threshold}) that should be {SUPPRESSED}")
    if len(rows) and not restricted:
        report.findings += [f.describe(threshold) for f in audit_published(rows, threshold)]
    return report
