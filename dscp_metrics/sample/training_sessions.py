"""The partnership's training offer in the sample: course, module and briefing
titles by route (with how popular each is), and the sessions that deliver the
taught routes: their days, start times, identifiers, courses and sizes.

Safeguarding Week runs Monday to Friday of one week in November
(`SAFEGUARDING_WEEK`), its sessions spread over the five days, 21 of them in
2024-25 (the report's figure); Development Days are 4 or 5 a year (5 in
2024-25), one in each equal part of the year, on a Tuesday to Thursday;
training programme and bespoke sessions fall on weekdays, fewer in August,
one per `PLACES_PER_SESSION` places. Every session has at least one place;
the rest go to sessions in proportion to a gamma-distributed size. A week's
briefings and a year's development days are each on their own subject.

Session identifiers are the route's prefix, the financial year's last two
digits and the session's number in the year in order of date: `SW24-007` is
the seventh Safeguarding Week session of 2024-25. e-learning has no session.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calibration import CALIBRATION
from .common import days_between, fy_first_day, fy_last_day, weekday_weights

# route -> title -> relative popularity
COURSES: dict[str, dict[str, float]] = {
    "e_learning": {
        "Safeguarding Children: Awareness": 30, "Safeguarding Children: Level 2": 14,
        "Domestic Abuse Awareness": 10, "Child Exploitation: Spotting the Signs": 8,
        "Neglect and the Graded Care Profile": 6, "Harm Outside the Home": 5, "Prevent and Radicalisation": 5,
        "Online Safety": 5, "Safer Sleep for Babies": 4, "Child Sexual Abuse in the Family Environment": 3,
        "Female Genital Mutilation": 3, "Private Fostering": 3, "Self-harm and Suicide Prevention": 2,
        "Working with Fathers and Male Carers": 2,
    },
    "training_programme": {
        "Working Together to Safeguard Children": 14, "Neglect: Using the Graded Care Profile 2": 12,
        "Child Exploitation and Contextual Safeguarding": 11, "Domestic Abuse: the Impact on Children": 11,
        "Effective Child Protection Conferences": 8, "Recognising and Responding to Child Sexual Abuse": 9,
        "Trauma-informed Practice": 10, "Professional Curiosity and Respectful Challenge": 10,
        "Safeguarding Disabled Children": 6, "Parental Mental Health and Substance Misuse": 9,
    },
    "safeguarding_week": dict.fromkeys([
        "Opening Briefing: the Partnership's Priorities", "Harm Outside the Home", "Child Criminal Exploitation",
        "County Lines", "Online Harms and Sextortion", "Domestic Abuse and Coercive Control",
        "The First 1001 Days", "Safer Sleep", "Neglect: What Good Looks Like", "Young Carers",
        "Children Missing Education", "Elective Home Education", "Missing from Home and Care",
        "Return Home Interviews", "Mental Health and Wellbeing", "Self-harm in Adolescence",
        "Learning from Child Safeguarding Practice Reviews", "The Voice of the Child",
        "Professional Curiosity", "Escalation and Resolution", "Information Sharing",
        "Fabricated or Induced Illness", "Closing Briefing: What We Have Learned",
        "Safeguarding Children with Special Educational Needs",
    ], 1.0),
    "development_day": dict.fromkeys([
        "Development Day: the Voice of the Child", "Development Day: Harm Outside the Home",
        "Development Day: Learning from Reviews", "Development Day: the First 1001 Days",
        "Development Day: Neglect", "Development Day: Domestic Abuse",
    ], 1.0),
    "bespoke": {
        "Safeguarding for Taxi and Private Hire Drivers": 10, "Safeguarding in Faith Settings": 3,
        "Safeguarding for Housing Officers": 3, "Safeguarding Awareness for Volunteers": 4,
        "Designated Safeguarding Lead Refresher": 4, "Safeguarding in Sport and Leisure": 2,
    },
}

SESSION_PREFIX = {"training_programme": "TP", "safeguarding_week": "SW", "development_day": "DD", "bespoke": "BT"}

# route -> the times its sessions start (hours and minutes)
SESSION_TIMES = {
    "training_programme": ["09:30:00", "13:00:00"],
    "safeguarding_week": ["09:30:00", "12:30:00", "14:00:00", "18:00:00"],
    "development_day": ["09:00:00"],
    "bespoke": ["10:00:00", "13:30:00", "18:30:00"],
}

SAFEGUARDING_WEEK = {2021: date(2021, 11, 15), 2022: date(2022, 11, 14), 2023: date(2023, 11, 13),
                     2024: date(2024, 11, 11)}  # the Monday it starts
SESSIONS = {"safeguarding_week": {2021: 14, 2022: 16, 2023: 18},
            "development_day": {2021: 4, 2022: 4, 2023: 5}}  # 2024-25 from the calibration
PLACES_PER_SESSION = 15  # training programme and bespoke
SESSION_SIZE_SHAPE = 6.0  # gamma shape of sessions' relative sizes: most near the mean, a few small or full


def session_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Relative sizes of n sessions (how many of a route's places each takes)."""
    return rng.gamma(SESSION_SIZE_SHAPE, 1.0, size=n)


def _session_days(rng: np.random.Generator, fy: int, route: str, n: int) -> pd.DatetimeIndex:
    """The days of a route's n sessions in a financial year, in order."""
    if route == "safeguarding_week":
        week = pd.date_range(SAFEGUARDING_WEEK[fy], periods=5, freq="D")
        return pd.DatetimeIndex(np.sort(week.values[np.arange(n) % 5]))
    days = days_between(fy_first_day(fy), fy_last_day(fy))
    if route == "development_day":  # one in each of n equal parts of the year, Tuesday to Thursday
        part = np.arange(len(days)) * n // len(days)
        weights = np.where(days.day_of_week.isin([1, 2, 3]), 1.0, 0.0)
        return pd.DatetimeIndex([rng.choice(days[part == k], p=weights[part == k] / weights[part == k].sum())
                                 for k in range(n)])
    weights = weekday_weights(days, weekend=0.0) * np.where(days.month == 8, 0.3, 1.0)
    return pd.DatetimeIndex(np.sort(rng.choice(days.values, size=n, p=weights / weights.sum())))


def sessions_of_year(rng: np.random.Generator, fy: int, route: str, places: int) -> pd.DataFrame:
    """A route's sessions in a year: `session_id`, `course`, `start`, `capacity`."""
    if route in SESSIONS:
        n = CALIBRATION["training_2024_25"]["sessions"][route] if fy == 2024 else SESSIONS[route][fy]
    else:
        n = max(1, int(np.ceil(places / PLACES_PER_SESSION)))
    days = _session_days(rng, fy, route, n)
    times = pd.to_timedelta(rng.choice(SESSION_TIMES[route], size=n))
    titles = COURSES[route]
    if len(titles) >= n:  # a week's briefings, a year's development days: each on its own subject
        course = rng.permutation(list(titles))[:n]
    else:
        course = rng.choice(list(titles), size=n, p=np.array(list(titles.values())) / sum(titles.values()))
    return pd.DataFrame({
        "session_id": [f"{SESSION_PREFIX[route]}{fy % 100:02d}-{k + 1:03d}" for k in range(n)],
        "course": course,
        "start": days + times,
        "capacity": session_sizes(rng, n),
    })


def place_in_sessions(rng: np.random.Generator, sessions: pd.DataFrame, n: int) -> np.ndarray:
    """For n places, the session each is in: every session at least one place,
    the rest in proportion to the sessions' capacity."""
    k = len(sessions)
    weights = sessions["capacity"].to_numpy(dtype=float)
    rest = rng.choice(k, size=n - k, p=weights / weights.sum())
    return rng.permutation(np.concatenate([np.arange(k), rest]))
