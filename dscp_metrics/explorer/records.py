"""The drill-down's table: the records behind a figure, for the analyst's screen only (never written anywhere)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..present.html import esc

RECORDS_WARNING = (
    "Records with identifiers, for your own questions in this session only. "
    "They cannot be exported from the explorer; do not copy them elsewhere."
)


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value)
    if value is None or pd.isna(value):  # None, NA, NaN and NaT: an empty cell
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def records_html(records: pd.DataFrame, total: int, heading: str, distinct: int | None = None) -> str:
    """The records as HTML (every cell escaped), with how many there are and the restricted warning;
    `distinct`: for a figure counting distinct identifiers, how many the records hold."""
    shown = len(records)
    count = f"{total:,} record{'' if total == 1 else 's'}" + (f", {distinct:,} distinct" if distinct is not None
                                                              else "")
    count += f"; the first {shown:,} are shown" if shown < total else ""
    head = "".join(f"<th>{esc(c)}</th>" for c in records.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in records.itertuples(index=False))
    return (f'<p style="color:#a4000f"><b>{esc(RECORDS_WARNING)}</b></p><p>{esc(heading)}: {esc(count)}.</p>'
            f'<div style="max-height:400px;overflow:auto"><table class="dscp-records" style="border-collapse:collapse">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
