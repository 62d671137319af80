"""The indicator table as an accessible spreadsheet: one publication, written with gptables.

What the Government Analysis Function's guidance "Releasing statistics in
spreadsheets" asks for, and how this workbook meets it:

- a **cover sheet** saying what the workbook is (title, partnership, period,
  when it was built, the source extracts and their load dates, how small
  numbers were protected, and the RESTRICTED warning when they were not);
- a **contents sheet** linking to every table, and a **notes sheet** (what the
  symbols and columns mean, each indicator's definition and caveats), each note
  referred to as `[note n]` where it applies;
- **one table per sheet** (one sheet per theme), marked as a named Excel table
  with a single header row, its title in cell A1, no merged cells and no blank
  rows or columns inside it, the header row frozen and widths fitted;
- **numbers stored as numbers** (display formats round, the stored value does
  not) and **symbols as text in square brackets**, never blank cells: `[c]`
  confidential (withheld), `[x]` not available (a `%` over a denominator of 0,
  an interval of fewer than 2 ratings), `[z]` not applicable (a count has no
  denominator); nothing carries meaning by colour alone.

Safety: the rows are the publication's `shown` rows, so a withheld figure is
not in the file at all (no hidden sheet, row or cell holds it); every text cell
goes through `safe_csv.neutralise` (a leading `=`, `+`, `-`, `@` gets an
apostrophe, as in the CSV) and XlsxWriter is told never to turn a string into a
formula or a link, so the workbook holds no formula.

The cover's and the notes' words are in `workbook_words`; this module lays out the figures and writes the file.
"""

from __future__ import annotations

import copy
import io
import math
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..compute.table import COLUMNS
from ..disclosure.decide import SUPPRESSED
from ..errors import OutputError
from ..indicators import REGISTRY, SOURCES, THEMES, Indicator
from ..present.markers import RESTRICTED_SENTENCE
from ..publication.publish import Publication
from .files import write_atomically
from .indicator_table import FIGURE_COLUMNS
from .safe_csv import neutralise
from .workbook_words import (  # noqa: F401 - About, PARTNERSHIP: part of this module's interface
    COVER_WIDTH, NOT_APPLICABLE, NOT_AVAILABLE, PARTNERSHIP, About, cover, notes_frame,
)

SHEET_COLUMNS = ["indicator_id", "title", *COLUMNS[1:]]
WHOLE = "#,##0"
ONE_DECIMAL = "#,##0.0"
SHEET_NAME_LIMIT = 31  # Excel's limit
# text gptables would turn into a hyperlink ("[a](b)") or refuse (only symbols, as the unit "%"): written
# by gptables as a placeholder, then over-written with the text itself
_MARKDOWN_LINK = re.compile(r"\[.+\]\(.+\)")
_ONLY_SYMBOLS = re.compile(r"[^a-zA-Z0-9]*")
PLACEHOLDER = "text"
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
FIGURE_WIDTH = 14  # characters: a figure shown to one decimal place, and its header
UNIT_WIDTH = 8
NOTE_WIDTHS = (14, 110)
LINE_POINTS = 15.0  # the height of one line of 12-point Arial (gptables' text): wrapped rows are given
CHARS_PER_WIDTH = 1.15  # their height, as XlsxWriter cannot measure text and not every reader re-fits rows


def _figure(value: object, whole: bool, empty: str) -> object:
    """A figure as stored: a Python number (whole where the indicator table writes it whole), or a symbol."""
    number = math.nan if value is None or value is pd.NA else float(value)
    return empty if math.isnan(number) else int(round(number)) if whole else number


def theme_frame(publication: Publication, indicators: Sequence[Indicator]) -> pd.DataFrame:
    """The publication's rows for these indicators as stored in the sheet: numbers, or `[c]`, `[x]`, `[z]`."""
    shown = publication.shown
    rows = shown[shown["indicator_id"].isin([i.id for i in indicators])]
    titles = {i.id: i.title for i in indicators}
    out: dict[str, list] = {c: [] for c in SHEET_COLUMNS}
    for row in rows.to_dict("records"):
        is_count = row["unit"] == "count"
        for column in ("indicator_id", "period", "breakdown", "unit"):
            out[column].append(neutralise(row[column]))
        out["title"].append(neutralise(titles[row["indicator_id"]]))
        for column in FIGURE_COLUMNS:
            if row["hidden"]:
                out[column].append(SUPPRESSED)
                continue
            whole = column in ("numerator", "denominator") or (column == "value" and is_count)
            empty = NOT_APPLICABLE if column == "denominator" and is_count else NOT_AVAILABLE
            out[column].append(_figure(row[column], whole, empty))
    return pd.DataFrame(out, dtype=object)[SHEET_COLUMNS]


def sheet_name(title: str, used: set[str]) -> str:
    """A worksheet name: the theme's title, cut at a word to Excel's 31 characters, unique in the workbook."""
    name = _NOT_IN_SHEET_NAME.sub("", title).strip()
    while len(name) > SHEET_NAME_LIMIT and " " in name:
        name = name.rsplit(" ", 1)[0]
    name, n = name[:SHEET_NAME_LIMIT], 2
    while name.lower() in {u.lower() for u in used}:
        name, n = f"{name[:SHEET_NAME_LIMIT - 3]} {n}", n + 1
    used.add(name)
    return name


def _table(publication: Publication, theme, indicators: list[Indicator], about: About, frame: pd.DataFrame):
    from gptables import GPTable

    extracts = dict.fromkeys(f"{t}.csv" for i in indicators for m in i.measures for t in SOURCES.get(m.source).tables)
    symbols = (f"{NOT_AVAILABLE} not available, {NOT_APPLICABLE} not applicable" if publication.restricted else
               f"{SUPPRESSED} withheld to protect confidentiality, {NOT_AVAILABLE} not available, "
               f"{NOT_APPLICABLE} not applicable")
    subtitles = ([RESTRICTED_SENTENCE] if publication.restricted else []) + [
        f"{theme.summary} {about.contents}",
        f"Symbols: {symbols} $$symbols$$", "What each column means $$columns$$",
        "Each indicator's definition and caveats:", *[f"{i.title} ({i.id}) $${i.id}$$" for i in indicators]]
    is_count = frame["unit"].eq("count").tolist()
    by_row = {WHOLE: [n + 1 for n, c in enumerate(is_count) if c],  # + 1: gptables' row 0 is the header
              ONE_DECIMAL: [n + 1 for n, c in enumerate(is_count) if not c]}
    formatting = [{"row": {"rows": rows, "format": {"num_format": f}}} for f, rows in by_row.items() if rows] + [
        {"column": {"columns": columns, "format": {"num_format": f}, "include_names": False}}
        for f, columns in ((ONE_DECIMAL, ["lower_ci", "upper_ci"]), (WHOLE, ["numerator", "denominator"]))]
    return GPTable(frame, table_name=f"{theme.id}_figures", title=f"{theme.title}: indicator table",
                   subtitles=subtitles, source=f"Source: {', '.join(extracts)} (load dates on the cover sheet)",
                   index_columns={}, additional_formatting=formatting)


def _theme_tables(publication: Publication, about: About) -> tuple[dict, dict, list[str]]:
    """A GPTable per theme with rows (by sheet name), the text cells to write over their placeholders, and
    the titles of the themes without rows."""
    sheets, texts, empty, used = {}, {}, [], {"Cover", "Contents", "Notes"}
    published = set(publication.shown["indicator_id"])
    for theme_id, declared in REGISTRY.by_theme().items():
        theme = THEMES.get(theme_id)
        indicators = [i for i in declared if i.id in published]
        frame = theme_frame(publication, indicators)
        if frame.empty:
            empty.append(theme.title)
            continue
        name = sheet_name(theme.title, used)
        texts[name] = _awkward_texts(frame)
        for (r, c), _ in texts[name]:
            frame.iat[r, c] = PLACEHOLDER
        sheets[name] = _table(publication, theme, indicators, about, frame)
    if not sheets:
        raise OutputError("no spreadsheet was written: the publication has no figures")
    return sheets, texts, empty


def workbook_bytes(publication: Publication, about: About) -> bytes:
    """The workbook for a publication (see the module docstring), as the bytes of an `.xlsx` file."""
    import warnings

    from gptables import produce_workbook
    from gptables.utils.unpickle_themes import gptheme
    from pandas.errors import Pandas4Warning

    sheets, texts, empty = _theme_tables(publication, about)
    notes = notes_frame(publication, [i for i in REGISTRY if i.id in set(publication.shown["indicator_id"])])
    cover_sheet = cover(publication, about, empty)
    restricted = [RESTRICTED_SENTENCE] if publication.restricted else []
    theme = copy.deepcopy(gptheme)
    theme.update_data_format({"valign": "top"})  # a note's number level with its first line
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # gptables 2.0 uses pandas features pandas 3.1 deprecates; its own guidance warnings still show
        warnings.filterwarnings("ignore", category=Pandas4Warning, module=r"gptables\.")
        wb = produce_workbook(
            buffer, sheets, theme=theme, cover=cover_sheet, notes_table=notes, auto_width={"Notes": False},
            contentsheet_options={"subtitles": restricted + ["The notes sheet explains the symbols, the columns "
                                                             "and each indicator's definition and caveats."]},
            notesheet_options={"title": ": ".join(["Notes", *restricted])},
            workbook_options={"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                              "strings_to_numbers": False})
    for name, gptable in sheets.items():
        header = gptable.data_range[0]
        _finish_table_sheet(wb.get_worksheet_by_name(name), header)
        for (r, c), text in texts[name]:
            wb.get_worksheet_by_name(name).write_string(header + 1 + r, c, text)
    notes_sheet = wb.get_worksheet_by_name("Notes")
    for column, width in enumerate(NOTE_WIDTHS):
        notes_sheet.set_column(column, column, width)
    note_text = dict(zip(notes["Note reference"], notes["Note text"]))
    order = list(dict.fromkeys([*wb._annotations, *note_text]))  # gptables numbers notes as first referred to
    _fit_rows(notes_sheet, 3, [note_text[k] for k in order], NOTE_WIDTHS[1])  # after title, instructions, header
    _fit_rows(wb.get_worksheet_by_name("Cover"), 0, _cover_rows(cover_sheet), COVER_WIDTH)
    for worksheet in wb.worksheets():
        worksheet.fit_to_pages(1, 0)  # printed: every column on the page, as many pages down as needed
    built = (about.built or datetime.now().astimezone()).astimezone().replace(tzinfo=None)
    keywords = "DSCP, Think Tank, indicators" + (", RESTRICTED" if restricted else "")
    wb.set_properties({"title": cover_sheet.title, "author": about.partnership, "company": about.partnership,
                       "subject": "Think Tank indicator table", "created": built, "comments": " ".join(restricted),
                       "keywords": keywords})
    wb.close()
    return buffer.getvalue()


def _finish_table_sheet(worksheet, header: int) -> None:
    """What gptables leaves to us on a table sheet: the frozen header row, figure widths, printing."""
    worksheet.freeze_panes(header + 1, 0)
    worksheet.repeat_rows(header)  # printed: the header row on every page
    worksheet.set_landscape()
    first = SHEET_COLUMNS.index(FIGURE_COLUMNS[0])
    worksheet.set_column(first, first + len(FIGURE_COLUMNS) - 1, FIGURE_WIDTH)
    worksheet.set_column(len(SHEET_COLUMNS) - 1, len(SHEET_COLUMNS) - 1, UNIT_WIDTH)


def _cover_rows(cover) -> list[str]:
    """The cover's rows in the order gptables writes them (title, then each heading and its lines)."""
    rows = [cover.title]
    for heading, lines in (("Introductory information", cover.intro), ("About these data", cover.about),
                           ("Contact", cover.contact)):
        if lines is not None:
            rows += [heading, *[getattr(line, "string", line) for line in lines]]
    return rows


def _fit_rows(worksheet, first_row: int, texts: Sequence[str], width: float) -> None:
    """Give each row holding wrapped text the height of its lines (estimated from the column's width)."""
    per_line = width * CHARS_PER_WIDTH
    for n, text in enumerate(texts):
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
        if lines > 1:
            worksheet.set_row(first_row + n, LINE_POINTS * lines + 2)


def _awkward_texts(frame: pd.DataFrame) -> list[tuple[tuple[int, int], str]]:
    """Text cells gptables would make a link of or refuse, with their (row, column) in the frame."""
    return [((r, c), v) for c, column in enumerate(frame.columns) for r, v in enumerate(frame[column])
            if isinstance(v, str) and (_MARKDOWN_LINK.search(v) or _ONLY_SYMBOLS.fullmatch(v))]


def write_workbook(publication: Publication, path: Path | str, *, title_period: str, **about) -> int:
    """Write the publication's workbook to `path` whole (never half-written); return the bytes written."""
    return write_atomically(Path(path), workbook_bytes(publication, About(title_period, **about)))
