"""`cevt_referrals.csv`: children scored on the Child Exploitation
Vulnerability Tracker, from 2023-24-Q3 (when the tracker started) to March 2025.

Each quarter's children are taken from those referred to Children's Social
Care in the 12 months before the quarter ends, children with an `exploitation`
referral first; about 15% of a quarter's children were scored before. The
quarters after 2024-25-Q1 have about 55, 75 and 95 scorings (Poisson), 5% of
them a child's second scoring in the quarter.

Calibrated by construction (`CALIBRATION["cevt"]`), for any seed: distinct
children 7 (2023-24-Q3), 14 (2023-24-Q4), 23 (2024-25-Q1); criminal scorings
12 (2023-24-Q4) and 5 (2024-25-Q1); sexual 1, 1 and 14.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calibration import CALIBRATION
from .common import (
    DUPLICATE_OF,
    UK_DATE_SHARE,
    BadRow,
    days_between,
    draw,
    format_date,
    fy_quarters,
    insert_bad,
    numbered,
    position_of,
    vary_case,
    weekday_weights,
)

FILE = "cevt_referrals.csv"
HEADER = ["cevt_id", "child_id", "scored_date", "exploitation_type", "risk_level", "locality"]

EXPLOITATION_TYPE_MIX = {"criminal": 0.45, "sexual": 0.35, "other": 0.20}
RISK_LEVEL_MIX = {"low": 0.35, "medium": 0.40, "high": 0.20, "": 0.05}
LOCALITY_MIX = {"East": 0.27, "West": 0.22, "South": 0.29, "Darlington": 0.17, "": 0.05}
CEVT_SCORINGS_LATER = {(2024, 2): 55, (2024, 3): 75, (2024, 4): 95}  # mean per quarter

BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(FILE, "CEVT00027", "scored_date", "", "missing"),
    BadRow(FILE, "CEVT00029", "cevt_id", "CEVT00029", "duplicate"),
    BadRow(FILE, "CEVT00051", "exploitation_type", "financial", "unknown_code"),
    BadRow(FILE, "CEVT00183", "scored_date", "2028-01-09", "future"),
)

# ---------------------------------------------------------- CEVT scorings
def cevt_referrals(rng: np.random.Generator, csc: list[dict],
                   children: list[str]) -> tuple[list[str], list[dict], pd.DataFrame]:
    """CEVT scorings from 2023-24-Q3: children taken from those referred to
    Children's Social Care in the previous year, exploitation referrals first.
    Returns the header, the rows (bad rows included, in identifier order) and
    the good scorings (`child_id`, `scored_day`) for the generators that link
    to them."""
    # (this reads an ISO date whose day is 12 or less month-first: a known slip, kept
    # because the file must stay byte-identical; it only shifts which referrals
    # count as "the previous year" when choosing children)
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
    for fy, q, first, last in fy_quarters():
        if (fy, q) < (2023, 3):
            continue
        if (fy, q) in CALIBRATION["cevt"]:
            n_children, by_type = CALIBRATION["cevt"][(fy, q)]
            types = [t for t, n in by_type.items() for _ in range(n)]
        else:
            n_scorings = int(rng.poisson(CEVT_SCORINGS_LATER[(fy, q)]))
            types = list(draw(rng, EXPLOITATION_TYPE_MIX, n_scorings))
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
        days = days_between(first, last)
        day_values = np.sort(rng.choice(days.values.astype("datetime64[D]"), size=len(types),
                                        p=weekday_weights(days, 0.05)))
        # a child's repeat scoring comes after its first: assign children in order of dates
        for day, child, kind in zip(day_values, scored, rng.permutation(types)):
            records.append((day, child, kind))
        scored_before.extend(chosen)

    records.sort(key=lambda r: r[0])
    days = np.array([r[0] for r in records], dtype="datetime64[D]")
    risk = draw(rng, RISK_LEVEL_MIX, len(records))
    locality = draw(rng, LOCALITY_MIX, len(records))
    uk = rng.random(len(records)) < UK_DATE_SHARE
    rows = [{
        "child_id": child,
        "scored_date": format_date(pd.Timestamp(day), uk[i]),
        "exploitation_type": vary_case(rng, kind, 0.3),
        "risk_level": vary_case(rng, str(risk[i]), 0.2),
        "locality": vary_case(rng, str(locality[i]), 0.2),
    } for i, (day, child, kind) in enumerate(records)]

    spare = sorted(set(children) - set(r["child_id"] for r in rows))
    spare = list(rng.choice(spare, size=3, replace=False))
    duplicate_of = position_of(days, date(2024, 5, 1))
    bad = [
        (position_of(days, date(2024, 4, 20)),
         {"child_id": spare[0], "scored_date": "", "exploitation_type": "criminal",
          "risk_level": "medium", "locality": "East"}),
        (duplicate_of + 2, {DUPLICATE_OF: rows[duplicate_of]}),
        (position_of(days, date(2024, 7, 8)),
         {"child_id": spare[1], "scored_date": "08/07/2024", "exploitation_type": "financial",
          "risk_level": "low", "locality": "West"}),
        (position_of(days, date(2025, 1, 9)),
         {"child_id": spare[2], "scored_date": "2028-01-09", "exploitation_type": "sexual",
          "risk_level": "high", "locality": "South"}),
    ]
    rows = insert_bad(rows, bad)
    numbered(rows, "cevt_id", "CEVT", 5)
    scorings = pd.DataFrame({"child_id": [child for _, child, _ in records], "scored_day": pd.to_datetime(days)})
    return HEADER, rows, scorings


