"""What a chart's left and bottom margins must hold, said in the figure so the page can fit them before drawing.

plotly's `automargin` finds the room an axis's labels need by drawing the chart, and then draws it again with
the margins grown: a third of the pack's drawing time. The page (`pack/assets/pack.js`) measures the texts
given here in the reader's own font, starts the chart from margins that already fit, and automargin (still on)
has nothing to grow. A short estimate costs that second drawing, never a clipped label.

`margin_hint(figure)` is `{"left": [...], "bottom_lines": n}`, kept in `layout.meta["dscp_margins"]`:

- `left`: the lines the left margin holds. A category axis: its labels, each line of a wrapped one
  (`<br>`), as plain text (a category axis is one whose traces' y are texts). A value axis labelled with
  texts (`tickmode` "array", as the bar charts' rows are): the same of its `ticktext`. A value axis: its widest tick
  label, `widest_tick_label`, with the tick counts plotly may choose for the chart's height (`_tick_counts`);
- `bottom_lines`: the lines of the x axis's title, at least one (plotly keeps an empty title's place).
"""

from __future__ import annotations

import html
import math
import numbers

# plotly pads an autoranged axis by 5% of its length plus a marker's radius: 7% of a 214 px axis, 14% of a 98 px
# one. The label is the longer of the two ends (a tick at 100 over a top figure of 88); the step is the finer.
HEADROOM_DIGITS = 1.14
HEADROOM_STEP = 1.05
DIGIT = "0"  # digits are all one width in the pack's fonts
MINUS = "\u2212"  # plotly writes negative ticks with the minus sign
ROUND_STEPS = (2, 5, 10)  # plotly rounds a rough tick step up to 2, 5 or 10 times its power of ten
SI_LETTERS = {3: "k", 6: "M", 9: "B"}
MIN_TICK_SPACING_PX = 40  # plotly's y axis: at most one tick per 40 px, 5 to 10 ticks
LEGEND_MARGINS_PX = (37, 153)  # the top margin a legend above the plot takes, one row to five (in the pack
# the legend is the page's and the chart that much shorter, legend.plotly_legend_room: the plot is as long)
BOTTOM_MARGIN_PX = 49  # the x axis's labels and title


def margin_hint(figure: dict) -> dict:
    """The texts of `figure`'s left margin and its x title's line count (see the module docstring)."""
    layout = figure["layout"]
    yaxis = layout.get("yaxis", {})
    texts = [y for trace in figure["data"] for y in _ys(trace) if isinstance(y, str)]
    named = yaxis.get("ticktext") if yaxis.get("tickmode") == "array" else None
    if named or yaxis.get("type") == "category" or "categoryarray" in yaxis or texts:
        labels = named or yaxis.get("categoryarray") or texts
        left = list(dict.fromkeys(line for label in labels if label is not None for line in _lines(str(label))))
    else:
        low, high = _value_span(figure["data"])
        left = [widest_tick_label(low, high, yaxis.get("ticksuffix", ""), _tick_counts(layout.get("height")))]
    title = layout.get("xaxis", {}).get("title") or ""
    title = title.get("text") or "" if isinstance(title, dict) else str(title)
    return {"left": left, "bottom_lines": max(1, len(_lines(title)))}


def with_margin_hint(figure: dict) -> dict:
    """A copy of `figure` whose `layout.meta` carries its margin hint (the figure itself is not changed)."""
    layout = dict(figure["layout"])
    layout["meta"] = {**(layout.get("meta") or {}), "dscp_margins": margin_hint(figure)}
    return {**figure, "layout": layout}


def widest_tick_label(low: float, high: float, suffix: str = "", tick_counts: tuple[float, float] = (5, 10)) -> str:
    """The widest tick label of a value axis from `min(low, 0)` to `high` (plotly's rangemode "tozero").

    The longer of the labels for the axis's top with 5% and with 14% headroom: as many digits as the top, in
    plotly's SI letters once the top's power of ten (`floor(log10(top) + 0.01)`) passes 3 — thousands, millions
    or billions by `3 * round((power - 1) / 3)`, so `k` from about 9,800 and `M` from about 977,000 — and as
    many decimals as the finest tick step plotly may choose for `tick_counts` ticks over the range with 5%
    headroom (a rough step rounded up to 2, 5 or 10 times its power of ten); a minus sign when the axis goes
    below zero; then `suffix`. Every digit is written `0`: only the label's width matters.
    """
    bottom = min(low, 0.0)
    span = (high - bottom) * HEADROOM_STEP
    labels = [_tick_label(max(abs(high), abs(bottom)) * headroom, span, tick_counts)
              for headroom in (HEADROOM_STEP, HEADROOM_DIGITS)]
    return (MINUS if low < 0 else "") + max(labels, key=len) + suffix


def _tick_label(top: float, span: float, tick_counts: tuple[float, float]) -> str:
    power = math.floor(math.log10(top) + 0.01) if top > 0 else 0
    exponent = 3 * round((power - 1) / 3) if power > 3 else 0
    scale = 10.0 ** exponent
    digits = len(str(int(top / scale))) if top >= scale else 1
    decimals = max(_decimals(_tick_step(span / scale / n)) for n in tick_counts)
    return DIGIT * digits + ("." + DIGIT * decimals if decimals else "") + SI_LETTERS.get(exponent, "")


def _tick_counts(height: float | None) -> tuple[float, float]:
    """How many ticks plotly may put on a y axis of a chart `height` px tall: one per 40 px of the axis's
    length (the height less the bottom margin and one to five rows of legend), 4 to 9, plus one."""
    if not height:
        return (5, 10)
    lengths = [height - BOTTOM_MARGIN_PX - top for top in LEGEND_MARGINS_PX]
    return tuple(min(max(length / MIN_TICK_SPACING_PX, 4), 9) + 1 for length in lengths)


def _tick_step(rough: float) -> float:
    """plotly's linear tick step for a rough step: rounded up to 2, 5 or 10 times its power of ten."""
    if rough <= 0 or not math.isfinite(rough):
        return 1.0
    base = 10 ** math.floor(math.log10(rough))
    return next(step * base for step in ROUND_STEPS if step * base >= rough * (1 - 1e-9))


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _value_span(traces: list[dict]) -> tuple[float, float]:
    """The smallest and largest y a chart's traces draw, the ends of error bars included; (0, 1) for none."""
    values = []
    for trace in traces:
        error = trace.get("error_y") or {}
        above, below = _ys(error, "array"), _ys(error, "arrayminus")
        for i, y in enumerate(_ys(trace)):
            if _finite(y):
                values += [y] + [y + a for a in above[i:i + 1] if _finite(a)] + [y - b for b in below[i:i + 1]
                                                                                if _finite(b)]
    return (float(min(values)), float(max(values))) if values else (0.0, 1.0)


def _ys(container: dict, key: str = "y") -> list:
    """A trace's values under `key` as a list: none for a missing key or None (a list or a numpy array)."""
    values = container.get(key)
    return [] if values is None else list(values)


def _finite(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _lines(text: str) -> list[str]:
    """The lines of a plotly label as the reader sees them: split at `<br>`, entities decoded."""
    return [html.unescape(line) for line in text.split("<br>")] if text else []
