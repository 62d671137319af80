"""The "so what" questions for each theme, written from published figures only.

A question never states a hidden figure: a movement is described only when both
figures are published; otherwise it is not mentioned.
"""

from __future__ import annotations

from ..methods.rag import RED
from ..present.format import format_value
from .period_report import PeriodReport
from .summary import SummaryRow, summary_rows

LARGE_MOVE = 0.25  # a change of a quarter or more is worth a question even within normal variation
LARGE_MOVE_MIN_COUNT = 10


def _movement(report: PeriodReport, row: SummaryRow) -> str | None:
    change = row.change
    if change is None or not change.shown:
        return None
    then = report.figure(row.indicator.id, report.period.previous())
    moved = {"up": "rose", "down": "fell", "same": "stayed"}[change.direction]
    return (f"{row.indicator.label} {moved} from {format_value(then['value'], row.indicator.unit)} "
            f"to {row.value}")


def _large(report: PeriodReport, row: SummaryRow) -> bool:
    now, then = report.figure(row.indicator.id), report.figure(row.indicator.id, report.period.previous())
    if now is None or then is None or now["hidden"] or then["hidden"]:
        return False
    a, b = now["value"], then["value"]
    if a is None or b is None or b == 0:
        return False
    if row.indicator.unit == "count" and max(a, b) < LARGE_MOVE_MIN_COUNT:
        return False
    return abs(a / b - 1) >= LARGE_MOVE


def theme_prompts(report: PeriodReport, theme: str) -> list[str]:
    """The questions for a theme, in the order of its indicators."""
    questions: list[str] = []
    missing = report.missing_extracts(theme)
    if missing:
        questions.append(f"No {', '.join(missing)} was supplied: which partner will send it for next quarter?")
    for row in summary_rows(report, theme):
        movement = _movement(report, row)
        variation = row.variation
        if variation and variation != "common_cause" and movement:
            detail = row.series.reading.get("reading", "").split(": ", 1)[-1].rstrip(".")
            worrying = variation.startswith(("concern", "neutral"))
            ask = "what changed?" if worrying else "what is working, and can it last?"
            questions.append(f"{movement}; {detail}: {ask}")
        elif row.change is not None and row.change.significant and movement:
            questions.append(f"{movement}, a statistically significant change: what is driving it?")
        elif movement and _large(report, row):
            questions.append(f"{movement}, a large movement but within normal variation: is it the start of a "
                             "trend to watch?")
        if row.rag.status == RED:
            questions.append(f"{row.indicator.label} is rated Red ({row.rag.basis}): what is the partnership "
                             "doing about it?")
    if not questions:
        questions.append(
            f"No significant change or special cause variation in {report.theme_title(theme).lower()} this "
            "period: is there anything the figures do not show (practice, voice of the child, partners' experience)?"
        )
    return questions
