"""The blocks the pack notebooks display: one call per block, every block built from the period's report.

A notebook is a view: it asks for its report (`report_for`, which checks it comes
from the load the build is reading) and displays blocks. Every block is one
`IPython.display.HTML` built from published figures only.
"""

from __future__ import annotations

from IPython.display import HTML

from ..errors import SnapshotError
from ..indicators import THEMES
from ..present.charts import SPC_HEIGHT, chart_div
from ..present.commentary import read_commentary, render_markdown
from ..present.format import day
from ..present.html import change_html, details, esc, note_html, rag_badge, table_html
from ..present.legend import legend_entries, legend_html
from ..present.markers import restricted_banner
from ..report.period_report import PeriodReport
from ..report.prompts import theme_prompts
from ..report.quality import level3_review
from ..report.summary import summary_rows
from . import front, provider
from .figures import ChartSpec, theme_charts

TALL_CHART_PX = 2 * SPC_HEIGHT  # a chart this tall spans three rows of the grid, beside three short ones


def report_for(db_path: str, period: str, suppress: bool = True, load_id: str = "") -> PeriodReport:
    """The period's report: the build's own (computed once, in memory) or, run by hand, computed now.

    `load_id` (passed by `dscp build`) is the load the build read; a report from any
    other load would mix two snapshots in one pack, and is refused.
    """
    report = provider.get(db_path, period, suppress)
    if load_id and report.load_id != load_id:
        raise SnapshotError(f"this section would show load {report.load_id}, but the pack is built from load "
                            f"{load_id}: the store changed during the build")
    return report


def heading(report: PeriodReport, title: str, anchor: str, intro: str = "") -> HTML:
    """A section's `<h2>`, the RESTRICTED banner (once) when unsuppressed, and a sentence saying what is in it."""
    parts = [f'<h2 id="{esc(anchor)}">{esc(title)}</h2>']
    if report.restricted:
        parts.append(restricted_banner())
    if intro:
        parts.append(f'<p class="dscp-intro">{esc(intro)}</p>')
    return HTML("\n".join(parts))


def front_page(report: PeriodReport, commentary_dir: str) -> HTML:
    return HTML(front.front_page(report, commentary_dir))


def _figures_table(report: PeriodReport, theme: str) -> str:
    import pandas as pd

    rows = summary_rows(report, theme)
    frame = pd.DataFrame([{
        "indicator": r.indicator.title, "value": r.value, "interval": r.interval,
        "previous": change_html(r.change), "year": change_html(r.change_year),
        "benchmark": r.benchmark or "–", "rag": rag_badge(r.rag.status, r.rag.basis),
    } for r in rows], dtype=object)  # object: the badges stay Raw HTML
    columns = {"indicator": "Indicator", "value": report.label, "interval": "95% interval",
               "previous": f"vs {report.period.previous().label}", "year": f"vs {report.period.year_earlier().label}",
               "benchmark": "Benchmark", "rag": "RAG"}
    if report.period.year_earlier() == report.period.previous():
        del columns["year"]
    if (frame["benchmark"] == "–").all():
        del columns["benchmark"]
    return table_html(frame, f"{report.theme_title(theme)}: the figures, {report.label}", columns,
                      css_class="dscp-table dscp-figures", row_header="indicator", card_labels=True,
                      column_classes=True)


def numbers_html(spec: ChartSpec, anchor: bool = True) -> str:
    """The numbers behind a chart, collapsed; its summary line says what the table holds."""
    table = table_html(spec.numbers, spec.title, row_header=spec.numbers.columns[0],
                       css_class="dscp-table dscp-numbers-table")
    return details(spec.numbers_summary, table, "dscp-numbers", f"numbers-{spec.chart_id}" if anchor else None)


def chart_html(spec: ChartSpec) -> str:
    """A chart: its title (an HTML heading, so it wraps), the chart, what it says, and its numbers collapsed."""
    if spec.figure is None:
        return (f'<div class="dscp-uncharted" id="figure-{spec.chart_id}">{note_html(spec.note)}'
                f"{numbers_html(spec)}</div>")
    caption = f"<figcaption>{esc(spec.caption)}</figcaption>" if spec.caption else ""
    tall = " dscp-chart-tall" if spec.figure["layout"].get("height", 0) > TALL_CHART_PX else ""
    legend = legend_entries(spec.figure)
    return (f'<figure class="dscp-chart{tall}" id="figure-{spec.chart_id}" aria-labelledby="title-{spec.chart_id}">'
            f'<h3 class="dscp-chart-title" id="title-{spec.chart_id}">{esc(spec.title)}</h3>'
            f'{legend_html(legend, spec.chart_id, spec.title)}'
            f'<div class="dscp-plot" role="img" aria-label="{esc(spec.alt)}">'
            f"{chart_div(spec.figure, spec.chart_id, legend)}</div>{caption}{numbers_html(spec)}</figure>")


def theme(report: PeriodReport, theme_id: str, commentary_dir: str) -> HTML:
    """A theme's section: what it covers, its figures, its charts (two to a row; those that cannot be charted
    listed after them, with their numbers), the commentary and the questions."""
    info = THEMES.get(theme_id)
    parts = [heading(report, info.title, f"theme-{theme_id}", info.summary).data]
    missing = report.missing_extracts(theme_id)
    if missing and all(not report.available(i) for i in report.indicators(theme_id)):
        parts.append(note_html(f"No data for this period: {', '.join(missing)} not supplied."))
    else:
        parts.append(_figures_table(report, theme_id))
        charts = theme_charts(report, theme_id)
        drawn = [c for c in charts if c.figure is not None]
        if drawn:
            parts.append('<div class="dscp-charts">' + "".join(chart_html(c) for c in drawn) + "</div>")
        uncharted = [c for c in charts if c.figure is None]
        if uncharted:
            parts.append('<div class="dscp-uncharted-list">' + "".join(chart_html(c) for c in uncharted) + "</div>")
    parts.append(commentary(report, theme_id, commentary_dir))
    questions = "".join(f"<li>{esc(q)}</li>" for q in theme_prompts(report, theme_id))
    parts.append(f'<div class="dscp-prompts"><h3>Questions for the Think Tank</h3><ul>{questions}</ul></div>')
    return HTML("\n".join(parts))


def commentary(report: PeriodReport, theme_id: str, commentary_dir: str) -> str:
    text = read_commentary(commentary_dir, report.period).parts.get(theme_id, "")
    body = render_markdown(text, heading_offset=2) if text else note_html(
        f"No commentary has been written for {report.theme_title(theme_id).lower()} this period yet.")
    return f'<div class="dscp-commentary"><h3>Analyst\'s commentary</h3>{body}</div>'


def level3(report: PeriodReport) -> HTML:
    """The level-3 injuries (hospital treatment) for review: listed only in the restricted pack."""
    table, message = level3_review(report)
    parts = ["<h3>Level 3 injuries: each reviewed</h3>", note_html(message)]
    if table is not None:
        parts.append(table_html(table, f"Level 3 injuries (hospital treatment), {report.label}"))
    return HTML("\n".join(parts))


def built_from(report: PeriodReport) -> str:
    when = ", ".join(f"{name} (loaded {day(row['loaded_at'])})"
                     for name, row in report.snapshot.load_log.set_index("file").iterrows()) \
        if not report.snapshot.load_log.empty else "no extract"
    return f"Built from load {report.load_id or 'unknown'}: {when}."
