"""The built pack in a real browser: Debian's headless Chromium driven by Playwright for Python.

Every request goes through `context.route("**/*")`: the pack itself is served from disk at a fake
origin, anything else is aborted and recorded. A pack that works offline makes no other request,
logs no console error, and draws every chart the notebooks made.

Without /usr/bin/chromium (or Playwright) these tests are skipped, except when
DSCP_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from dscp_metrics.pack.build import build_packs, pack_path
from test_pack_build import PERIOD, build_real_pack, fake_db, make_pack_notebooks

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ORIGIN = "http://pack.invalid"  # never resolved: every request is answered or aborted by the route

pytestmark = pytest.mark.browser


def _need_browser():
    """Playwright's sync API, or skip (fail in CI) when the browser cannot run here."""
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


# WCAG 2.2 success criterion 1.4.3 (AA): every visible text outside the charts' SVG has a
# contrast ratio of at least 4.5:1 against its background (3:1 for large text: 24px, or
# 18.66px bold), computed from the browser's own computed colours.
CONTRAST_JS = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
    if (c && c.a > 0.99) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const fails = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement, text = walker.currentNode.textContent.trim();
    if (!text || !el || seen.has(el) || el.closest('svg')) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    const fg = parse(cs.color); if (!fg) continue;
    const bg = background(el);
    const blended = {r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a)};
    const l1 = lum(blended), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < needed) fails.push(`${el.tagName.toLowerCase()}.${el.className}: ${ratio.toFixed(2)} < ${needed} "${text.slice(0, 40)}"`);
  }
  return fails;
}"""


def open_offline(html_file: Path, wait_for_charts: int, row_text: str | None = None) -> dict:
    """Open `html_file` with all network blocked; report requests, errors and what drew."""
    sync_playwright = _need_browser()
    body = html_file.read_bytes()
    page_url = f"{ORIGIN}/{html_file.name}"
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

            def route(r):
                if r.request.url == page_url:
                    r.fulfill(status=200, body=body, headers={"content-type": "text/html; charset=utf-8"})
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: None if r.url in blocked else errors.append(f"failed: {r.url}"))
            page.goto(page_url, wait_until="load")
            chart_divs = page.locator("div.plotly-graph-div").count()
            if wait_for_charts:
                page.wait_for_function(
                    "n => document.querySelectorAll('.plotly-graph-div.js-plotly-plot .main-svg').length >= n",
                    arg=wait_for_charts, timeout=20_000,
                )
            # drawn: plotly took the div over, its SVG has a size, and it holds at least one trace
            drawn = page.evaluate(
                "() => [...document.querySelectorAll('div.plotly-graph-div')].filter(d => {"
                "  const svg = d.querySelector('svg.main-svg');"
                "  if (!d.classList.contains('js-plotly-plot') || !svg) return false;"
                "  const box = svg.getBoundingClientRect();"
                "  return box.width > 0 && box.height > 0 && !!d.querySelector('g.trace, g.slice, g.table');"
                "}).length"
            )
            visible_rows = page.evaluate(
                "() => [...document.querySelectorAll('tr')]"
                ".filter(tr => tr.offsetParent !== null && tr.getClientRects().length > 0)"
                ".map(tr => tr.innerText.replace(/\\s+/g, ' ').trim())"
            )
            row_visible = None if row_text is None else any(row_text in row for row in visible_rows)
            plotly_loaded = page.evaluate("() => typeof window.Plotly === 'object' && !!window.Plotly.newPlot")
            contrast_failures = page.evaluate(CONTRAST_JS)
            heading_levels = page.evaluate(
                "() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
                ".filter(h => h.getClientRects().length > 0).map(h => Number(h.tagName[1]))"
            )
            contents_links = page.evaluate(
                "() => [...document.querySelectorAll('nav.dscp-contents a')]"
                ".map(a => !!document.getElementById(a.getAttribute('href').slice(1)))"
            )
        finally:
            browser.close()
    return {"blocked": blocked, "errors": errors, "chart_divs": chart_divs, "drawn": drawn,
            "row_visible": row_visible, "visible_rows": visible_rows, "plotly_loaded": plotly_loaded, "contents_links": contents_links,
            "contrast_failures": contrast_failures, "heading_levels": heading_levels}


@pytest.fixture(scope="module")
def throwaway_pack(tmp_path_factory):
    _need_browser()
    root = tmp_path_factory.mktemp("browser-pack")
    charts = make_pack_notebooks(root / "notebooks")
    out = root / "outputs"
    result = build_packs([PERIOD], fake_db(root), out_dir=out, notebooks_dir=root / "notebooks",
                         progress=False, jobs=2, quiet=True)
    assert result.ok, result.format()
    return pack_path(out, PERIOD), sum(charts.values())


def test_throwaway_pack_opens_offline_and_every_chart_draws(throwaway_pack):
    html_file, made = throwaway_pack
    seen = open_offline(html_file, wait_for_charts=made, row_text="Re-referral rate")
    assert seen["blocked"] == [], "the pack asked the network for something"
    assert seen["errors"] == []
    assert seen["plotly_loaded"]
    assert seen["chart_divs"] == made
    assert seen["drawn"] == made
    assert seen["row_visible"] is True
    assert seen["contents_links"] and all(seen["contents_links"])


def test_index_opens_offline(throwaway_pack):
    html_file, _ = throwaway_pack
    seen = open_offline(html_file.parent.parent / "index.html", wait_for_charts=0)
    assert seen["blocked"] == [] and seen["errors"] == []


@pytest.mark.slow
def test_real_sample_pack_opens_offline_and_every_chart_draws(sample_db, tmp_path_factory):
    from dscp_metrics.indicators import all_indicators

    _need_browser()
    result, out = build_real_pack(sample_db, tmp_path_factory)
    assert result.ok, result.format()
    html_file = pack_path(out, PERIOD)
    page = html_file.read_text(encoding="utf-8")
    # nbconvert may reorder attributes: count the chart divs whatever their order
    made = len(re.findall(r'<div\b[^>]*\bclass="plotly-graph-div"[^>]*>', page))
    assert made > 0, "the notebooks made no chart"
    # the notebooks' own count, from their suppression sidecars in the manifest, when they give one
    manifest = json.loads((html_file.parent / "manifest.json").read_text(encoding="utf-8"))
    said = [s["charts"] for s in manifest["suppression"].values() if isinstance(s, dict) and "charts" in s]
    if said:
        assert sum(said) == made, f"the notebooks say they drew {sum(said)} charts; the HTML has {made}"
    seen = open_offline(html_file, wait_for_charts=made)
    assert seen["blocked"] == [], seen["blocked"][:5]
    assert seen["errors"] == []
    assert seen["chart_divs"] == made and seen["drawn"] == made
    # the summary table shows each indicator, in a visible row, by its title or short label
    missing = [ind.id for ind in all_indicators()
               if not any(ind.title in row or ind.label in row for row in seen["visible_rows"])]
    assert missing == [], f"indicators with no visible table row: {missing}"
    # readable by every PLG member: WCAG 2.2 AA contrast, headings that never skip a level
    assert seen["contrast_failures"] == [], seen["contrast_failures"][:10]
    levels = seen["heading_levels"]
    assert levels and levels[0] in (1, 2)
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == [], f"heading levels skip: {skips[:5]}"


def test_contrast_check_catches_low_contrast_text(tmp_path):
    page_file = tmp_path / "low.html"
    page_file.write_text(
        "<html><body style='background:#fff'><h2>Fine heading</h2><h4>Skipped a level</h4>"
        "<p style='color:#aaaaaa'>pale grey text</p><p style='color:#222'>dark text</p>"
        "<p style='color:#fff;background:#fab428'>white on amber</p></body></html>",
        encoding="utf-8",
    )
    seen = open_offline(page_file, wait_for_charts=0)
    failures = " ".join(seen["contrast_failures"])
    assert "pale grey text" in failures and "white on amber" in failures and "dark text" not in failures
    assert seen["heading_levels"] == [2, 4]
