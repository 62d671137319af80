"""The bundled synthetic sample extracts (`dscp sample DIR`)."""

from .generate import BAD_ROWS, CALIBRATION, DEFAULT_SEED, FILES, write_sample

__all__ = ["BAD_ROWS", "CALIBRATION", "DEFAULT_SEED", "FILES", "write_sample"]
