"""Financial-year periods (indicators.md, "Periods"); every expected value is worked out by hand."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from dscp_metrics.errors import PeriodError
from dscp_metrics.periods import (
    ACCEPTED_FORMS,
    Period,
    months_before,
    parse_date,
    parse_period,
    parse_periods,
    quarter_of,
    quarters_between,
    twelve_months_before,
    year_of,
)

Q1_2024 = Period(2024, 1)
Q2_2024 = Period(2024, 2)
Q3_2024 = Period(2024, 3)
Q4_2024 = Period(2024, 4)
FY_2024 = Period(2024, None)


# --- parsing periods ---------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-25-Q1", Q1_2024),
        ("2024/25 Q1", Q1_2024),
        ("2024-25", FY_2024),
        ("2024/25", FY_2024),
        ("2024-25 Q2", Q2_2024),
        ("2024/25-Q3", Q3_2024),
        ("Q4 2024/25", Q4_2024),
        ("Q4 2024-25", Q4_2024),
        ("2024-25-q1", Q1_2024),
        ("q2 2024/25", Q2_2024),
        ("  2024-25-Q1  ", Q1_2024),
        ("2024/25   Q1", Q1_2024),
        ("Q1   2024-25", Q1_2024),
        ("\t2024-25\n", FY_2024),
        ("2024 - 25 - Q1", Q1_2024),
        ("1999-00", Period(1999, None)),
        ("1999-00-Q4", Period(1999, 4)),
        ("2009-10-Q1", Period(2009, 1)),
    ],
)
def test_parse_period_accepts(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-Q5", None),
        ("2024", None),
        ("2024-25-Q", None),
        ("2024-25Q1", None),
        ("2024-2025", None),
        ("24-25", None),
        ("FY2024-25", None),
        ("Q1", None),
        ("", None),
        ("   ", None),
        ("2024-25-Q1-Q2", None),
        ("2024_25", None),
        ("2024-26", "2024 is followed by 25"),
        ("2024/24 Q1", "2024 is followed by 25"),
        ("1999-99", "1999 is followed by 00"),
        ("2024-25-Q5", "there is no quarter Q5"),
        ("2024-25-Q0", "there is no quarter Q0"),
        ("Q12 2024/25", "there is no quarter Q12"),
    ],
)
def test_parse_period_rejects_with_accepted_forms(text, reason):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert message.startswith(f"{text!r} is not a period: ")
    assert message.endswith(f"use {ACCEPTED_FORMS}")
    if reason is not None:
        assert reason in message


def test_rejection_message_reads_as_documented():
    with pytest.raises(PeriodError) as caught:
        parse_period("2024-Q5")
    assert str(caught.value) == (
        "'2024-Q5' is not a period: use a month like 2024-05 or 'May 2024', a quarter like 2024-25-Q1 "
        "or '2024/25 Q1', or a financial year like 2024-25"
    )


@pytest.mark.parametrize("value", [2024, None, 2024.25, date(2024, 4, 1)])
def test_parse_period_rejects_non_text(value):
    with pytest.raises(PeriodError, match="is not a period"):
        parse_period(value)


def test_period_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_period("nonsense")


def test_parse_period_returns_a_period_unchanged():
    assert parse_period(Q3_2024) is Q3_2024


@pytest.mark.parametrize(
    "period", [Period(2023, q) for q in (None, 1, 2, 3, 4)] + [Period(1999, 4)]
)
def test_code_and_label_parse_back(period):
    assert parse_period(period.code) == period
    assert parse_period(period.label) == period
    assert parse_period(str(period)) == period


@pytest.mark.parametrize(
    ("start_year", "quarter"),
    [(2024, 0), (2024, 5), (2024, "1"), (2024, True), ("2024", 1), (2024.0, None), (0, None)],
)
def test_period_rejects_impossible_fields(start_year, quarter):
    with pytest.raises(PeriodError):
        Period(start_year, quarter)


def test_period_is_frozen_and_hashable():
    with pytest.raises(FrozenInstanceError):
        Q1_2024.quarter = 2
    assert {Period(2024, 1), parse_period("2024/25 Q1")} == {Q1_2024}


# --- parse_periods ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["2024-25-Q2", "2024-25-Q1"], [Q2_2024, Q1_2024]),
        (["2024-25-Q1", "2024/25 Q1", "q1 2024-25", Q1_2024], [Q1_2024]),
        (["2024-25-Q3", "2024-25", "2024-25-Q3", "2024/25"], [Q3_2024, FY_2024]),
        (("2024-25-Q4", Q2_2024), [Q4_2024, Q2_2024]),
        ("2024-25-Q1", [Q1_2024]),
        ("2024-25-Q1, 2024/25 Q2,2024-25-Q1", [Q1_2024, Q2_2024]),
        (["2024-25-Q1,2024-25-Q2", "2024-25-Q3"], [Q1_2024, Q2_2024, Q3_2024]),
        (Q3_2024, [Q3_2024]),
        ([], []),
    ],
)
def test_parse_periods_keeps_order_and_drops_duplicates(texts, expected):
    assert parse_periods(texts) == expected


def test_parse_periods_reports_every_bad_entry():
    with pytest.raises(PeriodError) as caught:
        parse_periods(["2024-25-Q1", "2024-Q5", "2024-26"])
    message = str(caught.value)
    assert "'2024-Q5' is not a period" in message
    assert "'2024-26' is not a period" in message
    assert "'2024-25-Q1'" not in message


# --- names ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("period", "kind", "code", "label"),
    [
        (Q1_2024, "quarter", "2024-25-Q1", "Q1 2024/25"),
        (Q4_2024, "quarter", "2024-25-Q4", "Q4 2024/25"),
        (FY_2024, "year", "2024-25", "2024/25"),
        (Period(1999, 2), "quarter", "1999-00-Q2", "Q2 1999/00"),
        (Period(2009), "year", "2009-10", "2009/10"),
    ],
)
def test_kind_code_and_label(period, kind, code, label):
    assert period.kind == kind
    assert period.code == code
    assert str(period) == code
    assert period.label == label


# --- first and last days, months, contains -----------------------------------------

@pytest.mark.parametrize(
    ("period", "first_day", "last_day"),
    [
        (Q1_2024, date(2024, 4, 1), date(2024, 6, 30)),
        (Q2_2024, date(2024, 7, 1), date(2024, 9, 30)),
        (Q3_2024, date(2024, 10, 1), date(2024, 12, 31)),
        (Q4_2024, date(2025, 1, 1), date(2025, 3, 31)),
        (FY_2024, date(2024, 4, 1), date(2025, 3, 31)),
        (Period(2023, 4), date(2024, 1, 1), date(2024, 3, 31)),
        (Period(1999, 4), date(2000, 1, 1), date(2000, 3, 31)),
    ],
)
def test_first_and_last_day(period, first_day, last_day):
    assert period.first_day == first_day
    assert period.last_day == last_day


@pytest.mark.parametrize(
    ("period", "months"),
    [
        (Q1_2024, [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]),
        (Q3_2024, [date(2024, 10, 1), date(2024, 11, 1), date(2024, 12, 1)]),
        (Q4_2024, [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]),
        (
            FY_2024,
            [date(2024, m, 1) for m in range(4, 13)] + [date(2025, m, 1) for m in (1, 2, 3)],
        ),
    ],
)
def test_months(period, months):
    assert period.months() == months


@pytest.mark.parametrize(
    ("period", "day", "inside"),
    [
        (Q1_2024, date(2024, 3, 31), False),
        (Q1_2024, date(2024, 4, 1), True),
        (Q1_2024, date(2024, 6, 30), True),
        (Q1_2024, date(2024, 7, 1), False),
        (Q4_2024, date(2024, 12, 31), False),
        (Q4_2024, date(2025, 1, 1), True),
        (Q4_2024, date(2025, 3, 31), True),
        (FY_2024, date(2024, 4, 1), True),
        (FY_2024, date(2025, 3, 31), True),
        (FY_2024, date(2025, 4, 1), False),
        (FY_2024, date(2024, 3, 31), False),
    ],
)
def test_contains_includes_first_and_last_day(period, day, inside):
    assert period.contains(day) is inside


# --- neighbours ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (Q1_2024, Period(2023, 4)),
        (Q2_2024, Q1_2024),
        (Q4_2024, Q3_2024),
        (FY_2024, Period(2023)),
        (Period(2000, 1), Period(1999, 4)),
    ],
)
def test_previous(period, previous):
    assert period.previous() == previous


@pytest.mark.parametrize(
    ("period", "earlier"),
    [
        (Q1_2024, Period(2023, 1)),
        (Q4_2024, Period(2023, 4)),
        (FY_2024, Period(2023)),
    ],
)
def test_year_earlier(period, earlier):
    assert period.year_earlier() == earlier


@pytest.mark.parametrize(
    ("period", "quarters"),
    [
        (FY_2024, [Q1_2024, Q2_2024, Q3_2024, Q4_2024]),
        (Q3_2024, [Q3_2024]),
    ],
)
def test_quarters(period, quarters):
    assert period.quarters() == quarters


def test_quarters_sort_in_time_order():
    shuffled = [Q4_2024, Period(2025, 1), Period(2023, 4), Q1_2024]
    assert sorted(shuffled) == [Period(2023, 4), Q1_2024, Q4_2024, Period(2025, 1)]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (Q1_2024, Q1_2024, [Q1_2024]),
        (Q2_2024, Q4_2024, [Q2_2024, Q3_2024, Q4_2024]),
        (Period(2023, 3), Q2_2024, [Period(2023, 3), Period(2023, 4), Q1_2024, Q2_2024]),
        ("2024/25 Q3", "2025-26-Q1", [Q3_2024, Q4_2024, Period(2025, 1)]),
        (FY_2024, FY_2024, [Q1_2024, Q2_2024, Q3_2024, Q4_2024]),
        (Period(2023), Q1_2024, [Period(2023, q) for q in (1, 2, 3, 4)] + [Q1_2024]),
    ],
)
def test_quarters_between_is_inclusive(first, last, expected):
    assert quarters_between(first, last) == expected


def test_quarters_between_rejects_a_backward_range():
    with pytest.raises(PeriodError, match="2024-25-Q1 comes before 2024-25-Q2"):
        quarters_between(Q2_2024, Q1_2024)


def test_quarters_between_eight_quarters_span_two_years():
    quarters = quarters_between("2023-24-Q1", "2024-25-Q4")
    assert len(quarters) == 8
    assert quarters[3] == Period(2023, 4)
    assert quarters[4] == Q1_2024


# --- the period a date falls in -------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "quarter", "year"),
    [
        (date(2025, 3, 31), Period(2024, 4), Period(2024)),
        (date(2025, 4, 1), Period(2025, 1), Period(2025)),
        (date(2024, 6, 30), Q1_2024, FY_2024),
        (date(2024, 7, 1), Q2_2024, FY_2024),
        (date(2024, 9, 30), Q2_2024, FY_2024),
        (date(2024, 10, 1), Q3_2024, FY_2024),
        (date(2024, 12, 31), Q3_2024, FY_2024),
        (date(2025, 1, 1), Q4_2024, FY_2024),
        (date(2024, 2, 29), Period(2023, 4), Period(2023)),
    ],
)
def test_quarter_of_and_year_of(day, quarter, year):
    assert quarter_of(day) == quarter
    assert year_of(day) == year


# --- calendar months -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2025, 2, 28), 12, date(2024, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2023, 3, 31), 1, date(2023, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2023, 5, 31), 3, date(2023, 2, 28)),
        (date(2024, 7, 31), 1, date(2024, 6, 30)),
        (date(2024, 1, 15), 1, date(2023, 12, 15)),
        (date(2024, 4, 2), 12, date(2023, 4, 2)),
        (date(2024, 4, 1), 0, date(2024, 4, 1)),
        (date(2024, 3, 31), 25, date(2022, 2, 28)),
        (date(2023, 2, 28), -12, date(2024, 2, 28)),
        (date(2024, 1, 31), -1, date(2024, 2, 29)),
    ],
)
def test_months_before(day, n, expected):
    assert months_before(day, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2025, 4, 2), date(2024, 4, 2)),
        (date(2025, 1, 1), date(2024, 1, 1)),
    ],
)
def test_twelve_months_before(day, expected):
    assert twelve_months_before(day) == expected


@pytest.mark.parametrize(
    ("period", "lookback_start"),
    [
        (Q1_2024, date(2023, 4, 1)),
        (Q4_2024, date(2024, 1, 1)),
        (FY_2024, date(2023, 4, 1)),
    ],
)
def test_lookback_start(period, lookback_start):
    assert period.lookback_start() == lookback_start


@pytest.mark.parametrize(
    ("period", "window"),
    [
        (Q1_2024, (date(2023, 7, 1), date(2024, 6, 30))),
        (Q3_2024, (date(2024, 1, 1), date(2024, 12, 31))),
        (Q4_2024, (date(2024, 4, 1), date(2025, 3, 31))),
        (FY_2024, (date(2024, 4, 1), date(2025, 3, 31))),
        (Period(2023, 3), (date(2023, 1, 1), date(2023, 12, 31))),
    ],
)
def test_rolling_12_months(period, window):
    assert period.rolling_12_months() == window


# --- dates typed by a user ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-03", date(2024, 4, 3)),
        ("03/04/2024", date(2024, 4, 3)),
        ("3/4/2024", date(2024, 4, 3)),
        ("12/01/2025", date(2025, 1, 12)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29)),
        ("  31/03/2025 ", date(2025, 3, 31)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


def test_parse_date_returns_a_date_unchanged():
    assert parse_date(date(2024, 4, 3)) == date(2024, 4, 3)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2024", "February 2024 has 29 days"),
        ("29/02/2023", "February 2023 has 28 days"),
        ("2024-02-30", "February 2024 has 29 days"),
        ("00/01/2024", "January 2024 has 31 days"),
        ("2024-13-01", "there is no month 13"),
        ("01/13/2024", "there is no month 13"),
        ("0000-01-01", "there is no year 0"),
        ("2024/04/03", None),
        ("03-04-2024", None),
        ("3 April 2024", None),
        ("20240403", None),
        ("03/04/24", None),
        ("2024-4-3", None),
        ("", None),
    ],
)
def test_parse_date_rejects(text, reason):
    with pytest.raises(PeriodError) as caught:
        parse_date(text)
    message = str(caught.value)
    assert message.startswith(f"{text!r} is not a date: ")
    assert message.endswith("use YYYY-MM-DD or DD/MM/YYYY (day first)")
    if reason is not None:
        assert reason in message


@pytest.mark.parametrize("value", [None, 20240403])
def test_parse_date_rejects_non_text(value):
    with pytest.raises(PeriodError, match="is not a date"):
        parse_date(value)


# --- calendar months as periods ----------------------------------------------------------

MAY_2024 = Period.calendar_month(2024, 5)
FEB_2025 = Period.calendar_month(2025, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05", MAY_2024),
        ("2024/05", MAY_2024),
        ("2024-5", MAY_2024),
        ("May 2024", MAY_2024),
        ("may 2024", MAY_2024),
        ("  MAY   2024 ", MAY_2024),
        ("2025-02", FEB_2025),
        ("Feb 2025", FEB_2025),
        ("February 2025", FEB_2025),
        ("Sept 2024", Period.calendar_month(2024, 9)),
        ("2011-12", Period(2011)),  # the collision: the financial year wins
        ("2011-11", Period.calendar_month(2011, 11)),
    ],
)
def test_parse_month(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "Mayo 2024", "May 24", "2024-05-01", "13 2024"])
def test_parse_month_rejects(text):
    with pytest.raises(PeriodError, match="is not a period"):
        parse_period(text)


def test_month_fields_code_label_and_days():
    assert MAY_2024 == Period(2024, month=5)
    assert FEB_2025 == Period(2024, month=2)  # February 2025 is in the financial year 2024-25
    assert (MAY_2024.kind, MAY_2024.code, MAY_2024.label) == ("month", "2024-05", "May 2024")
    assert (FEB_2025.first_day, FEB_2025.last_day) == (date(2025, 2, 1), date(2025, 2, 28))
    assert Period.calendar_month(2024, 2).last_day == date(2024, 2, 29)
    assert parse_period(MAY_2024.code) == parse_period(MAY_2024.label) == MAY_2024


def test_month_neighbours_and_windows():
    assert MAY_2024.previous() == Period.calendar_month(2024, 4)
    assert Period.calendar_month(2025, 1).previous() == Period.calendar_month(2024, 12)
    assert Period.calendar_month(2024, 4).previous() == Period.calendar_month(2024, 3)
    assert MAY_2024.year_earlier() == Period.calendar_month(2023, 5)
    assert MAY_2024.quarters() == [Q1_2024]
    assert MAY_2024.months() == [date(2024, 5, 1)]
    assert MAY_2024.rolling_12_months() == (date(2023, 6, 1), date(2024, 5, 31))
    assert Q4_2024.month_periods() == [Period.calendar_month(2025, m) for m in (1, 2, 3)]


def test_months_sort_before_their_quarter_and_in_time_order():
    shuffled = [Q1_2024, Period.calendar_month(2024, 6), MAY_2024, FY_2024, Period.calendar_month(2024, 4)]
    assert sorted(shuffled) == [Period.calendar_month(2024, 4), Q1_2024, FY_2024, MAY_2024,
                                Period.calendar_month(2024, 6)]


def test_month_and_quarter_fields_are_exclusive():
    with pytest.raises(PeriodError):
        Period(2024, 1, 5)
    with pytest.raises(PeriodError):
        Period(2024, month=13)
