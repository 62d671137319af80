"""The classical first pass of secondary suppression: no total beside exactly one hidden part.

A count (or sum) of records and the parts that make it up form a *group*: a
figure and its breakdown cells over one dimension (the three injury levels of
"injuries"), or a quarter and its three months, a year and its quarters or its
months, when the publication shows them all. Whenever a group shows its total
and hides exactly one part, that part is its total minus the others: one more
part is hidden (the cheapest, see `decide._costs`); whenever it hides the total
alone, the total is the sum of the parts: one part is hidden. Repeated until no
group changes. Cheap and exact for the relations it knows; the linear-programme
audit then finds what only several groups together would give away.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..compute.quantities import Quantity, with_one_code
from ..indicators import MEASURES
from ..periods import parse_period


def partition_groups(quantities: Iterable[Quantity], found: dict) -> list[tuple[Quantity, list[Quantity]]]:
    """Every (total, parts) the publication shows whole, for counts and sums of records."""
    present = set(quantities)
    groups = []
    for q in sorted(present):  # in order: the greedy pass below must not depend on hashing
        measure = MEASURES.get(q.measure)
        if not measure.additive:
            continue
        filters = q.filter_map
        for dim in measure.dimensions:
            codes = filters.get(dim.key, dim.all_categories(found.get(dim.key, ())))
            if len(codes) < 2:
                continue
            parts = [Quantity(q.measure, q.period, with_one_code(q.filters, dim.key, c)) for c in codes]
            if all(p in present for p in parts):
                groups.append((q, parts))
        if measure.window == "period":
            period = parse_period(q.period)
            splits = []
            if period.kind == "quarter":
                splits.append(period.month_periods())
            elif period.kind == "year":
                splits += [period.quarters(), period.month_periods()]
            for split in splits:
                parts = [Quantity(q.measure, p.code, q.filters) for p in split]
                if all(p in present for p in parts):
                    groups.append((q, parts))
    return groups


def protect_groups(groups: list[tuple[Quantity, list[Quantity]]], hidden: set[Quantity], costs: dict) -> set[Quantity]:
    """`hidden` grown until no group shows its total beside exactly one hidden part, or hides its total alone.

    Sweeps the groups in order, again and again until a sweep changes nothing, hiding the cheapest shown
    part of each group that needs one. A group is looked at again only once one of its quantities was
    hidden since it was last found safe (the same choices as looking at every group every sweep)."""
    hidden = set(hidden)
    holding: dict[Quantity, list[int]] = {}
    for i, (total, parts) in enumerate(groups):
        for q in (total, *parts):
            holding.setdefault(q, []).append(i)
    dirty = [True] * len(groups)
    while any(dirty):
        for i, (total, parts) in enumerate(groups):
            if not dirty[i]:
                continue
            dirty[i] = False
            hidden_parts = [p for p in parts if p in hidden]
            shown_parts = [p for p in parts if p not in hidden]
            needs = (total not in hidden and len(hidden_parts) == 1) or (total in hidden and not hidden_parts)
            if needs and shown_parts:
                chosen = min(shown_parts, key=lambda p: costs.get(p, (False, False, float("inf"), 0, 0)))
                hidden.add(chosen)
                for j in holding[chosen]:
                    dirty[j] = True
    return hidden
