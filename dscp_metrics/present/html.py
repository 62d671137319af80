"""HTML building blocks shared by pack and explorer: escaped text, accessible tables, badges, the definition card.

Nothing is interpolated into HTML unescaped: `esc` for text, and the only raw
HTML a table cell may hold is HTML built by this package (`Raw`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from ..disclosure.decide import SUPPRESSED
from ..indicators import Indicator
from ..indicators.registry import THEMES
from .format import NO_FIGURE

RAG_SYMBOL = {"green": "●", "amber": "◆", "red": "■", "not_rated": "○"}
RAG_LABEL = {"green": "Green", "amber": "Amber", "red": "Red", "not_rated": "Not rated"}
POLARITY_WORDS = {"higher": "Higher is better", "lower": "Lower is better", "none": "Neither: no judgement"}
UNIT_WORDS = {"count": "count (a whole number)", "%": "% (numerator / denominator × 100)",
              "mean": "mean (the sum of the ratings / how many there are)"}
WINDOW_WORDS = {"period": "The period", "rolling_12_months": "The 12 months ending on the period's last day"}


class Raw(str):
    """HTML this package built itself (badges, icons, links): shown as it is in a table cell."""


def esc(value: object) -> str:
    """Text made safe for HTML (quotes too); missing values become an en dash."""
    if isinstance(value, Raw):
        return str(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NO_FIGURE
    return html.escape(str(value), quote=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"


_NUMERIC = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?( to [-+]?[\d,]+(\.\d+)?%?)?$")


def _numeric(values: Iterable) -> bool:
    texts = [str(v) for v in values if not isinstance(v, Raw)]
    return bool(texts) and any(_NUMERIC.match(t) for t in texts) and all(
        _NUMERIC.match(t) or t in (SUPPRESSED, NO_FIGURE, "") for t in texts)


def table_html(frame: pd.DataFrame, caption: str, columns: Mapping[str, str] | Sequence[str] | None = None, *,
               group_by: str | None = None, css_class: str = "dscp-table", row_header: str | None = None,
               card_labels: bool = False, column_classes: bool = False) -> str:
    """An accessible table: a caption, `<th scope="col">` headings, every cell escaped (or `Raw`).

    `columns` maps frame columns to headings; figures are right-aligned; `group_by`
    starts a titled row group whenever its value changes; `row_header` names the
    column whose cells head their rows (`<th scope="row">`); `card_labels` gives each
    cell its heading as `data-label` (a phone shows each row as a card);
    `column_classes` gives each heading and cell the class `dscp-col-<column>` (for widths).
    """
    if columns is None:
        columns = {c: c for c in frame.columns if c != group_by}
    elif not isinstance(columns, Mapping):
        columns = {c: c for c in columns}
    numeric = {c for c in columns if _numeric(frame[c])}

    def css(column: str) -> str:
        names = (["dscp-num"] if column in numeric else []) + ([f"dscp-col-{slug(column)}"] if column_classes else [])
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{css(c)}>{esc(h)}</th>' for c, h in columns.items())
    body, group = [], object()
    for record in frame.to_dict("records"):
        if group_by is not None and record[group_by] != group:
            group = record[group_by]
            body.append(f'<tr class="dscp-group"><th scope="colgroup" colspan="{len(columns)}">{esc(group)}</th></tr>')
        cells = []
        for column in columns:
            tag = 'th scope="row"' if column == row_header else "td"
            close = "th" if column == row_header else "td"
            label = f' data-label="{esc(columns[column])}"' if card_labels else ""
            cells.append(f"<{tag}{css(column)}{label}>{esc(record[column])}</{close}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="{css_class}"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def details(summary: str, body: str, css_class: str = "dscp-numbers", anchor: str | None = None) -> str:
    """A collapsed block (`<details>`) whose summary line says what is inside."""
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f'<details class="{css_class}"{ident}><summary>{esc(summary)}</summary>{body}</details>'


def rag_badge(status: str | None, basis: str | None = None) -> Raw:
    """A RAG status as a symbol and its word, with a CSS class for the colour (never colour alone)."""
    key = status if status in RAG_LABEL else "not_rated"
    text = f'<span class="dscp-rag dscp-rag-{key}">{RAG_SYMBOL[key]} {RAG_LABEL[key]}</span>'
    if basis:
        text += f'<span class="dscp-basis">{esc(basis)}</span>'
    return Raw(text)


_VERDICT = re.compile(r"^(.*) \((significant|not significant)\)$")


def change_html(change, verdict: bool = True) -> Raw:
    """A change since an earlier period (a `report.changes.Change`, or None): its arrow and words, blue when
    better and orange when worse, bold and marked *significant* only when statistically significant.

    `verdict=False` leaves the word "significant" out (where the sentence says it already).
    """
    if change is None:
        return Raw(NO_FIGURE)
    text = str(change.text)
    match = _VERDICT.match(text)
    significant = bool(change.significant) and match is not None
    body = esc(match.group(1) if match else text)
    if match and significant and verdict:
        body += ' <span class="dscp-verdict">significant</span>'
    elif match and not significant:
        body += '<span class="dscp-visually-hidden"> (not significant)</span>'
    goodness = change.goodness if change.goodness in ("better", "worse") else "neutral"
    css = f"dscp-change dscp-{goodness}" + (" dscp-significant" if significant else "")
    return Raw(f'<span class="{css}">{body}</span>')


def note_html(text: str) -> str:
    return f'<p class="dscp-note">{esc(text)}</p>'


def definition_entries(indicator: Indicator) -> list[tuple[str, str]]:
    """The definition of an indicator, from its declaration (nothing retyped), as (term, text) pairs."""
    from ..indicators import SOURCES

    sources = dict.fromkeys(t for m in indicator.measures for t in SOURCES.get(m.source).tables)
    entries = [
        ("Indicator id", indicator.id),
        ("Theme", THEMES.get(indicator.theme).title),
        ("Definition", indicator.definition),
        ("Numerator", indicator.numerator_words),
        ("Denominator", indicator.denominator_words or "– (a count)"),
        ("Unit", UNIT_WORDS[indicator.unit]),
        ("Better when", POLARITY_WORDS[indicator.polarity]),
        ("Time window", WINDOW_WORDS[indicator.window]),
        ("Source", ", ".join(f"{t}.csv" for t in sources)),
    ]
    for keys in indicator.breakdowns:
        dims = [indicator.dimension(k) for k in keys]
        categories = " × ".join(
            ", ".join(d.label(c) for c in d.all_categories()) if d.categories is not None else f"each {d.title}"
            for d in dims)
        entries.append((f"Broken down by {' and '.join(d.title for d in dims)}", categories))
    if indicator.caveats:
        entries.append(("Caveats", indicator.caveats))
    return entries


def definition_card(indicator: Indicator, heading_level: int = 4, anchor: str | None = None) -> str:
    """The definition card (pack appendix and explorer alike)."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{'<code>' + esc(v) + '</code>' if k == 'Indicator id' else esc(v)}</dd>"
                   for k, v in definition_entries(indicator))
    level = max(2, min(6, heading_level))
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f'<h{level}{ident}>{esc(indicator.title)}</h{level}><dl class="dscp-definition">{body}</dl>'
