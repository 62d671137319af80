"""`meeting_attendance.csv` (`extracts.md` v2): multi-agency meeting attendance, from the meeting administrators.

One row per agency invited to a meeting; (`meeting_id`, `agency`) is unique.
A meeting's date and type are the same on all its rows: a row whose date or
type differs from the meeting's first row is rejected ("inconsistent with
its meeting"). The first row is the first, in file order, that passes every
other check (docs/decisions.md).
"""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes
from ..rules import SameWithinGroup

T, D, C = ColumnType.TEXT, ColumnType.DATE, ColumnType.CODE

MEETING_TYPES = codes(
    ("strategy", "strategy meeting"),
    ("icpc", "initial child protection conference"),
    ("rcpc", "review child protection conference"),
    ("cicr", "child in care review"),
    ("marac", "multi-agency risk assessment conference"),
    ("taf", "Team Around the Family"),
    ("core_group", "core group meeting"),
)

AGENCIES = codes(
    ("csc", "children's social care"),
    ("police", "police"),
    ("health", "health"),
    ("education", "education"),
    ("early_help", "early help"),
    ("probation", "probation"),
    ("housing", "housing"),
    ("voluntary", "voluntary sector"),
    ("other", "any other agency"),
)

ATTENDANCE = codes(
    ("attended", "attended"),
    ("report_only", "sent a report, did not attend"),
    ("apologies", "sent apologies"),
    ("no_response", "did not respond"),
)

INCONSISTENT_WITH_MEETING = "inconsistent with its meeting"

MEETING_ATTENDANCE = Extract(
    source="meeting_attendance",
    title="Multi-agency meeting attendance",
    row_meaning="one row per agency invited to a multi-agency meeting",
    columns=(
        Column("meeting_id", T, True, "the meeting's identifier; repeated on each of its rows"),
        Column("meeting_date", D, True, "the day of the meeting; the same on all the meeting's rows"),
        Column("meeting_type", C, True, "the kind of meeting; the same on all the meeting's rows", MEETING_TYPES),
        Column("agency", C, True, "the agency invited; a meeting lists each agency once", AGENCIES),
        Column("attendance", C, True, "whether the agency attended, sent a report, sent apologies or did not respond",
               ATTENDANCE),
    ),
    unique_key=("meeting_id", "agency"),
    period_column="meeting_date",
    group_rules=(SameWithinGroup(("meeting_id",), ("meeting_date", "meeting_type"), INCONSISTENT_WITH_MEETING),),
)
