"""The evaluation columns of `training_records.csv`: `content_rating` (1 to 5,
5 best) and `knowledge_before` / `knowledge_after` (1 limited to 10 in depth).

Only learners who completed rate (a rating on a place not completed is a bad
row). Of each route's completions, a share answer the evaluation: most of a
taught course (training programme 87%, Development Day 91%, bespoke 94%),
fewer of a Safeguarding Week online briefing (15%, a poll after the call) and
few of e-learning (about 3%, an optional survey at the end of a module).
Nine in ten of those who rate the content also rate their knowledge before and
after.

Ratings are drawn, then nudged one point at a time (within 1 to 5, or 1 to 10,
and never leaving knowledge after below knowledge before) until their sum is
exactly the route's target mean times the number of ratings. So for 2024-25,
for any seed, the means computed per indicators.md (the mean over completed
records that have a rating) are the annual report's, to the published decimal:

| route | raters | content | knowledge raters | before | after |
|---|---|---|---|---|---|
| e_learning | 590 | 4.73 | 531 | 5.2 | 8.6 |
| training_programme | 600 | 4.83 | 540 | 6.2 | 8.7 |
| safeguarding_week | 150 | 4.64 | 135 | 5.5 | 8.1 |
| development_day | 170 | 4.81 | 153 | 5.7 | 8.9 |
| bespoke | 190 | 4.95 | 171 | 5.9 | 8.8 |

and the mean over all 1,700 content ratings is 8,143 / 1,700 = 4.79, the
report's overall figure. (The report's 4.79 is the plain average of its five
route means; with about 3% of e-learning completions rating, the mean over
ratings agrees with it. Bespoke knowledge, 5.9 to 8.8, is the sample's own
choice: the report gives none.) Earlier years aim at slightly lower means
(0.03 a year for content, 0.1 a year for knowledge after), drawn the same way.
"""

from __future__ import annotations

import numpy as np

from .calibration import CALIBRATION

CALIBRATED_YEAR = 2024
TRAINING_2024_25 = CALIBRATION["training_2024_25"]

# route -> learners who rate the content, 2024-25 (chosen so that the mean over ratings is 4.79)
RATERS_2024_25 = {"e_learning": 590, "training_programme": 600, "safeguarding_week": 150,
                  "development_day": 170, "bespoke": 190}
# route -> share of completions that rate the content in other years
RATER_SHARE = {"e_learning": 0.033, "training_programme": 0.87, "safeguarding_week": 0.15,
               "development_day": 0.91, "bespoke": 0.94}
KNOWLEDGE_SHARE = 0.9  # of those rating the content, the share who also rate their knowledge
CONTENT_DRIFT = 0.03   # content mean lower by this much a year before 2024-25
KNOWLEDGE_AFTER_DRIFT = 0.1
KNOWLEDGE_BEFORE_SPREAD = 1.7  # standard deviation of knowledge before, in points
KNOWLEDGE_GAIN_SPREAD = 1.1


def _target_sum(mean: float, n: int, decimals: int | None, what: str) -> int:
    """The whole-number sum of n ratings nearest to n x `mean`; with `decimals`
    (a published figure), checked to give a mean that rounds to it."""
    total = int(round(mean * n))
    if decimals is not None and round(total / n, decimals) != round(mean, decimals):  # pragma: no cover - guard
        raise ValueError(f"sample calibration: {n} ratings cannot have a {what} mean of {mean}")
    return total


def _nudge_to_sum(rng: np.random.Generator, values: np.ndarray, total: int, low: int, high: int,
                  floor: np.ndarray | None = None) -> np.ndarray:
    """`values` moved one point at a time, at random places, until they add up to
    `total`, staying within `low` to `high` (and at or above `floor`, if given)."""
    values = values.copy()
    floor = np.full(len(values), low) if floor is None else np.maximum(floor, low)
    while (gap := total - int(values.sum())) != 0:
        room = np.flatnonzero(values < high) if gap > 0 else np.flatnonzero(values > floor)
        if len(room) == 0:  # pragma: no cover - guard: the targets are well inside the scale
            raise ValueError(f"sample calibration: ratings cannot add up to {total}")
        values[rng.choice(room, size=min(abs(gap), len(room)), replace=False)] += np.sign(gap)
    return values


def _content_ratings(rng: np.random.Generator, n: int, mean: float, published: bool) -> np.ndarray:
    """n ratings 1 to 5 with exactly the sum of `mean` (to 2 decimals): drawn from
    the maximum-entropy distribution with that mean (mostly 5s, some 4s, the odd
    3 or lower), then nudged."""
    scale = np.arange(1, 6)
    low, high = -10.0, 10.0
    for _ in range(60):  # bisection on the exponential tilt
        tilt = (low + high) / 2
        p = np.exp(tilt * scale)
        p /= p.sum()
        low, high = (tilt, high) if p @ scale < mean else (low, tilt)
    drawn = rng.choice(scale, size=n, p=p)
    return _nudge_to_sum(rng, drawn, _target_sum(mean, n, 2 if published else None, "content"), 1, 5)


def _knowledge_ratings(rng: np.random.Generator, n: int, before: float, after: float,
                       published: bool) -> tuple[np.ndarray, np.ndarray]:
    """n pairs (before, after) on 1 to 10 with exactly the sums of the two means
    (to 1 decimal), after never below before."""
    drawn_before = np.clip(np.rint(rng.normal(before, KNOWLEDGE_BEFORE_SPREAD, n)), 1, 9).astype(int)
    decimals = 1 if published else None
    knowledge_before = _nudge_to_sum(rng, drawn_before, _target_sum(before, n, decimals, "knowledge before"), 1, 9)
    gain = np.maximum(0, np.rint(rng.normal(after - before, KNOWLEDGE_GAIN_SPREAD, n))).astype(int)
    drawn_after = np.clip(knowledge_before + gain, 1, 10)
    knowledge_after = _nudge_to_sum(rng, drawn_after, _target_sum(after, n, decimals, "knowledge after"), 1, 10,
                                    floor=knowledge_before)
    return knowledge_before, knowledge_after


def _targets(fy: int, route: str) -> tuple[float, float, float]:
    """(content, knowledge before, knowledge after) means aimed at in a year."""
    years_before = CALIBRATED_YEAR - fy
    before, after = TRAINING_2024_25["knowledge"][route]
    content = TRAINING_2024_25["content_rating"][route] - CONTENT_DRIFT * years_before
    return content, before, after - KNOWLEDGE_AFTER_DRIFT * years_before


def evaluations(rng: np.random.Generator, route: np.ndarray, fy: np.ndarray,
                completed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`content_rating`, `knowledge_before` and `knowledge_after` for every
    place (0 where there is none), given each place's route, financial year
    and whether it was completed."""
    content = np.zeros(len(route), dtype=int)
    before = np.zeros(len(route), dtype=int)
    after = np.zeros(len(route), dtype=int)
    for year in np.unique(fy):
        for name in RATERS_2024_25:
            places = np.flatnonzero((fy == year) & (route == name) & completed)
            if year == CALIBRATED_YEAR:
                n_raters = RATERS_2024_25[name]
            else:
                n_raters = int(rng.binomial(len(places), RATER_SHARE[name]))
            raters = np.sort(rng.choice(places, size=n_raters, replace=False))
            content_mean, before_mean, after_mean = _targets(int(year), name)
            published = year == CALIBRATED_YEAR
            content[raters] = _content_ratings(rng, n_raters, content_mean, published)
            knowing = np.sort(rng.choice(raters, size=int(round(KNOWLEDGE_SHARE * n_raters)), replace=False))
            before[knowing], after[knowing] = _knowledge_ratings(rng, len(knowing), before_mean, after_mean,
                                                                    published)
    return content, before, after


def check_overall_rating() -> float:
    """The 2024-25 mean over all content ratings that the raters and route means
    give; raises unless it rounds to the report's overall figure."""
    ratings = {name: _target_sum(TRAINING_2024_25["content_rating"][name], n, 2, "content")
               for name, n in RATERS_2024_25.items()}
    overall = sum(ratings.values()) / sum(RATERS_2024_25.values())
    if round(overall, 2) != TRAINING_2024_25["content_rating_overall"]:  # pragma: no cover - guard
        raise ValueError(f"sample calibration: the overall content rating would be {overall:.4f}")
    return overall
