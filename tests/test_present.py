"""The presentation layer shared by pack and explorer (`dscp_metrics.present`), and the pack's PDF helpers.

Fast: no store, no notebook, no browser. The symbols a reader meets are one set
everywhere (↑↓→ for direction, ●◆■○ with words for RAG, the Making Data Count
icons for variation); the palette meets WCAG contrast; tables and icons carry
their meaning in text; charts have no toolbar and fetch nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pytest

from dscp_metrics.errors import DscpError
from dscp_metrics.pack import pdf
from dscp_metrics.present import palette
from dscp_metrics.indicators import REGISTRY
from dscp_metrics.present.charts import (
    PLOTLY_CONFIG, bar_figure, bar_rows, chart_div, spc_figure, stacked_figure, trend_figure,
)
from dscp_metrics.present.format import day, format_interval, format_value
from dscp_metrics.present.html import RAG_SYMBOL, Raw, change_html, details, rag_badge, table_html
from dscp_metrics.present.icons import assurance_icon, sparkline, variation_icon
from dscp_metrics.report.series import published_series


@dataclass(frozen=True)
class FakeChange:
    """What `change_html` reads of a `report.changes.Change`."""

    text: str
    significant: bool | None
    goodness: str = "neutral"
    against: str = "Q3 2024/25"


# ------------------------------------------------------------------ palette
@pytest.mark.parametrize("colour", palette.TEXT_COLOURS)
def test_text_colours_meet_wcag_aa_on_white(colour):
    assert palette.contrast(colour) >= 4.5, colour


@pytest.mark.parametrize("colour", palette.GRAPHIC_COLOURS)
def test_graphic_colours_meet_wcag_non_text_contrast(colour):
    assert palette.contrast(colour) >= 3.0, colour


def test_contrast_is_the_wcag_ratio():
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert palette.contrast("#fab428") < 4.5  # MDC orange as published: too pale for text, hence darkened


# ------------------------------------------------------------------ change, RAG
@pytest.mark.parametrize("change, css, marked, hidden_words", [
    (FakeChange("↑ +3.9 points from 20.3% (significant)", True, "worse"), "dscp-worse dscp-significant", True, False),
    (FakeChange("↓ -5 from 16 (not significant)", False, "better"), "dscp-better", False, True),
    (FakeChange("↑ +9 from 73 (not significant)", False, "neutral"), "dscp-neutral", False, True),
    (FakeChange("→ no change from 79.5%", None, "neutral"), "dscp-neutral", False, False),
    (FakeChange("[c]", None), "dscp-neutral", False, False),
])
def test_change_is_coloured_by_polarity_and_emphasised_only_when_significant(change, css, marked, hidden_words):
    out = change_html(change)
    assert isinstance(out, Raw)
    assert f'class="dscp-change {css}"' in out
    assert ("dscp-significant" in out) == bool(change.significant)
    assert ('<span class="dscp-verdict">significant</span>' in out) == marked
    assert ('<span class="dscp-visually-hidden"> (not significant)</span>' in out) == hidden_words
    assert "(significant)" not in out  # the verdict is shown once, as a mark, not as words in brackets


def test_change_without_verdict_and_missing_change():
    out = change_html(FakeChange("↑ +3.9 points from 20.3% (significant)", True, "worse"), verdict=False)
    assert "dscp-significant" in out and "dscp-verdict" not in out and "↑ +3.9 points from 20.3%" in out
    assert change_html(None) == "–"
    assert "&lt;b&gt;" in change_html(FakeChange("<b> (significant)", True))


@pytest.mark.parametrize("status, symbol, word", [
    ("green", "●", "Green"), ("amber", "◆", "Amber"), ("red", "■", "Red"), ("not_rated", "○", "Not rated"),
    ("nonsense", "○", "Not rated"), (None, "○", "Not rated"),
])
def test_rag_badge_has_symbol_and_word(status, symbol, word):
    badge = rag_badge(status, "similar to <England>")
    assert f"{symbol} {word}</span>" in badge
    assert '<span class="dscp-basis">similar to &lt;England&gt;</span>' in badge


def test_rag_and_direction_symbols_are_distinct():
    assert set(RAG_SYMBOL.values()) == {"●", "◆", "■", "○"}
    assert not set(RAG_SYMBOL.values()) & {"↑", "↓", "→"}


# ------------------------------------------------------------------ icons
@pytest.mark.parametrize("variation, colour, letter", [
    ("common_cause", palette.COMMON_CAUSE, None),
    ("improvement_high", palette.IMPROVEMENT, "H"), ("improvement_low", palette.IMPROVEMENT, "L"),
    ("concern_high", palette.CONCERN, "H"), ("concern_low", palette.CONCERN, "L"),
    ("neutral_high", palette.NEUTRAL, "H"), ("neutral_low", palette.NEUTRAL, "L"),
])
def test_variation_icons_are_svg_with_mdc_colour_letter_and_words(variation, colour, letter):
    icon = variation_icon(variation, f"words for {variation}")
    assert icon.startswith("<svg") and 'role="img"' in icon
    assert f'aria-label="words for {variation}"' in icon and f"<title>words for {variation}</title>" in icon
    assert f'stroke="{colour}"' in icon
    assert (f">{letter}</text>" in icon) if letter else "<text" not in icon
    assert "<script" not in icon


@pytest.mark.parametrize("assurance, letter", [("consistent_pass", "P"), ("consistent_fail", "F"),
                                               ("inconsistent", "?")])
def test_assurance_icons(assurance, letter):
    icon = assurance_icon(assurance, "meaning", size=20)
    assert f">{letter}</text>" in icon and 'width="20"' in icon and 'aria-label="meaning"' in icon


def test_no_icon_is_a_dash_with_words():
    for out in (variation_icon(None, "Not charted"), assurance_icon(None, "No target agreed")):
        assert out.startswith('<span class="dscp-icon-none"') and "dscp-visually-hidden" in out and "<svg" not in out


def test_sparkline_is_inline_svg_with_a_gap_for_each_hidden_value():
    line = sparkline([1.0, 2.0, None, 4.0, 5.0, 3.0], "six months", 110, 22)
    assert line.startswith('<svg class="dscp-sparkline" width="110" height="22"')
    assert 'role="img"' in line and 'aria-label="six months"' in line and "<title>six months</title>" in line
    assert line.count("<polyline") == 2  # the hidden month breaks the line
    assert "<script" not in line
    assert sparkline([None, 1.0], "too few").startswith('<span class="dscp-icon-none"')


# ------------------------------------------------------------------ tables
def test_table_html_escapes_labels_and_keeps_raw_html():
    frame = pd.DataFrame({"name": ["<i>a</i>", "b"], "value": ["1,270", "[c]"], "badge": [Raw("<b>ok</b>"), "x"],
                          "group": ["G1", "G2"]}, dtype=object)
    out = table_html(frame, "Caption <&>", {"name": "Name", "value": "Value", "badge": "Badge"}, group_by="group",
                     row_header="name", card_labels=True, column_classes=True)
    assert "<caption>Caption &lt;&amp;&gt;</caption>" in out
    assert "&lt;i&gt;a&lt;/i&gt;" in out and "<b>ok</b>" in out
    assert '<th scope="row" class="dscp-col-name" data-label="Name">' in out
    assert '<td class="dscp-num dscp-col-value" data-label="Value">[c]</td>' in out
    assert out.count('<tr class="dscp-group"><th scope="colgroup" colspan="3">') == 2
    plain = table_html(frame, "c", ["name", "value"])
    assert "dscp-col-" not in plain and "data-label" not in plain


def test_details_has_a_summary_saying_what_is_inside():
    out = details("The numbers: <x>", "<table></table>", anchor="numbers-a")
    assert out == ('<details class="dscp-numbers" id="numbers-a"><summary>The numbers: &lt;x&gt;</summary>'
                   "<table></table></details>")


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize("lower, upper, unit, text", [
    (6.2, 20.7, "count", "6 to 21"), (1201.4, 1341.2, "count", "1,201 to 1,342"),
    (21.94, 26.61, "%", "21.9% to 26.6%"), (4.7, 4.881, "mean", "4.70 to 4.88"), (1, 2, "count", "1 to 2"),
])
def test_intervals_in_the_unit_of_their_figure_counts_whole(lower, upper, unit, text):
    assert format_interval(lower, upper, unit) == text
    assert format_interval(lower, upper, unit, hidden=True) == "[c]"


def test_one_date_format():
    assert day(pd.Timestamp("2025-04-07")) == "7 April 2025"
    assert format_value(1270, "count") == "1,270" and format_value(None, "count", True) == "[c]"


# ------------------------------------------------------------------ charts
def test_charts_have_no_toolbar_and_fetch_nothing():
    assert PLOTLY_CONFIG["displayModeBar"] is False
    figure = bar_figure(["East", "Darlington"], [19.0, None], "count", "Scorings")
    div = chart_div(figure, "bar-test")
    assert 'id="chart-bar-test"' in div and '"displayModeBar": false' in div
    assert not re.search(r"https?://|cdn|mathjax", div, flags=re.I)


def test_bar_figure_marks_hidden_categories_and_leaves_room_for_its_labels():
    figure = bar_figure(["East", "Darlington"], [19.0, None], "%", "% green")
    assert figure["layout"]["yaxis"]["ticktext"] == ["East", "Darlington [c]"]
    assert figure["data"][0]["x"] == [19.0, None] and figure["data"][0]["customdata"] == ["East", "Darlington [c]"]
    assert figure["layout"]["margin"]["r"] >= 40 and figure["layout"]["showlegend"] is False
    assert figure["data"][1]["text"] == ["[c]"] and figure["data"][1]["y"] == [1.5]  # at the hidden bar's row


def test_a_wrapped_label_gets_a_taller_row_and_the_others_stay_close():
    """Rows of 24 px, a two-line label's 34 px (34/24 = 1.4167 rows): centres at 0.5, 1.7083 and 2.9167."""
    long = "Organisations outside the partnership area"  # 42 characters: two lines
    figure = bar_figure(["Schools", long, "Police"], [941.0, 12.0, 16.0], "count", "Completions")
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["ticktext"] == ["Schools", "Organisations outside<br>the partnership area", "Police"]
    assert yaxis["tickvals"] == figure["data"][0]["y"] == [0.5, 1.7083, 2.9167]
    assert yaxis["range"] == [3.4167, 0] and yaxis["autorange"] is False  # first at the top, no padding
    assert figure["layout"]["height"] == 90 + 82  # BAR_BASE_HEIGHT + 24 + 34 + 24
    assert figure["data"][0]["customdata"][1] == long  # hover reads the label on one line
    assert bar_rows(["A", "B"]) == ([0.5, 1.5], 2.0)  # no wrapped label: rows of 24 px, as before


def test_a_stacked_chart_leaves_room_for_its_100_percent_tick():
    figure = stacked_figure(["Leadership"], ["Green"], {("Leadership", "Green"): 100.0}, "% of ratings")
    assert figure["layout"]["margin"]["r"] >= 20  # half of "100%" in 13 px type, beyond the axis's end


def test_stacked_figure_labels_and_patterns_every_segment():
    figure = stacked_figure(["Leadership"], ["Red", "Amber", "Green"],
                            {("Leadership", "Red"): None, ("Leadership", "Amber"): 10.0,
                             ("Leadership", "Green"): 90.0}, "% of ratings")
    assert figure["layout"]["yaxis"]["ticktext"] == ["Leadership (Red: [c])"]
    assert [t["customdata"] for t in figure["data"]] == [["Leadership (Red: [c])"]] * 3  # what the hover reads
    assert [t["marker"]["pattern"]["shape"] for t in figure["data"]] == ["x", "/", ""]
    assert figure["data"][2]["text"] == ["Green 90%"] and figure["data"][0]["text"] == [None]


def test_a_stacked_chart_gives_each_section_a_row_as_tall_as_its_label():
    """Rows of 1 and 51/24 = 2.125 (a label on three lines): centres 0.5 and 2.0625, 3.125 rows in all."""
    long = "Leadership, supervision and accountability"
    figure = stacked_figure(["Voice", long], ["Red", "Amber", "Green"],
                            {("Voice", "Red"): 10.0, ("Voice", "Amber"): 20.0, ("Voice", "Green"): 70.0,
                             (long, "Green"): 100.0}, "%")
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["ticktext"] == ["Voice", "Leadership, supervision<br>and accountability<br>(Red, Amber: [c])"]
    assert yaxis["tickvals"] == figure["data"][0]["y"] == [0.5, 2.0625] and yaxis["range"] == [3.125, 0]
    assert figure["layout"]["height"] == 150 + 75  # the base, legend included, and 3.125 rows of 24 px


# ------------------------------------------------------------------ PDF helpers
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
               b"2 0 obj <</Type /Pages /Kids [3 0 R 4 0 R] /Count 2>> endobj\n"
               b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 594.96 841.92]>> endobj\n"
               b"4 0 obj <</Type/Page/Parent 2 0 R/MediaBox [0 0 594.96 841.92]>> endobj\ntrailer\n%%EOF\n")


def test_pdf_page_count_and_sizes():
    assert pdf.page_count(MINIMAL_PDF) == 2
    assert pdf.page_sizes(MINIMAL_PDF) == [(594.96, 841.92)] * 2


def test_without_chromium_the_pdf_option_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(DscpError, match=r"apt-get install chromium"):
        pdf.require_chromium()


def test_build_with_pdf_refuses_before_running_anything_without_chromium(monkeypatch, tmp_path):
    from dscp_metrics.pack.build import build_packs

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    db = tmp_path / "store.duckdb"
    db.write_bytes(b"not opened: the check comes first")
    with pytest.raises(DscpError, match=r"apt-get install chromium"):
        build_packs(["2024-25-Q4"], db, out_dir=tmp_path / "out", pdf=True, quiet=True)
    assert not (tmp_path / "out").exists()


def test_chromium_command_prints_one_file_offline(tmp_path):
    page = tmp_path / "think-tank-2024-25-Q4.html"
    args = pdf.chromium_command("/usr/bin/chromium", page, tmp_path / "p.pdf", tmp_path / "profile")
    assert args[0] == "/usr/bin/chromium" and "--headless" in args and args[-1] == page.resolve().as_uri()
    assert f"--print-to-pdf={tmp_path / 'p.pdf'}" in args and f"--user-data-dir={tmp_path / 'profile'}" in args
    assert "--disable-background-networking" in args and "--no-pdf-header-footer" in args


def test_trend_leaves_a_gap_where_a_share_has_nothing_to_divide_by():
    nan = float("nan")
    figure = trend_figure([{"name": "Level 1", "x": ["2024-04", "2024-05", "2024-06"], "values": [50.0, nan, None],
                            "lower": [20.0, nan, None], "upper": [80.0, nan, None]}], "%", "% of injuries", True)
    trace = figure["data"][0]
    assert trace["y"] == [50.0, None, None]  # not NaN: plotly would label the axis "nan%"
    assert trace["error_y"]["array"] == [30.0, None, None] and trace["error_y"]["arrayminus"] == [30.0, None, None]
    assert trace["text"][2] == "2024-06: [c]" and "nan" not in trace["text"][1].lower()


def _months_series(indicator_id: str, values: list[float | None]):
    months = [f"2024-{m:02d}" for m in range(4, 4 + len(values))]
    rows = pd.DataFrame({"period": months, "breakdown": "all", "hidden": [v is None for v in values],
                         "value": values, "numerator": values, "denominator": None})
    return published_series(rows, REGISTRY.get(indicator_id))


@pytest.mark.parametrize("indicator_id, values, upper, lower", [
    # mean 2.5, mean moving range 5/3: limits 2.5 +/- 2.66 * 5/3 = 6.9333 and -1.9333, shown from 0
    ("csc_referrals", [1.0, 3.0, 2.0, 4.0], 6.9333, 0.0),
    # mean 98.5, same moving ranges: 102.9333 shown at 100%, and 94.0667
    ("rereferral_rate", [97.0, 99.0, 98.0, 100.0], 100.0, 94.0667),
])
def test_spc_limits_are_one_trace_upper_then_a_gap_then_lower(indicator_id, values, upper, lower):
    figure = spc_figure(_months_series(indicator_id, values), "Referrals")
    limits = [t for t in figure["data"] if t["name"] == "Process limits"]
    assert len(limits) == 1 and limits[0]["connectgaps"] is False and limits[0]["hoverinfo"] == "skip"
    dates = ["2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01"]
    assert limits[0]["x"] == dates + [None] + dates
    assert limits[0]["y"] == [upper] * 4 + [None] + [lower] * 4
    assert [t["name"] for t in figure["data"]][1:] == ["Average", "Process limits"]  # no special cause here


def test_no_mean_or_limits_when_a_point_is_hidden():
    figure = spc_figure(_months_series("csc_referrals", [1.0, None, 2.0, 4.0]), "Referrals")
    assert [t["name"] for t in figure["data"]] == ["Figure (referrals)"]
    assert figure["data"][0]["y"] == [1.0, None, 2.0, 4.0] and figure["data"][0]["text"][1] == "May 2024: [c]"
