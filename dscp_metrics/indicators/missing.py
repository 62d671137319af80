"""Theme `missing`: children missing from home or care, and return home interviews (indicators.md v2).

Source `missing_episodes.csv`. An episode is in the period by its `missing_date`;
"returned in the period" means its `return_date` falls in the period. An
interview held "within 72 hours" was held on or before the third day after the
return (returned 1 May: held by 4 May).
"""

from ..load.contract import IN_CARE
from .model import Dimension, Indicator, Measure, Ref, Source, flag_dimension, table_source
from .registry import Theme, register_theme

EPISODES_SOURCE = table_source("missing_episodes", "Missing episodes (by the day the child went missing)",
                               "missing_date", identifiers=("episode_id", "child_id"))
RETURNS_SOURCE = Source(
    name="missing_returns", title="Missing episodes (by the day the child returned)", tables=("missing_episodes",),
    date_column="return_date",
    records_sql=(
        "SELECT *, coalesce(rhi_status IN ('held', 'declined'), false) AS interview_offered, "
        "coalesce(rhi_status = 'held' AND rhi_date <= return_date + INTERVAL 3 DAY, false) AS held_within_72h "
        "FROM store.missing_episodes WHERE return_date BETWEEN {start} AND {end}"
    ),
    identifiers=("episode_id", "child_id"),
)
IN_CARE_DIM = Dimension(key="in_care", title="missing from", sql="r.in_care",
                        categories=tuple(c.code for c in IN_CARE), labels=("Missing from care", "Missing from home"))


OFFERED = flag_dimension("interview_offered", "interview offered", "Offered (held or declined)",
                         "Not offered or not recorded")
WITHIN_72H = flag_dimension("held_within_72h", "interview within 72 hours", "Held within 72 hours",
                            "Not held within 72 hours")
MISSING_WORDS = "episodes of a child going missing with a missing date in the period"
RETURNED_WORDS = "episodes with a return date in the period (children who returned or were found)"

EPISODES = Measure(id="missing_episode_count", source="missing_episodes", aggregate="count", sql="count(r.episode_id)",
                   description=MISSING_WORDS, dimensions=(IN_CARE_DIM,))
CHILDREN = Measure(id="missing_child_count", source="missing_episodes", aggregate="distinct",
                   sql="count(DISTINCT r.child_id)", description="distinct child_id among " + MISSING_WORDS)
REPEAT_CHILDREN = Measure(
    id="missing_repeat_child_count", source="missing_episodes", aggregate="distinct", sql="count(DISTINCT r.child_id)",
    description="distinct children with 3 or more episodes whose missing date falls in the 12 months that end on "
                "the period's last day",
    window="rolling_12_months",
    window_sql=("SELECT period, count(*) AS value FROM ("
                "SELECT w.period, r.child_id FROM {windows} w JOIN {records} r "
                "ON r.{date_column} BETWEEN w.window_start AND w.window_end "
                "GROUP BY w.period, r.child_id HAVING count(*) >= 3) GROUP BY period"),
)
RETURNS = Measure(id="missing_return_count", source="missing_returns", aggregate="count", sql="count(r.episode_id)",
                  description=RETURNED_WORDS, dimensions=(OFFERED, WITHIN_72H))

register_theme(
    Theme("missing", "Missing from home or care",
          "Children reported missing from home or from care, children missing again and again, and whether return "
          "home interviews were offered and held within 72 hours of the child's return."),
    sources=(EPISODES_SOURCE, RETURNS_SOURCE),
    measures=(EPISODES, CHILDREN, REPEAT_CHILDREN, RETURNS),
    indicators=(
        Indicator(id="missing_episodes", title="Missing episodes, from home and from care", short_title="Episodes",
                  theme="missing", unit="count", polarity="none",
                  definition="The number of episodes of a child going missing in the period, in all and by whether "
                             "the child was missing from care or from home.",
                  numerator_words=MISSING_WORDS, numerator=Ref.of(EPISODES), breakdowns=(("in_care",),),
                  value_label="episodes"),
        Indicator(id="missing_children", title="Children who went missing", short_title="Children missing",
                  theme="missing", unit="count", polarity="none",
                  definition="The number of distinct children with an episode starting in the period.",
                  numerator_words=CHILDREN.description, numerator=Ref.of(CHILDREN),
                  caveats="A child missing more than once in the period counts once.", value_label="children"),
        Indicator(id="missing_repeat_children", title="Children missing 3 or more times in 12 months",
                  short_title="Repeatedly missing", theme="missing", unit="count", polarity="lower",
                  definition="The number of distinct children with 3 or more episodes in the 12 months ending on the "
                             "period's last day.",
                  numerator_words=REPEAT_CHILDREN.description, numerator=Ref.of(REPEAT_CHILDREN),
                  caveats="A rolling 12-month figure: it is not charted month by month.", value_label="children"),
        Indicator(id="missing_returns", title="Returns from missing", short_title="Returns", theme="missing",
                  unit="count", polarity="none", definition="The number of episodes that ended in the period.",
                  numerator_words=RETURNED_WORDS, numerator=Ref.of(RETURNS), value_label="returns"),
        Indicator(id="rhi_offered_rate", title="Return home interviews offered, % of returns",
                  short_title="Interviews offered", theme="missing", unit="%", polarity="higher",
                  definition="Of the episodes that ended in the period, the share whose return home interview was "
                             "offered (held, or offered and declined).",
                  numerator_words=RETURNED_WORDS + ", with an interview held or declined",
                  numerator=Ref.of(RETURNS, interview_offered="yes"), denominator_words=RETURNED_WORDS,
                  denominator=Ref.of(RETURNS), value_label="% offered"),
        Indicator(id="rhi_within_72h_rate", title="Return home interviews held within 72 hours, % of returns",
                  short_title="Interviews within 72 hours", theme="missing", unit="%", polarity="higher",
                  definition="Of the episodes that ended in the period, the share whose return home interview was "
                             "held on or before the third day after the return.",
                  numerator_words=RETURNED_WORDS + ", with the interview held by the third day after the return",
                  numerator=Ref.of(RETURNS, held_within_72h="yes"), denominator_words=RETURNED_WORDS,
                  denominator=Ref.of(RETURNS), value_label="% within 72 hours"),
    ),
)
