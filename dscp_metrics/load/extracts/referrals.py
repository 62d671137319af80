"""`csc_referrals.csv` and `cevt_referrals.csv` (`extracts.md`): referrals to social care and the CEVT."""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes

T, D, C, L = ColumnType.TEXT, ColumnType.DATE, ColumnType.CODE, ColumnType.CODE_LIST

FACTORS = codes(
    ("domestic_abuse", "domestic abuse"),
    ("exploitation", "exploitation"),
    ("mental_health", "mental health"),
    ("neglect", "neglect"),
    ("physical_abuse", "physical abuse"),
    ("sexual_abuse", "sexual abuse"),
    ("emotional_abuse", "emotional abuse"),
    ("substance_misuse", "substance misuse"),
    ("missing", "missing"),
    ("other", "any other factor"),
)

EXPLOITATION_TYPES = codes(
    ("criminal", "criminal exploitation"),
    ("sexual", "sexual exploitation"),
    ("other", "any other exploitation"),
)

RISK_LEVELS = codes(("low", "low risk"), ("medium", "medium risk"), ("high", "high risk"))

LOCALITIES = codes("East", "West", "South", "Darlington")

CHILD = "the child's pseudonymised identifier, the same in every extract and every quarter"

CSC_REFERRALS = Extract(
    source="csc_referrals",
    title="Children's Social Care referrals",
    row_meaning=("one row per referral accepted by Children's Social Care "
                 "(the Children in Need census meaning of a referral)"),
    columns=(
        Column("referral_id", T, True, "the referral's identifier; each referral appears once"),
        Column("child_id", T, True, CHILD),
        Column("referral_date", D, True, "the date the referral was received"),
        Column("source", T, False, "who made the referral, as recorded (for example Police, Schools, Health services)",
               free_text=True),
        Column("factors", L, False,
               "the factors recorded on the referral, separated by ';'; empty when none were recorded", FACTORS),
    ),
    unique_key=("referral_id",),
    period_column="referral_date",
)

CEVT_REFERRALS = Extract(
    source="cevt_referrals",
    title="Child Exploitation Vulnerability Tracker scorings",
    row_meaning="one row per child scored on the CEVT (a referral to the tracker and its scoring)",
    columns=(
        Column("cevt_id", T, True, "the scoring's identifier; each scoring appears once"),
        Column("child_id", T, True, CHILD),
        Column("scored_date", D, True, "the date the child was scored on the tracker"),
        Column("exploitation_type", C, True, "the kind of exploitation the child was scored for", EXPLOITATION_TYPES),
        Column("risk_level", C, False, "the risk level the scoring gave", RISK_LEVELS),
        Column("locality", C, False, "the locality the child lives in", LOCALITIES),
    ),
    unique_key=("cevt_id",),
    period_column="scored_date",
)
