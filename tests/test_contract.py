"""The extract contract (`extracts.md` v2) as declared in `dscp_metrics.load.contract`.

A catalogue test walks every extract and collects every problem before
failing; the case tables check the declarations against the specification's
own words (vocabularies, ranges, keys, rules).
"""

from __future__ import annotations

import pytest

from dscp_metrics.errors import ExtractError
from dscp_metrics.load import contract
from dscp_metrics.load.contract import (
    EXTRACTS,
    Code,
    ColumnType,
    NotBefore,
    Requires,
    SameWithinGroup,
    contract_problems,
    get_extract,
)

SPEC_ORDER = [
    "csc_referrals", "cevt_referrals", "restraint_incidents", "osa_returns", "osa_issued",
    "training_records", "missing_episodes", "meeting_attendance", "education_status",
]


def test_contract_is_consistent():
    assert contract_problems() == []


def test_catalogue_check_is_not_vacuous(monkeypatch):
    """A deliberately broken declaration is caught (positive control)."""
    from dataclasses import replace

    from dscp_metrics.load import extracts

    broken = replace(EXTRACTS["missing_episodes"], rules=(NotBefore("return_date", "in_care", "nonsense"),
                                                          Requires("rhi_status", "rhi_date", "x", when=("typo",))))
    patched = dict(EXTRACTS, missing_episodes=broken)
    monkeypatch.setattr(contract, "EXTRACTS", patched)
    monkeypatch.setattr(extracts, "EXTRACTS", patched)
    problems = contract_problems()
    assert any("compares columns that are not dates" in p for p in problems)
    assert any("names codes rhi_status does not have" in p for p in problems)


def test_extracts_in_specification_order():
    assert list(EXTRACTS) == SPEC_ORDER
    assert [e.file_name for e in EXTRACTS.values()] == [f"{s}.csv" for s in SPEC_ORDER]


@pytest.mark.parametrize("name", [
    "FACTORS", "EXPLOITATION_TYPES", "RISK_LEVELS", "LOCALITIES", "OSA_SECTIONS", "RATINGS",
    "TRAINING_ROUTES", "ORGANISATION_TYPES", "COMPLETED", "IN_CARE", "RHI_STATUSES", "MEETING_TYPES",
    "AGENCIES", "ATTENDANCE", "EDUCATION_STATUSES",
])
def test_every_vocabulary_is_exported_as_codes(name):
    vocabulary = getattr(contract, name)
    assert isinstance(vocabulary, tuple) and vocabulary
    assert all(isinstance(c, Code) and c.code for c in vocabulary)


VOCABULARY_CASES = [
    ("training_records", "route",
     ["e_learning", "training_programme", "safeguarding_week", "development_day", "bespoke"]),
    ("training_records", "completed", ["yes", "no"]),
    ("missing_episodes", "in_care", ["yes", "no"]),
    ("missing_episodes", "rhi_status", ["held", "declined", "pending", "not_offered"]),
    ("meeting_attendance", "meeting_type", ["strategy", "icpc", "rcpc", "cicr", "marac", "taf", "core_group"]),
    ("meeting_attendance", "agency",
     ["csc", "police", "health", "education", "early_help", "probation", "housing", "voluntary", "other"]),
    ("meeting_attendance", "attendance", ["attended", "report_only", "apologies", "no_response"]),
    ("education_status", "status", ["cme", "ehe"]),
]


@pytest.mark.parametrize("source, column, codes", VOCABULARY_CASES, ids=[f"{c[0]}.{c[1]}" for c in VOCABULARY_CASES])
def test_new_vocabularies_are_the_specification(source, column, codes):
    assert list(get_extract(source).column(column).codes) == codes


def test_route_titles_and_31_organisation_types():
    assert [c.label for c in contract.TRAINING_ROUTES] == [
        "Me-Learning (e-learning)", "Training programme", "Safeguarding Week", "Development Day", "Bespoke training"]
    types = contract.ORGANISATION_TYPES
    assert len(types) == 31 and len({c.code for c in types}) == 31
    assert types[0] == Code("adult_health", "Adult Health Services")
    assert types[-1] == Code("youth_justice", "Youth Justice Service")
    assert Code("ambulance", "North East Ambulance Service") in types
    assert all(c.label for c in types)


RANGE_CASES = [
    ("training_records", "content_rating", 1, 5),
    ("training_records", "knowledge_before", 1, 10),
    ("training_records", "knowledge_after", 1, 10),
    ("restraint_incidents", "injury_level", 0, 3),
    ("restraint_incidents", "age", 10, 17),
    ("osa_issued", "issued", 0, None),
]


@pytest.mark.parametrize("source, column, low, high", RANGE_CASES, ids=[f"{c[0]}.{c[1]}" for c in RANGE_CASES])
def test_ranges(source, column, low, high):
    col = get_extract(source).column(column)
    assert (col.type, col.minimum, col.maximum) == (ColumnType.WHOLE_NUMBER, low, high)


def test_keys_required_columns_and_rules():
    assert get_extract("meeting_attendance").unique_key == ("meeting_id", "agency")
    assert [get_extract(s).unique_key for s in ("training_records", "missing_episodes", "education_status")] == [
        ("record_id",), ("episode_id",), ("record_id",)]
    assert get_extract("missing_episodes").required_columns == ("episode_id", "child_id", "missing_date", "in_care")
    assert [r.reason for r in get_extract("missing_episodes").rules] == [
        "return_date before missing_date",
        "rhi_status without a return_date",
        "rhi_date without a return_date",
        "rhi_status held without an rhi_date",
        "rhi_date with a status other than held",
        "rhi_date before return_date",
    ]
    assert {r.reason for r in get_extract("training_records").rules} == {"a rating without a completion"}
    assert get_extract("meeting_attendance").group_rules == (
        SameWithinGroup(("meeting_id",), ("meeting_date", "meeting_type"), "inconsistent with its meeting"),)
    assert [r.reason for r in get_extract("education_status").rules] == ["end_date before start_date"]


def test_free_text_columns():
    free = {f"{s}.{c.name}" for s, e in EXTRACTS.items() for c in e.columns if c.free_text}
    assert free == {"csc_referrals.source", "training_records.course"}


def test_get_extract_accepts_file_names_and_suggests():
    assert get_extract("Meeting_Attendance.CSV").source == "meeting_attendance"
    with pytest.raises(ExtractError, match="did you mean 'missing_episodes'"):
        get_extract("missing_episode")


def test_the_data_officers_guide_covers_every_extract_column_and_code():
    """data/README.md (the guide for partner data officers) names every file, column and code of the contract."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    missing = []
    for extract in EXTRACTS.values():
        if f"### `{extract.file_name}`" not in guide:
            missing.append(f"section {extract.file_name}")
        for col in extract.columns:
            if f"`{col.name}`" not in guide:
                missing.append(f"{extract.source}.{col.name}")
            missing += [f"{extract.source}.{col.name} code {code}" for code in col.codes if f"`{code}`" not in guide]
    assert missing == []
