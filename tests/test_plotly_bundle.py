"""plotly.js's basic partial bundle in the pack: pinned, checked, enough for every chart, drawing as the full one.

The pack ships `plotly.js-basic-dist-min` (1.2 MB) instead of plotly.py's full
plotly.js (4.8 MB). These tests fail when the pinned versions drift apart, when
the shipped file is not the pinned package's, when a chart uses a trace type the
bundle lacks, and when a chart of the real pack draws differently with the basic
bundle than with the full one (a screenshot of every chart, pixel for pixel).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import plotly
import plotly.offline
import pytest

from dscp_metrics.indicators import THEMES
from dscp_metrics.pack import plotly_bundle
from dscp_metrics.pack.assemble import PLOTLY_JS_MARKER
from dscp_metrics.pack.figures import theme_charts
from dscp_metrics.publication.snapshot import read_snapshot
from dscp_metrics.report.period_report import build_report
from test_pack_browser import built_pack, open_page

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "plotly.js-basic-dist-min"
PERIOD = "2024-25-Q4"


def test_the_bundle_is_the_plotly_js_version_plotly_py_embeds():
    assert plotly_bundle.VERSION == plotly.offline.get_plotlyjs_version()


def test_package_json_and_its_lock_pin_that_version():
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"][PACKAGE]
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert pinned == lock["packages"][f"node_modules/{PACKAGE}"]["version"] == plotly_bundle.VERSION


def test_the_shipped_file_is_the_pinned_package_with_its_licence_and_checksum():
    data = plotly_bundle.BUNDLE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == plotly_bundle.SHA256
    assert f"plotly.js (basic - minified) v{plotly_bundle.VERSION}" in data[:200].decode("utf-8")
    assert "MIT" in (plotly_bundle.BUNDLE.parent / "LICENSE").read_text(encoding="utf-8")
    installed = REPO / "node_modules" / PACKAGE / "plotly-basic.min.js"
    if installed.is_file():  # after `npm ci`: the very file npm installs
        assert installed.read_bytes() == data


def test_a_changed_file_is_refused(monkeypatch, tmp_path):
    changed = tmp_path / "plotly-basic.min.js"
    changed.write_bytes(plotly_bundle.BUNDLE.read_bytes() + b"\n")
    monkeypatch.setattr(plotly_bundle, "BUNDLE", changed)
    plotly_bundle.plotly_js.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="checksum"):
            plotly_bundle.plotly_js()
    finally:
        plotly_bundle.plotly_js.cache_clear()


def test_the_bundle_registers_the_trace_types_it_is_said_to_hold():
    text = plotly_bundle.plotly_js()
    for trace in plotly_bundle.TRACE_TYPES:
        assert f'moduleType:"trace",name:"{trace}"' in text, trace
    assert 'moduleType:"trace",name:"heatmap"' not in text  # the check can fail: the full bundle has it


@pytest.fixture(scope="module")
def sample_report(sample_db):
    return build_report(read_snapshot(sample_db, PERIOD))


def test_every_chart_of_the_pack_uses_only_the_bundles_trace_types(sample_report):
    used = set()
    for theme in THEMES:
        for spec in theme_charts(sample_report, theme.id):
            if spec.figure is not None:
                used |= {trace.get("type", "scatter") for trace in spec.figure["data"]}
    assert used and used <= set(plotly_bundle.TRACE_TYPES), used


def test_the_explorers_own_chart_uses_only_the_bundles_trace_types():
    from dscp_metrics.present.charts import trend_figure  # the explorer's trend; its other charts are the pack's

    figure = trend_figure([{"name": "a", "x": ["2024-04", "2024-05"], "values": [1.0, None], "lower": [0.5, None],
                            "upper": [1.5, None]}, {"name": "b", "x": ["2024-04"], "values": [2.0]}], "%", "", False)
    assert {trace["type"] for trace in figure["data"]} <= set(plotly_bundle.TRACE_TYPES)


@pytest.mark.slow
@pytest.mark.browser
def test_the_real_pack_draws_the_same_with_the_full_plotly_js(sample_db, tmp_path_factory, tmp_path):
    pack = built_pack(sample_db, tmp_path_factory)
    page = pack.read_text(encoding="utf-8")
    basic = plotly_bundle.plotly_js()
    assert page.count(basic) == 1 and PLOTLY_JS_MARKER in page
    full_js = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    full = tmp_path / pack.name
    full.write_text(page.replace(basic, full_js), encoding="utf-8")
    shots = {}
    for name, path in (("basic", pack), ("full", full)):
        with open_page(path) as (browser_page, seen):
            assert seen["errors"] == [] and seen["blocked"] == []
            charts = browser_page.locator(".dscp-plot .js-plotly-plot")
            shots[name] = [charts.nth(i).screenshot(animations="disabled") for i in range(charts.count())]
    assert len(shots["basic"]) == len(shots["full"]) > 30
    differ = [i for i, (a, b) in enumerate(zip(shots["basic"], shots["full"])) if a != b]
    assert differ == [], f"charts {differ} draw differently with the basic bundle"
