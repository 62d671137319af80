"""The bundled synthetic sample: the five partner extracts, seeded and calibrated.

`write_sample(directory)` writes `csc_referrals.csv`, `cevt_referrals.csv`,
`restraint_incidents.csv`, `osa_returns.csv` and `osa_issued.csv` in the format
of `extracts.md`, for April 2021 to March 2025 (financial years 2021-22 to
2024-25). Nothing in them is a real person's data: every identifier is made up
(`R0000001`, `C00042`, `CEVT00001`, `YP001`, `INC00001`, `OSA-R001`).

Random draws give the texture (dates, children, sources, factors, ages,
localities, ratings). The figures that the DSCP Annual Report 2024/25 publishes
are then hit by construction, for any seed, not by luck: exact counts are
chosen first (`CALIBRATION`) and the records are built to meet them. Computed
per `indicators.md` over the rows a loader accepts, the sample gives:

- 2024-25: 184 restraint incidents, 29 with an injury (27 at level 1, 1 at 2,
  1 at 3);
- CEVT children scored: 7 in 2023-24-Q3, 14 in 2023-24-Q4, 23 in 2024-25-Q1;
  criminal scorings 12 (2023-24-Q4) and 5 (2024-25-Q1); sexual 1, 1 and 14;
- 2024-25-Q1: 1,260 referrals, 15 with factor `exploitation` (1.19%);
- 2022-23: 24% of referrals with factor `domestic_abuse`; domestic-abuse
  re-referrals up 27% in 2023-24;
- OSA 2024: Green share by section as published, 24 returns of 38 issued (63%).

The files are realistic for a loader: ISO and UK dates mixed, date-times in
the restraint extract, codes in varied case, `;`-lists with stray spaces and
repeats, legacy child ids with leading zeros, a UTF-8 byte-order mark on
`osa_returns.csv`, an extra `unit` column in `restraint_incidents.csv`, and
the few bad rows of `BAD_ROWS`, which the loader must reject. Bad rows never
carry a calibrated figure: they are extra rows, and a duplicate always comes
after the good row whose identifier it repeats.

Output is byte-identical for a given seed: `\\n` line endings, no timestamps,
rows in identifier order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_SEED = 20250331  # the bundled sample's seed: `dscp sample DIR` with no --seed

FIRST_DAY = date(2021, 4, 1)
LAST_DAY = date(2025, 3, 31)
FINANCIAL_YEARS = (2021, 2022, 2023, 2024)  # the year each one starts: 2021 is 2021-22

FILES = (
    "csc_referrals.csv",
    "cevt_referrals.csv",
    "restraint_incidents.csv",
    "osa_returns.csv",
    "osa_issued.csv",
)

# The figures the sample is built to reproduce (DSCP Annual Report 2024/25).
CALIBRATION = {
    "csc_referrals_2024_25_q1": 1260,
    "csc_exploitation_referrals_2024_25_q1": 15,
    "da_referral_share_2022_23": 0.24,
    "da_rereferral_rate_2022_23": 0.22,  # sets the 2022-23 base of the 27% rise
    "da_rereferral_growth_2023_24": 1.27,
    "restraint_2024_25": {"incidents": 184, "injury_levels": {1: 27, 2: 1, 3: 1}},
    # quarter -> distinct children, scorings by exploitation type
    "cevt": {
        (2023, 3): (7, {"criminal": 5, "sexual": 1, "other": 1}),
        (2023, 4): (14, {"criminal": 12, "sexual": 1, "other": 2}),
        (2024, 1): (23, {"criminal": 5, "sexual": 14, "other": 6}),
    },
}

# --------------------------------------------------------------------- OSA
# section code -> (standard prefix, number of standards, Green ratings of all
# ratings in the section). Every return rates every standard, so a section has
# OSA_RETURNS x standards ratings: 24 x 4 = 96, 24 x 5 = 120, 24 x 6 = 144.
OSA_SECTIONS: dict[str, tuple[str, int, int]] = {
    "leadership": ("LS", 6, 121),           # 121/144 = 84.0%
    "policies": ("PP", 5, 106),             # 106/120 = 88.3%
    "information_sharing": ("IS", 5, 97),   # 97/120 = 80.8%
    "training": ("TD", 4, 85),              # 85/96 = 88.5%
    "voice_of_child": ("VC", 5, 91),        # 91/120 = 75.8%
    "domestic_abuse": ("DA", 5, 89),        # 89/120 = 74.2%
    "harm_outside_home": ("HO", 6, 102),    # 102/144 = 70.8%
    "first_1001_days": ("FD", 4, 77),       # 77/96 = 80.2%
    "mental_health": ("MH", 4, 72),         # 72/96 = 75.0%
}
# organisation -> (self-assessments issued, returned): 24 of 38 = 63.2%
OSA_ORGANISATIONS: dict[str, tuple[int, int]] = {
    "Children's Social Care": (8, 5),
    "Durham Constabulary": (6, 4),
    "County Durham and Darlington NHS Foundation Trust": (6, 3),
    "Tees, Esk and Wear Valleys NHS Foundation Trust": (4, 2),
    "Education Durham": (5, 3),
    "Youth Justice Service": (3, 3),
    "Harbour Support Services": (2, 1),
    "Early Help": (4, 3),
}
OSA_ISSUED_DATE = date(2024, 5, 13)

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

EXPLOITATION_TYPE_MIX = {"criminal": 0.45, "sexual": 0.35, "other": 0.20}
RISK_LEVEL_MIX = {"low": 0.35, "medium": 0.40, "high": 0.20, "": 0.05}
LOCALITY_MIX = {"East": 0.27, "West": 0.22, "South": 0.29, "Darlington": 0.17, "": 0.05}
CEVT_SCORINGS_LATER = {(2024, 2): 55, (2024, 3): 75, (2024, 4): 95}  # mean per quarter

RESTRAINT_PER_YEAR = 180
RESTRAINT_INJURY_CHANCE = {1: 0.13, 2: 0.015, 3: 0.005}
SECURE_UNITS = ("Unit A", "Unit B", "Unit C", "Unit D")

UK_DATE_SHARE = 0.3  # rows whose date is written DD/MM/YYYY rather than ISO


# ----------------------------------------------------------------- bad rows
@dataclass(frozen=True)
class BadRow:
    """A row the loader must reject: the file, the identifier that finds the
    line in the bundled sample (`return_id|standard_id` for OSA returns; for a
    duplicate, the line is its later occurrence), the column at fault, the raw
    value and the kind of rule broken (`missing`, `unparseable`,
    `unknown_code`, `future`, `duplicate`, `out_of_range`). Any other seed
    writes the same bad rows at the same dates, under other identifiers."""

    file: str
    key: str
    column: str
    value: str
    kind: str


BAD_ROWS: tuple[BadRow, ...] = (
    BadRow("csc_referrals.csv", "R0006350", "child_id", "", "missing"),
    BadRow("csc_referrals.csv", "R0009354", "referral_date", "31/02/2023", "unparseable"),
    BadRow("csc_referrals.csv", "R0011162", "factors", "domestic_abuse; CSE", "unknown_code"),
    BadRow("csc_referrals.csv", "R0015731", "referral_date", "2027-06-14", "future"),
    BadRow("csc_referrals.csv", "R0015864", "referral_id", "R0015864", "duplicate"),
    BadRow("cevt_referrals.csv", "CEVT00027", "scored_date", "", "missing"),
    BadRow("cevt_referrals.csv", "CEVT00029", "cevt_id", "CEVT00029", "duplicate"),
    BadRow("cevt_referrals.csv", "CEVT00051", "exploitation_type", "financial", "unknown_code"),
    BadRow("cevt_referrals.csv", "CEVT00183", "scored_date", "2028-01-09", "future"),
    BadRow("restraint_incidents.csv", "INC00193", "incident_date", "2022-13-05 10:15", "unparseable"),
    BadRow("restraint_incidents.csv", "INC00344", "young_person_id", "", "missing"),
    BadRow("restraint_incidents.csv", "INC00573", "injury_level", "minor", "unparseable"),
    BadRow("restraint_incidents.csv", "INC00585", "injury_level", "4", "out_of_range"),
    BadRow("restraint_incidents.csv", "INC00597", "incident_id", "INC00597", "duplicate"),
    BadRow("restraint_incidents.csv", "INC00635", "age", "41", "out_of_range"),
    BadRow("osa_returns.csv", "OSA-R004|VC6", "rating", "", "missing"),
    BadRow("osa_returns.csv", "OSA-R009|LS3", "standard_id", "LS3", "duplicate"),
    BadRow("osa_returns.csv", "OSA-R013|MH5", "rating", "Blue", "unknown_code"),
    BadRow("osa_returns.csv", "OSA-R020|TD5", "assessment_date", "2024-09-31", "unparseable"),
    BadRow("osa_issued.csv", "Early Help", "organisation", "Early Help", "duplicate"),
    BadRow("osa_issued.csv", "Durham County Council Public Health", "issued", "-3", "out_of_range"),
    BadRow("osa_issued.csv", "Harbour Support Services Outreach", "issued_date", "", "missing"),
)


# ------------------------------------------------------------------ helpers
def _fy_quarters() -> list[tuple[int, int, date, date]]:
    """(financial year start, quarter, first day, last day) for every quarter of the sample."""
    quarters = []
    for fy in FINANCIAL_YEARS:
        starts = [date(fy, 4, 1), date(fy, 7, 1), date(fy, 10, 1), date(fy + 1, 1, 1), date(fy + 1, 4, 1)]
        for q in range(4):
            quarters.append((fy, q + 1, starts[q], starts[q + 1] - timedelta(days=1)))
    return quarters


def _days(first: date, last: date) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="D")


def _weekday_weights(days: pd.DatetimeIndex, weekend: float = 0.25) -> np.ndarray:
    weights = np.where(days.day_of_week >= 5, weekend, 1.0)
    return weights / weights.sum()


def _draw(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    keys = list(mix)
    probs = np.array([mix[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=probs / probs.sum())]


def _format_date(day: pd.Timestamp | date, uk: bool) -> str:
    return day.strftime("%d/%m/%Y") if uk else day.strftime("%Y-%m-%d")


def _vary_case(rng: np.random.Generator, code: str, chance: float = 0.12) -> str:
    """A code as a person might type it: mostly canonical, sometimes Title or UPPER case."""
    u = rng.random()
    if u < chance / 2:
        return code.upper()
    if u < chance:
        return code.title()
    return code


def _insert_bad(rows: list[dict], bad: list[tuple[int, dict]]) -> list[dict]:
    """Put each bad row just before good row number `position` (positions in the good list)."""
    out: list[dict] = []
    by_position: dict[int, list[dict]] = {}
    for position, row in bad:
        by_position.setdefault(position, []).append(row)
    for i, row in enumerate(rows):
        out.extend(by_position.get(i, []))
        out.append(row)
    out.extend(by_position.get(len(rows), []))
    return out


def _numbered(rows: list[dict], column: str, prefix: str, width: int) -> None:
    """Give rows their identifiers in file order; a duplicate row repeats its original's."""
    n = 0
    for row in rows:
        if "_duplicate_of" in row:
            continue
        n += 1
        row[column] = f"{prefix}{n:0{width}d}"
    for row in rows:
        if "_duplicate_of" in row:
            original = row.pop("_duplicate_of")
            row.update(original)


def _position_of(days: np.ndarray, day: date) -> int:
    """Index of the first good row dated on or after `day` (rows sorted by date)."""
    return int(np.searchsorted(days, np.datetime64(day, "D")))


# ---------------------------------------------------------- CSC referrals
def _referral_dates(rng: np.random.Generator) -> np.ndarray:
    """Referral dates, quarter by quarter, with about 1,250 referrals a quarter."""
    chunks = []
    for fy, q, first, last in _fy_quarters():
        if (fy, q) == (2024, 1):
            n = CALIBRATION["csc_referrals_2024_25_q1"]
        else:
            n = int(round(rng.normal(1215 + 12 * (fy - 2021), 35)))
        days = _days(first, last)
        chunks.append(np.sort(rng.choice(days.values.astype("datetime64[D]"), size=n, p=_weekday_weights(days))))
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


def _fy_of(days: np.ndarray) -> np.ndarray:
    ts = pd.DatetimeIndex(days)
    return np.where(ts.month >= 4, ts.year, ts.year - 1)


def _choose_exactly(rng: np.random.Generator, mask: np.ndarray, n: int, what: str) -> np.ndarray:
    """A boolean array with exactly `n` True among the positions where `mask` is True."""
    pool = np.flatnonzero(mask)
    if n > len(pool):
        raise ValueError(f"sample calibration: {what} needs {n} rows but only {len(pool)} exist")
    chosen = np.zeros(len(mask), dtype=bool)
    chosen[rng.choice(pool, size=n, replace=False)] = True
    return chosen


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
        da |= _choose_exactly(rng, year_mask & rereferral, n_re, "domestic-abuse re-referrals")
        da |= _choose_exactly(rng, year_mask & ~rereferral, n_da - n_re, "domestic-abuse first referrals")
    return da


def _exploitation(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    exploitation = rng.random(len(days)) < EXPLOITATION_CHANCE
    q1 = (days >= np.datetime64("2024-04-01")) & (days <= np.datetime64("2024-06-30"))
    exploitation[q1] = False
    return exploitation | _choose_exactly(
        rng, q1, CALIBRATION["csc_exploitation_referrals_2024_25_q1"], "2024-25-Q1 exploitation referrals")


def _factor_cell(rng: np.random.Generator, codes: list[str]) -> str:
    """A `;`-list as a case system exports it: varied case, stray spaces, the odd repeat."""
    if not codes:
        return ""
    codes = [_vary_case(rng, c, 0.08) for c in rng.permutation(codes)]
    if rng.random() < 0.02:
        codes.append(codes[0])
    u = rng.random()
    separator = "; " if u < 0.15 else (" ; " if u < 0.2 else ";")
    cell = separator.join(codes)
    return f" {cell}" if rng.random() < 0.03 else cell


def _csc_referrals(rng: np.random.Generator) -> tuple[list[str], list[dict], list[str]]:
    days = _referral_dates(rng)
    child = _referral_children(rng, days)
    rereferral = _is_rereferral(child, days)
    fy = _fy_of(days)

    flags = {"domestic_abuse": _domestic_abuse(rng, fy, rereferral), "exploitation": _exploitation(rng, days)}
    for factor, chance in FACTOR_CHANCE.items():
        chance_with_da = FACTOR_CHANCE_WITH_DA.get(factor, chance)
        flags[factor] = rng.random(len(days)) < np.where(flags["domestic_abuse"], chance_with_da, chance)

    sources = np.where(flags["domestic_abuse"], _draw(rng, SOURCES_WITH_DA, len(days)), _draw(rng, SOURCES, len(days)))
    child_ids = _child_ids(int(child.max()) + 1)
    uk = rng.random(len(days)) < UK_DATE_SHARE

    rows = []
    for i, day in enumerate(pd.DatetimeIndex(days)):
        codes = [f for f in FACTORS if flags[f][i]]
        rows.append({
            "child_id": child_ids[child[i]],
            "referral_date": _format_date(day, uk[i]),
            "source": sources[i],
            "factors": _factor_cell(rng, codes),
        })

    spare_children = _child_ids(int(child.max()) + 5)[-4:]  # ids seen only on rejected rows
    bad = [
        (_position_of(days, date(2022, 7, 19)),
         {"child_id": "", "referral_date": "19/07/2022", "source": "Schools", "factors": "neglect"}),
        (_position_of(days, date(2023, 3, 1)),
         {"child_id": spare_children[0], "referral_date": "31/02/2023", "source": "Health services",
          "factors": "mental_health"}),
        (_position_of(days, date(2023, 7, 10)),
         {"child_id": spare_children[1], "referral_date": "2023-07-10", "source": "Police",
          "factors": "domestic_abuse; CSE"}),
        (_position_of(days, date(2024, 6, 14)),
         {"child_id": spare_children[2], "referral_date": "2027-06-14", "source": "Individual", "factors": ""}),
    ]
    duplicate_of = _position_of(days, date(2024, 6, 25))
    bad.append((duplicate_of + 3, {"_duplicate_of": rows[duplicate_of]}))
    rows = _insert_bad(rows, bad)
    _numbered(rows, "referral_id", "R", 7)
    header = ["referral_id", "child_id", "referral_date", "source", "factors"]
    return header, rows, [child_ids[c] for c in range(int(child.max()) + 1)]


def _child_ids(n: int) -> list[str]:
    """Pseudonymised child identifiers: `C` and five digits, scattered (not in
    order of first referral), with a few legacy all-digit ids that keep their
    leading zeros. Derived from a fixed permutation so that the first n ids are
    the same whatever n is."""
    permutation = np.random.default_rng(DEFAULT_SEED + 1).permutation(99_000)[:n] + 1000
    legacy = np.random.default_rng(DEFAULT_SEED + 2).random(99_000)[:n] < LEGACY_ID_CHANCE
    return [f"00{p:05d}" if old else f"C{p:05d}" for p, old in zip(permutation, legacy)]


# ---------------------------------------------------------- CEVT scorings
def _cevt_referrals(rng: np.random.Generator, csc: list[dict], children: list[str]) -> tuple[list[str], list[dict]]:
    """CEVT scorings from 2023-24-Q3: children taken from those referred to
    Children's Social Care in the previous year, exploitation referrals first."""
    referral_days = pd.to_datetime(pd.Series([r["referral_date"] for r in csc]), format="mixed", dayfirst=True,
                                   errors="coerce")
    csc_frame = pd.DataFrame({
        "child": [r["child_id"] for r in csc],
        "day": referral_days,
        "exploited": ["exploitation" in r["factors"].lower() for r in csc],
    })
    csc_frame = csc_frame[csc_frame["child"].isin(set(children)) & csc_frame["day"].notna()]

    records: list[tuple[np.datetime64, str, str]] = []
    scored_before: list[str] = []
    for fy, q, first, last in _fy_quarters():
        if (fy, q) < (2023, 3):
            continue
        if (fy, q) in CALIBRATION["cevt"]:
            n_children, by_type = CALIBRATION["cevt"][(fy, q)]
            types = [t for t, n in by_type.items() for _ in range(n)]
        else:
            n_scorings = int(rng.poisson(CEVT_SCORINGS_LATER[(fy, q)]))
            types = list(_draw(rng, EXPLOITATION_TYPE_MIX, n_scorings))
            n_children = n_scorings - int(rng.binomial(n_scorings, 0.05))
        window = csc_frame[(csc_frame["day"] <= pd.Timestamp(last))
                           & (csc_frame["day"] > pd.Timestamp(last) - pd.DateOffset(months=12))]
        exploited = sorted(set(window.loc[window["exploited"], "child"]))
        others = sorted(set(window["child"]) - set(exploited))
        rescored = sorted(set(scored_before))
        n_rescored = min(len(rescored), int(rng.binomial(n_children, 0.15)))
        chosen = list(rng.choice(rescored, size=n_rescored, replace=False)) if n_rescored else []
        taken = set(chosen)
        pool = [str(c) for c in rng.permutation(exploited) if c not in taken]
        pool += [str(c) for c in rng.permutation(others) if c not in taken]
        chosen = [str(c) for c in rng.permutation([str(c) for c in chosen] + pool[: n_children - len(chosen)])]
        # every chosen child is scored once; the extra scorings go to some of them again
        scored = chosen + list(rng.choice(chosen, size=len(types) - n_children, replace=False))
        days = _days(first, last)
        day_values = np.sort(rng.choice(days.values.astype("datetime64[D]"), size=len(types),
                                        p=_weekday_weights(days, 0.05)))
        # a child's repeat scoring comes after its first: assign children in order of dates
        for day, child, kind in zip(day_values, scored, rng.permutation(types)):
            records.append((day, child, kind))
        scored_before.extend(chosen)

    records.sort(key=lambda r: r[0])
    days = np.array([r[0] for r in records], dtype="datetime64[D]")
    risk = _draw(rng, RISK_LEVEL_MIX, len(records))
    locality = _draw(rng, LOCALITY_MIX, len(records))
    uk = rng.random(len(records)) < UK_DATE_SHARE
    rows = [{
        "child_id": child,
        "scored_date": _format_date(pd.Timestamp(day), uk[i]),
        "exploitation_type": _vary_case(rng, kind, 0.3),
        "risk_level": _vary_case(rng, str(risk[i]), 0.2),
        "locality": _vary_case(rng, str(locality[i]), 0.2),
    } for i, (day, child, kind) in enumerate(records)]

    spare = sorted(set(children) - set(r["child_id"] for r in rows))
    spare = list(rng.choice(spare, size=3, replace=False))
    duplicate_of = _position_of(days, date(2024, 5, 1))
    bad = [
        (_position_of(days, date(2024, 4, 20)),
         {"child_id": spare[0], "scored_date": "", "exploitation_type": "criminal",
          "risk_level": "medium", "locality": "East"}),
        (duplicate_of + 2, {"_duplicate_of": rows[duplicate_of]}),
        (_position_of(days, date(2024, 7, 8)),
         {"child_id": spare[1], "scored_date": "08/07/2024", "exploitation_type": "financial",
          "risk_level": "low", "locality": "West"}),
        (_position_of(days, date(2025, 1, 9)),
         {"child_id": spare[2], "scored_date": "2028-01-09", "exploitation_type": "sexual",
          "risk_level": "high", "locality": "South"}),
    ]
    rows = _insert_bad(rows, bad)
    _numbered(rows, "cevt_id", "CEVT", 5)
    return ["cevt_id", "child_id", "scored_date", "exploitation_type", "risk_level", "locality"], rows


# -------------------------------------------------------- restraint
def _young_people(rng: np.random.Generator) -> pd.DataFrame:
    """Stays at the secure centre: an admission about every 9 days from January
    2021, stays of 2 to 10 months, aged 12 to 16 on admission."""
    admitted, day = [], pd.Timestamp("2021-01-04")
    while day <= pd.Timestamp(LAST_DAY):
        admitted.append(day)
        day += pd.Timedelta(days=int(rng.integers(4, 15)))
    n = len(admitted)
    admitted = pd.DatetimeIndex(admitted)
    stay_days = rng.integers(60, 300, size=n)
    stay = pd.to_timedelta(stay_days, unit="D")
    # 12 or over on admission, under 18 (at most 17 years and 200 days) on discharge
    age_on_admission_days = rng.integers(12 * 365 + 10, 17 * 365 + 200 - stay_days)
    return pd.DataFrame({
        "young_person_id": [f"YP{i + 1:03d}" for i in range(n)],
        "admitted": admitted,
        "discharged": admitted + stay,
        "born": admitted - pd.to_timedelta(age_on_admission_days, unit="D"),
        "propensity": rng.gamma(0.8, 1.0, size=n),  # a few young people are restrained often
        "unit": _draw(rng, dict.fromkeys(SECURE_UNITS, 1.0), n),
    })


def _age(born: pd.Timestamp, on: pd.Timestamp) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _restraint_incidents(rng: np.random.Generator) -> tuple[list[str], list[dict]]:
    people = _young_people(rng)
    target = CALIBRATION["restraint_2024_25"]
    times, levels = [], []
    for fy in FINANCIAL_YEARS:
        if fy == 2024:
            n = target["incidents"]
            level = np.zeros(n, dtype=int)
            order = rng.permutation(n)
            start = 0
            for injury, count in target["injury_levels"].items():
                level[order[start:start + count]] = injury
                start += count
        else:
            n = int(rng.poisson(RESTRAINT_PER_YEAR))
            u = rng.random(n)
            level = np.select([u < RESTRAINT_INJURY_CHANCE[3],
                               u < RESTRAINT_INJURY_CHANCE[3] + RESTRAINT_INJURY_CHANCE[2],
                               u < sum(RESTRAINT_INJURY_CHANCE.values())], [3, 2, 1], 0)
        first = pd.Timestamp(date(fy, 4, 1))
        seconds = rng.integers(0, int((pd.Timestamp(date(fy + 1, 4, 1)) - first).total_seconds()), size=n)
        # restraint happens mostly in the day and evening: fold night-time hours forward
        stamp = first + pd.to_timedelta(seconds, unit="s")
        night = stamp.hour < 7
        stamp = stamp.where(~night, stamp + pd.Timedelta(hours=9))
        times.extend(stamp.floor("min"))
        levels.extend(level)

    order = np.argsort(np.array(times, dtype="datetime64[ns]"), kind="stable")
    times = [times[i] for i in order]
    levels = [int(levels[i]) for i in order]
    admitted = people["admitted"].to_numpy()
    discharged = people["discharged"].to_numpy()
    propensity = people["propensity"].to_numpy()
    rows = []
    for when, level in zip(times, levels):
        resident = np.flatnonzero((admitted <= when.to_datetime64()) & (discharged >= when.to_datetime64()))
        weights = propensity[resident]
        person = people.iloc[int(resident[rng.choice(len(resident), p=weights / weights.sum())])]
        u = rng.random()
        if u < 0.45:
            stamp = when.strftime("%Y-%m-%d %H:%M")
        elif u < 0.6:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        elif u < 0.85:
            stamp = when.strftime("%d/%m/%Y %H:%M")
        else:
            stamp = _format_date(when, rng.random() < 0.5)
        rows.append({
            "young_person_id": person["young_person_id"],
            "incident_date": stamp,
            "injury_level": str(level),
            "age": "" if rng.random() < 0.05 else str(_age(person["born"], when)),
            "unit": person["unit"],
        })

    days = np.array([t.to_datetime64() for t in times], dtype="datetime64[D]")
    some = people["young_person_id"].tolist()
    duplicate_of = _position_of(days, date(2024, 7, 1))
    bad = [
        (_position_of(days, date(2022, 5, 13)),
         {"young_person_id": some[len(some) // 4], "incident_date": "2022-13-05 10:15", "injury_level": "0", "age": "14",
          "unit": "Unit B"}),
        (_position_of(days, date(2023, 4, 2)),
         {"young_person_id": "", "incident_date": "02/04/2023 19:40", "injury_level": "1", "age": "15",
          "unit": "Unit C"}),
        (_position_of(days, date(2024, 5, 28)),
         {"young_person_id": some[-20], "incident_date": "2024-05-28 16:05", "injury_level": "minor",
          "age": "16", "unit": "Unit A"}),
        (_position_of(days, date(2024, 6, 11)),
         {"young_person_id": some[-18], "incident_date": "11/06/2024 20:30", "injury_level": "4", "age": "15",
          "unit": "Unit D"}),
        (duplicate_of + 1, {"_duplicate_of": rows[duplicate_of]}),
        (_position_of(days, date(2024, 10, 3)),
         {"young_person_id": some[-10], "incident_date": "2024-10-03 13:20", "injury_level": "0", "age": "41",
          "unit": "Unit B"}),
    ]
    rows = _insert_bad(rows, bad)
    _numbered(rows, "incident_id", "INC", 5)
    return ["incident_id", "young_person_id", "incident_date", "injury_level", "age", "unit"], rows


# ------------------------------------------------------------------- OSA
def _osa(rng: np.random.Generator) -> tuple[list[str], list[dict], list[str], list[dict]]:
    returns = [org for org, (_, returned) in OSA_ORGANISATIONS.items() for _ in range(returned)]
    returns = list(rng.permutation(returns))
    return_ids = [f"OSA-R{i + 1:03d}" for i in range(len(returns))]
    quality = rng.beta(4, 1.5, size=len(returns))  # some participants rate themselves higher
    assessed = pd.Timestamp("2024-06-03") + pd.to_timedelta(np.sort(rng.integers(0, 120, size=len(returns))), unit="D")
    uk = rng.random(len(returns)) < 0.4

    ratings: dict[tuple[int, str], str] = {}
    for section, (prefix, n_standards, n_green) in OSA_SECTIONS.items():
        slots = [(r, f"{prefix}{s + 1}") for r in range(len(returns)) for s in range(n_standards)]
        weights = np.array([quality[r] for r, _ in slots])
        green = set(rng.choice(len(slots), size=n_green, replace=False, p=weights / weights.sum()).tolist())
        for k, slot in enumerate(slots):
            ratings[slot] = "Green" if k in green else ("Red" if rng.random() < 0.2 else "Amber")

    rows = []
    for r, return_id in enumerate(return_ids):
        for section, (prefix, n_standards, _) in OSA_SECTIONS.items():
            for s in range(n_standards):
                standard = f"{prefix}{s + 1}"
                rows.append({
                    "return_id": return_id,
                    "organisation": returns[r],
                    "section": _vary_case(rng, section, 0.06),
                    "standard_id": standard,
                    "rating": _vary_case(rng, ratings[(r, standard)], 0.15),
                    "assessment_date": _format_date(assessed[r], uk[r]),
                })

    def after(return_id: str, standard: str) -> int:
        return next(i for i, row in enumerate(rows)
                    if row["return_id"] == return_id and row["standard_id"] == standard) + 1

    def extra(return_id: str, section: str, standard: str, rating: str, when: str | None = None) -> dict:
        r = return_ids.index(return_id)
        return {"return_id": return_id, "organisation": returns[r], "section": section, "standard_id": standard,
                "rating": rating, "assessment_date": when or _format_date(assessed[r], uk[r])}

    duplicate = dict(rows[after("OSA-R009", "LS3") - 1])
    duplicate["rating"] = "Red" if duplicate["rating"].lower() == "green" else "Green"
    bad = [
        (after("OSA-R004", "VC5"), extra("OSA-R004", "voice_of_child", "VC6", "")),
        (after("OSA-R009", "LS6"), duplicate),
        (after("OSA-R013", "MH4"), extra("OSA-R013", "mental_health", "MH5", "Blue")),
        (after("OSA-R020", "TD4"), extra("OSA-R020", "training", "TD5", "Green", "2024-09-31")),
    ]
    rows = _insert_bad(rows, bad)
    returns_header = ["return_id", "organisation", "section", "standard_id", "rating", "assessment_date"]

    issued = [{"organisation": org, "issued": str(n), "issued_date": _format_date(OSA_ISSUED_DATE, k == 2)}
              for k, (org, (n, _)) in enumerate(OSA_ORGANISATIONS.items())]
    issued.insert(3, {"organisation": "Durham County Council Public Health", "issued": "-3",
                      "issued_date": "2024-05-13"})
    early_help = next(row for row in issued if row["organisation"] == "Early Help")
    issued.append({"organisation": "Harbour Support Services Outreach", "issued": "2", "issued_date": ""})
    issued.append(dict(early_help))  # the same line sent twice
    return returns_header, rows, ["organisation", "issued", "issued_date"], issued


# ----------------------------------------------------------------- writing
def _write_csv(path: Path, header: list[str], rows: list[dict], bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows([row[column] for column in header] for row in rows)
    return path


def write_sample(directory: str | Path, seed: int | None = None) -> list[Path]:
    """Write the five synthetic extracts into `directory` (created if needed)
    and return their paths. The same seed always writes the same bytes;
    `seed=None` is the bundled sample's (`DEFAULT_SEED`)."""
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    csc_header, csc_rows, children = _csc_referrals(rng)
    known = set(children)
    good_csc = [row for row in csc_rows if row["child_id"] in known]
    cevt_header, cevt_rows = _cevt_referrals(rng, good_csc, children)
    restraint_header, restraint_rows = _restraint_incidents(rng)
    returns_header, returns_rows, issued_header, issued_rows = _osa(rng)
    return [
        _write_csv(directory / "csc_referrals.csv", csc_header, csc_rows),
        _write_csv(directory / "cevt_referrals.csv", cevt_header, cevt_rows),
        _write_csv(directory / "restraint_incidents.csv", restraint_header, restraint_rows),
        _write_csv(directory / "osa_returns.csv", returns_header, returns_rows, bom=True),
        _write_csv(directory / "osa_issued.csv", issued_header, issued_rows),
    ]
