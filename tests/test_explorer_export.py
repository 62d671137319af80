"""Exporting an explorer view (`explorer.export`): the view's publication as the indicator table.

The intervals are compared with the pack's own formatting (`present.format.format_interval`),
the figures with `indicator_table` called directly.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from dscp_metrics.compute import COLUMNS
from dscp_metrics.config import load_config
from dscp_metrics.explorer.data import Store
from dscp_metrics.explorer.export import export_filename, export_table, export_view, interval_bound
from dscp_metrics.explorer.view import ViewSpec, view_publication
from dscp_metrics.present.format import format_interval
from dscp_metrics.present.markers import RESTRICTED_CSV_LINE
from explorer_support import direct_table

NOW = dt.datetime(2025, 5, 1, 9, 30, 0, 123456)


@pytest.fixture(scope="module")
def store(sample_db):
    return Store(sample_db)


def publication(store, spec):
    table = store.table(spec.indicator, spec.granularity)
    periods = [p.code for p in store.periods(spec.indicator, spec.granularity)]
    return view_publication(table.frame, spec, periods, load_config().suppression_threshold, table.categories)


def test_the_file_name_says_what_and_when():
    spec = ViewSpec("osa_rating_share", breakdown="section+rating", suppress=False)
    name = export_filename(spec, ["2024-25-Q1", "2024-25-Q4"], NOW)
    assert name == ("osa_rating_share_by_section_and_rating_2024-25-Q1_to_2024-25-Q4_RESTRICTED_"
                    "20250501-093000-123456.csv")


@pytest.mark.parametrize("value, unit, side, expected", [
    (6.02, "count", "lower", "6"), (20.01, "count", "upper", "21"), (1143.9, "count", "lower", "1143"),
    (21.94, "%", "lower", "21.9"), (26.65, "%", "upper", "26.6"), (4.6951, "mean", "lower", "4.70"),
    (None, "%", "lower", ""), (float("nan"), "count", "upper", ""),
])
def test_interval_ends_round_as_the_pack_shows_them(value, unit, side, expected):
    assert interval_bound(value, unit, side) == expected


@pytest.mark.parametrize("indicator_id, breakdown", [
    ("csc_referrals", "none"), ("rereferral_rate", "none"), ("training_content_rating", "route"),
    ("restraint_injuries", "injury_level"),
])
def test_an_export_is_the_views_indicator_table(store, sample_db, tmp_path, indicator_id, breakdown):
    spec = ViewSpec(indicator_id, breakdown=breakdown, suppress=False)
    shown = publication(store, spec)
    path = export_view(shown, spec, tmp_path, NOW)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == RESTRICTED_CSV_LINE
    frame = pd.read_csv(io.StringIO("\n".join(lines[1:])), dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    periods = list(dict.fromkeys(frame["period"]))
    direct = direct_table(sample_db, periods, [indicator_id])
    direct = direct[[b == "all" or b.startswith(f"{breakdown}=") for b in direct["breakdown"]]]
    assert frame["breakdown"].tolist() == direct["breakdown"].tolist()
    assert frame["numerator"].astype(int).tolist() == direct["numerator"].tolist()
    assert pd.to_numeric(frame["value"]).tolist() == pytest.approx(direct["value"].tolist(), nan_ok=True)
    unit = shown.shown["unit"].iloc[0]
    for lower, upper, row in zip(frame["lower_ci"], frame["upper_ci"], direct.to_dict("records")):
        pack = format_interval(row["lower_ci"], row["upper_ci"], unit)  # "1,143 to 1,282", "21.9% to 26.6%"
        ours = f"{lower} to {upper}" if lower or upper else "–"  # no interval (a mean of one rating): empty
        assert pack.replace(",", "").replace("%", "") == ours


def test_a_suppressed_export_has_no_restricted_line_and_hides_its_intervals(store, tmp_path):
    spec = ViewSpec("restraint_injuries", breakdown="injury_level")
    shown = publication(store, spec)
    text = export_view(shown, spec, tmp_path, NOW).read_text(encoding="utf-8")
    assert not text.startswith("#")
    frame = export_table(shown)
    hidden = frame[frame["numerator"] == "[c]"]
    assert len(hidden) and (hidden[["value", "lower_ci", "upper_ci"]] == "[c]").all().all()
