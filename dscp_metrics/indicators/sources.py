"""The records each indicator counts, one view per extract.

A source view turns a loaded extract into the records an indicator counts,
with the derived columns the definitions need (for referrals: whether the
referral is a re-referral, whether a factor was recorded). Each view is
restricted to the dates a call needs: `{start}`..`{end}` are the earliest first
day and the latest last day of the windows asked for; `{lookback_start}` is 12
months before `{start}` for the re-referral look-back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """An extract as the indicators see it: its table, the date that places a
    record in a period, and the SQL of its records (with derived columns).

    `counted_sql`, when given, is what the indicators aggregate instead of the
    records: the records counted per day and per combination of the columns
    the definitions use (a column `referrals` holds the count). Every referral
    indicator is a count, so counting per day first gives the same figures
    while the national-scale extract is reduced to a few thousand rows before
    it meets the periods. `records_sql` stays the record-level view (the
    explorer's drill-down).
    """

    table: str
    date_column: str
    records_sql: str
    needs_lookback: bool = False
    counted_sql: str | None = None

    @property
    def indicator_sql(self) -> str:
        return self.counted_sql or self.records_sql


# A re-referral is a referral whose child has another referral dated on or after
# (its referral_date minus 12 calendar months) and strictly before its
# referral_date. "Strictly before" is a whole day earlier: two referrals of one
# child on the same day are not re-referrals of each other. The latest earlier
# referral is enough to decide, so one window maximum per child does it; the
# look-back reads referrals from before the reported period.
# The factor flags are worked out before the window so that the sort behind it
# carries booleans, not the factor lists; the window orders by a whole day number
# (RANGE over a DATE would sort on a TIMESTAMP cast), and "1 PRECEDING" on day
# numbers is "at least one whole day earlier".
_REFERRALS_TEMPLATE = """
SELECT {carried}child_id, referral_date, has_domestic_abuse, has_exploitation,
       coalesce(previous_referral_date >= CAST(referral_date - INTERVAL 12 MONTH AS DATE), false) AS is_rereferral
FROM (
    SELECT {carried}child_id, referral_date, has_domestic_abuse, has_exploitation,
           max(referral_date) OVER (
               PARTITION BY child_id ORDER BY date_diff('day', DATE '1900-01-01', referral_date)
               RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS previous_referral_date
    FROM (
        SELECT {carried}child_id, referral_date,
               list_contains(factors, 'domestic_abuse') AS has_domestic_abuse,
               list_contains(factors, 'exploitation') AS has_exploitation
        FROM store.csc_referrals
        WHERE referral_date BETWEEN {{lookback_start}} AND {{end}}
    )
)
WHERE referral_date BETWEEN {{start}} AND {{end}}
"""

# Every referral, with its flags (the explorer's drill-down).
REFERRALS_SQL = _REFERRALS_TEMPLATE.format(carried="referral_id, source, ")

# What the referral indicators count: referrals per day and combination of flags
# (no identifier is carried through the look-back's sort).
REFERRAL_COUNTS_SQL = (
    "SELECT referral_date, is_rereferral, has_domestic_abuse, has_exploitation, count(*) AS referrals "
    "FROM (" + _REFERRALS_TEMPLATE.format(carried="") + ") GROUP BY ALL"
)

SOURCES: dict[str, Source] = {
    "csc_referrals": Source(
        "csc_referrals", "referral_date", REFERRALS_SQL, needs_lookback=True, counted_sql=REFERRAL_COUNTS_SQL
    ),
    "cevt_referrals": Source(
        "cevt_referrals",
        "scored_date",
        "SELECT * FROM store.cevt_referrals WHERE scored_date BETWEEN {start} AND {end}",
    ),
    "restraint_incidents": Source(
        "restraint_incidents",
        "incident_date",
        "SELECT * FROM store.restraint_incidents WHERE incident_date BETWEEN {start} AND {end}",
    ),
    "osa_returns": Source(
        "osa_returns",
        "assessment_date",
        "SELECT * FROM store.osa_returns WHERE assessment_date BETWEEN {start} AND {end}",
    ),
    "osa_issued": Source(
        "osa_issued",
        "issued_date",
        "SELECT * FROM store.osa_issued WHERE issued_date BETWEEN {start} AND {end}",
    ),
}
