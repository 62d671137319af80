"""The analyst's explorer: `explore(db_path)` in `notebooks/explore.ipynb`."""

from .data import Store, resolve_db_path
from .layout import RESTRICTED_LABEL, SUPPRESS_LABEL
from .view import NO_BREAKDOWN, ViewSpec, indicator_options, numbers_html, view_figure, view_publication, view_rows
from .widget import Explorer, explore

__all__ = ["NO_BREAKDOWN", "RESTRICTED_LABEL", "SUPPRESS_LABEL", "Explorer", "Store", "ViewSpec", "explore",
           "indicator_options", "numbers_html", "resolve_db_path", "view_figure", "view_publication", "view_rows"]
