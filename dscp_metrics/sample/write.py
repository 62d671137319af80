"""Writing the sample: `write_sample(directory, seed)` runs every generator and
writes the nine extracts.

The five original generators share one random stream, `default_rng(seed)`,
drawn from in a fixed order (referrals, CEVT, restraint, OSA), so that their
files stay byte-identical for a seed whatever is added after them. Each newer
generator has a stream of its own, `default_rng([seed, k])` with k from
`STREAMS`, so it neither disturbs nor is disturbed by the others.

Output is byte-identical for a given seed: UTF-8, `\\n` line endings, minimal
quoting, no timestamps, rows in identifier order.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from . import cevt, osa, referrals, restraint
from .common import DEFAULT_SEED

FILES = (
    referrals.FILE,
    cevt.FILE,
    restraint.FILE,
    osa.RETURNS_FILE,
    osa.ISSUED_FILE,
)


def write_csv(path: Path, header: list[str], rows: list[dict] | list[list[str]], bom: bool = False) -> Path:
    """One extract: the header, then the rows (dicts by column, or lists in header order)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        if rows and isinstance(rows[0], dict):
            rows = [[row[column] for column in header] for row in rows]
        writer.writerows(rows)
    return path


def write_sample(directory: str | Path, seed: int | None = None) -> list[Path]:
    """Write the synthetic extracts (`FILES`) into `directory` (created if
    needed) and return their paths, in the order of `FILES`. The same seed
    always writes the same bytes; `seed=None` is the bundled sample's
    (`DEFAULT_SEED`)."""
    seed = DEFAULT_SEED if seed is None else seed
    rng = np.random.default_rng(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    csc_header, csc_rows, children = referrals.csc_referrals(rng)
    known = set(children)
    good_csc = [row for row in csc_rows if row["child_id"] in known]
    cevt_header, cevt_rows, _scorings = cevt.cevt_referrals(rng, good_csc, children)
    restraint_header, restraint_rows = restraint.restraint_incidents(rng)
    returns_header, returns_rows, issued_header, issued_rows = osa.osa(rng)
    return [
        write_csv(directory / referrals.FILE, csc_header, csc_rows),
        write_csv(directory / cevt.FILE, cevt_header, cevt_rows),
        write_csv(directory / restraint.FILE, restraint_header, restraint_rows),
        write_csv(directory / osa.RETURNS_FILE, returns_header, returns_rows, bom=True),
        write_csv(directory / osa.ISSUED_FILE, issued_header, issued_rows),
    ]
