"""`read.py`: a file to records with their line numbers, and the order the rows keep on their way to the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dscp_metrics.load import load_folder, validate_extract
from dscp_metrics.load import read as load_read
from dscp_metrics.load.contract import get_extract

LOAD_DATE = date(2024, 7, 1)


@pytest.fixture(params=["fast", "csv-module"])
def reader(request, monkeypatch):
    if request.param == "csv-module":
        monkeypatch.setattr(load_read, "records_fast", lambda *args: None)
    return request.param


def check(tmp_path: Path, data: bytes):
    path = tmp_path / "csc_referrals.csv"
    path.write_bytes(data)
    accepted, rejects, rows_read = validate_extract(path, get_extract("csc_referrals"), LOAD_DATE)
    return accepted.to_pylist(), [tuple(r)[1:] for r in rejects.itertuples(index=False)], rows_read


def test_old_mac_line_ends(tmp_path, reader):
    data = b"referral_id,child_id,referral_date\rR1,C1,2024-04-03\r\rR2,,2024-04-03\rR3,C3,2024-04-03"
    accepted, rejects, rows_read = check(tmp_path, data)
    assert rows_read == 3
    assert [r["referral_id"] for r in accepted] == ["R1", "R3"]
    assert rejects == [(4, "child_id", "", "missing required value")]


def test_wrong_field_counts_among_many_rows(tmp_path, reader):
    """The fast reader counts fields only when Arrow skipped a record: the lines must still line up."""
    rows = [f"R{i},C{i},2024-04-03" + (",x,y,z" if i % 97 == 5 else "") for i in range(2000)]
    rows.insert(700, "   ")
    data = ("referral_id,child_id,referral_date\n" + "\n".join(rows) + "\n").encode()
    accepted, rejects, rows_read = check(tmp_path, data)
    bad = [i for i in range(2000) if i % 97 == 5]
    assert rows_read == 2000
    assert [r[0] for r in rejects] == [i + 2 + (i >= 700) for i in bad]
    assert {r[3] for r in rejects} == {"wrong number of fields (6 found, 3 expected)"}
    assert [r["referral_id"] for r in accepted] == [f"R{i}" for i in range(2000) if i % 97 != 5]


def test_the_store_keeps_the_file_order(tmp_path):
    """A table scanned without ORDER BY returns the accepted rows in file order (no join or sort reorders them)."""
    folder = tmp_path / "in"
    folder.mkdir()
    n = 300_000
    lines = ["referral_id,child_id,referral_date,source,factors"]
    for i in range(n):
        ident = f"R{(i * 7919) % n:07d}" if i % 1000 else "R0000000"  # scrambled ids, some duplicates
        date_text = "31/02/2024" if i % 777 == 3 else "2024-04-03"
        lines.append(f"{ident},C{i % 91},{date_text},Police,neglect")
    (folder / "csc_referrals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "dscp.duckdb"
    report = load_folder(folder, db, LOAD_DATE)
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = [r for (r,) in con.execute("SELECT referral_id FROM csc_referrals").fetchall()]
    finally:
        con.close()
    seen, expected = set(), []
    for line in lines[1:]:
        ident, _, date_text = line.split(",")[:3]
        if date_text == "31/02/2024" or ident in seen:
            continue
        seen.add(ident)
        expected.append(ident)
    assert stored == expected
    assert report.files[0].rows_loaded == len(expected)
