"""The quarter at a glance: one summary row per indicator, and the exceptions a PLG member should discuss.

An exception (the front page's "what should we discuss?") is a figure with
special-cause variation in its monthly series, a statistically significant change
since the previous period, a figure worse than its benchmark, or a Red or Amber
RAG. Everything is read from published figures only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..indicators import Indicator
from ..methods.rag import AMBER, RED, Rag
from ..present.format import NO_FIGURE, format_interval, format_value
from .changes import Change
from .period_report import PeriodReport
from .series import SpcSeries

VARIATION_WORDS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause: improvement (high)",
    "improvement_low": "Special cause: improvement (low)",
    "concern_high": "Special cause: concern (high)",
    "concern_low": "Special cause: concern (low)",
    "neutral_high": "Special cause: high (neither better nor worse)",
    "neutral_low": "Special cause: low (neither better nor worse)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently passing the target",
    "consistent_fail": "Consistently failing the target",
    "inconsistent": "Hit and miss against the target",
}


@dataclass
class SummaryRow:
    """What the summary shows for one indicator's whole figure in the period."""

    indicator: Indicator
    value: str
    interval: str
    hidden: bool
    note: str
    change: Change | None
    change_year: Change | None
    series: SpcSeries | None
    rag: Rag
    benchmark: str
    benchmark_comparison: str | None

    @property
    def variation(self) -> str | None:
        return self.series.variation if self.series else None

    @property
    def assurance(self) -> str | None:
        return self.series.assurance if self.series else None

    @property
    def variation_words(self) -> str:
        if self.series is None:
            return "Not charted month by month"
        if self.series.n_hidden:
            return "Not assessed: some months are hidden (small numbers)"
        return VARIATION_WORDS.get(self.variation, "Too few months to assess")


def summary_rows(report: PeriodReport, theme: str | None = None) -> list[SummaryRow]:
    rows = []
    previous, year_ago = report.period.previous(), report.period.year_earlier()
    for indicator in report.indicators(theme):
        if not report.available(indicator):
            missing = ", ".join(report.missing_extracts(indicator.theme))
            rows.append(SummaryRow(indicator, "No data", NO_FIGURE, False, f"{missing} not supplied", None, None,
                                   None, report.rag(indicator.id), "", None))
            continue
        figure = report.figure(indicator.id)
        if figure is None:  # shares of a breakdown only: shown in the theme's section
            rows.append(SummaryRow(indicator, "By category", NO_FIGURE, False, "see its chart in the section", None,
                                   None, None, report.rag(indicator.id), "", None))
            continue
        benchmark, comparison = report.benchmark(indicator.id)
        rows.append(SummaryRow(
            indicator=indicator,
            value=format_value(figure["value"], indicator.unit, figure["hidden"]),
            interval=format_interval(figure["lower_ci"], figure["upper_ci"], indicator.unit, figure["hidden"]),
            hidden=bool(figure["hidden"]),
            note=_note(indicator, figure),
            change=report.change(indicator.id, previous),
            change_year=report.change(indicator.id, year_ago) if year_ago != previous else None,
            series=report.series(indicator.id),
            rag=report.rag(indicator.id),
            benchmark=benchmark,
            benchmark_comparison=comparison,
        ))
    return rows


def _note(indicator: Indicator, figure: dict) -> str:
    if figure["hidden"]:
        return "hidden: small numbers"
    if not figure["history_complete"]:
        return "look-back incomplete: undercounted"
    if indicator.unit == "%" and figure["denominator"] is not None and figure["numerator"] is not None \
            and figure["numerator"] > figure["denominator"]:
        return "more counted than the denominator: check the extracts"
    if figure["value"] is None or figure["value"] != figure["value"]:
        return "no figure: nothing to divide by"
    return ""


@dataclass(frozen=True)
class Exception_:
    """One thing to discuss: the indicator, its theme, what kind of exception, in one sentence."""

    indicator: Indicator
    kind: str  # variation, change, benchmark, rag
    sentence: str


def exceptions(report: PeriodReport, rows: list[SummaryRow] | None = None) -> list[Exception_]:
    found = []
    for row in rows if rows is not None else summary_rows(report):
        name = row.indicator.label
        if row.series and row.variation and row.variation != "common_cause":
            found.append(Exception_(row.indicator, "variation",
                                    f"{name}: {row.series.reading.get('reading', VARIATION_WORDS[row.variation])}"))
        if row.change and row.change.shown and row.change.significant:
            found.append(Exception_(row.indicator, "change",
                                    f"{name} changed significantly since {row.change.against}: {row.change.text}, "
                                    f"now {row.value}."))
        if row.benchmark_comparison == "worse":
            found.append(Exception_(row.indicator, "benchmark", f"{name} is {row.benchmark.lower()}."))
        if row.rag.status in (RED, AMBER):
            found.append(Exception_(row.indicator, "rag", f"{name} is rated {row.rag.label} ({row.rag.basis})."))
    return found
