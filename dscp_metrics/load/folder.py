"""Loading a folder of extracts into the store: `load_folder`, what `dscp load` runs.

`extracts.md`: a folder may hold any subset of the files (names matched
ignoring case); a missing file means "not supplied this quarter" and that
source keeps what an earlier load gave it. Every file in the folder that is
not an extract of the specification is named in the report as ignored.

One writer at a time: the whole load (checking the files, building the new
store, the swap) holds the store's exclusive lock (`store.lock`). A second
load waits, saying so once through `on_wait`, or fails after `wait_s`
seconds with a sentence naming the holder; so whatever the interleaving, the
store ends as the last load to finish left it, and each load's report
describes exactly what it wrote.

A file that cannot be used (unreadable, a required column missing, another
delimiter, broken quoting) is named with its reason; its source keeps the
data of the earlier load (nothing is lost), the other files still load, and
the report is not `ok`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from ..compute.counted import write_counted_tables
from ..errors import ExtractError
from ..store.lock import DEFAULT_WAIT_S, LOCK_SUFFIX, store_lock
from .extracts import EXTRACTS
from .report import FileReport, LoadReport
from .store_write import NewStore, check_target, database_error, remove_leftovers, replace_source
from .validate import check_file, configured_earliest_date


def find_extract_files(data_dir: Path) -> dict[str, list[Path]]:
    """The contract's files in `data_dir`, by source (file names matched ignoring case)."""
    by_name = {e.file_name: e.source for e in EXTRACTS.values()}
    found: dict[str, list[Path]] = {}
    for path in sorted(data_dir.iterdir()):
        source = by_name.get(path.name.lower())
        if source and path.is_file():
            found.setdefault(source, []).append(path)
    return found


def ignored_files(data_dir: Path, db_path: Path) -> list[str]:
    """The files in `data_dir` that are not extracts (the store's own files, if it lives there, left out)."""
    names = {e.file_name for e in EXTRACTS.values()}
    own = db_path.resolve()
    ignored = []
    for path in sorted(data_dir.iterdir(), key=lambda p: p.name.lower()):
        if not path.is_file() or path.name.lower() in names:
            continue
        resolved = path.resolve()
        if resolved.parent == own.parent and (
            resolved.name == own.name or resolved.name.startswith(own.name + ".")
            or resolved.name == own.name + LOCK_SUFFIX
        ):
            continue
        ignored.append(path.name)
    return ignored


def load_folder(
    data_dir: str | Path,
    db_path: str | Path,
    load_date: date | None = None,
    *,
    earliest_date: date | None = None,
    wait_s: float | None = DEFAULT_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> LoadReport:
    """Validate every extract in `data_dir` and load it into the DuckDB store at `db_path`.

    `load_date` (default today) is the extracts' load date: a date after it is
    rejected as a future date. `earliest_date` (default the configuration's
    `[load] earliest_date`, 1990-01-01): a date before it is rejected as too
    early. Waits up to `wait_s` seconds (None: forever) for another load or a
    reader to finish, telling `on_wait` once. Raises `ExtractError` when the
    folder does not exist or holds none of the contract's files, and
    `DatabaseError` for any problem with the database (it is then unchanged).
    """
    data_dir, db_path = Path(data_dir), Path(db_path)
    load_date = load_date or date.today()
    earliest = earliest_date or configured_earliest_date()
    if not data_dir.is_dir():
        raise ExtractError(f"no folder {data_dir}")
    found = find_extract_files(data_dir)
    ignored = ignored_files(data_dir, db_path)
    if not found:
        expected = ", ".join(e.file_name for e in EXTRACTS.values())
        holds = f" (it holds {', '.join(ignored)})" if ignored else ""
        raise ExtractError(f"{data_dir} holds none of the extracts{holds}: expected one or more of {expected}")

    check_target(db_path)
    with store_lock(db_path, exclusive=True, purpose=f"dscp load {data_dir}", wait_s=wait_s, on_wait=on_wait):
        check_target(db_path)  # again: another load may have changed it while this one waited
        remove_leftovers(db_path)
        try:
            with NewStore(db_path) as store:
                files = _load_sources(store, found, load_date, earliest)
                write_counted_tables(store.con)  # for the referrals as this load leaves them
                load_id = store.commit()
        except duckdb.IOException as exc:  # the disk filled up, or went away, while writing
            raise database_error(db_path, exc) from None
    return LoadReport(data_dir=data_dir, db_path=db_path, files=files, load_date=load_date,
                      ignored_files=ignored, load_id=load_id, earliest_date=earliest)


def _load_sources(store: NewStore, found: dict[str, list[Path]], load_date: date, earliest: date) -> list[FileReport]:
    """Check each extract found, in the specification's order, and replace its source in the new store."""
    files: list[FileReport] = []
    for number, (source, extract) in enumerate(EXTRACTS.items()):
        paths = found.get(source)
        if not paths:
            continue
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            files.append(FileReport(source, paths[0].name, 0, 0, 0,
                                    error=f"more than one file for {extract.file_name}: {names}"))
            continue
        try:
            checked = check_file(store.con, paths[0], extract, load_date, earliest, prefix=f"x{number}_")
        except ExtractError as exc:
            files.append(FileReport(source, paths[0].name, 0, 0, 0, error=str(exc)))
            continue
        replace_source(store.con, checked, load_date, store.loaded_at)
        checked.tables.drop(store.con)
        files.append(FileReport(
            source, checked.file, checked.rows_read, checked.rows_loaded, checked.rows_rejected,
            ignored_columns=checked.ignored_columns, absent_optional_columns=checked.absent_optional_columns,
        ))
    return files
