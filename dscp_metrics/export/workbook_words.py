"""What the workbook says besides its figures: the cover's lines and the notes (symbols, columns, and each
indicator's definition from the registry), for `workbook`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ..disclosure.decide import SUPPRESSED
from ..indicators import Indicator
from ..present.markers import RESTRICTED_SENTENCE
from ..publication.publish import Publication

NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
PARTNERSHIP = "Durham Safeguarding Children Partnership"
COVER_WIDTH = 70  # characters: the cover's text fits a portrait page
COLUMN_WORDS = "\n".join((
    "indicator_id: the indicator's stable id; title: its title.",
    "period: 2024-05 a calendar month, 2024-25-Q1 a quarter, 2024-25 a financial year (from 1 April).",
    "breakdown: all for the whole figure, else key=value (two keys joined by ;).",
    "numerator: the count (for a count, the figure itself).",
    "denominator: the denominator of a %, or the number of ratings of a mean.",
    "value: the figure (a count, a percentage from 0 to 100, or a mean rating), stored unrounded.",
    "lower_ci, upper_ci: its 95% confidence interval, in the unit of value.",
    "unit: count, % or mean.",
))


@dataclass(frozen=True)
class About:
    """What the cover says about a workbook (everything but the figures, which come from the publication)."""

    title_period: str
    contents: str = "Every figure computed for the periods asked."
    partnership: str = PARTNERSHIP
    built: datetime | None = None
    load_log: pd.DataFrame | None = None
    load_id: str | None = None
    handling: str = ""


def _extract_lines(load_log: pd.DataFrame | None) -> list[str]:
    from ..present.format import day

    if load_log is None or load_log.empty:
        return ["Source extracts: not recorded for this store."]
    lines = ["Source extracts, each with its load date (the date the extract was taken as at):"]
    for row in load_log.to_dict("records"):
        span = ""
        if pd.notna(row.get("min_date")) and pd.notna(row.get("max_date")):
            span = f"; records dated {day(pd.Timestamp(row['min_date']))} to {day(pd.Timestamp(row['max_date']))}"
        loaded = (f" (loaded {day(pd.Timestamp(row['loaded_at']))} at {pd.Timestamp(row['loaded_at']):%H:%M})"
                  if pd.notna(row.get("loaded_at")) else "")
        lines.append(f"{row['file']}: load date {day(pd.Timestamp(row['load_date']))}{loaded}; "
                     f"{int(row['rows_loaded']):,} rows loaded{span}.")
    return lines


def _suppression_lines(publication: Publication) -> list[str]:
    if publication.restricted:
        return [f"Suppression is off: small numbers are shown as they are. {RESTRICTED_SENTENCE}"]
    t = publication.threshold
    return [f"Small numbers are withheld and shown as {SUPPRESSED}: a count from 1 to {t}, a % whose numerator or "
            f"denominator is from 1 to {t}, a mean of 1 to {t} ratings, and any further figure that would let a "
            "withheld one be worked out from totals, months or shared counts. An audit checked that no withheld "
            f"figure can be worked out from everything published here. {publication.hidden_count:,} of "
            f"{len(publication.shown):,} rows are withheld."]


def cover(publication: Publication, about: About, empty_themes: list[str]):
    from gptables import Cover

    from .. import __version__
    from ..present.format import day

    built = about.built or datetime.now().astimezone()
    intro = ([[{"bold": True}, RESTRICTED_SENTENCE]] if publication.restricted else []) + [
        about.partnership, f"Period: {about.title_period}.", about.contents,
        f"Built {day(built)} at {built:%H:%M} by dscp_metrics {__version__}"
        + (f" from load {about.load_id}." if about.load_id else "."),
    ] + ([about.handling] if about.handling else [])
    lines = _extract_lines(about.load_log) + _suppression_lines(publication) + [
        "Figures are stored unrounded: whole numbers as whole numbers, percentages, means and intervals "
        "displayed to one decimal place.", *publication.notes]
    if empty_themes:
        lines.append(f"No figures in this workbook for: {', '.join(empty_themes)} (not asked for, or their "
                     "extracts were not supplied).")
    title = f"Think Tank figures: {about.title_period}" + (" — RESTRICTED" if publication.restricted else "")
    return Cover(title, intro=intro, about=lines, width=COVER_WIDTH)


def notes_frame(publication: Publication, indicators: Sequence[Indicator]) -> pd.DataFrame:
    from ..present.html import definition_entries

    if publication.restricted:
        symbols = (f"{RESTRICTED_SENTENCE} Nothing is withheld. {NOT_AVAILABLE}: not available. "
                   f"{NOT_APPLICABLE}: not applicable (a count has no denominator).")
    else:
        symbols = (f"{SUPPRESSED}: confidential, withheld to protect children's privacy (Government Statistical "
                   f"Service symbol). It marks a small number (1 to {publication.threshold}) or a figure withheld "
                   f"so that another withheld figure cannot be worked out, so {SUPPRESSED} does not mean "
                   f"'from 1 to {publication.threshold}'. {NOT_AVAILABLE}: not available (a % over a "
                   f"denominator of 0, or an interval of fewer than 2 ratings). {NOT_APPLICABLE}: not "
                   "applicable (a count has no denominator).")
    rows = [("symbols", symbols), ("columns", COLUMN_WORDS)]
    rows += [(i.id, "\n".join(f"{term}: {text}" for term, text in [("Indicator", i.title), *definition_entries(i)]))
             for i in indicators]
    return pd.DataFrame(rows, columns=["Note reference", "Note text"])


