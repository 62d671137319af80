"""The back of the pack: data quality, the numbers behind every chart, and the definitions.

The numbers behind each chart are in the page (a screen reader or a printed
copy needs them) but collapsed, one `<details>` per chart whose summary line
says what is inside; every chart links to its table. Printed, they are open.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from ..disclosure.decide import SUPPRESSED
from ..indicators import REGISTRY, THEMES
from ..present.html import definition_card, details, esc, note_html, table_html
from ..report.period_report import PeriodReport
from ..report.quality import extract_coverage, reject_reasons, themes_without_data
from .figures import theme_charts


def data_quality(report: PeriodReport) -> HTML:
    """Per extract: supplied, loaded, rows read/loaded/rejected (exact: they count rows, not children), dates."""
    coverage = extract_coverage(report)
    headings = {"extract": "Extract", "supplied": "Supplied", "loaded_at": "Loaded", "rows_read": "Rows read",
                "rows_loaded": "Rows loaded", "rows_rejected": "Rows rejected", "dates": "Dates covered",
                "covers": f"Covers {report.label}"}
    parts = [table_html(coverage, "What each extract covered, and the rows loaded and rejected", headings,
                        row_header="extract", card_labels=True)]
    reasons = reject_reasons(report)
    parts.append("<h3>Rows set aside</h3>")
    parts.append(table_html(reasons, "Rows rejected, by extract and reason",
                            {"source": "Extract", "reason": "Reason", "rows": "Rows"})
                 if not reasons.empty else note_html("No rows were rejected."))
    empty = themes_without_data(report)
    parts.append("<h3>Themes without data</h3>")
    parts.append(note_html(f"Every theme has data for {report.label}.") if not empty else
                 "<ul>" + "".join(f"<li>{esc(e)}</li>" for e in empty) + "</ul>")
    parts.append("<h3>Figures hidden to protect children</h3>")
    parts.append(hidden_summary(report))
    return HTML("\n".join(parts))


def hidden_summary(report: PeriodReport) -> str:
    if report.restricted:
        return note_html("RESTRICTED: nothing is hidden in this version.")
    counts = report.publication.hidden_by_indicator()
    if not counts:
        return note_html("No figure in this pack needed hiding.")
    frame = pd.DataFrame({"Indicator": [REGISTRY.get(i).title for i in counts],
                          f"Figures shown as {SUPPRESSED}": [f"{n:,}" for n in counts.values()]})
    return table_html(frame, "Figures hidden in this pack (every period, month and category)",
                      row_header="Indicator")


def numbers(report: PeriodReport) -> HTML:
    """Every chart's numbers, theme by theme, each collapsed."""
    parts = []
    for theme in THEMES:
        charts = theme_charts(report, theme.id) if any(
            report.available(i) for i in report.indicators(theme.id)) else []
        if not charts:
            continue
        parts.append(f'<h3 id="numbers-theme-{esc(theme.id)}">{esc(theme.title)}</h3>')
        for spec in charts:
            rows = len(spec.numbers)
            table = table_html(spec.numbers, spec.numbers_caption, row_header=spec.numbers.columns[0])
            summary = f"{spec.numbers_caption}: the numbers ({rows} row{'s' if rows != 1 else ''})"
            parts.append(f'<div id="numbers-{spec.chart_id}">{details(summary, table)}</div>')
    return HTML("\n".join(parts))


def definitions(report: PeriodReport) -> HTML:
    """The definitions appendix, generated from the indicator registry (nothing retyped)."""
    parts = []
    for theme, indicators in REGISTRY.by_theme().items():
        if not indicators:
            continue
        cards = "".join(definition_card(i, 4, f"definition-{i.id}") for i in indicators)
        parts.append(details(f"{THEMES.get(theme).title}: {len(indicators)} indicators",
                             f'<h3 class="dscp-visually-hidden">{esc(THEMES.get(theme).title)}</h3>{cards}',
                             "dscp-definitions"))
    t = report.threshold
    parts.append(
        "<h3>Small numbers</h3><p>"
        + esc(f"A count from 1 to {t} is shown as {SUPPRESSED}, and so is a percentage whose number counted or "
              f"total is from 1 to {t}, and an average of 1 to {t} ratings; 0 is shown as 0. Everything in this "
              "pack is protected together: where a hidden figure could be worked out from a total, the months of "
              "a quarter, another period or a sentence, another figure is hidden too, and an audit checks before "
              f"the pack is written that no hidden figure can be worked out. {SUPPRESSED} is the Government "
              "Statistical Service symbol for a confidential value.")
        + "</p>"
    )
    return HTML("\n".join(parts))
