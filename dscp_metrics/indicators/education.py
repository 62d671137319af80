"""Theme `education`: children missing education, electively home educated, and harm outside the home.

Source `education_status.csv`: spells of being missing from education (CME) or
electively home educated (EHE). A spell is open on a day when it started on or
before that day and has not ended before it; a child counts in a period when a
spell is open on any day of it. The linkage indicators also need
`cevt_referrals.csv` (both must be supplied, else they have no rows) and rely on
`child_id` being the same pseudonym in both extracts: they show an association
between two agencies' records, not that one causes the other.
"""

from ..load.contract import EDUCATION_STATUSES
from .harm_outside_home import CHILDREN_SCORED
from .model import Dimension, Indicator, Measure, Ref, Source
from .registry import Theme, register_theme

SPELLS_SOURCE = Source(
    name="education_spells", title="CME and EHE spells", tables=("education_status",), date_column="start_date",
    end_column="end_date",
    records_sql=("SELECT * FROM store.education_status WHERE start_date <= {end} "
                 "AND (end_date IS NULL OR end_date >= {start})"),
    identifiers=("record_id", "child_id"),
)
LINK_SOURCE = Source(
    name="cevt_education_link", title="CEVT scorings linked with CME and EHE spells",
    tables=("cevt_referrals", "education_status"), date_column="scored_date",
    records_sql=(
        "SELECT c.cevt_id, c.child_id, c.scored_date, s.status FROM store.cevt_referrals c "
        "JOIN store.education_status s ON s.child_id = c.child_id AND s.start_date <= c.scored_date "
        "AND (s.end_date IS NULL OR s.end_date >= CAST(c.scored_date - INTERVAL 12 MONTH AS DATE)) "
        "WHERE c.scored_date BETWEEN {start} AND {end}"
    ),
    identifiers=("cevt_id", "child_id"),
)
STATUS = Dimension(key="status", title="education status", sql="r.status",
                   categories=tuple(c.code for c in EDUCATION_STATUSES),
                   labels=("Missing education (CME)", "Electively home educated (EHE)"))
SPELL_CHILDREN = Measure(id="education_spell_children", source="education_spells", aggregate="distinct",
                         sql="count(DISTINCT r.child_id)",
                         description="distinct children with a spell open on any day of the period",
                         dimensions=(STATUS,))
LINKED_CHILDREN = Measure(
    id="cevt_children_with_spells", source="cevt_education_link", aggregate="distinct",
    sql="count(DISTINCT r.child_id)",
    description="distinct children with a CEVT scoring dated in the period who had a CME or EHE spell open on any day "
                "from 12 months before that scoring's date up to and including it",
    dimensions=(STATUS,),
)
LINK_CAVEAT = ("Links two agencies' records through the pseudonymous child id: it assumes the same pseudonym is used "
               "in both extracts, and shows that exploitation and missing education occur together, not that one "
               "causes the other. Needs both cevt_referrals.csv and education_status.csv.")

register_theme(
    Theme("education", "Education and harm outside the home",
          "Children missing education or electively home educated, and how many children scored on the Child "
          "Exploitation Vulnerability Tracker had such a spell in the 12 months before their scoring."),
    sources=(SPELLS_SOURCE, LINK_SOURCE),
    measures=(SPELL_CHILDREN, LINKED_CHILDREN),
    indicators=(
        Indicator(id="cme_children", title="Children missing education", short_title="Children missing education",
                  theme="education", unit="count", polarity="lower",
                  definition="The number of distinct children with a CME spell open on any day of the period.",
                  numerator_words=SPELL_CHILDREN.description + ", status cme",
                  numerator=Ref.of(SPELL_CHILDREN, status="cme"), value_label="children"),
        Indicator(id="ehe_children", title="Children electively home educated", short_title="Children home educated",
                  theme="education", unit="count", polarity="none",
                  definition="The number of distinct children with an EHE spell open on any day of the period.",
                  numerator_words=SPELL_CHILDREN.description + ", status ehe",
                  numerator=Ref.of(SPELL_CHILDREN, status="ehe"), value_label="children"),
        Indicator(id="cevt_cme_ehe_children",
                  title="Children scored on the CEVT who had been missing education or home educated",
                  short_title="CEVT children with a CME or EHE spell", theme="education", unit="count",
                  polarity="none",
                  definition="The number of distinct children with a CEVT scoring in the period who had a CME or EHE "
                             "spell open in the 12 months up to that scoring, in all and by status (a child with "
                             "both counts in each).",
                  numerator_words=LINKED_CHILDREN.description, numerator=Ref.of(LINKED_CHILDREN),
                  breakdowns=(("status",),), caveats=LINK_CAVEAT, value_label="children"),
        Indicator(id="cevt_cme_ehe_share",
                  title="CEVT children who had been missing education or home educated, % of CEVT children",
                  short_title="Share of CEVT children with a spell", theme="education", unit="%", polarity="none",
                  definition="Of the children scored on the CEVT in the period, the share who had a CME or EHE spell "
                             "open in the 12 months up to their scoring.",
                  numerator_words=LINKED_CHILDREN.description, numerator=Ref.of(LINKED_CHILDREN),
                  denominator_words=CHILDREN_SCORED.description, denominator=Ref.of(CHILDREN_SCORED),
                  caveats=LINK_CAVEAT, value_label="% of CEVT children"),
    ),
)
