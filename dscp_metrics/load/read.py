"""Reading one extract file: its bytes to records with the line each starts on, matched to the contract.

"Common rules" of `extracts.md`: UTF-8 (a byte-order mark is accepted),
comma separated, a header row whose names are matched case-insensitively
after trimming, extra columns ignored, any column order. Blank lines (nothing,
or only spaces and tabs) are not rows. A file that cannot be used at all (not
UTF-8, no header, a required column missing or named twice, another
delimiter, broken quoting) raises `ExtractError` naming it.

Two readers split a file into records and give the same result:

- the fast one for files whose quoting is regular (every `"` opens a value
  at its start, closes it at its end, or is doubled inside it): then a line
  break is inside a value exactly when an odd number of quotes precede it,
  so numpy (`scan.py`) finds where every record starts, and on which
  physical line, without parsing; Arrow's C++ parser splits the fields. Arrow keeps the
  records in file order and skips only the empty ones and those with the
  wrong number of fields, so the n-th record it returns is the n-th record
  numpy found once those are left out;
- Python's `csv` module, record by record, for anything else (a stray quote
  inside an unquoted value, broken quoting): slower but exact.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import threading
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import ExtractError
from .model import Extract
from .scan import CR, LF, QUOTE, SPACE, TAB, byte_positions, field_counts, regular_quoting

# "Text values are trimmed": spaces, tabs, line breaks and Excel's no-break space.
TRIM_CHARS = " \t\r\n\u00a0"
BLANK_CHARS = " \t"
_UTF8_STEP = 1 << 24  # bytes decoded at a time when checking a file is UTF-8


@dataclass
class Records:
    """A file split into records: its header and the raw text of each data record's wanted fields."""

    header: list[str]
    fields: dict[int, pa.ChunkedArray | pa.Array]  # field position -> raw text, for the well-formed records
    lines: np.ndarray  # start line of each well-formed record
    bad_lines: np.ndarray  # start line of each record with the wrong number of fields
    bad_counts: np.ndarray  # how many fields those records have
    rows_read: int


@dataclass
class Parsed:
    """A CSV file matched to the contract, before any check."""

    columns: dict[str, pa.ChunkedArray | pa.Array]  # contract column -> raw text of the well-formed records
    lines: np.ndarray  # start line of each well-formed record
    bad_lines: np.ndarray  # records with too many or too few fields: their start lines,
    bad_counts: np.ndarray  # and how many fields they have
    header_width: int
    rows_read: int
    sha256: str
    ignored_columns: list[str]
    absent_optional_columns: list[str]

    def raw_table(self) -> pa.Table:
        """`_line` and every contract column's raw text, one row per well-formed record."""
        return pa.table({"_line": pa.array(self.lines, type=pa.int64()), **self.columns})


def clean_header(name: str) -> str:
    return name.strip(TRIM_CHARS).lower()


def _check_utf8(path: Path, data: bytes) -> None:
    """Raise `ExtractError` naming the line of the first byte that is not UTF-8 (read in slices: no copy kept)."""
    if not data or int(np.frombuffer(data, dtype=np.uint8).max()) < 0x80:  # plain ASCII is UTF-8
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for offset in range(0, len(data), _UTF8_STEP):
            decoder.decode(view[offset:offset + _UTF8_STEP], final=offset + _UTF8_STEP >= len(data))
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ExtractError(
                f"{path.name} is not UTF-8 text (first bad byte on line {line}): "
                "save it as 'CSV UTF-8 (comma delimited)'"
            ) from None


def _no_header(path: Path) -> ExtractError:
    return ExtractError(f"{path.name} has no header row (the file is empty)")


def _wanted_positions(header: list[str], wanted: tuple[str, ...]) -> list[int]:
    return [i for i, name in enumerate(header) if clean_header(name) in wanted]


def check_header(path: Path, header: list[str], raw_header: str, extract: Extract) -> dict[str, int]:
    """The position of each contract column in the header; `ExtractError` when the file cannot be used."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        positions.setdefault(clean_header(name), []).append(i)
    twice = [c for c in extract.column_names if len(positions.get(c, [])) > 1]
    if twice:
        raise ExtractError(f"{path.name} has more than one column named: {', '.join(twice)}")
    missing = [c for c in extract.required_columns if c not in positions]
    if missing:
        found = sum(c in positions for c in extract.column_names)
        for delimiter, words in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            names = {clean_header(n) for n in raw_header.split(delimiter)}
            if sum(c in names for c in extract.column_names) > found:
                raise ExtractError(
                    f"{path.name} uses {words} between values: save it as CSV UTF-8 (comma delimited)"
                )
        raise ExtractError(f"{path.name} is missing required column(s): {', '.join(missing)}")
    return {name: places[0] for name, places in positions.items()}


def records_with_csv_module(path: Path, text: str, extract: Extract) -> Records:
    """Exact and slow: Python's csv module, which reports the line each record ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    ends: list[int] = []
    add_record, add_end = records.append, ends.append
    try:
        for record in reader:
            add_record(record)
            add_end(reader.line_num)
    except csv.Error as exc:
        start = (ends[-1] if ends else 0) + 1
        problem = "a quoted value is never closed" if "end of data" in str(exc) else str(exc)
        raise ExtractError(f"{path.name} is not a readable CSV file: from line {start}, {problem}") from None
    end_lines = np.asarray(ends, dtype=np.int64)
    starts = np.concatenate(([1], end_lines[:-1] + 1)) if len(ends) else end_lines

    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    blank = lengths == 0
    for i in np.flatnonzero(lengths == 1):  # a line of spaces reads as one field
        value = records[i][0]
        blank[i] = bool(value) and not value.strip(BLANK_CHARS)
    kept = np.flatnonzero(~blank)
    if not len(kept):
        raise _no_header(path)
    header = records[kept[0]]
    check_header(path, header, ",".join(header), extract)
    rows = kept[1:]
    good = rows[lengths[rows] == len(header)]
    bad = rows[lengths[rows] != len(header)]
    good_records = [records[i] for i in good]
    positions = _wanted_positions(header, extract.column_names)
    fields = {j: pa.array(list(map(itemgetter(j), good_records)), type=pa.string()) for j in positions}
    return Records(header, fields, starts[good], starts[bad], lengths[bad], len(rows))


def records_fast(path: Path, body: bytes, extract: Extract) -> Records | None:
    """numpy finds the records and their lines, Arrow splits the fields; None when quoting is irregular."""
    if not body.strip(b" \t\r\n"):
        raise _no_header(path)
    if body[-1:] not in (b"\n", b"\r"):
        body += b"\n"
    arr = np.frombuffer(body, dtype=np.uint8)
    quotes = byte_positions(arr, QUOTE)
    if len(quotes) and not regular_quoting(arr, quotes):
        return None
    line_ends = byte_positions(arr, LF)
    if b"\r" in body:  # a CR not followed by LF ends a line too (old Mac files)
        crs = byte_positions(arr, CR)
        lone = crs[arr[np.minimum(crs.astype(np.int64) + 1, len(arr) - 1)] != LF]
        line_ends = np.union1d(line_ends, lone).astype(line_ends.dtype)
    record_ends = line_ends[np.searchsorted(quotes, line_ends) % 2 == 0] if len(quotes) else line_ends
    quoted = bool(len(quotes))
    del quotes
    starts = np.concatenate(([0], record_ends[:-1] + 1)).astype(record_ends.dtype)

    # A blank record starts with a space, a tab or a line break: only those few are looked at closely.
    blank = np.zeros(len(starts), dtype=bool)
    for i in np.flatnonzero(np.isin(arr[starts], (SPACE, TAB, CR, LF))):
        blank[i] = not body[starts[i]:record_ends[i] + 1].strip(b" \t\r\n")
    kept = np.flatnonzero(~blank)
    if not len(kept):
        raise _no_header(path)
    h = int(kept[0])
    raw_header = body[starts[h]:record_ends[h] + 1].decode("utf-8")
    header = next(csv.reader(io.StringIO(raw_header, newline="")))
    check_header(path, header, raw_header.rstrip("\r\n"), extract)
    rows = kept[1:]
    positions = _wanted_positions(header, extract.column_names)
    if not len(rows):
        empty = np.zeros(0, dtype=np.int64)
        return Records(header, {j: pa.array([], pa.string()) for j in positions}, empty, empty, empty, 0)
    # Only what the parse and its check need is kept while Arrow works: every other array goes.
    row_starts, row_ends = starts[rows], record_ends[rows]
    start_lines = np.searchsorted(line_ends, row_starts) + 1
    # Blank records after the header stay in what Arrow reads: it skips the empty ones
    # and reports those of spaces as having one field (a usable header has at least two).
    first = int(row_starts[0])
    after = starts[h + 1:]
    spaced_blanks = int(np.count_nonzero(blank[h + 1:] & (arr[after] != LF) & (arr[after] != CR)))
    multi_line = len(record_ends) < len(line_ends)
    longest = int((row_ends - row_starts).max())
    n_rows = len(rows)
    del line_ends, record_ends, starts, kept, rows, blank, after
    invalid: list[int] = []

    def skip_invalid(row) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(memoryview(body)[first:]),
            read_options=pacsv.ReadOptions(
                column_names=[f"f{i}" for i in range(len(header))], use_threads=True,
                block_size=max(1 << 22, 2 * longest + 64),
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=multi_line,
                ignore_empty_lines=True,
                invalid_row_handler=skip_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in positions},
                include_columns=[f"f{j}" for j in positions],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )
    except pa.ArrowInvalid:  # e.g. one record longer than Arrow's block: let the exact reader decide
        return None
    if len(invalid) == spaced_blanks and table.num_rows == n_rows:
        lines, bad_lines, bad_counts = start_lines, np.zeros(0, np.int64), np.zeros(0, np.int64)
    else:  # some records have the wrong number of fields: count every record's fields to know which
        counts = field_counts(arr, row_starts, row_ends, quoted)
        good = counts == len(header)
        lines, bad_lines, bad_counts = start_lines[good], start_lines[~good], counts[~good]
        if table.num_rows != len(lines) or len(invalid) != spaced_blanks + len(bad_lines):
            return None  # pragma: no cover - the two splits disagree: trust the slow reader
    return Records(header, {j: table.column(f"f{j}") for j in positions}, lines, bad_lines, bad_counts, n_rows)


def read_extract(path: Path, extract: Extract, fast: bool = True) -> Parsed:
    """Read `path` as the extract `extract`: the raw text of each contract column, record by record."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path.name} cannot be read: {exc.strerror}") from None
    digest = hashlib.sha256()
    hashing = threading.Thread(target=digest.update, args=(data,))  # hashlib lets go of the GIL
    hashing.start()
    try:
        _check_utf8(path, data)
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        records = records_fast(path, body, extract) if fast else None
        if records is None:
            records = records_with_csv_module(path, body.decode("utf-8"), extract)
        del body
    finally:
        hashing.join()
    del data

    header = [clean_header(h) for h in records.header]
    positions = {name: header.index(name) for name in extract.column_names if name in header}
    n_good = len(records.lines)
    columns = {
        c: records.fields[positions[c]] if c in positions else pa.nulls(n_good, type=pa.string())
        for c in extract.column_names
    }
    return Parsed(
        columns=columns,
        lines=records.lines,
        bad_lines=records.bad_lines,
        bad_counts=records.bad_counts,
        header_width=len(header),
        rows_read=records.rows_read,
        sha256=digest.hexdigest(),
        ignored_columns=[h for h in records.header if clean_header(h) not in extract.column_names],
        absent_optional_columns=[c for c in extract.column_names if c not in positions],
    )
