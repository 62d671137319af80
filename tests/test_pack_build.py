"""`dscp build` (dscp_metrics.pack.build) on small throwaway notebooks written here, plus one
end-to-end build of the real pack (notebooks/pack) on the sample data.

The throwaway notebooks follow the same contract as the real ones: a `parameters` cell with
typed, commented defaults, a first output that is an `<h2>` heading, and plotly figures emitted as
HTML without plotly.js.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from dscp_metrics.errors import DatabaseError, ParameterError, PeriodError
from dscp_metrics.pack import build as pack_build
from dscp_metrics.pack.build import build_packs, finish_html, pack_path, remote_resources

PERIOD = "2024-25-Q4"

PARAMETERS_CELL = '''period: str = "2024-25-Q4"  # the quarter, e.g. 2024-25-Q4
db_path: str = "data/dscp.duckdb"  # the DuckDB store
suppress: bool = True  # small-number suppression on (False: RESTRICTED)
partnership: str = "Durham Safeguarding Children Partnership"  # who the pack is for
commentary_dir: str = "data/commentary"  # folder of per-period commentary files'''

SIDECAR_CELL = '''import json, os
_sidecar = os.environ.get("DSCP_PACK_SIDECAR_DIR")
if _sidecar:
    with open(os.path.join(_sidecar, os.environ["DSCP_PACK_NOTEBOOK"] + ".suppression.json"), "w") as _f:
        json.dump({"suppressed_cells": 3, "indicators": ["da_rereferrals"]}, _f)'''

SECRET_IN_TRACEBACK = "C998877"
FAILURE_MESSAGE = "the extract has no referral_date column"


def chart_cell(title: str, chart_ids: list[str], extra_html: str = "") -> str:
    """A cell that shows an h2 heading, the parameters it got, and plotly charts as HTML."""
    lines = [
        "import plotly.graph_objects as go",
        "from IPython.display import HTML, display",
        f"display(HTML('<h2>{title}</h2>'))",
        "display(HTML(f'<p class=\"params\">period={period} suppress={suppress} partnership={partnership}</p>'))",
    ]
    for n, chart_id in enumerate(chart_ids):
        lines += [
            f"fig = go.Figure(go.Bar(x=['Q1', 'Q2', 'Q3'], y=[{10 + n}, 12, 14]))",
            f"fig.update_layout(title='Referrals by quarter {n}', height=300)",
            "display(HTML(fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False, "
            f"div_id='{chart_id}')))",
        ]
    if extra_html:
        lines.append(f"display(HTML({extra_html!r}))")
    return "\n".join(lines)


SUMMARY_TABLE = (
    '<table class="dscp-summary"><thead><tr><th>Indicator</th><th>Value</th></tr></thead>'
    "<tbody><tr><td>Re-referral rate</td><td>21.4%</td></tr>"
    "<tr><td>Referrals with domestic abuse</td><td>[c]</td></tr></tbody></table>"
)


def write_notebook(path: Path, cells: list[str], parameters: str = PARAMETERS_CELL,
                   metadata: dict | None = None, markdown_first: str | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.update(metadata or {})
    param = nbformat.v4.new_code_cell(parameters)
    param.metadata["tags"] = ["parameters"]
    nb.cells = ([nbformat.v4.new_markdown_cell(markdown_first)] if markdown_first else []) + [param]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make_pack_notebooks(folder: Path, failing: bool = False) -> dict[str, int]:
    """Three small pack notebooks (one made to fail if asked); returns the chart count per notebook."""
    write_notebook(folder / "00_summary.ipynb", [
        chart_cell("Summary", ["chart-summary-1"], SUMMARY_TABLE),
        SIDECAR_CELL,
        "import sys\nprint('STDERR-NOISE-SHOULD-NOT-SHOW', file=sys.stderr)",
    ], metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                          "version_minor": 0}}})
    write_notebook(folder / "10_domestic_abuse.ipynb", [
        chart_cell("Domestic abuse", ["chart-da-1", "chart-da-2"]),
    ])
    if failing:
        write_notebook(folder / "30_restraint.ipynb", [
            "from IPython.display import HTML, display\ndisplay(HTML('<h2>Use of restraint</h2>'))",
            f"child_secret = '{SECRET_IN_TRACEBACK}'\nraise RuntimeError('{FAILURE_MESSAGE}')",
        ])
    else:
        write_notebook(folder / "30_restraint.ipynb", [chart_cell("Use of restraint", ["chart-restraint-1"])],
                       markdown_first="Notes for the analyst: this markdown cell is shown in the pack.")
    # Not a pack notebook: the glob is [0-9]*.ipynb
    write_notebook(folder / "scratch.ipynb", ["raise SystemExit('must never run')"])
    return {"00_summary": 1, "10_domestic_abuse": 2, "30_restraint": 0 if failing else 1}


def fake_db(folder: Path) -> Path:
    """The throwaway notebooks never read the store, but the build checks and hashes it."""
    db = folder / "store.duckdb"
    db.write_bytes(b"not really duckdb, hashed only")
    return db


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    notebooks = root / "notebooks"
    charts = make_pack_notebooks(notebooks)
    db = fake_db(root)
    out = root / "outputs"
    result = build_packs([PERIOD], db, out_dir=out, notebooks_dir=notebooks, progress=False, jobs=2,
                         commentary_dir=root / "commentary", quiet=True)
    return {"root": root, "notebooks": notebooks, "db": db, "out": out, "result": result, "charts": charts}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ a good build
def test_build_writes_pack_index_manifest_and_executed_notebooks(good_build):
    result, out = good_build["result"], good_build["out"]
    assert result.ok, result.format()
    html_file = out / PERIOD / f"think-tank-{PERIOD}.html"
    assert result.periods[0].html_path == html_file and html_file.is_file()
    assert (out / "index.html").is_file()
    executed = sorted(p.name for p in (out / PERIOD / "notebooks").glob("*.ipynb"))
    assert executed == ["00_summary.ipynb", "10_domestic_abuse.ipynb", "30_restraint.ipynb"]
    assert not list((out / PERIOD).glob(".build-*")), "the staging folder is moved into place"
    assert not (out / PERIOD / "failed").exists()

    manifest = json.loads(read(out / PERIOD / "manifest.json"))
    assert manifest["status"] == "complete" and manifest["period"] == PERIOD
    assert manifest["parameters"]["suppress"] is True
    assert manifest["parameters"]["db_path"] == str(good_build["db"].resolve())
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["database"]["sha256"])
    for package in ("dscp-metrics", "papermill", "nbconvert", "plotly", "pandas", "duckdb"):
        assert manifest["packages"][package], package
    assert [n["name"] for n in manifest["notebooks"]] == ["00_summary", "10_domestic_abuse", "30_restraint"]
    assert all(n["status"] == "ok" and n["duration_s"] > 0 for n in manifest["notebooks"])
    assert manifest["html"]["bytes"] == html_file.stat().st_size
    assert manifest["suppression"] == {"00_summary": {"suppressed_cells": 3, "indicators": ["da_rereferrals"]}}


def test_pack_has_every_section_in_order_with_a_contents_list(good_build):
    page = read(pack_path(good_build["out"], PERIOD))
    headings = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', page)
    assert [text for _, text in headings] == ["Summary", "Domestic abuse", "Use of restraint"]
    nav = page[page.index('<nav class="dscp-contents"'): page.index("</nav>")]
    assert [f"#{anchor}" for anchor, _ in headings] == re.findall(r'href="([^"]+)"', nav)
    assert page.index("<h1>") < page.index("<nav") < page.index("<h2")
    # title block for a non-analyst
    assert "Durham Safeguarding Children Partnership" in page
    assert "Think Tank pack: Q4 2024/25" in page
    assert "1 January 2025 to 31 March 2025" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "RESTRICTED" not in page
    # the parameters reached the notebooks
    assert 'period=2024-25-Q4 suppress=True partnership=Durham Safeguarding Children Partnership' in page
    assert "Notes for the analyst" in page  # markdown cells are kept, code is not
    assert "import plotly" not in page and "display(HTML" not in page


def test_pack_is_offline_with_plotly_js_once(good_build):
    page = read(pack_path(good_build["out"], PERIOD))
    assert remote_resources(page) == []
    tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", page, re.IGNORECASE)
    assert not [t for t in tags if re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", t, re.IGNORECASE)]
    assert "require.js" not in page and "require.min.js" not in page
    assert "cdnjs" not in page and "unpkg" not in page and "fonts.googleapis" not in page
    outside_scripts = re.sub(r"<script\b.*?</script>", "", page, flags=re.DOTALL | re.IGNORECASE)
    assert "mathjax" not in outside_scripts.lower()
    assert len(re.findall(r"\*\s*plotly\.js v\d", page)) == 1
    assert page.count("Plotly.newPlot(") == sum(good_build["charts"].values())
    assert "Content-Security-Policy" in page
    size = pack_path(good_build["out"], PERIOD).stat().st_size
    assert size < 6 * 1024 * 1024, size


def test_pack_has_no_stderr_widgets_or_code(good_build):
    page = read(pack_path(good_build["out"], PERIOD))
    assert "STDERR-NOISE-SHOULD-NOT-SHOW" not in page
    assert "widget-state" not in page and "jupyter-widgets" not in page
    executed = nbformat.read(good_build["out"] / PERIOD / "notebooks" / "00_summary.ipynb", as_version=4)
    assert "widgets" not in executed.metadata
    assert "papermill" in executed.metadata  # kept for diagnosis


def test_print_stylesheet_and_contrast_rules_are_in_the_pack(good_build):
    page = read(pack_path(good_build["out"], PERIOD))
    assert "@media print" in page and "size: A4" in page
    assert "break-inside: avoid" in page


def test_index_lists_packs_newest_period_first(good_build, tmp_path):
    out = tmp_path / "outputs"
    notebooks = tmp_path / "notebooks"
    make_pack_notebooks(notebooks)
    db = fake_db(tmp_path)
    result = build_packs(["2024/25 Q2", "2024-25-Q3"], db, out_dir=out, notebooks_dir=notebooks,
                         progress=False, jobs=2, quiet=True)
    assert result.ok, result.format()
    assert [p.period.code for p in result.periods] == ["2024-25-Q2", "2024-25-Q3"]
    index = read(out / "index.html")
    assert index.index("Q3 2024/25") < index.index("Q2 2024/25")
    assert 'href="2024-25-Q3/think-tank-2024-25-Q3.html"' in index
    assert remote_resources(index) == [] and "<script" not in index


# ------------------------------------------------------------------ validation before running
def test_unknown_parameter_is_an_error_before_anything_runs(good_build, tmp_path):
    with pytest.raises(ParameterError) as caught:
        build_packs([PERIOD], good_build["db"], out_dir=tmp_path / "out", notebooks_dir=good_build["notebooks"],
                    progress=False, parameters={"colour_scheme": "dark"}, quiet=True)
    message = str(caught.value)
    assert "colour_scheme" in message and "00_summary.ipynb" in message
    assert not (tmp_path / "out").exists()


def test_parameter_of_the_wrong_type_is_an_error(good_build, tmp_path):
    with pytest.raises(ParameterError, match="partnership"):
        build_packs([PERIOD], good_build["db"], out_dir=tmp_path / "out", notebooks_dir=good_build["notebooks"],
                    progress=False, parameters={"partnership": 42}, quiet=True)


def test_a_notebook_missing_a_build_parameter_is_named(good_build, tmp_path):
    notebooks = tmp_path / "notebooks"
    make_pack_notebooks(notebooks)
    write_notebook(notebooks / "20_hoth.ipynb", ["print('hi')"],
                   parameters='period: str = "2024-25-Q4"  # the quarter\nsuppress: bool = True  # suppression')
    with pytest.raises(ParameterError) as caught:
        build_packs([PERIOD], good_build["db"], out_dir=tmp_path / "out", notebooks_dir=notebooks,
                    progress=False, quiet=True)
    assert "20_hoth.ipynb" in str(caught.value) and "db_path" in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", ["2024-26-Q1", "2024-25-Q5", "last quarter"])
def test_bad_period_is_an_error(good_build, tmp_path, bad):
    with pytest.raises(PeriodError):
        build_packs([PERIOD, bad], good_build["db"], out_dir=tmp_path / "out",
                    notebooks_dir=good_build["notebooks"], progress=False, quiet=True)
    assert not (tmp_path / "out").exists()


def test_missing_database_is_an_error(good_build, tmp_path):
    with pytest.raises(DatabaseError, match="no database"):
        build_packs([PERIOD], tmp_path / "nope.duckdb", out_dir=tmp_path / "out",
                    notebooks_dir=good_build["notebooks"], progress=False, quiet=True)


def test_cli_reports_a_bad_period_in_one_sentence(good_build, capsys):
    from dscp_metrics.cli import main

    status = main(["build", "--period", "2024-25-Q7", "--db", str(good_build["db"]), "--no-progress"])
    assert status == 2
    err = capsys.readouterr().err
    assert "Q7" in err and "Traceback" not in err


# ------------------------------------------------------------------ a failing section
@pytest.mark.slow
def test_failed_section_keeps_the_good_pack_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    from dscp_metrics.cli import main

    notebooks = tmp_path / "notebooks"
    db = fake_db(tmp_path)
    out = tmp_path / "outputs"
    monkeypatch.setattr(pack_build, "DEFAULT_NOTEBOOKS_DIR", notebooks)
    args = ["build", "--period", PERIOD, "--db", str(db), "--out", str(out), "--no-progress", "--jobs", "2"]

    make_pack_notebooks(notebooks)
    assert main(args) == 0
    good = pack_path(out, PERIOD)
    good_bytes = good.read_bytes()
    good_manifest = (out / PERIOD / "manifest.json").read_bytes()
    good_notebook = (out / PERIOD / "notebooks" / "30_restraint.ipynb").read_bytes()

    make_pack_notebooks(notebooks, failing=True)
    assert main(args) == 1
    printed = capsys.readouterr().out
    assert "30_restraint failed" in printed and FAILURE_MESSAGE in printed

    # the previous good pack, its manifest and notebooks are untouched
    assert good.read_bytes() == good_bytes
    assert (out / PERIOD / "manifest.json").read_bytes() == good_manifest
    assert (out / PERIOD / "notebooks" / "30_restraint.ipynb").read_bytes() == good_notebook

    # the failed build: a complete file with the section failed in words
    failed = pack_path(out, PERIOD, failed=True)
    assert failed.name == f"think-tank-{PERIOD}.failed.html"
    page = read(failed)
    assert page.rstrip().endswith("</html>")
    headings = re.findall(r"<h2\b[^>]*>(.*?)</h2>", page)
    assert headings == ["Summary", "Domestic abuse", "Use of restraint"]
    assert "This section could not be built." in page
    assert f"RuntimeError: {FAILURE_MESSAGE}" in page
    assert "(could not be built)" in page  # in the contents list
    assert "1 section could not be built" in page
    for leaked in ("Traceback", SECRET_IN_TRACEBACK, "An Exception was encountered", "\x1b[", "ipython-input",
                   "papermill-error-cell"):
        assert leaked not in page, leaked
    assert remote_resources(page) == []

    # the failed executed notebook is kept for diagnosis, with its traceback
    kept = out / PERIOD / "failed" / "notebooks" / "30_restraint.ipynb"
    assert kept.is_file() and SECRET_IN_TRACEBACK in read(kept)
    manifest = json.loads(read(out / PERIOD / "failed" / "manifest.json"))
    assert manifest["status"] == "failed"
    statuses = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert statuses == {"00_summary": "ok", "10_domestic_abuse": "ok", "30_restraint": "failed"}
    assert "Traceback" not in json.dumps(manifest)

    index = read(out / "index.html")
    assert "sections failed: 30_restraint" in index and "complete" in index

    # a later complete build replaces the good pack and clears the failed one
    make_pack_notebooks(notebooks)
    assert main(args) == 0
    assert not failed.exists() and not (out / PERIOD / "failed").exists()
    assert "could not be built" not in read(good)


@pytest.mark.slow
def test_unsuppressed_pack_has_a_restricted_banner_on_every_section(good_build, tmp_path):
    out = tmp_path / "outputs"
    result = build_packs([PERIOD], good_build["db"], out_dir=out, notebooks_dir=good_build["notebooks"],
                         suppress=False, progress=False, jobs=2, quiet=True)
    assert result.ok, result.format()
    page = read(pack_path(out, PERIOD))
    assert "suppress=False" in page  # the notebooks were told
    h2s = list(re.finditer(r"<h2\b[^>]*>.*?</h2>", page, re.DOTALL))
    assert len(h2s) == 3
    for match in h2s:
        following = page[match.end(): match.end() + 200]
        assert following.startswith('<p class="dscp-restricted"'), following
        assert "RESTRICTED &mdash; contains unsuppressed small numbers" in following
    header = page[page.index('<header class="dscp-title">'): page.index("</header>")]
    assert "RESTRICTED" in header
    assert json.loads(read(out / PERIOD / "manifest.json"))["parameters"]["suppress"] is False
    assert "RESTRICTED" in read(out / "index.html")


# ------------------------------------------------------------------ helpers, no kernels
def test_remote_resources_finds_every_kind_of_network_load():
    page = """<html><head>
    <script src="https://cdn.example/require.js"></script>
    <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">
    <style>@import 'https://x.example/a.css'; body { background: url("http://x.example/b.png") }</style>
    <script>var s = "https://not-a-load.example"; document.write('<img src="https://inside.script">');</script>
    </head><body><img src="http://tracker.example/p.gif"><a href="https://www.gov.uk">a link is not a load</a>
    <img src="data:image/png;base64,AAAA"></body></html>"""
    assert sorted(remote_resources(page)) == sorted([
        "https://cdn.example/require.js", "//fonts.googleapis.com/css?family=Roboto",
        "https://x.example/a.css", "http://x.example/b.png", "http://tracker.example/p.gif",
    ])


def test_finish_html_gives_ids_builds_contents_and_banners():
    page = ('<header></header><!--dscp:contents--><main><section><h2>Domestic abuse</h2><p>x</p>'
            '<h2 id="given">Harm &amp; risk<a class="anchor-link" href="#given">¶</a></h2>'
            '<script>var s = "<h2>not a heading</h2>";</script><h2>Domestic abuse</h2></section></main>')
    done = finish_html(page, restricted=True)
    assert '<h2 id="domestic-abuse">' in done and '<h2 id="domestic-abuse-2">' in done
    assert 'href="#given">Harm &amp; risk</a>' in done
    assert done.count('class="dscp-restricted"') == 3
    assert '"<h2>not a heading</h2>"' in done
    assert "<!--dscp:contents-->" not in done


def test_plotly_js_twice_fails_the_check():
    from dscp_metrics.errors import DscpError

    page = f"<script>{pack_build.PLOTLY_JS_MARKER}\n/**\n* plotly.js v4.1.1\n*/</script>"
    pack_build._check_offline(page)
    with pytest.raises(DscpError, match="exactly once"):
        pack_build._check_offline(page + "<script>/**\n* plotly.js v4.1.1\n*/</script>")


# ------------------------------------------------------------------ the real pack
REPO = Path(__file__).resolve().parent.parent
REAL_NOTEBOOKS = REPO / "notebooks" / "pack"


_REAL_PACK: dict = {}


def build_real_pack(sample_db: Path, tmp_path_factory) -> tuple:
    """The real pack for 2024-25-Q4 built from notebooks/pack on the sample, once per session
    (shared with test_pack_browser)."""
    if "built" not in _REAL_PACK:
        if not list(REAL_NOTEBOOKS.glob("[0-9]*.ipynb")):
            pytest.fail(f"no pack notebooks in {REAL_NOTEBOOKS}")
        out = tmp_path_factory.mktemp("real-pack") / "outputs"
        result = build_packs([PERIOD], sample_db, out_dir=out, progress=False, quiet=True,
                             commentary_dir=REPO / "data" / "commentary")
        _REAL_PACK["built"] = (result, out)
    return _REAL_PACK["built"]


@pytest.fixture
def real_pack(sample_db, tmp_path_factory):
    return build_real_pack(sample_db, tmp_path_factory)


@pytest.mark.slow
def test_real_pack_builds_from_the_sample(real_pack):
    result, out = real_pack
    assert result.ok, result.format()
    page = read(pack_path(out, PERIOD))
    names = sorted(p.stem for p in REAL_NOTEBOOKS.glob("[0-9]*.ipynb"))
    sections = re.findall(r"<section\b[^>]*\bdata-notebook=\"([^\"]+)\"", page)
    assert sections == names
    assert len(re.findall(r"<h2\b", page)) >= len(names)
    assert remote_resources(page) == []
    assert len(re.findall(r"\*\s*plotly\.js v\d", page)) == 1
    assert "Traceback" not in page and "RESTRICTED" not in page
    size = pack_path(out, PERIOD).stat().st_size
    assert size <= 6 * 1024 * 1024, f"the pack is {size / 1e6:.1f} MB"
    manifest = json.loads(read(out / PERIOD / "manifest.json"))
    assert manifest["status"] == "complete"
    assert [n["name"] for n in manifest["notebooks"]] == names
