"""The counted tables a load writes beside the extracts: each counted source's per-day counts (re-referrals).

A source with a `counted_table` (indicators.model.Source) is read per day and
combination of the columns its measures use; for referrals that needs the
12-month look-back over every referral, a window over the whole extract. The
load works it out once, over every record, and every later read (pack,
explorer, `dscp indicators`) takes the days it needs from the table. It is
rewritten whenever one of the source's tables was replaced, and written for a
store that lacks it (one written before it existed), so it always describes
the extracts beside it.
"""

from __future__ import annotations

import duckdb

from ..compute.spans import counted_table_sql
from ..indicators import SOURCES
from ..store import STORE, store_tables


def write_counted_tables(con: duckdb.DuckDBPyConnection, replaced: set[str]) -> list[str]:
    """(Re)write the counted table of every source whose tables were `replaced`, or whose counted table is
    missing while its tables are there; returns the tables written. `con` has the new store as `store`."""
    present = store_tables(con)
    written = []
    for source in SOURCES:
        table = source.counted_table
        if table is None or not all(t in present for t in source.tables):
            continue
        if table in present and not replaced.intersection(source.tables):
            continue
        con.execute(f'CREATE OR REPLACE TABLE {STORE}."{table}" AS {counted_table_sql(source.name)}')
        written.append(table)
    return written
