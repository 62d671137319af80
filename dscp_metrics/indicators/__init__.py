"""The Think Tank indicator set (v1), declared once; see `indicators.md`."""

# Imported in the PLG's theme order: the registry's order is the order of every table and menu.
from . import domestic_abuse, harm_outside_home, restraint, osa  # noqa: F401,I001  (registers the indicators)
from .registry import POLARITIES, REGISTRY, THEMES, UNITS, Dimension, Indicator, Registry
from .sources import SOURCES, Source


def get_indicator(indicator_id: str) -> Indicator:
    """The declared indicator with this id (a clear error, with a suggestion, when unknown)."""
    return REGISTRY.get(indicator_id)


def all_indicators() -> list[Indicator]:
    """Every indicator in the PLG's order (theme by theme)."""
    return list(REGISTRY)


__all__ = [
    "POLARITIES",
    "REGISTRY",
    "SOURCES",
    "THEMES",
    "UNITS",
    "Dimension",
    "Indicator",
    "Registry",
    "Source",
    "all_indicators",
    "get_indicator",
]
