"""Writing output files whole or not at all, with one-sentence errors.

A file is written beside its final name and moved into place (`os.replace`), so
a reader sees the old file or the whole new one. A read-only, full or unusable
output location is reported in one sentence (`OutputError`), never a traceback,
and whatever was there before is left as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from ..errors import OutputError

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the location is read-only",
    errno.EACCES: "permission is denied",
    errno.EPERM: "permission is denied",
    errno.EISDIR: "a folder has that name",
    errno.ENOTDIR: "part of the path is a file, not a folder",
}


def output_error(path: Path | str, exc: OSError) -> OutputError:
    """An OSError as one sentence naming the file and the reason."""
    reason = _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
    return OutputError(f"cannot write {path}: {reason}; nothing was changed there")


def ensure_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) or say in one sentence why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write into {folder}: it is a file, not a folder") from None
    except OSError as exc:
        raise output_error(folder, exc) from None
    if not folder.is_dir():
        raise OutputError(f"cannot write into {folder}: it is a file, not a folder")
    return folder


def write_atomically(path: Path | str, data: bytes | str) -> int:
    """Write `data` to `path` whole (beside it, then renamed); return the bytes written."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise OutputError(f"cannot write {path}: a folder has that name")
    ensure_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(payload)
