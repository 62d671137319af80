"""The explorer's views (`dscp_metrics.explorer.view`), without widgets.

Expected figures come from `dscp_metrics.compute.indicator_table` and
`dscp_metrics.methods.spc.spc` called directly, and from the pack's own report
(`dscp_metrics.report.open_report`), never from the explorer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dscp_metrics.config import load_config
from dscp_metrics.errors import ParameterError
from dscp_metrics.explorer.data import Store
from dscp_metrics.explorer.view import (
    NO_BREAKDOWN, ViewSpec, breakdown_values, cell_options, indicator_options, numbers_html, view_figure,
    view_publication, view_rows,
)
from dscp_metrics.indicators import REGISTRY, THEMES
from dscp_metrics.methods.spc import spc
from dscp_metrics.methods.spc_reading import spc_summary
from dscp_metrics.periods import months_before
from dscp_metrics.report import open_report
from explorer_support import SMALL, direct_table, first_record, plotted_numbers, trace, whole

THRESHOLD = load_config().suppression_threshold


@pytest.fixture(scope="module")
def store(sample_db):
    return Store(sample_db)


@pytest.fixture(scope="module")
def pack_report(sample_db):
    return open_report(sample_db, "2024-25-Q4")


def labels(store, indicator_id, granularity):
    return [p.code for p in store.periods(REGISTRY.get(indicator_id), granularity)]


def make_view(store, spec: ViewSpec):
    table = store.table(spec.indicator, spec.granularity)
    publication = view_publication(table.frame, spec, labels(store, spec.indicator_id, spec.granularity),
                                   THRESHOLD, table.categories)
    return publication, view_figure(publication, spec, load_config().targets.get(spec.indicator_id))


# --- what the explorer offers ----------------------------------------------------------------------


def test_the_menu_offers_every_indicator_theme_by_theme():
    options = indicator_options()
    ids = [value for _, value in options]
    assert len(ids) == len(REGISTRY) == 42 and len(set(ids)) == 42
    assert ids == [i.id for items in REGISTRY.by_theme().values() for i in items]
    themes = {REGISTRY.get(i).theme for i in ids}
    assert len(themes) == 8 and {"training", "missing", "meetings", "education"} <= themes
    menu = {value: label for label, value in options}
    assert menu["rereferral_rate"] == f"{THEMES.get('domestic_abuse').title} — Re-referral rate"


@pytest.mark.parametrize("indicator", list(REGISTRY), ids=lambda i: i.id)
def test_every_indicator_has_every_view(store, indicator):
    """No theme-specific code: each chart of each breakdown gives a figure or a sentence, for each indicator."""
    assert labels(store, indicator.id, "quarter") and labels(store, indicator.id, "month")
    for breakdown in breakdown_values(indicator):
        for chart in ("spc", "trend", "breakdown"):
            publication, view = make_view(store, ViewSpec(indicator.id, "quarter", breakdown=breakdown, chart=chart))
            assert view.figure is not None or view.reading.endswith(".")
            assert "<table" in numbers_html(publication, ViewSpec(indicator.id, breakdown=breakdown))
    spec = ViewSpec(indicator.id, "month", breakdown=breakdown_values(indicator)[0], chart="trend")
    assert make_view(store, spec)[1].figure is not None


# --- the figures are the indicator table's ------------------------------------------------------------


@pytest.mark.parametrize("indicator_id, granularity", [
    ("csc_referrals", "month"), ("rereferral_rate", "quarter"), ("training_content_rating", "month"),
    ("restraint_injury_level_share", "quarter"), ("meeting_attendance_rate", "month"), ("cme_children", "quarter"),
])
def test_unsuppressed_view_shows_the_indicator_table(store, sample_db, indicator_id, granularity):
    indicator = REGISTRY.get(indicator_id)
    periods = labels(store, indicator_id, granularity)[-6:]
    breakdown = breakdown_values(indicator)[0]
    spec = ViewSpec(indicator_id, granularity, periods[0], periods[-1], breakdown, "trend", suppress=False)
    publication, view = make_view(store, spec)
    expected = direct_table(sample_db, periods, [indicator_id])
    if breakdown == NO_BREAKDOWN:
        line = trace(view.figure, indicator.label)
        assert line["y"] == pytest.approx(whole(expected)["value"].round(6).tolist(), nan_ok=True)
        if granularity == "month":  # months are periods: `2024-05`, plotted at their first day
            assert [x[:7] for x in line["x"]] == periods
    shown = publication.shown
    cells = expected[[c == () or tuple(k for k, _ in c) == spec.keys for c in expected["cell"]]]
    merged = shown.merge(cells, on=["period", "breakdown"], suffixes=("", "_direct"))
    assert len(merged) == len(shown) > 0
    assert merged["numerator"].astype(float).tolist() == merged["numerator_direct"].astype(float).tolist()
    assert np.allclose(merged["value"].astype(float), merged["value_direct"].astype(float), equal_nan=True)


def test_a_mean_reads_as_ratings(store):
    publication, _ = make_view(store, ViewSpec("training_content_rating", suppress=False))
    html = numbers_html(publication, ViewSpec("training_content_rating"))
    assert "Sum of ratings" in html and "Ratings" in html and "Mean rating" in html
    value = publication.shown["value"].iloc[-1]
    assert f"{value:.2f}" in html


# --- SPC: as the pack, and as the SPC method itself -------------------------------------------------------


def test_rereferral_spc_starts_once_the_look_back_is_complete(store, sample_db):
    first = first_record(sample_db, "csc_referrals", "referral_date")
    months = labels(store, "rereferral_rate", "month")
    assert months[0] == months_before(first, -12).strftime("%Y-%m")  # 12 months of history before it
    quarters = labels(store, "rereferral_rate", "quarter")
    warm_up = direct_table(sample_db, [first.strftime("%Y-%m"), months[0]], ["rereferral_rate"])
    assert warm_up["history_complete"].tolist() == [False, True]  # positive control: the month before is short
    assert warm_up["value"].iloc[0] < warm_up["value"].iloc[1] / 2  # ... and undercounts
    _, view = make_view(store, ViewSpec("rereferral_rate", "month", chart="spc"))
    assert view.series.periods == months
    assert make_view(store, ViewSpec("rereferral_rate", "quarter"))[1].series.periods == quarters
    assert all(direct_table(sample_db, quarters[:1], ["rereferral_rate"])["history_complete"])


@pytest.mark.parametrize("indicator_id, granularity", [
    ("rereferral_rate", "month"), ("rereferral_rate", "quarter"), ("csc_referrals", "quarter"),
    ("training_content_rating", "month"), ("training_completion_rate", "quarter"),
])
def test_spc_is_the_spc_method_on_the_indicator_table(store, sample_db, indicator_id, granularity):
    indicator = REGISTRY.get(indicator_id)
    periods = labels(store, indicator_id, granularity)
    _, view = make_view(store, ViewSpec(indicator_id, granularity, chart="spc", suppress=False))
    values = whole(direct_table(sample_db, periods, [indicator_id]))["value"].to_numpy(dtype=float)
    expected = spc(values, polarity=indicator.polarity, target=load_config().targets.get(indicator_id))
    frame = view.series.frame
    for column in ("mean", "upl", "lpl"):
        assert frame[column].tolist() == pytest.approx(expected[column].tolist())
    assert frame["point_type"].tolist() == expected["point_type"].tolist()
    assert view.reading == spc_summary(expected, point=granularity)["reading"]
    assert trace(view.figure, "Average")["y"] == pytest.approx(expected["mean"].round(4).tolist())


@pytest.mark.parametrize("indicator_id", ["rereferral_rate", "csc_referrals", "da_referral_share",
                                          "training_content_rating", "rhi_offered_rate", "missing_episodes"])
def test_pack_and_explorer_draw_the_same_spc(store, pack_report, indicator_id):
    """The pack's monthly SPC series and the explorer's monthly view over the same months agree."""
    pack = pack_report.series(indicator_id)
    assert pack is not None and pack.draw_limits, "the pack should draw this chart with limits"
    spec = ViewSpec(indicator_id, "month", pack.periods[0], pack.periods[-1], chart="spc")
    _, view = make_view(store, spec)
    ours = view.series
    assert ours.periods == pack.periods
    assert ours.values == pytest.approx(pack.values)
    for column in ("mean", "upl", "lpl"):
        assert ours.frame[column].tolist() == pytest.approx(pack.frame[column].tolist())
    assert ours.point_types == pack.point_types
    assert ours.reading == pack.reading
    if indicator_id == "rereferral_rate":  # the explorer's own months: none of the look-back's warm-up either
        assert make_view(store, ViewSpec(indicator_id, "month"))[1].series.periods == pack.periods


@pytest.mark.parametrize("indicator_id", ["missing_repeat_children", "osa_green_share", "osa_return_rate"])
def test_a_rolling_figure_is_not_charted_as_spc_as_in_the_pack(store, pack_report, indicator_id):
    assert pack_report.series(indicator_id) is None
    for granularity in ("month", "quarter"):
        _, view = make_view(store, ViewSpec(indicator_id, granularity, chart="spc"))
        assert view.figure is None and "neighbouring periods share months" in view.reading
        assert make_view(store, ViewSpec(indicator_id, granularity, chart="trend"))[1].figure is not None


def test_count_process_limits_are_never_below_zero(store, sample_db):
    checked = 0
    for indicator in (i for i in REGISTRY if i.unit == "count" and i.include_all):
        periods = labels(store, indicator.id, "quarter")
        values = whole(direct_table(sample_db, periods, [indicator.id]))["value"].to_numpy(dtype=float)
        if len(values) < 2 or not (spc(values, polarity=indicator.polarity)["lpl"] < 0).any():
            continue
        _, view = make_view(store, ViewSpec(indicator.id, "quarter", chart="spc", suppress=False))
        limits = trace(view.figure, "Process limits")["y"]  # the upper limit, a gap, the lower limit
        assert min(limits[limits.index(None) + 1:]) >= 0
        checked += 1
    assert checked, "the sample should have a count whose lower limit the method puts below 0"


# --- the breakdown chart -----------------------------------------------------------------------------


def test_breakdown_chart_needs_a_breakdown(store):
    _, view = make_view(store, ViewSpec("restraint_injuries", chart="breakdown"))
    assert view.figure is None and "choose a breakdown (by injury level)" in view.reading
    _, view = make_view(store, ViewSpec("rereferral_rate", chart="breakdown"))
    assert view.figure is None and "has no breakdown" in view.reading


def test_breakdown_chart_shows_the_period_in_focus_only(store, sample_db):
    spec = ViewSpec("restraint_injuries", breakdown="injury_level", chart="breakdown", suppress=False,
                    focus="2023-24-Q2")
    _, view = make_view(store, spec)
    expected = direct_table(sample_db, ["2023-24-Q2"], ["restraint_injuries"])
    bars = view.figure["data"][0]
    assert bars["x"] == expected[expected["breakdown"] != "all"]["value"].tolist()
    assert "2023-24-Q2" in view.title


def test_hidden_categories_are_marked_on_the_bars(store, sample_db):
    spec = ViewSpec("restraint_injuries", breakdown="injury_level", chart="breakdown", focus="2023-24-Q2")
    publication, view = make_view(store, spec)
    hidden = publication.shown[(publication.shown["period"] == "2023-24-Q2") & publication.shown["hidden"]]
    assert len(hidden), "the sample hides an injury level in 2023-24-Q2"
    bars = view.figure["data"][0]
    marked = [name for name, x in zip(view.figure["layout"]["yaxis"]["ticktext"], bars["x"]) if x is None]
    assert len(marked) == len(hidden) and all(name.endswith("[c]") for name in marked)
    assert trace(view.figure, "[c] hidden (small number)")["text"] == ["[c]"] * len(hidden)
    assert not SMALL & set(plotted_numbers(view.figure))


def test_a_two_way_breakdown_is_stacked(store):
    _, view = make_view(store, ViewSpec("osa_rating_share", breakdown="section+rating", chart="breakdown"))
    assert view.figure["layout"]["barmode"] == "stack"
    assert {t["name"] for t in view.figure["data"]} == {"Red", "Amber", "Green"}


def test_a_trend_with_many_lines_grows_for_its_legend(store):
    _, few = make_view(store, ViewSpec("restraint_injuries", breakdown="injury_level", chart="trend"))
    _, many = make_view(store, ViewSpec("training_completions", breakdown="organisation_type", chart="trend"))
    assert len(many.figure["data"]) > 30
    assert many.figure["layout"]["height"] >= few.figure["layout"]["height"] + 20 * math.ceil(24 / 2)


# --- disclosure control -------------------------------------------------------------------------------


def test_a_suppressed_view_shows_no_small_number(store):
    spec = ViewSpec("restraint_injuries", "month", breakdown="injury_level", chart="trend")
    raw, shown = make_view(store, ViewSpec(**{**spec.__dict__, "suppress": False})), make_view(store, spec)
    assert SMALL & set(plotted_numbers(raw[1].figure)), "positive control: the sample has small counts"
    assert not SMALL & set(plotted_numbers(shown[1].figure))
    numerators = shown[0].shown["numerator"].dropna().astype(int)
    assert not SMALL & set(numerators) and shown[0].hidden_count > 0
    assert "[c]" in numbers_html(shown[0], spec)


def test_spc_draws_no_limits_over_a_hidden_point(store):
    _, view = make_view(store, ViewSpec("restraint_young_people", "month", chart="spc"))
    assert view.series.n_hidden > 0 and not view.series.draw_limits
    assert "Average" not in [t["name"] for t in view.figure["data"]]
    assert view.reading.startswith("No SPC reading")


# --- the range and the menus ---------------------------------------------------------------------------


def test_a_range_outside_the_data_is_refused(store):
    table = store.table(REGISTRY.get("cevt_referrals"), "quarter").frame
    periods = labels(store, "cevt_referrals", "quarter")
    with pytest.raises(ParameterError, match="is not a period CEVT referrals has figures for"):
        view_rows(table, ViewSpec("cevt_referrals", first="2021-22-Q1"), periods)
    with pytest.raises(ParameterError, match="before it starts"):
        view_rows(table, ViewSpec("cevt_referrals", first=periods[-1], last=periods[0]), periods)
    with pytest.raises(ParameterError, match="no breakdown"):
        ViewSpec("rereferral_rate", breakdown="injury_level")


def test_drilldown_categories_are_the_breakdown_cells(store):
    frame = store.table(REGISTRY.get("restraint_injuries"), "quarter").frame
    options = cell_options(frame, ViewSpec("restraint_injuries", breakdown="injury_level"))
    assert [cell for _, cell in options] == [(), *((("injury_level", c),) for c in ("1", "2", "3"))]
    frame = store.table(REGISTRY.get("osa_rating_share"), "quarter").frame
    options = cell_options(frame, ViewSpec("osa_rating_share", breakdown="section+rating"))
    assert len(options) == 27 and options[0][1] == (("section", "leadership"), ("rating", "Red"))


# --- the store's reads ---------------------------------------------------------------------------------


def test_reads_share_one_database_and_leave_nothing_for_the_next(sample_db):
    """Each read attaches the store to one kept in-memory database and detaches it after; a read that left
    anything behind in that database has it closed, so the next read starts clean."""
    store = Store(sample_db)
    with store._read() as con:
        first = con
    assert store._memory is first  # kept, with the store detached
    assert not first.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = 'store'").fetchone()[0]
    with store._read() as con:
        assert con is first
        con.execute("CREATE TEMP TABLE leftover AS SELECT 1 AS x")
    assert store._memory is None  # closed, not kept
    with store._read() as con:
        assert con is not first
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name <> 'store'").fetchone()[0]
    store.close()
    assert store._memory is None
