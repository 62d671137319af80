"""The Think Tank pack: `build_packs` runs the pack notebooks and writes one offline HTML file per period.

The build machinery (papermill, nbconvert) is imported on first use only.
"""

from __future__ import annotations

__all__ = ["BuildResult", "PeriodResult", "build_packs", "pack_path", "write_index"]


def __getattr__(name: str):
    if name in ("build_packs",):
        from . import build

        return getattr(build, name)
    if name in ("BuildResult", "PeriodResult"):
        from . import results

        return getattr(results, name)
    if name == "pack_path":
        from .paths import pack_path

        return pack_path
    if name == "write_index":
        from .index import write_index

        return write_index
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
