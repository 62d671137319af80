"""A publication: every number that leaves the session together, decided, suppressed and audited in one place.

A pack, one `dscp indicators` export, one explorer export and one spreadsheet
are each a publication. `publish(rows, ...)` takes the rows of the indicator
table it will show (every period, month and breakdown cell of it), decides what
is hidden (`decide`), audits the result from the published numbers alone and
refuses (`DisclosureError`, naming the cell and how it was worked out) when
anything hidden could be worked out. Every view — tables, charts, hover text,
monthly tables, changes, sentences, exports — reads `Publication.shown`, where a
hidden row has no figures (`hidden` True, shown as `[c]`). The unsuppressed
figures stay inside this object.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..compute.table import COLUMNS
from ..errors import DisclosureError
from ..disclosure.decide import (SUPPRESSED, check_threshold, decide, final_audit, hidden_rows, primary, quantities_of,
                                shared_keys)
from ..disclosure.relations import build_model

FIGURES = ("numerator", "denominator", "value", "lower_ci", "upper_ci", "num_sq")
SHOWN_COLUMNS = [*COLUMNS, "cell", "period_kind", "history_complete", "num_sq", "hidden"]


@dataclass
class Publication:
    """The published rows (`shown`) and what the audit found, for one publication."""

    shown: pd.DataFrame
    suppress: bool
    threshold: int
    primary_hidden: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    _index: dict = field(default_factory=dict, repr=False)

    @property
    def restricted(self) -> bool:
        """True when small numbers are not hidden (every page and file then says so)."""
        return not self.suppress

    @property
    def hidden_count(self) -> int:
        return int(self.shown["hidden"].sum())

    def figure(self, indicator_id: str, period: str, cell: tuple = ()) -> dict | None:
        """The published row (figures None when hidden), or None when the publication has no such row."""
        if not self._index:
            records = self.shown.to_dict("records")
            self._index = {(r["indicator_id"], r["period"], r["cell"]): r for r in records}
        return self._index.get((indicator_id, str(period), tuple(cell)))

    def rows(self, indicator_id: str, period: str | None = None) -> pd.DataFrame:
        """The published rows of one indicator (for one period), in table order."""
        frame = self.shown[self.shown["indicator_id"] == indicator_id]
        return frame if period is None else frame[frame["period"] == str(period)]

    def hidden_by_indicator(self) -> dict[str, int]:
        """How many rows each indicator has hidden (what a reader can count as `[c]` anyway)."""
        counts = self.shown.loc[self.shown["hidden"], "indicator_id"].value_counts(sort=False)
        return {k: int(v) for k, v in counts.items()}


def publish(rows: pd.DataFrame, *, suppress: bool, threshold: int, categories: dict,
            notes: list[str] = ()) -> Publication:
    """Decide, suppress and audit one publication's rows (see the module docstring)."""
    threshold = check_threshold(threshold)
    started = time.perf_counter()
    rows = rows.reset_index(drop=True)
    if not suppress or rows.empty:
        mask = np.zeros(len(rows), dtype=bool)
        first = 0
    else:
        rows = shared_keys(rows)
        model = build_model(quantities_of(rows), categories)
        cache: dict = {}
        proven: dict = {}
        hidden = decide(rows, model, threshold, cache, categories, proven)
        mask = hidden_rows(rows, hidden)
        first = int(hidden_rows(rows, primary(rows, threshold)).sum())
        findings = final_audit(rows, model, mask, threshold, known=True, cache=cache, proven=proven)
        if findings:
            described = "; ".join(f.describe(threshold) for f in findings[:3])
            raise DisclosureError(
                f"nothing was written: {len(findings)} hidden figure(s) could be worked out: {described}")
    shown = rows.copy()
    for column in FIGURES:
        shown[column] = shown[column].astype(object).where(~mask, None)
    shown["hidden"] = mask
    return Publication(shown[SHOWN_COLUMNS], suppress, threshold, first, time.perf_counter() - started, list(notes))


def audit_published(frame: pd.DataFrame, threshold: int) -> list:
    """Audit rows as they were published — `indicator_id, period, cell, unit, numerator, denominator,
    hidden` — from the published numbers alone (no true value is known): every finding."""
    from ..compute.quantities import row_quantities
    from ..indicators import REGISTRY

    rows = frame.reset_index(drop=True)
    categories = data_categories_in(rows)
    keys = [row_quantities(REGISTRY.get(i), p, c, categories)
            for i, p, c in zip(rows["indicator_id"], rows["period"], rows["cell"])]
    rows = shared_keys(rows.assign(num_key=[k[0] for k in keys], den_key=[k[1] for k in keys]))
    mask = rows["hidden"].to_numpy(dtype=bool)
    model = build_model(quantities_of(rows), categories)
    return final_audit(rows, model, mask, check_threshold(threshold))


def data_categories_in(rows: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The categories of data-driven dimensions (organisations) as the rows themselves show them."""
    from ..indicators import REGISTRY

    found: dict[str, set[str]] = {}
    for indicator_id, cell in zip(rows["indicator_id"], rows["cell"]):
        indicator = REGISTRY.get(indicator_id)
        for key, code in cell:
            if indicator.dimension(key).categories is None:
                found.setdefault(key, set()).add(code)
    return {k: tuple(sorted(v)) for k, v in found.items()}


__all__ = ["SUPPRESSED", "Publication", "audit_published", "publish"]
