"""The pack's first screen: what should the PLG discuss? Then the quarter at a glance.

In order: the analyst's headline commentary beside the exceptions (special-cause
variation, significant changes, worse than benchmark, Red or Amber), one line per
indicator linking to its theme; a short "how to read this"; and the summary in
the NHS Making Data Count manner — per indicator the latest figure, a sparkline
of its months, the variation and assurance icons, the change since the previous
period coloured by whether it is better or worse (bold and marked only when
significant), and the RAG with its reason. A column empty for every indicator is
left out, with a line saying why. At 1366×768 the title band, the headline and
the exceptions fit the first screen (`tests/test_pack_reader.py` measures it).
"""

from __future__ import annotations

from ..present.commentary import read_commentary, render_markdown
from ..present.format import format_value, month
from ..present.html import RAG_LABEL, RAG_SYMBOL, Raw, change_html, esc, rag_badge, table_html
from ..present.icons import assurance_icon, sparkline, variation_icon
from ..report.period_report import PeriodReport
from ..report.summary import ASSURANCE_WORDS, Exception_, SummaryRow, exceptions, summary_rows

EXCEPTION_KINDS = {"variation": "Unusual variation", "change": "Significant change",
                   "benchmark": "Worse than benchmark", "rag": "RAG"}
SPARKLINE_SIZE = (110, 22)
KEY_ICON_SIZE = 20


def headline(report: PeriodReport, commentary_dir) -> str:
    text = read_commentary(commentary_dir, report.period).parts.get(None, "")
    body = render_markdown(text, heading_offset=2) if text else (
        '<p class="dscp-note">No headline commentary has been written for this period yet.</p>')
    return f'<div class="dscp-headline">{body}</div>'


def _exception_words(found: Exception_, row: SummaryRow) -> tuple[str, str]:
    """The tag and the words of one exception (read from the row's published figures)."""
    if found.kind == "rag":
        key = row.rag.status if row.rag.status in RAG_LABEL else "not_rated"
        return (f'<span class="dscp-kind dscp-kind-rag dscp-rag-{key}">{RAG_SYMBOL[key]} {RAG_LABEL[key]}</span>',
                esc(f"{row.rag.basis}."))
    tag = f'<span class="dscp-kind dscp-kind-{found.kind}">{esc(EXCEPTION_KINDS[found.kind])}</span>'
    if found.kind == "change" and row.change is not None:
        return tag, f"{change_html(row.change, verdict=False)} since {esc(row.change.against)}, now {esc(row.value)}."
    if found.kind == "variation" and row.series is not None:
        return tag, esc(row.series.reading.get("reading") or row.variation_words)
    if found.kind == "benchmark":
        return tag, esc(f"{row.benchmark}.")
    name = row.indicator.label
    words = found.sentence[len(name):].lstrip(": ") if found.sentence.startswith(name) else found.sentence
    return tag, esc(words)


def exceptions_html(report: PeriodReport, rows: list[SummaryRow]) -> str:
    """One line per indicator with anything to discuss: its name (a link to its theme), then each exception."""
    found = exceptions(report, rows)
    if not found:
        return ('<div class="dscp-discuss"><h3 id="discuss">What to discuss</h3><p>No indicator shows special-cause '
                "variation, a significant change, a worse-than-benchmark figure or a Red or Amber rating this period."
                "</p></div>")
    by_row = {r.indicator.id: r for r in rows}
    grouped: dict[str, list[Exception_]] = {}
    for e in found:
        grouped.setdefault(e.indicator.id, []).append(e)
    items = []
    for indicator_id, kinds in grouped.items():
        row = by_row[indicator_id]
        parts = " ".join(f"{tag} {words}" for tag, words in (_exception_words(e, row) for e in kinds))
        items.append(f'<li><a href="#theme-{esc(row.indicator.theme)}">{esc(row.indicator.label)}</a> '
                     f'<span class="dscp-theme-name">({esc(report.theme_title(row.indicator.theme))})</span>: '
                     f"{parts}</li>")
    return (f'<div class="dscp-discuss"><h3 id="discuss">What to discuss</h3>'
            f'<ul>{"".join(items)}</ul></div>')


def how_to_read(report: PeriodReport) -> str:
    """The key to the summary, short: hidden figures, the months, the icons, the change arrows and the RAG."""
    t = report.threshold
    hidden = (f"<strong>[c]</strong> hidden: it counts 1 to {t}, or could reveal such a number."
              if report.suppress else f"Small numbers (1 to {t}) are <strong>not</strong> hidden in this version.")
    size = KEY_ICON_SIZE
    icons = " ".join(
        f'<span class="dscp-key-item"><span aria-hidden="true">{variation_icon(kind, words, size)}</span> '
        f'{esc(words)}</span>'
        for kind, words in (("common_cause", "common cause"), ("improvement_high", "improvement"),
                            ("concern_high", "concern"), ("neutral_high", "neither better nor worse")))
    return (
        '<details class="dscp-how" open><summary>How to read this</summary><ul class="dscp-key">'
        f"<li>{hidden} <strong>Months</strong>: each month's figure, the latest as a dot (a gap is a hidden "
        "month).</li>"
        f"<li><strong>Variation</strong> (NHS Making Data Count, the latest month): {icons}; H high, L low.</li>"
        "<li><strong>Change</strong> since the previous period: ↑ up, ↓ down, → no change; "
        '<span class="dscp-better">blue better</span>, <span class="dscp-worse">orange worse</span>; '
        "<strong>bold, marked significant</strong>, when statistically significant.</li>"
        "<li><strong>RAG</strong>: ● Green, ◆ Amber, ■ Red, ○ not rated; the reason beside it.</li>"
        "</ul></details>"
    )


def _sparkline(row: SummaryRow) -> Raw:
    series = row.series
    if series is None:
        return Raw('<span class="dscp-icon-none">–<span class="dscp-visually-hidden"> not charted month by month'
                   '</span></span>')
    shown = [v for v in series.values if v is not None]
    unit = row.indicator.unit
    words = (f"{row.indicator.label}, each month from {month(series.dates[0])} to {month(series.dates[-1])}"
             + ("; some months hidden" if series.n_hidden else "")
             + (f"; lowest {format_value(min(shown), unit)}, highest {format_value(max(shown), unit)}"
                if shown else ""))
    return sparkline(series.values, words, *SPARKLINE_SIZE)


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
        "change": change_html(r.change),
        "rag": rag_badge(r.rag.status, r.rag.basis),
    } for r in rows], dtype=object)  # object: the badges stay Raw HTML
    columns = {"indicator": "Indicator", "value": report.label, "trend": "Months", "variation": "Variation",
               "assurance": "Assurance", "change": f"Change since {report.period.previous().label}", "rag": "RAG"}
    notes = []
    if not has_assurance:
        del columns["assurance"]
        notes.append("Assurance (will a target be met?) is left out: the PLG has not agreed a target for any "
                     "indicator yet.")
    if not any(r.variation for r in rows):
        del columns["variation"]
        notes.append("Variation is left out: no indicator has enough months shown to read it.")
    if not any(r.series for r in rows):
        del columns["trend"]
        notes.append("Months are left out: no indicator has a monthly series for this period.")
    note = "".join(f'<p class="dscp-note">{esc(n)}</p>' for n in notes)
    table = table_html(frame, f"Every Think Tank indicator, {report.label}", columns, group_by="theme",
                       css_class="dscp-table dscp-summary", row_header="indicator", card_labels=True,
                       column_classes=True)
    return note + table


def front_page(report: PeriodReport, commentary_dir) -> str:
    rows = summary_rows(report)
    label = "quarter" if report.period.kind == "quarter" else "period"
    return "\n".join([
        '<div class="dscp-front">',
        headline(report, commentary_dir),
        exceptions_html(report, rows),
        "</div>",
        f'<h3 id="summary">The {label} at a glance</h3>',
        how_to_read(report),
        summary_table(report, rows),
    ])
