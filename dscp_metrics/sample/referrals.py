"""`csc_referrals.csv`: Children's Social Care referrals, April 2021 to March 2025.

About 1,250 referrals a quarter on weekdays (a weekend day a quarter as
likely). Each referral's child is a child referred in the last 12 months (23%,
so that about 22% of referrals are re-referrals, England's rate), a child
referred longer ago (4%) or a new child. Factors are drawn per referral, with
mental health, substance misuse and emotional abuse likelier alongside
domestic abuse (the "toxic trio"), and the referral source likelier to be the
Police for domestic abuse.

Calibrated by construction (`CALIBRATION`), for any seed:

- 2024-25-Q1 has exactly 1,260 referrals, 15 of them with factor
  `exploitation` (1.19%);
- 24% of 2022-23 referrals have factor `domestic_abuse`, 22% of those are
  re-referrals, and domestic-abuse re-referrals rise 27% in 2023-24.

Children carry pseudonyms `C` and five digits (`child_ids`), the same
pseudonyms every other extract uses, with about 1% legacy all-digit ids that
keep their leading zeros (`0041873`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calibration import CALIBRATION
from .common import (
    DEFAULT_SEED,
    DUPLICATE_OF,
    LAST_DAY,
    UK_DATE_SHARE,
    BadRow,
    choose_exactly,
    days_between,
    draw,
    format_date,
    fy_of,
    fy_quarters,
    insert_bad,
    numbered,
    parse_days,
    position_of,
    vary_case,
    weekday_weights,
)

FILE = "csc_referrals.csv"
HEADER = ["referral_id", "child_id", "referral_date", "source", "factors"]

# ------------------------------------------------------------- vocabularies
FACTORS = (
    "domestic_abuse", "exploitation", "mental_health", "neglect", "physical_abuse",
    "sexual_abuse", "emotional_abuse", "substance_misuse", "missing", "other",
)
# Chance of each factor other than domestic_abuse and exploitation (which are
# calibrated); mental health and substance misuse are likelier alongside
# domestic abuse (the "toxic trio").
FACTOR_CHANCE = {
    "neglect": 0.16, "emotional_abuse": 0.13, "mental_health": 0.10,
    "substance_misuse": 0.06, "physical_abuse": 0.09, "sexual_abuse": 0.04,
    "missing": 0.03, "other": 0.12,
}
FACTOR_CHANCE_WITH_DA = {"mental_health": 0.30, "substance_misuse": 0.22, "emotional_abuse": 0.25}
EXPLOITATION_CHANCE = 0.011
DA_CHANCE = 0.25  # financial years without a calibrated domestic-abuse figure

# Children in Need census referral sources, as a case system records them.
SOURCES = {
    "Police": 0.27, "Schools": 0.19, "Health services": 0.15,
    "Local authority services": 0.13, "Individual": 0.08, "Housing": 0.02,
    "Other legal agency": 0.05, "Anonymous": 0.02, "Other": 0.06, "": 0.03,
}
SOURCES_WITH_DA = {
    "Police": 0.55, "Schools": 0.10, "Health services": 0.11,
    "Local authority services": 0.08, "Individual": 0.05, "Housing": 0.02,
    "Other legal agency": 0.03, "Anonymous": 0.01, "Other": 0.03, "": 0.02,
}

REREFERRAL_CHANCE = 0.23  # a referral picks a child referred in the last 12 months
RETURNING_CHANCE = 0.04    # ... or a child last referred more than 12 months ago
LEGACY_ID_CHANCE = 0.01    # children carrying a legacy all-digit id ("0041873")

BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(FILE, "R0006350", "child_id", "", "missing"),
    BadRow(FILE, "R0009354", "referral_date", "31/02/2023", "unparseable"),
    BadRow(FILE, "R0011162", "factors", "domestic_abuse; CSE", "unknown_code"),
    BadRow(FILE, "R0015731", "referral_date", "2027-06-14", "future"),
    BadRow(FILE, "R0015864", "referral_id", "R0015864", "duplicate"),
)


# ---------------------------------------------------------- CSC referrals
def _referral_dates(rng: np.random.Generator) -> np.ndarray:
    """Referral dates, quarter by quarter, with about 1,250 referrals a quarter."""
    chunks = []
    for fy, q, first, last in fy_quarters():
        if (fy, q) == (2024, 1):
            n = CALIBRATION["csc_referrals_2024_25_q1"]
        else:
            n = int(round(rng.normal(1215 + 12 * (fy - 2021), 35)))
        days = days_between(first, last)
        chunks.append(np.sort(rng.choice(days.values.astype("datetime64[D]"), size=n, p=weekday_weights(days))))
    return np.concatenate(chunks)


def _referral_children(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """A child number for each referral (dates ascending): a child referred in
    the last 12 months, a child referred longer ago, or a new child.
    A sequential simulation: each choice depends on the children before it."""
    day_no = days.astype(np.int64)
    child = np.empty(len(days), dtype=np.int64)
    last_day = np.full(len(days), np.iinfo(np.int64).min)
    n_children = 0
    for i, d in enumerate(day_no):
        u = rng.random()
        picked = -1
        if u < REREFERRAL_CHANCE + RETURNING_CHANCE:
            back = (1 + int(rng.beta(1.1, 2.2) * 363)) if u < REREFERRAL_CHANCE else int(rng.integers(380, 1100))
            lo, hi = np.searchsorted(day_no[:i], [d - back, d - back + 1])
            if hi > lo:
                candidate = child[int(rng.integers(lo, hi))]
                if u < REREFERRAL_CHANCE or last_day[candidate] < d - 366:
                    picked = candidate
        if picked < 0:
            picked = n_children
            n_children += 1
        child[i] = picked
        last_day[picked] = d
    return child


def _is_rereferral(child: np.ndarray, days: np.ndarray) -> np.ndarray:
    """A re-referral: the same child has another referral dated on or after
    (referral_date minus 12 calendar months) and strictly before referral_date."""
    frame = pd.DataFrame({"child": child, "day": pd.to_datetime(days)})
    distinct = frame.drop_duplicates().sort_values(["child", "day"])
    distinct["previous"] = distinct.groupby("child")["day"].shift(1)
    merged = frame.merge(distinct, on=["child", "day"], how="left")
    window_start = merged["day"] - pd.DateOffset(months=12)
    return (merged["previous"].notna() & (merged["previous"] >= window_start)).to_numpy()


def _domestic_abuse(rng: np.random.Generator, fy: np.ndarray, rereferral: np.ndarray) -> np.ndarray:
    """The domestic_abuse factor: 24% of 2022-23 referrals, with a set number of
    re-referrals in 2022-23 and 27% more in 2023-24; about 25% in other years."""
    da = rng.random(len(fy)) < DA_CHANCE
    in_2022 = fy == 2022
    n_da_2022 = int(round(CALIBRATION["da_referral_share_2022_23"] * in_2022.sum()))
    re_2022 = int(round(CALIBRATION["da_rereferral_rate_2022_23"] * n_da_2022))
    growth = CALIBRATION["da_rereferral_growth_2023_24"]
    re_2023 = int(round(growth * re_2022))
    if round(re_2023 / re_2022, 2) != growth:  # pragma: no cover - guard on the arithmetic
        raise ValueError("sample calibration: domestic-abuse re-referral growth does not round")
    in_2023 = fy == 2023
    n_da_2023 = int(round(0.245 * in_2023.sum()))
    for year_mask, n_da, n_re in ((in_2022, n_da_2022, re_2022), (in_2023, n_da_2023, re_2023)):
        da[year_mask] = False
        da |= choose_exactly(rng, year_mask & rereferral, n_re, "domestic-abuse re-referrals")
        da |= choose_exactly(rng, year_mask & ~rereferral, n_da - n_re, "domestic-abuse first referrals")
    return da


def _exploitation(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    exploitation = rng.random(len(days)) < EXPLOITATION_CHANCE
    q1 = (days >= np.datetime64("2024-04-01")) & (days <= np.datetime64("2024-06-30"))
    exploitation[q1] = False
    return exploitation | choose_exactly(
        rng, q1, CALIBRATION["csc_exploitation_referrals_2024_25_q1"], "2024-25-Q1 exploitation referrals")


def _factor_cell(rng: np.random.Generator, codes: list[str]) -> str:
    """A `;`-list as a case system exports it: varied case, stray spaces, the odd repeat."""
    if not codes:
        return ""
    codes = [vary_case(rng, c, 0.08) for c in rng.permutation(codes)]
    if rng.random() < 0.02:
        codes.append(codes[0])
    u = rng.random()
    separator = "; " if u < 0.15 else (" ; " if u < 0.2 else ";")
    cell = separator.join(codes)
    return f" {cell}" if rng.random() < 0.03 else cell


def csc_referrals(rng: np.random.Generator) -> tuple[list[str], list[dict], list[str]]:
    """The file's header and rows (bad rows included, in identifier order) and
    the pseudonyms of the children referred, in order of first referral."""
    days = _referral_dates(rng)
    child = _referral_children(rng, days)
    rereferral = _is_rereferral(child, days)
    fy = fy_of(days)

    flags = {"domestic_abuse": _domestic_abuse(rng, fy, rereferral), "exploitation": _exploitation(rng, days)}
    for factor, chance in FACTOR_CHANCE.items():
        chance_with_da = FACTOR_CHANCE_WITH_DA.get(factor, chance)
        flags[factor] = rng.random(len(days)) < np.where(flags["domestic_abuse"], chance_with_da, chance)

    sources = np.where(flags["domestic_abuse"], draw(rng, SOURCES_WITH_DA, len(days)), draw(rng, SOURCES, len(days)))
    pseudonyms = child_ids(int(child.max()) + 1)
    uk = rng.random(len(days)) < UK_DATE_SHARE

    rows = []
    for i, day in enumerate(pd.DatetimeIndex(days)):
        codes = [f for f in FACTORS if flags[f][i]]
        rows.append({
            "child_id": pseudonyms[child[i]],
            "referral_date": format_date(day, uk[i]),
            "source": sources[i],
            "factors": _factor_cell(rng, codes),
        })

    spare_children = child_ids(int(child.max()) + 5)[-4:]  # ids seen only on rejected rows
    bad = [
        (position_of(days, date(2022, 7, 19)),
         {"child_id": "", "referral_date": "19/07/2022", "source": "Schools", "factors": "neglect"}),
        (position_of(days, date(2023, 3, 1)),
         {"child_id": spare_children[0], "referral_date": "31/02/2023", "source": "Health services",
          "factors": "mental_health"}),
        (position_of(days, date(2023, 7, 10)),
         {"child_id": spare_children[1], "referral_date": "2023-07-10", "source": "Police",
          "factors": "domestic_abuse; CSE"}),
        (position_of(days, date(2024, 6, 14)),
         {"child_id": spare_children[2], "referral_date": "2027-06-14", "source": "Individual", "factors": ""}),
    ]
    duplicate_of = position_of(days, date(2024, 6, 25))
    bad.append((duplicate_of + 3, {DUPLICATE_OF: rows[duplicate_of]}))
    rows = insert_bad(rows, bad)
    numbered(rows, "referral_id", "R", 7)
    return HEADER, rows, pseudonyms


def child_ids(n: int) -> list[str]:
    """Pseudonymised child identifiers: `C` and five digits, scattered (not in
    order of first referral), with a few legacy all-digit ids that keep their
    leading zeros. Derived from a fixed permutation so that the first n ids are
    the same whatever n is."""
    permutation = np.random.default_rng(DEFAULT_SEED + 1).permutation(99_000)[:n] + 1000
    legacy = np.random.default_rng(DEFAULT_SEED + 2).random(99_000)[:n] < LEGACY_ID_CHANCE
    return [f"00{p:05d}" if old else f"C{p:05d}" for p, old in zip(permutation, legacy)]




def good_referrals(rows: list[dict], children: list[str]) -> pd.DataFrame:
    """The referrals a loader accepts, for the generators that link to them:
    `child_id`, `referral_day` and whether the factors include `missing` or
    `exploitation`. (The bad rows carry no known child or no valid date; the
    one duplicate repeats a good row and is dropped.)"""
    frame = pd.DataFrame({
        "referral_id": [r["referral_id"] for r in rows],
        "child_id": [r["child_id"] for r in rows],
        "referral_day": parse_days(pd.Series([r["referral_date"] for r in rows])),
        "factors": [r["factors"].lower() for r in rows],
    })
    frame = frame[frame["child_id"].isin(set(children)) & frame["referral_day"].notna()]
    frame = frame[frame["referral_day"] <= pd.Timestamp(LAST_DAY)].drop_duplicates("referral_id")
    return pd.DataFrame({
        "child_id": frame["child_id"].to_numpy(),
        "referral_day": frame["referral_day"].to_numpy(),
        "missing": frame["factors"].str.contains("missing").to_numpy(),
        "exploitation": frame["factors"].str.contains("exploitation").to_numpy(),
    })
