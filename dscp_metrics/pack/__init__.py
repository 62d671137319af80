"""The Think Tank pack: `build_packs` runs the pack notebooks and writes one offline HTML file per period.

The build machinery (papermill, nbconvert) is imported on first use only, so
that the pack notebooks' kernels, which import `dscp_metrics.pack.charts`, do
not pay for it.
"""

from __future__ import annotations

__all__ = ["BuildResult", "NotebookResult", "PeriodResult", "build_packs", "pack_path", "write_index"]


def __getattr__(name: str):
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
