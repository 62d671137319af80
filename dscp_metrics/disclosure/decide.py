"""Which numbers a publication hides: primary suppression, then secondary until the audit finds nothing.

The rules (indicators.md, "Disclosure control"):

- a count from 1 to the threshold (5 by default) is hidden; 0 is shown;
- a `%` whose numerator or denominator is from 1 to the threshold is hidden;
- a `mean` of 1 to the threshold ratings is hidden (it would reveal answers);
- then, while the audit finds a hidden number a reader could work out (or show
  is small) from everything published, one more published number it was worked
  out from is hidden: preferably not a headline `all` figure of a quarter or
  year, preferably one that is itself small, preferably one shown in few places.

Suppression works on *quantities* (`compute.quantities`): a number hidden in one
row is hidden in every row that shows it (the count and the `%` built on it).
`[c]` marks every hidden row, primary or secondary: a reader cannot tell which.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..compute.quantities import Quantity
from ..errors import ConfigError, DisclosureError
from .audit import EXACT, SMALL, Finding, Target, audit
from .groups import Groups, partition_groups
from .relations import LinearModel

SUPPRESSED = "[c]"
DEFAULT_THRESHOLD = 5
MAX_ROUNDS = 200


def check_threshold(threshold: object) -> int:
    """The suppression threshold as an int (the largest count that is hidden), or a ConfigError."""
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ConfigError(
            "the suppression threshold must be a whole number of at least 1 "
            f"(the DfE convention is {DEFAULT_THRESHOLD}); got {threshold!r}"
        )
    return int(threshold)


def _small(value, threshold: int) -> bool:
    return value is not None and not pd.isna(value) and 1 <= float(value) <= threshold


def primary(rows: pd.DataFrame, threshold: int) -> set[Quantity]:
    """The quantities hidden because they are small (see the module docstring)."""
    hidden: set[Quantity] = set()
    for unit, num_key, den_key, numerator, denominator in rows[
        ["unit", "num_key", "den_key", "numerator", "denominator"]
    ].itertuples(index=False):
        if unit in ("count", "%") and _small(numerator, threshold):
            hidden.add(num_key)
        if unit in ("%", "mean") and den_key is not None and _small(denominator, threshold):
            hidden.add(den_key)
    return hidden


def hidden_rows(rows: pd.DataFrame, hidden: set[Quantity]) -> np.ndarray:
    """True for each row that shows a hidden quantity (as its numerator or its denominator)."""
    pairs = zip(rows["num_key"], rows["den_key"])
    flags = ((n in hidden) or (d is not None and d in hidden) for n, d in pairs)
    return np.fromiter(flags, dtype=bool, count=len(rows))


def published_values(rows: pd.DataFrame, hidden_mask: np.ndarray) -> dict[Quantity, float]:
    """Every quantity a shown row publishes, with its value."""
    shown: dict[Quantity, float] = {}
    visible = rows.loc[~hidden_mask]
    numerators = visible["numerator"].to_numpy(dtype=float, na_value=np.nan).tolist()
    denominators = visible["denominator"].to_numpy(dtype=float, na_value=np.nan).tolist()
    for num_key, den_key, numerator, denominator in zip(visible["num_key"], visible["den_key"], numerators,
                                                        denominators):
        shown[num_key] = numerator
        if den_key is not None and not math.isnan(denominator):
            shown[den_key] = denominator
    return shown


def targets_of(rows: pd.DataFrame, hidden_mask: np.ndarray) -> tuple[list[Target], list[tuple[Quantity, Quantity]]]:
    """What each hidden row must not give away: a count's or a %'s numerator (its value, or that it is
    small), a denominator (that it is small), a mean's count of ratings and, with it, its sum."""
    tests: dict[Quantity, set[str]] = {}
    pairs = []
    for unit, num_key, den_key in rows.loc[hidden_mask, ["unit", "num_key", "den_key"]].itertuples(index=False):
        if unit in ("count", "%"):
            tests.setdefault(num_key, set()).update((EXACT, SMALL))
        if unit in ("%", "mean") and den_key is not None:
            tests.setdefault(den_key, set()).add(SMALL)
        if unit == "mean" and den_key is not None:
            pairs.append((num_key, den_key))
    return [Target(q, t) for q, t in tests.items()], list(dict.fromkeys(pairs))


def _costs(rows: pd.DataFrame) -> dict[Quantity, tuple]:
    """How much hiding each quantity costs: a headline figure most; then a 0 (other figures usually pin a
    hidden 0 down again, so it protects nothing); then a larger figure; then one shown in more rows."""
    costs: dict[Quantity, list] = {}
    for order, (num_key, den_key, cell, kind, numerator, denominator) in enumerate(rows[
        ["num_key", "den_key", "cell", "period_kind", "numerator", "denominator"]
    ].itertuples(index=False)):
        headline = cell == () and kind != "month"
        for key, value in ((num_key, numerator), (den_key, denominator)):
            if key is None:
                continue
            number = math.inf if pd.isna(value) else float(value)
            entry = costs.setdefault(key, [False, number == 0, number, 0, order])
            entry[0] = entry[0] or headline
            entry[3] += 1
    return {k: tuple(v) for k, v in costs.items()}


def decide(rows: pd.DataFrame, model: LinearModel, threshold: int, cache: dict | None = None,
           categories: dict | None = None, proven: dict | None = None) -> set[Quantity]:
    """The hidden quantities of a publication: primary, the classical pass over totals and their parts
    (`groups`), then secondary until the audit finds nothing disclosed. `cache` and `proven` (dicts) keep
    the audit's results between rounds and for the final audit of the same publication: each round hides
    more, so what one round shows safe stays safe (`audit`)."""
    costs = _costs(rows)
    groups = Groups(partition_groups(set(quantities_of(rows)), categories or {}))
    hidden = groups.protect(primary(rows, threshold), costs)
    known = published_values(rows, np.zeros(len(rows), dtype=bool))
    cache = {} if cache is None else cache
    proven = {} if proven is None else proven
    for _ in range(MAX_ROUNDS):
        mask = hidden_rows(rows, hidden)
        shown = published_values(rows, mask)
        targets, pairs = targets_of(rows, mask)
        findings = audit(model, shown, targets, threshold, pairs, known=known, cache=cache, proven=proven)
        if not findings:
            return hidden
        added = {_protect(f, shown, costs, model) for f in findings}
        hidden = groups.protect(hidden | added, costs, changed=added - hidden)
    raise DisclosureError(f"secondary suppression did not settle after {MAX_ROUNDS} rounds")


def _protect(finding: Finding, shown: dict[Quantity, float], costs: dict, model: LinearModel) -> Quantity:
    """The published quantity to hide so that `finding` no longer holds."""
    candidates = [q for q in finding.evidence if q in shown]
    if not candidates:  # worked out from the relations alone: hide what shares its unknowns
        variables = set(model.expressions[finding.quantity])
        candidates = [q for q in shown if variables & set(model.expressions.get(q, ()))]
    if not candidates:
        raise DisclosureError(f"{finding.quantity} cannot be protected: nothing published holds it")
    return min(candidates, key=lambda q: costs.get(q, (False, False, math.inf, 0, 0)))


def final_audit(rows: pd.DataFrame, model: LinearModel, hidden_mask: np.ndarray, threshold: int,
                known: bool = False, cache: dict | None = None, proven: dict | None = None) -> list[Finding]:
    """The audit of what will be written, its constraints from the published values only (`known`:
    the rows hold the true values of the hidden figures, which then speed the search; `proven`: what
    `decide` showed safe while more was published, which stays safe)."""
    shown = published_values(rows, hidden_mask)
    targets, pairs = targets_of(rows, hidden_mask)
    truth = published_values(rows, np.zeros(len(rows), dtype=bool)) if known else None
    return audit(model, shown, targets, threshold, pairs, known=truth, cache=cache,
                 proven=proven if known else None)


def quantities_of(rows: pd.DataFrame) -> Iterable[Quantity]:
    yield from rows["num_key"]
    yield from (d for d in rows["den_key"] if d is not None)


def shared_keys(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` with one object for each quantity in `num_key` and `den_key` (two rows that show the same
    quantity hold equal keys; the audit's lookups are much faster when they are the same object)."""
    one: dict[Quantity, Quantity] = {}
    num = [one.setdefault(q, q) for q in rows["num_key"]]
    den = [None if q is None else one.setdefault(q, q) for q in rows["den_key"]]
    return rows.assign(num_key=num, den_key=den)
