"""The figures the sample is built to reproduce: the DSCP Annual Report 2024/25.

One record, read by the generators (which build their rows to meet it, for any
seed) and by nobody else: the tests write the published figures out again
rather than trusting this table.

Training (2024-25, from the report's workforce development section):

- the 31 organisation-type completion counts add up to 20,056, the report's
  total, so they are used as published;
- the route counts are the report's training programme 692, Safeguarding Week
  1,021, Development Day 187 and bespoke 202; e-learning is the rest,
  20,056 - 2,102 = 17,954;
- Safeguarding Week 2023-24 had 420 completions (1,021 is +143%);
- the report's overall content rating 4.79 is the plain average of its five
  route means ((4.73 + 4.83 + 4.64 + 4.81 + 4.95) / 5 = 4.792); indicators.md
  defines the overall mean over ratings, so the sample chooses how many
  learners rate each route (`training_ratings.RATERS_2024_25`) such that the mean
  over all ratings is 4.79 as well (see `training_ratings`).
"""

from __future__ import annotations

CALIBRATION = {
    "csc_referrals_2024_25_q1": 1260,
    "csc_exploitation_referrals_2024_25_q1": 15,
    "da_referral_share_2022_23": 0.24,
    "da_rereferral_rate_2022_23": 0.22,  # sets the 2022-23 base of the 27% rise
    "da_rereferral_growth_2023_24": 1.27,
    "restraint_2024_25": {"incidents": 184, "injury_levels": {1: 27, 2: 1, 3: 1}},
    # quarter -> distinct children, scorings by exploitation type
    "cevt": {
        (2023, 3): (7, {"criminal": 5, "sexual": 1, "other": 1}),
        (2023, 4): (14, {"criminal": 12, "sexual": 1, "other": 2}),
        (2024, 1): (23, {"criminal": 5, "sexual": 14, "other": 6}),
    },
    "training_2024_25": {
        "completions": 20056,
        "completions_by_organisation_type": {
            "adult_health": 133,
            "alternative_education": 930,
            "cafcass": 6,
            "childrens_social_care": 4717,
            "further_education": 150,
            "domestic_abuse_services": 69,
            "drug_alcohol": 156,
            "early_help": 485,
            "early_years": 1578,
            "education_skills": 474,
            "faith": 14,
            "fire": 37,
            "foster_carers": 438,
            "housing": 32,
            "icb": 95,
            "passenger_transport": 1476,
            "la_other": 353,
            "nhs_trusts": 1698,
            "ambulance": 2,
            "outside_area": 9,
            "police": 70,
            "primary_care": 273,
            "prison": 115,
            "private_housing": 76,
            "private_organisations": 533,
            "probation": 24,
            "regeneration": 37,
            "schools": 4231,
            "higher_education": 4,
            "voluntary_sector": 1557,
            "youth_justice": 284,
        },
        # e_learning is the rest of the 20,056: 17,954
        "completions_by_route": {"training_programme": 692, "safeguarding_week": 1021,
                                 "development_day": 187, "bespoke": 202},
        "safeguarding_week_places": 1257,
        "sessions": {"safeguarding_week": 21, "development_day": 5},
        "content_rating": {"e_learning": 4.73, "training_programme": 4.83, "safeguarding_week": 4.64,
                           "development_day": 4.81, "bespoke": 4.95},
        "content_rating_overall": 4.79,
        # route -> (mean knowledge before, after), to one decimal; bespoke is the sample's choice
        "knowledge": {"e_learning": (5.2, 8.6), "training_programme": (6.2, 8.7),
                      "safeguarding_week": (5.5, 8.1), "development_day": (5.7, 8.9), "bespoke": (5.9, 8.8)},
    },
    "training_2023_24": {"completions_by_route": {"safeguarding_week": 420}},
}
