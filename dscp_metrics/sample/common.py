"""What every sample generator shares: the sample's span, the bad-row record,
random draws, the ways a partner's system writes dates and codes, and the
assembly of good and bad rows into a file's rows in identifier order.

Two families of helpers live here. The row-list helpers (`insert_bad`,
`numbered`) serve the five original generators, which build one dict per row;
their behaviour, and so every random draw of those generators, is frozen: the
five original files must stay byte-identical for a seed. The frame helpers
(`format_days`, `vary_case_codes`, `assemble`) serve the newer, vectorised
generators, which build a `pandas.DataFrame` of text columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

DEFAULT_SEED = 20250331  # the bundled sample's seed: `dscp sample DIR` with no --seed

FIRST_DAY = date(2021, 4, 1)
LAST_DAY = date(2025, 3, 31)  # the extracts are taken as at this day: nothing later happens
FINANCIAL_YEARS = (2021, 2022, 2023, 2024)  # the year each one starts: 2021 is 2021-22

UK_DATE_SHARE = 0.3  # rows whose date is written DD/MM/YYYY rather than ISO

DUPLICATE_OF = "_duplicate_of"  # marks a bad row that repeats a good row, identifier and all


@dataclass(frozen=True)
class BadRow:
    """A row the loader must reject: the file, the identifier that finds the
    line in the bundled sample (`return_id|standard_id` for OSA returns,
    `meeting_id|agency` for meeting attendance; for a duplicate, the line is
    its later occurrence), the column at fault, the raw value and the kind of
    rule broken. Kinds for one column: `missing`, `unparseable`,
    `unknown_code`, `future`, `duplicate`, `out_of_range`. Kinds across
    columns: `rating_without_completion`, `return_before_missing`,
    `interview_without_return`, `held_without_date`, `date_without_held`,
    `interview_before_return`, `inconsistent_meeting`, `end_before_start`.
    Any other seed writes the same bad rows at the same dates, under other
    identifiers."""

    file: str
    key: str
    column: str
    value: str
    kind: str


# ------------------------------------------------------------- periods
def fy_quarters() -> list[tuple[int, int, date, date]]:
    """(financial year start, quarter, first day, last day) for every quarter of the sample."""
    quarters = []
    for fy in FINANCIAL_YEARS:
        starts = [date(fy, 4, 1), date(fy, 7, 1), date(fy, 10, 1), date(fy + 1, 1, 1), date(fy + 1, 4, 1)]
        for q in range(4):
            quarters.append((fy, q + 1, starts[q], starts[q + 1] - timedelta(days=1)))
    return quarters


def fy_first_day(fy: int) -> date:
    """1 April of financial year `fy` (2024 is 2024-25)."""
    return date(fy, 4, 1)


def fy_last_day(fy: int) -> date:
    """31 March that ends financial year `fy`."""
    return date(fy + 1, 3, 31)


def days_between(first: date, last: date) -> pd.DatetimeIndex:
    """Every day from `first` to `last`, both included."""
    return pd.date_range(first, last, freq="D")


def weekday_weights(days: pd.DatetimeIndex, weekend: float = 0.25) -> np.ndarray:
    """Probabilities over `days`, a weekend day `weekend` times as likely as a weekday."""
    weights = np.where(days.day_of_week >= 5, weekend, 1.0)
    return weights / weights.sum()


def fy_of(days: np.ndarray) -> np.ndarray:
    """The financial year (its starting calendar year) of each day."""
    ts = pd.DatetimeIndex(days)
    return np.where(ts.month >= 4, ts.year, ts.year - 1)


def parse_days(text: pd.Series) -> pd.Series:
    """The day of each ISO or UK day-first date or date-time (`03/04/2024` is 3
    April); NaT where the text is neither. (Not `to_datetime(format="mixed",
    dayfirst=True)`, which reads `2024-04-03` as 4 March.)"""
    day = text.astype(str).str.strip().str.slice(0, 10)
    iso = pd.to_datetime(day.where(day.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(day.where(day.str.fullmatch(r"\d{2}/\d{2}/\d{4}")), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk)


def position_of(days: np.ndarray, day: date) -> int:
    """Index of the first good row dated on or after `day` (rows sorted by date)."""
    return int(np.searchsorted(days, np.datetime64(day, "D")))


# -------------------------------------------------------------- draws
def draw(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    """`size` keys of `mix`, each drawn with probability proportional to its weight."""
    keys = list(mix)
    probs = np.array([mix[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=probs / probs.sum())]


def choose_exactly(rng: np.random.Generator, mask: np.ndarray, n: int, what: str) -> np.ndarray:
    """A boolean array with exactly `n` True among the positions where `mask` is True."""
    pool = np.flatnonzero(mask)
    if n > len(pool):
        raise ValueError(f"sample calibration: {what} needs {n} rows but only {len(pool)} exist")
    chosen = np.zeros(len(mask), dtype=bool)
    chosen[rng.choice(pool, size=n, replace=False)] = True
    return chosen


def labels_with_counts(counts: dict[str, int]) -> np.ndarray:
    """Each key repeated its count times, in the dict's order (permute it to shuffle)."""
    return np.repeat(np.array(list(counts), dtype=object), list(counts.values()))


# ------------------------------------------- how systems write values
def format_date(day: pd.Timestamp | date, uk: bool) -> str:
    """`YYYY-MM-DD`, or `DD/MM/YYYY` when `uk`."""
    return day.strftime("%d/%m/%Y") if uk else day.strftime("%Y-%m-%d")


def vary_case(rng: np.random.Generator, code: str, chance: float = 0.12) -> str:
    """A code as a person might type it: mostly canonical, sometimes Title or UPPER case."""
    u = rng.random()
    if u < chance / 2:
        return code.upper()
    if u < chance:
        return code.title()
    return code


def format_days(rng: np.random.Generator, stamps: pd.DatetimeIndex, uk_share: float = UK_DATE_SHARE,
                time_share: float = 0.0) -> np.ndarray:
    """Dates as partner systems write them: ISO or UK day-first, and, for a
    `time_share` of rows, a date-time (`YYYY-MM-DD HH:MM`, `... HH:MM:SS` or
    `DD/MM/YYYY HH:MM`). Empty text where `stamps` is NaT."""
    uk = rng.random(len(stamps)) < uk_share
    timed = rng.random(len(stamps)) < time_share
    seconds = rng.random(len(stamps)) < 0.3
    iso_day, uk_day = stamps.strftime("%Y-%m-%d"), stamps.strftime("%d/%m/%Y")
    iso_time, uk_time = stamps.strftime("%Y-%m-%d %H:%M"), stamps.strftime("%d/%m/%Y %H:%M")
    iso_time = np.where(seconds, stamps.strftime("%Y-%m-%d %H:%M:%S"), iso_time)
    text = np.where(timed, np.where(uk, uk_time, iso_time), np.where(uk, uk_day, iso_day))
    return np.where(stamps.isna(), "", text).astype(object)


def vary_case_codes(rng: np.random.Generator, codes: np.ndarray, chance: float = 0.12,
                    space_chance: float = 0.02) -> np.ndarray:
    """Codes as people type them (vectorised `vary_case`): mostly canonical,
    sometimes Title or UPPER case, now and then with a trailing space."""
    codes = np.asarray(codes, dtype=object).astype(str)
    u = rng.random(len(codes))
    spaced = rng.random(len(codes)) < space_chance
    cased = np.where(u < chance / 2, np.char.upper(codes), np.where(u < chance, np.char.title(codes), codes))
    cased = np.where(spaced & (codes != ""), np.char.add(cased, " "), cased)
    return cased.astype(object)


# ------------------------------------------------ rows of the old generators
def insert_bad(rows: list[dict], bad: list[tuple[int, dict]]) -> list[dict]:
    """Put each bad row just before good row number `position` (positions in the good list)."""
    out: list[dict] = []
    by_position: dict[int, list[dict]] = {}
    for position, row in bad:
        by_position.setdefault(position, []).append(row)
    for i, row in enumerate(rows):
        out.extend(by_position.get(i, []))
        out.append(row)
    out.extend(by_position.get(len(rows), []))
    return out


def numbered(rows: list[dict], column: str, prefix: str, width: int) -> None:
    """Give rows their identifiers in file order; a duplicate row repeats its original's."""
    n = 0
    for row in rows:
        if DUPLICATE_OF in row:
            continue
        n += 1
        row[column] = f"{prefix}{n:0{width}d}"
    for row in rows:
        if DUPLICATE_OF in row:
            original = row.pop(DUPLICATE_OF)
            row.update(original)


# ------------------------------------------------ frames of the new generators
def assemble(good: pd.DataFrame, bad: list[tuple[int, dict]], id_column: str | None = None,
             prefix: str = "", width: int = 0) -> pd.DataFrame:
    """A file's rows: the `good` rows in order, each bad row placed just before
    good row number `position` (several at one position keep their order).
    With `id_column`, identifiers `prefix` + number are given in file order;
    a bad row `{DUPLICATE_OF: k}` repeats good row k entirely, identifier and
    all, so it always comes after it (its position must be greater than k)."""
    good = good.reset_index(drop=True)
    bad_frame = pd.DataFrame([{c: row.get(c, "") for c in good.columns} for _, row in bad], columns=good.columns)
    duplicate_of = np.array([row.get(DUPLICATE_OF, -1) for _, row in bad], dtype=np.int64)
    frame = pd.concat([good, bad_frame], ignore_index=True)
    position = np.concatenate([np.arange(len(good)), [p for p, _ in bad]]).astype(np.int64)
    before_good = np.concatenate([np.ones(len(good)), np.zeros(len(bad))])  # bad rows go first at a position
    order = np.lexsort((np.arange(len(frame)), before_good, position))
    source = np.concatenate([np.full(len(good), -1), duplicate_of])
    if id_column is not None:
        ids = np.empty(len(frame), dtype=object)
        fresh = source[order] < 0
        ids[order[fresh]] = [f"{prefix}{n:0{width}d}" for n in range(1, int(fresh.sum()) + 1)]
        frame[id_column] = ids
    duplicates = np.flatnonzero(source >= 0)
    if len(duplicates):
        frame.iloc[duplicates] = frame.iloc[source[duplicates]].to_numpy()
    columns = ([id_column] if id_column is not None else []) + [c for c in good.columns if c != id_column]
    return frame.iloc[order][columns].reset_index(drop=True)
