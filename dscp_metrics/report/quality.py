"""The data-quality section: what each extract covered, the rows loaded and rejected, themes without data.

The data-quality counts (rows read, loaded and rejected, by file and reason) are
shown as they are: they count rows of a file, not children, and data officers
need the exact numbers to mend them (indicators.md). Whether a theme has "no
records" is said only from published figures (a hidden 0 is not announced).
"""

from __future__ import annotations

import pandas as pd

from ..compute.spans import window_span
from ..indicators import REGISTRY, SOURCES, THEMES
from ..load.contract import EXTRACTS
from ..present.format import NO_FIGURE, day, day_and_time
from .period_report import PeriodReport


def extract_coverage(report: PeriodReport) -> pd.DataFrame:
    """Per extract of the contract: supplied, when loaded, rows read/loaded/rejected, dates, covers the period."""
    log = report.snapshot.load_log.set_index("source") if not report.snapshot.load_log.empty else pd.DataFrame()
    windows = {}
    for indicator in REGISTRY:
        for measure in indicator.measures:
            for table in SOURCES.get(measure.source).tables:
                windows.setdefault(table, set()).add(measure.window)
    rows = []
    for name in EXTRACTS:
        if name not in report.snapshot.loaded or name not in log.index:
            rows.append({"extract": f"{name}.csv", "supplied": "No", "loaded_at": NO_FIGURE, "rows_read": NO_FIGURE,
                         "rows_loaded": NO_FIGURE, "rows_rejected": NO_FIGURE, "dates": NO_FIGURE, "covers": "No"})
            continue
        entry = log.loc[name]
        first, last = entry.get("min_date"), entry.get("max_date")
        spans = [window_span(report.period, kind) for kind in windows.get(name, {"period"})]
        known = not (pd.isna(first) or pd.isna(last))
        covers = known and any(pd.Timestamp(first).date() <= b and pd.Timestamp(last).date() >= a for a, b in spans)
        rows.append({
            "extract": f"{name}.csv",
            "supplied": "Yes",
            "loaded_at": day_and_time(entry["loaded_at"]),
            "rows_read": f"{int(entry['rows_read']):,}",
            "rows_loaded": f"{int(entry['rows_loaded']):,}",
            "rows_rejected": f"{int(entry['rows_rejected']):,}",
            "dates": f"{day(pd.Timestamp(first))} to {day(pd.Timestamp(last))}" if known else NO_FIGURE,
            "covers": "Yes" if covers else "No",
        })
    return pd.DataFrame(rows)


def reject_reasons(report: PeriodReport) -> pd.DataFrame:
    """Rejected rows per extract and reason, as counted."""
    frame = report.snapshot.reject_reasons.copy()
    return frame.assign(source=[f"{s}.csv" for s in frame["source"]],
                        reason=[str(r).capitalize() for r in frame["reason"]],
                        rows=[f"{int(n):,}" for n in frame["rows"]])


def themes_without_data(report: PeriodReport) -> list[str]:
    """Themes with no figure this period: no extract supplied, or (from published figures) none dated in it."""
    empty = []
    for theme in THEMES:
        indicators = [i for i in report.indicators(theme.id) if report.available(i)]
        if not report.indicators(theme.id):
            continue
        if not indicators:
            empty.append(f"{theme.title}: no extract supplied")
            continue
        figures = [report.figure(i.id) for i in indicators]
        figures = [f for f in figures if f is not None]
        if figures and all(not f["hidden"] and (f["numerator"] or 0) == 0 for f in figures):
            empty.append(f"{theme.title}: no records dated in {report.label}")
    return empty


def level3_review(report: PeriodReport) -> tuple[pd.DataFrame | None, str]:
    """Level-3 injuries (hospital treatment): listed (date and age, never an identifier) in the restricted
    pack; in the published pack, only the published count — a dated list would show small counts by month."""
    level3 = (("injury_level", "3"),)
    figure = report.figure("restraint_injuries", cell=level3)
    if figure is None:
        return None, "No restraint extract was supplied."
    if not report.restricted:
        if figure["hidden"]:
            count = "[c] (a small number)"
        else:
            count = f"{int(figure['numerator']):,}"
        return None, (f"Level 3 injuries (hospital treatment) this period: {count}. Each is reviewed by the secure "
                      "centre's oversight panel; the dated list is in the restricted pack (dscp build --no-suppress).")
    listed = report.snapshot.level3
    if listed.empty:
        return None, "No level 3 injuries (hospital treatment) were recorded this period."
    table = pd.DataFrame({
        "Date": [day(pd.Timestamp(d)) for d in listed["incident_date"]],
        "Age": [NO_FIGURE if pd.isna(a) else str(int(a)) for a in listed["age"]],
    })
    return table, f"{len(listed)} level 3 injuries this period, each listed for review."
