"""`dscp build`: run the pack notebooks for each period and write one offline HTML pack per period.

For each period every notebook in ``notebooks/pack/[0-9]*.ipynb`` (in file-name
order) is executed with papermill's Python API, in threads, up to ``jobs`` at a
time, each in its own ``dscp`` kernel started in the repository root. The
executed notebooks are combined into one self-contained HTML file with
nbconvert (the ``dscp`` template: code hidden, plotly.js inlined once, nothing
fetched from the network) plus a contents list, a run manifest and an index of
every built period.

What is written under ``out_dir`` (``P`` is a period such as ``2024-25-Q4``):

``P/think-tank-P.html``, ``P/manifest.json``, ``P/notebooks/*.ipynb``
    The last *complete* build: every notebook ran. Replaced only by another
    complete build, each file atomically (written beside, then ``os.replace``).
``P/think-tank-P.failed.html``, ``P/failed/manifest.json``, ``P/failed/notebooks/``
    The last build in which a section failed: the pack with that section shown
    as failed in words, and the executed notebooks (the failed one included)
    for diagnosis. A failed build never touches the complete pack above; the
    next complete build removes these.
``index.html``
    Every period with a pack under ``out_dir``, newest period first.

Notebooks find ``DSCP_PACK_SIDECAR_DIR`` and ``DSCP_PACK_NOTEBOOK`` in their
environment; a notebook may write ``$DSCP_PACK_SIDECAR_DIR/$DSCP_PACK_NOTEBOOK.suppression.json``
(any JSON) to say what it suppressed; the manifest carries it.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import DatabaseError, DscpError, ParameterError, PeriodError
from ..periods import Period, parse_period, parse_periods

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOKS_DIR = REPO_ROOT / "notebooks" / "pack"
NOTEBOOK_GLOB = "[0-9]*.ipynb"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "dscp"
CSS_PATH = Path(__file__).resolve().parent / "assets" / "pack.css"

KERNEL_NAME = "dscp"
KERNEL_DISPLAY_NAME = "DSCP Think Tank (Python 3)"
KERNEL_START_TIMEOUT_S = 60
CELL_TIMEOUT_S = 600  # one cell; a pack cell taking ten minutes is a bug, not a slow query
KERNEL_LOG_LEVEL_ARG = "--IPKernelApp.log_level=CRITICAL"
KERNEL_START_ATTEMPTS = 2  # a kernel that fails to start is retried once (ZMQ port races)

DEFAULT_PARTNERSHIP = "Durham Safeguarding Children Partnership"
HANDLING_MARKING = "OFFICIAL-SENSITIVE"
HANDLING_NOTE = (
    "For members of the Durham Safeguarding Children Partnership and its Performance and Learning "
    "Group. Do not forward outside the partnership or publish. Small numbers are shown as [c]."
)
HANDLING_NOTE_UNSUPPRESSED = (
    "For members of the Durham Safeguarding Children Partnership and its Performance and Learning "
    "Group. Do not forward outside the partnership or publish."
)
RESTRICTED_BANNER = (
    '<p class="dscp-restricted" role="note">RESTRICTED &mdash; contains unsuppressed small numbers.</p>'
)

SIDECAR_DIR_ENV = "DSCP_PACK_SIDECAR_DIR"
NOTEBOOK_ENV = "DSCP_PACK_NOTEBOOK"
SIDECAR_SUFFIX = ".suppression.json"

PLOTLY_JS_MARKER = "/* dscp:plotly.js */"
MAX_ERROR_CHARS = 300
HTML_SIZE_GOAL_BYTES = 6 * 1024 * 1024
VERSIONED_PACKAGES = ("dscp-metrics", "papermill", "nbconvert", "nbclient", "plotly", "pandas", "duckdb")
# Cells with these tags never reach the pack (the parameters cells have no output anyway).
REMOVED_CELL_TAGS = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
REMOVED_OUTPUT_TAGS = {"remove-output", "remove_output"}
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


# ------------------------------------------------------------------ results
@dataclass
class NotebookResult:
    """How one pack notebook ran for one period."""

    name: str  # file stem, e.g. "10_domestic_abuse"
    status: str  # "ok" or "failed"
    duration_s: float
    executed_path: Path  # the executed notebook, where it ended up
    attempts: int = 1
    error: str | None = None  # the exception's type and message, in words; no traceback
    suppression: Any = None  # the notebook's sidecar, if it wrote one

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class PeriodResult:
    """The pack built for one period."""

    period: Period
    notebooks: list[NotebookResult]
    html_path: Path | None = None  # None when no HTML could be written
    manifest_path: Path | None = None
    html_bytes: int | None = None
    error: str | None = None  # a failure of the pack itself (export, offline check)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.html_path is not None and all(n.ok for n in self.notebooks)

    @property
    def failed_notebooks(self) -> list[NotebookResult]:
        return [n for n in self.notebooks if not n.ok]

    def format(self) -> str:
        """A few lines for the person who ran the build."""
        size = f" ({self.html_bytes / 1e6:.1f} MB)" if self.html_bytes is not None else ""
        if self.ok:
            lines = [f"{self.period}: wrote {self.html_path}{size}"]
        else:
            where = f"; wrote {self.html_path}{size}" if self.html_path else ""
            lines = [f"{self.period}: FAILED{where}"]
            lines += [f"  section {n.name} failed: {n.error} (executed notebook kept: {n.executed_path})"
                      for n in self.failed_notebooks]
            if self.error:
                lines.append(f"  {self.error}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class BuildResult:
    """Everything one `dscp build` produced."""

    periods: list[PeriodResult]
    index_path: Path | None
    duration_s: float

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.periods)

    @property
    def paths(self) -> list[Path]:
        """The HTML packs written (complete or failed), then the index."""
        found = [p.html_path for p in self.periods if p.html_path is not None]
        return found + ([self.index_path] if self.index_path else [])

    def format(self) -> str:
        lines = [p.format() for p in self.periods]
        if self.index_path:
            lines.append(f"index: {self.index_path}")
        status = "built" if self.ok else "FAILED"
        lines.append(f"{status}: {len(self.periods)} period(s) in {self.duration_s:.1f} s")
        return "\n".join(lines)


# --------------------------------------------------------------- validation
def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The pack notebooks, in file-name order."""
    found = sorted(p for p in Path(notebooks_dir).glob(NOTEBOOK_GLOB) if p.is_file())
    if not found:
        raise DscpError(f"no pack notebooks ({NOTEBOOK_GLOB}) in {notebooks_dir}")
    return found


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def check_parameters(notebooks: Iterable[Path], parameters: Mapping[str, Any]) -> None:
    """Every parameter passed must be declared, with a matching type, in every notebook's parameters cell.

    Reports every problem in one ParameterError (papermill only warns and runs with the default).
    """
    import papermill

    problems: list[str] = []
    for notebook in notebooks:
        try:
            declared = papermill.inspect_notebook(str(notebook))
        except Exception as exc:  # an unreadable notebook is the author's problem, reported in words
            problems.append(f"{notebook.name} cannot be read: {type(exc).__name__}: {exc}")
            continue
        if not declared:
            problems.append(f"{notebook.name} has no cell tagged 'parameters'")
            continue
        for name, value in parameters.items():
            if name not in declared:
                known = ", ".join(sorted(declared))
                problems.append(f"unknown parameter {name!r}: {notebook.name} does not declare it (it declares {known})")
                continue
            type_name = (declared[name].get("inferred_type_name") or "").strip()
            check = _TYPE_CHECKS.get(type_name)
            if check is not None and not check(value):
                problems.append(
                    f"parameter {name!r} must be {type_name} for {notebook.name}, got {type(value).__name__} {value!r}"
                )
    if problems:
        raise ParameterError("\n".join(problems))


def ensure_kernelspec() -> None:
    """Make sure the `dscp` kernel (this environment's Python) is registered in sys.prefix."""
    spec_file = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    try:
        argv = json.loads(spec_file.read_text(encoding="utf-8"))["argv"]
        if Path(argv[0]).is_file():
            return
    except (OSError, ValueError, KeyError, IndexError):
        pass
    from ipykernel.kernelspec import install

    install(prefix=sys.prefix, kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    if versions.get("dscp-metrics") is None:
        from .. import __version__

        versions["dscp-metrics"] = __version__
    return versions


# ------------------------------------------------------------------ running
def _kernel_manager_class(extra_env: Mapping[str, str]):
    """An AsyncKernelManager whose kernel gets `extra_env` on top of this process's environment.

    Threads share os.environ, so per-notebook variables go to the kernel process this way.
    """
    from jupyter_client.manager import AsyncKernelManager

    class PackKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):  # noqa: D102 - same as the parent's
            env = dict(kw.pop("env", None) or os.environ)
            env.update(extra_env)
            return await super().start_kernel(env=env, **kw)

    return PackKernelManager


def _executed_any_cell(path: Path) -> bool:
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return False
    return any(c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def _describe_failure(exc: BaseException) -> str:
    """The exception's type and message in words: never its traceback."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        name, message = exc.ename, exc.evalue
    else:
        name, message = type(exc).__name__, str(exc)
    message = " ".join(str(message).split())
    # ANSI colour codes from IPython
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    if name in ("CellTimeoutError", "TimeoutError") or "timed out" in message.lower():
        return f"a step took longer than the time allowed ({name}: {message})"
    if name == "DeadKernelError":
        return f"the notebook's Python kernel stopped unexpectedly ({name}: {message})"
    return f"{name}: {message}" if message else name


def _read_sidecar(directory: Path, stem: str) -> tuple[Any, str | None]:
    path = directory / f"{stem}{SIDECAR_SUFFIX}"
    if not path.is_file():
        return None, None
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, ValueError) as exc:
        return None, f"{stem}: the suppression summary {path.name} is not valid JSON ({exc})"


@dataclass(frozen=True)
class _Task:
    period: Period
    notebook: Path
    output: Path  # executed notebook (staging folder)
    parameters: dict[str, Any]
    report_cache: Path | None = None  # where the period's notebooks share one computed report


def _run_notebook(task: _Task) -> NotebookResult:
    """Execute one notebook with papermill's Python API; retry once if the kernel failed to start."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    stem = task.notebook.stem
    env = {SIDECAR_DIR_ENV: str(task.output.parent), NOTEBOOK_ENV: stem}
    if task.report_cache is not None:
        from ..report import REPORT_CACHE_ENV

        env[REPORT_CACHE_ENV] = str(task.report_cache)
    started = time.perf_counter()
    attempts = 0
    error: str | None = None
    while True:
        attempts += 1
        try:
            papermill.execute_notebook(
                str(task.notebook),
                str(task.output),
                parameters=task.parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=False,
                # one write at the end, not one after every cell (papermill still writes on failure)
                request_save_on_cell_execute=False,
                start_timeout=KERNEL_START_TIMEOUT_S,
                execution_timeout=CELL_TIMEOUT_S,
                # the kernel's working directory, without papermill's process-wide chdir (threads)
                resources={"metadata": {"path": str(REPO_ROOT)}},
                kernel_manager_class=_kernel_manager_class(env),
                # ipykernel's own log (e.g. "running over TCP without encryption" for a
                # kernel on this machine's loopback) mean nothing to the person building the pack
                extra_arguments=[KERNEL_LOG_LEVEL_ARG],
            )
            break
        except PapermillExecutionError as exc:
            error = _describe_failure(exc)
            break
        except Exception as exc:  # kernel start, timeout, dead kernel, unreadable notebook
            started_cells = task.output.is_file() and _executed_any_cell(task.output)
            if attempts < KERNEL_START_ATTEMPTS and not started_cells and "Timeout" not in type(exc).__name__:
                continue
            what = "the notebook's Python kernel could not start" if not started_cells else None
            error = _describe_failure(exc)
            if what:
                error = f"{what} ({error})"
            break
    duration = time.perf_counter() - started
    # Widget state is of no use offline and makes nbconvert load a widget manager: strip it.
    if task.output.is_file():
        try:
            nb = nbformat.read(task.output, as_version=4)
            if nb.metadata.pop("widgets", None) is not None:
                nbformat.write(nb, task.output)
        except Exception:  # the notebook is kept as papermill wrote it
            pass
    suppression, _ = _read_sidecar(task.output.parent, stem)
    return NotebookResult(
        name=stem,
        status="ok" if error is None else "failed",
        duration_s=round(duration, 3),
        executed_path=task.output,
        attempts=attempts,
        error=error,
        suppression=suppression,
    )


# ------------------------------------------------------------------ export
_HEADING_RE = re.compile(r"<h2\b([^>]*)>(.*?)</h2\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_RE = re.compile(r"(<script\b.*?</script\s*>)", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_ID_RE = re.compile(r"""\bid\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_RESOURCE_TAG_RE = re.compile(
    r"<(script|link|img|iframe|frame|source|video|audio|embed|object|track|image|use|input)\b[^>]*>",
    re.IGNORECASE,
)
_REMOTE_ATTR_RE = re.compile(
    r"""\b(src|href|srcset|data|poster|xlink:href|background)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)""",
    re.IGNORECASE,
)
_CSS_REMOTE_RE = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]*)""", re.IGNORECASE)
_MD_H2_RE = re.compile(r"^\s*##\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _plain_text(fragment: str) -> str:
    text = html.unescape(_TAG_RE.sub("", fragment)).replace("¶", "")
    return " ".join(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _humanise(stem: str) -> str:
    words = re.sub(r"^\d+[_\-\s]*", "", stem).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else stem


def _section_title(nb, stem: str) -> str:
    """The section's heading as the notebook wrote it (its first h2), else a name made from the file name."""
    for cell in nb.cells:
        sources: list[tuple[str, str]] = []
        if cell.cell_type == "markdown":
            sources.append(("md", cell.source))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                sources.append(("html", "".join(data["text/html"])))
            elif "text/markdown" in data:
                sources.append(("md", "".join(data["text/markdown"])))
        for kind, text in sources:
            if kind == "html":
                match = _HEADING_RE.search(text)
                if match:
                    return _plain_text(match.group(2))
            else:
                match = _MD_H2_RE.search(text)
                if match:
                    return _plain_text(match.group(1))
    return _humanise(stem)


def _clean_cells(nb, stem: str, warnings: list[str]) -> list:
    """The cells a reader may see: no error outputs, no stderr, no removed cells, no empty code cells."""
    kept = []
    dropped_plotly = 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_CELL_TAGS:
            continue
        # papermill's red "An Exception was encountered" banner and error anchors
        if "papermill-error-cell-tag" in tags or cell.get("metadata", {}).get("papermill", {}).get("exception"):
            if cell.cell_type == "markdown":
                continue
        if cell.cell_type == "code":
            outputs = []
            if not tags & REMOVED_OUTPUT_TAGS:
                for output in cell.get("outputs", []):
                    kind = output.get("output_type")
                    if kind == "error":
                        continue
                    if kind == "stream" and output.get("name") != "stdout":
                        continue
                    data = output.get("data", {})
                    if PLOTLY_MIMETYPE in data and "text/html" not in data:
                        dropped_plotly += 1
                    outputs.append(output)
            cell.outputs = outputs
            if not outputs:
                continue
        cell.get("metadata", {}).pop("dscp", None)  # only the builder's markers carry this key
        kept.append(cell)
    if dropped_plotly:
        warnings.append(
            f"{stem}: {dropped_plotly} plotly figure(s) use the plotly mimetype renderer, which the HTML "
            "cannot show; emit them as HTML with fig.to_html(include_plotlyjs=False)"
        )
    return kept


def _marker(kind: str, **values: Any):
    import nbformat

    cell = nbformat.v4.new_raw_cell("")
    cell.metadata["dscp"] = {"kind": kind, **values}
    return cell


def _combined_notebook(period: Period, results: list[NotebookResult], partnership: str,
                       warnings: list[str], period_dir: Path):
    # A failed section points at its executed notebook, which a failed build keeps in failed/notebooks.
    """One notebook holding every section in order, failed sections as markers only."""
    import nbformat

    combined = nbformat.v4.new_notebook()
    combined.metadata["title"] = f"Think Tank pack {period.label} — {partnership}"
    for result in results:
        nb = None
        if result.executed_path.is_file():
            try:
                nb = nbformat.read(result.executed_path, as_version=4)
            except Exception as exc:
                if result.ok:
                    result.status = "failed"
                    result.error = f"the executed notebook cannot be read ({type(exc).__name__}: {exc})"
        if nb is not None and "language_info" in nb.metadata and "language_info" not in combined.metadata:
            combined.metadata["language_info"] = nb.metadata["language_info"]
        title = _section_title(nb, result.name) if nb is not None else _humanise(result.name)
        if result.ok and nb is not None:
            combined.cells.append(_marker("section-start", name=result.name, status="ok", title=title))
            combined.cells.extend(_clean_cells(nb, result.name, warnings))
        else:
            combined.cells.append(_marker(
                "section-start", name=result.name, status="failed", title=title,
                message=f"It stopped with {result.error or 'an unknown error'}.",
                notebook=f"{period_dir.name}/failed/notebooks/{result.executed_path.name}",
            ))
        combined.cells.append(_marker("section-end", name=result.name))
    return combined


def _html_exporter_class():
    """nbconvert's HTMLExporter without its final BeautifulSoup pass.

    That pass only adds `tabindex` to code cells' wrappers (the pack shows no code)
    and stock alt text to images that lack one (the pack's figures carry their own
    text alternative), yet re-parses every tag of the page: most of an export's time.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PackHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PackHTMLExporter


def _precompute_reports(periods, db_path, suppress: bool, cache_dir: Path) -> None:
    """Compute each period's report into the build's cache while the kernels start, so that
    no notebook computes it (a failure here is left for the notebooks to report in words)."""
    from ..report import open_report

    for period in periods:
        try:
            open_report(db_path, period, suppress=suppress, cache_dir=cache_dir)
        except Exception:  # noqa: BLE001 - the notebook that needs it fails with the reason
            pass


class _Exporter:
    """nbconvert's HTMLExporter with the `dscp` template, made once per build (main thread only)."""

    def __init__(self) -> None:
        from plotly.offline import get_plotlyjs

        self.exporter = _html_exporter_class()(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        self.exporter.language_code = "en-GB"
        self.plotlyjs = get_plotlyjs()
        self.css = CSS_PATH.read_text(encoding="utf-8")

    def export(self, nb, context: dict[str, Any]) -> str:
        # plotly.js goes in after nbconvert: its HTMLExporter re-parses the whole page with
        # BeautifulSoup, and 4.8 MB of script would cost that parse (and str()) half a second.
        resources = {"dscp": {**context, "plotlyjs": "", "css": self.css}}
        body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        if body.count(PLOTLY_JS_MARKER) != 1:
            raise RuntimeError("the dscp template's plotly.js placeholder is missing or repeated")
        return body.replace(PLOTLY_JS_MARKER, PLOTLY_JS_MARKER + "\n" + self.plotlyjs, 1)


def finish_html(page: str, restricted: bool) -> str:
    """Give every section heading (h2) an id, put the contents list in, and, with suppression off,
    a RESTRICTED banner under every h2. Script elements (plotly.js, figure data) are left alone."""
    parts = _SCRIPT_RE.split(page)
    used: set[str] = set()
    for i in range(0, len(parts), 2):
        used.update(m.group(2) for m in _ID_RE.finditer(parts[i]))
    contents: list[tuple[str, str, bool]] = []

    def heading(match: re.Match) -> str:
        attributes, inner = match.group(1), match.group(2)
        title = _plain_text(inner)
        found = _ID_RE.search(attributes)
        if found:
            anchor = found.group(2)
        else:
            base = anchor = _slug(title)
            n = 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
            attributes = f' id="{html.escape(anchor)}"' + attributes
        contents.append((anchor, title, 'data-dscp-status="failed"' in attributes))
        banner = RESTRICTED_BANNER if restricted else ""
        return f"<h2{attributes}>{inner}</h2>{banner}"

    for i in range(0, len(parts), 2):
        parts[i] = _HEADING_RE.sub(heading, parts[i])
    items = "\n".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a>'
        + (' <span class="dscp-status-failed">(could not be built)</span>' if failed else "")
        + "</li>"
        for anchor, title, failed in contents
    )
    nav = (
        '<nav class="dscp-contents" aria-labelledby="dscp-contents-title">\n'
        '<p class="dscp-contents-title" id="dscp-contents-title">Contents</p>\n'
        f"<ol>\n{items}\n</ol>\n</nav>"
    )
    return "".join(parts).replace("<!--dscp:contents-->", nav, 1)


def remote_resources(page: str) -> list[str]:
    """Every URL the page would fetch from a server: src/href of script, link, img and the like, and CSS url()."""
    found: list[str] = []
    for i, part in enumerate(_SCRIPT_RE.split(page)):
        if i % 2 == 1:  # a script element: only its own tag's attributes count
            part = part[: part.find(">") + 1]
        for tag in _RESOURCE_TAG_RE.finditer(part):
            found += [m.group(2) for m in _REMOTE_ATTR_RE.finditer(tag.group(0))]
        if i % 2 == 0:
            found += [m.group(1) for m in _CSS_REMOTE_RE.finditer(part)]
    return found


def _check_offline(page: str) -> None:
    remote = remote_resources(page)
    if remote:
        shown = ", ".join(sorted(set(remote))[:5])
        raise DscpError(f"the pack would load {len(remote)} resource(s) from the network ({shown}); nothing was written")
    copies = page.count(PLOTLY_JS_MARKER)
    plotly_headers = len(re.findall(r"\*\s*plotly\.js v\d", page))
    if copies != 1 or plotly_headers != 1:
        raise DscpError(
            f"plotly.js appears {plotly_headers} times in the pack (it must be embedded exactly once, by the "
            "template): a notebook embeds it; use fig.to_html(include_plotlyjs=False)"
        )


def _write_atomically(path: Path, text: str) -> int:
    """Write beside `path`, then os.replace: a reader sees the old file or the whole new one."""
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def _replace_dir(source: Path, target: Path) -> None:
    """Move `source` to `target`, replacing what was there (swap in by renames, then delete the old)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{threading.get_ident()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(target, old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ pack paths
def pack_path(out_dir: Path, period: Period | str, failed: bool = False) -> Path:
    """Where the pack for `period` is written: the complete one, or the one with a failed section."""
    code = str(parse_period(period))
    suffix = ".failed.html" if failed else ".html"
    return Path(out_dir) / code / f"think-tank-{code}{suffix}"


def _publish_period(period: Period, results: list[NotebookResult], staging: Path, out_dir: Path,
                    exporter: _Exporter, context: dict[str, Any], manifest: dict[str, Any]) -> PeriodResult:
    """Export a period's pack and move its files into place (complete build or failed build)."""
    period_dir = out_dir / str(period)
    warnings: list[str] = []
    for result in results:
        _, problem = _read_sidecar(staging, result.name)
        if problem:
            warnings.append(problem)
    page = error = None
    all_ran = all(r.ok for r in results)
    try:
        combined = _combined_notebook(period, results, context["partnership"], warnings, period_dir)
        all_ran = all(r.ok for r in results)  # after: an unreadable executed notebook fails its section
        failed_count = sum(not r.ok for r in results)
        page = exporter.export(combined, {**context, "failed_count": failed_count})
        page = finish_html(page, restricted=context["restricted"])
        _check_offline(page)
    except DscpError as exc:
        error, page = str(exc), None
    except Exception as exc:  # nbconvert/template failure: report it, keep the notebooks
        error, page = f"the HTML could not be made ({type(exc).__name__}: {exc})", None
    complete = all_ran and error is None
    final_dir = period_dir / ("notebooks" if complete else "failed/notebooks")
    for result in results:
        result.executed_path = final_dir / result.executed_path.name
    _replace_dir(staging, final_dir)
    html_path = html_bytes = None
    if page is not None:
        html_path = pack_path(out_dir, period, failed=not complete)
        html_bytes = _write_atomically(html_path, page)
        if html_bytes > HTML_SIZE_GOAL_BYTES:
            warnings.append(f"the pack is {html_bytes / 1e6:.1f} MB, above the {HTML_SIZE_GOAL_BYTES / 1e6:.1f} MB goal")
    manifest_path = period_dir / ("manifest.json" if complete else "failed/manifest.json")
    result = PeriodResult(period=period, notebooks=results, html_path=html_path, manifest_path=manifest_path,
                          html_bytes=html_bytes, error=error, warnings=warnings)
    manifest = {
        **manifest,
        "status": "complete" if complete else "failed",
        "error": error,
        "html": None if html_path is None else {
            "path": html_path.relative_to(period_dir).as_posix(),
            "bytes": html_bytes,
            "megabytes": round(html_bytes / 1e6, 2),
            "goal_megabytes": round(HTML_SIZE_GOAL_BYTES / 1e6, 2),
        },
        "notebooks": [
            {
                "name": r.name,
                "status": r.status,
                "duration_s": r.duration_s,
                "attempts": r.attempts,
                "error": r.error,
                "executed_notebook": r.executed_path.relative_to(period_dir).as_posix(),
            }
            for r in results
        ],
        "suppression": {r.name: r.suppression for r in results if r.suppression is not None},
        "warnings": warnings,
    }
    _write_atomically(manifest_path, json.dumps(manifest, indent=2, default=str) + "\n")
    if complete:  # a complete build supersedes the last failed one
        pack_path(out_dir, period, failed=True).unlink(missing_ok=True)
        shutil.rmtree(period_dir / "failed", ignore_errors=True)
    return result


# ------------------------------------------------------------------ index
def _period_sort_key(period: Period) -> tuple:
    return (period.last_day, period.quarter is None)


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_index(out_dir: Path) -> Path:
    """`out_dir/index.html`: every period with a pack (complete or failed), newest period first."""
    out_dir = Path(out_dir)
    rows: list[tuple[tuple, str]] = []
    for period_dir in out_dir.iterdir() if out_dir.is_dir() else []:
        if not period_dir.is_dir():
            continue
        try:
            period = parse_period(period_dir.name)
        except PeriodError:
            continue
        if str(period) != period_dir.name:
            continue
        entries = []
        for failed, manifest_file in ((False, period_dir / "manifest.json"), (True, period_dir / "failed" / "manifest.json")):
            pack = pack_path(out_dir, period, failed=failed)
            if not pack.is_file():
                continue
            manifest = _read_manifest(manifest_file)
            built = manifest.get("built_at") or datetime.fromtimestamp(pack.stat().st_mtime).isoformat(timespec="seconds")
            if failed:
                names = [n["name"] for n in manifest.get("notebooks", []) if n.get("status") != "ok"]
                status = "sections failed: " + ", ".join(names) if names else "failed"
                status_html = f'<span class="dscp-status-failed">{html.escape(status)}</span>'
            else:
                status_html = "complete"
            if manifest.get("parameters", {}).get("suppress") is False:
                status_html += " &middot; <strong>RESTRICTED &mdash; unsuppressed small numbers</strong>"
            size = f"{pack.stat().st_size / 1e6:.1f} MB"
            link = f'<a href="{html.escape(pack.relative_to(out_dir).as_posix())}">{html.escape(pack.name)}</a>'
            entries.append(
                f"<tr><td>{html.escape(period.label)}</td><td>{link}</td><td>{html.escape(built[:16].replace('T', ' '))}</td>"
                f"<td>{status_html}</td><td>{size}</td></tr>"
            )
        for entry in entries:
            rows.append((_period_sort_key(period), entry))
    rows.sort(key=lambda row: row[0], reverse=True)
    body = "\n".join(entry for _, entry in rows) or '<tr><td colspan="5">No pack has been built yet.</td></tr>'
    css = CSS_PATH.read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>Think Tank packs — {html.escape(DEFAULT_PARTNERSHIP)}</title>
<style>
{css}
</style>
</head>
<body class="dscp-index">
<header class="dscp-title">
<p class="dscp-partnership">{html.escape(DEFAULT_PARTNERSHIP)}</p>
<h1>Think Tank packs</h1>
<p class="dscp-meta">Index written {datetime.now().strftime("%d %B %Y %H:%M")}. Newest period first.</p>
<p class="dscp-handling"><strong>{HANDLING_MARKING}</strong> &mdash; {html.escape(HANDLING_NOTE_UNSUPPRESSED)}</p>
</header>
<main>
<table>
<thead><tr><th scope="col">Period</th><th scope="col">Pack</th><th scope="col">Built</th><th scope="col">Status</th><th scope="col">Size</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</main>
</body>
</html>
"""
    index = out_dir / "index.html"
    _write_atomically(index, page)
    return index


# ------------------------------------------------------------------ build
def build_packs(
    periods: str | Period | Iterable[str | Period],
    db_path: str | Path,
    out_dir: str | Path = Path("outputs"),
    suppress: bool = True,
    jobs: int | None = None,
    commentary_dir: str | Path = Path("data/commentary"),
    progress: bool = True,
    notebooks_dir: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    quiet: bool = False,
) -> BuildResult:
    """Build the Think Tank pack for each period; see the module docstring for what is written where.

    Everything is checked before anything runs: the periods parse (PeriodError), the database exists
    (DatabaseError), and every parameter passed — period, db_path, suppress, commentary_dir and any in
    `parameters` — is declared in every notebook's parameters cell (ParameterError). A notebook that
    fails does not stop the others; `BuildResult.ok` is False if any section or pack failed.
    """
    started = time.perf_counter()
    if isinstance(periods, (list, tuple)) and not periods:
        raise PeriodError("no period given: name at least one, e.g. 2024-25-Q4")
    wanted = parse_periods(periods)
    if not wanted:
        raise PeriodError("no period given: name at least one, e.g. 2024-25-Q4")
    db = Path(db_path).resolve()
    if not db.is_file():
        raise DatabaseError(f"no database at {db_path}: load the extracts first with `dscp load DATA_DIR --db {db_path}`")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ParameterError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    if not isinstance(suppress, bool):
        raise ParameterError(f"suppress must be True or False, not {suppress!r}")
    extra = dict(parameters or {})
    reserved = {"period", "db_path", "suppress", "commentary_dir"} & set(extra)
    if reserved:
        raise ParameterError(f"pass {', '.join(sorted(reserved))} as build_packs arguments, not in `parameters`")
    notebooks = discover_notebooks(Path(notebooks_dir) if notebooks_dir is not None else DEFAULT_NOTEBOOKS_DIR)
    commentary = Path(commentary_dir).resolve()
    base_parameters = {"db_path": str(db), "suppress": suppress, "commentary_dir": str(commentary), **extra}
    check_parameters(notebooks, {"period": str(wanted[0]), **base_parameters})
    ensure_kernelspec()

    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    partnership = str(extra.get("partnership", DEFAULT_PARTNERSHIP))
    build_time = datetime.now().astimezone()
    common_manifest = {
        "built_at": build_time.isoformat(timespec="seconds"),
        "database": {"path": str(db), "sha256": sha256_of(db), "bytes": db.stat().st_size},
        "notebooks_dir": str(notebooks[0].parent),
        "packages": package_versions(),
    }

    # One staging folder per period for the executed notebooks; moved into place when the period is done.
    stagings: dict[Period, Path] = {}
    tasks: list[_Task] = []
    # The notebooks of a build share each period's computed report (dscp_metrics.report.open_report).
    report_cache = Path(tempfile.mkdtemp(prefix=".report-cache-", dir=out))
    for period in wanted:
        period_dir = out / str(period)
        period_dir.mkdir(parents=True, exist_ok=True)
        stagings[period] = Path(tempfile.mkdtemp(prefix=".build-", dir=period_dir))
        for notebook in notebooks:
            tasks.append(_Task(period, notebook, stagings[period] / notebook.name,
                               {"period": str(period), **base_parameters}, report_cache))

    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    show_bar = progress and sys.stderr.isatty()
    from tqdm import tqdm

    exporter = None
    done: dict[Period, dict[str, NotebookResult]] = {p: {} for p in wanted}
    period_results: dict[Period, PeriodResult] = {}
    bar = tqdm(total=len(tasks), desc="dscp build", unit="notebook", disable=not show_bar, file=sys.stderr)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dscp-pack")
    try:
        futures: dict[Future, _Task] = {pool.submit(_run_notebook, task): task for task in tasks}
        exporter = _Exporter()  # made while the first notebooks run: the main thread would only wait
        _precompute_reports(wanted, db_path, suppress, report_cache)
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a bug in the runner itself: the section fails, the build goes on
                    result = NotebookResult(task.notebook.stem, "failed", 0.0, task.output,
                                            error=_describe_failure(exc))
                done[task.period][task.notebook.stem] = result
                bar.update(1)
                bar.set_postfix_str(f"{task.period} {task.notebook.stem}", refresh=False)
                if len(done[task.period]) == len(notebooks):
                    # A whole period has run: export it here while the other periods' notebooks run.
                    if exporter is None:
                        exporter = _Exporter()
                    ordered = [done[task.period][nb.stem] for nb in notebooks]
                    period_results[task.period] = _publish_period(
                        task.period, ordered, stagings[task.period], out, exporter,
                        _context(task.period, partnership, suppress, build_time),
                        {**common_manifest, "period": str(task.period), "period_label": task.period.label,
                         "parameters": {"period": str(task.period), **base_parameters, "jobs": workers},
                         "build_seconds": round(time.perf_counter() - started, 2)},
                    )
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # running kernels finish and are shut down; none orphaned
        for staging in stagings.values():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        bar.close()
        shutil.rmtree(report_cache, ignore_errors=True)
    pool.shutdown(wait=True)

    index = write_index(out)
    result = BuildResult(periods=[period_results[p] for p in wanted], index_path=index,
                         duration_s=round(time.perf_counter() - started, 2))
    if not quiet:
        print(result.format())
    return result


def _context(period: Period, partnership: str, suppress: bool, build_time: datetime) -> dict[str, Any]:
    from .. import __version__

    return {
        "partnership": partnership,
        "period": str(period),
        "period_label": period.label,
        "period_dates": f"{_day(period.first_day)} to {_day(period.last_day)}",
        "build_date": _day(build_time),
        "restricted": not suppress,
        "handling_marking": HANDLING_MARKING,
        "handling_note": HANDLING_NOTE if suppress else HANDLING_NOTE_UNSUPPRESSED,
        "version": __version__,
    }


def _day(d) -> str:
    """7 April 2025 (no leading zero, on every platform)."""
    return f"{d.day} {d:%B %Y}"
