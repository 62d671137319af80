"""The indicator table: every declared indicator for the periods asked (indicators.md, "The indicator table").

One row per indicator, period and breakdown cell, with the public columns
`indicator_id, period, breakdown, numerator, denominator, value, lower_ci,
upper_ci, unit` and internal ones the publication and the views read (never
exported): `cell` (the breakdown as a tuple of (key, code) pairs), `num_key` and
`den_key` (which quantity the numerator and denominator are: two rows with the
same key show the same number), `num_sq` (a mean's sum of squares),
`history_complete` (False when the source's look-back runs short for the
period) and `period_kind`.

- a `count` is its numerator, with a 95% interval by Byar's method (exact
  Poisson below 10); a `%` is numerator / denominator × 100 with Wilson's
  interval; a `mean` is the sum of the ratings / how many there are, with
  Student's t interval (none with fewer than 2 ratings);
- a denominator of 0 gives no value, never 0 and never an error; a `%` whose
  numerator exceeds its denominator (more OSA returns than issued) keeps its
  value and has no interval;
- a breakdown category with no records has its row, with 0; an indicator whose
  extract was not supplied has no rows (and is named in the notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
import numpy as np
import pandas as pd

from ..methods import intervals
from ..indicators import REGISTRY, SOURCES, Indicator, Ref
from ..periods import Period, months_before, parse_periods
from ..store import store_tables
from .atoms import atom_plan
from .counted import current_counted_tables
from .quantities import cell_filters, in_period
from .spans import window_span
from .values import Answer, AtomValues, Request, data_categories, distinct_values

COLUMNS = ["indicator_id", "period", "breakdown", "numerator", "denominator", "value", "lower_ci", "upper_ci", "unit"]
INTERNAL_COLUMNS = ["cell", "num_key", "den_key", "num_sq", "history_complete", "period_kind"]


@dataclass
class IndicatorTable:
    """The computed table, what could not be computed, and what the data says about itself."""

    frame: pd.DataFrame
    missing_sources: dict[str, list[str]] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    first_dates: dict[str, object] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One sentence per extract that was never loaded, naming the indicators left out."""
        return [f"{table}.csv was never loaded: no rows for {', '.join(ids)}"
                for table, ids in self.missing_sources.items()]


def breakdown_label(cell: Sequence[tuple[str, str]]) -> str:
    """`all`, `key=value`, or two keys joined by `;` (the table's breakdown column)."""
    return ";".join(f"{k}={v}" for k, v in cell) or "all"


def _requests(indicator: Indicator, whole_only: bool = False) -> list[tuple[tuple[str, ...], Request, Request | None]]:
    """For each breakdown (the whole figure first; only it with `whole_only`): the numerator's and the
    denominator's request."""
    out = []
    shapes = ([()] if indicator.include_all else []) + ([] if whole_only else list(indicator.breakdowns))
    for keys in shapes:
        numerator = Request(indicator.numerator.measure, indicator.numerator.where, tuple(keys))
        denominator = None
        if indicator.denominator is not None:
            den_keys = tuple(k for k in keys if indicator.denominator_by is None or k in indicator.denominator_by)
            denominator = Request(indicator.denominator.measure, indicator.denominator.where, den_keys)
        out.append((tuple(keys), numerator, denominator))
    return out


def compute(con, periods: Sequence[Period], ids: Sequence[str] | None = None,
            loaded: set[str] | None = None, whole_only: bool = False) -> IndicatorTable:
    """Compute the indicators (all, or `ids`) for `periods` on a store connection (see `store.open_store`);
    `whole_only`: each indicator's whole figure only, no breakdown (for monthly series)."""
    indicators = [REGISTRY.get(i) for i in ids] if ids else list(REGISTRY)
    loaded = store_tables(con) if loaded is None else loaded
    missing: dict[str, list[str]] = {}
    ready = []
    for indicator in indicators:
        absent = [t for t in REGISTRY.tables_needed(indicator) if t not in loaded]
        for table in absent:
            missing.setdefault(table, []).append(indicator.id)
        if not absent:
            ready.append(indicator)
    periods = list(periods)
    if whole_only:
        ready = [i for i in ready if i.include_all]
    if not periods or not ready:
        return IndicatorTable(empty_frame(), missing)

    measures = list(dict.fromkeys(m for i in ready for m in i.measures))
    found = data_categories(con, measures)
    plans = {i.id: _requests(i, whole_only) for i in ready}
    ready = [i for i in ready if plans[i.id]]
    requests = list(dict.fromkeys(r for plan in plans.values() for _, n, d in plan for r in (n, d) if r is not None))
    answers: dict[Request, Answer] = {}
    for source_name, (source_measures, sql) in atom_plan(ready, periods, current_counted_tables(con, loaded)).items():
        atoms = AtomValues(con, source_measures, sql, periods)
        for request in requests:
            if request.measure.source == source_name and request.measure.additive:
                answers[request] = atoms.answer(request, periods, found)
    for request in requests:
        if not request.measure.additive:
            answers[request] = distinct_values(con, request, periods, found)
    first_dates = _first_dates(con, ready)
    columns: dict[str, list] = {name: [] for name in ROW_FIELDS}
    for indicator in ready:
        _rows(indicator, plans[indicator.id], answers, periods, found, first_dates, columns)
    frame = _finish(pd.DataFrame(columns))
    return IndicatorTable(frame, missing, found, first_dates)


def _short_of_data(indicator: Indicator) -> list[str]:
    """The sources whose first record can leave a figure of the indicator incomplete: a look-back history
    (re-referrals), or a rolling window over records that do not come in exercises."""
    return [m.source for m in indicator.measures
            if indicator.history_months or (m.window == "rolling_12_months" and not SOURCES.get(m.source).periodic)]


def _first_dates(con, indicators: Iterable[Indicator]) -> dict[str, object]:
    """The first record date of each source that can leave an indicator's figures incomplete."""
    dates = {}
    for name in {source for i in indicators for source in _short_of_data(i)}:
        source = SOURCES.get(name)
        dates[name] = con.execute(f"SELECT min({source.date_column}) FROM store.{source.tables[0]}").fetchone()[0]
    return dates


def _history_complete(indicator: Indicator, period: Period, first_dates: dict, short: list[str]) -> bool:
    """False when the period's window starts before the source's first record plus the look-back needed
    (re-referrals), or, for a rolling window, before the month of the source's first record (`short`: the
    indicator's sources that can be short of data, `_short_of_data`)."""
    for measure in indicator.measures:
        first = first_dates.get(measure.source)
        if first is None or measure.source not in short:
            continue
        needed = months_before(first, -indicator.history_months) if indicator.history_months else first.replace(day=1)
        if window_span(period, measure.window)[0] < needed:
            return False
    return True


ROW_FIELDS = ("indicator_id", "unit", "period", "period_kind", "cell", "breakdown", "numerator", "num_sq",
              "denominator", "num_key", "den_key", "history_complete")


def _rows(indicator: Indicator, plan, answers, periods, found, first_dates, columns: dict[str, list]) -> None:
    """Append the indicator's rows to `columns` (ROW_FIELDS): for every period, the whole figure and then each
    breakdown's cells."""
    short = _short_of_data(indicator)
    complete = [_history_complete(indicator, p, first_dates, short) for p in periods]
    shapes = []
    for keys, num_request, den_request in plan:
        numerator: Answer = answers[num_request]
        den_columns = None
        if den_request is not None:
            denominator: Answer = answers[den_request]
            projected = [tuple(code for key, code in zip(keys, cell) if key in den_request.keys)
                         for cell in numerator.cells]
            den_columns = denominator.columns(projected)
        cells = [tuple(zip(keys, cell)) for cell in numerator.cells]
        shapes.append((cells, [breakdown_label(c) for c in cells], [cell_filters(indicator, c, found) for c in cells],
                       numerator, den_columns, None if den_request is None else answers[den_request]))
    for row, period in enumerate(periods):
        for cells, labels, filters, numerator, den_columns, denominator in shapes:
            n = len(cells)
            columns["period"] += [period.code] * n
            columns["period_kind"] += [period.kind] * n
            columns["history_complete"] += [complete[row]] * n
            columns["cell"] += cells
            columns["breakdown"] += labels
            columns["numerator"] += list(numerator.value[row])
            columns["num_sq"] += list(numerator.sq[row]) if numerator.sq is not None else [np.nan] * n
            columns["denominator"] += (list(denominator.value[row, den_columns]) if denominator is not None
                                       else [np.nan] * n)
            for cell_filter in filters:
                num_key, den_key = in_period(indicator, period.code, cell_filter)
                columns["num_key"].append(num_key)
                columns["den_key"].append(den_key)
    added = len(columns["period"]) - len(columns["indicator_id"])
    columns["indicator_id"] += [indicator.id] * added
    columns["unit"] += [indicator.unit] * added


def _finish(raw: pd.DataFrame) -> pd.DataFrame:
    """Values and 95% intervals for every row at once."""
    unit = raw["unit"].to_numpy()
    is_rate, is_mean = unit == "%", unit == "mean"
    has_den = is_rate | is_mean
    numerator = raw["numerator"].to_numpy(dtype=float)
    denominator = np.where(has_den, raw["denominator"].to_numpy(dtype=float), 0.0)
    positive = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(positive, numerator / np.where(positive, denominator, 1), np.nan)
    valid_rate = is_rate & positive & (numerator <= denominator)
    wilson_lower, wilson_upper = intervals.wilson_interval(
        np.where(valid_rate, numerator, 0), np.where(valid_rate, denominator, 0))
    count_lower, count_upper = intervals.count_interval(np.where(has_den, 0, numerator))
    mean_lower, mean_upper = np.full(len(raw), np.nan), np.full(len(raw), np.nan)
    if is_mean.any():  # only means need Student's t (and scipy's import)
        mean_lower[is_mean], mean_upper[is_mean] = intervals.t_interval(
            numerator[is_mean], raw["num_sq"].to_numpy(dtype=float)[is_mean], denominator[is_mean])
    value = np.select([is_rate, is_mean], [ratio * 100, ratio], numerator)
    lower = np.select([is_rate, is_mean], [np.where(valid_rate, wilson_lower * 100, np.nan), mean_lower], count_lower)
    upper = np.select([is_rate, is_mean], [np.where(valid_rate, wilson_upper * 100, np.nan), mean_upper], count_upper)
    out = pd.DataFrame({
        "indicator_id": raw["indicator_id"].astype(str).to_numpy(),
        "period": raw["period"].astype(str).to_numpy(),
        "breakdown": raw["breakdown"].astype(str).to_numpy(),
        "numerator": pd.array(np.round(numerator).astype(np.int64), dtype="Int64"),
        "denominator": pd.array(np.where(has_den, denominator, 0).astype(np.int64), dtype="Int64"),
        "value": value,
        "lower_ci": lower,
        "upper_ci": upper,
        "unit": unit,
    })
    out.loc[~has_den, "denominator"] = pd.NA
    for column in INTERNAL_COLUMNS:
        out[column] = raw[column].to_numpy()
    return out


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS + INTERNAL_COLUMNS})


def indicator_table(con, periods: Iterable[str | Period], ids: Sequence[str] | None = None) -> IndicatorTable:
    """The indicator table for periods (months, quarters or financial years), in the order given."""
    return compute(con, parse_periods(periods), ids)


def public(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns `indicators.md` defines, in order."""
    return frame[COLUMNS]


__all__ = ["COLUMNS", "INTERNAL_COLUMNS", "IndicatorTable", "Ref", "breakdown_label", "compute", "indicator_table"]
