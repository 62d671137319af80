"""Theme `harm_outside_home`: the Child Exploitation Vulnerability Tracker and exploitation referrals."""

from ..load.contract import LOCALITIES, RISK_LEVELS
from .model import Dimension, Indicator, Measure, Ref, table_source
from .referrals import REFERRALS
from .registry import Theme, register_theme

CEVT_SOURCE = table_source("cevt_referrals", "Child Exploitation Vulnerability Tracker scorings", "scored_date",
                           identifiers=("cevt_id", "child_id"))

EXPLOITATION_TYPE = Dimension(
    key="exploitation_type", title="type of exploitation", sql="r.exploitation_type",
    categories=("criminal", "sexual", "other"), labels=("Criminal", "Sexual", "Other"),
)
RISK_LEVEL = Dimension(
    key="risk_level", title="risk level", sql="r.risk_level",
    categories=tuple(c.code for c in RISK_LEVELS), labels=tuple(c.code.capitalize() for c in RISK_LEVELS),
    not_recorded=True,
)
LOCALITY = Dimension(
    key="locality", title="locality", sql="r.locality",
    categories=tuple(c.code for c in LOCALITIES), not_recorded=True,
)
SCORED = "scorings on the Child Exploitation Vulnerability Tracker (CEVT) with a scored date in the period"

SCORINGS = Measure(
    id="cevt_scorings", source="cevt_referrals", aggregate="count", sql="count(r.cevt_id)",
    description=SCORED, dimensions=(EXPLOITATION_TYPE, RISK_LEVEL, LOCALITY),
)
CHILDREN_SCORED = Measure(
    id="cevt_children_scored", source="cevt_referrals", aggregate="distinct", sql="count(DISTINCT r.child_id)",
    description="distinct child_id among " + SCORED, dimensions=(RISK_LEVEL,),
)
EXPLOITATION_REFERRALS = Ref.of(REFERRALS, has_exploitation="yes")

register_theme(
    Theme("harm_outside_home", "Harm outside the home",
          "Children scored on the Child Exploitation Vulnerability Tracker (CEVT), the scorings by type of "
          "exploitation, risk level and locality, and referrals to Children's Social Care with exploitation "
          "recorded as a factor."),
    sources=(CEVT_SOURCE,),
    measures=(SCORINGS, CHILDREN_SCORED),
    indicators=(
        Indicator(
            id="cevt_children", title="Children scored on the Child Exploitation Vulnerability Tracker",
            short_title="Children scored on the CEVT", theme="harm_outside_home", unit="count", polarity="none",
            definition="The number of distinct children with a CEVT scoring dated in the period.",
            numerator_words=CHILDREN_SCORED.description, numerator=Ref.of(CHILDREN_SCORED),
            caveats="A child scored more than once in the period counts once.", value_label="children",
        ),
        Indicator(
            id="cevt_referrals", title="CEVT scorings, by type of exploitation, risk level and locality",
            short_title="CEVT referrals", theme="harm_outside_home", unit="count", polarity="none",
            definition="The number of CEVT scorings (referrals to the tracker) dated in the period, in all, "
                       "by type of exploitation, by the risk level the scoring gave and by the child's locality.",
            numerator_words=SCORED, numerator=Ref.of(SCORINGS),
            breakdowns=(("exploitation_type",), ("risk_level",), ("locality",)),
            caveats="A child scored twice in the period counts twice. Scorings with no risk level or locality "
                    "recorded are shown as not recorded.",
            value_label="scorings",
        ),
        Indicator(
            id="cevt_high_risk_children", title="Children scored at high risk on the CEVT",
            short_title="High-risk children (CEVT)", theme="harm_outside_home", unit="count", polarity="lower",
            definition="The number of distinct children with a scoring at high risk dated in the period.",
            numerator_words="distinct child_id among " + SCORED + ", with risk level high",
            numerator=Ref.of(CHILDREN_SCORED, risk_level="high"),
            caveats="Scorings with no risk level recorded are not counted as high risk.", value_label="children",
        ),
        Indicator(
            id="csc_exploitation_referrals", title="Referrals with exploitation recorded as a factor",
            short_title="Exploitation referrals", theme="harm_outside_home", unit="count", polarity="none",
            definition="The number of referrals to Children's Social Care in the period with exploitation "
                       "recorded as a factor.",
            numerator_words="referrals in the period with factor exploitation", numerator=EXPLOITATION_REFERRALS,
            value_label="referrals",
        ),
        Indicator(
            id="csc_exploitation_share", title="Exploitation as a factor, % of referrals",
            short_title="Exploitation share of referrals", theme="harm_outside_home", unit="%", polarity="none",
            definition="The share of referrals to Children's Social Care in the period with exploitation "
                       "recorded as a factor.",
            numerator_words="referrals in the period with factor exploitation", numerator=EXPLOITATION_REFERRALS,
            denominator_words="referrals in the period", denominator=Ref.of(REFERRALS),
            value_label="% of referrals",
        ),
    ),
)
