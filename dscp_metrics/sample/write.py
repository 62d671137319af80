"""Writing the sample: `write_sample(directory, seed)` runs every generator and
writes the nine extracts (`FILES`).

The five original generators share one random stream, `default_rng(seed)`,
drawn from in a fixed order (referrals, CEVT, restraint, OSA), so that their
files stay byte-identical for a seed whatever is added after them. Each newer
generator has a stream of its own, `default_rng([seed, k])` with k from
`STREAMS`, so it neither disturbs nor is disturbed by the others' draws; the
missing-episode and education generators read the older generators' results
(the referred children, the CEVT scorings), never their random state.

Output is byte-identical for a given seed: UTF-8, `\\n` line endings, minimal
quoting, no timestamps, rows in identifier order.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from . import cevt, education, meetings, missing, osa, referrals, restraint, training
from .common import DEFAULT_SEED

FILES = (
    referrals.FILE,
    cevt.FILE,
    restraint.FILE,
    osa.RETURNS_FILE,
    osa.ISSUED_FILE,
    training.FILE,
    missing.FILE,
    meetings.FILE,
    education.FILE,
)
# each newer generator's own random stream: default_rng([seed, k])
STREAMS = {training.FILE: 1, missing.FILE: 2, meetings.FILE: 3, education.FILE: 4}


def write_csv(path: Path, header: list[str], rows: list[dict] | pd.DataFrame, bom: bool = False) -> Path:
    """One extract: the header, then the rows (dicts by column, or a frame of text columns)."""
    if isinstance(rows, pd.DataFrame):
        values = rows[header].to_numpy().tolist()
    else:
        values = [[row[column] for column in header] for row in rows]
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(values)
    return path


def _stream(seed: int, file: str) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[file]])


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
    cevt_header, cevt_rows, scorings = cevt.cevt_referrals(rng, good_csc, children)
    restraint_header, restraint_rows = restraint.restraint_incidents(rng)
    returns_header, returns_rows, issued_header, issued_rows = osa.osa(rng)

    training_header, training_rows = training.training_records(_stream(seed, training.FILE))
    missing_header, missing_rows = missing.missing_episodes(
        _stream(seed, missing.FILE), referrals.good_referrals(csc_rows, children), set(scorings["child_id"]))
    meetings_header, meetings_rows = meetings.meeting_attendance(_stream(seed, meetings.FILE))
    education_header, education_rows = education.education_status(_stream(seed, education.FILE), children, scorings)
    return [
        write_csv(directory / referrals.FILE, csc_header, csc_rows),
        write_csv(directory / cevt.FILE, cevt_header, cevt_rows),
        write_csv(directory / restraint.FILE, restraint_header, restraint_rows),
        write_csv(directory / osa.RETURNS_FILE, returns_header, returns_rows, bom=True),
        write_csv(directory / osa.ISSUED_FILE, issued_header, issued_rows),
        write_csv(directory / training.FILE, training_header, training_rows),
        write_csv(directory / missing.FILE, missing_header, missing_rows),
        write_csv(directory / meetings.FILE, meetings_header, meetings_rows),
        write_csv(directory / education.FILE, education_header, education_rows),
    ]
