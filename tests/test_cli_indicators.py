"""`dscp indicators` through the command line: the Annual Report 2024/25 figures on
the bundled sample, the table's format, suppression, and one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from dscp_metrics.cli import main
from dscp_metrics.export.indicator_table import RESTRICTED_MARKER
from store_fixtures import make_store


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table(capsys, db, *periods, suppress=False, extra=()) -> pd.DataFrame:
    args = ["indicators", "--db", str(db), *[a for p in periods for a in ("--period", p)], *extra]
    if not suppress:
        args.append("--no-suppress")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), comment="#", dtype={"breakdown": str, "period": str})


def value(frame, indicator_id, period, breakdown="all") -> float:
    hit = frame[(frame.indicator_id == indicator_id) & (frame.period == period) & (frame.breakdown == breakdown)]
    assert len(hit) == 1, (indicator_id, period, breakdown)
    return float(hit.iloc[0]["value"])


# ------------------------------------------------------- the Annual Report 2024/25
def test_restraint_2024_25(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25")
    assert value(t, "restraint_incidents", "2024-25") == 184
    assert value(t, "restraint_injuries", "2024-25") == 29
    assert round(value(t, "restraint_injury_rate", "2024-25")) == 16
    assert value(t, "restraint_injuries", "2024-25", "injury_level=1") == 27
    assert value(t, "restraint_injuries", "2024-25", "injury_level=2") == 1
    assert value(t, "restraint_injuries", "2024-25", "injury_level=3") == 1


def test_cevt_children_rose_steadily(capsys, sample_db):
    t = table(capsys, sample_db, "2023-24-Q3", "2023/24 Q4", "2024-25-Q1")
    assert [value(t, "cevt_children", p) for p in ("2023-24-Q3", "2023-24-Q4", "2024-25-Q1")] == [7, 14, 23]


def test_cevt_referrals_by_exploitation_type(capsys, sample_db):
    t = table(capsys, sample_db, "2023-24-Q3", "2023-24-Q4", "2024-25-Q1")
    assert value(t, "cevt_referrals", "2023-24-Q4", "exploitation_type=criminal") == 12
    assert value(t, "cevt_referrals", "2024-25-Q1", "exploitation_type=criminal") == 5
    assert value(t, "cevt_referrals", "2023-24-Q3", "exploitation_type=sexual") == 1
    assert value(t, "cevt_referrals", "2023-24-Q4", "exploitation_type=sexual") == 1
    assert value(t, "cevt_referrals", "2024-25-Q1", "exploitation_type=sexual") == 14


def test_exploitation_referrals_2024_25_q1(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25-Q1")
    assert value(t, "csc_exploitation_referrals", "2024-25-Q1") == 15
    assert round(value(t, "csc_exploitation_share", "2024-25-Q1"), 2) == 1.19


def test_domestic_abuse_share_and_rereferral_rise(capsys, sample_db):
    t = table(capsys, sample_db, "2022-23", "2023-24")
    assert round(value(t, "da_referral_share", "2022-23")) == 24
    rise = value(t, "da_rereferrals", "2023-24") / value(t, "da_rereferrals", "2022-23") - 1
    assert round(rise * 100) == 27


OSA_GREEN = {
    "training": 89,
    "policies": 88,
    "leadership": 84,
    "information_sharing": 81,
    "first_1001_days": 80,
    "voice_of_child": 76,
    "mental_health": 75,
    "domestic_abuse": 74,
    "harm_outside_home": 71,
}


def test_osa_green_share_by_section_and_return_rate(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25", suppress=True)  # none of these is small
    for section, percent in OSA_GREEN.items():
        assert round(value(t, "osa_green_share", "2024-25", f"section={section}")) == percent, section
    assert round(value(t, "osa_return_rate", "2024-25")) == 63


# ------------------------------------------------------------------- the format
def test_columns_exactly_as_indicators_md(capsys, sample_db):
    code, out, _ = run(capsys, "indicators", "--db", str(sample_db), "--period", "2024-25-Q1")
    assert code == 0
    assert out.splitlines()[0] == "indicator_id,period,breakdown,numerator,denominator,value,lower_ci,upper_ci,unit"


def test_suppression_is_on_by_default(capsys, sample_db):
    code, out, err = run(capsys, "indicators", "--db", str(sample_db), "--period", "2024-25")
    assert code == 0 and "RESTRICTED" not in out
    t = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    level2 = t[(t.indicator_id == "restraint_injuries") & (t.breakdown == "injury_level=2")].iloc[0]
    assert level2["numerator"] == "[c]" and level2["value"] == "[c]" and level2["lower_ci"] == "[c]"
    numbers = pd.to_numeric(t.loc[t.unit == "count", "numerator"], errors="coerce").dropna()
    assert not numbers.between(1, 5).any()


def test_no_suppress_marks_the_output_restricted(capsys, sample_db):
    code, out, err = run(capsys, "indicators", "--db", str(sample_db), "--period", "2024-25", "--no-suppress")
    assert code == 0
    assert out.splitlines()[0].startswith("# " + RESTRICTED_MARKER)
    assert RESTRICTED_MARKER in err
    code, out, _ = run(
        capsys, "indicators", "--db", str(sample_db), "--period", "2024-25", "--no-suppress", "--format", "json"
    )
    document = json.loads(out)
    assert document["restricted"] is True and document["marker"] == RESTRICTED_MARKER


def test_json_format_and_output_file(capsys, sample_db, tmp_path):
    target = tmp_path / "out" / "table.json"
    args = ["--db", str(sample_db), "--period", "2024-25-Q1", "--format", "json", "--output", str(target)]
    code, out, _ = run(capsys, "indicators", *args)
    assert code == 0 and out == ""
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["restricted"] is False
    rows = {(r["indicator_id"], r["breakdown"]): r for r in document["rows"]}
    assert rows[("csc_exploitation_referrals", "all")]["value"] == 15
    assert rows[("csc_exploitation_referrals", "all")]["denominator"] is None
    assert rows[("cevt_referrals", "exploitation_type=criminal")]["value"] == "[c]"


def test_empty_value_for_zero_denominator_and_zero_row_for_empty_category(capsys, tmp_path):
    incident = ("I1", "YP1", pd.Timestamp("2024-04-02").date(), 0, 14)
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=[incident])
    code, out, _ = run(capsys, "indicators", "--db", str(db), "--period", "2024-25-Q1", "--no-suppress")
    lines = out.splitlines()
    assert "restraint_injury_level_share,2024-25-Q1,injury_level=3,0,0,,,,%" in lines
    assert "restraint_injuries,2024-25-Q1,injury_level=2,0,,0,0.0,3.6888794541139354,count" in lines


# ------------------------------------------------------------------ the errors
@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2024-Q5"], "is not a period"),
        (["--period", "2024-25-Q1", "--indicator", "da_rerefferal_rate"], "did you mean 'da_rereferral_rate'"),
    ],
)
def test_bad_input_is_one_line_error(capsys, sample_db, args, message):
    code, out, err = run(capsys, "indicators", "--db", str(sample_db), *args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_database_is_one_line_error(capsys, tmp_path):
    code, out, err = run(capsys, "indicators", "--db", str(tmp_path / "none.duckdb"), "--period", "2024-25-Q1")
    assert code == 2 and "no database at" in err and "dscp load" in err
    assert not (tmp_path / "none.duckdb").exists()


def test_extract_never_loaded_is_a_note_not_an_error(capsys, tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=[])
    code, out, err = run(capsys, "indicators", "--db", str(db), "--period", "2024-25-Q1")
    assert code == 0
    assert "note: csc_referrals.csv was never loaded" in err
    assert "rereferral_rate" not in out and "restraint_incidents,2024-25-Q1,all,0" in out


def test_console_script_runs(sample_db):
    result = subprocess.run(
        [sys.executable, "-m", "dscp_metrics.cli", "indicators", "--db", str(sample_db), "--period", "2024/25 Q1",
         "--indicator", "csc_referrals"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "csc_referrals,2024-25-Q1,all,1260,,1260," in result.stdout


# ------------------------------------------------------- training (Annual Report 2024/25)
ORGANISATION_COMPLETIONS = {
    "adult_health": 133, "alternative_education": 930, "cafcass": 6, "childrens_social_care": 4717,
    "further_education": 150, "domestic_abuse_services": 69, "drug_alcohol": 156, "early_help": 485,
    "early_years": 1578, "education_skills": 474, "faith": 14, "fire": 37, "foster_carers": 438, "housing": 32,
    "icb": 95, "passenger_transport": 1476, "la_other": 353, "nhs_trusts": 1698, "ambulance": 2,
    "outside_area": 9, "police": 70, "primary_care": 273, "prison": 115, "private_housing": 76,
    "private_organisations": 533, "probation": 24, "regeneration": 37, "schools": 4231, "higher_education": 4,
    "voluntary_sector": 1557, "youth_justice": 284,
}


def test_training_completions_2024_25_by_organisation_type_and_route(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25", "2023-24")
    assert value(t, "training_completions", "2024-25") == 20056
    for code, completions in ORGANISATION_COMPLETIONS.items():
        assert value(t, "training_completions", "2024-25", f"organisation_type={code}") == completions, code
    routes = {"training_programme": 692, "safeguarding_week": 1021, "development_day": 187, "bespoke": 202,
              "e_learning": 17954}
    for route, completions in routes.items():
        assert value(t, "training_completions", "2024-25", f"route={route}") == completions, route
    week_before = value(t, "training_completions", "2023-24", "route=safeguarding_week")
    assert week_before == 420 and round(100 * (1021 / week_before - 1)) == 143


def test_safeguarding_week_places_and_sessions(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25")
    assert value(t, "training_places", "2024-25", "route=safeguarding_week") == 1257
    assert value(t, "training_sessions", "2024-25", "route=safeguarding_week") == 21
    assert round(1021 / 21, 1) == 48.6
    assert value(t, "training_sessions", "2024-25", "route=development_day") == 5


def test_training_ratings_by_route(capsys, sample_db):
    t = table(capsys, sample_db, "2024-25")
    content = {"e_learning": 4.73, "training_programme": 4.83, "safeguarding_week": 4.64, "development_day": 4.81,
               "bespoke": 4.95}
    for route, mean in content.items():
        assert round(value(t, "training_content_rating", "2024-25", f"route={route}"), 2) == mean, route
    assert round(value(t, "training_content_rating", "2024-25"), 2) == 4.79
    knowledge = {"e_learning": (5.2, 8.6), "training_programme": (6.2, 8.7), "safeguarding_week": (5.5, 8.1),
                 "development_day": (5.7, 8.9)}
    for route, (before, after) in knowledge.items():
        assert round(value(t, "training_knowledge_before", "2024-25", f"route={route}"), 1) == before, route
        assert round(value(t, "training_knowledge_after", "2024-25", f"route={route}"), 1) == after, route


def test_months_quarters_and_years_in_one_call(capsys, sample_db):
    t = table(capsys, sample_db, "2025-01", "Feb 2025", "2025-03", "2024-25-Q4", "2024-25", extra=("--indicator",
              "csc_referrals"))
    months = [value(t, "csc_referrals", m) for m in ("2025-01", "2025-02", "2025-03")]
    assert sum(months) == value(t, "csc_referrals", "2024-25-Q4")
    assert list(dict.fromkeys(t["period"])) == ["2025-01", "2025-02", "2025-03", "2024-25-Q4", "2024-25"]
