"""Theme `domestic_abuse`: Children's Social Care referrals, re-referrals and the domestic abuse factor."""

from .model import Indicator, Ref
from .referrals import HISTORY_CAVEAT, REFERRALS, REFERRALS_SOURCE, REREFERRAL_WORDS
from .registry import Theme, register_theme

ALL_REFERRALS = Ref.of(REFERRALS)
REREFERRALS = Ref.of(REFERRALS, is_rereferral="yes")
DA_REFERRALS = Ref.of(REFERRALS, has_domestic_abuse="yes")
DA_REREFERRALS = Ref.of(REFERRALS, has_domestic_abuse="yes", is_rereferral="yes")
REFERRAL_WORDS = REFERRALS.description

register_theme(
    Theme("domestic_abuse", "Domestic abuse",
          "Referrals to Children's Social Care, re-referrals within 12 months, and referrals where domestic "
          "abuse was recorded as a factor."),
    sources=(REFERRALS_SOURCE,),
    measures=(REFERRALS,),
    indicators=(
        Indicator(
            id="csc_referrals", title="Referrals to Children's Social Care", short_title="CSC referrals",
            theme="domestic_abuse", unit="count", polarity="none",
            definition="The number of referrals to Children's Social Care in the period.",
            numerator_words=REFERRAL_WORDS, numerator=ALL_REFERRALS, value_label="referrals",
        ),
        Indicator(
            id="rereferral_rate", title="Re-referrals within 12 months, % of referrals",
            short_title="Re-referral rate", theme="domestic_abuse", unit="%", polarity="lower",
            definition="The share of referrals in the period that are re-referrals within 12 months of a "
                       "previous referral of the same child.",
            numerator_words="re-referrals in the period (" + REREFERRAL_WORDS + ")", numerator=REREFERRALS,
            denominator_words=REFERRAL_WORDS, denominator=ALL_REFERRALS,
            caveats=HISTORY_CAVEAT, value_label="% re-referred",
        ),
        Indicator(
            id="da_referrals", title="Referrals with domestic abuse recorded as a factor",
            short_title="DA referrals", theme="domestic_abuse", unit="count", polarity="none",
            definition="The number of referrals in the period with domestic abuse recorded as a factor.",
            numerator_words=REFERRAL_WORDS + ", with factor domestic_abuse", numerator=DA_REFERRALS,
            caveats="Depends on factors being recorded on the referral; an empty factor list counts as no factor.",
            value_label="referrals",
        ),
        Indicator(
            id="da_referral_share", title="Domestic abuse as a factor, % of referrals",
            short_title="DA share of referrals", theme="domestic_abuse", unit="%", polarity="none",
            definition="The share of referrals in the period with domestic abuse recorded as a factor.",
            numerator_words=REFERRAL_WORDS + ", with factor domestic_abuse", numerator=DA_REFERRALS,
            denominator_words=REFERRAL_WORDS, denominator=ALL_REFERRALS, value_label="% of referrals",
        ),
        Indicator(
            id="da_rereferrals", title="Re-referrals with domestic abuse recorded as a factor",
            short_title="DA re-referrals", theme="domestic_abuse", unit="count", polarity="lower",
            definition="The number of referrals in the period with domestic abuse as a factor that are "
                       "re-referrals within 12 months.",
            numerator_words="referrals in the period with factor domestic_abuse that are re-referrals ("
                            + REREFERRAL_WORDS + ")",
            numerator=DA_REREFERRALS,
            caveats=HISTORY_CAVEAT + " The earlier referral need not have had domestic abuse as a factor.",
            value_label="re-referrals",
        ),
        Indicator(
            id="da_rereferral_rate", title="Re-referrals within 12 months, % of domestic abuse referrals",
            short_title="DA re-referral rate", theme="domestic_abuse", unit="%", polarity="lower",
            definition="The share of referrals with domestic abuse as a factor that are re-referrals within "
                       "12 months.",
            numerator_words="referrals in the period with factor domestic_abuse that are re-referrals",
            numerator=DA_REREFERRALS,
            denominator_words="referrals in the period with factor domestic_abuse", denominator=DA_REFERRALS,
            caveats=HISTORY_CAVEAT, value_label="% re-referred",
        ),
    ),
)
