"""Disclosure control over a whole publication (indicators.md, "Disclosure control"), on hand-made linked cases.

Each case is worked by hand: what a careful reader could work out, and what must
therefore be hidden. Every case ends with the audit of what was published, from the
published numbers alone, finding nothing; positive controls show the audit does
catch the leak when the linking is taken away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dscp_metrics.compute import compute
from dscp_metrics.disclosure.decide import SUPPRESSED, check_threshold, primary
from dscp_metrics.publication.publish import audit_published, publish
from dscp_metrics.errors import ConfigError
from dscp_metrics.periods import parse_periods
from dscp_metrics.store import open_store
from store_fixtures import d, make_store


def incidents_per_month(counts: dict[str, list[int]]) -> list[tuple]:
    """Restraint incidents: for each month `YYYY-MM`, a list of injury levels (one incident each)."""
    rows, n = [], 0
    for month, levels in counts.items():
        for level in levels:
            n += 1
            rows.append((f"I{n}", f"YP{n % 7}", d(f"{month}-{1 + n % 27:02d}"), level, 14))
    return rows


def table(tmp_path, periods, ids, **tables):
    db = make_store(tmp_path / "s.duckdb", **tables)
    con = open_store(db)
    try:
        return compute(con, parse_periods(periods), ids)
    finally:
        con.close()


def published(tmp_path, periods, ids, threshold=5, **tables):
    computed = table(tmp_path, periods, ids, **tables)
    return publish(computed.frame, suppress=True, threshold=threshold, categories=computed.categories)


def hidden(pub, indicator_id, period, cell=()):
    row = pub.figure(indicator_id, period, cell)
    assert row is not None, (indicator_id, period, cell)
    return bool(row["hidden"])


def test_a_quarter_of_3_beside_its_year_is_protected(tmp_path):
    """Q1 = 3 is hidden; with Q2-Q4 and the year shown, Q1 = year − the others: one more quarter must go."""
    levels = {"2024-05": [0] * 3, "2024-08": [0] * 10, "2024-11": [0] * 12, "2025-02": [0] * 15}
    quarters = ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4", "2024-25"]
    pub = published(tmp_path, quarters, ["restraint_incidents"], restraint_incidents=incidents_per_month(levels))
    assert hidden(pub, "restraint_incidents", "2024-25-Q1")
    assert hidden(pub, "restraint_incidents", "2024-25-Q2")  # the next smallest quarter
    assert not hidden(pub, "restraint_incidents", "2024-25")  # the headline year stays
    assert not hidden(pub, "restraint_incidents", "2024-25-Q3")
    assert audit_published(pub.shown, 5) == []


def test_positive_control_a_quarter_hidden_alone_beside_its_year_is_caught(tmp_path):
    levels = {"2024-05": [0] * 3, "2024-08": [0] * 10, "2024-11": [0] * 12, "2025-02": [0] * 15}
    quarters = ["2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4", "2024-25"]
    computed = table(tmp_path, quarters, ["restraint_incidents"], restraint_incidents=incidents_per_month(levels))
    naive = computed.frame.assign(hidden=computed.frame["period"].eq("2024-25-Q1"))  # per-period suppression only
    findings = audit_published(naive, 5)
    assert len(findings) == 1
    assert findings[0].kind == "exact" and findings[0].low == 3
    assert "restraint_incidents 2024-25-Q1" in findings[0].describe(5)


def test_a_month_hidden_inside_a_shown_quarter_is_protected(tmp_path):
    """January 7, February 2, March 6, the quarter 15: February = 15 − 7 − 6, so March (the smaller) goes too."""
    levels = {"2025-01": [0] * 7, "2025-02": [0] * 2, "2025-03": [0] * 6}
    pub = published(tmp_path, ["2025-01", "2025-02", "2025-03", "2024-25-Q4"], ["restraint_incidents"],
                    restraint_incidents=incidents_per_month(levels))
    assert [hidden(pub, "restraint_incidents", m) for m in ("2025-01", "2025-02", "2025-03")] == [False, True, True]
    assert not hidden(pub, "restraint_incidents", "2024-25-Q4")
    assert audit_published(pub.shown, 5) == []


def test_a_level_hidden_beside_a_zero_level_is_protected(tmp_path):
    """Injuries 12: level 1 11, level 2 1, level 3 0. Level 2 = 12 − 11 − 0, so a second level is hidden.
    Not the 0: a hidden 0 beside the others' shown months or periods is usually pinned down again, so level 1
    goes; the level 3 figure then stays 0, and a sentence "no level 3 injuries" reveals nothing hidden."""
    levels = {"2025-01": [1] * 11 + [2] + [0] * 30}
    pub = published(tmp_path, ["2024-25-Q4"], ["restraint_injuries"], restraint_incidents=incidents_per_month(levels))
    level = {n: hidden(pub, "restraint_injuries", "2024-25-Q4", (("injury_level", str(n)),)) for n in (1, 2, 3)}
    assert not hidden(pub, "restraint_injuries", "2024-25-Q4")
    assert level == {1: True, 2: True, 3: False}
    assert pub.figure("restraint_injuries", "2024-25-Q4", (("injury_level", "3"),))["value"] == 0
    assert audit_published(pub.shown, 5) == []


def test_positive_control_level_2_hidden_alone_beside_a_zero_is_caught(tmp_path):
    levels = {"2025-01": [1] * 11 + [2] + [0] * 30}
    computed = table(tmp_path, ["2024-25-Q4"], ["restraint_injuries"], restraint_incidents=incidents_per_month(levels))
    naive = computed.frame.assign(hidden=computed.frame["breakdown"].eq("injury_level=2"))
    assert [(f.kind, f.low) for f in audit_published(naive, 5)] == [("exact", 1)]


def test_a_share_and_its_count_are_one_number(tmp_path):
    """The injury rate's numerator is the injuries count: hidden together, wherever they appear."""
    levels = {"2025-01": [1] * 3 + [0] * 20}
    pub = published(tmp_path, ["2024-25-Q4"], ["restraint_injuries", "restraint_injury_rate"],
                    restraint_incidents=incidents_per_month(levels))
    assert hidden(pub, "restraint_injuries", "2024-25-Q4")
    assert hidden(pub, "restraint_injury_rate", "2024-25-Q4")
    assert audit_published(pub.shown, 5) == []


def osa_returns(section_ratings: dict[str, list[str]]) -> list[tuple]:
    rows = []
    for section, ratings in section_ratings.items():
        for n, rating in enumerate(ratings):
            rows.append((f"R{n}", "Org A", section, f"{section}{n}", rating, d("2024-06-03")))
    return rows


def test_the_osa_section_and_rating_shares_over_the_same_ratings_are_protected_together(tmp_path):
    """Leadership: 3 Red, 10 Amber, 30 Green. Red is hidden (3). The Green share of leadership and the
    rating shares show Amber and Green over the same 43 ratings: Red = 43 − 10 − 30, so Amber goes too."""
    ratings = {"leadership": ["Red"] * 3 + ["Amber"] * 10 + ["Green"] * 30, "policies": ["Green"] * 20 + ["Amber"] * 9}
    pub = published(tmp_path, ["2024-25-Q1"], ["osa_green_share", "osa_rating_share"],
                    osa_returns=osa_returns(ratings))
    lead = "leadership"
    assert hidden(pub, "osa_rating_share", "2024-25-Q1", (("section", lead), ("rating", "Red")))
    assert hidden(pub, "osa_rating_share", "2024-25-Q1", (("section", lead), ("rating", "Amber")))
    assert not hidden(pub, "osa_rating_share", "2024-25-Q1", (("section", lead), ("rating", "Green")))
    assert not hidden(pub, "osa_green_share", "2024-25-Q1", (("section", lead),))
    assert audit_published(pub.shown, 5) == []


def test_primary_rule_counts_percentages_and_means(tmp_path):
    levels = {"2025-01": [1] * 2 + [0] * 3}
    computed = table(tmp_path, ["2024-25-Q4"], ["restraint_incidents", "restraint_injury_rate"],
                     restraint_incidents=incidents_per_month(levels))
    small = {str(q) for q in primary(computed.frame, 5)}
    assert small == {"restraint_incidents 2024-25-Q4", "restraint_incidents 2024-25-Q4 [injury_level=1|2|3]"}


def test_zero_is_shown_and_the_threshold_is_configurable(tmp_path):
    levels = {"2025-01": [0] * 7}
    pub = published(tmp_path, ["2024-25-Q4", "2024-25-Q3"], ["restraint_incidents"], threshold=7,
                    restraint_incidents=incidents_per_month(levels))
    assert hidden(pub, "restraint_incidents", "2024-25-Q4")  # 7 with a threshold of 7
    row = pub.figure("restraint_incidents", "2024-25-Q3")
    assert not row["hidden"] and row["value"] == 0  # 0 is shown as 0


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_threshold_must_be_a_whole_number_of_at_least_one(bad):
    with pytest.raises(ConfigError, match="at least 1"):
        check_threshold(bad)


def test_unsuppressed_publication_hides_nothing(tmp_path):
    levels = {"2025-01": [1] * 2 + [0] * 3}
    computed = table(tmp_path, ["2024-25-Q4"], None, restraint_incidents=incidents_per_month(levels))
    pub = publish(computed.frame, suppress=False, threshold=5, categories=computed.categories)
    assert pub.restricted and pub.hidden_count == 0
    assert pub.figure("restraint_incidents", "2024-25-Q4")["value"] == 5


def test_hidden_rows_carry_no_figures(tmp_path):
    levels = {"2025-01": [1] * 2 + [0] * 3}
    pub = published(tmp_path, ["2024-25-Q4"], None, restraint_incidents=incidents_per_month(levels))
    shown = pub.shown[pub.shown["hidden"]]
    assert len(shown) > 0
    for column in ("numerator", "denominator", "value", "lower_ci", "upper_ci", "num_sq"):
        assert shown[column].isna().all(), column
    assert SUPPRESSED == "[c]"


# --- property: whatever the counts, nothing published lets a hidden figure be worked out ---------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MONTHS = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in (1, 2, 3)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 2)), min_size=12, max_size=12))
def test_property_after_suppression_the_audit_finds_nothing(tmp_path_factory, months):
    """Random incidents per month (no injury, level 1, level 2 or 3): the year, its quarters and months,
    every breakdown, every restraint indicator, published together, leak nothing."""
    levels = {m: [0] * none + [1] * one + [2 + (k % 2) for k in range(other)]
              for m, (none, one, other) in zip(MONTHS, months)}
    tmp = tmp_path_factory.mktemp("property")
    periods = ["2024-25", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4", *MONTHS]
    pub = published(tmp, periods, ["restraint_incidents", "restraint_injuries", "restraint_injury_rate",
                                   "restraint_injury_level_share"],
                    restraint_incidents=incidents_per_month(levels))
    assert audit_published(pub.shown, 5) == []
    # and every figure from 1 to 5 is hidden wherever it appears
    counts = pub.shown[pub.shown["unit"] == "count"]
    shown_values = pd.to_numeric(counts.loc[~counts["hidden"], "numerator"])
    assert not ((shown_values >= 1) & (shown_values <= 5)).any()


def test_positive_control_months_suppressed_apart_from_their_quarter_leak(tmp_path):
    """The round-1 rule (each period on its own) on January 7, February 2, March 6 and the quarter 15."""
    levels = {"2025-01": [0] * 7, "2025-02": [0] * 2, "2025-03": [0] * 6}
    computed = table(tmp_path, ["2025-01", "2025-02", "2025-03", "2024-25-Q4"], ["restraint_incidents"],
                     restraint_incidents=incidents_per_month(levels))
    each_alone = np.concatenate([
        publish(group, suppress=True, threshold=5, categories={}).shown["hidden"].to_numpy()
        for _, group in computed.frame.groupby("period", sort=False)
    ])
    findings = audit_published(computed.frame.assign(hidden=each_alone), 5)
    assert [(str(f.quantity), f.kind, f.low) for f in findings] == [("restraint_incidents 2025-02", "exact", 2)]


# --- the classical pass over totals and parts ---------------------------------------------------------------


def _sweep_every_group(groups, hidden, costs):
    """The rule as written: sweep every group in order until a sweep changes nothing."""
    hidden, changed = set(hidden), True
    while changed:
        changed = False
        for total, parts in groups:
            hidden_parts = [p for p in parts if p in hidden]
            shown_parts = [p for p in parts if p not in hidden]
            if ((total not in hidden and len(hidden_parts) == 1) or (total in hidden and not hidden_parts)) \
                    and shown_parts:
                hidden.add(min(shown_parts, key=lambda p: costs.get(p, (False, False, float("inf"), 0, 0))))
                changed = True
    return hidden


def protect_groups(groups, hidden, costs):
    from dscp_metrics.disclosure.groups import Groups

    return Groups(groups).protect(hidden, costs)


def test_protect_groups_hand_case():
    # year = q1 + q2; q1 = m1 + m2. m1 hidden: q1 shows beside one hidden part, so m2 goes; q1 stays shown.
    groups = [("year", ["q1", "q2"]), ("q1", ["m1", "m2"])]
    assert protect_groups(groups, {"m1"}, {}) == {"m1", "m2"}
    # q1 hidden as well: the year shows beside one hidden part, so q2 goes too; q1 is hidden beside a hidden
    # part already, so m2 can show (m1 + q2 = year - m2: two unknowns, one equation)
    assert protect_groups(groups, {"m1", "q1"}, {}) == {"m1", "q1", "q2"}
    # a hidden total alone among shown parts is worked out from them: its cheapest part goes
    assert protect_groups([("t", ["a", "b"])], {"t"}, {"b": (False, False, 1.0, 0, 0)}) == {"t", "b"}


@given(st.integers(min_value=0, max_value=10_000))
@settings(max_examples=300, deadline=None)
def test_protect_groups_makes_the_choices_of_a_sweep_over_every_group(seed):
    import random

    rng = random.Random(seed)
    quantities, groups = random_groups(rng)
    hidden = set(rng.sample(quantities, rng.randint(0, 4)))
    costs = {q: (False, False, rng.random(), 0, q) for q in quantities if rng.random() < 0.8}
    assert protect_groups(groups, hidden, costs) == _sweep_every_group(groups, hidden, costs)


def random_groups(rng) -> tuple[list[int], list[tuple[int, list[int]]]]:
    """Up to 25 quantities and up to 12 groups of them, each a total and 2 to 5 parts."""
    quantities = list(range(rng.randint(4, 25)))
    groups = []
    for _ in range(rng.randint(1, 12)):
        members = rng.sample(quantities, rng.randint(3, min(6, len(quantities))))
        groups.append((members[0], members[1:]))
    return quantities, groups


@given(st.integers(min_value=0, max_value=10_000))
@settings(max_examples=200, deadline=None)
def test_protect_told_what_changed_gives_the_result_of_a_full_sweep(seed):
    import random

    from dscp_metrics.disclosure.groups import Groups

    rng = random.Random(seed)
    quantities, groups = random_groups(rng)
    costs = {q: (False, False, rng.random(), 0, q) for q in quantities}
    kept = Groups(groups)
    hidden = kept.protect(set(rng.sample(quantities, rng.randint(0, 3))), costs)
    for _ in range(3):  # suppression grows round by round, as `decide` grows it
        added = set(rng.sample(quantities, rng.randint(1, 3)))
        grown = kept.protect(hidden | added, costs, changed=added - hidden)
        assert grown == protect_groups(groups, hidden | added, costs)
        hidden = grown
