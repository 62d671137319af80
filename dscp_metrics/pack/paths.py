"""Where a period's pack and its companions are written under the output folder (`P`: a period code).

- `P/think-tank-P.html`, `.xlsx`, `.pdf`, `P/manifest.json`, `P/notebooks/`: the last
  *complete* build, replaced only by another complete build, all together;
- `P/think-tank-P.failed.html`, `P/failed/`: the last build in which a section
  failed; a failed build never touches the complete pack; the next complete build
  removes these.
"""

from __future__ import annotations

from pathlib import Path

from ..periods import Period, parse_period


def pack_path(out_dir: Path, period: Period | str, failed: bool = False, suffix: str = ".html") -> Path:
    """Where the pack (or its `.xlsx`, `.pdf`) for `period` is written: the complete one, or the failed one."""
    code = str(parse_period(period))
    name = f"think-tank-{code}{'.failed' if failed else ''}{suffix}"
    return Path(out_dir) / code / name
