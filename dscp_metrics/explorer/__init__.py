"""The analyst's explorer: `Explorer(db_path)` in `notebooks/explore.ipynb`."""

from .data import resolve_db_path
from .view import NO_BREAKDOWN, ViewSpec, indicator_options, view_figure, view_publication, view_rows
from .widget import RESTRICTED_LABEL, SUPPRESS_LABEL, Explorer

__all__ = ["NO_BREAKDOWN", "RESTRICTED_LABEL", "SUPPRESS_LABEL", "Explorer", "ViewSpec", "indicator_options",
           "resolve_db_path", "view_figure", "view_publication", "view_rows"]
