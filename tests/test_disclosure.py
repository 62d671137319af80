"""Small-number suppression (`dscp_metrics.disclosure`).

Hand-computed case tables for each rule, then property tests that model a reader
who knows every visible figure, every visible total or shared denominator, and that
hidden cells are whole numbers of at least 0, and check that such a reader can pin
down no hidden cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from dscp_metrics import disclosure
from dscp_metrics.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    is_small,
    suppress,
    suppression_summary,
)
from dscp_metrics.errors import ConfigError, DscpError, ParameterError

FIGURES = ["numerator", "denominator", "value", "lower_ci", "upper_ci"]
COLUMNS = ["indicator_id", "period", "breakdown", *FIGURES, "unit", "suppression_group", "is_group_total"]


# --- building indicator tables -------------------------------------------------


def row(indicator_id, breakdown, numerator, denominator=None, *, group=None, total=False, period="2024-25"):
    """One indicator-table row; value and a stand-in interval follow from the counts."""
    if denominator is None:
        unit, value = "count", float(numerator)
        denominator = np.nan
    else:
        unit = "%"
        value = numerator / denominator * 100 if denominator else np.nan
    lower, upper = (value * 0.5, value * 1.5 + 1) if not np.isnan(value) else (np.nan, np.nan)
    return {
        "indicator_id": indicator_id,
        "period": period,
        "breakdown": breakdown,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "lower_ci": lower,
        "upper_ci": upper,
        "unit": unit,
        "suppression_group": group,
        "is_group_total": total,
    }


def table(*rows):
    return pd.DataFrame(list(rows), columns=COLUMNS)


def count_group(indicator_id, key, cells, *, total=None, group=None):
    """A count breakdown: the `all` total row (sum of the cells unless given) then the cells."""
    group = group or f"{indicator_id}|2024-25"
    total = sum(cells) if total is None else total
    rows = [row(indicator_id, "all", total, group=group, total=True)]
    rows += [row(indicator_id, f"{key}={i + 1}", n, group=group) for i, n in enumerate(cells)]
    return rows


def share_group(indicator_id, key, cells, *, group=None):
    """A % breakdown with no total row: each cell over the sum of all cells."""
    group = group or f"{indicator_id}|2024-25"
    denominator = sum(cells)
    return [row(indicator_id, f"{key}={i + 1}", n, denominator, group=group) for i, n in enumerate(cells)]


def rate_group(indicator_id, key, cells, *, group=None):
    """A % breakdown with a total row whose numerator and denominator are the cells' sums
    (like `osa_green_share`); `cells` are (numerator, denominator) pairs."""
    group = group or f"{indicator_id}|2024-25"
    total_n = sum(n for n, _ in cells)
    total_d = sum(d for _, d in cells)
    rows = [row(indicator_id, "all", total_n, total_d, group=group, total=True)]
    rows += [row(indicator_id, f"{key}={i + 1}", n, d, group=group) for i, (n, d) in enumerate(cells)]
    return rows


def hidden_flags(result):
    return result["suppressed"].tolist()


def reasons(result):
    return result["suppression_reason"].tolist()


# --- primary suppression -------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "threshold", "hidden"),
    [
        (0, 5, False),
        (1, 5, True),
        (5, 5, True),
        (6, 5, False),
        (0, 10, False),
        (1, 10, True),
        (5, 10, True),
        (6, 10, True),
        (10, 10, True),
        (11, 10, False),
        (1, 1, True),
        (2, 1, False),
    ],
)
def test_a_count_from_1_to_the_threshold_is_hidden(count, threshold, hidden):
    result = suppress(table(row("csc_referrals", "all", count)), threshold=threshold)
    assert hidden_flags(result) == [hidden]
    assert reasons(result) == (["primary"] if hidden else [""])
    if hidden:
        assert result.loc[0, FIGURES].tolist() == [SUPPRESSED] * 5
    else:
        assert result.loc[0, "numerator"] == count and result.loc[0, "value"] == count


@pytest.mark.parametrize(
    ("numerator", "denominator", "threshold", "hidden"),
    [
        (3, 100, 5, True),  # small numerator
        (50, 4, 5, True),  # small denominator
        (0, 0, 5, False),  # denominator 0: no value, reveals nothing
        (0, 3, 5, True),  # 0% of a small group is still "none of 3"
        (0, 100, 5, False),
        (5, 100, 5, True),
        (6, 100, 5, False),
        (6, 6, 5, False),
        (100, 100, 5, False),
        (6, 100, 10, True),
        (50, 8, 10, True),
        (11, 11, 10, False),
    ],
)
def test_a_percentage_with_a_small_numerator_or_denominator_is_hidden(numerator, denominator, threshold, hidden):
    result = suppress(table(row("rereferral_rate", "all", numerator, denominator)), threshold=threshold)
    assert hidden_flags(result) == [hidden]
    assert reasons(result) == (["percentage"] if hidden else [""])


def test_a_percentage_with_denominator_0_keeps_its_empty_value():
    result = suppress(table(row("da_rereferral_rate", "all", 0, 0)))
    assert result.loc[0, "numerator"] == 0
    assert result.loc[0, "denominator"] == 0
    assert pd.isna(result.loc[0, "value"]) and pd.isna(result.loc[0, "lower_ci"]) and pd.isna(result.loc[0, "upper_ci"])


def test_a_row_in_no_group_gets_primary_suppression_only():
    result = suppress(table(row("csc_referrals", "all", 3), row("csc_referrals", "all", 40, period="2024-25-Q1")))
    assert hidden_flags(result) == [True, False]


# --- secondary suppression: hand-computed groups ------------------------------

RESTRAINT_CASES = [
    # levels -> hidden flags of (all, level 1, level 2, level 3) and reasons
    ([27, 1, 1], [False, False, True, True], ["", "", "primary", "primary"]),
    ([28, 1, 0], [False, False, True, True], ["", "", "primary", "secondary"]),
    ([20, 3, 40], [False, True, True, False], ["", "secondary", "primary", ""]),  # next smallest of large siblings
    ([20, 3, 20], [False, True, True, False], ["", "secondary", "primary", ""]),  # tie: the first in row order
    ([0, 0, 0], [False, False, False, False], ["", "", "", ""]),
    ([30, 6, 7], [False, False, False, False], ["", "", "", ""]),
    ([2, 1, 1], [True, True, True, True], ["primary"] * 4),  # the total itself is small
]


@pytest.mark.parametrize(("levels", "hidden", "why"), RESTRAINT_CASES)
def test_restraint_injuries_by_level(levels, hidden, why):
    result = suppress(table(*count_group("restraint_injuries", "injury_level", levels)))
    assert hidden_flags(result) == hidden
    assert reasons(result) == why


def test_a_hidden_total_protects_a_single_hidden_cell():
    # all = 4 (hidden), levels 4/0/0: the 4 cannot be worked out without the total
    result = suppress(table(*count_group("restraint_injuries", "injury_level", [4, 0, 0])))
    assert hidden_flags(result) == [True, True, False, False]
    assert reasons(result) == ["primary", "primary", "", ""]


@pytest.mark.parametrize(
    ("levels", "hidden", "why"),
    [
        ([27, 1, 1], [False, True, True], ["", "percentage", "percentage"]),
        ([28, 1, 0], [False, True, True], ["", "percentage", "secondary"]),
        ([40, 2, 9, 12], [False, True, True, False], ["", "percentage", "secondary", ""]),
        ([2, 1, 0], [True, True, True], ["percentage"] * 3),  # shared denominator 3 is small
        ([0, 0, 0], [False, False, False], ["", "", ""]),  # denominator 0: nothing to hide
    ],
)
def test_a_share_breakdown_with_no_total_row(levels, hidden, why):
    result = suppress(table(*share_group("restraint_injury_level_share", "injury_level", levels)))
    assert hidden_flags(result) == hidden
    assert reasons(result) == why


def test_osa_rating_share_for_one_section():
    group = "osa_rating_share|2024-25|section=leadership"
    rows = [
        row("osa_rating_share", f"section=leadership;rating={rating}", n, 42, group=group)
        for rating, n in [("Red", 2), ("Amber", 10), ("Green", 30)]
    ]
    result = suppress(table(*rows))
    assert hidden_flags(result) == [True, True, False]
    assert reasons(result) == ["percentage", "secondary", ""]


def test_osa_green_share_hides_a_small_section_and_the_next_smallest():
    # total row 33/72; sections (2/8 small numerator), 6/20, 25/44
    result = suppress(table(*rate_group("osa_green_share", "section", [(2, 8), (6, 20), (25, 44)])))
    assert hidden_flags(result) == [False, True, True, False]
    assert reasons(result) == ["", "percentage", "secondary", ""]


def test_a_hidden_section_with_no_greens_is_paired_with_one_that_has_some():
    # section 1 is 0 of 3 (hidden: small denominator). Hiding section 2 (0 of 20) as well
    # would still show that both have no greens (33 - 33 = 0), so section 3 is hidden instead.
    result = suppress(table(*rate_group("osa_green_share", "section", [(0, 3), (0, 20), (10, 37), (23, 40)])))
    assert hidden_flags(result) == [False, True, False, True, False]
    assert reasons(result) == ["", "percentage", "", "secondary", ""]


def test_two_hidden_sections_with_no_greens_are_joined_by_one_with_some():
    # sections 1 and 2 are hidden (small denominators) but the total shows they hold 0 greens between them
    result = suppress(table(*rate_group("osa_green_share", "section", [(0, 3), (0, 4), (12, 30), (9, 40)])))
    assert hidden_flags(result) == [False, True, True, False, True]
    assert reasons(result) == ["", "percentage", "percentage", "", "secondary"]


def test_the_total_row_is_hidden_when_no_sibling_can_protect_the_cell():
    # no greens anywhere: the visible total 0 would show the hidden section has none
    result = suppress(table(*rate_group("osa_green_share", "section", [(0, 3), (0, 37)])))
    assert hidden_flags(result) == [True, True, False]
    assert reasons(result) == ["secondary", "percentage", ""]


@pytest.mark.parametrize(
    ("rows", "hidden"),
    [
        (count_group("cevt_referrals", "exploitation_type", [3]), [True, True]),
        (count_group("cevt_referrals", "exploitation_type", [12]), [False, False]),
        (share_group("restraint_injury_level_share", "injury_level", [3]), [True]),
        (share_group("restraint_injury_level_share", "injury_level", [12]), [False]),
        # a total row beside a single hidden cell that does not add up to it is still hidden
        (count_group("cevt_referrals", "exploitation_type", [3], total=20), [True, True]),
    ],
)
def test_a_group_with_a_single_cell(rows, hidden):
    assert hidden_flags(suppress(table(*rows))) == hidden


def test_cevt_referrals_quarter_example():
    rows = count_group("cevt_referrals", "exploitation_type", [15, 6, 2], group="cevt_referrals|2024-25-Q1")
    result = suppress(table(*rows))
    assert result["breakdown"].tolist() == ["all", "exploitation_type=1", "exploitation_type=2", "exploitation_type=3"]
    assert hidden_flags(result) == [False, False, True, True]
    assert result.loc[0, "numerator"] == 23


def test_groups_are_protected_independently_and_rows_keep_their_order():
    rows = [
        *count_group("restraint_injuries", "injury_level", [27, 1, 1]),
        row("csc_referrals", "all", 140),
        *count_group("cevt_referrals", "exploitation_type", [20, 3, 40]),
    ]
    frame = table(*rows)
    frame.index = [f"r{i}" for i in range(len(frame))]  # a non-default index is kept
    shuffled = frame.iloc[[4, 0, 7, 1, 5, 2, 8, 3, 6]]
    result = suppress(shuffled)
    assert result.index.tolist() == shuffled.index.tolist()
    assert result["breakdown"].tolist() == shuffled["breakdown"].tolist()
    hidden = {"r2", "r3", "r6", "r7"}  # the two 1s; the 3 and the 20 beside it
    assert result["suppressed"].to_dict() == {label: label in hidden for label in shuffled.index}


# --- the shape of the result ---------------------------------------------------


def example_table():
    return table(
        *count_group("restraint_injuries", "injury_level", [28, 1, 0]),
        *share_group("restraint_injury_level_share", "injury_level", [28, 1, 0]),
        row("rereferral_rate", "all", 3, 100),
        row("da_rereferral_rate", "all", 0, 0),
        row("csc_referrals", "all", 0),
    )


def test_the_input_frame_is_not_changed():
    frame = example_table()
    before = frame.copy(deep=True)
    dtypes = frame.dtypes.copy()
    suppress(frame)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_series_equal(frame.dtypes, dtypes)
    assert "suppressed" not in frame.columns


def test_hidden_rows_show_the_gss_symbol_in_all_five_figure_columns():
    result = suppress(example_table())
    hidden = result["suppressed"].to_numpy()
    assert hidden.sum() == 5
    for column in FIGURES:
        assert result[column].dtype == object
        assert result.loc[hidden, column].tolist() == ["[c]"] * 5
        assert SUPPRESSED not in result.loc[~hidden, column].tolist()


def test_hidden_rows_hide_their_confidence_interval():
    result = suppress(table(row("rereferral_rate", "all", 3, 100)))
    assert result.loc[0, "lower_ci"] == "[c]" and result.loc[0, "upper_ci"] == "[c]"
    assert result.loc[0, "value"] == "[c]"


def test_shown_rows_keep_their_figures():
    frame = example_table()
    result = suppress(frame)
    shown = ~result["suppressed"].to_numpy()
    for column in FIGURES:
        original = pd.to_numeric(frame.loc[shown, column]).to_numpy(dtype=float)
        kept = pd.to_numeric(result.loc[shown, column]).to_numpy(dtype=float)
        np.testing.assert_array_equal(kept, original)


def test_the_result_adds_suppressed_and_reason_columns():
    result = suppress(example_table())
    assert list(result.columns) == [*COLUMNS, "suppressed", "suppression_reason"]
    assert result["suppressed"].dtype == bool
    assert set(result["suppression_reason"]) == {"", "primary", "percentage", "secondary"}


def test_pandas_nullable_and_str_dtypes_are_accepted():
    frame = table(*count_group("restraint_injuries", "injury_level", [28, 1, 0]), row("rereferral_rate", "all", 3, 100))
    frame = frame.astype(
        {"numerator": "Int64", "denominator": "Int64", "suppression_group": "str", "is_group_total": "boolean"}
    )
    frame.loc[4, "is_group_total"] = pd.NA
    result = suppress(frame)
    assert hidden_flags(result) == [False, False, True, True, True]
    assert pd.isna(result.loc[1, "denominator"])


def test_an_empty_table_gives_an_empty_result():
    result = suppress(table())
    assert result.empty
    assert {"suppressed", "suppression_reason"} <= set(result.columns)


# --- validation ----------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0, -1, 2.5, 5.0, "5", True, None])
def test_a_bad_threshold_is_refused_in_plain_english(threshold):
    with pytest.raises(ConfigError, match="suppression threshold must be"):
        suppress(example_table(), threshold=threshold)
    with pytest.raises(ConfigError, match="suppression threshold must be"):
        is_small([1, 2], threshold)


def test_a_numpy_integer_threshold_is_accepted():
    result = suppress(table(row("csc_referrals", "all", 3)), threshold=np.int64(2))
    assert hidden_flags(result) == [False]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="suppression_group"), "no column\\(s\\) suppression_group"),
        (lambda f: f.assign(unit="percent"), "unit must be 'count' or '%'"),
        (lambda f: f.assign(is_group_total=True), "has 3 total rows; it may have at most one"),
        (
            lambda f: f.assign(suppression_group=None, is_group_total=[True, False, False]),
            "belong to no suppression_group",
        ),
        (lambda f: suppress(f), "already been suppressed"),
    ],
)
def test_a_malformed_table_is_refused_in_plain_english(change, message):
    frame = table(*count_group("restraint_injuries", "injury_level", [28, 1]))
    with pytest.raises(ParameterError, match=message):
        suppress(change(frame))


def test_errors_are_the_projects_own():
    assert issubclass(ConfigError, DscpError) and issubclass(ParameterError, DscpError)


# --- is_small ------------------------------------------------------------------


def test_is_small_marks_1_to_the_threshold():
    counts = [0, 1, 5, 6, 10, 11, -1, None, np.nan, pd.NA, "[c]"]
    assert is_small(counts, 5).tolist() == [False, True, True, False, False, False, False, False, False, False, False]
    assert is_small(counts, 10).tolist() == [False, True, True, True, True, False, False, False, False, False, False]
    assert is_small(pd.Series([3, 7]), 5).tolist() == [True, False]
    assert bool(is_small(3, 5)) and not bool(is_small(0, 5))


# --- suppression_summary -------------------------------------------------------


def test_the_summary_counts_hidden_cells_per_indicator_and_reason():
    summary = suppression_summary(suppress(example_table()))
    assert summary.to_dict("records") == [
        {"indicator_id": "restraint_injuries", "suppression_reason": "primary", "cells": 1},
        {"indicator_id": "restraint_injuries", "suppression_reason": "secondary", "cells": 1},
        {"indicator_id": "restraint_injury_level_share", "suppression_reason": "percentage", "cells": 1},
        {"indicator_id": "restraint_injury_level_share", "suppression_reason": "secondary", "cells": 1},
        {"indicator_id": "rereferral_rate", "suppression_reason": "percentage", "cells": 1},
    ]


def test_the_publishable_summary_has_no_reasons():
    summary = suppression_summary(suppress(example_table()), by_reason=False)
    assert summary.to_dict("records") == [
        {"indicator_id": "restraint_injuries", "cells": 2},
        {"indicator_id": "restraint_injury_level_share", "cells": 2},
        {"indicator_id": "rereferral_rate", "cells": 1},
    ]


def test_the_summary_of_a_table_with_nothing_hidden_is_empty():
    summary = suppression_summary(suppress(table(row("csc_referrals", "all", 40))))
    assert summary.empty
    assert list(summary.columns) == ["indicator_id", "suppression_reason", "cells"]


def test_the_summary_needs_a_suppressed_table():
    with pytest.raises(ParameterError, match="pass the result of suppress"):
        suppression_summary(example_table())


# --- the reader model ----------------------------------------------------------
#
# A reader sees the published table: every figure not shown as [c], the group's
# total row if shown, the shared denominator of a %-breakdown if any sibling shows
# it, and knows each hidden cell is a whole number >= 0 (a numerator no larger than
# its denominator). For each hidden cell we compute exactly which values are
# consistent with what is shown, by dynamic programming over the sums the other
# hidden cells can make, and require at least two.


def _plus_any_count(reachable: np.ndarray) -> np.ndarray:
    """Sums reachable after adding one more cell that may be any whole number >= 0."""
    return np.logical_or.accumulate(reachable)


def _plus_any_rate(reachable: np.ndarray) -> np.ndarray:
    """(numerator, denominator) sums reachable after adding a cell with 0 <= n <= d."""
    prefix = np.logical_or.accumulate(reachable, axis=1)  # any d >= 0 added
    out = np.zeros_like(reachable)
    for n in range(min(reachable.shape)):
        out[n:, n:] |= prefix[: reachable.shape[0] - n, : reachable.shape[1] - n]
    return out


def _shown(value):
    return None if isinstance(value, str) and value == SUPPRESSED else value


def reader_problems(original: pd.DataFrame, published: pd.DataFrame, threshold: int) -> list[str]:
    """Every way in which `published` gives away a small number, as sentences."""
    problems: list[str] = []
    for position in range(len(published)):
        unit = published["unit"].iloc[position]
        n, d = _shown(published["numerator"].iloc[position]), _shown(published["denominator"].iloc[position])
        shown_counts = [n] if unit == "count" else [n, d]
        if any(x is not None and 1 <= x <= threshold for x in shown_counts):
            problems.append(f"row {position} shows a small number {shown_counts}")
        if (n is None) != bool(published["suppressed"].iloc[position]):
            problems.append(f"row {position}: the suppressed flag does not match its [c]")

    groups = original["suppression_group"]
    for group_id in pd.unique(groups.dropna()):
        members = np.flatnonzero(groups.eq(group_id).to_numpy())
        is_total = original["is_group_total"].to_numpy()[members].astype(bool)
        total = members[is_total][0] if is_total.any() else None
        cells = members[~is_total]
        shown_n = [_shown(published["numerator"].iloc[p]) for p in cells]
        shown_d = [_shown(published["denominator"].iloc[p]) for p in cells]
        hidden = [i for i, v in enumerate(shown_n) if v is None]
        two_dimensional = total is not None and original["unit"].iloc[total] == "%"

        if total is not None and _shown(published["numerator"].iloc[total]) is None and not hidden:
            problems.append(f"group {group_id}: hidden total is the sum of the shown cells")
        if total is not None:
            total_n = _shown(published["numerator"].iloc[total])
            total_d = _shown(published["denominator"].iloc[total]) if two_dimensional else None
        else:  # the shared denominator, shown on any unhidden sibling
            total_n = next((d for d in shown_d if d is not None), None)
            total_d = None
        if total_n is None or not hidden:
            continue  # with no known total every hidden cell could be anything

        sum_n = int(round(total_n - sum(v for v in shown_n if v is not None)))
        if not two_dimensional:
            for i in hidden:
                reachable = np.zeros(sum_n + 1, dtype=bool)
                reachable[0] = True
                for _ in range(len(hidden) - 1):
                    reachable = _plus_any_count(reachable)
                possible = [v for v in range(sum_n + 1) if reachable[sum_n - v]]
                true_value = original["numerator"].iloc[cells[i]]
                assert true_value in possible, "the reader model must admit the true value"
                if len(possible) < 2:
                    problems.append(f"group {group_id}: cell {i} can only be {possible}")
        else:
            sum_d = int(round(total_d - sum(v for v in shown_d if v is not None)))
            for i in hidden:
                reachable = np.zeros((sum_n + 1, sum_d + 1), dtype=bool)
                reachable[0, 0] = True
                for _ in range(len(hidden) - 1):
                    reachable = _plus_any_rate(reachable)
                pairs = [
                    (a, b) for a in range(sum_n + 1) for b in range(a, sum_d + 1) if reachable[sum_n - a, sum_d - b]
                ]
                true_pair = (original["numerator"].iloc[cells[i]], original["denominator"].iloc[cells[i]])
                assert true_pair in pairs, "the reader model must admit the true value"
                if len({a for a, _ in pairs}) < 2 or len({b for _, b in pairs}) < 2:
                    problems.append(f"group {group_id}: cell {i} narrowed to {sorted(set(pairs))[:4]}")
    return problems


def test_the_reader_model_finds_a_lone_hidden_cell():
    frame = table(*count_group("restraint_injuries", "injury_level", [28, 1, 0]))
    published = frame.astype({c: object for c in FIGURES}).assign(suppressed=[False, False, True, False])
    published.loc[2, FIGURES] = SUPPRESSED
    assert reader_problems(frame, published, 5) == ["group restraint_injuries|2024-25: cell 1 can only be [1]"]


def test_the_reader_model_finds_a_shown_small_number():
    frame = table(row("csc_referrals", "all", 3))
    problems = reader_problems(frame, frame.assign(suppressed=False), 5)
    assert len(problems) == 1 and problems[0].startswith("row 0 shows a small number")


# --- property tests --------------------------------------------------------------

cell_counts = st.one_of(st.integers(0, 7), st.integers(0, 30))
thresholds = st.one_of(st.just(DEFAULT_THRESHOLD), st.integers(1, 10))


@st.composite
def groups(draw):
    """One random breakdown: a count with a total row, a share with no total row, or a
    rate with a total row whose numerators and denominators add up."""
    kind = draw(st.sampled_from(["count", "share", "rate"]))
    label = f"g{draw(st.integers(0, 10**6))}"
    if kind == "count":
        return count_group(label, "k", draw(st.lists(cell_counts, min_size=1, max_size=6)), group=label)
    if kind == "share":
        return share_group(label, "k", draw(st.lists(cell_counts, min_size=1, max_size=6)), group=label)
    greens = st.one_of(st.just(0), st.integers(0, 8))
    pairs = draw(st.lists(st.tuples(greens, st.integers(0, 8)), min_size=1, max_size=5))
    return rate_group(label, "k", [(n, n + extra) for n, extra in pairs], group=label)


@st.composite
def tables(draw):
    """A few groups and an ungrouped row, rows in a random order."""
    drawn = draw(st.lists(groups(), min_size=1, max_size=3, unique_by=lambda g: g[0]["suppression_group"]))
    rows = [r for group in drawn for r in group]
    rows.append(row("csc_referrals", "all", draw(cell_counts)))
    frame = table(*rows)
    order = draw(st.permutations(range(len(frame))))
    return frame.iloc[list(order)].reset_index(drop=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=tables(), threshold=thresholds)
def test_no_hidden_cell_can_be_worked_out(frame, threshold):
    before = frame.copy(deep=True)
    published = suppress(frame, threshold=threshold)
    pd.testing.assert_frame_equal(frame, before)
    assert published["breakdown"].tolist() == frame["breakdown"].tolist()
    assert reader_problems(frame, published, threshold) == []


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(cell_counts, min_size=1, max_size=6), threshold=thresholds)
def test_count_breakdowns_hide_exactly_the_small_cells_plus_at_most_one(cells, threshold):
    published = suppress(table(*count_group("g", "k", cells)), threshold=threshold)
    small = is_small(cells, threshold)
    hidden = published["suppressed"].to_numpy()[1:]
    assert (hidden[small]).all()
    extra = int(hidden.sum() - small.sum())
    assert extra == (1 if small.sum() == 1 and not is_small(sum(cells), threshold) and len(cells) > 1 else 0)


def suppress_without_secondary(frame, threshold=DEFAULT_THRESHOLD):
    original = disclosure._protect_group
    disclosure._protect_group = lambda *args: []
    try:
        return suppress(frame, threshold)
    finally:
        disclosure._protect_group = original


def suppress_secondary_ignoring_zero_sums(frame, threshold=DEFAULT_THRESHOLD):
    """A plausible wrong version: always hides the smallest other cell, even a 0 beside a 0."""

    def smallest_only(cells, total, numerator, denominator, hidden):
        hidden_cells = cells[hidden[cells]]
        visible = cells[~hidden[cells]]
        total_visible = (not hidden[total]) if total is not None else visible.size > 0
        if hidden_cells.size == 1 and total_visible:
            if visible.size:
                return [int(visible[np.lexsort((visible, numerator[visible]))[0]])]
            return [total] if total is not None else []
        return []

    original = disclosure._protect_group
    disclosure._protect_group = smallest_only
    try:
        return suppress(frame, threshold)
    finally:
        disclosure._protect_group = original


def single_rate_groups():
    """Tables holding one `osa_green_share`-like group (where a hidden 0 can be given away)."""
    pairs = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30)), min_size=2, max_size=5)
    return pairs.map(lambda cells: table(*rate_group("g", "k", [(n, n + extra) for n, extra in cells])))


@pytest.mark.parametrize(
    ("wrong_suppress", "examples"),
    [
        (suppress_without_secondary, groups().map(lambda rows: table(*rows))),
        (suppress_secondary_ignoring_zero_sums, single_rate_groups()),
    ],
)
def test_the_property_catches_a_wrong_version(wrong_suppress, examples):
    def leaks(frame):
        return bool(reader_problems(frame, wrong_suppress(frame), DEFAULT_THRESHOLD))

    counterexample = find(examples, leaks, settings=settings(max_examples=1000, database=None, deadline=None))
    assert leaks(counterexample)
    assert not reader_problems(counterexample, suppress(counterexample), DEFAULT_THRESHOLD)
