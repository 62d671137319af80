"""The public relations between the numbers of one publication, as a linear system (indicators.md,
"Disclosure control": everything published together is protected together).

A reader of a pack or export knows more than the numbers: the cells of a
breakdown add up to its total; the months of a quarter add up to the quarter,
the quarters of a year to the year (for counts of records); a `%` and its count
share a numerator; two shares over the same ratings share their cells. All of
these follow from one model: every count (or sum) of records is a sum of
**atoms**, the records of one calendar month in one combination of categories,
each a whole number ≥ 0 that the reader does not see. A published number is a
sum of atoms, so every relation above is implied, and the same atoms serve
every indicator over the same records.

- For each additive measure, atoms span every month any of its numbers covers,
  over the *signatures* its numbers use (the breakdown keys they are split or
  restricted by). Where numbers use different keys (OSA ratings by section and
  rating, and by organisation and rating), each maximal signature has its own
  atoms and they are tied by equal totals over their shared keys, month by
  month; where the shared keys differ between pairs, one signature over every
  key is used instead (always exact, only larger).
- A sum of values (a mean's numerator) has atoms beside its count's, and each
  sum atom lies between the smallest and largest value times its count atom.
- A distinct count (children, returns, sessions) is not a sum: each is a
  variable of its own, no larger than any distinct count of the same measure
  over a wider window or wider categories, and no larger than the sum of the
  parts that cover it (the months of a quarter; the cells of a breakdown).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..compute.quantities import Quantity
from ..compute.spans import window_span
from ..indicators import MEASURES, Measure
from ..periods import parse_period


@dataclass(frozen=True)
class Relation:
    """`sum(coefficient × variable) (= or <=) 0`, and what a reader would call it."""

    terms: tuple[tuple[int, float], ...]
    equality: bool
    words: str


@dataclass
class LinearModel:
    """The unknowns of a publication, each quantity's expression over them, and the public relations."""

    expressions: dict[Quantity, dict[int, float]] = field(default_factory=dict)
    lower: list[float] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kept: dict = field(default_factory=dict, repr=False, compare=False)  # the audit's work on this model

    def variable(self, name: str, lower: float = 0.0) -> int:
        self.names.append(name)
        self.lower.append(lower)
        return len(self.names) - 1

    @property
    def size(self) -> int:
        return len(self.names)


def build_model(quantities: Iterable[Quantity], found: dict) -> LinearModel:
    """The linear model of every quantity a publication shows or hides."""
    model = LinearModel()
    by_measure: dict[str, list[Quantity]] = defaultdict(list)
    for quantity in dict.fromkeys(quantities):
        by_measure[quantity.measure].append(quantity)
    done: set[str] = set()
    for measure_id, group in by_measure.items():
        measure = MEASURES.get(measure_id)
        if not measure.additive:
            _distinct(model, measure, group)
        elif measure_id not in done:
            partners = _partners(measure)
            done.update(m.id for m in partners)
            _additive(model, partners, {m.id: by_measure.get(m.id, []) for m in partners}, found)
    return model


def _partners(measure: Measure) -> list[Measure]:
    """A sum and the count of the records it sums share their atoms (their ratio is bounded)."""
    others = [m for m in MEASURES if m.counted_by == measure.id or measure.counted_by == m.id]
    return [measure, *[m for m in others if m.id != measure.id]]


def _signatures(quantities: Iterable[Quantity]) -> list[tuple[str, ...]]:
    key_sets = {tuple(sorted(k for k, _ in q.filters)) for q in quantities} or {()}
    maximal = [s for s in key_sets if not any(set(s) < set(t) for t in key_sets)]
    maximal.sort(key=lambda s: (-len(s), s))
    intersections = {tuple(sorted(set(a) & set(b))) for a, b in itertools.combinations(maximal, 2)}
    if len(intersections) > 1:  # pairwise ties over different keys would not be exact: one signature
        return [tuple(sorted({k for s in maximal for k in s}))]
    return maximal


def _additive(model: LinearModel, measures: list[Measure], quantities: dict[str, list[Quantity]],
              found: dict) -> None:
    windows = {m.id: m.window for m in measures}
    everything = [q for qs in quantities.values() for q in qs]
    signatures = _signatures(everything)
    block_of = _blocks([[m.code for m in _months(q, windows[q.measure])] for q in everything])
    months = sorted(set(block_of.values()))
    atoms: dict[tuple, list[tuple[tuple[str, ...], int]]] = {}  # (measure, signature, block) -> [(cell, var)]
    for measure in measures:
        lower = float("-inf") if measure.aggregate == "sum" and (measure.value_range or (0,))[0] < 0 else 0.0
        for signature in signatures:
            levels = [measure.dimension(k).all_categories(found.get(k, ())) for k in signature]
            for month in months:
                atoms[(measure.id, signature, month)] = [
                    (cell, model.variable(f"{measure.id} {month} {dict(zip(signature, cell))}", lower))
                    for cell in itertools.product(*levels)
                ]
    signature_of: dict[tuple, tuple[str, ...]] = {}  # the keys a quantity filters on: its signature
    cells_of = {(m.id, signature): tuple(cell for cell, _ in atoms[(m.id, signature, months[0])])
                for m in measures for signature in signatures}  # the same cells in every month's block
    for measure in measures:
        blocks_of: dict[str, list[str]] = {}  # period: the blocks of its window
        for quantity in quantities[measure.id]:
            keys = tuple(k for k, _ in quantity.filters)
            if keys not in signature_of:
                signature_of[keys] = next(s for s in signatures if set(keys) <= set(s))
            signature = signature_of[keys]
            chosen = _matching(cells_of[(measure.id, signature)], signature, quantity.filters)
            if quantity.period not in blocks_of:
                blocks_of[quantity.period] = sorted({block_of[m.code] for m in _months(quantity, measure.window)})
            terms = {}
            for block in blocks_of[quantity.period]:
                cells = atoms[(measure.id, signature, block)]
                terms.update((cells[n][1], 1.0) for n in chosen)
            model.expressions[quantity] = terms
        _tie_signatures(model, measure, signatures, months, atoms)
    _bound_sums(model, measures, atoms)


@lru_cache(maxsize=4096)
def _matching(cells: tuple, signature: tuple[str, ...], filters) -> list[int]:
    """The positions of the cells a quantity's filters keep (the same in every month's block)."""
    positions = [(signature.index(k), set(codes)) for k, codes in filters]
    return [n for n, cell in enumerate(cells) if all(cell[i] in codes for i, codes in positions)]


def _tie_signatures(model, measure, signatures, months, atoms) -> None:
    """Each maximal signature's atoms add up, month by month, to the same totals over their shared keys."""
    first = signatures[0]
    for other in signatures[1:]:
        shared = [k for k in first if k in other]
        for month in months:
            totals: dict[tuple, list[tuple[int, float]]] = defaultdict(list)
            for signature, sign in ((first, 1.0), (other, -1.0)):
                for cell, index in atoms[(measure.id, signature, month)]:
                    totals[tuple(cell[signature.index(k)] for k in shared)].append((index, sign))
            for terms in totals.values():
                model.relations.append(Relation(tuple(terms), True, "the cells of each breakdown add up to the total"))


def _bound_sums(model, measures, atoms) -> None:
    for measure in measures:
        if measure.aggregate != "sum" or not measure.counted_by or not measure.value_range:
            continue
        low, high = measure.value_range
        words = f"each value counted lies between {low:g} and {high:g}"
        for (mid, signature, month), cells in atoms.items():
            counts = atoms.get((measure.counted_by, signature, month))
            if mid != measure.id or counts is None:
                continue
            for (_, index), (_, count) in zip(cells, counts):
                model.relations.append(Relation(((count, low), (index, -1.0)), False, words))
                model.relations.append(Relation(((index, 1.0), (count, -high)), False, words))


def _blocks(windows: list[list[str]]) -> dict[str, str]:
    """Each month's block: consecutive months that every published window either holds together or
    leaves out together are one unknown (no published number tells them apart), named by the first."""
    membership: dict[str, set[int]] = defaultdict(set)
    for n, window in enumerate(windows):
        for month in window:
            membership[month].add(n)
    block_of: dict[str, str] = {}
    first = previous = None
    for month in sorted(membership):
        if previous is None or membership[month] != membership[previous] or _following(previous) != month:
            first = month
        block_of[month], previous = first, month
    return block_of


def _following(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _months(quantity: Quantity, kind: str) -> tuple:
    return _window_months(quantity.period, kind)


@lru_cache(maxsize=4096)
def _window_months(period: str, kind: str) -> tuple:
    """The calendar months of a period's window (the same few periods recur across thousands of quantities)."""
    from ..periods import months_between

    first, last = window_span(parse_period(period), kind)
    return tuple(months_between(first, last))


def _distinct(model: LinearModel, measure: Measure, quantities: list[Quantity]) -> None:
    index = {q: model.variable(str(q)) for q in quantities}
    for q in quantities:
        model.expressions[q] = {index[q]: 1.0}
    spans = [window_span(parse_period(q.period), measure.window) for q in quantities]
    starts = np.array([first.toordinal() for first, _ in spans])
    ends = np.array([last.toordinal() for _, last in spans])
    codes = [{k: set(v) for k, v in q.filters} for q in quantities]
    for i, inner in enumerate(quantities):  # every (inner, outer) pair, in order: the outer window holds
        for j in np.flatnonzero((starts <= starts[i]) & (ends >= ends[i])).tolist():  # the inner one
            if j != i and _narrower(codes[i], codes[j]):
                model.relations.append(Relation(((index[inner], 1.0), (index[quantities[j]], -1.0)), False,
                                                "a part never counts more than the whole"))
    present = {(q.period, q.filters): q for q in quantities}
    for q in quantities:  # the cells of a breakdown together cover the whole (a child may be in several)
        for dim in measure.dimensions:
            if dim.key in q.filter_map:
                continue
            cells = [present.get((q.period, tuple(sorted({**q.filter_map, dim.key: (c,)}.items()))))
                     for c in dim.all_categories()] if dim.categories is not None else [None]
            if all(c is not None for c in cells):
                terms = ((index[q], 1.0), *((index[c], -1.0) for c in cells))
                model.relations.append(Relation(terms, False, "the cells of a breakdown cover the whole"))
    by_shape = defaultdict(list)
    for q in quantities:
        by_shape[q.filters].append(q)
    for group in by_shape.values():  # the months of a quarter, the quarters of a year
        periods = {q.period: q for q in group}
        for q in group:
            for parts in period_partitions(q.period):
                if measure.window == "period" and all(p in periods for p in parts):
                    terms = ((index[q], 1.0), *((index[periods[p]], -1.0) for p in parts))
                    model.relations.append(Relation(terms, False, "the parts of a period cover it"))


@lru_cache(maxsize=4096)
def period_partitions(code: str) -> tuple[tuple[str, ...], ...]:
    """The shorter periods that together cover a period exactly: a quarter's months; a year's quarters,
    then its months (none for a month)."""
    period = parse_period(code)
    if period.kind == "quarter":
        return (tuple(m.code for m in period.month_periods()),)
    if period.kind == "year":
        return tuple(m.code for m in period.quarters()), tuple(m.code for m in period.month_periods())
    return ()


def _narrower(inner: dict[str, set], outer: dict[str, set]) -> bool:
    """Every record the inner quantity counts, the outer one counts too (each: key -> codes kept)."""
    return all(key in inner and inner[key] <= codes for key, codes in outer.items())
