"""Hand-computed fixtures for every indicator rule in indicators.md."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dscp_metrics.compute import indicator_table
from dscp_metrics.store import open_store
from store_fixtures import compute, d, make_store, referrals, row




# ---------------------------------------------------------------- re-referrals
# Each case: the referrals of one child (or two), and which referral ids are
# re-referrals. Hand-worked against "another referral dated on or after its
# referral_date minus 12 months and strictly before its referral_date".
REREFERRAL_CASES = [
    pytest.param(
        [("A1", "A", "2024-03-20", ""), ("A2", "A", "2024-04-02", "")],
        {"A2"},
        id="earlier-referral-in-previous-financial-year",
    ),
    pytest.param(
        [("B1", "B", "2023-05-10", ""), ("B2", "B", "2024-05-10", "")],
        {"B2"},
        id="exactly-12-months-before-counts",
    ),
    pytest.param(
        [("C1", "C", "2023-05-09", ""), ("C2", "C", "2024-05-10", "")],
        set(),
        id="12-months-and-a-day-does-not",
    ),
    pytest.param(
        [("D1", "D", "2023-02-28", ""), ("D2", "D", "2024-02-29", "")],
        {"D2"},
        id="29-february-looks-back-to-28-february",
    ),
    pytest.param(
        [("E1", "E", "2024-02-29", ""), ("E2", "E", "2025-02-28", "")],
        {"E2"},
        id="28-february-after-a-leap-day-within-12-months",
    ),
    pytest.param(
        [("F1", "F", "2024-02-29", ""), ("F2", "F", "2025-03-01", "")],
        set(),
        id="1-march-after-a-leap-day-is-beyond-12-months",
    ),
    pytest.param(
        [("G1", "G", "2024-05-01", ""), ("G2", "G", "2024-05-01", "")],
        set(),
        id="two-referrals-same-day-neither-is-a-re-referral",
    ),
    pytest.param(
        [("G1", "G", "2024-01-01", ""), ("G2", "G", "2024-05-01", ""), ("G3", "G", "2024-05-01", "")],
        {"G2", "G3"},
        id="same-day-pair-after-an-earlier-referral-both-count",
    ),
    pytest.param(
        [("H1", "0042", "2024-04-10", ""), ("H2", "42", "2024-05-10", "")],
        set(),
        id="0042-and-42-are-different-children",
    ),
    pytest.param(
        [("I1", "I", "2023-06-01", "neglect"), ("I2", "I", "2024-01-15", ""), ("I3", "I", "2024-09-01", "")],
        {"I2", "I3"},
        id="chain-each-within-12-months-of-the-previous",
    ),
]


@pytest.mark.parametrize("counted", [True, False], ids=["counted-table", "look-back-at-read"])
@pytest.mark.parametrize("rows, expected", REREFERRAL_CASES)
def test_rereferral_flag(tmp_path, rows, expected, counted):
    """The same re-referrals whether read from the counted table a load writes or worked out at read time."""
    db = make_store(tmp_path / "s.duckdb", counted=counted, csc_referrals=referrals(*rows))
    dates = {rid: d(date) for rid, _, date, _ in rows}
    periods = sorted({_quarter(date) for date in dates.values()})
    table = compute(db, periods, ["rereferral_rate"])
    for period in periods:
        in_period = [rid for rid, date in dates.items() if _quarter(date) == period]
        figure = row(table, "rereferral_rate", period)
        assert figure["denominator"] == len(in_period)
        assert figure["numerator"] == len([rid for rid in in_period if rid in expected]), period


def _quarter(date):
    from dscp_metrics.periods import quarter_of

    return quarter_of(date).code


def test_lookback_reads_history_before_the_reported_period(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        csc_referrals=referrals(("A1", "A", "2023-06-30", ""), ("A2", "A", "2024-04-01", "domestic_abuse")),
    )
    table = compute(db, ["2024-25-Q1"])
    assert row(table, "rereferral_rate", "2024-25-Q1")["numerator"] == 1
    assert row(table, "da_rereferrals", "2024-25-Q1")["numerator"] == 1
    assert row(table, "da_rereferral_rate", "2024-25-Q1")["value"] == 100.0


def test_domestic_abuse_family(tmp_path):
    # Q1 2024-25: R1 DA (re-referral of R0), R2 DA, R3 none, R4 exploitation+DA (child K first referral)
    db = make_store(
        tmp_path / "s.duckdb",
        csc_referrals=referrals(
            ("R0", "J", "2024-01-05", "neglect"),
            ("R1", "J", "2024-04-05", "domestic_abuse"),
            ("R2", "L", "2024-05-05", "domestic_abuse;mental_health"),
            ("R3", "M", "2024-06-30", ""),
            ("R4", "K", "2024-04-01", "exploitation;domestic_abuse"),
        ),
    )
    t = compute(db, ["2024-25-Q1", "2023-24-Q4", "2024-25"])
    assert row(t, "csc_referrals", "2024-25-Q1")["value"] == 4
    assert row(t, "csc_referrals", "2023-24-Q4")["value"] == 1
    assert row(t, "csc_referrals", "2024-25")["value"] == 4
    assert row(t, "da_referrals", "2024-25-Q1")["value"] == 3
    share = row(t, "da_referral_share", "2024-25-Q1")
    assert (share["numerator"], share["denominator"], share["value"]) == (3, 4, 75.0)
    assert row(t, "da_rereferrals", "2024-25-Q1")["value"] == 1
    rate = row(t, "da_rereferral_rate", "2024-25-Q1")
    assert (rate["numerator"], rate["denominator"]) == (1, 3)
    assert rate["value"] == pytest.approx(100 / 3)
    assert row(t, "rereferral_rate", "2024-25-Q1")["value"] == 25.0
    assert row(t, "csc_exploitation_referrals", "2024-25-Q1")["value"] == 1
    assert row(t, "csc_exploitation_share", "2024-25-Q1")["value"] == 25.0


def test_zero_denominator_gives_an_empty_value_not_zero(tmp_path):
    db = make_store(tmp_path / "s.duckdb", csc_referrals=referrals(("R1", "A", "2024-04-05", "neglect")))
    t = compute(db, ["2024-25-Q1", "2024-25-Q2"])
    da_rate = row(t, "da_rereferral_rate", "2024-25-Q1")
    assert da_rate["denominator"] == 0 and da_rate["numerator"] == 0
    assert math.isnan(da_rate["value"]) and math.isnan(da_rate["lower_ci"])
    empty_quarter = row(t, "rereferral_rate", "2024-25-Q2")
    assert empty_quarter["denominator"] == 0 and math.isnan(empty_quarter["value"])
    assert row(t, "csc_referrals", "2024-25-Q2")["value"] == 0


def test_period_boundaries_first_and_last_day_are_in(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        csc_referrals=referrals(
            ("R1", "A", "2024-03-31", ""),
            ("R2", "B", "2024-04-01", ""),
            ("R3", "C", "2024-06-30", ""),
            ("R4", "D", "2024-07-01", ""),
        ),
    )
    t = compute(db, ["2024-25-Q1"])
    assert row(t, "csc_referrals", "2024-25-Q1")["value"] == 2


# ---------------------------------------------------------------------- CEVT
def cevt(*rows):
    return [(cid, child, d(date), typ, risk, loc) for cid, child, date, typ, risk, loc in rows]


def test_cevt_indicators(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        cevt_referrals=cevt(
            ("V1", "C1", "2024-04-02", "criminal", "high", "East"),
            ("V2", "C1", "2024-05-02", "criminal", "medium", "East"),  # same child again
            ("V3", "C2", "2024-06-30", "sexual", None, "West"),
            ("V4", "0042", "2024-06-01", "criminal", "high", None),
            ("V5", "42", "2024-06-01", "criminal", "low", None),
            ("V6", "C3", "2024-07-01", "other", "high", "South"),  # next quarter
        ),
    )
    t = compute(db, ["2024-25-Q1"])
    assert row(t, "cevt_children", "2024-25-Q1")["value"] == 4
    assert row(t, "cevt_referrals", "2024-25-Q1")["value"] == 5
    assert row(t, "cevt_referrals", "2024-25-Q1", "exploitation_type=criminal")["value"] == 4
    assert row(t, "cevt_referrals", "2024-25-Q1", "exploitation_type=sexual")["value"] == 1
    # a category with no records still has its row, with 0
    assert row(t, "cevt_referrals", "2024-25-Q1", "exploitation_type=other")["value"] == 0
    assert row(t, "cevt_high_risk_children", "2024-25-Q1")["value"] == 2
    breakdowns = t.frame[t.frame.indicator_id == "cevt_referrals"].breakdown.tolist()
    assert breakdowns == [
        "all", "exploitation_type=criminal", "exploitation_type=sexual", "exploitation_type=other",
        "risk_level=low", "risk_level=medium", "risk_level=high", "risk_level=not_recorded",
        "locality=East", "locality=West", "locality=South", "locality=Darlington", "locality=not_recorded",
    ]
    # risk level and locality: a scoring with none recorded is its own category, so the cells add up
    by_risk = [row(t, "cevt_referrals", "2024-25-Q1", f"risk_level={c}")["value"]
               for c in ("low", "medium", "high", "not_recorded")]
    assert by_risk == [1, 1, 2, 1]
    by_locality = [row(t, "cevt_referrals", "2024-25-Q1", f"locality={c}")["value"]
                   for c in ("East", "West", "South", "Darlington", "not_recorded")]
    assert by_locality == [2, 1, 0, 0, 2]


# ----------------------------------------------------------------- restraint
def incidents(*rows):
    return [(iid, yp, d(date), level, age) for iid, yp, date, level, age in rows]


def test_restraint_indicators(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        restraint_incidents=incidents(
            ("I1", "YP1", "2024-04-01", 0, 14),
            ("I2", "YP1", "2024-04-02", 1, 14),
            ("I3", "YP2", "2024-05-01", 1, None),
            ("I4", "YP3", "2024-06-01", 3, 16),
            ("I5", "YP3", "2024-06-02", 0, 16),
            ("I6", "YP4", "2024-07-02", 2, 16),  # Q2
        ),
    )
    t = compute(db, ["2024-25-Q1", "2024-25"])
    assert row(t, "restraint_incidents", "2024-25-Q1")["value"] == 5
    assert row(t, "restraint_young_people", "2024-25-Q1")["value"] == 3
    rate = row(t, "restraint_injury_rate", "2024-25-Q1")
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (3, 5, 60.0)
    assert row(t, "restraint_injuries", "2024-25-Q1")["value"] == 3
    assert row(t, "restraint_injuries", "2024-25-Q1", "injury_level=1")["value"] == 2
    assert row(t, "restraint_injuries", "2024-25-Q1", "injury_level=2")["value"] == 0
    assert row(t, "restraint_injuries", "2024-25-Q1", "injury_level=3")["value"] == 1
    share = row(t, "restraint_injury_level_share", "2024-25-Q1", "injury_level=1")
    assert (share["numerator"], share["denominator"]) == (2, 3)
    assert share["value"] == pytest.approx(200 / 3)
    year = row(t, "restraint_injury_level_share", "2024-25", "injury_level=2")
    assert (year["numerator"], year["denominator"], year["value"]) == (1, 4, 25.0)
    # the level share has no `all` row: it would always be 100%
    assert not ((t.frame.indicator_id == "restraint_injury_level_share") & (t.frame.breakdown == "all")).any()


def test_restraint_level_share_with_no_injuries_is_empty(tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=incidents(("I1", "YP1", "2024-04-01", 0, 14)))
    t = compute(db, ["2024-25-Q1"])
    share = row(t, "restraint_injury_level_share", "2024-25-Q1", "injury_level=3")
    assert share["denominator"] == 0 and math.isnan(share["value"])


# ----------------------------------------------------------------------- OSA
def returns(*rows):
    return [(rid, org, sec, std, rating, d(date)) for rid, org, sec, std, rating, date in rows]


def test_osa_indicators_use_the_12_months_ending_on_the_periods_last_day(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        osa_returns=returns(
            ("RT1", "Police", "leadership", "LS1", "Green", "2024-05-01"),
            ("RT1", "Police", "leadership", "LS2", "Amber", "2024-05-01"),
            ("RT1", "Police", "training", "TR1", "Green", "2024-05-01"),
            ("RT2", "Health", "leadership", "LS1", "Red", "2024-06-30"),  # last day of the window: in
            ("RT3", "Health", "leadership", "LS1", "Red", "2023-06-30"),  # 12 months before 1 July 2024: out
            ("RT4", "Health", "leadership", "LS1", "Green", "2023-07-01"),  # first day of the window: in
        ),
        osa_issued=[("Police", 2, d("2024-04-01")), ("Health", 3, d("2023-06-30"))],
    )
    t = compute(db, ["2024-25-Q1"])
    overall = row(t, "osa_green_share", "2024-25-Q1")
    assert (overall["numerator"], overall["denominator"]) == (3, 5)
    leadership = row(t, "osa_green_share", "2024-25-Q1", "section=leadership")
    assert (leadership["numerator"], leadership["denominator"]) == (2, 4)
    empty_section = row(t, "osa_green_share", "2024-25-Q1", "section=mental_health")
    assert empty_section["denominator"] == 0 and math.isnan(empty_section["value"])
    amber = row(t, "osa_rating_share", "2024-25-Q1", "section=leadership;rating=Amber")
    assert (amber["numerator"], amber["denominator"], amber["value"]) == (1, 4, 25.0)
    red = row(t, "osa_rating_share", "2024-25-Q1", "section=training;rating=Red")
    assert (red["numerator"], red["denominator"]) == (0, 1)
    assert len(t.frame[t.frame.indicator_id == "osa_rating_share"]) == 27
    rate = row(t, "osa_return_rate", "2024-25-Q1")
    # RT1, RT2, RT4 returned; issued in the window: Police 2 (Health's were issued before it)
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (3, 2, 150.0)
    # the OSA comes in yearly exercises: a window starting before the first return is not short of data
    assert row(t, "osa_green_share", "2024-25-Q1")["history_complete"] is True


def test_osa_return_rate_with_nothing_issued_is_empty(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        osa_returns=returns(("RT1", "Police", "leadership", "LS1", "Green", "2024-05-01")),
        osa_issued=[],
    )
    rate = row(compute(db, ["2024-25-Q1"]), "osa_return_rate", "2024-25-Q1")
    assert rate["denominator"] == 0 and math.isnan(rate["value"])


# ------------------------------------------------------ supplied or not supplied
def test_an_extract_never_loaded_gives_no_rows_and_a_note(tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=incidents(("I1", "YP1", "2024-04-01", 0, 14)))
    t = compute(db, ["2024-25-Q1"])
    assert set(t.frame.indicator_id) == {
        "restraint_incidents",
        "restraint_young_people",
        "restraint_injury_rate",
        "restraint_injuries",
        "restraint_injury_level_share",
    }
    notes = " ".join(t.notes())
    assert "csc_referrals.csv was never loaded" in notes and "rereferral_rate" in notes
    assert "osa_issued.csv was never loaded" in notes


def test_osa_return_rate_needs_both_osa_extracts(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb", osa_returns=returns(("RT1", "Police", "leadership", "LS1", "Green", "2024-05-01"))
    )
    t = compute(db, ["2024-25-Q1"])
    assert "osa_return_rate" not in set(t.frame.indicator_id)
    assert "osa_green_share" in set(t.frame.indicator_id)


def test_counts_carry_poisson_intervals_and_rates_wilson(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        restraint_incidents=incidents(*[(f"I{n}", f"YP{n % 3}", "2024-04-01", 1 if n < 4 else 0, 14)
                                        for n in range(12)]),
    )
    t = compute(db, ["2024-25-Q1"])
    count = row(t, "restraint_injuries", "2024-25-Q1")  # 4: exact Poisson
    assert count["lower_ci"] == pytest.approx(1.0899, abs=1e-3)
    assert count["upper_ci"] == pytest.approx(10.2416, abs=1e-3)
    rate = row(t, "restraint_injury_rate", "2024-25-Q1")  # 4/12 Wilson
    assert rate["lower_ci"] == pytest.approx(13.8123, abs=1e-3)
    assert rate["upper_ci"] == pytest.approx(60.9378, abs=1e-3)


def test_monthly_series_labels_months(tmp_path):
    db = make_store(
        tmp_path / "s.duckdb",
        restraint_incidents=incidents(("I1", "YP1", "2024-04-30", 0, 14), ("I2", "YP1", "2024-06-01", 1, 14)),
    )
    con = open_store(db)
    try:
        t = indicator_table(con, ["2024-04", "May 2024", "2024-06"], ["restraint_incidents"])
    finally:
        con.close()
    frame = t.frame
    assert frame.period.tolist() == ["2024-04", "2024-05", "2024-06"]
    assert frame.numerator.tolist() == [1, 0, 1]


def test_table_columns_and_order(tmp_path):
    db = make_store(tmp_path / "s.duckdb", restraint_incidents=incidents(("I1", "YP1", "2024-04-01", 2, 14)))
    t = compute(db, ["2024-25-Q2", "2024-25-Q1"], ["restraint_injuries"])
    assert list(t.frame.columns[:9]) == [
        "indicator_id", "period", "breakdown", "numerator", "denominator", "value", "lower_ci", "upper_ci", "unit",
    ]
    assert t.frame.period.tolist() == ["2024-25-Q2"] * 4 + ["2024-25-Q1"] * 4
    assert pd.isna(t.frame.denominator).all()


def test_rejected_rows_feed_no_lookback(tmp_path):
    """A rejected referral is not an earlier referral: only loaded rows count."""
    from dscp_metrics.load import load_folder

    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "csc_referrals.csv").write_text(
        "referral_id,child_id,referral_date,source,factors\n"
        "R1,A,10/01/2024,Police,CSE\n"  # unknown factor: rejected
        "R2,A,2024-04-15,Police,neglect\n"  # so this is A's first referral
        "R3,B,2024-01-10,Schools,\n"
        "R4,B,2024-04-20,Schools,\n"  # B's earlier referral loaded: a re-referral
        "R3,C,2024-02-01,Health,\n"  # duplicate referral_id: rejected
        "R5,C,2024-05-01,Health,\n"  # so not a re-referral
        "R6,D,2024-31-01,Police,\n"  # not a valid date: rejected
        "R7,D,2024-05-02,Police,\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    report = load_folder(folder, db, load_date=d("2024-12-31"))
    assert report.ok and report.files[0].rows_rejected == 3
    figure = row(compute(db, ["2024-25-Q1"], ["rereferral_rate"]), "rereferral_rate", "2024-25-Q1")
    assert (figure["numerator"], figure["denominator"]) == (1, 4)


def test_prefetched_referral_counts_give_the_same_table(sample_db):
    from dscp_metrics.compute.atoms import prefetch_for
    from dscp_metrics.periods import parse_periods

    periods = ["2023-24", "2024-25-Q1", "2024/25 Q2"]
    con = open_store(sample_db)
    try:
        plain = indicator_table(con, periods).frame
    finally:
        con.close()
    con = open_store(sample_db)
    try:
        prefetch_for(con, parse_periods(periods)).join()
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'atoms_%'").fetchall()]
        assert len(tables) == 1  # referrals: the one extract counted per day
        con.execute(f"DELETE FROM main.{tables[0]}")  # an emptied prefetched table shows it was read
        emptied = indicator_table(con, periods, ["csc_referrals"]).frame
        con.execute(f"DROP TABLE main.{tables[0]}")
        prefetch_for(con, parse_periods(periods)).join()
        fast = indicator_table(con, periods).frame
    finally:
        con.close()
    assert (emptied["numerator"] == 0).all()
    pd.testing.assert_frame_equal(plain, fast)
