"""The charts of pack and explorer, as plotly figure dicts built from published figures only.

- `spc_figure`: a Making Data Count XmR chart of an `SpcSeries`: the figures (a
  gap for a hidden one), special-cause points coloured *and* shaped by type, the
  mean and process limits only when no point is hidden (they would give it
  away), limits never below 0 (or above 100%), the target;
- `bar_figure`: horizontal bars of a breakdown; a hidden category has no bar,
  `[c]` beside its name and at its place; optionally ranked largest first;
- `grouped_figure`: two figures of the same unit per category, side by side
  (places booked and completed by route), told apart by colour *and* pattern;
- `stacked_figure`: shares of Red, Amber and Green per section, labelled and patterned.

Titles live in the page (HTML headings wrap on a phone), and in the pack so do
legends (`legend.py`: a list of buttons above the chart, drawn from its traces;
the explorer keeps plotly's, above the plot). The two process limits are one
trace, upper then a gap then lower, so they have one legend entry. No chart
has a toolbar (keyboard users would tab through it).
Printed, the pack shows a copy of each chart redrawn at the printed width
(`pack/assets/pack.js`), so no chart is clipped whatever the window's width. In the pack a
chart is drawn once, not twice: its div says what its margins must hold (`margins.py`).
"""

from __future__ import annotations

import math

from ..disclosure.decide import SUPPRESSED
from ..report.series import SpcSeries
from .format import NO_FIGURE, format_value
from .labels import axis_title, cell_label
from .legend import LegendEntry, legend_entries, plotly_legend_room
from .margins import with_margin_hint
from .palette import (
    BAR, BAR_SECOND, DATA_LINE, FONT_FAMILY, GRID, LIMIT_LINE, MEAN_LINE, MUTED, POINT_STYLE, RAG_FILL,
    RAG_TEXT_ON_FILL, TARGET_LINE, TEXT, WHITE,
)
from .rows import BAR_ROW_HEIGHT, bar_rows, one_line, plotly_text, wrap_label

PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False, "scrollZoom": False}
SPC_HEIGHT = 300
BAR_THICKNESS = 0.8  # of a one-line row: plotly's default bar gap of 0.2
BAR_BASE_HEIGHT = 90
STACKED_BASE_HEIGHT = BAR_BASE_HEIGHT + 60  # and plotly's legend above: a rating per line in a narrow column
# (the explorer's; the pack's chart is drawn shorter by legend.plotly_legend_room, its legend in the page)
GROUPED_ROW_HEIGHT = 18  # per bar of a group
RAG_PATTERN = {"Red": "x", "Amber": "/", "Green": ""}
GROUP_COLOURS = (BAR, BAR_SECOND)
GROUP_PATTERNS = ("", "/")


def _layout(height: int, y_title: str = "", x_title: str = "") -> dict:
    axis = {"showline": True, "linecolor": MUTED, "ticks": "outside", "tickcolor": MUTED, "zeroline": False,
            "automargin": True}
    return {
        "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "height": height,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 8},
        "xaxis": {**axis, "title": {"text": plotly_text(x_title)}, "showgrid": False},
        "yaxis": {**axis, "title": {"text": plotly_text(y_title)}, "gridcolor": GRID, "rangemode": "tozero"},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
                   "font": {"size": 12}},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}, "bgcolor": "#ffffff", "bordercolor": TEXT},
        "showlegend": True,
    }


def spc_figure(series: SpcSeries, y_title: str, target: float | None = None, dated: bool = True) -> dict:
    """The XmR chart of a published series (see the module docstring)."""
    unit = series.indicator.unit
    x = [d.strftime("%Y-%m-%d") for d in series.dates] if dated else list(series.periods)
    y = [_point(v) for v in series.values]
    labels = [f"{d:%B %Y}" for d in series.dates] if dated else list(series.periods)
    texts = [f"{lab}: {SUPPRESSED if v is None else format_value(v, unit)}" for lab, v in zip(labels, series.values)]
    traces = [{
        "type": "scatter", "mode": "lines+markers", "x": x, "y": y, "text": texts, "connectgaps": False,
        "name": f"Figure ({series.indicator.value_label or unit})", "hovertemplate": "%{text}<extra></extra>",
        "line": {"color": DATA_LINE, "width": 2}, "marker": {"color": DATA_LINE, "size": 6, "symbol": "circle"},
    }]
    for point_type, (colour, symbol, words) in POINT_STYLE.items():
        keep = [i for i, t in enumerate(series.point_types) if t == point_type and point_type != "common_cause"]
        if keep:
            traces.append({
                "type": "scatter", "mode": "markers", "x": [x[i] for i in keep], "y": [y[i] for i in keep],
                "text": [f"{texts[i]} ({words.lower()})" for i in keep], "name": words,
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {"color": colour, "size": 11, "symbol": symbol, "line": {"color": TEXT, "width": 1}},
            })
    if series.draw_limits:
        ceiling = 100.0 if unit == "%" else None
        mean, upper, lower = (series.frame[c].clip(lower=0.0, upper=ceiling).round(4).tolist()
                              for c in ("mean", "upl", "lpl"))
        traces.append({"type": "scatter", "mode": "lines", "x": x, "y": mean, "name": "Average",
                       "hoverinfo": "skip", "line": {"color": MEAN_LINE, "dash": "solid", "width": 1.5}})
        # both limits are one trace, the upper then a gap then the lower: one legend entry (a legend wraps
        # less on a phone) and one trace fewer to draw per chart
        traces.append({"type": "scatter", "mode": "lines", "x": x + [None] + x, "y": upper + [None] + lower,
                       "name": "Process limits", "hoverinfo": "skip", "connectgaps": False,
                       "line": {"color": LIMIT_LINE, "dash": "dash", "width": 1.5}})
    if target is not None:
        traces.append({"type": "scatter", "mode": "lines", "x": [x[0], x[-1]], "y": [float(target)] * 2,
                       "name": f"Target ({format_value(target, unit)})", "hoverinfo": "skip",
                       "line": {"color": TARGET_LINE, "dash": "dot", "width": 2}})
    layout = _layout(SPC_HEIGHT, y_title)
    layout["yaxis"]["ticksuffix"] = "%" if unit == "%" else ""
    if dated:
        layout["xaxis"].update({"type": "date", "tickformat": "%b %Y"})
    else:
        layout["xaxis"].update({"type": "category"})
    return {"data": traces, "layout": layout}


def _point(value: float | None) -> float | None:
    """A value as plotted: none for a hidden figure or one with nothing to divide by (a gap, not "nan")."""
    return None if value is None or math.isnan(value) else round(value, 6)


def trend_figure(lines: list[dict], unit: str, y_title: str, dated: bool) -> dict:
    """The figure over time: one line per entry of `lines` (`name`, `x`, `values` — None when hidden —, and
    optionally `lower`/`upper`, drawn as error bars), hover text from the published figures only."""
    traces = []
    for line in lines:
        texts = [f"{x}: {SUPPRESSED if v is None else format_value(v, unit)}"
                 for x, v in zip(line["x"], line["values"])]
        trace = {"type": "scatter", "mode": "lines+markers", "x": line["x"], "name": plotly_text(line["name"]),
                 "text": texts, "y": [_point(v) for v in line["values"]], "connectgaps": False,
                 "hovertemplate": "%{text}<extra></extra>"}
        if len(lines) == 1:
            trace["line"] = {"color": DATA_LINE, "width": 2}
        if line.get("lower") is not None:
            trace["error_y"] = {"type": "data", "thickness": 1, "color": MUTED,
                                "array": [_point(None if u is None or v is None else u - v)
                                          for u, v in zip(line["upper"], line["values"])],
                                "arrayminus": [_point(None if lo is None or v is None else v - lo)
                                               for lo, v in zip(line["lower"], line["values"])]}
        traces.append(trace)
    layout = _layout(SPC_HEIGHT, y_title)
    layout["yaxis"]["ticksuffix"] = "%" if unit == "%" else ""
    layout["xaxis"].update({"type": "date", "tickformat": "%b %Y"} if dated else {"type": "category"})
    return {"data": traces, "layout": layout}


def bar_figure(labels: list[str], values: list[float | None], unit: str, axis_title: str,
               ranked: bool = False) -> dict:
    """Horizontal bars, one per category (hidden: no bar, `[c]` beside the name and at the bar's place).

    Each row is as tall as its label (`rows.row_height`), so wrapped labels never run into their neighbours
    and short ones stay close. The rows are placed on a value axis (`rows.bar_rows`) labelled with the
    categories' names; the bars keep one thickness."""
    items = list(zip(labels, values))
    if ranked:
        items.sort(key=lambda item: (item[1] is None, -(item[1] or 0)))
    names = [wrap_label(f"{label} {SUPPRESSED}" if value is None else label) for label, value in items]
    places, rows = bar_rows(names)
    readable = [one_line(n) for n in names]
    shown = [None if v is None else round(v, 6) for _, v in items]
    texts = [SUPPRESSED if v is None else format_value(v, unit) for _, v in items]
    traces = [{
        "type": "bar", "orientation": "h", "x": shown, "y": places, "width": BAR_THICKNESS, "text": texts,
        "customdata": readable, "textposition": "outside", "cliponaxis": False, "name": axis_title,
        "hovertemplate": "%{customdata}: %{text}<extra></extra>",
        "marker": {"color": BAR, "line": {"color": TEXT, "width": 1}}, "textfont": {"color": TEXT},
    }]
    hidden = [p for p, v in zip(places, shown) if v is None]
    if hidden:
        traces.append({"type": "scatter", "mode": "text", "x": [0] * len(hidden), "y": hidden,
                       "text": [SUPPRESSED] * len(hidden), "textposition": "middle right", "hoverinfo": "skip",
                       "name": f"{SUPPRESSED} hidden (small number)", "textfont": {"color": MUTED}})
    empty = [p for p, v in zip(places, shown) if v is not None and math.isnan(v)]
    if empty:  # nothing to divide by (no place booked, no rating): said, not an empty gap
        traces.append({"type": "scatter", "mode": "text", "x": [0] * len(empty), "y": empty,
                       "text": [f"{NO_FIGURE} no figure"] * len(empty), "textposition": "middle right",
                       "hoverinfo": "skip", "name": "no figure", "textfont": {"color": MUTED}})
    shown = [None if v is not None and math.isnan(v) else v for v in shown]
    top = max([v for v in shown if v is not None] or [1])
    layout = _layout(BAR_BASE_HEIGHT + round(BAR_ROW_HEIGHT * max(rows, 1)), "", axis_title)
    layout["showlegend"] = False
    layout["margin"].update({"t": 8, "r": 48})  # room for the figure printed beyond the longest bar
    layout["xaxis"].update({"range": [0, 100 if unit == "%" else (top * 1.2 or 1)], "showgrid": True,
                            "gridcolor": GRID, "ticksuffix": "%" if unit == "%" else ""})
    layout["yaxis"].update(_rows_axis(places, rows, names))
    return {"data": traces, "layout": layout}


def _rows_axis(places: list[float], rows: float, names: list[str]) -> dict:
    """The axis the bars' rows sit on (`rows.bar_rows`): the first row at the top, no padding, each row
    labelled with its category's name."""
    return {"type": "linear", "range": [max(rows, 1), 0], "autorange": False, "tickmode": "array",
            "tickvals": places, "ticktext": names, "rangemode": "normal", "title": {"text": ""}}


def grouped_figure(labels: list[str], series: list[tuple[str, list[float | None]]], unit: str,
                   axis_title: str) -> dict:
    """Horizontal bars of two (or more) figures per category, side by side: one colour and pattern per figure,
    named in the legend; a hidden figure has no bar and `[c]` at its place."""
    names = [wrap_label(label, most=2) for label in labels]  # a group's rows are GROUPED_ROW_HEIGHT per bar
    traces, top = [], 1.0
    for n, (name, values) in enumerate(series):
        shown = [None if v is None else round(v, 6) for v in values]
        top = max([top] + [v for v in shown if v is not None])
        traces.append({
            "type": "bar", "orientation": "h", "x": shown, "y": names, "name": plotly_text(name),
            "customdata": [one_line(n) for n in names],
            "text": [SUPPRESSED if v is None else format_value(v, unit) for v in values], "textposition": "outside",
            "cliponaxis": False, "hovertemplate": "%{customdata}: " + plotly_text(name) + " %{text}<extra></extra>",
            "textfont": {"color": TEXT},
            "marker": {"color": GROUP_COLOURS[n % len(GROUP_COLOURS)], "line": {"color": TEXT, "width": 1},
                       "pattern": {"shape": GROUP_PATTERNS[n % len(GROUP_PATTERNS)], "fillmode": "overlay",
                                   "fgcolor": WHITE, "fgopacity": 0.5, "size": 7}},
        })
    layout = _layout(BAR_BASE_HEIGHT + 24 + GROUPED_ROW_HEIGHT * len(series) * max(len(names), 1), "", axis_title)
    layout.update({"barmode": "group", "bargap": 0.25, "bargroupgap": 0.05})
    layout["margin"].update({"t": 8, "r": 48})
    layout["legend"]["traceorder"] = "normal"
    layout["xaxis"].update({"range": [0, 100 if unit == "%" else top * 1.2], "showgrid": True, "gridcolor": GRID,
                            "ticksuffix": "%" if unit == "%" else ""})
    layout["yaxis"].update({"autorange": "reversed", "categoryorder": "array", "categoryarray": names,
                            "rangemode": "normal", "title": {"text": ""}})
    return {"data": traces, "layout": layout}


def stacked_figure(sections: list[str], ratings: list[str], shares: dict[tuple[str, str], float | None],
                   axis_title: str) -> dict:
    """Stacked horizontal bars of each section's shares by rating; every segment labelled and patterned."""
    names = []
    for section in sections:
        hidden = [r for r in ratings if shares.get((section, r)) is None]
        names.append(wrap_label(f"{section} ({', '.join(hidden)}: {SUPPRESSED})" if hidden else section))
    places, rows = bar_rows(names)
    readable = [one_line(n) for n in names]
    traces = []
    for rating in ratings:
        key = rating.lower()
        x = [None if shares.get((s, rating)) is None else round(shares[(s, rating)], 4) for s in sections]
        traces.append({
            "type": "bar", "orientation": "h", "x": x, "y": places, "width": BAR_THICKNESS, "name": rating,
            "customdata": readable, "text": [None if v is None else f"{rating} {v:.0f}%" for v in x],
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "hovertemplate": "%{customdata}: " + rating + " %{x:.1f}%<extra></extra>",
            "textfont": {"color": RAG_TEXT_ON_FILL.get(key, TEXT), "size": 11},
            "marker": {"color": RAG_FILL.get(key, BAR), "line": {"color": TEXT, "width": 1},
                       "pattern": {"shape": RAG_PATTERN.get(rating, ""), "fillmode": "overlay", "size": 8,
                                   "fgcolor": RAG_TEXT_ON_FILL.get(key, TEXT), "fgopacity": 0.3}},
        })
    layout = _layout(STACKED_BASE_HEIGHT + round(BAR_ROW_HEIGHT * max(rows, 1)), "", axis_title)
    layout.update({"barmode": "stack", "uniformtext": {"minsize": 8, "mode": "hide"}})
    layout["margin"]["r"] = 28  # half the "100%" tick label, which plotly leaves out where it would not fit
    layout["xaxis"].update({"range": [0, 100], "ticksuffix": "%", "showgrid": True, "gridcolor": GRID})
    layout["yaxis"].update(_rows_axis(places, rows, names))
    return {"data": traces, "layout": layout}


def chart_div(figure: dict, chart_id: str, legend: list[LegendEntry] | None = None) -> str:
    """The figure as an HTML div (plotly.js is put once into the page by the pack's template), with the texts
    its margins must hold (`margins.with_margin_hint`), which the page fits before drawing. Its legend is not
    plotly's: the page shows the figure's `legend` entries (`legend.legend_entries`, worked out here when not
    given) above it, and the chart is shorter by the room plotly's legend would take
    (`legend.plotly_legend_room`), so its plot keeps its height."""
    import plotly.io as pio

    legend = legend_entries(figure) if legend is None else legend
    drawn = with_margin_hint(figure)  # a copy of the layout: the figure keeps its legend
    drawn["layout"].update(showlegend=False, height=figure["layout"]["height"] - plotly_legend_room(legend))
    return pio.to_html(drawn, include_plotlyjs=False, include_mathjax=False, full_html=False,
                       validate=False, div_id=f"chart-{chart_id}", config=PLOTLY_CONFIG,
                       default_height=f"{drawn['layout']['height']}px", default_width="100%")


def hidden_caption(values) -> str:
    """The sentence under a breakdown chart with a hidden category (empty when none is hidden)."""
    if any(v is None for v in values):
        return f"Categories shown as {SUPPRESSED} are hidden to protect the people concerned."
    return ""


def breakdown_figure(indicator, rows) -> tuple[dict, list]:
    """One period's breakdown of an indicator (`rows`: its published cells of one breakdown): bars, ranked
    when the indicator says so, or for two keys stacked shares; and the values drawn (None when hidden)."""
    values = [None if h else v for v, h in zip(rows["value"], rows["hidden"])]
    keys = [k for k, _ in rows["cell"].iloc[0]] if len(rows) else []
    if len(keys) == 2:
        first = indicator.dimension(keys[0])
        sections = list(dict.fromkeys(first.label(c[0][1]) for c in rows["cell"]))
        ratings = list(dict.fromkeys(c[1][1] for c in rows["cell"]))
        shares = {(first.label(c[0][1]), c[1][1]): v for c, v in zip(rows["cell"], values)}
        return stacked_figure(sections, ratings, shares, axis_title(indicator)), values
    figure = bar_figure([cell_label(indicator, c) for c in rows["cell"]], values, indicator.unit,
                        axis_title(indicator), ranked=indicator.chart == "ranked_bars")
    return figure, values
