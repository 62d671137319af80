"""The disclosure audit: can a reader work out a hidden number from everything published?

For every hidden quantity it finds the smallest and largest value consistent
with the published numbers and the public relations (`relations.LinearModel`):
linear programmes solved with HiGHS through `scipy.optimize.linprog` — the
standard attacker of statistical disclosure control (as sdcTable's `attack`).
The bounds are rounded inward to whole numbers (every hidden number is a whole
number ≥ 0). A hidden number is **disclosed** (indicators.md) when:

- its exact value can be worked out (the bounds meet), or
- it is a count and can be shown to lie between 1 and the threshold.

Only the connected part of the system around each hidden number is solved (most
parts are small).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial


from ..compute.quantities import Quantity
from .parallel import in_order
from .relations import LinearModel
from .systems import TOLERANCE, System, systems
from .witness import Witnesses, certify, rules_out

EXACT, SMALL = "exact", "small"


@dataclass(frozen=True)
class Finding:
    """A hidden quantity a reader can work out (`exact`) or show is small (`small`), and from what."""

    quantity: Quantity
    low: int
    high: float
    kind: str
    evidence: tuple[Quantity, ...]
    relations: tuple[str, ...]

    def describe(self, threshold: int) -> str:
        if self.kind == EXACT:
            what = f"can be worked out as exactly {self.low}"
        else:
            what = f"can be shown to lie between {self.low} and {int(self.high)} (1 to {threshold} is hidden)"
        shown = ", ".join(str(q) for q in self.evidence[:6]) or "the relations alone"
        how = "; ".join(self.relations) or _relation_words(self.quantity, self.evidence)
        return f"{self.quantity} {what}, from {shown} ({how})"


def _relation_words(target: Quantity, evidence: tuple[Quantity, ...]) -> str:
    words = []
    if any(q.period != target.period for q in evidence):
        words.append("the months of a period add up to it")
    if any(q.period == target.period and q.filters != target.filters for q in evidence):
        words.append("the cells of a breakdown add up to its total")
    return "; ".join(words) or "the same figure is shown elsewhere"


@dataclass
class Target:
    """A hidden quantity and the tests it must pass: `small` for counts; `exact` for every figure."""

    quantity: Quantity
    tests: set[str] = field(default_factory=set)


def _range(system: System, expression, quantity, truth, threshold, both: bool, seen=None):
    """The rounded-inward bounds of a quantity and why, solving as few programmes as needed. `seen`:
    called with each solution (a witness for the other numbers of the part).

    The true value (when known) is itself consistent with everything published, so it
    stands in for a bound that cannot change the verdict: for a true count above 0 whose
    smallest possible value is lower (and 0, or the true value is above the threshold),
    the largest is not needed; for a true 0, the smallest is not needed once a larger
    value is possible."""
    c = system.objective(expression)

    def bound(sign):
        value, why, x = system.solve(c, sign, quantity)
        if seen is not None:
            seen(x)
        return value, why

    if truth is None or both:
        (low, low_why), (high, high_why) = bound(1.0), bound(-1.0)
    elif truth >= 0.5:
        low, low_why = bound(1.0)
        if math.ceil(low - TOLERANCE) < round(truth) and (low < 0.5 or truth > threshold):
            high, high_why = truth, ()
        else:
            high, high_why = bound(-1.0)
    else:
        high, high_why = bound(-1.0)
        if high >= 1 - TOLERANCE:
            low, low_why = truth, ()
        else:
            low, low_why = bound(1.0)
    return low, high, low_why + high_why


def _part_ranges(system: System, todo: list[Quantity], model: LinearModel, known: dict | None, threshold: int,
                 small: set[Quantity], pair_quantities: set[Quantity]) -> dict[Quantity, tuple]:
    """The range of each quantity of `todo` in one part of the system: witnesses first when the true
    values are known, then one quantity at a time."""
    ranges = {}
    witnesses = None
    if known is not None:
        witnesses = Witnesses(system, {q: model.expressions[q] for q in todo if known.get(q) is not None},
                              known, threshold, small)
        certify(system, witnesses)
    for q in todo:
        if witnesses is not None and q in witnesses.safe:
            ranges[q] = witnesses.safe[q]
            continue
        truth = None if known is None else known.get(q)
        ranges[q] = _range(system, model.expressions[q], q, truth, threshold, q in pair_quantities,
                           None if witnesses is None else witnesses.see)
    return ranges


def audit(model: LinearModel, shown: dict[Quantity, float], targets: list[Target], threshold: int,
          pairs: list[tuple[Quantity, Quantity]] = (), known: dict[Quantity, float] | None = None,
          cache: dict | None = None, proven: dict | None = None) -> list[Finding]:
    """Every disclosed target. `shown`: the published value of each published quantity; `pairs`:
    (sum, count) of hidden means, disclosed when both are worked out exactly. `known`: the true
    values, when the caller has them (fewer programmes, same verdicts: `witness`); `cache`: results
    kept between calls for parts of the system that did not change; `proven`: the quantities shown
    safe by an earlier call whose published quantities included all of these (hiding more only widens
    every range, so they stay safe), kept up to date by this call."""
    pending = [t for t in targets if t.quantity not in shown and t.tests]
    pair_targets = [(s, n) for s, n in pairs if s not in shown and n not in shown]
    pair_quantities = {q for pair in pair_targets for q in pair}
    small = {t.quantity for t in pending if SMALL in t.tests}
    wanted = {t.quantity for t in pending} | pair_quantities
    if not wanted:
        return []
    ranges: dict[Quantity, tuple] = {q: proven[q] for q in wanted if proven is not None and q in proven}
    parts = []

    def jobs():  # made while the pool solves the parts made before them
        for system, quantities in systems(model, shown, wanted - set(ranges)):
            todo = []
            for q in quantities:
                if cache is not None and (system.signature, q) in cache:
                    ranges[q] = cache[(system.signature, q)]
                else:
                    todo.append(q)
            parts.append((system, quantities))
            yield system.n, partial(_part_ranges, system, todo, model, known, threshold, small, pair_quantities)

    for (system, quantities), found in zip(parts, in_order(jobs())):
        ranges.update(found)
        if cache is not None:
            cache.update({(system.signature, q): ranges[q] for q in quantities})
    if proven is not None and known is not None:
        proven.update({q: ranges[q] for q in wanted if known.get(q) is not None
                       and rules_out(ranges[q][0], ranges[q][1], known[q], threshold, q in small)})
    findings = []
    for target in pending:
        low, high, why = ranges[target.quantity]
        low_i = math.ceil(low - TOLERANCE) if math.isfinite(low) else 0
        high_i = math.floor(high + TOLERANCE) if math.isfinite(high) else math.inf
        if EXACT in target.tests and high_i <= low_i:
            findings.append(_finding(target.quantity, low_i, high_i, EXACT, why))
        elif SMALL in target.tests and low_i >= 1 and high_i <= threshold:
            findings.append(_finding(target.quantity, low_i, high_i, SMALL, why))
    for sum_q, count_q in pair_targets:  # a mean is worked out when its sum and its (non-zero) count are
        bounds = [ranges[q] for q in (sum_q, count_q)]
        if bounds[1][0] >= 1 - TOLERANCE and all(
                math.isfinite(lo) and math.isfinite(hi) and math.floor(hi + TOLERANCE) <= math.ceil(lo - TOLERANCE)
                for lo, hi, _ in bounds):
            findings.append(_finding(sum_q, math.ceil(bounds[0][0] - TOLERANCE), bounds[0][1], EXACT,
                                     bounds[0][2] + bounds[1][2]))
    return findings


def _finding(quantity, low, high, kind, why) -> Finding:
    evidence = tuple(dict.fromkeys(w for w in why if isinstance(w, Quantity)))
    relations = tuple(dict.fromkeys(w for w in why if isinstance(w, str)))
    return Finding(quantity, int(low), high, kind, evidence, relations)
