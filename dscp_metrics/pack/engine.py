"""A papermill engine that runs a pack notebook in the build's own process, with no kernel.

papermill stays the executor: it checks and injects the parameters, keeps its
metadata on the executed notebook and raises `PapermillExecutionError` for a
failed cell. This engine runs each code cell with `exec` in a **fresh namespace
per notebook** (nothing one section defines is visible to the next; proven by
`tests/test_pack_engine.py`), shows a cell's last expression as Jupyter does
(its rich representation), captures stdout and stderr as stream outputs, and
turns an exception into an error output (the cells after it do not run).

A kernel per notebook cost about a second each (start, imports, shutdown); the
sections only format the report the build computed once, so running them here
costs milliseconds and shares that report without writing it to disk.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import sys
import traceback

import nbformat
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "dscp-in-process"


def _format_result(value) -> dict:
    """The mime bundle Jupyter would show for a cell's last value."""
    from IPython.core.formatters import DisplayFormatter

    data, metadata = DisplayFormatter().format(value)
    return {"output_type": "execute_result", "data": data, "metadata": metadata}


def run_cell(source: str, namespace: dict, count: int) -> tuple[list[dict], dict | None]:
    """Execute one cell's code in `namespace`: its outputs, and the error output if it raised."""
    outputs: list[dict] = []
    stdout, stderr = io.StringIO(), io.StringIO()
    error = None
    try:
        tree = ast.parse(source, filename=f"<cell {count}>")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
            last = ast.Expression(tree.body.pop().value)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            exec(compile(tree, f"<cell {count}>", "exec"), namespace)
            value = eval(compile(last, f"<cell {count}>", "eval"), namespace) if last is not None else None
        if value is not None:
            outputs.append(_format_result(value) | {"execution_count": count})
    except Exception as exc:  # the section fails; the build reports it in words
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        error = {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
                 "traceback": [line.rstrip("\n") for line in lines]}
    streams = [{"output_type": "stream", "name": name, "text": text.getvalue()}
               for name, text in (("stdout", stdout), ("stderr", stderr)) if text.getvalue()]
    return streams + outputs, error


class InProcessEngine(Engine):
    """Run a notebook's code cells in this process, each notebook in its own namespace."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        # papermill saves the output notebook at every cell's start and end; once, at the end, is enough
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            return cls._run_cells(nb_man)
        finally:
            nb_man.output_path = output_path

    @classmethod
    def _run_cells(cls, nb_man):
        namespace = {"__name__": "__main__", "__builtins__": builtins}
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            count += 1
            outputs, error = run_cell(cell.source, namespace, count)
            cell.execution_count = count
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            if error is not None:
                cell.outputs.append(nbformat.from_dict(error))
                nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                break
            nb_man.cell_complete(cell, index)
        sys.stdout.flush()
        return nb_man.nb


papermill_engines.register(ENGINE_NAME, InProcessEngine)
