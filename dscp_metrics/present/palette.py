"""The one palette of pack and explorer: NHS Making Data Count's colours, darkened where needed for contrast.

Every colour that carries meaning also has a word, and a shape or symbol, beside
it: nothing is told by colour alone. `contrast(a, b)` is the WCAG 2.2 ratio;
`tests/test_present.py` checks every text colour against white at 4.5:1 or more
and every graphic colour at 3:1 or more.
"""

from __future__ import annotations

TEXT = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#d9d9d9"  # gridlines only (decorative)
LINK = "#1d4f91"
WHITE = "#ffffff"

# Making Data Count: common cause grey, improvement blue, concern orange, neutral purple.
COMMON_CAUSE = "#5f6368"  # MDC grey (#7b7d7d) darkened for text
IMPROVEMENT = "#1a6fb0"  # MDC blue (#289de0) darkened
CONCERN = "#a35300"  # MDC orange (#fab428) darkened
NEUTRAL = "#6a2c91"  # MDC purple
DATA_LINE = COMMON_CAUSE
MEAN_LINE = TEXT
LIMIT_LINE = MUTED
TARGET_LINE = "#b3261e"
BAR = IMPROVEMENT
BAR_SECOND = "#5b6b7a"  # the second figure of a grouped bar chart (patterned too)
RESTRICTED = "#a4000f"

RAG_FILL = {"red": "#b3261e", "amber": "#f2b531", "green": "#1e7b34", "not_rated": WHITE}
RAG_TEXT = {"red": "#b3261e", "amber": "#7a4f00", "green": "#1e7b34", "not_rated": MUTED}
RAG_TEXT_ON_FILL = {"red": WHITE, "amber": TEXT, "green": WHITE, "not_rated": TEXT}
GOODNESS_TEXT = {"better": IMPROVEMENT, "worse": CONCERN, "neutral": TEXT}

VARIATION_COLOUR = {
    "common_cause": COMMON_CAUSE, "improvement_high": IMPROVEMENT, "improvement_low": IMPROVEMENT,
    "concern_high": CONCERN, "concern_low": CONCERN, "neutral_high": NEUTRAL, "neutral_low": NEUTRAL,
}
ASSURANCE_COLOUR = {"consistent_pass": IMPROVEMENT, "consistent_fail": CONCERN, "inconsistent": COMMON_CAUSE}
POINT_STYLE = {  # SPC point types: colour, marker shape and words (the shape and words carry the meaning)
    "common_cause": (COMMON_CAUSE, "circle", "Common cause"),
    "special_cause_improvement": (IMPROVEMENT, "diamond", "Special cause: improvement"),
    "special_cause_concern": (CONCERN, "square", "Special cause: concern"),
    "special_cause_neutral_high": (NEUTRAL, "triangle-up", "Special cause: high (neither better nor worse)"),
    "special_cause_neutral_low": (NEUTRAL, "triangle-down", "Special cause: low (neither better nor worse)"),
}
FONT_FAMILY = 'Arial, "Helvetica Neue", Helvetica, "Liberation Sans", "DejaVu Sans", sans-serif'

TEXT_COLOURS = [TEXT, MUTED, LINK, COMMON_CAUSE, IMPROVEMENT, CONCERN, NEUTRAL, TARGET_LINE, RESTRICTED,
                *RAG_TEXT.values()]
GRAPHIC_COLOURS = [DATA_LINE, MEAN_LINE, LIMIT_LINE, BAR, BAR_SECOND, RAG_FILL["red"], RAG_FILL["green"]]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str = WHITE) -> float:
    """The WCAG 2.2 contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
