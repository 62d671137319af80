"""Theme `domestic_abuse`: Children's Social Care referrals, re-referrals and the domestic abuse factor."""

from .registry import REGISTRY, Indicator

REFERRAL = "referrals accepted by Children's Social Care (Children in Need census meaning) with a referral date in the period"
REREFERRAL = (
    "a re-referral is a referral whose child has another referral dated on or after its referral date "
    "minus 12 months and strictly before it; the earlier referral may be before the period and for any reason"
)
HISTORY_CAVEAT = (
    "Needs at least 12 months of referral history before the period; "
    "a figure for a period less than 12 months after the extract's first referral undercounts re-referrals."
)

REGISTRY.register(
    Indicator(
        id="csc_referrals",
        title="Referrals to Children's Social Care",
        short_title="CSC referrals",
        theme="domestic_abuse",
        unit="count",
        polarity="none",
        source="csc_referrals",
        definition="The number of referrals to Children's Social Care in the period.",
        numerator=REFERRAL,
        numerator_sql="coalesce(sum(r.referrals), 0)",
        value_label="referrals",
    ),
    Indicator(
        id="rereferral_rate",
        title="Re-referrals within 12 months, % of referrals",
        short_title="Re-referral rate",
        theme="domestic_abuse",
        unit="%",
        polarity="lower",
        source="csc_referrals",
        definition="The share of referrals in the period that are re-referrals within 12 months of a previous referral of the same child.",
        numerator="re-referrals in the period (" + REREFERRAL + ")",
        numerator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.is_rereferral), 0)",
        denominator=REFERRAL,
        denominator_sql="coalesce(sum(r.referrals), 0)",
        caveats=HISTORY_CAVEAT,
        value_label="% re-referred",
    ),
    Indicator(
        id="da_referrals",
        title="Referrals with domestic abuse recorded as a factor",
        short_title="DA referrals",
        theme="domestic_abuse",
        unit="count",
        polarity="none",
        source="csc_referrals",
        definition="The number of referrals in the period with domestic abuse recorded as a factor.",
        numerator=REFERRAL + ", with factor domestic_abuse",
        numerator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.has_domestic_abuse), 0)",
        caveats="Depends on factors being recorded on the referral; an empty factor list counts as no factor.",
        value_label="referrals",
    ),
    Indicator(
        id="da_referral_share",
        title="Domestic abuse as a factor, % of referrals",
        short_title="DA share of referrals",
        theme="domestic_abuse",
        unit="%",
        polarity="none",
        source="csc_referrals",
        definition="The share of referrals in the period with domestic abuse recorded as a factor.",
        numerator=REFERRAL + ", with factor domestic_abuse",
        numerator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.has_domestic_abuse), 0)",
        denominator=REFERRAL,
        denominator_sql="coalesce(sum(r.referrals), 0)",
        value_label="% of referrals",
    ),
    Indicator(
        id="da_rereferrals",
        title="Re-referrals with domestic abuse recorded as a factor",
        short_title="DA re-referrals",
        theme="domestic_abuse",
        unit="count",
        polarity="lower",
        source="csc_referrals",
        definition="The number of referrals in the period with domestic abuse as a factor that are re-referrals within 12 months.",
        numerator="referrals in the period with factor domestic_abuse that are re-referrals (" + REREFERRAL + ")",
        numerator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.has_domestic_abuse AND r.is_rereferral), 0)",
        caveats=HISTORY_CAVEAT + " The earlier referral need not have had domestic abuse as a factor.",
        value_label="re-referrals",
    ),
    Indicator(
        id="da_rereferral_rate",
        title="Re-referrals within 12 months, % of domestic abuse referrals",
        short_title="DA re-referral rate",
        theme="domestic_abuse",
        unit="%",
        polarity="lower",
        source="csc_referrals",
        definition="The share of referrals with domestic abuse as a factor that are re-referrals within 12 months.",
        numerator="referrals in the period with factor domestic_abuse that are re-referrals",
        numerator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.has_domestic_abuse AND r.is_rereferral), 0)",
        denominator="referrals in the period with factor domestic_abuse",
        denominator_sql="coalesce(sum(r.referrals) FILTER (WHERE r.has_domestic_abuse), 0)",
        caveats=HISTORY_CAVEAT,
        value_label="% re-referred",
    ),
)
