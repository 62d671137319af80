"""What one state of the explorer's controls shows, worked out without widgets.

A view is a publication: the rows of one indicator over the chosen periods (the
whole figure, and the chosen breakdown's cells) are published together —
suppressed and audited when suppression is on (the default), as an export of
the view will be. The chart, the SPC reading, the table of numbers and the
definition card are built by the same presentation layer as the pack's.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ParameterError
from ..indicators import REGISTRY, THEMES, Indicator
from ..present.charts import bar_figure, spc_figure, trend_figure
from ..present.format import format_interval, format_value
from ..present.html import esc, table_html
from ..publication.publish import Publication, publish
from ..report.series import published_series

GRANULARITIES = {"quarter": "Quarters", "month": "Months"}
CHART_TYPES = {"spc": "SPC", "trend": "Trend", "breakdown": "Breakdown"}
NO_BREAKDOWN = "none"


@dataclass(frozen=True)
class ViewSpec:
    """Everything the controls say. `first`/`last`: period codes of the range; `focus`: the period the
    breakdown chart and the drill-down look at (the range's last when None)."""

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


def indicator_options() -> list[tuple[str, str]]:
    """The indicator menu, theme by theme: ("Domestic abuse — Re-referral rate", "rereferral_rate")."""
    return [(f"{THEMES.get(theme).title} — {i.label}", i.id) for theme, items in REGISTRY.by_theme().items()
            for i in items]


def breakdown_values(indicator: Indicator) -> list[str]:
    """"none" (when the indicator has a whole figure) and each single-key breakdown and two-key pair."""
    keys = ["+".join(b) if len(b) > 1 else b[0] for b in indicator.breakdowns]
    return ([NO_BREAKDOWN] if indicator.include_all else []) + list(dict.fromkeys(keys))


def breakdown_options(indicator: Indicator) -> list[tuple[str, str]]:
    def label(value: str) -> str:
        if value == NO_BREAKDOWN:
            return "none (the whole figure)"
        return "by " + " and ".join(indicator.dimension(k).title for k in value.split("+"))

    return [(label(v), v) for v in breakdown_values(indicator)]


def _keys(spec: ViewSpec) -> tuple[str, ...]:
    return () if spec.breakdown == NO_BREAKDOWN else tuple(spec.breakdown.split("+"))


def view_rows(frame: pd.DataFrame, spec: ViewSpec, periods: list[str]) -> pd.DataFrame:
    """The rows the view shows (and publishes): the whole figure and the chosen breakdown's cells, in range."""
    labels = list(periods)
    start = labels.index(spec.first) if spec.first in labels else 0
    end = labels.index(spec.last) if spec.last in labels else len(labels) - 1
    if end < start:
        raise ParameterError(f"the range ends ({spec.last}) before it starts ({spec.first}): "
                             "choose the earlier period first")
    chosen = set(labels[start:end + 1])
    keys = _keys(spec)
    rows = frame[(frame["indicator_id"] == spec.indicator_id) & frame["period"].isin(chosen)]
    keep = [c == () or tuple(k for k, _ in c) == keys for c in rows["cell"]]
    return rows[keep].reset_index(drop=True)


def view_publication(frame: pd.DataFrame, spec: ViewSpec, periods: list[str], threshold: int,
                     categories: dict) -> Publication:
    return publish(view_rows(frame, spec, periods), suppress=spec.suppress, threshold=threshold,
                   categories=categories)


@dataclass
class View:
    """What the chart area shows: the figure (a plotly dict), the reading in words and notes."""

    figure: dict | None
    reading: str
    notes: list[str] = field(default_factory=list)


def _cell_label(indicator: Indicator, cell: tuple) -> str:
    return " – ".join(indicator.dimension(k).label(v) for k, v in cell) or "All"


def view_figure(publication: Publication, spec: ViewSpec, target: float | None = None) -> View:
    """The chart for the view (from published rows only), its SPC reading and notes."""
    indicator, shown = spec.indicator, publication.shown
    point = spec.granularity
    y_title = (indicator.value_label or indicator.unit).capitalize()
    if shown.empty:
        return View(None, "There are no figures for this choice.")
    if spec.chart == "breakdown":
        if spec.breakdown == NO_BREAKDOWN or "+" in spec.breakdown:
            return View(None, "The breakdown chart shows one period's categories: choose a breakdown "
                              "(a single one) in the Breakdown menu.")
        periods = list(dict.fromkeys(shown["period"]))
        focus = spec.focus if spec.focus in periods else periods[-1]
        rows = shown[(shown["period"] == focus) & (shown["breakdown"] != "all")]
        values = [None if h else v for v, h in zip(rows["value"], rows["hidden"])]
        figure = bar_figure([_cell_label(indicator, c) for c in rows["cell"]], values, indicator.unit, y_title,
                            ranked=indicator.chart == "ranked_bars")
        return View(figure, f"{indicator.label} by {spec.breakdown.replace('_', ' ')}, {focus}.")
    whole = shown[shown["breakdown"] == "all"]
    notes = []
    if spec.chart == "spc":
        if not indicator.include_all:
            return View(None, "This indicator has no whole figure to chart as SPC: choose Trend or Breakdown.")
        complete = whole[whole["history_complete"].astype(bool)]
        if len(complete) < len(whole):
            notes.append(f"{len(whole) - len(complete)} early period(s) are left out: the 12-month look-back "
                         "is incomplete there, so they undercount.")
        series = published_series(complete, indicator, target, point=point)
        if len(series.values) < 2:
            return View(None, "There are too few periods with a figure to chart.", notes)
        reading = series.reading.get("reading") or (
            f"No SPC reading: {series.n_hidden} of {len(series.values)} points are hidden ([c]) and the limits "
            "and the reading are worked out from every point, so they would give them away."
            if series.n_hidden else "There are too few points to work out the expected range.")
        return View(spc_figure(series, y_title, target, dated=point == "month"), reading, notes)
    return View(trend_figure(_trend_lines(shown, spec), indicator.unit, y_title, dated=point == "month"), "", notes)


def _trend_lines(shown: pd.DataFrame, spec: ViewSpec) -> list[dict]:
    """The whole figure with its intervals, or one line per category of the chosen breakdown."""
    indicator = spec.indicator
    from ..periods import parse_period

    def x_of(periods):
        return [parse_period(p).first_day.isoformat() if spec.granularity == "month" else p for p in periods]

    if spec.breakdown == NO_BREAKDOWN:
        rows = shown[shown["breakdown"] == "all"]
        hidden = rows["hidden"].tolist()
        return [{"name": indicator.label, "x": x_of(rows["period"]),
                 "values": [None if h else v for v, h in zip(rows["value"], hidden)],
                 "lower": [None if h else v for v, h in zip(rows["lower_ci"], hidden)],
                 "upper": [None if h else v for v, h in zip(rows["upper_ci"], hidden)]}]
    lines = []
    cells = shown[shown["breakdown"] != "all"]
    for cell in dict.fromkeys(cells["cell"]):
        rows = cells[cells["cell"] == cell]
        lines.append({"name": _cell_label(indicator, cell), "x": x_of(rows["period"]),
                      "values": [None if h else v for v, h in zip(rows["value"], rows["hidden"])]})
    return lines


def numbers_html(publication: Publication, spec: ViewSpec) -> str:
    """The numbers behind the view, formatted as in the pack (intervals rounded the same way)."""
    indicator, shown = spec.indicator, publication.shown
    unit = indicator.unit
    frame = pd.DataFrame({
        "Period": shown["period"],
        "Breakdown": [_cell_label(indicator, c) for c in shown["cell"]],
        "Value": [format_value(v, unit, h) for v, h in zip(shown["value"], shown["hidden"])],
        "Number": [format_value(n, "count", h) for n, h in zip(shown["numerator"], shown["hidden"])],
        "Out of": [format_value(d, "count", h) if unit != "count" else "" for d, h in
                   zip(shown["denominator"], shown["hidden"])],
        "95% interval": [format_interval(lo, hi, unit, h) for lo, hi, h in
                         zip(shown["lower_ci"], shown["upper_ci"], shown["hidden"])],
    })
    if unit == "count":
        frame = frame.drop(columns=["Out of"])
    return table_html(frame, f"The numbers behind the chart: {indicator.title}", row_header="Period")


def notes_html(reading: str, notes: list[str]) -> str:
    parts = [f"<p><b>What the chart says:</b> {esc(reading)}</p>"] if reading else []
    return "".join(parts + [f"<p><i>{html.escape(n)}</i></p>" for n in notes])
