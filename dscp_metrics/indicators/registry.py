"""The indicator registry: each Think Tank indicator is declared once, here.

An `Indicator` is a passive record of the PLG's agreed definition
(`indicators.md`): its id, title, theme, unit, polarity, source extract, the
definition in words, and the computation as SQL aggregates over the source's
records that fall in the period. Tables, charts, exports, the pack's
definitions appendix and the explorer's menus all derive from these records.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from ..errors import UnknownIndicatorError

Unit = Literal["count", "%"]
Polarity = Literal["higher", "lower", "none"]
Window = Literal["period", "rolling_12_months"]

UNITS: tuple[str, ...] = ("count", "%")
POLARITIES: tuple[str, ...] = ("higher", "lower", "none")

THEMES: dict[str, str] = {
    "domestic_abuse": "Domestic abuse",
    "harm_outside_home": "Harm outside the home",
    "restraint": "Use of restraint",
    "osa": "Organisational Safeguarding Assessment",
}


@dataclass(frozen=True)
class Dimension:
    """One breakdown key: its name in the table (`exploitation_type`), the SQL
    expression over a record that gives its category, and every category in
    the order it is reported (a category with no records still gets a 0 row)."""

    key: str
    sql: str
    categories: tuple[str, ...]
    labels: tuple[str, ...] = ()

    def label(self, category: str) -> str:
        """The reader-facing name of a category (the code itself when no label is declared)."""
        if self.labels:
            return self.labels[self.categories.index(category)]
        return category


@dataclass(frozen=True)
class Indicator:
    """One PLG indicator, exactly as `indicators.md` defines it.

    `numerator_sql` (and `denominator_sql`) are SQL aggregates over the source's
    records dated in the period's window, written against the alias `r`, and
    must give 0 when no record matches (count a column, not `*`).
    `share_within` declares a `%` whose denominator is the sum of the numerators
    of the breakdown cells that share these keys (`()` = all cells of the
    period), e.g. "injuries at each level / all injuries".
    `denominator_source_sql`, when given, is a scalar subquery for the
    denominator taken from another table, with `{start}`/`{end}` placeholders
    for the window's first and last day.
    """

    id: str
    title: str
    theme: str
    unit: Unit
    polarity: Polarity
    source: str
    definition: str
    numerator: str
    numerator_sql: str
    denominator: str | None = None
    denominator_sql: str | None = None
    denominator_source_sql: str | None = None
    denominator_sources: tuple[str, ...] = ()
    share_within: tuple[str, ...] | None = None
    breakdowns: tuple[Dimension, ...] = ()
    include_all: bool = True
    window: Window = "period"
    caveats: str = ""
    short_title: str = ""
    value_label: str = ""
    tests: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def has_breakdown(self) -> bool:
        return bool(self.breakdowns)

    @property
    def theme_title(self) -> str:
        return THEMES[self.theme]

    @property
    def label(self) -> str:
        """A short name for menus and chart legends."""
        return self.short_title or self.title

    @property
    def sources(self) -> tuple[str, ...]:
        """Every extract the figure needs."""
        return (self.source, *self.denominator_sources)

    def breakdown_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.breakdowns)


class Registry:
    """An ordered table of indicators: `register` once, `get` by id."""

    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}
        self._duplicates: list[str] = []

    def register(self, *indicators: Indicator) -> None:
        for indicator in indicators:
            if indicator.id in self._items:
                self._duplicates.append(indicator.id)
            self._items[indicator.id] = indicator

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self._items[indicator_id]
        except KeyError:
            close = difflib.get_close_matches(indicator_id, list(self._items), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known ids: {', '.join(self._items)}"
            raise UnknownIndicatorError(f"no indicator '{indicator_id}'{hint}") from None

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._items

    def ids(self) -> list[str]:
        return list(self._items)

    def by_theme(self) -> dict[str, list[Indicator]]:
        grouped: dict[str, list[Indicator]] = {theme: [] for theme in THEMES}
        for indicator in self:
            grouped.setdefault(indicator.theme, []).append(indicator)
        return grouped

    @property
    def duplicate_ids(self) -> list[str]:
        return list(self._duplicates)


REGISTRY = Registry()
