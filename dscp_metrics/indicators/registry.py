"""The registry: every theme, source, measure and indicator, declared once by the theme modules.

A small holder per kind with `register(...)` and `get(name)`; an unknown name is a
clear error that suggests the nearest one ("no indicator 'da_rerefferal_rate'; did
you mean 'da_rereferral_rate'?"). Registration order is reporting order: the theme
modules are imported in the PLG's theme order.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..errors import UnknownIndicatorError
from .model import Indicator, Measure, Source

T = TypeVar("T")


@dataclass(frozen=True)
class Theme:
    """A Think Tank theme: its id, title as the PLG uses it, and what it looks at (one sentence)."""

    id: str
    title: str
    summary: str


class Table(Generic[T]):
    """An ordered table of declarations of one kind: `register` once, `get` by id."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self.duplicate_ids: list[str] = []

    def register(self, *items: T) -> None:
        for item in items:
            key = item.id if hasattr(item, "id") else item.name  # type: ignore[attr-defined]
            if key in self._items:
                self.duplicate_ids.append(key)
            self._items[key] = item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            close = difflib.get_close_matches(str(key), list(self._items), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(self._items)}"
            raise UnknownIndicatorError(f"no {self.kind} '{key}'{hint}") from None

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def ids(self) -> list[str]:
        return list(self._items)


THEMES: Table[Theme] = Table("theme")
SOURCES: Table[Source] = Table("source")
MEASURES: Table[Measure] = Table("measure")


class IndicatorTable(Table[Indicator]):
    """The indicators, with the look-ups the views need."""

    def by_theme(self) -> dict[str, list[Indicator]]:
        """Every theme (in order) with its indicators (in order); a theme may have none."""
        grouped: dict[str, list[Indicator]] = {theme.id: [] for theme in THEMES}
        for indicator in self:
            grouped.setdefault(indicator.theme, []).append(indicator)
        return grouped

    def tables_needed(self, indicator: Indicator) -> tuple[str, ...]:
        """Every store table the indicator's figures need (an extract not supplied: no rows)."""
        names = [t for m in indicator.measures for t in SOURCES.get(m.source).tables]
        return tuple(dict.fromkeys(names))


REGISTRY = IndicatorTable("indicator")


def register_theme(theme: Theme, *, sources=(), measures=(), indicators=()) -> None:
    """Register a theme module's declarations in one call."""
    THEMES.register(theme)
    SOURCES.register(*sources)
    MEASURES.register(*measures)
    REGISTRY.register(*indicators)
