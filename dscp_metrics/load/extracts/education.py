"""`education_status.csv` (`extracts.md` v2): children missing education (CME) and electively home educated (EHE).

One row per spell, from the local authority's education service. An
`end_date` before `start_date` is rejected.
"""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes
from ..rules import NotBefore

T, D, C = ColumnType.TEXT, ColumnType.DATE, ColumnType.CODE

EDUCATION_STATUSES = codes(("cme", "child missing education"), ("ehe", "electively home educated"))

EDUCATION_STATUS = Extract(
    source="education_status",
    title="Children missing education and electively home educated",
    row_meaning="one row per spell of a child being missing from education (CME) or electively home educated (EHE)",
    columns=(
        Column("record_id", T, True, "the spell's identifier; each spell appears once"),
        Column("child_id", T, True,
               "the child's pseudonymised identifier, the same in every extract and every quarter"),
        Column("status", C, True, "missing from education or electively home educated", EDUCATION_STATUSES),
        Column("start_date", D, True, "the first day of the spell"),
        Column("end_date", D, False, "the last day of the spell; empty while it is open"),
    ),
    unique_key=("record_id",),
    period_column="start_date",
    rules=(NotBefore("end_date", "start_date", "end_date before start_date"),),
)
