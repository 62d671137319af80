"""Writing the store: a new database built beside the live one and swapped in with one rename.

The new database starts as a copy of the live one, is written in one
transaction, checkpointed, closed and moved onto the live file with
`os.replace`. A load that fails part-way, or is killed, leaves the live
database as it was; what a killed load leaves behind (`<db>.tmp-*`, their
`.wal` and spill folders) is removed by the next load, under the writer lock.

DuckDB's own file lock does not cover a renamed file: a process holding the
live file open for writing would go on writing to the replaced, unlinked
file and its writes would vanish (docs/PITFALLS, "Round 2 traps"). So before
copying, and until after the rename, the writer holds a read-only connection
on the live file: it cannot be had while another process has the file open
for writing (the load then refuses, naming the process), and while it is
held no other process can open the file for writing. Readers (read-only
connections) do not block a load: they keep the snapshot they opened.

Every problem with the database or its folder is a `DatabaseError` of one
sentence: a folder that cannot be written, a full disk, a database path that
is a folder or not a DuckDB file, a database open for writing elsewhere.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

from ..errors import DatabaseError
from ..sql import sql_text
from ..store import STORE
from .tables import STORE_DDL
from .validate import Checked

TEMP_MARK = ".tmp-"


def temp_files(db_path: Path) -> list[Path]:
    """The temporary databases (and their `.wal` and spill folders) of loads that did not finish."""
    if not db_path.parent.is_dir():
        return []
    prefix = db_path.name + TEMP_MARK
    return sorted(p for p in db_path.parent.iterdir() if p.name.startswith(prefix))


def remove_leftovers(db_path: Path) -> list[Path]:
    """Remove what loads that were killed left beside `db_path`; returns what was removed."""
    removed = []
    for path in temp_files(db_path):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise _os_error(db_path, exc, f"cannot remove the leftover {path.name}") from None
        removed.append(path)
    return removed


def _os_error(db_path: Path, exc: OSError, doing: str = "cannot write the new database") -> DatabaseError:
    """One sentence for an operating-system error while writing beside `db_path`."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return DatabaseError(
            f"there is not enough disk space in {db_path.parent} for the new database: "
            f"free some space and load again ({db_path} is unchanged)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseError(
            f"the folder {db_path.parent} cannot be written ({exc.strerror}): "
            f"choose a --db in a folder you can write ({db_path} is unchanged)"
        )
    return DatabaseError(f"{doing} beside {db_path}: {exc.strerror or exc} ({db_path} is unchanged)")


def database_error(db_path: Path, exc: duckdb.Error) -> DatabaseError:
    """One sentence for a DuckDB error about the live or the new database."""
    message = str(exc).splitlines()[0]
    if "no space left" in message.lower() or "disk is full" in message.lower():
        return _os_error(db_path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    if "lock" in message.lower() or "different configuration" in message.lower():
        holder = re.search(r"PID (\d+)", message)
        who = f"process {holder.group(1)}" if holder else "another process"
        return DatabaseError(
            f"the database {db_path} is open for writing by {who} (a notebook's duckdb.connect?): "
            "close that connection, or open it with read_only=True, and load again"
        )
    if "not a valid duckdb database" in message.lower() or "unable to open" in message.lower():
        return DatabaseError(
            f"{db_path} is not a DuckDB database this workbook can open: choose another --db or move that file away"
        )
    return DatabaseError(f"cannot use the database {db_path}: {message}")


def check_target(db_path: Path) -> None:
    """Refuse, before any work, a database path that is a folder or not a DuckDB file.

    Makes the database's folder when it does not exist yet.
    """
    if db_path.is_dir():
        raise DatabaseError(f"{db_path} is a folder, not a database file: give --db a file name such as dscp.duckdb")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(db_path, exc, "cannot make the folder") from None
    if db_path.exists():
        NewStore.probe(db_path).close()


def replace_source(con: duckdb.DuckDBPyConnection, checked: Checked, load_date: date, loaded_at: datetime) -> None:
    """Replace one source's table, rejects and load_log row with what `checked` holds."""
    extract, source, t = checked.extract, checked.extract.source, checked.tables
    con.execute(f'DROP TABLE IF EXISTS "{source}"')
    con.execute("DELETE FROM rejects WHERE source = ?", [source])
    con.execute("DELETE FROM load_log WHERE source = ?", [source])
    con.execute(extract.create_table_sql())
    con.execute(f'INSERT INTO "{source}" SELECT * FROM {t.accepted}')
    period = extract.period_column
    loaded, first, last = con.execute(
        f'SELECT count(*), min("{period}"), max("{period}") FROM "{source}"').fetchall()[0]
    if loaded != checked.rows_loaded:  # pragma: no cover - a bug, not bad data
        raise AssertionError(f"{checked.file}: rows read, loaded and rejected do not add up")
    con.execute(f'INSERT INTO rejects SELECT ?, ?, line, "column", value, reason FROM {t.rejects}',
                [source, checked.file])
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source, checked.file, checked.sha256, loaded_at, load_date, checked.rows_read, checked.rows_loaded,
         checked.rows_rejected, first, last],
    )


class NewStore:
    """The new database being built beside `db_path`: `with NewStore(db) as store: ...; store.commit()`.

    Leaving the block without `commit` (an error, an interrupt) leaves the
    live database untouched and removes the temporary one.
    """

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.temp = db_path.with_name(f"{db_path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        self.loaded_at = datetime.now().replace(microsecond=0)
        self.con: duckdb.DuckDBPyConnection | None = None
        self._guard: duckdb.DuckDBPyConnection | None = None

    @staticmethod
    def probe(db_path: Path) -> duckdb.DuckDBPyConnection:
        """A read-only connection on the live file: refused while another process has it open for writing."""
        try:
            return duckdb.connect(str(db_path), read_only=True)
        except duckdb.Error as exc:
            raise database_error(db_path, exc) from None

    def _recover_wal(self) -> None:
        """Fold a write-ahead log left by an interrupted writer into the live database before copying it."""
        if not Path(f"{self.db_path}.wal").exists():
            return
        try:
            con = duckdb.connect(str(self.db_path))
            con.execute("CHECKPOINT")
            con.close()
        except duckdb.Error as exc:
            raise database_error(self.db_path, exc) from None

    def __enter__(self) -> NewStore:
        try:
            if self.db_path.exists():
                self._recover_wal()
                self._guard = self.probe(self.db_path)
                shutil.copyfile(self.db_path, self.temp)
            # attached as `store`, the name every reader gives it, so a source's SQL runs unchanged on it
            self.con = duckdb.connect(config={"temp_directory": f"{self.temp}.tmp"})
            self.con.execute("SET enable_progress_bar = false")
            self.con.execute(f"ATTACH {sql_text(str(self.temp))} AS {STORE}")
            self.con.execute(f"USE {STORE}")
            self.con.execute("BEGIN TRANSACTION")
            for ddl in STORE_DDL:
                self.con.execute(ddl)
        except OSError as exc:
            self._cleanup()
            raise _os_error(self.db_path, exc) from None
        except duckdb.Error as exc:
            self._cleanup()
            raise database_error(self.db_path, exc) from None
        except BaseException:
            self._cleanup()
            raise
        return self

    def commit(self) -> str:
        """Write `store_info`, commit, checkpoint and swap the new database in; returns its load id."""
        load_id = secrets.token_hex(16)
        con = self.con
        try:
            con.execute("DELETE FROM store_info")
            con.execute("INSERT INTO store_info VALUES (?, ?)", [load_id, self.loaded_at])
            con.execute("COMMIT")
            con.execute(f"CHECKPOINT {STORE}")
            con.close()
            self.con = None
            if self._guard is None and self.db_path.exists():  # a database appeared meanwhile: guard it too
                self._guard = self.probe(self.db_path)
            os.replace(self.temp, self.db_path)
        except OSError as exc:
            raise _os_error(self.db_path, exc) from None
        except duckdb.IOException as exc:
            raise database_error(self.db_path, exc) from None
        return load_id

    def _cleanup(self) -> None:
        for con in (self.con, self._guard):
            if con is not None:
                try:
                    con.close()
                except duckdb.Error:  # pragma: no cover - closing a broken connection
                    pass
        self.con = self._guard = None
        for leftover in (self.temp, Path(f"{self.temp}.wal")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:  # pragma: no cover - removed by the next load
                pass
        shutil.rmtree(f"{self.temp}.tmp", ignore_errors=True)  # DuckDB's spill folder

    def __exit__(self, *exc_info) -> None:
        self._cleanup()
