"""`training_records.csv` (`extracts.md` v2): multi-agency safeguarding training, from the business unit.

One row per place on a course, briefing or e-learning module. Ratings come
only from people who completed: a row with `completed` = `no` and any rating
is rejected ("a rating without a completion"), the reject naming each rating
given.
"""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes
from ..rules import Requires

T, D, N, C = ColumnType.TEXT, ColumnType.DATE, ColumnType.WHOLE_NUMBER, ColumnType.CODE

TRAINING_ROUTES = codes(
    ("e_learning", "Me-Learning (e-learning)"),
    ("training_programme", "Training programme"),
    ("safeguarding_week", "Safeguarding Week"),
    ("development_day", "Development Day"),
    ("bespoke", "Bespoke training"),
)

ORGANISATION_TYPES = codes(
    ("adult_health", "Adult Health Services"),
    ("alternative_education", "Alternative Education Provider"),
    ("cafcass", "CAFCASS"),
    ("childrens_social_care", "Children's Social Care"),
    ("further_education", "Colleges (Further Education)"),
    ("domestic_abuse_services", "Domestic Abuse Services"),
    ("drug_alcohol", "Drug and Alcohol"),
    ("early_help", "Early Help"),
    ("early_years", "Early Years and Childcare"),
    ("education_skills", "Education and Skills"),
    ("faith", "Faith based"),
    ("fire", "Fire Service"),
    ("foster_carers", "Foster Carers"),
    ("housing", "Housing"),
    ("icb", "Integrated Care Board"),
    ("passenger_transport", "Integrated Passenger Transport"),
    ("la_other", "Local Authority Other"),
    ("nhs_trusts", "NHS Foundation Trusts"),
    ("ambulance", "North East Ambulance Service"),
    ("outside_area", "Organisations outside the partnership area"),
    ("police", "Police"),
    ("primary_care", "Primary Care"),
    ("prison", "Prison Service"),
    ("private_housing", "Private Housing Providers"),
    ("private_organisations", "Private Organisations"),
    ("probation", "Probation Service"),
    ("regeneration", "Regeneration and Local Services"),
    ("schools", "Schools"),
    ("higher_education", "Universities (Higher Education)"),
    ("voluntary_sector", "Voluntary Sector"),
    ("youth_justice", "Youth Justice Service"),
)

COMPLETED = codes(("yes", "attended or completed"), ("no", "booked but did not attend or complete"))

RATING_WITHOUT_COMPLETION = "a rating without a completion"
RATING_COLUMNS = ("content_rating", "knowledge_before", "knowledge_after")

TRAINING_RECORDS = Extract(
    source="training_records",
    title="Multi-agency safeguarding training",
    row_meaning="one row per place on a training course, briefing or e-learning module (no learner is identified)",
    columns=(
        Column("record_id", T, True, "the place's identifier; each place appears once"),
        Column("route", C, True, "how the training was delivered", TRAINING_ROUTES),
        Column("course", T, True, "the course, briefing or module title", free_text=True),
        Column("session_id", T, False,
               "one delivery of a course (a date, time and room or call); empty for e-learning"),
        Column("organisation_type", C, True, "the learner's type of organisation", ORGANISATION_TYPES),
        Column("event_date", D, True,
               "the session's date, or the date the e-learning was completed or abandoned (a date-time is accepted)"),
        Column("completed", C, True, "whether the learner attended or completed the training", COMPLETED),
        Column("content_rating", N, False, "post-course evaluation of the course content, 5 best; only when completed",
               minimum=1, maximum=5),
        Column("knowledge_before", N, False,
               "self-rated knowledge of the subject before the training (1 limited, 10 in depth); only when completed",
               minimum=1, maximum=10),
        Column("knowledge_after", N, False, "the same, on completion; only when completed", minimum=1, maximum=10),
    ),
    unique_key=("record_id",),
    period_column="event_date",
    rules=tuple(Requires(c, "completed", RATING_WITHOUT_COMPLETION, other_in=("yes",)) for c in RATING_COLUMNS),
)
