"""The per-cell checks of `extracts.md` ("Common rules"), written as DuckDB SQL over a whole file at once.

Every cell is trimmed (spaces, tabs, line breaks, no-break spaces); an empty
cell is missing. Then, by column type, one reason per cell, in this order:

- any type: `missing required value` when a required cell is empty;
- identifiers and codes: `control character` when the cell holds a C0
  control character (U+0000 to U+001F: NUL, tab, line breaks, ...) or DEL;
  free text (a referral source, a course title) may hold tabs and line
  breaks, but no other control character (docs/decisions.md);
- dates: `not a valid date` unless `YYYY-MM-DD` or `D[D]/M[M]/YYYY` (day
  first), optionally with a time `HH:MM[:SS]` whose date part is used, and a
  real day; `date too early` before the earliest date (default 1990-01-01:
  `0003-04-03` is a typing slip, not the year 3); `future date` after the
  load date;
- whole numbers: `not a whole number` unless an optional sign and digits
  (`3.0` is 3); `out of range` outside the column's range (or the store's
  INTEGER);
- codes: `not in vocabulary`, compared case-insensitively and stored in the
  contract's spelling; a code list is split on `;`, empty items and repeats
  ignored, each unknown code a reject of its own.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .model import INTEGER_MAX, INTEGER_MIN, Column, ColumnType, Extract
from .read import TRIM_CHARS
from .rules import sql_text

# The short phrases the pack's data-quality section counts; details follow in brackets.
MISSING = "missing required value"
CONTROL_CHARACTER = "control character"
NOT_A_DATE = "not a valid date"
NOT_A_WHOLE_NUMBER = "not a whole number"
NOT_IN_VOCABULARY = "not in vocabulary"
EARLY_DATE = "date too early"
FUTURE_DATE = "future date"
DUPLICATE = "duplicate"
OUT_OF_RANGE = "out of range"
WRONG_FIELD_COUNT = "wrong number of fields"

DEFAULT_EARLIEST_DATE = date(1990, 1, 1)

# Accepted date forms; a date-time's date part is used (its time must still be a real time).
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}(?:[ T]" + _TIME + r")?$"  # YYYY-MM-DD[( |T)HH:MM[:SS]]
UK_DATE_PATTERN = r"^\d{1,2}/\d{1,2}/\d{4}(?: " + _TIME + r")?$"  # D[D]/M[M]/YYYY[ HH:MM[:SS]]
WHOLE_NUMBER_PATTERN = r"^[+-]?\d+(?:\.0+)?$"  # 3, +3, -3, 03, 3.0

# RE2 character classes: every C0 control and DEL; those allowed in free text left out.
CONTROL_PATTERN = r"[\x00-\x1f\x7f]"
FREE_TEXT_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def code_case(expr: str, col: Column) -> str:
    """SQL mapping a code written in any case to its canonical spelling (NULL when unknown)."""
    whens = " ".join(f"WHEN {sql_text(c.lower())} THEN {sql_text(c)}" for c in col.codes)
    return f"CASE lower({expr}) {whens} END"


def vocabulary_reason(col: Column) -> str:
    return f"{NOT_IN_VOCABULARY} ({', '.join(col.codes)})"


def _control(t: str, col: Column) -> str:
    """SQL: the reason naming the first control character in `t`, NULL when there is none."""
    pattern = sql_text(FREE_TEXT_CONTROL_PATTERN if col.free_text else CONTROL_PATTERN)
    return (f"CASE WHEN regexp_matches({t}, {pattern}) THEN {sql_text(CONTROL_CHARACTER + ' (')} "
            f"|| printf('U+%04X', unicode(regexp_extract({t}, {pattern}))) || ')' END")


def _range_bounds(col: Column) -> tuple[int, int]:
    low = INTEGER_MIN if col.minimum is None else col.minimum
    high = INTEGER_MAX if col.maximum is None else col.maximum
    return low, high


def column_stages(col: Column, load_date: date, earliest: date) -> tuple[list[str], ...]:
    """SQL select items for one column in stages; each stage may use the aliases of the earlier ones.

    All read `t_<name>`, the trimmed cell (NULL when empty). Every column ends
    with `v_<name>` (the value to store) and `e_<name>` (why the cell is
    rejected, NULL when it is fine); a code list also has `u_<name>` (its unknown
    codes, each a reject of its own).
    """
    c = col.name
    t, v, e = f"t_{c}", f"v_{c}", f"e_{c}"
    missing = sql_text(MISSING) if col.required else "NULL"
    if col.type is ColumnType.TEXT:
        return [f"{t} AS {v}"], [f"CASE WHEN {t} IS NULL THEN {missing} ELSE {_control(t, col)} END AS {e}"]
    if col.type is ColumnType.CODE:
        return (
            [f"{code_case(t, col)} AS {v}"],
            [f"CASE WHEN {t} IS NULL THEN {missing} WHEN {v} IS NULL "
             f"THEN coalesce({_control(t, col)}, {sql_text(vocabulary_reason(col))}) END AS {e}"],
        )
    if col.type is ColumnType.WHOLE_NUMBER:
        low, high = _range_bounds(col)
        out_of_range = f"{OUT_OF_RANGE} ({col.range_text})" if col.range_text else OUT_OF_RANGE
        n = f"n_{c}"
        return (
            [f"CASE WHEN regexp_full_match({t}, {sql_text(WHOLE_NUMBER_PATTERN)}) "
             f"THEN TRY_CAST(regexp_extract({t}, '^[+-]?[0-9]+') AS HUGEINT) END AS {n}"],
            [f"CASE WHEN {n} BETWEEN {low} AND {high} THEN CAST({n} AS INTEGER) END AS {v}",
             f"CASE WHEN {t} IS NULL THEN {missing} "
             f"WHEN {n} IS NULL AND NOT regexp_full_match({t}, {sql_text(WHOLE_NUMBER_PATTERN)}) "
             f"THEN {sql_text(NOT_A_WHOLE_NUMBER)} "
             f"WHEN {n} IS NULL OR {n} NOT BETWEEN {low} AND {high} THEN {sql_text(out_of_range)} END AS {e}"],
        )
    if col.type is ColumnType.DATE:
        # The pattern fixes the form; strptime then refuses impossible dates (31/02/2024).
        too_early = f"{EARLY_DATE} (before {earliest.isoformat()})"
        return (
            [f"CASE WHEN regexp_full_match({t}, {sql_text(ISO_DATE_PATTERN)}) "
             f"THEN CAST(try_strptime(left({t}, 10), '%Y-%m-%d') AS DATE) "
             f"WHEN regexp_full_match({t}, {sql_text(UK_DATE_PATTERN)}) "
             f"THEN CAST(try_strptime(split_part({t}, ' ', 1), '%d/%m/%Y') AS DATE) END AS {v}"],
            [f"CASE WHEN {t} IS NULL THEN {missing} WHEN {v} IS NULL THEN {sql_text(NOT_A_DATE)} "
             f"WHEN {v} < DATE '{earliest.isoformat()}' THEN {sql_text(too_early)} "
             f"WHEN {v} > DATE '{load_date.isoformat()}' THEN {sql_text(FUTURE_DATE)} END AS {e}"],
        )
    if col.type is ColumnType.CODE_LIST:
        # Split on ';' once the spaces around separators, empty items and end
        # separators are gone; codes are compared lower-cased. A cell holding a
        # control character is one reject, its codes not looked at.
        items, lowered = f"i_{c}", f"l_{c}"
        space = "[ \\t\\r\\n\\x{00A0}]*"
        tidy = f"trim(regexp_replace(regexp_replace({t}, '{space};{space}', ';', 'g'), ';;+', ';', 'g'), ';')"
        known = "[" + ", ".join(sql_text(code.lower()) for code in col.codes) + "]"
        canonical = f"list_sort(list_distinct({lowered}))"
        if any(code != code.lower() for code in col.codes):
            canonical = f"list_sort(list_transform({canonical}, lambda x: {code_case('x', col)}))"
        empty_list = f"WHEN len({items}) = 0 THEN {missing}" if col.required else ""
        return (
            [f"{tidy} AS k_{c}", f"{_control(t, col)} AS x_{c}"],
            [f"CASE WHEN k_{c} IS NULL OR k_{c} = '' OR x_{c} IS NOT NULL THEN []::VARCHAR[] "
             f"ELSE string_split(k_{c}, ';') END AS {items}",
             f"CASE WHEN k_{c} IS NULL OR k_{c} = '' OR x_{c} IS NOT NULL THEN []::VARCHAR[] "
             f"ELSE string_split(lower(k_{c}), ';') END AS {lowered}"],
            [f"{canonical} AS {v}",
             f"CASE WHEN NOT list_has_all({known}, {lowered}) "
             f"THEN list_filter({items}, lambda x: NOT list_contains({known}, lower(x))) END AS u_{c}",
             f"CASE WHEN x_{c} IS NOT NULL THEN x_{c} {empty_list} END AS {e}"],
        )
    raise AssertionError(f"no checks for column type {col.type}")  # pragma: no cover


# Columns whose distinct values are few next to their rows (a date, a number, a code): each
# distinct value is checked once and the rows are joined to the result.
DICTIONARY_TYPES = frozenset({ColumnType.DATE, ColumnType.WHOLE_NUMBER, ColumnType.CODE, ColumnType.CODE_LIST})


def _stages_sql(source: str, per_column: list[tuple[Column, tuple[list[str], ...]]], keep: list[str]) -> str:
    """Chain the stages of `column_stages` over `source` (which provides `t_<name>`), selecting `keep`."""
    depth = max(len(stages) for _, stages in per_column)
    ctes = [f"s0 AS ({source})"]
    for k in range(depth):
        items = [item for _, stages in per_column if k < len(stages) for item in stages[k]]
        ctes.append(f"s{k + 1} AS (SELECT *, {', '.join(items)} FROM s{k})")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(keep)} FROM s{depth}"


_TRIMMED_BYTES = (32, 9, 13, 10)  # space, tab, CR, LF; the no-break space is the two bytes C2 A0


def needs_attention(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Per cell: does it start or end with a character that is trimmed, or hold a control character?

    Read straight from the UTF-8 bytes of Arrow's buffers, without a regular expression per cell: a
    leading or trailing space, tab, line break or no-break space, or any control character (U+0000 to
    U+001F, DEL). A missing cell needs none.
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    out = []
    for chunk in chunks:
        n = len(chunk)
        if n == 0 or chunk.null_count == n:
            out.append(pa.array(np.zeros(n, dtype=bool)))
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + n + 1].astype(np.int64)
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if chunk.buffers()[2] is not None else None
        if data is None or not len(data):
            out.append(pa.array(np.zeros(n, dtype=bool)))
            continue
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        last = len(data) - 1
        first_byte = data[np.minimum(starts, last)]
        last_byte = data[np.clip(ends - 1, 0, last)]
        attention = filled & (
            np.isin(first_byte, _TRIMMED_BYTES)
            | ((first_byte == 0xC2) & (data[np.minimum(starts + 1, last)] == 0xA0))
            | np.isin(last_byte, _TRIMMED_BYTES)
            | ((last_byte == 0xA0) & (ends - starts >= 2) & (data[np.clip(ends - 2, 0, last)] == 0xC2))
        )
        low, high = int(starts[0]), int(ends[-1])  # a sliced array sees only part of its buffer
        controls = np.flatnonzero((data[low:high] < 32) | (data[low:high] == 127)) + low
        if len(controls):
            attention[np.searchsorted(ends, controls, side="right")] = True
        out.append(pa.array(attention))
    return pa.chunked_array(out, type=pa.bool_())


def _check_distinct(con, col: Column, column: pa.ChunkedArray, load_date: date, earliest: date,
                    name: str) -> dict[str, pa.ChunkedArray]:
    """`v_`, `e_` (and `u_`) of a column, computed once per distinct value and spread back onto the rows."""
    c = col.name
    encoded = pa.table({"x": pc.dictionary_encode(column, null_encoding="encode")}).unify_dictionaries()
    chunks = encoded.column("x").chunks
    dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
    indices = pa.chunked_array([ch.indices for ch in chunks], type=pa.int32())
    con.register(name, pa.table({"i": pa.array(range(len(dictionary)), pa.int32()), "raw_value": dictionary}))
    wanted = [f"v_{c}", f"e_{c}"] + ([f"u_{c}"] if col.type is ColumnType.CODE_LIST else [])
    source = f"SELECT i, raw_value, nullif(trim(raw_value, {sql_text(TRIM_CHARS)}), '') AS t_{c} FROM {name}"
    query = _stages_sql(source, [(col, column_stages(col, load_date, earliest))], ["i", *wanted])
    try:
        checked = con.sql(f"{query} ORDER BY i").to_arrow_table()
    finally:
        con.unregister(name)
    return {w: pc.take(checked.column(w), indices) for w in wanted}


def run_cell_checks(con, extract: Extract, load_date: date, earliest: date, raw: pa.Table, out: str,
                    prefix: str) -> pa.Table:
    """Create the view `out`: per record of the raw text `raw`, its line and per column its value and reason.

    The columns of `out` are `_line`, then `v_<name>` (the value to store) for
    every column, `f_<name>` (the cell's reason or, when the cell is fine, the
    first rule of the row it breaks, `rules.py`), `u_<name>` for a code list
    (its unknown codes), `ok` (true when the row has none of those problems),
    `dropped` (see `drop_lines`) and `w_<name>` (the cell as written, where a reject may quote it). The rows
    stay in file order (no join, no sort). Dates, numbers and codes are
    checked once per distinct value and spread back onto the rows by Arrow
    (registered with the raw text as `<prefix>cells`); identifiers and free
    text are checked cell by cell, the trim and the control-character check
    only where a cell needs them (`needs_attention`).
    """
    from .rules import rule_stage

    trim = sql_text(TRIM_CHARS)
    columns: dict[str, pa.ChunkedArray | pa.Array] = {"_line": raw.column("_line")}
    selects, text_columns = ["dropped"], []
    for i, col in enumerate(extract.columns):
        c = col.name
        if col.type in DICTIONARY_TYPES:
            found = _check_distinct(con, col, raw.column(c), load_date, earliest, f"{prefix}d{i}")
            columns.update(found)
            columns[f"r_{c}"] = raw.column(c)
            selects += [*found, f"r_{c}"]
        else:
            text_columns.append(col)
            columns[f"r_{c}"] = raw.column(c)
            columns[f"a_{c}"] = needs_attention(raw.column(c))
            selects.append(f"r_{c}, a_{c}")
    staged = f"{prefix}cells"
    columns["dropped"] = pa.array(np.zeros(raw.num_rows, dtype=bool))  # set by `drop_lines`
    cells = pa.table(columns)
    con.register(staged, cells)
    first = f"SELECT _line, {', '.join(selects)} FROM {staged}"
    per_text = []
    for col in text_columns:
        c = col.name
        trimmed = f"CASE WHEN a_{c} THEN nullif(trim(r_{c}, {trim}), '') ELSE nullif(r_{c}, '') END AS t_{c}"
        missing = sql_text(MISSING) if col.required else "NULL"
        checked = f"CASE WHEN t_{c} IS NULL THEN {missing} WHEN a_{c} THEN {_control(f't_{c}', col)} END AS e_{c}"
        per_text.append((col, ([trimmed], [f"t_{c} AS v_{c}", checked])))
    lists = [c.name for c in extract.columns if c.type is ColumnType.CODE_LIST]
    final = ["_line", "dropped", *[f"v_{c.name}" for c in extract.columns], *rule_stage(extract),
             *[f"u_{c}" for c in lists]]
    final += [f"r_{c.name}" for c in extract.columns]
    if per_text:
        query = _stages_sql(first, per_text, final)
    else:
        query = f"SELECT {', '.join(final)} FROM ({first})"
    fine = " AND ".join([f"f_{c.name} IS NULL" for c in extract.columns] + [f"u_{c} IS NULL" for c in lists])
    # The text as written is kept where a reject may quote it: on rows with a problem, and
    # in the key and group columns, which later rules judge on rows that have none.
    always = set(extract.unique_key) | {c for rule in extract.group_rules for c in (*rule.group, *rule.columns)}
    written = [f"r_{c} AS w_{c}" if c in always else f"CASE WHEN NOT ok THEN r_{c} END AS w_{c}"
               for c in extract.column_names]
    kept = ["_line", *[f"v_{c}" for c in extract.column_names], *[f"f_{c}" for c in extract.column_names],
            *[f"u_{c}" for c in lists], "ok", "dropped", *written]
    con.execute(f"CREATE TEMP VIEW {out} AS SELECT {', '.join(kept)} FROM (SELECT *, {fine} AS ok FROM ({query}))")
    return cells


def drop_lines(con, cells: pa.Table, lines: np.ndarray, prefix: str) -> pa.Table:
    """Mark the rows starting on `lines` as `dropped` (rejected by a rule across rows), keeping the file's order.

    A join would do it too, but a join may return the rows in another order.
    """
    dropped = np.isin(cells.column("_line").to_numpy(), lines)
    cells = cells.set_column(cells.schema.get_field_index("dropped"), "dropped", pa.array(dropped))
    con.unregister(f"{prefix}cells")
    con.register(f"{prefix}cells", cells)
    return cells
