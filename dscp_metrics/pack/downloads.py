"""The pack's own figures as files to take away: a CSV and a spreadsheet, carried inside the page itself.

A pack is one HTML file, emailed and opened offline, so its downloads cannot
live on a server. Each is a `data:` URL on a link with a `download` attribute,
in the page's header ("Download the figures"). The page's Content-Security-Policy
(`default-src 'none'`) governs what the page *loads*, not where a link leads: the
browser saves a `data:` link with `download` as a file and loads nothing
(`tests/test_pack_download.py` clicks it in Chromium with the network blocked).

What they hold: every row of the pack's one publication (`report.publication`)
— the period, its comparison periods, the monthly series behind the charts and
every breakdown — written exactly as `dscp indicators` writes the indicator
table (`export.indicator_table`), from the same suppressed rows as the page,
never re-suppressed: a figure the page shows as `[c]` is `[c]` in both files.
An unsuppressed pack's CSV begins with the `# RESTRICTED` line, as the CLI's does.

The spreadsheet (`export.workbook`, the Analysis Function's accessible layout)
is also written beside the page as `think-tank-P.xlsx`. It is embedded while the
page stays within its size goal; past the goal its link points to that file.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from ..errors import DscpError
from ..export.indicator_table import write_publication
from ..export.workbook import About, workbook_bytes
from ..periods import Period
from .index import HANDLING_MARKING, HANDLING_NOTE
from .paths import pack_path

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kept as they are in the CSV's data: URL (everything else, `#` and `%` above all, is percent-encoded)
URL_SAFE = ",;:=[]()_.-!*/@$+~"
LINK_TEXT = "Download the figures"


@dataclass(frozen=True)
class PackDownloads:
    """The pack's figures as a CSV (text) and a spreadsheet (bytes), with the names they are saved under."""

    csv_name: str
    csv_text: str
    xlsx_name: str
    xlsx_bytes: bytes
    restricted: bool

    def csv_link(self) -> str:
        url = f"data:{CSV_TYPE};charset=utf-8," + quote(self.csv_text, safe=URL_SAFE)
        label = f"{LINK_TEXT} (CSV, {_size(len(self.csv_text.encode('utf-8')))}{self._marking()})"
        return _anchor(url, self.csv_name, CSV_TYPE, label)

    def xlsx_link(self, embedded: bool = True) -> str:
        """The spreadsheet's link: embedded in the page, or (past the size goal) the file beside the page."""
        size = _size(len(self.xlsx_bytes))
        if embedded:
            url = f"data:{XLSX_TYPE};base64," + base64.b64encode(self.xlsx_bytes).decode("ascii")
            return _anchor(url, self.xlsx_name, XLSX_TYPE, f"as a spreadsheet (XLSX, {size}{self._marking()})")
        return _anchor(quote(self.xlsx_name), self.xlsx_name, XLSX_TYPE,
                       f"as a spreadsheet (XLSX, {size}{self._marking()}, the file {self.xlsx_name} "
                       "kept beside this page)")

    def links(self, embed_xlsx: bool = True) -> str:
        """The header's download links (raw HTML for the template's `download` slot)."""
        return (f'<span class="dscp-downloads">{self.csv_link()} or {self.xlsx_link(embed_xlsx)}</span>')

    def _marking(self) -> str:
        return ", RESTRICTED" if self.restricted else ""


def _size(n: int) -> str:
    return f"{max(1, round(n / 1024)):,} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _anchor(url: str, name: str, mime: str, label: str) -> str:
    return (f'<a class="dscp-download" href="{html.escape(url)}" download="{html.escape(name)}" '
            f'type="{mime}">{html.escape(label)}</a>')


def pack_contents(report) -> str:
    """What the pack's files hold, in words (the spreadsheet's cover)."""
    compared = " and ".join(p.label for p in report.comparison_periods)
    return (f"Every figure the Think Tank pack for {report.label} shows: the period"
            + (f", its comparison periods ({compared})" if compared else "")
            + ", the monthly series behind its charts and every breakdown.")


def pack_about(report, period: Period, partnership: str, built: datetime) -> About:
    """The spreadsheet's cover: which pack, from which load, handled how."""
    return About(f"{period.label} ({period.code})", contents=pack_contents(report), partnership=partnership,
                 built=built, load_log=report.snapshot.load_log, load_id=report.load_id,
                 handling=f"{HANDLING_MARKING}: {HANDLING_NOTE}")


def pack_workbook(report, period: Period, partnership: str, built: datetime) -> bytes:
    """The pack's spreadsheet (its own publication, as published)."""
    return workbook_bytes(report.publication, pack_about(report, period, partnership, built))


def pack_downloads(report, out_dir: Path, period: Period, *, failed: bool, partnership: str,
                   built: datetime, workbook: bytes | None = None) -> PackDownloads:
    """The pack's figures — its own publication, as published — as a CSV and a spreadsheet (`workbook`,
    when it was made already, beside the sections)."""
    publication = report.publication
    buffer = io.StringIO()
    write_publication(publication, buffer, "csv")
    if workbook is None:
        workbook = pack_workbook(report, period, partnership, built)
    return PackDownloads(
        csv_name=pack_path(out_dir, period, failed=failed, suffix=".csv").name, csv_text=buffer.getvalue(),
        xlsx_name=pack_path(out_dir, period, failed=failed, suffix=".xlsx").name,
        xlsx_bytes=workbook, restricted=publication.restricted)


def fit_page(page: str, downloads: PackDownloads, goal_bytes: int) -> tuple[str, bool]:
    """The page, with the spreadsheet embedded if the page then stays within `goal_bytes`, else linked to the
    file beside it; and whether it is embedded. (The CSV, a few tens of KB, is always embedded.)"""
    if len(page.encode("utf-8")) <= goal_bytes:
        return page, True
    embedded = downloads.xlsx_link(embedded=True)
    if page.count(embedded) != 1:
        raise DscpError("the pack's download links are missing from the page; nothing was written")
    return page.replace(embedded, downloads.xlsx_link(embedded=False)), False
