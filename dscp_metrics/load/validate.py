"""Checking one extract file against the contract, in DuckDB: its accepted rows and its rejects.

The order of judgement (`extracts.md`, "Common rules"; docs/decisions.md):

1. records with the wrong number of fields are rejected whole (`read.py`);
2. every cell is checked (`checks.py`), then the rules across the columns of
   a row (`rules.py`): one reject per problem, one reason per cell;
3. among the rows with no problem so far, the rules across the rows of a
   group (a meeting's date and type), the group's first such row setting its
   values;
4. among the rows that pass all that, duplicates of the unique key: the
   first occurrence (lowest line) is kept, later ones are rejected.

Each reject keeps the file's line where the record starts, the column, the
cell as written (untrimmed; control characters other than tab and line
breaks shown as `<U+0000>`, so that a rejects CSV stays readable) and the
reason. The checks run where the rows will be stored: `check_file` leaves its
results as temporary views (over the file's columns in Arrow) and small
tables (the rows with a problem) in the connection it is given, and the store
writer inserts from them without a round trip through Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa

from .checks import (
    DEFAULT_EARLIEST_DATE,
    DUPLICATE,
    WRONG_FIELD_COUNT,
    drop_lines,
    run_cell_checks,
    vocabulary_reason,
)
from .model import ColumnType, Extract
from .read import read_extract
from .rules import group_rejects_sql, sql_text

if TYPE_CHECKING:  # pandas is imported on use: `dscp load` never needs it
    import pandas as pd

REJECT_COLUMNS = ["file", "line", "column", "value", "reason"]
_HIDDEN_CONTROLS = [*range(0, 9), 11, 12, *range(14, 32), 127]


def _visible(expr: str) -> str:
    """SQL: `expr` with each control character other than tab, LF and CR written `<U+0000>`."""
    out = expr
    for code in _HIDDEN_CONTROLS:
        out = f"replace({out}, chr({code}), '<U+{code:04X}>')"
    return f"CASE WHEN regexp_matches({expr}, '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]') THEN {out} ELSE {expr} END"


@dataclass
class Checked:
    """What checking one file found; its rows are in the temporary tables named by `tables`."""

    extract: Extract
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    sha256: str
    tables: CheckTables
    ignored_columns: list[str] = field(default_factory=list)
    absent_optional_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckTables:
    """The names of one file's working tables in a connection (a prefix keeps files apart)."""

    prefix: str

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return f"{self.prefix}{name}"

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for view in ("accepted", "rejects", "passing", "checked"):
            con.execute(f"DROP VIEW IF EXISTS {self.prefix}{view}")
        for table in ("problems", "cell_rejects", "group_rejects", "duplicates", "bad"):
            con.execute(f"DROP TABLE IF EXISTS {self.prefix}{table}")
        for name in ("raw", "wrong_arrow", "cells"):  # a column's `d<i>` is unregistered by `_check_distinct`
            try:
                con.unregister(f"{self.prefix}{name}")
            except duckdb.Error:  # pragma: no cover - never registered
                pass


def check_file(con: duckdb.DuckDBPyConnection, path: Path, extract: Extract, load_date: date,
               earliest: date = DEFAULT_EARLIEST_DATE, prefix: str = "v_") -> Checked:
    """Read and check `path`; its accepted rows and rejects become the views `<prefix>accepted`, `<prefix>rejects`.

    Nothing the size of the file is copied: `checked` is a view over the
    file's columns in Arrow, only the rows with a problem are kept in a table,
    and `accepted` reads the file's rows again, in file order, when it is
    stored. Raises `ExtractError` when the file cannot be used at all.
    """
    parsed = read_extract(path, extract)
    t = CheckTables(prefix)
    t.drop(con)
    raw = parsed.raw_table()
    del parsed.columns
    cells = run_cell_checks(con, extract, load_date, earliest, raw=raw, out=t.checked, prefix=prefix)
    del raw
    positions = {c.name: i for i, c in enumerate(extract.columns)}
    con.execute(f"CREATE TEMP TABLE {t.problems} AS SELECT * FROM {t.checked} WHERE NOT ok")

    # One reject per problem: a bad cell or a broken row rule (`f_`), or an unknown
    # code in a list (`item` > 0, its place in the list; repeats of a code count once).
    selects = []
    for col in extract.columns:
        c = col.name
        selects.append(
            f"SELECT _line AS line, {positions[c]} AS position, 0 AS item, '{c}' AS \"column\", "
            f"NULL::VARCHAR AS value, f_{c} AS reason FROM {t.problems} WHERE f_{c} IS NOT NULL"
        )
        if col.type is ColumnType.CODE_LIST:
            selects.append(
                f"SELECT line, {positions[c]}, item, '{c}', code, {sql_text(vocabulary_reason(col))} FROM ("
                f"  SELECT _line AS line, unnest(u_{c}) AS code, generate_subscripts(u_{c}, 1) AS item"
                f"  FROM {t.problems} WHERE u_{c} IS NOT NULL AND f_{c} IS NULL"
                f") QUALIFY row_number() OVER (PARTITION BY line, lower(code) ORDER BY item) = 1"
            )
    con.execute(f"CREATE TEMP TABLE {t.cell_rejects} AS {' UNION ALL '.join(selects)}")

    # Cross-row rules and duplicates judge only the rows with no problem so far (`ok`).
    keys = ", ".join(f"v_{k}" for k in extract.unique_key)
    key_value = " || '+' || ".join(f"w_{k}" for k in extract.unique_key)
    group = group_rejects_sql(extract, t.passing)
    judged = sorted({*extract.unique_key, *(c for r in extract.group_rules for c in (*r.group, *r.columns))})
    con.execute(f"CREATE TEMP VIEW {t.passing} AS SELECT _line, {', '.join(f'v_{c}, w_{c}' for c in judged)} "
                f"FROM {t.checked} WHERE ok")
    con.execute(
        f"CREATE TEMP TABLE {t.group_rejects} AS "
        + (" UNION ALL ".join(group) if group else
           "SELECT 0::BIGINT AS line, 0 AS position, 0 AS item, ''::VARCHAR AS \"column\", "
           "NULL::VARCHAR AS value, ''::VARCHAR AS reason WHERE false")
    )
    con.execute(
        f"CREATE TEMP TABLE {t.duplicates} AS SELECT _line AS line, {key_value} AS value FROM ("
        f"  SELECT _line, {', '.join(f'w_{k}' for k in extract.unique_key)}, "
        f"  row_number() OVER (PARTITION BY {keys} ORDER BY _line) AS key_rank"
        f"  FROM {t.passing} WHERE _line NOT IN (SELECT line FROM {t.group_rejects})"
        f") WHERE key_rank > 1"
    )
    later = con.execute(f"SELECT DISTINCT line FROM (SELECT line FROM {t.group_rejects} "
                        f"UNION ALL SELECT line FROM {t.duplicates})").fetchnumpy()["line"]
    if len(later):
        cells = drop_lines(con, cells, np.asarray(later, dtype=np.int64), prefix)
    del cells
    con.register(t.wrong_arrow, pa.table({
        "line": pa.array(parsed.bad_lines, type=pa.int64()),
        "reason": pa.array([f"{WRONG_FIELD_COUNT} ({n} found, {parsed.header_width} expected)"
                            for n in parsed.bad_counts.tolist()], type=pa.string()),
    }))

    # The value column holds the cell as written (untrimmed).
    raw_value = " ".join(f"WHEN '{c}' THEN p.w_{c}" for c in extract.column_names)
    key_reason = sql_text(f"{DUPLICATE} {extract.key_label}")
    con.execute(
        f"CREATE TEMP TABLE {t.bad} AS SELECT line, position, item, \"column\", {_visible('value')} AS value, reason "
        f"FROM (SELECT r.line, r.position, r.item, r.\"column\", "
        f"        CASE WHEN r.item > 0 THEN r.value ELSE CASE r.\"column\" {raw_value} END END AS value, r.reason "
        f"      FROM {t.cell_rejects} AS r JOIN {t.problems} AS p ON p._line = r.line "
        f"      UNION ALL SELECT * FROM {t.group_rejects} "
        f"      UNION ALL SELECT line, {len(extract.columns)}, 0, {sql_text(extract.key_label)}, value, {key_reason} "
        f"      FROM {t.duplicates} "
        f"      UNION ALL SELECT line, -1, 0, '', '', reason FROM {t.wrong_arrow})"
    )
    con.execute(
        f"CREATE TEMP VIEW {t.rejects} AS SELECT line, \"column\", value, reason FROM {t.bad} "
        f"ORDER BY line, position, item"
    )
    named = ", ".join(f'v_{c} AS "{c}"' for c in extract.column_names)
    # A filtered scan keeps the file's order (DuckDB preserves insertion order).
    con.execute(f"CREATE TEMP VIEW {t.accepted} AS SELECT {named} FROM {t.checked} WHERE ok AND NOT dropped")
    rows_rejected = con.execute(f"SELECT count(DISTINCT line) FROM {t.bad}").fetchall()[0][0]
    return Checked(
        extract=extract, file=path.name, rows_read=parsed.rows_read, rows_loaded=parsed.rows_read - rows_rejected,
        rows_rejected=rows_rejected, sha256=parsed.sha256, tables=t,
        ignored_columns=parsed.ignored_columns, absent_optional_columns=parsed.absent_optional_columns,
    )


def empty_rejects() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({
        "file": pd.Series(dtype="str"),
        "line": pd.Series(dtype="int64"),
        "column": pd.Series(dtype="str"),
        "value": pd.Series(dtype="str"),
        "reason": pd.Series(dtype="str"),
    })


def validate_extract(
    path: str | Path, extract: Extract, load_date: date | None = None, earliest_date: date | None = None,
) -> tuple[pa.Table, pd.DataFrame, int]:
    """Check one extract file against the contract, without touching any database.

    Returns the accepted rows (an Arrow table in the store's column order and
    types, in file order), the rejects (`file, line, column, value, reason`,
    one row per problem, ordered by line) and the number of rows read (blank
    lines excluded). Dates after `load_date` (default today) are future dates;
    dates before `earliest_date` (default the configuration's, 1990-01-01)
    are too early. Raises `ExtractError` when the file cannot be used at all.
    """
    path = Path(path)
    earliest = earliest_date or configured_earliest_date()
    con = duckdb.connect()
    try:
        checked = check_file(con, path, extract, load_date or date.today(), earliest)
        accepted = con.sql(f"SELECT * FROM {checked.tables.accepted}").to_arrow_table()
        if accepted.num_rows != checked.rows_loaded:  # pragma: no cover - a bug, not bad data
            raise AssertionError(f"{path.name}: rows read, loaded and rejected do not add up")
        frame = con.sql(f"SELECT * FROM {checked.tables.rejects}").df()
    finally:
        con.close()
    if frame.empty:
        return accepted, empty_rejects(), checked.rows_read
    frame.insert(0, "file", path.name)
    frame = frame.astype({"file": "str", "line": "int64", "column": "str", "value": "str", "reason": "str"})
    frame["line"] = frame["line"].astype(np.int64)
    return accepted, frame, checked.rows_read


def configured_earliest_date() -> date:
    """`[load] earliest_date` of the configuration (`data/thinktank.toml`), default 1990-01-01."""
    from ..config import load_settings

    return load_settings().earliest_date
