"""`dscp audit FILE.csv`: exit 1 on a leaking table, 0 on every table the project writes."""

from __future__ import annotations

import pytest

from dscp_metrics.cli import main

HEADER = "indicator_id,period,breakdown,numerator,denominator,value,lower_ci,upper_ci,unit\n"


def audit(capsys, path) -> tuple[int, str]:
    code = main(["audit", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("periods", [
    ["2024-25-Q4"],
    ["2024-25", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"],
    ["2025-01", "2025-02", "2025-03", "2024-25-Q4", "2024-25", "2023-24"],
])
def test_every_suppressed_export_passes(capsys, sample_db, tmp_path, periods):
    out = tmp_path / "export.csv"
    args = ["indicators", "--db", str(sample_db), "--output", str(out)]
    for p in periods:
        args += ["--period", p]
    assert main(args) == 0
    capsys.readouterr()
    code, text = audit(capsys, out)
    assert code == 0, text
    assert "no hidden figure can be worked out" in text


def test_a_cell_hidden_alone_beside_its_total_is_caught(capsys, tmp_path):
    leak = tmp_path / "leak.csv"
    leak.write_text(HEADER + "restraint_injuries,2024-25-Q4,all,12,,12,6.2,20.9,count\n"
                    "restraint_injuries,2024-25-Q4,injury_level=1,11,,11,5.5,19.7,count\n"
                    "restraint_injuries,2024-25-Q4,injury_level=2,[c],[c],[c],[c],[c],count\n"
                    "restraint_injuries,2024-25-Q4,injury_level=3,0,,0,0,3.7,count\n", encoding="utf-8")
    code, text = audit(capsys, leak)
    assert code == 1
    assert "restraint_incidents 2024-25-Q4 [injury_level=2] can be worked out as exactly 1" in text


def test_a_month_worked_out_from_its_quarter_is_caught(capsys, tmp_path):
    leak = tmp_path / "leak.csv"
    leak.write_text(HEADER + "csc_exploitation_referrals,2025-01,all,7,,7,2.8,14.4,count\n"
                    "csc_exploitation_referrals,2025-02,all,[c],[c],[c],[c],[c],count\n"
                    "csc_exploitation_referrals,2025-03,all,6,,6,2.2,13.1,count\n"
                    "csc_exploitation_referrals,2024-25-Q4,all,15,,15,8.4,24.7,count\n", encoding="utf-8")
    code, text = audit(capsys, leak)
    assert code == 1 and "2025-02" in text and "exactly 2" in text


def test_hidden_cells_that_protect_each_other_pass(capsys, tmp_path):
    safe = tmp_path / "safe.csv"
    safe.write_text(HEADER + "csc_exploitation_referrals,2025-01,all,7,,7,2.8,14.4,count\n"
                    "csc_exploitation_referrals,2025-02,all,[c],[c],[c],[c],[c],count\n"
                    "csc_exploitation_referrals,2025-03,all,[c],[c],[c],[c],[c],count\n"
                    "csc_exploitation_referrals,2024-25-Q4,all,15,,15,8.4,24.7,count\n", encoding="utf-8")
    code, text = audit(capsys, safe)
    assert code == 0, text


def test_a_small_number_left_showing_is_caught(capsys, tmp_path):
    shown = tmp_path / "shown.csv"
    shown.write_text(HEADER + "restraint_incidents,2024-25-Q4,all,3,,3,0.6,8.8,count\n", encoding="utf-8")
    code, text = audit(capsys, shown)
    assert code == 1 and "shows a small number" in text


def test_a_restricted_file_fails(capsys, sample_db, tmp_path):
    out = tmp_path / "restricted.csv"
    assert main(["indicators", "--db", str(sample_db), "--period", "2024-25-Q4", "--no-suppress",
                 "--output", str(out)]) == 0
    capsys.readouterr()
    code, text = audit(capsys, out)
    assert code == 1 and "RESTRICTED" in text


def test_figures_that_do_not_add_up_are_one_sentence(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "restraint_injuries,2024-25-Q4,all,12,,12,6.2,20.9,count\n"
                   "restraint_injuries,2024-25-Q4,injury_level=1,20,,20,12,31,count\n"
                   "restraint_injuries,2024-25-Q4,injury_level=2,[c],[c],[c],[c],[c],count\n"
                   "restraint_injuries,2024-25-Q4,injury_level=3,[c],[c],[c],[c],[c],count\n", encoding="utf-8")
    code, text = audit(capsys, bad)
    assert code == 2 and "contradict each other" in text and "Traceback" not in text


def test_not_an_indicator_table_is_one_sentence(capsys, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    code, text = audit(capsys, other)
    assert code == 2 and "not an indicator table" in text
