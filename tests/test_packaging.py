"""Repository hygiene: dependencies in step, notebooks without outputs, data kept out of git."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _requirement(text: str) -> tuple[str, str]:
    name, spec = NAME.match(text).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_dependencies() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_requirement(r) for r in requirements)


def environment_dependencies() -> dict[str, str]:
    """The conda dependencies of environment.yml (python, pip and the pip section excluded)."""
    deps: dict[str, str] = {}
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        stripped = line.strip()
        if not stripped.startswith("- ") or line.startswith("      "):
            continue  # not a list item, or inside the nested pip: list
        item = stripped[2:].split("#")[0].strip()
        if item.endswith(":") or not item:
            continue
        name, spec = _requirement(item)
        if name not in ("python", "pip"):
            deps[name] = spec
    return deps


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    py, env = pyproject_dependencies(), environment_dependencies()
    assert py, "no dependencies read from pyproject.toml"
    only_py = sorted(set(py) - set(env))
    only_env = sorted(set(env) - set(py))
    differ = sorted(n for n in set(py) & set(env) if py[n] != env[n])
    assert (only_py, only_env, differ) == ([], [], []), (
        f"only in pyproject.toml: {only_py}; only in environment.yml: {only_env}; different versions: {differ}"
    )


def test_environment_yml_installs_the_project_itself():
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"-\s+(--no-deps\s+)?-e\s+\.", text)


def test_drift_would_be_caught(monkeypatch):
    real = environment_dependencies()
    monkeypatch.setattr("test_packaging.environment_dependencies", lambda: {**real, "left-pad": ">=1"})
    with pytest.raises(AssertionError, match="left-pad"):
        test_environment_yml_and_pyproject_name_the_same_dependencies()


def tracked_files() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.splitlines()


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(REPO.glob("notebooks/**/*.ipynb"))
    assert notebooks, "no notebooks found"
    dirty = []
    for path in notebooks:
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(str(path.relative_to(REPO)))
                break
        if "widgets" in nb.get("metadata", {}) or "papermill" in nb.get("metadata", {}):
            dirty.append(f"{path.relative_to(REPO)} (run metadata)")
    assert dirty == [], f"strip outputs before committing: {dirty}"


@pytest.mark.parametrize(
    "path, ignored",
    [
        ("outputs/2024-25-Q4/think-tank-2024-25-Q4.html", True),
        ("outputs/index.html", True),
        ("data/dscp.duckdb", True),
        ("elsewhere/store.duckdb", True),
        ("data/2024-25-Q4/csc_referrals.csv", True),
        ("data/real/osa_returns.csv", True),
        ("data/sample/csc_referrals.csv", False),
        ("data/benchmarks.csv", False),
        ("outputs/.gitkeep", False),
    ],
)
def test_generated_outputs_databases_and_real_extracts_are_git_ignored(path, ignored):
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=REPO, check=False)
    assert (result.returncode == 0) == ignored, path


def test_nothing_generated_or_real_is_tracked():
    bad = [
        f for f in tracked_files()
        if (f.startswith("outputs/") and f not in ("outputs/.gitkeep", "outputs/README.md"))
        or f.endswith((".duckdb", ".wal"))
        or (f.endswith(".csv") and not f.startswith("data/sample/") and f != "data/benchmarks.csv")
    ]
    assert bad == []


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make pack" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)
