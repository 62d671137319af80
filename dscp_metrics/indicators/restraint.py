"""Theme `restraint`: use of physical restraint at the secure centre and the injuries it caused."""

from .model import Dimension, Indicator, Measure, Ref, table_source
from .registry import Theme, register_theme

RESTRAINT_SOURCE = table_source("restraint_incidents", "Use of restraint at the secure centre", "incident_date",
                                identifiers=("incident_id", "young_person_id"))

INJURY_LEVEL = Dimension(
    key="injury_level", title="injury level", sql="r.injury_level",
    categories=("0", "1", "2", "3"),
    labels=(
        "Level 0: no injury",
        "Level 1: minor, no treatment",
        "Level 2: medical treatment, not hospital",
        "Level 3: hospital treatment",
    ),
)
INJURED = ("1", "2", "3")
INCIDENTS_WORDS = "incidents of physical restraint dated in the period"
INJURIES_WORDS = INCIDENTS_WORDS + " with injury level 1, 2 or 3"

INCIDENTS = Measure(
    id="restraint_incidents", source="restraint_incidents", aggregate="count", sql="count(r.incident_id)",
    description=INCIDENTS_WORDS, dimensions=(INJURY_LEVEL,),
)
YOUNG_PEOPLE = Measure(
    id="restraint_young_people", source="restraint_incidents", aggregate="distinct",
    sql="count(DISTINCT r.young_person_id)", description="distinct young_person_id among " + INCIDENTS_WORDS,
)
INJURIES = Ref.of(INCIDENTS, injury_level=INJURED)

register_theme(
    Theme("restraint", "Use of restraint",
          "Physical restraint of young people in the secure setting: how many incidents, how many young people, "
          "and how many incidents caused an injury. Injury levels: 1 minor, no treatment; 2 medical treatment, "
          "not in hospital; 3 hospital treatment."),
    sources=(RESTRAINT_SOURCE,),
    measures=(INCIDENTS, YOUNG_PEOPLE),
    indicators=(
        Indicator(
            id="restraint_incidents", title="Incidents of physical restraint", short_title="Restraint incidents",
            theme="restraint", unit="count", polarity="lower",
            definition="The number of incidents of physical restraint in the period.",
            numerator_words=INCIDENTS_WORDS, numerator=Ref.of(INCIDENTS), value_label="incidents",
        ),
        Indicator(
            id="restraint_young_people", title="Young people restrained", short_title="Young people restrained",
            theme="restraint", unit="count", polarity="none",
            definition="The number of distinct young people restrained in the period.",
            numerator_words=YOUNG_PEOPLE.description, numerator=Ref.of(YOUNG_PEOPLE), value_label="young people",
        ),
        Indicator(
            id="restraint_injury_rate", title="Restraint incidents with an injury, % of incidents",
            short_title="Injury rate", theme="restraint", unit="%", polarity="lower",
            definition="The share of restraint incidents in the period in which the young person was injured "
                       "(injury level 1 or above).",
            numerator_words=INJURIES_WORDS, numerator=INJURIES,
            denominator_words=INCIDENTS_WORDS, denominator=Ref.of(INCIDENTS), value_label="% with injury",
        ),
        Indicator(
            id="restraint_injuries", title="Restraint incidents with an injury, by injury level",
            short_title="Injuries", theme="restraint", unit="count", polarity="lower",
            definition="The number of restraint incidents in the period with an injury (level 1 or above), in all "
                       "and by injury level.",
            numerator_words=INJURIES_WORDS, numerator=INJURIES, breakdowns=(("injury_level",),),
            caveats="Every level 3 injury is reviewed by the secure centre's oversight panel.",
            value_label="injuries",
        ),
        Indicator(
            id="restraint_injury_level_share", title="Injuries at each level, % of all injuries",
            short_title="Injury level share", theme="restraint", unit="%", polarity="none",
            definition="Of the restraint incidents in the period with an injury, the share at each injury level.",
            numerator_words="incidents in the period at the injury level", numerator=INJURIES,
            denominator_words=INJURIES_WORDS, denominator=INJURIES, denominator_by=(),
            breakdowns=(("injury_level",),), include_all=False, value_label="% of injuries",
        ),
    ),
)
