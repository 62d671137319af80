"""What a Think Tank pack says about one period: the figures as published
(suppressed unless turned off), direction of travel, SPC readings, benchmark,
RAG, the level-3 injury review list, data quality, and the "so what" prompts.

The pack notebooks and the explorer read everything from a `PeriodReport`;
they hold no logic of their own. Raw figures stay inside this object: what a
page may show comes from `shown` (disclosure control applied).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import math
import os
import pickle
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import stats
from .config import Config, load_config
from .store import open_store, store_tables
from .disclosure import SUPPRESSED, suppress as apply_suppression, suppression_summary
from .indicators import REGISTRY, SOURCES, THEMES, Indicator
from .periods import Period, months_before, parse_period
from .rag import Rag, benchmark_for, rag_status
from .spc import spc as spc_frame, spc_summary
from .table import indicator_table, monthly_table

SPC_MAX_MONTHS = 36
RESTRICTED_BANNER = "RESTRICTED — contains unsuppressed small numbers"

VARIATION_WORDS = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
    None: "Not charted",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Consistently passing",
    "consistent_fail": "Consistently failing",
    "inconsistent": "Hit and miss",
    None: "No target",
}


# ------------------------------------------------------------------ formatting
def format_value(value, unit: str, digits: int = 1) -> str:
    """A figure as a reader sees it: `1,260`, `24.1%`, `[c]` when suppressed, `–` when there is none."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "%":
        return f"{float(value):.{digits}f}%"
    return f"{int(round(float(value))):,}"


def format_interval(lower, upper, unit: str) -> str:
    if isinstance(lower, str) or isinstance(upper, str):
        return SUPPRESSED
    if lower is None or upper is None or any(
        v is pd.NA or (isinstance(v, float) and math.isnan(v)) for v in (lower, upper)
    ):
        return "–"
    if unit == "%":
        return f"{float(lower):.1f}% to {float(upper):.1f}%"
    return f"{float(lower):,.1f} to {float(upper):,.1f}"


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


@dataclass
class Change:
    """The change of a figure against a comparison period, as a reader may see it."""

    against: str
    text: str
    direction: str
    significant: bool | None
    suppressed: bool


@dataclass
class PeriodReport:
    """Everything the pack shows for one period, computed once."""

    period: Period
    db_path: Path
    suppress: bool = True
    config: Config = field(default_factory=load_config)

    def __post_init__(self) -> None:
        self.period = parse_period(self.period)
        self.db_path = Path(self.db_path)
        self.threshold = self.config.suppression_threshold
        con = open_store(self.db_path)
        try:
            self.loaded = store_tables(con)
            periods = [self.period, self.period.previous(), self.period.year_earlier()]
            computed = indicator_table(con, periods)
            self.table = computed.frame
            self.missing_sources = computed.missing_sources
            self.monthly = self._monthly(con)
            self.load_log = con.execute("SELECT * FROM store.load_log ORDER BY source").df() if "load_log" in self.loaded else pd.DataFrame()
            self.reject_reasons = (
                con.execute(
                    "SELECT source, regexp_extract(reason, '^[a-z_ +]+[a-z]') AS reason, "
                    "count(DISTINCT line) AS rows FROM store.rejects GROUP BY ALL ORDER BY source, rows DESC"
                ).df()
                if "rejects" in self.loaded
                else pd.DataFrame(columns=["source", "reason", "rows"])
            )
            self.level3 = self._level3(con)
        finally:
            con.close()
        self.shown = apply_suppression(self.table, self.threshold) if self.suppress else self._unsuppressed(self.table)

    # -------------------------------------------------------------- computing
    def _monthly(self, con) -> pd.DataFrame:
        first_dates = {}
        for name in {i.source for i in REGISTRY if i.window == "period"} & self.loaded:
            source = SOURCES[name]
            first = con.execute(f"SELECT min({source.date_column}) FROM store.{name}").fetchone()[0]
            if first is not None:
                if source.needs_lookback:
                    first = months_before(first, -12)  # the first 12 months undercount re-referrals
                first_dates[name] = first
        frames = []
        last = self.period.last_day
        earliest = months_before(last + dt.timedelta(days=1), SPC_MAX_MONTHS)
        for name, first in first_dates.items():
            start = max(first.replace(day=1), earliest)
            if start > last:
                continue
            ids = [i.id for i in REGISTRY if i.source == name and i.window == "period"]
            frames.append(monthly_table(con, start, last, ids).frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _level3(self, con) -> pd.DataFrame:
        if "restraint_incidents" not in self.loaded:
            return pd.DataFrame(columns=["incident_date", "age"])
        return con.execute(
            "SELECT incident_date, age FROM store.restraint_incidents "
            "WHERE injury_level = 3 AND incident_date BETWEEN ? AND ? ORDER BY incident_date",
            [self.period.first_day, self.period.last_day],
        ).df()

    @staticmethod
    def _unsuppressed(table: pd.DataFrame) -> pd.DataFrame:
        shown = table.copy()
        shown["suppressed"] = False
        shown["suppression_reason"] = ""
        return shown

    def warm(self) -> PeriodReport:
        """Compute everything computed lazily (SPC readings, row indexes), e.g. before caching."""
        self._spc_cache, self._raw_rows, self._shown_rows  # noqa: B018
        return self

    # ------------------------------------------------------------- accessors
    @property
    def restricted(self) -> bool:
        return not self.suppress

    @property
    def label(self) -> str:
        return self.period.label

    def indicators(self, theme: str | None = None) -> list[Indicator]:
        return [i for i in REGISTRY if theme is None or i.theme == theme]

    def available(self, indicator: Indicator) -> bool:
        return all(s in self.loaded for s in indicator.sources)

    def theme_missing_sources(self, theme: str) -> list[str]:
        return sorted({s for i in self.indicators(theme) for s in i.sources if s not in self.loaded})

    @staticmethod
    def _index(frame: pd.DataFrame) -> dict[tuple[str, str, str], dict]:
        """Rows keyed by (indicator_id, period, breakdown), built once."""
        records = frame.to_dict(orient="records")
        return {(r["indicator_id"], r["period"], r["breakdown"]): r for r in records}

    @cached_property
    def _raw_rows(self) -> dict[tuple[str, str, str], dict]:
        return self._index(self.table)

    @cached_property
    def _shown_rows(self) -> dict[tuple[str, str, str], dict]:
        return self._index(self.shown)

    def raw(self, indicator_id: str, breakdown: str = "all", period: Period | str | None = None) -> dict | None:
        """The unsuppressed figure: for the library's own reasoning, never for a page."""
        return self._raw_rows.get((indicator_id, str(period or self.period), breakdown))

    def figure(self, indicator_id: str, breakdown: str = "all", period: Period | str | None = None) -> dict | None:
        """The figure as it may be published (suppressed cells are `[c]`)."""
        return self._shown_rows.get((indicator_id, str(period or self.period), breakdown))

    def breakdown_table(self, indicator_id: str, period: Period | str | None = None) -> pd.DataFrame:
        """The published rows of an indicator for a period, with readable category labels."""
        indicator = REGISTRY.get(indicator_id)
        rows = self.shown[(self.shown.indicator_id == indicator_id) & (self.shown.period == str(period or self.period))]
        labels = []
        for breakdown in rows.breakdown:
            if breakdown == "all":
                labels.append("All")
                continue
            parts = dict(part.split("=", 1) for part in breakdown.split(";"))
            labels.append(" – ".join(d.label(parts[d.key]) for d in indicator.breakdowns))
        return pd.DataFrame(
            {
                "category": labels,
                "breakdown": rows.breakdown.to_numpy(),
                "value": [format_value(v, indicator.unit) for v in rows.value],
                "numerator": [format_value(v, "count") for v in rows.numerator],
                "denominator": [format_value(v, "count") if indicator.unit == "%" else "" for v in rows.denominator],
                "interval": [format_interval(lo, hi, indicator.unit) for lo, hi in zip(rows.lower_ci, rows.upper_ci)],
                "suppressed": rows.suppressed.to_numpy(),
                "raw_value": [np.nan if isinstance(v, str) else v for v in rows.value],
            }
        )

    # ---------------------------------------------------------------- change
    def change(self, indicator_id: str, against: Period | str, breakdown: str = "all") -> Change:
        """The change from `against` to this period; hidden when either figure is suppressed."""
        indicator = REGISTRY.get(indicator_id)
        against = parse_period(against)
        now, then = self.raw(indicator_id, breakdown), self.raw(indicator_id, breakdown, against)
        shown_now, shown_then = self.figure(indicator_id, breakdown), self.figure(indicator_id, breakdown, against)
        if now is None or then is None:
            return Change(against.label, "–", "not_compared", None, False)
        if (shown_now and shown_now["suppressed"]) or (shown_then and shown_then["suppressed"]):
            return Change(against.label, SUPPRESSED, "not_compared", None, True)
        dot = stats.direction_of_travel(
            now["numerator"], now["denominator"] if indicator.unit == "%" else np.nan,
            then["numerator"], then["denominator"] if indicator.unit == "%" else np.nan,
            indicator.unit,
        ).iloc[0]
        if dot["direction"] == "not_compared":
            return Change(against.label, "–", "not_compared", None, False)
        significant = None if pd.isna(dot["significant"]) else bool(dot["significant"])
        arrow = {"up": "▲", "down": "▼", "same": "►"}[dot["direction"]]
        amount = (
            f"{dot['change']:+.1f} points" if indicator.unit == "%" else f"{int(dot['change']):+,}"
        )
        verdict = "significant" if significant else "not significant"
        text = f"{arrow} {amount} from {format_value(then['value'], indicator.unit)} ({verdict})"
        if dot["direction"] == "same":
            text = f"{arrow} no change from {format_value(then['value'], indicator.unit)}"
        return Change(against.label, text, dot["direction"], significant, False)

    # ------------------------------------------------------------------- SPC
    def monthly_series(self, indicator_id: str, breakdown: str = "all") -> pd.DataFrame:
        if self.monthly.empty:
            return pd.DataFrame(columns=["period", "numerator", "denominator", "value"])
        series = self.monthly[(self.monthly.indicator_id == indicator_id) & (self.monthly.breakdown == breakdown)]
        return series.reset_index(drop=True)

    def spc(self, indicator_id: str) -> tuple[pd.DataFrame, dict] | None:
        """The SPC frame and its reading for an indicator's monthly series, or None when it has no series."""
        indicator = REGISTRY.get(indicator_id)
        series = self.monthly_series(indicator_id)
        series = series[series["value"].notna()]
        if len(series) < 2:
            return None
        dates = pd.to_datetime(series["period"] + "-01")
        frame = spc_frame(series["value"].to_numpy(dtype=float), dates=dates, polarity=indicator.polarity,
                          target=self.config.targets.get(indicator_id))
        summary = spc_summary(frame, point="month")
        return frame, summary

    @cached_property
    def _spc_cache(self) -> dict[str, tuple[pd.DataFrame, dict] | None]:
        return {i.id: self.spc(i.id) for i in REGISTRY if self.available(i)}

    def spc_reading(self, indicator_id: str) -> dict | None:
        result = self._spc_cache.get(indicator_id)
        return None if result is None else result[1]

    # ------------------------------------------------------------------- RAG
    def rag(self, indicator_id: str, breakdown: str = "all") -> Rag:
        indicator = REGISTRY.get(indicator_id)
        raw, shown = self.raw(indicator_id, breakdown), self.figure(indicator_id, breakdown)
        reading = self.spc_reading(indicator_id) if breakdown == "all" else None
        return rag_status(
            indicator,
            None if raw is None else raw["value"],
            None if raw is None else raw["lower_ci"],
            None if raw is None else raw["upper_ci"],
            self.config,
            str(self.period),
            breakdown=breakdown,
            assurance=(reading or {}).get("assurance"),
            n_points=(reading or {}).get("n_points", 0),
            suppressed=bool(shown and shown["suppressed"]),
        )

    def benchmark_text(self, indicator_id: str) -> str:
        indicator = REGISTRY.get(indicator_id)
        bench = benchmark_for(self.config, indicator_id, str(self.period))
        if bench is None:
            return "–"
        raw, shown = self.raw(indicator_id), self.figure(indicator_id)
        if raw is None or (shown and shown["suppressed"]):
            return bench.describe(indicator.unit)
        comparison = stats.compare_with_benchmark(raw["lower_ci"], raw["upper_ci"], bench.value, indicator.polarity)
        words = {"better": "better than", "worse": "worse than", "similar": "similar to",
                 "higher": "higher than", "lower": "lower than", "not_compared": "not compared with"}[comparison]
        return f"{words.capitalize()} {bench.describe(indicator.unit)}"

    # --------------------------------------------------------------- summary
    def summary(self, theme: str | None = None) -> pd.DataFrame:
        """One row per indicator (its whole figure): the summary table a PLG member scans in a minute."""
        rows = []
        for indicator in self.indicators(theme):
            if not self.available(indicator):
                rows.append(self._unavailable_row(indicator))
                continue
            figure = self.figure(indicator.id)
            if figure is None:  # a share of a breakdown (no whole figure): its cells in brief
                rows.append(self._breakdown_only_row(indicator))
                continue
            reading = self.spc_reading(indicator.id) or {}
            previous = self.change(indicator.id, self.period.previous(), figure["breakdown"])
            year_ago = self.change(indicator.id, self.period.year_earlier(), figure["breakdown"])
            rag = self.rag(indicator.id, figure["breakdown"])
            title = indicator.title if figure["breakdown"] == "all" else f"{indicator.title} ({self._breakdown_label(indicator, figure['breakdown'])})"
            rows.append(
                {
                    "theme": indicator.theme_title,
                    "indicator_id": indicator.id,
                    "indicator": title,
                    "value": format_value(figure["value"], indicator.unit),
                    "interval": format_interval(figure["lower_ci"], figure["upper_ci"], indicator.unit),
                    "vs_previous": previous.text,
                    "vs_year_ago": year_ago.text,
                    "spc": VARIATION_WORDS.get(reading.get("variation")),
                    "assurance": ASSURANCE_WORDS.get(reading.get("assurance")),
                    "benchmark": self.benchmark_text(indicator.id),
                    "rag": rag.label,
                    "rag_status": rag.status,
                    "rag_basis": rag.basis,
                }
            )
        return pd.DataFrame(rows)

    @staticmethod
    def _breakdown_label(indicator: Indicator, breakdown: str) -> str:
        """`injury_level=1` as a reader reads it: `Level 1: minor, no treatment`."""
        parts = dict(part.split("=", 1) for part in breakdown.split(";"))
        return " – ".join(d.label(parts[d.key]) for d in indicator.breakdowns if d.key in parts)

    def _breakdown_only_row(self, indicator: Indicator) -> dict:
        cells = self.breakdown_table(indicator.id)
        if len(cells) <= 4:
            value = "; ".join(f"{c}: {v}" for c, v in zip(cells["category"], cells["value"]))
        else:
            value = f"By {' and '.join(d.key.replace('_', ' ') for d in indicator.breakdowns)}: see the {indicator.theme_title} section"
        rag = self.rag(indicator.id, cells["breakdown"].iloc[0]) if len(cells) else None
        return {
            "theme": indicator.theme_title, "indicator_id": indicator.id, "indicator": indicator.title,
            "value": value, "interval": "–", "vs_previous": "–", "vs_year_ago": "–",
            "spc": "Not charted", "assurance": "No target", "benchmark": "–",
            "rag": rag.label if rag else "Not rated", "rag_status": rag.status if rag else "not_rated",
            "rag_basis": rag.basis if rag else "",
        }

    def _unavailable_row(self, indicator: Indicator) -> dict:
        missing = ", ".join(f"{s}.csv" for s in indicator.sources if s not in self.loaded)
        return {
            "theme": indicator.theme_title, "indicator_id": indicator.id, "indicator": indicator.title,
            "value": "No data", "interval": "–", "vs_previous": "–", "vs_year_ago": "–",
            "spc": "Not charted", "assurance": "No target", "benchmark": "–",
            "rag": "Not rated", "rag_status": "not_rated", "rag_basis": f"{missing} not supplied",
        }

    # ------------------------------------------------------------- so what?
    def prompts(self, theme: str) -> list[str]:
        """The "so what" questions for a theme, generated from the figures (never revealing a suppressed one)."""
        questions: list[str] = []
        missing = self.theme_missing_sources(theme)
        if missing:
            questions.append(
                f"No {', '.join(m + '.csv' for m in missing)} was supplied: which partner will send it for next quarter?"
            )
        for indicator in self.indicators(theme):
            if not self.available(indicator) or self.raw(indicator.id) is None:
                continue
            name = indicator.short_title or indicator.title
            change = self.change(indicator.id, self.period.previous())
            now, then = self.figure(indicator.id), self.figure(indicator.id, period=self.period.previous())
            reading = self.spc_reading(indicator.id) or {}
            variation = reading.get("variation") or "common_cause"
            moved = {"up": "rose", "down": "fell", "same": "stayed"}.get(change.direction)
            if change.suppressed:
                movement = f"{name} changed since {self.period.previous().label} (figures suppressed: small numbers)"
            elif moved and then is not None:
                movement = (
                    f"{name} {moved} from {format_value(then['value'], indicator.unit)} "
                    f"to {format_value(now['value'], indicator.unit)}"
                )
            else:
                movement = None
            if variation != "common_cause" and movement:
                detail = reading.get("reading", "").split(": ", 1)[-1].rstrip(".")
                ask = "what changed?" if variation.startswith(("concern", "neutral")) else "what is working, and can it last?"
                questions.append(f"{movement}; {detail}: {ask}")
            elif change.significant and movement:
                questions.append(f"{movement}, a statistically significant change: what is driving it?")
            elif movement and not change.suppressed and self._large_move(indicator.id):
                questions.append(
                    f"{movement}, a large movement but within normal variation: is it the start of a trend to watch?"
                )
            rag = self.rag(indicator.id)
            if rag.status == "red":
                questions.append(f"{name} is rated Red ({rag.basis}): what is the partnership doing about it?")
        if theme == "restraint" and "restraint_incidents" in self.loaded:
            n = len(self.level3)
            if n:
                shown = SUPPRESSED if self.suppress and 1 <= n <= self.threshold else str(n)
                questions.append(
                    f"Level 3 injuries (hospital treatment) this quarter: {shown}. Each is listed for review: "
                    "were the lessons shared with the secure centre's oversight panel?"
                )
        if not questions:
            questions.append(
                f"No significant change or special cause variation in {THEMES[theme].lower()} this period: "
                "is there anything the figures do not show (practice, voice of the child, partners' experience)?"
            )
        return questions

    def _large_move(self, indicator_id: str, threshold: float = 0.25) -> bool:
        """A change of a quarter or more on the previous period (counts of 10 or more only)."""
        now, then = self.raw(indicator_id), self.raw(indicator_id, period=self.period.previous())
        if now is None or then is None or _is_missing(now["value"]) or _is_missing(then["value"]):
            return False
        if REGISTRY.get(indicator_id).unit == "count" and max(now["value"], then["value"]) < 10:
            return False
        return then["value"] > 0 and abs(now["value"] / then["value"] - 1) >= threshold

    # ---------------------------------------------------------------- review
    def level3_review(self) -> tuple[pd.DataFrame | None, str]:
        """Every level-3 injury in the period, for review: date and age only (no identifier).

        With suppression on and 1..threshold such injuries, the list itself would
        publish a small number: it is withheld from the pack and the analyst is
        pointed to the restricted build.
        """
        n = len(self.level3)
        if n == 0:
            return None, "No level 3 injuries (hospital treatment) were recorded this period."
        if self.suppress and n <= self.threshold:
            return None, (
                f"Level 3 injuries this period: {SUPPRESSED}. The list is withheld here because it would "
                "reveal a small number; the analyst reviews it in the restricted pack (dscp build --no-suppress)."
            )
        table = pd.DataFrame(
            {
                "Date": pd.to_datetime(self.level3["incident_date"]).dt.strftime("%d %B %Y"),
                "Age": [("–" if _is_missing(a) else str(int(a))) for a in self.level3["age"]],
            }
        )
        return table, f"{n} level 3 injuries this period, each listed for review."

    # ---------------------------------------------------------- data quality
    def data_quality(self) -> pd.DataFrame:
        """Per extract: supplied or not, rows read/loaded/rejected, dates covered, whether it covers the period."""
        from .load.contract import EXTRACTS

        rows = []
        log = self.load_log.set_index("source") if not self.load_log.empty else pd.DataFrame()
        for name in EXTRACTS:
            if name not in self.loaded or name not in log.index:
                rows.append({"extract": f"{name}.csv", "supplied": "No", "loaded_at": "–", "rows_read": "–",
                             "rows_loaded": "–", "rows_rejected": "–", "dates": "–", "covers_period": "No"})
                continue
            entry = log.loc[name]
            first, last = entry.get("min_date"), entry.get("max_date")
            # a yearly extract (OSA) is read over the 12 months ending on the period's last day
            rolling = any(i.window == "rolling_12_months" and name in i.sources for i in REGISTRY)
            window_first, window_last = (
                self.period.rolling_12_months() if rolling else (self.period.first_day, self.period.last_day)
            )
            covers = (
                "Yes" if not _is_missing(first) and pd.Timestamp(first).date() <= window_last
                and pd.Timestamp(last).date() >= window_first else "No"
            )
            rows.append(
                {
                    "extract": f"{name}.csv",
                    "supplied": "Yes",
                    "loaded_at": pd.Timestamp(entry["loaded_at"]).strftime("%d %b %Y %H:%M"),
                    "rows_read": self._dq_count(entry["rows_read"]),
                    "rows_loaded": self._dq_count(entry["rows_loaded"]),
                    "rows_rejected": self._dq_count(entry["rows_rejected"]),
                    "dates": "–" if _is_missing(first) else f"{pd.Timestamp(first):%d %b %Y} to {pd.Timestamp(last):%d %b %Y}",
                    "covers_period": covers,
                }
            )
        return pd.DataFrame(rows)

    def reject_summary(self) -> pd.DataFrame:
        """Rejected rows per extract and reason (counts suppressed like any other published count)."""
        frame = self.reject_reasons.copy()
        frame["rows"] = [self._dq_count(v) for v in frame["rows"]]
        return frame

    def _dq_count(self, value) -> str:
        if _is_missing(value):
            return "–"
        value = int(value)
        if self.suppress and 1 <= value <= self.threshold:
            return SUPPRESSED
        return f"{value:,}"

    def themes_without_data(self) -> list[str]:
        """Themes with no figure this period: no extract supplied, or none dated in the period."""
        empty = []
        for theme, title in THEMES.items():
            inds = [i for i in self.indicators(theme) if self.available(i)]
            if not inds:
                empty.append(f"{title}: no extract supplied")
                continue
            own = self.table[(self.table.period == str(self.period)) & self.table.indicator_id.isin([i.id for i in inds])]
            if own.empty or int(own["numerator"].fillna(0).sum()) == 0:
                empty.append(f"{title}: no records dated in {self.period.label}")
        return empty

    def suppression_summary(self) -> pd.DataFrame:
        if not self.suppress:
            return pd.DataFrame(columns=["indicator_id", "cells"])
        # by reason would give cells away (two "primary" cells summing to 2 are both 1)
        return suppression_summary(self.shown[self.shown.period == str(self.period)], by_reason=False)


REPORT_CACHE_ENV = "DSCP_REPORT_CACHE"


def open_report(
    db_path: str | Path,
    period: str | Period,
    suppress: bool = True,
    config: Config | None = None,
    cache_dir: str | Path | None = None,
) -> PeriodReport:
    """Compute the report for a period from the store at `db_path`.

    When the environment names a cache folder (`DSCP_REPORT_CACHE`, set by
    `dscp build` for the notebooks of one build), a report already computed for
    the same store file, period, suppression and configuration is read from it
    instead of being computed again by every notebook.
    """
    config = config or load_config()
    cache_dir = cache_dir or os.environ.get(REPORT_CACHE_ENV)
    if not cache_dir:
        return PeriodReport(period=period, db_path=Path(db_path), suppress=suppress, config=config)
    path = Path(cache_dir) / f"report-{_cache_key(db_path, period, suppress, config)}.pkl"
    # One notebook computes while the others of the period wait for it, then read its result.
    with open(path.with_suffix(".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.is_file():
                try:
                    return pickle.loads(path.read_bytes())
                except Exception:  # from another version of the library: compute afresh
                    pass
            report = PeriodReport(period=period, db_path=Path(db_path), suppress=suppress, config=config)
            report.warm()
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                tmp.write_bytes(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, path)
            except OSError:
                tmp.unlink(missing_ok=True)
            return report
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _cache_key(db_path, period, suppress: bool, config: Config) -> str:
    db = Path(db_path).resolve()
    stat = db.stat()
    identity = (str(db), stat.st_size, stat.st_mtime_ns, parse_period(period).code, bool(suppress), repr(config))
    return hashlib.sha256(repr(identity).encode("utf-8")).hexdigest()[:24]
