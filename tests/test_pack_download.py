"""The pack's "Download the figures" links (dscp_metrics.pack.downloads) and the spreadsheet beside the page.

The CSV carried by the page is the pack's own publication written as `dscp indicators` writes the
indicator table; it agrees with a standalone export wherever both show a figure; every number in the
real pack's tables is in it; and in Chromium, with the network blocked, clicking the links saves the
CSV and the spreadsheet (tests marked `browser` are skipped without /usr/bin/chromium, except when
DSCP_REQUIRE_BROWSER=1, where they fail).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_to_bytes

import nbformat
import openpyxl
import pytest

from dscp_metrics.disclosure.decide import SUPPRESSED
from dscp_metrics.export.indicator_table import FIGURE_COLUMNS, export_frame, write_publication
from dscp_metrics.export.indicators_file import indicator_publication
from dscp_metrics.export.safe_csv import neutralise
from dscp_metrics.indicators import REGISTRY, THEMES
from dscp_metrics.pack.build import HTML_SIZE_GOAL_BYTES, build_packs
from dscp_metrics.pack.downloads import LINK_TEXT, fit_page, pack_downloads
from dscp_metrics.pack.finish import remote_resources
from dscp_metrics.pack.paths import pack_path
from dscp_metrics.periods import parse_period
from dscp_metrics.publication.selection import pack_months, pack_periods
from dscp_metrics.publication.snapshot import read_snapshot
from dscp_metrics.report.period_report import build_report

REPO = Path(__file__).resolve().parent.parent
PERIOD = "2024-25-Q4"
PARTNERSHIP = "Durham Safeguarding Children Partnership"
KEYS = ["indicator_id", "period", "breakdown"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ORIGIN = "http://pack.invalid"  # never resolved: every request is answered or aborted by the route
PARAMETERS = '''period: str = "2024-25-Q4"  # the period
db_path: str = "data/dscp.duckdb"  # the DuckDB store
suppress: bool = True  # small-number suppression
commentary_dir: str = "data/commentary"  # the analyst's commentary
load_id: str = ""  # the load the build reads'''


def link_url(page: str, download_name: str) -> str:
    """The href of the link that saves as `download_name`."""
    for tag in re.findall(r"<a\b[^>]*>", page):
        if f'download="{download_name}"' in tag:
            return html.unescape(re.search(r'href="([^"]*)"', tag).group(1))
    raise AssertionError(f"no link downloads {download_name}")


def decode(url: str) -> bytes:
    head, _, body = url.partition(",")
    assert head.startswith("data:"), head[:40]
    return base64.b64decode(body) if head.endswith(";base64") else unquote_to_bytes(body)


def csv_rows(text: str) -> list[dict]:
    lines = text.splitlines(keepends=True)
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def frame_rows(frame) -> list[dict]:
    return [{k: neutralise(v) for k, v in row.items()} for row in frame.to_dict("records")]


@pytest.fixture(scope="module")
def reports(sample_db):
    snapshot = read_snapshot(sample_db, PERIOD)
    return {suppress: build_report(snapshot, suppress=suppress) for suppress in (True, False)}


@pytest.fixture(scope="module")
def downloads(reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("downloads")
    built = dt.datetime(2025, 5, 2, 9, 30).astimezone()
    return {s: pack_downloads(r, out, parse_period(PERIOD), failed=False, partnership=PARTNERSHIP, built=built)
            for s, r in reports.items()}


# ------------------------------------------------------------------ what the CSV holds
def test_csv_link_is_the_pack_publication_as_dscp_indicators_writes_it(downloads, reports):
    links = downloads[True].links()
    text = decode(link_url(links, f"think-tank-{PERIOD}.csv")).decode("utf-8")
    buffer = io.StringIO()
    write_publication(reports[True].publication, buffer, "csv")
    assert text == buffer.getvalue()
    assert csv_rows(text) == frame_rows(export_frame(reports[True].publication))
    assert text.startswith("indicator_id,period,breakdown,")


def test_csv_holds_every_figure_the_pack_shows(downloads, reports):
    rows = csv_rows(downloads[True].csv_text)
    publication = reports[True].publication
    assert len(rows) == len(publication.shown)
    period = parse_period(PERIOD)
    main = {str(p) for p in pack_periods(period)}
    months = {str(m) for m in pack_months(period)}
    periods = {r["period"] for r in rows}
    assert main <= periods and periods <= main | months and periods & months, "quarters and monthly series"
    assert any(r["breakdown"] != "all" for r in rows if r["period"] == PERIOD), "the breakdowns"
    assert {r["indicator_id"] for r in rows} == {i.id for i in REGISTRY}
    assert sum(r["value"] == SUPPRESSED for r in rows) == publication.hidden_count > 0


def test_pack_csv_agrees_with_a_dscp_indicators_export_of_its_periods(downloads, sample_db):
    """`dscp indicators` for the pack's period and its comparison periods (its months are a filtered
    selection, not a CLI call) is its own publication, with its own suppression: the same rows for those
    periods, and wherever both show a figure, the same figure."""
    main = [str(p) for p in pack_periods(parse_period(PERIOD))]
    cli = {tuple(r[k] for k in KEYS): r for r in frame_rows(export_frame(indicator_publication(sample_db, main)))}
    pack = {tuple(r[k] for k in KEYS): r for r in csv_rows(downloads[True].csv_text) if r["period"] in main}
    assert set(pack) == set(cli), "every breakdown of every period"
    compared = 0
    for key, row in pack.items():
        other = cli[key]
        assert row["unit"] == other["unit"]
        if SUPPRESSED not in (row["value"], other["value"]):
            assert [row[c] for c in FIGURE_COLUMNS] == [other[c] for c in FIGURE_COLUMNS], key
            compared += 1
    assert compared > len(pack) / 2


def test_restricted_csv_begins_with_the_marker_and_suppressed_does_not(downloads):
    restricted = decode(link_url(downloads[False].links(), f"think-tank-{PERIOD}.csv")).decode("utf-8")
    assert restricted.startswith("# RESTRICTED")
    assert not downloads[True].csv_text.startswith("#")
    assert "RESTRICTED" in downloads[False].links() and "RESTRICTED" not in downloads[True].links()
    small = [r for r in csv_rows(restricted) if r["unit"] == "count" and r["value"] in {"1", "2", "3", "4", "5"}]
    assert small, "unsuppressed, the small counts are there (the suppressed checks are not vacuous)"


def test_links_are_offline_and_safe_inside_an_attribute(downloads):
    links = downloads[True].links()
    assert links.count("<a ") == 2 and f">{LINK_TEXT} (CSV, " in links
    for tag in re.findall(r"<a\b[^>]*>", links):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        assert href == html.unescape(href), "nothing in the URL needs escaping in HTML"
        assert href.startswith("data:") and not set(href) & set("#\"'<> \n")
        assert "download=" in tag
    assert remote_resources(f"<html><body>{links}</body></html>") == []
    xlsx = decode(link_url(links, f"think-tank-{PERIOD}.xlsx"))
    assert xlsx == downloads[True].xlsx_bytes and xlsx[:2] == b"PK"


def test_spreadsheet_is_embedded_within_the_goal_and_linked_beside_past_it(downloads):
    d = downloads[True]
    page = f"<p>{d.links()}</p>"
    assert fit_page(page, d, goal_bytes=10 * len(page)) == (page, True)
    smaller, embedded = fit_page(page, d, goal_bytes=len(page) // 2)
    assert not embedded and len(smaller) < len(page) - len(d.xlsx_bytes)
    assert link_url(smaller, d.xlsx_name) == d.xlsx_name  # the file kept beside the page
    assert decode(link_url(smaller, d.csv_name)) == d.csv_text.encode("utf-8")  # the CSV is always embedded


# ------------------------------------------------------------------ a build writes both
def write_notebook(path: Path, source: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell(PARAMETERS)
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(source)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def build(sample_db, out: Path, notebooks: Path, fail: bool = False):
    write_notebook(notebooks / "00_section.ipynb",
                   "raise RuntimeError('a section broke')" if fail else
                   "from IPython.display import HTML, display\ndisplay(HTML('<h2>A section</h2>'))")
    return build_packs([PERIOD], sample_db, out_dir=out, notebooks_dir=notebooks, progress=False, quiet=True,
                       commentary_dir=REPO / "data" / "commentary")


def test_build_writes_the_spreadsheet_beside_the_page_and_embeds_the_same(sample_db, tmp_path):
    out = tmp_path / "out"
    result = build(sample_db, out, tmp_path / "good")
    assert result.ok, result.format()
    page_file = pack_path(out, PERIOD)
    xlsx_file = pack_path(out, PERIOD, suffix=".xlsx")
    page = page_file.read_text(encoding="utf-8")
    assert decode(link_url(page, xlsx_file.name)) == xlsx_file.read_bytes()
    assert openpyxl.load_workbook(xlsx_file).sheetnames[:3] == ["Cover", "Contents", "Notes"]
    manifest = json.loads((page_file.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["downloads"]["xlsx"] == {"path": xlsx_file.name, "bytes": xlsx_file.stat().st_size,
                                             "embedded": True}
    assert sorted(p.name for p in page_file.parent.iterdir()) == \
        sorted(["manifest.json", "notebooks", page_file.name, xlsx_file.name])
    assert remote_resources(page) == []


def test_a_failed_build_leaves_the_complete_spreadsheet_and_puts_its_own_beside(sample_db, tmp_path):
    out = tmp_path / "out"
    assert build(sample_db, out, tmp_path / "good").ok
    complete = pack_path(out, PERIOD, suffix=".xlsx")
    before = complete.read_bytes()
    result = build(sample_db, out, tmp_path / "bad", fail=True)
    assert not result.ok
    assert complete.read_bytes() == before
    failed = pack_path(out, PERIOD, failed=True, suffix=".xlsx")
    assert failed.is_file() and pack_path(out, PERIOD, failed=True).is_file()
    assert build(sample_db, out, tmp_path / "good").ok
    assert not failed.exists(), "the next complete build removes the failed spreadsheet"


# ------------------------------------------------------------------ the real pack
@pytest.fixture(scope="module")
def real_pack(sample_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("real-pack") / "outputs"
    result = build_packs([PERIOD], sample_db, out_dir=out, progress=False, quiet=True,
                         commentary_dir=REPO / "data" / "commentary")
    assert result.ok, result.format()
    return pack_path(out, PERIOD)


class _Tables(HTMLParser):
    """Every table of a page, per `<section data-notebook>`: its rows of cell texts (th and td alike)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section, self.tables, self.cell = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-notebook" in attrs:
            self.section = attrs["data-notebook"]
        elif tag == "table":
            self.tables.append((self.section, []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1][1]:
            self.tables[-1][1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


NOT_FIGURES = {"Indicator", "Category", "Year", "RAG", "Benchmark", "Months", "Variation"}
# a figure as the pack prints it ("1,270", "24.2%"), not a signed difference ("+3.9", "-30")
FIGURE_TOKEN = re.compile(r"(?<![\w.,+\-−])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w/.])")


@pytest.mark.slow
def test_every_number_in_the_real_pack_tables_is_in_its_csv(real_pack):
    page = real_pack.read_text(encoding="utf-8")
    rows = csv_rows(decode(link_url(page, f"think-tank-{PERIOD}.csv")).decode("utf-8"))
    theme_of = {i.id: i.theme for i in REGISTRY}
    figures: dict[str | None, list[float]] = {None: []}
    for row in rows:
        for column in FIGURE_COLUMNS:
            if row[column] not in ("", SUPPRESSED):
                figures.setdefault(theme_of[row["indicator_id"]], []).append(float(row[column]))
                figures[None].append(float(row[column]))
    parser = _Tables()
    parser.feed(page)
    checked, missing = 0, []
    for section, table in parser.tables:
        if not table or not table[0] or table[0][0] == "Extract" or "Figures shown as [c]" in table[0]:
            continue  # data-quality counts: rows of files, shown as they are (indicators.md)
        theme = section.split("_", 1)[-1] if section and section.split("_", 1)[-1] in THEMES else None
        headers = table[0]
        for cells in table[1:]:
            for header, text in zip(headers, cells):
                if header in NOT_FIGURES:
                    continue
                for whole, decimals in FIGURE_TOKEN.findall(text):
                    number = float(whole.replace(",", "") + decimals)
                    unit = 10 ** -(len(decimals) - 1 if decimals else 0)
                    # figures are rounded to the nearest unit, a count's interval outwards (floor, ceiling)
                    tolerance = (unit if "interval" in header else unit / 2) + 1e-9
                    checked += 1
                    if not any(abs(f - number) <= tolerance for f in figures[theme]):
                        missing.append(f"{section}: {header}: {text}")
    assert checked > 300, f"only {checked} numbers found in the pack's tables"
    assert missing == [], missing[:20]


def _need_browser():
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        problem, sync_playwright = f"playwright is not installed ({exc})", None
    if problem is None and not CHROMIUM.is_file():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("DSCP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DSCP_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return sync_playwright


@pytest.mark.slow
@pytest.mark.browser
def test_clicking_the_links_offline_saves_the_csv_and_the_spreadsheet(real_pack):
    sync_playwright = _need_browser()
    body = real_pack.read_bytes()
    page_text = body.decode("utf-8")
    url = f"{ORIGIN}/{real_pack.name}"
    blocked, errors, saved = [], [], {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True, service_workers="block")

            def route(r):
                if r.request.url == url:
                    r.fulfill(status=200, body=body, headers={"content-type": "text/html; charset=utf-8"})
                else:
                    blocked.append(r.request.url[:100])
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, wait_until="load")
            embedded = f'href="{real_pack.stem}.xlsx"' not in page_text
            for name in (LINK_TEXT, "as a spreadsheet"):
                if name != LINK_TEXT and not embedded:  # the file beside the page: opened from its folder
                    local = browser.new_context(accept_downloads=True, service_workers="block")
                    local.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                                else (blocked.append(r.request.url[:100]), r.abort()))
                    page = local.new_page()
                    page.goto(real_pack.as_uri(), wait_until="load")
                with page.expect_download() as info:
                    page.get_by_role("link", name=name).click()
                download = info.value
                saved[download.suggested_filename] = Path(download.path()).read_bytes()
        finally:
            browser.close()
    assert blocked == [] and errors == []
    csv_name, xlsx_name = f"think-tank-{PERIOD}.csv", f"think-tank-{PERIOD}.xlsx"
    assert set(saved) == {csv_name, xlsx_name}
    assert saved[csv_name] == decode(link_url(page_text, csv_name))
    assert saved[csv_name].startswith(b"indicator_id,period,breakdown,")
    assert saved[xlsx_name] == (real_pack.parent / xlsx_name).read_bytes()


@pytest.mark.slow
def test_real_pack_with_its_downloads_stays_within_the_size_goal(real_pack):
    size = real_pack.stat().st_size
    manifest = json.loads((real_pack.parent / "manifest.json").read_text(encoding="utf-8"))
    xlsx = manifest["downloads"]["xlsx"]
    embedded_size = size if xlsx["embedded"] else size + len(base64.b64encode(b"x" * xlsx["bytes"]))
    assert xlsx["embedded"] == (embedded_size <= HTML_SIZE_GOAL_BYTES)  # embedded exactly when it fits
    assert size <= HTML_SIZE_GOAL_BYTES, f"the pack is {size / 1e6:.2f} MB with its downloads"
