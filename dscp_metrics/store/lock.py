"""The store's advisory lock: one writer at a time, readers never see a swap half-way.

DuckDB's own lock does not cover a database file that is replaced by a
rename (`os.replace`): a process holding the old file keeps writing to an
unlinked inode. So every process that reads or replaces a store takes an
`fcntl.flock` on `<db>.lock`, a file beside the database:

- a load takes it **exclusively** for the whole load (read the old store,
  build the new one, swap it in), so two loads serialise and the last one to
  finish is what the store holds;
- a reader (the pack build while it computes its figures, the explorer while
  it computes one view) takes it **shared**, so a load waits until the
  reader has read its one consistent snapshot.

The exclusive holder writes who it is into the lock file (process id, what it
is doing, since when), so that a process kept waiting can name it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..errors import DatabaseError

LOCK_SUFFIX = ".lock"
DEFAULT_WAIT_S = 300.0  # how long a load or a build waits for the store before giving up
POLL_S = 0.1


def lock_path(db_path: str | Path) -> Path:
    """`data/dscp.duckdb` -> `data/dscp.duckdb.lock`."""
    path = Path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


def _holder(fd: int) -> str:
    """Who holds the lock, as the exclusive holder wrote it (empty for readers)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 512).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return text


def _describe(holder: str, exclusive: bool) -> str:
    if holder:
        return holder
    return "a reader (a pack build or the explorer)" if exclusive else "another process"


@contextmanager
def store_lock(
    db_path: str | Path,
    *,
    exclusive: bool,
    purpose: str,
    wait_s: float | None = DEFAULT_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the store's lock (exclusive for a writer, shared for a reader) for the `with` block.

    Waits up to `wait_s` seconds (None: forever), telling `on_wait` once who it
    is waiting for; then raises `DatabaseError` naming the holder. A reader of a
    store in a folder it cannot write (a read-only share) reads without a lock:
    nobody can replace the store there either.
    """
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not exclusive and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            yield
            return
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise DatabaseError(
                f"the folder {path.parent} cannot be written ({exc.strerror}): the database {db_path} "
                "cannot be replaced there; choose a --db in a folder you can write"
            ) from None
        raise DatabaseError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        started = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _describe(_holder(fd), exclusive)
                if not told and on_wait is not None:
                    on_wait(f"waiting for {holder} to finish with {db_path}")
                    told = True
                if wait_s is not None and time.monotonic() - started >= wait_s:
                    raise DatabaseError(
                        f"the database {db_path} is still in use by {holder} after {wait_s:g} s: "
                        "try again when it has finished"
                    ) from None
                time.sleep(POLL_S)
        if exclusive:
            note = f"{purpose} (process {os.getpid()}, since {datetime.now():%d %b %Y %H:%M:%S})"
            os.ftruncate(fd, 0)
            os.pwrite(fd, note.encode("utf-8"), 0)
        try:
            yield
        finally:
            if exclusive:
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
