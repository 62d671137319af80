"""Theme `meetings`: attendance at multi-agency meetings (indicators.md v2).

Source `meeting_attendance.csv`, one row per agency invited to a meeting. A
meeting or invitation is in the period when its `meeting_date` is. A strategy
meeting counts as attended by csc, police and health only when all three
attended; an agency not invited counts as not attending.
"""

from ..load.contract import AGENCIES, ATTENDANCE, MEETING_TYPES
from .model import Indicator, Measure, Ref, Source, flag_dimension, table_source, vocabulary_dimension
from .registry import Theme, register_theme

INVITATIONS_SOURCE = table_source("meeting_invitations", "Multi-agency meeting invitations", "meeting_date",
                                  table="meeting_attendance")
MEETINGS_SOURCE = Source(
    name="meetings", title="Multi-agency meetings", tables=("meeting_attendance",), date_column="meeting_date",
    records_sql=(
        "SELECT meeting_id, min(meeting_date) AS meeting_date, min(meeting_type) AS meeting_type, "
        "bool_or(agency = 'csc' AND attendance = 'attended') "
        "AND bool_or(agency = 'police' AND attendance = 'attended') "
        "AND bool_or(agency = 'health' AND attendance = 'attended') AS core_attended "
        "FROM store.meeting_attendance WHERE meeting_date BETWEEN {start} AND {end} GROUP BY meeting_id"
    ),
)
MEETING_TYPE = vocabulary_dimension("meeting_type", "type of meeting", MEETING_TYPES)
AGENCY = vocabulary_dimension("agency", "agency", AGENCIES)
ATTENDANCE_DIM = vocabulary_dimension("attendance", "attendance", ATTENDANCE)
CORE_ATTENDED = flag_dimension("core_attended", "csc, police and health all attended", "All three attended",
                               "Not all three attended")
INVITED_WORDS = "agencies invited to multi-agency meetings dated in the period (one per meeting and agency)"
MEETINGS_WORDS = "distinct multi-agency meetings dated in the period"

INVITATIONS = Measure(id="meeting_invitation_count", source="meeting_invitations", aggregate="count",
                      sql="count(r.agency)", description=INVITED_WORDS,
                      dimensions=(AGENCY, MEETING_TYPE, ATTENDANCE_DIM))
MEETINGS = Measure(id="meeting_count", source="meetings", aggregate="count", sql="count(r.meeting_id)",
                   description=MEETINGS_WORDS, dimensions=(MEETING_TYPE, CORE_ATTENDED))
ALL_INVITATIONS = Ref.of(INVITATIONS)

register_theme(
    Theme("meetings", "Multi-agency meetings",
          "Child protection conferences, strategy meetings, reviews, MARAC and Team Around the Family: how many "
          "were held, which agencies were invited, and who attended or sent a report."),
    sources=(INVITATIONS_SOURCE, MEETINGS_SOURCE),
    measures=(INVITATIONS, MEETINGS),
    indicators=(
        Indicator(id="meetings_held", title="Multi-agency meetings held, by type", short_title="Meetings held",
                  theme="meetings", unit="count", polarity="none",
                  definition="The number of distinct meetings in the period, in all and by type of meeting.",
                  numerator_words=MEETINGS_WORDS, numerator=Ref.of(MEETINGS), breakdowns=(("meeting_type",),),
                  value_label="meetings"),
        Indicator(id="meeting_invitations", title="Agencies invited to meetings, by agency",
                  short_title="Invitations", theme="meetings", unit="count", polarity="none",
                  definition="The number of invitations (an agency invited to a meeting) in the period, by agency.",
                  numerator_words=INVITED_WORDS, numerator=ALL_INVITATIONS, breakdowns=(("agency",),),
                  value_label="invitations"),
        Indicator(id="meeting_attendance_rate", title="Invitations attended, % of invitations",
                  short_title="Attendance rate", theme="meetings", unit="%", polarity="higher",
                  definition="Of the invitations in the period, the share the agency attended, in all, by agency and "
                             "by type of meeting.",
                  numerator_words=INVITED_WORDS + ", attended", numerator=Ref.of(INVITATIONS, attendance="attended"),
                  denominator_words=INVITED_WORDS, denominator=ALL_INVITATIONS,
                  breakdowns=(("agency",), ("meeting_type",)), value_label="% attended"),
        Indicator(id="meeting_contribution_rate", title="Invitations attended or reported to, % of invitations",
                  short_title="Contribution rate", theme="meetings", unit="%", polarity="higher",
                  definition="Of the invitations in the period, the share the agency attended or sent a report to, "
                             "in all and by agency.",
                  numerator_words=INVITED_WORDS + ", attended or sent a report",
                  numerator=Ref.of(INVITATIONS, attendance=("attended", "report_only")),
                  denominator_words=INVITED_WORDS, denominator=ALL_INVITATIONS, breakdowns=(("agency",),),
                  value_label="% contributed", chart_with="meeting_attendance_rate"),
        Indicator(id="strategy_core_attendance_share",
                  title="Strategy meetings attended by social care, police and health, % of strategy meetings",
                  short_title="Strategy meetings with all three", theme="meetings", unit="%", polarity="higher",
                  definition="Of the strategy meetings in the period, the share attended by all three of children's "
                             "social care, police and health; an agency not invited counts as not attending.",
                  numerator_words="strategy meetings in the period attended by csc, police and health",
                  numerator=Ref.of(MEETINGS, meeting_type="strategy", core_attended="yes"),
                  denominator_words="strategy meetings in the period",
                  denominator=Ref.of(MEETINGS, meeting_type="strategy"), value_label="% with all three"),
    ),
)
