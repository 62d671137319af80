"""Reporting periods, as defined in indicators.md ("Periods").

The UK financial year starts on 1 April. Three kinds of period:

- a calendar **month**, written ``2024-05`` (1 to 31 May 2024); ``May 2024``
  is the same month;
- a **quarter**, written ``2024-25-Q1`` (Q1 April-June 2024, Q2 July-September,
  Q3 October-December, Q4 January-March 2025); ``2024/25 Q1`` is the same;
- a financial **year**, written ``2024-25`` (1 April 2024 to 31 March 2025).

Where the two short forms collide (``2011-12``, only possible before 2012) the
text is the financial year. A date is "in the period" when it falls on or
between the period's first and last day. "12 months before date d" is d minus
12 calendar months, a day that does not exist falling back to the month's last
day (29 February -> 28 February).
"""

from __future__ import annotations

from functools import lru_cache

import calendar
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import PeriodError

ACCEPTED_FORMS = (
    "a month like 2024-05 or 'May 2024', a quarter like 2024-25-Q1 or '2024/25 Q1', "
    "or a financial year like 2024-25"
)

FIRST_MONTH = 4  # the financial year starts in April
MONTHS_IN_QUARTER = 3
MONTHS_IN_YEAR = 12
QUARTERS_IN_YEAR = 4

_YEAR = r"(?P<first>\d{4})\s*[-/]\s*(?P<second>\d{2})"
_QUARTER = r"Q\s*(?P<quarter>\d+)"
_SEPARATOR = r"(?:\s*-\s*|\s+)"
_QUARTER_FORMS = [re.compile(_YEAR + _SEPARATOR + _QUARTER), re.compile(_QUARTER + _SEPARATOR + _YEAR)]
_YEAR_OR_MONTH = re.compile(r"(?P<first>\d{4})\s*[-/]\s*(?P<second>\d{1,2})")
_MONTH_NAMES = {name.upper(): n for n, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {name.upper(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTH_NAMES["SEPT"] = 9
_NAMED_MONTH = re.compile(r"(?P<name>[A-Z]+)\.?\s+(?P<year>\d{4})")
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_UK_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


@functools.total_ordering
@dataclass(frozen=True)
class Period:
    """A financial year (``quarter`` and ``month`` None), one of its quarters (1-4), or
    one of its calendar months (``month`` 1-12, e.g. ``Period(2024, month=2)`` is February 2025).

    ``start_year`` is the calendar year in which the financial year starts: 2024 for
    2024-25. Periods sort by first day, then by length (a month before its quarter).
    Build a month from a calendar year with ``Period.calendar_month(2025, 2)``.
    """

    start_year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        year, quarter, month = self.start_year, self.quarter, self.month
        if type(year) is not int or not 1 <= year <= 9998:
            raise PeriodError(f"{year!r} is not the start year of a financial year (2024 for 2024-25)")
        if quarter is not None and (type(quarter) is not int or quarter not in (1, 2, 3, 4)):
            raise PeriodError(f"{quarter!r} is not a quarter: use 1, 2, 3 or 4 (None for a whole year)")
        if month is not None and (type(month) is not int or not 1 <= month <= MONTHS_IN_YEAR):
            raise PeriodError(f"{month!r} is not a month: use 1 to 12")
        if quarter is not None and month is not None:
            raise PeriodError("a period is a month, a quarter or a year, not a month and a quarter")

    @classmethod
    def calendar_month(cls, year: int, month: int) -> Period:
        """The month ``month`` (1-12) of calendar year ``year``."""
        return cls(year if month >= FIRST_MONTH else year - 1, month=month)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The calendar month containing ``day``."""
        return cls.calendar_month(day.year, day.month)

    @property
    def kind(self) -> str:
        """``"month"``, ``"quarter"`` or ``"year"``."""
        if self.month is not None:
            return "month"
        return "year" if self.quarter is None else "quarter"

    @property
    def _years(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @functools.cached_property  # a frozen dataclass: computed once, kept in the instance's __dict__
    def code(self) -> str:
        """The canonical form: ``2024-05``, ``2024-25-Q1`` or ``2024-25``."""
        if self.month is not None:
            return f"{self.first_day:%Y-%m}"
        return self._years if self.quarter is None else f"{self._years}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """The form used on pages and charts: ``May 2024``, ``Q1 2024/25`` or ``2024/25``."""
        if self.month is not None:
            return f"{self.first_day:%B %Y}"
        years = self._years.replace("-", "/")
        return years if self.quarter is None else f"Q{self.quarter} {years}"

    def __str__(self) -> str:
        return self.code

    def _sort_key(self) -> tuple[date, date]:
        return self.first_day, self.last_day

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    @property
    def length_in_months(self) -> int:
        if self.month is not None:
            return 1
        return MONTHS_IN_YEAR if self.quarter is None else MONTHS_IN_QUARTER

    @functools.cached_property
    def first_day(self) -> date:
        """1 April for a year or Q1, 1 July for Q2, 1 October for Q3, 1 January for Q4; the 1st for a month."""
        if self.month is not None:
            return date(self.start_year + (self.month < FIRST_MONTH), self.month, 1)
        months_in = 0 if self.quarter is None else (self.quarter - 1) * MONTHS_IN_QUARTER
        return months_before(date(self.start_year, FIRST_MONTH, 1), -months_in)

    @functools.cached_property
    def last_day(self) -> date:
        """The day before the next period of the same kind starts."""
        return months_before(self.first_day, -self.length_in_months) - timedelta(days=1)

    def _shifted(self, months: int) -> Period:
        """The period of the same kind starting ``months`` later (earlier when negative)."""
        first = months_before(self.first_day, -months)
        if self.month is not None:
            return Period.month_of(first)
        return quarter_of(first) if self.quarter is not None else year_of(first)

    def previous(self) -> Period:
        """The period just before: 2024-05 -> 2024-04; Q1 2024-25 -> Q4 2023-24; 2024-25 -> 2023-24."""
        return self._shifted(-self.length_in_months)

    def year_earlier(self) -> Period:
        """The same month or quarter a year earlier, or the previous financial year."""
        return self._shifted(-MONTHS_IN_YEAR)

    def quarters(self) -> list[Period]:
        """A year's four quarters in order; a quarter is its own only quarter; a month's is the one holding it."""
        if self.kind == "year":
            return [Period(self.start_year, q) for q in (1, 2, 3, 4)]
        return [quarter_of(self.first_day)]

    def months(self) -> list[date]:
        """The first day of each calendar month in the period, in order."""
        return [months_before(self.first_day, -i) for i in range(self.length_in_months)]

    def month_periods(self) -> list[Period]:
        """The calendar months in the period, as periods."""
        return [Period.month_of(d) for d in self.months()]

    def contains(self, d: date) -> bool:
        """True when ``d`` is in the period: on or between its first and last day."""
        return self.first_day <= d <= self.last_day

    def lookback_start(self) -> date:
        """12 months before the first day: the earliest date a re-referral look-back reaches."""
        return twelve_months_before(self.first_day)

    def rolling_12_months(self) -> tuple[date, date]:
        """The 12 months that end on the last day, as (first day, last day) inclusive."""
        return twelve_months_before(self.last_day + timedelta(days=1)), self.last_day


def _not_a_period(text: object, reason: str = "") -> PeriodError:
    because = f"{reason}; " if reason else ""
    return PeriodError(f"{text!r} is not a period: {because}use {ACCEPTED_FORMS}")


def _year_or_month(text: str, first: int, second_text: str) -> Period:
    second = int(second_text)
    if len(second_text) == 2 and (first + 1) % 100 == second:
        return Period(first)  # 2024-25; also 2011-12, where a month would read the same
    if 1 <= second <= MONTHS_IN_YEAR:
        return Period.calendar_month(first, second)
    following = f"{(first + 1) % 100:02d}"
    raise _not_a_period(text, f"a financial year runs into the next, so {first} is followed by {following}")


def parse_period(text: str | Period) -> Period:
    """The period typed as ``text`` (a Period is returned unchanged).

    Accepts ``2024-25-Q1``, ``2024/25 Q1``, ``Q1 2024/25`` and their mixes of
    ``-``/``/`` and spaces, in any case; ``2024-25`` or ``2024/25`` for a year;
    ``2024-05``, ``2024/5``, ``May 2024`` or ``Sep 2024`` for a month.
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise _not_a_period(text)
    return _parse_text(text)


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    """parse_period for a string (periods are immutable, so each spelling is parsed once)."""
    normalised = text.strip().upper()
    match = next((m for form in _QUARTER_FORMS if (m := form.fullmatch(normalised))), None)
    if match is not None:
        first, second, quarter = int(match["first"]), int(match["second"]), int(match["quarter"])
        if (first + 1) % 100 != second:
            following = f"{(first + 1) % 100:02d}"
            raise _not_a_period(text, f"a financial year runs into the next, so {first} is followed by {following}")
        if quarter not in (1, 2, 3, 4):
            raise _not_a_period(text, f"there is no quarter Q{quarter} (quarters are Q1 to Q4)")
        return Period(first, quarter)
    if match := _YEAR_OR_MONTH.fullmatch(normalised):
        return _year_or_month(text, int(match["first"]), match["second"])
    if (match := _NAMED_MONTH.fullmatch(normalised)) and match["name"] in _MONTH_NAMES:
        return Period.calendar_month(int(match["year"]), _MONTH_NAMES[match["name"]])
    raise _not_a_period(text)


def parse_periods(texts: str | Period | Iterable[str | Period]) -> list[Period]:
    """Each period in ``texts``, in the order given, without duplicates.

    Any string may list several periods separated by commas. Every bad
    entry is reported in one error.
    """
    if isinstance(texts, (Period, str)):
        texts = [texts]
    texts = [part for text in texts
             for part in (text.split(",") if isinstance(text, str) else [text])
             if not isinstance(part, str) or part.strip()]
    periods: list[Period] = []
    problems: list[str] = []
    for text in texts:
        try:
            period = parse_period(text)
        except PeriodError as error:
            problems.append(str(error))
            continue
        if period not in periods:
            periods.append(period)
    if problems:
        raise PeriodError("\n".join(problems))
    return periods


def quarter_of(d: date) -> Period:
    """The quarter containing ``d`` (31 March 2025 is in 2024-25-Q4, 1 April 2025 in 2025-26-Q1)."""
    months_into_year = (d.month - FIRST_MONTH) % MONTHS_IN_YEAR
    return Period(year_of(d).start_year, months_into_year // MONTHS_IN_QUARTER + 1)


def year_of(d: date) -> Period:
    """The financial year containing ``d``."""
    return Period(d.year if d.month >= FIRST_MONTH else d.year - 1)


def quarters_between(first: str | Period, last: str | Period) -> list[Period]:
    """Every quarter from ``first`` to ``last`` inclusive, in order (a year stands for its quarters)."""
    start = parse_period(first).quarters()[0]
    end = parse_period(last).quarters()[-1]
    if end < start:
        raise PeriodError(f"{end} comes before {start}: give the earlier period first")
    first_index = start.start_year * QUARTERS_IN_YEAR + start.quarter - 1
    last_index = end.start_year * QUARTERS_IN_YEAR + end.quarter - 1
    return [
        Period(index // QUARTERS_IN_YEAR, index % QUARTERS_IN_YEAR + 1)
        for index in range(first_index, last_index + 1)
    ]


def months_between(first: date, last: date) -> list[Period]:
    """Every calendar month from the one holding ``first`` to the one holding ``last``, in order."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(Period.month_of(day))
        day = months_before(day, -1)
    return months


def months_before(d: date, n: int) -> date:
    """``d`` minus ``n`` calendar months (a negative ``n`` counts forward).

    A day that does not exist in the target month falls back to that month's
    last day: 29 February 2024 minus 12 months is 28 February 2023.
    """
    month_index = d.year * MONTHS_IN_YEAR + (d.month - 1) - n
    year, month = divmod(month_index, MONTHS_IN_YEAR)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def twelve_months_before(d: date) -> date:
    """"12 months before date d" as indicators.md defines it: d minus 12 calendar months."""
    return months_before(d, MONTHS_IN_YEAR)


def parse_date(text: str | date) -> date:
    """One date typed by a user: ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (always day first)."""
    if isinstance(text, date):
        return text
    forms = "use YYYY-MM-DD or DD/MM/YYYY (day first)"
    match = isinstance(text, str) and (_ISO_DATE.fullmatch(text.strip()) or _UK_DATE.fullmatch(text.strip()))
    if not match:
        raise PeriodError(f"{text!r} is not a date: {forms}")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if year < 1:
        raise PeriodError(f"{text!r} is not a date: there is no year 0; {forms}")
    if not 1 <= month <= MONTHS_IN_YEAR:
        raise PeriodError(f"{text!r} is not a date: there is no month {month}; {forms}")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        reason = f"{calendar.month_name[month]} {year} has {days_in_month} days"
        raise PeriodError(f"{text!r} is not a date: {reason}; {forms}")
    return date(year, month, day)
