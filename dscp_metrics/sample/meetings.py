"""`meeting_attendance.csv`: multi-agency meetings, April 2021 to March 2025,
one row per agency invited to a meeting.

Meetings. About 520 a year, growing 3% a year (Poisson by type,
`MEETINGS_PER_YEAR`): strategy meetings the most, then child in care reviews,
review and initial child protection conferences, core groups, MARAC and Team
Around the Family meetings. They are held on weekdays; MARAC sits on
Tuesdays and Thursdays.

Invitations (`INVITED`): each agency is invited to a meeting of a type with
its own chance. Strategy meetings always invite children's social care and
the police, and health 85% of the time (so some strategy meetings have no
health invitation at all, and cannot count as attended by all three agencies);
conferences invite health and education nearly always; MARAC brings police,
housing, probation and the voluntary sector (the IDVA service); Team Around
the Family is led by Early Help.

Attendance (`ATTENDANCE`): each invitation is `attended`, `report_only`,
`apologies` or `no_response` with the agency's own chances; strategy meetings,
called at short notice, have their own (`STRATEGY_ATTENDANCE`): social care
attends nearly always, the police four times in five, health little over half
the time, often sending a report instead. Attendance improves by a point a
year for every agency (`YEARLY_IMPROVEMENT`), taken from `no_response` and
`apologies`.

Rows are in order of meeting date; a meeting's rows are together, in the
agencies' order; `meeting_id` numbers the meetings in that order. A meeting's
date is written one way and its type in one case on all its rows.

Bad rows (`BAD_ROWS`), extra rows at the end of a meeting: one dated the day
after its meeting, one of another type, an agency invited twice, an unknown
agency (`cafcass`) and attendance code (`sent_deputy`), an attendance left
empty, and a meeting of its own dated in the future.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import (
    DUPLICATE_OF,
    FINANCIAL_YEARS,
    BadRow,
    assemble,
    days_between,
    format_days,
    fy_first_day,
    fy_last_day,
    vary_case_codes,
    weekday_weights,
)

FILE = "meeting_attendance.csv"
HEADER = ["meeting_id", "meeting_date", "meeting_type", "agency", "attendance"]

MEETING_TYPES = ("strategy", "icpc", "rcpc", "cicr", "marac", "taf", "core_group")
AGENCIES = ("csc", "police", "health", "education", "early_help", "probation", "housing", "voluntary", "other")
ATTENDANCE_CODES = ("attended", "report_only", "apologies", "no_response")

MEETINGS_PER_YEAR = {"strategy": 165, "icpc": 50, "rcpc": 75, "cicr": 90, "marac": 45, "taf": 40,
                     "core_group": 60}  # 2021-22; later years 3% more each
GROWTH = 1.03
# meeting type -> agency -> chance of being invited (agencies not listed are not invited)
INVITED = {
    "strategy": {"csc": 1.0, "police": 1.0, "health": 0.85, "education": 0.55, "early_help": 0.1,
                 "probation": 0.05, "housing": 0.03, "voluntary": 0.05, "other": 0.05},
    "icpc": {"csc": 1.0, "police": 0.95, "health": 1.0, "education": 0.9, "early_help": 0.3, "probation": 0.15,
             "housing": 0.15, "voluntary": 0.2, "other": 0.1},
    "rcpc": {"csc": 1.0, "police": 0.7, "health": 1.0, "education": 0.9, "early_help": 0.25, "probation": 0.1,
             "housing": 0.1, "voluntary": 0.2, "other": 0.1},
    "cicr": {"csc": 1.0, "health": 0.9, "education": 0.9, "police": 0.05, "voluntary": 0.15, "other": 0.3},
    "marac": {"police": 1.0, "csc": 1.0, "health": 1.0, "housing": 0.9, "probation": 0.8, "voluntary": 0.95,
              "education": 0.3, "early_help": 0.2, "other": 0.4},
    "taf": {"early_help": 1.0, "education": 0.95, "health": 0.6, "csc": 0.15, "voluntary": 0.3, "housing": 0.1,
            "police": 0.05, "other": 0.1},
    "core_group": {"csc": 1.0, "education": 0.9, "health": 0.85, "early_help": 0.4, "voluntary": 0.3,
                   "police": 0.1, "housing": 0.1, "probation": 0.05, "other": 0.1},
}
# agency -> chances of (attended, report_only, apologies, no_response)
ATTENDANCE = {
    "csc": (0.95, 0.02, 0.02, 0.01), "police": (0.72, 0.12, 0.10, 0.06), "health": (0.62, 0.22, 0.10, 0.06),
    "education": (0.75, 0.12, 0.09, 0.04), "early_help": (0.80, 0.08, 0.08, 0.04),
    "probation": (0.60, 0.20, 0.10, 0.10), "housing": (0.55, 0.15, 0.15, 0.15),
    "voluntary": (0.65, 0.10, 0.12, 0.13), "other": (0.55, 0.15, 0.15, 0.15),
}
STRATEGY_ATTENDANCE = {"csc": (0.97, 0.01, 0.01, 0.01), "police": (0.80, 0.08, 0.07, 0.05),
                       "health": (0.55, 0.25, 0.10, 0.10), "education": (0.60, 0.20, 0.10, 0.10)}
YEARLY_IMPROVEMENT = 0.01
MARAC_WEEKDAYS = (1, 3)  # Tuesday, Thursday

BAD_ROWS: tuple[BadRow, ...] = (
BadRow(FILE, "MTG00289|other", "meeting_date", "2021-10-29", "inconsistent_meeting"),
    BadRow(FILE, "MTG00603|housing", "meeting_type", "icpc", "inconsistent_meeting"),
    BadRow(FILE, "MTG00952|health", "agency", "HEALTH", "duplicate"),
    BadRow(FILE, "MTG01285|cafcass", "agency", "cafcass", "unknown_code"),
    BadRow(FILE, "MTG01568|police", "attendance", "sent_deputy", "unknown_code"),
    BadRow(FILE, "MTG01887|education", "attendance", "", "missing"),
    BadRow(FILE, "MTG02176|csc", "meeting_date", "2027-10-15", "future"),
)


def _meetings(rng: np.random.Generator) -> pd.DataFrame:
    """Every meeting: `fy`, `meeting_type`, `day`, in order of day."""
    parts = []
    for fy in FINANCIAL_YEARS:
        days = days_between(fy_first_day(fy), fy_last_day(fy))
        for meeting_type, per_year in MEETINGS_PER_YEAR.items():
            n = int(rng.poisson(per_year * GROWTH ** (fy - FINANCIAL_YEARS[0])))
            weights = weekday_weights(days, weekend=0.0)
            if meeting_type == "marac":
                weights = np.where(days.day_of_week.isin(MARAC_WEEKDAYS), weights, 0.0)
            parts.append(pd.DataFrame({"fy": fy, "meeting_type": meeting_type,
                                       "day": rng.choice(days.values, size=n, p=weights / weights.sum())}))
    meetings = pd.concat(parts, ignore_index=True)
    order = np.lexsort((rng.random(len(meetings)), meetings["day"].to_numpy()))
    return meetings.iloc[order].reset_index(drop=True)


def _invitations(rng: np.random.Generator, meetings: pd.DataFrame) -> pd.DataFrame:
    """One row per invitation: `meeting`, `meeting_type`, `fy`, `day`, `agency`,
    `attendance`, in meeting order and the agencies' order."""
    chance = np.array([[INVITED[t].get(a, 0.0) for a in AGENCIES] for t in meetings["meeting_type"]])
    invited = rng.random(chance.shape) < chance
    meeting, agency = np.nonzero(invited)
    rows = meetings.iloc[meeting].reset_index(drop=True).assign(meeting=meeting)
    rows["agency"] = np.array(AGENCIES, dtype=object)[agency]
    strategy = (rows["meeting_type"] == "strategy").to_numpy()
    mix = np.array([STRATEGY_ATTENDANCE[a] if s and a in STRATEGY_ATTENDANCE else ATTENDANCE[a]
                    for a, s in zip(rows["agency"], strategy)])
    shift = YEARLY_IMPROVEMENT * (rows["fy"].to_numpy() - FINANCIAL_YEARS[0])
    shift = np.minimum(shift, mix[:, 2] + mix[:, 3] - 0.01)
    mix[:, 0] += shift
    taken_from_no_response = np.minimum(shift, mix[:, 3] - 0.005)
    mix[:, 3] -= taken_from_no_response
    mix[:, 2] -= shift - taken_from_no_response
    cumulative = np.cumsum(mix, axis=1)
    cumulative[:, -1] = 1.0
    code = (rng.random(len(rows))[:, None] > cumulative).sum(axis=1)
    rows["attendance"] = np.array(ATTENDANCE_CODES, dtype=object)[code]
    return rows


def meeting_attendance(rng: np.random.Generator) -> tuple[list[str], pd.DataFrame]:
    """The header and the file's rows (text, bad rows included, in order of meeting)."""
    meetings = _meetings(rng)
    invitations = _invitations(rng, meetings)
    meeting_date = format_days(rng, pd.DatetimeIndex(meetings["day"]))  # one form per meeting, on all its rows
    meeting_type = vary_case_codes(rng, meetings["meeting_type"].to_numpy(), 0.1)
    good = pd.DataFrame({
        "meeting": invitations["meeting"].to_numpy(),
        "meeting_date": meeting_date[invitations["meeting"]],
        "meeting_type": meeting_type[invitations["meeting"]],
        "agency": vary_case_codes(rng, invitations["agency"].to_numpy(), 0.1, 0.03),
        "attendance": vary_case_codes(rng, invitations["attendance"].to_numpy(), 0.1, 0.02),
    })
    days = invitations["day"].to_numpy().astype("datetime64[D]")
    frame = assemble(good, _bad_rows(good, invitations, days, len(meetings)))
    first_rows = ~frame["meeting"].duplicated()
    number = pd.Index(frame["meeting"][first_rows]).get_indexer(frame["meeting"]) + 1
    frame.insert(0, "meeting_id", [f"MTG{n:05d}" for n in number])
    return HEADER, frame.drop(columns="meeting")


def _bad_rows(good: pd.DataFrame, invitations: pd.DataFrame, days: np.ndarray,
              n_meetings: int) -> list[tuple[int, dict]]:
    """The bad rows of `BAD_ROWS`: extra rows at the end of a meeting held on or
    after the day given, of the type given, and one meeting of its own."""
    meeting_type = invitations["meeting_type"].to_numpy()
    meeting = invitations["meeting"].to_numpy()

    def extra(day: date, kind: str, agency: str, without: str | None = None, day_after: bool = False,
              **changes: str) -> tuple[int, dict]:
        """A row for `agency` after the last row of the first `kind` meeting on or
        after `day` (that did not invite `without`), dated the day after the
        meeting if `day_after`."""
        candidates = np.flatnonzero((meeting_type == kind) & (days >= np.datetime64(day, "D")))
        if without is not None:
            has = set(meeting[(invitations["agency"] == without).to_numpy()])
            candidates = candidates[~np.isin(meeting[candidates], list(has))]
        chosen = meeting[candidates[0]]
        last = int(np.flatnonzero(meeting == chosen)[-1])
        row = good.iloc[last].to_dict()
        if day_after:
            changes["meeting_date"] = (pd.Timestamp(days[last]) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        return last + 1, {**row, "agency": agency, "attendance": "attended", **changes}

    def duplicate(day: date, kind: str, agency: str) -> tuple[int, dict]:
        rows = np.flatnonzero((meeting_type == kind) & (days >= np.datetime64(day, "D"))
                              & (invitations["agency"] == agency).to_numpy())
        chosen = meeting[rows[0]]
        return int(np.flatnonzero(meeting == chosen)[-1]) + 1, {DUPLICATE_OF: int(rows[0])}

    return [
        extra(date(2021, 10, 12), "icpc", "other", without="other", day_after=True),
        extra(date(2022, 6, 7), "strategy", "housing", without="housing", meeting_type="icpc"),
        duplicate(date(2023, 1, 17), "rcpc", "health"),
        extra(date(2023, 9, 5), "core_group", "cafcass"),
        extra(date(2024, 2, 13), "rcpc", "police", without="police", attendance="sent_deputy"),
        extra(date(2024, 8, 20), "taf", "education", without="education", attendance=""),
        (len(good), {"meeting": n_meetings, "meeting_date": "2027-10-15", "meeting_type": "marac",
                     "agency": "csc", "attendance": "attended"}),
    ]
