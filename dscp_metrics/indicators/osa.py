"""Theme `osa`: the Organisational Safeguarding Assessment (a yearly self-assessment by partner services).

OSA figures use the returns whose assessment date falls in the 12 months that
end on the period's last day (the assessment runs once a year).
"""

from ..load.contract import OSA_SECTIONS, RATINGS
from .model import Dimension, Indicator, Measure, Ref, table_source
from .registry import Theme, register_theme

RETURNS_SOURCE = table_source("osa_returns", "Organisational Safeguarding Assessment returns", "assessment_date",
                              periodic=True)
ISSUED_SOURCE = table_source("osa_issued", "Organisational Safeguarding Assessment distribution", "issued_date",
                             periodic=True)

SECTION = Dimension(
    key="section", title="section", sql="r.section",
    categories=tuple(c.code for c in OSA_SECTIONS), labels=tuple(c.label for c in OSA_SECTIONS),
)
RATING = Dimension(key="rating", title="rating", sql="r.rating", categories=tuple(c.code for c in RATINGS))
ORGANISATION = Dimension(key="organisation", title="organisation", sql="r.organisation", categories=None)

WINDOW_WORDS = (
    "OSA figures use the returns whose assessment date falls in the 12 months ending on the period's last day "
    "(the assessment runs once a year)."
)
RATINGS_WORDS = "standards rated in returns assessed in the 12 months ending on the period's last day"

RATED = Measure(
    id="osa_ratings", source="osa_returns", aggregate="count", sql="count(r.standard_id)",
    description=RATINGS_WORDS, dimensions=(SECTION, RATING, ORGANISATION), window="rolling_12_months",
)
RETURNED = Measure(
    id="osa_returns_received", source="osa_returns", aggregate="distinct", sql="count(DISTINCT r.return_id)",
    description="distinct return_id among returns assessed in the 12 months ending on the period's last day",
    window="rolling_12_months",
)
ISSUED = Measure(
    id="osa_assessments_issued", source="osa_issued", aggregate="count", sql="coalesce(sum(r.issued), 0)",
    description="the sum of self-assessments issued (osa_issued) with an issued date in the same 12 months",
    window="rolling_12_months",
)

register_theme(
    Theme("osa", "Organisational Safeguarding Assessment",
          "A yearly self-assessment by partner services against safeguarding standards in nine sections, each "
          "standard rated Red, Amber or Green; figures use the returns of the 12 months to the period's end."),
    sources=(RETURNS_SOURCE, ISSUED_SOURCE),
    measures=(RATED, RETURNED, ISSUED),
    indicators=(
        Indicator(
            id="osa_green_share", title="Standards rated Green, % of standards rated, by section",
            short_title="Green share", theme="osa", unit="%", polarity="higher",
            definition="Of all standards rated in the self-assessments, the share rated Green, overall, for each "
                       "of the nine sections and for each organisation that returned one.",
            numerator_words=RATINGS_WORDS + ", rated Green", numerator=Ref.of(RATED, rating="Green"),
            denominator_words=RATINGS_WORDS, denominator=Ref.of(RATED),
            breakdowns=(("section",), ("organisation",)),
            caveats=WINDOW_WORDS + " Ratings are the services' own self-assessment: differences between "
                    "organisations may reflect how strictly each one judges as much as practice.",
            value_label="% Green",
        ),
        Indicator(
            id="osa_rating_share", title="Standards by RAG rating, % of standards rated in each section",
            short_title="Rating share", theme="osa", unit="%", polarity="none",
            definition="Within each section, the share of standards rated Red, Amber and Green.",
            numerator_words=RATINGS_WORDS + ", with the rating, in the section", numerator=Ref.of(RATED),
            denominator_words=RATINGS_WORDS + " in the section", denominator=Ref.of(RATED),
            denominator_by=("section",), breakdowns=(("section", "rating"),), include_all=False,
            caveats=WINDOW_WORDS, value_label="% of ratings", chart="stacked",
        ),
        Indicator(
            id="osa_return_rate", title="Self-assessments returned, % of those issued", short_title="Return rate",
            theme="osa", unit="%", polarity="higher",
            definition="The number of self-assessments returned as a share of the number issued in the same "
                       "12 months.",
            numerator_words=RETURNED.description, numerator=Ref.of(RETURNED),
            denominator_words=ISSUED.description, denominator=Ref.of(ISSUED),
            caveats=WINDOW_WORDS + " Needs both osa_returns.csv and osa_issued.csv. More returns than issued "
                    "is shown with a flag and no interval.",
            value_label="% returned",
        ),
    ),
)
