"""The explorer (`dscp_metrics.explorer`), driven headless: set widget values, check what it shows.

Expected figures come from `table.indicator_table` / `table.monthly_table` and
`spc.spc` called directly, never from the explorer itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import nbformat
import numpy as np
import pandas as pd
import pytest

from dscp_metrics.methods import spc as spc_methods
from dscp_metrics.store import open_store
from dscp_metrics.errors import DatabaseError, ParameterError
from dscp_metrics.explorer import (
    NO_BREAKDOWN,
    RESTRICTED_LABEL,
    SUPPRESS_LABEL,
    Explorer,
    ViewSpec,
    definition_card,
    indicator_options,
    resolve_db_path,
    table_html,
    view_table,
)
from dscp_metrics.export.indicator_table import RESTRICTED_CSV_LINE
from dscp_metrics.indicators import REGISTRY, THEMES
from dscp_metrics.load import load_folder
from dscp_metrics.table import COLUMNS, indicator_table, monthly_table

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"
LOAD_DATE = dt.date(2025, 5, 1)
ALL_QUARTERS = [f"{y}-{str(y + 1)[2:]}-Q{q}" for y in range(2021, 2025) for q in range(1, 5)]
SMALL = set(range(1, 6))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("explorer") / "t.duckdb"
    report = load_folder(SAMPLE, path, load_date=LOAD_DATE)
    assert report.ok, report.format()
    return path


@pytest.fixture
def explorer(db, tmp_path):
    ex = Explorer(db, export_dir=tmp_path / "exports")
    yield ex
    ex.close()


def expected_quarters(db: Path, indicator_id: str, periods=ALL_QUARTERS) -> pd.DataFrame:
    con = open_store(db)
    try:
        return indicator_table(con, periods, [indicator_id]).frame
    finally:
        con.close()


def overall(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["breakdown"] == "all"]


def trace(explorer: Explorer, name: str):
    matches = [t for t in explorer.figure.data if t.name == name]
    assert matches, f"no trace {name!r}; traces: {[t.name for t in explorer.figure.data]}"
    return matches[0]


def numbers_in_figure(explorer: Explorer) -> list[float]:
    return [v for t in explorer.figure.data for v in (t.y or ()) if v is not None]


def html_cells(markup: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", markup)


# --- menus ----------------------------------------------------------------------------------------


def test_indicator_menu_lists_every_indicator_theme_by_theme():
    options = indicator_options()
    assert [value for _, value in options] == [i.id for t in THEMES for i in REGISTRY.by_theme()[t]]
    labels = dict((value, label) for label, value in options)
    assert labels["rereferral_rate"] == "Domestic abuse — Re-referral rate"
    assert labels["restraint_injuries"].startswith("Use of restraint — ")


def test_breakdown_menu_follows_the_indicator(explorer):
    explorer.indicator.value = "rereferral_rate"
    assert explorer.breakdown.disabled
    assert [v for _, v in explorer.breakdown.options] == [NO_BREAKDOWN]
    explorer.indicator.value = "restraint_injuries"
    assert not explorer.breakdown.disabled
    assert [v for _, v in explorer.breakdown.options] == [NO_BREAKDOWN, "injury_level"]
    explorer.indicator.value = "osa_rating_share"  # no overall figure: a breakdown is always chosen
    assert [v for _, v in explorer.breakdown.options] == ["section", "rating"]
    assert explorer.breakdown.value == "section"


def test_suppression_is_off_and_labelled_by_default(explorer):
    assert explorer.suppress.value is False
    assert explorer.suppress.description == SUPPRESS_LABEL
    assert RESTRICTED_LABEL in explorer.restricted_label.value
    assert explorer.restricted_label.layout.display != "none"
    explorer.suppress.value = True
    assert explorer.restricted_label.layout.display == "none"


def test_period_range_comes_from_the_data(explorer):
    explorer.indicator.value = "rereferral_rate"
    assert list(explorer.period_range.options) == ALL_QUARTERS
    assert explorer.period_range.value == (ALL_QUARTERS[0], ALL_QUARTERS[-1])
    explorer.indicator.value = "cevt_referrals"  # CEVT scorings start in October 2023
    assert explorer.period_range.options[0] == "2023-24-Q3"
    explorer.granularity.value = "month"
    assert explorer.period_range.options[0] == "2023-10"
    assert explorer.period_range.options[-1] == "2025-03"


# --- the view follows the controls ----------------------------------------------------------------


def test_indicator_change_updates_the_same_figure_and_the_table(explorer, db):
    figure = explorer.figure
    explorer.chart.value = "trend"
    explorer.indicator.value = "csc_referrals"
    referrals = overall(expected_quarters(db, "csc_referrals"))
    assert list(trace(explorer, "All").y) == referrals["value"].tolist()
    assert list(trace(explorer, "All").x) == ALL_QUARTERS
    assert explorer.table["indicator_id"].unique().tolist() == ["csc_referrals"]

    explorer.indicator.value = "rereferral_rate"
    rates = overall(expected_quarters(db, "rereferral_rate"))
    assert explorer.figure is figure  # updated in place
    assert list(trace(explorer, "All").y) == pytest.approx(rates["value"].tolist())
    assert explorer.table["numerator"].tolist() == rates["numerator"].tolist()
    assert "Re-referrals within 12 months" in explorer.definition.value
    cells = html_cells(explorer.table_html.value)
    assert f"{rates['denominator'].iloc[0]:,}" in cells


def test_range_change_narrows_the_figure_and_the_table(explorer, db):
    explorer.indicator.value = "rereferral_rate"
    explorer.chart.value = "trend"
    explorer.period_range.value = ("2023-24-Q1", "2023-24-Q4")
    chosen = ALL_QUARTERS[8:12]
    assert list(trace(explorer, "All").x) == chosen
    assert explorer.table["period"].tolist() == chosen
    expected = overall(expected_quarters(db, "rereferral_rate", chosen))
    assert list(trace(explorer, "All").y) == pytest.approx(expected["value"].tolist())
    assert list(explorer.focus.options) == chosen


def test_months_give_monthly_figures(explorer, db):
    explorer.indicator.value = "csc_referrals"
    explorer.chart.value = "trend"
    explorer.granularity.value = "month"
    explorer.period_range.value = ("2024-04", "2024-09")
    con = open_store(db)
    try:
        expected = overall(monthly_table(con, dt.date(2024, 4, 1), dt.date(2024, 9, 1), ["csc_referrals"]).frame)
    finally:
        con.close()
    assert list(trace(explorer, "All").x) == ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09"]
    assert list(trace(explorer, "All").y) == expected["value"].tolist()


def test_breakdown_trend_has_one_line_per_category(explorer, db):
    explorer.indicator.value = "restraint_injuries"
    explorer.chart.value = "trend"
    explorer.breakdown.value = "injury_level"
    dimension = REGISTRY.get("restraint_injuries").breakdowns[0]
    assert [t.name for t in explorer.figure.data] == list(dimension.labels)
    expected = expected_quarters(db, "restraint_injuries")
    level3 = expected[expected["breakdown"] == "injury_level=3"]
    assert list(trace(explorer, dimension.labels[2]).y) == level3["value"].tolist()
    assert set(explorer.table["breakdown"]) == {"injury_level=1", "injury_level=2", "injury_level=3"}


def test_breakdown_chart_shows_the_chosen_period(explorer, db):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.chart.value = "breakdown"
    explorer.focus.value = "2022-23-Q2"
    expected = expected_quarters(db, "restraint_injuries", ["2022-23-Q2"])
    cells = expected[expected["breakdown"] != "all"]
    bars = explorer.figure.data[0]
    assert list(bars.x) == list(REGISTRY.get("restraint_injuries").breakdowns[0].labels)
    assert list(bars.y) == cells["value"].tolist()
    assert "2022-23-Q2" in explorer.figure.layout.title.text


def test_spc_chart_and_reading_match_the_spc_method(explorer, db):
    explorer.indicator.value = "rereferral_rate"
    explorer.chart.value = "spc"
    values = overall(expected_quarters(db, "rereferral_rate"))["value"].to_numpy()
    frame = spc_methods.spc(values, polarity="lower")
    assert list(trace(explorer, "Mean").y) == pytest.approx(frame["mean"].tolist())
    assert list(trace(explorer, "Upper process limit").y) == pytest.approx(frame["upl"].tolist())
    assert list(trace(explorer, "Re-referral rate").y) == pytest.approx(values.tolist())
    reading = spc_methods.spc_summary(frame, point="quarter")["reading"]
    assert reading in explorer.reading.value.replace("&#x27;", "'")
    explorer.chart.value = "trend"
    assert "Mean" not in [t.name for t in explorer.figure.data]


def test_chart_output_is_rerendered_without_figurewidget(explorer):
    if explorer._chart_output is None:
        pytest.skip("FigureWidget (anywidget) in use: the figure is the widget")
    explorer.indicator.value = "rereferral_rate"
    explorer.chart.value = "trend"
    (output,) = explorer._chart_output.outputs
    shown = output["data"]["application/vnd.plotly.v1+json"]
    assert shown["data"][0]["y"] == pytest.approx(list(explorer.figure.data[0].y))


# --- disclosure control ---------------------------------------------------------------------------


def test_suppression_hides_every_small_count_in_figure_and_table(explorer):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.chart.value = "trend"
    assert SMALL & set(numbers_in_figure(explorer)), "the sample should have small counts to hide"

    explorer.suppress.value = True
    assert not SMALL & set(numbers_in_figure(explorer))
    hover = " ".join(text for t in explorer.figure.data for text in t.text)
    assert "[c]" in hover
    assert not re.search(r"Injuries: [1-5](?!\d)", hover)
    numerators = pd.to_numeric(explorer.table["numerator"].astype(object).replace("[c]", np.nan))
    assert not SMALL & set(numerators.dropna().astype(int))
    assert (explorer.table.loc[explorer.table["suppressed"], "numerator"] == "[c]").all()
    assert "[c]" in html_cells(explorer.table_html.value)

    explorer.chart.value = "breakdown"
    for period in explorer.focus.options:
        explorer.focus.value = period
        assert not SMALL & set(numbers_in_figure(explorer)), period


def test_spc_draws_no_limits_from_suppressed_points(explorer):
    explorer.indicator.value = "restraint_injuries"
    explorer.granularity.value = "month"
    explorer.chart.value = "spc"
    assert "Mean" in [t.name for t in explorer.figure.data]
    explorer.suppress.value = True
    assert "Mean" not in [t.name for t in explorer.figure.data]
    assert "No SPC limits are drawn" in explorer.reading.value
    assert not SMALL & set(numbers_in_figure(explorer))


def test_view_table_suppresses_whole_periods_before_choosing_rows(db):
    frame = expected_quarters(db, "restraint_injuries")
    spec = ViewSpec("restraint_injuries", breakdown="injury_level", chart="trend", suppress=True)
    cells = view_table(frame, spec)
    assert "all" not in set(cells["breakdown"])
    # a cell hidden only to protect a sibling (secondary suppression) is hidden here too
    small = pd.to_numeric(frame["numerator"]).between(1, 5) & (frame["breakdown"] != "all")
    assert cells["suppressed"].sum() >= small.sum()
    with pytest.raises(ParameterError, match="no breakdown"):
        ViewSpec("rereferral_rate", breakdown="injury_level")


def test_suppressed_export_has_c_and_no_restricted_line(explorer):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.suppress.value = True
    path = explorer.export()
    assert path.parent == explorer.export_dir
    text = path.read_text(encoding="utf-8")
    assert "RESTRICTED" not in text
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == COLUMNS
    assert "[c]" in set(frame["numerator"])
    shown = pd.to_numeric(frame["numerator"], errors="coerce").dropna().astype(int)
    assert not SMALL & set(shown)
    assert str(path) in explorer.status.value


def test_unsuppressed_export_starts_with_the_restricted_line(explorer):
    explorer.indicator.value = "restraint_injuries"
    explorer.breakdown.value = "injury_level"
    explorer.period_range.value = ("2022-23-Q1", "2022-23-Q4")
    path = explorer.export()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == RESTRICTED_CSV_LINE
    assert "RESTRICTED" in path.name
    frame = pd.read_csv(path, skiprows=1, dtype=str)
    assert list(frame.columns) == COLUMNS
    assert "[c]" not in set(frame["numerator"])
    assert set(frame["period"]) == {"2022-23-Q1", "2022-23-Q2", "2022-23-Q3", "2022-23-Q4"}
    assert SMALL & set(frame["numerator"].astype(int))
    assert "restraint_injuries" in path.name and "2022-23-Q1_to_2022-23-Q4" in path.name


# --- drill-down -----------------------------------------------------------------------------------


def test_drilldown_shows_identifiers_that_export_never_writes(explorer, db):
    explorer.indicator.value = "rereferral_rate"
    explorer.period_range.value = ("2023-24-Q1", "2023-24-Q4")
    explorer.focus.value = "2023-24-Q2"
    records = explorer.show_records()
    con = duckdb.connect(str(db), read_only=True)
    try:
        expected = con.execute(
            "SELECT referral_id, child_id FROM csc_referrals "
            "WHERE referral_date BETWEEN DATE '2023-07-01' AND DATE '2023-09-30' ORDER BY referral_date, referral_id"
        ).df()
    finally:
        con.close()
    assert "is_rereferral" in records.columns
    assert len(records) == min(len(expected), 500)
    assert f"{len(expected):,} records" in explorer.records.value
    first = expected.iloc[0]
    assert first["child_id"] in explorer.records.value and first["referral_id"] in explorer.records.value

    before = sorted(explorer.export_dir.glob("*")) if explorer.export_dir.exists() else []
    assert before == []  # showing records wrote nothing
    path = explorer.export()
    text = path.read_text(encoding="utf-8")
    for identifier in [*expected["child_id"].head(50), *expected["referral_id"].head(50)]:
        assert identifier not in text
    assert list(explorer.export_dir.iterdir()) == [path]


def test_drilldown_is_cleared_when_the_indicator_changes(explorer):
    explorer.indicator.value = "restraint_incidents"
    explorer.show_records()
    assert "young_person_id" in explorer.records.value
    explorer.indicator.value = "csc_referrals"
    assert explorer.records.value == ""


# --- the store is never locked --------------------------------------------------------------------


def test_explorer_never_holds_the_write_lock(tmp_path):
    db = tmp_path / "own.duckdb"
    load_folder(SAMPLE, db, load_date=LOAD_DATE)
    ex = Explorer(db, export_dir=tmp_path / "exports")
    ex.indicator.value = "restraint_injuries"
    ex.show_records()
    writer = duckdb.connect(str(db))  # fails with a lock error while anyone holds the file
    writer.execute("CREATE TABLE scratch AS SELECT 1 AS x")
    writer.close()
    report = load_folder(SAMPLE, db, load_date=LOAD_DATE)
    assert report.ok
    ex.chart.value = "trend"  # the replaced store is read afresh
    assert ex._tables and "could not" not in ex.status.value.lower()
    ex.close()


def test_missing_database_is_a_sentence(tmp_path):
    with pytest.raises(DatabaseError, match="no database at"):
        Explorer(tmp_path / "absent.duckdb")


def test_default_database_is_the_repositorys():
    assert resolve_db_path(None) == REPO / "data" / "dscp.duckdb"
    assert resolve_db_path("/elsewhere/x.duckdb") == Path("/elsewhere/x.duckdb")


# --- HTML is escaped --------------------------------------------------------------------------------


def test_definition_card_and_table_escape_text(db):
    indicator = dataclasses.replace(REGISTRY.get("rereferral_rate"), caveats="<script>alert(1)</script>")
    card = definition_card(indicator)
    assert "<script>" not in card and "&lt;script&gt;" in card
    for label in ("Definition", "Numerator", "Denominator", "Unit", "Polarity", "Source", "Caveats"):
        assert f"<b>{label}</b>" in card
    frame = view_table(expected_quarters(db, "rereferral_rate"), ViewSpec("rereferral_rate"))
    frame.loc[0, "period"] = "<b>x</b>"
    assert "&lt;b&gt;x&lt;/b&gt;" in table_html(frame, indicator)


# --- the notebook -----------------------------------------------------------------------------------


def test_notebook_is_committed_clean_on_the_project_kernel():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "dscp"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].source.startswith('db_path: str = "../data/dscp.duckdb"')
    assert not any(re.search(r"^\s*(def|class) ", c.source, re.M) for c in code)
    assert "widgets" not in nb.metadata


def test_notebook_runs_headless_with_papermill(db, tmp_path):
    import papermill

    out = tmp_path / "explore.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"db_path": str(db)},
        kernel_name="dscp",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
        execution_timeout=120,
    )
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = json.dumps(executed.metadata.get("widgets", {}))
    assert "Export this view" in state
