"""Children's Social Care referrals as the indicators read them: re-referrals and recorded factors.

Shared by the themes `domestic_abuse` and `harm_outside_home`.

A **re-referral** is a referral whose child has another referral dated on or
after (its referral_date minus 12 calendar months) and strictly before its
referral_date (indicators.md). "Strictly before" is a whole day earlier: two
referrals of one child on the same day are not re-referrals of each other. The
earlier referral may lie before the reported period and be for any reason, so
the view reads 12 months of history before the earliest window. The latest
earlier referral decides, so one window maximum per child does it; the window
orders by a whole day number ("1 PRECEDING" is "at least one whole day earlier").
The factor flags are worked out before the window so that its sort carries
booleans, not factor lists.
"""

from __future__ import annotations

from .model import Measure, Source, flag_dimension

_FLAGGED = """
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

REFERRALS_SOURCE = Source(
    name="csc_referrals",
    title="Children's Social Care referrals",
    tables=("csc_referrals",),
    date_column="referral_date",
    records_sql=_FLAGGED.format(carried="referral_id, source, "),
    # referrals per day and combination of flags: no identifier goes through the look-back's sort
    counted_sql=(
        "SELECT referral_date, is_rereferral, has_domestic_abuse, has_exploitation, count(*) AS records "
        "FROM (" + _FLAGGED.format(carried="") + ") GROUP BY ALL"
    ),
    counted_table="csc_referrals_counted",
    identifiers=("referral_id", "child_id"),
)


IS_REREFERRAL = flag_dimension("is_rereferral", "re-referral", "Re-referral", "First referral in 12 months",
                               history_months=12)
HAS_DOMESTIC_ABUSE = flag_dimension("has_domestic_abuse", "domestic abuse factor", "Domestic abuse recorded",
                                    "Domestic abuse not recorded")
HAS_EXPLOITATION = flag_dimension("has_exploitation", "exploitation factor", "Exploitation recorded",
                                  "Exploitation not recorded")

REFERRALS = Measure(
    id="referrals",
    source="csc_referrals",
    aggregate="count",
    sql="coalesce(sum(r.records), 0)",
    description="referrals accepted by Children's Social Care (Children in Need census meaning) dated in the period",
    dimensions=(IS_REREFERRAL, HAS_DOMESTIC_ABUSE, HAS_EXPLOITATION),
)

REREFERRAL_WORDS = (
    "a re-referral is a referral whose child has another referral dated on or after its referral date "
    "minus 12 months and strictly before it; the earlier referral may be before the period and for any reason"
)
HISTORY_CAVEAT = (
    "Needs at least 12 months of referral history before the period; "
    "a figure for a period less than 12 months after the extract's first referral undercounts re-referrals "
    "and is not compared with later periods."
)
