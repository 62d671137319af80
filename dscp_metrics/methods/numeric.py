"""Shared plumbing of the statistical methods: numbers in, arrays out, problems in words."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from ..errors import ParameterError

DEFAULT_CONFIDENCE = 0.95


class _LazySpecial:
    """scipy.special, imported on first use: the same functions as scipy.stats without its
    ~0.5 s import, and none at all for a process that computes no interval."""

    def __getattr__(self, name: str):
        from scipy import special as scipy_special

        return getattr(scipy_special, name)


special = _LazySpecial()


def as_float(values) -> np.ndarray:
    """Any scalar / sequence / Series (None allowed) as a float array; None becomes NaN."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.array(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"expected numbers, got {values!r}") from exc


def is_scalar(*values) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def as_result(array: np.ndarray, scalar: bool):
    return float(array) if scalar else array


def z_value(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (for example 0.95), got {confidence!r}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)  # the normal quantile (stdlib: no scipy import)


def check_counts(counts: np.ndarray, what: str) -> None:
    with np.errstate(invalid="ignore"):
        negative = counts < 0
    if negative.any():
        bad = counts[negative][0]
        raise ParameterError(f"{what} must be zero or more; got {bad:g}")


def check_proportion_inputs(numerator: np.ndarray, denominator: np.ndarray) -> None:
    check_counts(numerator, "numerators")
    check_counts(denominator, "denominators")
    with np.errstate(invalid="ignore"):
        too_big = numerator > denominator
    if too_big.any():
        num, den = np.broadcast_arrays(numerator, denominator)
        i = np.flatnonzero(too_big)[0]
        raise ParameterError(
            f"a numerator cannot be larger than its denominator; got {num.flat[i]:g} out of {den.flat[i]:g}"
        )


# --- confidence intervals --------------------------------------------------------------------------
