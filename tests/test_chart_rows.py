"""A bar chart's category labels and rows (`present/rows.py`): hand-counted wrapping and row centres."""

from __future__ import annotations

import pytest

from dscp_metrics.present.charts import grouped_figure, trend_figure
from dscp_metrics.present.rows import bar_rows, row_height, wrap_label


@pytest.mark.parametrize("label, wrapped", [
    ("Schools", "Schools"),
    ("Police & partners", "Police &amp; partners"),  # escaped: plotly reads labels as markup
    ("Colleges (Further Education)", "Colleges (Further Education)"),  # 28 characters: within 30
    # 42 characters: two lines; of those the narrowest (21 and 20), not "Organisations outside the" (25) and 16
    ("Organisations outside the partnership area", "Organisations outside<br>the partnership area"),
    # the note in brackets stays whole: not "(Red," at the end of one line and "Amber: [c])" on the next
    ("Multi agency training and development (Red, Amber: [c])",
     "Multi agency training and<br>development (Red, Amber: [c])"),
    # 60 characters: "Leadership, supervision and" (27), "accountability" and the note: three lines, of
    # those the narrowest (23, 18, 17)
    ("Leadership, supervision and accountability (Red, Amber: [c])",
     "Leadership, supervision<br>and accountability<br>(Red, Amber: [c])"),
    ("North East Ambulance Service [c]", "North East Ambulance<br>Service [c]"),  # [c] keeps a word with it
    ("Safeguarding" * 3, "Safeguarding" * 3),  # one word: never cut
    ("", ""), (" " * 40, " " * 40),  # no words: nothing to wrap
    # quotes as they are (plotly would show "&quot;"); & and < escaped, counted as one character each
    ('Children\'s "voice" & <participation> in reviews',
     'Children\'s "voice" &amp;<br>&lt;participation&gt; in reviews'),
])
def test_a_label_is_wrapped_onto_the_fewest_lines_of_30_characters_then_the_narrowest(label, wrapped):
    assert wrap_label(label) == wrapped


def test_a_label_can_be_kept_to_two_lines_even_if_one_is_longer():
    label = "Leadership, supervision and accountability (Red, Amber: [c])"
    assert wrap_label(label, most=2) == "Leadership, supervision and<br>accountability (Red, Amber: [c])"


def test_a_label_is_kept_to_at_least_one_line():
    assert wrap_label("a b c d e f g h i j k l m n o p", most=1) == "a b c d e f g h i j k l m n o p"
    assert wrap_label("a b c d e f g h i j k l m n o p", most=0) == "a b c d e f g h i j k l m n o p"


def test_other_chart_texts_are_escaped_for_plotly_quotes_left_as_they_are():
    lines = [{"name": 'Police & "partners"', "x": ["2024-25"], "values": [1.0]}]
    figure = trend_figure(lines, "count", 'Referrals "all"', dated=False)
    assert figure["data"][0]["name"] == 'Police &amp; "partners"'
    assert figure["layout"]["yaxis"]["title"]["text"] == 'Referrals "all"'
    grouped = grouped_figure(["Police & partners"], [("Booked <all>", [3.0])], "count", "Places")
    assert grouped["data"][0]["name"] == "Booked &lt;all&gt;"
    assert grouped["data"][0]["customdata"] == ["Police &amp; partners"]  # the hover's label, on one line


def test_a_note_is_only_a_trailing_bracket_after_a_space():
    assert wrap_label("Children in care (looked after) and care leavers") == (
        "Children in care (looked<br>after) and care leavers")  # the brackets end nothing: plain words
    assert wrap_label("A" * 20 + " B(" + "c" * 12 + ")") == "A" * 20 + "<br>B(" + "c" * 12 + ")"


def test_each_row_is_as_tall_as_its_label():
    assert [row_height(n) for n in ("A", "A<br>B", "A<br>B<br>C")] == [24, 34, 51]  # 34 + 17 per line more
    # rows of 1, 34/24 = 1.41667 and 51/24 = 2.125: centres 0.5, 1.70833, 3.47917; 4.54167 rows in all
    assert bar_rows(["A", "B<br>C", "D<br>E<br>F"]) == ([0.5, 1.7083, 3.4792], 4.5417)
