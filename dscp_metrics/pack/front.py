"""The pack's first screen: what should the PLG discuss? Then the quarter at a glance.

In order: the analyst's headline commentary; the exceptions (special-cause
variation, significant changes, worse than benchmark, Red or Amber), each linking
to its theme; a short "how to read this"; and the summary in the NHS Making Data
Count manner — per indicator the latest figure, a sparkline of its months, the
variation and assurance icons, the change since the previous period coloured by
whether it is better or worse (bold only when significant), and the RAG with
its reason. A column empty for every indicator is left out, with a line saying why.
"""

from __future__ import annotations

from ..present.commentary import read_commentary, render_markdown
from ..present.html import Raw, esc, rag_badge, table_html
from ..present.icons import assurance_icon, sparkline, variation_icon
from ..report.period_report import PeriodReport
from ..report.summary import ASSURANCE_WORDS, SummaryRow, exceptions, summary_rows

EXCEPTION_KINDS = {"variation": "Unusual variation", "change": "Significant change", "benchmark": "Below benchmark",
                   "rag": "RAG"}


def headline(report: PeriodReport, commentary_dir) -> str:
    text = read_commentary(commentary_dir, report.period).parts.get(None, "")
    body = render_markdown(text, heading_offset=2) if text else (
        '<p class="dscp-note">No headline commentary has been written for this period yet.</p>')
    return f'<div class="dscp-headline">{body}</div>'


def exceptions_html(report: PeriodReport, rows: list[SummaryRow]) -> str:
    found = exceptions(report, rows)
    if not found:
        return ('<div class="dscp-discuss"><h3 id="discuss">What to discuss</h3><p>No indicator shows special-cause '
                "variation, a significant change, a worse-than-benchmark figure or a Red or Amber rating this period."
                "</p></div>")
    items = "".join(
        f'<li><span class="dscp-kind dscp-kind-{e.kind}">{esc(EXCEPTION_KINDS[e.kind])}</span> '
        f'<a href="#theme-{esc(e.indicator.theme)}">{esc(e.sentence)}</a></li>'
        for e in found)
    return f'<div class="dscp-discuss"><h3 id="discuss">What to discuss</h3><ul>{items}</ul></div>'


def how_to_read(report: PeriodReport) -> str:
    t = report.threshold
    hidden = (f"<strong>[c]</strong>: hidden because it counts 1 to {t} (or could reveal such a number)."
              if report.suppress else f"Small numbers (1 to {t}) are <strong>not</strong> hidden in this version.")
    return (
        '<details class="dscp-how" open><summary>How to read this</summary><ul>'
        f"<li>{hidden}</li>"
        "<li><strong>Variation</strong> (NHS Making Data Count, on the monthly figures): grey, common cause; blue, "
        "special cause improvement; orange, special cause concern; purple, unusual where neither direction is "
        "better. H or L: high or low.</li>"
        "<li><strong>Change</strong>: ↑ up, ↓ down, → no change, since the previous period; blue is better, orange "
        "worse; <strong>bold</strong> when statistically significant.</li>"
        "<li><strong>RAG</strong>: ● Green, ◆ Amber, ■ Red, ○ not rated, with the reason.</li>"
        "</ul></details>"
    )


def _change_cell(row: SummaryRow) -> Raw:
    change = row.change
    if change is None:
        return Raw("–")
    css = f"dscp-change dscp-{change.goodness}" + (" dscp-significant" if change.significant else "")
    return Raw(f'<span class="{css}">{esc(change.text)}</span>')


def _sparkline(row: SummaryRow) -> Raw:
    series = row.series
    if series is None:
        return Raw('<span class="dscp-icon-none">–</span>')
    shown = [v for v in series.values if v is not None]
    words = (f"{row.indicator.label}, each month from {series.dates[0]:%B %Y} to {series.dates[-1]:%B %Y}"
             f"{'; some months hidden' if series.n_hidden else ''}" + (f"; lowest {min(shown):g}, highest "
                                                                        f"{max(shown):g}" if shown else ""))
    return sparkline(series.values, words)


def summary_table(report: PeriodReport, rows: list[SummaryRow]) -> str:
    """The summary: a table on a laptop, cards on a phone (see pack.css)."""
    import pandas as pd

    has_assurance = any(r.assurance for r in rows)
    frame = pd.DataFrame([{
        "theme": report.theme_title(r.indicator.theme),
        "indicator": Raw(f'<a href="#theme-{esc(r.indicator.theme)}">{esc(r.indicator.label)}</a>'
                         + (f'<span class="dscp-basis">{esc(r.note)}</span>' if r.note else "")),
        "value": r.value,
        "trend": _sparkline(r),
        "variation": Raw(variation_icon(r.variation, r.variation_words)
                         + f'<span class="dscp-icon-words">{esc(r.variation_words)}</span>'),
        "assurance": Raw(assurance_icon(r.assurance, ASSURANCE_WORDS.get(r.assurance, "No target agreed"))),
        "change": _change_cell(r),
        "rag": rag_badge(r.rag.status, r.rag.basis),
    } for r in rows], dtype=object)  # object: the badges stay Raw HTML
    columns = {"indicator": "Indicator", "value": report.label, "trend": "Months", "variation": "Variation",
               "assurance": "Assurance", "change": f"Change since {report.period.previous().label}", "rag": "RAG"}
    note = ""
    if not has_assurance:
        del columns["assurance"]
        note = ('<p class="dscp-note">Assurance (will a target be met?) is left out: the PLG has not agreed a '
                "target for any indicator yet.</p>")
    table = table_html(frame, f"Every Think Tank indicator, {report.label}", columns, group_by="theme",
                       css_class="dscp-table dscp-summary", row_header="indicator", card_labels=True)
    return note + table


def front_page(report: PeriodReport, commentary_dir) -> str:
    rows = summary_rows(report)
    return "\n".join([
        '<div class="dscp-front">',
        headline(report, commentary_dir),
        exceptions_html(report, rows),
        "</div>",
        how_to_read(report),
        '<h3 id="summary">The quarter at a glance</h3>' if report.period.kind == "quarter"
        else '<h3 id="summary">The period at a glance</h3>',
        summary_table(report, rows),
    ])
