"""Benchmark: `dscp build` on the sample (whole process) beside the kernel floor and the no-kernel floor.

    .venv/bin/python benchmarks/bench_build.py [--runs N] [--quick] [--no-browser] [--stages]

Measured, round-robin in one run (every figure a median of several whole processes):

- `dscp build --period 2024-25-Q4` and `--period 2024-25-Q1 .. Q4` on the sample;
- the **kernel floor**: one process running, with papermill's Python API, as many
  one-cell notebooks (`1 + 1`) as the build runs (7 a quarter), each in a real
  `python3` kernel, one after the other, then one nbconvert HTML export (stock
  `HTMLExporter`, lab template, code hidden) a quarter of a page as large as the
  pack (the cells of the pack's own executed notebooks, plotly.js put in once);
- the **no-kernel floor**: the same, the cells run by `exec` in the process (a
  ten-line papermill engine) instead of a kernel.

Both floors skip the `rfc3987_syntax` import as the build does. Then: the pack's
size and what it is made of, and (Playwright driving `/usr/bin/chromium`, never a
downloaded browser) the time from navigation until every `.js-plotly-plot` is
present, and until every chart has drawn its SVG, beside the floor of as many of the plainest charts
(one line, plotly's default layout) on a page of their own. `--stages` adds where one
build's time goes (stage timers around the library's functions, and import time
per package from `python -X importtime`). `--quick`: 3 runs, no four-quarter rows.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

ONE = ["2024-25-Q4"]
FOUR = ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"]
GOAL_ONE_S, GOAL_FOUR_S = 3.5, 8.0
GOAL_BYTES = 2 * 1024 * 1024  # as dscp_metrics.pack.build.HTML_SIZE_GOAL_BYTES
GOAL_DRAWN_MS = 1000
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = bl.WORK / "build"
DSCP = str(Path(bl.PYTHON).with_name("dscp"))


# ----------------------------------------------------------------------------------------- the floors
def floor_main(kind: str, notebooks: int, pages: int, page_dir: Path, out: Path) -> None:
    """A floor, in this process: `notebooks` one-cell runs (kernel or exec), then `pages` nbconvert exports."""
    sys.modules.setdefault("rfc3987_syntax", None)  # as dscp_metrics.pack.imports does
    import nbformat
    import papermill
    from nbconvert import HTMLExporter
    from papermill.engines import Engine, papermill_engines

    class ExecEngine(Engine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            output_path, nb_man.output_path = nb_man.output_path, None  # written once, at the end
            namespace: dict = {}
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type == "code":
                    nb_man.cell_start(cell, index)
                    value = eval(compile(cell.source, "<cell>", "eval"), namespace)
                    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": repr(value)},
                                                           execution_count=1)]
                    nb_man.cell_complete(cell, index)
            nb_man.output_path = output_path
            return nb_man.nb

    papermill_engines.register("bench-exec", ExecEngine)
    out.mkdir(parents=True, exist_ok=True)
    source = out / "one_cell.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source)
    engine = {"kernel": None, "exec": "bench-exec"}[kind]
    for i in range(notebooks):
        papermill.execute_notebook(str(source), str(out / f"out_{i}.ipynb"), kernel_name="python3",
                                   engine_name=engine, progress_bar=False, log_output=False)
    page = nbformat.v4.new_notebook()
    page.metadata["language_info"] = {"name": "python"}
    for path in sorted(page_dir.glob("*.ipynb")):
        page.cells += nbformat.read(path, as_version=4).cells
    plotly = (bl.REPO / "dscp_metrics/pack/assets/plotly/plotly-basic.min.js").read_text(encoding="utf-8")
    exporter = HTMLExporter(template_name="lab", exclude_input=True)
    for i in range(pages):
        body, _ = exporter.from_notebook_node(page)
        body = body.replace("</head>", f"<script>{plotly}</script></head>", 1)
        (out / f"page_{i}.html").write_text(body, encoding="utf-8")


# --------------------------------------------------------------------------------------- the browser
DRAWN_SCRIPT = """
(() => {
  const want = %d;
  const bench = window.__bench = {present: null, drawn: null, plotly: null, newPlot: 0, charts: 0, twice: 0};
  let plotly;  // time each Plotly.newPlot call (its synchronous part: the drawing) and when plotly.js is ready;
  // count the charts drawn twice: automargin grew a margin it was given, and drew the chart again
  Object.defineProperty(window, 'Plotly', {configurable: true, get() { return plotly; }, set(value) {
    plotly = value; bench.plotly = performance.now();
    const newPlot = value.newPlot;
    value.newPlot = function () {
      const t = performance.now();
      let drawing;
      try { drawing = newPlot.apply(this, arguments); return drawing; } finally {
        bench.newPlot += performance.now() - t; bench.charts++;
        Promise.resolve(drawing).then(gd => {  // plotly keeps this count once automargin has drawn again
          if (gd && gd._fullLayout && '_redrawFromAutoMarginCount' in gd._fullLayout) bench.twice++; });
      }
    };
  }});
  function check() {
    const charts = document.querySelectorAll('.js-plotly-plot');
    if (bench.present === null && charts.length >= want) bench.present = performance.now();
    const drawn = Array.from(charts).filter(c => c.querySelector('.main-svg .trace')).length;
    if (bench.drawn === null && drawn >= want) { bench.drawn = performance.now(); return; }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""


def browser_times(html: Path, runs: int) -> tuple[list[float], list[float], list[str], list[tuple]]:
    """ms from navigation start until every chart div is `.js-plotly-plot`, and until each has its SVG; page
    problems; per run (plotly.js ready at, newPlot sum, newPlot calls, charts drawn twice by automargin)."""
    from playwright.sync_api import sync_playwright

    want = len(re.findall(r'class="plotly-graph-div', html.read_text(encoding="utf-8")))
    present, drawn, problems, parts = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs + 1):  # the first, unmeasured, warms the browser
                context = browser.new_context()
                context.add_init_script(DRAWN_SCRIPT % want)
                page = context.new_page()
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                page.on("request", lambda r: problems.append(f"request {r.url}") if not r.url.startswith("file:")
                        else None)
                page.goto(html.as_uri())
                page.wait_for_function("window.__bench && window.__bench.drawn !== null", timeout=30_000)
                found = page.evaluate("window.__bench")
                present.append(found["present"])
                drawn.append(found["drawn"])
                parts.append((found["plotly"], found["newPlot"], found["charts"], found["twice"]))
                context.close()
        finally:
            browser.close()
    return present[1:], drawn[1:], sorted(set(problems)), parts[1:]


def chart_floor_page(n: int, out: Path) -> Path:
    """The floor of drawing `n` charts: a page with the pack's plotly.js bundle and `n` of the plainest
    charts (one line of 36 points, plotly's default layout, no toolbar), in the same kind of div."""
    plotly = (bl.REPO / "dscp_metrics" / "pack" / "assets" / "plotly" / "plotly-basic.min.js").read_text("utf-8")
    ys = ", ".join(str(10 + (i * 7) % 13) for i in range(36))
    charts = "".join(
        f'<div id="c{i}" class="plotly-graph-div" style="height:300px;width:100%"></div>'
        f'<script>Plotly.newPlot("c{i}", [{{type: "scatter", mode: "lines+markers", y: [{ys}]}}], '
        f'{{height: 300, margin: {{t: 20}}}}, {{displayModeBar: false}});</script>'
        for i in range(n))
    page = out / "chart-floor.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'><script>{plotly}</script></head>"
                    f"<body>{charts}</body></html>", encoding="utf-8")
    return page


def page_parts(html: Path) -> list[tuple[str, int]]:
    """What the page is made of, in bytes: plotly.js, styles, figures' scripts, the rest."""
    text = html.read_text(encoding="utf-8")
    scripts = [m.group(1) for m in re.finditer(r"<script\b[^>]*>(.*?)</script\s*>", text, re.S | re.I)]
    styles = [m.group(1) for m in re.finditer(r"<style\b[^>]*>(.*?)</style\s*>", text, re.S | re.I)]
    plotly = max((s for s in scripts), key=len, default="")
    figures = [s for s in scripts if "Plotly.newPlot" in s and s is not plotly]
    size = len(text.encode())
    parts = [("plotly.js (inline, once)", len(plotly.encode())),
             ("styles (<style>)", sum(len(s.encode()) for s in styles)),
             (f"figure scripts ({len(figures)})", sum(len(s.encode()) for s in figures))]
    return parts + [("everything else (HTML, tables, text)", size - sum(n for _, n in parts)), ("total", size)]


# -------------------------------------------------------------------------------------------- stages
STAGES = r"""
import sys, time, json
started = time.perf_counter()
import importlib
import dscp_metrics.cli, dscp_metrics.pack.build as b  # pandas, numpy, pyarrow (through config)
timings = {"import dscp_metrics.cli + pack.build (pandas, numpy)": time.perf_counter() - started}
from dscp_metrics.pack.imports import skip_unused_format_checkers
skip_unused_format_checkers()
for name in ("papermill", "nbconvert", "scipy.optimize", "duckdb", "plotly.io", "IPython.core.formatters",
             "markdown_it"):  # imported by the build on first use; here first, to time them apart
    t = time.perf_counter()
    importlib.import_module(name)
    timings[f"import {name}"] = time.perf_counter() - t
import dscp_metrics.publication.snapshot as sn, dscp_metrics.report.period_report as pr
import dscp_metrics.pack.assemble as asm, dscp_metrics.pack.finish as fin, dscp_metrics.pack.index as idx
def timed(owner, name, label):
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - t
    setattr(owner, name, wrapper)
timed(sn, "read_snapshot", "read_snapshot (store -> indicator table)")
timed(sn, "compute", "  of which compute()")
timed(pr, "publish", "publish (decide + audit)")
timed(b, "run_notebook", "7 notebooks (papermill + in-process engine)")
timed(b, "check_parameters", "check_parameters (papermill.inspect_notebook)")
timed(asm, "combined_notebook", "combined_notebook (read executed notebooks)")
timed(asm.Exporter, "__init__", "Exporter() (nbconvert set-up)")
timed(asm.Exporter, "export", "nbconvert export")
timed(fin, "finish_html", "finish_html")
timed(fin, "check_offline", "check_offline")
timed(b, "sha256_of", "manifest: sha256 of the store")
timed(b, "write_index", "write_index")
t = time.perf_counter()
dscp_metrics.cli.main(sys.argv[1:])
timings["dscp build after the imports above (all of it)"] = time.perf_counter() - t
timings["the whole process, from its first import"] = time.perf_counter() - started
print(json.dumps(timings))
"""


def stages(db: Path, runs: int) -> None:
    cmd = ["-c", STAGES, "build", "--period", ONE[0], "--db", str(db), "--out", str(OUT / "stages"), "--no-progress"]
    found = [json.loads(bl.python(*cmd, cwd=bl.REPO).out.splitlines()[-1]) for _ in range(runs)]
    print(f"\nwhere one quarter's build goes (in-process timers, medians of {runs} runs; seconds)")
    for label in found[0]:
        print(f"  {bl.median([f.get(label, 0.0) for f in found]):6.2f}  {label}")
    imp = bl.run([bl.PYTHON, "-X", "importtime", DSCP, *cmd[2:]], cwd=bl.REPO).err
    per_package: dict[str, float] = {}
    for line in imp.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)", line)
        if m:
            root = m.group(3).split(".")[0]
            per_package[root] = per_package.get(root, 0.0) + int(m.group(1)) / 1e6
    total = sum(per_package.values())
    top = sorted(per_package.items(), key=lambda kv: -kv[1])[:14]
    print(f"\nimport time of one `dscp build` by top-level package (self time, -X importtime; total {total:.2f} s)")
    for name, seconds in top:
        print(f"  {seconds:6.2f}  {name}")


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
    p = bl.parser(__doc__, runs=5)
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    p.add_argument("--stages", action="store_true", help="also print where one build's time goes")
    p.add_argument("--floor", choices=["kernel", "exec"], help=argparse_hidden())
    p.add_argument("--notebooks", type=int, default=7, help=argparse_hidden())
    p.add_argument("--pages", type=int, default=1, help=argparse_hidden())
    p.add_argument("--page-dir", type=Path, help=argparse_hidden())
    p.add_argument("--out", type=Path, help=argparse_hidden())
    args = p.parse_args()
    if args.floor:
        floor_main(args.floor, args.notebooks, args.pages, args.page_dir, args.out)
        return 0
    runs = bl.runs_of(args)
    print(bl.machine_line("before"))
    db = bl.sample_store()
    shutil.rmtree(OUT, ignore_errors=True)

    def build(periods, name):
        return [DSCP, "build", *[a for q in periods for a in ("--period", q)], "--db", str(db),
                "--out", str(OUT / name), "--no-progress", "--commentary", str(bl.REPO / "data" / "commentary")]

    warm = bl.run(build(ONE, "one"), cwd=bl.REPO)  # also the page the floors export
    page_dir = OUT / "page"
    shutil.copytree(OUT / "one" / ONE[0] / "notebooks", page_dir)
    n_nb = len(list(page_dir.glob("*.ipynb")))

    def floor(kind, periods):
        return [bl.PYTHON, __file__, "--floor", kind, "--notebooks", str(n_nb * len(periods)), "--pages",
                str(len(periods)), "--page-dir", str(page_dir), "--out", str(OUT / f"floor-{kind}-{len(periods)}")]

    commands = {"one": build(ONE, "one"), "k1": floor("kernel", ONE), "e1": floor("exec", ONE)}
    if not args.quick:
        commands |= {"four": build(FOUR, "four"), "k4": floor("kernel", FOUR), "e4": floor("exec", FOUR)}
    found = bl.round_robin(commands, runs)
    rows = []
    for key, label, goal, size in (("one", "1 quarter", GOAL_ONE_S, ONE), ("four", "4 quarters", GOAL_FOUR_S, FOUR)):
        if key not in found:
            continue
        k, e = ("k1", "e1") if key == "one" else ("k4", "e4")
        n = n_nb * len(size)
        rows += [
            bl.Row(f"dscp build, {label}", bl.walls(found[key]), peak_mib=bl.peak(found[key]), ref="kernel floor",
                   ref_values=bl.walls(found[k]), goal=goal),
            bl.Row("  the same runs", bl.walls(found[key]), ref="no-kernel floor",
                   ref_values=bl.walls(found[e])),
            bl.Row(f"  CPU s of dscp build, {label}", [r.cpu for r in found[key]], ref="kernel floor CPU",
                   ref_values=[r.cpu for r in found[k]]),
            bl.Row(f"kernel floor: {n} one-cell kernel runs + {len(size)} export", bl.walls(found[k]),
                   peak_mib=bl.peak(found[k])),
            bl.Row(f"no-kernel floor: {n} exec runs + {len(size)} export", bl.walls(found[e]),
                   peak_mib=bl.peak(found[e])),
        ]
    html = OUT / "one" / ONE[0] / f"think-tank-{ONE[0]}.html"
    size = html.stat().st_size
    rows.append(bl.Row("pack size, 1 quarter", [size], unit="MB", goal=GOAL_BYTES))
    problems = []
    if not args.no_browser and CHROMIUM.exists():
        present, drawn, problems, parts = browser_times(html, runs)
        rows += [bl.Row("every .js-plotly-plot present (from navigation)", present, unit="ms", goal=GOAL_DRAWN_MS),
                 bl.Row("every chart's SVG drawn (from navigation)", drawn, unit="ms", goal=GOAL_DRAWN_MS),
                 bl.Row("  of which: plotly.js evaluated (at)", [p[0] for p in parts], unit="ms"),
                 bl.Row(f"  of which: Plotly.newPlot, {parts[0][2]} calls (sum; {parts[0][3]} charts drawn twice "
                        "by automargin)", [p[1] for p in parts], unit="ms")]
        _, floor_drawn, _, floor_parts = browser_times(chart_floor_page(parts[0][2], OUT), runs)
        rows += [bl.Row(f"floor: {parts[0][2]} plainest charts, every SVG drawn", floor_drawn, unit="ms"),
                 bl.Row("  of which: Plotly.newPlot (sum)", [p[1] for p in floor_parts], unit="ms")]
    bl.print_table(f"dscp build on the sample ({n_nb} pack notebooks)", rows, runs)
    print("\npack page, by part:")
    for name, nbytes in page_parts(html):
        print(f"  {nbytes:>10,} B  {name}")
    for line in problems:
        print(f"  browser: {line}")
    if warm.err.strip():
        print("build's stderr (first run): " + warm.err.strip().splitlines()[-1])
    if args.stages:
        stages(db, runs=min(runs, 3))
    print(bl.machine_line("after"))
    return 0


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    sys.exit(main())
