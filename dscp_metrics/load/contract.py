"""The partner extract contract (`extracts.md`, v1), declared once as data.

Each of the five extracts is an `Extract`: its source name (the file stem and
the store table), its columns with type, required flag, vocabulary (canonical
spellings), numeric range and a plain-English meaning, and its unique key.
The loader, the store schema, the docs and the data officer's guide all read
this module; nothing else repeats a column name, code or range.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from ..errors import ExtractError


class ColumnType(str, Enum):
    """How a column's text is read."""

    TEXT = "text"                 # free text or an identifier, kept exactly as written after trimming
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


@dataclass(frozen=True)
class Column:
    """One column of an extract."""

    name: str
    type: ColumnType
    required: bool
    description: str
    vocabulary: tuple[Code, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

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
    """One partner extract: a CSV file, one row per record, loaded into one store table."""

    source: str
    title: str
    row_meaning: str
    columns: tuple[Column, ...]
    unique_key: tuple[str, ...]
    period_column: str  # the date that places a row in a period (load_log min/max)

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


def _codes(*codes: str | tuple[str, str]) -> tuple[Code, ...]:
    return tuple(Code(*c) if isinstance(c, tuple) else Code(c) for c in codes)


FACTORS = _codes(
    ("domestic_abuse", "domestic abuse"),
    ("exploitation", "exploitation"),
    ("mental_health", "mental health"),
    ("neglect", "neglect"),
    ("physical_abuse", "physical abuse"),
    ("sexual_abuse", "sexual abuse"),
    ("emotional_abuse", "emotional abuse"),
    ("substance_misuse", "substance misuse"),
    ("missing", "missing"),
    ("other", "any other factor"),
)

EXPLOITATION_TYPES = _codes(
    ("criminal", "criminal exploitation"),
    ("sexual", "sexual exploitation"),
    ("other", "any other exploitation"),
)

RISK_LEVELS = _codes(("low", "low risk"), ("medium", "medium risk"), ("high", "high risk"))

LOCALITIES = _codes("East", "West", "South", "Darlington")

OSA_SECTIONS = _codes(
    ("leadership", "Leadership, supervision and accountability"),
    ("policies", "Use of policies and procedures to safeguard children"),
    ("information_sharing", "Information sharing and data management"),
    ("training", "Multi agency training and development"),
    ("voice_of_child", "The voice of children and young people"),
    ("domestic_abuse", "Domestic abuse"),
    ("harm_outside_home", "Harm outside the home"),
    ("first_1001_days", "First 1001 days"),
    ("mental_health", "Mental health and wellbeing"),
)

RATINGS = _codes("Red", "Amber", "Green")

INJURY_LEVELS = (
    "0 no injury; 1 minor injury, no medical treatment required; "
    "2 injury requiring medical treatment, not in hospital; "
    "3 serious injury requiring hospital treatment"
)

T, D, N, C, L = (
    ColumnType.TEXT,
    ColumnType.DATE,
    ColumnType.WHOLE_NUMBER,
    ColumnType.CODE,
    ColumnType.CODE_LIST,
)

_ALL = (
    Extract(
        source="csc_referrals",
        title="Children's Social Care referrals",
        row_meaning="one row per referral accepted by Children's Social Care (the Children in Need census meaning of a referral)",
        columns=(
            Column("referral_id", T, True, "the referral's identifier; each referral appears once"),
            Column("child_id", T, True, "the child's pseudonymised identifier, the same in every extract and every quarter"),
            Column("referral_date", D, True, "the date the referral was received"),
            Column("source", T, False, "who made the referral, as recorded (for example Police, Schools, Health services)"),
            Column("factors", L, False, "the factors recorded on the referral, separated by ';'; empty when none were recorded", FACTORS),
        ),
        unique_key=("referral_id",),
        period_column="referral_date",
    ),
    Extract(
        source="cevt_referrals",
        title="Child Exploitation Vulnerability Tracker scorings",
        row_meaning="one row per child scored on the CEVT (a referral to the tracker and its scoring)",
        columns=(
            Column("cevt_id", T, True, "the scoring's identifier; each scoring appears once"),
            Column("child_id", T, True, "the child's pseudonymised identifier, the same in every extract and every quarter"),
            Column("scored_date", D, True, "the date the child was scored on the tracker"),
            Column("exploitation_type", C, True, "the kind of exploitation the child was scored for", EXPLOITATION_TYPES),
            Column("risk_level", C, False, "the risk level the scoring gave", RISK_LEVELS),
            Column("locality", C, False, "the locality the child lives in", LOCALITIES),
        ),
        unique_key=("cevt_id",),
        period_column="scored_date",
    ),
    Extract(
        source="restraint_incidents",
        title="Use of restraint at the secure centre",
        row_meaning="one row per incident of physical restraint",
        columns=(
            Column("incident_id", T, True, "the incident's identifier; each incident appears once"),
            Column("young_person_id", T, True, "the pseudonymised identifier of the young person restrained"),
            Column("incident_date", D, True, "when the restraint happened (a date, or a date and time)"),
            Column("injury_level", N, True, f"the most serious injury from the restraint: {INJURY_LEVELS}", minimum=0, maximum=3),
            Column("age", N, False, "the young person's age in whole years at the incident", minimum=10, maximum=17),
        ),
        unique_key=("incident_id",),
        period_column="incident_date",
    ),
    Extract(
        source="osa_returns",
        title="Organisational Safeguarding Assessment returns",
        row_meaning="one row per standard rated in a returned self-assessment",
        columns=(
            Column("return_id", T, True, "one returned self-assessment (one participant); repeated on each of its rows"),
            Column("organisation", T, True, "the service or agency that returned it"),
            Column("section", C, True, "the section of the assessment the standard belongs to", OSA_SECTIONS),
            Column("standard_id", T, True, "the standard within the section; a return rates each standard once"),
            Column("rating", C, True, "the rating given to the standard", RATINGS),
            Column("assessment_date", D, True, "the date of the self-assessment"),
        ),
        unique_key=("return_id", "standard_id"),
        period_column="assessment_date",
    ),
    Extract(
        source="osa_issued",
        title="Organisational Safeguarding Assessment distribution",
        row_meaning="one row per service or agency the self-assessment was sent to",
        columns=(
            Column("organisation", T, True, "the service or agency; each appears once"),
            Column("issued", N, True, "how many self-assessments were issued to its participants", minimum=0),
            Column("issued_date", D, True, "when they were issued"),
        ),
        unique_key=("organisation",),
        period_column="issued_date",
    ),
)

EXTRACTS: Mapping[str, Extract] = MappingProxyType({e.source: e for e in _ALL})
"""Every extract of the contract, by source name, in the order of `extracts.md`."""


def get_extract(name: str) -> Extract:
    """The extract called `name` (`csc_referrals` or `csc_referrals.csv`, any case)."""
    key = name.strip().lower().removesuffix(".csv")
    if key in EXTRACTS:
        return EXTRACTS[key]
    close = difflib.get_close_matches(key, list(EXTRACTS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the extracts are {', '.join(EXTRACTS)}"
    raise ExtractError(f"no extract {name!r}{hint}")


def contract_problems() -> list[str]:
    """Every inconsistency in the declarations above (an empty list when the contract is sound)."""
    problems: list[str] = []
    for source, extract in EXTRACTS.items():
        names = extract.column_names
        if len(set(names)) != len(names):
            problems.append(f"{source}: a column name is declared twice")
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
    return problems
