"""The pack notebooks and their house style (`dscp_metrics.pack.charts`).

Part 1 runs every pack notebook headless with papermill's Python API (kernel
`dscp`, working directory the repository) against the sample, with small-number
suppression on and off, and checks what a reader could see or dig out of the
outputs: the section heading first, no count from 1 to 5 in a table cell or in
a chart's data, the restricted banner when suppression is off, no identifier
from the extracts, the analyst's commentary inert, the charts counted.

Part 2 tests charts.py directly.
"""

from __future__ import annotations

import html
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dscp_metrics.pack import charts, sidecar
from dscp_metrics.report import RESTRICTED_BANNER, open_report

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO / "notebooks" / "pack"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
PERIOD = "2024-25-Q4"
KERNEL = "dscp"
THRESHOLD = 5
ID_COLUMNS = ("child_id", "young_person_id", "return_id", "referral_id", "cevt_id", "incident_id")
PARAMETERS = '''period: str = "2024-25-Q4"  # the quarter, e.g. 2024-25-Q4 or '2024/25 Q4'
db_path: str = "data/dscp.duckdb"  # the DuckDB store written by `dscp load`
suppress: bool = True  # small-number suppression (turn off only for the analyst's own use)
partnership: str = "Durham Safeguarding Children Partnership"  # shown in the title block
commentary_dir: str = "data/commentary"  # the analyst's commentary, one Markdown file per period'''
HOSTILE = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) ![x](http://example.invalid/x.png)\n"
HOSTILE_COMMENTARY = (
    f"Overall. {HOSTILE}\n"
    + "".join(f"## {title}\n\n{title}: {HOSTILE}\n" for title in charts.THEMES.values())
)


# ------------------------------------------------------------------ helpers
def outputs_html(nb) -> list[str]:
    """Every output's HTML (or text), in order."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                texts.append(data["text/html"])
            elif "text/markdown" in data:
                texts.append(data["text/markdown"])
            elif output.get("output_type") == "stream":
                texts.append(output.get("text", ""))
            elif output.get("output_type") == "error":
                texts.append("\n".join(output.get("traceback", [])))
            else:
                texts.append(data.get("text/plain", ""))
    return texts


def cell_texts(page: str) -> list[str]:
    """The visible text of every `<td>`."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def is_small_count(text: str) -> bool:
    text = str(text).strip()
    return bool(re.fullmatch(r"\d[\d,]*", text)) and 1 <= int(text.replace(",", "")) <= THRESHOLD


def plotly_figures(page: str) -> list[dict]:
    """The data and layout of every `Plotly.newPlot(id, data, layout, config)` call in the page."""
    decoder = json.JSONDecoder()

    def next_value(position: int):
        while page[position] in " \t\r\n,":
            position += 1
        return decoder.raw_decode(page, position)

    figures = []
    for match in re.finditer(r"Plotly\.newPlot\(", page):
        div_id, position = next_value(match.end())
        data, position = next_value(position)
        layout, position = next_value(position)
        figures.append({"id": div_id, "data": data, "layout": layout})
    return figures


def small_values_in_count_traces(figure: dict) -> list:
    """Values from 1 to 5 in the x, y, text, customdata or hovertext of a figure's count data traces
    (charts.py marks the traces of plotted figures `meta={"dscp": "data", "unit": ...}`)."""
    found = []
    for trace in figure["data"]:
        meta = trace.get("meta") or {}
        if meta.get("dscp") != "data" or meta.get("unit") != "count":
            continue  # average and limit lines are statistics, drawn only when no month is hidden
        for key in ("x", "y", "text", "customdata", "hovertext"):
            values = trace.get(key)
            if values is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                flat = value if isinstance(value, list) else [value]
                for item in flat:
                    if isinstance(item, bool) or item is None:
                        continue
                    if isinstance(item, (int, float)) and 1 <= item <= THRESHOLD:
                        found.append((trace.get("name"), key, item))
                    elif isinstance(item, str) and is_small_count(item):
                        found.append((trace.get("name"), key, item))
    return found


def sample_identifiers() -> set[str]:
    ids: set[str] = set()
    for path in (REPO / "data" / "sample").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        for column in ID_COLUMNS:
            if column in frame:
                ids |= set(frame[column].dropna().str.strip())
    return {i for i in ids if i}


# ------------------------------------------------------------------ executing the notebooks
def _execute(notebook: Path, out_dir: Path, parameters: dict):
    import papermill as pm

    output = out_dir / notebook.name
    try:
        pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL, cwd=str(REPO),
            progress_bar=False, log_output=False, execution_timeout=300,
        )
        error = None
    except Exception as exc:  # noqa: BLE001 - reported by the test
        error = exc
    return notebook.stem, nbformat.read(output, as_version=4) if output.exists() else None, error


@pytest.fixture(scope="module")
def runs(sample_db, tmp_path_factory) -> dict[bool, dict]:
    """{suppress: {"notebooks": {name: (nb, error)}, "sidecars": dir}} for suppression on and off."""
    results: dict[bool, dict] = {}
    hostile = tmp_path_factory.mktemp("commentary")
    (hostile / f"{PERIOD}.md").write_text(HOSTILE_COMMENTARY, encoding="utf-8")
    previous = os.environ.get(sidecar.SIDECAR_ENV)
    try:
        for suppress in (True, False):
            out_dir = tmp_path_factory.mktemp(f"executed-{'suppressed' if suppress else 'restricted'}")
            side_dir = out_dir / "sidecars"
            os.environ[sidecar.SIDECAR_ENV] = str(side_dir)
            parameters = {
                "period": PERIOD, "db_path": str(sample_db), "suppress": suppress,
                "commentary_dir": str(hostile) if suppress else str(REPO / "data" / "commentary"),
            }
            with ThreadPoolExecutor(max_workers=2) as pool:
                done = list(pool.map(lambda nb: _execute(nb, out_dir, parameters), NOTEBOOKS))
            results[suppress] = {"notebooks": {name: (nb, error) for name, nb, error in done}, "sidecars": side_dir}
    finally:
        if previous is None:
            os.environ.pop(sidecar.SIDECAR_ENV, None)
        else:
            os.environ[sidecar.SIDECAR_ENV] = previous
    return results


def _pages(runs, suppress: bool) -> dict[str, list[str]]:
    return {name: outputs_html(nb) for name, (nb, _) in runs[suppress]["notebooks"].items()}


def test_the_pack_has_its_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "00_summary", "10_domestic_abuse", "20_harm_outside_home", "30_restraint", "40_osa",
        "80_data_quality", "90_definitions",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_a_thin_template_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"] == {"name": "dscp", "display_name": "DSCP Think Tank (Python 3)", "language": "python"}
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    assert first.source == PARAMETERS
    assert "open_report(" in nb.cells[1].source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert not re.search(r"^\s*(def|class|print)\b|print\(", cell.source, flags=re.M), cell.source
            assert "import warnings" not in cell.source and ".show(" not in cell.source
    assert "write_suppression_sidecar" in nb.cells[-1].source


@pytest.mark.slow
@pytest.mark.parametrize("suppress", [True, False], ids=["suppressed", "restricted"])
def test_every_notebook_runs_without_error_or_stray_output(runs, suppress):
    for name, (nb, error) in runs[suppress]["notebooks"].items():
        assert error is None, f"{name}: {error}"
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] in ("display_data", "execute_result"), (name, output)
                assert "text/html" in output["data"], (name, output["data"].keys())
                assert "application/vnd.plotly.v1+json" not in output["data"], name


@pytest.mark.slow
@pytest.mark.parametrize("suppress", [True, False], ids=["suppressed", "restricted"])
def test_first_output_is_the_section_heading(runs, suppress):
    for name, pages in _pages(runs, suppress).items():
        assert pages, f"{name} shows nothing"
        assert re.match(r"\s*<h2 id=\"dscp-[a-z0-9-]+\">", pages[0]), f"{name}: {pages[0][:200]}"


@pytest.mark.slow
def test_no_small_count_in_any_table_cell_when_suppressed(runs):
    for name, pages in _pages(runs, True).items():
        cells = [t for page in pages for t in cell_texts(page)]
        assert cells or name in ("90_definitions",), name
        small = [t for t in cells if is_small_count(t)]
        assert not small, f"{name}: table cells with 1 to {THRESHOLD}: {small}"


@pytest.mark.slow
def test_no_small_count_in_any_chart_when_suppressed(runs):
    total = 0
    for name, pages in _pages(runs, True).items():
        for page in pages:
            for figure in plotly_figures(page):
                total += 1
                for trace in figure["data"]:  # every trace is classified, so none escapes the check below
                    kind = (trace.get("meta") or {}).get("dscp")
                    assert kind in ("data", "line", "label"), (name, figure["id"], trace.get("name"))
                    if kind == "label":
                        assert set(trace["text"]) == {"[c]"}
                assert not small_values_in_count_traces(figure), (name, figure["id"], small_values_in_count_traces(figure))
                for note in figure["layout"].get("annotations", []):
                    assert not re.search(r"(?<![\d.])[1-5](?![\d.%])", re.sub(r"1 to 5", "", note["text"])), note["text"]
    assert total >= 10


@pytest.mark.slow
def test_small_counts_do_show_when_restricted(runs):
    """The check above is not vacuous: without suppression small counts reach tables and charts."""
    pages = [p for ps in _pages(runs, False).values() for p in ps]
    assert any(is_small_count(t) for p in pages for t in cell_texts(p))
    assert any(small_values_in_count_traces(f) for p in pages for f in plotly_figures(p))


@pytest.mark.slow
def test_restricted_banner_on_every_notebook_only_when_suppression_is_off(runs):
    for name, pages in _pages(runs, False).items():
        assert 'class="restricted-banner"' in pages[0] and html.escape(RESTRICTED_BANNER) in pages[0], name
    for name, pages in _pages(runs, True).items():
        assert not any('class="restricted-banner"' in p or "RESTRICTED" in p for p in pages), name


@pytest.mark.slow
@pytest.mark.parametrize("suppress", [True, False], ids=["suppressed", "restricted"])
def test_no_identifier_from_the_extracts_in_any_output(runs, suppress):
    identifiers = sample_identifiers()
    assert len(identifiers) > 1000
    for name, pages in _pages(runs, suppress).items():
        tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]*", "\n".join(pages)))
        leaked = tokens & identifiers
        assert not leaked, f"{name}: {sorted(leaked)[:10]}"


@pytest.mark.slow
def test_commentary_script_and_img_stay_inert_text(runs):
    pages = _pages(runs, True)
    for name in ("00_summary", "10_domestic_abuse", "20_harm_outside_home", "30_restraint", "40_osa"):
        page = "\n".join(pages[name])
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, name
        assert "<script>alert" not in page and "<img" not in page.lower(), name
        assert 'href="javascript' not in page.lower() and "example.invalid" not in page, name


@pytest.mark.slow
@pytest.mark.parametrize("suppress", [True, False], ids=["suppressed", "restricted"])
def test_sidecar_records_charts_and_suppression(runs, suppress):
    side_dir = runs[suppress]["sidecars"]
    for name, pages in _pages(runs, suppress).items():
        record = json.loads((side_dir / f"{name}.suppression.json").read_text())
        drawn = sum(len(plotly_figures(p)) for p in pages)
        assert record["charts"] == drawn, name
        assert record["suppress"] is suppress and record["period"] == PERIOD
        assert (record["suppressed_cells"] > 0) is suppress
    charts_per_notebook = {n: json.loads((side_dir / f"{n}.suppression.json").read_text())["charts"] for n in _pages(runs, suppress)}
    assert charts_per_notebook["10_domestic_abuse"] == 6
    assert charts_per_notebook["90_definitions"] == 0


# ------------------------------------------------------------------ charts.py
@pytest.fixture(scope="module")
def suppressed(sample_db):
    return open_report(sample_db, PERIOD, suppress=True)


@pytest.fixture(scope="module")
def restricted(sample_db):
    return open_report(sample_db, PERIOD, suppress=False)


def _json_numbers(fig) -> list[float]:
    """Every number in the y / x / text / customdata / hovertext of a figure's count traces."""
    return [v for _, _, v in small_values_in_count_traces({"data": fig.to_dict()["data"]})]


def test_spc_chart_leaves_out_small_months(suppressed, restricted):
    raw = restricted.monthly_series("cevt_children")
    small_months = raw[(raw["numerator"] >= 1) & (raw["numerator"] <= THRESHOLD)]
    assert len(small_months) >= 2
    fig = charts.spc_chart(suppressed, "cevt_children")
    data = fig.to_dict()["data"]
    assert not _json_numbers(fig)
    line = data[0]
    months = [x[:7] for x in line["x"]]
    for month in small_months["period"]:
        assert line["y"][months.index(month)] is None
    assert not any(t["name"] in ("Average", "Upper process limit", "Lower process limit") for t in data)
    dumped = json.dumps(fig.to_dict())
    assert "Months with 1 to 5 are not shown" in dumped
    unsuppressed = charts.spc_chart(restricted, "cevt_children")
    assert _json_numbers(unsuppressed)  # the same chart without suppression shows them
    assert {"Average", "Upper process limit", "Lower process limit"} <= {t["name"] for t in unsuppressed.to_dict()["data"]}


def test_spc_chart_style_and_words(suppressed):
    fig = charts.spc_chart(suppressed, "csc_referrals")
    data = fig.to_dict()["data"]
    names = [t["name"] for t in data]
    assert {"Average", "Upper process limit", "Lower process limit"} <= set(names)
    limits = [t for t in data if "process limit" in t["name"]]
    assert all(t["line"]["dash"] == "dash" for t in limits)
    assert "each month from" in fig.layout.title.text
    annotation = fig.layout.annotations[0].text
    assert "Variation:" in annotation and "Assurance:" in annotation
    assert any(symbol in annotation for symbol in charts.VARIATION_SYMBOL.values())
    assert "%{x|%B %Y}" in data[0]["hovertemplate"]


def test_spc_chart_marks_special_cause_by_shape_and_name(restricted):
    fig = charts.spc_chart(restricted, "cevt_children")
    special = [t for t in fig.to_dict()["data"] if t["name"].startswith("Special cause")]
    assert special
    for trace in special:
        colour, symbol, words = next(v for v in charts.POINT_STYLE.values() if v[2] == trace["name"])
        assert trace["marker"]["color"] == colour and trace["marker"]["symbol"] == symbol


def test_series_mostly_small_is_not_charted(suppressed):
    assert charts.spc_chart(suppressed, "restraint_injuries") is None
    note = charts.spc_block(suppressed, "restraint_injuries").data
    assert "not charted" in note and "chart-" not in note


def test_breakdown_bar_hides_suppressed_cells(suppressed):
    fig = charts.breakdown_bar(suppressed, "restraint_injuries")
    bar = fig.to_dict()["data"][0]
    labels = dict(zip(bar["y"], zip(bar["x"], bar["text"])))
    hidden = [label for label in bar["y"] if label.endswith("[c]")]
    assert len(hidden) == 2
    for label in hidden:
        assert labels[label] == (None, None)
    assert not _json_numbers(fig)


def test_osa_stacked_bar_labels_each_segment_and_hides_suppressed(suppressed):
    fig = charts.osa_stacked_bar(suppressed)
    data = fig.to_dict()["data"]
    assert [t["name"] for t in data] == ["■ Red", "▲ Amber", "● Green"]
    for trace in data:
        word = trace["name"].split()[-1]
        assert all(text is None or word in text for text in trace["text"])
        assert all((x is None) == (text is None) for x, text in zip(trace["x"], trace["text"]))
    assert data[0]["marker"]["pattern"]["shape"] != data[2]["marker"]["pattern"]["shape"]
    rows = suppressed.breakdown_table("osa_rating_share")
    hidden = int(rows["suppressed"].sum())
    assert hidden and sum(x is None for t in data for x in t["x"]) == hidden
    assert any("[c]" in label for label in data[0]["y"])


def test_cevt_breakdowns_apply_suppression(suppressed, restricted):
    for by in ("risk_level", "locality"):
        shown, raw = charts.cevt_breakdown(suppressed, by), charts.cevt_breakdown(restricted, by)
        assert shown["category"].tolist() == raw["category"].tolist()
        assert raw["raw_value"].iloc[0] == restricted.figure("cevt_referrals")["value"]
        assert raw["raw_value"].iloc[1:].sum() == raw["raw_value"].iloc[0]
        assert not any(is_small_count(v) for v in shown["value"])
        # a hidden cell can never be worked out from the total and the others
        assert shown["suppressed"].sum() != 1
    assert charts.cevt_breakdown(suppressed, "locality")["suppressed"].any()
    with pytest.raises(Exception, match="risk_level or locality"):
        charts.cevt_breakdown(suppressed, "child_id")


def test_osa_by_organisation(suppressed):
    rows = charts.osa_by_organisation(suppressed)
    assert rows["category"].iloc[0] == "All organisations"
    assert rows["value"].iloc[0] == suppressed.breakdown_table("osa_green_share")["value"].iloc[0]
    assert not any(is_small_count(v) for v in rows["numerator"])


def test_render_one_block_with_stable_id_caption_and_table(suppressed):
    fig = charts.breakdown_bar(suppressed, "cevt_referrals")
    table = pd.DataFrame({"Category": ["<b>x</b>"], "Value": ["[c]"]})
    first = charts.render(fig, "test-chart", "A <caption> & more", table).data
    second = charts.render(fig, "test-chart", "A <caption> & more", table).data
    assert first == second
    assert first.count("<figure") == 1 and first.count("<figcaption") == 1 and first.count("<table") == 1
    assert 'id="chart-test-chart"' in first
    assert '"displaylogo": false' in first and '"responsive": true' in first
    assert "A &lt;caption&gt; &amp; more" in first and "&lt;b&gt;x&lt;/b&gt;" in first
    assert "<b>x</b>" not in first
    assert not re.search(r"https?://|cdn|mathjax|require\(", first, flags=re.I)
    assert first.index("</figure>") < first.index("<table")
    with pytest.raises(Exception):
        charts.render(fig, "Bad Id!", "x", None)


def test_table_html_escapes_and_labels():
    frame = pd.DataFrame({"name": ["<script>alert(1)</script>", 'a "quoted" & <i>'], "n": ["12", "[c]"]})
    out = charts.table_html(frame, "Caption <img src=x>", {"name": "Name <th>", "n": "N"})
    assert "<script" not in out and "<img" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "Caption &lt;img src=x&gt;" in out
    assert out.count('<th scope="col"') == 2 and "<caption>" in out
    assert '<td class="dscp-num">[c]</td>' in out


@pytest.mark.parametrize(
    "value, symbol, word",
    [("green", "●", "Green"), ("Amber", "▲", "Amber"), ("red", "■", "Red"), ("Not rated", "○", "Not rated"),
     ("not_rated", "○", "Not rated"), (None, "○", "Not rated")],
)
def test_rag_is_never_colour_alone(value, symbol, word):
    out = charts.table_html(pd.DataFrame({"rag": [value]}), "RAG")
    cell = re.search(r"<td>(.*?)</td>", out).group(1)
    text = re.sub(r"<[^>]+>", "", cell)
    assert text == f"{symbol} {word}"
    assert f"dscp-rag-{word.lower().replace(' ', '_')}" in cell


def test_summary_table_shows_every_indicator_with_words(suppressed):
    out = charts.summary_table_html(suppressed).data
    for indicator in suppressed.indicators():
        assert html.escape(indicator.title) in out
    assert "↔ Common cause" in out and "○ Not rated" in out
    assert not any(is_small_count(t) for t in cell_texts(out))


def test_section_heading_banner(suppressed, restricted):
    plain = charts.section_heading("Use of restraint", suppressed).data
    banner = charts.section_heading("Use of restraint", restricted, "Durham <Partnership>").data
    assert plain.startswith('<h2 id="dscp-use-of-restraint">Use of restraint</h2>')
    assert 'class="restricted-banner"' not in plain and "RESTRICTED" not in plain
    assert '<p class="restricted-banner" role="alert">RESTRICTED — contains unsuppressed small numbers</p>' in banner
    assert "Durham &lt;Partnership&gt;" in banner


def test_commentary_sections_and_safety(tmp_path):
    (tmp_path / "2024-25-Q1.md").write_text(
        "<!-- note to self: <script>x</script> -->\nOverall **words**.\n\n"
        "## Domestic abuse\n\n### Detail\n\nDA text <script>alert(1)</script> <img src=x onerror=alert(1)>\n"
        "[ok](https://example.org) [bad](javascript:alert(1)) <javascript:alert(1)> ![chart](http://example.invalid/a.png)\n\n"
        "## harm_outside_home\n\nHOH text\n",
        encoding="utf-8",
    )
    overall = charts.commentary_html(tmp_path, "2024/25 Q1").data
    assert "<strong>words</strong>" in overall and "DA text" not in overall and "note to self" not in overall
    da = charts.commentary_html(tmp_path, "2024-25-Q1", "domestic_abuse").data
    assert "DA text" in da and "HOH text" not in da and "<h4>Detail</h4>" in da
    assert "<script" not in da and "<img" not in da
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in da and "&lt;img src=x onerror=alert(1)&gt;" in da
    assert '<a href="https://example.org">ok</a>' in da and 'href="javascript' not in da
    assert "[image: chart]" in da and "example.invalid" not in da
    assert "HOH text" in charts.commentary_html(tmp_path, "2024-25-Q1", "harm_outside_home").data
    assert "No commentary has been written for use of restraint" in charts.commentary_html(tmp_path, "2024-25-Q1", "restraint").data
    assert charts.NO_COMMENTARY in charts.commentary_html(tmp_path, "2024-25-Q2").data


def test_sample_commentary_is_marked_as_sample():
    text = (REPO / "data" / "commentary" / f"{PERIOD}.md").read_text(encoding="utf-8")
    assert "Sample commentary" in text
    rendered = charts.commentary_html(REPO / "data" / "commentary", PERIOD).data
    assert "Sample commentary" in rendered and "&lt;!--" not in rendered


def test_prompts_heading(suppressed):
    out = charts.prompts_html(suppressed, "harm_outside_home").data
    assert "<h3>Questions for the Think Tank</h3>" in out and out.count("<li>") >= 1


def test_level3_review_withheld_or_listed(suppressed, restricted):
    for report in (suppressed, restricted):
        out = charts.level3_html(report).data
        assert "Level 3" in out


def test_definitions_come_from_the_registry():
    out = charts.definitions_html().data
    for indicator in charts.REGISTRY:
        assert f"<code>{indicator.id}</code>" in out
        assert html.escape(indicator.definition) in out and html.escape(indicator.title) in out


def test_data_quality_blocks(suppressed):
    pages = [charts.data_quality_html(suppressed).data, charts.rejects_html(suppressed).data,
             charts.themes_without_data_html(suppressed).data, charts.suppression_html(suppressed).data]
    assert "csc_referrals.csv" in pages[0]
    assert not any(is_small_count(t) for p in pages for t in cell_texts(p))


def test_sidecar_written_only_when_asked(suppressed, tmp_path, monkeypatch):
    monkeypatch.delenv(sidecar.SIDECAR_ENV, raising=False)
    assert sidecar.write_suppression_sidecar(suppressed, "00_summary") is None
    monkeypatch.setenv(sidecar.SIDECAR_ENV, str(tmp_path / "side"))
    path = sidecar.write_suppression_sidecar(suppressed, "00_summary", charts_count=3)
    record = json.loads(path.read_text())
    assert path.name == "00_summary.suppression.json"
    assert record["charts"] == 3 and record["suppress"] is True and record["suppressed_cells"] > 0
    assert record["suppression"] == [
        {k: (int(v) if k == "cells" else str(v)) for k, v in r.items()}
        for r in suppressed.suppression_summary().to_dict("records")
    ]
    with pytest.raises(Exception):
        sidecar.write_suppression_sidecar(suppressed, "../escape")
