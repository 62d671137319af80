"""Opening the DuckDB store for reading.

Readers never take DuckDB's write lock: the store file is attached read-only
(as `store`) to a private in-memory database, where a reader may keep its own
temporary tables. A load that swaps in a new store file does not disturb a
reader that already has the old one open.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: a kernel reading a cached report needs no database
    import duckdb

from ..errors import DatabaseError
from ..sql import sql_text

STORE = "store"


def _looks_like_duckdb(path: Path) -> bool:
    """True when the file starts as a DuckDB database does (its magic bytes `DUCK` at offset 8)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def reader_connection(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory database for reading stores (`open_store` attaches one to it)."""
    import duckdb

    con = duckdb.connect(config={"threads": threads} if threads else {})
    con.execute("SET enable_progress_bar = false")  # it would write into a CSV on stdout
    return con


def open_store(db_path: str | Path, threads: int | None = None,
               con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the store at `db_path` attached read-only as `store`: a new one, or `con` (from
    `reader_connection`, kept by a reader that reads often: `DETACH store` when done with it)."""
    import duckdb

    path = Path(db_path)
    if not path.is_file():
        raise DatabaseError(
            f"no database at {path}: load the extracts first with `dscp load DATA_DIR --db {path}`"
        )
    con = con or reader_connection(threads)
    try:
        con.execute(f"ATTACH {sql_text(str(path.resolve()))} AS {STORE} (READ_ONLY)")
    except duckdb.Error as exc:
        con.close()
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise DatabaseError(
                f"the database {path} is open for writing by another process (a `dscp load` still running?): {message}"
            ) from None
        if "not a valid duckdb database" in message.lower() or not _looks_like_duckdb(path):
            raise DatabaseError(f"{path} is not a DuckDB database: choose another database, or load the extracts "
                                f"into a new one with `dscp load DATA_DIR --db NEW.duckdb`") from None
        raise DatabaseError(f"cannot open the database {path}: {message.rstrip('.!')}") from None
    return con


def store_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the tables in the attached store (an extract's table exists once it has been loaded)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [STORE]
    ).fetchall()
    return {name for (name,) in rows}


def read_load_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the load that wrote the attached store's snapshot (`store_info`); None for a store without it.

    Every completed `dscp load` writes a fresh random id, so two readers that
    see the same id read the same snapshot.
    """
    if "store_info" not in store_tables(con):
        return None
    row = con.execute(f"SELECT load_id FROM {STORE}.store_info LIMIT 1").fetchall()
    return row[0][0] if row else None


def read_load_log(con: duckdb.DuckDBPyConnection, loaded: set[str] | None = None):
    """The store's `load_log` (one row per extract loaded: file, load date, rows), by source; an empty frame
    for a store without one. `loaded`: the store's tables, when the caller has them."""
    import pandas as pd

    if "load_log" not in (store_tables(con) if loaded is None else loaded):
        return pd.DataFrame()
    return con.execute(f"SELECT * FROM {STORE}.load_log ORDER BY source").df()
