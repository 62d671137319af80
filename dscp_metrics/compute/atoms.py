"""Monthly atoms: every additive measure of a source, counted per calendar month and category.

A count (or sum) of records adds up: the figure for a quarter, a year or a
rolling 12 months is the sum of its months, and the figure for a category (or a
set of categories) is the sum of its cells. So each source's additive measures
are counted once, per month and per combination of every category the measures
can be split by ("atoms"), and every figure is then a sum of atoms. The same
atoms are the unknowns of the disclosure audit (`disclosure.relations`).

Pandas-free until the result is fetched: `prefetch` starts the heavy queries on
DuckDB's threads while the caller imports pandas.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence

from ..indicators import SOURCES, Measure
from ..indicators.model import Dimension
from .spans import source_sql


def source_dimensions(measures: Iterable[Measure]) -> list[Dimension]:
    """The union of the measures' dimensions, each key once, in declaration order."""
    found: dict[str, Dimension] = {}
    for measure in measures:
        for dim in measure.dimensions:
            found.setdefault(dim.key, dim)
    return list(found.values())


def additive_by_source(measures: Iterable[Measure]) -> dict[str, list[Measure]]:
    grouped: dict[str, list[Measure]] = {}
    for measure in measures:
        if measure.additive and measure not in grouped.get(measure.source, []):
            grouped.setdefault(measure.source, []).append(measure)
    return grouped


def atoms_sql(source_name: str, measures: Sequence[Measure], first, last, precounted: bool = False) -> str:
    """One query: per month and category combination, every measure's value (and a sum's sum of squares);
    `precounted`: read the source's counted table (the store holds it, current)."""
    source = SOURCES.get(source_name)
    dims = source_dimensions(measures)
    keys = [f"strftime(r.{source.date_column}, '%Y-%m') AS month"] + [f"{d.category_sql} AS d_{d.key}" for d in dims]
    figures = []
    for m in measures:
        figures.append(f"{m.sql} AS m_{m.id}")
        if m.aggregate == "sum":
            value = f"CAST({m.value_sql} AS DOUBLE)"
            figures.append(f"coalesce(sum({value} * {value}), 0) AS q_{m.id}")
    return (f"SELECT {', '.join(keys)}, {', '.join(figures)} "
            f"FROM ({source_sql(source_name, first, last, precounted=precounted)}) r GROUP BY ALL")


def prefetched_name(sql: str) -> str:
    return "atoms_" + hashlib.sha256(sql.encode("utf-8")).hexdigest()[:16]


def fetch_atoms(con, sql: str):
    """The atoms as numpy columns by name (read from the prefetched table when there is one)."""
    name = prefetched_name(sql)
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory' AND table_name = ?", [name]
    ).fetchone()[0]
    return con.execute(f"SELECT * FROM main.{name}" if found else sql).fetchnumpy()


def prefetch(con, queries: Sequence[str]) -> threading.Thread | None:
    """Run the atom queries in the background into in-memory tables of the connection's database.

    `fetch_atoms` reads such a table when its SQL is the very same. Join the thread
    before computing. An error (an extract never loaded) is left for the computation to report.
    """
    if not queries:
        return None
    cursor = con.cursor()

    def run() -> None:
        try:
            for sql in queries:
                cursor.execute(f"CREATE TABLE IF NOT EXISTS main.{prefetched_name(sql)} AS {sql}")
        except Exception:  # noqa: BLE001 - reported by the computation itself
            pass
        finally:
            cursor.close()

    thread = threading.Thread(target=run, name="dscp-prefetch", daemon=True)
    thread.start()
    return thread


def atom_plan(indicators, periods, current: set[str]) -> dict[str, tuple[list[Measure], str]]:
    """For each source: its additive measures (of these indicators) and the one query that counts their atoms
    (from the source's counted table when it is among the store's `current` ones, `compute.counted`)."""
    from .spans import covering_span, precounted

    measures = list(dict.fromkeys(m for i in indicators for m in i.measures))
    plan = {}
    for source_name, source_measures in additive_by_source(measures).items():
        first, last = covering_span(periods, {m.window for m in source_measures})
        plan[source_name] = (source_measures, atoms_sql(source_name, source_measures, first, last,
                                                        precounted(source_name, current)))
    return plan


def prefetch_for(con, periods, ids=None) -> threading.Thread | None:
    """Start the atom queries of the large, pre-counted extracts (referrals) for these periods and indicators."""
    from ..indicators import REGISTRY
    from .counted import current_counted_tables

    indicators = [REGISTRY.get(i) for i in ids] if ids else list(REGISTRY)
    plan = atom_plan(indicators, periods, current_counted_tables(con))
    return prefetch(con, [sql for name, (_, sql) in plan.items() if SOURCES.get(name).counted_sql])
