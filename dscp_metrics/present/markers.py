"""The RESTRICTED marking: written once here, shown on every page section and file when suppression is off."""

from __future__ import annotations

import html

RESTRICTED_MARKER = "RESTRICTED — contains unsuppressed small numbers"
RESTRICTED_CSV_LINE = f"# {RESTRICTED_MARKER}: do not circulate beyond the analyst's own session"
RESTRICTED_SENTENCE = f"{RESTRICTED_MARKER}. Do not circulate."


def restricted_banner() -> str:
    """The banner at the top of a page and of each of its sections (one per section)."""
    return f'<p class="dscp-restricted" role="note">{html.escape(RESTRICTED_SENTENCE)}</p>'
