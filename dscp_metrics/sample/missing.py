"""`missing_episodes.csv`: children missing from home or care, April 2021 to
March 2025, one row per episode, with the return home interview (RHI).

Children. Missing children are children referred to Children's Social Care
(the same `C…` pseudonyms as `csc_referrals.csv`). Each year 300 to 320 runs
of missing episodes start (`RUNS_PER_YEAR`; 400 in 2021-22, which also stands
for runs already under way in April 2021), each around one referral of that
year, picked by weighted draw without replacement: a child whose referral
records `missing` is `CHILD_WEIGHT` 12 times as likely, `exploitation` 8 times,
a child scored on the CEVT 8 times. A child may have runs in several years.
22% of the children picked are looked after (`in_care` = `yes`) and go missing
twice as often, so a quarter to two fifths of episodes are from care.

Episodes. A run starts up to 30 days before its referral (the episode that
prompted it) or, for other referrals, up to 6 months after; it has 1 + a
negative binomial number of episodes (mean 3.5 from home, 6 from care; a long tail: some
children go missing dozens of times), the gaps between them a day plus an
exponential number of days whose mean is the child's own (median 20 days).
Children go missing mostly in the evening; most return within a day
(log-normal, median 9 hours), 2% stay away 3 to 20 days; a child returns at
least an hour before going missing again. About 900 to 1,450 episodes a
year, 300 to 400 children, many of them repeatedly missing (3 or more episodes
in 12 months).

The extract is taken as at 31 March 2025: an episode whose return would be
later has no `return_date` (still missing; the last three episodes always
are), and an interview that would be later is `pending`.

Return home interviews, by construction for any seed, over the episodes
returned in each financial year (`RHI_RATES`): offered (`held` or `declined`)
70%, 76%, 82%, 88% and held within 72 hours (on or before the third day after
the return) 40%, 48%, 56%, 64% in 2021-22 to 2024-25 (the annual report
speaks of "an increase in the number of return home interviews offered, held
within 72-hours"), less the few that are still pending at the extract date.
Interviews held later are held 4 to 21 days after the return. Of those not
offered, seven in ten are recorded `not_offered` and the rest not recorded
(empty); returns in the last five days are `pending` unless already held.

Bad rows (`BAD_ROWS`), extra episodes of other missing children: a return
before going missing, an interview without a return, `held` without a date, a
date with another status, an interview before the return, an unknown `in_care`
code (`LAC`), a future date and a repeated `episode_id`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from .common import (
    DUPLICATE_OF,
    FINANCIAL_YEARS,
    LAST_DAY,
    BadRow,
    assemble,
    format_days,
    fy_of,
    position_of,
    vary_case_codes,
)

FILE = "missing_episodes.csv"
HEADER = ["episode_id", "child_id", "missing_date", "return_date", "in_care", "rhi_status", "rhi_date"]

RUNS_PER_YEAR = {2021: 400, 2022: 300, 2023: 310, 2024: 320}  # 2021-22 also picks up runs already under way
CHILD_WEIGHT = {"missing": 12.0, "exploitation": 8.0, "cevt": 8.0}
IN_CARE_SHARE = 0.22
IN_CARE_FREQUENCY = 2.0         # looked-after children's extra episodes, times as many
EXTRA_EPISODES_MEAN = 2.5       # episodes after a run's first (negative binomial)
EXTRA_EPISODES_DISPERSION = 0.7
GAP_MEDIAN_DAYS = 20.0
ABSENCE_MEDIAN_HOURS = 9.0
LONG_ABSENCE_SHARE = 0.02
STILL_MISSING_AT_END = 3
# financial year of the return -> (offered, held within 72 hours, held later): shares of returns
RHI_RATES = {2021: (0.70, 0.40, 0.14), 2022: (0.76, 0.48, 0.13), 2023: (0.82, 0.56, 0.12),
             2024: (0.88, 0.64, 0.11)}
NOT_OFFERED_RECORDED = 0.7
PENDING_DAYS = 5
END = pd.Timestamp(LAST_DAY) + pd.Timedelta(hours=23, minutes=59)

BAD_ROWS: tuple[BadRow, ...] = (
BadRow(FILE, "ME00215", "return_date", "2021-09-12 23:30", "return_before_missing"),
    BadRow(FILE, "ME00915", "rhi_status", "declined", "interview_without_return"),
    BadRow(FILE, "ME01846", "in_care", "LAC", "unknown_code"),
    BadRow(FILE, "ME02504", "rhi_date", "", "held_without_date"),
    BadRow(FILE, "ME03076", "rhi_date", "21/12/2023", "date_without_held"),
    BadRow(FILE, "ME03235", "episode_id", "ME03235", "duplicate"),
    BadRow(FILE, "ME03853", "rhi_date", "2024-07-29", "interview_before_return"),
    BadRow(FILE, "ME04048", "missing_date", "2027-08-16 22:10", "future"),
)


# ----------------------------------------------------------------- runs
def _runs(rng: np.random.Generator, referrals: pd.DataFrame, cevt_children: set[str]) -> pd.DataFrame:
    """One row per run of episodes: `child_id`, `start`, `episodes`, `gap_days`."""
    weight = np.ones(len(referrals))
    weight = np.where(referrals["missing"], weight * CHILD_WEIGHT["missing"], weight)
    weight = np.where(referrals["exploitation"], weight * CHILD_WEIGHT["exploitation"], weight)
    weight = np.where(referrals["child_id"].isin(cevt_children), weight * CHILD_WEIGHT["cevt"], weight)
    fy = fy_of(referrals["referral_day"].to_numpy())
    keys = rng.exponential(size=len(referrals)) / weight
    picked = []
    for year in FINANCIAL_YEARS:
        keys_this_year = np.where(fy == year, keys, np.inf)
        picked.append(np.argpartition(keys_this_year, RUNS_PER_YEAR[year])[: RUNS_PER_YEAR[year]])
    chosen = np.sort(np.concatenate(picked))
    runs = referrals.iloc[chosen].assign(fy=fy[chosen]).drop_duplicates(["child_id", "fy"]).reset_index(drop=True)
    prompted = runs["missing"].to_numpy()
    offset = np.where(prompted, -rng.uniform(0, 30, len(runs)), rng.uniform(-30, 180, len(runs)))
    return pd.DataFrame({
        "child_id": runs["child_id"].to_numpy(),
        "start": runs["referral_day"].to_numpy() + pd.to_timedelta(offset, unit="D"),
        "extra_episodes": rng.negative_binomial(EXTRA_EPISODES_DISPERSION,
                                                EXTRA_EPISODES_DISPERSION
                                                / (EXTRA_EPISODES_DISPERSION + EXTRA_EPISODES_MEAN), len(runs)),
        "gap_days": np.exp(rng.normal(np.log(GAP_MEDIAN_DAYS), 0.7, len(runs))),
    })


def _episodes(rng: np.random.Generator, runs: pd.DataFrame, in_care: dict[str, bool]) -> pd.DataFrame:
    """Every episode: `child_id`, `in_care`, `missing`, `returned` (NaT while still missing)."""
    looked_after = runs["child_id"].map(in_care).to_numpy()
    extra = np.where(looked_after, np.rint(runs["extra_episodes"] * IN_CARE_FREQUENCY), runs["extra_episodes"])
    count = 1 + extra.astype(int)
    run = np.repeat(np.arange(len(runs)), count)
    gaps = 1 + rng.exponential(runs["gap_days"].to_numpy()[run])
    first = np.r_[0, np.cumsum(count)[:-1]]
    gaps[first] = 0.0
    elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first], count)
    evening = (rng.normal(19.0, 3.5, len(run)) % 24) / 24
    day = runs["start"].to_numpy()[run].astype("datetime64[D]")
    missing = pd.to_datetime(day) + pd.to_timedelta(np.floor(elapsed) + evening, unit="D").round("min")
    episodes = pd.DataFrame({"child_id": runs["child_id"].to_numpy()[run], "in_care": looked_after[run],
                             "missing": missing})
    episodes = episodes[(episodes["missing"] >= pd.Timestamp(2021, 4, 1)) & (episodes["missing"] <= END)]
    episodes = episodes.sort_values(["child_id", "missing"])
    too_soon = (episodes["missing"] - episodes.groupby("child_id")["missing"].shift(1)) < pd.Timedelta(hours=2)
    episodes = episodes[~too_soon]  # two runs of one child meeting: one episode, not two
    hours = np.exp(rng.normal(np.log(ABSENCE_MEDIAN_HOURS), 1.1, len(episodes)))
    long = rng.random(len(episodes)) < LONG_ABSENCE_SHARE
    hours = np.maximum(0.5, np.where(long, rng.uniform(3 * 24, 20 * 24, len(episodes)), hours))
    returned = episodes["missing"] + pd.to_timedelta(hours, unit="h").round("min")
    following = episodes.groupby("child_id")["missing"].shift(-1)
    latest_return = following - pd.Timedelta(hours=1)
    returned = returned.where(following.isna() | (returned <= latest_return), latest_return)
    episodes["returned"] = returned.where(returned <= END)
    episodes = episodes.sort_values(["missing", "child_id"]).reset_index(drop=True)
    episodes.loc[episodes.index[-STILL_MISSING_AT_END:], "returned"] = pd.NaT
    return episodes


# --------------------------------------------------- return home interviews
def _interviews(rng: np.random.Generator, returned: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """`rhi_status` and the interview's day for each episode, by exact shares of
    each financial year's returns (`RHI_RATES`)."""
    status = np.full(len(returned), "", dtype=object)
    held_after_days = np.full(len(returned), -1)
    return_day = returned.dt.floor("D")
    fy = np.where(returned.notna(), fy_of(return_day.fillna(pd.Timestamp(LAST_DAY)).to_numpy()), -1)
    for year, (offered, within_72h, later) in RHI_RATES.items():
        rows = rng.permutation(np.flatnonzero(fy == year))
        n = len(rows)
        n_within, n_later = int(round(within_72h * n)), int(round(later * n))
        n_declined = int(round(offered * n)) - n_within - n_later
        n_recorded_not_offered = int(round(NOT_OFFERED_RECORDED * (n - n_within - n_later - n_declined)))
        cut = np.cumsum([n_within, n_later, n_declined, n_recorded_not_offered])
        status[rows[: cut[1]]] = "held"
        held_after_days[rows[: cut[0]]] = rng.integers(0, 4, cut[0])
        held_after_days[rows[cut[0]: cut[1]]] = rng.integers(4, 22, n_later)
        status[rows[cut[1]: cut[2]]] = "declined"
        status[rows[cut[2]: cut[3]]] = "not_offered"
    held_on = return_day + pd.to_timedelta(np.where(held_after_days >= 0, held_after_days, 0), unit="D")
    held_on = held_on.where(status == "held")
    too_late = (status == "held") & (held_on > pd.Timestamp(LAST_DAY)).to_numpy()
    recent = (return_day >= pd.Timestamp(LAST_DAY - timedelta(days=PENDING_DAYS - 1))).to_numpy()
    pending = too_late | (recent & (status != "held"))
    status[pending] = "pending"
    return status, held_on.where(~pending)


# ----------------------------------------------------------------- file
def missing_episodes(rng: np.random.Generator, referrals: pd.DataFrame,
                     cevt_children: set[str]) -> tuple[list[str], pd.DataFrame]:
    """The header and the file's rows (text, bad rows included, in identifier order)."""
    runs = _runs(rng, referrals, cevt_children)
    children = runs["child_id"].drop_duplicates().to_numpy()
    in_care = dict(zip(children, rng.random(len(children)) < IN_CARE_SHARE))
    episodes = _episodes(rng, runs, in_care)
    status, held_on = _interviews(rng, episodes["returned"])
    good = pd.DataFrame({
        "child_id": episodes["child_id"].to_numpy(),
        "missing_date": format_days(rng, pd.DatetimeIndex(episodes["missing"]), time_share=0.7),
        "return_date": format_days(rng, pd.DatetimeIndex(episodes["returned"]), time_share=0.7),
        "in_care": vary_case_codes(rng, np.where(episodes["in_care"], "yes", "no"), 0.2),
        "rhi_status": vary_case_codes(rng, status, 0.15, 0.02),
        "rhi_date": format_days(rng, pd.DatetimeIndex(held_on)),
    })
    days = episodes["missing"].to_numpy().astype("datetime64[D]")
    return HEADER, assemble(good, _bad_rows(good, days, children), "episode_id", "ME", 5)


def _bad_rows(good: pd.DataFrame, days: np.ndarray, children: np.ndarray) -> list[tuple[int, dict]]:
    """The bad rows of `BAD_ROWS`: each an episode of another missing child,
    just before the first good row of its day, spoilt in one way."""

    def spoilt(day: date, **changes: str) -> tuple[int, dict]:
        position = position_of(days, day)
        row = good.iloc[position].to_dict()
        others = children[children != row["child_id"]]
        return position, {**row, "child_id": str(others[position % len(others)]), **changes}

    duplicate_of = position_of(days, date(2024, 2, 6))
    return [
        spoilt(date(2021, 9, 14), missing_date="2021-09-14 21:05", return_date="2021-09-12 23:30",
               rhi_status="", rhi_date=""),
        spoilt(date(2022, 3, 2), missing_date="02/03/2022 19:40", return_date="", rhi_status="declined",
               rhi_date=""),
        spoilt(date(2022, 11, 21), in_care="LAC"),
        spoilt(date(2023, 6, 8), missing_date="2023-06-08 22:15", return_date="2023-06-09 08:00",
               rhi_status="held", rhi_date=""),
        spoilt(date(2023, 12, 19), missing_date="19/12/2023 18:30", return_date="20/12/2023 02:10",
               rhi_status="declined", rhi_date="21/12/2023"),
        (duplicate_of + 1, {DUPLICATE_OF: duplicate_of}),
        spoilt(date(2024, 7, 30), missing_date="2024-07-30 20:45", return_date="2024-07-31 11:20",
               rhi_status="held", rhi_date="2024-07-29"),
        spoilt(date(2024, 10, 1), missing_date="2027-08-16 22:10", return_date="17/08/2027 06:30",
               rhi_status="", rhi_date=""),
    ]
