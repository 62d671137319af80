"""The Think Tank pack: `build_packs` runs the pack notebooks and writes one offline HTML file per period."""

from .build import BuildResult, NotebookResult, PeriodResult, build_packs, pack_path, write_index

__all__ = ["BuildResult", "NotebookResult", "PeriodResult", "build_packs", "pack_path", "write_index"]
