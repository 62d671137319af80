"""The report layer: what a pack says about a period, from its publication only.

Expected figures come from the indicator table computed directly (`compute`),
never from the report itself.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dscp_metrics.compute import indicator_table
from dscp_metrics.methods.spc import spc
from dscp_metrics.methods.spc_reading import spc_summary
from dscp_metrics.publication.selection import pack_months
from dscp_metrics.periods import parse_period
from dscp_metrics.report import open_report
from dscp_metrics.report.changes import change_between
from dscp_metrics.report.prompts import theme_prompts
from dscp_metrics.report.quality import extract_coverage, level3_review, themes_without_data
from dscp_metrics.report.summary import exceptions, summary_rows
from dscp_metrics.indicators import REGISTRY, THEMES, get_indicator
from dscp_metrics.store import open_store
from store_fixtures import d, make_store


@pytest.fixture(scope="module")
def q4(sample_db):
    return open_report(sample_db, "2024-25-Q4")


@pytest.fixture(scope="module")
def q4_restricted(sample_db):
    return open_report(sample_db, "2024-25-Q4", suppress=False)


def raw(db, periods, ids):
    con = open_store(db)
    try:
        return indicator_table(con, periods, ids).frame
    finally:
        con.close()


def test_summary_has_every_indicator_once(q4):
    rows = summary_rows(q4)
    assert [r.indicator.id for r in rows] == [i.id for i in REGISTRY]


def test_summary_shows_no_small_count_when_suppressed(q4):
    small = [r for r in summary_rows(q4) if r.indicator.unit == "count" and re.fullmatch(r"[1-5]", r.value)]
    assert small == []


def test_the_restricted_report_shows_what_the_suppressed_one_hides(q4, q4_restricted):
    level2 = (("injury_level", "2"),)
    assert q4.figure("restraint_injuries", cell=level2)["hidden"]
    shown = q4_restricted.figure("restraint_injuries", cell=level2)
    assert not shown["hidden"] and shown["value"] == 1 and q4_restricted.restricted


def test_a_hidden_figure_is_c_everywhere_it_appears(q4):
    injured = q4.figure("restraint_injuries", cell=(("injury_level", "2"),))
    assert injured["hidden"] and injured["value"] is None


def test_change_is_hidden_when_either_figure_is_hidden(q4):
    indicator = get_indicator("restraint_injuries")
    now = {"hidden": True, "history_complete": True}
    then = q4.figure("restraint_injuries")
    change = change_between(indicator, now, then, "Q3 2024/25")
    assert (change.text, change.direction) == ("[c]", "hidden")


def test_change_against_an_incomplete_look_back_is_not_comparable(sample_db):
    """Referrals start in April 2021: re-referrals in 2021-22 undercount; a change against them is not shown."""
    report = open_report(sample_db, "2022-23-Q1")
    change = report.change("rereferral_rate", parse_period("2021-22-Q1"))
    assert change.direction == "not_comparable" and "not comparable" in change.text
    assert report.change("csc_referrals", parse_period("2021-22-Q1")).shown  # a plain count is comparable


def test_change_significance_matches_the_direction_of_travel_test(sample_db, q4):
    frame = raw(sample_db, ["2024-25-Q4", "2024-25-Q3"], ["rereferral_rate"])
    whole = frame[frame.breakdown == "all"].set_index("period")
    from dscp_metrics.methods.compare import direction_of_travel

    expected = direction_of_travel(whole.loc["2024-25-Q4", "numerator"], whole.loc["2024-25-Q4", "denominator"],
                                   whole.loc["2024-25-Q3", "numerator"], whole.loc["2024-25-Q3", "denominator"],
                                   "%").iloc[0]
    change = q4.change("rereferral_rate", parse_period("2024-25-Q3"))
    assert change.significant == bool(expected["significant"])
    assert change.goodness == ("worse" if expected["change"] > 0 else "better")  # lower is better


def test_over_returns_are_shown_flagged_with_no_interval_and_never_crash(tmp_path):
    """More OSA returns than issued (24 of 13): the rate is shown, flagged, with no interval or comparison."""
    returns = [(f"R{n}", "Org", "leadership", f"S{n}", "Green", d("2024-06-01")) for n in range(24)]
    db = make_store(tmp_path / "s.duckdb", osa_returns=returns,
                    osa_issued=[("Org", 13, d("2024-05-01"))])
    report = open_report(db, "2024-25-Q4")
    rate = report.figure("osa_return_rate")
    assert rate["value"] == pytest.approx(24 / 13 * 100) and pd.isna(rate["lower_ci"])
    row = next(r for r in summary_rows(report) if r.indicator.id == "osa_return_rate")
    assert "more counted than the denominator" in row.note
    assert report.change("osa_return_rate", parse_period("2024-25-Q3")).direction == "not_comparable"


def test_zero_denominator_is_empty_not_an_error(tmp_path):
    """2025-26-Q1: returns in the rolling year, nothing issued in it: the rate has no value."""
    returns = [(f"R{n}", "Org", "leadership", f"S{n}", "Green", d("2024-09-01")) for n in range(17)]
    db = make_store(tmp_path / "s.duckdb", osa_returns=returns, osa_issued=[("Org", 20, d("2024-05-01"))])
    report = open_report(db, "2025-26-Q1")
    assert report.figure("osa_return_rate")["value"] is None or pd.isna(report.figure("osa_return_rate")["value"])


def test_spc_series_starts_after_the_look_back_and_matches_the_method(sample_db, q4):
    series = q4.series("rereferral_rate")
    assert series.periods[0] >= "2022-04"  # referrals start April 2021: 12 months of look-back first
    months = [m for m in pack_months(q4.period) if m.code >= series.periods[0]]
    frame = raw(sample_db, months, ["rereferral_rate"])
    values = frame[frame.breakdown == "all"]["value"].to_numpy(dtype=float)
    expected = spc_summary(spc(values, polarity="lower"), point="month")
    assert series.reading["variation"] == expected["variation"]
    assert series.frame["upl"].iloc[-1] == pytest.approx(spc(values, polarity="lower")["upl"].iloc[-1])


def test_no_spc_reading_or_limits_when_a_month_is_hidden(q4):
    series = q4.series("cevt_high_risk_children")
    assert series.n_hidden > 0
    assert series.reading == {} and series.frame is None and not series.draw_limits


def test_exceptions_name_only_published_figures(q4):
    found = exceptions(q4)
    assert found, "the sample quarter has things to discuss"
    for e in found:
        figure = q4.figure(e.indicator.id)
        assert figure is not None and not figure["hidden"], e


def test_prompts_never_state_a_hidden_figure(q4):
    for theme in THEMES:
        for question in theme_prompts(q4, theme.id):
            for number in re.findall(r"\b(\d+)\b", question.replace(",", "")):
                assert not 1 <= int(number) <= 5 or "%" in question or "months" in question, question


def test_level3_injuries_are_listed_only_in_the_restricted_pack(sample_db):
    """2024-25 had one level 3 injury: the published pack says [c]; the restricted one lists date and age."""
    table, message = level3_review(open_report(sample_db, "2024-25"))
    assert table is None and "restricted pack" in message and "[c]" in message
    table, message = level3_review(open_report(sample_db, "2024-25", suppress=False))
    assert list(table.columns) == ["Date", "Age"] and len(table) == 1 and message.startswith("1 level 3")


def test_themes_without_data_are_said_from_published_figures(tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=[("I1", "YP1", d("2024-12-01"), 0, 14),
                                                                ("I2", "YP1", d("2025-04-10"), 0, 14)])
    report = open_report(db, "2024-25-Q4")
    said = themes_without_data(report)
    assert "Use of restraint: no records dated in Q4 2024/25" in said
    assert any(s.startswith("Domestic abuse: no extract supplied") for s in said)


def test_coverage_lists_every_extract_of_the_contract(q4):
    coverage = extract_coverage(q4)
    assert len(coverage) == 9 and set(coverage["supplied"]) == {"Yes"}
    assert coverage.set_index("extract").loc["training_records.csv", "covers"] == "Yes"
