"""Faults around `dscp build`, run for real: a build killed half-way, a full disk, a location that cannot be
written, and a load while a build runs. Each test checks what is on disk afterwards; none is timed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from dscp_metrics.cli import main
from dscp_metrics.load import load_folder
from dscp_metrics.pack.build import DEFAULT_NOTEBOOKS_DIR, build_packs
from dscp_metrics.pack.paths import pack_path
from dscp_metrics.store import open_store
from dscp_metrics.store.read import read_load_id
from conftest import SAMPLE_DIR, SAMPLE_LOAD_DATE

pytestmark = pytest.mark.slow
PERIOD = "2024-25-Q4"


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "store.duckdb"
    assert load_folder(SAMPLE_DIR, path, load_date=SAMPLE_LOAD_DATE).ok
    return path


@pytest.fixture()
def slow_notebooks(tmp_path):
    """The real notebooks, the restraint one pausing after reading its report until `<db>.go` exists."""
    folder = tmp_path / "notebooks"
    shutil.copytree(DEFAULT_NOTEBOOKS_DIR, folder)
    nb = nbformat.read(folder / "30_restraint.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import pathlib, time\npathlib.Path(db_path + '.sleeping').touch()\n"
        "while not pathlib.Path(db_path + '.go').exists():\n    time.sleep(0.05)"))
    nbformat.write(nb, folder / "30_restraint.ipynb")
    return folder


def start_build(db, out, notebooks) -> subprocess.Popen:
    code = ("import sys; from dscp_metrics.pack.build import build_packs; "
            f"r = build_packs(['{PERIOD}'], {str(db)!r}, {str(out)!r}, progress=False, "
            f"notebooks_dir={str(notebooks)!r}); sys.exit(0 if r.ok else 1)")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(path: Path, process: subprocess.Popen, limit_s: float = 120) -> None:
    started = time.monotonic()
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() - started < limit_s, f"{path} never appeared"
        time.sleep(0.1)


def files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_killed_half_way_leaves_the_last_pack_and_the_next_build_cleans_up(db, tmp_path, slow_notebooks):
    out = tmp_path / "out"
    assert build_packs([PERIOD], db, out, progress=False, quiet=True).ok
    before = files(out / PERIOD)
    process = start_build(db, out, slow_notebooks)
    wait_for(Path(str(db) + ".sleeping"), process)
    assert list((out / PERIOD).glob(".build-*")), "the killed build had started staging"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert {p: b for p, b in files(out / PERIOD).items() if p in before} == before  # the last pack, untouched
    result = build_packs([PERIOD], db, out, progress=False, quiet=True)  # the lock died with the process
    assert result.ok
    assert not list((out / PERIOD).glob(".build-*")) and not list((out / PERIOD).glob(".*.tmp"))


def test_a_full_disk_leaves_the_previous_pack_whole(db, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build_packs([PERIOD], db, out, progress=False, quiet=True).ok
    before = files(out / PERIOD)
    import dscp_metrics.export.files as output_files

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output_files.os, "fsync", full)
    result = build_packs([PERIOD], db, out, progress=False, quiet=True)
    assert not result.ok and "the disk is full" in result.periods[0].error
    assert files(out / PERIOD) == before  # page, manifest and executed notebooks together


def test_a_location_that_cannot_be_written_is_one_sentence(db, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert build_packs([PERIOD], db, out, progress=False, quiet=True).ok
    before = files(out / PERIOD)
    import dscp_metrics.pack.build as pack_build

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(pack_build.tempfile, "mkdtemp", read_only)
    result = build_packs([PERIOD], db, out, progress=False, quiet=True)
    assert not result.ok and "read-only" in result.periods[0].error
    assert files(out / PERIOD) == before
    monkeypatch.undo()
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    code = main(["build", "--period", PERIOD, "--db", str(db), "--out", str(a_file), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "it is a file, not a folder" in err and "Traceback" not in err


def test_a_load_during_a_build_lets_the_build_finish_on_its_own_snapshot(db, tmp_path, slow_notebooks):
    out = tmp_path / "out"
    con = open_store(db)
    old_id = read_load_id(con)
    con.close()
    process = start_build(db, out, slow_notebooks)
    wait_for(Path(str(db) + ".sleeping"), process)  # the build has read its snapshot and is running notebooks
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE_DIR, changed)
    (changed / "restraint_incidents.csv").unlink()  # a different load: the other extracts again
    report = load_folder(changed, db, load_date=SAMPLE_LOAD_DATE)
    assert report.ok  # the load did not wait for the notebooks: the build holds no lock after its snapshot
    con = open_store(db)
    new_id = read_load_id(con)
    con.close()
    assert new_id != old_id
    Path(str(db) + ".go").touch()
    assert process.wait(timeout=300) == 0, process.communicate()
    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["database"]["load_id"] == old_id
    for nb in (out / PERIOD / "notebooks").glob("*.ipynb"):
        assert nbformat.read(nb, as_version=4).metadata.papermill.parameters["load_id"] == old_id
    text = pack_path(out, PERIOD).read_text()
    assert f"from load {old_id}" in text and new_id not in text
    assert "restraint_incidents.csv not supplied" not in text  # every section read the old snapshot
