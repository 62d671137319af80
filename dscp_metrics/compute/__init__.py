"""Computing the indicator table from the store: windows, monthly atoms, distinct counts."""

from .table import COLUMNS, INTERNAL_COLUMNS, IndicatorTable, breakdown_label, compute, indicator_table

__all__ = ["COLUMNS", "INTERNAL_COLUMNS", "IndicatorTable", "breakdown_label", "compute", "indicator_table"]
