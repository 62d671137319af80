"""The real pack of the sample quarter in a real browser: Debian's headless Chromium driven by Playwright.

The pack is built once per session from `notebooks/pack` on the bundled sample
(`build_packs`, suppressed and, for the restricted checks, unsuppressed) and
opened with every request routed through `context.route("**/*")`: the pack
itself is answered from disk at a fake origin, anything else is aborted and
recorded. Checked here: nothing fetched, no console or page error, every chart
drawn, and drawn once in margins fitted to its labels (not twice by
automargin); no small number visible (every hidden figure reads `[c]`, compared
cell by cell with the unsuppressed pack); no identifier from the extracts in the
page source; the size; the RESTRICTED banner once per section when
unsuppressed; and accessibility — axe-core (WCAG 2.0–2.2 A and AA rules) finds
no serious or critical violation, headings never skip a level, ids are unique,
links say where they go, and every focusable element shows its focus.
What a reader needs from the pack (first screen, heights, phone, print) is in
`test_pack_reader.py`, which shares the helpers here.

Without /usr/bin/chromium, Playwright or axe-core (`npm ci`) these tests are
skipped, except when DSCP_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from dscp_metrics.pack.build import build_packs
from dscp_metrics.pack.paths import pack_path

REPO = Path(__file__).resolve().parent.parent
PERIOD = "2024-25-Q4"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ORIGIN = "http://pack.invalid"  # never resolved: every request is answered or aborted by the route
SIZE_LIMIT_BYTES = 2 * 1024 * 1024
READY_JS = "() => document.documentElement.hasAttribute('data-print-ready') || !window.Plotly"
IDENTIFIER_COLUMNS = ("child_id", "young_person_id", "referral_id", "cevt_id", "incident_id", "return_id",
                      "episode_id", "record_id")

pytestmark = [pytest.mark.slow, pytest.mark.browser]
_PACKS: dict[bool, Path] = {}


def _unavailable(problem: str):
    if os.environ.get("DSCP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DSCP_REQUIRE_BROWSER=1 but {problem}")
    pytest.skip(problem)


def need_browser():
    """Playwright's sync API, or skip (fail in CI) when the browser cannot run here."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        _unavailable(f"playwright is not installed ({exc})")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    return sync_playwright


def need_axe() -> Path:
    if not AXE_JS.is_file():
        _unavailable(f"no axe-core at {AXE_JS} (run `npm ci` in the repository)")
    return AXE_JS


def built_pack(sample_db: Path, tmp_path_factory, suppress: bool = True) -> Path:
    """The real pack of the sample quarter, built once per session (the suppressed one also as PDF)."""
    if suppress not in _PACKS:
        out = tmp_path_factory.mktemp("pack-suppressed" if suppress else "pack-restricted") / "outputs"
        result = build_packs([PERIOD], sample_db, out_dir=out, suppress=suppress, progress=False, quiet=True,
                             commentary_dir=REPO / "data" / "commentary", pdf=suppress and CHROMIUM.is_file())
        assert result.ok, result.format()
        _PACKS[suppress] = pack_path(out, PERIOD)
    return _PACKS[suppress]


@pytest.fixture(scope="module")
def pack(sample_db, tmp_path_factory) -> Path:
    return built_pack(sample_db, tmp_path_factory)


@pytest.fixture(scope="module")
def restricted_pack(sample_db, tmp_path_factory) -> Path:
    return built_pack(sample_db, tmp_path_factory, suppress=False)


@contextmanager
def open_page(html_file: Path, width: int = 1366, height: int = 768, init_script: str | None = None):
    """`html_file` in Chromium with all network blocked, once its charts (and their print copies) are drawn;
    `init_script` runs in the page before its own scripts.

    Yields the page and what it did: `blocked` requests and `errors` (console errors, page errors).
    """
    sync_playwright = need_browser()
    body = html_file.read_bytes()
    page_url = f"{ORIGIN}/{html_file.name}"
    seen: dict[str, list[str]] = {"blocked": [], "errors": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")

            def route(r):
                if r.request.url == page_url:
                    r.fulfill(status=200, body=body, headers={"content-type": "text/html; charset=utf-8"})
                else:
                    seen["blocked"].append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            if init_script:
                context.add_init_script(init_script)
            page = context.new_page()
            page.on("console", lambda m: seen["errors"].append(f"console: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: seen["errors"].append(f"pageerror: {e}"))
            page.goto(page_url, wait_until="load")
            page.wait_for_function(READY_JS, timeout=120_000)
            yield page, seen
        finally:
            browser.close()


def open_all_details(page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.setAttribute('open', ''))")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0-2.2 A/AA violations on the page as it is now."""
    page.add_script_tag(path=str(need_axe()))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", WCAG_TAGS)
    return result["violations"]


def by_impact(violations: list[dict]) -> Counter:
    return Counter({impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
                    for impact in {v["impact"] for v in violations}})


def serious(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['nodes'][0]['target']}" for v in violations
            if v["impact"] in ("serious", "critical")]


# ------------------------------------------------------------------ it opens offline and draws
def test_pack_opens_offline_without_errors_and_draws_every_chart(pack):
    page_source = pack.read_text(encoding="utf-8")
    made = len(re.findall(r'<div\b[^>]*\bclass="plotly-graph-div"[^>]*>', page_source))
    assert made > 0, "the notebooks made no chart"
    with open_page(pack) as (page, seen):
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('div.plotly-graph-div')].filter(d => {"
            "  const svg = d.querySelector('svg.main-svg');"
            "  if (!d.classList.contains('js-plotly-plot') || !svg) return false;"
            "  const box = svg.getBoundingClientRect();"
            "  return box.width > 0 && box.height > 0 && !!d.querySelector('g.trace');"
            "}).length")
        plots = page.locator(".js-plotly-plot").count()
    assert seen["blocked"] == [], f"the pack asked the network for {seen['blocked'][:5]}"
    assert seen["errors"] == []
    assert plots == made and drawn == made


# Counted when the page is all read, before pack.js's own listener (added later) draws the charts that waited;
# and the order in which the charts reach plotly.js.
CHARTS_WHEN_READ_JS = """(() => { window.__order = []; let plotly;
  document.addEventListener('DOMContentLoaded', () => {
    window.__chartsWhenRead = document.querySelectorAll('.js-plotly-plot').length; });
  Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
    plotly = value; const newPlot = value.newPlot;
    value.newPlot = function (gd) { window.__order.push(typeof gd === 'string' ? gd : gd.id);
      return newPlot.apply(this, arguments); };
  }}); })();"""


def test_charts_wait_until_the_page_is_read_then_are_all_drawn_in_page_order(pack):
    """pack.js holds each chart met while the page is being read and draws them all once it is read, in the
    order of the page, so no chart is laid out while the rest of the page still changes its width."""
    with open_page(pack, init_script=CHARTS_WHEN_READ_JS) as (page, seen):
        when_read = page.evaluate("window.__chartsWhenRead")
        drawn_order = page.evaluate("window.__order")
        page_order = page.evaluate("[...document.querySelectorAll('div.plotly-graph-div')].map(d => d.id)")
    assert seen["errors"] == []
    assert when_read == 0, f"{when_read} charts drawn before the page was read"
    assert drawn_order[:len(page_order)] == page_order and len(page_order) > 0


# Each chart's first drawing, as plotly.js finishes it: the margins it was given (fitted by pack.js from the
# figure's hint), those it drew with, and whether automargin drew it again (plotly then keeps a redraw count).
FIRST_DRAWINGS_JS = """(() => { window.__firstDrawings = []; let plotly;
  Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
    plotly = value; const newPlot = value.newPlot;
    value.newPlot = function () { return newPlot.apply(this, arguments).then(gd => { const f = gd._fullLayout;
      window.__firstDrawings.push({id: gd.id, given: {l: f.margin.l, b: f.margin.b},
        drawn: {l: f._size.l, b: f._size.b}, room: f.width - f._size.l - f._size.r,
        twice: '_redrawFromAutoMarginCount' in f, turned: Object.values(f.xaxis._tickAngles || {}).some(a => a % 180),
        overflow: [f.xaxis.ticklabeloverflow, f.yaxis.ticklabeloverflow]});
      return gd; }); };
  }}); })();"""


def first_drawings(html_file: Path) -> dict[str, dict]:
    with open_page(html_file, init_script=FIRST_DRAWINGS_JS) as (page, seen):
        drawings = page.evaluate("window.__firstDrawings")
        margins_after = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].filter(g => g.id)"
                                      ".map(g => [g.layout.margin.l, g.layout.margin.b])")
        overflow_after = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].filter(g => g.id)"
                                       ".map(g => [g.layout.xaxis.ticklabeloverflow || null,"
                                       " g.layout.yaxis.ticklabeloverflow || null])")
    assert seen["errors"] == []
    own = [[int(left), int(bottom)] for left, bottom in
           re.findall(r'"margin":\{"l":(\d+),"r":\d+,"t":\d+,"b":(\d+)\}', html_file.read_text("utf-8"))]
    assert margins_after == own, "once drawn, a chart's layout holds the figure's own margins"
    assert overflow_after == [[None, None]] * len(own), "and the figure's own label overflow (none)"
    return {d["id"]: d for d in drawings}


def test_charts_are_drawn_once_in_margins_that_fit(pack, tmp_path):
    """pack.js gives each chart margins fitted to its labels, so automargin (still on) need not draw it twice.
    Where plotly must grow one — x labels turned, or labels too long to leave a plot beside them — it does,
    and the margins fitted never take more than a few pixels beyond plotly's own."""
    fitted = first_drawings(pack)
    unhinted = tmp_path / pack.name
    unhinted.write_text(re.sub(r'"meta":\{"dscp_margins":\{.*?\}\}', '"meta":{}', pack.read_text("utf-8")), "utf-8")
    plotlys = first_drawings(unhinted)
    assert set(fitted) == set(plotlys) and len(fitted) > 0
    once = [i for i, d in fitted.items() if not d["twice"]]
    for chart_id, d in fitted.items():
        if chart_id not in once:  # drawn twice: where plotly had to grow a margin, or plotly's own way
            grown = any(d["drawn"][k] > d["given"][k] + 1 for k in "lb")
            assert not grown or d["turned"] or d["given"]["l"] == 8 and d["room"] < 64 + 24, (chart_id, d)
        own = plotlys[chart_id]["drawn"]
        assert 0 <= d["drawn"]["l"] - own["l"] <= 12, (chart_id, d, own)  # a value axis's estimate: a digit
        assert 0 <= d["drawn"]["b"] - own["b"] <= 2 or d["turned"], (chart_id, d, own)
        assert plotlys[chart_id]["given"] == {"l": 8, "b": 8} and plotlys[chart_id]["twice"]
        # in margins that fit no label is hidden for overflowing; plotly's own way keeps its default
        was_fitted = d["given"] != {"l": 8, "b": 8}
        assert d["overflow"] == (["allow", "allow"] if was_fitted else plotlys[chart_id]["overflow"]), (chart_id, d)
    assert len(once) >= 0.9 * len(fitted), f"only {len(once)} of {len(fitted)} charts drawn once"
    hidden_past_div = [i for i, d in plotlys.items() if "hide past div" in d["overflow"]]
    assert len(hidden_past_div) > 20  # plotly's default on the number and date axes: the check can fail


def _chart_shots(html_file: Path, width: int) -> list[bytes]:
    with open_page(html_file, width=width) as (page, seen):
        charts = page.locator(".dscp-plot .js-plotly-plot")
        shots = [charts.nth(i).screenshot(animations="disabled") for i in range(charts.count())]
        page.emulate_media(media="print")
        copies = page.locator("img.dscp-print-copy")
        shots += [copies.nth(i).screenshot(animations="disabled") for i in range(copies.count())]
    assert seen["errors"] == []
    return shots


@pytest.mark.parametrize("width", [1366, 320])
def test_labels_drawn_as_they_are_change_nothing_the_reader_sees(pack, tmp_path, width):
    """pack.js draws a chart whose margins fit with every tick label as it is, skipping plotly's measuring
    of each label against the chart's edges: every chart and print copy looks the same as with plotly's
    default, on a wide screen and on the narrowest phone (where some charts are too narrow to fit)."""
    page = pack.read_text("utf-8")
    marker = "return labelsKept(Object.assign({}, layout, {margin: margin}));"
    assert page.count(marker) == 1
    default = tmp_path / pack.name
    default.write_text(page.replace(marker, "return Object.assign({}, layout, {margin: margin});"), "utf-8")
    kept, plotlys = _chart_shots(pack, width), _chart_shots(default, width)
    assert len(kept) == len(plotlys) > 60
    differ = [i for i, (a, b) in enumerate(zip(kept, plotlys)) if a != b]
    assert differ == [], f"charts {differ} look different at {width} px"


def test_index_opens_offline(pack):
    with open_page(pack.parent.parent / "index.html") as (page, seen):
        assert page.locator("a").count() >= 1
    assert seen["blocked"] == [] and seen["errors"] == []


# ------------------------------------------------------------------ disclosure
def _sample_identifiers() -> set[str]:
    found = set()
    for path in (REPO / "data" / "sample").glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                found.update(v.strip() for k, v in row.items() if k in IDENTIFIER_COLUMNS and v and v.strip())
    return found


def test_no_identifier_from_the_extracts_in_the_page_source_and_the_pack_is_small(pack):
    from dscp_metrics.pack.assemble import PLOTLY_JS_MARKER

    source = pack.read_text(encoding="utf-8")
    start = source.index(PLOTLY_JS_MARKER)
    own = source[:start] + source[source.index("</script>", start):]  # plotly.js itself is not the pack's text
    identifiers = _sample_identifiers()
    assert len(identifiers) > 1000 and {"C93011", "YP003", "INC00001"} <= identifiers  # the check has teeth
    tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9-]{3,}", own))
    assert sorted(tokens & identifiers)[:5] == []
    assert not re.search(r"\b(?:YP\d{3}|INC\d{5}|CEVT\d{5})\b", own)
    assert pack.stat().st_size <= SIZE_LIMIT_BYTES, f"{pack.stat().st_size:,} bytes"


TABLES_JS = """() => {
  const text = c => c.innerText.replace(/\\s+/g, ' ').trim();
  const tables = [...document.querySelectorAll('details.dscp-numbers')].map(d => ({
    id: d.id, head: [...d.querySelectorAll('thead th')].map(text),
    rows: [...d.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(text))}));
  const figures = [...document.querySelectorAll('td.dscp-col-value, td.dscp-col-interval')].map(text);
  return {tables, figures};
}"""


def _visible_tables(html_file: Path) -> dict:
    with open_page(html_file) as (page, _):
        open_all_details(page)
        return page.evaluate(TABLES_JS)


def test_every_hidden_figure_reads_c_and_nothing_else_differs(pack, restricted_pack):
    shown, full = _visible_tables(pack), _visible_tables(restricted_pack)
    full_tables = {t["id"]: t for t in full["tables"]}
    hidden, small_behind = 0, 0
    assert shown["tables"], "no table of numbers under the charts"
    for table in shown["tables"]:
        other = full_tables.get(table["id"])
        assert other is not None and other["head"] == table["head"], table["id"]
        assert len(other["rows"]) == len(table["rows"]), table["id"]
        keep = [i for i, h in enumerate(table["head"]) if h != "RAG"]
        for row, truth in zip(table["rows"], other["rows"]):
            for i in keep:
                if row[i] != truth[i]:
                    assert row[i] == "[c]", f"{table['id']}: {row[i]!r} where the figure is {truth[i]!r}"
                if row[i] == "[c]":
                    hidden += 1
                    assert truth[i] != "[c]"
                    small_behind += bool(re.fullmatch(r"[1-5]", truth[i]))
    assert len(shown["figures"]) == len(full["figures"])
    for mine, truth in zip(shown["figures"], full["figures"]):
        assert mine == truth or mine == "[c]", f"{mine!r} where the figure is {truth!r}"
    assert hidden > 0 and small_behind > 0, "positive control: the sample has small numbers to hide"


def test_restricted_banner_once_per_section_only_when_unsuppressed(pack, restricted_pack):
    counts_js = ("() => ({header: document.querySelectorAll('header .dscp-restricted').length, sections: "
                 "[...document.querySelectorAll('section.dscp-section')].map(s => "
                 "s.querySelectorAll('.dscp-restricted').length)})")
    with open_page(restricted_pack) as (page, _):
        restricted = page.evaluate(counts_js)
    with open_page(pack) as (page, _):
        suppressed = page.evaluate(counts_js)
    assert restricted["header"] == 1 and restricted["sections"] and set(restricted["sections"]) == {1}
    assert suppressed["header"] == 0 and set(suppressed["sections"]) == {0}


# ------------------------------------------------------------------ accessibility
def test_axe_finds_no_serious_or_critical_violation(pack):
    """On a laptop as the page opens, with every collapsed block open, and on a phone."""
    found = {}
    with open_page(pack, 1366, 768) as (page, _):
        found["1366 as opened"] = axe_violations(page)
        open_all_details(page)
        found["1366, all open"] = axe_violations(page)
        page.set_viewport_size({"width": 390, "height": 844})
        found["390, all open"] = axe_violations(page)
    problems = {state: serious(v) for state, v in found.items() if serious(v)}
    assert problems == {}, {state: dict(by_impact(v)) for state, v in found.items()}


def test_axe_harness_reports_what_it_should(tmp_path):
    """Positive control: the same harness on a page with known faults finds them."""
    page_file = tmp_path / "faulty.html"
    page_file.write_text(
        "<!doctype html><html lang='en'><head><title>Faulty</title></head><body><main>"
        "<h1>Faulty</h1><p style='color:#aaaaaa'>pale grey text</p><a href='#x'></a>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='></main></body></html>", encoding="utf-8")
    with open_page(page_file) as (page, _):
        found = {v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")}
    assert {"color-contrast", "link-name", "image-alt"} <= found


STRUCTURE_JS = """() => {
  const exists = id => !!document.getElementById(id);
  const links = [...document.querySelectorAll('a[href]')];
  const words = e => (e.innerText || e.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim();
  return {
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(h => h.getClientRects().length > 0).map(h => Number(h.tagName[1])),
    brokenLinks: links.map(a => a.getAttribute('href'))
      .filter(h => h.startsWith('#') && !exists(decodeURIComponent(h.slice(1)))),
    brokenLabels: [...document.querySelectorAll('[aria-labelledby]')]
      .flatMap(e => e.getAttribute('aria-labelledby').split(/\\s+/)).filter(id => !exists(id)),
    linkTexts: links.map(a => [words(a), a.getAttribute('href')]),
  };
}"""


def test_headings_ids_and_links(pack):
    with open_page(pack) as (page, _):
        open_all_details(page)
        seen = page.evaluate(STRUCTURE_JS)
    duplicated = [i for i, n in Counter(seen["ids"]).items() if n > 1]
    assert duplicated == []
    levels = seen["headings"]
    assert levels[0] == 1 and levels.count(1) == 1
    assert [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1] == []
    assert seen["brokenLinks"] == [] and seen["brokenLabels"] == []
    targets: dict[str, set[str]] = {}
    for text, href in seen["linkTexts"]:
        assert text, f"a link to {href} has no text"
        targets.setdefault(text, set()).add(href)
    assert {t: h for t, h in targets.items() if len(h) > 1} == {}, "one link text, two destinations"
    assert {"Back to contents", "Skip to what to discuss"} <= set(targets)


FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const cs = getComputedStyle(e), box = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.innerText || '').trim().slice(0, 40), outline: cs.outlineStyle,
          width: parseFloat(cs.outlineWidth), shadow: cs.boxShadow, inChart: !!e.closest('.js-plotly-plot'),
          onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight};
}"""


def test_every_focusable_element_shows_its_focus_and_charts_take_none(pack):
    with open_page(pack) as (page, _):
        focusable = page.evaluate("() => [...document.querySelectorAll('a[href], summary, button, input, "
                                  "select, textarea, [tabindex]:not([tabindex=\"-1\"])')]"
                                  ".filter(e => e.getClientRects().length > 0).length")
        visited = []
        for _ in range(focusable):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_JS)
            if state is None:
                break
            visited.append(state)
    assert visited and visited[0]["text"] == "Skip to what to discuss" and visited[0]["onScreen"]
    assert len(visited) == focusable
    assert [v for v in visited if v["inChart"]] == []
    unseen = [v for v in visited if not (v["outline"] != "none" and v["width"] >= 2) or not v["onScreen"]]
    assert unseen == []


SERIES_JS = """([chart, trace]) => { const gd = document.getElementById(chart);
  const copies = gd.closest('.dscp-plot').querySelectorAll('img.dscp-print-copy');
  return {visible: gd.data[trace].visible === undefined ? true : gd.data[trace].visible,
          lines: gd.querySelectorAll('.scatterlayer .trace').length, copies: copies.length,
          copy: copies.length ? decodeURIComponent(copies[0].src) : null, src: copies.length && copies[0].src}; }"""
COPY_DRAWN_JS = """([chart, trace, visible, before]) => { const gd = document.getElementById(chart);
  const copy = gd.closest('.dscp-plot').querySelector('img.dscp-print-copy');
  return gd.data[trace].visible === visible && copy && copy.src !== before; }"""


def _drawing(svg: str) -> str:
    """A print copy's SVG without plotly's ids (each drawing has its own random ones)."""
    return re.sub(r'(?<=[a-z])[0-9a-f]{6}\b', "", re.sub(r'(id="|url\(#|href="#)[^")]*', "", svg))  # clip6a4f1e


def test_a_legend_entry_hides_and_shows_its_series_by_click_or_keyboard(pack):
    """The page's legend does what a click on plotly's does: the series goes (its entry struck through) and
    comes back; the chart's print copy is drawn again each time, to match, even after a double click."""
    with open_page(pack) as (page, seen):
        legend = page.locator("ul.dscp-legend").first
        chart = legend.get_attribute("data-chart")
        entry = legend.locator("button", has_text="Average")
        trace = int(entry.get_attribute("data-traces"))
        before = page.evaluate(SERIES_JS, [chart, trace])
        assert before["visible"] is True and before["copy"] and entry.get_attribute("aria-pressed") == "true"
        entry.click()
        page.wait_for_function(COPY_DRAWN_JS, arg=[chart, trace, "legendonly", before["src"]])
        hidden = page.evaluate(SERIES_JS, [chart, trace])
        assert entry.get_attribute("aria-pressed") == "false" and hidden["lines"] == before["lines"] - 1
        assert hidden["copies"] == 1 and _drawing(hidden["copy"]) != _drawing(before["copy"])
        entry.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(COPY_DRAWN_JS, arg=[chart, trace, True, hidden["src"]])
        shown = page.evaluate(SERIES_JS, [chart, trace])
        assert entry.get_attribute("aria-pressed") == "true" and shown["lines"] == before["lines"]
        assert shown["copies"] == 1 and _drawing(shown["copy"]) == _drawing(before["copy"])
        entry.dblclick()  # hidden and shown again at once: the copy drawn last shows the chart as it is
        page.evaluate("c => document.getElementById(c)._dscpCopy", chart)
        again = page.evaluate(SERIES_JS, [chart, trace])
        assert again["visible"] is True and again["copies"] == 1 and entry.get_attribute("aria-pressed") == "true"
        assert _drawing(again["copy"]) == _drawing(before["copy"])
    assert seen["errors"] == []
