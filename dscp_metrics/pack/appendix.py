"""The back of the pack: data quality, the definitions, and (printed) the numbers behind every chart.

On screen the numbers behind each chart sit under it, collapsed (`sections.chart_html`);
a printed copy has them here instead, in an appendix shown only in print
(`numbers`), so the sections print as charts and words. The definitions are
collapsed by theme on screen and printed open, two columns to a page.
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
    """Per extract: supplied, loaded, rows read/loaded/rejected (exact: they count rows, not children), dates;
    then the reasons rows were rejected, one line per extract."""
    coverage = extract_coverage(report)
    headings = {"extract": "Extract", "supplied": "Supplied", "loaded_at": "Loaded", "rows_read": "Rows read",
                "rows_loaded": "Rows loaded", "rows_rejected": "Rows rejected", "dates": "Dates covered",
                "covers": f"Covers {report.label}"}
    parts = []
    loaded = coverage.loc[coverage["supplied"] == "Yes", "loaded_at"].unique() if not coverage.empty else []
    if len(loaded) == 1:  # one load: said once, not on every row
        del headings["loaded_at"]
        parts.append(f'<p class="dscp-intro">Every extract was loaded {esc(loaded[0])}.</p>')
    parts.append(table_html(coverage, "What each extract covered, and the rows loaded and rejected", headings,
                            css_class="dscp-table dscp-coverage", row_header="extract", card_labels=True))
    reasons = reject_reasons(report)
    parts.append("<h3>Rows set aside</h3>")
    if reasons.empty:
        parts.append(note_html("No rows were rejected."))
    else:
        by_extract = pd.DataFrame([
            {"source": source, "reasons": " · ".join(f"{r} {n}" for r, n in zip(group["reason"], group["rows"]))}
            for source, group in reasons.groupby("source", sort=True)])
        parts.append(table_html(by_extract, "Rows rejected, by extract: each reason and how many rows",
                                {"source": "Extract", "reasons": "Reason and rows"}, row_header="source",
                                card_labels=True))
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
    """The printed appendix of every chart's numbers, theme by theme (hidden on screen, where each table sits
    under its chart). Each table is written once, under its chart: here a placeholder names it and the page's
    script copies it in when the page opens (printing needs the script anyway, for the charts)."""
    parts = ['<div class="dscp-print-only dscp-print-numbers">',
             "<h2>Appendix: the numbers behind the charts</h2>",
             '<p class="dscp-intro">Every chart\'s figures, month by month or category by category.</p>']
    for theme in THEMES:
        charts = theme_charts(report, theme.id) if any(
            report.available(i) for i in report.indicators(theme.id)) else []
        if not charts:
            continue
        parts.append(f"<h3>{esc(theme.title)}</h3>")
        parts += [f'<div class="dscp-print-table" data-numbers="numbers-{esc(spec.chart_id)}"></div>'
                  for spec in charts]
    parts.append("</div>")
    return HTML("\n".join(parts))


def definitions(report: PeriodReport) -> HTML:
    """The definitions appendix, generated from the indicator registry (nothing retyped)."""
    parts = []
    for theme, indicators in REGISTRY.by_theme().items():
        if not indicators:
            continue
        cards = "".join(f'<div class="dscp-definition-card">{definition_card(i, 4, f"definition-{i.id}")}</div>'
                        for i in indicators)
        title = THEMES.get(theme).title
        parts.append(details(f"{title}: how its {len(indicators)} indicators are defined",
                             f'<h3 class="dscp-visually-hidden">{esc(title)}</h3>'
                             f'<div class="dscp-definition-cards">{cards}</div>', "dscp-definitions"))
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
