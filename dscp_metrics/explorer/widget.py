"""The analyst's explorer in JupyterLab: ipywidgets controls over the same figures, charts and cards as the pack.

`notebooks/explore.ipynb` only calls `explore(db_path)`. Suppression starts
**on** (an export of the view is suppressed unless the analyst turns it off, and
the view then says plainly that it is restricted). The records behind a figure
carry identifiers: they are shown only in the widget; no code path writes them.

- the range is each indicator's own data range when the indicator changes (and
  says so when that is narrower than before); switching quarters and months
  keeps the range (the periods holding its first and last days);
- the store is read only for a moment per new table, never held open, so a
  `dscp load` can replace it at any time; the explorer notices a new load at
  the next change of a control and reads its figures afresh.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..config import Config, load_config
from ..errors import DscpError
from ..indicators import REGISTRY
from ..periods import parse_period
from ..present.charts import PLOTLY_CONFIG
from ..present.html import definition_card, esc
from ..publication.publish import Publication
from .data import NO_PERIOD, Store, holding, narrower, short_windows
from .export import export_link_html, export_view
from .layout import CHART_MIN_HEIGHT, RESTRICTED_LABEL, SUPPRESS_LABEL, build_widgets
from .records import records_html
from .view import (
    GRANULARITIES, ViewSpec, breakdown_options, cell_options, focus_period, indicator_options, notes_html,
    numbers_html, title_html, view_figure, view_publication,
)

EXPORTS_FOLDER = "exports"  # beside the notebook: a kernel starts in its notebook's folder, which Lab shows
PUBLICATIONS_KEPT = 24  # views published and kept, so that a change of chart or focus republishes nothing


def default_export_dir() -> Path:
    """`exports/` in the working folder: beside the notebook when the explorer runs in one (Lab starts a
    notebook's kernel in its folder, so its file browser shows the exports there), `notebooks/exports/` for
    the repository's `explore.ipynb`."""
    return Path.cwd() / EXPORTS_FOLDER


def _error(text: str) -> str:
    return f'<span style="color:#a4000f">{esc(text)}</span>'


class Explorer:
    """Controls, chart, SPC reading, numbers, definition card, export and drill-down for one store."""

    def __init__(self, db_path: str | Path | None = None, suppress: bool = True, config: Config | None = None,
                 indicator: str | None = None, export_dir: str | Path | None = None) -> None:
        self.config = config or load_config()
        self.export_dir = Path(export_dir) if export_dir is not None else default_export_dir()
        self.store = Store(db_path)  # a missing or unreadable store is one sentence (DatabaseError), here
        self.publication: Publication | None = None
        self.view = None
        self.last_export: Path | None = None
        self._exported_key: tuple | None = None
        self.last_refresh_seconds = 0.0
        self._publications: dict[tuple, Publication] = {}
        self._syncing = False
        self._began: float | None = None  # when the control change being handled began
        options = indicator_options()
        chosen = indicator or next((i for _, i in options if self.store.periods(REGISTRY.get(i), "quarter")),
                                   options[0][1])
        self.ui = build_widgets(options, chosen, suppress)
        for name in ("indicator", "chart", "granularity", "period_range", "breakdown", "focus", "category",
                     "suppress", "restricted_label", "range_note", "reading", "numbers", "definition", "status",
                     "records", "export_button", "records_button", "hide_records_button", "chart_area",
                     "export_note", "widget"):
            setattr(self, name, getattr(self.ui, name))
        self.indicator.observe(self._on_indicator, names="value")
        self.granularity.observe(self._on_granularity, names="value")
        for control in (self.period_range, self.breakdown, self.chart, self.suppress, self.focus, self.category):
            control.observe(self._on_change, names="value")
        self.export_button.on_click(lambda _: self.export())
        self.records_button.on_click(lambda _: self.show_records())
        self.hide_records_button.on_click(lambda _: self.hide_records())
        self._fit(None)
        self.refresh()

    # -- controls -----------------------------------------------------------------------------------
    def _labels(self) -> list[str]:
        return [p.code for p in self.store.periods(REGISTRY.get(self.indicator.value), self.granularity.value)]

    @property
    def _range(self) -> tuple[str, str] | None:
        value = tuple(self.period_range.value or ())
        return None if len(value) != 2 or NO_PERIOD in value else value

    def spec(self) -> ViewSpec:
        first, last = self._range or (None, None)
        focus = self.focus.value if self.focus.value != NO_PERIOD else None
        return ViewSpec(self.indicator.value, self.granularity.value, first, last, self.breakdown.value,
                        self.chart.value, bool(self.suppress.value), focus)

    def _fit(self, wanted: tuple[str, str] | None, before: tuple[str, str] | None = None) -> None:
        """Fit the menus to the indicator and granularity: the range is `wanted` (within the data), or the
        indicator's whole data range; a note says when that covers less than the range `before`."""
        self._syncing = True
        try:
            indicator = REGISTRY.get(self.indicator.value)
            options = breakdown_options(indicator)
            previous = self.breakdown.value
            self.breakdown.options = options
            self.breakdown.value = previous if previous in [v for _, v in options] else options[0][1]
            labels = self._labels()
            if not labels:
                self.period_range.options, self.period_range.disabled = [NO_PERIOD], True
                self.range_note.value = ""
            else:
                self.period_range.options, self.period_range.disabled = labels, False
                fitted = holding(labels, wanted) if wanted else None
                self.period_range.value = fitted or (labels[0], labels[-1])
                chosen = list(self.period_range.value)
                narrowed = narrower(chosen, before or wanted)
                self.range_note.value = (
                    f"<i>{esc(indicator.label)} has figures from {esc(labels[0])} to {esc(labels[-1])} only: "
                    "the range was narrowed to its data.</i>" if narrowed else "")
            self._fit_focus()
        finally:
            self._syncing = False

    def _fit_focus(self) -> None:
        """The focus menu to the range, the drill-down's categories to the breakdown; the range spelled out."""
        labels, chosen = self._labels(), self._range
        if not labels or chosen is None:
            self.focus.options, self.ui.range_readout.value = [NO_PERIOD], ""
        else:
            in_range = labels[labels.index(chosen[0]): labels.index(chosen[1]) + 1]
            previous = self.focus.value
            self.focus.options = in_range
            self.focus.value = previous if previous in in_range else in_range[-1]
            unit = GRANULARITIES[self.granularity.value].lower()
            self.ui.range_readout.value = esc(f"{chosen[0]} to {chosen[1]} ({len(in_range)} {unit})")
        try:
            table = self.store.table(REGISTRY.get(self.indicator.value), self.granularity.value)
            cells = cell_options(table.frame, self.spec())
        except DscpError:
            cells = []
        previous = self.category.value
        self.category.options = cells or [("All", ())]
        self.category.value = previous if previous in [c for _, c in cells] else self.category.options[0][1]

    def _on_indicator(self, change) -> None:
        if not self._syncing:
            self._began = time.perf_counter()
            self.hide_records()
            self._fit(None, before=self._range)
            self.refresh()

    def _on_granularity(self, change) -> None:
        """Keep the range when switching months and quarters: the periods holding its first and last days."""
        if not self._syncing:
            self._began = time.perf_counter()
            self.hide_records()
            self._fit(self._range)
            self.refresh()

    def _on_change(self, change) -> None:
        if self._syncing:
            return
        self._began = time.perf_counter()
        if change["owner"] in (self.period_range, self.breakdown):
            self._syncing = True
            try:
                self._fit_focus()
            finally:
                self._syncing = False
        if change["owner"] is not self.chart and change["owner"] is not self.suppress:
            self.hide_records()
        self.refresh()

    # -- the view ------------------------------------------------------------------------------------
    def _publication(self, spec: ViewSpec, table) -> Publication:
        key = spec.publication_key
        if key not in self._publications:
            if len(self._publications) >= PUBLICATIONS_KEPT:
                self._publications.pop(next(iter(self._publications)))
            self._publications[key] = view_publication(table.frame, spec, self._labels(),
                                                       self.config.suppression_threshold, table.categories)
        return self._publications[key]

    def refresh(self) -> None:
        """Recompute the view from the controls and update the widgets (a problem is one sentence).
        `last_refresh_seconds`: from the control change (or this call) to the updated widgets."""
        started, self._began = self._began or time.perf_counter(), None
        self.status.value = esc("Updating…")
        notice = ""
        try:
            if self.store.check():
                self._publications.clear()
                self._fit(self._range)
                load = f" (load {self.store.load_id[:8]})" if self.store.load_id else ""
                notice = f"<p><b>A new load of the store was found{esc(load)}: the figures were read again.</b></p>"
            spec = self.spec()
            if self.last_export is not None and self._exported_key != spec.publication_key:
                self.export_note.outputs = ()  # the link said what an earlier view exported
            table = self.store.table(spec.indicator, spec.granularity)
            self.publication = self._publication(spec, table)
            self.view = view_figure(self.publication, spec, self.config.targets.get(spec.indicator_id))
        except DscpError as exc:
            self.publication = self.view = None
            self._show(None)
            self.reading.value = self.numbers.value = self.ui.chart_title.value = ""
            self.status.value = _error(str(exc))
            return
        self._show(self.view.figure)
        self.ui.chart_title.value = title_html(self.view)
        self.range_note.value = notice + self.range_note.value if notice else self.range_note.value
        notes = [*table.notes(), *self.view.notes, *self._window_note(spec)]
        self.reading.value = notes_html(self.view.reading, notes)
        self.numbers.value = f'<div class="dscp-scroll">{numbers_html(self.publication, spec)}</div>'
        self.definition.value = definition_card(spec.indicator)
        self.restricted_label.layout.visibility = "hidden" if spec.suppress else "visible"
        self.export_button.description = "Export this view" + ("" if spec.suppress else " (RESTRICTED)")
        self.last_refresh_seconds = time.perf_counter() - started
        took = f"Updated in {self.last_refresh_seconds * 1000:.0f} ms."
        self.status.value = f'<span class="dscp-muted">{esc(took)}</span>'

    def _window_note(self, spec: ViewSpec) -> list[str]:
        periods = list(dict.fromkeys(self.publication.shown["period"]))
        short = short_windows(spec.indicator, self.store.ranges, periods)
        if not short:
            return []
        span = short[0] if len(short) == 1 else f"{short[0]} to {short[-1]}"
        return [f"The 12-month windows of {span} start before the data does: those figures may undercount."]

    def _show(self, figure: dict | None) -> None:
        """Draw the figure; without one, the chart area takes no room (the reading says why)."""
        if figure is None:
            self.chart_area.outputs = ()
            self.chart_area.layout.min_height = "0px"
            return
        self.chart_area.layout.min_height = CHART_MIN_HEIGHT
        bundle = {"application/vnd.plotly.v1+json": {**figure, "config": PLOTLY_CONFIG},
                  "text/plain": f"<chart: {self.indicator.label}>"}
        self.chart_area.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    # -- export and records --------------------------------------------------------------------------
    def export(self) -> Path | None:
        """Write the view's published table (never the records) to `exports/` beside the notebook (see
        `default_export_dir`), and link to it."""
        if self.publication is None:
            self.status.value = _error("There is no view to export: choose an indicator with figures first.")
            return None
        try:
            path = export_view(self.publication, self.spec(), self.export_dir)
        except DscpError as exc:
            self.status.value = _error(str(exc))
            return None
        self.last_export, self._exported_key = path, self.spec().publication_key
        self.export_note.outputs = ({"output_type": "display_data", "metadata": {},
                                     "data": {"text/html": export_link_html(path, self.publication.restricted),
                                              "text/plain": f"Exported to {path}"}},)
        return path

    def show_records(self):
        """The records behind the focused period's figure (and category), in the widget only."""
        if self.store.stale():  # a new load: the view first, so that records and figures agree
            self.refresh()
        spec = self.spec()
        if self.publication is None or self.publication.shown.empty:
            self.records.value = esc("There are no records for this choice.")
            return None
        focus = focus_period(self.publication.shown, spec)
        cell = self.category.value or ()
        try:
            found = self.store.records(spec.indicator, parse_period(focus), cell)
        except DscpError as exc:
            self.records.value = _error(str(exc))
            return None
        indicator = spec.indicator  # a mean's records are its ratings (its numerator sums them)
        what = indicator.denominator_words if indicator.unit == "mean" else indicator.numerator_words
        category = f"; {self.category.label}" if cell else ""
        self.records.value = records_html(found.frame, found.total, f"{what} ({focus}{category})",
                                          found.counted if found.distinct else None)
        return found.frame

    def hide_records(self) -> None:
        self.records.value = ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close every widget of the explorer (nothing holds the store open between updates)."""
        self.store.close()
        self.records.value = ""
        stack = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()


def explore(db_path: str | Path | None = None, **options):
    """The explorer for the store at `db_path`, or, when it cannot be opened, the reason in one sentence."""
    from IPython.display import HTML

    try:
        return Explorer(db_path, **options)
    except DscpError as exc:
        return HTML(f"<p>{_error('The explorer cannot start: ' + str(exc).rstrip('.') + '.')}</p>")


__all__ = ["RESTRICTED_LABEL", "SUPPRESS_LABEL", "Explorer", "explore"]
