"""The counted tables a load writes beside the extracts, and when a reader may use one.

A source with a `counted_table` (indicators.model.Source: the referrals) is read
per day and combination of the columns its measures use; for referrals that
needs the 12-month look-back over every referral, a window over the whole
extract. `dscp load` works it out once, over every record, into that table
(`write_counted_tables`), and every later read takes the days it needs from it.

A counted table is used only while it is **current**: the row `dscp load` wrote
for it in `counted_tables` names the SQL that made it (its SHA-256) and the load
of each table it was made from (the file's checksum and load time in
`load_log`), and both still match. So a table made by another version's SQL, or
left beside referrals that a load by an earlier version of this workbook
replaced without it, is never read: figures are then worked out from the
records (`counted_sql`) and the next load writes the table again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..indicators import SOURCES
from ..indicators.model import Source
from ..store import STORE, store_tables
from .spans import counted_table_sql

PROVENANCE = "counted_tables"
PROVENANCE_DDL = (f"CREATE TABLE IF NOT EXISTS {STORE}.{PROVENANCE} "
                  "(name VARCHAR, sql_sha256 VARCHAR, made_from VARCHAR)")


def _provenance(con, source: Source, loaded: set[str]) -> tuple[str, str]:
    """What a current counted table of `source` was made by: the SHA-256 of its SQL, and the loads of the
    source's tables (`table:checksum:load time`, `-` for a table without a load_log row)."""
    sql = counted_table_sql(source.name)
    logged = {}
    if "load_log" in loaded:
        logged = {name: f"{sha}:{at.isoformat()}" for name, sha, at in con.execute(
            f"SELECT source, sha256, loaded_at FROM {STORE}.load_log").fetchall()}
    made_from = ";".join(f"{t}:{logged.get(t, '-')}" for t in source.tables)
    return hashlib.sha256(sql.encode("utf-8")).hexdigest(), made_from


def current_counted_tables(con, loaded: Iterable[str] | None = None) -> set[str]:
    """The counted tables of the attached store that are current (see the module docstring)."""
    loaded = set(store_tables(con) if loaded is None else loaded)
    if PROVENANCE not in loaded:
        return set()
    recorded = {name: (sql_sha, made_from) for name, sql_sha, made_from in con.execute(
        f"SELECT name, sql_sha256, made_from FROM {STORE}.{PROVENANCE}").fetchall()}
    return {s.counted_table for s in SOURCES
            if s.counted_table in loaded and s.counted_table in recorded
            and all(t in loaded for t in s.tables) and recorded[s.counted_table] == _provenance(con, s, loaded)}


def write_counted_tables(con) -> list[str]:
    """(Re)write every counted table whose source's tables are there and that is not current; returns the
    tables written. `con` has the new store attached as `store` (as `dscp load` has it)."""
    con.execute(PROVENANCE_DDL)
    present = store_tables(con)
    current = current_counted_tables(con, present)
    written = []
    for source in SOURCES:
        table = source.counted_table
        if table is None or table in current or not all(t in present for t in source.tables):
            continue
        con.execute(f'CREATE OR REPLACE TABLE {STORE}."{table}" AS {counted_table_sql(source.name)}')
        sql_sha, made_from = _provenance(con, source, present)
        con.execute(f"DELETE FROM {STORE}.{PROVENANCE} WHERE name = ?", [table])
        con.execute(f"INSERT INTO {STORE}.{PROVENANCE} VALUES (?, ?, ?)", [table, sql_sha, made_from])
        written.append(table)
    return written
