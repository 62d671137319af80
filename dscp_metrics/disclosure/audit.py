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
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..compute.quantities import Quantity
from ..errors import DisclosureError
from .relations import LinearModel

TOLERANCE = 1e-6
DENSE_UP_TO = 40_000  # cells of a constraint matrix below which it is passed dense
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


class _Components:
    """Union-find over variables: two variables are connected when a constraint holds both."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, variables) -> None:
        variables = list(variables)
        for v in variables[1:]:
            a, b = self.find(variables[0]), self.find(v)
            if a != b:
                self.parent[b] = a


class _System:
    """One connected part of the system, as the matrices of a linear programme."""

    def __init__(self, model: LinearModel, variables: list[int], relations, equalities) -> None:
        from scipy.sparse import csr_matrix

        self.column = {v: i for i, v in enumerate(variables)}
        self.n = len(variables)
        eq_rows, self.eq_rhs, self.eq_what, ub_rows, self.ub_what = [], [], [], [], []
        for relation in relations:
            (eq_rows if relation.equality else ub_rows).append(relation.terms)
            (self.eq_what if relation.equality else self.ub_what).append(relation.words)
            if relation.equality:
                self.eq_rhs.append(0.0)
        for quantity, value in equalities:
            eq_rows.append(tuple(model.expressions[quantity].items()))
            self.eq_rhs.append(float(value))
            self.eq_what.append(quantity)

        def matrix(rows):
            if not rows:
                return None
            i, j, x = zip(*((r, self.column[v], c) for r, terms in enumerate(rows) for v, c in terms))
            if len(rows) * self.n <= DENSE_UP_TO:  # small parts: dense arrays cost linprog less
                dense = np.zeros((len(rows), self.n))
                np.add.at(dense, (np.asarray(i), np.asarray(j)), np.asarray(x))
                return dense
            return csr_matrix((x, (i, j)), shape=(len(rows), self.n))

        self.a_eq, self.a_ub = matrix(eq_rows), matrix(ub_rows)
        self.b_ub = np.zeros(len(ub_rows)) if ub_rows else None
        lower = [model.lower[v] for v in variables]
        self.bounds = (0, None) if all(b == 0 for b in lower) else [
            (b if math.isfinite(b) else None, None) for b in lower]
        self.signature = (tuple(variables), tuple(sorted((str(w), b) for w, b in zip(self.eq_what, self.eq_rhs))))

    def objective(self, expression: dict[int, float]) -> np.ndarray:
        c = np.zeros(self.n)
        for v, coefficient in expression.items():
            c[self.column[v]] = coefficient
        return c

    def solve(self, c: np.ndarray, sign: float, quantity: Quantity) -> tuple[float, tuple]:
        """The smallest (`sign` 1) or largest (`sign` -1) value of `c·x`, and the constraints that bind it."""
        from scipy.optimize import linprog

        result = linprog(sign * c, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.eq_rhs or None,
                         bounds=self.bounds, method="highs")
        if result.status == 2:
            raise DisclosureError(
                f"the published figures contradict each other around {quantity} (for example a breakdown that "
                "does not add up to its total): check the file"
            )
        if result.status == 3:
            return (-math.inf if sign > 0 else math.inf), ()
        if result.status != 0:
            raise DisclosureError(f"the disclosure audit could not solve for {quantity}: {result.message}")
        evidence = []
        if self.a_eq is not None:
            evidence += [self.eq_what[i] for i in np.flatnonzero(np.abs(result.eqlin.marginals) > TOLERANCE)]
        if self.a_ub is not None:
            evidence += [self.ub_what[i] for i in np.flatnonzero(np.abs(result.ineqlin.marginals) > TOLERANCE)]
        return sign * result.fun, tuple(evidence)


def _systems(model: LinearModel, shown: dict[Quantity, float], wanted: set[Quantity]):
    """The connected parts of the system that hold a wanted quantity, each with its quantities."""
    components = _Components(model.size)
    for relation in model.relations:
        components.join(v for v, _ in relation.terms)
    equalities = [(q, value) for q, value in shown.items() if q in model.expressions]
    for q in [q for q, _ in equalities] + list(wanted):
        components.join(model.expressions[q])
    by_root: dict[int, list[Quantity]] = defaultdict(list)
    for q in wanted:
        by_root[components.find(next(iter(model.expressions[q])))].append(q)
    members: dict[int, list[int]] = defaultdict(list)
    relations: dict[int, list] = defaultdict(list)
    shown_in: dict[int, list] = defaultdict(list)
    for v in range(model.size):
        members[components.find(v)].append(v)
    for relation in model.relations:
        relations[components.find(relation.terms[0][0])].append(relation)
    for q, value in equalities:
        shown_in[components.find(next(iter(model.expressions[q])))].append((q, value))
    for root, quantities in by_root.items():
        yield _System(model, members[root], relations[root], shown_in[root]), quantities


def _range(system: _System, expression, quantity, truth, threshold, both: bool):
    """The rounded-inward bounds of a quantity and why, solving as few programmes as needed.

    The true value (when known) is itself consistent with everything published, so it
    stands in for a bound that cannot change the verdict: for a true count above 0 whose
    smallest possible value is lower (and 0, or the true value is above the threshold),
    the largest is not needed; for a true 0, the smallest is not needed once a larger
    value is possible."""
    c = system.objective(expression)
    if truth is None or both:
        (low, low_why), (high, high_why) = system.solve(c, 1.0, quantity), system.solve(c, -1.0, quantity)
    elif truth >= 0.5:
        low, low_why = system.solve(c, 1.0, quantity)
        if math.ceil(low - TOLERANCE) < round(truth) and (low < 0.5 or truth > threshold):
            high, high_why = truth, ()
        else:
            high, high_why = system.solve(c, -1.0, quantity)
    else:
        high, high_why = system.solve(c, -1.0, quantity)
        if high >= 1 - TOLERANCE:
            low, low_why = truth, ()
        else:
            low, low_why = system.solve(c, 1.0, quantity)
    return low, high, low_why + high_why


def audit(model: LinearModel, shown: dict[Quantity, float], targets: list[Target], threshold: int,
          pairs: list[tuple[Quantity, Quantity]] = (), known: dict[Quantity, float] | None = None,
          cache: dict | None = None) -> list[Finding]:
    """Every disclosed target. `shown`: the published value of each published quantity; `pairs`:
    (sum, count) of hidden means, disclosed when both are worked out exactly. `known`: the true
    values, when the caller has them (fewer programmes, same verdicts); `cache`: results kept
    between calls for parts of the system that did not change."""
    pending = [t for t in targets if t.quantity not in shown and t.tests]
    pair_targets = [(s, n) for s, n in pairs if s not in shown and n not in shown]
    pair_quantities = {q for pair in pair_targets for q in pair}
    wanted = {t.quantity for t in pending} | pair_quantities
    if not wanted:
        return []
    ranges: dict[Quantity, tuple] = {}
    for system, quantities in _systems(model, shown, wanted):
        for q in quantities:
            key = (system.signature, q)
            if cache is not None and key in cache:
                ranges[q] = cache[key]
                continue
            truth = None if known is None else known.get(q)
            ranges[q] = _range(system, model.expressions[q], q, truth, threshold, q in pair_quantities)
            if cache is not None:
                cache[key] = ranges[q]
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
