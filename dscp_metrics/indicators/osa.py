"""Theme `osa`: the Organisational Safeguarding Assessment (a yearly self-assessment by partner services)."""

from .registry import REGISTRY, Dimension, Indicator

SECTION = Dimension(
    key="section",
    sql="r.section",
    categories=(
        "leadership",
        "policies",
        "information_sharing",
        "training",
        "voice_of_child",
        "domestic_abuse",
        "harm_outside_home",
        "first_1001_days",
        "mental_health",
    ),
    labels=(
        "Leadership, supervision and accountability",
        "Use of policies and procedures to safeguard children",
        "Information sharing and data management",
        "Multi agency training and development",
        "The voice of children and young people",
        "Domestic abuse",
        "Harm outside the home",
        "First 1001 days",
        "Mental health and wellbeing",
    ),
)
RATING = Dimension(key="rating", sql="r.rating", categories=("Red", "Amber", "Green"))
WINDOW = (
    "OSA figures use the returns whose assessment date falls in the 12 months ending on the period's last day "
    "(the assessment runs once a year)."
)
RATINGS = "standards rated in returns assessed in the 12 months ending on the period's last day"

REGISTRY.register(
    Indicator(
        id="osa_green_share",
        title="Standards rated Green, % of standards rated, by section",
        short_title="Green share",
        theme="osa",
        unit="%",
        polarity="higher",
        source="osa_returns",
        definition="Of all standards rated in the self-assessments, the share rated Green, overall and for each of the nine sections.",
        numerator=RATINGS + ", rated Green",
        numerator_sql="count(r.standard_id) FILTER (WHERE r.rating = 'Green')",
        denominator=RATINGS,
        denominator_sql="count(r.standard_id)",
        breakdowns=(SECTION,),
        window="rolling_12_months",
        caveats=WINDOW + " Ratings are the services' own self-assessment.",
        value_label="% Green",
    ),
    Indicator(
        id="osa_rating_share",
        title="Standards by RAG rating, % of standards rated in each section",
        short_title="Rating share",
        theme="osa",
        unit="%",
        polarity="none",
        source="osa_returns",
        definition="Within each section, the share of standards rated Red, Amber and Green.",
        numerator=RATINGS + ", with the rating, in the section",
        numerator_sql="count(r.standard_id)",
        denominator=RATINGS + " in the section",
        share_within=("section",),
        breakdowns=(SECTION, RATING),
        include_all=False,
        window="rolling_12_months",
        caveats=WINDOW,
        value_label="% of ratings",
    ),
    Indicator(
        id="osa_return_rate",
        title="Self-assessments returned, % of those issued",
        short_title="Return rate",
        theme="osa",
        unit="%",
        polarity="higher",
        source="osa_returns",
        definition="The number of self-assessments returned as a share of the number issued in the same 12 months.",
        numerator="distinct return_id among returns assessed in the 12 months ending on the period's last day",
        numerator_sql="count(DISTINCT r.return_id)",
        denominator="the sum of self-assessments issued (osa_issued) with an issued date in the same 12 months",
        denominator_source_sql=(
            "(SELECT coalesce(sum(i.issued), 0) FROM store.osa_issued i "
            "WHERE i.issued_date BETWEEN {start} AND {end})"
        ),
        denominator_sources=("osa_issued",),
        window="rolling_12_months",
        caveats=WINDOW + " Needs both osa_returns.csv and osa_issued.csv.",
        value_label="% returned",
    ),
)
