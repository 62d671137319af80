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
from .relations import period_partitions


def partition_groups(quantities: Iterable[Quantity], found: dict) -> list[tuple[Quantity, list[Quantity]]]:
    """Every (total, parts) the publication shows whole, for counts and sums of records."""
    present = set(quantities)
    filters_of: dict[tuple, set] = {}  # (measure, period): the filters shown (cheaper than new Quantities)
    periods_of: dict[tuple, set] = {}  # (measure, filters): the periods shown
    for q in present:
        filters_of.setdefault((q.measure, q.period), set()).add(q.filters)
        periods_of.setdefault((q.measure, q.filters), set()).add(q.period)
    groups = []
    split_filters: dict[tuple, list[tuple]] = {}  # (measure, filters, dimension): each part's filters
    # in order (the greedy pass below must not depend on hashing): Quantity's own order, compared as tuples
    for q in sorted(present, key=lambda q: (q.measure, q.period, q.filters)):
        measure = MEASURES.get(q.measure)
        if not measure.additive:
            continue
        shown_filters = filters_of[(q.measure, q.period)]
        for dim in measure.dimensions:
            key = (q.measure, q.filters, dim.key)
            if key not in split_filters:
                codes = q.filter_map.get(dim.key, dim.all_categories(found.get(dim.key, ())))
                split_filters[key] = [with_one_code(q.filters, dim.key, c) for c in codes] if len(codes) >= 2 else []
            split = split_filters[key]
            if split and shown_filters.issuperset(split):
                groups.append((q, [Quantity(q.measure, q.period, f) for f in split]))
        if measure.window == "period":
            shown_periods = periods_of[(q.measure, q.filters)]
            for split in period_partitions(q.period):
                if shown_periods.issuperset(split):
                    groups.append((q, [Quantity(q.measure, p, q.filters) for p in split]))
    return groups


class Groups:
    """The groups of a publication, each quantity's groups looked up once (`protect` is called again and
    again as suppression grows)."""

    def __init__(self, groups: list[tuple[Quantity, list[Quantity]]]) -> None:
        self.groups = groups
        self.holding: dict[Quantity, list[int]] = {}
        for i, (total, parts) in enumerate(groups):
            for q in (total, *parts):
                self.holding.setdefault(q, []).append(i)

    def protect(self, hidden: set[Quantity], costs: dict, changed: set[Quantity] | None = None) -> set[Quantity]:
        """`hidden` grown until no group shows its total beside exactly one hidden part, or hides its total
        alone. `changed`: when given, `hidden` less these was the result of an earlier call, so only the
        groups holding them can need more (the same result as looking at every group).

        Sweeps the groups in order, again and again until a sweep changes nothing, hiding the cheapest shown
        part of each group that needs one. A group is looked at again only once one of its quantities was
        hidden since it was last found safe (the same choices as looking at every group every sweep)."""
        hidden = set(hidden)
        dirty = [changed is None] * len(self.groups)
        for q in changed or ():
            for j in self.holding.get(q, ()):
                dirty[j] = True
        while any(dirty):
            for i, (total, parts) in enumerate(self.groups):
                if not dirty[i]:
                    continue
                dirty[i] = False
                hidden_parts = sum(1 for p in parts if p in hidden)
                needs = (total not in hidden and hidden_parts == 1) or (total in hidden and not hidden_parts)
                if needs and hidden_parts < len(parts):
                    chosen = min((p for p in parts if p not in hidden),
                                 key=lambda p: costs.get(p, (False, False, float("inf"), 0, 0)))
                    hidden.add(chosen)
                    for j in self.holding[chosen]:
                        dirty[j] = True
        return hidden

