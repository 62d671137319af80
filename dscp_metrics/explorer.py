"""The analyst's explorer: ipywidgets controls over the same indicators as the pack.

`notebooks/explore.ipynb` only creates an `Explorer`; everything it shows is
worked out here. The pure functions (`view_table`, `view_figure`,
`definition_card`, `drilldown_records`, `export_view`, ...) take the indicator
table and a `ViewSpec` and return what the widgets show, so tests and the
benchmark can call them without a browser. `Explorer` wires them to widgets.

Disclosure control (`indicators.md`): this is the analyst's own session, so
suppression starts OFF and the view says plainly that it is restricted. An
export of the view is suppressed unless the analyst has turned suppression off,
in which case the file's first line says it is restricted. The records behind a
figure (the drill-down) carry identifiers: they are shown only in the widget and
no code path here writes them to disk.

The store is opened read-only for each computation and closed at once
(`db.open_store`), so a `dscp load` can always replace it; computed tables are
cached per indicator and granularity (over the data's whole date range, so a
change of range, breakdown, chart or suppression is a slice of a cached table)
and the cache is dropped when the database file changes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import spc as spc_methods
from .config import PACKAGE_ROOT, Config, load_config
from .store import open_store, store_tables
from .errors import DscpError, ParameterError
from .export.indicator_table import RESTRICTED_MARKER, export_frame, write_csv
from .indicators import REGISTRY, SOURCES, THEMES, Indicator
from .periods import months_before, quarter_of, quarters_between
from .table import COLUMNS, IndicatorTable, compute
from .windows import Window, month_windows, source_sql, windows_for

DEFAULT_DB = PACKAGE_ROOT / "data" / "dscp.duckdb"
DEFAULT_EXPORT_DIR = PACKAGE_ROOT / "outputs" / "exports"

GRANULARITIES: dict[str, str] = {"quarter": "Quarters", "month": "Months"}
CHART_TYPES: dict[str, str] = {"spc": "SPC", "trend": "Trend", "breakdown": "Breakdown"}
NO_BREAKDOWN = "none"
OVERALL = "all"  # the table's breakdown value for the whole figure
DRILLDOWN_ROW_LIMIT = 500  # records shown at most in the drill-down
TABLE_DECIMALS = 1  # decimals of a % and of intervals in the on-screen table (exports stay unrounded)

SUPPRESS_LABEL = "Suppress small numbers (as in the published pack)"
RESTRICTED_LABEL = "RESTRICTED view: unsuppressed small numbers"
RECORDS_WARNING = (
    "Records with identifiers, for your own questions in this session only. "
    "They cannot be exported from the explorer; do not copy them elsewhere."
)

# Chart colours, named once (Making Data Count's palette for SPC point types).
COLOURS: dict[str, str] = {
    "line": "#005EB8",
    "common_cause": "#7B7D7D",
    "special_cause_improvement": "#289DE0",
    "special_cause_concern": "#FAB428",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
    "mean": "#231F20",
    "limit": "#8A1538",
    "target": "#009639",
    "restricted": "#B00020",
    "axis": "#425563",
    "grid": "#E8EDEE",
}
POINT_NAMES: dict[str, str] = {
    "common_cause": "common cause",
    "special_cause_improvement": "special cause: improvement",
    "special_cause_concern": "special cause: concern",
    "special_cause_neutral_high": "special cause: high",
    "special_cause_neutral_low": "special cause: low",
}
ROLLING_WINDOW_WORDS = "the 12 months ending on the period's last day"
POLARITY_WORDS: dict[str, str] = {
    "higher": "higher is better",
    "lower": "lower is better",
    "none": "no judgement (neither direction is better)",
}


# --- what the analyst chose ----------------------------------------------------------------------


@dataclass(frozen=True)
class ViewSpec:
    """Everything the controls say: which indicator, periods, breakdown, chart and suppression.

    `first` and `last` are period labels (`2024-25-Q1` or `2024-04`) of the
    chosen range; `focus` is the period the breakdown chart and the drill-down
    look at (the last of the range when None).
    """

    indicator_id: str
    granularity: str = "quarter"
    first: str | None = None
    last: str | None = None
    breakdown: str = NO_BREAKDOWN
    chart: str = "spc"
    suppress: bool = False
    focus: str | None = None

    def __post_init__(self) -> None:
        REGISTRY.get(self.indicator_id)  # an unknown id is a clear error with a suggestion
        if self.granularity not in GRANULARITIES:
            raise ParameterError(f"granularity must be one of {', '.join(GRANULARITIES)}; got {self.granularity!r}")
        if self.chart not in CHART_TYPES:
            raise ParameterError(f"chart must be one of {', '.join(CHART_TYPES)}; got {self.chart!r}")
        indicator = REGISTRY.get(self.indicator_id)
        if self.breakdown != NO_BREAKDOWN and self.breakdown not in indicator.breakdown_keys():
            raise ParameterError(
                f"{self.indicator_id} has no breakdown {self.breakdown!r}; "
                f"choose one of {', '.join(breakdown_values(indicator))}"
            )

    @property
    def indicator(self) -> Indicator:
        return REGISTRY.get(self.indicator_id)


def indicator_options() -> list[tuple[str, str]]:
    """The indicator menu, theme by theme: ("Domestic abuse — Re-referral rate", "rereferral_rate")."""
    return [
        (f"{THEMES[theme]} — {indicator.label}", indicator.id)
        for theme, indicators in REGISTRY.by_theme().items()
        for indicator in indicators
    ]


def breakdown_values(indicator: Indicator) -> list[str]:
    """The breakdowns an indicator can be shown by: "none" (when it has an overall figure) and each dimension key."""
    keys = list(indicator.breakdown_keys())
    return ([NO_BREAKDOWN] if indicator.include_all or not keys else []) + keys


def breakdown_options(indicator: Indicator) -> list[tuple[str, str]]:
    """The breakdown menu for an indicator, as (label, value) pairs."""
    labels = {NO_BREAKDOWN: "none (the overall figure)"}
    return [(labels.get(value, "by " + value.replace("_", " ")), value) for value in breakdown_values(indicator)]


def cell_label(indicator: Indicator, breakdown: str) -> str:
    """The reader's name of a table row's breakdown: "All", or the categories' labels ("Level 2: ...")."""
    if breakdown == OVERALL:
        return "All"
    dimensions = {d.key: d for d in indicator.breakdowns}
    parts = []
    for pair in breakdown.split(";"):
        key, _, value = pair.partition("=")
        dimension = dimensions.get(key)
        parts.append(dimension.label(value) if dimension and value in dimension.categories else value)
    return " / ".join(parts)


def _cell_value(breakdown: str, key: str) -> str | None:
    """The category of `key` in a table row's breakdown (`section=leadership;rating=Green`)."""
    for pair in breakdown.split(";"):
        name, _, value = pair.partition("=")
        if name == key:
            return value
    return None


# --- periods from the data -----------------------------------------------------------------------


def data_windows(first_day: dt.date, last_day: dt.date, granularity: str) -> list[Window]:
    """Every quarter (or month) from the one holding `first_day` to the one holding `last_day`."""
    if last_day < first_day:
        return []
    if granularity == "month":
        return month_windows(first_day, last_day)
    return windows_for(quarters_between(quarter_of(first_day), quarter_of(last_day)))


def store_date_ranges(con, loaded: set[str] | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """The first and last record date of each loaded extract (an empty extract has none)."""
    loaded = store_tables(con) if loaded is None else loaded
    ranges = {}
    for name, source in SOURCES.items():
        if source.table not in loaded:
            continue
        first, last = con.execute(
            f"SELECT min({source.date_column}), max({source.date_column}) FROM store.{source.table}"
        ).fetchone()
        if first is not None:
            ranges[name] = (first, last)
    return ranges


def indicator_date_range(
    indicator: Indicator, ranges: dict[str, tuple[dt.date, dt.date]]
) -> tuple[dt.date, dt.date] | None:
    """The dates the indicator can be shown for: its extract's first to last record; a 12-month
    rolling figure (OSA) runs on until 12 months after its last record or the end of all data."""
    if indicator.source not in ranges:
        return None
    first, last = ranges[indicator.source]
    if indicator.window == "rolling_12_months":
        data_end = max(end for _, end in ranges.values())
        last = max(last, min(data_end, months_before(last, -12)))
    return first, last


# --- the view: pure functions --------------------------------------------------------------------


def compute_indicator(
    con, indicator_id: str, windows: Sequence[Window], loaded: set[str] | None = None
) -> IndicatorTable:
    """The indicator table of one indicator for the windows (the explorer caches this).

    `loaded` (the store's tables, when already known) saves a catalogue look-up."""
    return compute(con, windows, [indicator_id], loaded=loaded)


def _range_labels(labels: Sequence[str], first: str | None, last: str | None) -> list[str]:
    labels = list(labels)
    if not labels:
        return []
    start = labels.index(first) if first in labels else 0
    end = labels.index(last) if last in labels else len(labels) - 1
    if end < start:
        raise ParameterError(f"the range ends ({last}) before it starts ({first}): choose the earlier period first")
    return labels[start : end + 1]


def view_table(frame: pd.DataFrame, spec: ViewSpec, threshold: int = 5) -> pd.DataFrame:
    """The rows behind the view: the indicator's rows for the periods in range and the chosen breakdown.

    With `spec.suppress` the small numbers are hidden as `[c]` first, over whole
    periods (so a breakdown cell hidden to protect another is hidden here too),
    and only then are the rows chosen. Returns the table's public columns plus
    `suppressed` (bool), in period and breakdown order.
    """
    from .disclosure import suppress as apply_suppression

    rows = frame[frame["indicator_id"] == spec.indicator_id]
    periods = _range_labels(pd.unique(rows["period"]), spec.first, spec.last)
    rows = rows[rows["period"].isin(periods)]
    if spec.suppress:
        rows = apply_suppression(rows, threshold=threshold)
    else:
        rows = rows.assign(suppressed=False)
    if spec.breakdown == NO_BREAKDOWN:
        chosen = rows["breakdown"] == OVERALL
    else:
        chosen = rows["breakdown"].map(lambda b: _cell_value(b, spec.breakdown) is not None)
        if spec.chart == "spc" and spec.indicator.include_all:
            chosen = chosen | (rows["breakdown"] == OVERALL)  # the SPC chart reads the overall figure
    out = rows.loc[chosen.to_numpy(dtype=bool), [*COLUMNS, "suppressed"]]
    return out.reset_index(drop=True)


def _numbers(column: pd.Series) -> np.ndarray:
    """A figure column as floats, `[c]` and missing as NaN (what a chart may plot)."""
    return pd.to_numeric(column.astype(object).where(column.astype(object) != "[c]"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )


def _shown(value: object, decimals: int | None) -> str:
    """A figure as the reader sees it: `[c]`, empty, a whole number or `decimals` places."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    number = float(value)
    if decimals is None:
        return f"{number:,.0f}"
    return f"{number:,.{decimals}f}"


def _hover_texts(table: pd.DataFrame, indicator: Indicator) -> list[str]:
    """One hover line per row, from the shown (possibly suppressed) figures only."""
    texts = []
    is_rate = indicator.is_rate
    for row in table.itertuples(index=False):
        value = _shown(row.value, TABLE_DECIMALS if is_rate else None)
        unit = "%" if is_rate and value not in ("[c]", "") else ""
        text = f"{row.period} · {cell_label(indicator, row.breakdown)}<br>{indicator.label}: {value}{unit}"
        if is_rate:
            text += f"<br>{_shown(row.numerator, None)} of {_shown(row.denominator, None)}"
        if value not in ("[c]", ""):
            text += f"<br>95% CI {_shown(row.lower_ci, TABLE_DECIMALS)} to {_shown(row.upper_ci, TABLE_DECIMALS)}"
        texts.append(text)
    return texts


@dataclass
class View:
    """What one state of the controls shows."""

    figure: go.Figure
    reading: str
    notes: list[str]


def _empty_figure(title: str, message: str) -> go.Figure:
    figure = go.Figure(layout=_layout(title))
    figure.add_annotation(text=html.escape(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def _layout(title: str, y_title: str = "") -> go.Layout:
    # A plain layout, no named template: validating a template costs ~80 ms per update.
    axis = {"showline": True, "linecolor": COLOURS["axis"], "ticks": "outside", "zeroline": False}
    return go.Layout(
        title={"text": html.escape(title)},
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
        xaxis={**axis, "type": "category", "title": {"text": ""}},
        yaxis={**axis, "title": {"text": html.escape(y_title)}, "rangemode": "tozero", "showgrid": True,
               "gridcolor": COLOURS["grid"]},
        legend={"orientation": "h", "y": -0.2},
        hovermode="closest",
    )


def _axis_title(indicator: Indicator) -> str:
    return indicator.value_label or ("%" if indicator.is_rate else "count")


def _series(table: pd.DataFrame, indicator: Indicator, key: str) -> list[tuple[str, pd.DataFrame]]:
    """The table split into one series per breakdown cell (the overall figure first)."""
    if key == NO_BREAKDOWN:
        return [("All", table[table["breakdown"] == OVERALL])]
    cells = table[table["breakdown"] != OVERALL]
    return [
        (cell_label(indicator, cell), cells[cells["breakdown"] == cell])
        for cell in pd.unique(cells["breakdown"])
    ]


def _trend_figure(table: pd.DataFrame, spec: ViewSpec, indicator: Indicator, title: str) -> go.Figure:
    figure = go.Figure(layout=_layout(title, _axis_title(indicator)))
    series = _series(table, indicator, spec.breakdown)
    single = len(series) == 1
    for name, rows in series:
        y = _numbers(rows["value"])
        trace = go.Scatter(
            x=rows["period"].tolist(),
            y=[None if np.isnan(v) else float(v) for v in y],
            name=name,
            mode="lines+markers",
            text=_hover_texts(rows, indicator),
            hovertemplate="%{text}<extra></extra>",
            line={"color": COLOURS["line"]} if single else None,
        )
        if single:
            lower, upper = _numbers(rows["lower_ci"]), _numbers(rows["upper_ci"])
            trace.error_y = {
                "type": "data",
                "array": [None if np.isnan(u) else float(u - v) for u, v in zip(upper, y)],
                "arrayminus": [None if np.isnan(lo) else float(v - lo) for lo, v in zip(lower, y)],
                "thickness": 1,
                "color": COLOURS["common_cause"],
            }
        figure.add_trace(trace)
    return figure


def _breakdown_figure(table: pd.DataFrame, spec: ViewSpec, indicator: Indicator, title: str) -> go.Figure:
    periods = list(pd.unique(table["period"]))
    focus = spec.focus if spec.focus in periods else (periods[-1] if periods else None)
    figure = go.Figure(layout=_layout(title, _axis_title(indicator)))
    if spec.breakdown == NO_BREAKDOWN:
        rows = table[table["breakdown"] == OVERALL]
        y = _numbers(rows["value"])
        figure.add_trace(
            go.Bar(
                x=rows["period"].tolist(),
                y=[None if np.isnan(v) else float(v) for v in y],
                name="All",
                marker={"color": COLOURS["line"]},
                text=_hover_texts(rows, indicator),
                hovertemplate="%{text}<extra></extra>",
            )
        )
        return figure
    rows = table[(table["period"] == focus) & (table["breakdown"] != OVERALL)]
    others = [k for k in indicator.breakdown_keys() if k != spec.breakdown]
    dimension = {d.key: d for d in indicator.breakdowns}[spec.breakdown]
    category = rows["breakdown"].map(lambda b: _cell_value(b, spec.breakdown))
    if others:  # two keys: the chosen one along the axis, the other as the colour
        other = {d.key: d for d in indicator.breakdowns}[others[0]]
        colour = rows["breakdown"].map(lambda b: _cell_value(b, other.key))
        groups = [(other.label(c), rows[colour == c], category[colour == c]) for c in other.categories]
    else:
        groups = [("", rows, category)]
    for name, part, cats in groups:
        y = _numbers(part["value"])
        figure.add_trace(
            go.Bar(
                x=[dimension.label(c) for c in cats],
                y=[None if np.isnan(v) else float(v) for v in y],
                name=name or indicator.label,
                showlegend=bool(name),
                marker={"color": COLOURS["line"]} if not name else None,
                text=_hover_texts(part, indicator),
                hovertemplate="%{text}<extra></extra>",
            )
        )
    figure.update_layout(barmode="group", title={"text": html.escape(f"{title} — {focus}")})
    return figure


def _spc_figure(
    rows: pd.DataFrame, spec: ViewSpec, indicator: Indicator, title: str, target: float | None
) -> tuple[go.Figure, dict]:
    values = _numbers(rows["value"])
    frame = spc_methods.spc(values, polarity=indicator.polarity, target=target)
    summary = spc_methods.spc_summary(frame, point=spec.granularity)
    periods = rows["period"].tolist()
    figure = go.Figure(layout=_layout(title, _axis_title(indicator)))
    for column, name, colour, dash in (
        ("mean", "Mean", COLOURS["mean"], "solid"),
        ("upl", "Upper process limit", COLOURS["limit"], "dash"),
        ("lpl", "Lower process limit", COLOURS["limit"], "dash"),
    ):
        line = frame[column].to_numpy(dtype=float)
        if np.isnan(line).all():
            continue
        figure.add_trace(
            go.Scatter(
                x=periods, y=[float(v) for v in line], name=name, mode="lines",
                line={"color": colour, "dash": dash, "width": 1}, hoverinfo="skip",
            )
        )  # fmt: skip
    if target is not None:
        figure.add_trace(
            go.Scatter(
                x=periods, y=[float(target)] * len(periods), name="Target", mode="lines",
                line={"color": COLOURS["target"], "dash": "dot", "width": 1}, hoverinfo="skip",
            )
        )  # fmt: skip
    point_types = frame["point_type"].tolist()
    texts = [f"{t}<br>{POINT_NAMES[p]}" for t, p in zip(_hover_texts(rows, indicator), point_types)]
    figure.add_trace(
        go.Scatter(
            x=periods,
            y=[float(v) for v in frame["y"]],
            name=indicator.label,
            mode="lines+markers",
            line={"color": COLOURS["common_cause"]},
            marker={"color": [COLOURS[p] for p in point_types], "size": 9},
            text=texts,
            hovertemplate="%{text}<extra></extra>",
        )
    )
    return figure, summary


def view_figure(table: pd.DataFrame, spec: ViewSpec, target: float | None = None) -> View:
    """The chart, the SPC reading in words and any notes for the view's rows (from `view_table`).

    Only figures the table shows are plotted: a `[c]` is a gap in the line, and
    with any point of the series suppressed no SPC limits are drawn (limits and a
    mean worked out from hidden values would give them away).
    """
    indicator = spec.indicator
    title = indicator.title
    notes: list[str] = []
    if table.empty:
        return View(_empty_figure(title, "No figures for this choice."), "There is no data to chart.", notes)
    if spec.chart == "trend":
        return View(_trend_figure(table, spec, indicator, title), "", notes)
    if spec.chart == "breakdown":
        return View(_breakdown_figure(table, spec, indicator, title), "", notes)

    if not indicator.include_all:
        message = "This indicator has no overall figure to chart as SPC: choose the trend or breakdown chart."
        return View(_empty_figure(title, message), message, notes)
    rows = table[table["breakdown"] == OVERALL]
    if spec.breakdown != NO_BREAKDOWN:
        notes.append(
            "The SPC chart reads the overall figure; choose the trend or breakdown chart to see the categories."
        )
    hidden = int(rows["suppressed"].sum())
    empty = int(np.isnan(_numbers(rows["value"])).sum()) - hidden
    if hidden or empty:
        reasons = []
        if hidden:
            reasons.append(
                f"{hidden} of the {len(rows)} points are suppressed ([c]) and limits worked out from them would "
                "give them away"
            )
        if empty:
            reasons.append(f"{empty} of the {len(rows)} periods have no value (a denominator of 0)")
        reading = "No SPC limits are drawn: " + "; ".join(reasons) + "."
        overall_spec = replace(spec, breakdown=NO_BREAKDOWN)
        trend = _trend_figure(table[table["breakdown"] == OVERALL], overall_spec, indicator, title)
        return View(trend, reading, notes)
    figure, summary = _spc_figure(rows, spec, indicator, title, target)
    return View(figure, summary["reading"], notes)


def table_html(table: pd.DataFrame, indicator: Indicator) -> str:
    """The numbers behind the chart as an HTML table (every cell escaped)."""
    is_rate = indicator.is_rate
    header = ["Period", "Breakdown", "Numerator"] + (["Denominator"] if is_rate else []) + ["Value", "95% CI"]
    body = []
    for row in table.itertuples(index=False):
        value = _shown(row.value, TABLE_DECIMALS if is_rate else None)
        if row.suppressed or value == "":
            interval = value
        else:
            interval = f"{_shown(row.lower_ci, TABLE_DECIMALS)} to {_shown(row.upper_ci, TABLE_DECIMALS)}"
        cells = [row.period, cell_label(indicator, row.breakdown), _shown(row.numerator, None)]
        if is_rate:
            cells.append(_shown(row.denominator, None))
        cells += [value + ("%" if is_rate and value not in ("", "[c]") else ""), interval]
        body.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return (
        '<table class="dscp-explorer-table" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def definition_card(indicator: Indicator) -> str:
    """The indicator's definition from the registry, as HTML (every value escaped)."""
    items = [
        ("Indicator id", indicator.id),
        ("Theme", indicator.theme_title),
        ("Definition", indicator.definition),
        ("Numerator", indicator.numerator),
        ("Denominator", indicator.denominator or "none (a count)"),
        ("Unit", indicator.unit),
        ("Polarity", POLARITY_WORDS.get(indicator.polarity, indicator.polarity)),
        ("Source", ", ".join(f"{s}.csv" for s in indicator.sources)),
        ("Period window", ROLLING_WINDOW_WORDS if indicator.window == "rolling_12_months" else "the period"),
        ("Breakdowns", ", ".join(d.key for d in indicator.breakdowns) or "none"),
        ("Caveats", indicator.caveats or "none"),
    ]  # fmt: skip
    rows = "".join(f"<dt><b>{html.escape(k)}</b></dt><dd>{html.escape(v)}</dd>" for k, v in items)
    return f"<h4>{html.escape(indicator.title)}</h4><dl>{rows}</dl>"


# --- drill-down: the records behind a figure (never written to disk) ------------------------------


def drilldown_records(
    con, indicator: Indicator, window: Window, limit: int = DRILLDOWN_ROW_LIMIT
) -> tuple[pd.DataFrame, int]:
    """The indicator's source records dated in the period's window, with derived flags (`is_rereferral`, ...).

    Returns the first `limit` records in date order and how many there are in all.
    Identifiers are included: the frame is for the analyst's screen only.
    """
    source = SOURCES[indicator.source]
    records = source_sql(indicator.source, indicator.window, [window], records=True)
    total = con.execute(f"SELECT count(*) FROM ({records})").fetchone()[0]
    frame = con.execute(
        f"SELECT * FROM ({records}) ORDER BY {source.date_column}, 1 LIMIT {int(limit)}"
    ).df()
    return frame, int(total)


def records_html(records: pd.DataFrame, total: int, heading: str) -> str:
    """The drill-down as HTML (every cell escaped), with a count and the restricted warning."""
    shown = len(records)
    count = f"{total:,} records" + (f"; the first {shown:,} are shown" if shown < total else "")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in records.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_record_cell(v))}</td>" for v in row) + "</tr>"
        for row in records.itertuples(index=False)
    )
    return (
        f'<p style="color:{COLOURS["restricted"]}"><b>{html.escape(RECORDS_WARNING)}</b></p>'
        f"<p>{html.escape(heading)}: {html.escape(count)}.</p>"
        f'<div style="max-height:400px;overflow:auto"><table style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _record_cell(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value)
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


# --- export: the aggregate table only ------------------------------------------------------------


def export_filename(spec: ViewSpec, periods: Sequence[str], now: dt.datetime) -> str:
    """`rereferral_rate_2023-24-Q1_to_2024-25-Q4_20250101-120000.csv` (plus the breakdown, when chosen)."""
    parts = [spec.indicator_id]
    if spec.breakdown != NO_BREAKDOWN:
        parts.append("by_" + spec.breakdown)
    if periods:
        parts.append(f"{periods[0]}_to_{periods[-1]}")
    if not spec.suppress:
        parts.append("RESTRICTED")
    parts.append(now.strftime("%Y%m%d-%H%M%S-%f"))
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "_".join(parts)) + ".csv"


def export_view(
    table: pd.DataFrame, spec: ViewSpec, directory: str | Path = DEFAULT_EXPORT_DIR, now: dt.datetime | None = None
) -> Path:
    """Write the view's table (from `view_table`) as CSV with the public columns of `indicators.md`.

    The table is suppressed already when `spec.suppress` is on; when it is off the
    file's first line is the RESTRICTED line of `export.py`. Returns the path written.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    formatted = export_frame(table[COLUMNS], suppress=False)  # suppression, when on, is already applied
    path = directory / export_filename(spec, list(pd.unique(table["period"])), now or dt.datetime.now())
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        write_csv(formatted, handle, restricted=not spec.suppress)
    tmp.replace(path)
    return path


def resolve_db_path(db_path: str | Path | None) -> Path:
    """The store to read: the given path, or the repository's `data/dscp.duckdb`.

    A relative path that does not exist from the working directory is tried from
    the repository root too (`data/dscp.duckdb` works from `notebooks/`).
    """
    if db_path is None:
        return DEFAULT_DB
    path = Path(db_path).expanduser()
    if not path.is_absolute() and not path.exists() and (PACKAGE_ROOT / path).exists():
        return PACKAGE_ROOT / path
    return path


# --- the widget ---------------------------------------------------------------------------------


def _figure_class():
    """`go.FigureWidget` when anywidget is installed (plotly 6+ needs it), else None."""
    try:
        import anywidget  # noqa: F401
    except ImportError:
        return None
    return go.FigureWidget


class Explorer:
    """The analyst's explorer: controls, chart, numbers, definition, SPC reading, export and drill-down.

    `Explorer(db_path)` reads the store read-only; `Explorer()` reads the
    repository's `data/dscp.duckdb`. Show it by leaving it as a cell's last
    value or with `.display()`; `.widget` is the ipywidgets container.
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        suppress: bool = False,
        config: Config | None = None,
        indicator: str | None = None,
        export_dir: str | Path | None = None,
    ) -> None:
        import ipywidgets as widgets

        self.db_path = resolve_db_path(db_path)
        self.config = config or load_config()
        self.export_dir = Path(export_dir) if export_dir is not None else DEFAULT_EXPORT_DIR
        self.threshold = self.config.suppression_threshold
        self._tables: dict[tuple[str, str], IndicatorTable] = {}
        self._windows: dict[tuple[str, str], list[Window]] = {}
        self._ranges: dict[str, tuple[dt.date, dt.date]] = {}
        self._loaded: set[str] = set()
        self._db_stamp: tuple | None = None
        self._syncing = False
        self.table = pd.DataFrame(columns=[*COLUMNS, "suppressed"])
        self.view: View | None = None
        self.last_export: Path | None = None
        self.last_refresh_seconds = 0.0
        self._refresh_data_ranges()  # fails here, in a sentence, when there is no store

        options = indicator_options()
        chosen = indicator or next((i for _, i in options if REGISTRY.get(i).source in self._ranges), options[0][1])
        REGISTRY.get(chosen)
        wide = {"width": "auto"}
        self.indicator = widgets.Dropdown(
            options=options, value=chosen, description="Indicator", layout={"width": "520px"}
        )
        self.chart = widgets.ToggleButtons(
            options=[(label, value) for value, label in CHART_TYPES.items()], value="spc", description="Chart"
        )
        self.granularity = widgets.ToggleButtons(
            options=[(label, value) for value, label in GRANULARITIES.items()], value="quarter", description="Periods"
        )
        self.period_range = widgets.SelectionRangeSlider(
            options=["-"], index=(0, 0), description="Range", continuous_update=False, layout={"width": "720px"}
        )
        self.breakdown = widgets.Dropdown(options=[("none", NO_BREAKDOWN)], description="Breakdown")
        self.focus = widgets.Dropdown(
            options=["-"], description="Period (breakdown chart, records)", style={"description_width": "initial"}
        )
        self.suppress = widgets.Checkbox(value=suppress, description=SUPPRESS_LABEL, indent=False, layout=wide)
        self.restricted_label = widgets.HTML(
            f'<span style="color:#fff;background:{COLOURS["restricted"]};padding:2px 8px;font-weight:bold">'
            f"{html.escape(RESTRICTED_LABEL)}</span>"
        )
        self.reading = widgets.HTML()
        self.table_html = widgets.HTML()
        self.definition = widgets.HTML()
        self.export_button = widgets.Button(description="Export this view", icon="download", layout=wide)
        self.status = widgets.HTML()
        self.records_button = widgets.Button(description="Show records", icon="table", layout=wide)
        self.hide_records_button = widgets.Button(description="Hide records", layout=wide)
        self.records = widgets.HTML()

        figure_class = _figure_class()
        if figure_class is not None:
            self.figure = figure_class()
            self._chart_output = None
            chart_area = self.figure
        else:  # plotly 6+ without anywidget: a Figure updated in place, re-rendered into an Output
            self.figure = go.Figure()
            self._chart_output = widgets.Output()
            chart_area = self._chart_output

        tabs = widgets.Tab(children=[self.table_html, self.definition, widgets.VBox([
            widgets.HBox([self.records_button, self.hide_records_button]), self.records,
        ])])  # fmt: skip
        tabs.titles = ("Numbers behind the chart", "Definition", "Records (restricted)")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.indicator, self.chart]),
                widgets.HBox([self.granularity, self.period_range]),
                widgets.HBox([self.breakdown, self.focus]),
                widgets.HBox([self.suppress, self.restricted_label]),
                chart_area,
                self.reading,
                tabs,
                widgets.HBox([self.export_button, self.status]),
            ]
        )

        self.indicator.observe(self._on_indicator, names="value")
        self.granularity.observe(self._on_granularity, names="value")
        for control in (self.period_range, self.breakdown, self.chart, self.suppress, self.focus):
            control.observe(self._on_change, names="value")
        self.export_button.on_click(lambda _: self.export())
        self.records_button.on_click(lambda _: self.show_records())
        self.hide_records_button.on_click(lambda _: self.hide_records())
        self._sync_controls(keep_range=False)
        self.refresh()

    # -- data access: read-only, opened and closed per use --------------------------------------

    def _stamp(self) -> tuple:
        stat = os.stat(self.db_path)
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _refresh_data_ranges(self) -> None:
        con = open_store(self.db_path)
        try:
            self._loaded = store_tables(con)
            self._ranges = store_date_ranges(con, self._loaded)
        finally:
            con.close()
        self._db_stamp = self._stamp()
        self._tables.clear()
        self._windows.clear()

    def _check_store(self) -> None:
        """Drop the cache when the database file was replaced (a new `dscp load`)."""
        try:
            changed = self._stamp() != self._db_stamp
        except OSError:
            changed = True
        if changed:
            self._refresh_data_ranges()

    def windows(self, indicator_id: str, granularity: str) -> list[Window]:
        """The periods the indicator can be shown for, from the data's date range."""
        key = (indicator_id, granularity)
        if key not in self._windows:
            span = indicator_date_range(REGISTRY.get(indicator_id), self._ranges)
            if span is None:  # the extract was never loaded: the data's overall range
                starts = [first for first, _ in self._ranges.values()]
                ends = [last for _, last in self._ranges.values()]
                span = (min(starts), max(ends)) if self._ranges else None
            self._windows[key] = data_windows(*span, granularity) if span else []
        return self._windows[key]

    def indicator_table(self, indicator_id: str, granularity: str) -> IndicatorTable:
        """The indicator over every period of the data (cached per indicator and granularity)."""
        key = (indicator_id, granularity)
        if key not in self._tables:
            windows = self.windows(indicator_id, granularity)
            con = open_store(self.db_path)
            try:
                self._tables[key] = compute_indicator(con, indicator_id, windows, self._loaded)
            finally:
                con.close()
        return self._tables[key]

    # -- the controls -----------------------------------------------------------------------------

    def spec(self) -> ViewSpec:
        """What the controls say now."""
        first, last = self.period_range.value if self._period_labels() else (None, None)
        return ViewSpec(
            indicator_id=self.indicator.value,
            granularity=self.granularity.value,
            first=first,
            last=last,
            breakdown=self.breakdown.value,
            chart=self.chart.value,
            suppress=bool(self.suppress.value),
            focus=self.focus.value if self.focus.value != "-" else None,
        )

    def _period_labels(self) -> list[str]:
        return [w.label for w in self.windows(self.indicator.value, self.granularity.value)]

    def _sync_controls(self, keep_range: bool = True) -> None:
        """Fit the breakdown menu and the period slider to the indicator and granularity."""
        self._syncing = True
        try:
            indicator = REGISTRY.get(self.indicator.value)
            options = breakdown_options(indicator)
            previous = self.breakdown.value
            self.breakdown.options = options
            values = [v for _, v in options]
            self.breakdown.value = previous if previous in values else values[0]
            self.breakdown.disabled = not indicator.has_breakdown

            labels = self._period_labels()
            old = self.period_range.value if keep_range else None
            if labels:
                self.period_range.options = labels
                self.period_range.disabled = False
                if old and old[0] in labels and old[1] in labels:
                    self.period_range.value = old
                elif old and old[0] in labels:
                    self.period_range.value = (old[0], labels[-1])
                else:
                    self.period_range.index = (0, len(labels) - 1)
            else:
                self.period_range.options = ["-"]
                self.period_range.disabled = True
            self._sync_focus()
        finally:
            self._syncing = False

    def _sync_focus(self) -> None:
        labels = self._period_labels()
        if not labels:
            self.focus.options = ["-"]
            return
        first, last = self.period_range.value
        in_range = labels[labels.index(first) : labels.index(last) + 1]
        previous = self.focus.value
        self.focus.options = in_range
        self.focus.value = previous if previous in in_range else in_range[-1]

    def _on_indicator(self, _change) -> None:
        if self._syncing:
            return
        self.hide_records()
        self._sync_controls(keep_range=True)
        self.refresh()

    def _on_granularity(self, _change) -> None:
        if self._syncing:
            return
        self.hide_records()
        self._sync_controls(keep_range=False)
        self.refresh()

    def _on_change(self, change) -> None:
        if self._syncing:
            return
        if change["owner"] is self.period_range:
            self._syncing = True
            try:
                self._sync_focus()
            finally:
                self._syncing = False
        if change["owner"] in (self.period_range, self.focus):
            self.hide_records()
        self.refresh()

    # -- the view ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the view from the controls and update the widgets in place."""
        started = time.perf_counter()
        try:
            self._check_store()
            spec = self.spec()
            computed = self.indicator_table(spec.indicator_id, spec.granularity)
            self.table = view_table(computed.frame, spec, self.threshold)
            self.view = view_figure(self.table, spec, self.config.targets.get(spec.indicator_id))
            notes = [*computed.notes(), *self.view.notes, *self._incomplete_note(spec)]
        except DscpError as exc:  # the analyst sees a sentence, not a traceback
            self.status.value = f'<span style="color:{COLOURS["restricted"]}">{html.escape(str(exc))}</span>'
            return
        indicator = spec.indicator
        self._show_figure(self.view.figure)
        self.reading.value = (
            f"<p><b>{html.escape('What the chart says')}:</b> {html.escape(self.view.reading)}</p>"
            if self.view.reading
            else ""
        ) + "".join(f"<p><i>{html.escape(note)}</i></p>" for note in notes)
        self.table_html.value = table_html(self.table, indicator)
        self.definition.value = definition_card(indicator)
        self.restricted_label.layout.display = "none" if spec.suppress else ""
        self.export_button.description = "Export this view" + ("" if spec.suppress else " (RESTRICTED)")
        self.last_refresh_seconds = time.perf_counter() - started
        self.status.value = html.escape(f"Updated in {self.last_refresh_seconds * 1000:.0f} ms.")

    def _incomplete_note(self, spec: ViewSpec) -> list[str]:
        indicator = spec.indicator
        if indicator.window != "period" or indicator.source not in self._ranges or self.table.empty:
            return []
        last_record = self._ranges[indicator.source][1]
        last_period = self.table["period"].iloc[-1]
        window = next(w for w in self.windows(spec.indicator_id, spec.granularity) if w.label == last_period)
        if window.last_day > last_record:
            return [f"The data ends on {last_record:%d %B %Y}: {last_period} may be incomplete."]
        return []

    def _show_figure(self, new: go.Figure) -> None:
        """Replace the chart's traces and layout in place (one batched update on a FigureWidget)."""
        figure = self.figure
        with figure.batch_update():
            figure.layout = new.layout
        figure.data = ()
        figure.add_traces(list(new.data))
        if self._chart_output is not None:
            bundle = {
                "application/vnd.plotly.v1+json": json.loads(figure.to_json()),
                "text/plain": f"<chart: {figure.layout.title.text}>",
            }
            self._chart_output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    # -- export and drill-down --------------------------------------------------------------------

    def export(self) -> Path:
        """Write the view's aggregate table to `outputs/exports/` (never the drill-down records)."""
        spec = self.spec()
        path = export_view(self.table, spec, self.export_dir)
        self.last_export = path
        restricted = "" if spec.suppress else f" — {RESTRICTED_MARKER}"
        self.status.value = html.escape(f"Exported to {path}{restricted}")
        return path

    def show_records(self) -> pd.DataFrame:
        """Show the records behind the chosen indicator and period in the widget (and return them)."""
        spec = self.spec()
        indicator = spec.indicator
        windows = self.windows(spec.indicator_id, spec.granularity)
        focus = spec.focus or (windows[-1].label if windows else None)
        window = next((w for w in windows if w.label == focus), None)
        if window is None or indicator.source not in self._ranges:
            self.records.value = html.escape("There are no records for this choice.")
            return pd.DataFrame()
        con = open_store(self.db_path)
        try:
            records, total = drilldown_records(con, indicator, window)
        finally:
            con.close()
        start, end = window.span(indicator.window)
        heading = f"{indicator.source} records dated {start:%d %b %Y} to {end:%d %b %Y} ({focus})"
        self.records.value = records_html(records, total, heading)
        return records

    def hide_records(self) -> None:
        self.records.value = ""

    # -- showing and closing ----------------------------------------------------------------------

    def display(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the widgets and drop the cache (the store is never held open between updates)."""
        self.records.value = ""
        self._tables.clear()
        self._close_widgets(self.widget)

    def _close_widgets(self, widget) -> None:
        for child in getattr(widget, "children", ()):
            self._close_widgets(child)
        widget.close()


__all__ = [
    "CHART_TYPES",
    "Explorer",
    "GRANULARITIES",
    "View",
    "ViewSpec",
    "breakdown_options",
    "data_windows",
    "definition_card",
    "drilldown_records",
    "export_view",
    "indicator_options",
    "table_html",
    "view_figure",
    "view_table",
]
