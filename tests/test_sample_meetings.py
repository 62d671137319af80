"""`meeting_attendance.csv`: multi-agency meetings, plausible for the
indicators of indicators.md's `meetings` theme, computed with pandas over the
rows a loader accepts, for the default seed and another."""

from __future__ import annotations

import pandas as pd
import pytest
from test_sample_support import (
    AGENCIES,
    BUNDLED,
    MEETING_TYPES,
    SEED_IDS,
    SEEDS,
    YEARS,
    accepted,
    code,
    in_year,
    parse_day,
    read_extract,
)

FILE = "meeting_attendance.csv"


@pytest.fixture(scope="module", params=SEEDS, ids=SEED_IDS)
def invitations(request) -> pd.DataFrame:
    frame = accepted(request.param, FILE)
    for column in ("meeting_type", "agency", "attendance"):
        frame[column] = code(frame[column])
    frame["day"] = parse_day(frame["meeting_date"])
    return frame


@pytest.fixture(scope="module")
def strategy(invitations) -> pd.DataFrame:
    return invitations[invitations["meeting_type"] == "strategy"]


def attendance_rate(invitations: pd.DataFrame) -> pd.Series:
    """By agency: invitations attended / invitations."""
    return invitations.groupby("agency")["attendance"].agg(lambda a: (a == "attended").mean())


@pytest.mark.parametrize("year", YEARS)
def test_a_few_hundred_meetings_of_every_type_a_year(invitations, year):
    this_year = invitations[in_year(invitations["day"], year)]
    meetings = this_year.drop_duplicates("meeting_id")
    assert 300 <= len(meetings) <= 800
    assert set(meetings["meeting_type"]) == set(MEETING_TYPES)
    assert meetings["meeting_type"].value_counts().index[0] == "strategy"
    assert 3 <= len(this_year) / len(meetings) <= 7


def test_every_agency_and_attendance_code_appears(invitations):
    assert set(invitations["agency"]) == set(AGENCIES)
    assert set(invitations["attendance"]) == {"attended", "report_only", "apologies", "no_response"}


def test_strategy_meetings_invite_social_care_and_police_and_mostly_health(strategy):
    invited = strategy.groupby("meeting_id")["agency"].agg(set)
    assert invited.map(lambda a: {"csc", "police"} <= a).all()
    without_health = invited.map(lambda a: "health" not in a)
    assert 0.05 <= without_health.mean() <= 0.3


def test_police_and_health_attend_strategy_meetings_less_than_social_care(strategy):
    rate = attendance_rate(strategy)
    assert rate["csc"] > 0.9
    assert rate["csc"] - 0.1 > rate["police"] > rate["health"]
    assert (strategy.loc[strategy["agency"] == "health", "attendance"] == "report_only").mean() > 0.1


def test_strategy_core_attendance_share(strategy):
    """Strategy meetings attended by all of csc, police and health (not invited counts as not attending)."""
    attended = strategy[strategy["attendance"] == "attended"].groupby("meeting_id")["agency"].agg(set)
    all_three = attended.map(lambda a: {"csc", "police", "health"} <= a).sum()
    share = all_three / strategy["meeting_id"].nunique()
    assert 0.2 <= share <= 0.6


def test_a_meeting_is_one_day_one_type_one_row_per_agency(invitations):
    meetings = invitations.groupby("meeting_id")
    assert (meetings[["day", "meeting_type"]].nunique() == 1).all().all()
    assert not invitations.duplicated(["meeting_id", "agency"]).any()
    assert (invitations["day"].dt.day_of_week < 5).all()


def test_marac_sits_on_tuesdays_and_thursdays(invitations):
    marac = invitations[invitations["meeting_type"] == "marac"]
    assert set(marac["day"].dt.day_of_week) == {1, 3}


def test_the_file_is_untidy_as_a_real_export():
    raw = read_extract(BUNDLED / FILE)
    assert raw["meeting_date"].str.contains("/").sum() > 1000
    assert (raw["meeting_type"] != code(raw["meeting_type"])).any()
    assert raw["agency"].str.endswith(" ").any()
