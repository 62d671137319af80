"""What a load did, file by file, and its summary for the person who ran `dscp load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .extracts import EXTRACTS


@dataclass
class FileReport:
    """What happened to one extract file."""

    source: str
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    error: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    absent_optional_columns: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """What a `load_folder` did, file by file.

    `ignored_files`: the folder's files that are not extracts of the
    specification. `load_id`: the random id of the store snapshot this load
    wrote (`store_info`).
    """

    data_dir: Path
    db_path: Path
    files: list[FileReport]
    load_date: date | None = None
    ignored_files: list[str] = field(default_factory=list)
    load_id: str | None = None
    earliest_date: date | None = None

    @property
    def ok(self) -> bool:
        """True when every extract in the folder could be read (rejected rows do not count)."""
        return all(f.error is None for f in self.files)

    @property
    def not_supplied(self) -> list[str]:
        """The contract's file names that were not in the folder."""
        present = {f.source for f in self.files}
        return [e.file_name for e in EXTRACTS.values() if e.source not in present]

    def format(self) -> str:
        """A short readable summary, one line per file."""
        when = f" (load date {self.load_date.isoformat()})" if self.load_date else ""
        lines = [f"Loaded {self.data_dir} into {self.db_path}{when}"]
        width = max([len(f.file) for f in self.files] + [10])
        for f in self.files:
            if f.error:
                lines.append(f"  {f.file:<{width}}  NOT LOADED: {f.error}")
                continue
            lines.append(
                f"  {f.file:<{width}}  read {f.rows_read:>9,}  loaded {f.rows_loaded:>9,}"
                f"  rejected {f.rows_rejected:>9,}"
            )
            if f.ignored_columns:
                ignored = ", ".join(f.ignored_columns)
                lines.append(f"  {'':<{width}}  columns not in the specification, ignored: {ignored}")
            if f.absent_optional_columns:
                absent = ", ".join(f.absent_optional_columns)
                lines.append(f"  {'':<{width}}  optional columns not supplied, left empty: {absent}")
        if self.ignored_files:
            lines.append("ignored, not an extract of the specification: " + ", ".join(self.ignored_files))
        if self.not_supplied:
            lines.append(
                "Not in the folder (data from an earlier load, if any, is kept): " + ", ".join(self.not_supplied)
            )
        if not self.ok:
            lines.append(
                "Some files could not be used: their sources keep the data of the earlier load, if any; "
                "correct them and load the folder again."
            )
        if any(f.rows_rejected for f in self.files):
            lines.append(f"Rejected rows are listed by: dscp rejects --db {self.db_path}")
        if self.load_id:
            lines.append(f"Store snapshot {self.load_id}")
        return "\n".join(lines)
