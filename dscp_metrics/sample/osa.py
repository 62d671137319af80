"""`osa_returns.csv` and `osa_issued.csv`: the Organisational Safeguarding
Assessment of 2024 (issued 13 May 2024, returned June to September 2024).

Every return rates every standard of the nine sections. Green ratings are
placed by weighted draw without replacement, the weight a participant's
self-regard (beta 4, 1.5: some participants rate themselves higher); a rating
that is not Green is Red one time in five, else Amber. `osa_returns.csv`
carries a UTF-8 byte-order mark (Excel's "CSV UTF-8").

Calibrated by construction, for any seed: the Green share of each section as
published (`OSA_SECTIONS`), and 24 returns of 38 self-assessments issued (63%).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import BadRow, format_date, insert_bad, vary_case

RETURNS_FILE = "osa_returns.csv"
ISSUED_FILE = "osa_issued.csv"
RETURNS_HEADER = ["return_id", "organisation", "section", "standard_id", "rating", "assessment_date"]
ISSUED_HEADER = ["organisation", "issued", "issued_date"]

# section code -> (standard prefix, number of standards, Green ratings of all
# ratings in the section). Every return rates every standard, so a section has
# OSA_RETURNS x standards ratings: 24 x 4 = 96, 24 x 5 = 120, 24 x 6 = 144.
OSA_SECTIONS: dict[str, tuple[str, int, int]] = {
    "leadership": ("LS", 6, 121),           # 121/144 = 84.0%
    "policies": ("PP", 5, 106),             # 106/120 = 88.3%
    "information_sharing": ("IS", 5, 97),   # 97/120 = 80.8%
    "training": ("TD", 4, 85),              # 85/96 = 88.5%
    "voice_of_child": ("VC", 5, 91),        # 91/120 = 75.8%
    "domestic_abuse": ("DA", 5, 89),        # 89/120 = 74.2%
    "harm_outside_home": ("HO", 6, 102),    # 102/144 = 70.8%
    "first_1001_days": ("FD", 4, 77),       # 77/96 = 80.2%
    "mental_health": ("MH", 4, 72),         # 72/96 = 75.0%
}
# organisation -> (self-assessments issued, returned): 24 of 38 = 63.2%
OSA_ORGANISATIONS: dict[str, tuple[int, int]] = {
    "Children's Social Care": (8, 5),
    "Durham Constabulary": (6, 4),
    "County Durham and Darlington NHS Foundation Trust": (6, 3),
    "Tees, Esk and Wear Valleys NHS Foundation Trust": (4, 2),
    "Education Durham": (5, 3),
    "Youth Justice Service": (3, 3),
    "Harbour Support Services": (2, 1),
    "Early Help": (4, 3),
}
OSA_ISSUED_DATE = date(2024, 5, 13)

BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(RETURNS_FILE, "OSA-R004|VC6", "rating", "", "missing"),
    BadRow(RETURNS_FILE, "OSA-R009|LS3", "standard_id", "LS3", "duplicate"),
    BadRow(RETURNS_FILE, "OSA-R013|MH5", "rating", "Blue", "unknown_code"),
    BadRow(RETURNS_FILE, "OSA-R020|TD5", "assessment_date", "2024-09-31", "unparseable"),
    BadRow(ISSUED_FILE, "Early Help", "organisation", "Early Help", "duplicate"),
    BadRow(ISSUED_FILE, "Durham County Council Public Health", "issued", "-3", "out_of_range"),
    BadRow(ISSUED_FILE, "Harbour Support Services Outreach", "issued_date", "", "missing"),
)

# ------------------------------------------------------------------- OSA
def osa(rng: np.random.Generator) -> tuple[list[str], list[dict], list[str], list[dict]]:
    """The returns' header and rows, then the issued header and rows, bad rows included."""
    returns = [org for org, (_, returned) in OSA_ORGANISATIONS.items() for _ in range(returned)]
    returns = list(rng.permutation(returns))
    return_ids = [f"OSA-R{i + 1:03d}" for i in range(len(returns))]
    quality = rng.beta(4, 1.5, size=len(returns))  # some participants rate themselves higher
    assessed = pd.Timestamp("2024-06-03") + pd.to_timedelta(np.sort(rng.integers(0, 120, size=len(returns))), unit="D")
    uk = rng.random(len(returns)) < 0.4

    ratings: dict[tuple[int, str], str] = {}
    for prefix, n_standards, n_green in OSA_SECTIONS.values():
        slots = [(r, f"{prefix}{s + 1}") for r in range(len(returns)) for s in range(n_standards)]
        weights = np.array([quality[r] for r, _ in slots])
        green = set(rng.choice(len(slots), size=n_green, replace=False, p=weights / weights.sum()).tolist())
        for k, slot in enumerate(slots):
            ratings[slot] = "Green" if k in green else ("Red" if rng.random() < 0.2 else "Amber")

    rows = []
    for r, return_id in enumerate(return_ids):
        for section, (prefix, n_standards, _) in OSA_SECTIONS.items():
            for s in range(n_standards):
                standard = f"{prefix}{s + 1}"
                rows.append({
                    "return_id": return_id,
                    "organisation": returns[r],
                    "section": vary_case(rng, section, 0.06),
                    "standard_id": standard,
                    "rating": vary_case(rng, ratings[(r, standard)], 0.15),
                    "assessment_date": format_date(assessed[r], uk[r]),
                })

    def after(return_id: str, standard: str) -> int:
        return next(i for i, row in enumerate(rows)
                    if row["return_id"] == return_id and row["standard_id"] == standard) + 1

    def extra(return_id: str, section: str, standard: str, rating: str, when: str | None = None) -> dict:
        r = return_ids.index(return_id)
        return {"return_id": return_id, "organisation": returns[r], "section": section, "standard_id": standard,
                "rating": rating, "assessment_date": when or format_date(assessed[r], uk[r])}

    duplicate = dict(rows[after("OSA-R009", "LS3") - 1])
    duplicate["rating"] = "Red" if duplicate["rating"].lower() == "green" else "Green"
    bad = [
        (after("OSA-R004", "VC5"), extra("OSA-R004", "voice_of_child", "VC6", "")),
        (after("OSA-R009", "LS6"), duplicate),
        (after("OSA-R013", "MH4"), extra("OSA-R013", "mental_health", "MH5", "Blue")),
        (after("OSA-R020", "TD4"), extra("OSA-R020", "training", "TD5", "Green", "2024-09-31")),
    ]
    rows = insert_bad(rows, bad)

    issued = [{"organisation": org, "issued": str(n), "issued_date": format_date(OSA_ISSUED_DATE, k == 2)}
              for k, (org, (n, _)) in enumerate(OSA_ORGANISATIONS.items())]
    issued.insert(3, {"organisation": "Durham County Council Public Health", "issued": "-3",
                      "issued_date": "2024-05-13"})
    early_help = next(row for row in issued if row["organisation"] == "Early Help")
    issued.append({"organisation": "Harbour Support Services Outreach", "issued": "2", "issued_date": ""})
    issued.append(dict(early_help))  # the same line sent twice
    return RETURNS_HEADER, rows, ISSUED_HEADER, issued


