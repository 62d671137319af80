"""The linear programmes of the disclosure audit: the connected parts of the published system, each as
the matrices `scipy.optimize.linprog` (HiGHS) takes, and a solve that says what bound the answer.

The unknowns are the relations' atoms (`relations.LinearModel`); a published quantity fixes its
expression's value (an equality); a hidden one is an objective. Only the connected part of the
system around a hidden quantity is solved: most parts are small.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from ..compute.quantities import Quantity
from ..errors import DisclosureError
from .relations import LinearModel

TOLERANCE = 1e-6
DENSE_UP_TO = 40_000  # cells of a constraint matrix below which it is passed dense


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


class System:
    """One connected part of the system, as the matrices of a linear programme."""

    def __init__(self, model: LinearModel, variables: list[int], relations, equalities) -> None:
        self.column = {v: i for i, v in enumerate(variables)}
        self.n = len(variables)
        self._eq_rows, self.eq_rhs, self.eq_what, self._ub_rows, self.ub_what = [], [], [], [], []
        for relation in relations:
            (self._eq_rows if relation.equality else self._ub_rows).append(relation.terms)
            (self.eq_what if relation.equality else self.ub_what).append(relation.words)
            if relation.equality:
                self.eq_rhs.append(0.0)
        for quantity, value in equalities:
            self._eq_rows.append(tuple(model.expressions[quantity].items()))
            self.eq_rhs.append(float(value))
            self.eq_what.append(quantity)
        self._lower = [model.lower[v] for v in variables]
        self.signature = (tuple(variables), tuple(sorted((str(w), b) for w, b in zip(self.eq_what, self.eq_rhs))))
        self._built = False  # the matrices are made when a programme is first solved (a part whose every
        #                      quantity an earlier round settled never needs them)

    def _build(self) -> None:
        from scipy.sparse import csr_matrix

        def matrix(rows):
            if not rows:
                return None
            i, j, x = zip(*((r, self.column[v], c) for r, terms in enumerate(rows) for v, c in terms))
            if len(rows) * self.n <= DENSE_UP_TO:  # small parts: dense arrays cost linprog less
                dense = np.zeros((len(rows), self.n))
                np.add.at(dense, (np.asarray(i), np.asarray(j)), np.asarray(x))
                return dense
            return csr_matrix((x, (i, j)), shape=(len(rows), self.n))

        self.a_eq, self.a_ub = matrix(self._eq_rows), matrix(self._ub_rows)
        self.b_ub = np.zeros(len(self._ub_rows)) if self._ub_rows else None
        self.bounds = (0, None) if all(b == 0 for b in self._lower) else [
            (b if math.isfinite(b) else None, None) for b in self._lower]
        self._built = True

    def objective(self, expression: dict[int, float]) -> np.ndarray:
        c = np.zeros(self.n)
        for v, coefficient in expression.items():
            c[self.column[v]] = coefficient
        return c

    def _linprog(self, c: np.ndarray):
        from scipy.optimize import linprog

        if not self._built:
            self._build()
        return linprog(c, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.eq_rhs or None,
                       bounds=self.bounds, method="highs")

    def point(self, c: np.ndarray) -> np.ndarray | None:
        """A solution that makes `c·x` smallest: a point consistent with everything published (None when
        `c·x` has no smallest value, or the programme could not be solved)."""
        result = self._linprog(c)
        return result.x if result.status == 0 else None

    def solve(self, c: np.ndarray, sign: float, quantity: Quantity) -> tuple[float, tuple]:
        """The smallest (`sign` 1) or largest (`sign` -1) value of `c·x`, and the constraints that bind it."""
        result = self._linprog(sign * c)
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


def _base_parts(model: LinearModel) -> tuple[list[int], dict[int, list[int]], dict[int, list]]:
    """The parts the relations alone connect (the same in every round of one publication), worked out once
    per model: each variable's part, each part's variables and its relations."""
    cached = model.kept.get("base_parts")  # a model is not changed once `build_model` has made it
    if cached is not None:
        return cached
    components = _Components(model.size)
    for relation in model.relations:
        components.join(v for v, _ in relation.terms)
    root = [components.find(v) for v in range(model.size)]
    members: dict[int, list[int]] = defaultdict(list)
    relations: dict[int, list] = defaultdict(list)
    for v, r in enumerate(root):
        members[r].append(v)
    for relation in model.relations:
        relations[root[relation.terms[0][0]]].append(relation)
    parts = (root, dict(members), dict(relations))
    model.kept["base_parts"] = parts
    return parts


def systems(model: LinearModel, shown: dict[Quantity, float], wanted: set[Quantity]):
    """The connected parts of the system that hold a wanted quantity, each with its quantities: the
    relations' parts, joined further by what each published and wanted quantity spans."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    root, base_members, base_relations = _base_parts(model)
    index = model.kept.get("part_index")
    if index is None:
        index = model.kept["part_index"] = {r: i for i, r in enumerate(base_members)}
    links = model.kept.setdefault("links", {})  # the base parts each quantity's expression joins, as edges
    equalities = [(q, value) for q, value in shown.items() if q in model.expressions]
    tails, heads = [], []
    for q in [q for q, _ in equalities] + sorted(wanted):
        if q not in links:
            spanned = sorted({index[root[v]] for v in model.expressions[q]})
            links[q] = (spanned[:1] * (len(spanned) - 1), spanned[1:])
        tails += links[q][0]
        heads += links[q][1]
    graph = coo_matrix((np.ones(len(tails)), (tails, heads)), shape=(len(index), len(index)))
    label = connected_components(graph, directed=False)[1]
    final = {r: int(label[i]) for r, i in index.items()}
    by_root: dict[int, list[Quantity]] = defaultdict(list)
    for q in sorted(wanted):
        by_root[final[root[next(iter(model.expressions[q]))]]].append(q)
    parts: dict[int, list[int]] = defaultdict(list)
    for r in base_members:
        if final[r] in by_root:
            parts[final[r]].append(r)
    shown_in: dict[int, list] = defaultdict(list)
    for q, value in equalities:
        top = final[root[next(iter(model.expressions[q]))]]
        if top in by_root:
            shown_in[top].append((q, value))
    for top, quantities in by_root.items():
        members = sorted(v for r in parts[top] for v in base_members[r])
        relations = [relation for r in sorted(parts[top]) for relation in base_relations.get(r, ())]
        yield System(model, members, relations, shown_in[top]), quantities
