"""`dscp indicators`: the indicator table for the periods asked, as one suppressed, audited publication."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

from ..compute import compute
from ..errors import ParameterError
from ..compute.atoms import prefetch_for
from ..indicators import get_indicator
from ..periods import parse_periods
from ..present.markers import RESTRICTED_MARKER
from ..publication.publish import Publication, publish
from ..store import open_store, store_lock
from .files import write_atomically
from .indicator_table import write_publication


def indicator_publication(db_path: str | Path, periods: Sequence[str], *, suppress: bool = True,
                          ids: Sequence[str] | None = None, threshold: int | None = None) -> Publication:
    """Compute the indicators for `periods` (months, quarters, years, mixed) and publish them together."""
    return _publish_with_sources(db_path, periods, suppress=suppress, ids=ids, threshold=threshold)[0]


def _publish_with_sources(db_path, periods, *, suppress, ids, threshold):
    """The publication, and the load log and load id of the store it was computed from (one reading)."""
    from ..config import load_config
    from ..store.read import read_load_id, read_load_log

    parsed = parse_periods(periods)  # a bad period or id fails before the database is opened
    for indicator_id in ids or ():
        get_indicator(indicator_id)
    limit = threshold if threshold is not None else load_config().suppression_threshold
    with store_lock(db_path, exclusive=False, purpose="reading for an export"):
        con = open_store(db_path)
        try:
            background = prefetch_for(con, parsed, ids)  # DuckDB starts the look-back at once
            if background is not None:
                background.join()
            table = compute(con, parsed, ids)
            load_log = read_load_log(con)
            load_id = read_load_id(con)
        finally:
            con.close()
    publication = publish(table.frame, suppress=suppress, threshold=limit, categories=table.categories,
                          notes=table.notes())
    return publication, load_log, load_id


def write_indicator_export(db_path: str | Path, periods: Sequence[str], fmt: str = "csv",
                           output: str | Path | None = None, suppress: bool = True,
                           ids: Sequence[str] | None = None) -> Publication:
    """Write the publication as CSV, JSON or an accessible spreadsheet (`xlsx`, see `workbook`) to `output`
    (stdout when None, except a spreadsheet); notes go to stderr."""
    if fmt == "xlsx" and output is None:
        raise ParameterError("a spreadsheet cannot go to the screen: give --output FILE.xlsx")
    publication, load_log, load_id = _publish_with_sources(db_path, periods, suppress=suppress, ids=ids,
                                                           threshold=None)
    if fmt == "xlsx":
        from .workbook import write_workbook

        codes = ", ".join(str(p) for p in parse_periods(periods))
        write_workbook(publication, Path(output), title_period=codes, load_log=load_log, load_id=load_id,
                       contents=f"Every figure computed for {codes}, with every breakdown.")
    elif output is None:
        write_publication(publication, sys.stdout, fmt)
    else:
        buffer = io.StringIO()
        write_publication(publication, buffer, fmt)
        write_atomically(Path(output), buffer.getvalue())
    for note in publication.notes:
        print(f"note: {note}", file=sys.stderr)
    if publication.restricted:
        print(f"note: {RESTRICTED_MARKER}", file=sys.stderr)
    return publication
