"""`restraint_incidents.csv`: physical restraint at the secure centre, April 2021
to March 2025.

Young people are admitted about every 9 days from January 2021, stay 2 to 10
months, and are 12 or over on admission and under 18 on discharge. Each
incident picks a resident young person, weighted by a propensity (gamma 0.8:
a few young people are restrained often). Incidents fall in the day and
evening (night-time hours are folded forward), written as date-times in
several forms or as dates; an extra `unit` column is carried, which the
contract ignores. About 180 incidents a year (Poisson) outside 2024-25, with
injury at level 1 13%, level 2 1.5%, level 3 0.5%.

Calibrated by construction (`CALIBRATION["restraint_2024_25"]`), for any seed:
2024-25 has 184 incidents, 29 with an injury (27 at level 1, 1 at 2, 1 at 3).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calibration import CALIBRATION
from .common import (
    DUPLICATE_OF,
    FINANCIAL_YEARS,
    LAST_DAY,
    BadRow,
    draw,
    format_date,
    insert_bad,
    numbered,
    position_of,
)

FILE = "restraint_incidents.csv"
HEADER = ["incident_id", "young_person_id", "incident_date", "injury_level", "age", "unit"]

RESTRAINT_PER_YEAR = 180
RESTRAINT_INJURY_CHANCE = {1: 0.13, 2: 0.015, 3: 0.005}
SECURE_UNITS = ("Unit A", "Unit B", "Unit C", "Unit D")

BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(FILE, "INC00193", "incident_date", "2022-13-05 10:15", "unparseable"),
    BadRow(FILE, "INC00344", "young_person_id", "", "missing"),
    BadRow(FILE, "INC00573", "injury_level", "minor", "unparseable"),
    BadRow(FILE, "INC00585", "injury_level", "4", "out_of_range"),
    BadRow(FILE, "INC00597", "incident_id", "INC00597", "duplicate"),
    BadRow(FILE, "INC00635", "age", "41", "out_of_range"),
)

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
        "unit": draw(rng, dict.fromkeys(SECURE_UNITS, 1.0), n),
    })


def _age(born: pd.Timestamp, on: pd.Timestamp) -> int:
    """Age in whole years on a day."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def restraint_incidents(rng: np.random.Generator) -> tuple[list[str], list[dict]]:
    """The header and the rows, bad rows included, in identifier order."""
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
            stamp = format_date(when, rng.random() < 0.5)
        rows.append({
            "young_person_id": person["young_person_id"],
            "incident_date": stamp,
            "injury_level": str(level),
            "age": "" if rng.random() < 0.05 else str(_age(person["born"], when)),
            "unit": person["unit"],
        })

    days = np.array([t.to_datetime64() for t in times], dtype="datetime64[D]")
    some = people["young_person_id"].tolist()
    duplicate_of = position_of(days, date(2024, 7, 1))
    bad = [
        (position_of(days, date(2022, 5, 13)),
         {"young_person_id": some[len(some) // 4], "incident_date": "2022-13-05 10:15", "injury_level": "0",
          "age": "14", "unit": "Unit B"}),
        (position_of(days, date(2023, 4, 2)),
         {"young_person_id": "", "incident_date": "02/04/2023 19:40", "injury_level": "1", "age": "15",
          "unit": "Unit C"}),
        (position_of(days, date(2024, 5, 28)),
         {"young_person_id": some[-20], "incident_date": "2024-05-28 16:05", "injury_level": "minor",
          "age": "16", "unit": "Unit A"}),
        (position_of(days, date(2024, 6, 11)),
         {"young_person_id": some[-18], "incident_date": "11/06/2024 20:30", "injury_level": "4", "age": "15",
          "unit": "Unit D"}),
        (duplicate_of + 1, {DUPLICATE_OF: rows[duplicate_of]}),
        (position_of(days, date(2024, 10, 3)),
         {"young_person_id": some[-10], "incident_date": "2024-10-03 13:20", "injury_level": "0", "age": "41",
          "unit": "Unit B"}),
    ]
    rows = insert_bad(rows, bad)
    numbered(rows, "incident_id", "INC", 5)
    return HEADER, rows


