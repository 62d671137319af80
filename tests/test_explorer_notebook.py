"""`notebooks/explore.ipynb`: committed clean, and it runs headless with papermill on a real kernel."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager

from conftest import REPO

NOTEBOOK = REPO / "notebooks" / "explore.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def kernel_name() -> str:
    """The project's kernel (`make install` registers it), else the environment's own `python3`."""
    names = KernelSpecManager().find_kernel_specs()
    return "dscp" if "dscp" in names else "python3"


def run(db_path, tmp_path: Path) -> nbformat.NotebookNode:
    import papermill

    out = tmp_path / "explore.out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters={"db_path": str(db_path)},
                               kernel_name=kernel_name(), cwd=str(NOTEBOOK.parent), progress_bar=False,
                               execution_timeout=300)
    return nbformat.read(out, as_version=4)


def outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_the_notebook_is_committed_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "dscp"
    assert "widgets" not in nb.metadata and "papermill" not in nb.metadata
    assert all(c.get("id") for c in nb.cells) and len({c.id for c in nb.cells}) == len(nb.cells)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None and "papermill" not in c.metadata for c in code)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    assert parameters[0].source.startswith('db_path: str = "../data/dscp.duckdb"  #')
    assert re.search(r"^suppress: bool = True  #", parameters[0].source, re.M)  # starts suppressed
    assert not any(re.search(r"^\s*(def|class) ", c.source, re.M) for c in code)


def test_the_notebook_runs_headless_and_leaves_the_committed_file_alone(sample_db, tmp_path):
    before = hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest()
    executed = run(sample_db, tmp_path)
    shown = outputs(executed)
    assert not [o for o in shown if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in shown)
    state = json.dumps(executed.metadata.get("widgets", {}))
    assert "Export this view" in state and "Hide small numbers" in state
    assert hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest() == before
    test_the_notebook_is_committed_clean()


def test_a_wrong_db_path_in_the_notebook_is_one_sentence(tmp_path):
    executed = run(tmp_path / "absent.duckdb", tmp_path)
    shown = outputs(executed)
    assert not [o for o in shown if o.get("output_type") == "error"]
    html = " ".join(o.get("data", {}).get("text/html", "") for o in shown)
    assert html.count("no database at") == 1 and "Traceback" not in json.dumps(shown)
