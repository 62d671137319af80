"""The charts of a theme, declared once for the section that draws them and the appendix that tabulates them.

For each indicator of the theme, in registry order: its monthly SPC chart (when
it has a monthly series that can be shown), then a bar chart of each of its
breakdowns for the period (a two-way breakdown as stacked shares). Each chart
comes with its text alternative (what a screen reader hears instead of the
chart), a short visible caption (what the chart says), and the numbers behind it.
A series with too few published months has no figure: its spec says why, and
still carries its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..disclosure.decide import SUPPRESSED
from ..indicators import Indicator
from ..present.charts import breakdown_figure, grouped_figure, hidden_caption, spc_figure
from ..present.format import format_interval, format_value, month
from ..present.html import RAG_SYMBOL
from ..present.labels import axis_title, cell_label
from ..report.period_report import PeriodReport
from ..report.series import SpcSeries
from ..report.summary import VARIATION_WORDS

FINANCIAL_MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")


@dataclass
class ChartSpec:
    """One chart: its id, title, plotly figure, text alternative, caption and the numbers behind it."""

    chart_id: str
    title: str
    figure: dict | None  # None: not charted (`note` says why)
    alt: str
    numbers: pd.DataFrame
    numbers_caption: str
    note: str = ""
    caption: str = ""

    @property
    def numbers_summary(self) -> str:
        """The summary line of the collapsed numbers: what the table holds."""
        rows = len(self.numbers)
        if "Year" in self.numbers.columns:
            years = list(self.numbers["Year"])
            span = years[0] if rows == 1 else f"{years[0]} to {years[-1]}"
            return f"The numbers: {self.numbers_caption}, {span} (a row per year)"
        return f"The numbers: {self.numbers_caption}, {rows} categor{'ies' if rows != 1 else 'y'} with 95% intervals"


def _small_rule(report: PeriodReport, unit: str) -> str:
    t = report.threshold
    return f"where the number counted or the total is from 1 to {t}" if unit != "count" else f"with 1 to {t}"


def spc_spec(report: PeriodReport, indicator: Indicator, series: SpcSeries) -> ChartSpec:
    unit = indicator.unit
    first, last = series.dates[0], series.dates[-1]
    title = f"{indicator.label}, each month from {month(first)} to {month(last)}"
    latest = series.values[-1]
    parts = [f"Line chart of {indicator.label}, each month from {month(first)} to {month(last)}.",
             f"In {month(last)} the figure was {format_value(latest, unit) if latest is not None else SUPPRESSED}."]
    caption = []
    if series.draw_limits:
        frame = series.frame
        low, high = format_value(max(frame["lpl"].iloc[-1], 0), unit), format_value(frame["upl"].iloc[-1], unit)
        parts.append(f"The average is {format_value(frame['mean'].iloc[-1], unit)}, with process limits from "
                     f"{low} to {high}.")
        caption.append(series.reading.get("reading", ""))
    if series.n_hidden:
        caption.append(f"Months {_small_rule(report, unit)} are hidden ({series.n_hidden} of {len(series.values)}) "
                       "to protect the children concerned; so are the average, the process limits and the SPC "
                       "reading, which would let a hidden month be worked out.")
    target = report.config.targets.get(indicator.id)
    figure = spc_figure(series, axis_title(indicator), target) if series.chartable else None
    note = ""
    if figure is None:
        note = (f"{indicator.label} is not charted month by month: in most months the figure is "
                f"{_small_rule(report, unit).replace('with ', 'from ')} and is hidden.")
    caption = " ".join(c for c in caption if c)
    return ChartSpec(f"spc-{indicator.id}", title, figure, " ".join(parts + [caption]).strip(),
                     monthly_grid(series), f"{indicator.label}, each month", note, caption)


def monthly_grid(series: SpcSeries) -> pd.DataFrame:
    """A monthly series as a compact table: a row per financial year, a column per month (April first)."""
    unit = series.indicator.unit
    cells: dict[str, dict[str, str]] = {}
    for date, value in zip(series.dates, series.values):
        year = date.year if date.month >= 4 else date.year - 1
        cells.setdefault(f"{year}/{(year + 1) % 100:02d}", {})[FINANCIAL_MONTHS[(date.month - 4) % 12]] = (
            SUPPRESSED if value is None else format_value(value, unit))
    frame = pd.DataFrame([{"Year": y, **{m: row.get(m, "") for m in FINANCIAL_MONTHS}} for y, row in cells.items()])
    return frame


def numbers_table(report: PeriodReport, indicator: Indicator, rows: pd.DataFrame) -> pd.DataFrame:
    unit = indicator.unit
    table = {"Category": [cell_label(indicator, c) for c in rows["cell"]],
             axis_title(indicator): [format_value(v, unit, h) for v, h in zip(rows["value"], rows["hidden"])]}
    if unit != "count":
        table["Number" if unit == "%" else "Sum of ratings"] = [
            format_value(n, "count", h) for n, h in zip(rows["numerator"], rows["hidden"])]
        table["Out of" if unit == "%" else "Ratings"] = [
            format_value(d, "count", h) for d, h in zip(rows["denominator"], rows["hidden"])]
    table["95% interval"] = [format_interval(lo, hi, unit, h)
                             for lo, hi, h in zip(rows["lower_ci"], rows["upper_ci"], rows["hidden"])]
    if indicator.polarity != "none":
        rags = [report.rag(indicator.id, c) for c in rows["cell"]]
        table["RAG"] = [f"{RAG_SYMBOL.get(r.status, RAG_SYMBOL['not_rated'])} {r.label}" for r in rags]
    return pd.DataFrame(table)


def _breakdown_rows(report: PeriodReport, indicator: Indicator, keys: tuple[str, ...]) -> pd.DataFrame:
    cells = report.cells(indicator.id)
    return cells[[tuple(k for k, _ in c) == keys for c in cells["cell"]]]


def _chart_id(*parts: str) -> str:
    return "-".join(parts).replace("_", "-")


def breakdown_specs(report: PeriodReport, indicator: Indicator, skip: tuple = ()) -> list[ChartSpec]:
    """A bar chart of each of the indicator's breakdowns (but those in `skip`, drawn with a partner)."""
    specs = []
    for keys in indicator.breakdowns:
        rows = _breakdown_rows(report, indicator, keys)
        if rows.empty or keys in skip:
            continue
        dims = [indicator.dimension(k) for k in keys]
        by = " and ".join(d.title for d in dims)
        title = f"{indicator.label} by {by}, {report.label}"
        figure, values = breakdown_figure(indicator, rows)
        whole = report.figure(indicator.id)
        alt = [f"Bar chart: {title}."]
        if whole is not None:
            alt.append(f"In all: {format_value(whole['value'], indicator.unit, whole['hidden'])}.")
        alt.append("; ".join(f"{cell_label(indicator, c)}: {format_value(v, indicator.unit, v is None)}"
                             for c, v in zip(rows["cell"], values)) + ".")
        caption = hidden_caption(values)
        alt.append(caption)
        specs.append(ChartSpec(_chart_id("bar", indicator.id, *keys), title, figure,
                               " ".join(a for a in alt if a), numbers_table(report, indicator, rows),
                               f"{indicator.label} by {by}", caption=caption))
    return specs


def shared_breakdowns(first: Indicator, second: Indicator) -> list[tuple[str, ...]]:
    """The one-key breakdowns two indicators both have (what they are charted by together)."""
    return [keys for keys in first.breakdowns if len(keys) == 1 and keys in second.breakdowns]


def grouped_specs(report: PeriodReport, first: Indicator, second: Indicator) -> list[ChartSpec]:
    """Two indicators of one unit, side by side for each breakdown they share (`Indicator.chart_with`)."""
    specs = []
    unit, both = first.unit, (first, second)
    for keys in shared_breakdowns(first, second):
        rows = [_breakdown_rows(report, i, keys) for i in both]
        if any(r.empty for r in rows):
            continue
        by = first.dimension(keys[0]).title
        title = f"{first.label} and {second.label.lower()} by {by}, {report.label}"
        labels = [cell_label(first, c) for c in rows[0]["cell"]]
        series = []
        for indicator, frame in zip(both, rows):
            value_of = {c: None if h else v for c, v, h in zip(frame["cell"], frame["value"], frame["hidden"])}
            series.append((indicator.label, [value_of.get(c) for c in rows[0]["cell"]]))
        figure = grouped_figure(labels, series, unit, axis_title(first))
        alt = [f"Bar chart: {title}."] + [
            f"{name}: " + "; ".join(f"{label} {format_value(v, unit, v is None)}" for label, v in zip(labels, values))
            + "." for name, values in series]
        caption = hidden_caption([v for _, values in series for v in values])
        alt.append(caption)
        table = {"Category": labels}
        for indicator, frame in zip(both, rows):
            table[indicator.label] = [format_value(v, unit, h) for v, h in zip(frame["value"], frame["hidden"])]
            table[f"{indicator.label}: 95% interval"] = [
                format_interval(lo, hi, unit, h) for lo, hi, h in zip(frame["lower_ci"], frame["upper_ci"],
                                                                      frame["hidden"])]
        specs.append(ChartSpec(_chart_id("bars", first.id, second.id, *keys), title, figure,
                               " ".join(a for a in alt if a), pd.DataFrame(table),
                               f"{first.label} and {second.label.lower()} by {by}", caption=caption))
    return specs


def theme_charts(report: PeriodReport, theme: str) -> list[ChartSpec]:
    """Every chart of a theme, in order: the monthly SPC charts, then the breakdowns (an indicator declared
    `chart_with` another is drawn beside it, in its chart, for the breakdowns they share). Worked out once
    per report (the section draws them, the printed appendix lists them)."""
    return report.remember(("pack.theme_charts", theme), lambda: _theme_charts(report, theme))


def _theme_charts(report: PeriodReport, theme: str) -> list[ChartSpec]:
    indicators = report.indicators(theme)
    specs = []
    for indicator in indicators:
        series = report.series(indicator.id)
        if indicator.monthly_chart and series is not None and len(series.values) >= 2:
            specs.append(spc_spec(report, indicator, series))
    partner_of = {i.chart_with: i for i in indicators if i.chart_with}
    for indicator in indicators:
        if not (report.available(indicator) and indicator.breakdowns):
            continue
        skip: tuple = ()
        partner = partner_of.get(indicator.id)
        if partner is not None and report.available(partner):
            specs.extend(grouped_specs(report, indicator, partner))
            skip = tuple(shared_breakdowns(indicator, partner))
        host = next((i for i in indicators if i.id == indicator.chart_with), None)
        if host is not None and report.available(host):
            skip = tuple(shared_breakdowns(host, indicator))
        specs.extend(breakdown_specs(report, indicator, skip))
    return specs


__all__ = ["VARIATION_WORDS", "ChartSpec", "theme_charts"]
