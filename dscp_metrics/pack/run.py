"""Running the pack notebooks with papermill: parameters checked first, each notebook in-process.

Every parameter passed must be declared, with a matching type, in every
notebook's parameters cell: papermill itself only warns about an unknown one and
runs with the default. The executed notebook (with papermill's metadata) is
written once, when it finishes, to the build's staging folder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DscpError, ParameterError

NOTEBOOK_GLOB = "[0-9]*.ipynb"
KERNEL_NAME = "dscp"
MAX_ERROR_CHARS = 300

_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


@dataclass
class NotebookResult:
    """How one pack notebook ran for one period."""

    name: str  # file stem, e.g. "10_domestic_abuse"
    status: str  # "ok" or "failed"
    duration_s: float
    executed_path: Path
    error: str | None = None  # the exception's type and message, in words; no traceback

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The pack notebooks, in file-name order."""
    found = sorted(p for p in Path(notebooks_dir).glob(NOTEBOOK_GLOB) if p.is_file())
    if not found:
        raise DscpError(f"no pack notebooks ({NOTEBOOK_GLOB}) in {notebooks_dir}")
    return found


def check_parameters(notebooks: Iterable[Path], parameters: Mapping[str, Any]) -> None:
    """Every parameter passed is declared, with a matching type, in every notebook (every problem at once)."""
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
                problems.append(f"unknown parameter {name!r}: {notebook.name} does not declare it "
                                f"(it declares {', '.join(sorted(declared))})")
                continue
            type_name = (declared[name].get("inferred_type_name") or "").strip()
            check = _TYPE_CHECKS.get(type_name)
            if check is not None and not check(value):
                problems.append(f"parameter {name!r} must be {type_name} for {notebook.name}, "
                                f"got {type(value).__name__} {value!r}")
    if problems:
        raise ParameterError("\n".join(problems))


def describe_failure(exc: BaseException) -> str:
    """The exception's type and message in words: never its traceback (which may hold data)."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        name, message = exc.ename, exc.evalue
    else:
        name, message = type(exc).__name__, str(exc)
    message = re.sub(r"\x1b\[[0-9;]*m", "", " ".join(str(message).split()))
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    return f"{name}: {message}" if message else name


def run_notebook(notebook: Path, output: Path, parameters: Mapping[str, Any]) -> NotebookResult:
    """Execute one notebook with papermill's Python API and the in-process engine."""
    import papermill

    from .engine import ENGINE_NAME

    started = time.perf_counter()
    error = None
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=dict(parameters),
                                   engine_name=ENGINE_NAME, kernel_name=KERNEL_NAME, progress_bar=False,
                                   log_output=False, autosave_cell_every=0)
    except Exception as exc:  # a failed cell, or an unreadable notebook: the section fails, the build goes on
        error = describe_failure(exc)
    return NotebookResult(notebook.stem, "ok" if error is None else "failed",
                          round(time.perf_counter() - started, 3), output, error)
