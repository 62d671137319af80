"""Hand-computed fixtures for the v2 themes of indicators.md: training, missing, meetings, education.

Every expected value is worked out by hand from the rows in the test.
"""

from __future__ import annotations

import math

import pytest

from dscp_metrics.publication.publish import publish
from store_fixtures import compute, d, make_store, row




# ------------------------------------------------------------------ training
def training(*rows):
    """(id, route, session, org type, ISO date, completed, content, before, after) -> store rows."""
    return [(rid, route, "Course", session, org, d(date), done, content, before, after)
            for rid, route, session, org, date, done, content, before, after in rows]


TRAINING = training(
    ("T1", "e_learning", None, "schools", "2024-04-10", "yes", 5, 4, 8),
    ("T2", "e_learning", None, "schools", "2024-05-10", "yes", 4, None, 7),
    ("T3", "e_learning", None, "police", "2024-06-10", "no", None, None, None),
    ("T4", "safeguarding_week", "SW-1", "schools", "2024-06-11", "yes", 3, 5, 9),
    ("T5", "safeguarding_week", "SW-1", "nhs_trusts", "2024-06-11", "yes", None, None, None),
    ("T6", "safeguarding_week", "SW-2", "nhs_trusts", "2024-06-12", "no", None, None, None),
    ("T7", "training_programme", "TP-1", "cafcass", "2024-07-01", "yes", 5, 6, 6),  # next quarter
)


def test_training_places_completions_rate_and_sessions(tmp_path):
    db = make_store(tmp_path / "s.duckdb", training_records=TRAINING)
    t = compute(db, ["2024-25-Q1"])
    assert row(t, "training_places", "2024-25-Q1")["numerator"] == 6
    assert row(t, "training_places", "2024-25-Q1", "route=safeguarding_week")["numerator"] == 3
    assert row(t, "training_completions", "2024-25-Q1")["numerator"] == 4
    assert row(t, "training_completions", "2024-25-Q1", "organisation_type=nhs_trusts")["numerator"] == 1
    # a category with no records still has its row, with 0: all 31 organisation types
    orgs = t.frame[(t.frame.indicator_id == "training_completions") & t.frame.breakdown.str.startswith("organisation")]
    assert len(orgs) == 31 and row(t, "training_completions", "2024-25-Q1", "organisation_type=fire")["numerator"] == 0
    rate = row(t, "training_completion_rate", "2024-25-Q1", "route=e_learning")
    assert (rate["numerator"], rate["denominator"]) == (2, 3)
    # sessions: distinct non-empty session ids; e-learning has none (an empty session is not a session)
    assert row(t, "training_sessions", "2024-25-Q1")["numerator"] == 2
    assert row(t, "training_sessions", "2024-25-Q1", "route=e_learning")["numerator"] == 0


def test_training_means_sum_over_count_with_t_interval(tmp_path):
    db = make_store(tmp_path / "s.duckdb", training_records=TRAINING)
    t = compute(db, ["2024-25-Q1"])
    content = row(t, "training_content_rating", "2024-25-Q1")
    assert (content["numerator"], content["denominator"]) == (12, 3)  # 5 + 4 + 3 over the three who rated
    assert content["value"] == pytest.approx(4.0)
    assert content["lower_ci"] == pytest.approx(4 - 4.302652729911275 * 1 / math.sqrt(3))  # s = 1, t(0.975, 2)
    before = row(t, "training_knowledge_before", "2024-25-Q1")
    after = row(t, "training_knowledge_after", "2024-25-Q1")
    gain = row(t, "training_knowledge_gain", "2024-25-Q1")
    assert (before["numerator"], before["denominator"]) == (9, 2)
    assert (after["numerator"], after["denominator"]) == (24, 3)
    assert (gain["numerator"], gain["denominator"]) == (8, 2)  # only T1 (+4) and T4 (+4) gave both


def test_a_mean_of_one_rating_has_no_interval_and_is_hidden(tmp_path):
    db = make_store(tmp_path / "s.duckdb", training_records=TRAINING)
    t = compute(db, ["2024-25-Q2"], ["training_content_rating"])
    one = row(t, "training_content_rating", "2024-25-Q2")
    assert (one["numerator"], one["denominator"], one["value"]) == (5, 1, 5.0)
    assert math.isnan(one["lower_ci"]) and math.isnan(one["upper_ci"])
    published = publish(t.frame, suppress=True, threshold=5, categories=t.categories)
    assert published.figure("training_content_rating", "2024-25-Q2")["hidden"]
    # no rating at all: no value, never 0
    empty = row(t, "training_content_rating", "2024-25-Q2", "route=bespoke")
    assert empty["denominator"] == 0 and math.isnan(empty["value"])


# ------------------------------------------------------------------ missing
def episodes(*rows):
    """(id, child, missing ISO, return ISO or None, in_care, rhi_status, rhi ISO) -> store rows."""
    return [(e, c, d(m), d(r) if r else None, care, status, d(h) if h else None)
            for e, c, m, r, care, status, h in rows]


def test_the_72_hour_rule_is_the_third_day_after_the_return(tmp_path):
    db = make_store(tmp_path / "s.duckdb", missing_episodes=episodes(
        ("E1", "A", "2024-04-30", "2024-05-01", "no", "held", "2024-05-04"),  # held by 4 May: within
        ("E2", "B", "2024-04-30", "2024-05-01", "no", "held", "2024-05-05"),  # 5 May: not within
        ("E3", "C", "2024-05-02", "2024-05-03", "yes", "declined", None),  # offered, declined
        ("E4", "D", "2024-05-02", "2024-05-03", "yes", "not_offered", None),
        ("E5", "E", "2024-05-06", None, "no", None, None),  # still missing: no return
    ))
    t = compute(db, ["2024-25-Q1"])
    assert row(t, "missing_episodes", "2024-25-Q1")["numerator"] == 5
    assert row(t, "missing_episodes", "2024-25-Q1", "in_care=yes")["numerator"] == 2
    assert row(t, "missing_returns", "2024-25-Q1")["numerator"] == 4
    offered = row(t, "rhi_offered_rate", "2024-25-Q1")
    assert (offered["numerator"], offered["denominator"]) == (3, 4)
    within = row(t, "rhi_within_72h_rate", "2024-25-Q1")
    assert (within["numerator"], within["denominator"]) == (1, 4)


def test_a_return_on_the_last_day_of_a_quarter_counts_in_that_quarter(tmp_path):
    db = make_store(tmp_path / "s.duckdb", missing_episodes=episodes(
        ("E1", "A", "2024-06-29", "2024-06-30", "no", "held", "2024-07-02"),
    ))
    t = compute(db, ["2024-25-Q1", "2024-25-Q2"])
    assert row(t, "missing_returns", "2024-25-Q1")["numerator"] == 1
    assert row(t, "missing_returns", "2024-25-Q2")["numerator"] == 0
    assert row(t, "rhi_within_72h_rate", "2024-25-Q1")["numerator"] == 1  # held on the second day after


def test_three_episodes_straddling_the_12_month_window(tmp_path):
    """Child A: 3 episodes within the 12 months to 31 March 2025; child B's first falls before them."""
    db = make_store(tmp_path / "s.duckdb", missing_episodes=episodes(
        ("A1", "A", "2024-04-01", "2024-04-02", "no", None, None),
        ("A2", "A", "2024-10-01", "2024-10-02", "no", None, None),
        ("A3", "A", "2025-03-31", None, "no", None, None),
        ("B1", "B", "2024-03-31", "2024-04-01", "no", None, None),  # a day before the window
        ("B2", "B", "2024-06-01", "2024-06-02", "no", None, None),
        ("B3", "B", "2025-01-01", "2025-01-02", "no", None, None),
    ))
    t = compute(db, ["2024-25-Q4", "2024-25-Q3"])
    assert row(t, "missing_repeat_children", "2024-25-Q4")["numerator"] == 1  # A only
    assert row(t, "missing_repeat_children", "2024-25-Q3")["numerator"] == 0  # 2024: A has 2, B has 2
    assert row(t, "missing_children", "2024-25-Q4")["numerator"] == 2


def test_a_rolling_window_that_starts_before_the_first_month_loaded_is_incomplete(tmp_path):
    """The first episode loaded is dated 6 April 2021: a 12-month window from April 2021 is whole, one from
    March 2021 (the 12 months to February 2022) is short of data and never compared."""
    db = make_store(tmp_path / "s.duckdb", missing_episodes=episodes(
        ("A1", "A", "2021-04-06", None, "no", None, None),
        ("A2", "A", "2021-05-01", None, "no", None, None),
        ("A3", "A", "2021-06-01", None, "no", None, None),
    ))
    t = compute(db, ["2022-02", "2022-03", "2021-22"])
    assert row(t, "missing_repeat_children", "2022-02")["history_complete"] is False
    assert row(t, "missing_repeat_children", "2022-03")["history_complete"] is True
    assert row(t, "missing_repeat_children", "2021-22")["history_complete"] is True
    # a figure counted in its own period only is never short of data
    assert row(t, "missing_episodes", "2022-02")["history_complete"] is True


# ------------------------------------------------------------------ meetings
def test_strategy_meeting_without_health_invited_is_not_attended_by_all_three(tmp_path):
    rows = [
        ("M1", d("2024-04-10"), "strategy", "csc", "attended"),
        ("M1", d("2024-04-10"), "strategy", "police", "attended"),
        ("M1", d("2024-04-10"), "strategy", "health", "attended"),
        ("M2", d("2024-04-11"), "strategy", "csc", "attended"),
        ("M2", d("2024-04-11"), "strategy", "police", "attended"),  # health not invited
        ("M3", d("2024-04-12"), "strategy", "csc", "attended"),
        ("M3", d("2024-04-12"), "strategy", "police", "report_only"),
        ("M3", d("2024-04-12"), "strategy", "health", "attended"),
        ("M4", d("2024-04-13"), "icpc", "csc", "attended"),
        ("M4", d("2024-04-13"), "icpc", "health", "apologies"),
        ("M4", d("2024-04-13"), "icpc", "police", "report_only"),
    ]
    db = make_store(tmp_path / "s.duckdb", meeting_attendance=rows)
    t = compute(db, ["2024-25-Q1"])
    share = row(t, "strategy_core_attendance_share", "2024-25-Q1")
    assert (share["numerator"], share["denominator"]) == (1, 3)
    assert row(t, "meetings_held", "2024-25-Q1")["numerator"] == 4
    assert row(t, "meetings_held", "2024-25-Q1", "meeting_type=strategy")["numerator"] == 3
    assert row(t, "meetings_held", "2024-25-Q1", "meeting_type=taf")["numerator"] == 0
    assert row(t, "meeting_invitations", "2024-25-Q1", "agency=health")["numerator"] == 3
    attended = row(t, "meeting_attendance_rate", "2024-25-Q1", "agency=police")
    assert (attended["numerator"], attended["denominator"]) == (2, 4)
    contributed = row(t, "meeting_contribution_rate", "2024-25-Q1", "agency=police")
    assert (contributed["numerator"], contributed["denominator"]) == (4, 4)
    by_type = row(t, "meeting_attendance_rate", "2024-25-Q1", "meeting_type=icpc")
    assert (by_type["numerator"], by_type["denominator"]) == (1, 3)


# ------------------------------------------------------------------ education
def spells(*rows):
    return [(rid, child, status, d(start), d(end) if end else None) for rid, child, status, start, end in rows]


def test_a_spell_open_across_a_period_boundary_counts_in_both(tmp_path):
    db = make_store(tmp_path / "s.duckdb", education_status=spells(
        ("S1", "A", "cme", "2024-06-20", "2024-07-05"),  # open across 30 June / 1 July
        ("S2", "B", "ehe", "2024-03-01", None),  # open, never ended
        ("S3", "C", "cme", "2024-07-01", "2024-07-01"),  # one day
    ))
    t = compute(db, ["2024-25-Q1", "2024-25-Q2", "2024-06"])
    assert row(t, "cme_children", "2024-25-Q1")["numerator"] == 1
    assert row(t, "cme_children", "2024-25-Q2")["numerator"] == 2
    assert row(t, "ehe_children", "2024-25-Q2")["numerator"] == 1
    assert row(t, "cme_children", "2024-06")["numerator"] == 1


def test_a_cevt_scoring_exactly_12_months_after_a_spell_ended_is_linked(tmp_path):
    """Scored 1 May 2025; a spell that ended on 1 May 2024 (12 months before) counts; 30 April 2024 does not."""
    db = make_store(
        tmp_path / "s.duckdb",
        education_status=spells(("S1", "A", "cme", "2024-01-01", "2024-05-01"),
                                ("S2", "B", "ehe", "2024-01-01", "2024-04-30"),
                                ("S3", "C", "cme", "2025-04-01", None), ("S4", "C", "ehe", "2024-12-01", None)),
        cevt_referrals=[("V1", "A", d("2025-05-01"), "criminal", "high", "East"),
                        ("V2", "B", d("2025-05-01"), "sexual", "low", "West"),
                        ("V3", "C", d("2025-05-02"), "criminal", "low", "West"),
                        ("V4", "D", d("2025-05-03"), "other", None, None)],
    )
    t = compute(db, ["2025-26-Q1"])
    linked = row(t, "cevt_cme_ehe_children", "2025-26-Q1")
    assert linked["numerator"] == 2  # A and C
    assert row(t, "cevt_cme_ehe_children", "2025-26-Q1", "status=cme")["numerator"] == 2
    assert row(t, "cevt_cme_ehe_children", "2025-26-Q1", "status=ehe")["numerator"] == 1  # C has both
    share = row(t, "cevt_cme_ehe_share", "2025-26-Q1")
    assert (share["numerator"], share["denominator"]) == (2, 4)


def test_linkage_indicators_need_both_extracts(tmp_path):
    db = make_store(tmp_path / "s.duckdb", education_status=spells(("S1", "A", "cme", "2024-01-01", None)))
    t = compute(db, ["2024-25-Q1"])
    assert set(t.frame.indicator_id) >= {"cme_children", "ehe_children"}
    assert "cevt_cme_ehe_children" not in set(t.frame.indicator_id)
    assert "cevt_referrals.csv was never loaded: no rows for" in " ".join(t.notes())
