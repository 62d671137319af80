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


def expression_arrays(model: LinearModel, quantity: Quantity) -> tuple[np.ndarray, np.ndarray]:
    """A quantity's expression as (variables, coefficients) arrays, made once per model."""
    kept = model.kept.setdefault("expression_arrays", {})
    arrays = kept.get(quantity)
    if arrays is None:
        expression = model.expressions[quantity]
        arrays = kept[quantity] = (np.fromiter(expression, dtype=np.int64, count=len(expression)),
                                   np.fromiter(expression.values(), dtype=float, count=len(expression)))
    return arrays


class System:
    """One connected part of the system, as the matrices of a linear programme."""

    def __init__(self, model: LinearModel, variables: list[int], relations, equalities) -> None:
        self._model = model
        self._variables = np.asarray(variables, dtype=np.int64)  # sorted: a variable's column is its rank
        self.n = len(variables)
        self._eq_relations = [r for r in relations if r.equality]
        self._ub_relations = [r for r in relations if not r.equality]
        self._equalities = [q for q, _ in equalities]
        self.eq_what = [r.words for r in self._eq_relations] + self._equalities
        self.eq_rhs = [0.0] * len(self._eq_relations) + [float(value) for _, value in equalities]
        self.ub_what = [r.words for r in self._ub_relations]
        self.signature = (tuple(variables), frozenset(zip(self._equalities, self.eq_rhs[len(self._eq_relations):])))
        self._built = False  # the matrices are made when a programme is first solved (a part whose every
        #                      quantity an earlier round settled never needs them)

    def _columns(self, variables: np.ndarray) -> np.ndarray:
        """Each variable's column (its rank among the part's variables); every one must be in the part."""
        columns = np.searchsorted(self._variables, variables)
        if len(variables) and (columns.max() >= self.n or (self._variables[columns] != variables).any()):
            raise ValueError("a variable outside this part of the system")  # a bug, never bad input
        return columns

    def _matrix(self, relations, quantities=()):
        """The rows of `relations`, then one row per quantity's expression (None without rows)."""
        from scipy.sparse import csr_matrix

        terms = [(r, v, c) for r, relation in enumerate(relations) for v, c in relation.terms]
        rows = [np.asarray([t[0] for t in terms], dtype=np.int64)]
        variables = [np.asarray([t[1] for t in terms], dtype=np.int64)]
        coefficients = [np.asarray([t[2] for t in terms], dtype=float)]
        for r, quantity in enumerate(quantities, start=len(relations)):
            v, c = expression_arrays(self._model, quantity)
            rows.append(np.full(len(v), r, dtype=np.int64))
            variables.append(v)
            coefficients.append(c)
        count = len(relations) + len(quantities)
        if not count:
            return None
        i, j, x = np.concatenate(rows), self._columns(np.concatenate(variables)), np.concatenate(coefficients)
        if count * self.n <= DENSE_UP_TO:  # small parts: dense arrays cost linprog less
            dense = np.zeros((count, self.n))
            np.add.at(dense, (i, j), x)
            return dense
        return csr_matrix((x, (i, j)), shape=(count, self.n))

    def _build(self) -> None:
        self.a_eq = self._matrix(self._eq_relations, self._equalities)
        self.a_ub = self._matrix(self._ub_relations)
        self.b_ub = np.zeros(len(self._ub_relations)) if self._ub_relations else None
        lower = [self._model.lower[v] for v in self._variables.tolist()]
        self.bounds = (0, None) if all(b == 0 for b in lower) else [
            (b if math.isfinite(b) else None, None) for b in lower]
        self._built = True

    def objective(self, expression: dict[int, float]) -> np.ndarray:
        c = np.zeros(self.n)
        np.add.at(c, self._columns(np.fromiter(expression, dtype=np.int64, count=len(expression))),
                  np.fromiter(expression.values(), dtype=float, count=len(expression)))
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

    def solve(self, c: np.ndarray, sign: float, quantity: Quantity) -> tuple[float, tuple, np.ndarray | None]:
        """The smallest (`sign` 1) or largest (`sign` -1) value of `c·x`, the constraints that bind it, and
        the solution that reaches it (None when there is no bound)."""
        result = self._linprog(sign * c)
        if result.status == 2:
            raise DisclosureError(
                f"the published figures contradict each other around {quantity} (for example a breakdown that "
                "does not add up to its total): check the file"
            )
        if result.status == 3:
            return (-math.inf if sign > 0 else math.inf), (), None
        if result.status != 0:
            raise DisclosureError(f"the disclosure audit could not solve for {quantity}: {result.message}")
        evidence = []
        if self.a_eq is not None:
            evidence += [self.eq_what[i] for i in np.flatnonzero(np.abs(result.eqlin.marginals) > TOLERANCE)]
        if self.a_ub is not None:
            evidence += [self.ub_what[i] for i in np.flatnonzero(np.abs(result.ineqlin.marginals) > TOLERANCE)]
        return sign * result.fun, tuple(evidence), result.x


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
    roots = list(index)  # each base part's root, by its index
    links = model.kept.setdefault("links", {})  # per quantity: the base parts its expression joins, as
    #                                             edges, and the first of them (where it belongs)
    equalities = [(q, value) for q, value in shown.items() if q in model.expressions]
    wanted = sorted(wanted, key=lambda q: (q.measure, q.period, q.filters))  # Quantity's own order
    tails, heads = [], []
    for q in [q for q, _ in equalities] + wanted:
        link = links.get(q)
        if link is None:
            spanned = sorted({index[root[v]] for v in model.expressions[q]})
            link = links[q] = (spanned[:1] * (len(spanned) - 1), spanned[1:], spanned[0])
        tails += link[0]
        heads += link[1]
    graph = coo_matrix((np.ones(len(tails)), (tails, heads)), shape=(len(index), len(index)))
    label = connected_components(graph, directed=False)[1].tolist()
    by_root: dict[int, list[Quantity]] = defaultdict(list)
    for q in wanted:
        by_root[label[links[q][2]]].append(q)
    parts: dict[int, list[int]] = defaultdict(list)
    for i, top in enumerate(label):
        if top in by_root:
            parts[top].append(roots[i])
    shown_in: dict[int, list] = defaultdict(list)
    for q, value in equalities:
        top = label[links[q][2]]
        if top in by_root:
            shown_in[top].append((q, value))
    for top, quantities in by_root.items():
        members = sorted(v for r in parts[top] for v in base_members[r])
        relations = [relation for r in sorted(parts[top]) for relation in base_relations.get(r, ())]
        yield System(model, members, relations, shown_in[top]), quantities
