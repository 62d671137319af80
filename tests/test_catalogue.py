"""The catalogue check: walk every declaration and report every problem at once (STYLE.md, example 3)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from dscp_metrics.compute import compute
from dscp_metrics.errors import UnknownIndicatorError
from dscp_metrics.indicators import MEASURES, POLARITIES, REGISTRY, SOURCES, THEMES, UNITS, Indicator, get_indicator
from dscp_metrics.indicators.model import AGGREGATES, WINDOW_KINDS
from dscp_metrics.load.contract import EXTRACTS
from dscp_metrics.periods import parse_periods
from dscp_metrics.store import open_store
from store_fixtures import make_store

REPO = Path(__file__).resolve().parent.parent

# indicators.md v2: id -> (theme, unit, polarity)
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
    "training_places": ("training", "count", "none"),
    "training_completions": ("training", "count", "higher"),
    "training_completion_rate": ("training", "%", "higher"),
    "training_sessions": ("training", "count", "none"),
    "training_content_rating": ("training", "mean", "higher"),
    "training_knowledge_before": ("training", "mean", "none"),
    "training_knowledge_after": ("training", "mean", "higher"),
    "training_knowledge_gain": ("training", "mean", "higher"),
    "missing_episodes": ("missing", "count", "none"),
    "missing_children": ("missing", "count", "none"),
    "missing_repeat_children": ("missing", "count", "lower"),
    "missing_returns": ("missing", "count", "none"),
    "rhi_offered_rate": ("missing", "%", "higher"),
    "rhi_within_72h_rate": ("missing", "%", "higher"),
    "meetings_held": ("meetings", "count", "none"),
    "meeting_invitations": ("meetings", "count", "none"),
    "meeting_attendance_rate": ("meetings", "%", "higher"),
    "meeting_contribution_rate": ("meetings", "%", "higher"),
    "strategy_core_attendance_share": ("meetings", "%", "higher"),
    "cme_children": ("education", "count", "lower"),
    "ehe_children": ("education", "count", "none"),
    "cevt_cme_ehe_children": ("education", "count", "none"),
    "cevt_cme_ehe_share": ("education", "%", "none"),
}
# indicators.md's breakdowns, plus the two docs/decisions.md records (the pack has shown them since round 1)
SPEC_BREAKDOWNS = {
    "cevt_referrals": (("exploitation_type",), ("risk_level",), ("locality",)),
    "restraint_injuries": (("injury_level",),),
    "restraint_injury_level_share": (("injury_level",),),
    "osa_green_share": (("section",), ("organisation",)),
    "osa_rating_share": (("section", "rating"),),
    "training_places": (("route",),),
    "training_completions": (("route",), ("organisation_type",)),
    "training_completion_rate": (("route",),),
    "training_sessions": (("route",),),
    "training_content_rating": (("route",),),
    "training_knowledge_before": (("route",),),
    "training_knowledge_after": (("route",),),
    "training_knowledge_gain": (("route",),),
    "missing_episodes": (("in_care",),),
    "meetings_held": (("meeting_type",),),
    "meeting_invitations": (("agency",),),
    "meeting_attendance_rate": (("agency",), ("meeting_type",)),
    "meeting_contribution_rate": (("agency",),),
    "cevt_cme_ehe_children": (("status",),),
}
HAND_COMPUTED = [REPO / "tests" / "test_indicators.py", REPO / "tests" / "test_indicators_themes.py"]


def catalogue_problems(indicators: list[Indicator]) -> list[str]:
    problems: list[str] = []
    ids = [i.id for i in indicators]
    twice = {i for i in ids if ids.count(i) > 1} | set(REGISTRY.duplicate_ids)
    problems += [f"{i}: declared twice" for i in sorted(twice)]
    problems += [f"{i}: in indicators.md but not declared" for i in SPEC if i not in ids]
    problems += [f"{i}: declared but not in indicators.md" for i in ids if i not in SPEC]
    tests_text = "".join(p.read_text(encoding="utf-8") for p in HAND_COMPUTED if p.is_file())
    for ind in indicators:
        where = ind.id
        if ind.unit not in UNITS:
            problems.append(f"{where}: unknown unit {ind.unit!r}")
        if ind.polarity not in POLARITIES:
            problems.append(f"{where}: unknown polarity {ind.polarity!r}")
        if ind.theme not in THEMES:
            problems.append(f"{where}: unknown theme {ind.theme!r}")
        if ind.id in SPEC and (ind.theme, ind.unit, ind.polarity) != SPEC[ind.id]:
            problems.append(f"{where}: theme/unit/polarity {(ind.theme, ind.unit, ind.polarity)} != {SPEC[ind.id]}")
        if ind.breakdowns != SPEC_BREAKDOWNS.get(ind.id, ()):
            problems.append(f"{where}: breakdowns {ind.breakdowns} != {SPEC_BREAKDOWNS.get(ind.id, ())}")
        if not ind.title or not ind.definition or not ind.numerator_words:
            problems.append(f"{where}: title, definition and numerator in words are required")
        has_den = ind.denominator is not None
        if ind.unit in ("%", "mean") and not (has_den and ind.denominator_words):
            problems.append(f"{where}: a {ind.unit} needs a denominator, in words and as a measure")
        if ind.unit == "count" and has_den:
            problems.append(f"{where}: a count has no denominator")
        aggregates = (ind.numerator.measure.aggregate, ind.denominator.measure.aggregate if has_den else None)
        if ind.unit == "mean" and aggregates != ("sum", "count"):
            problems.append(f"{where}: a mean is a sum of ratings over a count of ratings")
        if ind.unit == "mean" and ind.numerator.measure.counted_by != ind.denominator.measure.id:
            problems.append(f"{where}: a mean's sum must be counted by its denominator")
        for key in ind.breakdown_keys():
            if key not in [d.key for d in ind.numerator.measure.dimensions]:
                problems.append(f"{where}: breakdown {key!r} is not a dimension of {ind.numerator.measure.id}")
        if ind.denominator_by is not None and not set(ind.denominator_by) <= set(ind.breakdown_keys()):
            problems.append(f"{where}: denominator_by {ind.denominator_by} is not among its breakdown keys")
        for key, _codes in ind.numerator.where + (ind.denominator.where if has_den else ()):
            measure = ind.numerator.measure if key in [d.key for d in ind.numerator.measure.dimensions] else None
            if measure is None and not (has_den and key in [d.key for d in ind.denominator.measure.dimensions]):
                problems.append(f"{where}: restricted by unknown dimension {key!r}")
        if f'"{ind.id}"' not in tests_text:
            problems.append(f"{where}: no hand-computed test in {', '.join(p.name for p in HAND_COMPUTED)}")
    for measure in MEASURES:
        source = SOURCES.get(measure.source) if measure.source in SOURCES else None
        if source is None:
            problems.append(f"measure {measure.id}: unknown source {measure.source!r}")
            continue
        if measure.aggregate not in AGGREGATES or measure.window not in WINDOW_KINDS:
            problems.append(f"measure {measure.id}: unknown aggregate or window")
        if measure.additive and source.end_column:
            problems.append(f"measure {measure.id}: a spell source counts distinct children, not records")
        if measure.aggregate == "sum" and not (measure.value_sql and measure.value_range and measure.counted_by):
            problems.append(f"measure {measure.id}: a sum needs its value, its range and the count of its records")
        if "*" in measure.sql.replace(" ", ""):
            problems.append(f"measure {measure.id}: count(*) counts an unmatched row: count a column")
        for dim in measure.dimensions:
            if dim.categories is not None and len(set(dim.categories)) != len(dim.categories):
                problems.append(f"measure {measure.id}: dimension {dim.key} repeats a category")
    for source in SOURCES:
        for table in source.tables:
            if table not in EXTRACTS:
                problems.append(f"source {source.name}: table {table!r} is not an extract of the contract")
    return problems


def test_catalogue_has_no_problems():
    problems = catalogue_problems(list(REGISTRY))
    assert problems == [], "\n".join(problems)


def test_catalogue_check_reports_every_problem_at_once():
    good = get_indicator("csc_referrals")
    broken = [
        Indicator(id="x_rate", title="X", theme="nowhere", unit="ratio", polarity="up", definition="d",
                  numerator_words="n", numerator=good.numerator),
        *list(REGISTRY)[1:],
    ]
    joined = "\n".join(catalogue_problems(broken))
    for expected in ["unknown unit", "unknown polarity", "unknown theme", "csc_referrals: in indicators.md but not "
                     "declared", "x_rate: declared but not in indicators.md", "x_rate: no hand-computed test"]:
        assert expected in joined


def test_every_declaration_runs_on_an_empty_store(tmp_path):
    """Every measure's SQL names only columns that exist, and gives 0 (not an error) with no records."""
    db = make_store(tmp_path / "empty.duckdb", **{name: [] for name in EXTRACTS})
    con = open_store(db)
    try:
        table = compute(con, parse_periods(["2024-25-Q1", "2024-05", "2024-25"]))
    finally:
        con.close()
    assert set(table.frame.indicator_id) == set(SPEC)
    assert (table.frame.numerator == 0).all()
    rates = table.frame[table.frame.unit != "count"]
    assert rates["value"].isna().all()  # a denominator of 0: no value, never 0


def test_every_additive_measure_has_exact_signatures():
    """The audit ties a measure's breakdowns pairwise through their shared keys; that is exact only when
    every pair shares the same keys (else it falls back to one signature over every key)."""
    from dscp_metrics.disclosure.relations import _signatures
    from dscp_metrics.compute.quantities import Quantity

    for measure in MEASURES:
        if not measure.additive:
            continue
        key_sets = {tuple(sorted(k for k, _ in i.numerator.where) + list(keys))
                    for i in REGISTRY for keys in [()] + [b for b in i.breakdowns]
                    if i.numerator.measure is measure}
        quantities = [Quantity(measure.id, "2024-25", tuple((k, ("x",)) for k in sorted(set(s)))) for s in key_sets]
        signatures = _signatures(quantities)
        for a, b in itertools.combinations(signatures, 2):
            assert set(a) & set(b) == set(signatures[0]) & set(signatures[1]), measure.id


def test_every_theme_has_its_pack_notebook():
    calls = {}
    for path in (REPO / "notebooks" / "pack").glob("*.ipynb"):
        text = json.dumps(json.loads(path.read_text(encoding="utf-8"))["cells"])
        for theme in re.findall(r'sections\.theme\(report, \\"([a-z_]+)\\"', text):
            calls[theme] = path.name
    assert sorted(calls) == sorted(THEMES.ids())


def test_unknown_id_suggests_the_nearest():
    with pytest.raises(UnknownIndicatorError, match="did you mean 'da_rereferral_rate'"):
        get_indicator("da_rerefferal_rate")
