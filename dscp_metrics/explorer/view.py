"""What one state of the explorer's controls shows, worked out without widgets.

A view is a publication: the rows of one indicator over the chosen periods (the
whole figure, and the chosen breakdown's cells) are published together —
suppressed and audited when suppression is on (the default), as an export of
the view will be. The chart, the SPC reading, the table of numbers and the
definition card are built by the same presentation layer as the pack's, from
the published rows only.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ParameterError
from ..indicators import REGISTRY, THEMES, Indicator
from ..periods import parse_period
from ..present.charts import breakdown_figure, hidden_caption, spc_figure, trend_figure
from ..present.format import format_interval, format_value
from ..present.html import esc, table_html
from ..present.labels import axis_title, cell_label
from ..publication.publish import Publication, publish
from ..report.series import SpcSeries, published_series

GRANULARITIES = {"quarter": "Quarters", "month": "Months"}
LEGEND_ROW_HEIGHT = 20  # a trend chart with many lines grows by a row of legend per two lines, past the first six
LEGEND_LINES_FREE = 6
CHART_TYPES = {"spc": "SPC", "trend": "Trend", "breakdown": "Breakdown"}
NO_BREAKDOWN = "none"


@dataclass(frozen=True)
class ViewSpec:
    """Everything the controls say. `first`/`last`: period codes of the range (the data's first and last
    when None); `focus`: the period the breakdown chart and the drill-down look at (the range's last when
    None)."""

    indicator_id: str
    granularity: str = "quarter"
    first: str | None = None
    last: str | None = None
    breakdown: str = NO_BREAKDOWN
    chart: str = "spc"
    suppress: bool = True
    focus: str | None = None

    def __post_init__(self) -> None:
        indicator = REGISTRY.get(self.indicator_id)
        if self.granularity not in GRANULARITIES:
            raise ParameterError(f"granularity must be one of {', '.join(GRANULARITIES)}; got {self.granularity!r}")
        if self.chart not in CHART_TYPES:
            raise ParameterError(f"chart must be one of {', '.join(CHART_TYPES)}; got {self.chart!r}")
        if self.breakdown not in breakdown_values(indicator):
            raise ParameterError(f"{self.indicator_id} has no breakdown {self.breakdown!r}; choose one of "
                                 f"{', '.join(breakdown_values(indicator))}")

    @property
    def indicator(self) -> Indicator:
        return REGISTRY.get(self.indicator_id)

    @property
    def keys(self) -> tuple[str, ...]:
        """The breakdown's dimension keys (none for the whole figure)."""
        return () if self.breakdown == NO_BREAKDOWN else tuple(self.breakdown.split("+"))

    @property
    def publication_key(self) -> tuple:
        """What the view's publication depends on (the chart and the focus only choose what is drawn)."""
        return self.indicator_id, self.granularity, self.first, self.last, self.breakdown, self.suppress


def indicator_options() -> list[tuple[str, str]]:
    """The indicator menu, theme by theme: ("Domestic abuse — Re-referral rate", "rereferral_rate")."""
    return [(f"{THEMES.get(theme).title} — {i.label}", i.id) for theme, items in REGISTRY.by_theme().items()
            for i in items]


def breakdown_values(indicator: Indicator) -> list[str]:
    """"none" (when the indicator has a whole figure) and each single-key breakdown and two-key pair."""
    keys = ["+".join(b) for b in indicator.breakdowns]
    return ([NO_BREAKDOWN] if indicator.include_all else []) + list(dict.fromkeys(keys))


def breakdown_options(indicator: Indicator) -> list[tuple[str, str]]:
    def label(value: str) -> str:
        if value == NO_BREAKDOWN:
            return "none (the whole figure)"
        return "by " + " and ".join(indicator.dimension(k).title for k in value.split("+"))

    return [(label(v), v) for v in breakdown_values(indicator)]


def cell_options(frame: pd.DataFrame, spec: ViewSpec) -> list[tuple[str, tuple]]:
    """The drill-down's categories: the whole figure (if any) and every cell of the chosen breakdown."""
    indicator = spec.indicator
    whole = [("All", ())] if indicator.include_all else []
    rows = frame[frame["indicator_id"] == spec.indicator_id]
    cells = [c for c in dict.fromkeys(rows["cell"]) if c and tuple(k for k, _ in c) == spec.keys]
    return whole + [(cell_label(indicator, c), c) for c in cells]


def view_rows(frame: pd.DataFrame, spec: ViewSpec, periods: list[str]) -> pd.DataFrame:
    """The rows the view shows (and publishes): the whole figure and the chosen breakdown's cells, in range."""
    labels = list(periods)
    for end in (spec.first, spec.last):
        if end is not None and end not in labels:
            span = f"{labels[0]} to {labels[-1]}" if labels else "no period"
            raise ParameterError(f"{end} is not a period {spec.indicator.label} has figures for ({span})")
    start = labels.index(spec.first) if spec.first is not None else 0
    stop = labels.index(spec.last) if spec.last is not None else len(labels) - 1
    if stop < start:
        raise ParameterError(f"the range ends ({spec.last}) before it starts ({spec.first}): "
                             "choose the earlier period first")
    chosen = set(labels[start:stop + 1])
    rows = frame[(frame["indicator_id"] == spec.indicator_id) & frame["period"].isin(chosen)]
    keep = [c == () or tuple(k for k, _ in c) == spec.keys for c in rows["cell"]]
    return rows[keep].reset_index(drop=True)


def view_publication(frame: pd.DataFrame, spec: ViewSpec, periods: list[str], threshold: int,
                     categories: dict) -> Publication:
    """The view's rows decided, suppressed (unless `spec.suppress` is False) and audited as one publication."""
    return publish(view_rows(frame, spec, periods), suppress=spec.suppress, threshold=threshold,
                   categories=categories)


@dataclass
class View:
    """What the chart area shows: the figure (a plotly dict), the reading in words, notes, the chart's title
    (in the page, as in the pack), and for an SPC chart the published series it was drawn from."""

    figure: dict | None
    reading: str
    notes: list[str] = field(default_factory=list)
    series: SpcSeries | None = None
    title: str = ""


def _span_title(shown: pd.DataFrame, spec: ViewSpec, what: str) -> str:
    periods = list(dict.fromkeys(shown["period"]))
    return f"{what}, each {spec.granularity} from {periods[0]} to {periods[-1]}"


def focus_period(shown: pd.DataFrame, spec: ViewSpec) -> str:
    periods = list(dict.fromkeys(shown["period"]))
    return spec.focus if spec.focus in periods else periods[-1]


def view_figure(publication: Publication, spec: ViewSpec, target: float | None = None) -> View:
    """The chart for the view (from published rows only), its SPC reading and notes."""
    shown = publication.shown
    if shown.empty:
        return View(None, "There are no figures for this choice.")
    if spec.chart == "breakdown":
        return _breakdown_view(shown, spec)
    if spec.chart == "spc":
        return _spc_view(shown, spec, target)
    lines = _trend_lines(shown, spec)
    figure = trend_figure(lines, spec.indicator.unit, axis_title(spec.indicator), dated=spec.granularity == "month")
    if len(lines) > LEGEND_LINES_FREE:  # the legend sits above the plot: room for it, the plot keeps its height
        figure["layout"]["height"] += LEGEND_ROW_HEIGHT * math.ceil((len(lines) - LEGEND_LINES_FREE) / 2)
    by = f" by {' and '.join(spec.indicator.dimension(k).title for k in spec.keys)}" if spec.keys else ""
    return View(figure, "", title=_span_title(shown, spec, spec.indicator.label + by))


def _breakdown_view(shown: pd.DataFrame, spec: ViewSpec) -> View:
    """One period's categories: bars (`[c]` beside a hidden one), or stacked shares for a two-way breakdown."""
    indicator = spec.indicator
    if not spec.keys:
        if not indicator.breakdowns:
            return View(None, f"{indicator.label} has no breakdown: choose the SPC or Trend chart.")
        choices = ", ".join(label for label, value in breakdown_options(indicator) if value != NO_BREAKDOWN)
        return View(None, f"The Breakdown chart shows one period's categories: choose a breakdown ({choices}) "
                          "in the Breakdown menu.")
    focus = focus_period(shown, spec)
    rows = shown[(shown["period"] == focus) & (shown["breakdown"] != "all")]
    dims = [indicator.dimension(k) for k in spec.keys]
    title = f"{indicator.label} by {' and '.join(d.title for d in dims)}, {focus}"
    figure, values = breakdown_figure(indicator, rows)
    caption = hidden_caption(values) if len(dims) == 1 else ""
    return View(figure, "", [caption] if caption else [], title=title)


def _spc_view(shown: pd.DataFrame, spec: ViewSpec, target: float | None) -> View:
    """The XmR chart of the whole figure over the periods whose look-back is complete (as in the pack)."""
    indicator = spec.indicator
    if not indicator.include_all:
        return View(None, f"{indicator.label} has no whole figure to chart as SPC: choose Trend or Breakdown.")
    if not indicator.has_monthly_series:  # the pack's rule: one predicate for both
        why = (" is counted over the 12 months to each period's end, so neighbouring periods share months and an "
               "SPC chart would mislead" if indicator.window == "rolling_12_months" else " is not charted as SPC")
        return View(None, f"{indicator.label}{why} (the pack does not draw one): choose Trend.")
    whole = shown[shown["breakdown"] == "all"]
    complete = whole[whole["history_complete"].astype(bool)]
    notes = []
    if len(complete) < len(whole):
        notes.append(f"{len(whole) - len(complete)} early period(s) are left out: the look-back is incomplete "
                     "there, so they undercount.")
    series = published_series(complete, indicator, target, point=spec.granularity)
    if len(series.values) < 2:
        return View(None, "There are too few periods with a figure to chart.", notes, series)
    if not series.chartable:
        return View(None, f"Not charted: {series.n_hidden} of {len(series.values)} points are hidden ([c]); "
                          "choose a longer period (quarters) or look at the Trend chart.", notes, series)
    reading = series.reading.get("reading") or (
        f"No SPC reading: {series.n_hidden} of {len(series.values)} points are hidden ([c]) and the limits "
        "and the reading are worked out from every point, so they would give them away."
        if series.n_hidden else "There are too few points to work out the expected range.")
    figure = spc_figure(series, axis_title(indicator), target, dated=spec.granularity == "month")
    return View(figure, reading, notes, series, _span_title(complete, spec, indicator.label))


def _trend_lines(shown: pd.DataFrame, spec: ViewSpec) -> list[dict]:
    """The whole figure with its intervals, or one line per category of the chosen breakdown."""
    indicator = spec.indicator

    def x_of(periods):
        return [parse_period(p).first_day.isoformat() if spec.granularity == "month" else p for p in periods]

    def published(rows, column):
        return [None if h else v for v, h in zip(rows[column], rows["hidden"])]

    if not spec.keys:
        rows = shown[shown["breakdown"] == "all"]
        return [{"name": indicator.label, "x": x_of(rows["period"]), "values": published(rows, "value"),
                 "lower": published(rows, "lower_ci"), "upper": published(rows, "upper_ci")}]
    cells = shown[shown["breakdown"] != "all"]
    return [{"name": cell_label(indicator, cell), "x": x_of(rows["period"]), "values": published(rows, "value")}
            for cell in dict.fromkeys(cells["cell"]) for rows in [cells[cells["cell"] == cell]]]


def numbers_html(publication: Publication, spec: ViewSpec) -> str:
    """The numbers behind the view, formatted as in the pack (intervals rounded the same way)."""
    indicator, shown = spec.indicator, publication.shown
    unit = indicator.unit
    hidden = shown["hidden"]
    table = {"Period": shown["period"], "Breakdown": [cell_label(indicator, c) for c in shown["cell"]],
             axis_title(indicator): [format_value(v, unit, h) for v, h in zip(shown["value"], hidden)]}
    if unit != "count":
        table["Number" if unit == "%" else "Sum of ratings"] = [
            format_value(n, "count", h) for n, h in zip(shown["numerator"], hidden)]
        table["Out of" if unit == "%" else "Ratings"] = [
            format_value(d, "count", h) for d, h in zip(shown["denominator"], hidden)]
    table["95% interval"] = [format_interval(lo, hi, unit, h)
                             for lo, hi, h in zip(shown["lower_ci"], shown["upper_ci"], hidden)]
    return table_html(pd.DataFrame(table), f"The numbers of this view (as an export writes them): {indicator.title}",
                      row_header="Period")


def title_html(view: View) -> str:
    return f'<h4 style="margin:8px 0 0">{esc(view.title)}</h4>' if view.title else ""


def notes_html(reading: str, notes: list[str]) -> str:
    parts = [f"<p><b>What the chart says:</b> {esc(reading)}</p>"] if reading else []
    return "".join(parts + [f"<p><i>{html.escape(n)}</i></p>" for n in notes])
