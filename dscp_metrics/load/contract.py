"""The partner extract contract (`extracts.md`, v2), declared once as data.

Each of the nine extracts is an `Extract` (`model.py`): its source name (the
file stem and the store table), its columns with type, required flag,
vocabulary (canonical spellings), numeric range and a plain-English meaning,
its unique key and its rules across columns and rows (`rules.py`). The
declarations live in `load/extracts/`, one module per group of sources; this
module is the one place to import them from, with the lookup `get_extract`
and the catalogue check `contract_problems`.
"""

from __future__ import annotations

import difflib

from ..errors import ExtractError
from .extracts import (
    AGENCIES,
    ATTENDANCE,
    COMPLETED,
    EDUCATION_STATUSES,
    EXPLOITATION_TYPES,
    EXTRACTS,
    FACTORS,
    IN_CARE,
    INJURY_LEVELS,
    LOCALITIES,
    MEETING_TYPES,
    ORGANISATION_TYPES,
    OSA_SECTIONS,
    RATINGS,
    RHI_STATUSES,
    RISK_LEVELS,
    TRAINING_ROUTES,
)
from .model import INTEGER_MAX, INTEGER_MIN, Code, Column, ColumnType, Extract, codes
from .rules import NotBefore, Requires, SameWithinGroup, rule_problems

__all__ = [
    "AGENCIES", "ATTENDANCE", "COMPLETED", "EDUCATION_STATUSES", "EXPLOITATION_TYPES", "EXTRACTS", "FACTORS",
    "INJURY_LEVELS", "INTEGER_MAX", "INTEGER_MIN", "IN_CARE", "LOCALITIES", "MEETING_TYPES", "ORGANISATION_TYPES",
    "OSA_SECTIONS", "RATINGS", "RHI_STATUSES", "RISK_LEVELS", "TRAINING_ROUTES", "VOCABULARIES",
    "Code", "Column", "ColumnType", "Extract", "NotBefore", "Requires", "SameWithinGroup",
    "codes", "contract_problems", "get_extract",
]

VOCABULARIES: dict[str, tuple[Code, ...]] = {
    "FACTORS": FACTORS,
    "EXPLOITATION_TYPES": EXPLOITATION_TYPES,
    "RISK_LEVELS": RISK_LEVELS,
    "LOCALITIES": LOCALITIES,
    "OSA_SECTIONS": OSA_SECTIONS,
    "RATINGS": RATINGS,
    "TRAINING_ROUTES": TRAINING_ROUTES,
    "ORGANISATION_TYPES": ORGANISATION_TYPES,
    "COMPLETED": COMPLETED,
    "IN_CARE": IN_CARE,
    "RHI_STATUSES": RHI_STATUSES,
    "MEETING_TYPES": MEETING_TYPES,
    "AGENCIES": AGENCIES,
    "ATTENDANCE": ATTENDANCE,
    "EDUCATION_STATUSES": EDUCATION_STATUSES,
}
"""Every vocabulary of the contract by its exported name."""


def get_extract(name: str) -> Extract:
    """The extract called `name` (`csc_referrals` or `csc_referrals.csv`, any case)."""
    key = name.strip().lower().removesuffix(".csv")
    if key in EXTRACTS:
        return EXTRACTS[key]
    close = difflib.get_close_matches(key, list(EXTRACTS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the extracts are {', '.join(EXTRACTS)}"
    raise ExtractError(f"no extract {name!r}{hint}")


def contract_problems() -> list[str]:
    """Every inconsistency in the declarations (an empty list when the contract is sound)."""
    problems: list[str] = []
    D, N, C, L = ColumnType.DATE, ColumnType.WHOLE_NUMBER, ColumnType.CODE, ColumnType.CODE_LIST
    for source, extract in EXTRACTS.items():
        names = extract.column_names
        if len(set(names)) != len(names):
            problems.append(f"{source}: a column name is declared twice")
        if len(extract.required_columns) < 2:
            problems.append(f"{source}: fewer than two required columns (a blank line would read as a row)")
        for key in extract.unique_key:
            if key not in names:
                problems.append(f"{source}: unique key column {key!r} is not a column")
            elif not extract.column(key).required:
                problems.append(f"{source}: unique key column {key!r} must be required")
        if extract.period_column not in names or extract.column(extract.period_column).type is not D:
            problems.append(f"{source}: period column {extract.period_column!r} is not a date column")
        for col in extract.columns:
            if col.name != col.name.strip().lower():
                problems.append(f"{source}.{col.name}: column names are lower case, without spaces")
            if not col.description:
                problems.append(f"{source}.{col.name}: no description")
            has_codes = col.type in (C, L)
            if has_codes != bool(col.vocabulary):
                problems.append(f"{source}.{col.name}: a vocabulary belongs to code columns only")
            lowered = [c.lower() for c in col.codes]
            if len(set(lowered)) != len(lowered):
                problems.append(f"{source}.{col.name}: codes repeat when case is ignored")
            if any(";" in c or c != c.strip() or not c for c in col.codes):
                problems.append(f"{source}.{col.name}: a code is empty, padded or holds ';'")
            if (col.minimum is not None or col.maximum is not None) and col.type is not N:
                problems.append(f"{source}.{col.name}: a range belongs to whole-number columns only")
            if col.free_text and col.type is not ColumnType.TEXT:
                problems.append(f"{source}.{col.name}: only a text column can be free text")
        problems.extend(rule_problems(extract))
    for name, vocabulary in VOCABULARIES.items():
        if not vocabulary or not all(isinstance(c, Code) for c in vocabulary):
            problems.append(f"{name}: a vocabulary is a non-empty tuple of Code")
    return problems
