"""`education_status.csv`: spells of children missing education (CME) and
electively home educated (EHE) open at some time from April 2021 to March 2025.

Children come from the same pseudonym space as every other extract: children
referred to Children's Social Care (`csc_referrals.csv`) and, beyond them,
pseudonyms of children never referred (`child_ids`, from number
`children + UNREFERRED_OFFSET` on). A CME child was referred 55% of the time,
an EHE child 25%.

Journeys (`JOURNEYS`): each child's first spell starts on a weekday, its
length log-normal (CME median 30 days, EHE median 600); a second spell
follows a child's first a third of the time after a gap (median 90 days), a
CME child often then home educated (`NEXT_STATUS`). About 750 EHE and 150 CME
spells are already open on 1 April 2021 (started up to six years or four
months before, lasting a spell's length from then); about 380 EHE (growing 6%
a year) and 850 CME spells start each year. A spell still open on 31 March 2025, the extract date, has no
`end_date`; spells that ended before April 2021 are not in the extract. So
about 1,200 to 1,850 children a year have an EHE spell open (rising by
half over the four years, as home education has nationally), 950 to 1,200 a
CME spell, and spells cross the boundaries of every period.

Linkage with the CEVT (`cevt_referrals.csv`), by construction for any seed:
`CEVT_LINKED_SHARE` (22%) of the children scored on the tracker (within each
financial year of their first scoring) had a CME or
EHE spell open at some day in the 12 months up to their first scoring: it
starts 10 to 330 days before that scoring (CME 60%, EHE 40%; a tenth of them
have a spell of each). Another `CEVT_LATER_SHARE` (6%) of CEVT children start
a CME spell after their last scoring, which the linkage indicator must not
count. No other CEVT child has a spell.

Bad rows (`BAD_ROWS`), each a copy of a good row spoilt in one way: a spell
ending before it starts, no start date, an unknown status (`home_ed`), 31
September, a future start and a repeated `record_id`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import (
    DUPLICATE_OF,
    FIRST_DAY,
    LAST_DAY,
    BadRow,
    assemble,
    days_between,
    format_days,
    fy_of,
    position_of,
    vary_case_codes,
    weekday_weights,
)
from .referrals import child_ids

FILE = "education_status.csv"
HEADER = ["record_id", "child_id", "status", "start_date", "end_date"]

UNREFERRED_OFFSET = 10  # skip the few pseudonyms that the referrals' rejected rows use
REFERRED_SHARE = {"cme": 0.55, "ehe": 0.25}
MEDIAN_DAYS = {"cme": 30.0, "ehe": 600.0}
SPREAD = {"cme": 1.0, "ehe": 0.9}  # log-normal sigma of a spell's length
# (status, mean children a year starting a journey, growth a year), and the stock open on 1 April 2021
JOURNEYS = {"cme": (850, 1.00), "ehe": (380, 1.06)}
OPEN_AT_START = {"cme": (150, 120), "ehe": (750, 6 * 365)}  # (spells, started up to this many days before)
SECOND_SPELL_CHANCE = 0.33
GAP_MEDIAN_DAYS = 90.0
NEXT_STATUS = {"cme": {"cme": 0.6, "ehe": 0.4}, "ehe": {"cme": 0.5, "ehe": 0.5}}
CEVT_LINKED_SHARE = 0.22
CEVT_LINKED_STATUS = {"cme": 0.6, "ehe": 0.4}
CEVT_BOTH_SHARE = 0.1
CEVT_LATER_SHARE = 0.06
START = pd.Timestamp(FIRST_DAY)
END = pd.Timestamp(LAST_DAY)

BAD_ROWS: tuple[BadRow, ...] = (
BadRow(FILE, "ES01755", "start_date", "", "missing"),
    BadRow(FILE, "ES02650", "status", "home_ed", "unknown_code"),
    BadRow(FILE, "ES03579", "end_date", "2022-11-28", "end_before_start"),
    BadRow(FILE, "ES04820", "end_date", "31/09/2023", "unparseable"),
    BadRow(FILE, "ES05455", "record_id", "ES05455", "duplicate"),
    BadRow(FILE, "ES06539", "start_date", "2027-09-06", "future"),
)


def _lengths(rng: np.random.Generator, status: np.ndarray) -> pd.TimedeltaIndex:
    median = np.where(status == "cme", MEDIAN_DAYS["cme"], MEDIAN_DAYS["ehe"])
    sigma = np.where(status == "cme", SPREAD["cme"], SPREAD["ehe"])
    return pd.to_timedelta(np.rint(np.exp(rng.normal(np.log(median), sigma))), unit="D")


def _weekdays(rng: np.random.Generator, first: pd.Timestamp, last: pd.Timestamp, n: int) -> np.ndarray:
    days = days_between(first, last)
    return rng.choice(days.values, size=n, p=weekday_weights(days, weekend=0.0))


def _journeys(rng: np.random.Generator) -> pd.DataFrame:
    """First spells: `journey`, `status`, `start`, `open_at_start` (the stock open
    on 1 April 2021, then new starts)."""
    parts = []
    for status, (spells, days_before) in OPEN_AT_START.items():
        parts.append(pd.DataFrame({"status": status, "open_at_start": True, "start": _weekdays(
            rng, START - pd.Timedelta(days=days_before), START - pd.Timedelta(days=1), spells)}))
    for status, (per_year, growth) in JOURNEYS.items():
        for k, fy in enumerate(range(FIRST_DAY.year, LAST_DAY.year)):
            n = int(rng.poisson(per_year * growth ** k))
            parts.append(pd.DataFrame({"status": status, "open_at_start": False, "start": _weekdays(
                rng, pd.Timestamp(fy, 4, 1), pd.Timestamp(fy + 1, 3, 31), n)}))
    first = pd.concat(parts, ignore_index=True)
    first["journey"] = np.arange(len(first))
    return first


def _spells(rng: np.random.Generator, first: pd.DataFrame) -> pd.DataFrame:
    """First and second spells: `journey`, `status`, `start`, `end`. A spell of
    the opening stock lasts a spell's length from 1 April 2021 (it is open then)."""
    length = _lengths(rng, first["status"].to_numpy())
    first = first.assign(end=first["start"].where(~first["open_at_start"], START) + length)
    first = first.drop(columns="open_at_start")
    again = first[rng.random(len(first)) < SECOND_SPELL_CHANCE]
    gap = pd.to_timedelta(np.rint(np.exp(rng.normal(np.log(GAP_MEDIAN_DAYS), 0.8, len(again)))) + 1, unit="D")
    next_status = np.where(again["status"] == "cme",
                           np.where(rng.random(len(again)) < NEXT_STATUS["cme"]["ehe"], "ehe", "cme"),
                           np.where(rng.random(len(again)) < NEXT_STATUS["ehe"]["cme"], "cme", "ehe"))
    second = pd.DataFrame({"journey": again["journey"].to_numpy(), "status": next_status,
                           "start": (again["end"] + gap).to_numpy()})
    second["end"] = second["start"] + _lengths(rng, next_status)
    return pd.concat([first, second], ignore_index=True)


def _cevt_spells(rng: np.random.Generator, scorings: pd.DataFrame) -> pd.DataFrame:
    """Spells of CEVT children: `child_id`, `status`, `start`, `end`."""
    by_child = scorings.groupby("child_id")["scored_day"].agg(["min", "max"]).sort_index()
    first_year = fy_of(by_child["min"].to_numpy())
    linked, later = [], []
    for year in np.unique(first_year):  # the shares hold within each year of first scoring
        children = rng.permutation(by_child.index.to_numpy()[first_year == year])
        n_linked = int(round(CEVT_LINKED_SHARE * len(children)))
        n_later = int(round(CEVT_LATER_SHARE * len(children)))
        linked.extend(children[:n_linked])
        later.extend(children[n_linked:n_linked + n_later])
    linked, later = np.array(linked, dtype=object), np.array(later, dtype=object)
    n_linked, n_later = len(linked), len(later)
    status = np.where(rng.random(n_linked) < CEVT_LINKED_STATUS["cme"], "cme", "ehe")
    both = rng.random(n_linked) < CEVT_BOTH_SHARE
    child = np.concatenate([linked, linked[both], later])
    status = np.concatenate([status, np.where(status[both] == "cme", "ehe", "cme"), np.full(n_later, "cme")])
    scored = np.concatenate([by_child.loc[linked, "min"], by_child.loc[linked[both], "min"],
                             by_child.loc[later, "max"]])
    before = np.concatenate([-rng.integers(10, 331, n_linked + int(both.sum())), rng.integers(7, 120, n_later)])
    start = pd.DatetimeIndex(scored) + pd.to_timedelta(before, unit="D")
    return pd.DataFrame({"child_id": child, "status": status, "start": start,
                         "end": start + _lengths(rng, status)})


def education_status(rng: np.random.Generator, children: list[str],
                     scorings: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The header and the file's rows (text, bad rows included, in identifier order)."""
    spells = _spells(rng, _journeys(rng))
    journeys = spells.drop_duplicates("journey").set_index("journey")["status"]
    referred = rng.random(len(journeys)) < np.where(journeys == "cme", REFERRED_SHARE["cme"], REFERRED_SHARE["ehe"])
    cevt_children = set(scorings["child_id"])
    known = np.array([c for c in children if c not in cevt_children], dtype=object)
    unreferred = np.array(child_ids(len(children) + UNREFERRED_OFFSET + len(journeys))[
        len(children) + UNREFERRED_OFFSET:], dtype=object)
    journey_child = np.where(referred, rng.choice(known, size=len(journeys), replace=False), unreferred)
    spells["child_id"] = journey_child[spells["journey"].to_numpy()]
    spells = pd.concat([spells.drop(columns="journey"), _cevt_spells(rng, scorings)], ignore_index=True)
    spells = spells[(spells["start"] <= END) & (spells["end"] >= START)]
    spells = spells.assign(end=spells["end"].where(spells["end"] <= END))
    spells = spells.iloc[np.lexsort((spells["child_id"].to_numpy(), spells["start"].to_numpy()))]
    good = pd.DataFrame({
        "child_id": spells["child_id"].to_numpy(),
        "status": vary_case_codes(rng, spells["status"].to_numpy(), 0.3, 0.03),
        "start_date": format_days(rng, pd.DatetimeIndex(spells["start"])),
        "end_date": format_days(rng, pd.DatetimeIndex(spells["end"])),
    })
    days = spells["start"].to_numpy().astype("datetime64[D]")
    return HEADER, assemble(good, _bad_rows(good, days), "record_id", "ES", 5)


def _bad_rows(good: pd.DataFrame, days: np.ndarray) -> list[tuple[int, dict]]:
    """The bad rows of `BAD_ROWS`: each a copy of the good row it comes before, spoilt in one way."""

    def spoilt(day: date, **changes: str) -> tuple[int, dict]:
        position = position_of(days, day)
        return position, {**good.iloc[position].to_dict(), **changes}

    duplicate_of = position_of(days, date(2024, 1, 15))
    return [
        spoilt(date(2021, 11, 3), start_date=""),
        spoilt(date(2022, 5, 16), status="home_ed"),
        spoilt(date(2022, 12, 5), start_date="05/12/2022", end_date="2022-11-28"),
        (duplicate_of + 1, {DUPLICATE_OF: duplicate_of}),
        spoilt(date(2023, 9, 11), start_date="2023-09-11", end_date="31/09/2023"),
        spoilt(date(2024, 9, 6), start_date="2027-09-06", end_date=""),
    ]
