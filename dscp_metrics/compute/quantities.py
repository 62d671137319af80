"""What each published number counts: a `Quantity` is a measure, a period and the categories it covers.

Two rows of the indicator table that show the same quantity show the same
number: the count `da_referrals` and the numerator of `da_referral_share`; the
denominator of `osa_green_share` for a section and of `osa_rating_share` in it.
The disclosure audit reasons about quantities, not rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..indicators import Indicator, Measure
from ..indicators.model import Dimension


@dataclass(frozen=True, order=True)
class Quantity:
    """One number: `measure` (its id) in `period` (a period code), over the records whose
    categories are in `filters` (key -> codes, sorted; a key with every category is left out)."""

    measure: str
    period: str
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __hash__(self) -> int:  # kept once worked out: the audit looks quantities up millions of times
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.measure, self.period, self.filters))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict:  # a string's hash differs between processes: never pickle it
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __str__(self) -> str:
        cells = ";".join(f"{k}={'|'.join(v)}" for k, v in self.filters)
        return f"{self.measure} {self.period}" + (f" [{cells}]" if cells else "")

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)


def normalised(measure: Measure, filters: dict[str, tuple[str, ...]], found: dict) -> tuple:
    """Filters in canonical form: sorted keys, sorted codes, a key that keeps every category dropped."""
    out = []
    for key in sorted(filters):
        codes = tuple(sorted(set(filters[key])))
        if codes != _every_category(measure.dimension(key), found.get(key, ())):
            out.append((key, codes))
    return tuple(out)


def with_one_code(filters: tuple[tuple[str, tuple[str, ...]], ...], key: str, code: str) -> tuple:
    """Canonical `filters` (as `normalised` gives them) narrowed to one `code` of `key`, still canonical
    when the dimension has two or more categories (one code is then never "every category")."""
    return tuple(sorted([*((k, v) for k, v in filters if k != key), (key, (code,))]))


@lru_cache(maxsize=1024)
def _every_category(dimension: Dimension, found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(dimension.all_categories(found)))


def merge(where: dict[str, tuple[str, ...]], cell: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """A declared restriction (`where`) and a breakdown cell together."""
    merged = dict(where)
    for key, code in cell:
        merged[key] = tuple(c for c in merged.get(key, (code,)) if c == code)
    return merged


def row_quantities(indicator: Indicator, period: str, cell: Sequence[tuple[str, str]],
                   found: dict) -> tuple[Quantity, Quantity | None]:
    """The numerator's and the denominator's quantity of one row of the indicator table."""
    return in_period(indicator, period, cell_filters(indicator, cell, found))


def cell_filters(indicator: Indicator, cell: Sequence[tuple[str, str]], found: dict) -> tuple[tuple, tuple | None]:
    """The canonical filters of the numerator and the denominator (None without one) of a breakdown cell:
    the same in every period."""
    numerator = indicator.numerator
    num = normalised(numerator.measure, merge(numerator.filters, cell), found)
    if indicator.denominator is None:
        return num, None
    den_keys = indicator.denominator_by
    den_cell = [(k, v) for k, v in cell if den_keys is None or k in den_keys]
    denominator = indicator.denominator
    return num, normalised(denominator.measure, merge(denominator.filters, den_cell), found)


def in_period(indicator: Indicator, period: str,
              filters: tuple[tuple, tuple | None]) -> tuple[Quantity, Quantity | None]:
    """The row's quantities in `period` from its cell's filters (`cell_filters`)."""
    num = Quantity(indicator.numerator.measure.id, period, filters[0])
    if filters[1] is None:
        return num, None
    return num, Quantity(indicator.denominator.measure.id, period, filters[1])
