"""`training_records.csv`: the DSCP Annual Report 2024/25's workforce training
figures, computed from the CSV with pandas as indicators.md defines them
(over the rows a loader accepts: completions are `completed` = `yes`, codes
any case, dates ISO or UK day-first, a record in 2024-25 when its
`event_date` falls from 1 April 2024 to 31 March 2025), for the default seed
and another: the figures are built, not lucky.

The published figures are written out here, not read from `sample.CALIBRATION`.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_sample_support import (
    BUNDLED,
    ORGANISATION_TYPES,
    ROUTES,
    SEED_IDS,
    SEEDS,
    YEARS,
    accepted,
    code,
    in_year,
    parse_day,
    read_extract,
    whole_number,
)

FILE = "training_records.csv"

COMPLETIONS_BY_ORGANISATION_TYPE = {  # DSCP Annual Report 2024/25, in the report's order
    "adult_health": 133, "alternative_education": 930, "cafcass": 6, "childrens_social_care": 4717,
    "further_education": 150, "domestic_abuse_services": 69, "drug_alcohol": 156, "early_help": 485,
    "early_years": 1578, "education_skills": 474, "faith": 14, "fire": 37, "foster_carers": 438, "housing": 32,
    "icb": 95, "passenger_transport": 1476, "la_other": 353, "nhs_trusts": 1698, "ambulance": 2,
    "outside_area": 9, "police": 70, "primary_care": 273, "prison": 115, "private_housing": 76,
    "private_organisations": 533, "probation": 24, "regeneration": 37, "schools": 4231, "higher_education": 4,
    "voluntary_sector": 1557, "youth_justice": 284,
}
COMPLETIONS_BY_ROUTE = {"training_programme": 692, "safeguarding_week": 1021, "development_day": 187,
                        "bespoke": 202, "e_learning": 17954}
CONTENT_RATING = {"e_learning": 4.73, "training_programme": 4.83, "safeguarding_week": 4.64,
                  "development_day": 4.81, "bespoke": 4.95}
KNOWLEDGE = {"e_learning": (5.2, 8.6), "training_programme": (6.2, 8.7), "safeguarding_week": (5.5, 8.1),
             "development_day": (5.7, 8.9), "bespoke": (5.9, 8.8)}  # bespoke: the sample's own choice


def _records(seed) -> pd.DataFrame:
    """Accepted records with codes canonical, `day` parsed and ratings as numbers."""
    frame = accepted(seed, FILE)
    for column in ("route", "organisation_type", "completed"):
        frame[column] = code(frame[column])
    for column in ("content_rating", "knowledge_before", "knowledge_after"):
        frame[column] = whole_number(frame[column])
    frame["day"] = parse_day(frame["event_date"])
    return frame


@pytest.fixture(scope="module", params=SEEDS, ids=SEED_IDS)
def records(request) -> pd.DataFrame:
    return _records(request.param)


@pytest.fixture(scope="module")
def year_2024_25(records) -> pd.DataFrame:
    return records[in_year(records["day"], "2024-25")]


@pytest.fixture(scope="module")
def completed_2024_25(year_2024_25) -> pd.DataFrame:
    return year_2024_25[year_2024_25["completed"] == "yes"]


# ------------------------------------------------------- the published figures
def test_the_published_organisation_counts_add_up_to_the_published_total():
    assert len(COMPLETIONS_BY_ORGANISATION_TYPE) == 31 == len(ORGANISATION_TYPES)
    assert sum(COMPLETIONS_BY_ORGANISATION_TYPE.values()) == 20056 == sum(COMPLETIONS_BY_ROUTE.values())


def test_completions_2024_25(completed_2024_25):
    assert len(completed_2024_25) == 20056


def test_completions_by_organisation_type_2024_25(completed_2024_25):
    assert completed_2024_25["organisation_type"].value_counts().to_dict() == COMPLETIONS_BY_ORGANISATION_TYPE


def test_completions_by_route_2024_25(completed_2024_25):
    assert completed_2024_25["route"].value_counts().to_dict() == COMPLETIONS_BY_ROUTE


def test_safeguarding_week_grew_143_percent(records):
    completed_week = records[(records["completed"] == "yes") & (records["route"] == "safeguarding_week")]
    before = int(in_year(completed_week["day"], "2023-24").sum())
    after = int(in_year(completed_week["day"], "2024-25").sum())
    assert (before, after) == (420, 1021)
    assert round(100 * (after - before) / before) == 143


def test_safeguarding_week_places_and_sessions_2024_25(year_2024_25):
    week = year_2024_25[year_2024_25["route"] == "safeguarding_week"]
    assert len(week) == 1257
    sessions = year_2024_25[year_2024_25["session_id"].str.strip() != ""]
    assert sessions.groupby("route")["session_id"].nunique()[["safeguarding_week", "development_day"]].tolist() \
        == [21, 5]


@pytest.mark.parametrize("route, mean", CONTENT_RATING.items())
def test_content_rating_by_route_2024_25(completed_2024_25, route, mean):
    ratings = completed_2024_25.loc[completed_2024_25["route"] == route, "content_rating"].dropna()
    assert len(ratings) >= 100
    assert round(ratings.mean(), 2) == mean


def test_content_rating_overall_2024_25(completed_2024_25):
    """The mean over every rating (indicators.md), which is also the report's figure."""
    assert round(completed_2024_25["content_rating"].dropna().mean(), 2) == 4.79


@pytest.mark.parametrize("route, before_after", KNOWLEDGE.items())
def test_knowledge_before_and_after_by_route_2024_25(completed_2024_25, route, before_after):
    rows = completed_2024_25[completed_2024_25["route"] == route]
    means = (round(rows["knowledge_before"].dropna().mean(), 1), round(rows["knowledge_after"].dropna().mean(), 1))
    assert means == before_after
    both = rows.dropna(subset=["knowledge_before", "knowledge_after"])
    gain = (both["knowledge_after"] - both["knowledge_before"]).mean()
    assert gain == pytest.approx(before_after[1] - before_after[0], abs=0.1)


# ------------------------------------------------------------ plausibility
def test_every_route_and_organisation_type_every_year(records):
    for year in YEARS:
        done = records[in_year(records["day"], year) & (records["completed"] == "yes")]
        assert set(done["route"]) == set(ROUTES), year
        assert set(done["organisation_type"]) == set(ORGANISATION_TYPES), year


def test_completions_grow_year_on_year(records):
    done = records[records["completed"] == "yes"]
    totals = [int(in_year(done["day"], year).sum()) for year in YEARS]
    assert totals == sorted(totals) and totals[0] > 10_000


def test_some_places_are_not_completed_and_those_carry_no_rating(records):
    not_done = records[records["completed"] == "no"]
    assert 0.05 < len(not_done) / len(records) < 0.2
    assert not_done[["content_rating", "knowledge_before", "knowledge_after"]].isna().all().all()


def test_e_learning_has_no_session_and_taught_routes_always_do(records):
    e_learning = records["route"] == "e_learning"
    assert (records.loc[e_learning, "session_id"] == "").all()
    assert (records.loc[~e_learning, "session_id"].str.strip() != "").all()


def test_a_session_is_one_route_one_course_one_day(records):
    sessions = records[records["session_id"] != ""].groupby("session_id")
    assert (sessions[["route", "day"]].nunique() == 1).all().all()
    assert (sessions["course"].agg(lambda c: c.str.strip().nunique()) == 1).all()


def test_ratings_are_mostly_high_and_knowledge_rises(records):
    done = records[records["completed"] == "yes"]
    assert set(done["content_rating"].dropna()) <= {1, 2, 3, 4, 5}
    assert (done["content_rating"] == 5).mean() > (done["content_rating"] == 4).mean()
    both = done.dropna(subset=["knowledge_before", "knowledge_after"])
    assert (both["knowledge_after"] >= both["knowledge_before"]).mean() > 0.95


def test_the_file_is_untidy_as_a_real_export(records):
    raw = read_extract(BUNDLED / FILE)
    dates = raw["event_date"]
    assert dates.str.contains("/").sum() > 1000 and dates.str.contains(":").sum() > 1000
    assert (raw["route"] != raw["route"].str.lower()).any()
    assert raw["organisation_type"].str.endswith(" ").any()
    assert set(raw["completed"]) > {"yes", "no"}
