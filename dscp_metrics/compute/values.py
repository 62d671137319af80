"""The value of a measure for every period and cell asked for: sums of atoms, or a distinct count in SQL.

A *request* is a measure, restricted to some categories (`where`), split by some
breakdown keys. Its answer is a frame with a row per period and cell
(`period`, `k_<key>`..., `value`, and for a sum `sq`, the sum of squares) in
which every category has its row (0 when no record).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

from ..indicators import SOURCES, Measure
from ..periods import Period
from ..sql import sql_list
from .atoms import fetch_atoms, source_dimensions
from .spans import covering_span, placement_sql, source_sql, window_months, windows_values_sql


@dataclass(frozen=True)
class Request:
    """A measure restricted to `where` (key -> codes) and split by `keys`."""

    measure: Measure
    where: tuple[tuple[str, tuple[str, ...]], ...]
    keys: tuple[str, ...]


def cell_categories(measure: Measure, key: str, where: dict, found: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The categories a breakdown over `key` shows: all of the dimension's, or those `where` keeps."""
    categories = measure.dimension(key).all_categories(found.get(key, ()))
    if key in where:
        return tuple(c for c in categories if c in where[key])
    return categories


def full_index(request: Request, periods: Sequence[Period], found: dict) -> pd.MultiIndex | pd.Index:
    where = dict(request.where)
    levels = [[p.code for p in periods]] + [cell_categories(request.measure, k, where, found) for k in request.keys]
    if not request.keys:
        return pd.Index(levels[0], name="period")
    return pd.MultiIndex.from_tuples(list(product(*levels)), names=["period", *(f"k_{k}" for k in request.keys)])


class AtomValues:
    """The additive requests of one source, answered from its monthly atoms (fetched once)."""

    def __init__(self, con, measures: list[Measure], sql: str, periods: Sequence[Period]) -> None:
        self.sql = sql
        self.atoms = fetch_atoms(con, sql)
        self.dimensions = source_dimensions(measures)
        kinds = {m.window for m in measures}
        self.membership = {
            kind: pd.DataFrame(
                [(p.code, month) for p in periods for month in window_months(p, kind)], columns=["period", "month"]
            )
            for kind in kinds
        }

    def answer(self, request: Request, periods: Sequence[Period], found: dict) -> pd.DataFrame:
        m = request.measure
        atoms = self.atoms
        for key, codes in request.where:
            atoms = atoms[atoms[f"d_{key}"].isin(codes)]
        columns = [f"m_{m.id}"] + ([f"q_{m.id}"] if m.aggregate == "sum" else [])
        placed = self.membership[m.window].merge(atoms[["month", *(f"d_{k}" for k in request.keys), *columns]],
                                                 on="month", how="inner")
        placed = placed.rename(columns={f"d_{k}": f"k_{k}" for k in request.keys})
        grouped = placed.groupby(["period", *(f"k_{k}" for k in request.keys)], sort=False)[columns].sum()
        index = full_index(request, periods, found)
        out = grouped.reindex(index, fill_value=0)
        out.columns = ["value"] + (["sq"] if m.aggregate == "sum" else [])
        return out.reset_index()


def distinct_values(con, request: Request, periods: Sequence[Period], found: dict) -> pd.DataFrame:
    """A distinct count per period window (and cell), in SQL over the records placed in each window."""
    m = request.measure
    source = SOURCES.get(m.source)
    first, last = covering_span(periods, [m.window])
    records = source_sql(m.source, first, last, counted=False)
    if request.where:
        condition = " AND ".join(f"{m.dimension(k).category_sql} IN {sql_list(codes)}" for k, codes in request.where)
        records = f"SELECT * FROM ({records}) r WHERE {condition}"
    windows = windows_values_sql(periods, m.window)
    if m.window_sql:
        if request.keys:
            raise ValueError(f"measure {m.id} has its own window query and no breakdown")
        sql = m.window_sql.format(windows=windows, records=f"({records})", date_column=source.date_column)
    else:
        cells = "".join(f", {m.dimension(k).category_sql} AS k_{k}" for k in request.keys)
        sql = (f"SELECT w.period{cells}, {m.sql} AS value FROM {windows} w "
               f"JOIN ({records}) r ON {placement_sql(m.source)} GROUP BY ALL")
    found_rows = con.execute(sql).df()
    index = full_index(request, periods, found)
    keys = ["period", *(f"k_{k}" for k in request.keys)]
    values = found_rows.set_index(keys)["value"] if len(found_rows) else pd.Series(dtype=float)
    out = values.reindex(index, fill_value=0).astype(np.int64).rename("value")
    return out.reset_index()


def data_categories(con, measures: Sequence[Measure]) -> dict[str, tuple[str, ...]]:
    """For each dimension whose categories come from the data: every value its source holds, sorted."""
    from .spans import all_records_sql

    found: dict[str, tuple[str, ...]] = {}
    for measure in measures:
        for dim in measure.dimensions:
            if dim.categories is None and dim.key not in found:
                rows = con.execute(
                    f"SELECT DISTINCT {dim.category_sql} AS c FROM ({all_records_sql(measure.source)}) r "
                    f"WHERE {dim.sql} IS NOT NULL ORDER BY c"
                ).fetchall()
                found[dim.key] = tuple(str(c) for (c,) in rows)
    return found
