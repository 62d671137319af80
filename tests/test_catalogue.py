"""The catalogue check: walk every declared indicator and report every problem at once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dscp_metrics.errors import UnknownIndicatorError
from dscp_metrics.indicators import POLARITIES, REGISTRY, SOURCES, THEMES, UNITS, Indicator, get_indicator
from dscp_metrics.table import Window, compute
from store_fixtures import SCHEMA

# The v1 indicator set of indicators.md: id -> (theme, unit, polarity).
SPEC = {
    "csc_referrals": ("domestic_abuse", "count", "none"),
    "rereferral_rate": ("domestic_abuse", "%", "lower"),
    "da_referrals": ("domestic_abuse", "count", "none"),
    "da_referral_share": ("domestic_abuse", "%", "none"),
    "da_rereferrals": ("domestic_abuse", "count", "lower"),
    "da_rereferral_rate": ("domestic_abuse", "%", "lower"),
    "cevt_children": ("harm_outside_home", "count", "none"),
    "cevt_referrals": ("harm_outside_home", "count", "none"),
    "cevt_high_risk_children": ("harm_outside_home", "count", "lower"),
    "csc_exploitation_referrals": ("harm_outside_home", "count", "none"),
    "csc_exploitation_share": ("harm_outside_home", "%", "none"),
    "restraint_incidents": ("restraint", "count", "lower"),
    "restraint_young_people": ("restraint", "count", "none"),
    "restraint_injury_rate": ("restraint", "%", "lower"),
    "restraint_injuries": ("restraint", "count", "lower"),
    "restraint_injury_level_share": ("restraint", "%", "none"),
    "osa_green_share": ("osa", "%", "higher"),
    "osa_rating_share": ("osa", "%", "none"),
    "osa_return_rate": ("osa", "%", "higher"),
}
SPEC_BREAKDOWNS = {
    "cevt_referrals": ("exploitation_type",),
    "restraint_injuries": ("injury_level",),
    "restraint_injury_level_share": ("injury_level",),
    "osa_green_share": ("section",),
    "osa_rating_share": ("section", "rating"),
}
HAND_COMPUTED_TESTS = Path(__file__).with_name("test_indicators.py")


def catalogue_problems(indicators: list[Indicator]) -> list[str]:
    problems: list[str] = []
    ids = [i.id for i in indicators]
    problems += [f"{i}: declared twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"{i}: declared twice" for i in REGISTRY.duplicate_ids]
    problems += [f"{i}: in indicators.md but not declared" for i in SPEC if i not in ids]
    problems += [f"{i}: declared but not in indicators.md" for i in ids if i not in SPEC]
    tests_text = HAND_COMPUTED_TESTS.read_text(encoding="utf-8")
    for ind in indicators:
        where = ind.id
        if ind.unit not in UNITS:
            problems.append(f"{where}: unknown unit {ind.unit!r}")
        if ind.polarity not in POLARITIES:
            problems.append(f"{where}: unknown polarity {ind.polarity!r}")
        if ind.theme not in THEMES:
            problems.append(f"{where}: unknown theme {ind.theme!r}")
        if ind.id in SPEC and (ind.theme, ind.unit, ind.polarity) != SPEC[ind.id]:
            problems.append(f"{where}: theme/unit/polarity {(ind.theme, ind.unit, ind.polarity)} != spec {SPEC[ind.id]}")
        if ind.breakdown_keys() != SPEC_BREAKDOWNS.get(ind.id, ()):
            problems.append(f"{where}: breakdowns {ind.breakdown_keys()} != spec {SPEC_BREAKDOWNS.get(ind.id, ())}")
        for source in ind.sources:
            if source not in SOURCES:
                problems.append(f"{where}: unknown source extract {source!r}")
        if not ind.title or not ind.definition or not ind.numerator:
            problems.append(f"{where}: title, definition and numerator (in words) are required")
        if ind.unit == "%":
            has_rule = bool(ind.denominator_sql or ind.denominator_source_sql or ind.share_within is not None)
            if not ind.denominator or not has_rule:
                problems.append(f"{where}: a % needs its denominator in words and in SQL")
        elif ind.denominator or ind.denominator_sql or ind.share_within is not None:
            problems.append(f"{where}: a count has no denominator")
        if ind.share_within and not set(ind.share_within) <= set(ind.breakdown_keys()):
            problems.append(f"{where}: share_within {ind.share_within} is not among its breakdown keys")
        if "*" in ind.numerator_sql.replace(" ", "").split("(")[-1][:1]:
            problems.append(f"{where}: count(*) counts an unmatched row as 1: count a column")
        if f'"{ind.id}"' not in tests_text and f"'{ind.id}'" not in tests_text:
            problems.append(f"{where}: no hand-computed test in {HAND_COMPUTED_TESTS.name}")
    return problems


def test_catalogue_has_no_problems():
    problems = catalogue_problems(list(REGISTRY))
    assert problems == [], "\n".join(problems)


def test_catalogue_check_reports_every_problem_at_once():
    broken = [
        Indicator(id="x_rate", title="X", theme="nowhere", unit="ratio", polarity="up", source="nope",
                  definition="d", numerator="n", numerator_sql="count(*)"),
        *list(REGISTRY)[1:],
    ]
    problems = catalogue_problems(broken)
    joined = "\n".join(problems)
    for expected in ["unknown unit", "unknown polarity", "unknown theme", "unknown source", "count(*)",
                     "csc_referrals: in indicators.md but not declared", "x_rate: declared but not in indicators.md"]:
        assert expected in joined


def test_every_declared_sql_runs_on_an_empty_store(tmp_path):
    """Each indicator's SQL names only columns that exist, and gives 0 (not an error) on no records."""
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    for name, columns in SCHEMA.items():
        con.execute(f"CREATE TABLE {name} ({columns})")
    con.close()
    from dscp_metrics.store import open_store
    import datetime as dt

    store = open_store(path)
    try:
        table = compute(store, [Window("2024-25-Q1", dt.date(2024, 4, 1), dt.date(2024, 6, 30))])
    finally:
        store.close()
    assert set(table.frame.indicator_id) == set(SPEC)
    assert (table.frame.numerator == 0).all()


def test_unknown_id_suggests_the_nearest():
    with pytest.raises(UnknownIndicatorError, match="did you mean 'da_rereferral_rate'"):
        get_indicator("da_rerefferal_rate")
