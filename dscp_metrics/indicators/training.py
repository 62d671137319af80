"""Theme `training`: multi-agency safeguarding training (indicators.md v2, "Workforce training").

Source `training_records.csv`. A record is in the period when its `event_date`
is; "completed" means `completed` = `yes`. Ratings come only from completed
records (the loader rejects a rating without a completion); a mean is the sum
of the ratings over how many there are, with Student's t interval, and is
hidden when it rests on 1 to 5 ratings.
"""

from ..load.contract import ORGANISATION_TYPES, TRAINING_ROUTES
from .model import Dimension, Indicator, Measure, Ref, table_source
from .registry import Theme, register_theme

SOURCE = table_source("training_records", "Multi-agency safeguarding training", "event_date")
ROUTE = Dimension(key="route", title="route", sql="r.route",
                  categories=tuple(c.code for c in TRAINING_ROUTES), labels=tuple(c.label for c in TRAINING_ROUTES))
ORGANISATION_TYPE = Dimension(key="organisation_type", title="type of organisation", sql="r.organisation_type",
                              categories=tuple(c.code for c in ORGANISATION_TYPES),
                              labels=tuple(c.label for c in ORGANISATION_TYPES))
COMPLETED = Dimension(key="completed", title="completed", sql="r.completed", categories=("yes", "no"),
                      labels=("Completed", "Booked, not completed"))
RECORDS_WORDS = "places on training (records) with an event date in the period"

PLACES = Measure(id="training_places", source="training_records", aggregate="count", sql="count(r.record_id)",
                 description=RECORDS_WORDS, dimensions=(ROUTE, ORGANISATION_TYPE, COMPLETED))
SESSIONS = Measure(id="training_sessions", source="training_records", aggregate="distinct",
                   sql="count(DISTINCT nullif(r.session_id, ''))",
                   description="distinct non-empty session_id among " + RECORDS_WORDS, dimensions=(ROUTE,))


def _rating(name: str, value_sql: str, words: str, low: float, high: float) -> tuple[Measure, Measure]:
    """A rating's sum and how many ratings there are, over completed records that have one."""
    value = f"CASE WHEN r.completed = 'yes' THEN {value_sql} END"
    count = Measure(id=f"{name}_ratings", source="training_records", aggregate="count", sql=f"count({value})",
                    description=f"completed records in the period with {words}", dimensions=(ROUTE,))
    total = Measure(id=f"{name}_sum", source="training_records", aggregate="sum", sql=f"coalesce(sum({value}), 0)",
                    description=f"the sum of {words} over completed records in the period that have one",
                    dimensions=(ROUTE,), value_sql=value, value_range=(low, high), counted_by=count.id)
    return total, count


CONTENT_SUM, CONTENT_N = _rating("training_content", "r.content_rating", "a content rating (1 to 5)", 1, 5)
BEFORE_SUM, BEFORE_N = _rating("training_before", "r.knowledge_before", "a knowledge-before rating (1 to 10)", 1, 10)
AFTER_SUM, AFTER_N = _rating("training_after", "r.knowledge_after", "a knowledge-after rating (1 to 10)", 1, 10)
GAIN_SUM, GAIN_N = _rating("training_gain", "r.knowledge_after - r.knowledge_before",
                           "both knowledge ratings (the gain, after minus before)", -9, 9)
COMPLETIONS = Ref.of(PLACES, completed="yes")
BY_ROUTE = (("route",),)
MEAN_CAVEAT = "Ratings are given by those who completed and chose to rate; a mean of 1 to 5 ratings is hidden."


def _mean(id_: str, title: str, short: str, polarity: str, total: Measure, count: Measure, what: str,
          **presentation) -> Indicator:
    return Indicator(
        id=id_, title=title, short_title=short, theme="training", unit="mean", polarity=polarity,
        definition=f"The mean {what} given by those who completed training in the period, in all and by route.",
        numerator_words=total.description, numerator=Ref.of(total), denominator_words=count.description,
        denominator=Ref.of(count), breakdowns=BY_ROUTE, caveats=MEAN_CAVEAT, value_label="mean rating",
        **presentation,
    )


register_theme(
    Theme("training", "Workforce training",
          "Multi-agency safeguarding training: places booked and completed by route and type of organisation, "
          "sessions delivered, and how learners rated the content and their knowledge before and after."),
    sources=(SOURCE,),
    measures=(PLACES, SESSIONS, CONTENT_SUM, CONTENT_N, BEFORE_SUM, BEFORE_N, AFTER_SUM, AFTER_N, GAIN_SUM, GAIN_N),
    indicators=(
        Indicator(id="training_places", title="Training places booked, by route", short_title="Places booked",
                  theme="training", unit="count", polarity="none",
                  definition="The number of places on training (records) in the period, in all and by route.",
                  numerator_words=RECORDS_WORDS, numerator=Ref.of(PLACES), breakdowns=BY_ROUTE,
                  value_label="places"),
        Indicator(id="training_completions", title="Training completed, by route and by type of organisation",
                  short_title="Completions", theme="training", unit="count", polarity="higher",
                  definition="The number of places completed (attended, or e-learning finished) in the period, "
                             "in all, by route and by the learner's type of organisation.",
                  numerator_words=RECORDS_WORDS + ", completed", numerator=COMPLETIONS,
                  breakdowns=(("route",), ("organisation_type",)), chart="ranked_bars", value_label="completions",
                  chart_with="training_places"),
        Indicator(id="training_completion_rate", title="Places completed, % of places booked",
                  short_title="Completion rate", theme="training", unit="%", polarity="higher",
                  definition="Of the places booked in the period, the share completed, in all and by route.",
                  numerator_words=RECORDS_WORDS + ", completed", numerator=COMPLETIONS,
                  denominator_words=RECORDS_WORDS, denominator=Ref.of(PLACES), breakdowns=BY_ROUTE,
                  value_label="% completed"),
        Indicator(id="training_sessions", title="Training sessions delivered, by route", short_title="Sessions",
                  theme="training", unit="count", polarity="none",
                  definition="The number of distinct sessions (deliveries of a course) with a place in the period.",
                  numerator_words=SESSIONS.description, numerator=Ref.of(SESSIONS), breakdowns=BY_ROUTE,
                  caveats="E-learning has no sessions.", value_label="sessions"),
        _mean("training_content_rating", "Rating of the training's content (1 to 5)", "Content rating", "higher",
              CONTENT_SUM, CONTENT_N, "content rating (1 to 5, 5 best)"),
        _mean("training_knowledge_before", "Knowledge before the training (1 to 10)", "Knowledge before", "none",
              BEFORE_SUM, BEFORE_N, "self-rated knowledge before the training (1 limited, 10 in depth)",
              monthly_chart=False),
        _mean("training_knowledge_after", "Knowledge after the training (1 to 10)", "Knowledge after", "higher",
              AFTER_SUM, AFTER_N, "self-rated knowledge on completion (1 limited, 10 in depth)",
              monthly_chart=False, chart_with="training_knowledge_before"),
        _mean("training_knowledge_gain", "Gain in knowledge (after minus before)", "Knowledge gain", "higher",
              GAIN_SUM, GAIN_N, "gain in self-rated knowledge (after minus before, over learners who gave both)"),
    ),
)
