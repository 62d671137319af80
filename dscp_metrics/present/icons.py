"""Inline SVG (no JavaScript): the Making Data Count variation and assurance icons, and sparklines.

Each icon is a circle in the Making Data Count colour with a letter (H high, L
low, P pass, F fail, ? hit and miss) and a small line of points, and carries its
meaning in words as a text alternative, so nothing is told by colour or shape alone.
"""

from __future__ import annotations

from .html import Raw, esc
from .palette import ASSURANCE_COLOUR, COMMON_CAUSE, DATA_LINE, TEXT, VARIATION_COLOUR

ICON_SIZE = 30
_LINES = {"flat": "7,17 11,17 15,17 19,17 23,17", "up": "7,21 11,19 15,17 19,13 23,10",
          "down": "7,10 11,13 15,17 19,19 23,21"}


def _circle_icon(colour: str, letter: str, line: str, words: str, size: int = ICON_SIZE) -> Raw:
    points = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="1.6" fill="{colour}"/>'
                     for p in _LINES[line].split())
    letter_svg = (f'<text x="15" y="11" text-anchor="middle" font-size="8" font-weight="bold" '
                  f'fill="{colour}" font-family="Arial, sans-serif">{esc(letter)}</text>') if letter else ""
    return Raw(
        f'<svg class="dscp-icon" width="{size}" height="{size}" viewBox="0 0 30 30" role="img" '
        f'aria-label="{esc(words)}"><title>{esc(words)}</title>'
        f'<circle cx="15" cy="15" r="13" fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
        f'<polyline points="{_LINES[line]}" fill="none" stroke="{colour}" stroke-width="1"/>{points}{letter_svg}</svg>'
    )


def variation_icon(variation: str | None, words: str, size: int = ICON_SIZE) -> Raw:
    """The variation icon of the latest point (`common_cause`, `improvement_high`, ...), or a dash."""
    if variation is None:
        return Raw(f'<span class="dscp-icon-none" title="{esc(words)}">–<span class="dscp-visually-hidden"> '
                   f'{esc(words)}</span></span>')
    kind, _, side = variation.partition("_")
    line = "flat" if variation == "common_cause" else ("up" if side == "high" else "down")
    letter = "" if variation == "common_cause" else ("H" if side == "high" else "L")
    return _circle_icon(VARIATION_COLOUR[variation], letter, line, words, size)


def assurance_icon(assurance: str | None, words: str, size: int = ICON_SIZE) -> Raw:
    """The assurance icon (`consistent_pass` P, `consistent_fail` F, `inconsistent` ?), or a dash."""
    if assurance is None:
        return Raw(f'<span class="dscp-icon-none" title="{esc(words)}">–<span class="dscp-visually-hidden"> '
                   f'{esc(words)}</span></span>')
    letter = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}[assurance]
    return _circle_icon(ASSURANCE_COLOUR[assurance], letter, "flat", words, size)


def sparkline(values: list[float | None], words: str, width: int = 120, height: int = 28) -> Raw:
    """A small line of the published values (a gap for each hidden one), the latest shown as a dot."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Raw(f'<span class="dscp-icon-none">–<span class="dscp-visually-hidden"> {esc(words)}</span></span>')
    low, high = min(known), max(known)
    spread = (high - low) or 1.0
    step = (width - 6) / max(len(values) - 1, 1)
    segments, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((3 + i * step, height - 3 - (v - low) / spread * (height - 6)))
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in seg)}" fill="none" stroke="{DATA_LINE}" '
        f'stroke-width="1.5"/>' if len(seg) > 1 else
        f'<circle cx="{seg[0][0]:.1f}" cy="{seg[0][1]:.1f}" r="1" fill="{DATA_LINE}"/>'
        for seg in segments)
    last = next(((3 + i * step, height - 3 - (v - low) / spread * (height - 6))
                 for i, v in reversed(list(enumerate(values))) if v is not None), None)
    dot = f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="{TEXT}"/>' if last else ""
    return Raw(f'<svg class="dscp-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
               f'role="img" aria-label="{esc(words)}"><title>{esc(words)}</title>{lines}{dot}</svg>')


__all__ = ["COMMON_CAUSE", "assurance_icon", "sparkline", "variation_icon"]
