"""The Think Tank indicator set (indicators.md v2), declared once, theme by theme.

The theme modules are imported in the PLG's theme order: the registry's order is
the order of every table, menu and pack section.
"""

from . import domestic_abuse, harm_outside_home, restraint, osa  # noqa: F401,I001  (registers the declarations)
from . import training, missing, meetings, education  # noqa: F401,I001
from .model import (
    NOT_RECORDED, POLARITIES, UNITS, Dimension, Indicator, Measure, Ref, Source,
)
from .registry import MEASURES, REGISTRY, SOURCES, THEMES, Theme


def get_indicator(indicator_id: str) -> Indicator:
    """The declared indicator with this id (a clear error, with a suggestion, when unknown)."""
    return REGISTRY.get(indicator_id)


def all_indicators() -> list[Indicator]:
    """Every indicator in the PLG's order (theme by theme)."""
    return list(REGISTRY)


def theme_title(theme_id: str) -> str:
    return THEMES.get(theme_id).title


__all__ = [
    "MEASURES", "NOT_RECORDED", "POLARITIES", "REGISTRY", "SOURCES", "THEMES", "UNITS", "Dimension", "Indicator",
    "Measure", "Ref", "Source", "Theme", "all_indicators", "get_indicator", "theme_title",
]
