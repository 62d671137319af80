"""Hidden numbers shown safe in bulk: a few programmes whose solutions are witnesses, before one per number.

When the true values are known (a publication being decided), a hidden number
is safe as soon as one solution consistent with everything published gives it a
value that rules the disclosure out: at least 1 away from the truth (so it cannot
be worked out exactly), and for a count of 1 to the threshold, also 0 or above
the threshold (so it cannot be shown small). The true values are themselves such
a solution, so a witness and the truth together bound the number's range from
inside: the verdict is the one the exact bounds would give.

One programme pushes every open number of a part of the system down at once,
the next pushes the ones still open up, and so on while the witnesses keep
settling numbers; the rest are solved one by one (`audit._range`). On the
sample's largest export this settles most numbers in a handful of programmes
instead of one or two each.
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


def certify(system: System, expressions: dict[Quantity, dict[int, float]], truth: dict[Quantity, float],
            threshold: int, small: set[Quantity]) -> dict[Quantity, tuple[float, float, tuple]]:
    """For the numbers witnesses show safe: the range their witnesses and the truth span (no evidence: a
    safe number needs none). `small`: the numbers the 1-to-threshold test applies to."""
    low = {q: truth[q] for q in expressions}
    high = dict(low)
    open_ = [q for q in expressions]
    safe: dict[Quantity, tuple[float, float, tuple]] = {}
    objectives = {q: system.objective(expressions[q]) for q in expressions}  # each number as a row vector
    sign, idle = 1.0, 0
    for _ in range(MAX_PASSES):
        if not open_ or idle == 2:  # down and up both tried without progress: the rest one by one
            break
        c = np.sum([objectives[q] for q in open_], axis=0)
        x = system.point(sign * c)
        settled = []
        if x is not None:
            for q in open_:
                value = float(objectives[q] @ x)
                low[q], high[q] = min(low[q], value), max(high[q], value)
                if rules_out(low[q], high[q], truth[q], threshold, q in small):
                    safe[q] = (low[q], high[q], ())
                    settled.append(q)
        idle = 0 if settled else idle + 1
        open_ = [q for q in open_ if q not in safe]
        sign = -sign
    return safe
