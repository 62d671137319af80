"""Hidden numbers shown safe in bulk: solutions consistent with everything published, used as witnesses.

When the true values are known (a publication being decided), a hidden number
is safe as soon as one solution consistent with everything published gives it a
value that rules the disclosure out: at least 1 away from the truth (so it cannot
be worked out exactly), and for a count of 1 to the threshold, also 0 or above
the threshold (so it cannot be shown small). The true values are themselves such
a solution, so a witness and the truth together bound the number's range from
inside: the verdict is the one the exact bounds would give.

`certify` first solves a few programmes whose solutions are witnesses: one pushes
every open number of a part of the system down at once, the next pushes the ones
still open up, and so on while the witnesses keep settling numbers. The rest are
solved one by one (`audit._range`), and every solution found on the way is a
witness for the numbers still open (`Witnesses.see`). On the sample's largest
export this settles most numbers in a handful of programmes instead of one or
two each.
"""

from __future__ import annotations

import numpy as np

from ..compute.quantities import Quantity
from .systems import TOLERANCE, System

MAX_PASSES = 6


def rules_out(low: float, high: float, truth: float, threshold: int, small_test: bool) -> bool:
    """True when a range [low, high] around the truth shows the number is not disclosed."""
    not_exact = low <= truth - 1 + TOLERANCE or high >= truth + 1 - TOLERANCE
    if not small_test or not 1 - TOLERANCE <= truth <= threshold + TOLERANCE:
        return not_exact
    return not_exact and (low <= TOLERANCE or high >= threshold + 1 - TOLERANCE)


class Witnesses:
    """The numbers of one part of the system whose true values are known, and the span of each over the
    solutions seen so far (the truth included). `safe`: the numbers a span rules out, each with its span
    (no evidence: a safe number needs none)."""

    def __init__(self, system: System, expressions: dict[Quantity, dict[int, float]],
                 truth: dict[Quantity, float], threshold: int, small: set[Quantity]) -> None:
        self.open = list(expressions)
        self.safe: dict[Quantity, tuple[float, float, tuple]] = {}
        self._objectives = np.array([system.objective(expressions[q]) for q in self.open]).reshape(
            len(self.open), system.n)  # each number as a row
        self._truth = np.array([truth[q] for q in self.open], dtype=float)
        self._low, self._high = self._truth.copy(), self._truth.copy()
        self._threshold = threshold
        self._small = np.array([q in small for q in self.open], dtype=bool)
        self._row = {q: i for i, q in enumerate(self.open)}

    def objective(self) -> np.ndarray:
        """The sum of the open numbers, as a row vector."""
        return self._objectives[[self._row[q] for q in self.open]].sum(axis=0)

    def see(self, x: np.ndarray | None) -> int:
        """Widen every open number's span by the solution `x`; how many it settles."""
        if x is None or not self.open:
            return 0
        rows = np.array([self._row[q] for q in self.open])
        values = self._objectives[rows] @ x
        low = self._low[rows] = np.minimum(self._low[rows], values)
        high = self._high[rows] = np.maximum(self._high[rows], values)
        truth, t = self._truth[rows], self._threshold
        settled = (low <= truth - 1 + TOLERANCE) | (high >= truth + 1 - TOLERANCE)
        small = self._small[rows] & (truth >= 1 - TOLERANCE) & (truth <= t + TOLERANCE)
        settled &= ~small | (low <= TOLERANCE) | (high >= t + 1 - TOLERANCE)
        still = []
        for q, done, lo, hi in zip(self.open, settled, low, high):
            if done:
                self.safe[q] = (float(lo), float(hi), ())
            else:
                still.append(q)
        self.open = still
        return int(settled.sum())


def certify(system: System, witnesses: Witnesses) -> None:
    """Push the open numbers down, then up, and so on while the solutions settle some (at most
    MAX_PASSES programmes, and none once a push each way has settled nothing)."""
    sign, idle = 1.0, 0
    for _ in range(MAX_PASSES):
        if not witnesses.open or idle == 2:
            break
        settled = witnesses.see(system.point(sign * witnesses.objective()))
        idle = 0 if settled else idle + 1
        sign = -sign
