"""The bundled synthetic sample extracts (`dscp sample DIR`).

`write_sample(directory)` writes the partner extracts of `extracts.md` v2 for
April 2021 to March 2025 (financial years 2021-22 to 2024-25). Nothing in them
is a real person's data: every identifier is made up.

Random draws give the texture; the figures the DSCP Annual Report 2024/25
publishes (`CALIBRATION`) are hit by construction, for any seed, not by luck.
The files are realistic for a loader (ISO and UK dates mixed, date-times where
allowed, codes in varied case, stray spaces, legacy ids with leading zeros, a
byte-order mark, an extra column) and carry the few bad rows of `BAD_ROWS`,
which a loader must reject. Bad rows never carry a calibrated figure: they are
extra rows, and a duplicate always comes after the good row it repeats.

One module per extract, each documenting its definitions and calibration:
`referrals`, `cevt`, `restraint`, `osa`, `training` (with `training_sessions`
and `training_ratings`), `missing`, `meetings`, `education`; `common` holds the
shared helpers, `calibration` the published figures and `write` the writing.
"""

from . import cevt, education, meetings, missing, osa, referrals, restraint, training
from .calibration import CALIBRATION
from .common import DEFAULT_SEED, BadRow
from .write import FILES, write_sample

BAD_ROWS: tuple[BadRow, ...] = (
    referrals.BAD_ROWS + cevt.BAD_ROWS + restraint.BAD_ROWS + osa.BAD_ROWS
    + training.BAD_ROWS + missing.BAD_ROWS + meetings.BAD_ROWS + education.BAD_ROWS
)

__all__ = ["BAD_ROWS", "CALIBRATION", "DEFAULT_SEED", "FILES", "BadRow", "write_sample"]
