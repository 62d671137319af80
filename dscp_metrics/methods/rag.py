"""RAG status: each indicator's Red / Amber / Green, from its target or its benchmark.

The rules (configured in `data/thinktank.toml`, see `config.py`):

1. A target: the SPC assurance of the indicator's monthly series
   (`consistent_pass` Green, `inconsistent` Amber, `consistent_fail` Red),
   when the series has enough points; otherwise the latest figure's confidence
   interval against the target (wholly on the good side Green, touching or
   containing it Amber, wholly on the bad side Red).
2. No target, a benchmark: the Fingertips comparison (`better` Green,
   `similar` Amber, `worse` Red).
3. Bands on the indicator's own scale, where `data/thinktank.toml` sets them
   (the OSA Green share has the agreed 80% / 70%).
4. Otherwise not rated. An indicator of polarity `none` is never rated, and a
   suppressed figure is not rated either (its RAG would hint at its size).

RAG is always shown with its word, never by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache


from ..config import Config, read_benchmarks
from ..indicators import Indicator
from ..periods import parse_period
from .compare import compare_with_benchmark

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
    year_start = parse_period(period).start_year  # a month or quarter: its financial year
    known = _benchmarks_by_indicator(config).get(indicator_id, ())
    eligible = [(start, b) for start, b in known if start <= year_start]
    return max(eligible, key=lambda pair: pair[0])[1] if eligible else None


def _benchmarks_by_indicator(config: Config) -> dict[str, list[tuple[int, Benchmark]]]:
    """The configured area's benchmarks by indicator, each with its financial year's start (read once
    per file version: the pack asks for hundreds)."""
    path = config.benchmark_file
    if path is None or not path.is_file():
        return {}
    return _index_benchmarks(path, path.stat().st_mtime_ns, config.benchmark_area)


@lru_cache(maxsize=8)
def _index_benchmarks(path, stamp: int, area: str) -> dict[str, list[tuple[int, Benchmark]]]:
    table = read_benchmarks(path, stamp)
    index: dict[str, list[tuple[int, Benchmark]]] = {}
    for row in table[table["area"] == area].itertuples(index=False):
        benchmark = Benchmark(float(row.value), str(row.period), str(row.area), str(row.source))
        index.setdefault(str(row.indicator_id), []).append((parse_period(str(row.period)).start_year, benchmark))
    return index


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
            words = {"better": "better than", "worse": "worse than", "similar": "similar to"}[comparison]
            return Rag(COMPARISON_RAG[comparison], f"target {shown}: interval {words} target")
    if breakdown == "all":
        bench = benchmark_for(config, indicator.id, period)
        if bench is not None:
            comparison = compare_with_benchmark(lower, upper, bench.value, indicator.polarity)
            if comparison in COMPARISON_RAG:
                words = {"better": "better than", "worse": "worse than", "similar": "similar to"}[comparison]
                return Rag(COMPARISON_RAG[comparison], f"{words} {bench.describe(indicator.unit)}")
    bands = config.bands.get(indicator.id)
    if bands is not None:
        return _banded(indicator, float(value), bands)
    return Rag(NOT_RATED, "no target or benchmark agreed")


def _banded(indicator: Indicator, value: float, bands) -> Rag:
    """Green / Amber / Red from the configured bands on the indicator's own scale."""
    unit = "%" if indicator.unit == "%" else ""
    if indicator.polarity == "lower":
        if value <= bands.green:
            return Rag(GREEN, f"{bands.green:g}{unit} or less")
        if value <= bands.amber:
            return Rag(AMBER, f"over {bands.green:g}{unit}, up to {bands.amber:g}{unit}")
        return Rag(RED, f"over {bands.amber:g}{unit}")
    if value >= bands.green:
        return Rag(GREEN, f"{bands.green:g}{unit} or more")
    if value >= bands.amber:
        return Rag(AMBER, f"{bands.amber:g}{unit} to under {bands.green:g}{unit}")
    return Rag(RED, f"under {bands.amber:g}{unit}")
