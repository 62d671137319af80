"""The report layer on the bundled sample: what a pack may show for a period."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dscp_metrics.indicators import REGISTRY
from dscp_metrics.report import format_interval, format_value, open_report
from store_fixtures import d, make_store


@pytest.fixture(scope="module")
def q4(sample_db):
    return open_report(sample_db, "2024-25-Q4")


@pytest.fixture(scope="module")
def q4_restricted(sample_db):
    return open_report(sample_db, "2024/25 Q4", suppress=False)


SMALL = re.compile(r"(?<![\d.,])[1-5](?![\d.,%])")


def test_summary_has_every_indicator_once(q4):
    summary = q4.summary()
    assert summary.indicator_id.tolist() == REGISTRY.ids()
    assert set(summary.columns) >= {"value", "interval", "vs_previous", "vs_year_ago", "spc", "assurance", "benchmark", "rag"}


def test_summary_shows_no_small_count_when_suppressed(q4):
    summary = q4.summary()
    counts = summary[summary.indicator_id.map(lambda i: REGISTRY.get(i).unit == "count")]
    for text in counts.value:
        assert text == "[c]" or not SMALL.fullmatch(text.replace(",", "")), text
    for text in summary.vs_previous.tolist() + summary.vs_year_ago.tolist():
        # a change is only shown when both figures are published
        if "[c]" not in text and "–" != text:
            assert "from" in text


def test_change_is_hidden_when_either_period_is_suppressed(sample_db):
    report = open_report(sample_db, "2024-25-Q1")
    # CEVT criminal referrals: 12 in 2023-24-Q4, 5 in 2024-25-Q1 -> suppressed now
    change = report.change("cevt_referrals", "2023-24-Q4", "exploitation_type=criminal")
    assert change.suppressed and change.text == "[c]"
    open_change = open_report(sample_db, "2024-25-Q1", suppress=False).change(
        "cevt_referrals", "2023-24-Q4", "exploitation_type=criminal"
    )
    assert open_change.direction == "down" and "-7" in open_change.text


def test_cevt_rise_is_significant_and_prompted(sample_db):
    report = open_report(sample_db, "2024-25-Q1")
    change = report.change("cevt_children", "2023-24-Q4")
    assert change.direction == "up" and "from 14" in change.text
    prompts = " ".join(report.prompts("harm_outside_home"))
    assert "rose from 14 to 23" in prompts and "within normal variation" in prompts


def test_level3_list_is_withheld_when_it_would_reveal_a_small_number(sample_db, q4):
    # the sample's one level 3 injury of 2024-25 is in Q2
    table, words = open_report(sample_db, "2024-25-Q2").level3_review()
    assert table is None and "[c]" in words and "--no-suppress" in words
    table, words = open_report(sample_db, "2024-25-Q2", suppress=False).level3_review()
    assert list(table.columns) == ["Date", "Age"] and len(table) == 1
    table, words = q4.level3_review()
    assert table is None and words.startswith("No level 3 injuries")


def test_level3_list_names_no_identifier(tmp_path):
    rows = [(f"INC{n}", f"YP{n}", d("2024-04-10"), 3, 15) for n in range(7)]
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=rows)
    table, words = open_report(db, "2024-25-Q1").level3_review()
    assert len(table) == 7 and "7 level 3 injuries" in words
    assert not table.astype(str).apply(lambda c: c.str.contains("INC|YP")).any().any()


def test_prompts_never_state_a_suppressed_figure(q4):
    for theme in ("domestic_abuse", "harm_outside_home", "restraint", "osa"):
        for prompt in q4.prompts(theme):
            for pair in re.findall(r"from (\d+) to (\d+)", prompt.replace(",", "")):
                assert not any(1 <= int(n) <= 5 for n in pair), prompt


def test_missing_extract_is_reported_not_raised(tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=[("I1", "YP1", d("2024-04-10"), 0, 15)])
    report = open_report(db, "2024-25-Q1")
    summary = report.summary()
    rereferral = summary[summary.indicator_id == "rereferral_rate"].iloc[0]
    assert rereferral["value"] == "No data" and "csc_referrals.csv not supplied" in rereferral["rag_basis"]
    assert any("no extract supplied" in t for t in report.themes_without_data())
    assert any("csc_referrals.csv" in q for q in report.prompts("domestic_abuse"))


def test_data_quality_counts_are_suppressed_like_any_published_count(q4, q4_restricted):
    dq = q4.data_quality()
    assert set(dq.extract) == {"csc_referrals.csv", "cevt_referrals.csv", "restraint_incidents.csv", "osa_returns.csv", "osa_issued.csv"}
    assert dq.rows_rejected.tolist() == ["[c]", "[c]", "6", "[c]", "[c]"]  # the sample's 5, 4, 6, 4, 3 bad rows
    assert not (q4_restricted.data_quality().rows_rejected == "[c]").any()
    reasons = q4.reject_summary()
    assert set(reasons.rows) <= {"[c]"} | {str(n) for n in range(6, 100)}


def test_spc_reading_for_monthly_series(q4):
    reading = q4.spc_reading("csc_referrals")
    assert reading["n_points"] == 36  # Apr 2022..Mar 2025: 2021-22 feeds the look-back only
    assert reading["variation"] in {"common_cause", "neutral_high", "neutral_low"}
    assert q4.spc_reading("osa_green_share") is None  # a yearly assessment has no monthly series


@pytest.mark.parametrize(
    "value, unit, text",
    [(1260, "count", "1,260"), (24.166, "%", "24.2%"), ("[c]", "count", "[c]"), (float("nan"), "%", "–"), (pd.NA, "count", "–")],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_interval():
    assert format_interval(22.0, 26.34, "%") == "22.0% to 26.3%"
    assert format_interval("[c]", "[c]", "count") == "[c]"


def test_report_cache_computes_once_per_period(sample_db, tmp_path, monkeypatch):
    from dscp_metrics import report as report_module

    monkeypatch.setenv(report_module.REPORT_CACHE_ENV, str(tmp_path))
    calls = []
    real_init = report_module.PeriodReport.__post_init__
    monkeypatch.setattr(report_module.PeriodReport, "__post_init__", lambda self: calls.append(1) or real_init(self))
    first = open_report(sample_db, "2024-25-Q4")
    second = open_report(sample_db, "2024/25 Q4")
    other = open_report(sample_db, "2024-25-Q4", suppress=False)
    assert len(calls) == 2  # the second Q4 suppressed report came from the cache
    assert second.summary().equals(first.summary())
    assert other.restricted and not second.restricted
    assert len(list(tmp_path.glob("report-*.pkl"))) == 2
