"""`osa_returns.csv` and `osa_issued.csv` (`extracts.md`): the Organisational Safeguarding Assessment."""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes

T, D, N, C = ColumnType.TEXT, ColumnType.DATE, ColumnType.WHOLE_NUMBER, ColumnType.CODE

OSA_SECTIONS = codes(
    ("leadership", "Leadership, supervision and accountability"),
    ("policies", "Use of policies and procedures to safeguard children"),
    ("information_sharing", "Information sharing and data management"),
    ("training", "Multi agency training and development"),
    ("voice_of_child", "The voice of children and young people"),
    ("domestic_abuse", "Domestic abuse"),
    ("harm_outside_home", "Harm outside the home"),
    ("first_1001_days", "First 1001 days"),
    ("mental_health", "Mental health and wellbeing"),
)

RATINGS = codes("Red", "Amber", "Green")

OSA_RETURNS = Extract(
    source="osa_returns",
    title="Organisational Safeguarding Assessment returns",
    row_meaning="one row per standard rated in a returned self-assessment",
    columns=(
        Column("return_id", T, True, "one returned self-assessment (one participant); repeated on each of its rows"),
        Column("organisation", T, True, "the service or agency that returned it"),
        Column("section", C, True, "the section of the assessment the standard belongs to", OSA_SECTIONS),
        Column("standard_id", T, True, "the standard within the section; a return rates each standard once"),
        Column("rating", C, True, "the rating given to the standard", RATINGS),
        Column("assessment_date", D, True, "the date of the self-assessment"),
    ),
    unique_key=("return_id", "standard_id"),
    period_column="assessment_date",
)

OSA_ISSUED = Extract(
    source="osa_issued",
    title="Organisational Safeguarding Assessment distribution",
    row_meaning="one row per service or agency the self-assessment was sent to",
    columns=(
        Column("organisation", T, True, "the service or agency; each appears once"),
        Column("issued", N, True, "how many self-assessments were issued to its participants", minimum=0),
        Column("issued_date", D, True, "when they were issued"),
    ),
    unique_key=("organisation",),
    period_column="issued_date",
)
