"""The records behind a figure: exactly those its numerator counts, for one period and category, as SQL.

Worked out from the numerator's declaration alone (no indicator is special):
the source's records placed in the period's window, restricted to the
numerator's categories and the chosen cell, and kept when the measure counts
them. A record counts when the measure's own aggregate over that record alone
is above 0: `count(r.incident_id)` for a count, the matching count of ratings
for a sum (a mean's numerator), `count(DISTINCT r.child_id)` for distinct
children. A distinct measure with its own window query ("children with 3 or
more episodes in the 12 months") keeps the records of each identifier the
query counts when it is given that identifier's records alone.

A source read per day and combination (`counted_sql`, whose measures add up
`r.records`) is read here record by record, each standing for one record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..compute.spans import placement_sql, source_sql, window_span, windows_values_sql
from ..indicators import MEASURES, SOURCES, Indicator, Measure
from ..periods import Period
from ..sql import sql_list

DISTINCT = re.compile(r"^\s*count\(\s*DISTINCT\s+(?P<expr>.+)\)\s*$", re.IGNORECASE | re.DOTALL)
RECORD = "_dscp_record"  # the row number that tells records apart while they are tested
IDENTIFIER = "_dscp_identifier"


@dataclass(frozen=True)
class Drilldown:
    """The SQL of a figure's records: `sql` gives the records (date order), `counted_sql` the figure's count
    over them (records, or distinct identifiers for a distinct measure)."""

    sql: str
    counted_sql: str
    distinct: bool


def cell_filters(indicator: Indicator, cell: tuple = ()) -> dict[str, tuple[str, ...]]:
    """The numerator's categories narrowed to the chosen cell: a code the numerator leaves out keeps nothing."""
    filters = dict(indicator.numerator.filters)
    for key, code in cell:
        filters[key] = tuple(c for c in filters.get(key, (code,)) if c == code)
    return filters


def _counting_sql(measure: Measure) -> str:
    """The aggregate that is above 0 exactly for the records the measure counts."""
    if measure.aggregate == "sum":
        if measure.counted_by:
            return MEASURES.get(measure.counted_by).sql
        return f"count({measure.value_sql})"
    return measure.sql


def drilldown_sql(indicator: Indicator, period: Period, cell: tuple, columns: list[str]) -> Drilldown:
    """The drill-down of the figure (see the module docstring). `columns`: the source's record columns."""
    measure = indicator.numerator.measure
    source = SOURCES.get(measure.source)
    first, last = window_span(period, measure.window)
    records = source_sql(measure.source, first, last, counted=False)
    extra = "" if "records" in columns else ", 1 AS records"
    conditions = [f"{measure.dimension(k).category_sql} IN {sql_list(codes)}" if codes else "false"
                  for k, codes in cell_filters(indicator, cell).items()]
    distinct = DISTINCT.match(measure.sql) if measure.aggregate == "distinct" else None
    identifier = f", {distinct['expr']} AS {IDENTIFIER}" if distinct else ""
    placed = (f"SELECT row_number() OVER () AS {RECORD}, r.*{identifier} "
              f"FROM {windows_values_sql([period], measure.window)} w JOIN (SELECT *{extra} FROM ({records})) r "
              f"ON {placement_sql(measure.source)} WHERE {' AND '.join(conditions) or 'true'}")
    if measure.window_sql and distinct:
        inner = f"(SELECT * EXCLUDE ({RECORD}, {IDENTIFIER}) FROM placed WHERE {IDENTIFIER} = i.{IDENTIFIER})"
        query = measure.window_sql.format(windows=windows_values_sql([period], measure.window), records=inner,
                                          date_column=source.date_column)
        kept = (f"SELECT p.* FROM placed p WHERE {IDENTIFIER} IN (SELECT i.{IDENTIFIER} FROM "
                f"(SELECT DISTINCT {IDENTIFIER} FROM placed WHERE {IDENTIFIER} IS NOT NULL) i, "
                f"LATERAL ({query}) q WHERE q.value > 0)")
    else:
        kept = (f"SELECT p.* FROM placed p WHERE {RECORD} IN "
                f"(SELECT {RECORD} FROM placed r GROUP BY {RECORD} HAVING {_counting_sql(measure)} > 0)")
    chosen = f"WITH placed AS ({placed}), chosen AS ({kept}) "
    drop = ", ".join([RECORD, *([IDENTIFIER] if distinct else []), *(["records"] if extra else [])])
    sql = (chosen + f"SELECT * EXCLUDE ({drop}) FROM chosen ORDER BY {source.date_column}, {RECORD}")
    counted = chosen + (f"SELECT count(DISTINCT {IDENTIFIER}) FROM chosen" if distinct else
                        "SELECT count(*) FROM chosen")
    return Drilldown(sql, counted, distinct is not None)


def record_columns_sql(indicator: Indicator, period: Period) -> str:
    """A query with the columns of the numerator's source records (and no rows)."""
    measure = indicator.numerator.measure
    first, last = window_span(period, measure.window)
    return f"SELECT * FROM ({source_sql(measure.source, first, last, counted=False)}) LIMIT 0"
