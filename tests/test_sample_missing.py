"""`missing_episodes.csv`: a county's missing children, plausible for the
indicators of indicators.md's `missing` theme, computed with pandas over the
rows a loader accepts, for the default seed and another."""

from __future__ import annotations

import pandas as pd
import pytest
from test_sample_support import (
    BUNDLED,
    SEED_IDS,
    SEEDS,
    YEARS,
    accepted,
    code,
    financial_year,
    in_year,
    parse_day,
    read_extract,
    sample_directory,
)

FILE = "missing_episodes.csv"


@pytest.fixture(scope="module", params=SEEDS, ids=SEED_IDS)
def seed(request):
    return request.param


@pytest.fixture(scope="module")
def episodes(seed) -> pd.DataFrame:
    frame = accepted(seed, FILE)
    frame["missing"], frame["returned"] = parse_day(frame["missing_date"]), parse_day(frame["return_date"])
    frame["held_on"] = parse_day(frame["rhi_date"])
    frame["in_care"], frame["rhi_status"] = code(frame["in_care"]), code(frame["rhi_status"])
    return frame


def _returned_in(episodes: pd.DataFrame, year: str) -> pd.DataFrame:
    return episodes[in_year(episodes["returned"], year)]


def rhi_offered_rate(episodes: pd.DataFrame, year: str) -> float:
    """Returned episodes whose interview was held or declined / returned episodes."""
    returned = _returned_in(episodes, year)
    return returned["rhi_status"].isin(["held", "declined"]).mean()


def rhi_within_72h_rate(episodes: pd.DataFrame, year: str) -> float:
    """Returned episodes whose interview was held by the third day after the return / returned episodes."""
    returned = _returned_in(episodes, year)
    in_time = (returned["rhi_status"] == "held") & (returned["held_on"] <= returned["returned"] + pd.Timedelta(days=3))
    return in_time.mean()


@pytest.mark.parametrize("year", YEARS)
def test_a_county_sized_year(episodes, year):
    this_year = episodes[in_year(episodes["missing"], year)]
    assert 800 <= len(this_year) <= 1600
    assert 250 <= this_year["child_id"].nunique() <= 500
    assert 0.15 <= (this_year["in_care"] == "yes").mean() <= 0.45  # a minority from care


def test_some_children_go_missing_repeatedly(episodes):
    """missing_repeat_children: 3 or more episodes in the 12 months ending 31 March 2025."""
    first, last = financial_year("2024-25")
    counts = episodes[(episodes["missing"] >= first) & (episodes["missing"] <= last)]["child_id"].value_counts()
    assert 50 <= (counts >= 3).sum() <= 300
    assert counts.max() >= 10


def test_return_home_interviews_offered_and_held_in_time_rise_every_year(episodes):
    offered = [rhi_offered_rate(episodes, year) for year in YEARS]
    in_time = [rhi_within_72h_rate(episodes, year) for year in YEARS]
    assert all(a < b for a, b in zip(offered, offered[1:])), offered
    assert all(a < b for a, b in zip(in_time, in_time[1:])), in_time
    assert 0.3 < in_time[0] and in_time[-1] < 0.8 and all(t < o for t, o in zip(in_time, offered))


def test_some_interviews_are_held_late(episodes):
    held = episodes[episodes["rhi_status"] == "held"]
    late = held["held_on"] > held["returned"] + pd.Timedelta(days=3)
    assert 0.05 < late.mean() < 0.4


def test_the_extract_date_leaves_some_missing_and_some_pending(episodes):
    still_missing = episodes[episodes["returned"].isna()]
    assert len(still_missing) >= 3
    assert (still_missing["rhi_status"] == "").all()
    pending = episodes[episodes["rhi_status"] == "pending"]
    assert len(pending) >= 3 and (pending["returned"] >= pd.Timestamp(2025, 3, 1)).all()
    assert episodes["held_on"].max() <= pd.Timestamp(2025, 3, 31)
    assert {"held", "declined", "not_offered", "pending", ""} == set(episodes["rhi_status"])


def test_a_child_is_back_before_going_missing_again(episodes):
    ordered = episodes.sort_values(["child_id", "missing", "line"])
    following = ordered.groupby("child_id")["missing"].shift(-1)
    has_next = following.notna()
    assert ordered.loc[has_next, "returned"].notna().all()
    assert (ordered.loc[has_next, "returned"] <= following[has_next]).all()


def test_children_are_the_referred_childrens_pseudonyms(seed, episodes):
    directory = BUNDLED if seed is None else sample_directory(seed)
    referred = set(read_extract(directory / "csc_referrals.csv")["child_id"])
    assert set(episodes["child_id"]) <= referred
    cevt = set(read_extract(directory / "cevt_referrals.csv")["child_id"])
    assert len(set(episodes["child_id"]) & cevt) >= 10  # exploited children go missing


def test_the_file_is_untidy_as_a_real_export():
    raw = read_extract(BUNDLED / FILE)
    assert raw["missing_date"].str.contains(":").sum() > 1000
    assert raw["return_date"].str.contains("/").sum() > 500
    assert (raw["in_care"] != code(raw["in_care"])).any() and (raw["rhi_status"] != code(raw["rhi_status"])).any()
