"""The building blocks of the extract contract: column types, codes, columns and extracts.

`extracts.md` (v2) is declared with these records in `load/extracts/`; the
reader, the checks, the rules, the store schema and the data officer's guide
all read the declarations, and nothing else repeats a column name, code or
range.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..errors import ExtractError

if TYPE_CHECKING:
    from .rules import RowRule, SameWithinGroup


class ColumnType(StrEnum):
    """How a column's text is read ("Common rules" of `extracts.md`)."""

    TEXT = "text"                 # an identifier or free text, kept exactly as written after trimming
    DATE = "date"                 # YYYY-MM-DD or DD/MM/YYYY, a date-time's date part
    WHOLE_NUMBER = "whole number" # optional sign and digits (3.0 is read as 3)
    CODE = "code"                 # one code from the column's vocabulary
    CODE_LIST = "code list"       # ';'-separated codes from the vocabulary

    @property
    def sql_type(self) -> str:
        """The column's type in the DuckDB store (docs/design.md)."""
        return _SQL_TYPES[self]


_SQL_TYPES = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.DATE: "DATE",
    ColumnType.WHOLE_NUMBER: "INTEGER",
    ColumnType.CODE: "VARCHAR",
    ColumnType.CODE_LIST: "VARCHAR[]",
}

# The store keeps whole numbers as INTEGER: nothing outside this range can be stored.
INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1


@dataclass(frozen=True)
class Code:
    """One allowed value of a code column, in its canonical spelling, with its meaning."""

    code: str
    label: str = ""


def codes(*items: str | tuple[str, str]) -> tuple[Code, ...]:
    """A vocabulary: `codes(("low", "low risk"), "East")` -> `(Code("low", "low risk"), Code("East"))`."""
    return tuple(Code(*c) if isinstance(c, tuple) else Code(c) for c in items)


@dataclass(frozen=True)
class Column:
    """One column of an extract.

    `free_text` marks a text column that holds words rather than an
    identifier (a referral source, a course title): it may hold tabs and line
    breaks, which an identifier may not (docs/decisions.md, control characters).
    """

    name: str
    type: ColumnType
    required: bool
    description: str
    vocabulary: tuple[Code, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    free_text: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed codes in canonical spelling, in the contract's order."""
        return tuple(c.code for c in self.vocabulary)

    @property
    def range_text(self) -> str:
        """The allowed range in words, e.g. `0 to 3` or `0 or more` ('' when unbounded)."""
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"{self.minimum} or more"
        if self.maximum is not None:
            return f"{self.maximum} or less"
        return ""


@dataclass(frozen=True)
class Extract:
    """One partner extract: a CSV file, one row per record, loaded into one store table.

    `rules` are the extract's rules across the columns of one row, in the order
    of `extracts.md`; `group_rules` those across the rows of one group (a
    meeting); both are declared in `rules.py` and evaluated in SQL.
    """

    source: str
    title: str
    row_meaning: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...]
    period_column: str  # the date that places a row in a period (load_log min/max)
    rules: tuple[RowRule, ...] = ()
    group_rules: tuple[SameWithinGroup, ...] = ()

    @property
    def file_name(self) -> str:
        return f"{self.source}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def key_label(self) -> str:
        """The unique key as named in reject reasons: `referral_id`, `return_id+standard_id`."""
        return "+".join(self.unique_key)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise ExtractError(f"{self.file_name} has no column {name!r}")

    def create_table_sql(self, table: str | None = None) -> str:
        """`CREATE TABLE` for the store table, in the contract's column order."""
        cols = ", ".join(f'"{c.name}" {c.type.sql_type}' for c in self.columns)
        return f'CREATE TABLE "{table or self.source}" ({cols})'
