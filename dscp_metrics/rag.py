"""RAG status: each indicator's Red / Amber / Green, from its target or its benchmark.

The rules (configured in `data/thinktank.toml`, see `config.py`):

1. A target: the SPC assurance of the indicator's monthly series
   (`consistent_pass` Green, `inconsistent` Amber, `consistent_fail` Red),
   when the series has enough points; otherwise the latest figure's confidence
   interval against the target (wholly on the good side Green, touching or
   containing it Amber, wholly on the bad side Red).
2. No target, a benchmark: the Fingertips comparison (`better` Green,
   `similar` Amber, `worse` Red).
3. The OSA Green share (overall or a section): configurable bands.
4. Otherwise not rated. An indicator of polarity `none` is never rated, and a
   suppressed figure is not rated either (its RAG would hint at its size).

RAG is always shown with its word, never by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .config import Config
from .indicators import Indicator
from .periods import parse_period
from .stats import compare_with_benchmark

GREEN, AMBER, RED, NOT_RATED = "green", "amber", "red", "not_rated"
LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_RATED: "Not rated"}
ASSURANCE_RAG = {"consistent_pass": GREEN, "inconsistent": AMBER, "consistent_fail": RED}
COMPARISON_RAG = {"better": GREEN, "similar": AMBER, "worse": RED}


@dataclass(frozen=True)
class Rag:
    """A RAG status and the reason for it in words."""

    status: str
    basis: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass(frozen=True)
class Benchmark:
    value: float
    period: str
    area: str
    source: str

    def describe(self, unit: str) -> str:
        figure = f"{self.value:.1f}%" if unit == "%" else f"{self.value:,.0f}"
        return f"{self.area} {figure} ({self.period})"


def benchmark_for(config: Config, indicator_id: str, period: str) -> Benchmark | None:
    """The benchmark that applies to a period: the one for its financial year, else
    the latest earlier year's (a published comparator lags the local data)."""
    table = config.benchmarks()
    if table.empty:
        return None
    rows = table[(table["indicator_id"] == indicator_id) & (table["area"] == config.benchmark_area)]
    if rows.empty:
        return None
    try:
        year = parse_period(period)
        year_start = year.start_year
    except Exception:  # a month label (YYYY-MM): its financial year
        month = pd.Timestamp(period + "-01")
        year_start = month.year if month.month >= 4 else month.year - 1
    starts = rows["period"].map(lambda p: parse_period(p).start_year)
    eligible = rows[starts <= year_start]
    if eligible.empty:
        return None
    best = eligible.loc[starts[eligible.index].idxmax()]
    return Benchmark(float(best["value"]), str(best["period"]), str(best["area"]), str(best["source"]))


def _finite(x) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def rag_status(
    indicator: Indicator,
    value: float | None,
    lower: float | None,
    upper: float | None,
    config: Config,
    period: str,
    breakdown: str = "all",
    assurance: str | None = None,
    n_points: int = 0,
    suppressed: bool = False,
) -> Rag:
    """The RAG of one figure (see the module docstring for the rules)."""
    if indicator.polarity == "none":
        return Rag(NOT_RATED, "no better direction")
    if suppressed:
        return Rag(NOT_RATED, "figure suppressed (small numbers)")
    if not _finite(value):
        return Rag(NOT_RATED, "no figure for the period")
    target = config.targets.get(indicator.id) if breakdown == "all" else None
    if target is not None:
        shown = f"{target:g}%" if indicator.unit == "%" else f"{target:g}"
        if assurance in ASSURANCE_RAG and n_points >= config.min_points_for_assurance:
            words = assurance.replace("_", " ")
            return Rag(ASSURANCE_RAG[assurance], f"target {shown}: SPC assurance {words} over {n_points} months")
        comparison = compare_with_benchmark(lower, upper, target, indicator.polarity)
        if comparison in COMPARISON_RAG:
            return Rag(COMPARISON_RAG[comparison], f"target {shown}: interval {comparison.replace('better', 'better than').replace('worse', 'worse than')} target")
    if breakdown == "all":
        bench = benchmark_for(config, indicator.id, period)
        if bench is not None:
            comparison = compare_with_benchmark(lower, upper, bench.value, indicator.polarity)
            if comparison in COMPARISON_RAG:
                return Rag(COMPARISON_RAG[comparison], f"{comparison} than {bench.describe(indicator.unit)}".replace("similar than", "similar to"))
    if indicator.id == "osa_green_share":
        if value >= config.osa_green_at_least:
            return Rag(GREEN, f"{config.osa_green_at_least:g}% or more rated Green")
        if value >= config.osa_amber_at_least:
            return Rag(AMBER, f"{config.osa_amber_at_least:g}% to {config.osa_green_at_least:g}% rated Green")
        return Rag(RED, f"under {config.osa_amber_at_least:g}% rated Green")
    return Rag(NOT_RATED, "no target or benchmark agreed")
