"""Putting a period's executed notebooks together into one page with nbconvert.

The sections are combined into one notebook (each between two marker cells the
`dscp` template turns into a `<section>`; a failed section becomes a short
notice), cleaned of anything a reader must not see (error outputs, stderr,
parameter cells), and exported with nbconvert's lab template as extended by
`templates/dscp` (code hidden, nothing fetched from the network). plotly.js is
put in once, after the export.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from ..periods import Period
from .run import NotebookResult

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "dscp"
CSS_PATH = Path(__file__).resolve().parent / "assets" / "pack.css"
SCRIPT_PATH = Path(__file__).resolve().parent / "assets" / "pack.js"
PLOTLY_JS_MARKER = "/* dscp:plotly.js */"
REMOVED_CELL_TAGS = {"remove-cell", "remove_cell", "parameters", "injected-parameters"}
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
_HEADING_RE = re.compile(r"<h2\b[^>]*>(.*?)</h2\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub("", fragment)).replace("¶", "").split())


def humanise(stem: str) -> str:
    words = re.sub(r"^\d+[_\-\s]*", "", stem).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else stem


def section_title(nb, stem: str) -> str:
    """The section's heading as the notebook wrote it (its first h2), else a name made from the file name."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/html", ""))
            match = _HEADING_RE.search(text)
            if match:
                return plain_text(match.group(1))
    return humanise(stem)


def clean_cells(nb, stem: str, warnings: list[str]) -> list:
    """The cells a reader may see: no error outputs, no stderr, no parameter cells, no empty code cells."""
    kept = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVED_CELL_TAGS or cell.cell_type != "code":
            continue  # markdown in a pack notebook is for its author; the pages come from the library
        outputs = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error" or (kind == "stream" and output.get("name") != "stdout"):
                continue
            if PLOTLY_MIMETYPE in output.get("data", {}) and "text/html" not in output.get("data", {}):
                warnings.append(f"{stem}: a plotly figure uses the mimetype renderer, which the page cannot show")
                continue
            outputs.append(output)
        if outputs:
            cell.outputs = outputs
            cell.get("metadata", {}).pop("dscp", None)
            kept.append(cell)
    return kept


def _marker(kind: str, **values: Any):
    import nbformat

    cell = nbformat.v4.new_raw_cell("")
    cell.metadata["dscp"] = {"kind": kind, **values}
    return cell


def combined_notebook(period: Period, results: list[NotebookResult], title: str, warnings: list[str]):
    """One notebook holding every section in order, failed sections as markers only."""
    import nbformat

    combined = nbformat.v4.new_notebook()
    combined.metadata["title"] = title
    combined.metadata["language_info"] = {"name": "python"}
    for result in results:
        nb = None
        if result.executed_path.is_file():
            try:
                nb = nbformat.read(result.executed_path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - the section fails, named in words
                if result.ok:
                    result.status, result.error = "failed", f"the executed notebook cannot be read ({exc})"
        name = section_title(nb, result.name) if nb is not None else humanise(result.name)
        if result.ok and nb is not None:
            combined.cells.append(_marker("section-start", name=result.name, status="ok", title=name))
            combined.cells.extend(clean_cells(nb, result.name, warnings))
        else:
            combined.cells.append(_marker("section-start", name=result.name, status="failed", title=name,
                                          message=f"It stopped with {result.error or 'an unknown error'}."))
        combined.cells.append(_marker("section-end", name=result.name))
    return combined


def _exporter_class():
    """nbconvert's HTMLExporter without its final BeautifulSoup pass (it only adds tabindex to code cells,
    which the pack does not show, and re-parses every tag of the page)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PackHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PackHTMLExporter


class Exporter:
    """The `dscp` template's exporter, made once per build."""

    def __init__(self) -> None:
        from .plotly_bundle import plotly_js

        self.exporter = _exporter_class()(
            template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)], exclude_input=True,
            exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True,
        )
        self.exporter.language_code = "en-GB"
        self.plotlyjs = plotly_js()
        self.css = CSS_PATH.read_text(encoding="utf-8")
        self.script = SCRIPT_PATH.read_text(encoding="utf-8")

    def export(self, nb, context: dict[str, Any]) -> str:
        resources = {"dscp": {**context, "css": self.css, "script": self.script}}
        body, _ = self.exporter.from_notebook_node(nb, resources=resources)
        if body.count(PLOTLY_JS_MARKER) != 1:
            raise RuntimeError("the dscp template's plotly.js placeholder is missing or repeated")
        return body.replace(PLOTLY_JS_MARKER, PLOTLY_JS_MARKER + "\n" + self.plotlyjs, 1)
