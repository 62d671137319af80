"""The Think Tank pack's house style: plotly charts and the HTML blocks the pack notebooks display.

Every visible output of a pack notebook comes from a function here, as one
`IPython.display.HTML` block, built only from *published* numbers (small-number
suppression already applied by `disclosure.suppress`), so nothing a reader can
see, hover over or dig out of the page source holds a count from 1 to the
threshold when suppression is on.

Charts are plotly figures rendered with `fig.to_html(include_plotlyjs=False,
include_mathjax=False, div_id=...)` (plotly.js is put once into the pack by the
export template); each chart is a `<figure>` with a caption that says in words
what it shows and, beneath it, the numbers behind it in a table.

Colours follow NHS England's Making Data Count (common cause grey, improvement
blue, concern orange, neutral purple), darkened where needed to meet WCAG 2.2
AA against white; every colour has a word and a symbol or marker shape beside
it, so nothing is told by colour alone. Fonts are system fonts only.

Analyst's commentary (`commentary_html`): one Markdown file per period,
`<commentary_dir>/<period code>.md` (e.g. `data/commentary/2024-25-Q4.md`).
Text before the first level-2 heading is the overall commentary (shown in the
summary); each `## <theme>` heading starts a theme's commentary, the theme
written as its title (`## Domestic abuse`, `## Harm outside the home`,
`## Use of restraint`, `## Organisational Safeguarding Assessment`) or its id
(`## domestic_abuse`), case-insensitive. Raw HTML in the file is shown as
text, images are replaced by their description, and only http(s) and mailto
links become links. `<!-- ... -->` comments are notes to self and are left out.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from IPython.display import HTML
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..load.contract import LOCALITIES, RISK_LEVELS
from ..store import open_store
from ..disclosure import SUPPRESSED, suppress as apply_suppression
from ..errors import ParameterError
from ..indicators import REGISTRY, THEMES
from ..periods import parse_period
from ..report import ASSURANCE_WORDS, RESTRICTED_BANNER, VARIATION_WORDS, PeriodReport, format_interval, format_value
from ..stats import count_interval, proportion_ci_percent

# ----------------------------------------------------------------- palette
# Contrast against white (WCAG 2.2 AA: 4.5:1 for text, 3:1 for graphics).
TEXT = "#1b1b1b"  # 17:1
MUTED = "#4a4a4a"  # 8.9:1
GRID = "#d9d9d9"  # gridlines only (decorative)
COMMON_CAUSE = "#5f6368"  # Making Data Count grey, 6.1:1
IMPROVEMENT = "#1a6fb0"  # Making Data Count blue (#289de0) darkened to 5.3:1
CONCERN = "#b35c00"  # Making Data Count orange (#fab428) darkened to 4.7:1
NEUTRAL = "#6a2c91"  # Making Data Count purple, 8.8:1
DATA_LINE = "#5f6368"  # the monthly series
MEAN_LINE = TEXT
LIMIT_LINE = "#4a4a4a"  # process limits, dashed
TARGET_LINE = "#b3261e"  # target, dotted
BAR = "#1a6fb0"  # breakdown bars (one colour: the category is on the axis)
RAG_FILL = {"red": "#b3261e", "amber": "#f2b531", "green": "#1e7b34", "not_rated": "#ffffff"}
RAG_TEXT_ON_FILL = {"red": "#ffffff", "amber": TEXT, "green": "#ffffff", "not_rated": TEXT}  # 6.5, 9.4, 5.3:1
RAG_TEXT = {"red": "#b3261e", "amber": "#8a5a00", "green": "#1e7b34", "not_rated": MUTED}  # on white: 6.5, 5.9, 5.3, 8.9:1
RAG_SYMBOL = {"green": "●", "amber": "▲", "red": "■", "not_rated": "○"}
RAG_LABEL = {"green": "Green", "amber": "Amber", "red": "Red", "not_rated": "Not rated"}
RAG_PATTERN = {"red": "x", "amber": "/", "green": ""}  # stacked bars: pattern and label, never colour alone
FONT_FAMILY = 'Arial, "Helvetica Neue", Helvetica, "Liberation Sans", "DejaVu Sans", sans-serif'

# Making Data Count point types: colour, marker shape and words (the shape and words carry the meaning).
POINT_STYLE = {
    "common_cause": (COMMON_CAUSE, "circle", "Common cause"),
    "special_cause_improvement": (IMPROVEMENT, "diamond", "Special cause: improvement"),
    "special_cause_concern": (CONCERN, "square", "Special cause: concern"),
    "special_cause_neutral_high": (NEUTRAL, "triangle-up", "Special cause: high (neither better nor worse)"),
    "special_cause_neutral_low": (NEUTRAL, "triangle-down", "Special cause: low (neither better nor worse)"),
}
VARIATION_SYMBOL = {
    "common_cause": "↔", "improvement_high": "▲", "improvement_low": "▼", "concern_high": "▲",
    "concern_low": "▼", "neutral_high": "▲", "neutral_low": "▼", None: "–",
}  # fmt: skip
VARIATION_CLASS = {
    "common_cause": "common", "improvement_high": "improvement", "improvement_low": "improvement",
    "concern_high": "concern", "concern_low": "concern", "neutral_high": "neutral", "neutral_low": "neutral",
    None: "none",
}  # fmt: skip
ASSURANCE_SYMBOL = {"consistent_pass": "✓", "consistent_fail": "✗", "inconsistent": "?", None: "–"}
_VARIATION_BY_WORDS = {words: key for key, words in VARIATION_WORDS.items()}
_ASSURANCE_BY_WORDS = {words: key for key, words in ASSURANCE_WORDS.items()}

SPC_HEIGHT = 400
X_PAD = pd.Timedelta(days=15)  # room for the first and last month's marker
BAR_ROW_HEIGHT = 34
BAR_BASE_HEIGHT = 140
MIN_PUBLISHED_SHARE = 0.5  # chart a monthly series only when at least half its months can be shown
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
}
NO_COMMENTARY = "No commentary has been written for this period yet."

HOUSE_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 14, "color": TEXT},
        title={"x": 0, "xanchor": "left", "font": {"size": 17, "color": TEXT}},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        colorway=[BAR, CONCERN, NEUTRAL, COMMON_CAUSE],
        xaxis={"showgrid": False, "linecolor": MUTED, "ticks": "outside", "tickcolor": MUTED, "zeroline": False},
        yaxis={"gridcolor": GRID, "linecolor": MUTED, "zeroline": False},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 14}, "bgcolor": "#ffffff", "bordercolor": TEXT},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": 13}},
        margin={"l": 60, "r": 24, "t": 96, "b": 110},
    )
)

STYLE = f"""<style>
/* the class is doubled to outrank JupyterLab's `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td` (right-aligned) */
.dscp-table.dscp-table {{ border-collapse: collapse; margin: 8px 0 20px; font-size: 0.95rem; }}
.dscp-table.dscp-table caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 4px 0 6px; color: {TEXT}; }}
.dscp-table.dscp-table th, .dscp-table.dscp-table td {{ border-bottom: 1px solid #8a8a8a; padding: 4px 8px; text-align: left; vertical-align: top; color: {TEXT}; }}
.dscp-table.dscp-table thead th {{ border-bottom: 2px solid {TEXT}; }}
.dscp-table.dscp-table .dscp-num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.dscp-table.dscp-table tr.dscp-group th {{ background: #f3f3f3; padding-top: 8px; }}
.dscp-rag, .dscp-icon {{ font-weight: bold; white-space: nowrap; }}
.dscp-rag-green {{ color: {RAG_TEXT["green"]}; }} .dscp-rag-amber {{ color: {RAG_TEXT["amber"]}; }}
.dscp-rag-red {{ color: {RAG_TEXT["red"]}; }} .dscp-rag-not_rated {{ color: {RAG_TEXT["not_rated"]}; font-weight: normal; }}
.dscp-var-improvement {{ color: {IMPROVEMENT}; }} .dscp-var-concern {{ color: {CONCERN}; }}
.dscp-var-neutral {{ color: {NEUTRAL}; }} .dscp-var-common, .dscp-var-none {{ color: {MUTED}; font-weight: normal; }}
.dscp-basis {{ display: block; font-weight: normal; font-size: 0.85rem; color: {MUTED}; white-space: normal; }}
.dscp-chart {{ margin: 16px 0 4px; break-inside: avoid; page-break-inside: avoid; }}
.dscp-chart figcaption {{ color: {MUTED}; font-size: 0.95rem; margin-top: 4px; }}
.dscp-note {{ color: {TEXT}; border-left: 4px solid #8a8a8a; padding: 4px 10px; margin: 8px 0 16px; }}
.restricted-banner {{ background: #a4000f; color: #ffffff; font-weight: bold; padding: 8px 12px; margin: 8px 0 12px; }}
.dscp-commentary {{ border-left: 4px solid {IMPROVEMENT}; padding: 2px 12px; margin: 12px 0; }}
.dscp-definition dt {{ font-weight: bold; margin-top: 4px; }}
.dscp-definition dd {{ margin: 0 0 4px 1.5em; }}
@media print {{ .dscp-table.dscp-table {{ font-size: 9pt; }} .dscp-chart {{ page-break-inside: avoid; }} }}
</style>"""

# Charts emitted by this process (a kernel runs one notebook): the stable ids, for the build's manifest.
_RENDERED: list[str] = []


def charts_rendered() -> int:
    """How many distinct charts `render` has emitted in this process."""
    return len(dict.fromkeys(_RENDERED))


# ----------------------------------------------------------------- small helpers
def esc(value: object) -> str:
    """Text made safe for HTML (quotes too); missing values become an en dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return html.escape(str(value), quote=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _is_hidden(value: object) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _number(value: object) -> float | None:
    """A published figure as a float, or None when it is hidden or missing."""
    if value is None or _is_hidden(value) or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _plain(number: float | None, unit: str) -> int | float | None:
    """A number for the figure JSON: counts as int, % rounded to 0.1."""
    if number is None:
        return None
    return int(round(number)) if unit == "count" else round(number, 1)


def _small_rule(threshold: int, unit: str) -> str:
    if unit == "%":
        return f"where the number counted or the total is from 1 to {threshold}"
    return f"with 1 to {threshold}"


def rag_badge(status: str | None, basis: str | None = None) -> str:
    """A RAG status as symbol + word with a CSS class (never colour alone)."""
    key = _rag_key(status)
    text = f'<span class="dscp-rag dscp-rag-{key}">{RAG_SYMBOL[key]} {RAG_LABEL[key]}</span>'
    if basis:
        text += f'<span class="dscp-basis">{esc(basis)}</span>'
    return text


def _rag_key(status: str | None) -> str:
    if status is None:
        return "not_rated"
    text = str(status).strip().lower().replace(" ", "_")
    return text if text in RAG_LABEL else "not_rated"


def variation_badge(words: str | None) -> str:
    key = _VARIATION_BY_WORDS.get(words, None)
    return (
        f'<span class="dscp-icon dscp-var-{VARIATION_CLASS[key]}">{VARIATION_SYMBOL[key]} '
        f"{esc(VARIATION_WORDS[key])}</span>"
    )


def assurance_badge(words: str | None) -> str:
    key = _ASSURANCE_BY_WORDS.get(words, None)
    return f'<span class="dscp-icon">{ASSURANCE_SYMBOL[key]} {esc(ASSURANCE_WORDS[key])}</span>'


# ----------------------------------------------------------------- tables
_NUMERIC = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?$")


def _is_numeric_column(values: pd.Series) -> bool:
    """A column of figures (right-aligned): every cell a number, `[c]` or missing, at least one number."""
    texts = [esc(v) for v in values]
    return any(_NUMERIC.match(t) for t in texts) and all(_NUMERIC.match(t) or t in (SUPPRESSED, "–") for t in texts)


def table_html(
    frame: pd.DataFrame,
    caption: str,
    columns: Mapping[str, str] | Sequence[str] | None = None,
    *,
    rag_columns: Iterable[str] = ("rag",),
    html_columns: Iterable[str] = (),
    group_by: str | None = None,
) -> str:
    """An accessible table (caption, `<th scope="col">`), every cell escaped.

    `columns` maps frame columns to headings (or lists the columns to show).
    Cells of `rag_columns` are shown as symbol + word (`● Green`) with a CSS
    class for the colour. `html_columns` hold HTML this module built itself
    (badges); nothing else is trusted. `group_by` starts a new titled row group
    whenever that column's value changes.
    """
    if columns is None:
        columns = {c: c for c in frame.columns if c != group_by}
    elif not isinstance(columns, Mapping):
        columns = {c: c for c in columns}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"the table has no column(s) {', '.join(missing)}")
    rag_columns, html_columns = set(rag_columns), set(html_columns)
    numeric_columns = {c for c in columns if c not in rag_columns | html_columns and _is_numeric_column(frame[c])}
    num_class = ' class="dscp-num"'
    head = "".join(
        f'<th scope="col"{num_class if c in numeric_columns else ""}>{esc(h)}</th>' for c, h in columns.items()
    )
    rows, group = [], object()
    for record in frame.to_dict("records"):
        if group_by is not None and record[group_by] != group:
            group = record[group_by]
            rows.append(f'<tr class="dscp-group"><th scope="colgroup" colspan="{len(columns)}">{esc(group)}</th></tr>')
        cells = []
        for column in columns:
            value = record[column]
            if column in rag_columns:
                cells.append(f"<td>{rag_badge(value)}</td>")
            elif column in html_columns:
                cells.append(f"<td>{value}</td>")
            else:
                text = esc(value)
                cells.append(f'<td class="dscp-num">{text}</td>' if column in numeric_columns else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="dscp-table"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


# ----------------------------------------------------------------- headings and notes
def section_heading(title: str, report: PeriodReport, partnership: str | None = None) -> HTML:
    """The notebook's `<h2>` (its first visible output), the restricted banner when
    suppression is off, the period (and partnership), and the house CSS for the blocks below."""
    parts = [f'<h2 id="dscp-{slug(title)}">{esc(title)}</h2>']
    if report.restricted:
        parts.append(f'<p class="restricted-banner" role="alert">{esc(RESTRICTED_BANNER)}</p>')
    who = f"{esc(partnership)} · " if partnership else ""
    parts.append(f'<p class="dscp-period">{who}{esc(report.label)} '
                 f"({report.period.first_day:%d %B %Y} to {report.period.last_day:%d %B %Y})</p>")
    parts.append(STYLE)
    return HTML("\n".join(parts))


def note_html(text: str) -> str:
    return f'<p class="dscp-note">{esc(text)}</p>'


def how_to_read_html(report: PeriodReport) -> HTML:
    """The summary's "how to read this" note: [c], intervals, SPC and RAG words."""
    t = report.threshold
    items = [
        f"<strong>{SUPPRESSED}</strong> means the figure is hidden because it counts 1 to {t} children, "
        "referrals or incidents (or is a percentage of so few): small numbers could identify a child. "
        "0 is shown as 0. Where hiding one figure would let it be worked out from the others, another is hidden too."
        if report.suppress
        else f"Small numbers (1 to {t}) are <strong>not</strong> hidden in this restricted version.",
        "<strong>95% interval</strong>: the range within which the underlying figure very probably lies; "
        "two figures whose intervals overlap a lot may not really differ.",
        "<strong>vs previous quarter / same quarter last year</strong>: the change, and whether it is "
        "statistically significant (unlikely to be chance).",
        "<strong>Variation</strong> (statistical process control on the monthly figures, NHS Making Data Count): "
        f"{VARIATION_SYMBOL['common_cause']} <em>Common cause</em> means the latest month is within the usual "
        f"range; {VARIATION_SYMBOL['concern_high']}/{VARIATION_SYMBOL['concern_low']} <em>Improvement</em> or "
        "<em>Concern</em> means special cause variation in the good or bad direction (high or low); "
        "<em>Special cause</em> alone means unusual where neither direction is better. "
        "<em>Not charted</em>: no monthly series (for example yearly OSA figures).",
        f"<strong>Assurance</strong>: {ASSURANCE_SYMBOL['consistent_pass']} consistently passing, "
        f"{ASSURANCE_SYMBOL['consistent_fail']} consistently failing, {ASSURANCE_SYMBOL['inconsistent']} hit and "
        "miss against a target; <em>No target</em> where the PLG has not agreed one.",
        f"<strong>RAG</strong>: {rag_badge('green')}, {rag_badge('amber')}, {rag_badge('red')} or "
        f"{rag_badge('not_rated')} (no target or benchmark, or no better direction); the reason is given under each.",
    ]
    return HTML('<div class="dscp-how-to-read"><h3>How to read this</h3><ul>'
                + "".join(f"<li>{i}</li>" for i in items) + "</ul></div>")


# ----------------------------------------------------------------- summary
SUMMARY_COLUMNS = ("indicator", "value", "interval", "vs_previous", "vs_year_ago", "spc", "assurance", "benchmark", "rag")


def summary_table_html(report: PeriodReport, theme: str | None = None) -> HTML:
    """The summary table (every indicator, or one theme's): latest figure, interval,
    changes with significance, SPC variation and assurance, benchmark and RAG."""
    summary = report.summary(theme)
    if summary.empty:
        return HTML(note_html("There are no figures for this theme this period."))
    frame = summary.assign(
        spc=[variation_badge(w) for w in summary["spc"]],
        assurance=[assurance_badge(w) for w in summary["assurance"]],
        rag=[rag_badge(s, b) for s, b in zip(summary["rag_status"], summary["rag_basis"])],
    )
    headings = {
        "indicator": "Indicator",
        "value": f"{report.label}",
        "interval": "95% interval",
        "vs_previous": f"vs {report.period.previous().label}",
        "vs_year_ago": f"vs {report.period.year_earlier().label}",
        "spc": "Variation (SPC)",
        "assurance": "Assurance",
        "benchmark": "Benchmark",
        "rag": "RAG",
    }
    caption = (
        f"Every Think Tank indicator, {report.label}" if theme is None
        else f"{THEMES[theme]}: the indicators, {report.label}"
    )
    return HTML(table_html(frame, caption, headings, rag_columns=(), html_columns=("spc", "assurance", "rag"),
                           group_by="theme" if theme is None else None))


# ----------------------------------------------------------------- published monthly series
_PUBLISHED_MONTHLY: dict[int, tuple[PeriodReport, pd.DataFrame]] = {}


def published_monthly(report: PeriodReport) -> pd.DataFrame:
    """The monthly table as it may be shown: suppressed (`[c]`) when the report suppresses."""
    cached = _PUBLISHED_MONTHLY.get(id(report))
    if cached is not None and cached[0] is report:
        return cached[1]
    monthly = report.monthly
    if monthly.empty:
        published = monthly.assign(suppressed=pd.Series(dtype=bool))
    elif report.suppress:
        published = apply_suppression(monthly, report.threshold)
    else:
        published = monthly.assign(suppressed=False)
    _PUBLISHED_MONTHLY.clear()  # one report at a time is all a notebook needs
    _PUBLISHED_MONTHLY[id(report)] = (report, published)
    return published


class SpcView:
    """What an SPC chart of one indicator may show: the SPC frame of the raw series
    (for point types), the published value of each month, and whether the mean
    and limits may be drawn."""

    def __init__(self, report: PeriodReport, indicator_id: str) -> None:
        self.indicator = REGISTRY.get(indicator_id)
        self.report = report
        self.result = report.spc(indicator_id) if report.available(self.indicator) else None
        self.frame = None
        if self.result is None:
            return
        frame, self.reading = self.result
        months = frame["x"].dt.strftime("%Y-%m")
        published = published_monthly(report)
        rows = published[(published.indicator_id == indicator_id) & (published.breakdown == "all")]
        rows = rows.set_index("period").reindex(months.to_numpy())
        self.frame = frame.assign(month=months.to_numpy())
        self.hidden = rows["suppressed"].fillna(True).to_numpy(dtype=bool)
        self.values = [None if h else _number(v) for h, v in zip(self.hidden, rows["value"])]
        self.numerators = rows["numerator"].tolist()
        self.denominators = rows["denominator"].tolist()

    @property
    def n_hidden(self) -> int:
        return int(self.hidden.sum())

    @property
    def chartable(self) -> bool:
        return self.frame is not None and (len(self.frame) - self.n_hidden) >= max(2, MIN_PUBLISHED_SHARE * len(self.frame))

    @property
    def draw_limits(self) -> bool:
        """Mean and limits are worked out from every month; with a hidden month they could reveal it."""
        return self.n_hidden == 0 and not np.isnan(self.frame["upl"].iloc[-1])

    def hidden_note(self) -> str:
        if not self.n_hidden:
            return ""
        rule = _small_rule(self.report.threshold, self.indicator.unit)
        text = (f"Months {rule} are not shown ({self.n_hidden} of {len(self.frame)} months), to protect "
                "the children concerned.")
        if self.chartable:
            text += (" The average and process limits are not drawn, because they are worked out from every "
                     "month and would let a hidden month be worked out; the variation words still use every month.")
        return text


def _month_label(ts: pd.Timestamp) -> str:
    return f"{ts:%B %Y}"


def spc_title(view: SpcView) -> str:
    first, last = view.frame["x"].iloc[0], view.frame["x"].iloc[-1]
    return f"{view.indicator.label}, each month from {_month_label(first)} to {_month_label(last)}"


def spc_chart(report: PeriodReport, indicator_id: str) -> go.Figure | None:
    """A monthly XmR chart in the Making Data Count style, or None when there is no
    monthly series, or too few months can be shown.

    Data line (gaps for hidden months), special-cause points coloured and shaped by
    type, mean and dashed process limits (only when no month is hidden), target,
    and an annotation with the variation and assurance in words and symbols.
    """
    view = SpcView(report, indicator_id)
    if view.frame is None or not view.chartable:
        return None
    return _spc_figure(view)


def _spc_figure(view: SpcView) -> go.Figure:
    indicator, frame, unit = view.indicator, view.frame, view.indicator.unit
    x = [f"{ts:%Y-%m-%d}" for ts in frame["x"]]
    y = [_plain(v, unit) for v in view.values]
    value_format = "%{y:,.0f}" if unit == "count" else "%{y:.1f}%"
    meta = {"dscp": "data", "unit": unit}
    fig = go.Figure(layout={"template": HOUSE_TEMPLATE, "height": SPC_HEIGHT})
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="lines+markers", name=f"Monthly figure ({indicator.value_label or unit})",
        line={"color": DATA_LINE, "width": 2}, marker={"color": COMMON_CAUSE, "size": 6, "symbol": "circle"},
        connectgaps=False, hovertemplate=f"%{{x|%B %Y}}: {value_format}<extra></extra>", meta=meta,
    ))
    for point_type, (colour, symbol, words) in POINT_STYLE.items():
        if point_type == "common_cause":
            continue
        keep = [i for i, (t, v) in enumerate(zip(frame["point_type"], y)) if t == point_type and v is not None]
        if not keep:
            continue
        fig.add_trace(go.Scatter(
            x=[x[i] for i in keep], y=[y[i] for i in keep], mode="markers", name=words,
            marker={"color": colour, "size": 11, "symbol": symbol, "line": {"color": TEXT, "width": 1}},
            hovertemplate=f"%{{x|%B %Y}}: {value_format} ({words.lower()})<extra></extra>", meta=meta,
        ))
    if view.draw_limits:
        floor, ceiling = 0.0, (100.0 if unit == "%" else None)
        for column, name, dash, colour in (
            ("upl", "Upper process limit", "dash", LIMIT_LINE),
            ("mean", "Average", "solid", MEAN_LINE),
            ("lpl", "Lower process limit", "dash", LIMIT_LINE),
        ):
            values = frame[column].clip(lower=floor, upper=ceiling).round(2).tolist()
            fig.add_trace(go.Scatter(
                x=x, y=values, mode="lines", name=name, line={"color": colour, "dash": dash, "width": 1.5},
                hovertemplate=f"{name}: " + ("%{y:,.1f}" if unit == "count" else "%{y:.1f}%") + "<extra></extra>",
                meta={"dscp": "line", "unit": unit},
            ))
    target = view.report.config.targets.get(indicator.id)
    if target is not None:
        fig.add_trace(go.Scatter(
            x=[x[0], x[-1]], y=[float(target)] * 2, mode="lines", name=f"Target ({format_value(target, unit)})",
            line={"color": TARGET_LINE, "dash": "dot", "width": 2}, hoverinfo="skip", meta={"dscp": "line", "unit": unit},
        ))
    variation = view.reading.get("variation")
    assured = view.reading.get("assurance")
    fig.add_annotation(
        xref="paper", yref="paper", x=0, y=1.02, xanchor="left", yanchor="bottom", showarrow=False, align="left",
        text=(f"Variation: {VARIATION_SYMBOL[variation]} {html.escape(VARIATION_WORDS[variation])}"
              f"   ·   Assurance: {ASSURANCE_SYMBOL[assured]} {html.escape(ASSURANCE_WORDS[assured])}"),
        font={"size": 13, "color": TEXT},
    )
    if view.n_hidden:
        fig.add_annotation(
            xref="paper", yref="paper", x=0, y=-0.42, xanchor="left", yanchor="top", showarrow=False, align="left",
            text=html.escape(f"Months {_small_rule(view.report.threshold, unit)} are not shown."),
            font={"size": 12, "color": MUTED},
        )
    fig.update_layout(
        title={"text": html.escape(spc_title(view))},
        xaxis={"tickformat": "%b %Y", "range": [f"{frame['x'].iloc[0] - X_PAD:%Y-%m-%d}", f"{frame['x'].iloc[-1] + X_PAD:%Y-%m-%d}"]},
        yaxis={"title": {"text": indicator_heading(indicator)}, "rangemode": "tozero",
               "ticksuffix": "%" if unit == "%" else ""},
    )
    return fig


def spc_alt_text(view: SpcView) -> str:
    unit = view.indicator.unit
    last = view.frame["x"].iloc[-1]
    latest = view.values[-1]
    latest_text = (f"{format_value(latest, unit)}" if latest is not None
                   else f"{SUPPRESSED} (not shown: a small number)")
    parts = [f"Line chart of {view.indicator.label}, each month from {_month_label(view.frame['x'].iloc[0])} to {_month_label(last)}.",
             f"In {_month_label(last)} the figure was {latest_text}."]
    if view.draw_limits:
        parts.append(
            f"The average is {view.frame['mean'].iloc[-1]:,.1f}{'%' if unit == '%' else ''}, with process limits from "
            f"{max(view.frame['lpl'].iloc[-1], 0):,.1f} to {view.frame['upl'].iloc[-1]:,.1f}{'%' if unit == '%' else ''}."
        )
    parts.append(view.reading.get("reading", ""))
    if view.n_hidden:
        parts.append(view.hidden_note())
    return " ".join(p for p in parts if p)


def spc_table(view: SpcView) -> pd.DataFrame:
    unit = view.indicator.unit
    table = {"Month": [_month_label(ts) for ts in view.frame["x"]],
             indicator_heading(view.indicator): [SUPPRESSED if h else format_value(v, unit)
                                                 for h, v in zip(view.hidden, view.values)]}
    if unit == "%":
        table["Number"] = [SUPPRESSED if h else format_value(_number(n), "count") for h, n in zip(view.hidden, view.numerators)]
        table["Out of"] = [SUPPRESSED if h else format_value(_number(d), "count") for h, d in zip(view.hidden, view.denominators)]
    table["Point"] = ["–" if h else POINT_STYLE[t][2] for h, t in zip(view.hidden, view.frame["point_type"])]
    return pd.DataFrame(table)


def indicator_heading(indicator) -> str:
    return (indicator.value_label or indicator.unit).capitalize()


def spc_block(report: PeriodReport, indicator_id: str) -> HTML:
    """One indicator's SPC chart with its text alternative and table, or a sentence saying why it is not charted."""
    view = SpcView(report, indicator_id)
    if view.frame is None:
        return HTML("")
    if not view.chartable:
        return HTML(note_html(
            f"{view.indicator.label}: not charted month by month, because in most months the figure is "
            f"{_small_rule(report.threshold, view.indicator.unit).replace('with ', 'from ')} and is hidden to protect "
            "the children concerned. The quarterly figure is in the table above."
        ))
    return render(_spc_figure(view), f"spc-{indicator_id}", spc_alt_text(view), spc_table(view))


def spc_blocks(report: PeriodReport, theme: str) -> HTML:
    """The SPC charts of every indicator of a theme that has a monthly series, in registry order."""
    blocks = [spc_block(report, i.id).data for i in report.indicators(theme)]
    blocks = [b for b in blocks if b]
    if not blocks:
        return HTML(note_html("There is no monthly series to chart for this theme this period."))
    return HTML("\n".join(blocks))


# ----------------------------------------------------------------- bars
def _bar_figure(rows: pd.DataFrame, title: str, unit: str, axis_title: str) -> go.Figure:
    """Horizontal bars of published rows (`category`, `value` text, `suppressed`, `raw_value`):
    hidden rows have no bar, no hover and `[c]` in their axis label."""
    labels = [_wrap(f"{c} {SUPPRESSED}" if s else str(c)) for c, s in zip(rows["category"], rows["suppressed"])]
    values = [None if s else _plain(_number(v), unit) for v, s in zip(rows["raw_value"], rows["suppressed"])]
    text = [None if s else str(v) for v, s in zip(rows["value"], rows["suppressed"])]
    fig = go.Figure(layout={"template": HOUSE_TEMPLATE,
                            "height": BAR_BASE_HEIGHT + BAR_ROW_HEIGHT * max(len(rows), 1)})
    fig.add_trace(go.Bar(
        x=values, y=labels, orientation="h", name=axis_title, marker={"color": BAR, "line": {"color": TEXT, "width": 1}},
        text=text, textposition="outside", cliponaxis=False, textfont={"color": TEXT},
        hovertemplate="%{y}: %{text}<extra></extra>", meta={"dscp": "data", "unit": unit},
    ))
    hidden = [label for label, s in zip(labels, rows["suppressed"]) if s]
    if hidden:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden), y=hidden, mode="text", text=[SUPPRESSED] * len(hidden), textposition="middle right",
            name=f"{SUPPRESSED} hidden (small number)", hoverinfo="skip", textfont={"color": MUTED},
            meta={"dscp": "label"},
        ))
    known = [v for v in values if v is not None]
    top = max(known) if known else 1
    fig.update_layout(
        title={"text": html.escape(title)},
        showlegend=False,
        margin={"l": 24, "r": 40, "t": 64, "b": 56},
        xaxis={"title": {"text": axis_title}, "range": [0, 100 if unit == "%" else top * 1.18 or 1],
               "ticksuffix": "%" if unit == "%" else "", "gridcolor": GRID, "showgrid": True},
        yaxis={"autorange": "reversed", "automargin": True, "categoryorder": "array", "categoryarray": labels},
    )
    return fig


def _has_figures(rows: pd.DataFrame) -> bool:
    """True when at least one category has a figure to draw (or a hidden one to mark)."""
    if rows.empty:
        return False
    values = pd.to_numeric(pd.Series(rows["raw_value"], dtype=object), errors="coerce")
    return bool(values.notna().any() or rows["suppressed"].astype(bool).any())


def _no_figures(what: str, report: PeriodReport) -> HTML:
    return HTML(note_html(f"{what}: there are no figures for {report.label}."))


def breakdown_bar(report: PeriodReport, indicator_id: str) -> go.Figure | None:
    """Horizontal bars of an indicator's published breakdown rows (its categories, not the whole)."""
    indicator = REGISTRY.get(indicator_id)
    rows = report.breakdown_table(indicator_id)
    rows = rows[rows["breakdown"] != "all"]
    if not _has_figures(rows):
        return None
    return _bar_figure(rows, breakdown_title(indicator, report), indicator.unit, indicator_heading(indicator))


def breakdown_title(indicator, report: PeriodReport) -> str:
    """The registry title when it names its breakdown ("..., by injury level"), else "<label> by <keys>"."""
    if " by " in indicator.title:
        return f"{indicator.title}, {report.label}"
    keys = " and ".join(d.key.replace("_", " ") for d in indicator.breakdowns)
    return f"{indicator.label} by {keys}, {report.label}"


def breakdown_block(report: PeriodReport, indicator_id: str) -> HTML:
    """A breakdown bar chart with its text alternative and the published rows (RAG where rated)."""
    indicator = REGISTRY.get(indicator_id)
    if not report.available(indicator):
        return HTML(note_html(f"{indicator.label}: no data ({', '.join(s + '.csv' for s in indicator.sources)} not supplied)."))
    fig = breakdown_bar(report, indicator_id)
    if fig is None:
        return _no_figures(breakdown_title(indicator, report), report)
    rows = report.breakdown_table(indicator_id)
    table = _rows_table(rows, indicator.unit, indicator_heading(indicator))
    if indicator.polarity != "none":
        table["RAG"] = [report.rag(indicator_id, b).label for b in rows["breakdown"]]
    alt = _bar_alt(rows, breakdown_title(indicator, report), indicator.unit, report)
    return render(fig, f"bar-{indicator_id}", alt, table, rag_columns=("RAG",))


def _rows_table(rows: pd.DataFrame, unit: str, heading: str) -> pd.DataFrame:
    table = {"Category": rows["category"].tolist(), heading: rows["value"].tolist()}
    if unit == "%":
        table["Number"] = rows["numerator"].tolist()
        table["Out of"] = rows["denominator"].tolist()
    table["95% interval"] = rows["interval"].tolist()
    return pd.DataFrame(table)


def _bar_alt(rows: pd.DataFrame, label: str, unit: str, report: PeriodReport) -> str:
    shown = rows[(rows["breakdown"] != "all") & ~rows["suppressed"].astype(bool)]
    hidden = rows[(rows["breakdown"] != "all") & rows["suppressed"].astype(bool)]
    total = rows[rows["breakdown"] == "all"]
    parts = [f"Bar chart: {label}."]
    if not total.empty:
        parts.append(f"In all: {total['value'].iloc[0]}.")
    numbers = shown["raw_value"].astype(float)
    if numbers.notna().any():
        top = shown.loc[numbers.idxmax()]
        parts.append(f"The largest shown is {top['category']} ({top['value']}).")
    if not shown.empty:
        parts.append("; ".join(f"{c}: {v}" for c, v in zip(shown["category"], shown["value"])) + ".")
    if not hidden.empty:
        parts.append(f"Hidden to protect the children concerned ({SUPPRESSED}): {', '.join(hidden['category'])}.")
    return " ".join(parts)


WRAP_AT = 34  # characters in a category label before it wraps onto a second line


def _wrap(label: str) -> str:
    """A long axis label on two lines (plotly reads `<br>`; the label itself is escaped)."""
    label = html.escape(label)
    if len(label) <= WRAP_AT or " " not in label:
        return label
    cut = label.rfind(" ", 0, WRAP_AT + 1)
    cut = cut if cut > 0 else label.find(" ")
    return label[:cut] + "<br>" + label[cut + 1:]


def osa_stacked_bar(report: PeriodReport) -> go.Figure | None:
    """OSA ratings by section: stacked Red / Amber / Green shares, each segment labelled
    with its word and value and patterned, hidden (`[c]`) segments absent."""
    indicator = REGISTRY.get("osa_rating_share")
    if not report.available(indicator):
        return None
    rows = report.breakdown_table("osa_rating_share")
    if not _has_figures(rows):
        return None
    section, rating = indicator.breakdowns
    parsed = [dict(p.split("=", 1) for p in b.split(";")) for b in rows["breakdown"]]
    rows = rows.assign(section=[p["section"] for p in parsed], rating=[p["rating"] for p in parsed])
    labels = {}
    for code in section.categories:
        hidden = rows[(rows.section == code) & rows.suppressed.astype(bool)]["rating"].tolist()
        name = section.label(code)
        labels[code] = f"{name} ({', '.join(hidden)}: {SUPPRESSED})" if hidden else name
    fig = go.Figure(layout={"template": HOUSE_TEMPLATE,
                            "height": BAR_BASE_HEIGHT + 44 * len(section.categories)})
    for code in rating.categories:
        key = code.lower()
        part = rows[rows.rating == code].set_index("section").reindex(list(section.categories))
        x = [None if s else _plain(_number(v), "%") for v, s in zip(part["raw_value"], part["suppressed"].fillna(True))]
        text = [None if v is None else f"{RAG_SYMBOL[key]} {code} {v:.0f}%" for v in x]
        fig.add_trace(go.Bar(
            x=x, y=[_wrap(labels[c]) for c in section.categories], orientation="h", name=f"{RAG_SYMBOL[key]} {code}",
            marker={"color": RAG_FILL[key], "line": {"color": TEXT, "width": 1},
                    "pattern": {"shape": RAG_PATTERN[key], "fillmode": "overlay", "fgcolor": RAG_TEXT_ON_FILL[key],
                                "fgopacity": 0.3, "size": 8}},
            text=text, textposition="inside", insidetextanchor="middle", textangle=0,
            textfont={"color": RAG_TEXT_ON_FILL[key], "size": 12},
            hovertemplate="%{y}: " + code + " %{x:.1f}%<extra></extra>", meta={"dscp": "data", "unit": "%"},
        ))
    fig.update_layout(
        barmode="stack",
        title={"text": html.escape(f"Standards rated Red, Amber and Green in each OSA section, 12 months to {report.period.last_day:%B %Y}")},
        margin={"l": 24, "r": 24, "t": 100, "b": 56},
        legend={"y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        xaxis={"title": {"text": "% of standards rated in the section"}, "range": [0, 100], "ticksuffix": "%",
               "showgrid": True, "gridcolor": GRID},
        yaxis={"autorange": "reversed", "automargin": True},
        uniformtext={"minsize": 8, "mode": "hide"},
    )
    return fig


def osa_stacked_block(report: PeriodReport) -> HTML:
    fig = osa_stacked_bar(report)
    if fig is None:
        return HTML(note_html("No OSA returns were supplied, so the ratings by section cannot be shown."))
    rows = report.breakdown_table("osa_rating_share")
    table = pd.DataFrame({"Section – rating": rows["category"], "% of the section's ratings": rows["value"],
                          "Number": rows["numerator"], "Out of": rows["denominator"], "95% interval": rows["interval"]})
    hidden = int(rows["suppressed"].sum())
    alt = (f"Stacked bar chart: for each of the nine OSA sections, the share of standards rated Red, Amber and Green "
           f"in returns assessed in the 12 months to {report.period.last_day:%B %Y}. "
           + "; ".join(f"{c}: {v}" for c, v, s in zip(rows["category"], rows["value"], rows["suppressed"]) if not s) + ".")
    if hidden:
        alt += f" {hidden} shares are hidden ({SUPPRESSED}) because they rest on 1 to {report.threshold} ratings or would reveal one that does."
    return render(fig, "osa-rating-share", alt, table)


# ----------------------------------------------------------------- extra published breakdowns
def _published(frame: pd.DataFrame, report: PeriodReport) -> pd.DataFrame:
    return apply_suppression(frame, report.threshold) if report.suppress else frame.assign(suppressed=False)


def _count_rows(ident: str, period: str, group: str, breakdowns: list[str], counts: list[int], total: int) -> pd.DataFrame:
    lower, upper = count_interval(np.asarray([total, *counts], dtype=float))
    return pd.DataFrame({
        "indicator_id": ident, "period": period, "breakdown": ["all", *breakdowns],
        "numerator": [total, *counts], "denominator": np.nan, "value": np.asarray([total, *counts], dtype=float),
        "lower_ci": lower, "upper_ci": upper, "unit": "count",
        "suppression_group": group, "is_group_total": [True] + [False] * len(counts),
    })


CEVT_DIMENSIONS = {
    "risk_level": ("risk level", [(c.code, (c.label or c.code).capitalize()) for c in RISK_LEVELS]),
    "locality": ("locality", [(c.code, c.label or c.code) for c in LOCALITIES]),
}
NOT_RECORDED = "Not recorded"


def cevt_breakdown(report: PeriodReport, by: str) -> pd.DataFrame:
    """CEVT scorings in the period by `risk_level` or `locality`, as published rows
    (`category, breakdown, value, numerator, interval, suppressed, raw_value`).

    The cells and their total (all scorings, the `cevt_referrals` figure) form one
    suppression group, so `disclosure.suppress` hides small cells and any cell that
    could be worked out from the total. Every category has its row (0 when none);
    scorings with no value recorded are a "Not recorded" row.
    """
    if by not in CEVT_DIMENSIONS:
        raise ParameterError(f"CEVT scorings can be broken down by {' or '.join(CEVT_DIMENSIONS)}; not {by!r}")
    _, categories = CEVT_DIMENSIONS[by]
    if "cevt_referrals" not in report.loaded:
        return pd.DataFrame(columns=["category", "breakdown", "value", "numerator", "interval", "suppressed", "raw_value"])
    con = open_store(report.db_path)
    try:
        found = dict(con.execute(
            f"SELECT coalesce({by}, '') AS category, count(cevt_id) FROM store.cevt_referrals "
            "WHERE scored_date BETWEEN ? AND ? GROUP BY ALL",
            [report.period.first_day, report.period.last_day],
        ).fetchall())
    finally:
        con.close()
    codes = [code for code, _ in categories] + [""]
    names = [name for _, name in categories] + [NOT_RECORDED]
    counts = [int(found.get(code, 0)) for code in codes]
    table = _count_rows(f"cevt_referrals_by_{by}", str(report.period), f"cevt_{by}",
                        [f"{by}={code or 'not_recorded'}" for code in codes], counts, sum(counts))
    shown = _published(table, report)
    return pd.DataFrame({
        "category": ["All", *names],
        "breakdown": shown["breakdown"].to_numpy(),
        "value": [format_value(v, "count") for v in shown["value"]],
        "numerator": [format_value(v, "count") for v in shown["numerator"]],
        "interval": [format_interval(lo, hi, "count") for lo, hi in zip(shown["lower_ci"], shown["upper_ci"])],
        "suppressed": shown["suppressed"].to_numpy(dtype=bool),
        "raw_value": [None if isinstance(v, str) else float(v) for v in shown["value"]],
    })


def cevt_breakdown_block(report: PeriodReport, by: str) -> HTML:
    rows = cevt_breakdown(report, by)
    if rows.empty:
        return HTML(note_html("No CEVT extract was supplied, so scorings by risk level and locality cannot be shown."))
    what, _ = CEVT_DIMENSIONS[by]
    label = REGISTRY.get("cevt_referrals").label
    if int(rows["raw_value"].iloc[0] or 0) == 0 and not rows["suppressed"].any():
        return _no_figures(f"{label} by {what}", report)
    fig = _bar_figure(rows[rows.breakdown != "all"], f"{label} by {what}, {report.label}", "count", "Scorings")
    table = _rows_table(rows, "count", "Scorings")
    return render(fig, f"bar-cevt-{by.replace('_', '-')}", _bar_alt(rows, f"{label} by {what}, {report.label}", "count", report), table)


def osa_by_organisation(report: PeriodReport) -> pd.DataFrame:
    """Standards rated Green by organisation, in the OSA's 12-month window, as published rows.

    Organisations are services, not children, but their counts follow the same
    rule: each organisation's % Green is a `%` row (hidden when the Green count
    or the number rated is 1 to the threshold), and the Green counts form one
    suppression group with the overall figure (shown as the OSA Green share), so
    no hidden organisation can be worked out from it.
    """
    columns = ["category", "breakdown", "value", "numerator", "denominator", "interval", "suppressed", "raw_value"]
    if "osa_returns" not in report.loaded:
        return pd.DataFrame(columns=columns)
    first, last = report.period.rolling_12_months()
    con = open_store(report.db_path)
    try:
        found = con.execute(
            "SELECT organisation, count(standard_id) FILTER (WHERE rating = 'Green') AS green, "
            "count(standard_id) AS rated FROM store.osa_returns WHERE assessment_date BETWEEN ? AND ? "
            "GROUP BY organisation ORDER BY organisation",
            [first, last],
        ).df()
    finally:
        con.close()
    if found.empty:
        return pd.DataFrame(columns=columns)
    green = np.r_[found["green"].sum(), found["green"].to_numpy()].astype(float)
    rated = np.r_[found["rated"].sum(), found["rated"].to_numpy()].astype(float)
    lower, upper = proportion_ci_percent(green, rated)
    table = pd.DataFrame({
        "indicator_id": "osa_green_share_by_organisation", "period": str(report.period),
        "breakdown": ["all", *[f"organisation={o}" for o in found["organisation"]]],
        "numerator": green, "denominator": rated, "value": np.where(rated > 0, green / np.where(rated > 0, rated, 1) * 100, np.nan),
        "lower_ci": lower, "upper_ci": upper, "unit": "%",
        "suppression_group": "osa_organisation_green", "is_group_total": [True] + [False] * len(found),
    })
    shown = _published(table, report)
    return pd.DataFrame({
        "category": ["All organisations", *found["organisation"]],
        "breakdown": shown["breakdown"].to_numpy(),
        "value": [format_value(v, "%") for v in shown["value"]],
        "numerator": [format_value(v, "count") for v in shown["numerator"]],
        "denominator": [format_value(v, "count") for v in shown["denominator"]],
        "interval": [format_interval(lo, hi, "%") for lo, hi in zip(shown["lower_ci"], shown["upper_ci"])],
        "suppressed": shown["suppressed"].to_numpy(dtype=bool),
        "raw_value": [None if isinstance(v, str) else float(v) for v in shown["value"]],
    })


def osa_organisation_block(report: PeriodReport) -> HTML:
    rows = osa_by_organisation(report)
    if rows.empty or not _has_figures(rows[rows.breakdown != "all"]):
        return HTML(note_html("No OSA returns were assessed in the 12 months to the end of this period."))
    fig = _bar_figure(rows[rows.breakdown != "all"],
                      f"Standards rated Green by organisation, 12 months to {report.period.last_day:%B %Y}", "%",
                      "% of the organisation's standards rated Green")
    table = _rows_table(rows, "%", "% Green")
    return render(fig, "bar-osa-organisation", _bar_alt(rows, f"Standards rated Green by organisation, 12 months to {report.period.last_day:%B %Y}", "%", report), table)


# ----------------------------------------------------------------- restraint review
def level3_html(report: PeriodReport) -> HTML:
    """Every level-3 injury in the period for review (date and age only), or why it is withheld."""
    table, message = report.level3_review()
    parts = ["<h3>Level 3 injuries: every one listed for review</h3>", note_html(message)]
    if table is not None:
        parts.append(table_html(table, f"Level 3 injuries (hospital treatment), {report.label}"))
    return HTML("\n".join(parts))


# ----------------------------------------------------------------- rendering
def render(fig: go.Figure, chart_id: str, alt_text: str, table: pd.DataFrame | None, *,
           rag_columns: Iterable[str] = ()) -> HTML:
    """One HTML block: a `<figure>` holding the chart (div id `chart-<chart_id>`) and a
    caption that describes it in words, then the numbers behind it as a table.

    Needs plotly.js on the page (the pack's export template puts it there once).
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", chart_id):
        raise ParameterError(f"a chart id is lower-case letters, digits, hyphens and underscores; got {chart_id!r}")
    title = fig.layout.title.text or ""
    div = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                      div_id=f"chart-{chart_id}", config=PLOTLY_CONFIG, default_height=f"{fig.layout.height or 450}px")
    parts = [
        f'<figure class="dscp-chart" id="figure-{chart_id}" aria-labelledby="caption-{chart_id}">',
        f'<div role="img" aria-label="{esc(alt_text)}">{div}</div>',
        f'<figcaption id="caption-{chart_id}">{esc(alt_text)}</figcaption>',
        "</figure>",
    ]
    if table is not None:
        caption = f"The numbers behind the chart: {html.unescape(title)}" if title else "The numbers behind the chart"
        parts.append(table_html(table, caption, rag_columns=rag_columns))
    _RENDERED.append(chart_id)
    return HTML("\n".join(parts))


# ----------------------------------------------------------------- commentary
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://", "mailto:"))
    return md


def commentary_file(commentary_dir: str | Path, period) -> Path:
    return Path(commentary_dir) / f"{parse_period(period).code}.md"


def _theme_of_heading(text: str) -> str | None:
    wanted = text.strip().strip("#").strip().lower()
    for theme, title in THEMES.items():
        if wanted in (theme.lower(), title.lower(), theme.replace("_", " ")):
            return theme
    return None


def _split_commentary(text: str) -> dict[str | None, str]:
    """The file's parts: None → text before the first `## ` heading; theme id → its section."""
    parts: dict[str | None, list[str]] = {None: []}
    current: str | None = None
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else re.match(r"^ {0,3}##\s+(.*?)\s*#*\s*$", line)
        if match:
            current = _theme_of_heading(match.group(1)) or f"unknown:{match.group(1)}"
            parts.setdefault(current, [])
            continue
        parts.setdefault(current, []).append(line)
    return {key: "\n".join(lines).strip() for key, lines in parts.items()}


def render_markdown(text: str, heading_offset: int = 1) -> str:
    """Markdown to safe HTML: raw HTML stays text, images become their description,
    only http(s)/mailto links, headings pushed down by `heading_offset` levels."""
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + heading_offset)
            token.tag = f"h{level}"
        if token.type == "inline" and token.children:
            children = []
            for child in token.children:
                if child.type == "image":
                    alt = "".join(c.content for c in (child.children or [])) or child.content
                    replacement = Token("text", "", 0)
                    replacement.content = f"[image: {alt}]" if alt else "[image]"
                    children.append(replacement)
                else:
                    children.append(child)
            token.children = children
    return md.renderer.render(tokens, md.options, {})


def commentary_html(commentary_dir: str | Path, period, theme: str | None = None) -> HTML:
    """The analyst's commentary for the period (the part for `theme`, or the overall
    part when `theme` is None), rendered safely; a short note when there is none."""
    if theme is not None and theme not in THEMES:
        raise ParameterError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    path = commentary_file(commentary_dir, period)
    heading = "<h3>Analyst's commentary</h3>"
    if not path.is_file():
        return HTML(f'<div class="dscp-commentary">{heading}{note_html(NO_COMMENTARY)}</div>')
    text = HTML_COMMENT.sub("", path.read_text(encoding="utf-8-sig"))  # the analyst's notes to self
    part = _split_commentary(text).get(theme, "")
    if not part:
        what = "this period" if theme is None else f"{THEMES[theme].lower()} this period"
        return HTML(f'<div class="dscp-commentary">{heading}{note_html(f"No commentary has been written for {what} yet.")}</div>')
    return HTML(f'<div class="dscp-commentary">{heading}{render_markdown(part, heading_offset=1)}</div>')


# ----------------------------------------------------------------- prompts
def prompts_html(report: PeriodReport, theme: str) -> HTML:
    """The "so what" questions for a theme, under "Questions for the Think Tank"."""
    items = "".join(f"<li>{esc(q)}</li>" for q in report.prompts(theme))
    return HTML(f'<div class="dscp-prompts"><h3>Questions for the Think Tank</h3><ul>{items}</ul></div>')


# ----------------------------------------------------------------- data quality
def data_quality_html(report: PeriodReport) -> HTML:
    """Per extract: supplied, rows read, loaded and rejected, the dates it covers."""
    frame = report.data_quality()
    headings = {"extract": "Extract", "supplied": "Supplied", "loaded_at": "Loaded", "rows_read": "Rows read",
                "rows_loaded": "Rows loaded", "rows_rejected": "Rows rejected", "dates": "Dates covered",
                "covers_period": f"Covers {report.label}"}
    return HTML(table_html(frame, "What each extract covered, and the rows loaded and rejected", headings))


def rejects_html(report: PeriodReport) -> HTML:
    frame = report.reject_summary()
    if frame.empty:
        return HTML(note_html("No rows were rejected."))
    frame = frame.assign(source=[f"{s}.csv" for s in frame["source"]], reason=[str(r).capitalize() for r in frame["reason"]])
    return HTML(table_html(frame, "Rows rejected, by extract and reason",
                           {"source": "Extract", "reason": "Reason", "rows": "Rows"}))


def themes_without_data_html(report: PeriodReport) -> HTML:
    empty = report.themes_without_data()
    if not empty:
        return HTML(note_html(f"Every theme has data for {report.label}."))
    return HTML("<p>These themes have no figures this quarter:</p><ul>"
                + "".join(f"<li>{esc(e)}</li>" for e in empty) + "</ul>")


def suppression_html(report: PeriodReport) -> HTML:
    """How many figures are hidden per indicator (not split by reason: beside the
    tables the reasons could give a hidden figure away)."""
    if not report.suppress:
        return HTML(note_html(f"{RESTRICTED_BANNER}: nothing is hidden in this version."))
    summary = report.suppression_summary()
    if summary.empty:
        return HTML(note_html(f"No figure for {report.label} needed hiding."))
    cells = summary.groupby("indicator_id", sort=False)["cells"].sum()
    frame = pd.DataFrame({"Indicator": [REGISTRY.get(i).title for i in cells.index],
                          f"Figures hidden ({SUPPRESSED})": [f"{int(c):,} figure{'s' if c != 1 else ''}" for c in cells.to_numpy()]})
    return HTML(table_html(frame, f"Figures hidden in the indicator table for {report.label}"))


# ----------------------------------------------------------------- definitions
POLARITY_WORDS = {"higher": "Higher is better", "lower": "Lower is better", "none": "Neither: no judgement"}
WINDOW_WORDS = {"period": "The quarter", "rolling_12_months": "The 12 months ending on the quarter's last day"}


def definitions_html() -> HTML:
    """The definitions appendix, generated from the indicator registry (nothing retyped)."""
    parts = []
    for theme, indicators in REGISTRY.by_theme().items():
        parts.append(f'<h3 id="dscp-def-{slug(theme)}">{esc(THEMES.get(theme, theme))}</h3>')
        for ind in indicators:
            entries = [
                ("Indicator id", f"<code>{esc(ind.id)}</code>"),
                ("Definition", esc(ind.definition)),
                ("Numerator", esc(ind.numerator)),
                ("Denominator", esc(ind.denominator) if ind.denominator else "– (a count)"),
                ("Unit", esc("count (a whole number)" if ind.unit == "count" else "% (numerator / denominator × 100)")),
                ("Better when", esc(POLARITY_WORDS[ind.polarity])),
                ("Time window", esc(WINDOW_WORDS[ind.window])),
                ("Source", esc(", ".join(f"{s}.csv" for s in ind.sources))),
            ]
            for dim in ind.breakdowns:
                entries.append((f"Broken down by {dim.key.replace('_', ' ')}",
                                esc(", ".join(dim.label(c) for c in dim.categories))))
            if ind.caveats:
                entries.append(("Caveats", esc(ind.caveats)))
            body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in entries)
            parts.append(f'<h4 id="dscp-def-{slug(ind.id)}">{esc(ind.title)}</h4><dl class="dscp-definition">{body}</dl>')
    return HTML("\n".join(parts))


def disclosure_note_html(report: PeriodReport) -> HTML:
    """The disclosure-control rule in words, for the definitions appendix."""
    t = report.threshold
    return HTML(
        "<h3>Small numbers</h3><p>"
        + esc(f"A count from 1 to {t} is shown as {SUPPRESSED}, and so is a percentage whose number counted or total "
              f"is from 1 to {t}; 0 is shown as 0. Where hiding one figure would let it be worked out from a total "
              "and the other figures, the next smallest is hidden too. The same applies to chart points, hover text "
              f"and changes between periods. {SUPPRESSED} is the Government Statistical Service symbol for a "
              "confidential value, as the Department for Education uses it for children's social care statistics.")
        + "</p>"
    )


__all__ = [
    "ASSURANCE_SYMBOL", "BAR", "COMMON_CAUSE", "CONCERN", "FONT_FAMILY", "IMPROVEMENT", "NEUTRAL", "POINT_STYLE",
    "RAG_FILL", "RAG_SYMBOL", "RAG_TEXT", "VARIATION_SYMBOL", "assurance_badge", "breakdown_bar", "breakdown_block",
    "cevt_breakdown", "cevt_breakdown_block", "charts_rendered", "commentary_html", "data_quality_html",
    "definitions_html", "disclosure_note_html", "how_to_read_html", "level3_html", "osa_by_organisation",
    "osa_organisation_block", "osa_stacked_bar", "osa_stacked_block", "prompts_html", "rag_badge", "rejects_html",
    "render", "render_markdown", "section_heading", "spc_block", "spc_blocks", "spc_chart", "summary_table_html",
    "suppression_html", "table_html", "themes_without_data_html", "variation_badge",
]  # fmt: skip
