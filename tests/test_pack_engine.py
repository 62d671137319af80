"""The in-process papermill engine: papermill still injects and records parameters, each notebook runs in
a namespace of its own, outputs are what Jupyter would show, and a failing cell fails the notebook."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from dscp_metrics.pack.engine import ENGINE_NAME, run_cell
from dscp_metrics.pack.run import run_notebook


def notebook(path, *cells: str, parameters: str = "x: int = 1"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "dscp", "language": "python", "display_name": "DSCP"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"c{n}"
    nbformat.write(nb, path)
    return path


def execute(source, output, **parameters):
    return papermill.execute_notebook(str(source), str(output), parameters=parameters, engine_name=ENGINE_NAME,
                                      kernel_name="dscp", progress_bar=False)


def test_parameters_are_injected_and_recorded(tmp_path):
    source = notebook(tmp_path / "a.ipynb", "x * 10")
    nb = execute(source, tmp_path / "a.out.ipynb", x=7)
    assert nb.metadata.papermill.parameters == {"x": 7}
    assert "injected-parameters" in nb.cells[1].metadata.tags
    result = [o for o in nb.cells[-1].outputs if o.output_type == "execute_result"]
    assert result[0].data["text/plain"] == "70"
    assert nbformat.read(tmp_path / "a.out.ipynb", as_version=4).cells[-1].outputs  # written once, at the end


def test_each_notebook_has_its_own_namespace(tmp_path):
    first = notebook(tmp_path / "first.ipynb", "secret = 'only mine'")
    second = notebook(tmp_path / "second.ipynb", "secret")
    execute(first, tmp_path / "first.out.ipynb")
    with pytest.raises(PapermillExecutionError, match="NameError"):
        execute(second, tmp_path / "second.out.ipynb")


def test_rich_output_streams_and_a_silenced_last_line(tmp_path):
    source = notebook(tmp_path / "rich.ipynb", "from IPython.display import HTML\nHTML('<b>hi</b>')",
                      "print('out'); import sys; print('err', file=sys.stderr)", "1 + 1;")
    nb = execute(source, tmp_path / "rich.out.ipynb")  # no parameter passed: no injected cell
    html, printed, silenced = nb.cells[1:]
    assert html.outputs[0].data["text/html"] == "<b>hi</b>"
    assert {o.name: o.text for o in printed.outputs} == {"stdout": "out\n", "stderr": "err\n"}
    assert silenced.outputs == []


def test_a_failing_cell_stops_the_notebook_and_is_reported_in_words(tmp_path):
    source = notebook(tmp_path / "bad.ipynb", "raise ValueError('no such period')", "after = 1")
    result = run_notebook(source, tmp_path / "bad.out.ipynb", {})
    assert not result.ok and result.error == "ValueError: no such period"
    nb = nbformat.read(tmp_path / "bad.out.ipynb", as_version=4)
    assert nb.cells[-1].execution_count is None  # the cell after the error never ran


def test_run_cell_returns_the_error_output():
    outputs, error = run_cell("1/0", {"__builtins__": __builtins__}, 1)
    assert outputs == [] and error["ename"] == "ZeroDivisionError"
