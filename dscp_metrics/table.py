"""The indicator table: every declared indicator computed for periods, in DuckDB.

One row per indicator, period and breakdown cell, with the columns of
`indicators.md` ("The indicator table"). Counting runs set-based in DuckDB: for
each extract, a view places its records (for referrals: its per-day counts) in
each period's window; every indicator without a breakdown over that extract is
then one column of a single grouped query, and each breakdown one query more. A breakdown category with no records still gets its row (0); a `%` with
a zero denominator has an empty value; an indicator whose extract was never
loaded has no rows (and is named in the notes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product

import duckdb
import numpy as np
import pandas as pd

from . import stats
from .indicators import REGISTRY, SOURCES, Indicator
from .periods import Period
from .windows import Window, month_windows, prefetched_table, source_sql, sql_date, windows_for

COLUMNS = [
    "indicator_id",
    "period",
    "breakdown",
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "unit",
]
INTERNAL_COLUMNS = ["suppression_group", "is_group_total"]


@dataclass
class IndicatorTable:
    """The computed table and what could not be computed."""

    frame: pd.DataFrame
    missing_sources: dict[str, list[str]] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """One sentence per extract that was never loaded, naming the indicators left out."""
        return [
            f"{source}.csv was never loaded: no rows for {', '.join(ids)}"
            for source, ids in self.missing_sources.items()
        ]


def _select_indicators(ids: Sequence[str] | None) -> list[Indicator]:
    return [REGISTRY.get(i) for i in ids] if ids else list(REGISTRY)


def compute(
    con: duckdb.DuckDBPyConnection,
    windows: Sequence[Window],
    ids: Sequence[str] | None = None,
    loaded: set[str] | None = None,
) -> IndicatorTable:
    """Compute the indicators (all, or `ids`) for each window on a store connection (see `db.open_store`)."""
    from .store import store_tables

    indicators = _select_indicators(ids)
    loaded = store_tables(con) if loaded is None else loaded
    missing: dict[str, list[str]] = {}
    ready: list[Indicator] = []
    for indicator in indicators:
        absent = [s for s in indicator.sources if s not in loaded]
        for source in absent:
            missing.setdefault(source, []).append(indicator.id)
        if not absent:
            ready.append(indicator)
    if not windows or not ready:
        return IndicatorTable(_empty_frame(), missing)

    _create_window_tables(con, windows, {i.window for i in ready})
    for source, kind in sorted({(i.source, i.window) for i in ready}):
        _create_records_table(con, source, kind, windows)
    raw = pd.concat([_query(con, group) for group in _query_groups(ready)], ignore_index=True)
    order = {indicator.id: n for n, indicator in enumerate(ready)}
    raw["indicator_order"] = raw["indicator_id"].map(order)
    raw = raw.sort_values(["indicator_order", "period_order", "cell"], kind="stable").reset_index(drop=True)
    return IndicatorTable(_finish(raw, {i.id: i for i in ready}), missing)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS + INTERNAL_COLUMNS})


def _create_window_tables(con, windows: Sequence[Window], kinds: set[str]) -> None:
    for kind in kinds:
        rows = ", ".join(
            f"('{w.label}', {order}, {sql_date(w.span(kind)[0])}, {sql_date(w.span(kind)[1])})"
            for order, w in enumerate(windows)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE windows_{kind} AS "
            f"SELECT * FROM (VALUES {rows}) AS w(period, period_order, window_start, window_end)"
        )


def _create_records_table(con, source_name: str, kind: str, windows: Sequence[Window]) -> None:
    """A view of the source's records (or counts) in each window (a record may fall in several).

    When `windows.prefetch` has already computed the very same source SQL, the
    view reads its in-memory table instead.
    """
    source = SOURCES[source_name]
    records = source_sql(source_name, kind, windows)
    prefetched = prefetched_table(records)
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' AND table_name = ?", [prefetched]
    ).fetchone()[0]
    if found:
        records = f"SELECT * FROM main.{prefetched}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW records_{source_name}_{kind} AS "
        f"SELECT w.period, r.* FROM windows_{kind} w "
        f"JOIN ({records}) r ON r.{source.date_column} BETWEEN w.window_start AND w.window_end"
    )


def _query_groups(indicators: Sequence[Indicator]) -> list[list[Indicator]]:
    """Indicators computed by one query: every indicator without a breakdown over
    the same extract and window shares one scan; a breakdown has its own query."""
    groups: dict[tuple, list[Indicator]] = {}
    for indicator in indicators:
        key = (indicator.source, indicator.window) if not indicator.breakdowns else (indicator.id,)
        groups.setdefault(key, []).append(indicator)
    return list(groups.values())


def _denominator_sql(indicator: Indicator) -> str:
    if indicator.denominator_sql:
        return indicator.denominator_sql
    if indicator.denominator_source_sql:
        return indicator.denominator_source_sql.format(start="w.window_start", end="w.window_end")
    return "NULL::BIGINT"


def _query(con, group: list[Indicator]) -> pd.DataFrame:
    """Run one query for a group of indicators; one long frame back (a row per indicator, window and cell)."""
    first = group[0]
    windows = f"windows_{first.window}"
    records = f"records_{first.source}_{first.window}"
    figures = ", ".join(
        f"{i.numerator_sql} AS n{n}, {_denominator_sql(i)} AS d{n}" for n, i in enumerate(group)
    )
    keys = first.breakdown_keys()
    selects = []
    if first.include_all or not first.breakdowns:
        nulls = "".join(f", NULL::VARCHAR AS k_{k}" for k in keys)
        selects.append(
            f"SELECT w.period, w.period_order, 0 AS cell, 'all' AS breakdown{nulls}, {figures} "
            f"FROM {windows} w LEFT JOIN {records} r ON r.period = w.period "
            f"GROUP BY w.period, w.period_order, w.window_start, w.window_end"
        )
    if first.breakdowns:
        cells = list(product(*(d.categories for d in first.breakdowns)))
        values = ", ".join(
            "(" + ", ".join([str(n + 1), _literal(_breakdown_label(keys, cell))] + [_literal(c) for c in cell]) + ")"
            for n, cell in enumerate(cells)
        )
        cell_columns = ", ".join(["cell", "breakdown"] + [f"k_{k}" for k in keys])
        join = " AND ".join(f"{d.sql} = c.k_{d.key}" for d in first.breakdowns)
        selects.append(
            f"SELECT w.period, w.period_order, c.cell, c.breakdown"
            + "".join(f", c.k_{k}" for k in keys)
            + f", {figures} "
            f"FROM {windows} w CROSS JOIN (VALUES {values}) AS c({cell_columns}) "
            f"LEFT JOIN {records} r ON r.period = w.period AND {join} "
            f"GROUP BY ALL"
        )
    frame = con.execute(" UNION ALL ".join(f"({s})" for s in selects)).df()
    parts = []
    for n, indicator in enumerate(group):
        part = frame[["period", "period_order", "cell", "breakdown", *(f"k_{k}" for k in keys)]].copy()
        part["indicator_id"] = indicator.id
        part["numerator"] = frame[f"n{n}"].astype("int64")
        if indicator.share_within is not None:
            within = ["period", *(f"k_{k}" for k in indicator.share_within)]
            part["denominator"] = part.groupby(within, sort=False, dropna=False)["numerator"].transform("sum")
        elif indicator.unit == "%":
            part["denominator"] = frame[f"d{n}"].fillna(0).astype("int64")
        else:
            part["denominator"] = np.nan
        part["suppression_group"] = _suppression_groups(indicator, part)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _finish(raw: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """Values and 95% intervals for every row at once: Wilson for a %, Byar or exact Poisson for a count."""
    unit = raw["indicator_id"].map(lambda i: indicators[i].unit).to_numpy()
    is_rate = unit == "%"
    numerator = raw["numerator"].to_numpy(dtype=np.int64)
    denominator = raw["denominator"].fillna(0).to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1) * 100, np.nan)
    # A proportion's interval needs numerator <= denominator; more returns than
    # issued (an OSA data problem) keeps its value but has no interval.
    valid = is_rate & (numerator <= denominator)
    wilson_lower, wilson_upper = stats.wilson_interval(np.where(valid, numerator, 0), np.where(is_rate, denominator, 0))
    count_lower, count_upper = stats.count_interval(numerator)
    out = pd.DataFrame(
        {
            "indicator_id": raw["indicator_id"].astype(str).to_numpy(),
            "period": raw["period"].astype(str).to_numpy(),
            "breakdown": raw["breakdown"].astype(str).to_numpy(),
            "numerator": pd.array(numerator, dtype="Int64"),
            "denominator": pd.array(np.where(is_rate, denominator, 0), dtype="Int64"),
            "value": np.where(is_rate, rate, numerator.astype(float)),
            "lower_ci": np.where(is_rate, np.where(valid, np.asarray(wilson_lower) * 100, np.nan), count_lower),
            "upper_ci": np.where(is_rate, np.where(valid, np.asarray(wilson_upper) * 100, np.nan), count_upper),
            "unit": unit,
            "suppression_group": raw["suppression_group"].to_numpy(dtype=object),
            "is_group_total": (raw["suppression_group"].notna() & raw["breakdown"].eq("all")).to_numpy(),
        }
    )
    out.loc[~is_rate, "denominator"] = pd.NA
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _breakdown_label(keys: Sequence[str], cell: Sequence[str]) -> str:
    """`key=value`, two keys joined by `;` (the table's breakdown column)."""
    return ";".join(f"{k}={v}" for k, v in zip(keys, cell))


def _suppression_groups(indicator: Indicator, part: pd.DataFrame) -> pd.Series:
    """Rows whose numerators add up to a visible total share a group (see `disclosure`).

    - a breakdown with an `all` row: the cells add up to the `all` row, which is the group's total;
    - a share of a denominator (`share_within`): the cells sharing the keys add
      up to their common denominator, and no row is the total.
    """
    if not indicator.breakdowns:
        return pd.Series([None] * len(part), index=part.index, dtype="object")
    group = indicator.id + "|" + part["period"].astype(str)
    for key in indicator.share_within or ():
        group = group + "|" + key + "=" + part[f"k_{key}"].astype(str)
    return group.astype("object")


def indicator_table(
    con: duckdb.DuckDBPyConnection,
    periods: Iterable[str | Period],
    ids: Sequence[str] | None = None,
) -> IndicatorTable:
    """The indicator table for periods (quarters or financial years), in the order given."""
    return compute(con, windows_for(periods), ids)


def monthly_table(
    con: duckdb.DuckDBPyConnection,
    first_month: dt.date,
    last_month: dt.date,
    ids: Sequence[str] | None = None,
) -> IndicatorTable:
    """The indicators month by month (period labelled `YYYY-MM`), for SPC charts."""
    return compute(con, month_windows(first_month, last_month), ids)


def public_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with only the columns `indicators.md` defines (internal helpers dropped)."""
    return frame[COLUMNS]
