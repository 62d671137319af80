"""`training_records.csv`: places on multi-agency safeguarding training,
April 2021 to March 2025, one row per place booked (no learner identified).

How a year is built, for each financial year:

1. Completions by route: in 2024-25 exactly the annual report's (e-learning
   17,954, training programme 692, Safeguarding Week 1,021, Development Day
   187, bespoke 202: 20,056), Safeguarding Week 2023-24 exactly 420 (so 1,021
   is +143%); other years about `COMPLETIONS` (normal, 2% spread), growing.
2. Completions by organisation type: in 2024-25 exactly the report's 31 counts
   (they add up to 20,056, the report's total); other years drawn in the same
   proportions, with every type at least once.
3. Routes given to the completions by weighted draw without replacement
   (`ROUTE_AFFINITY`: a taxi or private-hire driver, `passenger_transport`,
   is six times as likely as others to be on a bespoke course, a social
   worker three or four times on the training programme or a Development
   Day), so both margins are exact.
4. Places not completed (booked, did not attend, or e-learning abandoned)
   added at `NOT_COMPLETED` rates; in 2024-25 Safeguarding Week has exactly
   1,257 places, so 236 not completed.
5. Sessions (`training_sessions`): each taught place is in a session (its
   `session_id`, day and course): Safeguarding Week in one week of November,
   21 sessions in 2024-25; Development Days 4 or 5 a year (5 in 2024-25);
   training programme and bespoke sessions on weekdays, about 15 places each.
   e-learning has no session: its date is when the module was completed or
   abandoned, on any day (weekends less), written as a date-time more often
   than not.
6. Evaluations (`training_ratings`): content and knowledge ratings on some
   completed places, the 2024-25 route means exactly the report's.

Written as a learning management system exports: ISO and UK dates, date-times,
codes in varied case with the odd trailing space; rows in order of date.

Bad rows (`BAD_ROWS`), each a copy of a good row spoilt in one way: a rating
on a place not completed, a rating of 6, knowledge of 11, an unknown route and
organisation type, 29 February 2023, a future date, no `completed` and a
repeated `record_id`. None falls on a calibrated figure: they are extra rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calibration import CALIBRATION
from .common import (
    DUPLICATE_OF,
    FINANCIAL_YEARS,
    BadRow,
    assemble,
    days_between,
    format_days,
    fy_first_day,
    fy_last_day,
    labels_with_counts,
    position_of,
    vary_case_codes,
    weekday_weights,
)
from .training_sessions import COURSES, place_in_sessions, sessions_of_year
from .training_ratings import check_overall_rating, evaluations

FILE = "training_records.csv"
HEADER = ["record_id", "route", "course", "session_id", "organisation_type", "event_date", "completed",
          "content_rating", "knowledge_before", "knowledge_after"]

TRAINING_2024_25 = CALIBRATION["training_2024_25"]
ORGANISATION_TYPES = tuple(TRAINING_2024_25["completions_by_organisation_type"])
ROUTES = ("e_learning", "training_programme", "safeguarding_week", "development_day", "bespoke")
TAUGHT_ROUTES = ("bespoke", "development_day", "training_programme", "safeguarding_week")  # order of assignment

# financial year -> route -> completions aimed at (2024-25 and Safeguarding Week 2023-24 are calibrated)
COMPLETIONS = {
    2021: {"e_learning": 12_400, "training_programme": 540, "safeguarding_week": 300,
           "development_day": 140, "bespoke": 150},
    2022: {"e_learning": 14_300, "training_programme": 600, "safeguarding_week": 360,
           "development_day": 160, "bespoke": 170},
    2023: {"e_learning": 16_100, "training_programme": 650, "development_day": 175, "bespoke": 185},
}
COMPLETIONS_SPREAD = 0.02
NOT_COMPLETED = {"e_learning": 0.08, "training_programme": 0.17, "safeguarding_week": 0.19,
                 "development_day": 0.10, "bespoke": 0.07}  # share of places not completed
# route -> organisation type -> how much likelier than others its learners are to take it (default 1)
ROUTE_AFFINITY = {
    "bespoke": {"passenger_transport": 6, "private_organisations": 4, "faith": 4, "alternative_education": 3,
                "private_housing": 3, "fire": 3},
    "development_day": {"childrens_social_care": 4, "police": 3, "early_help": 3, "nhs_trusts": 2},
    "training_programme": {"childrens_social_care": 3, "early_help": 3, "police": 3, "youth_justice": 3,
                           "probation": 3, "domestic_abuse_services": 3, "nhs_trusts": 2, "foster_carers": 2,
                           "drug_alcohol": 2},
    "safeguarding_week": {"faith": 3, "housing": 3, "voluntary_sector": 2, "schools": 2, "la_other": 2},
}
E_LEARNING_WEEKEND = 0.35
EVENT_TIME_SHARE = {"e_learning": 0.6, "taught": 0.15}  # rows whose event_date is a date-time

BAD_ROWS: tuple[BadRow, ...] = (
BadRow(FILE, "TR010223", "completed", "", "missing"),
    BadRow(FILE, "TR023646", "route", "webinar", "unknown_code"),
    BadRow(FILE, "TR030347", "event_date", "29/02/2023", "unparseable"),
    BadRow(FILE, "TR033707", "organisation_type", "nhs_trust", "unknown_code"),
    BadRow(FILE, "TR047977", "content_rating", "6", "out_of_range"),
    BadRow(FILE, "TR049726", "knowledge_after", "11", "out_of_range"),
    BadRow(FILE, "TR055980", "content_rating", "4", "rating_without_completion"),
    BadRow(FILE, "TR060379", "record_id", "TR060379", "duplicate"),
    BadRow(FILE, "TR064577", "event_date", "2027-11-13", "future"),
)


# ------------------------------------------------------------- places
def _completions_by_route(rng: np.random.Generator, fy: int) -> dict[str, int]:
    if fy == 2024:
        taught = TRAINING_2024_25["completions_by_route"]
        return {"e_learning": TRAINING_2024_25["completions"] - sum(taught.values()), **taught}
    counts = {route: int(round(rng.normal(n, COMPLETIONS_SPREAD * n))) for route, n in COMPLETIONS[fy].items()}
    if fy == 2023:
        counts["safeguarding_week"] = CALIBRATION["training_2023_24"]["completions_by_route"]["safeguarding_week"]
    return {route: counts[route] for route in ROUTES}


def _organisations(rng: np.random.Generator, fy: int, n: int) -> np.ndarray:
    """The organisation type of n completions: the report's counts in 2024-25,
    else its proportions with every type at least once."""
    published = TRAINING_2024_25["completions_by_organisation_type"]
    if fy == 2024:
        return rng.permutation(labels_with_counts(published))
    share = np.array(list(published.values()), dtype=float)
    drawn = rng.choice(len(share), size=n - len(share), p=share / share.sum())
    return np.array(ORGANISATION_TYPES, dtype=object)[rng.permutation(np.concatenate([np.arange(len(share)), drawn]))]


def _assign_routes(rng: np.random.Generator, organisations: np.ndarray, counts: dict[str, int]) -> np.ndarray:
    """Exactly counts[route] places per taught route, chosen by weighted draw
    without replacement (exponential keys over `ROUTE_AFFINITY`); the rest e-learning."""
    route = np.full(len(organisations), "e_learning", dtype=object)
    free = np.ones(len(organisations), dtype=bool)
    for name in TAUGHT_ROUTES:
        weight = pd.Series(organisations).map(ROUTE_AFFINITY[name]).fillna(1.0).to_numpy()
        keys = np.where(free, rng.exponential(size=len(organisations)) / weight, np.inf)
        chosen = np.argpartition(keys, counts[name])[: counts[name]]
        route[chosen] = name
        free[chosen] = False
    return route


def _not_completed(rng: np.random.Generator, fy: int, completions: dict[str, int]) -> dict[str, int]:
    counts = {route: int(rng.binomial(n, NOT_COMPLETED[route] / (1 - NOT_COMPLETED[route])))
              for route, n in completions.items()}
    if fy == 2024:
        counts["safeguarding_week"] = TRAINING_2024_25["safeguarding_week_places"] - completions["safeguarding_week"]
    return counts


def _e_learning_moments(rng: np.random.Generator, fy: int, n: int) -> pd.DatetimeIndex:
    """When n e-learning modules were completed or abandoned in a year."""
    days = days_between(fy_first_day(fy), fy_last_day(fy))
    day = rng.choice(days.values, size=n, p=weekday_weights(days, E_LEARNING_WEEKEND))
    minutes = rng.normal(13.5 * 60, 180, size=n)  # mostly working hours; early and late ones spread out
    minutes = np.where((minutes < 7 * 60) | (minutes > 23 * 60), rng.uniform(7 * 60, 23 * 60, size=n), minutes)
    minutes = minutes.astype(int)
    return pd.DatetimeIndex(day + minutes.astype("timedelta64[m]"))


# ------------------------------------------------------------- a year
def _year(rng: np.random.Generator, fy: int) -> pd.DataFrame:
    completions = _completions_by_route(rng, fy)
    not_completed = _not_completed(rng, fy, completions)
    done_organisations = _organisations(rng, fy, sum(completions.values()))
    share = np.array(list(TRAINING_2024_25["completions_by_organisation_type"].values()), dtype=float)
    places = pd.DataFrame({
        "route": np.concatenate([_assign_routes(rng, done_organisations, completions),
                                 labels_with_counts(not_completed)]),
        "organisation_type": np.concatenate([
            done_organisations,
            np.array(ORGANISATION_TYPES, dtype=object)[
                rng.choice(len(share), size=sum(not_completed.values()), p=share / share.sum())]]),
        "completed": np.concatenate([np.ones(len(done_organisations), dtype=bool),
                                     np.zeros(sum(not_completed.values()), dtype=bool)]),
    })
    places["session_id"], places["course"] = "", ""
    places["moment"] = pd.NaT
    for route in ROUTES:
        rows = np.flatnonzero(places["route"].to_numpy() == route)
        if route == "e_learning":
            modules = COURSES[route]
            places.loc[rows, "course"] = rng.choice(list(modules), size=len(rows),
                                                    p=np.array(list(modules.values())) / sum(modules.values()))
            places.loc[rows, "moment"] = _e_learning_moments(rng, fy, len(rows))
            continue
        sessions = sessions_of_year(rng, fy, route, len(rows))
        session = sessions.iloc[place_in_sessions(rng, sessions, len(rows))]
        places.loc[rows, "session_id"] = session["session_id"].to_numpy()
        places.loc[rows, "course"] = session["course"].to_numpy()
        places.loc[rows, "moment"] = session["start"].to_numpy()
    places["fy"] = fy
    return places


def training_records(rng: np.random.Generator) -> tuple[list[str], pd.DataFrame]:
    """The header and the file's rows (text, bad rows included, in identifier order)."""
    check_overall_rating()
    places = pd.concat([_year(rng, fy) for fy in FINANCIAL_YEARS], ignore_index=True)
    places = places.iloc[np.lexsort((rng.random(len(places)), places["session_id"], places["moment"]))]
    places = places.reset_index(drop=True)
    content, before, after = evaluations(rng, places["route"].to_numpy(), places["fy"].to_numpy(),
                                         places["completed"].to_numpy())
    moment = pd.DatetimeIndex(places["moment"])
    e_learning = (places["route"] == "e_learning").to_numpy()
    dated = np.where(e_learning, format_days(rng, moment, time_share=EVENT_TIME_SHARE["e_learning"]),
                     format_days(rng, moment, time_share=EVENT_TIME_SHARE["taught"]))
    good = pd.DataFrame({
        "route": vary_case_codes(rng, places["route"].to_numpy(), 0.08),
        "course": vary_case_codes(rng, places["course"].to_numpy(), 0.0, 0.03),
        "session_id": places["session_id"].to_numpy(),
        "organisation_type": vary_case_codes(rng, places["organisation_type"].to_numpy(), 0.1, 0.03),
        "event_date": dated,
        "completed": vary_case_codes(rng, np.where(places["completed"], "yes", "no"), 0.2),
        "content_rating": np.where(content > 0, content.astype(str), ""),
        "knowledge_before": np.where(before > 0, before.astype(str), ""),
        "knowledge_after": np.where(after > 0, after.astype(str), ""),
    })
    return HEADER, assemble(good, _bad_rows(good, moment.values.astype("datetime64[D]")), "record_id", "TR", 6)


def _bad_rows(good: pd.DataFrame, days: np.ndarray) -> list[tuple[int, dict]]:
    """The bad rows of `BAD_ROWS`, each a copy of the good row it comes before, spoilt in one way."""

    routes = good["route"].str.strip().str.lower().to_numpy()

    def spoilt(day: date, like: str | None = None, **changes: str) -> tuple[int, dict]:
        """A copy of the first good row dated on or after `day` (of route `like`), with `changes`."""
        position = position_of(days, day)
        if like is not None:
            position += int(np.argmax(routes[position:] == like))
        return position, {**good.iloc[position].to_dict(), **changes}

    duplicate_of = position_of(days, date(2024, 9, 10))
    return [
        spoilt(date(2021, 12, 7), completed=""),
        spoilt(date(2022, 10, 4), "training_programme", route="webinar"),
        spoilt(date(2023, 2, 28), event_date="29/02/2023"),
        spoilt(date(2023, 5, 9), organisation_type="nhs_trust"),
        spoilt(date(2024, 1, 23), "training_programme", completed="yes", content_rating="6"),
        spoilt(date(2024, 3, 5), "e_learning", completed="yes", content_rating="5", knowledge_before="6",
               knowledge_after="11"),
        spoilt(date(2024, 6, 18), "training_programme", completed="no", content_rating="4", knowledge_before="",
               knowledge_after=""),
        (duplicate_of + 2, {DUPLICATE_OF: duplicate_of}),
        spoilt(date(2024, 11, 13), "safeguarding_week", event_date="2027-11-13", completed="yes",
               content_rating="", knowledge_before="", knowledge_after=""),
    ]
