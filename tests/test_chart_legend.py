"""A chart's legend as HTML in the pack (`present/legend.py`): the entries plotly would list, drawn as it draws them.

Fast: tiny hand-made figures, no browser. The browser tests (test_pack_browser.py,
test_pack_reader.py) check the real pack's legends: above their plots, inside the
page on a phone, and each entry hiding and showing its series.
"""

from __future__ import annotations

import re

import pytest

from dscp_metrics.present.charts import chart_div, grouped_figure, stacked_figure
from dscp_metrics.present.legend import (
    legend_entries, legend_html, marker_path, plotly_legend_room, swatch,
)


def _line(name, **extra):
    return {"type": "scatter", "mode": "lines", "name": name, "x": [1, 2], "y": [1, 2], "line": {"color": "#111"},
            **extra}


def _figure(*traces, **layout):
    return {"data": list(traces), "layout": {"showlegend": True, "height": 300, **layout}}


def test_entries_are_the_visible_traces_in_order_each_with_its_trace_an_unnamed_one_as_plotly_names_it():
    figure = _figure(_line("Figure"), _line(""), _line("Average"), _line("Hidden", showlegend=False),
                     _line("Gone", visible=False), _line("Process limits"), _line("Off", visible="legendonly"))
    assert [(e.name, e.traces) for e in legend_entries(figure)] == [
        ("Figure", (0,)), ("trace 1", (1,)), ("Average", (2,)), ("Process limits", (5,)), ("Off", (6,))]
    assert [e.shown for e in legend_entries(figure)] == [True, True, True, True, False]
    assert legend_html(legend_entries(figure), "x", "X").count('aria-pressed="false"') == 1  # "Off": listed, not drawn


def test_plotlys_default_a_legend_for_two_traces_or_more():
    assert [e.name for e in legend_entries({"data": [_line("a"), _line("b")], "layout": {}})] == ["a", "b"]
    assert legend_entries({"data": [_line("a"), _line("b", showlegend=False)], "layout": {}}) == []
    assert [e.name for e in legend_entries(_figure(_line("a")))] == ["a"]  # shown when the layout says so


def test_what_plotly_would_draw_its_own_way_is_refused_not_guessed():
    with pytest.raises(ValueError, match="legendgroup"):
        legend_entries(_figure(_line("Upper", legendgroup="limits"), _line("Lower", legendgroup="limits")))
    with pytest.raises(ValueError, match="colour"):
        legend_entries(_figure({"type": "scatter", "mode": "lines", "name": "a"}))
    assert legend_entries(_figure({"type": "scatter", "mode": "lines", "name": "a"}, showlegend=False)) == []


def test_stacked_bars_are_listed_last_first_as_plotly_does_and_a_layout_can_say_otherwise():
    figure = stacked_figure(["North", "South"], ["Red", "Amber", "Green"],
                            {("North", r): 100 / 3 for r in ("Red", "Amber", "Green")}
                            | {("South", r): 100 / 3 for r in ("Red", "Amber", "Green")}, "% of ratings")
    assert [e.name for e in legend_entries(figure)] == ["Green", "Amber", "Red"]
    figure["layout"]["legend"]["traceorder"] = "normal"
    assert [e.name for e in legend_entries(figure)] == ["Red", "Amber", "Green"]
    figure["layout"]["legend"]["traceorder"] = "grouped"
    with pytest.raises(ValueError, match="traceorder"):
        legend_entries(figure)


def test_no_legend_no_entries_and_no_html():
    figure = _figure(_line("Figure"), showlegend=False)
    entries = legend_entries(figure)
    assert entries == [] and legend_html(entries, "x", "X") == "" and plotly_legend_room(entries) == 0


def test_the_html_is_a_list_of_pressed_buttons_naming_their_traces_and_their_chart():
    figure = _figure(_line("Figure (a &amp; b)"), _line("Average"))  # names are plotly's text: & < > escaped
    page = legend_html(legend_entries(figure), "spc-test", "Referrals & re-referrals")
    assert page.startswith('<ul class="dscp-legend" data-chart="chart-spc-test" aria-label="Key to Referrals &amp; '
                           're-referrals: select an entry to hide or show its series">')
    assert page.count('<button type="button" class="dscp-legend-entry" aria-pressed="true"') == 2
    assert 'data-traces="0">' in page and 'data-traces="1">' in page
    assert "<span>Figure (a &amp; b)</span>" in page  # escaped once, as the reader reads it: "a & b"
    assert page.count('aria-hidden="true" focusable="false"') == 2  # the swatches: the name says it


@pytest.mark.parametrize("line, dashes", [
    ({"color": "#111", "width": 1.5, "dash": "dash"}, ' stroke-dasharray="9,9"'),  # 3 × max(width, 3)
    ({"color": "#111", "width": 2, "dash": "dot"}, ' stroke-dasharray="3,3"'),
    ({"color": "#111", "width": 4, "dash": "dashdot"}, ' stroke-dasharray="12,4,4,4"'),
    ({"color": "#111", "width": 2}, ""),
])
def test_a_line_is_drawn_in_its_colour_width_and_plotlys_dash(line, dashes):
    drawn = swatch(_line("x", line=line))
    assert f'stroke="#111" stroke-width="{line["width"]:g}"{dashes}/>' in drawn
    assert "<path" not in drawn  # a line without markers


def test_a_marker_in_its_shape_colour_and_outline_no_larger_than_its_swatch():
    trace = {"type": "scatter", "mode": "markers", "name": "Special cause: concern",
             "marker": {"color": "#a35300", "size": 11, "symbol": "square", "line": {"color": "#1b1b1b", "width": 1}}}
    drawn = swatch(trace)
    # a square of 11 px centred on (15, 7)
    assert ('<path d="M9.50,1.50L20.50,1.50L20.50,12.50L9.50,12.50Z" fill="#a35300" stroke="#1b1b1b" '
            'stroke-width="1"/>') in drawn
    assert "<line" not in drawn
    big = swatch({**trace, "marker": {**trace["marker"], "size": 30}})
    assert "M9.00,1.00L21.00,1.00" in big  # drawn 12 px: from (15 - 6, 7 - 6)
    assert marker_path("circle", 3, 15, 7) == "M18,7A3,3 0 1,1 15,4A3,3 0 0,1 18,7Z"
    # plotly's triangles: a base 4r/sqrt(3) wide at r/2 below the centre, the tip r above (and mirrored)
    assert marker_path("triangle-up", 3, 0, 0) == "M-3.46,1.50L3.46,1.50L0.00,-3.00Z"
    assert marker_path("triangle-down", 3, 0, 0) == "M-3.46,-1.50L3.46,-1.50L0.00,3.00Z"
    with pytest.raises(ValueError, match="star"):
        marker_path("star", 3)


def test_lines_and_markers_both_drawn():
    drawn = swatch({"type": "scatter", "mode": "lines+markers", "name": "Figure",
                    "line": {"color": "#505a5f", "width": 2}, "marker": {"color": "#505a5f", "size": 6}})
    assert drawn.index("<line") < drawn.index("<path")  # the marker over the line


def test_a_bar_in_its_fill_outline_and_pattern():
    marker = {"color": "#00703c", "line": {"color": "#1b1b1b", "width": 1}}
    plain = swatch({"type": "bar", "name": "Green", "marker": marker})
    assert '<rect x="8" y="1" width="14" height="12" fill="#00703c" stroke="#1b1b1b" stroke-width="1"/>' in plain
    assert "<line" not in plain
    unlined = swatch({"type": "bar", "name": "Green", "marker": {"color": "#00703c"}})
    assert 'fill="#00703c"/>' in unlined  # plotly's default outline: none
    crossed = swatch({"type": "bar", "name": "Red", "marker": {**marker, "pattern": {
        "shape": "x", "fgcolor": "#fff", "fgopacity": 0.3, "fillmode": "overlay"}}})
    assert re.findall(r'<line x1="(\d+)" y1="(\d+)" x2="(\d+)" y2="(\d+)" stroke="#fff" stroke-opacity="0.3"',
                      crossed) == [("8", "13", "22", "1"), ("8", "1", "22", "13")]
    slashed = swatch({"type": "bar", "name": "Amber", "marker": {**marker, "pattern": {"shape": "/",
                                                                                      "fillmode": "overlay"}}})
    assert slashed.count("<line") == 1
    with pytest.raises(ValueError, match="fillmode"):  # plotly's default, replace, draws the pattern in the fill
        swatch({"type": "bar", "name": "x", "marker": {**marker, "pattern": {"shape": "/"}}})
    with pytest.raises(ValueError, match="pattern"):
        swatch({"type": "bar", "name": "x", "marker": {**marker, "pattern": {"shape": "+", "fillmode": "overlay"}}})
    with pytest.raises(ValueError, match="heatmap"):
        swatch({"type": "heatmap", "name": "x"})


def test_the_room_plotlys_legend_would_take_in_a_column():
    # 40 + 6.5 per character: 157, 85.5 and 131 px; 157 + 85.5 fit 360 px, + 131 does not: 2 lines of 19 + 8
    figure = _figure(_line("Figure (referrals)"), _line("Average"), _line("Process limits"))
    assert plotly_legend_room(legend_entries(figure)) == 2 * 19 + 8
    assert plotly_legend_room(legend_entries(_figure(_line("Average")))) == 19 + 8
    long_name = _figure(_line("x" * 80))  # wider than the column: still one line
    assert plotly_legend_room(legend_entries(long_name)) == 19 + 8


def test_the_packs_chart_is_drawn_without_plotlys_legend_and_shorter_by_its_room():
    figure = grouped_figure(["East", "West"], [("Places booked", [3.0, 4.0]), ("Completions", [1.0, 2.0])],
                            "count", "Places")
    height = figure["layout"]["height"]
    div = chart_div(figure, "bars-test")
    # "Places booked" 40 + 84.5 and "Completions" 40 + 71.5: one line
    assert '"showlegend":false' in div and f'"height":{height - 27}' in div and f"height:{height - 27}px" in div
    assert figure["layout"]["showlegend"] is True and figure["layout"]["height"] == height  # the figure unchanged
    assert [e.name for e in legend_entries(figure)] == ["Places booked", "Completions"]
