"""A chart's legend as HTML above it, drawn from the figure's own traces: what plotly's legend would list.

In the pack a chart's legend is a list in the page, not plotly's: it wraps with the page's
text on a phone, prints as text, a screen reader and the keyboard reach it, and the chart
is drawn without a legend to measure (a fifth of the pack's drawing time). Each entry is a
button that hides or shows its series, as a click on plotly's legend does (`pack.js`).

The entries are the traces plotly would list, in its order: each visible trace whose
`showlegend` is not false, when the layout shows a legend (plotly's default: with two
such traces or more), in trace order (reversed for stacked bars, as plotly does, unless
the layout says otherwise); an unnamed trace is "trace N", as in plotly. Each entry's
swatch is drawn as plotly draws it: a line in its colour, width and dash, a marker in its
shape, colour and outline, a bar's fill with its pattern. What plotly would draw from
defaults this does not know (a trace without a colour, a `legendgroup`, another trace
order, marker or pattern) is refused with `ValueError`, not guessed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .html import esc

SWATCH_WIDTH, SWATCH_HEIGHT = 30, 14
MARKER_MOST = 12  # px: a big marker is drawn smaller in its swatch, as plotly's legend does (16 there)
COLUMN_WIDTH = 360  # px: a chart's width in the pack's columns of three, on a phone and printed
ENTRY_BASE, NAME_CHAR = 40, 6.5  # px: a plotly legend entry's swatch and gaps, and a character of its 12 px name
LEGEND_LINE, LEGEND_GAP = 19, 8  # px: a line of plotly's legend, and the gap between it and the plot
# plotly's dashes, in multiples of the line's width (at least 3 px): Drawing.dashStyle
DASHES = {"solid": None, "dot": (1, 1), "dash": (3, 3), "longdash": (5, 5), "dashdot": (3, 1, 1, 1),
          "longdashdot": (5, 2, 1, 2)}


@dataclass(frozen=True)
class LegendEntry:
    """One entry: its name (text), the traces it stands for, its swatch (SVG), whether they are shown (plotly
    lists a trace that is `visible: "legendonly"`, greyed)."""

    name: str
    traces: tuple[int, ...]
    swatch: str
    shown: bool = True


def legend_entries(figure: dict) -> list[LegendEntry]:
    """The entries plotly's legend would show for `figure` (see the module docstring)."""
    layout = figure.get("layout", {})
    data = figure.get("data", [])
    order = (layout.get("legend") or {}).get("traceorder")
    if order is None:
        stacked = layout.get("barmode") == "stack" and any(t.get("type") == "bar" for t in data)
        order = "reversed" if stacked else "normal"
    if order not in ("normal", "reversed"):
        raise ValueError(f"legend traceorder {order!r}: only normal and reversed are drawn")
    listed = [index for index, trace in enumerate(data)
              if trace.get("showlegend") is not False and trace.get("visible", True) is not False]
    shown = layout.get("showlegend")
    if shown is False or (shown is None and len(listed) < 2):
        return []
    entries = []
    for index in listed[::-1] if order == "reversed" else listed:
        trace = data[index]
        if trace.get("legendgroup"):
            raise ValueError(f"trace {index} has a legendgroup: plotly lists and orders those its own way")
        name = html.unescape(trace.get("name") or f"trace {index}")  # plotly's text: & < > escaped
        entries.append(LegendEntry(name, (index,), swatch(trace), trace.get("visible", True) != "legendonly"))
    return entries


def plotly_legend_room(entries: list[LegendEntry]) -> int:
    """About the height (px) plotly's own legend (its `entries`) takes above its plot in one of the pack's columns
    (`COLUMN_WIDTH`): its entries laid out in lines of that width, each entry a swatch and its name in 12 px
    type (`ENTRY_BASE` + `NAME_CHAR` per character), `LEGEND_LINE` per line and `LEGEND_GAP` below; 0 without
    a legend. The pack's chart is drawn that much shorter, its legend in the page above it: the plot keeps
    the height it had, and the page its length."""
    lines, used = 0, COLUMN_WIDTH
    for entry in entries:
        width = ENTRY_BASE + NAME_CHAR * len(entry.name)
        if used + width > COLUMN_WIDTH and used:
            lines, used = lines + 1, 0
        used += width
    return lines * LEGEND_LINE + LEGEND_GAP if lines else 0


def legend_html(entries: list[LegendEntry], chart_id: str, title: str) -> str:
    """The legend (its `entries`) of the chart `chart-{chart_id}`, titled `title`, as a list of toggle buttons;
    empty when it has none."""
    if not entries:
        return ""
    items = "".join(
        f'<li><button type="button" class="dscp-legend-entry" aria-pressed="{str(e.shown).lower()}" '
        f'data-traces="{" ".join(map(str, e.traces))}">{e.swatch}<span>{esc(e.name)}</span></button></li>'
        for e in entries)
    return (f'<ul class="dscp-legend" data-chart="chart-{esc(chart_id)}" '
            f'aria-label="Key to {esc(title)}: select an entry to hide or show its series">{items}</ul>')


def swatch(trace: dict) -> str:
    """A trace's legend swatch, as inline SVG hidden from screen readers (the entry's name says it)."""
    if trace.get("type", "scatter") == "bar":
        body = _bar(trace.get("marker") or {})
    elif trace.get("type", "scatter") == "scatter":
        mode = trace.get("mode", "lines+markers")
        body = _line(trace.get("line") or {}) if "lines" in mode else ""
        body += _marker(trace.get("marker") or {}, trace.get("line") or {}) if "markers" in mode else ""
    else:
        raise ValueError(f"no legend swatch for a {trace.get('type')} trace")
    return (f'<svg class="dscp-swatch" width="{SWATCH_WIDTH}" height="{SWATCH_HEIGHT}" '
            f'viewBox="0 0 {SWATCH_WIDTH} {SWATCH_HEIGHT}" aria-hidden="true" focusable="false">{body}</svg>')


def _line(line: dict) -> str:
    width = float(line.get("width", 2))
    dash = line.get("dash", "solid")
    if dash not in DASHES:
        raise ValueError(f"no legend swatch for a line dashed {dash!r}")
    unit = max(width, 3)
    pattern = DASHES[dash]
    dashes = f' stroke-dasharray="{",".join(f"{unit * n:g}" for n in pattern)}"' if pattern else ""
    middle = SWATCH_HEIGHT / 2
    colour = esc(_colour(line, "line"))
    return (f'<line x1="0" y1="{middle:g}" x2="{SWATCH_WIDTH}" y2="{middle:g}" stroke="{colour}" '
            f'stroke-width="{width:g}"{dashes}/>')


def _marker(marker: dict, line: dict) -> str:
    radius = min(float(marker.get("size", 6)), MARKER_MOST) / 2
    colour = esc(marker["color"] if "color" in marker else _colour(line, "marker"))
    return f'<path d="{marker_path(marker.get("symbol", "circle"), radius)}" fill="{colour}"{_outline(marker)}/>'


def _colour(style: dict, what: str) -> str:
    if "color" not in style:
        raise ValueError(f"a {what} without a colour: plotly would take one from its colour sequence")
    return style["color"]


def _outline(marker: dict) -> str:
    """A marker's or bar's outline as SVG stroke attributes: plotly's default width is 0 (none)."""
    outline = marker.get("line") or {}
    width = float(outline.get("width", 0))
    return f' stroke="{esc(_colour(outline, "outline"))}" stroke-width="{width:g}"' if width else ""


def marker_path(symbol: str, radius: float, x: float = SWATCH_WIDTH / 2, y: float = SWATCH_HEIGHT / 2) -> str:
    """An SVG path of plotly's marker `symbol` of size 2 × `radius` centred on (x, y)."""
    r = radius
    points = {
        "circle": None,
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "diamond": [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
        "triangle-up": [(-r * 2 / 3 ** 0.5, r / 2), (r * 2 / 3 ** 0.5, r / 2), (0, -r)],
        "triangle-down": [(-r * 2 / 3 ** 0.5, -r / 2), (r * 2 / 3 ** 0.5, -r / 2), (0, r)],
    }
    if symbol not in points:
        raise ValueError(f"no legend swatch for the marker {symbol!r}")
    if points[symbol] is None:
        return f"M{x + r:g},{y:g}A{r:g},{r:g} 0 1,1 {x:g},{y - r:g}A{r:g},{r:g} 0 0,1 {x + r:g},{y:g}Z"
    return "M" + "L".join(f"{x + dx:.2f},{y + dy:.2f}" for dx, dy in points[symbol]) + "Z"


def _bar(marker: dict) -> str:
    x, y, w, h = 8, 1, 14, SWATCH_HEIGHT - 2
    body = f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{esc(_colour(marker, "bar"))}"{_outline(marker)}/>'
    pattern = marker.get("pattern") or {}
    shape = pattern.get("shape", "")
    if shape and pattern.get("fillmode") != "overlay":
        raise ValueError("a bar pattern drawn over its fill (fillmode overlay) is drawn; plotly's default replaces it")
    if shape:
        lines = {"/": [(x, y + h, x + w, y)], "\\": [(x, y, x + w, y + h)],
                 "x": [(x, y + h, x + w, y), (x, y, x + w, y + h)]}
        if shape not in lines:
            raise ValueError(f"no legend swatch for the bar pattern {shape!r}")
        colour = esc(pattern.get("fgcolor", "#000"))
        opacity = float(pattern.get("fgopacity", 1))
        body += "".join(f'<line x1="{a}" y1="{b}" x2="{c}" y2="{d}" stroke="{colour}" stroke-opacity="{opacity:g}" '
                        f'stroke-width="1.5"/>' for a, b, c, d in lines[shape])
    return body
