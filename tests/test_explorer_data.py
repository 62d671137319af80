"""What the explorer reads (`explorer.data`, `explorer.drilldown`, `explorer.records`): periods, records, the store.

Expected figures and records come from `indicator_table` and from SQL on the
store itself, never from the explorer.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from dscp_metrics.errors import DatabaseError
from dscp_metrics.explorer.data import (
    Store, holding, indicator_periods, indicator_span, narrower, resolve_db_path, short_windows,
)
from dscp_metrics.explorer.records import records_html
from dscp_metrics.indicators import REGISTRY
from dscp_metrics.load import load_folder
from dscp_metrics.periods import parse_period
from dscp_metrics.store import lock_path
from explorer_support import SAMPLE_DIR, SAMPLE_LOAD_DATE, direct_table, sql

PERIODS = ["2024-25-Q4", "2024-05"]


@pytest.fixture(scope="module")
def store(sample_db):
    return Store(sample_db)


@pytest.fixture(scope="module")
def tables(sample_db):
    return {p: direct_table(sample_db, [p], [i.id for i in REGISTRY]) for p in PERIODS}


# --- the tables, computed with their companions ---------------------------------------------------------


def test_indicators_of_one_extract_are_computed_together_and_agree_with_compute(sample_db):
    store = Store(sample_db)
    rate = REGISTRY.get("rereferral_rate")
    table = store.table(rate, "quarter")
    computed = set(store._tables)
    assert ("csc_referrals", "month") in computed and ("rereferral_rate", "month") in computed
    assert ("restraint_incidents", "quarter") not in computed  # another extract: not read yet
    for indicator_id, granularity in (("rereferral_rate", "quarter"), ("csc_exploitation_share", "month")):
        indicator = REGISTRY.get(indicator_id)
        alone = direct_table(sample_db, store.periods(indicator, granularity), [indicator_id])
        shared = store.table(indicator, granularity).frame
        pd.testing.assert_frame_equal(shared[alone.columns], alone, check_dtype=False)
    assert set(store._tables) == computed  # the second and third reads were the cache
    assert list(table.frame["period"].unique()) == [p.code for p in store.periods(rate, "quarter")]


# --- the periods offered ------------------------------------------------------------------------------


def test_periods_cover_each_indicators_own_data(store, sample_db):
    first_cevt = sql(sample_db, "SELECT min(scored_date) AS d FROM cevt_referrals")["d"].iloc[0]
    cevt = [p.code for p in store.periods(REGISTRY.get("cevt_referrals"), "month")]
    assert cevt[0] == f"{first_cevt:%Y-%m}" and cevt[-1] == "2025-03"
    assert [p.code for p in store.periods(REGISTRY.get("restraint_incidents"), "quarter")][0] == "2021-22-Q1"


def test_a_look_back_starts_at_the_first_whole_period_after_it():
    """Data from 15 April 2021: 12 months of history end on 14 April 2022, so May 2022 and 2022-23-Q2."""
    ranges = {"csc_referrals": (dt.date(2021, 4, 15), dt.date(2025, 3, 31))}
    rate = REGISTRY.get("rereferral_rate")
    assert indicator_span(rate, ranges)[0] == dt.date(2022, 4, 15)
    assert indicator_periods(rate, ranges, "month")[0].code == "2022-05"
    assert indicator_periods(rate, ranges, "quarter")[0].code == "2022-23-Q2"
    assert indicator_periods(REGISTRY.get("csc_referrals"), ranges, "month")[0].code == "2021-04"


@pytest.mark.parametrize("old, labels, expected", [
    (("2023-24-Q2", "2024-25-Q1"), ["2023-06", "2023-07", "2024-06", "2024-07"], ("2023-07", "2024-06")),
    (("2023-08", "2024-02"), ["2023-24-Q1", "2023-24-Q2", "2023-24-Q4", "2024-25-Q1"], ("2023-24-Q2", "2023-24-Q4")),
    (("2019-20-Q1", "2019-20-Q2"), ["2023-24-Q1"], None),
])
def test_holding_keeps_the_days_of_a_range(old, labels, expected):
    assert holding(labels, old) == expected


def test_rolling_windows_that_start_before_the_data_are_named():
    ranges = {"missing_episodes": (dt.date(2021, 4, 6), dt.date(2025, 3, 31))}
    repeat = REGISTRY.get("missing_repeat_children")
    assert short_windows(repeat, ranges, ["2022-02", "2022-03", "2021-22-Q4", "2022-23-Q1"]) == ["2022-02"]
    assert short_windows(REGISTRY.get("missing_episodes"), ranges, ["2021-04"]) == []


def test_narrower_compares_days_not_codes():
    assert narrower(["2022-04", "2025-03"], ("2021-22-Q1", "2024-25-Q4"))
    assert not narrower(["2021-04", "2025-03"], ("2021-22-Q1", "2024-25-Q4"))
    assert not narrower(["2021-22-Q1"], None)


# --- the drill-down: exactly the records the figure counts ------------------------------------------------


def test_restraint_injury_records_are_the_injuries_not_every_incident(store, sample_db):
    period = parse_period("2024-25-Q4")
    found = store.records(REGISTRY.get("restraint_injuries"), period)
    incidents = sql(sample_db, "SELECT incident_id, injury_level FROM restraint_incidents "
                               "WHERE incident_date BETWEEN ? AND ? ORDER BY incident_date, incident_id",
                    [period.first_day, period.last_day])
    injuries = incidents[incidents["injury_level"] >= 1]
    assert len(incidents) == 53 and len(injuries) == 12  # the example
    assert found.total == found.counted == 12 and not found.distinct
    assert sorted(found.frame["incident_id"]) == sorted(injuries["incident_id"])
    level2 = store.records(REGISTRY.get("restraint_injuries"), period, (("injury_level", "2"),))
    assert set(level2.frame["injury_level"]) == {2} and level2.total == (injuries["injury_level"] == 2).sum()
    none = store.records(REGISTRY.get("restraint_injuries"), period, (("injury_level", "0"),))
    assert none.total == 0  # level 0 is not an injury: the figure never counts it


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("indicator", list(REGISTRY), ids=lambda i: i.id)
def test_the_records_are_what_each_figure_counts(store, tables, indicator, period):
    """For every indicator and cell: the records hold the figure's count (a mean's: its ratings)."""
    frame = tables[period]
    rows = frame[frame["indicator_id"] == indicator.id]
    for row in rows.to_dict("records")[:12]:
        found = store.records(indicator, parse_period(period), row["cell"], limit=0)
        expected = row["denominator"] if indicator.unit == "mean" else row["numerator"]
        assert found.counted == expected, (row["breakdown"], found.counted, expected)
        assert found.total >= found.counted


def test_distinct_figures_say_how_many_they_count(store, sample_db):
    period = parse_period("2024-25-Q4")
    repeat = store.records(REGISTRY.get("missing_repeat_children"), period)
    direct = sql(sample_db, "SELECT child_id FROM missing_episodes WHERE missing_date BETWEEN ? AND ? "
                            "GROUP BY child_id HAVING count(*) >= 3", [dt.date(2024, 4, 1), period.last_day])
    assert repeat.distinct and repeat.counted == len(direct)
    assert set(repeat.frame["child_id"]) <= set(direct["child_id"])
    ratings = store.records(REGISTRY.get("training_content_rating"), period, limit=10_000)
    assert ratings.frame["content_rating"].notna().all() and set(ratings.frame["completed"]) == {"yes"}
    html = records_html(repeat.frame, repeat.total, "children", repeat.counted)
    assert f"{repeat.total:,} records, {repeat.counted:,} distinct; the first 500 are shown" in html


def test_records_html_escapes_every_cell(store):
    found = store.records(REGISTRY.get("restraint_incidents"), parse_period("2024-25-Q4"))
    frame = found.frame.assign(incident_id="<script>x</script>")
    html = records_html(frame, found.total, "incidents <b>")
    assert "<script>" not in html and "&lt;script&gt;" in html and "incidents &lt;b&gt;" in html


# --- the store: one sentence when wrong, never locked, a new load noticed ----------------------------------


def test_a_wrong_path_is_one_sentence_and_leaves_nothing_behind(tmp_path):
    absent = tmp_path / "absent.duckdb"
    with pytest.raises(DatabaseError, match=r"^no database at .*absent\.duckdb: load the extracts first"):
        Store(absent)
    assert not lock_path(absent).exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(DatabaseError, match="no database at"):
        Store(tmp_path / "no" / "such" / "folder.duckdb")
    not_a_store = tmp_path / "extract.csv"
    not_a_store.write_text("a,b\n1,2\n")
    with pytest.raises(DatabaseError, match=r"extract\.csv is not a DuckDB database: choose another") as caught:
        Store(not_a_store)
    assert "!" not in str(caught.value)


def test_default_database_is_the_repositorys(tmp_path, monkeypatch):
    from dscp_metrics.config import PACKAGE_ROOT

    monkeypatch.chdir(tmp_path)
    assert resolve_db_path(None) == PACKAGE_ROOT / "data" / "dscp.duckdb"
    assert resolve_db_path("data/sample") == PACKAGE_ROOT / "data" / "sample"  # tried from the repository too
    assert str(resolve_db_path("elsewhere.duckdb")) == "elsewhere.duckdb"


def test_the_store_is_never_held_and_a_new_load_is_noticed(sample_db, tmp_path):
    db = tmp_path / "own.duckdb"
    shutil.copy(sample_db, db)
    store = Store(db)
    injuries = REGISTRY.get("restraint_injuries")
    before = store.table(injuries, "quarter").frame
    store.records(injuries, parse_period("2024-25-Q4"))
    writer = duckdb.connect(str(db))  # DuckDB refuses this while any process holds the file
    writer.close()
    folder = tmp_path / "new"
    folder.mkdir()
    rows = (SAMPLE_DIR / "restraint_incidents.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "restraint_incidents.csv").write_text("".join(rows[: len(rows) // 2]), encoding="utf-8")
    old_load = store.load_id
    report = load_folder(folder, db, load_date=SAMPLE_LOAD_DATE)  # while the explorer's store is open
    assert report.ok, report.format()
    assert store.check() and store.load_id != old_load
    after = store.table(injuries, "quarter").frame
    expected = direct_table(db, [p.code for p in store.periods(injuries, "quarter")], ["restraint_injuries"])
    assert after["numerator"].tolist() == expected["numerator"].tolist() != before["numerator"].tolist()
    assert not store.check()  # nothing new since
