"""What a chart's margins must hold (`present/margins.py`), on tiny hand-worked figures.

The page measures these texts before drawing (pack.js); that each chart of the real pack is then drawn once is
checked in Chromium (`test_pack_browser.py`).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from dscp_metrics.present.charts import bar_figure, chart_div, stacked_figure, trend_figure
from dscp_metrics.present.margins import _tick_counts, margin_hint, widest_tick_label, with_margin_hint


@pytest.mark.parametrize("low, high, suffix, label", [
    # the label is the longer for the top with 5% and 14% headroom; decimals from the finest step over the
    # range with 5% headroom and 10 ticks (a rough step rounded up to 2, 5 or 10 times its power of ten)
    (0, 452, "", "000"),           # tops 474.6 and 515.3; 47.46 rounds up to a step of 50
    (0, 80, "%", "00%"),           # tops 84 and 91.2
    (0, 88, "%", "000%"),          # tops 92.4 and 100.3: plotly's padding can reach the 100% tick
    (0, 4.7, "", "0.0"),           # 4.935 / 10 = 0.49 rounds up to a step of 0.5
    (0, 2.5, "", "0.0"),           # 0.2625 rounds up to 0.5
    (0, 0.3, "", "0.00"),          # 0.0315 rounds up to 0.05
    (-0.4, 0.8, "", "\u22120.0"),  # below zero: the minus sign; the range 1.26 / 10 rounds up to 0.2
    (0, 1500, "", "0000"),         # plain digits while the top's power of ten is 3
    (0, 9000, "", "0000"),         # 9,450 is "8000"-wide; 10,260 would be "10k"
    (0, 12000, "", "00k"),         # 12,600: power 4, in thousands
    (0, 1.3e6, "", "0.0M"),        # 1,365,000: power 6, in millions; 0.1365 rounds up to 0.2
    (0, 2e7, "", "00M"),
    (0, 0, "", "0"),
])
def test_widest_tick_label(low, high, suffix, label):
    assert widest_tick_label(low, high, suffix) == label


def test_the_tick_step_follows_the_chart_height():
    # a 300 px chart: an axis of 300 - 49 - (37 to 153) = 98 to 214 px, one tick per 40 px, 5 to 6.35 ticks
    assert _tick_counts(300) == pytest.approx((6.35, 5))
    assert _tick_counts(900) == (10, 10)  # at most 9 + 1
    # 4.7 * 1.05 / 6.35 = 0.78 and / 5 = 0.99 both round up to 1: whole numbers
    assert widest_tick_label(0, 4.7, "", _tick_counts(300)) == "0"
    assert widest_tick_label(0, 3.3, "", (10, 5)) == "0.0"  # 0.3465 rounds up to 0.5


def test_figures_of_any_number_type_and_gaps():
    figure = {"data": [{"y": [np.int64(3), None, float("nan"), True, np.float64(40.0)],
                        "error_y": {"array": np.array([1.0, 1.0, 1.0, 1.0, 80.0])}}, {"y": None}],
              "layout": {"height": 300, "xaxis": {"title": "Month<br>ending"}}}
    assert margin_hint(figure) == {"left": ["000"], "bottom_lines": 2}  # 40 + 80 = 120, the title a string


def test_a_bar_chart_holds_its_category_labels_as_the_reader_sees_them():
    labels = ["Police & partners", "County Durham and Darlington NHS Foundation Trust", "Schools"]
    hint = margin_hint(bar_figure(labels, [5.0, None, 2.0], "count", "Referrals"))
    # the long label is wrapped onto two lines; the hidden one carries [c]; entities are decoded
    assert hint == {"left": ["Police & partners", "County Durham and Darlington",
                             "NHS Foundation Trust [c]", "Schools"], "bottom_lines": 1}


def test_a_stacked_chart_holds_its_section_labels_too():
    figure = stacked_figure(["Leadership"], ["Red", "Green"], {("Leadership", "Red"): 40.0,
                                                              ("Leadership", "Green"): 60.0}, "% of ratings")
    assert margin_hint(figure)["left"] == ["Leadership"]


def test_a_value_axis_holds_its_widest_tick_error_bars_and_suffix_included():
    lines = [{"name": "Durham", "x": ["2023-24", "2024-25"], "values": [40.0, None],
              "lower": [30.0, None], "upper": [95.0, None]}]
    hint = margin_hint(trend_figure(lines, "%", "% offered", dated=False))
    assert hint == {"left": ["000%"], "bottom_lines": 1}  # the upper end, 95, with headroom reaches 100%
    assert margin_hint(trend_figure([{**lines[0], "lower": None}], "%", "", dated=False))["left"] == ["00%"]


def test_a_title_on_two_lines_takes_two():
    figure = bar_figure(["A"], [1.0], "count", "Referrals")
    figure["layout"]["xaxis"]["title"]["text"] = "Referrals<br>in the year"
    assert margin_hint(figure)["bottom_lines"] == 2


def test_the_hint_rides_in_the_page_and_leaves_the_figure_alone():
    figure = bar_figure(["A"], [1.0], "count", "Referrals")
    before = json.dumps(figure, sort_keys=True)
    hinted = with_margin_hint(figure)
    assert json.dumps(figure, sort_keys=True) == before
    assert hinted["layout"]["meta"]["dscp_margins"] == {"left": ["A"], "bottom_lines": 1}
    assert hinted["layout"]["xaxis"]["automargin"] is True  # plotly still grows a margin the hint falls short of
    assert re.search(r'"meta":\{"dscp_margins":\{"left":\["A"\],"bottom_lines":1\}\}', chart_div(figure, "a"))
