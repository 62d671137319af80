"""What a pack says about a period, worked out from its publication: figures, changes, SPC, RAG, questions."""

from __future__ import annotations

from pathlib import Path

from .period_report import PeriodReport, build_report


def open_report(db_path: str | Path, period, suppress: bool = True, config=None) -> PeriodReport:
    """Read a snapshot of the store for `period` and publish its pack rows (suppressed unless turned off)."""
    from ..publication.snapshot import read_snapshot

    return build_report(read_snapshot(db_path, period), config, suppress)


__all__ = ["PeriodReport", "build_report", "open_report"]
