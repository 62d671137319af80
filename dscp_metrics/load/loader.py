"""Validate a folder of partner extracts against the contract and load it into DuckDB.

Every row of every file is checked once, here, against `contract.py`
(`extracts.md`, "Common rules"). Good rows go to the source's table; each
problem found goes to `rejects` with the file, the physical line where the
record starts, the column, the raw value as written and the reason. A file
that cannot be used at all (not UTF-8, no header, a required column missing,
a column named twice, broken quoting) is reported by name and not loaded; the
other files still load.

The store is replaced in one step: the new database is built in a temporary
file next to the target (a copy of the old one), checkpointed, closed and
moved onto the target with `os.replace`. A load that fails part-way leaves the
previous database untouched. For each extract present in the folder, that
source's table, rejects and `load_log` row are replaced; sources the folder
does not hold are kept.

The checks run in DuckDB SQL over the whole file at once; Python's `csv`
module only splits the file into records, because it knows on which physical
line each record starts (a quoted value may hold line breaks).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .contract import EXTRACTS, INTEGER_MAX, INTEGER_MIN, Column, ColumnType, Extract
from ..errors import DatabaseError, ExtractError

# ------------------------------------------------------------------ reasons
# The short phrases the pack's data-quality section counts; details follow in brackets.
MISSING = "missing required value"
NOT_A_DATE = "not a valid date"
NOT_A_WHOLE_NUMBER = "not a whole number"
NOT_IN_VOCABULARY = "not in vocabulary"
FUTURE_DATE = "future date"
DUPLICATE = "duplicate"
OUT_OF_RANGE = "out of range"
WRONG_FIELD_COUNT = "wrong number of fields"

REJECT_COLUMNS = ["file", "line", "column", "value", "reason"]

# "Text values are trimmed": spaces, tabs, line breaks and Excel's no-break space.
TRIM_CHARS = " \t\r\n\u00a0"

# Accepted date forms; a date-time's date part is used (its time must still be a real time).
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}(?:[ T]" + _TIME + r")?$"  # YYYY-MM-DD[( |T)HH:MM[:SS]]
UK_DATE_PATTERN = r"^\d{1,2}/\d{1,2}/\d{4}(?: " + _TIME + r")?$"  # D[D]/M[M]/YYYY[ HH:MM[:SS]]
WHOLE_NUMBER_PATTERN = r"^[+-]?\d+(?:\.0+)?$"  # 3, +3, -3, 03, 3.0


# ------------------------------------------------------------------ reports
@dataclass
class FileReport:
    """What happened to one extract file."""

    source: str
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    error: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    absent_optional_columns: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """What a `load_folder` did, file by file."""

    data_dir: Path
    db_path: Path
    files: list[FileReport]
    load_date: date | None = None

    @property
    def ok(self) -> bool:
        """True when every extract in the folder could be read (rejected rows do not count)."""
        return all(f.error is None for f in self.files)

    @property
    def not_supplied(self) -> list[str]:
        """The contract's file names that were not in the folder."""
        present = {f.source for f in self.files}
        return [e.file_name for e in EXTRACTS.values() if e.source not in present]

    def format(self) -> str:
        """A short readable summary, one line per file."""
        when = f" (load date {self.load_date.isoformat()})" if self.load_date else ""
        lines = [f"Loaded {self.data_dir} into {self.db_path}{when}"]
        width = max([len(f.file) for f in self.files] + [10])
        for f in self.files:
            if f.error:
                lines.append(f"  {f.file:<{width}}  NOT LOADED: {f.error}")
                continue
            lines.append(
                f"  {f.file:<{width}}  read {f.rows_read:>9,}  loaded {f.rows_loaded:>9,}"
                f"  rejected {f.rows_rejected:>9,}"
            )
            if f.ignored_columns:
                lines.append(f"  {'':<{width}}  columns not in the specification, ignored: {', '.join(f.ignored_columns)}")
            if f.absent_optional_columns:
                lines.append(f"  {'':<{width}}  optional columns not supplied, left empty: {', '.join(f.absent_optional_columns)}")
        if self.not_supplied:
            lines.append(
                "Not in the folder (data from an earlier load, if any, is kept): " + ", ".join(self.not_supplied)
            )
        if not self.ok:
            lines.append("Some files could not be used: correct them and load the folder again.")
        if any(f.rows_rejected for f in self.files):
            lines.append(f"Rejected rows are listed by: dscp rejects --db {self.db_path}")
        return "\n".join(lines)


# ---------------------------------------------------------- reading a file
# Splitting a file into records. Two readers give the same result:
# - the fast one (numpy + Arrow's C++ CSV parser) for files whose quoting is
#   regular (every '"' opens a value at its start, closes it at its end, or is
#   doubled inside it): then a line break is inside a value exactly when an
#   odd number of quotes precede it, so every record's start line is known
#   without parsing; each record is prefixed with that line number and handed
#   to Arrow;
# - Python's `csv` module, record by record, for anything else (a stray quote
#   inside an unquoted value, broken quoting), slower but exact.
# Blank lines (nothing, or only spaces and tabs) are not rows.
BLANK_CHARS = " \t"
_QUOTE, _COMMA, _LF, _CR = 34, 44, 10, 13


@dataclass
class _Records:
    """A file split into records: the header and the raw text of each data record, by field position."""

    header: list[str]
    fields: dict[int, pa.Array]  # field position -> raw text, for the well-formed records
    lines: np.ndarray  # start line of each well-formed record
    bad_lines: np.ndarray  # start line of each record with the wrong number of fields
    bad_counts: np.ndarray  # how many fields those records have
    rows_read: int


@dataclass
class _Parsed:
    """A CSV file matched to the contract, before any check."""

    columns: dict[str, pa.Array]  # contract column -> raw text of the well-formed records
    lines: np.ndarray  # start line of each well-formed record
    wrong_field_count: pd.DataFrame  # rejects for records with too many or too few fields
    rows_read: int
    sha256: str
    ignored_columns: list[str]
    absent_optional_columns: list[str]


def _clean_header(name: str) -> str:
    return name.strip(TRIM_CHARS).lower()


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ExtractError(
            f"{path.name} is not UTF-8 text (first bad byte on line {line}): "
            "save it as 'CSV UTF-8 (comma delimited)'"
        ) from None


def _no_header(path: Path) -> ExtractError:
    return ExtractError(f"{path.name} has no header row (the file is empty)")


def _records_with_csv_module(path: Path, text: str, wanted: list[str]) -> _Records:
    """Exact and slow: Python's csv module, which reports the line each record ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    ends: list[int] = []
    add_record, add_end = records.append, ends.append
    try:
        for record in reader:
            add_record(record)
            add_end(reader.line_num)
    except csv.Error as exc:
        start = (ends[-1] if ends else 0) + 1
        problem = "a quoted value is never closed" if "end of data" in str(exc) else str(exc)
        raise ExtractError(f"{path.name} is not a readable CSV file: from line {start}, {problem}") from None
    end_lines = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate(([1], end_lines[:-1] + 1)) if len(ends) else end_lines

    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    blank = lengths == 0
    for i in np.flatnonzero(lengths == 1):  # a line of spaces reads as one field
        value = records[i][0]
        blank[i] = bool(value) and not value.strip(BLANK_CHARS)
    kept = np.flatnonzero(~blank)
    if not len(kept):
        raise _no_header(path)
    header = records[kept[0]]
    rows = kept[1:]
    n_fields = len(header)
    good = rows[lengths[rows] == n_fields]
    bad = rows[lengths[rows] != n_fields]
    good_records = [records[i] for i in good]
    positions = [i for i, name in enumerate(header) if _clean_header(name) in wanted]
    fields = {j: pa.array(list(map(itemgetter(j), good_records)), type=pa.string()) for j in positions}
    return _Records(header, fields, starts[good], starts[bad], lengths[bad], len(rows))


def _arrow_read(data: np.ndarray, names: list[str], positions: list[int], newlines_in_values: bool,
                invalid_row_handler, longest_record: int) -> pa.Table:
    """Arrow's CSV parser over the prefixed records: every field as text, nothing guessed."""
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(
            column_names=names, use_threads=True, block_size=max(1 << 20, 2 * longest_record + 64)
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=newlines_in_values,
            ignore_empty_lines=False,
            invalid_row_handler=invalid_row_handler,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: (pa.int64() if name == "_line" else pa.string()) for name in names},
            include_columns=["_line"] + [f"f{j}" for j in positions],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    )


def _records_fast(path: Path, body: bytes, wanted: list[str]) -> _Records | None:
    """numpy finds the records and their lines, Arrow splits the fields; None when quoting is irregular."""
    if not body.strip(b" \t\r\n"):
        raise _no_header(path)
    if body[-1:] not in (b"\n", b"\r"):
        body += b"\n"
    arr = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(arr == _QUOTE)
    if len(quotes):
        if len(quotes) % 2:
            return None
        before = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)], _LF)
        after = arr[np.minimum(quotes + 1, len(arr) - 1)]  # the body ends with a line break
        opening = np.arange(len(quotes)) % 2 == 0
        if not (np.isin(before[opening], (_COMMA, _LF, _CR, _QUOTE)).all()
                and np.isin(after[~opening], (_COMMA, _LF, _CR, _QUOTE)).all()):
            return None
    if b"\r" in body:
        is_lf = arr == _LF
        line_ends = np.flatnonzero(is_lf | ((arr == _CR) & ~np.concatenate((is_lf[1:], [False]))))
    else:
        line_ends = np.flatnonzero(arr == _LF)
    record_ends = line_ends[np.searchsorted(quotes, line_ends) % 2 == 0] if len(quotes) else line_ends
    starts = np.concatenate(([0], record_ends[:-1] + 1))
    lengths = record_ends + 1 - starts
    start_lines = np.searchsorted(line_ends, starts) + 1

    # A blank record starts with a space, a tab or a line break: only those few are looked at closely.
    blank = np.zeros(len(starts), dtype=bool)
    for i in np.flatnonzero(np.isin(arr[starts], (32, 9, _CR, _LF))):
        blank[i] = not body[starts[i]:record_ends[i] + 1].strip(b" \t\r\n")
    kept = np.flatnonzero(~blank)
    if not len(kept):
        raise _no_header(path)
    h = kept[0]
    header = next(csv.reader(io.StringIO(body[starts[h]:record_ends[h] + 1].decode("utf-8"), newline="")))
    rows = kept[1:]
    n_fields = len(header)
    positions = [i for i, name in enumerate(header) if _clean_header(name) in wanted]
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return _Records(header, {j: pa.array([], pa.string()) for j in positions}, empty, empty, empty, 0)

    # The data records, blank lines and header left out, each prefixed "<line>,".
    if len(rows) == len(starts) - h - 1:
        data = arr[starts[rows[0]]:]
        offsets = starts[rows] - starts[rows[0]]
    else:
        data = arr[np.repeat(np.isin(np.arange(len(starts)), rows), lengths)]
        offsets = np.concatenate(([0], np.cumsum(lengths[rows])[:-1]))
    lines = start_lines[rows]
    width = len(str(int(lines.max())))
    digits = (lines[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10 + ord("0")
    prefix = np.concatenate((digits, np.full((len(rows), 1), _COMMA)), axis=1).astype(np.uint8)
    slots = offsets + np.arange(len(rows), dtype=np.int64) * (width + 1)  # where each prefix goes
    is_prefix = np.zeros(len(data) + prefix.size, dtype=bool)
    for j in range(width + 1):
        is_prefix[slots + j] = True
    prefixed = np.empty(len(is_prefix), dtype=np.uint8)
    prefixed[is_prefix] = prefix.ravel()
    prefixed[~is_prefix] = data
    data = prefixed

    bad: list[tuple[int, int]] = []

    def wrong_field_count(row) -> str:
        bad.append((int(row.text.split(",", 1)[0]), row.actual_columns - 1))
        return "skip"

    names = ["_line"] + [f"f{i}" for i in range(n_fields)]
    try:
        table = _arrow_read(data, names, positions, len(record_ends) < len(line_ends), wrong_field_count,
                            int(lengths.max()))
    except pa.ArrowInvalid:  # e.g. one record longer than Arrow's block: let the exact reader decide
        return None
    bad_lines = np.array([b[0] for b in bad], dtype=np.int64)
    order = np.argsort(bad_lines)
    if table.num_rows + len(bad) != len(rows):  # pragma: no cover - the two splits disagree: trust the slow reader
        return None
    return _Records(
        header,
        {j: table[f"f{j}"].combine_chunks() for j in positions},
        table["_line"].to_numpy(),
        bad_lines[order],
        np.array([b[1] for b in bad], dtype=np.int64)[order],
        len(rows),
    )


def _parse_file(path: Path, extract: Extract, fast: bool = True) -> _Parsed:
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    text = _decode(path, data)  # checks the whole file is UTF-8
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    wanted = list(extract.column_names)
    records = _records_fast(path, body, wanted) if fast else None
    if records is None:
        records = _records_with_csv_module(path, text, wanted)
    del data, text, body

    header = [_clean_header(h) for h in records.header]
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, []).append(i)
    twice = [c for c in extract.column_names if len(positions.get(c, [])) > 1]
    if twice:
        raise ExtractError(f"{path.name} has more than one column named: {', '.join(twice)}")
    missing = [c for c in extract.required_columns if c not in positions]
    if missing:
        raise ExtractError(f"{path.name} is missing required column(s): {', '.join(missing)}")

    n_good = len(records.lines)
    columns = {
        c: records.fields[positions[c][0]] if c in positions else pa.nulls(n_good, type=pa.string())
        for c in extract.column_names
    }
    wrong = pd.DataFrame({
        "line": records.bad_lines,
        "column": "",
        "value": "",
        "reason": [f"{WRONG_FIELD_COUNT} ({n} found, {len(header)} expected)" for n in records.bad_counts],
    })
    return _Parsed(
        columns=columns,
        lines=records.lines,
        wrong_field_count=wrong,
        rows_read=records.rows_read,
        sha256=sha256,
        ignored_columns=[h for h in records.header if _clean_header(h) not in extract.column_names],
        absent_optional_columns=[c for c in extract.column_names if c not in positions],
    )


# ------------------------------------------------------ the checks, in SQL
def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _code_case(expr: str, col: Column) -> str:
    """SQL mapping a code written in any case to its canonical spelling (NULL when unknown)."""
    whens = " ".join(f"WHEN {_sql_text(c.lower())} THEN {_sql_text(c)}" for c in col.codes)
    return f"CASE lower({expr}) {whens} END"


def _vocabulary_reason(col: Column) -> str:
    return f"{NOT_IN_VOCABULARY} ({', '.join(col.codes)})"


def _range_bounds(col: Column) -> tuple[int, int]:
    low = INTEGER_MIN if col.minimum is None else col.minimum
    high = INTEGER_MAX if col.maximum is None else col.maximum
    return low, high


def _column_stages(col: Column, load_date: date) -> tuple[list[str], ...]:
    """SQL select items for one column in stages; each stage may use the aliases of the earlier ones.

    Both read `t_<name>`, the trimmed cell (NULL when empty). Every column ends
    with `v_<name>` (the value to store) and `e_<name>` (why the cell is
    rejected, NULL when it is fine); a code list also has `u_<name>` (its unknown
    codes, each a reject of its own).
    """
    c = col.name
    t, v, e = f"t_{c}", f"v_{c}", f"e_{c}"
    missing = _sql_text(MISSING) if col.required else "NULL"
    if col.type is ColumnType.TEXT:
        return [f"{t} AS {v}"], [f"CASE WHEN {t} IS NULL THEN {missing} END AS {e}"]
    if col.type is ColumnType.CODE:
        return (
            [f"{_code_case(t, col)} AS {v}"],
            [f"CASE WHEN {t} IS NULL THEN {missing} WHEN {v} IS NULL "
             f"THEN {_sql_text(_vocabulary_reason(col))} END AS {e}"],
        )
    if col.type is ColumnType.WHOLE_NUMBER:
        low, high = _range_bounds(col)
        out_of_range = f"{OUT_OF_RANGE} ({col.range_text})" if col.range_text else OUT_OF_RANGE
        n = f"n_{c}"
        return (
            [f"CASE WHEN regexp_full_match({t}, {_sql_text(WHOLE_NUMBER_PATTERN)}) "
             f"THEN TRY_CAST(regexp_extract({t}, '^[+-]?[0-9]+') AS HUGEINT) END AS {n}"],
            [f"CASE WHEN {n} BETWEEN {low} AND {high} THEN CAST({n} AS INTEGER) END AS {v}",
             f"CASE WHEN {t} IS NULL THEN {missing} "
             f"WHEN {n} IS NULL AND NOT regexp_full_match({t}, {_sql_text(WHOLE_NUMBER_PATTERN)}) "
             f"THEN {_sql_text(NOT_A_WHOLE_NUMBER)} "
             f"WHEN {n} IS NULL OR {n} NOT BETWEEN {low} AND {high} THEN {_sql_text(out_of_range)} END AS {e}"],
        )
    if col.type is ColumnType.DATE:
        # The pattern fixes the form; strptime then refuses impossible dates (31/02/2024).
        return (
            [f"CASE WHEN regexp_full_match({t}, {_sql_text(ISO_DATE_PATTERN)}) "
             f"THEN CAST(try_strptime(left({t}, 10), '%Y-%m-%d') AS DATE) "
             f"WHEN regexp_full_match({t}, {_sql_text(UK_DATE_PATTERN)}) "
             f"THEN CAST(try_strptime(split_part({t}, ' ', 1), '%d/%m/%Y') AS DATE) END AS {v}"],
            [f"CASE WHEN {t} IS NULL THEN {missing} WHEN {v} IS NULL THEN {_sql_text(NOT_A_DATE)} "
             f"WHEN {v} > DATE '{load_date.isoformat()}' THEN {_sql_text(FUTURE_DATE)} END AS {e}"],
        )
    if col.type is ColumnType.CODE_LIST:
        # Split on ';' once the spaces around separators, empty items and end
        # separators are gone; codes are compared lower-cased.
        items, lowered = f"i_{c}", f"l_{c}"
        space = "[ \\t\\r\\n\\x{00A0}]*"
        tidy = (f"trim(regexp_replace(regexp_replace({t}, '{space};{space}', ';', 'g'), ';;+', ';', 'g'), ';')")
        known = "[" + ", ".join(_sql_text(code.lower()) for code in col.codes) + "]"
        canonical = f"list_sort(list_distinct({lowered}))"
        if any(code != code.lower() for code in col.codes):
            canonical = f"list_sort(list_transform({canonical}, lambda x: {_code_case('x', col)}))"
        empty_list = f"CASE WHEN len({items}) = 0 THEN {missing} END" if col.required else "NULL"
        return (
            [f"{tidy} AS k_{c}"],
            [f"CASE WHEN k_{c} IS NULL OR k_{c} = '' THEN []::VARCHAR[] ELSE string_split(k_{c}, ';') END AS {items}",
             f"CASE WHEN k_{c} IS NULL OR k_{c} = '' THEN []::VARCHAR[] ELSE string_split(lower(k_{c}), ';') END AS {lowered}"],
            [f"{canonical} AS {v}",
             f"CASE WHEN NOT list_has_all({known}, {lowered}) "
             f"THEN list_filter({items}, lambda x: NOT list_contains({known}, lower(x))) END AS u_{c}",
             f"{empty_list} AS {e}"],
        )
    raise AssertionError(f"no checks for column type {col.type}")  # pragma: no cover


def _checks_sql(extract: Extract, load_date: date) -> str:
    """One query over the table `raw`: per record its line, and per column its value and reject reason."""
    trim = _sql_text(TRIM_CHARS)
    trimmed = ", ".join(f"nullif(trim(\"{c.name}\", {trim}), '') AS t_{c.name}" for c in extract.columns)
    per_column = [_column_stages(c, load_date) for c in extract.columns]
    depth = max(len(stages) for stages in per_column)
    ctes = [f"s0 AS (SELECT _line, {trimmed} FROM raw)"]
    for k in range(depth):
        items = [item for stages in per_column if k < len(stages) for item in stages[k]]
        ctes.append(f"s{k + 1} AS (SELECT *, {', '.join(items)} FROM s{k})")
    out = ["_line"] + [f"v_{c.name}, e_{c.name}" for c in extract.columns] + [
        f"u_{c.name}" for c in extract.columns if c.type is ColumnType.CODE_LIST
    ]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(out)} FROM s{depth}"


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({
        "file": pd.Series(dtype="str"),
        "line": pd.Series(dtype="int64"),
        "column": pd.Series(dtype="str"),
        "value": pd.Series(dtype="str"),
        "reason": pd.Series(dtype="str"),
    })


@dataclass
class _Validated:
    extract: Extract
    file: str
    accepted: pa.Table
    rejects: pd.DataFrame
    rows_read: int
    sha256: str
    ignored_columns: list[str]
    absent_optional_columns: list[str]

    @property
    def rows_rejected(self) -> int:
        return int(self.rejects["line"].nunique())


def _validate(path: Path, extract: Extract, load_date: date) -> _Validated:
    parsed = _parse_file(path, extract)
    raw = pa.table({"_line": pa.array(parsed.lines, type=pa.int64()), **parsed.columns})
    con = duckdb.connect()
    try:
        con.register("raw", raw)
        con.execute(f"CREATE TEMP TABLE checked AS {_checks_sql(extract, load_date)}")

        # One reject per problem: a bad cell, or an unknown code in a list
        # (`item` > 0, the code's place in the list; repeats of a code count once).
        selects = []
        for position, col in enumerate(extract.columns):
            c = col.name
            selects.append(
                f"SELECT _line AS line, {position} AS position, 0 AS item, '{c}' AS \"column\", "
                f"NULL::VARCHAR AS value, e_{c} AS reason FROM checked WHERE e_{c} IS NOT NULL"
            )
            if col.type is ColumnType.CODE_LIST:
                selects.append(
                    f"SELECT line, {position}, item, '{c}', code, {_sql_text(_vocabulary_reason(col))} FROM ("
                    f"  SELECT _line AS line, unnest(u_{c}) AS code, generate_subscripts(u_{c}, 1) AS item"
                    f"  FROM checked WHERE u_{c} IS NOT NULL"
                    f") QUALIFY row_number() OVER (PARTITION BY line, lower(code) ORDER BY item) = 1"
                )
        con.execute(f"CREATE TEMP TABLE cell_rejects AS {' UNION ALL '.join(selects)}")

        # Duplicates: among rows that pass every other check, the first occurrence
        # of a key (lowest line) is kept and later ones are rejected.
        keys = ", ".join(f"v_{k}" for k in extract.unique_key)
        con.execute(
            f"CREATE TEMP TABLE duplicates AS SELECT _line AS line FROM ("
            f"  SELECT _line, row_number() OVER (PARTITION BY {keys} ORDER BY _line) AS key_rank"
            f"  FROM checked WHERE _line NOT IN (SELECT line FROM cell_rejects)"
            f") WHERE key_rank > 1"
        )

        # The value column holds the cell as written (untrimmed), taken back from `raw`.
        raw_value = " ".join(f"WHEN '{c}' THEN raw.\"{c}\"" for c in extract.column_names)
        key_value = " || '+' || ".join(f'raw."{k}"' for k in extract.unique_key)
        rejects = con.sql(
            f"SELECT r.line, r.\"column\", CASE WHEN r.item > 0 THEN r.value "
            f"  ELSE CASE r.\"column\" {raw_value} WHEN {_sql_text(extract.key_label)} THEN {key_value} END END AS value, "
            f"  r.reason "
            f"FROM (SELECT * FROM cell_rejects UNION ALL "
            f"      SELECT line, {len(extract.columns)}, 0, {_sql_text(extract.key_label)}, NULL, "
            f"      {_sql_text(f'{DUPLICATE} {extract.key_label}')} FROM duplicates) AS r "
            f"JOIN raw ON raw._line = r.line "
            f"ORDER BY r.line, r.position, r.item"
        ).df()
        values = ", ".join(f'v_{c.name} AS "{c.name}"' for c in extract.columns)
        accepted = con.sql(
            f"SELECT {values} FROM checked WHERE _line NOT IN (SELECT line FROM cell_rejects) "
            f"AND _line NOT IN (SELECT line FROM duplicates) ORDER BY _line"
        ).to_arrow_table()
    finally:
        con.close()

    rejects = pd.concat(
        [df for df in (parsed.wrong_field_count, rejects) if len(df)] or [_empty_rejects()[["line", "column", "value", "reason"]]],
        ignore_index=True,
    ).sort_values("line", kind="stable", ignore_index=True)
    rejects.insert(0, "file", path.name)
    rejects = rejects.astype({"file": "str", "line": "int64", "column": "str", "value": "str", "reason": "str"})

    validated = _Validated(
        extract=extract,
        file=path.name,
        accepted=accepted,
        rejects=rejects,
        rows_read=parsed.rows_read,
        sha256=parsed.sha256,
        ignored_columns=parsed.ignored_columns,
        absent_optional_columns=parsed.absent_optional_columns,
    )
    if validated.rows_rejected + accepted.num_rows != parsed.rows_read:  # pragma: no cover - a bug, not bad data
        raise AssertionError(f"{path.name}: rows read, loaded and rejected do not add up")
    return validated


def validate_extract(
    path: str | Path, extract: Extract, load_date: date | None = None
) -> tuple[pa.Table, pd.DataFrame, int]:
    """Check one extract file against the contract, without touching any database.

    Returns the accepted rows (an Arrow table in the store's column order and
    types), the rejects (`file, line, column, value, reason`, one row per problem,
    ordered by line) and the number of rows read (blank lines excluded). Raises
    `ExtractError` when the file cannot be used at all.
    """
    v = _validate(Path(path), extract, load_date or date.today())
    return v.accepted, v.rejects, v.rows_read


# ---------------------------------------------------------- the folder
def find_extract_files(data_dir: Path) -> dict[str, list[Path]]:
    """The contract's files in `data_dir`, by source (file names matched ignoring case)."""
    by_name = {e.file_name: e.source for e in EXTRACTS.values()}
    found: dict[str, list[Path]] = {}
    for path in sorted(data_dir.iterdir()):
        source = by_name.get(path.name.lower())
        if source and path.is_file():
            found.setdefault(source, []).append(path)
    return found


# ---------------------------------------------------------- the store
REJECTS_DDL = (
    'CREATE TABLE IF NOT EXISTS rejects (source VARCHAR, file VARCHAR, line BIGINT, '
    '"column" VARCHAR, value VARCHAR, reason VARCHAR)'
)
LOAD_LOG_DDL = (
    "CREATE TABLE IF NOT EXISTS load_log (source VARCHAR, file VARCHAR, sha256 VARCHAR, "
    "loaded_at TIMESTAMP, load_date DATE, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
    "min_date DATE, max_date DATE)"
)


def _replace_source(con: duckdb.DuckDBPyConnection, source: str, v: _Validated | None,
                    load_date: date, loaded_at: datetime) -> None:
    """Replace one source's table, rejects and load_log row.

    `v` None: its file was unusable. Nothing is lost then: the source keeps what
    an earlier load gave it (the command names the file and exits non-zero; the
    pack's data-quality section shows the dates that data covers).
    """
    if v is None:
        return
    extract = EXTRACTS[source]
    con.execute(f'DROP TABLE IF EXISTS "{source}"')
    con.execute("DELETE FROM rejects WHERE source = ?", [source])
    con.execute("DELETE FROM load_log WHERE source = ?", [source])
    con.execute(extract.create_table_sql())
    accepted = v.accepted
    con.register("accepted_rows", accepted)
    names = ", ".join(f'"{c}"' for c in extract.column_names)
    con.execute(f'INSERT INTO "{source}" SELECT {names} FROM accepted_rows')
    con.unregister("accepted_rows")

    rejects = v.rejects.assign(source=source)[["source", *REJECT_COLUMNS]]
    con.register("new_rejects", rejects)
    con.execute('INSERT INTO rejects SELECT source, file, line, "column", value, reason FROM new_rejects')
    con.unregister("new_rejects")

    dates = pc.min_max(accepted[extract.period_column]).as_py() if accepted.num_rows else {"min": None, "max": None}
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source, v.file, v.sha256, loaded_at, load_date, v.rows_read, accepted.num_rows,
         v.rows_rejected, dates["min"], dates["max"]],
    )


def _recover_wal(db_path: Path) -> None:
    """Fold a write-ahead log left by an interrupted writer into the old database before copying it."""
    if not Path(f"{db_path}.wal").exists():
        return
    try:
        con = duckdb.connect(str(db_path))
        con.execute("CHECKPOINT")
        con.close()
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot open the database {db_path}: {str(exc).splitlines()[0]}") from None


def _write_store(db_path: Path, results: dict[str, _Validated | None], load_date: date) -> None:
    """Build the new store in a temporary file next to `db_path`, then swap it in."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _recover_wal(db_path)
    temp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    loaded_at = datetime.now().replace(microsecond=0)
    try:
        if db_path.exists():
            shutil.copyfile(db_path, temp)
        try:
            con = duckdb.connect(str(temp))
        except duckdb.Error as exc:
            raise DatabaseError(
                f"{db_path} is not a DuckDB database this workbook can open: {str(exc).splitlines()[0]}"
            ) from None
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(REJECTS_DDL)
            con.execute(LOAD_LOG_DDL)
            for source, validated in results.items():
                _replace_source(con, source, validated, load_date, loaded_at)
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(temp, db_path)
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}.wal").unlink(missing_ok=True)


def load_folder(data_dir: str | Path, db_path: str | Path, load_date: date | None = None) -> LoadReport:
    """Validate every extract in `data_dir` and load it into the DuckDB store at `db_path`.

    `load_date` (default today) is the extracts' load date: a date after it is
    rejected as a future date. Raises `ExtractError` when the folder does not
    exist or holds none of the contract's files.
    """
    data_dir, db_path = Path(data_dir), Path(db_path)
    load_date = load_date or date.today()
    if not data_dir.is_dir():
        raise ExtractError(f"no folder {data_dir}")
    found = find_extract_files(data_dir)
    if not found:
        expected = ", ".join(e.file_name for e in EXTRACTS.values())
        raise ExtractError(f"{data_dir} holds none of the extracts: expected one or more of {expected}")

    files: list[FileReport] = []
    results: dict[str, _Validated | None] = {}
    for source, extract in EXTRACTS.items():
        paths = found.get(source)
        if not paths:
            continue
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            files.append(FileReport(source, paths[0].name, 0, 0, 0,
                                    error=f"more than one file for {extract.file_name}: {names}"))
            results[source] = None
            continue
        try:
            v = _validate(paths[0], extract, load_date)
        except ExtractError as exc:
            files.append(FileReport(source, paths[0].name, 0, 0, 0, error=str(exc)))
            results[source] = None
            continue
        results[source] = v
        files.append(FileReport(
            source, v.file, v.rows_read, v.accepted.num_rows, v.rows_rejected,
            ignored_columns=v.ignored_columns, absent_optional_columns=v.absent_optional_columns,
        ))
    _write_store(db_path, results, load_date)
    return LoadReport(data_dir=data_dir, db_path=db_path, files=files, load_date=load_date)


def read_rejects(db_path: str | Path) -> pd.DataFrame:
    """Every rejected row in the store: `file, line, column, value, reason`, ordered by file and line."""
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
