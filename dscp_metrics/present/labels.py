"""How an indicator's figures are named wherever they are shown: the value axis, and a breakdown's cells."""

from __future__ import annotations

from ..indicators import Indicator


def axis_title(indicator: Indicator) -> str:
    """What the value axis measures: `Completions`, `% completed`, `Mean rating` (the unit without a label)."""
    return (indicator.value_label or indicator.unit).capitalize()


def cell_label(indicator: Indicator, cell: tuple) -> str:
    """`Level 2: medical treatment, not hospital`, `Leadership – Green`; the whole figure is `All`."""
    return " – ".join(indicator.dimension(k).label(v) for k, v in cell) or "All"
