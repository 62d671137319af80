"""DSCP Think Tank workbook: indicator definitions, statistics, disclosure control and the pack builder."""

from .errors import (
    ConfigError,
    DatabaseError,
    DscpError,
    ExtractError,
    ParameterError,
    PeriodError,
    UnknownIndicatorError,
)

__version__ = "0.2.0"

__all__ = [
    "ConfigError",
    "DatabaseError",
    "DscpError",
    "ExtractError",
    "ParameterError",
    "PeriodError",
    "UnknownIndicatorError",
    "__version__",
]
