"""The analyst's explorer in JupyterLab: ipywidgets controls over the same figures, charts and cards as the pack.

`notebooks/explore.ipynb` only creates an `Explorer`. Suppression starts **on**
(an export of the view is suppressed unless the analyst turns it off, and the
view then says plainly that it is restricted). The records behind a figure
carry identifiers: they are shown only in the widget; no code path writes them.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

from ..config import PACKAGE_ROOT, Config, load_config
from ..errors import DscpError
from ..indicators import REGISTRY
from ..periods import parse_period
from ..present.charts import PLOTLY_CONFIG
from ..present.html import definition_card, esc
from ..present.markers import RESTRICTED_MARKER
from .data import Store
from .export import export_view
from .records import records_html
from .view import (
    CHART_TYPES, GRANULARITIES, NO_BREAKDOWN, ViewSpec, breakdown_options, indicator_options, notes_html,
    numbers_html, view_figure, view_publication,
)

DEFAULT_EXPORT_DIR = PACKAGE_ROOT / "notebooks" / "exports"
SUPPRESS_LABEL = "Hide small numbers (as in the published pack)"
RESTRICTED_LABEL = "RESTRICTED view: unsuppressed small numbers"
ALL_CATEGORIES = "all"


def _narrower(labels: list[str], old: tuple[str, str]) -> bool:
    """True when the periods `labels` start after, or end before, the range `old` did."""
    first, last = parse_period(old[0]), parse_period(old[1])
    return parse_period(labels[0]).first_day > first.first_day or parse_period(labels[-1]).last_day < last.last_day


class Explorer:
    """Controls, chart, SPC reading, numbers, definition card, export and drill-down for one store."""

    def __init__(self, db_path: str | Path | None = None, suppress: bool = True, config: Config | None = None,
                 indicator: str | None = None, export_dir: str | Path | None = None) -> None:
        import ipywidgets as w

        self.config = config or load_config()
        self.export_dir = Path(export_dir) if export_dir is not None else DEFAULT_EXPORT_DIR
        self.store = Store(db_path)  # a missing store is one sentence, here
        self.publication = None
        self.view = None
        self.last_export: Path | None = None
        self.last_refresh_seconds = 0.0
        self._syncing = False
        options = indicator_options()
        chosen = indicator or next((i for _, i in options if self.store.periods(REGISTRY.get(i), "quarter")),
                                   options[0][1])
        full = {"width": "100%"}
        self.indicator = w.Dropdown(options=options, value=chosen, layout=full)
        self.chart = w.ToggleButtons(options=[(v, k) for k, v in CHART_TYPES.items()], value="spc")
        self.granularity = w.ToggleButtons(options=[(v, k) for k, v in GRANULARITIES.items()], value="quarter")
        self.period_range = w.SelectionRangeSlider(options=["-"], index=(0, 0), continuous_update=False, layout=full)
        self.breakdown = w.Dropdown(options=[("none", NO_BREAKDOWN)], layout=full)
        self.focus = w.Dropdown(options=["-"], layout=full)
        self.category = w.Dropdown(options=[("all", ALL_CATEGORIES)], layout=full)
        self.suppress = w.Checkbox(value=suppress, description=SUPPRESS_LABEL, indent=False, layout=full)
        self.restricted_label = w.HTML(f'<span style="color:#fff;background:#a4000f;padding:2px 8px;'
                                       f'font-weight:bold">{html.escape(RESTRICTED_LABEL)}</span>')
        self.range_note, self.reading, self.numbers, self.definition = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.status, self.records = w.HTML(), w.HTML()
        self.export_button = w.Button(description="Export this view", icon="download", layout={"width": "auto"})
        self.records_button = w.Button(description="Show records", icon="table", layout={"width": "auto"})
        self.hide_records_button = w.Button(description="Hide records", layout={"width": "auto"})
        self.chart_area = w.Output(layout={"min_height": "380px"})

        def label(text):
            return w.HTML(f"<b>{html.escape(text)}</b>", layout={"width": "auto"})

        controls = w.GridBox(
            [label("Indicator"), self.indicator, label("Chart"), self.chart, label("Periods"), self.granularity,
             label("Range"), self.period_range, label("Breakdown"), self.breakdown,
             label("Period shown by bars and records"), self.focus, label("Records of"), self.category,
             label("Small numbers"), w.HBox([self.suppress, self.restricted_label])],
            layout=w.Layout(grid_template_columns="minmax(90px, 160px) minmax(0, 1fr)", grid_gap="4px 10px",
                            width="100%", max_width="980px"))
        tabs = w.Tab(children=[self.numbers, self.definition,
                               w.VBox([w.HBox([self.records_button, self.hide_records_button]), self.records])],
                     layout={"width": "100%"})
        tabs.titles = ("Numbers", "Definition", "Records (restricted)")
        self.widget = w.VBox([controls, self.range_note, self.chart_area, self.reading, tabs,
                              w.HBox([self.export_button, self.status])], layout={"width": "100%"})
        self.indicator.observe(self._on_indicator, names="value")
        self.granularity.observe(self._on_granularity, names="value")
        for control in (self.period_range, self.breakdown, self.chart, self.suppress, self.focus, self.category):
            control.observe(self._on_change, names="value")
        self.export_button.on_click(lambda _: self.export())
        self.records_button.on_click(lambda _: self.show_records())
        self.hide_records_button.on_click(lambda _: self.hide_records())
        self._sync(reset_range=True)
        self.refresh()

    # -- controls -----------------------------------------------------------------------------------
    @property
    def _last_range(self) -> tuple | None:
        value = self.period_range.value
        return None if not value or "-" in value else tuple(value)

    def spec(self) -> ViewSpec:
        first, last = self.period_range.value if self._labels() else (None, None)
        return ViewSpec(self.indicator.value, self.granularity.value, first, last, self.breakdown.value,
                        self.chart.value, bool(self.suppress.value),
                        self.focus.value if self.focus.value != "-" else None)

    def _labels(self) -> list[str]:
        return [p.code for p in self.store.periods(REGISTRY.get(self.indicator.value), self.granularity.value)]

    def _sync(self, reset_range: bool = False, wanted: tuple | None = None) -> None:
        """Fit the menus and the range to the indicator and the granularity: `reset_range` sets the range to the
        indicator's own data range (saying so when that is narrower than `wanted`, the range before)."""
        self._syncing = True
        try:
            indicator = REGISTRY.get(self.indicator.value)
            options = breakdown_options(indicator)
            previous = self.breakdown.value
            self.breakdown.options = options
            self.breakdown.value = previous if previous in [v for _, v in options] else options[0][1]
            labels = self._labels()
            self.range_note.value = ""
            if not labels:
                self.period_range.options, self.period_range.disabled = ["-"], True
            else:
                old = wanted if wanted is not None else (None if reset_range else self.period_range.value)
                self.period_range.options, self.period_range.disabled = labels, False
                if reset_range:
                    first, last = labels[0], labels[-1]
                else:
                    first = old[0] if old and old[0] in labels else labels[0]
                    last = old[1] if old and old[1] in labels else labels[-1]
                if old and "-" not in old and _narrower(labels, old):
                    self.range_note.value = (f"<i>{esc(indicator.label)} has figures from {esc(labels[0])} to "
                                             f"{esc(labels[-1])} only: the range was narrowed to its data.</i>")
                self.period_range.value = (first, last)
            self._sync_focus()
        finally:
            self._syncing = False

    def _sync_focus(self) -> None:
        labels = self._labels()
        if not labels:
            self.focus.options = ["-"]
            return
        first, last = self.period_range.value
        in_range = labels[labels.index(first): labels.index(last) + 1]
        previous = self.focus.value
        self.focus.options = in_range
        self.focus.value = previous if previous in in_range else in_range[-1]
        indicator = REGISTRY.get(self.indicator.value)
        cats = [("all", ALL_CATEGORIES)]
        if self.breakdown.value != NO_BREAKDOWN:
            keys = self.breakdown.value.split("+")
            if len(keys) == 1:
                dim = indicator.dimension(keys[0])
                found = self.store.table(indicator, self.granularity.value).categories.get(keys[0], ())
                cats += [(dim.label(c), c) for c in dim.all_categories(found)]
        self.category.options = cats

    def _on_indicator(self, _change) -> None:
        if not self._syncing:
            self.hide_records()
            self._sync(reset_range=True, wanted=self._last_range)
            self.refresh()

    def _on_granularity(self, change) -> None:
        """Keep a chosen range when switching months and quarters: the periods holding its first and last days."""
        if self._syncing:
            return
        self.hide_records()
        old = self.period_range.value
        wanted = None
        if old and old[0] != "-":
            first, last = parse_period(old[0]).first_day, parse_period(old[1]).last_day
            periods = self._labels()
            holding = [p for p in periods
                       if parse_period(p).last_day >= first and parse_period(p).first_day <= last]
            wanted = (holding[0], holding[-1]) if holding else None
        self._sync(reset_range=wanted is None, wanted=wanted)
        self.refresh()

    def _on_change(self, change) -> None:
        if self._syncing:
            return
        if change["owner"] in (self.period_range, self.breakdown):
            self._syncing = True
            try:
                self._sync_focus()
            finally:
                self._syncing = False
        if change["owner"] in (self.period_range, self.focus, self.breakdown, self.category):
            self.hide_records()
        self.refresh()

    # -- the view ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the view from the controls and update the widgets (a problem is one sentence)."""
        started = time.perf_counter()
        try:
            if self.store.check():
                self._sync()
            spec = self.spec()
            table = self.store.table(spec.indicator, spec.granularity)
            threshold = self.config.suppression_threshold
            self.publication = view_publication(table.frame, spec, self._labels(), threshold, table.categories)
            self.view = view_figure(self.publication, spec, self.config.targets.get(spec.indicator_id))
        except DscpError as exc:
            self.status.value = f'<span style="color:#a4000f">{esc(str(exc))}</span>'
            return
        self._show(self.view.figure)
        self.reading.value = notes_html(self.view.reading, [*table.notes(), *self.view.notes])
        self.numbers.value = numbers_html(self.publication, spec)
        self.definition.value = definition_card(spec.indicator)
        self.restricted_label.layout.display = "none" if spec.suppress else ""
        self.export_button.description = "Export this view" + ("" if spec.suppress else " (RESTRICTED)")
        self.last_refresh_seconds = time.perf_counter() - started
        self.status.value = esc(f"Updated in {self.last_refresh_seconds * 1000:.0f} ms.")

    def _show(self, figure: dict | None) -> None:
        if figure is None:
            self.chart_area.outputs = ()
            return
        bundle = {"application/vnd.plotly.v1+json": {**figure, "config": PLOTLY_CONFIG},
                  "text/plain": f"<chart: {self.indicator.label}>"}
        self.chart_area.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    # -- export and records --------------------------------------------------------------------------
    def export(self) -> Path | None:
        """Write the view's published table (never the records) to `notebooks/exports/`, and link to it."""
        try:
            path = export_view(self.publication, self.spec(), self.export_dir)
        except DscpError as exc:
            self.status.value = f'<span style="color:#a4000f">{esc(str(exc))}</span>'
            return None
        self.last_export = path
        warning = "" if self.spec().suppress else f" — {RESTRICTED_MARKER}"
        shown = path.relative_to(PACKAGE_ROOT) if path.is_relative_to(PACKAGE_ROOT) else path
        link = f"exports/{path.name}" if path.parent == DEFAULT_EXPORT_DIR else path.as_uri()
        self.status.value = (f'Exported to <a href="{esc(link)}" target="_blank">{esc(str(shown))}</a>'
                             f"{esc(warning)}")
        return path

    def show_records(self):
        """The records behind the focused period's figure (and category), in the widget only."""
        spec = self.spec()
        focus = spec.focus or (self._labels() or [None])[-1]
        if focus is None:
            self.records.value = esc("There are no records for this choice.")
            return None
        cell = () if self.category.value == ALL_CATEGORIES else ((self.breakdown.value, self.category.value),)
        try:
            frame, total = self.store.records(spec.indicator, parse_period(focus), cell)
        except DscpError as exc:
            self.records.value = esc(str(exc))
            return None
        what = spec.indicator.numerator_words
        category = f"; {self.category.label}" if cell else ""
        self.records.value = records_html(frame, total, f"{what} ({focus}{category})")
        return frame

    def hide_records(self) -> None:
        self.records.value = ""

    def display(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close every widget of the explorer (nothing holds the store open between updates)."""
        self.records.value = ""
        stack = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()
