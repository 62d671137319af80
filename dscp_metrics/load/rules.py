"""Rules across the columns of a row and across the rows of a group, declared as data and evaluated in SQL.

`extracts.md` (v2) adds rules that no single cell can break on its own:
a rating without a completion, a return before the child went missing, an
interview without a return, a meeting row that disagrees with its meeting, a
spell that ends before it starts. Each is declared on its `Extract` as one
of the records below and is a reject reason of its own.

How they are judged (docs/decisions.md, "Extracts and loading"):

- A rule is judged only when every cell it reads passed its own checks (a
  return date that is not a date is rejected for that, not also compared).
- A reject names one column: the one the rule is about (`return_date` in
  "return_date before missing_date"), with that cell's value as written.
  A cell gets one reason only: its own check first, then the first of its
  rules, in the order of `extracts.md`, that it breaks.
- A group rule (`SameWithinGroup`) is judged only on rows that pass every
  cell check and row rule; the first such row of a group (lowest line) sets
  the values the group's other rows must repeat. Duplicates are judged after
  it, on the rows that pass everything else.
"""

from __future__ import annotations

from dataclasses import dataclass


def sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _in_list(codes: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_text(c) for c in codes) + ")"


@dataclass(frozen=True)
class NotBefore:
    """`column` may not be earlier than `other` when both are given (`return_date` not before `missing_date`)."""

    column: str
    other: str
    reason: str

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column, self.other)

    def breaks_sql(self) -> str:
        return f"v_{self.column} < v_{self.other}"


@dataclass(frozen=True)
class Requires:
    """A value in `column` needs a value in `other`.

    `when`: only the codes of `column` listed here need it (`rhi_status`
    `held` needs an `rhi_date`). `other_in`: `other` must hold one of these
    codes, an empty cell counting as any other (`rhi_date` needs the status
    `held`; a rating needs `completed` = `yes`).
    """

    column: str
    other: str
    reason: str
    when: tuple[str, ...] = ()
    other_in: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.column, self.other)

    def breaks_sql(self) -> str:
        given = f"v_{self.column} IS NOT NULL"
        if self.when:
            given += f" AND v_{self.column} IN {_in_list(self.when)}"
        if self.other_in:
            lacking = f"(v_{self.other} IS NULL OR v_{self.other} NOT IN {_in_list(self.other_in)})"
        else:
            lacking = f"v_{self.other} IS NULL"
        return f"{given} AND {lacking}"


RowRule = NotBefore | Requires


@dataclass(frozen=True)
class SameWithinGroup:
    """Every row of a group (rows sharing `group`) repeats the `columns` of the group's first valid row."""

    group: tuple[str, ...]
    columns: tuple[str, ...]
    reason: str


def rule_stage(extract) -> list[str]:
    """SQL select items `f_<column>`: the cell's reason (`e_<column>`), else the first row rule it breaks.

    Reads the `v_` (value) and `e_` (cell reason) columns of the cell checks.
    """
    items = []
    for col in extract.columns:
        c = col.name
        whens = []
        for rule in extract.rules:
            if rule.column != c:
                continue
            judged = " AND ".join(f"e_{r} IS NULL" for r in rule.reads)
            whens.append(f"WHEN {judged} AND {rule.breaks_sql()} THEN {sql_text(rule.reason)}")
        if whens:
            items.append(f"coalesce(e_{c}, CASE {' '.join(whens)} END) AS f_{c}")
        else:
            items.append(f"e_{c} AS f_{c}")
    return items


def group_rejects_sql(extract, rows: str) -> list[str]:
    """SELECTs of `(line, position, item, column, value, reason)` for each group rule, over the table `rows`.

    `rows` holds only the rows that passed every cell check and row rule, with
    their values (`v_`) and the cells as written (`w_`). The reason says which
    line set the group's value: `inconsistent with its meeting (line 2 has 2024-04-03)`.
    """
    positions = {name: i for i, name in enumerate(extract.column_names)}
    selects = []
    for k, rule in enumerate(extract.group_rules):
        window = f"PARTITION BY {', '.join(f'v_{g}' for g in rule.group)} ORDER BY _line"
        firsts = ", ".join(f"first_value(v_{c}) OVER w AS a_{c}" for c in rule.columns)
        inner = (
            f"SELECT _line, {', '.join(f'v_{c}, w_{c}' for c in rule.columns)}, "
            f"first_value(_line) OVER w AS a_line, {firsts} FROM {rows} WINDOW w AS ({window})"
        )
        for c in rule.columns:
            selects.append(
                f"SELECT _line AS line, {positions[c]} AS position, 0 AS item, {sql_text(c)} AS \"column\", "
                f"w_{c} AS value, {sql_text(rule.reason + ' (line ')} || a_line || ' has ' "
                f"|| CAST(a_{c} AS VARCHAR) || ')' AS reason "
                f"FROM ({inner}) AS g{k} WHERE v_{c} IS DISTINCT FROM a_{c}"
            )
    return selects


def rule_problems(extract) -> list[str]:
    """Every rule of `extract` that reads a column it does not have, or compares columns of the wrong kind."""
    from .model import ColumnType

    names = set(extract.column_names)
    problems = []
    for rule in extract.rules:
        missing = [c for c in rule.reads if c not in names]
        if missing:
            problems.append(f"{extract.source}: rule {rule.reason!r} reads unknown column(s) {', '.join(missing)}")
            continue
        if isinstance(rule, NotBefore) and {extract.column(c).type for c in rule.reads} != {ColumnType.DATE}:
            problems.append(f"{extract.source}: rule {rule.reason!r} compares columns that are not dates")
        if isinstance(rule, Requires):
            for column, codes in ((rule.column, rule.when), (rule.other, rule.other_in)):
                unknown = set(codes) - set(extract.column(column).codes)
                if unknown:
                    problems.append(f"{extract.source}: rule {rule.reason!r} names codes {column} does not have")
    for rule in extract.group_rules:
        missing = [c for c in (*rule.group, *rule.columns) if c not in names]
        if missing:
            problems.append(f"{extract.source}: rule {rule.reason!r} reads unknown column(s) {', '.join(missing)}")
    return problems
