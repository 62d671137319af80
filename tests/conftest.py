"""Shared fixtures. Tests never touch the user's data/dscp.duckdb."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "data" / "sample"
SAMPLE_LOAD_DATE = dt.date(2025, 5, 1)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample loaded into a temporary store (read it, never write it)."""
    from dscp_metrics.load import load_folder

    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    report = load_folder(SAMPLE_DIR, db, load_date=SAMPLE_LOAD_DATE)
    assert report.ok, report.format()
    return db
