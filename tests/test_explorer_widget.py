"""The explorer's widget (`explorer.widget`, `explorer.layout`), driven headless: set values, read what it shows.

Expected figures and records come from `indicator_table` and SQL on the store,
never from the explorer. What JupyterLab draws is checked in a real browser by
hand (see the explorer part of the issue's report); here: the behaviour.
"""

from __future__ import annotations

import re
import shutil
import statistics

import duckdb
import pandas as pd
import pytest

from dscp_metrics.explorer import RESTRICTED_LABEL, SUPPRESS_LABEL, Explorer, explore
from dscp_metrics.explorer.layout import TAB_TITLES
from dscp_metrics.config import PACKAGE_ROOT
from dscp_metrics.load import load_folder
from dscp_metrics.periods import parse_period
from dscp_metrics.present.markers import RESTRICTED_CSV_LINE
from dscp_metrics.store import lock_path
from explorer_support import SAMPLE_DIR, SAMPLE_LOAD_DATE, SMALL, direct_table, plotted_numbers, sql, whole


@pytest.fixture
def explorer(sample_db, tmp_path):
    ex = Explorer(sample_db, export_dir=tmp_path / "exports")
    yield ex
    ex.close()


def test_it_starts_suppressed_and_says_when_it_is_not(explorer):
    assert explorer.suppress.value is True and explorer.spec().suppress
    assert explorer.suppress.description == SUPPRESS_LABEL
    assert explorer.restricted_label.layout.visibility == "hidden"
    explorer.suppress.value = False
    assert RESTRICTED_LABEL in explorer.restricted_label.value
    assert explorer.restricted_label.layout.visibility == "visible"
    assert explorer.export_button.description.endswith("(RESTRICTED)")


def test_controls_are_a_labelled_grid_with_whole_titles(explorer):
    for control in (explorer.indicator, explorer.chart, explorer.granularity, explorer.period_range,
                    explorer.breakdown, explorer.focus, explorer.category):
        assert control.description and control.style.description_width == "9em"
    assert explorer.period_range.readout is False  # spelled out beside it instead, never cut off
    assert tuple(explorer.ui.tabs.titles) == TAB_TITLES
    assert explorer.ui.range_readout.value == "2021-22-Q1 to 2024-25-Q4 (16 quarters)"


# --- the range ----------------------------------------------------------------------------------------


def test_the_range_is_each_indicators_own_and_says_when_narrowed(explorer):
    assert explorer.indicator.value == "csc_referrals"
    assert explorer.period_range.value == ("2021-22-Q1", "2024-25-Q4")
    explorer.indicator.value = "cevt_referrals"
    assert explorer.period_range.value == ("2023-24-Q3", "2024-25-Q4")
    assert "has figures from 2023-24-Q3 to 2024-25-Q4 only: the range was narrowed" in explorer.range_note.value
    explorer.indicator.value = "restraint_incidents"  # wider again: its own whole range, nothing to say
    assert explorer.period_range.value == ("2021-22-Q1", "2024-25-Q4") and explorer.range_note.value == ""
    explorer.indicator.value = "rereferral_rate"  # after the 12-month look-back
    assert explorer.period_range.value == ("2022-23-Q1", "2024-25-Q4")
    assert "narrowed" in explorer.range_note.value


def test_switching_months_and_quarters_keeps_a_custom_range(explorer):
    explorer.indicator.value = "rereferral_rate"
    explorer.period_range.value = ("2023-24-Q2", "2024-25-Q1")
    explorer.granularity.value = "month"
    assert explorer.period_range.value == ("2023-07", "2024-06")
    explorer.period_range.value = ("2023-08", "2024-02")
    explorer.granularity.value = "quarter"
    assert explorer.period_range.value == ("2023-24-Q2", "2023-24-Q4")
    assert explorer.range_note.value == ""
    assert list(explorer.focus.options) == ["2023-24-Q2", "2023-24-Q3", "2023-24-Q4"]


def test_months_are_periods(explorer, sample_db):
    explorer.indicator.value = "training_content_rating"
    explorer.granularity.value = "month"
    explorer.chart.value = "trend"
    explorer.suppress.value = False
    explorer.period_range.value = ("2024-04", "2024-09")
    months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    assert explorer.publication.shown["period"].unique().tolist() == months
    expected = whole(direct_table(sample_db, months, ["training_content_rating"]))
    assert explorer.view.figure["data"][0]["y"] == pytest.approx(expected["value"].round(6).tolist())


# --- what a control change shows ---------------------------------------------------------------------------


def test_a_chart_or_focus_change_republishes_nothing(explorer):
    publication = explorer.publication
    explorer.chart.value = "trend"
    explorer.focus.value = explorer.focus.options[0]
    assert explorer.publication is publication
    explorer.suppress.value = False
    assert explorer.publication is not publication


def test_breakdown_chart_follows_the_period_in_focus(explorer, sample_db):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.chart.value = "breakdown"
    explorer.suppress.value = False
    explorer.focus.value = "2022-23-Q2"
    expected = direct_table(sample_db, ["2022-23-Q2"], ["restraint_injuries"])
    assert explorer.view.figure["data"][0]["x"] == expected[expected["breakdown"] != "all"]["value"].tolist()
    assert "2022-23-Q2" in explorer.ui.chart_title.value
    assert explorer.chart_area.layout.min_height == "200px" and explorer.chart_area.outputs
    explorer.breakdown.value = "none"
    assert explorer.view.figure is None and "choose a breakdown" in explorer.reading.value
    # no blank chart-sized gap above the reading: the empty chart area takes no room
    assert explorer.chart_area.outputs == () and explorer.chart_area.layout.min_height == "0px"
    explorer.breakdown.value = "injury_level"
    assert explorer.chart_area.layout.min_height == "200px" and explorer.chart_area.outputs


def test_suppression_hides_small_numbers_everywhere_on_screen(explorer):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.granularity.value = "month"
    explorer.chart.value = "trend"
    assert not SMALL & set(plotted_numbers(explorer.view.figure))
    hover = " ".join(str(t) for trace in explorer.view.figure["data"] for t in trace.get("text") or ())
    assert "[c]" in hover and not re.search(r": [1-5](?!\d)", hover)
    assert "[c]" in explorer.numbers.value
    explorer.suppress.value = False  # positive control
    assert SMALL & set(plotted_numbers(explorer.view.figure))


# --- the drill-down --------------------------------------------------------------------------------------


def test_drilldown_is_the_figures_records_for_the_focus_and_category(explorer, sample_db):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    assert [label for label, _ in explorer.category.options][0] == "All"
    assert [cell for _, cell in explorer.category.options][1:] == [(("injury_level", c),) for c in "123"]
    frame = explorer.show_records()
    quarter = parse_period(explorer.focus.value)
    expected = sql(sample_db, "SELECT incident_id FROM restraint_incidents WHERE injury_level >= 1 "
                              "AND incident_date BETWEEN ? AND ?", [quarter.first_day, quarter.last_day])
    assert sorted(frame["incident_id"]) == sorted(expected["incident_id"]) and len(frame) == 12
    assert ": 12 records." in explorer.records.value
    explorer.category.value = (("injury_level", "1"),)
    assert explorer.records.value == ""  # a new choice clears the old records
    assert set(explorer.show_records()["injury_level"]) == {1}
    explorer.indicator.value = "csc_referrals"
    assert explorer.records.value == ""


# --- exports -------------------------------------------------------------------------------------------


def test_exports_go_beside_the_notebook_by_default(sample_db, tmp_path, monkeypatch):
    for folder in (PACKAGE_ROOT / "notebooks", tmp_path):  # the repository's notebook, or a copy elsewhere
        monkeypatch.chdir(folder)  # Lab starts a notebook's kernel in the notebook's folder
        ex = Explorer(sample_db)
        try:
            assert ex.export_dir == folder / "exports"
        finally:
            ex.close()


def test_the_export_link_goes_when_the_view_changes(explorer, tmp_path, monkeypatch):
    monkeypatch.chdir(explorer.export_dir.parent)
    explorer.indicator.value = "restraint_injuries"
    explorer.export()
    assert explorer.export_note.outputs
    explorer.chart.value = "trend"  # the same figures drawn another way: the export still holds them
    assert explorer.export_note.outputs
    explorer.indicator.value = "csc_referrals"
    assert explorer.export_note.outputs == ()


def test_a_suppressed_export_is_announced_with_a_link(explorer, sample_db, monkeypatch):
    monkeypatch.chdir(explorer.export_dir.parent)  # the kernel runs in the notebook's folder
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    path = explorer.export()
    assert path.parent == explorer.export_dir and path == explorer.last_export
    text = path.read_text(encoding="utf-8")
    assert not text.startswith("#") and "RESTRICTED" not in text
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert "[c]" in set(frame["numerator"])
    assert not SMALL & set(pd.to_numeric(frame["numerator"], errors="coerce").dropna().astype(int))
    (output,) = explorer.export_note.outputs
    link = output["data"]["text/html"]
    assert f'href="exports/{path.name}"' in link and "small numbers hidden" in link


def test_an_unsuppressed_export_starts_restricted_and_holds_no_identifier(explorer, sample_db):
    explorer.suppress.value = False
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    records = explorer.show_records()
    path = explorer.export()
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == RESTRICTED_CSV_LINE and "RESTRICTED" in path.name
    frame = pd.read_csv(path, skiprows=1, dtype=str)
    assert SMALL & set(frame["numerator"].astype(int))  # it really is unsuppressed
    identifiers = sql(sample_db, "SELECT incident_id, young_person_id FROM restraint_incidents")
    assert len(records) and not [i for column in identifiers for i in set(identifiers[column]) if i in text]
    (output,) = explorer.export_note.outputs
    assert "RESTRICTED" in output["data"]["text/html"]


# --- the store --------------------------------------------------------------------------------------------


def test_a_wrong_db_path_is_one_sentence(tmp_path):
    shown = explore(tmp_path / "nowhere.duckdb")
    assert shown.data.count("no database at") == 1 and "Traceback" not in shown.data
    assert "`dscp load DATA_DIR --db" in shown.data
    assert not lock_path(tmp_path / "nowhere.duckdb").exists()


def test_a_load_can_replace_the_store_while_the_explorer_is_open(sample_db, tmp_path):
    db = tmp_path / "own.duckdb"
    shutil.copy(sample_db, db)
    ex = Explorer(db, export_dir=tmp_path / "exports")
    try:
        ex.indicator.value = "restraint_incidents"
        ex.show_records()
        duckdb.connect(str(db)).close()  # nobody holds DuckDB's write lock
        folder = tmp_path / "new"
        folder.mkdir()
        rows = (SAMPLE_DIR / "restraint_incidents.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / "restraint_incidents.csv").write_text("".join(rows[: len(rows) // 2]), encoding="utf-8")
        assert load_folder(folder, db, load_date=SAMPLE_LOAD_DATE).ok
        ex.chart.value = "trend"
        assert "A new load of the store was found" in ex.range_note.value
        periods = list(ex.period_range.options)
        expected = whole(direct_table(db, periods, ["restraint_incidents"]))
        assert ex.view.figure["data"][0]["y"] == expected["value"].tolist()
        db.unlink()  # a store that disappears: one sentence, nothing raised
        ex.chart.value = "spc"
        assert "no database at" in ex.status.value and ex.view is None
    finally:
        ex.close()


def test_control_changes_are_quick(explorer):
    """A change of chart, range, focus or suppression on the sample (tables cached after the first look)."""
    explorer.indicator.value = "rereferral_rate"
    times = []
    for chart in ("trend", "spc", "breakdown", "spc"):
        explorer.chart.value = chart
        times.append(explorer.last_refresh_seconds)
    explorer.period_range.value = (explorer.period_range.options[2], explorer.period_range.options[-1])
    times.append(explorer.last_refresh_seconds)
    explorer.suppress.value = False
    times.append(explorer.last_refresh_seconds)
    assert statistics.median(times) < 0.5, times
