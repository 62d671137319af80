"""The store's own tables (`rejects`, `load_log`, `store_info`) and reading the rejects back.

- `rejects`: one row per problem found, with the source, file, line, column,
  value as written and reason (`validate.py`);
- `load_log`: one row per source, its latest load (file, checksum, when, the
  load date, rows read, loaded and rejected, the dates its rows cover);
- `store_info`: exactly one row, the random id of the load that wrote this
  snapshot and when. Every completed load writes a fresh id, so a pack that
  records the id of each section's snapshot can prove they are one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DatabaseError

if TYPE_CHECKING:  # pandas is imported on use: `dscp load` never needs it
    import pandas as pd

REJECTS_DDL = (
    'CREATE TABLE IF NOT EXISTS rejects (source VARCHAR, file VARCHAR, line BIGINT, '
    '"column" VARCHAR, value VARCHAR, reason VARCHAR)'
)
LOAD_LOG_DDL = (
    "CREATE TABLE IF NOT EXISTS load_log (source VARCHAR, file VARCHAR, sha256 VARCHAR, "
    "loaded_at TIMESTAMP, load_date DATE, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
    "min_date DATE, max_date DATE)"
)
STORE_INFO_DDL = "CREATE TABLE IF NOT EXISTS store_info (load_id VARCHAR, loaded_at TIMESTAMP)"
STORE_DDL = (REJECTS_DDL, LOAD_LOG_DDL, STORE_INFO_DDL)


def read_rejects(db_path: str | Path) -> pd.DataFrame:
    """Every rejected row in the store: `file, line, column, value, reason`, ordered by file and line."""
    import duckdb

    from ..store import open_store

    con = open_store(db_path)
    try:
        try:
            return con.execute(
                'SELECT file, line, "column", value, reason FROM store.rejects '
                'ORDER BY file, line, rowid'
            ).df()
        except duckdb.CatalogException:
            raise DatabaseError(f"{db_path} has no rejects table: load the extracts with `dscp load` first") from None
    finally:
        con.close()
