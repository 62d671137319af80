"""`restraint_incidents.csv` (`extracts.md`): use of restraint at the secure centre."""

from __future__ import annotations

from ..model import Column, ColumnType, Extract

T, D, N = ColumnType.TEXT, ColumnType.DATE, ColumnType.WHOLE_NUMBER

INJURY_LEVELS = (
    "0 no injury; 1 minor injury, no medical treatment required; "
    "2 injury requiring medical treatment, not in hospital; "
    "3 serious injury requiring hospital treatment"
)

RESTRAINT_INCIDENTS = Extract(
    source="restraint_incidents",
    title="Use of restraint at the secure centre",
    row_meaning="one row per incident of physical restraint",
    columns=(
        Column("incident_id", T, True, "the incident's identifier; each incident appears once"),
        Column("young_person_id", T, True, "the pseudonymised identifier of the young person restrained"),
        Column("incident_date", D, True, "when the restraint happened (a date, or a date and time)"),
        Column("injury_level", N, True, f"the most serious injury from the restraint: {INJURY_LEVELS}",
               minimum=0, maximum=3),
        Column("age", N, False, "the young person's age in whole years at the incident", minimum=10, maximum=17),
    ),
    unique_key=("incident_id",),
    period_column="incident_date",
)
