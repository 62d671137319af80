"""The value of a measure for every period and cell asked for: sums of atoms, or a distinct count in SQL.

A *request* is a measure, restricted to some categories (`where`), split by some
breakdown keys. Its `Answer` holds a value for every period and every cell of
the breakdown (0 when no record) and, for a sum, the sum of squares. Sums of
atoms are matrix products in numpy: the atoms are small (months × categories),
and a frame per request would cost more than the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

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


@dataclass(frozen=True)
class Answer:
    """A request's values: `value[p, c]` for the p-th period asked and the c-th of `cells` (tuples of
    codes, one per key, every combination of the categories shown); `sq` likewise for a sum."""

    cells: tuple[tuple[str, ...], ...]
    value: np.ndarray
    sq: np.ndarray | None = None

    def columns(self, cells: Sequence[tuple[str, ...]]) -> np.ndarray:
        """The column of each of `cells`."""
        position = {cell: n for n, cell in enumerate(self.cells)}
        return np.array([position[tuple(cell)] for cell in cells], dtype=np.int64)


def cell_categories(measure: Measure, key: str, where: dict, found: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The categories a breakdown over `key` shows: all of the dimension's, or those `where` keeps."""
    categories = measure.dimension(key).all_categories(found.get(key, ()))
    if key in where:
        return tuple(c for c in categories if c in where[key])
    return categories


def request_levels(request: Request, found: dict) -> list[tuple[str, ...]]:
    """For each breakdown key, the categories its cells show."""
    where = dict(request.where)
    return [cell_categories(request.measure, k, where, found) for k in request.keys]


class AtomValues:
    """The additive requests of one source, answered from its monthly atoms (fetched once)."""

    def __init__(self, con, measures: list[Measure], sql: str, periods: Sequence[Period]) -> None:
        self.sql = sql
        atoms = fetch_atoms(con, sql)
        months = [str(m) for m in atoms["month"]]
        self.month_list = sorted(set(months))
        where_month = {m: n for n, m in enumerate(self.month_list)}
        self.month_of_atom = np.array([where_month[m] for m in months], dtype=np.int64)
        self.size = len(months)
        self.codes: dict[str, tuple[list[str], np.ndarray]] = {}
        for dim in source_dimensions(measures):
            column = [str(v) for v in atoms[f"d_{dim.key}"]]
            distinct = sorted(set(column))
            at = {c: n for n, c in enumerate(distinct)}
            self.codes[dim.key] = (distinct, np.array([at[c] for c in column], dtype=np.int64))
        self.figures = {name: np.ma.filled(np.ma.asarray(values), 0).astype(float)
                        for name, values in atoms.items() if name[:2] in ("m_", "q_")}
        self.membership = {kind: self._membership(periods, kind) for kind in {m.window for m in measures}}

    def _membership(self, periods: Sequence[Period], kind: str) -> np.ndarray:
        """`[p, month]` is 1 when the month is in the p-th period's window."""
        matrix = np.zeros((len(periods), len(self.month_list)))
        position = {m: n for n, m in enumerate(self.month_list)}
        for row, period in enumerate(periods):
            for month in window_months(period, kind):
                if month in position:
                    matrix[row, position[month]] = 1.0
        return matrix

    def _positions(self, key: str, categories: Sequence[str]) -> np.ndarray:
        """Each atom's position among `categories` of `key` (-1 when not among them)."""
        distinct, inverse = self.codes[key]
        at = {c: n for n, c in enumerate(categories)}
        return np.array([at.get(c, -1) for c in distinct], dtype=np.int64)[inverse]

    def answer(self, request: Request, periods: Sequence[Period], found: dict) -> Answer:
        m = request.measure
        keep = np.ones(self.size, dtype=bool)
        for key, codes in request.where:
            keep &= self._positions(key, codes) >= 0
        levels = request_levels(request, found)
        cell = np.zeros(self.size, dtype=np.int64)
        for key, categories in zip(request.keys, levels):
            position = self._positions(key, categories)
            keep &= position >= 0
            cell = cell * len(categories) + position
        width = int(np.prod([len(c) for c in levels])) if levels else 1
        slot = (self.month_of_atom * width + cell)[keep]

        def total(name: str) -> np.ndarray:
            by_month = np.bincount(slot, weights=self.figures[name][keep], minlength=len(self.month_list) * width)
            return self.membership[m.window] @ by_month.reshape(len(self.month_list), width)

        cells = tuple(product(*levels))
        return Answer(cells, total(f"m_{m.id}"), total(f"q_{m.id}") if m.aggregate == "sum" else None)


def distinct_values(con, request: Request, periods: Sequence[Period], found: dict) -> Answer:
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
    cells = tuple(product(*request_levels(request, found)))
    row_of = {p.code: n for n, p in enumerate(periods)}
    column_of = {cell: n for n, cell in enumerate(cells)}
    value = np.zeros((len(periods), len(cells)))
    for period, *cell, count in con.execute(sql).fetchall():
        column = column_of.get(tuple(str(c) for c in cell))
        if column is not None and period in row_of:
            value[row_of[period], column] = count
    return Answer(cells, value)


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
