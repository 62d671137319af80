"""What a build produced, period by period, in words for the person who ran it."""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..periods import Period
from .run import NotebookResult

VERSIONED_PACKAGES = ("dscp-metrics", "papermill", "nbconvert", "plotly", "pandas", "duckdb", "scipy")


@dataclass
class PeriodResult:
    """The pack built for one period (or why it was not)."""

    period: Period
    notebooks: list[NotebookResult] = field(default_factory=list)
    html_path: Path | None = None
    html_bytes: int | None = None
    other_files: list[Path] = field(default_factory=list)
    error: str | None = None  # a failure of the pack itself (snapshot, audit, export, writing)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.html_path is not None and all(n.ok for n in self.notebooks)

    def format(self) -> str:
        size = f" ({self.html_bytes / 1e6:.1f} MB)" if self.html_bytes is not None else ""
        if self.ok:
            lines = [f"{self.period}: wrote {self.html_path}{size}"]
            lines += [f"  also {p}" for p in self.other_files]
        else:
            where = f"; wrote {self.html_path}{size}" if self.html_path else "; nothing was written"
            lines = [f"{self.period}: FAILED{where}"]
            lines += [f"  section {n.name} failed: {n.error}" for n in self.notebooks if not n.ok]
            if self.error:
                lines.append(f"  {self.error}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass
class BuildResult:
    """Everything one `dscp build` produced."""

    periods: list[PeriodResult]
    index_path: Path | None
    duration_s: float
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.periods)

    @property
    def paths(self) -> list[Path]:
        found = [p.html_path for p in self.periods if p.html_path is not None]
        return found + ([self.index_path] if self.index_path else [])

    def format(self) -> str:
        lines = [p.format() for p in self.periods]
        if self.index_path:
            lines.append(f"index: {self.index_path}")
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append(f"{'built' if self.ok else 'FAILED'}: {len(self.periods)} period(s) in {self.duration_s:.1f} s")
        return "\n".join(lines)


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions
