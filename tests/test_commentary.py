"""The analyst's commentary: split by theme forgivingly, shown safely, never a reason for a build to fail."""

from __future__ import annotations

import pytest

from dscp_metrics.present.commentary import commentary_file, read_commentary, render_markdown, theme_of_heading

PERIOD = "2024-25-Q4"


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = commentary_file(tmp_path, PERIOD)
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize("heading, theme", [
    ("Domestic abuse", "domestic_abuse"),
    ("Domestic abuse commentary", "domestic_abuse"),
    ("domestic_abuse", "domestic_abuse"),
    ("DOMESTIC ABUSE:", "domestic_abuse"),
    ("Harm outside the home — narrative", "harm_outside_home"),
    ("Use of restraint", "restraint"),
    ("Organisational Safeguarding Assessment", "osa"),
    ("Education & harm outside the home", "education"),
    ("Workforce training comments", "training"),
    ("Multi-agency meetings", "meetings"),
    ("Domestic", None),
    ("Abuse domestic", None),
    ("Commentary", None),
])
def test_headings_are_matched_to_themes_forgivingly_but_not_loosely(heading, theme):
    assert theme_of_heading(heading) == theme


def test_the_text_before_the_first_heading_is_the_headline_and_each_heading_starts_a_theme(tmp_path):
    write(tmp_path, "Headline one.\n\nHeadline two.\n\n## Domestic abuse commentary\n\nDA text.\n\n"
                    "## Use of restraint\nRestraint text.\n")
    found = read_commentary(tmp_path, PERIOD)
    assert found.parts == {None: "Headline one.\n\nHeadline two.", "domestic_abuse": "DA text.",
                           "restraint": "Restraint text."}
    assert found.warnings == []


def test_a_heading_that_matches_no_theme_is_a_warning_with_file_and_line_and_its_text_is_not_shown(tmp_path):
    path = write(tmp_path, "Headline.\n\n## Domestik abuse\nLost text.\n\n## Use of restraint\nKept.\n")
    found = read_commentary(tmp_path, PERIOD)
    assert found.parts == {None: "Headline.", "restraint": "Kept."}
    assert len(found.warnings) == 1
    assert found.warnings[0].startswith(f"{path}, line 3: the heading '## Domestik abuse' matches no theme")
    assert "Lost text" not in str(found.parts)


def test_headings_inside_code_fences_and_comments_are_text_and_line_numbers_survive_comments(tmp_path):
    write(tmp_path, "<!-- a note\nto self -->\n```\n## Not a heading\n```\n\n## Nowhere\n")
    found = read_commentary(tmp_path, PERIOD)
    assert "## Not a heading" in found.parts[None] and "a note" not in found.parts[None]
    assert found.warnings and ", line 7:" in found.warnings[0]


def test_no_file_is_no_commentary_and_an_unreadable_one_is_a_warning(tmp_path):
    assert read_commentary(tmp_path, PERIOD).parts == {} and read_commentary(tmp_path, PERIOD).warnings == []
    write(tmp_path, "Résumé", encoding="utf-16")
    found = read_commentary(tmp_path, PERIOD)
    assert found.parts == {} and "cannot be read" in found.warnings[0]


def test_a_byte_order_mark_is_not_part_of_the_headline(tmp_path):
    write(tmp_path, "Headline.\n", encoding="utf-8-sig")
    assert read_commentary(tmp_path, PERIOD).parts[None] == "Headline."


def test_raw_html_is_shown_as_text_and_only_web_and_mail_links_are_links():
    html = render_markdown('<script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.org) '
                           '[z](mailto:a@b.org) <img src=x onerror=alert(1)>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert '<a href="https://example.org">y</a>' in html and '<a href="mailto:a@b.org">z</a>' in html
    assert "<img" not in html


def test_images_become_their_description_and_headings_sit_below_the_section():
    html = render_markdown("# Sub\n\n![Chart of referrals](https://example.org/c.png)", heading_offset=2)
    assert "<h3>Sub</h3>" in html and "[image: Chart of referrals]" in html and "<img" not in html
    assert "<h6>Deep</h6>" in render_markdown("###### Deep", heading_offset=2)
