"""The one place text and dates become SQL literals."""

from __future__ import annotations

import datetime as dt


def sql_text(text: str) -> str:
    """A string literal: `O'Brien` -> `'O''Brien'`."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_date(day: dt.date) -> str:
    """A date literal: `DATE '2024-04-01'`."""
    return f"DATE '{day.isoformat()}'"


def sql_list(texts) -> str:
    """A parenthesised list of string literals, for `IN (...)`."""
    return "(" + ", ".join(sql_text(t) for t in texts) + ")"
