"""What a Think Tank pack says about one period, read from its publication (suppressed and audited).

`build_report(snapshot, config, suppress)` publishes the snapshot's rows once
(`publication.publish`); everything else here is worked out from the published
rows: the figures, changes, SPC series and readings, benchmarks and RAG. No view
sees an unsuppressed figure unless the whole pack is restricted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..config import Config, load_config
from ..indicators import REGISTRY, THEMES, Indicator
from ..methods.compare import compare_with_benchmark
from ..methods.rag import NOT_RATED, Rag, benchmark_for, rag_status
from ..periods import Period
from ..publication.publish import Publication, publish
from ..publication.selection import pack_periods, pack_rows
from ..publication.snapshot import Snapshot
from .changes import Change, change_between
from .series import SpcSeries, published_series


@dataclass
class PeriodReport:
    """The pack's figures for one period: its publication and the snapshot it came from."""

    snapshot: Snapshot
    publication: Publication
    config: Config
    _memo: dict = field(default_factory=dict, repr=False, compare=False)  # judgements asked for more than once

    def remember(self, key: tuple, work):
        """The answer for `key`, worked out once (the front page and each section ask the same questions; a
        view may keep its own work here too, keyed by its name)."""
        if key not in self._memo:
            self._memo[key] = work()
        return self._memo[key]

    # ------------------------------------------------------------ basics
    @property
    def period(self) -> Period:
        return self.snapshot.period

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def suppress(self) -> bool:
        return self.publication.suppress

    @property
    def restricted(self) -> bool:
        return self.publication.restricted

    @property
    def threshold(self) -> int:
        return self.publication.threshold

    @property
    def load_id(self) -> str | None:
        return self.snapshot.load_id

    @property
    def comparison_periods(self) -> list[Period]:
        return pack_periods(self.period)[1:]

    def indicators(self, theme: str | None = None) -> list[Indicator]:
        return [i for i in REGISTRY if theme is None or i.theme == theme]

    def available(self, indicator: Indicator) -> bool:
        """True when every extract the indicator needs was supplied."""
        return all(t in self.snapshot.loaded for t in REGISTRY.tables_needed(indicator))

    def missing_extracts(self, theme: str) -> list[str]:
        return sorted({f"{t}.csv" for i in self.indicators(theme) for t in REGISTRY.tables_needed(i)
                       if t not in self.snapshot.loaded})

    # ------------------------------------------------------------ figures
    def figure(self, indicator_id: str, period: Period | str | None = None, cell: tuple = ()) -> dict | None:
        """The published row (figures None when hidden), or None when there is none."""
        return self.publication.figure(indicator_id, str(period or self.period), cell)

    def cells(self, indicator_id: str, period: Period | str | None = None):
        """The published breakdown rows (not the whole figure) of an indicator for a period."""
        rows = self.publication.rows(indicator_id, str(period or self.period))
        return rows[rows["breakdown"] != "all"]

    def change(self, indicator_id: str, against: Period, cell: tuple = ()) -> Change:
        return self.remember(("change", indicator_id, against, tuple(cell)), lambda: change_between(
            REGISTRY.get(indicator_id), self.figure(indicator_id, cell=cell),
            self.figure(indicator_id, against, cell), against.label))

    @cached_property
    def _series(self) -> dict[str, SpcSeries]:
        shown = self.publication.shown
        monthly = shown[shown["period_kind"] == "month"]
        out = {}
        for indicator in REGISTRY:
            rows = monthly[monthly["indicator_id"] == indicator.id]
            if indicator.has_monthly_series and len(rows):
                out[indicator.id] = published_series(rows, indicator, self.config.targets.get(indicator.id))
        return out

    def series(self, indicator_id: str) -> SpcSeries | None:
        """The indicator's published monthly series (and SPC reading when no month is hidden)."""
        return self._series.get(indicator_id)

    # ------------------------------------------------------------ judgements
    def rag(self, indicator_id: str, cell: tuple = ()) -> Rag:
        return self.remember(("rag", indicator_id, tuple(cell)), lambda: self._rag(indicator_id, tuple(cell)))

    def _rag(self, indicator_id: str, cell: tuple) -> Rag:
        indicator = REGISTRY.get(indicator_id)
        row = self.figure(indicator_id, cell=cell)
        series = self.series(indicator_id) if cell == () else None
        if row is None:
            return Rag(NOT_RATED, "no figure for the period")
        breakdown = ";".join(f"{k}={v}" for k, v in cell) or "all"
        return rag_status(indicator, row["value"], row["lower_ci"], row["upper_ci"], self.config, str(self.period),
                          breakdown=breakdown, assurance=series.assurance if series else None,
                          n_points=len(series.values) if series else 0, suppressed=bool(row["hidden"]))

    def benchmark(self, indicator_id: str) -> tuple[str, str | None]:
        """The benchmark in words and the comparison (`better`, `worse`, `similar`, ...), or ("", None)."""
        return self.remember(("benchmark", indicator_id), lambda: self._benchmark(indicator_id))

    def _benchmark(self, indicator_id: str) -> tuple[str, str | None]:
        indicator = REGISTRY.get(indicator_id)
        bench = benchmark_for(self.config, indicator_id, str(self.period))
        if bench is None:
            return "", None
        row = self.figure(indicator_id)
        if row is None or row["hidden"]:
            return bench.describe(indicator.unit), None
        comparison = compare_with_benchmark(row["lower_ci"], row["upper_ci"], bench.value, indicator.polarity)
        words = {"better": "better than", "worse": "worse than", "similar": "similar to", "higher": "higher than",
                 "lower": "lower than", "not_compared": "not compared with"}[comparison]
        return f"{words.capitalize()} {bench.describe(indicator.unit)}", comparison

    def theme_title(self, theme: str) -> str:
        return THEMES.get(theme).title


def build_report(snapshot: Snapshot, config: Config | None = None, suppress: bool = True) -> PeriodReport:
    """Publish the snapshot's pack rows (suppressed and audited unless `suppress` is False)."""
    config = config or load_config()
    firsts = {name: span[0] for name, span in snapshot.ranges.items()}
    rows = pack_rows(snapshot.table.frame, snapshot.period, firsts)
    publication = publish(rows, suppress=suppress, threshold=config.suppression_threshold,
                          categories=snapshot.table.categories, notes=snapshot.table.notes())
    return PeriodReport(snapshot, publication, config)
