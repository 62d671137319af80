"""`education_status.csv`: children missing education and home educated,
plausible for the indicators of indicators.md's `education` theme and linked
to the CEVT by the shared pseudonyms, computed with pandas over the rows a
loader accepts, for the default seed and another."""

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
    parse_day,
    read_extract,
    sample_directory,
)

FILE = "education_status.csv"
LAST_DAY = pd.Timestamp(2025, 3, 31)


@pytest.fixture(scope="module", params=SEEDS, ids=SEED_IDS)
def seed(request):
    return request.param


@pytest.fixture(scope="module")
def spells(seed) -> pd.DataFrame:
    frame = accepted(seed, FILE)
    frame["status"] = code(frame["status"])
    frame["start"], frame["end"] = parse_day(frame["start_date"]), parse_day(frame["end_date"])
    return frame


@pytest.fixture(scope="module")
def scorings(seed) -> pd.DataFrame:
    """The CEVT scorings a loader accepts (the CEVT file's bad rows have no date,
    a future date or an unknown type; a duplicate repeats a scoring)."""
    directory = BUNDLED if seed is None else sample_directory(seed)
    frame = read_extract(directory / "cevt_referrals.csv")
    frame["scored"] = parse_day(frame["scored_date"])
    good = (frame["scored"] <= LAST_DAY) & code(frame["exploitation_type"]).isin(["criminal", "sexual", "other"])
    return frame[good].drop_duplicates("cevt_id")


def open_in(spells: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Spells open on any day from `first` to `last`."""
    return spells[(spells["start"] <= last) & (spells["end"].isna() | (spells["end"] >= first))]


def cevt_cme_ehe_children(spells: pd.DataFrame, scorings: pd.DataFrame, year: str) -> set[str]:
    """Children scored in the year with a CME or EHE spell open on a day from
    12 months before a scoring in the year up to and including it."""
    first, last = financial_year(year)
    scored = scorings[(scorings["scored"] >= first) & (scorings["scored"] <= last)]
    pairs = scored.merge(spells, on="child_id")
    window_start = pairs["scored"] - pd.DateOffset(months=12)
    linked = (pairs["start"] <= pairs["scored"]) & (pairs["end"].isna() | (pairs["end"] >= window_start))
    return set(pairs.loc[linked, "child_id"])


@pytest.mark.parametrize("year", YEARS)
def test_children_missing_education_and_home_educated_each_year(spells, year):
    spells_open = open_in(spells, *financial_year(year))
    assert 800 <= spells_open.loc[spells_open["status"] == "cme", "child_id"].nunique() <= 1400
    assert 1000 <= spells_open.loc[spells_open["status"] == "ehe", "child_id"].nunique() <= 2200


def test_spells_cross_period_boundaries(spells):
    assert (spells["start"] < pd.Timestamp(2021, 4, 1)).sum() >= 300
    assert spells["end"].isna().sum() >= 500
    assert ((spells["start"] < pd.Timestamp(2024, 4, 1)) & (spells["end"].isna()
                                                            | (spells["end"] > pd.Timestamp(2024, 4, 1)))).sum() > 300
    assert (spells["end"].dropna() <= LAST_DAY).all() and (spells["end"].dropna() >= pd.Timestamp(2021, 4, 1)).all()
    length = (spells["end"] - spells["start"]).dt.days
    assert length[spells["status"] == "cme"].median() < length[spells["status"] == "ehe"].median()


def test_children_share_the_pseudonyms_of_the_other_extracts(seed, spells):
    directory = BUNDLED if seed is None else sample_directory(seed)
    referred = set(read_extract(directory / "csc_referrals.csv")["child_id"])
    known = spells["child_id"].isin(referred)
    assert 0.3 < known[spells["status"] == "cme"].mean() < 0.7
    assert 0.1 < known[spells["status"] == "ehe"].mean() < 0.45
    assert spells["child_id"].str.fullmatch(r"C\d{5}|00\d{5}").all()


def test_some_children_move_from_missing_education_to_home_education(spells):
    statuses = spells.groupby("child_id")["status"].agg(set)
    assert (statuses.map(len) == 2).sum() >= 100


def test_cevt_children_with_a_cme_or_ehe_spell_2024_25(spells, scorings):
    """cevt_cme_ehe_share for 2024-25: 15% to 30% of the children scored."""
    linked = cevt_cme_ehe_children(spells, scorings, "2024-25")
    first, last = financial_year("2024-25")
    scored = scorings[(scorings["scored"] >= first) & (scorings["scored"] <= last)]["child_id"].nunique()
    assert 0.15 <= len(linked) / scored <= 0.30
    by_status = {status: len(cevt_cme_ehe_children(spells[spells["status"] == status], scorings, "2024-25"))
                 for status in ("cme", "ehe")}
    assert by_status["cme"] > by_status["ehe"] > 0


def test_the_linkage_window_matters(spells, scorings):
    """Positive control: some CEVT children have a spell only outside the 12
    months up to their scoring, which the linkage must not count."""
    ever = set(scorings["child_id"]) & set(spells["child_id"])
    linked = cevt_cme_ehe_children(spells, scorings, "2023-24") | cevt_cme_ehe_children(spells, scorings, "2024-25")
    assert linked < ever


def test_the_file_is_untidy_as_a_real_export():
    raw = read_extract(BUNDLED / FILE)
    assert raw["start_date"].str.contains("/").sum() > 1000
    assert (raw["status"] == "CME").any() and raw["status"].str.endswith(" ").any()
