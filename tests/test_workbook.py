"""The accessible spreadsheet (dscp_metrics.export.workbook) on the bundled sample, opened with openpyxl.

What the Analysis Function's guidance asks for is checked sheet by sheet: a cover, contents and notes
sheet; one named table per theme sheet with one header row, no merged cells, no blank rows, a frozen
header; numbers stored as numbers and `[c]` as text explained by a note; no formulas or links made from
data; and nothing withheld anywhere in the file. LibreOffice, converting each sheet to CSV, reads back
the publication's own figures (skipped without `soffice`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from dscp_metrics.cli import main
from dscp_metrics.disclosure.decide import SUPPRESSED
from dscp_metrics.errors import OutputError
from dscp_metrics.export.indicator_table import FIGURE_COLUMNS, export_frame
from dscp_metrics.export.indicators_file import indicator_publication
from dscp_metrics.export.safe_csv import neutralise
from dscp_metrics.export.workbook import (
    NOT_APPLICABLE, NOT_AVAILABLE, SHEET_COLUMNS, About, sheet_name, workbook_bytes, write_workbook,
)
from dscp_metrics.indicators import REGISTRY, THEMES
from dscp_metrics.present.markers import RESTRICTED_SENTENCE
from dscp_metrics.publication.snapshot import read_snapshot
from dscp_metrics.report.period_report import build_report

PERIOD = "2024-25-Q4"
SYMBOLS = {SUPPRESSED, NOT_AVAILABLE, NOT_APPLICABLE}
FRONT_SHEETS = ["Cover", "Contents", "Notes"]


def open_book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def reports(sample_db):
    snapshot = read_snapshot(sample_db, PERIOD)
    return {suppress: build_report(snapshot, suppress=suppress) for suppress in (True, False)}


@pytest.fixture(scope="module")
def books(reports):
    about = About(PERIOD, load_log=reports[True].snapshot.load_log, load_id=reports[True].load_id)
    return {s: workbook_bytes(r.publication, about) for s, r in reports.items()}


def theme_sheets() -> dict[str, str]:
    """Sheet name -> theme id, for the themes the sample has figures for (all of them)."""
    used = set(FRONT_SHEETS)
    return {sheet_name(t.title, used): t.id for t in THEMES}


def the_table(ws):
    """The sheet's one table: its name, header row number and rows of values (header first)."""
    assert len(ws.tables) == 1, f"{ws.title} has {len(ws.tables)} tables"
    name, ref = ws.tables.items()[0]
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    rows = [list(r) for r in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col,
                                          values_only=True)]
    return name, min_row, rows


def column_width(ws, index: int) -> float | None:
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max and dim.width:
            return dim.width
    return None


# ------------------------------------------------------------------ the sheets
def test_sheets_are_cover_contents_notes_then_one_per_theme(books):
    wb = open_book(books[True])
    assert wb.sheetnames == FRONT_SHEETS + list(theme_sheets())
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    for ws in wb.worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value, f"{ws.title} has no title in A1"
        assert not ws.merged_cells.ranges, f"{ws.title} has merged cells"
        hidden_rows = [r for r, d in ws.row_dimensions.items() if d.hidden]
        hidden_cols = [c for c, d in ws.column_dimensions.items() if d.hidden]
        assert hidden_rows == [] and hidden_cols == [], ws.title
    contents = [row[0] for row in the_table(wb["Contents"])[2][1:]]
    assert contents == list(theme_sheets())
    assert wb["Contents"]["A5"].hyperlink is not None  # each entry links to its sheet


def test_cover_says_what_when_and_from_which_extracts(books, reports):
    cover = "\n".join(str(c.value) for c in open_book(books[True])["Cover"]["A"] if c.value)
    assert "Durham Safeguarding Children Partnership" in cover and PERIOD in cover and "Built " in cover
    for row in reports[True].snapshot.load_log.to_dict("records"):
        assert f"{row['file']}: load date 1 May 2025" in cover
    assert f"shown as {SUPPRESSED}" in cover and "audit" in cover
    assert "RESTRICTED" not in cover


def test_each_theme_sheet_is_one_named_table_with_a_frozen_header(books):
    wb = open_book(books[True])
    for name, theme_id in theme_sheets().items():
        ws = wb[name]
        table_name, header_row, rows = the_table(ws)
        assert table_name == f"{theme_id}_figures"
        assert rows[0] == SHEET_COLUMNS
        assert ws.max_row == header_row + len(rows) - 1, "something is written below the table"
        assert all(row[0] for row in rows[1:]), "a blank row inside the table"
        assert ws.freeze_panes == f"A{header_row + 1}"
        for index, header in enumerate(SHEET_COLUMNS, start=1):
            width = column_width(ws, index)
            assert width is not None and width >= len(header), (name, header, width)
        above = [ws.cell(r, 1).value for r in range(1, header_row)]
        assert all(isinstance(v, str) and v for v in above), "a blank row above the table"


def test_figures_are_stored_as_numbers_and_equal_the_publication(books, reports):
    wb = open_book(books[True])
    shown = reports[True].publication.shown
    for name, theme_id in theme_sheets().items():
        _, _, rows = the_table(wb[name])
        ids = [i.id for i in REGISTRY if i.theme == theme_id]
        expected = shown[shown["indicator_id"].isin(ids)].to_dict("records")
        assert len(rows) - 1 == len(expected)
        for cells, row in zip(rows[1:], expected):
            cell = dict(zip(SHEET_COLUMNS, cells))
            assert [cell[c] for c in ("indicator_id", "period", "breakdown", "unit")] == \
                [row[c] for c in ("indicator_id", "period", "breakdown", "unit")]
            assert cell["title"] == REGISTRY.get(row["indicator_id"]).title
            for column in FIGURE_COLUMNS:
                got, want = cell[column], row[column]
                if row["hidden"]:
                    assert got == SUPPRESSED
                elif want is None or (isinstance(want, float) and math.isnan(want)):
                    assert got == (NOT_APPLICABLE if column == "denominator" and row["unit"] == "count"
                                   else NOT_AVAILABLE)
                else:
                    assert isinstance(got, (int, float)) and not isinstance(got, bool), (column, got)
                    assert got == pytest.approx(float(want), rel=1e-15)
                    if column in ("numerator", "denominator"):
                        assert isinstance(got, int)


def test_display_formats_round_but_the_stored_value_does_not(books):
    ws = open_book(books[True])["Domestic abuse"]
    _, header_row, rows = the_table(ws)
    value_col = SHEET_COLUMNS.index("value") + 1
    for offset, cells in enumerate(rows[1:], start=1):
        cell = ws.cell(header_row + offset, value_col)
        if isinstance(cell.value, (int, float)):
            unit = cells[SHEET_COLUMNS.index("unit")]
            assert cell.number_format == ("#,##0" if unit == "count" else "#,##0.0"), (unit, cell.number_format)
    assert any(isinstance(c[SHEET_COLUMNS.index("lower_ci")], float) and c[SHEET_COLUMNS.index("lower_ci")] % 1
               for c in rows[1:])


def test_c_is_text_explained_above_every_table_and_in_the_notes(books, reports):
    wb = open_book(books[True])
    publication = reports[True].publication
    count = 0
    for name in theme_sheets():
        ws = wb[name]
        _, header_row, rows = the_table(ws)
        above = " ".join(ws.cell(r, 1).value for r in range(1, header_row))
        assert f"{SUPPRESSED} withheld to protect confidentiality" in above and "[note 1]" in above
        count += sum(v == SUPPRESSED for row in rows[1:] for v in row)
    assert publication.hidden_count > 0
    assert count == len(FIGURE_COLUMNS) * publication.hidden_count
    notes = {row[0]: row[1] for row in the_table(wb["Notes"])[2][1:]}
    assert notes[1].startswith(f"{SUPPRESSED}: confidential")
    definitions = "\n".join(notes.values())
    for indicator in REGISTRY:
        assert f"Indicator id: {indicator.id}" in definitions
        if indicator.caveats:
            assert indicator.caveats in definitions


def numeric_cells_outside_tables(wb) -> list[str]:
    found = []
    for ws in wb.worksheets:
        boxes = [range_boundaries(ref) for _, ref in ws.tables.items()]
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not any(
                        b[0] <= cell.column <= b[2] and b[1] <= cell.row <= b[3] for b in boxes):
                    found.append(f"{ws.title}!{cell.coordinate}")
    return found


def test_small_numbers_are_nowhere_in_the_suppressed_file_and_everywhere_in_the_restricted_one(books):
    """The positive control: unsuppressed, counts from 1 to 5 are there; suppressed, none is (not in any
    table cell, and no number sits outside a table)."""
    def small_counts(wb):
        small = []
        for name in theme_sheets():
            for cells in the_table(wb[name])[2][1:]:
                cell = dict(zip(SHEET_COLUMNS, cells))
                if cell["unit"] == "count" and isinstance(cell["value"], int) and 1 <= cell["value"] <= 5:
                    small.append(cell)
        return small

    suppressed, restricted = open_book(books[True]), open_book(books[False])
    assert small_counts(restricted), "the sample has no small counts: the check below would be vacuous"
    assert small_counts(suppressed) == []
    assert numeric_cells_outside_tables(suppressed) == []


def test_restricted_workbook_says_so_on_every_sheet(books):
    wb = open_book(books[False])
    for ws in wb.worksheets:
        text = " ".join(str(c.value) for row in ws.iter_rows(max_row=4) for c in row if c.value)
        assert "RESTRICTED" in text, ws.title
    assert RESTRICTED_SENTENCE in "\n".join(str(c.value) for c in wb["Cover"]["A"] if c.value)
    assert "RESTRICTED" in wb.properties.keywords


def sheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def test_no_formula_and_no_link_outside_the_contents(books):
    for data in books.values():
        xml = sheet_xml(data)
        sheets = {n: t for n, t in xml.items() if n.startswith("xl/worksheets/sheet")}
        assert sheets and not any("<f>" in t or "<f " in t for t in sheets.values())
        assert not any('TargetMode="External"' in t for t in xml.values()), "an external link"
        wb = open_book(data)
        assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
        linked = {ws.title for ws in wb.worksheets if ws._hyperlinks}
        assert linked <= {"Contents"}


def test_text_that_looks_like_a_formula_or_a_link_stays_text(reports):
    publication = reports[True].publication
    shown = publication.shown.copy()
    tricks = ["=HYPERLINK(\"http://evil.invalid\",\"x\")", "@SUM(1+1)", "[click](http://evil.invalid)", "%"]
    rows = shown.index[shown["indicator_id"] == "csc_referrals"][:len(tricks)]
    shown.loc[rows, "breakdown"] = tricks
    data = workbook_bytes(dataclasses.replace(publication, shown=shown), About(PERIOD))
    wb = open_book(data)
    ws = wb["Domestic abuse"]
    written = [r[SHEET_COLUMNS.index("breakdown")] for r in the_table(ws)[2][1:]]
    breakdowns = [b for b in written if b in {neutralise(t) for t in tricks}]
    assert sorted(breakdowns) == sorted(neutralise(t) for t in tricks)
    assert neutralise(tricks[0]).startswith("'=") and neutralise(tricks[2]) == tricks[2]
    assert not ws._hyperlinks
    assert not any("<f>" in t for n, t in sheet_xml(data).items() if n.startswith("xl/worksheets/"))


def test_unit_percent_is_written_as_it_is(books):
    units = {r[SHEET_COLUMNS.index("unit")] for r in the_table(open_book(books[True])["Domestic abuse"])[2][1:]}
    assert units == {"count", "%"}


def test_sheet_names_fit_excel_and_are_unique():
    used: set[str] = set()
    assert sheet_name("Organisational Safeguarding Assessment", used) == "Organisational Safeguarding"
    assert sheet_name("Organisational Safeguarding Assessment", used) == "Organisational Safeguarding 2"
    assert sheet_name("What? [draft]: a/b", used) == "What draft ab"
    assert all(len(n) <= 31 for n in used)


# ------------------------------------------------------------------ dscp indicators --format xlsx
def test_cli_writes_a_workbook_for_the_periods_asked(sample_db, tmp_path, capsys):
    out = tmp_path / "figures.xlsx"
    code = main(["indicators", "--db", str(sample_db), "--period", "2024/25 Q4", "--period", "2024-05",
                 "--format", "xlsx", "--output", str(out)])
    assert code == 0, capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    publication = indicator_publication(sample_db, ["2024-25-Q4", "2024-05"])
    frame = export_frame(publication)
    got = [tuple(r[SHEET_COLUMNS.index(c)] for c in ("indicator_id", "period", "breakdown"))
           for name in wb.sheetnames[3:] for r in the_table(wb[name])[2][1:]]
    assert got == list(frame[["indicator_id", "period", "breakdown"]].itertuples(index=False, name=None))
    assert {p for _, p, _ in got} == {"2024-25-Q4", "2024-05"}
    cover = "\n".join(str(c.value) for c in wb["Cover"]["A"] if c.value)
    assert "2024-25-Q4, 2024-05" in cover and "csc_referrals.csv: load date" in cover


def test_cli_spreadsheet_needs_an_output_file(sample_db, capsys):
    code = main(["indicators", "--db", str(sample_db), "--period", PERIOD, "--format", "xlsx"])
    assert code == 2 and "--output FILE.xlsx" in capsys.readouterr().err


def test_a_theme_without_figures_has_no_sheet_and_the_cover_says_so(sample_db, tmp_path, capsys):
    out = tmp_path / "one.xlsx"
    assert main(["indicators", "--db", str(sample_db), "--period", PERIOD, "--indicator", "csc_referrals",
                 "--format", "xlsx", "--output", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == FRONT_SHEETS + ["Domestic abuse"]
    cover = "\n".join(str(c.value) for c in wb["Cover"]["A"] if c.value)
    assert "No figures in this workbook for: Harm outside the home, Use of restraint" in cover


def test_a_workbook_that_cannot_be_written_is_one_sentence_and_leaves_nothing(reports, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write"):
        write_workbook(reports[True].publication, blocker / "x.xlsx", title_period=PERIOD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


# ------------------------------------------------------------------ LibreOffice reads the same figures
def libreoffice_csvs(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `xlsx` converted to CSV by LibreOffice headless (UTF-8, full precision)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    filter_options = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--convert-to", f"csv:{filter_options}", "--outdir", str(out), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    sheets = {}
    for path in out.glob(f"{xlsx.stem}-*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            sheets[path.stem[len(xlsx.stem) + 1:]] = list(csv.reader(handle))
    return sheets


@pytest.mark.slow
def test_libreoffice_reads_back_the_publication_figures(books, reports, tmp_path):
    xlsx = tmp_path / "book.xlsx"
    xlsx.write_bytes(books[True])
    sheets = libreoffice_csvs(xlsx, tmp_path)
    assert set(sheets) == set(FRONT_SHEETS) | set(theme_sheets())
    frame = export_frame(reports[True].publication)
    for name, theme_id in theme_sheets().items():
        rows = sheets[name]
        start = rows.index(SHEET_COLUMNS)
        read = [dict(zip(SHEET_COLUMNS, r)) for r in rows[start + 1:] if any(r)]
        ids = [i.id for i in REGISTRY if i.theme == theme_id]
        expected = frame[frame["indicator_id"].isin(ids)].to_dict("records")
        assert len(read) == len(expected), name
        for got, want in zip(read, expected):
            for column in ("indicator_id", "period", "breakdown", "unit"):
                assert got[column] == neutralise(want[column])
            for column in FIGURE_COLUMNS:
                g, w = got[column], want[column]
                if w == SUPPRESSED or w == "":
                    assert g == (w or g) and (g in SYMBOLS), (name, column, g, w)
                    assert (g == SUPPRESSED) == (w == SUPPRESSED)
                else:
                    assert float(g) == pytest.approx(float(w), rel=1e-13, abs=1e-12), (name, column, g, w)
    # nothing LibreOffice read is a formula's result or an error
    assert not any(cell.startswith(("#", "Err:")) for rows in sheets.values() for r in rows for cell in r)



def test_the_default_partnership_is_the_packs():
    from dscp_metrics.export.workbook import PARTNERSHIP
    from dscp_metrics.pack.index import DEFAULT_PARTNERSHIP

    assert PARTNERSHIP == DEFAULT_PARTNERSHIP
