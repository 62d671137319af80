"""Small-number suppression of the indicator table, applied at the export boundary.

The rules are the PLG's (`indicators.md`, "Disclosure control"):

- a count from 1 to the threshold (5 by default) is shown as `[c]`; 0 is shown as 0;
- a `%` whose numerator or denominator is from 1 to the threshold is shown as `[c]`
  (a `%` with denominator 0 has no value and reveals nothing, so it stays as it is);
- where suppressing one cell of a breakdown would let it be worked out from the
  total and the other cells, the next smallest cell is suppressed too.

`[c]` is the Government Statistical Service symbol for a confidential value, the
symbol the Department for Education uses for suppressed small numbers in its
children's social care statistics.

"Worked out" means: a reader who sees every visible figure, the group's total (or
the shared denominator of a `%` breakdown, shown on every sibling row) and knows
that each hidden cell is a whole number of at least 0 can pin a hidden cell to one
value. That happens when a group has exactly one hidden cell beside a visible
total, or when the hidden cells' numerators must add up to 0.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from .errors import ConfigError, ParameterError

SUPPRESSED: Final = "[c]"
DEFAULT_THRESHOLD: Final = 5

FIGURE_COLUMNS: Final = ("numerator", "denominator", "value", "lower_ci", "upper_ci")
REQUIRED_COLUMNS: Final = ("indicator_id", *FIGURE_COLUMNS, "unit", "suppression_group", "is_group_total")
UNITS: Final = ("count", "%")

REASON_PRIMARY: Final = "primary"  # a count from 1 to the threshold
REASON_PERCENTAGE: Final = "percentage"  # a % whose numerator or denominator is from 1 to the threshold
REASON_SECONDARY: Final = "secondary"  # hidden so a hidden sibling cannot be worked out
NOT_SUPPRESSED: Final = ""
REASONS: Final = (REASON_PRIMARY, REASON_PERCENTAGE, REASON_SECONDARY)


def check_threshold(threshold: object) -> int:
    """The suppression threshold as an int, or a `ConfigError` in plain English.

    The threshold is the largest count that is hidden: a whole number of at least 1.
    """
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, np.integer)):
        raise ConfigError(
            "the suppression threshold must be a whole number of at least 1 "
            f"(the DfE convention is {DEFAULT_THRESHOLD}); got {threshold!r}"
        )
    if threshold < 1:
        raise ConfigError(
            "the suppression threshold must be at least 1 "
            f"(the DfE convention is {DEFAULT_THRESHOLD}); got {threshold}"
        )
    return int(threshold)


def _as_float(values: object) -> np.ndarray:
    """Numbers as a float array; anything missing or not a number becomes NaN."""
    flat = pd.Series(np.ravel(np.asarray(values, dtype=object)), dtype=object)
    return pd.to_numeric(flat, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def is_small(count: object, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """True where a count is from 1 to `threshold` (a small number that must be hidden).

    0 is not small (it is published as 0), and neither is a missing value.
    Returns a boolean array of the same shape as `count` (a scalar gives a 0-d array).
    """
    threshold = check_threshold(threshold)
    numbers = _as_float(count)
    small = (numbers >= 1) & (numbers <= threshold)
    return small.reshape(np.shape(count))


def _check_table(table: pd.DataFrame) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"suppress() needs the indicator table as a pandas DataFrame; got {type(table).__name__}")
    if "suppressed" in table.columns:
        raise ParameterError("this indicator table has already been suppressed (it has a 'suppressed' column)")
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise ParameterError(f"the indicator table has no column(s) {', '.join(missing)}; suppression needs them")
    bad_units = sorted({str(unit) for unit in table["unit"] if unit not in UNITS})
    if bad_units:
        raise ParameterError(f"unit must be 'count' or '%'; the indicator table has {', '.join(map(repr, bad_units))}")


def _group_ids(table: pd.DataFrame) -> pd.Series:
    """Each row's suppression group, with None, NaN and '' meaning "in no group"."""
    groups = table["suppression_group"].astype(object)
    no_group = groups.isna() | groups.eq("")
    return groups.mask(no_group, None)


def _protect_group(
    cells: np.ndarray,
    total: int | None,
    numerator: np.ndarray,
    denominator: np.ndarray,
    hidden: np.ndarray,
) -> list[int]:
    """Positions to hide, beyond those already hidden, so that no hidden cell of one
    group can be worked out.

    `cells` are the group's non-total row positions in table order; `total` is the
    position of its total row, or None when the total is the cells' shared
    denominator. Rule: while the total is visible and the hidden cells are a single
    cell, or must all be 0, hide the unhidden cell with the smallest numerator (ties
    by row order; a 0 cell may be chosen unless the hidden cells would still add up
    to 0); with no such cell, hide the total row (with no total row, hide every
    sibling, so the shared denominator is shown nowhere).
    """
    hidden = hidden.copy()
    added: list[int] = []
    while True:
        hidden_cells = cells[hidden[cells]]
        visible_cells = cells[~hidden[cells]]
        if hidden_cells.size == 0:
            break
        if total is not None:
            if hidden[total]:
                break  # nothing to subtract from: no hidden cell can be worked out
            total_value = numerator[total]
        else:
            if visible_cells.size == 0:
                break  # the shared denominator is shown nowhere in the group
            total_value = denominator[visible_cells[0]]
        hidden_sum = total_value - numerator[visible_cells].sum()
        if hidden_cells.size >= 2 and hidden_sum >= 1:
            break
        candidates = visible_cells if hidden_sum >= 1 else visible_cells[numerator[visible_cells] > 0]
        if candidates.size:
            order = np.lexsort((candidates, np.nan_to_num(numerator[candidates], nan=np.inf)))
            newly_hidden = [int(candidates[order[0]])]
        elif total is not None:
            newly_hidden = [total]
        else:
            newly_hidden = [int(p) for p in visible_cells]  # hides the shared denominator too
        hidden[newly_hidden] = True
        added.extend(newly_hidden)
    return added


def suppress(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The indicator table with small numbers hidden as `[c]`, ready to leave the session.

    Rules (`indicators.md`, "Disclosure control"; `[c]` is the GSS symbol for a
    confidential value, as the DfE uses it for children's social care statistics):

    - primary: a count from 1 to `threshold` is hidden; 0 stays 0;
    - percentage: a `%` whose numerator or denominator is from 1 to `threshold` is
      hidden; a `%` with denominator 0 keeps its empty value;
    - secondary: within a `suppression_group`, if a hidden cell could be worked out
      from the visible total and the visible cells (exactly one hidden cell, or
      hidden cells that must all be 0), the next smallest visible cell is hidden
      too (smallest numerator, ties by row order; a 0 cell may be chosen); if no
      other cell is left, the total row is hidden. Repeated until nothing changes.
      A group with no total row (a `%` breakdown whose cells' numerators add up to
      their shared denominator) works the same way, the total being that
      denominator while any sibling still shows it.

    Returns a new frame (the input is not changed) with the same rows in the same
    order; the five figure columns (`numerator, denominator, value, lower_ci,
    upper_ci`) become object dtype and hold `[c]` on every hidden row, and two
    columns are added: `suppressed` (bool) and `suppression_reason`
    (`primary`, `percentage`, `secondary`, or '' when shown).

    `suppression_reason` is for the analyst's audit only: next to the table it can
    give a cell away (two hidden `primary` cells adding up to 2 are both 1), so
    exports must drop it, as they drop `suppression_group` and `is_group_total`.
    """
    threshold = check_threshold(threshold)
    _check_table(table)

    numerator = _as_float(table["numerator"])
    denominator = _as_float(table["denominator"])
    is_percentage = table["unit"].eq("%").to_numpy(dtype=bool)

    small_count = ~is_percentage & is_small(numerator, threshold)
    small_percentage = is_percentage & (is_small(numerator, threshold) | is_small(denominator, threshold))
    reason = np.full(len(table), NOT_SUPPRESSED, dtype=object)
    reason[small_count] = REASON_PRIMARY
    reason[small_percentage] = REASON_PERCENTAGE
    hidden = small_count | small_percentage

    is_total = table["is_group_total"].astype(object).eq(True).to_numpy(dtype=bool)
    group_codes, group_ids = pd.factorize(_group_ids(table), use_na_sentinel=True)  # -1: in no group
    stray_totals = is_total & (group_codes < 0)
    if stray_totals.any():
        rows = ", ".join(str(label) for label in table.index[stray_totals][:5])
        raise ParameterError(f"row(s) {rows} are marked is_group_total but belong to no suppression_group")

    for code, group_id in enumerate(group_ids):
        members = np.flatnonzero(group_codes == code)
        totals = members[is_total[members]]
        if totals.size > 1:
            raise ParameterError(
                f"suppression group {group_id!r} has {totals.size} total rows; it may have at most one"
            )
        cells = members[~is_total[members]]
        total = int(totals[0]) if totals.size else None
        added = _protect_group(cells, total, numerator, denominator, hidden)
        hidden[added] = True
        reason[added] = REASON_SECONDARY

    suppressed = table.copy()
    for column in FIGURE_COLUMNS:
        suppressed[column] = suppressed[column].astype(object).mask(hidden, SUPPRESSED)
    suppressed["suppressed"] = hidden
    suppressed["suppression_reason"] = pd.Series(reason, index=table.index, dtype="str")
    return suppressed


def suppression_summary(suppressed_table: pd.DataFrame, *, by_reason: bool = True) -> pd.DataFrame:
    """How many cells `suppress` hid, per indicator (and reason), for the run manifest.

    Columns `indicator_id, suppression_reason, cells` (or `indicator_id, cells` with
    `by_reason=False`), one row per combination that hid at least one cell,
    indicators in table order and reasons in the order primary, percentage,
    secondary. The split by reason belongs in the analyst's manifest only: beside
    the published table it can let a reader work out a cell, so a published
    data-quality section should use `by_reason=False` (which only repeats the
    number of `[c]` a reader can already count).
    """
    missing = [c for c in ("indicator_id", "suppressed", "suppression_reason") if c not in suppressed_table.columns]
    if missing:
        raise ParameterError(
            f"the table has no column(s) {', '.join(missing)}; "
            "pass the result of suppress(), not the raw indicator table"
        )
    keys = ["indicator_id", "suppression_reason"] if by_reason else ["indicator_id"]
    hidden_rows = suppressed_table.loc[suppressed_table["suppressed"].to_numpy(dtype=bool), keys]
    counts = hidden_rows.groupby(keys, sort=False).size().rename("cells").reset_index()
    indicator_order = {ident: rank for rank, ident in enumerate(pd.unique(suppressed_table["indicator_id"]))}
    sort_keys = [counts["indicator_id"].map(indicator_order)]
    if by_reason:
        sort_keys.append(counts["suppression_reason"].map({r: rank for rank, r in enumerate(REASONS)}))
    order = np.lexsort([key.to_numpy() for key in reversed(sort_keys)])
    return counts.iloc[order].reset_index(drop=True).astype({"cells": "int64"})
