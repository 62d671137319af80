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


def cell_checks_sql(extract: Extract, load_date: date, earliest: date, raw: str = "raw") -> str:
    """One query over the table `raw`: per record its line, and per column its value and reject reason.

    The columns are `_line`, then `v_<name>` and `e_<name>` for every column,
    `u_<name>` for a code list, and `f_<name>`: the cell's reason or, when
    the cell is fine, the first rule of the row it breaks (`rules.py`).
    """
    from .rules import rule_stage

    trim = sql_text(TRIM_CHARS)
    trimmed = ", ".join(f"nullif(trim(\"{c.name}\", {trim}), '') AS t_{c.name}" for c in extract.columns)
    per_column = [column_stages(c, load_date, earliest) for c in extract.columns]
    depth = max(len(stages) for stages in per_column)
    ctes = [f"s0 AS (SELECT _line, {trimmed} FROM {raw})"]
    for k in range(depth):
        items = [item for stages in per_column if k < len(stages) for item in stages[k]]
        ctes.append(f"s{k + 1} AS (SELECT *, {', '.join(items)} FROM s{k})")
    out = ["_line"] + [f"v_{c.name}, e_{c.name}" for c in extract.columns] + [
        f"u_{c.name}" for c in extract.columns if c.type is ColumnType.CODE_LIST
    ]
    ctes.append(f"s{depth + 1} AS (SELECT {', '.join(out)} FROM s{depth})")
    final = ["_line"] + [f"v_{c.name}" for c in extract.columns] + rule_stage(extract) + [
        f"u_{c.name}" for c in extract.columns if c.type is ColumnType.CODE_LIST
    ]
    return f"WITH {', '.join(ctes)} SELECT {', '.join(final)} FROM s{depth + 1}"
