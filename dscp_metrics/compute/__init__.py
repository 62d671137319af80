"""Computing the indicator table from the store: windows, monthly atoms, distinct counts.

The table's names are imported on first use, so that the pandas-free modules
(`spans`, `atoms`, `counted`) can be imported without pandas: `dscp load` writes
the counted tables and never needs it.
"""

__all__ = ["COLUMNS", "INTERNAL_COLUMNS", "IndicatorTable", "breakdown_label", "compute", "indicator_table"]


def __getattr__(name: str):
    if name in __all__:
        from . import table

        value = globals()[name] = getattr(table, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
